#include "quell/core/clock.h"

#include <ctime>
#include <random>

#include <gtest/gtest.h>

#include "quell/core/civil_time.h"

namespace quell {
namespace {

TimePoint AtMillis(int64_t ms) { return TimePoint(std::chrono::milliseconds(ms)); }

TEST(ClockTest, FormatRfc3339KnownTimes) {
  EXPECT_EQ(FormatRfc3339(AtMillis(0)), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatRfc3339(AtMillis(1'795'910'400'123)), "2026-11-29T00:00:00.123Z");
  EXPECT_EQ(FormatRfc3339(AtMillis(951'782'399'999)), "2000-02-28T23:59:59.999Z");
  EXPECT_EQ(FormatRfc3339(AtMillis(951'868'800'000)), "2000-03-01T00:00:00.000Z");
  EXPECT_EQ(FormatRfc3339(AtMillis(-1)), "1969-12-31T23:59:59.999Z");
}

// Digit by digit, as the C library's gmtime and strftime write it, over random
// times from 1900 to 2200 (leap years, centuries, before 1970).
TEST(ClockTest, FormatRfc3339AgreesWithGmtime) {
  std::mt19937_64 rng(3339);
  std::uniform_int_distribution<int64_t> when(-2'208'988'800'000, 7'258'118'400'000);
  for (int i = 0; i < 200'000; ++i) {
    const int64_t ms = when(rng);
    int64_t secs = ms / 1000, frac = ms % 1000;
    if (frac < 0) {
      frac += 1000;
      secs -= 1;
    }
    const std::time_t tt = static_cast<std::time_t>(secs);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char buf[64];
    const std::size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    char want[80];
    std::snprintf(want, sizeof want, "%.*s.%03dZ", static_cast<int>(n), buf,
                  static_cast<int>(frac));
    ASSERT_EQ(FormatRfc3339(AtMillis(ms)), want) << ms;
  }
}

TEST(ClockTest, CivilFromDaysInvertsDaysFromCivil) {
  for (int64_t days = -800'000; days <= 800'000; days += 7) {
    const CivilDate d = CivilFromDays(days);
    ASSERT_EQ(DaysFromCivil(d.year, d.month, d.day), days);
    ASSERT_GE(d.day, 1);
    ASSERT_LE(d.day, DaysInMonth(d.year, d.month));
  }
}

}  // namespace
}  // namespace quell
