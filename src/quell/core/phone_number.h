// PhoneNumber: a telephone number, stored as E.164.
//
// Input from people and CDRs ("138 0013 8000", "+86-138-0013-8000",
// "008613800138000") is parsed with a default region (quell.toml `region`, CN by
// default) through libphonenumber; the result is a canonical E.164 number held as
// a compact uint64 (the E.164 digits read as a decimal integer: +86 138 0013 8000
// -> 8613800138000). That form is lossless — a country code never starts with 0 —
// and is what hot paths, indexes and the store use.
//
// libphonenumber is used only in phone_number.cc and number_plan.cc (the cache
// in front of it for hot paths): parsing costs ~15 µs, so parse once at the edge
// and carry the compact form. Display and type/region lookups
// also go through libphonenumber and belong to edges (portal, reports).
//
// Thread-safe: PhoneNumber is an immutable value; all functions may be called
// from any thread.
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "quell/core/status.h"
#include "quell/core/vocabulary.h"

namespace quell {

enum class NumberType {
  kFixedLine,
  kMobile,
  kFixedLineOrMobile,
  kTollFree,
  kPremiumRate,
  kSharedCost,
  kVoip,
  kPersonalNumber,
  kPager,
  kUan,
  kVoicemail,
  kUnknown,
};

// "mobile", "fixed_line", "toll_free", ...
std::string_view NumberTypeName(NumberType t);

class PhoneNumber {
 public:
  // Parses user or CDR input. `default_region` (ISO 3166 alpha-2, e.g. "CN") applies
  // to numbers written without a country code. Fails with InvalidArgument saying
  // why ("'+86 1380013' is not a valid number for region CN: too short") if the
  // input is not a number, is impossible, or is not valid in the numbering plan.
  static Result<PhoneNumber> Parse(std::string_view input, std::string_view default_region = "CN");

  // Like Parse, but accepts numbers that are possible (right length for their
  // country) yet not valid (e.g. unallocated ranges); IsValid() tells which. Used
  // where an invalid caller is itself a signal (spoofing detection).
  static Result<PhoneNumber> ParsePossible(std::string_view input,
                                           std::string_view default_region = "CN");

  // True for an ISO 3166 alpha-2 region the numbering metadata knows ("CN").
  static bool IsKnownRegion(std::string_view region);

  // From the compact form, as read back from the store or an index. No checks
  // beyond 0 < compact < 10^15.
  static Result<PhoneNumber> FromCompact(uint64_t compact);

  PhoneNumber() = default;  // the empty number (compact() == 0); not valid

  uint64_t compact() const { return compact_; }
  bool empty() const { return compact_ == 0; }

  // "+8613800138000".
  std::string E164() const;
  // Country calling code, e.g. 86.
  int CountryCode() const;
  // National display format, e.g. "138 0013 8000", "010 6552 9988": from a
  // per-block template cache, well under a microsecond once the block is known.
  std::string National() const;
  // The same straight from libphonenumber (~20 µs): the reference for tests.
  std::string NationalSlow() const;
  // International display format, e.g. "+86 138 0013 8000".
  std::string International() const;
  // Number type from the numbering plan.
  NumberType Type() const;
  // Region code ("CN", "US"), or "ZZ" when unknown.
  std::string Region() const;
  // Geocoded description ("Beijing" / "北京市"); empty when the plan has none.
  std::string Describe(Lang lang) const;
  // Valid in the numbering plan (always true for numbers from Parse()).
  bool IsValid() const;

  friend auto operator<=>(const PhoneNumber&, const PhoneNumber&) = default;

 private:
  explicit PhoneNumber(uint64_t compact) : compact_(compact) {}
  uint64_t compact_ = 0;
};

}  // namespace quell
