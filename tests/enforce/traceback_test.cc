// Traceback on a real store, with the notifier's demo outbox, a recording
// ledger appender and a FakeClock: the registry, starting at a PASSporT's
// signer, a three-carrier path with one hop answered from CDRs, deadlines
// missed, loops refused, requests only their carrier may answer, the webhook
// body, the ledger record without numbers, statistics, and scorecards.
#include "quell/enforce/traceback.h"

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "../store/store_test_util.h"
#include "quell/enforce/ledger.h"
#include "quell/enforce/scorecard.h"
#include "quell/events/call_event.h"
#include "quell/notify/notify.h"
#include "quell/store/store.h"

namespace quell::enforce {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;
using Json = nlohmann::json;

constexpr uint64_t kCaller = 8617012345678;
constexpr uint64_t kCallee = 8613800138000;
constexpr int64_t kTerm = 11;     // terminating carrier
constexpr int64_t kTransit = 12;  // transit carrier that submits CDRs
constexpr int64_t kOrigin = 13;   // originating carrier
constexpr int64_t kGateway = 14;  // international gateway

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

events::CallEvent Cdr(uint64_t caller, uint64_t callee, TimePoint t, std::string_view trunk,
                      events::EventKind kind = events::EventKind::kCompleted,
                      events::Attest attest = events::Attest::kNone) {
  events::CallEvent e;
  e.time_us = std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
  e.caller = caller;
  e.callee = callee;
  e.kind = kind;
  e.attest = attest;
  e.trunk.Assign(trunk);
  return e;
}

class TracebackTest : public ::testing::Test {
 protected:
  void SetUp() override {
    clock_.Set(FromUnixMillis(1793584800000));  // 2026-11-02T02:00:00Z
    QUELL_ASSERT_OK_AND_ASSIGN(store_, store::Store::Open({.path = dir_.File("q.db")}));
    QUELL_ASSERT_OK_AND_ASSIGN(notifier_, notify::Notifier::Open(*store_, clock_, {}));
    Reopen();
    Register(kTerm, "Shanghai Terminating Telecom", kRoleTerminating, {"STT-IN"}, {},
             "https://hooks.stt.example/traceback");
    Register(kTransit, "Transit Networks", kRoleTransit, {"TRN-1"}, {});
    Register(kOrigin, "Origin Mobile", kRoleOriginating, {"OM-TRUNK-7"}, {"567J"});
    Register(kGateway, "Intl Gateway", kRoleGateway, {"IGW"}, {});
  }
  void Reopen() {
    tb_.reset();
    TracebackOptions o = options_;
    auto t = Traceback::Open(*store_, clock_, o, notifier_.get(), &ledger_);
    ASSERT_TRUE(t.has_value()) << t.status().ToString();
    tb_ = std::move(*t);
  }
  void Register(int64_t org, std::string name, uint8_t roles, std::vector<std::string> aliases,
                std::vector<std::string> spcs, std::string webhook = "") {
    Carrier c{
        .org_id = org,
        .name = std::move(name),
        .roles = roles,
        .contacts = {{.name = "NOC", .email = "noc@example.net", .phone = "+86 21 5555 0000"}},
        .webhook_url = std::move(webhook),
        .auth = AuthStatus::kFull,
        .spcs = std::move(spcs),
        .cert_subject = "",
        .country = "CN",
        .trunk_aliases = std::move(aliases)};
    auto r = tb_->RegisterCarrier(c);
    ASSERT_TRUE(r.has_value()) << r.status().ToString();
  }
  NewCase Evidence() {
    return NewCase{.source = SourceKind::kComplaint,
                   .source_id = 42,
                   .caller = kCaller,
                   .callee = kCallee,
                   .call_time = clock_.Now() - hours(3),
                   .campaign = "fake bank loan robocalls",
                   .terminating_org_id = kTerm,
                   .opened_by = "analyst"};
  }
  Case Open(const NewCase& n) {
    auto c = tb_->OpenCase(n);
    EXPECT_TRUE(c.has_value()) << c.status().ToString();
    return c.has_value() ? *c : Case{};
  }
  Result<Case> Up(const Case& c, int64_t from, int64_t to) {
    return tb_->Answer(
        c.hops.back().id, from,
        {.kind = AnswerKind::kUpstream, .upstream_org_id = to, .answered_by = "noc"});
  }

  store::testing::TempDir dir_;
  FakeClock clock_;
  TracebackOptions options_;
  RecordingLedger ledger_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<notify::Notifier> notifier_;
  std::unique_ptr<Traceback> tb_;
};

TEST_F(TracebackTest, RegistryValidatesAndKeepsAliasesUnique) {
  EXPECT_EQ(tb_->ListCarriers().size(), 4u);
  EXPECT_EQ(tb_->ResolveIngress("  om-trunk-7 "), kOrigin);
  EXPECT_EQ(tb_->ResolveIngress("origin mobile"), kOrigin);
  EXPECT_EQ(tb_->ResolveIngress("nobody"), 0);
  Carrier dup{.org_id = 20,
              .name = "Other",
              .roles = kRoleTransit,
              .country = "CN",
              .trunk_aliases = {"TRN-1"}};
  EXPECT_EQ(tb_->RegisterCarrier(dup).status().code(), StatusCode::kAlreadyExists);
  Carrier bad{.org_id = 21, .name = "Bad", .roles = 0, .country = "CN"};
  EXPECT_EQ(tb_->RegisterCarrier(bad).status().code(), StatusCode::kInvalidArgument);
  bad.roles = kRoleTransit;
  bad.country = "China";
  EXPECT_EQ(tb_->RegisterCarrier(bad).status().code(), StatusCode::kInvalidArgument);
  bad.country = "cn";
  bad.webhook_url = "ftp://x";
  EXPECT_EQ(tb_->RegisterCarrier(bad).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(tb_->RegisterCarrier({.org_id = kTerm, .name = "X", .roles = 1, .country = "CN"})
                .status()
                .code(),
            StatusCode::kAlreadyExists);
  // Carriers change their own contacts; the registry survives a restart.
  auto c = tb_->UpdateContacts(kTransit, {{.name = "Ops", .email = "ops@trn.example"}},
                               "https://trn.example/hook");
  ASSERT_TRUE(c.has_value()) << c.status().ToString();
  Reopen();
  auto again = tb_->GetCarrier(kTransit);
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->webhook_url, "https://trn.example/hook");
  EXPECT_EQ(again->contacts.at(0).email, "ops@trn.example");
  EXPECT_EQ(tb_->ResolveIngress("TRN-1"), kTransit);
}

TEST_F(TracebackTest, PassportSignerStartsTheCaseAndSkipsHops) {
  NewCase n = Evidence();
  n.passport_origid = "de305d54-75b4-431b-adb2-eb6b9e546014";
  n.passport_spc = "567j";
  Case c = Open(n);
  ASSERT_EQ(c.hops.size(), 1u);
  EXPECT_EQ(c.hops[0].org_id, kOrigin);
  EXPECT_EQ(c.hops[0].index, 1);
  EXPECT_NE(c.start_note.find("skipped"), std::string::npos) << c.start_note;
  EXPECT_NE(c.start_note.find("Origin Mobile"), std::string::npos);
  // The terminating carrier has nothing to answer.
  auto q = tb_->ListRequests(kTerm, true);
  ASSERT_TRUE(q.has_value());
  EXPECT_TRUE(q->empty());
  // An unknown SPC starts at the terminating carrier.
  n.passport_spc = "999Z";
  Case d = Open(n);
  ASSERT_EQ(d.hops.size(), 1u);
  EXPECT_EQ(d.hops[0].org_id, kTerm);
  EXPECT_TRUE(d.start_note.empty());
}

TEST_F(TracebackTest, ThreeCarrierPathWithOneHopFromCdrs) {
  const TimePoint call = clock_.Now() - hours(3);
  // The transit carrier's CDR: the call came in on Origin Mobile's trunk, 20 s off.
  std::vector<events::CallEvent> cdrs = {Cdr(kCaller, kCallee, call + seconds(20), "OM-TRUNK-7"),
                                         Cdr(kCaller, 8613900000000, call, "IGW")};
  auto in = tb_->AddCdrs(kTransit, cdrs);
  ASSERT_TRUE(in.has_value()) << in.status().ToString();
  EXPECT_EQ(in->stored, 2u);
  Case c = Open(Evidence());
  ASSERT_EQ(c.hops.size(), 1u);
  EXPECT_EQ(c.hops[0].org_id, kTerm);
  clock_.Advance(hours(2));
  auto r = Up(c, kTerm, kTransit);
  ASSERT_TRUE(r.has_value()) << r.status().ToString();
  ASSERT_EQ(r->hops.size(), 3u);
  const Hop& auto_hop = r->hops[1];
  EXPECT_EQ(auto_hop.org_id, kTransit);
  EXPECT_EQ(auto_hop.state, HopState::kAnswered);
  ASSERT_TRUE(auto_hop.answer.has_value());
  EXPECT_EQ(auto_hop.answer->kind, AnswerKind::kUpstream);
  EXPECT_EQ(auto_hop.answer->upstream_org_id, kOrigin);
  EXPECT_EQ(auto_hop.answer->answered_by,
            "automatically from CDR " + std::to_string(auto_hop.cdr_id));
  EXPECT_GT(auto_hop.cdr_id, 0);
  EXPECT_EQ(r->hops[2].org_id, kOrigin);
  EXPECT_EQ(r->hops[2].state, HopState::kWaiting);
  EXPECT_EQ(r->state, CaseState::kOpen);
  EXPECT_TRUE(ledger_.payloads.empty());

  clock_.Advance(hours(1));
  auto done = tb_->Answer(r->hops[2].id, kOrigin,
                          {.kind = AnswerKind::kOrigin,
                           .customer_name = "Fuzhou Loan Promotion Co.",
                           .customer_credit_code = "91350100M000100Y43",
                           .customer_account = "SIP-TRUNK-0042",
                           .answered_by = "origin-noc"});
  ASSERT_TRUE(done.has_value()) << done.status().ToString();
  EXPECT_EQ(done->state, CaseState::kOriginFound);
  EXPECT_EQ(done->outcome_text,
            "origin found at Origin Mobile: customer Fuzhou Loan Promotion Co.");
  EXPECT_EQ(done->ledger_seq, 101u);
  ASSERT_EQ(ledger_.payloads.size(), 1u);
  EXPECT_EQ(ledger_.kinds[0], "traceback");
  const std::string& payload = ledger_.payloads[0];
  EXPECT_EQ(payload.find("8617012345678"), std::string::npos) << payload;
  EXPECT_EQ(payload.find("8613800138000"), std::string::npos) << payload;
  EXPECT_EQ(payload.find("SIP-TRUNK-0042"), std::string::npos) << payload;
  Json p = Json::parse(payload);
  EXPECT_EQ(p["outcome"], "origin_found");
  EXPECT_EQ(p["hop_count"], 3);
  EXPECT_EQ(p["auto_answered_hops"], 1);
  EXPECT_EQ(p["path"], Json({"Shanghai Terminating Telecom", "Transit Networks", "Origin Mobile"}));
  EXPECT_EQ(p["caller_hash"], ledger_.HashNumber("+8617012345678"));
  EXPECT_EQ(p["callee_hash"], ledger_.HashNumber("+8613800138000"));
  EXPECT_EQ(p["hop_durations_ms"], Json({2 * 3600 * 1000, 0, 3600 * 1000}));
  EXPECT_EQ(p["duration_ms"], 3 * 3600 * 1000);
  // The real ledger's own check accepts it (no number-like value anywhere).
  LedgerEntry entry{
      .kind = "traceback", .key_id = "operator/1", .signed_ms = 1, .payload = payload};
  EXPECT_TRUE(CheckEntry(entry).ok()) << CheckEntry(entry).ToString();
  // Answered once only.
  EXPECT_EQ(tb_->Answer(r->hops[2].id, kOrigin, {.kind = AnswerKind::kNotFound}).status().code(),
            StatusCode::kFailedPrecondition);
}

TEST_F(TracebackTest, CdrsOutsideTheWindowOrWithUnknownIngressLeaveItToAPerson) {
  const TimePoint call = clock_.Now() - hours(3);
  std::vector<events::CallEvent> cdrs = {Cdr(kCaller, kCallee, call + seconds(61), "OM-TRUNK-7"),
                                         Cdr(kCaller, kCallee, call - seconds(5), "UNKNOWN-TRUNK")};
  ASSERT_TRUE(tb_->AddCdrs(kTransit, cdrs).has_value());
  Case c = Open(Evidence());
  auto r = Up(c, kTerm, kTransit);
  ASSERT_TRUE(r.has_value());
  ASSERT_EQ(r->hops.size(), 2u);
  EXPECT_EQ(r->hops[1].state, HopState::kWaiting);
  // A CDR arriving later answers the waiting request.
  std::vector<events::CallEvent> late = {Cdr(kCaller, kCallee, call, "igw")};
  auto in = tb_->AddCdrs(kTransit, late);
  ASSERT_TRUE(in.has_value());
  EXPECT_EQ(in->auto_answered, 1u);
  auto now = tb_->GetCase(c.id);
  ASSERT_TRUE(now.has_value() && now->has_value());
  ASSERT_EQ((*now)->hops.size(), 3u);
  EXPECT_EQ((*now)->hops[2].org_id, kGateway);
}

TEST_F(TracebackTest, MissedDeadlineEndsTheCaseNonResponsive) {
  Case c = Open(Evidence());
  auto r = Up(c, kTerm, kTransit);
  ASSERT_TRUE(r.has_value());
  clock_.Advance(hours(23));
  auto swept = tb_->Sweep();
  ASSERT_TRUE(swept.has_value());
  EXPECT_EQ(*swept, 0);
  clock_.Advance(hours(1) + seconds(1));
  swept = tb_->Sweep();
  ASSERT_TRUE(swept.has_value());
  EXPECT_EQ(*swept, 1);
  auto after = tb_->GetCase(c.id);
  ASSERT_TRUE(after.has_value() && after->has_value());
  const Case& e = **after;
  EXPECT_EQ(e.state, CaseState::kNonResponsive);
  EXPECT_EQ(e.outcome_text, "non-responsive carrier Transit Networks");
  EXPECT_EQ(e.hops[1].state, HopState::kMissed);
  EXPECT_EQ(e.hops[1].answered_at, e.hops[1].deadline);
  EXPECT_EQ(e.hops[1].deadline, e.hops[1].requested_at + hours(24));
  EXPECT_EQ(tb_->Answer(e.hops[1].id, kTransit, {.kind = AnswerKind::kNotFound}).status().code(),
            StatusCode::kFailedPrecondition);
  ASSERT_EQ(ledger_.payloads.size(), 1u);
  EXPECT_EQ(Json::parse(ledger_.payloads[0])["outcome"], "non_responsive");
  auto stats = tb_->Stats();
  ASSERT_TRUE(stats.has_value());
  ASSERT_EQ(stats->non_responsive.size(), 1u);
  EXPECT_EQ(stats->non_responsive[0].org_id, kTransit);
  EXPECT_EQ(stats->non_responsive[0].missed, 1);
  EXPECT_EQ(*tb_->Sweep(), 0);
}

TEST_F(TracebackTest, ConfiguredDeadline) {
  options_.answer_within = hours(2);
  Reopen();
  Case c = Open(Evidence());
  EXPECT_EQ(c.hops[0].deadline, c.hops[0].requested_at + hours(2));
  clock_.Advance(hours(2));
  EXPECT_EQ(*tb_->Sweep(), 1);
}

TEST_F(TracebackTest, LoopsAreRefused) {
  Case c = Open(Evidence());
  auto r = Up(c, kTerm, kTransit);
  ASSERT_TRUE(r.has_value());
  auto loop = Up(*r, kTransit, kTerm);
  EXPECT_EQ(loop.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(loop.status().message().find("loop"), std::string::npos);
  EXPECT_EQ(Up(*r, kTransit, kTransit).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Up(*r, kTransit, 999).status().code(), StatusCode::kInvalidArgument);
  // Still waiting for a real answer.
  auto q = tb_->ListRequests(kTransit, true);
  ASSERT_TRUE(q.has_value());
  ASSERT_EQ(q->size(), 1u);
  EXPECT_EQ((*q)[0].caller, kCaller);
}

TEST_F(TracebackTest, OnlyTheAddressedCarrierAnswers) {
  Case c = Open(Evidence());
  auto r = tb_->Answer(c.hops[0].id, kTransit, {.kind = AnswerKind::kNotFound});
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(
      tb_->Answer(c.hops[0].id + 1000, kTerm, {.kind = AnswerKind::kNotFound}).status().code(),
      StatusCode::kNotFound);
  // Staff (org 0) answer on a carrier's behalf.
  auto staff = tb_->Answer(c.hops[0].id, 0,
                           {.kind = AnswerKind::kForeign,
                            .foreign_carrier = "Far Away Telecom",
                            .foreign_country = "xx"});
  ASSERT_TRUE(staff.has_value()) << staff.status().ToString();
  EXPECT_EQ(staff->state, CaseState::kForeignEntry);
  EXPECT_EQ(staff->hops[0].answer->foreign_country, "XX");
}

TEST_F(TracebackTest, WebhookCarriesTheRequest) {
  options_.public_base_url = "https://quell.example/";
  Reopen();
  Case c = Open(Evidence());
  auto notices = notifier_->List(std::nullopt, 10);
  ASSERT_TRUE(notices.has_value());
  ASSERT_EQ(notices->size(), 1u);
  const notify::Notice& n = (*notices)[0];
  EXPECT_EQ(n.channel, notify::Channel::kWebhook);
  EXPECT_EQ(n.destination, "https://hooks.stt.example/traceback");
  EXPECT_EQ(n.origin, "traceback");
  Json b = Json::parse(n.body);
  EXPECT_EQ(b["case_id"], c.id);
  EXPECT_EQ(b["request_id"], c.hops[0].id);
  EXPECT_EQ(b["hop"], 1);
  EXPECT_EQ(b["caller"], "+8617012345678");
  EXPECT_EQ(b["callee"], "+8613800138000");
  EXPECT_EQ(b["call_time"], FormatRfc3339(c.call_time));
  EXPECT_EQ(b["answer_url"], "https://quell.example/api/v1/traceback/requests/" +
                                 std::to_string(c.hops[0].id) + "/answer");
  auto got = tb_->GetCase(c.id);
  EXPECT_EQ((**got).hops[0].notice_id, n.id);
  // A carrier without a webhook gets none.
  ASSERT_TRUE(Up(c, kTerm, kTransit).has_value());
  EXPECT_EQ(notifier_->List(std::nullopt, 10)->size(), 1u);
}

TEST_F(TracebackTest, FailedLedgerAppendFailsTheAnswer) {
  Case c = Open(Evidence());
  ledger_.fail = true;
  auto r = tb_->Answer(c.hops[0].id, kTerm, {.kind = AnswerKind::kNotFound});
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
  auto still = tb_->GetCase(c.id);
  EXPECT_EQ((**still).state, CaseState::kOpen);
  EXPECT_EQ((**still).hops[0].state, HopState::kWaiting);
  ledger_.fail = false;
  EXPECT_TRUE(tb_->Answer(c.hops[0].id, kTerm, {.kind = AnswerKind::kNotFound}).has_value());
}

TEST_F(TracebackTest, StatisticsFigures) {
  // Case 1: T answers after 1 h, X after 3 h (origin).
  Case a = Open(Evidence());
  clock_.Advance(hours(1));
  auto a2 = Up(a, kTerm, kTransit);
  ASSERT_TRUE(a2.has_value());
  clock_.Advance(hours(3));
  ASSERT_TRUE(
      tb_->Answer(a2->hops[1].id, kTransit, {.kind = AnswerKind::kOrigin, .customer_name = "Acme"})
          .has_value());
  // Case 2: T answers not_found after 2 h.
  Case b = Open(Evidence());
  clock_.Advance(hours(2));
  ASSERT_TRUE(tb_->Answer(b.hops[0].id, kTerm, {.kind = AnswerKind::kNotFound}).has_value());
  // Case 3: waits at T, then missed.
  Case c = Open(Evidence());
  clock_.Advance(hours(25));
  ASSERT_EQ(*tb_->Sweep(), 1);
  auto s = tb_->Stats();
  ASSERT_TRUE(s.has_value()) << s.status().ToString();
  EXPECT_EQ(s->cases, 3);
  EXPECT_EQ(s->by_state[static_cast<int>(CaseState::kOriginFound)], 1);
  EXPECT_EQ(s->by_state[static_cast<int>(CaseState::kNotFound)], 1);
  EXPECT_EQ(s->by_state[static_cast<int>(CaseState::kNonResponsive)], 1);
  EXPECT_EQ(s->requests, 4);
  EXPECT_EQ(s->answered, 3);
  EXPECT_EQ(s->missed, 1);
  EXPECT_DOUBLE_EQ(s->hops_per_case, 4.0 / 3.0);
  EXPECT_EQ(s->max_hops, 2);
  ASSERT_TRUE(s->median_answer_seconds.has_value());
  EXPECT_DOUBLE_EQ(*s->median_answer_seconds, 2 * 3600.0);  // of 1 h, 2 h, 3 h
  EXPECT_DOUBLE_EQ(*s->p90_answer_seconds, 3 * 3600.0);
  ASSERT_EQ(s->non_responsive.size(), 1u);
  EXPECT_EQ(s->non_responsive[0].name, "Shanghai Terminating Telecom");
  EXPECT_EQ(s->non_responsive[0].non_responsive, 1);
  // Listing and filters.
  auto open = tb_->ListCases({.state = CaseState::kNonResponsive});
  ASSERT_TRUE(open.has_value());
  ASSERT_EQ(open->size(), 1u);
  EXPECT_EQ((*open)[0].id, c.id);
  auto at_transit = tb_->ListCases({.org_id = kTransit});
  ASSERT_EQ(at_transit->size(), 1u);
  EXPECT_EQ((*at_transit)[0].id, a.id);
  // Since a time.
  auto later = tb_->Stats(clock_.Now());
  EXPECT_EQ(later->cases, 0);
  // Answer times per carrier: T answered 2 of 3 within the deadline.
  auto rt = tb_->ResponseTimes();
  ASSERT_TRUE(rt.has_value());
  for (const auto& f : *rt) {
    if (f.org_id == kTerm) {
      EXPECT_EQ(f.requests, 3);
      EXPECT_EQ(f.answered_in_time, 2);
      EXPECT_EQ(f.missed, 1);
      EXPECT_DOUBLE_EQ(*f.median_answer_seconds, 3600.0);  // 1 h, 2 h: lower median
    }
  }
}

TEST_F(TracebackTest, CdrsArePurgedAfterRetention) {
  std::vector<events::CallEvent> cdrs = {Cdr(kCaller, kCallee, clock_.Now() - hours(24 * 31), "x"),
                                         Cdr(kCaller, kCallee, clock_.Now() - hours(1), "x"),
                                         Cdr(0, kCallee, clock_.Now(), "x")};
  auto in = tb_->AddCdrs(kTransit, cdrs);
  ASSERT_TRUE(in.has_value());
  EXPECT_EQ(in->stored, 2u);
  EXPECT_EQ(in->skipped, 1u);
  EXPECT_EQ(*tb_->PurgeCdrs(), 1);
  EXPECT_EQ(tb_->AddCdrs(999, cdrs).status().code(), StatusCode::kNotFound);
}

class ScorecardTest : public TracebackTest {};

TEST_F(ScorecardTest, CountsShareAAndSurvivesRestart) {
  Scorecards& s = tb_->scorecard();
  const TimePoint now = clock_.Now();
  for (int i = 0; i < 10; ++i) {
    s.Publish(Cdr(kCaller, kCallee, now, "om-trunk-7", events::EventKind::kAttempt,
                  i < 8 ? events::Attest::kA : events::Attest::kC));
  }
  // CDRs of the same calls are not counted again; unknown trunks are counted apart.
  s.Publish(
      Cdr(kCaller, kCallee, now, "OM-TRUNK-7", events::EventKind::kCompleted, events::Attest::kA));
  s.Publish(Cdr(kCaller, kCallee, now, "mystery", events::EventKind::kAttempt));
  EXPECT_EQ(s.CountsOf(kOrigin).calls, 10u);
  EXPECT_EQ(s.CountsOf(kOrigin).attest_a, 8u);
  EXPECT_EQ(s.unattributed(), 1u);
  ASSERT_TRUE(tb_->scorecard().Flush().ok());
  s.Publish(
      Cdr(kCaller, kCallee, now, "Origin Mobile", events::EventKind::kAttempt, events::Attest::kB));
  Reopen();  // flushes the last call on the way down
  const ScorecardCounts c = tb_->scorecard().CountsOf(kOrigin);
  EXPECT_EQ(c.calls, 11u);
  EXPECT_EQ(c.attest_a, 8u);
  EXPECT_EQ(c.attest_b, 1u);
  EXPECT_EQ(c.attest_c, 2u);
}

TEST_F(ScorecardTest, LeagueTableRanksByTheDocumentedRule) {
  options_.scorecard_min_calls = 100;
  options_.complaints_for_carrier = [](int64_t org) -> int64_t { return org == kTransit ? 50 : 0; };
  options_.sanctions_for_carrier = [](int64_t org) -> int64_t { return org == kGateway ? 1 : 0; };
  Reopen();
  Scorecards& s = tb_->scorecard();
  ASSERT_TRUE(s.AddCounts(kOrigin, {.calls = 1000, .attest_a = 900}).ok());
  ASSERT_TRUE(s.AddCounts(kTransit, {.calls = 100000, .attest_a = 90000}).ok());
  ASSERT_TRUE(s.AddCounts(kGateway, {.calls = 1000, .attest_a = 900}).ok());
  ASSERT_TRUE(s.AddCounts(kTerm, {.calls = 99, .attest_a = 99}).ok());
  // Transit misses a request.
  Case c = Open(Evidence());
  ASSERT_TRUE(Up(c, kTerm, kTransit).has_value());
  clock_.Advance(hours(25));
  ASSERT_EQ(*tb_->Sweep(), 1);
  auto table = s.LeagueTable();
  ASSERT_TRUE(table.has_value()) << table.status().ToString();
  ASSERT_EQ(table->size(), 4u);
  // Origin: 40*0.9 + 25 + 25 + 10 = 96. Gateway: 36 + 25 + 25 + 0 = 86.
  // Transit: 36 + 25*(1-500/1000) + 25*0 + 10 = 58.5. Term: unranked (99 calls).
  EXPECT_EQ((*table)[0].org_id, kOrigin);
  EXPECT_DOUBLE_EQ((*table)[0].score, 96.0);
  EXPECT_EQ((*table)[0].rank, 1);
  EXPECT_DOUBLE_EQ(*(*table)[0].share_a, 0.9);
  EXPECT_EQ((*table)[1].org_id, kGateway);
  EXPECT_DOUBLE_EQ((*table)[1].score, 86.0);
  EXPECT_EQ((*table)[1].sanctions, 1);
  EXPECT_EQ((*table)[2].org_id, kTransit);
  EXPECT_DOUBLE_EQ(*(*table)[2].complaints_per_million, 500.0);
  EXPECT_DOUBLE_EQ((*table)[2].score, 58.5);
  EXPECT_EQ((*table)[2].traceback.missed, 1);
  EXPECT_DOUBLE_EQ(*(*table)[2].share_answered_in_time, 0.0);
  EXPECT_EQ((*table)[3].org_id, kTerm);
  EXPECT_FALSE((*table)[3].rank.has_value());
}

}  // namespace
}  // namespace quell::enforce
