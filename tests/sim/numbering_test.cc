#include "quell/sim/internal/numbering.h"

#include <set>
#include <string>
#include <unordered_set>

#include <gtest/gtest.h>

#include "quell/core/number_plan.h"
#include "quell/core/phone_number.h"
#include "quell/sim/internal/rng.h"

namespace quell::sim::internal {
namespace {

std::string E164(const Number& n) { return "+" + std::to_string(n.e164); }

// The written form of a number, by shape.
std::string Shape(const std::string& s) {
  if (s.starts_with("+")) return s.find(' ') != std::string::npos ? "e164 spaced" : "e164";
  if (s.starts_with("00")) return "00 prefix";
  if (s.starts_with("0"))
    return s.find(' ') != std::string::npos ? "trunk prefix spaced" : "trunk prefix";
  if (s.find('-') != std::string::npos) return "national dashed";
  if (s.starts_with("86")) return "cc without +";
  return "national";
}

TEST(Numbering, SubscriberNumbersAndIndicesInvertEachOther) {
  const Numbering n(1'000'000, 7);
  Rng rng(1);
  for (int k = 0; k < 20000; ++k) {
    const auto i = static_cast<int64_t>(rng.Below(1'000'000));
    const Number num = n.Subscriber(i);
    ASSERT_EQ(n.SubscriberIndex(num.e164), i) << E164(num);
    int64_t block;
    int line;
    n.Locate(i, &block, &line);
    EXPECT_EQ(n.SubscriberAt(block, line), i);
    EXPECT_EQ(n.BlockNumber(block, line), num);
  }
  // 60 % of a block is assigned.
  int assigned = 0;
  for (int line = 0; line < Numbering::kBlockSize; ++line) assigned += n.SubscriberAt(3, line) >= 0;
  EXPECT_EQ(assigned, Numbering::kAssignedPerBlock);
  // Beyond the subscribers: nobody.
  EXPECT_EQ(n.SubscriberIndex(n.HomeExtra(0).e164), -1);
  EXPECT_EQ(n.SubscriberIndex(8613000000000), -1);  // another carrier's range
  EXPECT_EQ(n.SubscriberIndex(861065529988), -1);   // a landline
}

TEST(Numbering, SpacesAreDisjointAndInjective) {
  const Numbering n(200'000, 3);
  std::unordered_set<uint64_t> seen;
  auto add = [&](const Number& num, const char* what) {
    EXPECT_TRUE(seen.insert(num.e164).second) << what << " " << E164(num);
  };
  for (int64_t i = 0; i < 200'000; ++i) add(n.Subscriber(i), "subscriber");
  for (uint64_t i = 0; i < 100'000; ++i) {
    add(n.OtherMobile(i), "other");
    add(n.Mvno(i), "mvno");
    add(n.Landline(i), "landline");
    add(n.HomeExtra(i), "extra");
  }
}

TEST(Numbering, GeneratedNumbersAreValidInTheNumberingPlan) {
  const Numbering n(1'000'000, 5);
  Rng rng(2);
  for (int k = 0; k < 300; ++k) {
    const uint64_t i = rng.Below(1'000'000);
    for (const Number& num :
         {n.Subscriber(static_cast<int64_t>(i)), n.OtherMobile(i), n.Mvno(i), n.HomeExtra(i)}) {
      auto parsed = PhoneNumber::Parse(E164(num));
      ASSERT_TRUE(parsed.has_value()) << parsed.error().message();
      EXPECT_EQ(parsed->Type(), NumberType::kMobile) << E164(num);
    }
    auto landline = PhoneNumber::Parse(E164(n.Landline(i)));
    ASSERT_TRUE(landline.has_value()) << landline.error().message();
    EXPECT_EQ(landline->Type(), NumberType::kFixedLine);
  }
  for (std::size_t r = 0; r < kLegitForeignCount; ++r) {
    for (int k = 0; k < 30; ++k) {
      const Number f = Numbering::Foreign(kLegitForeign[r], rng.Next());
      auto parsed = PhoneNumber::Parse(E164(f));
      ASSERT_TRUE(parsed.has_value()) << parsed.error().message();
      EXPECT_NE(parsed->Region(), "CN");
    }
  }
  for (std::size_t r = 0; r < kIrsfForeignCount; ++r) {
    for (int k = 0; k < 30; ++k) {
      const Number f = Numbering::Foreign(kIrsfForeign[r], rng.Next());
      auto parsed = PhoneNumber::Parse(E164(f));
      ASSERT_TRUE(parsed.has_value()) << parsed.error().message();
      EXPECT_NE(parsed->Region(), "CN");
    }
  }
  // Unallocated: possible (a reader keeps them) but not valid.
  for (int k = 0; k < 300; ++k) {
    const Number u = Numbering::Unallocated(rng.Next());
    EXPECT_FALSE(PhoneNumber::Parse(E164(u)).has_value()) << E164(u);
    auto possible = PhoneNumber::ParsePossible(E164(u));
    ASSERT_TRUE(possible.has_value()) << E164(u);
    EXPECT_EQ(possible->compact(), u.e164);
  }
}

TEST(Numbering, EveryWrittenFormReadsBackAsTheSameNumber) {
  const Numbering n(100'000, 1);
  const NumberPlan plan("CN");
  Rng rng(3);
  std::set<std::string> shapes;
  for (int k = 0; k < 60; ++k) {
    const uint64_t i = rng.Below(100'000);
    for (const Number& num :
         {n.Subscriber(static_cast<int64_t>(i)), n.OtherMobile(i), n.Landline(i),
          n.Landline(i + 13), Numbering::Foreign(kIrsfForeign[k % kIrsfForeignCount], rng.Next()),
          Numbering::Foreign(kLegitForeign[k % kLegitForeignCount], rng.Next()),
          Numbering::Unallocated(rng.Next())}) {
      for (uint64_t draw = 0; draw < 100; ++draw) {
        char text[32];
        const std::string s(text, FormatNumber(num, draw, text));
        auto parsed = PhoneNumber::ParsePossible(s);
        ASSERT_TRUE(parsed.has_value()) << s << ": " << parsed.error().message();
        EXPECT_EQ(parsed->compact(), num.e164) << s;
        EXPECT_EQ(plan.ToCompact(s), num.e164) << s;
        shapes.insert(Shape(s));
      }
    }
  }
  EXPECT_EQ(shapes, (std::set<std::string>{"e164", "e164 spaced", "cc without +", "national",
                                           "national dashed", "trunk prefix", "trunk prefix spaced",
                                           "00 prefix"}));
}

TEST(Numbering, DeviceIdentifiersHaveTheirShapes) {
  const Numbering n(1000, 9);
  for (int64_t i = 0; i < 1000; ++i) {
    const std::string imsi = std::to_string(n.SubscriberImsi(i));
    EXPECT_EQ(imsi.size(), 15u);
    EXPECT_TRUE(imsi.starts_with("46000")) << imsi;
    const std::string imei = std::to_string(n.SubscriberImei(i));
    ASSERT_EQ(imei.size(), 15u);
    int sum = 0;  // Luhn over all 15 digits
    for (int d = 0; d < 15; ++d) {
      int v = imei[14 - d] - '0';
      if (d % 2 == 1) v = v * 2 > 9 ? v * 2 - 9 : v * 2;
      sum += v;
    }
    EXPECT_EQ(sum % 10, 0) << imei;
    EXPECT_EQ(n.SubscriberHomeCell(i) / 10'000'000,
              static_cast<uint64_t>(Numbering::kHomeProvince));
  }
  EXPECT_NE(Numbering::OtherProvince(5), Numbering::kHomeProvince);
}

}  // namespace
}  // namespace quell::sim::internal
