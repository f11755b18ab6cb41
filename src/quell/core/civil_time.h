// Dates to days and back without the C library, for the parsers of times in
// files (CDRs, DNC lists, the simulator's start) and for writing times
// (FormatRfc3339, on every API answer that carries one).
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

struct CivilDate {
  int64_t year;
  int month;  // 1-12
  int day;    // 1-31
};

// The proleptic Gregorian date of a day counted from 1970-01-01: the inverse of
// DaysFromCivil (Howard Hinnant's algorithm).
constexpr CivilDate CivilFromDays(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return {yoe + era * 400 + (m <= 2), m, d};
}

// Days in month m (1-12) of year y.
constexpr int DaysInMonth(int64_t y, int m) {
  constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

static_assert(DaysFromCivil(1970, 1, 1) == 0 && DaysFromCivil(2026, 11, 29) == 20786);
static_assert(CivilFromDays(20786).year == 2026 && CivilFromDays(20786).month == 11 &&
              CivilFromDays(20786).day == 29 && CivilFromDays(-1).year == 1969 &&
              CivilFromDays(-1).month == 12 && CivilFromDays(-1).day == 31);
static_assert(DaysInMonth(2024, 2) == 29 && DaysInMonth(1900, 2) == 28);

}  // namespace quell
