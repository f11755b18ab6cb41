// NumberPlan: the numbering plan on hot paths — numbers as written in signalling
// and CDRs turned into compact E.164 values, and their validity, type and region,
// in well under a microsecond, with libphonenumber's verdicts.
//
// libphonenumber costs ~15 µs a number, too slow for every call at set-up. The
// plan answers from a fixed-size, lock-free cache keyed by the number's length and
// its first kPrefixDigits E.164 digits: numbering plans assign validity, type and
// region by prefix and length, so when a block's lowest and highest numbers get
// the same verdict from libphonenumber the block caches it, and the rest of the
// block reuses it (what is cached depends on the block only, never on which
// number came first: no caller can poison a verdict for its neighbours). Where a
// plan decides on a later digit inside such a block the cache can disagree with
// libphonenumber; the tests measure the agreement on 100,000 mixed numbers
// (tests/core/number_plan_test.cc).
//
// Thread-safe: all member functions may be called from any thread at once; the
// cache is a table of atomics (a slot lost to a race is simply recomputed).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "quell/core/phone_number.h"
#include "quell/core/status.h"

namespace quell {
namespace internal {
class BlockCache;
}

struct NumberInfo {
  bool valid = false;  // valid in the numbering plan (libphonenumber IsValidNumber)
  NumberType type = NumberType::kUnknown;
  // ISO 3166 region ("CN"), "ZZ" when the number belongs to no region; NUL-padded.
  char region[3] = {'Z', 'Z', '\0'};
  std::string_view Region() const { return {region, 2}; }
};

class NumberPlan {
 public:
  static constexpr int kPrefixDigits = 8;

  // `home_region`: the region national numbers belong to (quell.toml `region`).
  // `cache_slots` is rounded up to a power of two (8 bytes each); the cache is
  // 8-way set-associative (core/internal/block_cache.h).
  explicit NumberPlan(std::string_view home_region = "CN", std::size_t cache_slots = 1 << 18);
  ~NumberPlan();
  NumberPlan(const NumberPlan&) = delete;
  NumberPlan& operator=(const NumberPlan&) = delete;

  // The compact E.164 value of a number as written in a SIP user part, tel URI or
  // CDR: "+86 138-0013-8000", "8613800138000" only with a '+'; national numbers
  // ("13800138000", "010 6552 9988") take the home region's country code after the
  // national prefix is removed; anything else (international dialling prefixes,
  // letters) goes through libphonenumber. Stops at ';' (tel URI parameters).
  // 0 when the text is not a possible number.
  uint64_t ToCompact(std::string_view text) const;

  // Validity, type and region of a compact E.164 number (0 -> invalid).
  NumberInfo Classify(uint64_t compact) const;

  // Starts loading the cache slot Classify(compact) will read (a CPU prefetch).
  void Prefetch(uint64_t compact) const;
  // The same for the slot ToCompact(text) most likely reads: a loop over many
  // numbers calls it a few numbers ahead, so that the cache misses overlap.
  void PrefetchText(std::string_view text) const;

  // The same, straight from libphonenumber (no cache): the reference.
  static NumberInfo ClassifySlow(uint64_t compact);

  // The cache kept in a file, so that the next process starts warm: a command
  // line run meets China's ~70,000 mobile blocks in its first million numbers,
  // and filling them from libphonenumber costs 1-2 s. The file records which
  // libphonenumber library (path, size, modification time) and home region its
  // verdicts came from, and a checksum; LoadCache ignores a file written under
  // another one, a damaged file, or none, and returns how many blocks it
  // loaded. SaveCache writes atomically (a temporary file renamed).
  Status SaveCache(const std::string& path) const;
  Result<std::size_t> LoadCache(const std::string& path);

  int home_country_code() const { return home_cc_; }
  std::string_view home_region() const { return {home_region_, 2}; }

 private:
  char home_region_[3];
  int home_cc_ = 0;
  char home_cc_text_[4] = {};
  char ndd_[4] = {};  // national (trunk) prefix digits, e.g. "0"; empty if none
  char idd_[6] = {};  // preferred international prefix digits, e.g. "00"; empty if unknown
  std::unique_ptr<internal::BlockCache> cache_;  // verdicts per block
};

}  // namespace quell
