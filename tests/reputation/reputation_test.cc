#include "quell/reputation/reputation.h"

#include <gtest/gtest.h>

#include "quell/core/phone_number.h"
#include "quell/store/store.h"
#include "store/store_test_util.h"

namespace quell::reputation {
namespace {

uint64_t N(const char* text) { return PhoneNumber::Parse(text, "CN")->compact(); }

TEST(Scoring, WilsonLowerBoundAsPublished) {
  // PhoneBlock's published figures: S=2,L=0 -> ~34 %; S=1000,L=0 -> ~99 %;
  // S=1000,L=998 -> ~49 %.
  EXPECT_NEAR(WilsonLower(2, 2), 0.342, 0.002);
  EXPECT_NEAR(WilsonLower(1000, 1000), 0.996, 0.002);
  EXPECT_NEAR(WilsonLower(1000, 1998), 0.478, 0.01);
  EXPECT_EQ(WilsonLower(0, 0), 0);
  EXPECT_EQ(WilsonLower(0, 5), 0);
}

std::vector<ScoredItem> Votes(int n, Label label, int64_t at_s, double weight = 1) {
  return std::vector<ScoredItem>(
      n, ScoredItem{.label = label, .legit = !IsSpam(label), .weight = weight, .at_s = at_s});
}

TEST(Scoring, OneReportNeverLabelsFourUnanimousDo) {
  const ReputationOptions o;
  const int64_t now = 1'800'000'000;
  Score two = ComputeScore(Votes(2, Label::kFraud, now), now, o);
  EXPECT_EQ(two.score, 34);
  EXPECT_EQ(two.label, Label::kNone);
  Score four = ComputeScore(Votes(4, Label::kFraud, now), now, o);
  EXPECT_EQ(four.score, 51);
  EXPECT_EQ(four.label, Label::kFraud);
  EXPECT_EQ(four.confidence, 51);
}

TEST(Scoring, TheHeaviestKindAndCategoryName) {
  const ReputationOptions o;
  const int64_t now = 1'800'000'000;
  auto items = Votes(3, Label::kMarketing, now);
  items[0].category = items[1].category = Category::kRealEstate;
  items[2].category = Category::kEducation;
  auto more = Votes(2, Label::kHarassment, now);
  items.insert(items.end(), more.begin(), more.end());
  Score s = ComputeScore(items, now, o);
  EXPECT_EQ(s.label, Label::kMarketing);
  EXPECT_EQ(s.category, Category::kRealEstate);
}

TEST(Scoring, ANotSpamVoteWeighsFive) {
  ReputationOptions o;
  const int64_t now = 1'800'000'000;
  auto items = Votes(6, Label::kFraud, now);
  Score spam = ComputeScore(items, now, o);
  EXPECT_EQ(spam.label, Label::kFraud);
  // One "not spam" (weight already × legit_weight, as the store gives it).
  items.push_back({.label = Label::kNone, .legit = true, .weight = o.legit_weight, .at_s = now});
  Score disputed = ComputeScore(items, now, o);
  EXPECT_LT(disputed.score, 30);
  EXPECT_EQ(disputed.label, Label::kNone);
}

TEST(Scoring, EvidenceDecaysWithItsHalfLife) {
  ReputationOptions o;
  const int64_t now = 1'800'000'000;
  const int64_t half_life = static_cast<int64_t>(o.half_life_days * 86400);
  Score fresh = ComputeScore(Votes(8, Label::kFraud, now), now, o);
  Score old = ComputeScore(Votes(8, Label::kFraud, now - 2 * half_life), now, o);
  EXPECT_NEAR(fresh.spam, 8, 1e-9);
  EXPECT_NEAR(old.spam, 2, 1e-9);
  EXPECT_GT(fresh.score, old.score);
  EXPECT_EQ(old.label, Label::kNone);  // 2 effective votes: 34
}

TEST(Scoring, BenignLabelsNameWantedCallers) {
  ReputationOptions o;
  const int64_t now = 1'800'000'000;
  Score s = ComputeScore(Votes(2, Label::kDelivery, now, o.legit_weight), now, o);
  EXPECT_EQ(s.score, 0);
  EXPECT_EQ(s.label, Label::kDelivery);
  EXPECT_GE(s.confidence, 50);
}

class ReputationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    clock_.Set(FromUnixMillis(1793584800000));
    QUELL_ASSERT_OK_AND_ASSIGN(store_, store::Store::Open({.path = dir_.File("q.db")}));
    Reopen();
  }
  void Reopen() {
    rep_.reset();
    QUELL_ASSERT_OK_AND_ASSIGN(rep_, Reputation::Open(*store_, clock_, options_));
  }
  Result<MarkResult> MarkAs(uint64_t number, const std::string& user, Label label,
                            int64_t app = 7) {
    return rep_->AddMark(
        {.number = number, .app_org_id = app, .user = user, .label = label, .at = clock_.Now()});
  }
  store::testing::TempDir dir_;
  FakeClock clock_;
  ReputationOptions options_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<Reputation> rep_;
};

TEST_F(ReputationTest, MarksLabelANumberAndSurviveARestart) {
  const uint64_t n = N("13800138000");
  for (const char* u : {"u1", "u2", "u3"}) ASSERT_TRUE(MarkAs(n, u, Label::kFraud).has_value());
  EXPECT_EQ(rep_->Find(n).own->label, Label::kNone);  // three: 44, not yet
  QUELL_ASSERT_OK_AND_ASSIGN(MarkResult r, MarkAs(n, "u4", Label::kFraud));
  EXPECT_FALSE(r.replaced);
  EXPECT_EQ(r.standing.label, Label::kFraud);
  EXPECT_EQ(r.standing.score, 51);
  EXPECT_EQ(r.standing.marks, 4);
  Reopen();
  auto own = rep_->Find(n).own;
  ASSERT_TRUE(own.has_value());
  EXPECT_EQ(own->label, Label::kFraud);
  EXPECT_EQ(own->marks, 4);
}

TEST_F(ReputationTest, OneVotePerUserPerNumber) {
  const uint64_t n = N("13800138000");
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(MarkAs(n, "same-user", Label::kFraud).has_value());
  auto own = rep_->Find(n).own;
  EXPECT_EQ(own->marks, 1);
  EXPECT_EQ(own->score, 21);  // one vote
  QUELL_ASSERT_OK_AND_ASSIGN(MarkResult r, MarkAs(n, "same-user", Label::kNone));
  EXPECT_TRUE(r.replaced);
  EXPECT_EQ(r.standing.score, 0);
  // The same user id in another app is another user.
  QUELL_ASSERT_OK_AND_ASSIGN(r, MarkAs(n, "same-user", Label::kFraud, 8));
  EXPECT_FALSE(r.replaced);
  EXPECT_EQ(r.standing.marks, 2);
}

TEST_F(ReputationTest, DailyMarksAreLimitedPerUser) {
  options_.marks_per_user_per_day = 3;
  Reopen();
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(MarkAs(N("13800138000") + i, "busy", Label::kMarketing).has_value());
  }
  auto r = MarkAs(N("13800138010"), "busy", Label::kMarketing);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.status().code(), StatusCode::kResourceExhausted);
  clock_.Advance(std::chrono::hours(25));
  EXPECT_TRUE(MarkAs(N("13800138010"), "busy", Label::kMarketing).has_value());
  EXPECT_EQ(MarkAs(0, "x", Label::kFraud).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(MarkAs(N("13800138010"), "", Label::kFraud).status().code(),
            StatusCode::kInvalidArgument);
}

TEST_F(ReputationTest, UsersWhoGoAgainstConsensusCountForLess) {
  // Ten numbers everyone agrees are fraud; "contrarian" marks each not spam.
  for (int k = 0; k < 10; ++k) {
    const uint64_t n = N("13900139000") + k;
    for (int u = 0; u < 6; ++u)
      ASSERT_TRUE(MarkAs(n, "honest" + std::to_string(u), Label::kFraud).has_value());
    ASSERT_TRUE(MarkAs(n, "contrarian", Label::kNone).has_value());
  }
  QUELL_ASSERT_OK_AND_ASSIGN(MarkResult r, MarkAs(N("13700137000"), "contrarian", Label::kNone));
  EXPECT_LT(r.weight, 0.25);
  QUELL_ASSERT_OK_AND_ASSIGN(r, MarkAs(N("13700137000"), "honest0", Label::kFraud));
  EXPECT_EQ(r.weight, 1.0);  // agreed every time
}

TEST_F(ReputationTest, EvidenceFromOtherDomainsCountsOncePerRef) {
  const uint64_t n = N("13800138000");
  events::Evidence e{.number = n,
                     .source = events::EvidenceSource::kDncViolation,
                     .kind = NuisanceKind::kMarketing,
                     .category = Category::kInsurance,
                     .time_us = ToUnixMillis(clock_.Now()) * 1000,
                     .ref = "1",
                     .detail = "insurance marketing call to a number on the register"};
  for (int i = 1; i <= 6; ++i) {
    e.ref = std::to_string(i);
    rep_->Publish(e);
    rep_->Publish(e);  // the same violation again (its CDR): once
  }
  ASSERT_TRUE(rep_->Flush().ok());
  auto own = rep_->Find(n).own;
  ASSERT_TRUE(own.has_value());
  EXPECT_EQ(own->machine, 6);
  EXPECT_EQ(own->label, Label::kMarketing);
  EXPECT_EQ(own->category, Category::kInsurance);
  QUELL_ASSERT_OK_AND_ASSIGN(auto items, rep_->EvidenceOf(n, 100));
  ASSERT_EQ(items.size(), 6u);
  EXPECT_EQ(items[0].source, "dnc_violation");
  EXPECT_EQ(items[0].category, Category::kInsurance);
  EXPECT_NEAR(items[0].weight, 1.0, 1e-6);
}

TEST_F(ReputationTest, TheOfflineRecorderMergesUpdatesOfAFinding) {
  // `quell ingest` republishes a finding each time it grows; the recorder keeps
  // what the store's upsert would (highest strength and time, latest detail)
  // and writes one row.
  const uint64_t n = N("13800138000");
  QUELL_ASSERT_OK_AND_ASSIGN(auto recorder, EvidenceRecorder::Open(*store_, clock_));
  const int64_t now_us = ToUnixMillis(clock_.Now()) * 1000;
  events::Evidence e{.number = n,
                     .source = events::EvidenceSource::kFinding,
                     .kind = NuisanceKind::kRobocall,
                     .ref = "13800138000:robocall:1"};
  for (int i = 0; i < 300; ++i) {
    e.strength = i == 150 ? 3 : 1;
    e.time_us = now_us - (i == 299 ? 3'600'000'000 : (300 - i) * 1'000'000);
    e.detail = "update " + std::to_string(i);
    recorder->Publish(e);
  }
  e.ref = "13800138000:robocall:2";  // another finding
  recorder->Publish(e);
  QUELL_ASSERT_OK(recorder->Flush());
  EXPECT_EQ(recorder->written(), 2);
  QUELL_ASSERT_OK_AND_ASSIGN(auto rows,
                             store_->Query("SELECT strength, at_ms, detail FROM rep_evidence "
                                           "WHERE ref = '13800138000:robocall:1'",
                                           {}));
  ASSERT_EQ(rows.rows.size(), 1u);
  EXPECT_EQ(rows.rows[0].Double(0), 3.0);
  EXPECT_EQ(rows.rows[0].Int(1), (now_us - 2'000'000) / 1000) << "the latest time, not the last";
  EXPECT_EQ(rows.rows[0].Text(2), "update 299");
}

TEST_F(ReputationTest, ComplaintReportsCountAsReportsWeightedByReliability) {
  const uint64_t n = N("13800138000");
  for (int i = 0; i < 4; ++i) {
    rep_->Publish({.number = n,
                   .source = events::EvidenceSource::kReport,
                   .kind = NuisanceKind::kFraud,
                   .strength = i == 3 ? 0.5 : 1.0,  // a reporter of middling reliability
                   .time_us = ToUnixMillis(clock_.Now()) * 1000,
                   .ref = std::to_string(i)});
  }
  ASSERT_TRUE(rep_->Flush().ok());
  auto own = rep_->Find(n).own;
  ASSERT_TRUE(own.has_value());
  EXPECT_EQ(own->reports, 4);
  EXPECT_EQ(own->machine, 0);
  EXPECT_EQ(own->score, 48);  // 3.5 votes: WilsonLower(3.5, 3.5)
  EXPECT_EQ(own->label, Label::kNone);
}

TEST_F(ReputationTest, AReassignedNumberStartsClean) {
  const uint64_t n = N("13800138000");
  for (int u = 0; u < 6; ++u)
    ASSERT_TRUE(MarkAs(n, "u" + std::to_string(u), Label::kFraud).has_value());
  ASSERT_EQ(rep_->Find(n).own->label, Label::kFraud);
  clock_.Advance(std::chrono::hours(24 * 60));
  QUELL_ASSERT_OK_AND_ASSIGN(auto after, rep_->Reassign(n, clock_.Now()));
  EXPECT_FALSE(after.has_value());
  EXPECT_FALSE(rep_->Find(n).own.has_value());
  QUELL_ASSERT_OK_AND_ASSIGN(auto items, rep_->EvidenceOf(n, 100));
  EXPECT_TRUE(items.empty());
  // New marks count, and the old owner's stay out after a restart.
  clock_.Advance(std::chrono::hours(1));
  ASSERT_TRUE(MarkAs(n, "u0", Label::kDelivery).has_value());
  Reopen();
  auto own = rep_->Find(n).own;
  ASSERT_TRUE(own.has_value());
  EXPECT_EQ(own->marks, 1);
  EXPECT_EQ(own->score, 0);
}

TEST_F(ReputationTest, RescoringFollowsTheDecay) {
  const uint64_t n = N("13800138000");
  for (int u = 0; u < 5; ++u)
    ASSERT_TRUE(MarkAs(n, "u" + std::to_string(u), Label::kFraud).has_value());
  const int fresh = rep_->Find(n).own->score;
  clock_.Advance(std::chrono::hours(24 * 250));
  QUELL_ASSERT_OK_AND_ASSIGN(int64_t rescored, rep_->RescoreAll());
  EXPECT_EQ(rescored, 1);
  EXPECT_LT(rep_->Find(n).own->score, fresh);
  EXPECT_EQ(rep_->Find(n).own->label, Label::kNone);
}

TEST_F(ReputationTest, RescoreAllPagesThroughManyNumbers) {
  // More numbers than one page of the rescoring scan.
  QUELL_ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin());
  const int64_t at = ToUnixMillis(clock_.Now());
  for (int i = 0; i < 45000; ++i) {
    ASSERT_TRUE(tx->Exec("INSERT INTO rep_evidence (source, ref, number, kind, category, strength, "
                         "at_ms, detail, recorded_at) VALUES ('finding', $1, $2, 'robocall', '', "
                         "3, $3, '', $3)",
                         {std::to_string(i), int64_t{8613000000000} + i * 7, at})
                    .has_value());
  }
  ASSERT_TRUE(tx->Commit().ok());
  QUELL_ASSERT_OK_AND_ASSIGN(int64_t rescored, rep_->RescoreAll());
  EXPECT_EQ(rescored, 45000);
  EXPECT_EQ(rep_->table().size(), 45000u);
  EXPECT_EQ(rep_->Find(8613000000000 + 44999 * 7).own->machine, 1);
}

}  // namespace
}  // namespace quell::reputation
