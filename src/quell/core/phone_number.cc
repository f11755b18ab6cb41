#include "quell/core/phone_number.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <charconv>
#include <mutex>

#include <phonenumbers/geocoding/phonenumber_offline_geocoder.h>
#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>
#include <unicode/locid.h>

#include "quell/core/internal/block_cache.h"
#include "quell/core/internal/number_type.h"

namespace quell {
namespace {

using i18n::phonenumbers::PhoneNumberOfflineGeocoder;
using i18n::phonenumbers::PhoneNumberUtil;
using Proto = i18n::phonenumbers::PhoneNumber;
using internal::BlockCache;

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

// The national display form, without libphonenumber on every call. Formatting
// a number costs ~20 µs (the E.164 text parsed back into a proto, then a format
// pattern chosen and applied with regular expressions), and every answer that
// shows a number carries it. Numbering plans choose the pattern by the leading
// digits and the length, so the national form of a block (length + first
// kBlockDigits digits) is a template: the formatted text with the number's
// national significant digits as 'X' ("XXX XXXX XXXX", "0XX XXXX XXXX",
// "(XXX) XXX-XXXX"). A block caches its template when its lowest and highest
// numbers give the same one (as NumberPlan caches verdicts: decided by the
// block, never by the number that came first); otherwise, and for any number
// whose formatting is not its own digits regrouped, libphonenumber answers.
// tests/core/phone_number_test.cc measures the agreement on 100,000 numbers.
class NationalFormats {
 public:
  std::string Format(uint64_t compact) {
    int length = 0;
    const uint64_t key = BlockCache::KeyOf(compact, &length);
    auto id = cache_.Find(key);
    if (!id) {
      id = BlockTemplate(compact, length);
      cache_.Store(key, *id);
    }
    if (*id == kNone) return Slow(compact);
    return Apply(*templates_[*id].load(std::memory_order_acquire), compact);
  }

  static std::string Slow(uint64_t compact) {
    std::string out;
    Util().Format(ProtoOf(compact), PhoneNumberUtil::NATIONAL, &out);
    return out;
  }

 private:
  static constexpr uint32_t kNone = 0xFFFFFFFF;
  static constexpr std::size_t kMaxTemplates = 4096;

  // `formatted` with the last `nsn` digits of `digits` as 'X', or "" when the
  // formatted text is not those digits regrouped (after an optional prefix).
  static std::string TemplateOf(const std::string& digits, const std::string& formatted,
                                std::size_t nsn) {
    std::string t = formatted;
    std::size_t left = nsn;
    for (std::size_t i = t.size(); i-- > 0;) {
      if (t[i] < '0' || t[i] > '9' || left == 0) continue;
      if (t[i] != digits[digits.size() - nsn + left - 1]) return {};
      t[i] = 'X';
      --left;
    }
    return left == 0 ? t : std::string();
  }

  // The template with its 'X's, from the last, replaced by the number's digits
  // from its last.
  static std::string Apply(const std::string& tmpl, uint64_t compact) {
    std::string out = tmpl;
    for (std::size_t i = out.size(); i-- > 0;) {
      if (out[i] == 'X') {
        out[i] = static_cast<char>('0' + compact % 10);
        compact /= 10;
      }
    }
    return out;
  }

  // The template id of the block `compact` is in, or kNone.
  uint32_t BlockTemplate(uint64_t compact, int length) {
    uint64_t low = 0, high = 0;
    BlockCache::BlockBounds(compact, length, &low, &high);
    std::string first;
    for (const uint64_t n : {low, high}) {
      const Proto pn = ProtoOf(n);
      const std::string digits = std::to_string(n);
      const std::size_t cc = std::to_string(pn.country_code()).size();
      if (pn.country_code() == 0 || cc >= digits.size()) return kNone;
      std::string formatted;
      Util().Format(pn, PhoneNumberUtil::NATIONAL, &formatted);
      std::string t = TemplateOf(digits, formatted, digits.size() - cc);
      if (t.empty() || (n == high && n != low && t != first)) return kNone;
      first = std::move(t);
    }
    return Intern(first);
  }

  uint32_t Intern(const std::string& t) {
    std::lock_guard lock(mu_);
    for (uint32_t i = 0; i < count_; ++i) {
      if (*templates_[i].load(std::memory_order_relaxed) == t) return i;
    }
    if (count_ == kMaxTemplates) return kNone;
    templates_[count_].store(new std::string(t), std::memory_order_release);  // kept until exit
    return count_++;
  }

  BlockCache cache_{1 << 18};  // 2 MiB, as NumberPlan's
  std::mutex mu_;
  std::array<std::atomic<const std::string*>, kMaxTemplates> templates_{};
  uint32_t count_ = 0;  // guarded by mu_
};

NationalFormats& Formats() {
  static NationalFormats* f = new NationalFormats();  // never destroyed: used until exit
  return *f;
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
  return empty() ? std::string() : Formats().Format(compact_);
}

std::string PhoneNumber::NationalSlow() const {
  return empty() ? std::string() : NationalFormats::Slow(compact_);
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
