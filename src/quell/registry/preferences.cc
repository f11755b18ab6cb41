#include "quell/registry/preferences.h"

#include <charconv>

namespace quell::registry {
namespace {

bool ParseInt(std::string_view s, int* out) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size();
}

// "HH:MM" (or "24:00") -> minutes.
bool ParseClock(std::string_view s, int* minutes) {
  if (s.size() != 5 || s[2] != ':') return false;
  int h = 0, m = 0;
  if (!ParseInt(s.substr(0, 2), &h) || !ParseInt(s.substr(3, 2), &m)) return false;
  if (h > 24 || m > 59 || (h == 24 && m != 0)) return false;
  *minutes = h * 60 + m;
  return true;
}

std::string TwoDigits(int v) {
  std::string s = std::to_string(v);
  return s.size() < 2 ? "0" + s : s;
}

}  // namespace

std::vector<std::string> Preferences::CategoryNames() const {
  std::vector<std::string> out;
  if (categories == 0) return out;
  for (std::size_t i = 0; i < Categories().size(); ++i) {
    if ((categories >> i) & 1u) out.emplace_back(Categories()[i].name);
  }
  return out;
}

std::vector<std::string> Preferences::BandNames() const {
  std::vector<std::string> out;
  if (allowed_hours == 0) return out;
  if ((allowed_hours & 0xffffffu) == 0xffffffu) return {"00-24"};
  // Start the scan at an hour that is not accepted, so a band that wraps
  // midnight comes out as one range ("22-02").
  int first_off = 0;
  while (AcceptsAtHour(first_off)) ++first_off;
  for (int k = 0; k < 24; ++k) {
    const int h = (first_off + k) % 24;
    if (!AcceptsAtHour(h) || AcceptsAtHour((h + 23) % 24)) continue;
    int end = h;
    while (AcceptsAtHour(end % 24)) ++end;
    out.push_back(TwoDigits(h) + "-" + TwoDigits(end % 24 == 0 && end > h ? 24 : end % 24));
  }
  return out;
}

std::string Preferences::Describe() const {
  std::string out;
  if (categories == 0) {
    out = "all marketing";
  } else {
    for (const std::string& c : CategoryNames()) out += (out.empty() ? "" : ", ") + c;
  }
  const auto bands = BandNames();
  if (!bands.empty()) {
    out += "; accepts";
    for (std::size_t i = 0; i < bands.size(); ++i) out += (i ? ", " : " ") + bands[i];
  }
  return out;
}

Result<Preferences> ParsePreferences(const std::vector<std::string>& categories,
                                     const std::vector<std::string>& bands) {
  Preferences p;
  for (const std::string& name : categories) {
    if (name == "all") {
      if (categories.size() != 1)
        return InvalidArgument("'all' cannot be combined with categories");
      break;
    }
    auto c = ParseCategory(name);
    if (!c) return InvalidArgument("unknown category '" + name + "'");
    p.categories |= static_cast<uint16_t>(1u << static_cast<int>(*c));
  }
  for (const std::string& band : bands) {
    const auto dash = band.find('-');
    int start = 0, end = 0;
    if (dash == std::string::npos || !ParseInt(std::string_view(band).substr(0, dash), &start) ||
        !ParseInt(std::string_view(band).substr(dash + 1), &end) || start < 0 || start > 23 ||
        end < 0 || end > 24 || start == end) {
      return InvalidArgument("time band '" + band +
                             "' must be HH-HH with whole hours, e.g. 18-21 (end exclusive)");
    }
    int span = (end % 24 - start + 24) % 24;
    if (span == 0) span = 24;  // "00-24"
    for (int k = 0; k < span; ++k) p.allowed_hours |= 1u << ((start + k) % 24);
  }
  return p;
}

Result<CallingHours> ParseCallingHours(std::string_view text) {
  const auto dash = text.find('-');
  CallingHours h;
  if (dash == std::string_view::npos || !ParseClock(text.substr(0, dash), &h.start_minute) ||
      !ParseClock(text.substr(dash + 1), &h.end_minute) || h.start_minute == 24 * 60) {
    return InvalidArgument("calling hours '" + std::string(text) +
                           "' must be HH:MM-HH:MM, e.g. 08:00-21:00");
  }
  if (h.end_minute == 24 * 60 && h.start_minute == 0) return h;
  h.end_minute %= 24 * 60;
  return h;
}

int LocalMinute(TimePoint t, int utc_offset_minutes) {
  const int64_t minutes =
      std::chrono::duration_cast<std::chrono::minutes>(t.time_since_epoch()).count() +
      utc_offset_minutes;
  const int64_t m = minutes % (24 * 60);
  return static_cast<int>(m < 0 ? m + 24 * 60 : m);
}

}  // namespace quell::registry
