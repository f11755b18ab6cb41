#include "quell/core/number_plan.h"

#include <dlfcn.h>
#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <vector>

#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>

#include "quell/core/ids.h"
#include "quell/core/internal/block_cache.h"
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

using internal::BlockCache;
static_assert(NumberPlan::kPrefixDigits == BlockCache::kBlockDigits);

// A verdict as a cache value: valid << 16 | type << 12 | region index (12 bits).
uint32_t Pack(const NumberInfo& info) {
  const auto& regions = Regions();
  const auto it = std::lower_bound(regions.begin(), regions.end(), std::string(info.Region()));
  const uint32_t region = it != regions.end() && *it == info.Region()
                              ? static_cast<uint32_t>(it - regions.begin()) + 1
                              : 0;
  return (uint32_t{info.valid} << 16) | (static_cast<uint32_t>(info.type) << 12) | region;
}

NumberInfo Unpack(uint32_t value) {
  NumberInfo info;
  info.valid = (value >> 16) & 1;
  info.type = static_cast<NumberType>((value >> 12) & 0xF);
  const uint32_t region = value & 0xFFF;
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

// Which libphonenumber the verdicts come from: its shared library's path, size
// and modification time (a package upgrade changes them). Empty when it cannot
// be told (a static build): then no cache is kept.
std::string LibraryIdentity() {
  Dl_info info{};
  if (dladdr(reinterpret_cast<void*>(&PhoneNumberUtil::GetInstance), &info) == 0 ||
      info.dli_fname == nullptr) {
    return "";
  }
  std::error_code ec;
  const std::string path = std::filesystem::canonical(info.dli_fname, ec).string();
  struct stat st {};
  if (ec || ::stat(path.c_str(), &st) != 0) return "";
  return path + ":" + std::to_string(st.st_size) + ":" + std::to_string(st.st_mtim.tv_sec) + "." +
         std::to_string(st.st_mtim.tv_nsec);
}

constexpr char kCacheMagic[8] = {'Q', 'P', 'L', 'A', 'N', 'C', '1', '\n'};

void PutU64(std::string* out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out->push_back(static_cast<char>(v >> (8 * i)));
}

uint64_t GetU64(const char* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
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
  cache_ = std::make_unique<BlockCache>(cache_slots);
  Regions();  // built before the first call on a hot path
}

NumberPlan::~NumberPlan() = default;

namespace {

// The digits of a number as written (separators skipped, up to ';'), and
// whether a '+' led them. Returns their count; -1 for letters or other symbols
// (then *text is cut at ';'), -2 for more than 20 digits.
int ScanDigits(std::string_view* text, char (&digits)[20], bool* plus) {
  int n = 0;
  for (std::size_t i = 0; i < text->size(); ++i) {
    const char c = (*text)[i];
    if (c == ';') {  // tel URI parameters end the number
      *text = text->substr(0, i);
      break;
    }
    if (c >= '0' && c <= '9') {
      if (n == static_cast<int>(sizeof(digits))) return -2;
      digits[n++] = c;
    } else if (c == '+' && n == 0 && !*plus) {
      *plus = true;
    } else if (!IsSeparator(c)) {
      *text = text->substr(0, text->find(';'));
      return -1;  // letters or other symbols: leave it to libphonenumber
    }
  }
  return n;
}

}  // namespace

void NumberPlan::PrefetchText(std::string_view text) const {
  bool plus = false;
  char digits[20];
  const int n = ScanDigits(&text, digits, &plus);
  if (n <= 0 || n > 15) return;
  std::string_view d(digits, static_cast<std::size_t>(n));
  if (!plus) {
    const std::string_view ndd(ndd_);
    if (!ndd.empty() && d.starts_with(ndd)) d.remove_prefix(ndd.size());
  }
  Prefetch(WithCountryCode(plus ? 0 : home_cc_, d));
}

uint64_t NumberPlan::ToCompact(std::string_view text) const {
  bool plus = false;
  char digits[20];
  const int n = ScanDigits(&text, digits, &plus);
  if (n == -2) return 0;
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

void NumberPlan::Prefetch(uint64_t compact) const {
  if (compact == 0 || compact > kMaxCompact) return;
  int length = 0;
  cache_->Prefetch(BlockCache::KeyOf(compact, &length));
}

NumberInfo NumberPlan::Classify(uint64_t compact) const {
  if (compact == 0 || compact > kMaxCompact) return {};
  int length = 0;
  const uint64_t key = BlockCache::KeyOf(compact, &length);
  if (const auto hit = cache_->Find(key)) return Unpack(*hit);
  if (length <= kPrefixDigits) {
    const NumberInfo info = ClassifySlow(compact);
    cache_->Store(key, Pack(info));
    return info;
  }
  // What the block caches is decided by the block, not by the number that
  // happened to arrive first: its lowest and highest numbers must agree, and
  // their verdict is kept. So no caller can choose a verdict for its neighbours
  // (poisoning), and a block whose plan decides on a later digit is not cached.
  uint64_t low = 0, high = 0;
  BlockCache::BlockBounds(compact, length, &low, &high);
  const NumberInfo first = ClassifySlow(low);
  const NumberInfo last = ClassifySlow(high);
  const auto same = [](const NumberInfo& a, const NumberInfo& b) {
    return a.valid == b.valid && a.type == b.type && a.Region() == b.Region();
  };
  if (!same(first, last)) return ClassifySlow(compact);
  cache_->Store(key, Pack(first));
  return first;
}

Status NumberPlan::SaveCache(const std::string& path) const {
  const std::string identity = LibraryIdentity();
  if (identity.empty()) return Status::Ok();
  // magic, identity and home region (length-prefixed), entries, SHA-256 of all before.
  std::string data(kCacheMagic, sizeof kCacheMagic);
  const std::string who = identity + ";region=" + std::string(home_region());
  PutU64(&data, who.size());
  data += who;
  const std::size_t count_at = data.size();
  PutU64(&data, 0);
  uint64_t count = 0;
  cache_->ForEach([&](uint64_t key, uint32_t value) {
    PutU64(&data, key << 32 | value);
    ++count;
  });
  std::string count_bytes;
  PutU64(&count_bytes, count);
  data.replace(count_at, 8, count_bytes);
  unsigned char digest[32];
  Sha256(data, digest);
  data.append(reinterpret_cast<const char*>(digest), sizeof digest);
  const std::string partial = path + ".partial";
  {
    std::ofstream out(partial, std::ios::binary | std::ios::trunc);
    out.write(data.data(), static_cast<std::streamsize>(data.size()));
    if (!out.flush()) return Internal("cannot write " + partial);
  }
  std::error_code ec;
  std::filesystem::rename(partial, path, ec);
  if (ec) return Internal("cannot rename " + partial + ": " + ec.message());
  return Status::Ok();
}

Result<std::size_t> NumberPlan::LoadCache(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::size_t{0};
  const std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  constexpr std::size_t kDigest = 32;
  if (data.size() < sizeof kCacheMagic + 16 + kDigest ||
      std::memcmp(data.data(), kCacheMagic, sizeof kCacheMagic) != 0) {
    return std::size_t{0};
  }
  const std::string_view body(data.data(), data.size() - kDigest);
  unsigned char digest[kDigest];
  Sha256(body, digest);
  if (std::memcmp(digest, data.data() + body.size(), kDigest) != 0) return std::size_t{0};
  std::size_t at = sizeof kCacheMagic;
  const uint64_t who_size = GetU64(body.data() + at);
  at += 8;
  if (who_size > body.size() - at - 8) return std::size_t{0};
  const std::string identity = LibraryIdentity();
  if (identity.empty() ||
      body.substr(at, who_size) != identity + ";region=" + std::string(home_region())) {
    return std::size_t{0};
  }
  at += who_size;
  const uint64_t count = GetU64(body.data() + at);
  at += 8;
  if (count != (body.size() - at) / 8 || (body.size() - at) % 8 != 0) return std::size_t{0};
  for (uint64_t i = 0; i < count; ++i, at += 8) {
    const uint64_t entry = GetU64(body.data() + at);
    cache_->Store(entry >> 32, static_cast<uint32_t>(entry));
  }
  return static_cast<std::size_t>(count);
}

}  // namespace quell
