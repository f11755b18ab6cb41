#include "quell/reputation/table.h"

#include <gtest/gtest.h>

#include <random>

namespace quell::reputation {
namespace {

Standing Spam(uint64_t number, int score = 80) {
  return {
      .number = number, .label = Label::kFraud, .score = score, .confidence = score, .marks = 5};
}

TEST(ReputationTable, PutGetErase) {
  ReputationTable t;
  EXPECT_FALSE(t.Get(8613800138000).has_value());
  t.Put({.number = 8613800138000,
         .label = Label::kMarketing,
         .category = Category::kRealEstate,
         .score = 72,
         .confidence = 72,
         .reports = 3,
         .marks = 70000,
         .machine = 2,
         .updated_s = 1793584800 + 3600});
  auto s = t.Get(8613800138000);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->label, Label::kMarketing);
  EXPECT_EQ(s->category, Category::kRealEstate);
  EXPECT_EQ(s->score, 72);
  EXPECT_EQ(s->reports, 3);
  EXPECT_EQ(s->marks, 65535);  // saturates
  EXPECT_EQ(s->machine, 2);
  EXPECT_EQ(s->updated_s, 1793577600);  // kept to the day
  t.Erase(8613800138000);
  EXPECT_FALSE(t.Get(8613800138000).has_value());
  EXPECT_EQ(t.size(), 0u);
}

TEST(ReputationTable, AStandingWithNothingIsErased) {
  ReputationTable t;
  t.Put(Spam(8613800138000));
  t.Put({.number = 8613800138000});
  EXPECT_FALSE(t.Get(8613800138000).has_value());
}

TEST(ReputationTable, ABlockOfTenWithFourSpamNumbersIsFlagged) {
  ReputationTable t;
  for (uint64_t n = 8613800138000; n < 8613800138003; ++n) t.Put(Spam(n));
  EXPECT_FALSE(t.Range(8613800138009).flagged);
  EXPECT_EQ(t.Range(8613800138009).spam_in_10, 3);
  t.Put(Spam(8613800138005));
  RangeStanding r = t.Range(8613800138009);
  EXPECT_TRUE(r.flagged);
  EXPECT_EQ(r.prefix, 861380013800u);
  EXPECT_EQ(r.prefix_digits, 1);
  EXPECT_FALSE(t.Range(8613800138010).flagged);  // the next block
  // A number that stops being spam leaves the count.
  t.Put({.number = 8613800138005, .label = Label::kNone, .score = 10, .marks = 3});
  EXPECT_FALSE(t.Range(8613800138009).flagged);
  t.Put(Spam(8613800138005));
  t.Erase(8613800138001);
  EXPECT_FALSE(t.Range(8613800138009).flagged);
}

TEST(ReputationTable, AHundredNeedsSpreadOverBlocks) {
  ReputationTable t;
  // 8 spam numbers in one hundred, but in only 2 blocks of ten (4 + 4): each
  // block is flagged by itself; the others in the hundred are not.
  for (uint64_t n : {8613800138000, 8613800138001, 8613800138002, 8613800138003, 8613800138010,
                     8613800138011, 8613800138012, 8613800138013}) {
    t.Put(Spam(n));
  }
  EXPECT_FALSE(t.Range(8613800138055).flagged);
  EXPECT_EQ(t.Range(8613800138055).spam_in_100, 8);
  EXPECT_EQ(t.Range(8613800138055).blocks_in_100, 2);
  // Spread: two in each of four more blocks.
  for (uint64_t n : {8613800138020, 8613800138021, 8613800138030, 8613800138031}) t.Put(Spam(n));
  RangeStanding r = t.Range(8613800138055);
  EXPECT_TRUE(r.flagged);
  EXPECT_EQ(r.prefix, 86138001380u);
  EXPECT_EQ(r.prefix_digits, 2);
}

TEST(ReputationTable, AtMost32BytesPerNumberAtAMillion) {
  ReputationTable t;
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<uint64_t> mobile(8613000000000, 8619999999999);
  for (int i = 0; i < 1'000'000; ++i) t.Put(Spam(mobile(rng)));
  ASSERT_GT(t.size(), 999'000u);
  const double per = static_cast<double>(t.MemoryBytes()) / static_cast<double>(t.size());
  EXPECT_LE(per, 32.0) << per << " bytes per number";
}

}  // namespace
}  // namespace quell::reputation

namespace quell::reputation {
namespace {

// What a blocklist build needs to know: did anything it lists change?
TEST(ReputationTable, CountsOnlyChangesABlocklistShows) {
  ReputationTable t;
  EXPECT_EQ(t.listed_changes(), 0u);
  t.Put({.number = 8613700137000, .score = 30, .marks = 2});  // scored, not labelled
  EXPECT_EQ(t.listed_changes(), 0u);
  t.Put({.number = 8613800138000, .label = Label::kFraud, .score = 80, .marks = 5});
  EXPECT_EQ(t.listed_changes(), 1u);
  t.Put({.number = 8613800138000,
         .label = Label::kFraud,
         .score = 80,
         .confidence = 9,
         .marks = 6});  // counts and confidence: not in a blocklist
  EXPECT_EQ(t.listed_changes(), 1u);
  t.Put({.number = 8613800138000, .label = Label::kFraud, .score = 81, .marks = 6});
  EXPECT_EQ(t.listed_changes(), 2u);
  t.Put({.number = 8613800138000, .label = Label::kHarassment, .score = 81, .marks = 6});
  EXPECT_EQ(t.listed_changes(), 3u);
  t.Put({.number = 8613800138000, .score = 40, .marks = 6});  // the label lost
  EXPECT_EQ(t.listed_changes(), 4u);
  t.Erase(8613700137000);  // never listed
  EXPECT_EQ(t.listed_changes(), 4u);
  t.Put({.number = 8613900139000, .label = Label::kDelivery, .marks = 3});
  t.Erase(8613900139000);
  EXPECT_EQ(t.listed_changes(), 6u);
}

}  // namespace
}  // namespace quell::reputation
