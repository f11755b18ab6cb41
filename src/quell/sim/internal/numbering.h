// Numbering: the simulated world's telephone numbers and devices.
//
// The home network's subscribers live in blocks of 10,000 numbers (prefix +
// 4-digit segment) of China Mobile-like ranges, 60 % of each block assigned, in
// a scrambled but invertible order, so a subscriber's number is computed from
// its index and a number's index from the number — nothing is stored. Other
// numbers come from disjoint spaces, each an invertible map from an index:
// other carriers' mobiles, virtual operators (170/171), landlines (area code +
// 8 digits), home-network numbers no subscriber holds (the unassigned 40 % of
// the subscribers' blocks first, then blocks from the top of the ranges),
// foreign numbers, and unallocated ranges. Different indices never give the
// same number, so a campaign's numbers are never an ordinary person's unless
// a campaign takes them on purpose.
//
// Cells: cell_id = province code (GB/T 2260, two digits) * 10^7 + a local
// number; the home network covers province 44; two cells are "distant" when
// their provinces differ.
//
// Thread-safe: const after construction.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace quell::sim::internal {

enum class NumberClass : uint8_t { kMobile, kLandline, kForeign, kUnallocated };

struct Number {
  uint64_t e164 = 0;  // compact E.164 digits: 8613812345678
  NumberClass cls = NumberClass::kMobile;
  uint8_t prefix_digits = 0;  // country-code digits (foreign) or area-code digits (landline)
  bool operator==(const Number& o) const { return e164 == o.e164; }
};

// A foreign numbering range used by the simulation: +cc lead followed by
// `rest` random digits.
struct ForeignRange {
  std::string_view cc;
  std::string_view lead;
  int rest;
};

class Numbering {
 public:
  static constexpr int kHomeProvince = 44;
  static constexpr int kBlockSize = 10'000;
  static constexpr int kAssignedPerBlock = 6'000;

  Numbering(int64_t subscribers, uint64_t seed);

  int64_t subscribers() const { return subscribers_; }
  int64_t subscriber_blocks() const { return blocks_; }

  Number Subscriber(int64_t index) const;
  // The subscriber index at slot `line` (0..9999) of home block `block`, or -1.
  int64_t SubscriberAt(int64_t block, int line) const;
  // The number at slot `line` of home block `block` (assigned or not).
  Number BlockNumber(int64_t block, int line) const;
  // The home block and slot of a subscriber.
  void Locate(int64_t index, int64_t* block, int* line) const;
  // The subscriber index of a number, or -1.
  int64_t SubscriberIndex(uint64_t e164) const;

  // Disjoint spaces, each injective in its index.
  Number OtherMobile(uint64_t index) const;  // other carriers' mobiles
  Number Mvno(uint64_t index) const;         // virtual operators, 170/171
  Number Landline(uint64_t index) const;     // area code + 8 digits
  Number HomeExtra(uint64_t index) const;    // home-network numbers no subscriber holds
  // A valid foreign number from `range`, digits from `draw`.
  static Number Foreign(const ForeignRange& range, uint64_t draw);
  // A possible but unallocated Chinese number (+86 12x/14x...), digits from `draw`.
  static Number Unallocated(uint64_t draw);

  // True for numbers in the home network's mobile ranges (subscribers and
  // HomeExtra SIMs); false for other carriers' numbers.
  static bool IsHomeMobile(uint64_t e164);
  // True for other carriers' numbers in China Unicom-like ranges.
  static bool IsUnicomLike(uint64_t e164);
  static bool IsMvno(uint64_t e164);

  // Subscriber devices and places (derived from the index). SubscriberImsi
  // of an index at or above subscribers() is a SIM no subscriber holds (SIM
  // boxes, couriers' phones): same range, different numbers.
  uint64_t SubscriberImsi(int64_t index) const;
  uint64_t SubscriberImei(int64_t index) const;
  uint64_t SubscriberHomeCell(int64_t index) const;
  uint64_t SubscriberWorkCell(int64_t index) const;

  // IMSI of the home network (MCC 460, MNC 00) with the given 10-digit MSIN.
  static uint64_t Imsi(uint64_t msin);
  // A 15-digit IMEI (plausible TAC, serial, Luhn check digit) from a hash.
  static uint64_t Imei(uint64_t hash);
  static uint64_t Cell(int province, uint64_t local);
  // A province other than the home one, from a hash.
  static int OtherProvince(uint64_t hash);

 private:
  int64_t subscribers_;
  int64_t blocks_;
  uint64_t seed_;
  int segment_shift_;
  uint64_t shift_;
};

// Writes `n` as a CDR would: a mix of E.164, E.164 without '+', national,
// dashed and spaced forms chosen by `draw`. Returns the length (< 32).
std::size_t FormatNumber(const Number& n, uint64_t draw, char* out);
// "+<digits>".
std::size_t FormatE164(const Number& n, char* out);

// Foreign ranges: legitimate callers from abroad, and revenue-share (IRSF)
// destinations used by one-ring campaigns.
extern const ForeignRange kLegitForeign[];
extern const std::size_t kLegitForeignCount;
extern const ForeignRange kIrsfForeign[];
extern const std::size_t kIrsfForeignCount;

}  // namespace quell::sim::internal
