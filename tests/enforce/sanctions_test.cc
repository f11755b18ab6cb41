// Sanctions on a real store, with a recording ledger appender and evidence sink:
// credit codes, time windows, lifting, the ledger records (no number in clear),
// the call-path index with ranges, the entity check, lists, and rebuilding at Open.
#include "quell/enforce/sanctions.h"

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "../store/store_test_util.h"
#include "quell/enforce/ledger.h"
#include "quell/events/evidence.h"
#include "quell/store/store.h"

namespace quell::enforce {
namespace {

using std::chrono::hours;
using Json = nlohmann::json;

constexpr uint64_t kCaller = 8613800138000;
constexpr uint64_t kCaller2 = 8613800138001;
constexpr char kCode[] = "91350100M000100Y43";
constexpr char kCode2[] = "91110000802100433B";

// Records what sanctions append; fails on demand. The hash is a stand-in for the
// ledger's salted HMAC: deterministic, 32 hex characters, not the number.
class RecordingLedger final : public LedgerAppender {
 public:
  Result<uint64_t> AppendOwn(std::string_view kind, std::string payload) override {
    std::lock_guard lock(mu_);
    if (fail) return Unavailable("ledger disk full");
    kinds.emplace_back(kind);
    payloads.push_back(std::move(payload));
    return static_cast<uint64_t>(100 + payloads.size());
  }
  std::string HashNumber(std::string_view e164) const override {
    uint64_t h = 1469598103934665603ULL;
    for (char c : e164) h = (h ^ static_cast<uint8_t>(c)) * 1099511628211ULL;
    char buf[33];
    snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(h),
             static_cast<unsigned long long>(~h));
    return buf;
  }
  std::mutex mu_;
  bool fail = false;
  std::vector<std::string> kinds;
  std::vector<std::string> payloads;
};

class RecordingSink final : public events::EvidenceSink {
 public:
  void Publish(const events::Evidence& e) override {
    std::lock_guard lock(mu_);
    items.push_back(e);
  }
  std::mutex mu_;
  std::vector<events::Evidence> items;
};

class SanctionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    QUELL_ASSERT_OK_AND_ASSIGN(store_, store::Store::Open({.path = dir_.File("q.db")}));
    Reopen();
  }
  void Reopen() {
    sanctions_.reset();
    auto s = Sanctions::Open(*store_, clock_, &ledger_, &sink_);
    ASSERT_TRUE(s.has_value()) << s.status().ToString();
    sanctions_ = std::move(*s);
  }
  NewSanction Block(std::vector<uint64_t> numbers) {
    return NewSanction{.measure = Measure::kNumberBlock,
                       .entity_name = "Shanghai Pushy Marketing Co., Ltd.",
                       .credit_code = kCode,
                       .numbers = std::move(numbers),
                       .legal_basis = "通信短信息和语音呼叫服务管理规定 第十条",
                       .reason = "12321 complaints",
                       .created_by = "analyst"};
  }

  store::testing::TempDir dir_;
  FakeClock clock_;
  RecordingLedger ledger_;
  RecordingSink sink_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<Sanctions> sanctions_;
};

TEST(SanctionsCreditCode, AcceptsRealCodesAndComputesTheirCheckCharacter) {
  EXPECT_TRUE(CheckCreditCode("91350100M000100Y43").ok());
  EXPECT_TRUE(CheckCreditCode("91110000802100433B").ok());
  EXPECT_EQ(CreditCodeCheckChar("91350100M000100Y4"), '3');
  EXPECT_EQ(CreditCodeCheckChar("91110000802100433"), 'B');
  EXPECT_EQ(CreditCodeCheckChar("91110000100000000"), 'R');
}

TEST(SanctionsCreditCode, RejectsWrongCheckCharacterLengthAndLetters) {
  const Status wrong = CheckCreditCode("91350100M000100Y44");
  EXPECT_EQ(wrong.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(wrong.message().find("expected '3'"), std::string::npos) << wrong.message();
  EXPECT_FALSE(CheckCreditCode("91110000802100433").ok());    // 17
  EXPECT_FALSE(CheckCreditCode("91110000802100433BB").ok());  // 19
  EXPECT_FALSE(CheckCreditCode("91110000802I00433B").ok());   // I is not used
  EXPECT_FALSE(CheckCreditCode("91A10000802100433B").ok());   // division code not digits
  EXPECT_EQ(NormaliseCreditCode(" 91110000802100433b "), "91110000802100433B");
}

TEST(SanctionsEntityName, NormalisesCaseSpacesAndFullWidthParentheses) {
  EXPECT_EQ(NormaliseEntityName("  Acme   Call  Centre "), "acme call centre");
  EXPECT_EQ(NormaliseEntityName("上海某某（集团）有限公司"), "上海某某(集团)有限公司");
}

TEST_F(SanctionsTest, CreateStoresIndexesAndRecordsInTheLedgerWithoutNumbers) {
  QUELL_ASSERT_OK_AND_ASSIGN(Sanction s, sanctions_->Create(Block({kCaller2, kCaller, kCaller})));
  EXPECT_GT(s.id, 0);
  EXPECT_EQ(s.numbers, (std::vector<uint64_t>{kCaller, kCaller2}));
  EXPECT_EQ(s.kind, NuisanceKind::kFraud);
  EXPECT_EQ(s.StateAt(clock_.Now()), SanctionState::kActive);
  ASSERT_EQ(ledger_.payloads.size(), 1u);
  EXPECT_EQ(ledger_.kinds[0], "sanction");
  EXPECT_EQ(s.ledger_seq, 101u);

  const std::string& payload = ledger_.payloads[0];
  EXPECT_EQ(payload.find("13800138000"), std::string::npos) << payload;
  EXPECT_EQ(payload.find("13800138001"), std::string::npos) << payload;
  EXPECT_EQ(payload.find("+86"), std::string::npos) << payload;
  Json p = Json::parse(payload);
  EXPECT_EQ(p["action"], "create");
  EXPECT_EQ(p["sanction_id"], s.id);
  EXPECT_EQ(p["measure"], "number_block");
  EXPECT_EQ(p["entity"]["credit_code"], kCode);
  EXPECT_EQ(p["legal_basis"], "通信短信息和语音呼叫服务管理规定 第十条");
  ASSERT_EQ(p["number_hashes"].size(), 2u);
  EXPECT_EQ(p["number_hashes"][0], ledger_.HashNumber("+8613800138000"));
  // What the real ledger checks before it appends.
  QUELL_EXPECT_OK(
      CheckEntry({.kind = "sanction", .key_id = "operator/1", .signed_ms = 1, .payload = payload}));

  QUELL_ASSERT_OK_AND_ASSIGN(auto got, sanctions_->Get(s.id));
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->ledger_seq, 101u);
  EXPECT_EQ(got->numbers, s.numbers);
  EXPECT_EQ(got->start, s.start);
  EXPECT_EQ(got->credit_code, kCode);

  EXPECT_TRUE(sanctions_->IsListed(kCaller, clock_.Now()));
  EXPECT_TRUE(sanctions_->IsListed(kCaller2, clock_.Now()));
  EXPECT_FALSE(sanctions_->IsListed(8613800138002, clock_.Now()));
  auto listing = sanctions_->Find(kCaller, clock_.Now());
  ASSERT_TRUE(listing.has_value());
  EXPECT_EQ(listing->sanction_id, s.id);
  EXPECT_EQ(listing->measure, Measure::kNumberBlock);
}

TEST_F(SanctionsTest, AFailedLedgerAppendStoresNothing) {
  ledger_.fail = true;
  auto r = sanctions_->Create(Block({kCaller}));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), StatusCode::kUnavailable);
  EXPECT_FALSE(sanctions_->IsListed(kCaller, clock_.Now()));
  QUELL_ASSERT_OK_AND_ASSIGN(auto all, sanctions_->List({}));
  EXPECT_TRUE(all.empty());
  EXPECT_TRUE(sink_.items.empty());
  ledger_.fail = false;
  QUELL_ASSERT_OK_AND_ASSIGN(Sanction s, sanctions_->Create(Block({kCaller})));
  QUELL_ASSERT_OK_AND_ASSIGN(auto n, store_->Query("SELECT COUNT(*) FROM enf_sanction_numbers"));
  EXPECT_EQ(n.rows[0].Int(0), 1);  // the failed attempt's numbers were rolled back too
  EXPECT_TRUE(sanctions_->IsListed(kCaller, clock_.Now()));
}

TEST_F(SanctionsTest, ScheduledThenActiveThenExpired) {
  const TimePoint t0 = clock_.Now();
  NewSanction in = Block({kCaller});
  in.start = t0 + hours(24);
  in.end = t0 + hours(48);
  QUELL_ASSERT_OK_AND_ASSIGN(Sanction s, sanctions_->Create(in));
  EXPECT_EQ(s.StateAt(t0), SanctionState::kScheduled);
  EXPECT_FALSE(sanctions_->IsListed(kCaller, t0));
  EXPECT_TRUE(sink_.items.empty());  // evidence waits for the start
  EXPECT_TRUE(sanctions_->IsListed(kCaller, t0 + hours(24)));
  EXPECT_TRUE(sanctions_->IsListed(kCaller, t0 + hours(47)));
  EXPECT_FALSE(sanctions_->IsListed(kCaller, t0 + hours(48)));
  EXPECT_EQ(s.StateAt(t0 + hours(30)), SanctionState::kActive);
  EXPECT_EQ(s.StateAt(t0 + hours(48)), SanctionState::kExpired);

  QUELL_ASSERT_OK_AND_ASSIGN(auto scheduled,
                             sanctions_->List({.state = SanctionState::kScheduled}));
  EXPECT_EQ(scheduled.size(), 1u);
  clock_.Advance(hours(25));
  QUELL_ASSERT_OK(sanctions_->PublishDue());
  ASSERT_EQ(sink_.items.size(), 1u);
  QUELL_ASSERT_OK(sanctions_->PublishDue());
  EXPECT_EQ(sink_.items.size(), 1u);  // once
  QUELL_ASSERT_OK_AND_ASSIGN(auto active, sanctions_->List({.state = SanctionState::kActive}));
  EXPECT_EQ(active.size(), 1u);
  clock_.Advance(hours(24));
  QUELL_ASSERT_OK_AND_ASSIGN(auto expired, sanctions_->List({.state = SanctionState::kExpired}));
  EXPECT_EQ(expired.size(), 1u);
  QUELL_ASSERT_OK_AND_ASSIGN(auto still, sanctions_->Check(kCode, ""));
  EXPECT_TRUE(still.empty());
}

TEST_F(SanctionsTest, LiftEndsItAtOnceAndIsRecorded) {
  QUELL_ASSERT_OK_AND_ASSIGN(Sanction s, sanctions_->Create(Block({kCaller})));
  clock_.Advance(hours(1));
  auto empty_reason = sanctions_->Lift(s.id, "analyst2", "");
  EXPECT_EQ(empty_reason.error().code(), StatusCode::kInvalidArgument);
  QUELL_ASSERT_OK_AND_ASSIGN(Sanction lifted,
                             sanctions_->Lift(s.id, "analyst2", "wrong entity identified"));
  EXPECT_EQ(lifted.StateAt(clock_.Now()), SanctionState::kLifted);
  EXPECT_EQ(lifted.lifted_by, "analyst2");
  EXPECT_EQ(lifted.lift_reason, "wrong entity identified");
  ASSERT_TRUE(lifted.lifted_at.has_value());
  EXPECT_EQ(*lifted.lifted_at, clock_.Now());
  EXPECT_EQ(lifted.lift_ledger_seq, 102u);
  EXPECT_FALSE(sanctions_->IsListed(kCaller, clock_.Now()));
  ASSERT_EQ(ledger_.payloads.size(), 2u);
  Json p = Json::parse(ledger_.payloads[1]);
  EXPECT_EQ(p["action"], "lift");
  EXPECT_EQ(p["sanction_id"], s.id);
  EXPECT_EQ(p["created_seq"], 101);
  QUELL_EXPECT_OK(CheckEntry({.kind = "sanction",
                              .key_id = "operator/1",
                              .signed_ms = 1,
                              .payload = ledger_.payloads[1]}));

  auto again = sanctions_->Lift(s.id, "analyst2", "again");
  EXPECT_EQ(again.error().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(sanctions_->Lift(9999, "a", "b").error().code(), StatusCode::kNotFound);
  QUELL_ASSERT_OK_AND_ASSIGN(auto got, sanctions_->Get(s.id));
  EXPECT_EQ(got->lift_ledger_seq, 102u);
  Reopen();
  EXPECT_FALSE(sanctions_->IsListed(kCaller, clock_.Now()));
}

TEST_F(SanctionsTest, AFailedLiftAppendKeepsTheSanction) {
  QUELL_ASSERT_OK_AND_ASSIGN(Sanction s, sanctions_->Create(Block({kCaller})));
  ledger_.fail = true;
  EXPECT_FALSE(sanctions_->Lift(s.id, "a", "reason").has_value());
  EXPECT_TRUE(sanctions_->IsListed(kCaller, clock_.Now()));
  QUELL_ASSERT_OK_AND_ASSIGN(auto got, sanctions_->Get(s.id));
  EXPECT_FALSE(got->lifted_at.has_value());
}

TEST_F(SanctionsTest, RangesCoverEveryNumberUnderThePrefix) {
  NewSanction in = Block({});
  in.ranges = {862161234};  // +86 21 6123 4xxx
  QUELL_ASSERT_OK_AND_ASSIGN(Sanction s, sanctions_->Create(in));
  const TimePoint now = clock_.Now();
  EXPECT_TRUE(sanctions_->IsListed(862161234000, now));
  EXPECT_TRUE(sanctions_->IsListed(862161234999, now));
  EXPECT_FALSE(sanctions_->IsListed(862161235000, now));
  EXPECT_FALSE(sanctions_->IsListed(862161233999, now));
  EXPECT_FALSE(sanctions_->IsListed(862161234, now));  // the prefix itself is no number
  EXPECT_TRUE(s.Covers(862161234567));
  Json p = Json::parse(ledger_.payloads.at(0));
  EXPECT_EQ(p["range_hashes"].size(), 1u);
  EXPECT_EQ(ledger_.payloads[0].find("862161234"), std::string::npos);
  QUELL_ASSERT_OK_AND_ASSIGN(auto by_number, sanctions_->List({.number = 862161234567}));
  ASSERT_EQ(by_number.size(), 1u);
  EXPECT_EQ(by_number[0].ranges, (std::vector<uint64_t>{862161234}));
  Reopen();
  EXPECT_TRUE(sanctions_->IsListed(862161234123, now));
  EXPECT_EQ(sanctions_->stats().indexed_ranges, 1u);
}

TEST_F(SanctionsTest, MarketingSuspensionIsFoundButDoesNotBlockCalls) {
  NewSanction in = Block({kCaller});
  in.measure = Measure::kMarketingSuspension;
  QUELL_ASSERT_OK_AND_ASSIGN(Sanction s, sanctions_->Create(in));
  EXPECT_EQ(s.kind, NuisanceKind::kMarketing);
  auto l = sanctions_->Find(kCaller, clock_.Now());
  ASSERT_TRUE(l.has_value());
  EXPECT_EQ(l->measure, Measure::kMarketingSuspension);
  EXPECT_FALSE(sanctions_->IsListed(kCaller, clock_.Now()));
  // A stronger measure on the same number wins.
  in.measure = Measure::kJointPunishment;
  QUELL_ASSERT_OK_AND_ASSIGN(Sanction joint, sanctions_->Create(in));
  EXPECT_EQ(sanctions_->Find(kCaller, clock_.Now())->measure, Measure::kJointPunishment);
  EXPECT_TRUE(sanctions_->IsListed(kCaller, clock_.Now()));
}

TEST_F(SanctionsTest, EvidenceForEachNumberOnceAndNoneForWarnings) {
  NewSanction warn = Block({kCaller});
  warn.measure = Measure::kWarning;
  QUELL_ASSERT_OK(sanctions_->Create(warn).status());
  EXPECT_TRUE(sink_.items.empty());
  QUELL_ASSERT_OK_AND_ASSIGN(Sanction s, sanctions_->Create(Block({kCaller, kCaller2})));
  ASSERT_EQ(sink_.items.size(), 2u);
  for (const auto& e : sink_.items) {
    EXPECT_EQ(e.source, events::EvidenceSource::kSanction);
    EXPECT_EQ(e.kind, NuisanceKind::kFraud);
    EXPECT_EQ(e.ref, std::to_string(s.id) + ":" + std::to_string(e.number));
    EXPECT_EQ(e.time_us, ToUnixMillis(s.start) * 1000);
  }
  EXPECT_NE(sink_.items[0].number, sink_.items[1].number);
  Reopen();
  EXPECT_EQ(sink_.items.size(), 2u);  // not again at start-up
}

TEST_F(SanctionsTest, CheckFindsTheEntityByCodeOrName) {
  NewSanction in = Block({kCaller});
  in.entity_name = "上海某某（集团）有限公司";
  QUELL_ASSERT_OK(sanctions_->Create(in).status());
  NewSanction other = Block({kCaller2});
  other.entity_name = "Beijing Other Ltd";
  other.credit_code = kCode2;
  other.measure = Measure::kJointPunishment;
  QUELL_ASSERT_OK(sanctions_->Create(other).status());

  QUELL_ASSERT_OK_AND_ASSIGN(auto by_code, sanctions_->Check("91350100m000100y43", ""));
  ASSERT_EQ(by_code.size(), 1u);
  EXPECT_EQ(by_code[0].entity_name, "上海某某（集团）有限公司");
  QUELL_ASSERT_OK_AND_ASSIGN(auto by_name, sanctions_->Check("", "上海某某(集团)有限公司"));
  EXPECT_EQ(by_name.size(), 1u);
  QUELL_ASSERT_OK_AND_ASSIGN(auto other_name, sanctions_->Check("", "beijing  other ltd"));
  ASSERT_EQ(other_name.size(), 1u);
  EXPECT_EQ(other_name[0].measure, Measure::kJointPunishment);
  QUELL_ASSERT_OK_AND_ASSIGN(auto none, sanctions_->Check("", "Nobody Ltd"));
  EXPECT_TRUE(none.empty());
  EXPECT_EQ(sanctions_->Check("91350100M000100Y44", "").error().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(sanctions_->Check("", "").error().code(), StatusCode::kInvalidArgument);
  QUELL_ASSERT_OK_AND_ASSIGN(auto by_number, sanctions_->CheckNumber(kCaller2));
  ASSERT_EQ(by_number.size(), 1u);
  EXPECT_EQ(by_number[0].credit_code, kCode2);
}

TEST_F(SanctionsTest, ListFiltersAndPages) {
  for (int i = 0; i < 5; ++i) {
    NewSanction in = Block({kCaller + static_cast<uint64_t>(i)});
    in.is_public = i % 2 == 0;
    in.measure = i < 3 ? Measure::kNumberBlock : Measure::kWarning;
    QUELL_ASSERT_OK(sanctions_->Create(in).status());
  }
  QUELL_ASSERT_OK_AND_ASSIGN(auto all, sanctions_->List({}));
  ASSERT_EQ(all.size(), 5u);
  EXPECT_GT(all[0].id, all[1].id);
  QUELL_ASSERT_OK_AND_ASSIGN(auto pub, sanctions_->List({.public_only = true}));
  EXPECT_EQ(pub.size(), 3u);
  QUELL_ASSERT_OK_AND_ASSIGN(auto warnings, sanctions_->List({.measure = Measure::kWarning}));
  EXPECT_EQ(warnings.size(), 2u);
  QUELL_ASSERT_OK_AND_ASSIGN(auto page1, sanctions_->List({.limit = 2}));
  ASSERT_EQ(page1.size(), 2u);
  QUELL_ASSERT_OK_AND_ASSIGN(auto page2, sanctions_->List({.before_id = page1[1].id, .limit = 2}));
  ASSERT_EQ(page2.size(), 2u);
  EXPECT_LT(page2[0].id, page1[1].id);
  QUELL_ASSERT_OK_AND_ASSIGN(auto named, sanctions_->List({.name = "pushy"}));
  EXPECT_EQ(named.size(), 5u);
  QUELL_ASSERT_OK_AND_ASSIGN(auto percent, sanctions_->List({.name = "%"}));
  EXPECT_TRUE(percent.empty());
  QUELL_ASSERT_OK_AND_ASSIGN(auto one, sanctions_->List({.number = kCaller + 2}));
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].numbers[0], kCaller + 2);
  EXPECT_FALSE(sanctions_->List({.limit = 0}).has_value());
}

TEST_F(SanctionsTest, RejectsBadInputWithTheField) {
  auto expect_bad = [&](NewSanction in, std::string_view field) {
    auto r = sanctions_->Create(in);
    ASSERT_FALSE(r.has_value()) << field;
    EXPECT_EQ(r.error().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(r.error().message().find(field), std::string::npos) << r.error().message();
  };
  NewSanction in = Block({kCaller});
  in.end = clock_.Now() - hours(1);
  expect_bad(in, "end");
  in = Block({kCaller});
  in.legal_basis = "";
  expect_bad(in, "legal_basis");
  in = Block({});
  expect_bad(in, "numbers");
  in = Block({kCaller});
  in.ranges = {8621};
  expect_bad(in, "ranges");
  in = Block({kCaller});
  in.credit_code = "91350100M000100Y44";
  expect_bad(in, "credit_code");
  in = Block({kCaller});
  in.entity_name = "  ";
  expect_bad(in, "entity_name");
  EXPECT_TRUE(ledger_.payloads.empty());
}

TEST_F(SanctionsTest, RecordedAfterTheFactIsStoredButNotIndexed) {
  NewSanction in = Block({kCaller});
  in.measure = Measure::kWarning;
  in.start = clock_.Now() - hours(24 * 60);
  in.end = clock_.Now() - hours(24 * 30);
  QUELL_ASSERT_OK_AND_ASSIGN(Sanction s, sanctions_->Create(in));
  EXPECT_EQ(s.StateAt(clock_.Now()), SanctionState::kExpired);
  EXPECT_FALSE(sanctions_->Find(kCaller, clock_.Now()).has_value());
}

TEST_F(SanctionsTest, WorksWithoutLedgerOrEvidence) {
  auto bare = Sanctions::Open(*store_, clock_, nullptr, nullptr);
  ASSERT_TRUE(bare.has_value());
  QUELL_ASSERT_OK_AND_ASSIGN(Sanction s, (*bare)->Create(Block({kCaller})));
  EXPECT_EQ(s.ledger_seq, 0u);
  EXPECT_TRUE((*bare)->IsListed(kCaller, clock_.Now()));
  QUELL_ASSERT_OK((*bare)->Lift(s.id, "a", "b").status());
  EXPECT_FALSE((*bare)->IsListed(kCaller, clock_.Now()));
}

}  // namespace
}  // namespace quell::enforce
