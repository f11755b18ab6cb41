#include "quell/core/phone_number.h"

#include <charconv>

#include <phonenumbers/geocoding/phonenumber_offline_geocoder.h>
#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>
#include <unicode/locid.h>

#include "quell/core/internal/number_type.h"

namespace quell {
namespace {

using i18n::phonenumbers::PhoneNumberOfflineGeocoder;
using i18n::phonenumbers::PhoneNumberUtil;
using Proto = i18n::phonenumbers::PhoneNumber;

PhoneNumberUtil& Util() { return *PhoneNumberUtil::GetInstance(); }

PhoneNumberOfflineGeocoder& Geocoder() {
  // Loads its 17 MB of prefix tables lazily; built once, never destroyed.
  static PhoneNumberOfflineGeocoder* g = new PhoneNumberOfflineGeocoder();
  return *g;
}

constexpr uint64_t kMaxCompact = 999'999'999'999'999ULL;  // 15 digits, E.164's maximum

std::string Quote(std::string_view s) {
  std::string q = "'";
  for (char c : s.substr(0, 64)) q.push_back(static_cast<unsigned char>(c) < 0x20 ? '?' : c);
  if (s.size() > 64) q += "...";
  q += "'";
  return q;
}

std::string_view ParseErrorReason(PhoneNumberUtil::ErrorType e) {
  switch (e) {
    case PhoneNumberUtil::INVALID_COUNTRY_CODE_ERROR:
      return "unknown country calling code";
    case PhoneNumberUtil::NOT_A_NUMBER:
      return "not a phone number";
    case PhoneNumberUtil::TOO_SHORT_AFTER_IDD:
      return "too short after the international prefix";
    case PhoneNumberUtil::TOO_SHORT_NSN:
      return "too short";
    case PhoneNumberUtil::TOO_LONG_NSN:
      return "too long";
    default:
      return "cannot be parsed";
  }
}

std::string_view PossibleReason(PhoneNumberUtil::ValidationResult r) {
  switch (r) {
    case PhoneNumberUtil::INVALID_COUNTRY_CODE:
      return "unknown country calling code";
    case PhoneNumberUtil::TOO_SHORT:
      return "too short";
    case PhoneNumberUtil::TOO_LONG:
      return "too long";
    case PhoneNumberUtil::IS_POSSIBLE_LOCAL_ONLY:
      return "a local number without its area code";
    case PhoneNumberUtil::INVALID_LENGTH:
      return "wrong length for its country";
    default:
      return "not possible";
  }
}

Result<Proto> ParseProto(std::string_view input, std::string_view region) {
  if (input.size() > 64) return InvalidArgument(Quote(input) + " is not a phone number: too long");
  Proto pn;
  const auto err = Util().Parse(std::string(input), std::string(region), &pn);
  if (err != PhoneNumberUtil::NO_PARSING_ERROR) {
    return InvalidArgument(Quote(input) + " is not a valid number for region " +
                           std::string(region) + ": " + std::string(ParseErrorReason(err)));
  }
  return pn;
}

Result<uint64_t> CompactOf(const Proto& pn, std::string_view input) {
  std::string e164;
  Util().Format(pn, PhoneNumberUtil::E164, &e164);
  uint64_t v = 0;
  auto [p, ec] = std::from_chars(e164.data() + 1, e164.data() + e164.size(), v);
  if (ec != std::errc() || p != e164.data() + e164.size() || v == 0 || v > kMaxCompact) {
    return InvalidArgument(Quote(input) + " does not fit E.164");
  }
  return v;
}

Proto ProtoOf(uint64_t compact) {
  Proto pn;
  if (compact != 0) Util().Parse("+" + std::to_string(compact), "ZZ", &pn);
  return pn;
}

}  // namespace

std::string_view NumberTypeName(NumberType t) {
  switch (t) {
    case NumberType::kFixedLine:
      return "fixed_line";
    case NumberType::kMobile:
      return "mobile";
    case NumberType::kFixedLineOrMobile:
      return "fixed_line_or_mobile";
    case NumberType::kTollFree:
      return "toll_free";
    case NumberType::kPremiumRate:
      return "premium_rate";
    case NumberType::kSharedCost:
      return "shared_cost";
    case NumberType::kVoip:
      return "voip";
    case NumberType::kPersonalNumber:
      return "personal_number";
    case NumberType::kPager:
      return "pager";
    case NumberType::kUan:
      return "uan";
    case NumberType::kVoicemail:
      return "voicemail";
    case NumberType::kUnknown:
      return "unknown";
  }
  return "unknown";
}

Result<PhoneNumber> PhoneNumber::Parse(std::string_view input, std::string_view default_region) {
  QUELL_ASSIGN_OR_RETURN(Proto pn, ParseProto(input, default_region));
  if (!Util().IsValidNumber(pn)) {
    const auto possible = Util().IsPossibleNumberWithReason(pn);
    const std::string why = possible == PhoneNumberUtil::IS_POSSIBLE
                                ? "not in an allocated range of the numbering plan"
                                : std::string(PossibleReason(possible));
    return InvalidArgument(Quote(input) + " is not a valid number for region " +
                           std::string(default_region) + ": " + why);
  }
  QUELL_ASSIGN_OR_RETURN(uint64_t compact, CompactOf(pn, input));
  return PhoneNumber(compact);
}

Result<PhoneNumber> PhoneNumber::ParsePossible(std::string_view input,
                                               std::string_view default_region) {
  QUELL_ASSIGN_OR_RETURN(Proto pn, ParseProto(input, default_region));
  const auto possible = Util().IsPossibleNumberWithReason(pn);
  if (possible != PhoneNumberUtil::IS_POSSIBLE) {
    return InvalidArgument(Quote(input) + " is not a possible number for region " +
                           std::string(default_region) + ": " +
                           std::string(PossibleReason(possible)));
  }
  QUELL_ASSIGN_OR_RETURN(uint64_t compact, CompactOf(pn, input));
  return PhoneNumber(compact);
}

Result<PhoneNumber> PhoneNumber::FromCompact(uint64_t compact) {
  if (compact == 0 || compact > kMaxCompact) {
    return InvalidArgument(std::to_string(compact) + " is not an E.164 number");
  }
  return PhoneNumber(compact);
}

std::string PhoneNumber::E164() const {
  return empty() ? std::string() : "+" + std::to_string(compact_);
}

int PhoneNumber::CountryCode() const { return empty() ? 0 : ProtoOf(compact_).country_code(); }

std::string PhoneNumber::National() const {
  if (empty()) return {};
  std::string out;
  Util().Format(ProtoOf(compact_), PhoneNumberUtil::NATIONAL, &out);
  return out;
}

std::string PhoneNumber::International() const {
  if (empty()) return {};
  std::string out;
  Util().Format(ProtoOf(compact_), PhoneNumberUtil::INTERNATIONAL, &out);
  return out;
}

NumberType PhoneNumber::Type() const {
  if (empty()) return NumberType::kUnknown;
  return internal::NumberTypeOf(Util().GetNumberType(ProtoOf(compact_)));
}

bool PhoneNumber::IsKnownRegion(std::string_view region) {
  return region.size() == 2 && Util().GetCountryCodeForRegion(std::string(region)) != 0;
}

std::string PhoneNumber::Region() const {
  std::string region = "ZZ";
  if (!empty()) Util().GetRegionCodeForNumber(ProtoOf(compact_), &region);
  return region;
}

std::string PhoneNumber::Describe(Lang lang) const {
  if (empty()) return {};
  const icu::Locale locale = lang == Lang::kZh ? icu::Locale("zh", "CN") : icu::Locale("en", "US");
  return Geocoder().GetDescriptionForNumber(ProtoOf(compact_), locale);
}

bool PhoneNumber::IsValid() const { return !empty() && Util().IsValidNumber(ProtoOf(compact_)); }

}  // namespace quell
