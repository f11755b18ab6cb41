// Preferences of a Do-Not-Call registration (India's idea, DESIGN.md "One
// vocabulary" for the categories): which marketing the owner refuses, and the
// hours of the day in which they accept it anyway.
//
//   refuse every category, at any hour          Preferences{}
//   refuse finance and real estate only         categories = bits of those two
//   refuse everything except 18:00-21:00        allowed_hours = bits 18, 19, 20
//
// Hours are local hours of the registry's time zone ([dnc] utc_offset), 0-23.
// Statutory calling hours (CallingHours) are separate: they bind every caller,
// registered number or not.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "quell/core/clock.h"
#include "quell/core/status.h"
#include "quell/core/vocabulary.h"

namespace quell::registry {

struct Preferences {
  uint16_t categories = 0;     // bit per Category refused; 0 = every category
  uint32_t allowed_hours = 0;  // bit h: marketing accepted in local hour h; 0 = never

  bool RefusesAll() const { return categories == 0; }
  bool Refuses(Category c) const {
    return categories == 0 || ((categories >> static_cast<int>(c)) & 1u) != 0;
  }
  bool AcceptsAtHour(int local_hour) const { return ((allowed_hours >> local_hour) & 1u) != 0; }
  // The owner refuses a call of category `c` in local hour `local_hour`.
  bool Refuses(Category c, int local_hour) const {
    return !AcceptsAtHour(local_hour) && Refuses(c);
  }
  bool IsDefault() const { return categories == 0 && allowed_hours == 0; }

  // Machine names of the refused categories (empty = all) and the accepted bands
  // as "HH-HH" ranges of whole hours ("18-21"; "22-02" wraps midnight).
  std::vector<std::string> CategoryNames() const;
  std::vector<std::string> BandNames() const;
  // "all marketing" / "finance, real_estate", plus "; accepts 18-21" when bands are set.
  std::string Describe() const;

  friend bool operator==(const Preferences&, const Preferences&) = default;
};

// From category machine names (empty list or ["all"] = every category) and
// bands "HH-HH" (start inclusive, end exclusive, 00-24, wrapping past midnight
// when end < start). InvalidArgument naming the bad entry.
Result<Preferences> ParsePreferences(const std::vector<std::string>& categories,
                                     const std::vector<std::string>& bands);

// A local time-of-day window in minutes, [start, end), wrapping midnight when
// end < start: the statutory hours in which marketing calls are allowed.
struct CallingHours {
  int start_minute = 8 * 60;  // 08:00
  int end_minute = 21 * 60;   // 21:00
  bool Contains(int local_minute) const {
    return start_minute <= end_minute ? local_minute >= start_minute && local_minute < end_minute
                                      : local_minute >= start_minute || local_minute < end_minute;
  }
};

// "08:00-21:00"; InvalidArgument otherwise. An empty window ("00:00-00:00")
// forbids marketing at every hour; use "00:00-24:00" for no restriction.
Result<CallingHours> ParseCallingHours(std::string_view text);

// Minute of the local day (0-1439) of `t` at a fixed UTC offset.
int LocalMinute(TimePoint t, int utc_offset_minutes);

}  // namespace quell::registry
