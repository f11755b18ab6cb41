#include "quell/core/number_plan.h"

#include <algorithm>
#include <array>
#include <bit>
#include <set>
#include <string>
#include <vector>

#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>

#include "quell/core/internal/number_type.h"

namespace quell {
namespace {

using i18n::phonenumbers::PhoneNumberUtil;
using Proto = i18n::phonenumbers::PhoneNumber;

PhoneNumberUtil& Util() { return *PhoneNumberUtil::GetInstance(); }

constexpr uint64_t kMaxCompact = 999'999'999'999'999ULL;

// Regions in a fixed order, so that a cache slot can hold a region as an index.
const std::vector<std::string>& Regions() {
  static const std::vector<std::string>* regions = [] {
    std::set<std::string> set;
    Util().GetSupportedRegions(&set);
    auto* v = new std::vector<std::string>(set.begin(), set.end());
    return v;
  }();
  return *regions;
}

constexpr uint64_t kPow10[20] = {1ULL,
                                 10ULL,
                                 100ULL,
                                 1000ULL,
                                 10000ULL,
                                 100000ULL,
                                 1000000ULL,
                                 10000000ULL,
                                 100000000ULL,
                                 1000000000ULL,
                                 10000000000ULL,
                                 100000000000ULL,
                                 1000000000000ULL,
                                 10000000000000ULL,
                                 100000000000000ULL,
                                 1000000000000000ULL,
                                 10000000000000000ULL,
                                 100000000000000000ULL,
                                 1000000000000000000ULL,
                                 10000000000000000000ULL};

// Decimal digits of v (1 for 0), without a division per digit: on the hot path.
int DigitCount(uint64_t v) {
  int n = 1;
  while (n < 20 && v >= kPow10[n]) ++n;
  return n;
}

// Slot layout: bit 63 filled | key (length 4 bits, prefix 27 bits) << 32 |
// valid << 16 | type << 12 | region index (12 bits).
constexpr uint64_t kFilled = 1ULL << 63;

uint64_t KeyOf(uint64_t compact, int* length) {
  const int len = DigitCount(compact);
  *length = len;
  const uint64_t prefix =
      len > NumberPlan::kPrefixDigits ? compact / kPow10[len - NumberPlan::kPrefixDigits] : compact;
  return (static_cast<uint64_t>(len) << 27) | prefix;  // prefix < 10^8 < 2^27
}

uint64_t Pack(uint64_t key, const NumberInfo& info) {
  const auto& regions = Regions();
  const auto it = std::lower_bound(regions.begin(), regions.end(), std::string(info.Region()));
  const uint64_t region = it != regions.end() && *it == info.Region()
                              ? static_cast<uint64_t>(it - regions.begin()) + 1
                              : 0;
  return kFilled | (key << 32) | (uint64_t{info.valid} << 16) |
         (static_cast<uint64_t>(info.type) << 12) | region;
}

NumberInfo Unpack(uint64_t slot) {
  NumberInfo info;
  info.valid = (slot >> 16) & 1;
  info.type = static_cast<NumberType>((slot >> 12) & 0xF);
  const uint64_t region = slot & 0xFFF;
  if (region != 0) {
    const std::string& r = Regions()[region - 1];
    info.region[0] = r[0];
    info.region[1] = r[1];
  }
  return info;
}

// cc followed by the digits of `national` as one compact value; 0 if it would
// start with 0 or exceed 15 digits.
uint64_t WithCountryCode(int cc, std::string_view national) {
  if (national.empty() || national.size() > 15 || national[0] == '0') return 0;
  uint64_t v = static_cast<uint64_t>(cc);
  for (char c : national) v = v * 10 + static_cast<uint64_t>(c - '0');
  return v != 0 && DigitCount(v) <= 15 ? v : 0;
}

bool IsSeparator(char c) {
  return c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '\t';
}

}  // namespace

NumberPlan::NumberPlan(std::string_view home_region, std::size_t cache_slots) {
  home_region_[0] = home_region.size() == 2 ? home_region[0] : 'C';
  home_region_[1] = home_region.size() == 2 ? home_region[1] : 'N';
  home_region_[2] = '\0';
  const std::string region(home_region_, 2);
  home_cc_ = Util().GetCountryCodeForRegion(region);
  const std::string cc_text = std::to_string(home_cc_);
  std::copy(cc_text.begin(), cc_text.end(), home_cc_text_);
  std::string ndd;
  Util().GetNddPrefixForRegion(region, /*strip_non_digits=*/true, &ndd);
  if (ndd.size() < sizeof(ndd_)) std::copy(ndd.begin(), ndd.end(), ndd_);
  // The region's preferred international dialling prefix ("00" in China, "010"
  // in Japan, "0011" in Australia, "8~10" in Russia): libphonenumber writes it
  // before the country code when it formats a foreign number for this region.
  Proto foreign;
  if (Util().GetExampleNumber(region == "US" ? "GB" : "US", &foreign)) {
    std::string dialled;
    Util().FormatOutOfCountryCallingNumber(foreign, region, &dialled);
    std::string idd;
    for (char c : dialled.substr(0, dialled.find(' '))) {
      if (c >= '0' && c <= '9') idd.push_back(c);
    }
    if (dialled.find(' ') != std::string::npos && idd.size() < sizeof(idd_)) {
      std::copy(idd.begin(), idd.end(), idd_);
    }
  }
  const std::size_t n = std::bit_ceil(std::max<std::size_t>(cache_slots, 64));
  buckets_mask_ = n / kBucketSlots - 1;
  // One bucket per cache line: over-allocate by a line and align.
  slots_ = std::make_unique<std::atomic<uint64_t>[]>(n + kBucketSlots);
  const auto addr = reinterpret_cast<std::uintptr_t>(slots_.get());
  table_ = slots_.get() + ((64 - addr % 64) % 64) / sizeof(std::atomic<uint64_t>);
  Regions();  // built before the first call on a hot path
}

NumberPlan::~NumberPlan() = default;

uint64_t NumberPlan::ToCompact(std::string_view text) const {
  bool plus = false;
  char digits[20];
  int n = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == ';') {  // tel URI parameters end the number
      text = text.substr(0, i);
      break;
    }
    if (c >= '0' && c <= '9') {
      if (n == static_cast<int>(sizeof(digits))) return 0;
      digits[n++] = c;
    } else if (c == '+' && n == 0 && !plus) {
      plus = true;
    } else if (!IsSeparator(c)) {
      n = -1;  // letters or other symbols: leave it to libphonenumber
      text = text.substr(0, text.find(';'));
      break;
    }
  }
  if (n > 0 && n <= 15 && plus) {
    uint64_t v = 0;
    for (int i = 0; i < n; ++i) v = v * 10 + static_cast<uint64_t>(digits[i] - '0');
    return digits[0] == '0' ? 0 : v;
  }
  if (n > 0 && !plus) {
    std::string_view d(digits, static_cast<std::size_t>(n));
    // An international dialling prefix ("00", the region's own) is the slow path's business.
    const std::string_view idd_prefix(idd_);
    const bool idd = d.starts_with("00") || (!idd_prefix.empty() && d.starts_with(idd_prefix));
    if (!idd) {
      const std::string_view ndd(ndd_);
      std::string_view national = d;
      if (!ndd.empty() && national.starts_with(ndd)) national.remove_prefix(ndd.size());
      const uint64_t v = WithCountryCode(home_cc_, national);
      if (v != 0 && Classify(v).valid) return v;
      // Switches often write E.164 without the '+': "8613800138000".
      const uint64_t as_e164 = WithCountryCode(0, d);
      if (as_e164 != 0 && d.starts_with(home_cc_text_) && Classify(as_e164).valid) {
        return as_e164;
      }
      if (v != 0) return v;  // a national number, not valid: the plan says so
    }
  }
  if (n == -1 && text.find_first_of("0123456789") == std::string_view::npos) {
    return 0;  // "anonymous", "unknown": no number to look for
  }
  auto parsed = PhoneNumber::ParsePossible(text, home_region());
  return parsed.has_value() ? parsed->compact() : 0;
}

NumberInfo NumberPlan::ClassifySlow(uint64_t compact) {
  NumberInfo info;
  if (compact == 0 || compact > kMaxCompact) return info;
  const std::string e164 = "+" + std::to_string(compact);
  Proto pn;
  if (Util().Parse(e164, "ZZ", &pn) != PhoneNumberUtil::NO_PARSING_ERROR) return info;
  // IsValidNumber is GetNumberType != UNKNOWN for the number's region; asking
  // once instead of twice halves the regular-expression work of a cache miss.
  const auto type = Util().GetNumberType(pn);
  info.valid = type != PhoneNumberUtil::UNKNOWN;
  info.type = internal::NumberTypeOf(type);
  std::string region;
  Util().GetRegionCodeForNumber(pn, &region);
  if (region.size() == 2) {
    info.region[0] = region[0];
    info.region[1] = region[1];
  }
  return info;
}

std::size_t NumberPlan::BucketOf(uint64_t key) const {
  // Fibonacci hashing spreads neighbouring prefixes over the table.
  return static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ULL) >> 20) & buckets_mask_;
}

void NumberPlan::Prefetch(uint64_t compact) const {
  if (compact == 0 || compact > kMaxCompact) return;
  int length = 0;
  __builtin_prefetch(&table_[BucketOf(KeyOf(compact, &length)) * kBucketSlots]);
}

void NumberPlan::Store(std::size_t bucket, uint64_t key, const NumberInfo& info) const {
  std::atomic<uint64_t>* b = &table_[bucket * kBucketSlots];
  // An empty slot of the bucket, or else one chosen by the key (a slot lost
  // to a concurrent store is simply recomputed later).
  std::size_t victim = static_cast<std::size_t>(key * 0x9E3779B97F4A7C15ULL >> 61);
  for (std::size_t i = 0; i < kBucketSlots; ++i) {
    if ((b[i].load(std::memory_order_relaxed) & kFilled) == 0) {
      victim = i;
      break;
    }
  }
  b[victim].store(Pack(key, info), std::memory_order_relaxed);
}

NumberInfo NumberPlan::Classify(uint64_t compact) const {
  if (compact == 0 || compact > kMaxCompact) return {};
  int length = 0;
  const uint64_t key = KeyOf(compact, &length);
  const std::size_t bucket = BucketOf(key);
  const std::atomic<uint64_t>* b = &table_[bucket * kBucketSlots];
  for (std::size_t i = 0; i < kBucketSlots; ++i) {
    const uint64_t slot = b[i].load(std::memory_order_relaxed);
    if ((slot & kFilled) && ((slot >> 32) & 0x7FFFFFFF) == key) return Unpack(slot);
  }
  if (length <= kPrefixDigits) {
    const NumberInfo info = ClassifySlow(compact);
    Store(bucket, key, info);
    return info;
  }
  // What the block caches is decided by the block, not by the number that
  // happened to arrive first: its lowest and highest numbers must agree, and
  // their verdict is kept. So no caller can choose a verdict for its neighbours
  // (poisoning), and a block whose plan decides on a later digit is not cached.
  uint64_t scale = 1;
  for (int i = kPrefixDigits; i < length; ++i) scale *= 10;
  const uint64_t low = (compact / scale) * scale;
  const NumberInfo first = ClassifySlow(low);
  const NumberInfo last = ClassifySlow(low + scale - 1);
  const auto same = [](const NumberInfo& a, const NumberInfo& b) {
    return a.valid == b.valid && a.type == b.type && a.Region() == b.Region();
  };
  if (!same(first, last)) return ClassifySlow(compact);
  Store(bucket, key, first);
  return first;
}

}  // namespace quell
