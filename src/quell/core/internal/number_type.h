// libphonenumber's number types as Quell's NumberType. Included only by the .cc
// files that use libphonenumber (phone_number.cc, number_plan.cc).
#pragma once

#include <phonenumbers/phonenumberutil.h>

#include "quell/core/phone_number.h"

namespace quell::internal {

inline NumberType NumberTypeOf(i18n::phonenumbers::PhoneNumberUtil::PhoneNumberType t) {
  using U = i18n::phonenumbers::PhoneNumberUtil;
  switch (t) {
    case U::FIXED_LINE:
      return NumberType::kFixedLine;
    case U::MOBILE:
      return NumberType::kMobile;
    case U::FIXED_LINE_OR_MOBILE:
      return NumberType::kFixedLineOrMobile;
    case U::TOLL_FREE:
      return NumberType::kTollFree;
    case U::PREMIUM_RATE:
      return NumberType::kPremiumRate;
    case U::SHARED_COST:
      return NumberType::kSharedCost;
    case U::VOIP:
      return NumberType::kVoip;
    case U::PERSONAL_NUMBER:
      return NumberType::kPersonalNumber;
    case U::PAGER:
      return NumberType::kPager;
    case U::UAN:
      return NumberType::kUan;
    case U::VOICEMAIL:
      return NumberType::kVoicemail;
    default:
      return NumberType::kUnknown;
  }
}

}  // namespace quell::internal
