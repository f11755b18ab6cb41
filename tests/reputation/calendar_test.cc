#include "quell/reputation/calendar.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace quell::reputation {
namespace {

constexpr int64_t kHourMs = 3'600'000;

CivilDate Date(std::string_view text) {
  Result<CivilDate> d = CivilDate::Parse(text);
  EXPECT_TRUE(d.has_value()) << text;
  return d.value_or(CivilDate{});
}

WorkingCalendar China() {
  Result<WorkingCalendar> cal = WorkingCalendar::Create({});
  EXPECT_TRUE(cal.has_value()) << cal.status().ToString();
  return *std::move(cal);
}

// The instant of a local time "YYYY-MM-DD" + hh:mm at the calendar's offset.
int64_t At(const WorkingCalendar& cal, std::string_view date, int hour, int minute = 0) {
  return cal.StartOfDay(Date(date)) + hour * kHourMs + minute * int64_t{60'000};
}

// The deadline as the local date whose 24:00 it is.
std::string DeadlineDay(const WorkingCalendar& cal, int64_t received_ms, int n) {
  const int64_t deadline = cal.AddWorkingDays(received_ms, n);
  EXPECT_EQ(cal.StartOfDay(cal.LocalDate(deadline)), deadline) << "not a midnight";
  return cal.LocalDate(deadline - 1).ToString();
}

TEST(CivilDateTest, ParsesFormatsAndCounts) {
  const CivilDate d = Date("2025-01-28");
  EXPECT_EQ(d, (CivilDate{2025, 1, 28}));
  EXPECT_EQ(d.ToString(), "2025-01-28");
  EXPECT_EQ(d.IsoWeekday(), 2);  // Tuesday, as the notice says
  EXPECT_EQ(Date("1970-01-01").ToDays(), 0);
  EXPECT_EQ(Date("1970-01-01").IsoWeekday(), 4);
  EXPECT_EQ(Date("1969-12-28").IsoWeekday(), 7);
  EXPECT_EQ(Date("2024-02-29").ToDays() + 1, Date("2024-03-01").ToDays());
  for (int64_t days = -800'000; days <= 800'000; days += 997) {
    EXPECT_EQ(CivilDate::FromDays(days).ToDays(), days);
  }
  EXPECT_EQ(CivilDate::FromDays(-1).ToString(), "1969-12-31");
  EXPECT_LT(Date("2025-09-30"), Date("2025-10-01"));
}

TEST(CivilDateTest, RejectsWhatIsNotADate) {
  for (const char* bad :
       {"", "2025-1-01", "2025/01/01", "25-01-01", "2025-01-01T00:00", "+025-01-01", "2025-00-10",
        "2025-13-01", "2025-02-29", "2025-04-31", "2025-01-00", " 2025-01-01"}) {
    Result<CivilDate> d = CivilDate::Parse(bad);
    ASSERT_FALSE(d.has_value()) << bad;
    EXPECT_EQ(d.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(d.status().message().find("'" + std::string(bad) + "'"), std::string::npos)
        << d.status().message();
  }
  EXPECT_EQ(CivilDate::Parse("2025-02-29").status().message(),
            "'2025-02-29': day 29 is not in 2025-02");
  EXPECT_EQ(CivilDate::Parse("2025-13-01").status().message(),
            "'2025-13-01': month 13 is not 01-12");
}

// 国务院办公厅关于2025年部分节假日安排的通知 (国办发明电〔2024〕12号), every day of it.
struct NoticeDay {
  const char* date;
  bool working;
  const char* what;
};
constexpr NoticeDay kNotice2025[] = {
    {"2025-01-01", false, "元旦 (周三) 放假1天, 不调休"},
    {"2025-01-26", true, "春节调休上班 (周日)"},
    {"2025-01-28", false, "春节 除夕 (周二)"},
    {"2025-01-29", false, "春节 初一"},
    {"2025-01-30", false, "春节 初二"},
    {"2025-01-31", false, "春节 初三"},
    {"2025-02-01", false, "春节 (周六)"},
    {"2025-02-02", false, "春节 (周日)"},
    {"2025-02-03", false, "春节"},
    {"2025-02-04", false, "春节 初七 (周二)"},
    {"2025-02-08", true, "春节调休上班 (周六)"},
    {"2025-04-04", false, "清明节 (周五)"},
    {"2025-04-05", false, "清明节"},
    {"2025-04-06", false, "清明节 (周日)"},
    {"2025-04-27", true, "劳动节调休上班 (周日)"},
    {"2025-05-01", false, "劳动节 (周四)"},
    {"2025-05-02", false, "劳动节 (新增)"},
    {"2025-05-03", false, "劳动节"},
    {"2025-05-04", false, "劳动节"},
    {"2025-05-05", false, "劳动节 (周一)"},
    {"2025-05-31", false, "端午节 (周六)"},
    {"2025-06-01", false, "端午节"},
    {"2025-06-02", false, "端午节 (周一)"},
    {"2025-09-28", true, "国庆节调休上班 (周日)"},
    {"2025-10-01", false, "国庆节、中秋节 (周三)"},
    {"2025-10-02", false, "国庆节"},
    {"2025-10-03", false, "国庆节"},
    {"2025-10-04", false, "国庆节"},
    {"2025-10-05", false, "国庆节"},
    {"2025-10-06", false, "中秋节"},
    {"2025-10-07", false, "国庆节"},
    {"2025-10-08", false, "国庆节 (周三)"},
    {"2025-10-11", true, "国庆节调休上班 (周六)"},
};

TEST(WorkingCalendarTest, China2025AsTheNoticeSays) {
  const WorkingCalendar cal = China();
  for (const NoticeDay& d : kNotice2025) {
    EXPECT_EQ(cal.IsWorkingDay(Date(d.date)), d.working) << d.date << " " << d.what;
    if (d.working) {
      EXPECT_GE(Date(d.date).IsoWeekday(), 6) << d.date << " make-up on a weekday";
    }
  }
  // The days around the holidays are ordinary.
  EXPECT_TRUE(cal.IsWorkingDay(Date("2025-01-27")));   // Monday before the eve
  EXPECT_TRUE(cal.IsWorkingDay(Date("2025-02-05")));   // back to work
  EXPECT_FALSE(cal.IsWorkingDay(Date("2025-02-09")));  // Sunday after the make-up Saturday
  EXPECT_TRUE(cal.IsWorkingDay(Date("2025-09-30")));
  EXPECT_TRUE(cal.IsWorkingDay(Date("2025-10-09")));
  EXPECT_FALSE(cal.IsWorkingDay(Date("2025-10-12")));
}

// The three notices as ranges, typed from the notices (not from calendar.cc):
// every day of each year must be off exactly when a notice or the weekend says so.
struct Span {
  const char* first;
  const char* last;
};
struct YearNotice {
  int year;
  std::vector<Span> holidays;
  std::vector<const char*> workdays;
  int working_days;  // in the whole year
};

std::vector<YearNotice> Notices() {
  return {
      {2024,  // 国办发明电〔2023〕7号
       {{"2024-01-01", "2024-01-01"},
        {"2024-02-10", "2024-02-17"},
        {"2024-04-04", "2024-04-06"},
        {"2024-05-01", "2024-05-05"},
        {"2024-06-10", "2024-06-10"},
        {"2024-09-15", "2024-09-17"},
        {"2024-10-01", "2024-10-07"}},
       {"2024-02-04", "2024-02-18", "2024-04-07", "2024-04-28", "2024-05-11", "2024-09-14",
        "2024-09-29", "2024-10-12"},
       251},
      {2025,  // 国办发明电〔2024〕12号
       {{"2025-01-01", "2025-01-01"},
        {"2025-01-28", "2025-02-04"},
        {"2025-04-04", "2025-04-06"},
        {"2025-05-01", "2025-05-05"},
        {"2025-05-31", "2025-06-02"},
        {"2025-10-01", "2025-10-08"}},
       {"2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11"},
       248},
      {2026,  // notice of 2025-11-04
       {{"2026-01-01", "2026-01-03"},
        {"2026-02-15", "2026-02-23"},
        {"2026-04-04", "2026-04-06"},
        {"2026-05-01", "2026-05-05"},
        {"2026-06-19", "2026-06-21"},
        {"2026-09-25", "2026-09-27"},
        {"2026-10-01", "2026-10-07"}},
       {"2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"},
       248},
  };
}

TEST(WorkingCalendarTest, EveryDayOfTheBuiltInYears) {
  const WorkingCalendar cal = China();
  const std::vector<int> years(cal.BuiltInYears().begin(), cal.BuiltInYears().end());
  EXPECT_EQ(years, (std::vector<int>{2024, 2025, 2026}));
  for (const YearNotice& notice : Notices()) {
    int working = 0;
    for (int64_t day = Date(std::to_string(notice.year) + "-01-01").ToDays();
         CivilDate::FromDays(day).year == notice.year; ++day) {
      const CivilDate date = CivilDate::FromDays(day);
      bool expected = date.IsoWeekday() <= 5;
      for (const Span& s : notice.holidays) {
        if (Date(s.first) <= date && date <= Date(s.last)) expected = false;
      }
      for (const char* w : notice.workdays) {
        if (Date(w) == date) expected = true;
      }
      EXPECT_EQ(cal.IsWorkingDay(date), expected) << date.ToString();
      working += cal.IsWorkingDay(date);
    }
    EXPECT_EQ(working, notice.working_days) << notice.year;
    EXPECT_TRUE(cal.Covers(notice.year));
    // The whole year through the counting path too.
    const int64_t eve = cal.StartOfDay(Date(std::to_string(notice.year - 1) + "-12-31"));
    const int64_t last = cal.StartOfDay(Date(std::to_string(notice.year) + "-12-31"));
    EXPECT_EQ(cal.WorkingDaysBetween(eve, last), notice.working_days) << notice.year;
  }
}

TEST(WorkingCalendarTest, DeadlinesAcrossNationalDay2025) {
  const WorkingCalendar cal = China();
  // Received Tuesday 30 September: 1-8 October are off, Thursday 9 and Friday 10
  // are days 1 and 2, the make-up Saturday 11 is day 3.
  const int64_t received = At(cal, "2025-09-30", 10);
  EXPECT_EQ(cal.AddWorkingDays(received, 3), cal.StartOfDay(Date("2025-10-12")));
  EXPECT_EQ(DeadlineDay(cal, received, 3), "2025-10-11");
  EXPECT_EQ(DeadlineDay(cal, received, 1), "2025-10-09");
  EXPECT_EQ(DeadlineDay(cal, received, 15), "2025-10-28");
  // 2025-10-12T00:00+08:00 is 2025-10-11T16:00Z.
  EXPECT_EQ(cal.AddWorkingDays(received, 3), 1760198400000);
  // Received on the make-up Sunday before: Monday 29 and Tuesday 30, then 9 October.
  EXPECT_EQ(DeadlineDay(cal, At(cal, "2025-09-28", 9), 3), "2025-10-09");
}

TEST(WorkingCalendarTest, DeadlinesAcrossSpringFestival2025) {
  const WorkingCalendar cal = China();
  // Friday 24 January: the make-up Sunday 26 is day 1, Monday 27 day 2, then the
  // festival (28 January - 4 February), Wednesday 5 February day 3.
  EXPECT_EQ(DeadlineDay(cal, At(cal, "2025-01-24", 15), 1), "2025-01-26");
  EXPECT_EQ(DeadlineDay(cal, At(cal, "2025-01-24", 15), 3), "2025-02-05");
  EXPECT_EQ(DeadlineDay(cal, At(cal, "2025-01-24", 15), 15), "2025-02-20");
  // Monday 27, the last working day before the festival.
  EXPECT_EQ(DeadlineDay(cal, At(cal, "2025-01-27", 17), 3), "2025-02-07");
  // 15 working days take in the make-up Saturday 8 February.
  EXPECT_EQ(DeadlineDay(cal, At(cal, "2025-01-27", 17), 15), "2025-02-24");
  // Across the year end: 1 January 2026 to 3 January are off, Sunday 4 is worked.
  EXPECT_EQ(DeadlineDay(cal, At(cal, "2025-12-31", 12), 1), "2026-01-04");
  EXPECT_EQ(DeadlineDay(cal, At(cal, "2025-12-31", 12), 3), "2026-01-06");
}

TEST(WorkingCalendarTest, ReceiptOnAWeekendHolidayOrMakeUpDay) {
  const WorkingCalendar cal = China();
  // Weekend: counting starts on Monday.
  EXPECT_EQ(DeadlineDay(cal, At(cal, "2025-03-08", 11), 3), "2025-03-12");
  EXPECT_EQ(DeadlineDay(cal, At(cal, "2025-03-09", 11), 3), "2025-03-12");
  // Holiday: counting starts at the first working day after it; the same
  // deadline as receipt on the working day before the holiday.
  EXPECT_EQ(DeadlineDay(cal, At(cal, "2025-10-03", 11), 3), "2025-10-11");
  EXPECT_EQ(DeadlineDay(cal, At(cal, "2025-02-03", 11), 3), "2025-02-07");
  // Make-up day: a working day, but like any day of receipt not counted.
  EXPECT_EQ(DeadlineDay(cal, At(cal, "2025-01-26", 11), 3), "2025-02-06");
  EXPECT_EQ(DeadlineDay(cal, At(cal, "2025-01-26", 11), 1), "2025-01-27");
  // n = 0 is the end of the day of receipt, whatever the day.
  EXPECT_EQ(DeadlineDay(cal, At(cal, "2025-10-03", 11), 0), "2025-10-03");
  EXPECT_EQ(cal.AddWorkingDays(At(cal, "2025-10-03", 11), -5),
            cal.AddWorkingDays(At(cal, "2025-10-03", 11), 0));
}

TEST(WorkingCalendarTest, LateEveningReceiptCountsTheLocalDay) {
  const WorkingCalendar cal = China();
  EXPECT_EQ(cal.utc_offset_minutes(), 480);
  // 23:30 Beijing time on Friday 24 January 2025 is 15:30Z the same day.
  const int64_t friday_late = At(cal, "2025-01-24", 23, 30);
  EXPECT_EQ(friday_late, 1737732600000);
  EXPECT_EQ(cal.LocalDate(friday_late).ToString(), "2025-01-24");
  // 00:30 Beijing time on Friday is still Thursday 16:30Z: a Friday receipt.
  const int64_t friday_early = At(cal, "2025-01-24", 0, 30);
  EXPECT_EQ(friday_early, 1737649800000);
  EXPECT_EQ(cal.LocalDate(friday_early).ToString(), "2025-01-24");
  EXPECT_EQ(DeadlineDay(cal, friday_early, 3), "2025-02-05");
  // One hour earlier, 23:30 on Thursday: Friday, Sunday (make-up), Monday.
  EXPECT_EQ(DeadlineDay(cal, friday_early - kHourMs, 3), "2025-01-27");
  // The deadline is 24:00 Beijing time, 16:00Z.
  EXPECT_EQ(cal.AddWorkingDays(friday_early - kHourMs, 3), 1737993600000);  // 2025-01-27T16:00Z

  // The same instant (Thursday 16:30Z) on a UTC calendar is Thursday.
  Result<WorkingCalendar> utc = WorkingCalendar::Create({.utc_offset_minutes = 0});
  ASSERT_TRUE(utc.has_value());
  EXPECT_EQ(utc->LocalDate(friday_early).ToString(), "2025-01-23");
  EXPECT_EQ(DeadlineDay(*utc, friday_early, 3), "2025-01-27");
  EXPECT_EQ(utc->AddWorkingDays(friday_early, 3), 1738022400000);  // 2025-01-28T00:00Z

  // West of UTC, an evening is already tomorrow in UTC.
  Result<WorkingCalendar> west = WorkingCalendar::Create({.utc_offset_minutes = -(5 * 60 + 30)});
  ASSERT_TRUE(west.has_value());
  EXPECT_EQ(west->LocalDate(1737732600000).ToString(), "2025-01-24");  // 10:00 local
  EXPECT_EQ(west->StartOfDay(Date("2025-01-24")), 1737696600000);      // 05:30Z
}

TEST(WorkingCalendarTest, WorkingDaysBetweenInvertsAddWorkingDays) {
  const WorkingCalendar cal = China();
  std::mt19937_64 rng(12321);
  // 2023-07-01 .. 2027-06-30: the built-in years and weekend-only years around them.
  std::uniform_int_distribution<int64_t> instant(cal.StartOfDay(Date("2023-07-01")),
                                                 cal.StartOfDay(Date("2027-06-30")));
  std::uniform_int_distribution<int> days(0, 60);
  for (int i = 0; i < 5000; ++i) {
    const int64_t received = instant(rng);
    const int n = days(rng);
    const int64_t deadline = cal.AddWorkingDays(received, n);
    ASSERT_GT(deadline, received);
    EXPECT_EQ(cal.WorkingDaysBetween(received, deadline - 1), n) << received << " + " << n;
    if (n > 0) {
      // The last day is a working day, and the deadline is the earliest such.
      EXPECT_TRUE(cal.IsWorkingDay(cal.LocalDate(deadline - 1)));
      EXPECT_LE(cal.AddWorkingDays(received, n - 1), deadline - 86'400'000);
    }
    // Past the deadline, the count goes on.
    EXPECT_GE(cal.WorkingDaysBetween(received, deadline), n);
    EXPECT_EQ(cal.WorkingDaysBetween(deadline - 1, received), -n);
  }
}

TEST(WorkingCalendarTest, CountingAgreesWithWalkingTheDays) {
  const WorkingCalendar cal = China();
  std::mt19937_64 rng(12321);
  std::uniform_int_distribution<int64_t> day(Date("2023-11-01").ToDays(),
                                             Date("2027-02-01").ToDays());
  for (int i = 0; i < 500; ++i) {
    int64_t a = day(rng), b = day(rng);
    if (a > b) std::swap(a, b);
    int64_t walked = 0;
    for (int64_t d = a + 1; d <= b; ++d) walked += cal.IsWorkingDay(CivilDate::FromDays(d));
    const int64_t from = cal.StartOfDay(CivilDate::FromDays(a)) + 23 * kHourMs;
    const int64_t to = cal.StartOfDay(CivilDate::FromDays(b));
    EXPECT_EQ(cal.WorkingDaysBetween(from, to), walked);
    EXPECT_EQ(cal.WorkingDaysBetween(to, from), -walked);
  }
}

TEST(WorkingCalendarTest, LongPeriodsAndLongHolidays) {
  // A year of configured holidays: the search for the deadline must reach past it.
  CalendarOptions options{.region = "none"};
  options.holidays = {"2030-01-01..2030-12-31"};
  Result<WorkingCalendar> cal = WorkingCalendar::Create(options);
  ASSERT_TRUE(cal.has_value());
  EXPECT_EQ(DeadlineDay(*cal, At(*cal, "2029-12-31", 9), 1), "2031-01-01");
  EXPECT_EQ(DeadlineDay(*cal, At(*cal, "2029-12-28", 9), 2), "2031-01-01");
  // A million working days from a Monday: its Tuesday to Friday (4), 199,999
  // whole weeks of five, and the Monday 200,000 weeks on; the deadline is that
  // Monday's 24:00.
  const WorkingCalendar none = *WorkingCalendar::Create({.region = "none"});
  const int64_t monday = At(none, "2024-01-01", 9);
  EXPECT_EQ(none.AddWorkingDays(monday, 1'000'000),
            none.StartOfDay(Date("2024-01-01")) + (7 * 200'000 + 1) * 86'400'000LL);
  EXPECT_EQ(none.WorkingDaysBetween(monday, none.AddWorkingDays(monday, 1'000'000) - 1), 1'000'000);
}

TEST(WorkingCalendarTest, OverdueByWorkingDays) {
  const WorkingCalendar cal = China();
  const int64_t received = At(cal, "2025-09-30", 10);
  const int64_t deadline = cal.AddWorkingDays(received, 3);  // end of 11 October
  // Handled at 23:59 on the last day: on time. Monday 13 October: 1 day over.
  EXPECT_LT(At(cal, "2025-10-11", 23, 59), deadline);
  EXPECT_EQ(cal.WorkingDaysBetween(received, At(cal, "2025-10-11", 23, 59)) - 3, 0);
  EXPECT_GE(At(cal, "2025-10-12", 9), deadline);  // late, on a Sunday...
  EXPECT_EQ(cal.WorkingDaysBetween(received, At(cal, "2025-10-12", 9)) - 3, 0);  // ...by 0 days
  EXPECT_EQ(cal.WorkingDaysBetween(received, At(cal, "2025-10-13", 9)) - 3, 1);
  EXPECT_EQ(cal.WorkingDaysBetween(received, At(cal, "2025-10-17", 9)) - 3, 5);
}

TEST(WorkingCalendarTest, ExtraHolidaysAndWorkdays) {
  CalendarOptions options;
  options.holidays = {"2025-12-24", "2027-01-01..2027-01-03", "2025-10-11"};
  options.workdays = {"2025-12-27 .. 2025-12-28", "2025-10-08"};
  Result<WorkingCalendar> cal = WorkingCalendar::Create(options);
  ASSERT_TRUE(cal.has_value()) << cal.status().ToString();
  EXPECT_FALSE(cal->IsWorkingDay(Date("2025-12-24")));  // a Wednesday off
  EXPECT_TRUE(cal->IsWorkingDay(Date("2025-12-27")));   // a Saturday worked
  EXPECT_TRUE(cal->IsWorkingDay(Date("2025-12-28")));
  EXPECT_FALSE(cal->IsWorkingDay(Date("2027-01-01")));
  // Extras override the built-in days both ways.
  EXPECT_FALSE(cal->IsWorkingDay(Date("2025-10-11")));  // built-in make-up day
  EXPECT_TRUE(cal->IsWorkingDay(Date("2025-10-08")));   // built-in holiday
  // A year with configured holidays counts as covered; other years do not.
  EXPECT_TRUE(cal->Covers(2027));
  EXPECT_FALSE(cal->Covers(2028));
  EXPECT_FALSE(China().Covers(2023));
  EXPECT_FALSE(China().Covers(2027));
}

TEST(WorkingCalendarTest, WeekendsOnly) {
  Result<WorkingCalendar> cal = WorkingCalendar::Create({.region = "none"});
  ASSERT_TRUE(cal.has_value());
  EXPECT_TRUE(cal->BuiltInYears().empty());
  EXPECT_TRUE(cal->Covers(2025));
  EXPECT_TRUE(cal->IsWorkingDay(Date("2025-10-01")));
  EXPECT_FALSE(cal->IsWorkingDay(Date("2025-10-11")));
  EXPECT_EQ(DeadlineDay(*cal, At(*cal, "2025-09-30", 10), 3), "2025-10-03");
  // The days of a year beyond the built-in ones are weekends only in "CN" too.
  EXPECT_TRUE(China().IsWorkingDay(Date("2027-10-01")));
}

TEST(WorkingCalendarTest, BadOptionsNameTheEntry) {
  auto error = [](const CalendarOptions& options) {
    Result<WorkingCalendar> cal = WorkingCalendar::Create(options);
    EXPECT_FALSE(cal.has_value());
    EXPECT_EQ(cal.status().code(), StatusCode::kInvalidArgument);
    return cal.status().message();
  };
  EXPECT_EQ(error({.holidays = {"2025-12-24", "2025-02-30"}}),
            "holidays[1]: '2025-02-30': day 30 is not in 2025-02");
  EXPECT_EQ(error({.workdays = {"2025-12-27..2025-13-01"}}),
            "workdays[0]: '2025-12-27..2025-13-01': '2025-13-01': month 13 is not 01-12");
  EXPECT_EQ(error({.holidays = {"Christmas"}}),
            "holidays[0]: 'Christmas': expected a date YYYY-MM-DD");
  EXPECT_EQ(error({.holidays = {"2025-12-24..", "x"}}),
            "holidays[0]: '2025-12-24..': '': expected a date YYYY-MM-DD");
  EXPECT_EQ(error({.holidays = {"2025-12-31..2025-12-24"}}),
            "holidays[0]: '2025-12-31..2025-12-24': the range ends before it starts");
  EXPECT_EQ(error({.holidays = {"2025-01-01..2026-12-31"}}),
            "holidays[0]: '2025-01-01..2026-12-31': a range of 730 days is longer than the 366 "
            "allowed");
  EXPECT_EQ(error({.holidays = {"2025-12-20..2025-12-31"}, .workdays = {"2025-12-27"}}),
            "workdays[0]: '2025-12-27': 2025-12-27 is also in holidays[0]");
  EXPECT_EQ(error({.region = "US"}), "region 'US': no built-in calendar; expected 'CN' or 'none'");
  EXPECT_EQ(error({.utc_offset_minutes = 15 * 60}),
            "utc_offset 900 minutes is outside -14:00..+14:00");
}

}  // namespace
}  // namespace quell::reputation
