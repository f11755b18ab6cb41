#include "quell/sim/internal/numbering.h"

#include <array>
#include <charconv>
#include <cstring>

#include "quell/core/digits.h"
#include "quell/sim/internal/rng.h"

namespace quell::sim::internal {
namespace {

constexpr uint64_t kCn = 86;
constexpr uint64_t kCnMobileBase = kCn * 100'000'000'000ULL;  // 86 followed by 11 digits

// Mobile prefixes; every number in them is valid in libphonenumber's CN plan
// (checked by tests/sim/numbering_test.cc). The home network's look like China
// Mobile's, the others like China Unicom's and China Telecom's.
constexpr std::array<int, 20> kHomePrefixes = {134, 135, 136, 137, 138, 139, 147, 150, 151, 152,
                                               157, 158, 159, 178, 182, 183, 184, 187, 188, 198};
constexpr std::array<int, 19> kOtherPrefixes = {130, 131, 132, 133, 153, 155, 156, 166, 173, 175,
                                                176, 177, 180, 181, 185, 186, 189, 191, 199};
constexpr std::array<int, 2> kMvnoPrefixes = {170, 171};
// Possible (11 digits) but unallocated: no mobile range starts 12x, and 140-144
// / 154 hold no 11-digit numbers.
constexpr std::array<int, 16> kUnallocatedPrefixes = {120, 121, 122, 123, 124, 125, 126, 127,
                                                      128, 129, 140, 141, 142, 143, 144, 154};
// Area codes whose 8-digit local numbers starting 2-7 are all valid.
struct Area {
  uint16_t code;
  uint8_t digits;
};
constexpr std::array<Area, 24> kAreas = {
    {{10, 2},  {20, 2},  {21, 2},  {22, 2},  {23, 2},  {24, 2},  {25, 2},  {27, 2},
     {28, 2},  {29, 2},  {755, 3}, {571, 3}, {512, 3}, {532, 3}, {731, 3}, {871, 3},
     {311, 3}, {431, 3}, {451, 3}, {591, 3}, {898, 3}, {760, 3}, {769, 3}, {757, 3}}};

constexpr int kSegmentMultiplier = 3793;  // coprime with 10^4
constexpr int kSegmentOffset = 1234;
constexpr int64_t kTotalHomeBlocks = static_cast<int64_t>(kHomePrefixes.size()) * 10'000;

constexpr std::array<uint32_t, 10> kTacs = {35332509, 35404906, 35875909, 86769703, 86891704,
                                            35209811, 86471304, 35686509, 86008605, 35391110};
constexpr std::array<int, 30> kOtherProvinces = {11, 12, 13, 14, 15, 21, 22, 23, 31, 32,
                                                 33, 34, 35, 36, 37, 41, 42, 43, 45, 46,
                                                 50, 51, 52, 53, 54, 61, 62, 63, 64, 65};

// Multiplicative inverse of a modulo m (a coprime with m).
int64_t Inverse(int64_t a, int64_t m) {
  int64_t t = 0, new_t = 1, r = m, new_r = a % m;
  while (new_r != 0) {
    const int64_t q = r / new_r;
    t -= q * new_t;
    std::swap(t, new_t);
    r -= q * new_r;
    std::swap(r, new_r);
  }
  return t < 0 ? t + m : t;
}

const int kSegmentInverse = static_cast<int>(Inverse(kSegmentMultiplier, 10'000));

uint64_t ParseUint(std::string_view s) {
  uint64_t v = 0;
  for (char c : s) v = v * 10 + static_cast<uint64_t>(c - '0');
  return v;
}

Number Mobile(int prefix, uint64_t eight_digits) {
  return {.e164 = kCnMobileBase + static_cast<uint64_t>(prefix) * 100'000'000ULL + eight_digits,
          .cls = NumberClass::kMobile};
}

std::size_t PutDigits(uint64_t v, char* out) {
  const auto r = std::to_chars(out, out + 20, v);
  return static_cast<std::size_t>(r.ptr - out);
}

std::size_t Put(std::string_view s, char* out) {
  std::memcpy(out, s.data(), s.size());
  return s.size();
}

// Writes `digits` with spaces (or `sep`) after the given group lengths.
std::size_t PutGrouped(std::string_view digits, std::initializer_list<int> groups, char sep,
                       char* out) {
  std::size_t n = 0, at = 0;
  for (int g : groups) {
    if (at >= digits.size()) break;
    if (at > 0) out[n++] = sep;
    const std::size_t len = std::min<std::size_t>(static_cast<std::size_t>(g), digits.size() - at);
    n += Put(digits.substr(at, len), out + n);
    at += len;
  }
  if (at < digits.size()) n += Put(digits.substr(at), out + n);
  return n;
}

}  // namespace

const ForeignRange kLegitForeign[] = {
    {"1", "2125", 6}, {"1", "4165", 6}, {"44", "7912", 6}, {"81", "80", 8},
    {"82", "102", 6}, {"65", "91", 6},  {"852", "61", 6},  {"61", "412", 6},
    {"49", "151", 8}, {"886", "9", 8},  {"60", "12", 7},   {"66", "8", 8},
};
const std::size_t kLegitForeignCount = std::size(kLegitForeign);

const ForeignRange kIrsfForeign[] = {
    {"216", "2", 7},  {"216", "9", 7}, {"224", "62", 7}, {"232", "76", 6}, {"232", "77", 6},
    {"387", "61", 6}, {"960", "7", 6}, {"53", "5", 7},   {"252", "61", 7}, {"682", "7", 4},
    {"239", "99", 5}, {"220", "7", 6}, {"243", "81", 7},
};
const std::size_t kIrsfForeignCount = std::size(kIrsfForeign);

Numbering::Numbering(int64_t subscribers, uint64_t seed)
    : subscribers_(subscribers),
      blocks_((subscribers + kAssignedPerBlock - 1) / kAssignedPerBlock),
      seed_(seed),
      segment_shift_(static_cast<int>(Mix(seed, 0x736567ULL) % 10'000)),
      shift_(Mix(seed, 0x7368696674ULL) % 100'000'000) {}

// Within a block, slot s (0..5999 assigned) sits at line (a*s + c) mod 10^4.
namespace {
struct BlockPerm {
  int a, c;
};
BlockPerm PermOf(uint64_t seed, int64_t block) {
  const uint64_t h = Mix(seed, static_cast<uint64_t>(block), 0x626c6f636bULL);
  int a = static_cast<int>(h % 5000) * 2 + 1;  // odd
  if (a % 5 == 0) a += 2;
  return {a, static_cast<int>((h >> 32) % 10'000)};
}
}  // namespace

Number Numbering::BlockNumber(int64_t block, int line) const {
  const int prefix = kHomePrefixes[static_cast<std::size_t>(block % kHomePrefixes.size())];
  const int64_t segment =
      ((block / static_cast<int64_t>(kHomePrefixes.size())) * kSegmentMultiplier + kSegmentOffset +
       segment_shift_) %
      10'000;
  return Mobile(prefix, static_cast<uint64_t>(segment) * 10'000 + static_cast<uint64_t>(line));
}

void Numbering::Locate(int64_t index, int64_t* block, int* line) const {
  *block = index / kAssignedPerBlock;
  const int64_t slot = index % kAssignedPerBlock;
  const BlockPerm p = PermOf(seed_, *block);
  *line = static_cast<int>((p.a * slot + p.c) % 10'000);
}

Number Numbering::Subscriber(int64_t index) const {
  int64_t block;
  int line;
  Locate(index, &block, &line);
  return BlockNumber(block, line);
}

int64_t Numbering::SubscriberAt(int64_t block, int line) const {
  if (block < 0 || block >= blocks_ || line < 0 || line >= 10'000) return -1;
  const BlockPerm p = PermOf(seed_, block);
  const int64_t slot = ((line - p.c + 10'000) % 10'000) * Inverse(p.a, 10'000) % 10'000;
  if (slot >= kAssignedPerBlock) return -1;
  const int64_t index = block * kAssignedPerBlock + slot;
  return index < subscribers_ ? index : -1;
}

int64_t Numbering::SubscriberIndex(uint64_t e164) const {
  if (e164 < kCnMobileBase || e164 >= kCnMobileBase + 100'000'000'000ULL) return -1;
  const uint64_t national = e164 - kCnMobileBase;
  const int prefix = static_cast<int>(national / 100'000'000);
  const int64_t segment = static_cast<int64_t>(national / 10'000 % 10'000);
  const int line = static_cast<int>(national % 10'000);
  for (std::size_t p = 0; p < kHomePrefixes.size(); ++p) {
    if (kHomePrefixes[p] != prefix) continue;
    const int64_t t =
        (segment - kSegmentOffset - segment_shift_ + 20'000) % 10'000 * kSegmentInverse % 10'000;
    return SubscriberAt(t * static_cast<int64_t>(kHomePrefixes.size()) + static_cast<int64_t>(p),
                        line);
  }
  return -1;
}

Number Numbering::OtherMobile(uint64_t index) const {
  // Injective: the prefix fixes index mod 19 and the suffix index mod 10^8.
  const int prefix = kOtherPrefixes[index % kOtherPrefixes.size()];
  return Mobile(prefix, (index * 48271 + shift_) % 100'000'000);
}

Number Numbering::Mvno(uint64_t index) const {
  const int prefix = kMvnoPrefixes[index % kMvnoPrefixes.size()];
  return Mobile(prefix, (index * 69'621 + shift_ * 3) % 100'000'000);
}

Number Numbering::Landline(uint64_t index) const {
  // Injective below 6 * 10^7: 24 divides 6 * 10^7, so the local number fixes the area too.
  const Area& area = kAreas[index % kAreas.size()];
  const uint64_t local = 20'000'000 + (index * 102'947 + shift_ * 7) % 60'000'000;
  const uint64_t national = area.code * 100'000'000ULL + local;
  return {.e164 = kCn * Pow10(area.digits + 8) + national,
          .cls = NumberClass::kLandline,
          .prefix_digits = area.digits};
}

Number Numbering::HomeExtra(uint64_t index) const {
  // First the unassigned slots of the subscribers' own blocks, so these numbers
  // look like their neighbours; then whole blocks from the top of the ranges.
  const auto blocks = static_cast<uint64_t>(blocks_);
  const uint64_t free_slots = blocks * (kBlockSize - kAssignedPerBlock);
  if (index < free_slots) {
    const auto block = static_cast<int64_t>(index % blocks);
    const auto slot = static_cast<int64_t>(kAssignedPerBlock + index / blocks);
    const BlockPerm p = PermOf(seed_, block);
    return BlockNumber(block, static_cast<int>((p.a * slot + p.c) % 10'000));
  }
  index -= free_slots;
  const int64_t block = kTotalHomeBlocks - 1 - static_cast<int64_t>(index / 10'000);
  return BlockNumber(block, static_cast<int>(index % 10'000));
}

Number Numbering::Foreign(const ForeignRange& range, uint64_t draw) {
  const uint64_t head =
      ParseUint(range.cc) * Pow10(static_cast<int>(range.lead.size())) + ParseUint(range.lead);
  return {.e164 = head * Pow10(range.rest) + draw % Pow10(range.rest),
          .cls = NumberClass::kForeign,
          .prefix_digits = static_cast<uint8_t>(range.cc.size())};
}

Number Numbering::Unallocated(uint64_t draw) {
  Number n =
      Mobile(kUnallocatedPrefixes[draw % kUnallocatedPrefixes.size()], (draw >> 8) % 100'000'000);
  n.cls = NumberClass::kUnallocated;
  return n;
}

uint64_t Numbering::Imsi(uint64_t msin) {
  return 46000ULL * 10'000'000'000ULL + msin % 10'000'000'000ULL;
}

uint64_t Numbering::Imei(uint64_t hash) {
  const uint64_t body = kTacs[hash % kTacs.size()] * 1'000'000ULL + (hash >> 16) % 1'000'000;
  // Luhn check digit over the 14 digits, doubling every second digit from the right.
  int sum = 0;
  uint64_t v = body;
  for (int i = 0; i < 14; ++i, v /= 10) {
    int d = static_cast<int>(v % 10);
    if (i % 2 == 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return body * 10 + static_cast<uint64_t>((10 - sum % 10) % 10);
}

uint64_t Numbering::Cell(int province, uint64_t local) {
  return static_cast<uint64_t>(province) * 10'000'000ULL + local % 10'000'000ULL;
}

int Numbering::OtherProvince(uint64_t hash) {
  return kOtherProvinces[hash % kOtherProvinces.size()];
}

uint64_t Numbering::SubscriberImsi(int64_t index) const {
  // A permutation of the MSIN space (the multiplier is coprime with 10^10).
  return Imsi((static_cast<uint64_t>(index) * 6'364'136'227ULL + shift_) % 10'000'000'000ULL);
}
uint64_t Numbering::SubscriberImei(int64_t index) const {
  return Imei(Mix(seed_, static_cast<uint64_t>(index), 0x696d6569ULL));
}
uint64_t Numbering::SubscriberHomeCell(int64_t index) const {
  return Cell(kHomeProvince, Mix(seed_, static_cast<uint64_t>(index), 0x686f6d65ULL) % 200'000);
}
uint64_t Numbering::SubscriberWorkCell(int64_t index) const {
  return Cell(kHomeProvince, Mix(seed_, static_cast<uint64_t>(index), 0x776f726bULL) % 200'000);
}

namespace {
int MobilePrefix(uint64_t e164) {
  if (e164 < kCnMobileBase || e164 >= kCnMobileBase + 100'000'000'000ULL) return -1;
  return static_cast<int>((e164 - kCnMobileBase) / 100'000'000);
}
template <std::size_t N>
bool In(const std::array<int, N>& list, int v) {
  for (int x : list) {
    if (x == v) return true;
  }
  return false;
}
}  // namespace

bool Numbering::IsHomeMobile(uint64_t e164) { return In(kHomePrefixes, MobilePrefix(e164)); }
bool Numbering::IsUnicomLike(uint64_t e164) {
  return In(std::array<int, 10>{130, 131, 132, 155, 156, 166, 175, 176, 185, 186},
            MobilePrefix(e164));
}
bool Numbering::IsMvno(uint64_t e164) { return In(kMvnoPrefixes, MobilePrefix(e164)); }

std::size_t FormatE164(const Number& n, char* out) {
  out[0] = '+';
  return 1 + PutDigits(n.e164, out + 1);
}

std::size_t FormatNumber(const Number& n, uint64_t draw, char* out) {
  char digits[24];
  const std::size_t len = PutDigits(n.e164, digits);
  const std::string_view all(digits, len);
  const unsigned r = static_cast<unsigned>(draw % 100);
  switch (n.cls) {
    case NumberClass::kForeign:
      if (r < 80) return FormatE164(n, out);
      return Put("00", out) + Put(all, out + 2);
    case NumberClass::kUnallocated: {
      // Forms that keep the country code: without it a reader cannot tell an
      // unallocated national number from garbage.
      if (r < 85) return FormatE164(n, out);
      const std::string_view national = all.substr(2);
      return Put("+86 ", out) + PutGrouped(national, {3, 4, 4}, ' ', out + 4);
    }
    case NumberClass::kMobile: {
      const std::string_view national = all.substr(2);
      if (r < 72) return FormatE164(n, out);
      if (r < 80) return Put(all, out);
      if (r < 90) return Put(national, out);
      if (r < 94) return PutGrouped(national, {3, 4, 4}, '-', out);
      return Put("+86 ", out) + PutGrouped(national, {3, 4, 4}, ' ', out + 4);
    }
    case NumberClass::kLandline: {
      const std::string_view national = all.substr(2);
      const int a = n.prefix_digits;
      if (r < 72) return FormatE164(n, out);
      if (r < 77) return Put(all, out);
      out[0] = '0';
      if (r < 87) return 1 + Put(national, out + 1);
      if (r < 95) return 1 + PutGrouped(national, {a, 4, 4}, ' ', out + 1);
      return Put("+86 ", out) + PutGrouped(national, {a, 4, 4}, ' ', out + 4);
    }
  }
  return FormatE164(n, out);
}

}  // namespace quell::sim::internal
