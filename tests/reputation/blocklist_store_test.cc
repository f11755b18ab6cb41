#include "quell/reputation/blocklist_store.h"

#include <gtest/gtest.h>

#include <random>

#include "quell/store/store.h"
#include "store/store_test_util.h"

namespace quell::reputation {
namespace {

class BlocklistStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    clock_.Set(FromUnixMillis(1793584800000));
    QUELL_ASSERT_OK_AND_ASSIGN(store_, store::Store::Open({.path = dir_.File("q.db")}));
    Reopen();
  }
  void Reopen() {
    lists_.reset();
    QUELL_ASSERT_OK_AND_ASSIGN(
        lists_, BlocklistStore::Open(*store_, clock_, table_, {.key_path = dir_.File("bl.key")}));
  }
  void Put(uint64_t n, Label label, int score) {
    table_.Put({.number = n, .label = label, .score = score, .confidence = score, .marks = 4});
  }
  // The decoded current full list.
  std::vector<BlocklistEntry> FullList(uint64_t* version = nullptr) {
    auto f = lists_->Full();
    EXPECT_TRUE(f.has_value());
    auto d = Decode(*f->bytes, lists_->key().public_key());
    EXPECT_TRUE(d.has_value()) << d.error().message();
    if (version) *version = d->header.version;
    return d->entries;
  }
  std::vector<BlocklistEntry> Expected() {
    std::vector<BlocklistEntry> out;
    table_.ForEach([&](const Standing& s) {
      if (s.label != Label::kNone) {
        out.push_back({s.number, static_cast<uint8_t>(s.label), static_cast<uint8_t>(s.score)});
      }
    });
    std::sort(out.begin(), out.end(),
              [](const BlocklistEntry& a, const BlocklistEntry& b) { return a.number < b.number; });
    return out;
  }
  store::testing::TempDir dir_;
  FakeClock clock_;
  ReputationTable table_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<BlocklistStore> lists_;
};

TEST_F(BlocklistStoreTest, VersionsOnlyWhenTheListChanges) {
  EXPECT_EQ(lists_->Full().status().code(), StatusCode::kNotFound);
  QUELL_ASSERT_OK_AND_ASSIGN(uint64_t v, lists_->Build());
  EXPECT_EQ(v, 0u);  // nothing labelled yet
  Put(8613800138000, Label::kFraud, 80);
  Put(8613900139000, Label::kDelivery, 0);
  table_.Put({.number = 8613700137000, .score = 30, .marks = 2});  // scored, no label
  QUELL_ASSERT_OK_AND_ASSIGN(v, lists_->Build());
  EXPECT_EQ(v, 1u);
  EXPECT_EQ(FullList(), Expected());
  EXPECT_EQ(FullList().size(), 2u);
  QUELL_ASSERT_OK_AND_ASSIGN(v, lists_->Build());
  EXPECT_EQ(v, 1u);                                                // no change, no version
  table_.Put({.number = 8613700137000, .score = 35, .marks = 3});  // not listed: no version
  QUELL_ASSERT_OK_AND_ASSIGN(v, lists_->Build());
  EXPECT_EQ(v, 1u);
  Put(8613800138000, Label::kFraud, 81);
  QUELL_ASSERT_OK_AND_ASSIGN(v, lists_->Build());
  EXPECT_EQ(v, 2u);
  EXPECT_EQ(lists_->stats().entries, 2);
}

TEST_F(BlocklistStoreTest, DeltasBringAnyRetainedVersionToTheCurrentOne) {
  std::mt19937_64 rng(3);
  std::uniform_int_distribution<uint64_t> mobile(8613000000000, 8613000099999);
  std::vector<std::vector<BlocklistEntry>> lists(1);  // lists[v]: the list at version v
  for (int round = 0; round < 6; ++round) {
    for (int i = 0; i < 300; ++i) {
      const uint64_t n = mobile(rng);
      switch (rng() % 3) {
        case 0:
          table_.Erase(n);
          break;
        case 1:
          Put(n, Label::kMarketing, 50 + static_cast<int>(rng() % 50));
          break;
        default:
          Put(n, Label::kFraud, 60);
      }
    }
    clock_.Advance(std::chrono::hours(1));
    QUELL_ASSERT_OK_AND_ASSIGN(uint64_t v, lists_->Build());
    ASSERT_EQ(v, lists.size());
    lists.push_back(Expected());
  }
  const uint64_t current = lists.size() - 1;
  QUELL_ASSERT_OK_AND_ASSIGN(BlocklistFile up_to_date, lists_->Delta(current));
  EXPECT_EQ(up_to_date.bytes, nullptr);
  for (uint64_t since = 1; since < current; ++since) {
    QUELL_ASSERT_OK_AND_ASSIGN(BlocklistFile f, lists_->Delta(since));
    EXPECT_EQ(f.base_version, since);
    EXPECT_EQ(f.version, current);
    QUELL_ASSERT_OK_AND_ASSIGN(Blocklist delta, Decode(*f.bytes, lists_->key().public_key()));
    std::vector<BlocklistEntry> list = lists[since];
    // A number listed and unlisted again after `since` is no removal for an
    // app at `since`: ApplyDelta refuses removing what the list lacks.
    ASSERT_TRUE(ApplyDelta(list, since, delta).ok()) << "since " << since;
    EXPECT_EQ(list, lists[current]) << "since " << since;
  }
  EXPECT_EQ(lists_->Delta(current + 1).status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(lists_->Delta(0).status().code(), StatusCode::kFailedPrecondition);
}

TEST_F(BlocklistStoreTest, ARestartRebuildsTheSameList) {
  for (uint64_t n = 8613800138000; n < 8613800138050; ++n) Put(n, Label::kRobocall, 70);
  ASSERT_TRUE(lists_->Build().has_value());
  table_.Erase(8613800138007);
  Put(8613800138008, Label::kOneRing, 90);
  ASSERT_TRUE(lists_->Build().has_value());
  const std::string before = *lists_->Full()->bytes;
  const auto key = lists_->key().public_key();
  Reopen();
  EXPECT_EQ(lists_->key().public_key(), key);  // the same key file
  EXPECT_EQ(*lists_->Full()->bytes, before);
  EXPECT_EQ(lists_->stats().version, 2u);
}

TEST_F(BlocklistStoreTest, OldVersionsFoldAwayAfterTheRetention) {
  Put(8613800138000, Label::kFraud, 80);
  Put(8613800138001, Label::kFraud, 80);
  ASSERT_EQ(*lists_->Build(), 1u);
  std::vector<BlocklistEntry> v1 = Expected();
  clock_.Advance(std::chrono::hours(24 * 10));
  table_.Erase(8613800138000);
  Put(8613800138002, Label::kSpoofing, 55);
  ASSERT_EQ(*lists_->Build(), 2u);
  std::vector<BlocklistEntry> v2 = Expected();
  clock_.Advance(std::chrono::hours(24 * 25));  // version 1 is now 35 days old
  Put(8613800138003, Label::kHarassment, 65);
  ASSERT_EQ(*lists_->Build(), 3u);
  EXPECT_EQ(lists_->stats().oldest_delta_base, 2u);
  EXPECT_EQ(lists_->Delta(1).status().code(), StatusCode::kFailedPrecondition);
  QUELL_ASSERT_OK_AND_ASSIGN(BlocklistFile f, lists_->Delta(2));
  QUELL_ASSERT_OK_AND_ASSIGN(Blocklist delta, Decode(*f.bytes, lists_->key().public_key()));
  ASSERT_TRUE(ApplyDelta(v2, 2, delta).ok());
  EXPECT_EQ(v2, Expected());
  Reopen();  // the folded changes still rebuild the list
  EXPECT_EQ(FullList(), Expected());
}

}  // namespace
}  // namespace quell::reputation
