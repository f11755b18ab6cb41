// The sanctions index the call path reads (sanctions.cc): compact E.164 numbers
// and range prefixes to the sanctions covering them, with their time window.
// Internal to `enforce`. Not thread-safe: its owner locks (a shared_mutex).
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <unordered_map>
#include <vector>

#include "quell/core/digits.h"
#include "quell/enforce/sanctions.h"

namespace quell::enforce::internal {

inline constexpr int kMinRangeDigits = 6;
inline constexpr int kMaxRangeDigits = 14;
inline constexpr int64_t kNoEnd = std::numeric_limits<int64_t>::max();

class SanctionIndex {
 public:
  // One sanction as the index holds it under each of its numbers and ranges.
  struct Entry {
    int64_t start_ms = 0;
    int64_t end_ms = kNoEnd;
    int64_t id = 0;
    Measure measure = Measure::kWarning;
  };

  void Clear() {
    numbers_.clear();
    ranges_.clear();
    range_digits_.fill(0);
  }

  void Add(uint64_t key, bool is_range, const Entry& e) {
    if (is_range) {
      ranges_[key].push_back(e);
      ++range_digits_[DigitCount(key)];
    } else {
      numbers_[key].push_back(e);
    }
  }

  // Removes sanction `id` under `key`; whether it was there.
  bool Remove(uint64_t key, bool is_range, int64_t id) {
    auto& map = is_range ? ranges_ : numbers_;
    auto it = map.find(key);
    if (it == map.end()) return false;
    auto& v = it->second;
    const auto before = v.size();
    v.erase(std::remove_if(v.begin(), v.end(), [id](const Entry& e) { return e.id == id; }),
            v.end());
    const bool removed = v.size() != before;
    if (v.empty()) map.erase(it);
    if (removed && is_range) --range_digits_[DigitCount(key)];
    return removed;
  }

  // Calls `f(const Entry&)` for every entry covering `number`: its own, then
  // those of each range prefix of a length in use. No allocation.
  template <typename F>
  void Visit(uint64_t number, F&& f) const {
    if (auto it = numbers_.find(number); it != numbers_.end()) {
      for (const Entry& e : it->second) f(e);
    }
    if (ranges_.empty()) return;
    const int d = DigitCount(number);
    for (int len = kMinRangeDigits; len < d && len <= kMaxRangeDigits; ++len) {
      if (range_digits_[len] == 0) continue;
      // Keyed by the prefix's value: a prefix of L digits (E.164 has no leading
      // zero) is unique among prefixes of every length.
      if (auto it = ranges_.find(number / Pow10(d - len)); it != ranges_.end()) {
        for (const Entry& e : it->second) f(e);
      }
    }
  }

  uint64_t number_entries() const { return Count(numbers_); }
  uint64_t range_entries() const { return Count(ranges_); }

 private:
  using Map = std::unordered_map<uint64_t, std::vector<Entry>>;
  static uint64_t Count(const Map& m) {
    uint64_t n = 0;
    for (const auto& [key, entries] : m) n += entries.size();
    return n;
  }

  Map numbers_;
  Map ranges_;
  std::array<uint32_t, 16> range_digits_{};  // ranges per prefix length
};

}  // namespace quell::enforce::internal
