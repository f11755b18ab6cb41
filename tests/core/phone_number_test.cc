#include "quell/core/phone_number.h"

#include <gtest/gtest.h>

namespace quell {
namespace {

TEST(PhoneNumberTest, ParsesNationalAndInternationalForms) {
  for (const char* in :
       {"13800138000", "138 0013 8000", "+86 138-0013-8000", "008613800138000", "+8613800138000"}) {
    auto n = PhoneNumber::Parse(in, "CN");
    ASSERT_TRUE(n.has_value()) << in << ": " << n.status().ToString();
    EXPECT_EQ(n->compact(), 8613800138000u) << in;
    EXPECT_EQ(n->E164(), "+8613800138000");
  }
}

TEST(PhoneNumberTest, TypeRegionDisplayAndGeocode) {
  auto n = PhoneNumber::Parse("+86 138 0013 8000");
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(n->Type(), NumberType::kMobile);
  EXPECT_EQ(n->Region(), "CN");
  EXPECT_EQ(n->CountryCode(), 86);
  EXPECT_EQ(n->National(), "138 0013 8000");
  EXPECT_EQ(n->International(), "+86 138 0013 8000");
  EXPECT_EQ(n->Describe(Lang::kEn), "Beijing");
  EXPECT_EQ(n->Describe(Lang::kZh), "北京市");
  EXPECT_TRUE(n->IsValid());

  auto us = PhoneNumber::Parse("+1 650-253-0000");
  ASSERT_TRUE(us.has_value());
  EXPECT_EQ(us->Region(), "US");
  EXPECT_EQ(us->Describe(Lang::kEn), "Mountain View, CA");

  auto toll = PhoneNumber::Parse("+1 800 234 5678");
  ASSERT_TRUE(toll.has_value());
  EXPECT_EQ(toll->Type(), NumberType::kTollFree);

  auto fixed = PhoneNumber::Parse("010 6552 9988", "CN");
  ASSERT_TRUE(fixed.has_value());
  EXPECT_EQ(fixed->Type(), NumberType::kFixedLine);
  EXPECT_EQ(fixed->National(), "010 6552 9988");
}

TEST(PhoneNumberTest, DefaultRegionApplies) {
  auto n = PhoneNumber::Parse("020 7031 3000", "GB");
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(n->E164(), "+442070313000");
  EXPECT_EQ(n->Describe(Lang::kEn), "London");
}

TEST(PhoneNumberTest, InvalidInputSaysWhy) {
  auto unallocated = PhoneNumber::Parse("+86 1380013", "CN");
  ASSERT_FALSE(unallocated.has_value());
  EXPECT_EQ(unallocated.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(unallocated.status().message(),
            "'+86 1380013' is not a valid number for region CN: not in an allocated range of the "
            "numbering plan");
  EXPECT_EQ(PhoneNumber::Parse("+86 138", "CN").status().message(),
            "'+86 138' is not a valid number for region CN: too short");
  EXPECT_NE(PhoneNumber::Parse("hello", "CN").status().message().find("not a phone number"),
            std::string::npos);
  EXPECT_NE(PhoneNumber::Parse("+999 123456", "CN").status().message().find("country calling code"),
            std::string::npos);
  EXPECT_FALSE(PhoneNumber::Parse("", "CN").has_value());
  EXPECT_FALSE(PhoneNumber::Parse(std::string(500, '1'), "CN").has_value());
}

TEST(PhoneNumberTest, ItalianLeadingZeroSurvivesCompactForm) {
  auto n = PhoneNumber::Parse("+39 02 1234 5678");
  ASSERT_TRUE(n.has_value()) << n.status().ToString();
  EXPECT_EQ(n->compact(), 390212345678u);
  auto back = PhoneNumber::FromCompact(n->compact());
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->E164(), "+390212345678");
  EXPECT_EQ(back->Region(), "IT");
  EXPECT_TRUE(back->IsValid());
}

TEST(PhoneNumberTest, PossibleButUnallocated) {
  // +86 100... is the right length but not an allocated mobile/fixed range.
  auto strict = PhoneNumber::Parse("+86 199 9999 9999 9", "CN");
  EXPECT_FALSE(strict.has_value());
  EXPECT_FALSE(PhoneNumber::FromCompact(0).has_value());
  EXPECT_FALSE(PhoneNumber::FromCompact(10'000'000'000'000'000ULL).has_value());
}

}  // namespace
}  // namespace quell
