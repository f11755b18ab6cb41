#include "quell/reputation/calendar.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdio>
#include <map>

#include "quell/core/civil_time.h"

namespace quell::reputation {
namespace {

constexpr int64_t kMsPerDay = 86'400'000;
constexpr int64_t kMsPerMinute = 60'000;
constexpr int kMaxUtcOffsetMinutes = 14 * 60;

constexpr int64_t FloorDiv(int64_t a, int64_t b) {
  return a / b - (a % b != 0 && (a < 0) != (b < 0));
}
constexpr int64_t FloorMod(int64_t a, int64_t b) { return a - FloorDiv(a, b) * b; }

// 1970-01-01 was a Thursday: ISO weekday 4.
constexpr int IsoWeekdayOfDay(int64_t day) { return static_cast<int>(FloorMod(day + 3, 7)) + 1; }
constexpr bool IsWeekend(int64_t day) { return IsoWeekdayOfDay(day) >= 6; }

// Monday-Friday days d with d < day, counted from the Monday 1969-12-29 (day -3);
// differences of it count the weekdays of a span without walking it.
constexpr int64_t WeekdaysBefore(int64_t day) {
  const int64_t since_monday = day + 3;
  return 5 * FloorDiv(since_monday, 7) + std::min<int64_t>(FloorMod(since_monday, 7), 5);
}

// ---------------------------------------------------------------------------------
// China's statutory holidays and make-up working days, from the State Council
// General Office notices (国务院办公厅关于20XX年部分节假日安排的通知). Ranges are
// the notices' "放假" spans, inclusive; weekend days inside them change nothing.
// docs/calendar.md cites each notice. To add a year: append its rows below, add
// the year to kChinaYears, and add its table to tests/reputation/calendar_test.cc.

struct BuiltInRange {
  int year;
  int first_month, first_day;
  int last_month, last_day;
};
struct BuiltInDay {
  int year, month, day;
};

constexpr std::array<int, 3> kChinaYears = {2024, 2025, 2026};

constexpr BuiltInRange kChinaHolidays[] = {
    // 2024: 国办发明电〔2023〕7号, 2023-10-25.
    {2024, 1, 1, 1, 1},    // 元旦, with the weekend
    {2024, 2, 10, 2, 17},  // 春节 (除夕 2-09 only "encouraged", a working day)
    {2024, 4, 4, 4, 6},    // 清明节
    {2024, 5, 1, 5, 5},    // 劳动节
    {2024, 6, 10, 6, 10},  // 端午节, with the weekend
    {2024, 9, 15, 9, 17},  // 中秋节
    {2024, 10, 1, 10, 7},  // 国庆节
    // 2025: 国办发明电〔2024〕12号, 2024-11-12 (the revised 放假办法 adds 除夕 and 5-02).
    {2025, 1, 1, 1, 1},    // 元旦
    {2025, 1, 28, 2, 4},   // 春节, 除夕 to 正月初七
    {2025, 4, 4, 4, 6},    // 清明节
    {2025, 5, 1, 5, 5},    // 劳动节
    {2025, 5, 31, 6, 2},   // 端午节
    {2025, 10, 1, 10, 8},  // 国庆节、中秋节
    // 2026: notice of 2025-11-04.
    {2026, 1, 1, 1, 3},    // 元旦
    {2026, 2, 15, 2, 23},  // 春节, 腊月二十八 to 正月初七
    {2026, 4, 4, 4, 6},    // 清明节
    {2026, 5, 1, 5, 5},    // 劳动节
    {2026, 6, 19, 6, 21},  // 端午节
    {2026, 9, 25, 9, 27},  // 中秋节
    {2026, 10, 1, 10, 7},  // 国庆节
};

constexpr BuiltInDay kChinaWorkdays[] = {
    {2024, 2, 4},  {2024, 2, 18},  {2024, 4, 7},   {2024, 4, 28},  // 春节, 春节, 清明, 劳动
    {2024, 5, 11}, {2024, 9, 14},  {2024, 9, 29},  {2024, 10, 12},  // 劳动, 中秋, 国庆, 国庆
    {2025, 1, 26}, {2025, 2, 8},   {2025, 4, 27},                   // 春节, 春节, 劳动
    {2025, 9, 28}, {2025, 10, 11},                                  // 国庆, 国庆
    {2026, 1, 4},  {2026, 2, 14},  {2026, 2, 28},                   // 元旦, 春节, 春节
    {2026, 5, 9},  {2026, 9, 20},  {2026, 10, 10},                  // 劳动, 国庆, 国庆
};

// A make-up working day is a Saturday or Sunday by definition, and a range runs
// forwards within its year: a make-up day typed on a weekday, a reversed range or
// a day past the month's end fails the build here.
constexpr bool BuiltInTablesConsistent() {
  for (const BuiltInDay& d : kChinaWorkdays) {
    if (!IsWeekend(DaysFromCivil(d.year, d.month, d.day))) return false;
  }
  for (const BuiltInRange& r : kChinaHolidays) {
    if (DaysFromCivil(r.year, r.first_month, r.first_day) >
        DaysFromCivil(r.year, r.last_month, r.last_day)) {
      return false;
    }
    if (r.last_day > DaysInMonth(r.year, r.last_month)) return false;
  }
  return true;
}
static_assert(BuiltInTablesConsistent());

// ---------------------------------------------------------------------------------

// The calendar's date of a day (core's proleptic Gregorian conversion).
CivilDate CivilFromDays(int64_t z) {
  const quell::CivilDate d = quell::CivilFromDays(z);
  return CivilDate{.year = static_cast<int>(d.year), .month = d.month, .day = d.day};
}

std::string Quoted(std::string_view text) { return "'" + std::string(text) + "'"; }

bool ParseDigits(std::string_view text, int& out) {
  if (text.empty() ||
      !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return false;
  }
  return std::from_chars(text.data(), text.data() + text.size(), out).ec == std::errc();
}

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

struct DayRange {
  int64_t first;
  int64_t last;
};

// "YYYY-MM-DD" or "YYYY-MM-DD..YYYY-MM-DD".
Result<DayRange> ParseDayOrRange(std::string_view entry) {
  const size_t dots = entry.find("..");
  if (dots == std::string_view::npos) {
    QUELL_ASSIGN_OR_RETURN(CivilDate day, CivilDate::Parse(TrimSpaces(entry)));
    return DayRange{day.ToDays(), day.ToDays()};
  }
  // The entry goes into the message: "'2025-12-24..': '': expected a date".
  Result<CivilDate> first = CivilDate::Parse(TrimSpaces(entry.substr(0, dots)));
  if (!first) return first.status().WithContext(Quoted(entry));
  Result<CivilDate> last = CivilDate::Parse(TrimSpaces(entry.substr(dots + 2)));
  if (!last) return last.status().WithContext(Quoted(entry));
  if (*last < *first) {
    return InvalidArgument(Quoted(entry) + ": the range ends before it starts");
  }
  const int64_t days = last->ToDays() - first->ToDays() + 1;
  if (days > WorkingCalendar::kMaxRangeDays) {
    return InvalidArgument(Quoted(entry) + ": a range of " + std::to_string(days) +
                           " days is longer than the " +
                           std::to_string(WorkingCalendar::kMaxRangeDays) + " allowed");
  }
  return DayRange{first->ToDays(), last->ToDays()};
}

struct Override {
  bool working;
  std::string source;  // "holidays[2]", for conflicts
};

// Adds the configured entries of one list (`key` is "holidays" or "workdays").
Status AddConfigured(const std::vector<std::string>& entries, std::string_view key, bool working,
                     std::map<int64_t, Override>& configured) {
  for (size_t i = 0; i < entries.size(); ++i) {
    const std::string source = std::string(key) + "[" + std::to_string(i) + "]";
    Result<DayRange> range = ParseDayOrRange(entries[i]);
    if (!range) return range.status().WithContext(source);
    for (int64_t day = range->first; day <= range->last; ++day) {
      auto [it, inserted] = configured.try_emplace(day, Override{working, source});
      if (!inserted && it->second.working != working) {
        return InvalidArgument(source + ": " + Quoted(entries[i]) + ": " +
                               CivilDate::FromDays(day).ToString() + " is also in " +
                               it->second.source);
      }
    }
  }
  return Status::Ok();
}

}  // namespace

Result<CivilDate> CivilDate::Parse(std::string_view text) {
  int year = 0, month = 0, day = 0;
  if (text.size() != 10 || text[4] != '-' || text[7] != '-' ||
      !ParseDigits(text.substr(0, 4), year) || !ParseDigits(text.substr(5, 2), month) ||
      !ParseDigits(text.substr(8, 2), day)) {
    return InvalidArgument(Quoted(text) + ": expected a date YYYY-MM-DD");
  }
  if (month < 1 || month > 12) {
    return InvalidArgument(Quoted(text) + ": month " + std::to_string(month) + " is not 01-12");
  }
  if (day < 1 || day > DaysInMonth(year, month)) {
    return InvalidArgument(Quoted(text) + ": day " + std::to_string(day) + " is not in " +
                           std::string(text.substr(0, 7)));
  }
  return CivilDate{.year = year, .month = month, .day = day};
}

CivilDate CivilDate::FromDays(int64_t days) { return CivilFromDays(days); }

int64_t CivilDate::ToDays() const { return DaysFromCivil(year, month, day); }

int CivilDate::IsoWeekday() const { return IsoWeekdayOfDay(ToDays()); }

std::string CivilDate::ToString() const {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, month, day);
  return buf;
}

Result<WorkingCalendar> WorkingCalendar::Create(const CalendarOptions& options) {
  const bool china = options.region == "CN";
  if (!china && options.region != "none") {
    return InvalidArgument("region " + Quoted(options.region) +
                           ": no built-in calendar; expected 'CN' or 'none'");
  }
  if (options.utc_offset_minutes < -kMaxUtcOffsetMinutes ||
      options.utc_offset_minutes > kMaxUtcOffsetMinutes) {
    return InvalidArgument("utc_offset " + std::to_string(options.utc_offset_minutes) +
                           " minutes is outside -14:00..+14:00");
  }

  // The configured days first (to find conflicts between them), then the
  // built-in days wherever the configuration says nothing.
  std::map<int64_t, Override> days;
  QUELL_RETURN_IF_ERROR(AddConfigured(options.holidays, "holidays", false, days));
  QUELL_RETURN_IF_ERROR(AddConfigured(options.workdays, "workdays", true, days));

  WorkingCalendar cal;
  for (const auto& [day, o] : days) {
    if (!o.working) cal.covered_years_.push_back(CivilFromDays(day).year);
  }
  if (china) {
    for (const BuiltInRange& r : kChinaHolidays) {
      const int64_t last = DaysFromCivil(r.year, r.last_month, r.last_day);
      for (int64_t day = DaysFromCivil(r.year, r.first_month, r.first_day); day <= last; ++day) {
        days.try_emplace(day, Override{false, "built-in"});
      }
    }
    for (const BuiltInDay& d : kChinaWorkdays) {
      days.try_emplace(DaysFromCivil(d.year, d.month, d.day), Override{true, "built-in"});
    }
    cal.covered_years_.insert(cal.covered_years_.end(), kChinaYears.begin(), kChinaYears.end());
  }
  std::sort(cal.covered_years_.begin(), cal.covered_years_.end());
  cal.covered_years_.erase(std::unique(cal.covered_years_.begin(), cal.covered_years_.end()),
                           cal.covered_years_.end());

  // Only the exceptions to the weekend rule are kept (a holiday on a Sunday
  // changes nothing), so counting needs no more than two binary searches.
  for (const auto& [day, o] : days) {
    if (IsWeekend(day) && o.working) cal.weekend_days_worked_.push_back(day);
    if (!IsWeekend(day) && !o.working) cal.weekdays_off_.push_back(day);
  }
  cal.region_ = options.region;
  cal.utc_offset_minutes_ = options.utc_offset_minutes;
  return cal;
}

bool WorkingCalendar::IsWorkingDay(CivilDate date) const {
  return IsWorkingDayNumber(date.ToDays());
}

CivilDate WorkingCalendar::LocalDate(int64_t unix_ms) const {
  return CivilFromDays(LocalDay(unix_ms));
}

int64_t WorkingCalendar::StartOfDay(CivilDate date) const { return DayStart(date.ToDays()); }

int64_t WorkingCalendar::AddWorkingDays(int64_t received_unix_ms, int n) const {
  const int64_t received = LocalDay(received_unix_ms);
  if (n <= 0) return DayStart(received + 1);
  // The n-th working day after `received` is the first day through which n
  // working days have elapsed. Every 7 days hold 5 weekdays and at most
  // weekdays_off_.size() of all weekdays are off, so `hi` is far enough.
  const int64_t need = n;
  int64_t lo = received;  // CountWorkingDays(received, lo) < need
  int64_t hi =
      received + 7 * ((need + static_cast<int64_t>(weekdays_off_.size())) / 5 + 2);  // >= need
  while (hi - lo > 1) {
    const int64_t mid = lo + (hi - lo) / 2;
    (CountWorkingDays(received, mid) >= need ? hi : lo) = mid;
  }
  return DayStart(hi + 1);
}

int64_t WorkingCalendar::WorkingDaysBetween(int64_t from_unix_ms, int64_t to_unix_ms) const {
  const int64_t from = LocalDay(from_unix_ms);
  const int64_t to = LocalDay(to_unix_ms);
  return to >= from ? CountWorkingDays(from, to) : -CountWorkingDays(to, from);
}

bool WorkingCalendar::Covers(int year) const {
  return region_ == "none" ||
         std::binary_search(covered_years_.begin(), covered_years_.end(), year);
}

std::span<const int> WorkingCalendar::BuiltInYears() const {
  if (region_ == "CN") return kChinaYears;
  return {};
}

int64_t WorkingCalendar::LocalDay(int64_t unix_ms) const {
  return FloorDiv(unix_ms + utc_offset_minutes_ * kMsPerMinute, kMsPerDay);
}

int64_t WorkingCalendar::DayStart(int64_t day) const {
  return day * kMsPerDay - utc_offset_minutes_ * kMsPerMinute;
}

bool WorkingCalendar::IsWorkingDayNumber(int64_t day) const {
  if (IsWeekend(day)) {
    return std::binary_search(weekend_days_worked_.begin(), weekend_days_worked_.end(), day);
  }
  return !std::binary_search(weekdays_off_.begin(), weekdays_off_.end(), day);
}

int64_t WorkingCalendar::CountWorkingDays(int64_t after, int64_t through) const {
  // Days in (after, through] that are in a sorted list.
  auto in_span = [after, through](const std::vector<int64_t>& days) -> int64_t {
    return std::upper_bound(days.begin(), days.end(), through) -
           std::upper_bound(days.begin(), days.end(), after);
  };
  return WeekdaysBefore(through + 1) - WeekdaysBefore(after + 1) - in_span(weekdays_off_) +
         in_span(weekend_days_worked_);
}

}  // namespace quell::reputation
