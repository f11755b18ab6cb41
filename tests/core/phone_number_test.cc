#include "quell/core/phone_number.h"

#include <cstdio>
#include <random>
#include <thread>
#include <vector>

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

// National() answers from a template per block of numbers; measure how often
// that differs from libphonenumber's own formatting over 100,000 mixed
// numbers (valid, invalid, CN, NANPA, UK, anything), the same mix as the
// number plan's test.
TEST(PhoneNumberTest, NationalFormatAgreesWithLibphonenumberOn100kNumbers) {
  std::mt19937_64 rng(20261129);
  auto digits = [&](int n) {
    uint64_t v = 0;
    for (int i = 0; i < n; ++i) v = v * 10 + rng() % 10;
    return v;
  };
  int disagree = 0, valid = 0, valid_disagree = 0;
  std::string example;
  for (int i = 0; i < 100'000; ++i) {
    uint64_t c = 0;
    switch (i % 6) {
      case 0:
        c = 8'610'000'000'000ULL + digits(10);
        break;  // 86 1x: mobile-like
      case 1:
        c = 860'000'000'000ULL + digits(10);
        break;  // 86 + 10 digits
      case 2:
        c = 10'000'000'000ULL + digits(10);
        break;  // NANPA
      case 3:
        c = 440'000'000'000ULL + digits(10);
        break;  // UK
      case 4:
        c = 1 + digits(12);
        break;  // anything
      default:
        c = 86'000'000'000ULL + digits(9);
        break;  // short CN
    }
    auto n = PhoneNumber::FromCompact(c);
    ASSERT_TRUE(n.has_value());
    const std::string fast = n->National(), slow = n->NationalSlow();
    // Whatever the grouping, the digits are the number's own.
    ASSERT_FALSE(fast.empty()) << c;
    const bool is_valid = n->IsValid();
    valid += is_valid ? 1 : 0;
    if (fast != slow) {
      ++disagree;
      valid_disagree += is_valid ? 1 : 0;
      if (example.empty()) example = n->E164() + ": '" + fast + "' vs '" + slow + "'";
    }
  }
  std::printf(
      "national format cache vs libphonenumber on 100000 numbers (%d valid): %d "
      "disagreements, %d of them valid numbers%s%s\n",
      valid, disagree, valid_disagree, example.empty() ? "" : "; e.g. ", example.c_str());
  EXPECT_GT(valid, 20'000);
  // At most 1 in 10,000 valid numbers shown differently, 1 in 1,000 of all.
  EXPECT_LE(valid_disagree, 2);
  EXPECT_LE(disagree, 100);
}

TEST(PhoneNumberTest, NationalFormatOfKnownNumbers) {
  for (const auto& [e164, national] : std::vector<std::pair<std::string, std::string>>{
           {"+8613800138000", "138 0013 8000"},
           {"+861065529988", "010 6552 9988"},
           {"+862161234567", "021 6123 4567"},
           {"+16502530000", "(650) 253-0000"},
           {"+442079460000", "020 7946 0000"},
           {"+390612345678", "06 1234 5678"},
           {"+8675512345678", "0755 1234 5678"},
       }) {
    auto n = PhoneNumber::Parse(e164);
    ASSERT_TRUE(n.has_value()) << e164;
    // Twice: the first call fills the block's template, the second uses it.
    EXPECT_EQ(n->National(), national) << e164;
    EXPECT_EQ(n->National(), national) << e164;
    EXPECT_EQ(n->NationalSlow(), national) << e164;
  }
}

TEST(PhoneNumberTest, ConcurrentNationalIsConsistent) {
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 3000; ++i) {
        const uint64_t c = (i + t) % 2 ? 8613800000000ULL + i * 7919 : 16502530000ULL + i;
        auto n = PhoneNumber::FromCompact(c);
        if (!n || n->National() != n->NationalSlow()) ++wrong;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0);
}

}  // namespace
}  // namespace quell
