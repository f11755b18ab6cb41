#include "quell/detect/findings.h"

#include <gtest/gtest.h>

#include "quell/core/phone_number.h"
#include "quell/store/store.h"
#include "store/store_test_util.h"

namespace quell::detect {
namespace {

uint64_t N(const char* text) { return PhoneNumber::Parse(text, "CN")->compact(); }

class FindingStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    clock_.Set(FromUnixMillis(1793584800000));
    QUELL_ASSERT_OK_AND_ASSIGN(store_, store::Store::Open({.path = dir_.File("q.db")}));
    QUELL_ASSERT_OK_AND_ASSIGN(findings_, FindingStore::Open(*store_, clock_));
  }
  Finding Make(uint64_t number, Detector d, int64_t first_us) {
    Finding f;
    f.number = number;
    f.detector = d;
    f.first_seen_us = f.last_seen_us = first_us;
    f.window_s = 3600;
    f.calls = 1;
    f.reason = "40 calls within an hour";
    f.figures = {{"attempts_hour", 40}, {"asr", 0.125}};
    f.related = {N("13800138000")};
    return f;
  }
  store::testing::TempDir dir_;
  FakeClock clock_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<FindingStore> findings_;
};

TEST_F(FindingStoreTest, WritesAndReadsBack) {
  findings_->OnFinding(Make(N("02161234001"), Detector::kMarketing, 1'000'000'000));
  QUELL_ASSERT_OK(findings_->Flush());
  QUELL_ASSERT_OK_AND_ASSIGN(auto list, findings_->List({}));
  ASSERT_EQ(list.size(), 1u);
  const Finding& f = list[0].finding;
  EXPECT_EQ(f.number, N("02161234001"));
  EXPECT_EQ(f.detector, Detector::kMarketing);
  EXPECT_EQ(f.reason, "40 calls within an hour");
  ASSERT_EQ(f.figures.size(), 2u);
  EXPECT_EQ(f.related, std::vector<uint64_t>{N("13800138000")});
  QUELL_ASSERT_OK_AND_ASSIGN(auto got, findings_->Get(list[0].id));
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->finding.first_seen_us, 1'000'000'000);
}

TEST_F(FindingStoreTest, UpdatesMoveTheSameRowOn) {
  Finding f = Make(N("02161234001"), Detector::kMarketing, 1'000'000'000);
  findings_->OnFinding(f);
  f.updates = 1;
  f.calls = 25;
  f.last_seen_us = 2'000'000'000;
  findings_->OnFinding(f);
  QUELL_ASSERT_OK(findings_->Flush());
  QUELL_ASSERT_OK_AND_ASSIGN(auto list, findings_->List({}));
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].finding.calls, 25u);
  EXPECT_EQ(list[0].finding.last_seen_us, 2'000'000'000);
  EXPECT_EQ(list[0].finding.updates, 1u);
}

TEST_F(FindingStoreTest, FiltersAndPages) {
  for (int i = 0; i < 10; ++i) {
    findings_->OnFinding(Make(N("02161234001") + i,
                              i % 2 ? Detector::kRobocall : Detector::kBombing,
                              int64_t{1'000'000'000} * (i + 1)));
  }
  QUELL_ASSERT_OK(findings_->Flush());
  QUELL_ASSERT_OK_AND_ASSIGN(auto robo, findings_->List({.detector = Detector::kRobocall}));
  EXPECT_EQ(robo.size(), 5u);
  QUELL_ASSERT_OK_AND_ASSIGN(auto one, findings_->List({.number = N("02161234001") + 3}));
  ASSERT_EQ(one.size(), 1u);
  QUELL_ASSERT_OK_AND_ASSIGN(auto recent, findings_->List({.since_us = 8'000'000'000}));
  EXPECT_EQ(recent.size(), 3u);
  QUELL_ASSERT_OK_AND_ASSIGN(auto page1, findings_->List({.limit = 4}));
  QUELL_ASSERT_OK_AND_ASSIGN(auto page2,
                             findings_->List({.before_id = page1.back().id, .limit = 4}));
  ASSERT_EQ(page2.size(), 4u);
  EXPECT_LT(page2[0].id, page1.back().id);
  QUELL_ASSERT_OK_AND_ASSIGN(auto counts, findings_->Counts(0));
  ASSERT_EQ(counts.size(), 2u);
  EXPECT_FALSE(findings_->List({.limit = 0}).has_value());
}

TEST_F(FindingStoreTest, SurvivesReopen) {
  findings_->OnFinding(Make(N("02161234001"), Detector::kSpoofing, 1'000'000'000));
  QUELL_ASSERT_OK(findings_->Flush());
  findings_.reset();
  QUELL_ASSERT_OK_AND_ASSIGN(findings_, FindingStore::Open(*store_, clock_));
  QUELL_ASSERT_OK_AND_ASSIGN(auto list, findings_->List({}));
  EXPECT_EQ(list.size(), 1u);
}

}  // namespace
}  // namespace quell::detect
