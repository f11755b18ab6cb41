// WorkingCalendar: working days for service clocks (complaint cases must be
// forwarded within 3 working days, answered within 15): weekends and public
// holidays are not working days, and make-up working days (调休) on a weekend
// are. Built in: China's public holidays and make-up days as the State Council
// announced them; more from quell.toml. docs/calendar.md has the rules, the
// sources of the built-in data and worked examples.
//
// Days are local dates at the calendar's UTC offset (+08:00 for China): a
// complaint received at 23:30 Beijing time on a Friday is received on Friday.
// Periods are counted as the Civil Code counts them (arts. 201, 203): the day of
// receipt is not counted, the first working day after it is day 1, and the
// period ends at 24:00 local time of its last working day.
//
//   QUELL_ASSIGN_OR_RETURN(WorkingCalendar cal, WorkingCalendar::Create({}));
//   int64_t due = cal.AddWorkingDays(received_ms, 3);  // late iff done_ms >= due
//   if (!cal.Covers(year)) ...;  // no holiday data for that year: weekends only
//
// Thread-safety: a WorkingCalendar is immutable after Create; every method is
// const and safe to call from any number of threads.
#pragma once

#include <compare>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "quell/core/status.h"

namespace quell::reputation {

// A date of the proleptic Gregorian calendar, without a time or a zone.
struct CivilDate {
  int year = 1970;
  int month = 1;  // 1-12
  int day = 1;    // 1-31

  // Exactly "YYYY-MM-DD" (four-digit year, two-digit month and day) naming a real
  // date. InvalidArgument quoting the text and saying what is wrong otherwise.
  static Result<CivilDate> Parse(std::string_view text);
  // The date `days` days after 1970-01-01 (before it when negative).
  static CivilDate FromDays(int64_t days);
  // Days since 1970-01-01 (quell::DaysFromCivil).
  int64_t ToDays() const;
  // ISO weekday: 1 = Monday ... 7 = Sunday.
  int IsoWeekday() const;
  // "YYYY-MM-DD".
  std::string ToString() const;

  friend auto operator<=>(const CivilDate&, const CivilDate&) = default;
};

// How to build a WorkingCalendar; the defaults are China's ([complaints.calendar]
// in quell.toml, docs/calendar.md).
struct CalendarOptions {
  // "CN": weekends plus China's statutory holidays and make-up working days for
  // the built-in years. "none": weekends only.
  std::string region = "CN";
  // Minutes east of UTC of the local time in which days are counted, -840..840.
  int utc_offset_minutes = 8 * 60;
  // Extra days off: "YYYY-MM-DD" or an inclusive range "YYYY-MM-DD..YYYY-MM-DD"
  // of at most 366 days.
  std::vector<std::string> holidays;
  // Extra working days (a weekend day declared a working day), same forms.
  std::vector<std::string> workdays;
};

class WorkingCalendar {
 public:
  // Longest range accepted in CalendarOptions::holidays and ::workdays.
  static constexpr int kMaxRangeDays = 366;

  // The built-in data of `options.region` with the extra days on top: an extra
  // holiday turns a built-in make-up day off, an extra workday turns a built-in
  // holiday on. InvalidArgument naming the entry ("holidays[2]: '2025-02-30':
  // day 30 is not in 2025-02") for a malformed date or range, a date listed in
  // both holidays and workdays, an unknown region or an offset out of range.
  static Result<WorkingCalendar> Create(const CalendarOptions& options);

  // Whether `date` is a working day: Monday-Friday and not a holiday, or a
  // make-up working day.
  bool IsWorkingDay(CivilDate date) const;

  // The local date of an instant (Unix milliseconds).
  CivilDate LocalDate(int64_t unix_ms) const;
  // The instant (Unix milliseconds) at which `date` begins, 00:00 local time;
  // StartOfDay(next day) is the date's 24:00.
  int64_t StartOfDay(CivilDate date) const;

  // The deadline of a period of `n` working days for something received at
  // `received_unix_ms`: 24:00 local time (the next day's 00:00, as an instant)
  // of the n-th working day after the local day of receipt. The day of receipt
  // is never counted, working or not, so receipt on a weekend or a holiday
  // starts the count at the next working day. Work done at an instant < the
  // deadline is on time. n = 0 gives the end of the day of receipt; a negative n
  // is treated as 0.
  int64_t AddWorkingDays(int64_t received_unix_ms, int n) const;

  // Working days elapsed from `from_unix_ms` to `to_unix_ms`, counted like
  // AddWorkingDays: the working days after from's local date up to and including
  // to's local date; negative (the same count, negated) when `to` is before
  // `from`'s day. So WorkingDaysBetween(t, AddWorkingDays(t, n) - 1) == n, and a
  // case with an n-day clock handled at `done` is overdue by
  // WorkingDaysBetween(received, done) - n working days when that is positive.
  int64_t WorkingDaysBetween(int64_t from_unix_ms, int64_t to_unix_ms) const;

  // Whether the calendar knows the holidays of `year`: always for region "none"
  // (weekends are the whole rule); for "CN", the built-in years and any year in
  // which an extra holiday was configured. Other years are counted as weekends
  // only, which is wrong wherever they have public holidays, so callers should
  // warn (once) when a clock touches a year not covered.
  bool Covers(int year) const;

  // The years of the region's built-in data, ascending (empty for "none").
  std::span<const int> BuiltInYears() const;

  const std::string& region() const { return region_; }
  int utc_offset_minutes() const { return utc_offset_minutes_; }

 private:
  WorkingCalendar() = default;

  int64_t LocalDay(int64_t unix_ms) const;
  int64_t DayStart(int64_t day) const;
  bool IsWorkingDayNumber(int64_t day) const;
  // Working days d with after < d <= through; requires after <= through.
  int64_t CountWorkingDays(int64_t after, int64_t through) const;

  std::string region_;
  int utc_offset_minutes_ = 0;
  // Exceptions to the weekend rule, as days since 1970-01-01, sorted: the
  // Monday-Friday days that are off, and the Saturdays and Sundays that are worked.
  std::vector<int64_t> weekdays_off_;
  std::vector<int64_t> weekend_days_worked_;
  // Years with holiday data (built in or configured), sorted.
  std::vector<int> covered_years_;
};

}  // namespace quell::reputation
