#include "quell/core/number_plan.h"

#include "quell/core/digits.h"

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace quell {
namespace {

TEST(Digits, CountAtEveryPowerOfTen) {
  EXPECT_EQ(DigitCount(0), 1);
  EXPECT_EQ(DigitCount(UINT64_MAX), 20);
  uint64_t p = 1;
  for (int digits = 1; digits <= 19; ++digits, p *= 10) {
    SCOPED_TRACE(p);
    EXPECT_EQ(DigitCount(p), digits);
    EXPECT_EQ(DigitCount(p * 10 - 1), digits);
    if (p > 1) {
      EXPECT_EQ(DigitCount(p - 1), digits - 1);
    }
    EXPECT_EQ(Pow10(digits - 1), p);
  }
  std::mt19937_64 rng(7);
  for (int i = 0; i < 100000; ++i) {
    const uint64_t v = rng() >> (rng() % 64);
    ASSERT_EQ(DigitCount(v), static_cast<int>(std::to_string(v).size())) << v;
  }
}

TEST(NumberPlan, CacheFileStartsTheNextPlanWarm) {
  const std::string dir = ::testing::TempDir() + "/plan-cache-" + std::to_string(::getpid());
  std::filesystem::create_directories(dir);
  const std::string path = dir + "/numbering-plan.cache";
  std::vector<uint64_t> numbers;
  std::mt19937_64 rng(11);
  for (int i = 0; i < 2000; ++i) numbers.push_back(8610000000000 + rng() % 10000000000);
  numbers.push_back(8613800138000);
  numbers.push_back(861012345678);
  NumberPlan first("CN");
  for (uint64_t n : numbers) first.Classify(n);
  ASSERT_TRUE(first.SaveCache(path).ok());

  NumberPlan warm("CN");
  auto loaded = warm.LoadCache(path);
  ASSERT_TRUE(loaded.has_value());
  EXPECT_GT(*loaded, 1000u);
  for (uint64_t n : numbers) {
    const NumberInfo a = warm.Classify(n), b = NumberPlan::ClassifySlow(n);
    ASSERT_EQ(a.valid, b.valid) << n;
    ASSERT_EQ(a.type, b.type) << n;
    ASSERT_EQ(a.Region(), b.Region()) << n;
  }
  // Written for another home region, damaged, or missing: ignored.
  NumberPlan us("US");
  EXPECT_EQ(*us.LoadCache(path), 0u);
  std::string bytes;
  {
    std::ifstream in(path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  bytes[bytes.size() / 2] ^= 1;
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << bytes;
  }
  NumberPlan damaged("CN");
  EXPECT_EQ(*damaged.LoadCache(path), 0u);
  EXPECT_TRUE(damaged.Classify(8613800138000).valid);
  EXPECT_EQ(*damaged.LoadCache(dir + "/missing"), 0u);
  std::filesystem::remove_all(dir);
}

TEST(NumberPlan, WrittenFormsGiveTheCompactNumber) {
  NumberPlan plan("CN");
  EXPECT_EQ(plan.ToCompact("+8613800138000"), 8613800138000u);
  EXPECT_EQ(plan.ToCompact("+86 138-0013-8000"), 8613800138000u);
  EXPECT_EQ(plan.ToCompact("13800138000"), 8613800138000u);
  EXPECT_EQ(plan.ToCompact("8613800138000"), 8613800138000u);  // E.164 without '+'
  EXPECT_EQ(plan.ToCompact("008613800138000"), 8613800138000u);
  EXPECT_EQ(plan.ToCompact("010 6552 9988"), 861065529988u);
  EXPECT_EQ(plan.ToCompact("+12155551212;npdi"), 12155551212u);
  EXPECT_EQ(plan.ToCompact(""), 0u);
  EXPECT_EQ(plan.ToCompact("anonymous"), 0u);
  EXPECT_EQ(plan.ToCompact("+0123"), 0u);
  EXPECT_EQ(plan.ToCompact("+1234567890123456789"), 0u);
}

TEST(NumberPlan, HomeRegionDecidesNationalNumbers) {
  NumberPlan us("US");
  EXPECT_EQ(us.home_country_code(), 1);
  EXPECT_EQ(us.ToCompact("(650) 253-0000"), 16502530000u);
  EXPECT_EQ(us.ToCompact("011 44 20 7031 3000"), 442070313000u);
  // Each region's own international prefix, as libphonenumber knows it.
  EXPECT_EQ(NumberPlan("JP").ToCompact("010 1 650 253 0000"), 16502530000u);
  EXPECT_EQ(NumberPlan("AU").ToCompact("0011 44 20 7031 3000"), 442070313000u);
  EXPECT_EQ(NumberPlan("GB").ToCompact("00 1 650 253 0000"), 16502530000u);
}

TEST(NumberPlan, ClassifiesLikeLibphonenumber) {
  NumberPlan plan("CN");
  const NumberInfo mobile = plan.Classify(8613800138000);
  EXPECT_TRUE(mobile.valid);
  EXPECT_EQ(mobile.type, NumberType::kMobile);
  EXPECT_EQ(mobile.Region(), "CN");
  EXPECT_EQ(plan.Classify(8613800138000).type, NumberType::kMobile);  // from the cache
  const NumberInfo us = plan.Classify(16502530000);
  EXPECT_TRUE(us.valid);
  EXPECT_EQ(us.Region(), "US");
  EXPECT_FALSE(plan.Classify(861234).valid);
  EXPECT_FALSE(plan.Classify(0).valid);
}

// The cache answers a whole block from its first number: measure how often that
// agrees with libphonenumber on every number, over 100,000 mixed numbers.
TEST(NumberPlan, CacheAgreesWithLibphonenumberOn100kNumbers) {
  NumberPlan plan("CN", 1 << 16);
  std::mt19937_64 rng(20261128);
  auto digits = [&](int n) {
    uint64_t v = 0;
    for (int i = 0; i < n; ++i) v = v * 10 + rng() % 10;
    return v;
  };
  std::vector<uint64_t> numbers;
  for (int i = 0; i < 100'000; ++i) {
    switch (i % 6) {
      case 0:
        numbers.push_back(8'610'000'000'000ULL + digits(10));
        break;  // 86 1x: mobile-like
      case 1:
        numbers.push_back(860'000'000'000ULL + digits(10));
        break;  // 86 + 10 digits
      case 2:
        numbers.push_back(10'000'000'000ULL + digits(10));
        break;  // NANPA
      case 3:
        numbers.push_back(440'000'000'000ULL + digits(10));
        break;  // UK
      case 4:
        numbers.push_back(1 + digits(12));
        break;  // anything
      default:
        numbers.push_back(86'000'000'000ULL + digits(9));
        break;  // short CN
    }
  }
  int valid_disagree = 0, type_disagree = 0, region_disagree = 0, valid_count = 0;
  int reference_disagree = 0;
  for (std::size_t i = 0; i < numbers.size(); ++i) {
    const uint64_t n = numbers[i];
    const NumberInfo fast = plan.Classify(n);
    const NumberInfo slow = NumberPlan::ClassifySlow(n);
    // The slow path itself against libphonenumber's IsValidNumber.
    if (i % 10 == 0) {
      auto pn = PhoneNumber::FromCompact(n);
      reference_disagree += pn.has_value() && pn->IsValid() != slow.valid ? 1 : 0;
    }
    valid_count += slow.valid ? 1 : 0;
    valid_disagree += fast.valid != slow.valid ? 1 : 0;
    type_disagree += fast.type != slow.type ? 1 : 0;
    region_disagree += fast.Region() != slow.Region() ? 1 : 0;
  }
  RecordProperty("valid_numbers", valid_count);
  RecordProperty("valid_disagreements", valid_disagree);
  std::printf(
      "number plan cache vs libphonenumber on %zu numbers (%d valid): validity %d, "
      "type %d, region %d disagreements\n",
      numbers.size(), valid_count, valid_disagree, type_disagree, region_disagree);
  EXPECT_GT(valid_count, 20'000);
  EXPECT_EQ(reference_disagree, 0);
  // At most 1 in 1,000 numbers classified differently.
  EXPECT_LE(valid_disagree, 100);
  EXPECT_LE(type_disagree, 100);
  EXPECT_LE(region_disagree, 100);
}

TEST(NumberPlan, ConcurrentClassifyIsConsistent) {
  NumberPlan plan("CN", 64);  // a tiny cache: constant eviction
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 2000; ++i) {
        const uint64_t n = (i + t) % 2 ? 8613800138000 + i : 16502530000 + i;
        const NumberInfo info = plan.Classify(n);
        if (info.Region() != ((i + t) % 2 ? "CN" : "US")) ++wrong;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0);
}

}  // namespace
}  // namespace quell
