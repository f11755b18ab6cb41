// Breach notices on a real SQLite store, a FakeClock and the notifier's demo
// outbox: grading, the reporting clock at its boundary, escalation (late, and
// overdue follow-up), the state machine and its errors, SMS to affected people,
// the ledger record on closing (no E.164 in it), complaint counts, retention.
#include "quell/enforce/breach.h"

#include <stdlib.h>

#include <filesystem>
#include <mutex>
#include <regex>
#include <set>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "quell/enforce/ledger.h"
#include "quell/notify/notify.h"
#include "quell/store/store.h"

namespace quell::enforce {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

// The ledger as the rest of enforce sees it: records kept in memory.
class FakeLedger final : public LedgerAppender {
 public:
  Result<uint64_t> AppendOwn(std::string_view kind, std::string payload) override {
    std::lock_guard lock(mu_);
    if (fail) return Unavailable("ledger down");
    records.emplace_back(std::string(kind), std::move(payload));
    return records.size();
  }
  std::string HashNumber(std::string_view e164) const override { return std::string(32, 'a'); }
  std::mutex mu_;
  bool fail = false;
  std::vector<std::pair<std::string, std::string>> records;
};

constexpr int64_t kT0 = 1'790'000'000'000;  // 2026-09-21T13:33:20Z
constexpr int64_t kMin = 60'000;
constexpr int64_t kHour = 60 * kMin;

class BreachTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/quell-breach-XXXXXX";
    dir_ = mkdtemp(tmpl);
    clock_.Set(FromUnixMillis(kT0));
    auto store = store::Store::Open({.path = dir_ + "/q.db"});
    ASSERT_TRUE(store.has_value()) << store.error().ToString();
    store_ = std::move(*store);
    auto notifier = notify::Notifier::Open(*store_, clock_, {});
    ASSERT_TRUE(notifier.has_value()) << notifier.error().ToString();
    notifier_ = std::move(*notifier);
    BreachOptions o;
    o.escalation_webhook = "https://regulator.example/breach-hook";
    o.escalation_sms = "+861012345678";
    Open(std::move(o));
  }
  void TearDown() override {
    notices_.reset();
    notifier_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  void Open(BreachOptions o) {
    notices_.reset();
    auto n = BreachNotices::Open(*store_, clock_, std::move(o), notifier_.get(), &ledger_);
    ASSERT_TRUE(n.has_value()) << n.error().ToString();
    notices_ = std::move(*n);
  }

  NewBreach Notice(int64_t people, std::vector<DataCategory> cats, int64_t discovered_ago_ms,
                   std::string entity = "processor") {
    NewBreach n;
    n.org_id = 7;
    n.org_name = "Acme Data";
    n.description = "A backup bucket was left public.";
    n.occurred_at_ms = kT0 - discovered_ago_ms - 24 * kHour;
    n.discovered_at_ms = ToUnixMillis(clock_.Now()) - discovered_ago_ms;
    n.people_affected = people;
    n.categories = std::move(cats);
    n.measures = "Bucket closed; keys rotated.";
    n.entity_type = std::move(entity);
    n.numbers = {{.number = 8613800138000, .role = NumberRole::kAffected},
                 {.number = 8613900139000, .role = NumberRole::kAffected},
                 {.number = 8617000000666, .role = NumberRole::kUsed}};
    return n;
  }

  std::vector<notify::Notice> Outbox() {
    auto list = notifier_->List(std::nullopt, 1000);
    EXPECT_TRUE(list.has_value());
    return list.has_value() ? *list : std::vector<notify::Notice>{};
  }

  std::string dir_;
  FakeClock clock_;
  FakeLedger ledger_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<notify::Notifier> notifier_;
  std::unique_ptr<BreachNotices> notices_;
};

TEST(BreachGrading, ThresholdsAndSensitiveData) {
  GradingRules r;
  const std::vector<DataCategory> plain = {DataCategory::kContact, DataCategory::kIdentity};
  const std::vector<DataCategory> sensitive = {DataCategory::kContact, DataCategory::kHealth};
  EXPECT_EQ(GradeBreach(r, 0, plain), BreachGrade::kGeneral);
  EXPECT_EQ(GradeBreach(r, 999'999, plain), BreachGrade::kGeneral);
  EXPECT_EQ(GradeBreach(r, 1'000'000, plain), BreachGrade::kMajor);
  EXPECT_EQ(GradeBreach(r, 9'999'999, plain), BreachGrade::kMajor);
  EXPECT_EQ(GradeBreach(r, 10'000'000, plain), BreachGrade::kSerious);
  EXPECT_EQ(GradeBreach(r, 100'000'000, plain), BreachGrade::kEspeciallySerious);
  // Sensitive data: ten times fewer people.
  EXPECT_EQ(GradeBreach(r, 99'999, sensitive), BreachGrade::kGeneral);
  EXPECT_EQ(GradeBreach(r, 100'000, sensitive), BreachGrade::kMajor);
  EXPECT_EQ(GradeBreach(r, 1'000'000, sensitive), BreachGrade::kSerious);
  EXPECT_EQ(GradeBreach(r, 10'000'000, sensitive), BreachGrade::kEspeciallySerious);
  EXPECT_EQ(GradeBreach(r, 100'000, {DataCategory::kBiometric}), BreachGrade::kMajor);
  EXPECT_EQ(GradeBreach(r, 100'000, {DataCategory::kMinors}), BreachGrade::kMajor);
  // Configurable: communications made sensitive, thresholds lowered.
  r.sensitive = {DataCategory::kCommunications};
  r.people = {10, 20, 30};
  EXPECT_EQ(GradeBreach(r, 100'000, {DataCategory::kHealth}), BreachGrade::kEspeciallySerious);
  EXPECT_EQ(GradeBreach(r, 15, {DataCategory::kContact}), BreachGrade::kMajor);
}

TEST(BreachGrading, NamesRoundTrip) {
  for (auto g : {BreachGrade::kGeneral, BreachGrade::kMajor, BreachGrade::kSerious,
                 BreachGrade::kEspeciallySerious}) {
    EXPECT_EQ(ParseBreachGrade(Name(g)), g);
  }
  EXPECT_EQ(ChineseName(BreachGrade::kEspeciallySerious), "特别重大");
  EXPECT_EQ(ChineseName(BreachGrade::kGeneral), "一般");
  EXPECT_EQ(ParseDataCategory("biometric"), DataCategory::kBiometric);
  EXPECT_FALSE(ParseDataCategory("Biometric").has_value());
  EXPECT_EQ(ParseBreachState("info_requested"), BreachState::kInfoRequested);
  EXPECT_EQ(ParseNumberRole("used"), NumberRole::kUsed);
}

TEST_F(BreachTest, ClocksByGradeAndEntityType) {
  EXPECT_EQ(*notices_->ClockFor(BreachGrade::kGeneral, "processor"), hours(24));
  EXPECT_EQ(*notices_->ClockFor(BreachGrade::kMajor, "processor"), hours(4));
  EXPECT_EQ(*notices_->ClockFor(BreachGrade::kSerious, "processor"), hours(2));
  EXPECT_EQ(*notices_->ClockFor(BreachGrade::kEspeciallySerious, "processor"), hours(1));
  EXPECT_EQ(*notices_->ClockFor(BreachGrade::kGeneral, "cii"), hours(4));
  EXPECT_EQ(*notices_->ClockFor(BreachGrade::kMajor, "cii"), hours(1));
  EXPECT_EQ(notices_->ClockFor(BreachGrade::kMajor, "bank").error().code(), StatusCode::kNotFound);
}

TEST_F(BreachTest, FiledExactlyAtTheDeadlineIsOnTime) {
  // Major (1.2 M people, contact data), processor: 4 hours from discovery.
  auto b = notices_->File(Notice(1'200'000, {DataCategory::kContact}, 4 * kHour), "acme-user");
  ASSERT_TRUE(b.has_value()) << b.error().ToString();
  EXPECT_EQ(b->grade, BreachGrade::kMajor);
  EXPECT_EQ(b->clock_minutes, 240);
  EXPECT_EQ(b->deadline_ms, kT0);
  EXPECT_FALSE(b->late);
  EXPECT_FALSE(b->escalated);
  EXPECT_EQ(b->state, BreachState::kFiled);
  EXPECT_TRUE(Outbox().empty()) << "nobody is told of a notice on time";
}

TEST_F(BreachTest, OneMillisecondPastTheDeadlineIsLateAndEscalated) {
  auto b = notices_->File(Notice(1'200'000, {DataCategory::kContact}, 4 * kHour + 1), "acme-user");
  ASSERT_TRUE(b.has_value()) << b.error().ToString();
  EXPECT_TRUE(b->late);
  EXPECT_EQ(b->late_by_ms, 1);
  EXPECT_TRUE(b->escalated);
  EXPECT_EQ(b->escalations, std::vector<std::string>{"late"});
  EXPECT_EQ(b->escalated_at_ms, kT0);
  // The regulator is told by webhook and SMS; neither carries a personal number.
  auto out = Outbox();
  ASSERT_EQ(out.size(), 2u);
  bool webhook = false, sms = false;
  for (const auto& n : out) {
    EXPECT_EQ(n.origin, "breach");
    if (n.channel == notify::Channel::kWebhook) {
      webhook = true;
      EXPECT_EQ(n.destination, "https://regulator.example/breach-hook");
      auto j = nlohmann::json::parse(n.body);
      EXPECT_EQ(j["event"], "breach.escalated");
      EXPECT_EQ(j["reason"], "late");
      EXPECT_EQ(j["notice"], b->id);
      EXPECT_EQ(j["grade"], "major");
      EXPECT_EQ(n.body.find("13800138000"), std::string::npos);
    } else {
      sms = true;
      EXPECT_EQ(n.destination, "+861012345678");
      EXPECT_NE(n.body.find("escalated"), std::string::npos);
    }
  }
  EXPECT_TRUE(webhook && sms);
  // And it persists.
  auto again = notices_->Get(b->id);
  ASSERT_TRUE(again.has_value());
  EXPECT_TRUE(again->late && again->escalated);
  auto late = notices_->List({.late = true});
  ASSERT_TRUE(late.has_value());
  ASSERT_EQ(late->size(), 1u);
  EXPECT_EQ((*late)[0].id, b->id);
}

TEST_F(BreachTest, ClockDependsOnGradeAndEntityType) {
  // Especially serious for sensitive data of 10 M people: 1 hour even for a processor.
  auto b = notices_->File(Notice(10'000'000, {DataCategory::kFinancial}, 90 * kMin), "u");
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(b->grade, BreachGrade::kEspeciallySerious);
  EXPECT_EQ(b->clock_minutes, 60);
  EXPECT_TRUE(b->late);
  EXPECT_EQ(b->late_by_ms, 30 * kMin);
  // A general breach: 24 h for a processor, 4 h for a CII operator.
  auto p = notices_->File(Notice(500, {DataCategory::kContact}, 5 * kHour), "u");
  ASSERT_TRUE(p.has_value());
  EXPECT_FALSE(p->late);
  auto c = notices_->File(Notice(500, {DataCategory::kContact}, 5 * kHour, "cii"), "u");
  ASSERT_TRUE(c.has_value());
  EXPECT_TRUE(c->late);
  EXPECT_EQ(c->late_by_ms, kHour);
}

TEST_F(BreachTest, BadNoticesAreRefusedAndWriteNothing) {
  auto bad = [&](NewBreach n, std::string_view says) {
    auto r = notices_->File(n, "u");
    ASSERT_FALSE(r.has_value()) << says;
    EXPECT_EQ(r.error().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(r.error().message().find(says), std::string::npos) << r.error().message();
  };
  auto n = Notice(10, {DataCategory::kContact}, kHour);
  n.entity_type = "bank";
  bad(n, "entity_type");
  n = Notice(10, {}, kHour);
  bad(n, "categories");
  n = Notice(10, {DataCategory::kContact}, -kHour);  // discovered an hour from now
  bad(n, "future");
  n = Notice(10, {DataCategory::kContact}, kHour);
  n.occurred_at_ms = n.discovered_at_ms + 1;
  bad(n, "occurred_at");
  n = Notice(10, {DataCategory::kContact}, kHour);
  n.numbers.push_back({.number = 8613800138000});
  bad(n, "twice");
  n = Notice(10, {DataCategory::kContact}, kHour);
  n.description.clear();
  bad(n, "description");
  n = Notice(-1, {DataCategory::kContact}, kHour);
  bad(n, "people_affected");
  auto all = notices_->List({});
  ASSERT_TRUE(all.has_value());
  EXPECT_TRUE(all->empty());
}

TEST_F(BreachTest, StateMachine) {
  auto b = notices_->File(Notice(2'000, {DataCategory::kContact}, kHour), "acme-user");
  ASSERT_TRUE(b.has_value());
  const int64_t id = b->id;
  // Nothing to supplement yet.
  EXPECT_EQ(notices_->Supplement(id, 7, "acme-user", "more", "").error().code(),
            StatusCode::kFailedPrecondition);
  auto r = notices_->Review(id, "analyst", "taking it");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->state, BreachState::kUnderReview);
  EXPECT_EQ(r->reviewer, "analyst");
  EXPECT_EQ(notices_->Review(id, "analyst", "").error().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(notices_->RequestInfo(id, "analyst", "").error().code(), StatusCode::kInvalidArgument);
  auto q = notices_->RequestInfo(id, "analyst", "Which fields were in the bucket?");
  ASSERT_TRUE(q.has_value());
  EXPECT_EQ(q->state, BreachState::kInfoRequested);
  EXPECT_EQ(q->info_due_ms, kT0 + 72 * kHour);
  // Another organisation cannot answer, nor learn the notice exists.
  EXPECT_EQ(notices_->Supplement(id, 8, "other", "x", "").error().code(), StatusCode::kNotFound);
  auto s = notices_->Supplement(id, 7, "acme-user", "Names and phone numbers.", "Users told.");
  ASSERT_TRUE(s.has_value()) << s.error().ToString();
  EXPECT_EQ(s->state, BreachState::kUnderReview);
  EXPECT_EQ(s->supplement, "Names and phone numbers.");
  EXPECT_NE(s->measures.find("Users told."), std::string::npos);
  EXPECT_NE(s->measures.find("keys rotated"), std::string::npos);
  auto c = notices_->Close(id, "analyst", "Handled adequately.");
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->state, BreachState::kClosed);
  EXPECT_EQ(c->closed_by, "analyst");
  EXPECT_EQ(notices_->Close(id, "analyst", "").error().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(notices_->RequestInfo(id, "analyst", "?").error().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(notices_->Get(9999).error().code(), StatusCode::kNotFound);

  auto h = notices_->History(id);
  ASSERT_TRUE(h.has_value());
  std::vector<std::string> actions;
  for (const auto& e : *h) actions.push_back(e.action);
  EXPECT_EQ(actions, (std::vector<std::string>{"filed", "review", "info_requested", "supplemented",
                                               "closed"}));
  EXPECT_EQ((*h)[2].from, BreachState::kUnderReview);
  EXPECT_EQ((*h)[2].to, BreachState::kInfoRequested);
  EXPECT_EQ((*h)[2].note, "Which fields were in the bucket?");
}

TEST_F(BreachTest, ClosingAppendsALedgerRecordWithoutNumbers) {
  auto b = notices_->File(Notice(1'200'000, {DataCategory::kContact}, 5 * kHour), "u");
  ASSERT_TRUE(b.has_value());
  // The ledger is down: the notice stays open.
  ledger_.fail = true;
  auto failed = notices_->Close(b->id, "analyst", "done");
  ASSERT_FALSE(failed.has_value());
  EXPECT_EQ(failed.error().code(), StatusCode::kUnavailable);
  EXPECT_EQ(notices_->Get(b->id)->state, BreachState::kFiled);
  ledger_.fail = false;
  clock_.Advance(hours(2));
  auto c = notices_->Close(b->id, "analyst", "Fined; see the sanction record.");
  ASSERT_TRUE(c.has_value()) << c.error().ToString();
  EXPECT_EQ(c->ledger_seq, 1u);
  ASSERT_EQ(ledger_.records.size(), 1u);
  EXPECT_EQ(ledger_.records[0].first, "breach");
  const std::string& payload = ledger_.records[0].second;
  auto j = nlohmann::json::parse(payload);
  EXPECT_EQ(j["notice"], b->id);
  EXPECT_EQ(j["organisation"], "Acme Data");
  EXPECT_EQ(j["grade"], "major");
  EXPECT_EQ(j["people_affected"], 1'200'000);
  EXPECT_EQ(j["numbers"], 3);
  EXPECT_EQ(j["late"], true);
  EXPECT_EQ(j["late_by_minutes"], 60);
  EXPECT_EQ(j["closed_at"], FormatRfc3339(FromUnixMillis(kT0 + 2 * kHour)));
  // No number, in any form.
  EXPECT_FALSE(std::regex_search(payload, std::regex(R"(\+?86 ?1[3-9]\d)"))) << payload;
  for (const char* digits : {"13800138000", "13900139000", "17000000666"}) {
    EXPECT_EQ(payload.find(digits), std::string::npos) << payload;
  }
  EXPECT_EQ(payload.find("bucket"), std::string::npos) << "no free text in the ledger";
  EXPECT_EQ(notices_->Get(b->id)->ledger_seq, 1u);
}

TEST_F(BreachTest, NotifyAffectedSendsSmsToAffectedNumbersOnce) {
  auto b = notices_->File(Notice(3, {DataCategory::kContact}, kHour), "u");
  ASSERT_TRUE(b.has_value());
  auto r = notices_->NotifyAffected(b->id, "analyst");
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  EXPECT_EQ(r->enqueued, 2);  // the "used" number is not told
  EXPECT_EQ(r->failed, 0);
  std::set<std::string> to;
  for (const auto& n : Outbox()) {
    EXPECT_EQ(n.channel, notify::Channel::kSms);
    EXPECT_NE(n.body.find("Acme Data"), std::string::npos);
    EXPECT_NE(n.body.find("notice " + std::to_string(b->id)), std::string::npos);
    to.insert(n.destination);
  }
  EXPECT_EQ(to, (std::set<std::string>{"+8613800138000", "+8613900139000"}));
  auto again = notices_->NotifyAffected(b->id, "controller");
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->enqueued, 0);
  EXPECT_EQ(again->already, 2);
  EXPECT_EQ(Outbox().size(), 2u);
  auto got = notices_->Get(b->id);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->notified, 2);
  EXPECT_EQ(got->notified_at_ms, kT0);
  for (const auto& n : got->numbers) EXPECT_EQ(n.notified, n.role == NumberRole::kAffected);
}

TEST_F(BreachTest, NotifyAffectedNeedsANotifierAndNumbers) {
  auto n = Notice(3, {DataCategory::kContact}, kHour);
  n.numbers = {{.number = 8617000000666, .role = NumberRole::kUsed}};
  auto b = notices_->File(n, "u");
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(notices_->NotifyAffected(b->id, "a").error().code(), StatusCode::kFailedPrecondition);
  auto without = BreachNotices::Open(*store_, clock_, {}, nullptr, nullptr);
  ASSERT_TRUE(without.has_value());
  EXPECT_EQ((*without)->NotifyAffected(b->id, "a").error().code(), StatusCode::kUnavailable);
}

TEST_F(BreachTest, OverdueFollowUpIsEscalatedOnce) {
  auto b = notices_->File(Notice(3, {DataCategory::kContact}, kHour), "u");
  ASSERT_TRUE(b.has_value());
  ASSERT_TRUE(notices_->RequestInfo(b->id, "analyst", "How many records?").has_value());
  clock_.Advance(hours(72));
  EXPECT_EQ(*notices_->Sweep(), 0) << "due at the 72nd hour is not yet overdue";
  EXPECT_FALSE(notices_->Get(b->id)->follow_up_overdue);
  clock_.Advance(minutes(1));
  EXPECT_TRUE(notices_->Get(b->id)->follow_up_overdue);
  EXPECT_EQ(*notices_->Sweep(), 1);
  EXPECT_EQ(*notices_->Sweep(), 0) << "escalated once per request";
  auto got = notices_->Get(b->id);
  ASSERT_TRUE(got.has_value());
  EXPECT_TRUE(got->escalated);
  EXPECT_FALSE(got->late);
  EXPECT_EQ(got->escalations, std::vector<std::string>{"follow_up_overdue"});
  auto out = Outbox();
  ASSERT_EQ(out.size(), 2u);
  for (const auto& n : out) {
    if (n.channel == notify::Channel::kWebhook) {
      EXPECT_EQ(nlohmann::json::parse(n.body)["reason"], "follow_up_overdue");
    }
  }
  auto escalated = notices_->List({.escalated = true});
  ASSERT_TRUE(escalated.has_value());
  EXPECT_EQ(escalated->size(), 1u);
  // Answered late, then asked again: a new request can be escalated again.
  ASSERT_TRUE(notices_->Supplement(b->id, 7, "u", "12 records.", "").has_value());
  ASSERT_TRUE(notices_->RequestInfo(b->id, "analyst", "Which ones?").has_value());
  clock_.Advance(hours(73));
  EXPECT_EQ(*notices_->Sweep(), 1);
}

TEST_F(BreachTest, NumbersShowTheirComplaintCounts) {
  BreachOptions o;
  o.complaints_about = [](uint64_t n) -> int64_t { return n == 8617000000666 ? 42 : 0; };
  Open(std::move(o));
  auto b = notices_->File(Notice(3, {DataCategory::kContact}, kHour), "u");
  ASSERT_TRUE(b.has_value());
  auto got = notices_->Get(b->id);
  ASSERT_TRUE(got.has_value());
  ASSERT_EQ(got->numbers.size(), 3u);
  for (const auto& n : got->numbers) {
    EXPECT_EQ(n.complaints, n.number == 8617000000666 ? 42 : 0);
  }
  // Without the callback, counts are unknown.
  Open({});
  got = notices_->Get(b->id);
  ASSERT_TRUE(got.has_value());
  for (const auto& n : got->numbers) EXPECT_EQ(n.complaints, -1);
}

TEST_F(BreachTest, ListFiltersByOrganisationStateAndGrade) {
  auto a = notices_->File(Notice(3, {DataCategory::kContact}, kHour), "u");
  auto n = Notice(2'000'000, {DataCategory::kContact}, kHour);
  n.org_id = 8;
  n.org_name = "Other";
  auto b = notices_->File(n, "v");
  ASSERT_TRUE(a.has_value() && b.has_value());
  ASSERT_TRUE(notices_->Review(b->id, "analyst", "").has_value());
  EXPECT_EQ(notices_->List({.org_id = 7})->size(), 1u);
  EXPECT_EQ(notices_->List({.org_id = 7})->at(0).id, a->id);
  EXPECT_EQ(notices_->List({.state = BreachState::kUnderReview})->at(0).id, b->id);
  EXPECT_EQ(notices_->List({.grade = BreachGrade::kMajor})->size(), 1u);
  EXPECT_EQ(notices_->List({.grade = BreachGrade::kGeneral})->at(0).id, a->id);
  EXPECT_EQ(notices_->List({})->size(), 2u);
  EXPECT_EQ(notices_->List({.limit = 0}).error().code(), StatusCode::kInvalidArgument);
}

TEST_F(BreachTest, ClosedNoticesLoseTheirNumbersAfterRetention) {
  auto open = notices_->File(Notice(3, {DataCategory::kContact}, kHour), "u");
  auto closed = notices_->File(Notice(3, {DataCategory::kContact}, kHour), "u");
  ASSERT_TRUE(open.has_value() && closed.has_value());
  ASSERT_TRUE(notices_->Close(closed->id, "analyst", "").has_value());
  clock_.Advance(hours(24 * 180) - minutes(1));
  EXPECT_EQ(*notices_->Purge(), 0);
  clock_.Advance(minutes(2));
  EXPECT_EQ(*notices_->Purge(), 1);
  EXPECT_EQ(*notices_->Purge(), 0);
  auto gone = notices_->Get(closed->id);
  ASSERT_TRUE(gone.has_value());
  EXPECT_TRUE(gone->numbers_purged);
  EXPECT_TRUE(gone->numbers.empty());
  EXPECT_EQ(gone->numbers_count, 3) << "the count stays";
  EXPECT_EQ(notices_->NotifyAffected(closed->id, "a").error().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(notices_->Get(open->id)->numbers.size(), 3u) << "open notices keep theirs";
}

TEST_F(BreachTest, OptionsAreChecked) {
  auto bad = [&](BreachOptions o) {
    return BreachNotices::Open(*store_, clock_, std::move(o), nullptr, nullptr).error().code();
  };
  BreachOptions o;
  o.grading.people = {10, 5, 20};
  EXPECT_EQ(bad(o), StatusCode::kInvalidArgument);
  o = {};
  o.entity_types.push_back(o.entity_types[0]);
  EXPECT_EQ(bad(o), StatusCode::kInvalidArgument);
  o = {};
  o.entity_types[0].clocks[1] = minutes(0);
  EXPECT_EQ(bad(o), StatusCode::kInvalidArgument);
  o = {};
  o.escalation_webhook = "ftp://x";
  EXPECT_EQ(bad(o), StatusCode::kInvalidArgument);
  o = {};
  o.escalation_sms = "12345";
  EXPECT_EQ(bad(o), StatusCode::kInvalidArgument);
  o = {};
  o.entity_types = {};
  EXPECT_EQ(bad(o), StatusCode::kInvalidArgument);
}

TEST_F(BreachTest, NoticesSurviveReopening) {
  auto b = notices_->File(Notice(3, {DataCategory::kHealth, DataCategory::kContact}, kHour), "u");
  ASSERT_TRUE(b.has_value());
  Open({});
  auto got = notices_->Get(b->id);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->description, "A backup bucket was left public.");
  EXPECT_EQ(got->categories,
            (std::vector<DataCategory>{DataCategory::kContact, DataCategory::kHealth}));
  EXPECT_EQ(got->org_name, "Acme Data");
  EXPECT_EQ(got->filed_by, "u");
  EXPECT_EQ(got->numbers.size(), 3u);
}

}  // namespace
}  // namespace quell::enforce
