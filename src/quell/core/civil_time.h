// Dates to days without the C library, for the parsers of times in files
// (CDRs, DNC lists, the simulator's start).
#pragma once

#include <cstdint>

namespace quell {

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
constexpr int64_t DaysFromCivil(int64_t y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

// Days in month m (1-12) of year y.
constexpr int DaysInMonth(int64_t y, int m) {
  constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

static_assert(DaysFromCivil(1970, 1, 1) == 0 && DaysFromCivil(2026, 11, 29) == 20786);
static_assert(DaysInMonth(2024, 2) == 29 && DaysInMonth(1900, 2) == 28);

}  // namespace quell
