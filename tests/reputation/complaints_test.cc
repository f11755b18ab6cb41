// The complaint centre on a real SQLite store and a FakeClock: duplicates,
// the daily limit, the case state machine and its history, service clocks
// across China's 2025 National Day holiday, overdue cases, reporter
// reliability, routing, evidence, notices, statistics and retention.
#include "quell/reputation/complaints.h"

#include <mutex>
#include <set>
#include <tuple>

#include <gtest/gtest.h>

#include "quell/core/civil_time.h"
#include "quell/core/phone_number.h"
#include "quell/events/evidence.h"
#include "quell/notify/notify.h"
#include "quell/reputation/calendar.h"
#include "quell/store/store.h"
#include "store/store_test_util.h"

namespace quell::reputation {
namespace {

using std::chrono::hours;

uint64_t N(const char* text) { return PhoneNumber::Parse(text, "CN")->compact(); }

// Unix ms of a Beijing local time.
int64_t Local(int y, int m, int d, int h, int mi = 0) {
  return (DaysFromCivil(y, m, d) * 86400 + h * 3600 + mi * 60 - 8 * 3600) * 1000;
}

class RecordingSink final : public events::EvidenceSink {
 public:
  void Publish(const events::Evidence& e) override {
    std::lock_guard lock(mu_);
    items_.push_back(e);
  }
  std::vector<events::Evidence> items() {
    std::lock_guard lock(mu_);
    return items_;
  }

 private:
  std::mutex mu_;
  std::vector<events::Evidence> items_;
};

class ComplaintsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    clock_.Set(FromUnixMillis(Local(2025, 9, 30, 10)));  // Tue 2025-09-30 10:00 Beijing
    QUELL_ASSERT_OK_AND_ASSIGN(store_, store::Store::Open({.path = dir_.File("q.db")}));
    Open({});
  }

  void Open(ComplaintOptions options, notify::Notifier* notifier = nullptr) {
    centre_.reset();
    QUELL_ASSERT_OK_AND_ASSIGN(WorkingCalendar cal, WorkingCalendar::Create({}));
    QUELL_ASSERT_OK_AND_ASSIGN(
        centre_, ComplaintCentre::Open(*store_, clock_, cal, std::move(options), &sink_, notifier));
  }

  int64_t Now() const { return ToUnixMillis(clock_.Now()); }

  NewReport Report(const char* caller, std::string principal = "user:1",
                   ReportKind kind = ReportKind::kFraud) {
    NewReport r;
    r.reporter.principal = std::move(principal);
    r.caller = N(caller);
    r.callee = N("13800138000");
    r.occurred_at_ms = Now() - 3'600'000;
    r.kind = kind;
    r.category = Category::kFinance;
    r.description = "said my bank card was frozen";
    return r;
  }

  Case Submit(const NewReport& r) {
    auto res = centre_->Submit(r, "alice");
    EXPECT_TRUE(res.has_value()) << res.status().ToString();
    return res ? res->report : Case{};
  }

  store::testing::TempDir dir_;
  FakeClock clock_;
  RecordingSink sink_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<ComplaintCentre> centre_;
};

TEST_F(ComplaintsTest, NamesRoundTrip) {
  for (int k = 0; k <= static_cast<int>(ReportKind::kOther); ++k) {
    const auto kind = static_cast<ReportKind>(k);
    EXPECT_EQ(ParseReportKind(Name(kind)), kind);
  }
  EXPECT_EQ(Name(ReportKind::kCallBombing), "call_bombing");
  EXPECT_EQ(Name(ReportKind::kOneRing), "one_ring");
  EXPECT_EQ(Name(ReportKind::kOther), "other");
  EXPECT_EQ(NuisanceKindOf(ReportKind::kOther), std::nullopt);
  EXPECT_EQ(ParseCaseState("answered"), CaseState::kAnswered);
  EXPECT_EQ(ParseOutcome("duplicate"), Outcome::kDuplicate);
  EXPECT_EQ(ParseReportChannel("sms"), ReportChannel::kSms);
  EXPECT_EQ(ParseReportChannel("fax"), std::nullopt);
}

TEST_F(ComplaintsTest, AReportIsAReceivedCaseWithItsClock) {
  const Case c = Submit(Report("+86 170 0000 0666"));
  EXPECT_GT(c.id, 0);
  EXPECT_EQ(c.caller, 8617000000666u);
  EXPECT_EQ(c.callee, 8613800138000u);
  EXPECT_EQ(c.state, CaseState::kReceived);
  EXPECT_EQ(c.kind, ReportKind::kFraud);
  EXPECT_EQ(c.category, Category::kFinance);
  EXPECT_EQ(c.submissions, 1);
  EXPECT_EQ(c.received_at_ms, Now());
  EXPECT_DOUBLE_EQ(c.reliability, 0.5);
  EXPECT_EQ(c.deadline_ms, Local(2025, 10, 12, 0));
  EXPECT_FALSE(c.overdue);
  QUELL_ASSERT_OK_AND_ASSIGN(auto history, centre_->History(c.id));
  ASSERT_EQ(history.size(), 1u);
  EXPECT_EQ(history[0].action, "received");
  EXPECT_EQ(history[0].actor, "alice");
  EXPECT_EQ(history[0].at_ms, Now());
  EXPECT_EQ(centre_->Get(c.id + 1).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(centre_->History(c.id + 1).status().code(), StatusCode::kNotFound);
}

TEST_F(ComplaintsTest, DuplicatesMergeIntoTheFirstReport) {
  const Case first = Submit(Report("17000000666"));
  NewReport again = Report("17000000666");
  again.occurred_at_ms = Now() - 60'000;  // another call the same day
  again.description = "called again";
  again.transcript = "your card is frozen, press 1";
  auto merged = centre_->Submit(again, "alice");
  ASSERT_TRUE(merged.has_value()) << merged.status().ToString();
  EXPECT_TRUE(merged->merged);
  EXPECT_EQ(merged->report.id, first.id);
  EXPECT_EQ(merged->report.submissions, 2);
  EXPECT_EQ(merged->report.description, "called again");
  EXPECT_EQ(merged->report.transcript, "your card is frozen, press 1");
  // An empty description keeps the latest one.
  again.description.clear();
  again.transcript.clear();
  EXPECT_EQ(Submit(again).description, "called again");
  QUELL_ASSERT_OK_AND_ASSIGN(auto history, centre_->History(first.id));
  ASSERT_EQ(history.size(), 3u);
  EXPECT_EQ(history[1].action, "merged");
  EXPECT_EQ(history[2].detail, "submission 3");
  // The day is the local one: 07:30 Beijing is still 09-29 in UTC, yet the same day.
  NewReport early = Report("17000000666");
  early.occurred_at_ms = Local(2025, 9, 30, 7, 30);
  EXPECT_TRUE(centre_->Submit(early, "alice")->merged);

  // Not duplicates: a call late the evening before, another reporter, other
  // people an app reports for, another number.
  NewReport day_before = Report("17000000666");
  day_before.occurred_at_ms = Local(2025, 9, 29, 23, 30);
  NewReport app_user = Report("17000000666", "org:4");
  app_user.reporter.on_behalf_of = "u-81f2";
  NewReport app_user2 = app_user;
  app_user2.reporter.on_behalf_of = "u-0007";
  std::set<int64_t> ids = {first.id};
  for (const NewReport& r :
       {day_before, Report("17000000666", "user:2"), app_user, app_user2, Report("17000000667")}) {
    auto res = centre_->Submit(r, "alice");
    ASSERT_TRUE(res.has_value()) << res.status().ToString();
    EXPECT_FALSE(res->merged);
    ids.insert(res->report.id);
  }
  EXPECT_EQ(ids.size(), 6u);
  QUELL_ASSERT_OK_AND_ASSIGN(auto all, centre_->List({}));
  EXPECT_EQ(all.size(), 6u);
  EXPECT_EQ(centre_->Get(first.id)->submissions, 4);
}

TEST_F(ComplaintsTest, DailyLimitPerReporterAndLocalDay) {
  ComplaintOptions o;
  o.daily_limit = 3;
  Open(o);
  Submit(Report("17000000001"));
  Submit(Report("17000000002"));
  EXPECT_TRUE(centre_->Submit(Report("17000000002"), "alice")->merged);  // counts too
  auto refused = centre_->Submit(Report("17000000003"), "alice");
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(centre_->List({})->size(), 2u);  // nothing written
  QUELL_ASSERT_OK_AND_ASSIGN(auto standing, centre_->StandingOf({"user:1", ""}));
  EXPECT_EQ(standing.reports_today, 3);
  // Others are not held back, and each person an app reports for has a limit of their own.
  Submit(Report("17000000003", "user:2"));
  NewReport for_user = Report("17000000003", "org:4");
  for_user.reporter.on_behalf_of = "u-1";
  Submit(for_user);
  // The next local day (00:00 Beijing, still the 30th in UTC) opens a new allowance.
  clock_.Set(FromUnixMillis(Local(2025, 10, 1, 0, 0)));
  Submit(Report("17000000003"));
  QUELL_ASSERT_OK_AND_ASSIGN(standing, centre_->StandingOf({"user:1", ""}));
  EXPECT_EQ(standing.reports_today, 1);
}

TEST_F(ComplaintsTest, CaseStateMachineAndHistory) {
  const Case c = Submit(Report("17000000666"));
  // A carrier cannot answer a case not forwarded to it.
  EXPECT_EQ(centre_->Answer(c.id, 7, "checked", "noc").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(centre_->Forward(c.id, 0, "ana").status().code(), StatusCode::kInvalidArgument);
  QUELL_ASSERT_OK_AND_ASSIGN(Case f, centre_->Forward(c.id, 7, "ana"));
  EXPECT_EQ(f.state, CaseState::kForwarded);
  EXPECT_EQ(f.org_id, 7);
  EXPECT_EQ(f.forwarded_at_ms, Now());
  EXPECT_EQ(centre_->Forward(c.id, 7, "ana").status().code(), StatusCode::kFailedPrecondition);
  // Re-forwarded to the right carrier: the first one can no longer answer.
  clock_.Advance(hours(1));
  QUELL_ASSERT_OK_AND_ASSIGN(f, centre_->Forward(c.id, 8, "ana"));
  EXPECT_EQ(f.forwarded_at_ms, Now());
  EXPECT_EQ(centre_->Answer(c.id, 7, "not ours", "noc7").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(centre_->Answer(c.id, 8, "", "noc8").status().code(), StatusCode::kInvalidArgument);
  clock_.Advance(hours(1));
  QUELL_ASSERT_OK_AND_ASSIGN(Case a, centre_->Answer(c.id, 8, "line suspended", "noc8"));
  EXPECT_EQ(a.state, CaseState::kAnswered);
  EXPECT_EQ(a.answer, "line suspended");
  EXPECT_EQ(centre_->Answer(c.id, 8, "again", "noc8").status().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(centre_->Forward(c.id, 9, "ana").status().code(), StatusCode::kFailedPrecondition);
  clock_.Advance(hours(1));
  QUELL_ASSERT_OK_AND_ASSIGN(Case closed,
                             centre_->Close(c.id, Outcome::kConfirmed, "number suspended", "ana"));
  EXPECT_EQ(closed.state, CaseState::kClosed);
  EXPECT_EQ(closed.outcome, Outcome::kConfirmed);
  EXPECT_EQ(closed.note, "number suspended");
  EXPECT_EQ(closed.deadline_ms, 0);
  EXPECT_FALSE(closed.overdue);
  EXPECT_EQ(centre_->Close(c.id, Outcome::kUnfounded, "", "ana").status().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(centre_->Answer(c.id, 8, "late", "noc8").status().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(centre_->Forward(c.id, 8, "ana").status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(centre_->Forward(c.id + 100, 8, "ana").status().code(), StatusCode::kNotFound);

  QUELL_ASSERT_OK_AND_ASSIGN(auto h, centre_->History(c.id));
  ASSERT_EQ(h.size(), 5u);
  const std::vector<std::tuple<std::string, CaseState, CaseState, std::string>> want = {
      {"received", CaseState::kReceived, CaseState::kReceived, "alice"},
      {"forwarded", CaseState::kReceived, CaseState::kForwarded, "ana"},
      {"forwarded", CaseState::kForwarded, CaseState::kForwarded, "ana"},
      {"answered", CaseState::kForwarded, CaseState::kAnswered, "noc8"},
      {"closed", CaseState::kAnswered, CaseState::kClosed, "ana"}};
  for (std::size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(h[i].action, std::get<0>(want[i])) << i;
    EXPECT_EQ(h[i].from, std::get<1>(want[i])) << i;
    EXPECT_EQ(h[i].to, std::get<2>(want[i])) << i;
    EXPECT_EQ(h[i].actor, std::get<3>(want[i])) << i;
  }
  EXPECT_EQ(h[2].org_id, 8);
  EXPECT_EQ(h[4].detail, "confirmed");
  EXPECT_LT(h[3].at_ms, h[4].at_ms);

  // An analyst may close a case at once, without forwarding it.
  const Case dup = Submit(Report("17000000667"));
  QUELL_ASSERT_OK_AND_ASSIGN(Case d, centre_->Close(dup.id, Outcome::kDuplicate, "", "ana"));
  EXPECT_EQ(d.state, CaseState::kClosed);
}

TEST_F(ComplaintsTest, DeadlinesAcrossTheNationalDayHoliday2025) {
  // Received Tue 09-30 10:00: the 3 working days are Thu 10-09, Fri 10-10 and
  // the make-up Saturday 10-11; the deadline is 24:00 of 10-11 (16:00Z).
  const Case c = Submit(Report("17000000666"));
  EXPECT_EQ(c.deadline_ms, Local(2025, 10, 12, 0));
  EXPECT_EQ(c.deadline_ms, 1760198400000);

  // Forwarded Thu 10-09 10:00: 15 working days from Fri 10-10 (with Sat 10-11)
  // end on Wed 10-29.
  clock_.Set(FromUnixMillis(Local(2025, 10, 9, 10)));
  QUELL_ASSERT_OK_AND_ASSIGN(Case f, centre_->Forward(c.id, 7, "ana"));
  EXPECT_EQ(f.deadline_ms, Local(2025, 10, 30, 0));
  // Answered Wed 10-29 09:00: 3 working days are Thu 10-30, Fri 10-31, Mon 11-03.
  clock_.Set(FromUnixMillis(Local(2025, 10, 29, 9)));
  QUELL_ASSERT_OK_AND_ASSIGN(Case a, centre_->Answer(c.id, 7, "suspended", "noc"));
  EXPECT_EQ(a.deadline_ms, Local(2025, 11, 4, 0));
  EXPECT_FALSE(a.overdue);

  // Routed at receipt on 09-30: the carrier's 15 days end on 10-28 (docs/calendar.md).
  ComplaintOptions o;
  o.routing = {{"+86170", 7}};
  Open(o);
  clock_.Set(FromUnixMillis(Local(2025, 9, 30, 10)));
  const Case routed = Submit(Report("17000000777"));
  EXPECT_EQ(routed.state, CaseState::kForwarded);
  EXPECT_EQ(routed.deadline_ms, Local(2025, 10, 29, 0));
  EXPECT_EQ(routed.deadline_ms, 1761667200000);
}

TEST_F(ComplaintsTest, OverdueFlagsAndWorkingDaysOverdue) {
  const Case c = Submit(Report("17000000666"));
  const Case closed = Submit(Report("17000000667"));
  ASSERT_TRUE(centre_->Close(closed.id, Outcome::kUnfounded, "", "ana").has_value());
  struct Step {
    int64_t at;
    bool overdue;
    int64_t days;
  };
  // Deadline: end of Sat 10-11. Sunday 10-12 is late but not a working day.
  for (const Step& s :
       {Step{Local(2025, 10, 11, 23, 59), false, 0}, Step{Local(2025, 10, 12, 0, 0), true, 0},
        Step{Local(2025, 10, 12, 12), true, 0}, Step{Local(2025, 10, 13, 12), true, 1},
        Step{Local(2025, 10, 17, 12), true, 5}}) {
    clock_.Set(FromUnixMillis(s.at));
    QUELL_ASSERT_OK_AND_ASSIGN(Case now, centre_->Get(c.id));
    EXPECT_EQ(now.overdue, s.overdue) << FormatRfc3339(clock_.Now());
    EXPECT_EQ(now.overdue_days, s.days) << FormatRfc3339(clock_.Now());
    QUELL_ASSERT_OK_AND_ASSIGN(auto overdue, centre_->List({.overdue = true}));
    EXPECT_EQ(overdue.size(), s.overdue ? 1u : 0u);
    QUELL_ASSERT_OK_AND_ASSIGN(auto on_time, centre_->List({.overdue = false}));
    EXPECT_EQ(on_time.size(), s.overdue ? 1u : 2u);  // the closed case is never overdue
    QUELL_ASSERT_OK_AND_ASSIGN(auto st, centre_->Statistics(0, Now() + 1));
    EXPECT_EQ(st.overdue, s.overdue ? 1 : 0);
  }
  // Forwarding stops the first clock and starts the carrier's.
  QUELL_ASSERT_OK_AND_ASSIGN(Case f, centre_->Forward(c.id, 7, "ana"));
  EXPECT_FALSE(f.overdue);
  EXPECT_EQ(f.overdue_days, 0);
  EXPECT_TRUE(centre_->List({.overdue = true})->empty());
}

TEST_F(ComplaintsTest, ReopeningMovesDeadlinesToNewClocks) {
  const Case c = Submit(Report("17000000666"));
  clock_.Set(FromUnixMillis(Local(2025, 10, 13, 12)));
  ASSERT_EQ(centre_->List({.overdue = true})->size(), 1u);
  ComplaintOptions o;
  o.forward_days = 5;  // now due at the end of Tue 10-14
  Open(o);
  QUELL_ASSERT_OK_AND_ASSIGN(Case now, centre_->Get(c.id));
  EXPECT_EQ(now.deadline_ms, Local(2025, 10, 15, 0));
  EXPECT_FALSE(now.overdue);
  EXPECT_TRUE(centre_->List({.overdue = true})->empty());
}

TEST_F(ComplaintsTest, ReliabilityMovesWithOutcomes) {
  std::vector<int64_t> ids;
  for (const char* n : {"17000000001", "17000000002", "17000000003", "17000000004"}) {
    ids.push_back(Submit(Report(n)).id);
  }
  QUELL_ASSERT_OK_AND_ASSIGN(Case c, centre_->Close(ids[0], Outcome::kConfirmed, "", "ana"));
  EXPECT_DOUBLE_EQ(c.reliability, 2.0 / 3);
  QUELL_ASSERT_OK_AND_ASSIGN(c, centre_->Close(ids[1], Outcome::kConfirmed, "", "ana"));
  EXPECT_DOUBLE_EQ(c.reliability, 3.0 / 4);
  QUELL_ASSERT_OK_AND_ASSIGN(c, centre_->Close(ids[2], Outcome::kUnfounded, "", "ana"));
  EXPECT_DOUBLE_EQ(c.reliability, 3.0 / 5);
  QUELL_ASSERT_OK_AND_ASSIGN(c, centre_->Close(ids[3], Outcome::kDuplicate, "", "ana"));
  EXPECT_DOUBLE_EQ(c.reliability, 3.0 / 5);  // a duplicate says nothing of the reporter
  QUELL_ASSERT_OK_AND_ASSIGN(auto s, centre_->StandingOf({"user:1", ""}));
  EXPECT_EQ(s.confirmed, 2);
  EXPECT_EQ(s.unfounded, 1);
  EXPECT_DOUBLE_EQ(s.reliability, 0.6);
  // Every case of the reporter shows it; other reporters start at 0.5.
  EXPECT_DOUBLE_EQ(centre_->Get(ids[0])->reliability, 0.6);
  EXPECT_DOUBLE_EQ(centre_->StandingOf({"user:2", ""})->reliability, 0.5);
  EXPECT_DOUBLE_EQ(Submit(Report("17000000005", "user:2")).reliability, 0.5);
}

TEST_F(ComplaintsTest, RoutingByLongestPrefixAtReceipt) {
  ComplaintOptions o;
  o.routing = {{"+86134", 7}, {"+861340", 8}};
  Open(o);
  const Case seven = Submit(Report("13412345678"));
  EXPECT_EQ(seven.state, CaseState::kForwarded);
  EXPECT_EQ(seven.org_id, 7);
  EXPECT_EQ(seven.routed_by, "+86134");
  EXPECT_EQ(seven.forwarded_at_ms, Now());
  const Case eight = Submit(Report("13400134000"));
  EXPECT_EQ(eight.org_id, 8);
  const Case none = Submit(Report("13500135000"));
  EXPECT_EQ(none.state, CaseState::kReceived);
  EXPECT_EQ(none.org_id, 0);
  QUELL_ASSERT_OK_AND_ASSIGN(auto h, centre_->History(eight.id));
  ASSERT_EQ(h.size(), 2u);
  EXPECT_EQ(h[1].action, "forwarded");
  EXPECT_EQ(h[1].actor, "routing");
  EXPECT_EQ(h[1].org_id, 8);
  EXPECT_EQ(h[1].detail, "prefix +861340");
  // The carrier answers a routed case like any other, and lists find it.
  QUELL_ASSERT_OK(centre_->Answer(seven.id, 7, "suspended", "noc"));
  QUELL_ASSERT_OK_AND_ASSIGN(auto of8, centre_->List({.org_id = 8}));
  ASSERT_EQ(of8.size(), 1u);
  EXPECT_EQ(of8[0].id, eight.id);

  for (const RoutingRule& bad : {RoutingRule{"86134", 7}, RoutingRule{"+86 134", 7},
                                 RoutingRule{"+0134", 7}, RoutingRule{"+86134", 0}}) {
    ComplaintOptions b;
    b.routing = {bad};
    QUELL_ASSERT_OK_AND_ASSIGN(WorkingCalendar cal, WorkingCalendar::Create({}));
    auto centre = ComplaintCentre::Open(*store_, clock_, cal, b, nullptr);
    EXPECT_EQ(centre.status().code(), StatusCode::kInvalidArgument) << bad.prefix;
  }
}

TEST_F(ComplaintsTest, NewReportsAreEvidenceWithTheReportersReliability) {
  const Case c = Submit(Report("17000000666"));
  auto items = sink_.items();
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].source, events::EvidenceSource::kReport);
  EXPECT_EQ(items[0].number, N("17000000666"));
  EXPECT_EQ(items[0].kind, NuisanceKind::kFraud);
  EXPECT_EQ(items[0].category, Category::kFinance);
  EXPECT_DOUBLE_EQ(items[0].strength, 0.5);
  EXPECT_EQ(items[0].time_us, c.occurred_at_ms * 1000);
  EXPECT_EQ(items[0].ref, std::to_string(c.id));
  EXPECT_FALSE(items[0].detail.empty());

  Submit(Report("17000000666"));  // a merged duplicate is not new evidence
  Submit(Report("17000000001", "user:1", ReportKind::kOther));  // "other" labels nothing
  EXPECT_EQ(sink_.items().size(), 1u);

  // Confirmed: the case's evidence counts fully; the reporter's next report
  // weighs (1 + 1) / (1 + 0 + 2).
  ASSERT_TRUE(centre_->Close(c.id, Outcome::kConfirmed, "", "ana").has_value());
  items = sink_.items();
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[1].ref, std::to_string(c.id));
  EXPECT_DOUBLE_EQ(items[1].strength, 1.0);
  NewReport sms = Report("15800008888", "user:1", ReportKind::kMarketing);
  sms.channel = ReportChannel::kSms;
  sms.category = Category::kRealEstate;
  Submit(sms);
  items = sink_.items();
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items[2].kind, NuisanceKind::kMarketing);
  EXPECT_EQ(items[2].category, Category::kRealEstate);
  EXPECT_DOUBLE_EQ(items[2].strength, 2.0 / 3);
  // Unfounded retracts nothing (docs/complaints.md, known limits).
  const Case other = Submit(Report("17000000002", "user:3"));
  ASSERT_TRUE(centre_->Close(other.id, Outcome::kUnfounded, "", "ana").has_value());
  EXPECT_EQ(sink_.items().size(), 4u);
}

TEST_F(ComplaintsTest, ForwardingNotifiesTheOrganisationsWebhook) {
  QUELL_ASSERT_OK_AND_ASSIGN(auto notifier, notify::Notifier::Open(*store_, clock_, {}));
  ComplaintOptions o;
  o.webhooks = {{7, "https://noc.carrier.example/quell"}};
  o.routing = {{"+86134", 7}};
  Open(o, notifier.get());
  const Case c = Submit(Report("17000000666"));
  QUELL_ASSERT_OK(centre_->Forward(c.id, 8, "ana"));  // no webhook: nobody to tell
  QUELL_ASSERT_OK_AND_ASSIGN(auto notices, notifier->List(std::nullopt, 10));
  EXPECT_TRUE(notices.empty());
  QUELL_ASSERT_OK(centre_->Forward(c.id, 7, "ana"));
  const Case routed = Submit(Report("13412345678"));
  QUELL_ASSERT_OK_AND_ASSIGN(notices, notifier->List(std::nullopt, 10));
  ASSERT_EQ(notices.size(), 2u);
  EXPECT_EQ(notices[1].channel, notify::Channel::kWebhook);
  EXPECT_EQ(notices[1].destination, "https://noc.carrier.example/quell");
  EXPECT_EQ(notices[1].origin, "complaints");
  EXPECT_NE(notices[1].body.find("\"event\":\"complaint.forwarded\""), std::string::npos);
  EXPECT_NE(notices[1].body.find("\"case\":" + std::to_string(c.id)), std::string::npos);
  EXPECT_NE(notices[0].body.find("\"case\":" + std::to_string(routed.id)), std::string::npos);
  EXPECT_EQ(notices[0].body.find("13800138000"), std::string::npos);  // no reporter's number
  centre_.reset();                                                    // before the notifier it uses
}

TEST_F(ComplaintsTest, ListsFilter) {
  ComplaintOptions o;
  o.routing = {{"+86134", 7}};
  Open(o);
  const Case a = Submit(Report("17000000666"));
  const Case b = Submit(Report("13412345678", "user:2", ReportKind::kHarassment));
  clock_.Advance(hours(2));
  const Case c = Submit(Report("17000000666", "user:3", ReportKind::kMarketing));
  QUELL_ASSERT_OK_AND_ASSIGN(auto all, centre_->List({}));
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].id, c.id);  // newest first
  EXPECT_EQ(centre_->List({.state = CaseState::kForwarded})->size(), 1u);
  EXPECT_EQ(centre_->List({.kind = ReportKind::kMarketing})->size(), 1u);
  EXPECT_EQ(centre_->List({.caller = N("17000000666")})->size(), 2u);
  EXPECT_EQ(centre_->List({.reporter = "user:2"})->front().id, b.id);
  EXPECT_EQ(centre_->List({.since_ms = Now()})->size(), 1u);
  EXPECT_EQ(centre_->List({.until_ms = Now()})->size(), 2u);
  QUELL_ASSERT_OK_AND_ASSIGN(auto page, centre_->List({.limit = 2}));
  ASSERT_EQ(page.size(), 2u);
  QUELL_ASSERT_OK_AND_ASSIGN(auto rest, centre_->List({.before_id = page.back().id, .limit = 2}));
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(rest[0].id, a.id);
  EXPECT_EQ(centre_->List({.limit = 0}).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(ComplaintsTest, StatisticsByKindCategoryDayAndCarrier) {
  Submit(Report("17000000001"));
  Submit(Report("17000000001"));  // merged: one report, two submissions
  NewReport sms = Report("15800008888", "user:1", ReportKind::kMarketing);
  sms.channel = ReportChannel::kSms;
  sms.category = Category::kRealEstate;
  const Case s = Submit(sms);
  ASSERT_TRUE(centre_->Forward(s.id, 7, "ana").has_value());
  clock_.Set(FromUnixMillis(Local(2025, 10, 1, 0, 30)));  // the next local day
  NewReport other = Report("17000000002", "user:2", ReportKind::kOther);
  other.category.reset();
  const Case o = Submit(other);
  ASSERT_TRUE(centre_->Close(o.id, Outcome::kUnfounded, "", "ana").has_value());

  QUELL_ASSERT_OK_AND_ASSIGN(auto st, centre_->Statistics(Local(2025, 9, 30, 0), Now() + 1));
  EXPECT_EQ(st.reports, 3);
  EXPECT_EQ(st.submissions, 4);
  using KindCount = std::pair<ReportKind, int64_t>;
  EXPECT_EQ(st.by_kind,
            (std::vector<KindCount>{
                {ReportKind::kMarketing, 1}, {ReportKind::kFraud, 1}, {ReportKind::kOther, 1}}));
  using CategoryCount = std::pair<std::optional<Category>, int64_t>;
  EXPECT_EQ(st.by_category,
            (std::vector<CategoryCount>{
                {Category::kFinance, 1}, {Category::kRealEstate, 1}, {std::nullopt, 1}}));
  using ChannelCount = std::pair<ReportChannel, int64_t>;
  EXPECT_EQ(st.by_channel,
            (std::vector<ChannelCount>{{ReportChannel::kCall, 2}, {ReportChannel::kSms, 1}}));
  using DayCount = std::pair<int64_t, int64_t>;
  EXPECT_EQ(st.by_day, (std::vector<DayCount>{{CivilDate{2025, 9, 30}.ToDays(), 2},
                                              {CivilDate{2025, 10, 1}.ToDays(), 1}}));
  EXPECT_EQ(st.by_carrier, (std::vector<DayCount>{{0, 2}, {7, 1}}));
  using StateCount = std::pair<CaseState, int64_t>;
  EXPECT_EQ(st.by_state,
            (std::vector<StateCount>{
                {CaseState::kReceived, 1}, {CaseState::kForwarded, 1}, {CaseState::kClosed, 1}}));
  using OutcomeCount = std::pair<Outcome, int64_t>;
  EXPECT_EQ(st.by_outcome, (std::vector<OutcomeCount>{{Outcome::kUnfounded, 1}}));
  // The range is half-open on the time of receipt.
  QUELL_ASSERT_OK_AND_ASSIGN(st, centre_->Statistics(Local(2025, 9, 30, 0), Local(2025, 10, 1, 0)));
  EXPECT_EQ(st.reports, 2);
  EXPECT_EQ(centre_->Statistics(5, 5).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(ComplaintsTest, PurgeAfterRetention) {
  ComplaintOptions o;
  o.retention_days = 30;
  o.max_age_days = 30;
  Open(o);
  const Case closed_early = Submit(Report("17000000001"));
  const Case never_closed = Submit(Report("17000000002"));
  const Case closed_late = Submit(Report("17000000003"));
  ASSERT_TRUE(centre_->Close(closed_early.id, Outcome::kConfirmed, "", "ana").has_value());
  clock_.Advance(hours(24 * 10));
  ASSERT_TRUE(centre_->Close(closed_late.id, Outcome::kConfirmed, "", "ana").has_value());
  const Case received_later = Submit(Report("17000000004"));
  clock_.Advance(hours(24 * 20));
  EXPECT_EQ(*centre_->Purge(), 0);  // 30 days: the first ones are exactly at the limit
  clock_.Advance(hours(1));
  EXPECT_EQ(*centre_->Purge(), 2);
  EXPECT_EQ(centre_->Get(closed_early.id).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(centre_->Get(never_closed.id).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(centre_->History(never_closed.id).status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(centre_->Get(closed_late.id).has_value());
  EXPECT_TRUE(centre_->Get(received_later.id).has_value());
  clock_.Advance(hours(24 * 10));
  EXPECT_EQ(*centre_->Purge(), 2);
  EXPECT_TRUE(centre_->List({})->empty());
  // A purged case's number is never given again: it is quoted, and it is the
  // evidence's ref.
  EXPECT_GT(Submit(Report("17000000005")).id, received_later.id);
  // Reliability outlives the cases.
  EXPECT_DOUBLE_EQ(centre_->StandingOf({"user:1", ""})->reliability, 3.0 / 4);
}

TEST_F(ComplaintsTest, RefusesBadReportsAndOptions) {
  NewReport r = Report("17000000666");
  r.occurred_at_ms = Now() + 10 * 60'000;
  EXPECT_EQ(centre_->Submit(r, "a").status().code(), StatusCode::kInvalidArgument);
  r.occurred_at_ms = Now() + 60'000;  // clock skew is tolerated
  EXPECT_TRUE(centre_->Submit(r, "a").has_value());
  r = Report("17000000667");
  r.occurred_at_ms = Now() - int64_t{181} * 86'400'000;
  EXPECT_EQ(centre_->Submit(r, "a").status().code(), StatusCode::kInvalidArgument);
  r = Report("17000000667");
  r.caller = 0;
  EXPECT_EQ(centre_->Submit(r, "a").status().code(), StatusCode::kInvalidArgument);
  r = Report("17000000667");
  r.reporter.principal.clear();
  EXPECT_EQ(centre_->Submit(r, "a").status().code(), StatusCode::kInvalidArgument);
  r = Report("17000000667");
  r.description.assign(2001, 'x');
  EXPECT_EQ(centre_->Submit(r, "a").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(centre_->List({})->size(), 1u);

  QUELL_ASSERT_OK_AND_ASSIGN(WorkingCalendar cal, WorkingCalendar::Create({}));
  for (auto bad : {ComplaintOptions{.forward_days = 0}, ComplaintOptions{.daily_limit = 0},
                   ComplaintOptions{.retention_days = 7}, ComplaintOptions{.max_age_days = 1000},
                   ComplaintOptions{.webhooks = {{7, "ftp://x"}}}}) {
    EXPECT_EQ(ComplaintCentre::Open(*store_, clock_, cal, bad, nullptr).status().code(),
              StatusCode::kInvalidArgument);
  }
}

TEST_F(ComplaintsTest, CasesSurviveARestart) {
  const Case c = Submit(Report("17000000666"));
  ASSERT_TRUE(centre_->Forward(c.id, 7, "ana").has_value());
  Open({});
  QUELL_ASSERT_OK_AND_ASSIGN(Case again, centre_->Get(c.id));
  EXPECT_EQ(again.state, CaseState::kForwarded);
  EXPECT_EQ(again.org_id, 7);
  EXPECT_EQ(again.description, c.description);
  EXPECT_EQ(centre_->History(c.id)->size(), 2u);
}

}  // namespace
}  // namespace quell::reputation
