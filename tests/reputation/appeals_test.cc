#include "quell/reputation/appeals.h"

#include <gtest/gtest.h>

#include "quell/reputation/reputation.h"
#include "quell/store/store.h"
#include "store/store_test_util.h"

namespace quell::reputation {
namespace {

constexpr uint64_t kNumber = 8613800138000;

class AppealsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    clock_.Set(FromUnixMillis(1793584800000));
    QUELL_ASSERT_OK_AND_ASSIGN(store_, store::Store::Open({.path = dir_.File("q.db")}));
    QUELL_ASSERT_OK_AND_ASSIGN(rep_, Reputation::Open(*store_, clock_, {}));
    QUELL_ASSERT_OK_AND_ASSIGN(appeals_, Appeals::Open(*store_, clock_, *rep_));
  }
  void MarkFraud(uint64_t n, int users) {
    for (int u = 0; u < users; ++u) {
      ASSERT_TRUE(rep_->AddMark({.number = n,
                                 .app_org_id = 7,
                                 .user = "u" + std::to_string(u),
                                 .label = Label::kFraud,
                                 .at = clock_.Now()})
                      .has_value());
    }
  }
  store::testing::TempDir dir_;
  FakeClock clock_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<Reputation> rep_;
  std::unique_ptr<Appeals> appeals_;
};

TEST_F(AppealsTest, OnlyALabelledNumberCanBeAppealedOnceAtATime) {
  EXPECT_EQ(appeals_->File(kNumber, 3, "business", "our service line", "").status().code(),
            StatusCode::kFailedPrecondition);
  MarkFraud(kNumber, 6);
  QUELL_ASSERT_OK_AND_ASSIGN(Appeal a,
                             appeals_->File(kNumber, 3, "business", "our service line", "x@y"));
  EXPECT_EQ(a.state, AppealState::kOpen);
  EXPECT_EQ(a.at_filing.label, Label::kFraud);
  EXPECT_EQ(a.at_filing.marks, 6);
  EXPECT_EQ(appeals_->File(kNumber, 3, "business", "again", "").status().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(appeals_->File(kNumber, 3, "business", "", "").status().code(),
            StatusCode::kInvalidArgument);
}

TEST_F(AppealsTest, ClearingStartsTheNumberAfreshUpholdingKeepsIt) {
  MarkFraud(kNumber, 6);
  MarkFraud(kNumber + 1, 6);
  QUELL_ASSERT_OK_AND_ASSIGN(Appeal a, appeals_->File(kNumber, 3, "biz", "a bank's line", ""));
  QUELL_ASSERT_OK_AND_ASSIGN(Appeal b, appeals_->File(kNumber + 1, 3, "biz", "ours too", ""));
  clock_.Advance(std::chrono::hours(2));
  QUELL_ASSERT_OK_AND_ASSIGN(Appeal cleared,
                             appeals_->Decide(a.id, AppealState::kCleared, "analyst", "verified"));
  EXPECT_EQ(cleared.state, AppealState::kCleared);
  EXPECT_EQ(cleared.decided_by, "analyst");
  EXPECT_FALSE(rep_->Find(kNumber).own.has_value());
  QUELL_ASSERT_OK_AND_ASSIGN(Appeal upheld,
                             appeals_->Decide(b.id, AppealState::kUpheld, "analyst", "scam"));
  EXPECT_EQ(rep_->Find(kNumber + 1).own->label, Label::kFraud);
  EXPECT_EQ(
      appeals_->Decide(a.id, AppealState::kUpheld, "analyst", "changed my mind").status().code(),
      StatusCode::kFailedPrecondition);
  EXPECT_EQ(appeals_->Decide(999, AppealState::kUpheld, "analyst", "x").status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(appeals_->Decide(b.id, AppealState::kOpen, "analyst", "x").status().code(),
            StatusCode::kInvalidArgument);

  QUELL_ASSERT_OK_AND_ASSIGN(auto open, appeals_->List({.state = AppealState::kOpen}));
  EXPECT_TRUE(open.empty());
  QUELL_ASSERT_OK_AND_ASSIGN(auto mine, appeals_->List({.org_id = 3}));
  EXPECT_EQ(mine.size(), 2u);
  QUELL_ASSERT_OK_AND_ASSIGN(auto one, appeals_->List({.number = kNumber}));
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].decision_note, "verified");
  // Evidence after the decision counts: one user marks it again.
  clock_.Advance(std::chrono::minutes(1));
  MarkFraud(kNumber, 1);
  EXPECT_EQ(rep_->Find(kNumber).own->marks, 1);
  EXPECT_EQ(rep_->Find(kNumber).own->score, 21);
}

}  // namespace
}  // namespace quell::reputation
