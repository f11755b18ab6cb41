// /api/v1/reports and /api/v1/cases over the App without a network: citizens
// report with portal sessions (cookie + CSRF) and see only their own reports;
// analysts forward and close cases; carriers see and answer only the cases
// forwarded to them; statistics as JSON and CSV.
#include <stdlib.h>

#include <filesystem>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "quell/access/access.h"
#include "quell/api/app.h"
#include "quell/core/number_plan.h"
#include "quell/reputation/calendar.h"
#include "quell/reputation/complaints.h"
#include "quell/store/store.h"

namespace quell::api {
namespace {

using nlohmann::json;

// Credentials of one caller: an API key, or a portal session's cookie and CSRF token.
struct Who {
  std::string key;
  std::string cookie;
  std::string csrf;
};

class ReportsApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/quell-reports-api-XXXXXX";
    dir_ = mkdtemp(tmpl);
    clock_.Set(FromUnixMillis(1759197600000));  // Tue 2025-09-30 10:00 Beijing
    store_ = *store::Store::Open({.path = dir_ + "/quell.db"});
    accounts_ = *access::Accounts::Open(*store_, clock_, {});
    acme_id_ = accounts_->CreateOrganisation("Acme Telecom", OrgKind::kCarrier)->id;
    ASSERT_TRUE(accounts_->CreateOrganisation("Beta Mobile", OrgKind::kCarrier).has_value());
    ASSERT_TRUE(accounts_->CreateOrganisation("Regulator", OrgKind::kAgency).has_value());
    ASSERT_TRUE(accounts_->CreateOrganisation("Shop", OrgKind::kBusiness).has_value());
    app_org_id_ = accounts_->CreateOrganisation("Caller ID", OrgKind::kAppVendor)->id;
    acme_.key = accounts_->CreateApiKey(Role::kCarrier, "Acme Telecom", "t")->key;
    beta_.key = accounts_->CreateApiKey(Role::kCarrier, "Beta Mobile", "t")->key;
    analyst_.key = accounts_->CreateApiKey(Role::kAnalyst, "Regulator", "t")->key;
    app_.key = accounts_->CreateApiKey(Role::kApp, "Caller ID", "t")->key;
    ASSERT_TRUE(accounts_->CreateUser("alice", "alice password 1", Role::kCitizen).has_value());
    ASSERT_TRUE(accounts_->CreateUser("bob", "bob password 12", Role::kCitizen).has_value());
    reputation::ComplaintOptions options;
    options.daily_limit = 5;
    OpenApp(options);
    alice_ = Login("alice", "alice password 1");
    bob_ = Login("bob", "bob password 12");
  }
  void TearDown() override {
    app_server_.reset();
    centre_.reset();
    accounts_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  void OpenApp(reputation::ComplaintOptions options) {
    app_server_.reset();
    centre_.reset();
    auto cal = reputation::WorkingCalendar::Create({});
    ASSERT_TRUE(cal.has_value());
    auto centre = reputation::ComplaintCentre::Open(*store_, clock_, *cal, options, nullptr);
    ASSERT_TRUE(centre.has_value()) << centre.status().ToString();
    centre_ = std::move(*centre);
    app_server_ = std::make_unique<App>(AppOptions{}, Services{.store = *store_,
                                                               .accounts = *accounts_,
                                                               .clock = clock_,
                                                               .plan = &plan_,
                                                               .complaints = centre_.get()});
  }

  net::HttpResponse Call(const std::string& method, const std::string& target, const Who& who,
                         std::string body = "") {
    net::HttpRequest req;
    req.method = method;
    req.target = target;
    const auto q = target.find('?');
    req.path = target.substr(0, q);
    if (q != std::string::npos) req.query = target.substr(q + 1);
    req.body = std::move(body);
    req.remote_ip = "192.0.2.7";
    if (!who.key.empty()) req.headers.emplace_back("authorization", "Bearer " + who.key);
    if (!who.cookie.empty()) req.headers.emplace_back("cookie", who.cookie);
    if (!who.csrf.empty()) req.headers.emplace_back("x-csrf-token", who.csrf);
    if (!req.body.empty()) req.headers.emplace_back("content-type", "application/json");
    net::HttpResponse res;
    app_server_->Handle(req, res);
    return res;
  }
  json Body(const net::HttpResponse& res) { return json::parse(res.body); }
  std::string Code(const net::HttpResponse& res) { return Body(res)["error"]["code"]; }

  Who Login(const std::string& user, const std::string& pass) {
    auto res =
        Call("POST", "/api/v1/session", {}, json{{"username", user}, {"password", pass}}.dump());
    EXPECT_EQ(res.status, 200) << res.body;
    std::string cookie(res.GetHeader("Set-Cookie"));
    return {.cookie = cookie.substr(0, cookie.find(';')),
            .csrf = json::parse(res.body)["csrf_token"].get<std::string>()};
  }

  static std::string ReportBody(const std::string& caller, const std::string& kind = "fraud",
                                const std::string& extra = "") {
    return R"({"caller":")" + caller + R"(","callee":"138-0013-8000",)" +
           R"("time":"2025-09-30T09:12:00+08:00","kind":")" + kind +
           R"(","category":"finance","channel":"call","description":"said my card was frozen")" +
           extra + "}";
  }

  // Files a report and returns its id.
  int64_t Report(const Who& who, const std::string& caller, const std::string& kind = "fraud",
                 const std::string& extra = "") {
    auto res = Call("POST", "/api/v1/reports", who, ReportBody(caller, kind, extra));
    EXPECT_EQ(res.status, 201) << res.body;
    return res.status == 201 ? Body(res)["report"]["id"].get<int64_t>() : 0;
  }

  bool Audited(const std::string& action, const std::string& target) {
    auto entries = accounts_->ListAudit(1000);
    if (!entries) return false;
    for (const auto& e : *entries) {
      if (e.action == action && e.target == target) return true;
    }
    return false;
  }

  std::string dir_;
  FakeClock clock_;
  NumberPlan plan_{"CN"};
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<access::Accounts> accounts_;
  std::unique_ptr<reputation::ComplaintCentre> centre_;
  std::unique_ptr<App> app_server_;
  int64_t acme_id_ = 0, app_org_id_ = 0;
  Who acme_, beta_, analyst_, app_, alice_, bob_;
};

TEST_F(ReportsApiTest, CitizenReportsWithASessionAndSeesOnlyTheirOwn) {
  auto res = Call("POST", "/api/v1/reports", alice_, ReportBody("+86 170 0000 0666"));
  ASSERT_EQ(res.status, 201) << res.body;
  json r = Body(res)["report"];
  const int64_t id = r["id"];
  EXPECT_EQ(Body(res)["merged"], false);
  EXPECT_EQ(r["number"], "+8617000000666");
  EXPECT_EQ(r["national"], "170 0000 0666");
  EXPECT_EQ(r["callee"], "+8613800138000");
  EXPECT_EQ(r["kind"], "fraud");
  EXPECT_EQ(r["category"], "finance");
  EXPECT_EQ(r["state"], "received");
  EXPECT_EQ(r["time"], "2025-09-30T01:12:00.000Z");
  EXPECT_EQ(r["received_at"], "2025-09-30T02:00:00.000Z");
  EXPECT_EQ(r["deadline"], "2025-10-11T16:00:00.000Z");  // 3 working days, over National Day
  EXPECT_EQ(r["overdue"], false);
  EXPECT_FALSE(r.contains("reporter"));
  EXPECT_FALSE(r.contains("answer"));
  EXPECT_TRUE(Audited("report.create", "report:" + std::to_string(id)));

  // The same number the same day: merged.
  res = Call("POST", "/api/v1/reports", alice_, ReportBody("17000000666"));
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(Body(res)["merged"], true);
  EXPECT_EQ(Body(res)["report"]["id"], id);
  EXPECT_EQ(Body(res)["report"]["submissions"], 2);

  // A session's state change needs its CSRF token; a report needs credentials.
  EXPECT_EQ(
      Call("POST", "/api/v1/reports", {.cookie = alice_.cookie}, ReportBody("17000000667")).status,
      403);
  EXPECT_EQ(Call("POST", "/api/v1/reports", {}, ReportBody("17000000667")).status, 401);
  // Citizens report for themselves.
  res = Call("POST", "/api/v1/reports", alice_,
             ReportBody("17000000667", "fraud", R"(,"on_behalf_of":"x")"));
  EXPECT_EQ(res.status, 400);

  const int64_t bobs = Report(bob_, "13900139000", "harassment");
  res = Call("GET", "/api/v1/reports/mine", alice_);
  ASSERT_EQ(res.status, 200) << res.body;
  json mine = Body(res);
  ASSERT_EQ(mine["reports"].size(), 1u);
  EXPECT_EQ(mine["reports"][0]["id"], id);
  EXPECT_TRUE(mine["next_before"].is_null());
  EXPECT_EQ(mine["reporter"]["reliability"], 0.5);
  EXPECT_EQ(mine["reporter"]["reports_today"], 2);
  EXPECT_EQ(mine["reporter"]["daily_limit"], 5);

  res = Call("GET", "/api/v1/reports/" + std::to_string(id), alice_);
  ASSERT_EQ(res.status, 200) << res.body;
  ASSERT_EQ(Body(res)["history"].size(), 2u);
  EXPECT_EQ(Body(res)["history"][1]["action"], "merged");
  EXPECT_FALSE(Body(res)["history"][0].contains("actor"));
  // Nobody else's: not even whether it exists.
  res = Call("GET", "/api/v1/reports/" + std::to_string(bobs), alice_);
  EXPECT_EQ(res.status, 404);
  EXPECT_EQ(Code(res), "not_found");
  EXPECT_EQ(Call("GET", "/api/v1/reports/" + std::to_string(id), bob_).status, 404);
  // Cases and statistics are for staff (and carriers, their own cases).
  EXPECT_EQ(Call("GET", "/api/v1/cases", alice_).status, 403);
  EXPECT_EQ(Call("GET", "/api/v1/reports/stats", alice_).status, 403);
  EXPECT_EQ(Call("POST", "/api/v1/cases/" + std::to_string(id) + "/close", alice_,
                 R"({"outcome":"unfounded"})")
                .status,
            403);
}

TEST_F(ReportsApiTest, AnalystForwardsCarrierAnswersAnalystCloses) {
  const int64_t id = Report(alice_, "17000000666");
  const std::string path = "/api/v1/cases/" + std::to_string(id);

  auto res = Call("GET", "/api/v1/cases", analyst_);
  ASSERT_EQ(res.status, 200) << res.body;
  ASSERT_EQ(Body(res)["cases"].size(), 1u);
  EXPECT_EQ(Body(res)["cases"][0]["reporter"]["reliability"], 0.5);
  EXPECT_TRUE(Body(res)["cases"][0]["org"].is_null());

  // Cases go to carriers and agencies that exist.
  EXPECT_EQ(Call("POST", path + "/forward", analyst_, R"({"org":"Shop"})").status, 400);
  EXPECT_EQ(Call("POST", path + "/forward", analyst_, R"({"org":"Nobody"})").status, 400);
  EXPECT_EQ(Call("POST", path + "/forward", analyst_, R"({})").status, 400);
  EXPECT_EQ(Call("POST", path + "/forward", acme_, R"({"org":"Acme Telecom"})").status, 403);
  res = Call("POST", path + "/forward", analyst_, R"({"org":"Acme Telecom"})");
  ASSERT_EQ(res.status, 200) << res.body;
  json c = Body(res)["case"];
  EXPECT_EQ(c["state"], "forwarded");
  EXPECT_EQ(c["org"]["name"], "Acme Telecom");
  EXPECT_EQ(c["org"]["id"], acme_id_);
  EXPECT_EQ(c["deadline"], "2025-10-28T16:00:00.000Z");  // 15 working days
  EXPECT_TRUE(Audited("case.forward", "report:" + std::to_string(id)));
  res = Call("POST", path + "/forward", analyst_, "{\"org\":" + std::to_string(acme_id_) + "}");
  EXPECT_EQ(res.status, 409);
  EXPECT_EQ(Code(res), "failed_precondition");

  // Another carrier sees nothing of it.
  EXPECT_EQ(Call("GET", "/api/v1/reports/" + std::to_string(id), beta_).status, 404);
  res = Call("GET", "/api/v1/cases", beta_);
  ASSERT_EQ(res.status, 200);
  EXPECT_TRUE(Body(res)["cases"].empty());
  EXPECT_EQ(Call("GET", "/api/v1/cases?carrier=Acme%20Telecom", beta_).status, 403);
  EXPECT_EQ(Call("POST", path + "/answer", beta_, R"({"text":"not ours"})").status, 404);

  // Its carrier sees it, without who reported it, and answers.
  res = Call("GET", "/api/v1/cases", acme_);
  ASSERT_EQ(res.status, 200);
  ASSERT_EQ(Body(res)["cases"].size(), 1u);
  EXPECT_FALSE(Body(res)["cases"][0].contains("reporter"));
  EXPECT_EQ(Body(res)["cases"][0]["callee"], "+8613800138000");
  res = Call("GET", "/api/v1/reports/" + std::to_string(id), acme_);
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_FALSE(Body(res).contains("reporter"));
  EXPECT_EQ(Call("POST", path + "/answer", analyst_, R"({"text":"x"})").status, 403);
  res = Call("POST", path + "/answer", acme_, R"({"text":"line suspended"})");
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(Body(res)["case"]["state"], "answered");
  EXPECT_EQ(Body(res)["case"]["answer"], "line suspended");
  EXPECT_EQ(Call("POST", path + "/answer", acme_, R"({"text":"again"})").status, 409);
  EXPECT_TRUE(Audited("case.answer", "report:" + std::to_string(id)));

  EXPECT_EQ(Call("POST", path + "/close", acme_, R"({"outcome":"confirmed"})").status, 403);
  EXPECT_EQ(Call("POST", path + "/close", analyst_, R"({"outcome":"maybe"})").status, 400);
  res = Call("POST", path + "/close", analyst_,
             R"({"outcome":"confirmed","note":"The carrier suspended the line."})");
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(Body(res)["case"]["state"], "closed");
  EXPECT_TRUE(Body(res)["case"]["deadline"].is_null());
  EXPECT_EQ(Call("POST", path + "/close", analyst_, R"({"outcome":"unfounded"})").status, 409);
  EXPECT_TRUE(Audited("case.close", "report:" + std::to_string(id)));

  // The reporter sees the outcome and the note, not the carrier's answer.
  res = Call("GET", "/api/v1/reports/" + std::to_string(id), alice_);
  ASSERT_EQ(res.status, 200);
  json mine = Body(res);
  EXPECT_EQ(mine["state"], "closed");
  EXPECT_EQ(mine["outcome"], "confirmed");
  EXPECT_EQ(mine["note"], "The carrier suspended the line.");
  EXPECT_EQ(mine["org"]["name"], "Acme Telecom");
  EXPECT_FALSE(mine.contains("answer"));
  ASSERT_EQ(mine["history"].size(), 4u);
  EXPECT_EQ(mine["history"][3]["to"], "closed");
  // The analyst sees who did what.
  res = Call("GET", "/api/v1/reports/" + std::to_string(id), analyst_);
  EXPECT_EQ(Body(res)["history"][0]["actor"], "alice");
  EXPECT_EQ(Body(res)["history"][3]["detail"], "confirmed");
  // A confirmed case raises the reporter's reliability: (1 + 1) / (1 + 0 + 2).
  EXPECT_NEAR(
      Body(Call("GET", "/api/v1/reports/mine", alice_))["reporter"]["reliability"].get<double>(),
      2.0 / 3, 1e-9);
}

TEST_F(ReportsApiTest, CaseListsFilterAndShowOverdueCases) {
  const int64_t a = Report(alice_, "17000000666");
  const int64_t b = Report(app_, "15800008888", "marketing", R"(,"on_behalf_of":"u-81f2")");
  // An app sees the reports it filed, per user when it asks.
  auto res = Call("GET", "/api/v1/reports/mine?on_behalf_of=u-81f2", app_);
  ASSERT_EQ(res.status, 200) << res.body;
  ASSERT_EQ(Body(res)["reports"].size(), 1u);
  EXPECT_EQ(Body(res)["reports"][0]["on_behalf_of"], "u-81f2");
  EXPECT_TRUE(Body(Call("GET", "/api/v1/reports/mine?on_behalf_of=u-2", app_))["reports"].empty());

  clock_.Set(FromUnixMillis(1760328000000));  // Mon 2025-10-13 12:00 Beijing
  res = Call("GET", "/api/v1/cases?overdue=true", analyst_);
  ASSERT_EQ(res.status, 200) << res.body;
  json cases = Body(res)["cases"];
  ASSERT_EQ(cases.size(), 2u);
  EXPECT_EQ(cases[0]["id"], b);
  EXPECT_EQ(cases[0]["overdue"], true);
  EXPECT_EQ(cases[0]["overdue_days"], 1);
  EXPECT_EQ(cases[0]["reporter"]["id"], "org:" + std::to_string(app_org_id_));
  EXPECT_TRUE(Body(Call("GET", "/api/v1/cases?overdue=false", analyst_))["cases"].empty());
  auto ids = [&](const std::string& query) {
    std::vector<int64_t> out;
    auto r = Call("GET", "/api/v1/cases?" + query, analyst_);
    EXPECT_EQ(r.status, 200) << query << ": " << r.body;
    if (r.status == 200) {
      const json body = Body(r);  // not in the range-for: a temporary would die first
      for (const json& c : body["cases"]) out.push_back(c["id"]);
    }
    return out;
  };
  EXPECT_EQ(ids("kind=marketing"), std::vector<int64_t>{b});
  EXPECT_EQ(ids("number=170-0000-0666"), std::vector<int64_t>{a});
  EXPECT_EQ(ids("state=received"), (std::vector<int64_t>{b, a}));
  EXPECT_TRUE(ids("state=forwarded").empty());
  EXPECT_EQ(ids("until=2025-09-30"), (std::vector<int64_t>{b, a}));  // the whole day
  EXPECT_TRUE(ids("since=2025-10-01").empty());
  EXPECT_EQ(ids("since=2025-09-30T01:59:00Z&until=2025-09-30T02:01:00Z"),
            (std::vector<int64_t>{b, a}));
  res = Call("GET", "/api/v1/cases?limit=1", analyst_);
  EXPECT_EQ(Body(res)["next_before"], b);
  EXPECT_EQ(ids("before=" + std::to_string(b)), std::vector<int64_t>{a});
  for (const char* bad : {"overdue=maybe", "state=lost", "kind=spam", "number=hello",
                          "since=yesterday", "limit=0", "carrier=Nobody"}) {
    EXPECT_EQ(Call("GET", std::string("/api/v1/cases?") + bad, analyst_).status, 400) << bad;
  }
}

TEST_F(ReportsApiTest, BadReportsAre400AndTheDailyLimit429) {
  for (const std::string& body :
       {std::string(R"({"callee":"13800138000","time":"2025-09-30","kind":"fraud"})"),
        ReportBody("hello"), ReportBody("17000000666", "spam"),
        ReportBody("17000000666", "fraud", R"(,"channel":"fax")"),
        std::string(R"({"caller":"17000000666","callee":"13800138000","time":"2025-09-30",)"
                    R"("kind":"fraud","category":"cars"})"),
        std::string(R"({"caller":"17000000666","callee":"13800138000","time":"soon",)"
                    R"("kind":"fraud"})"),
        std::string(R"({"caller":"17000000666","callee":"13800138000",)"
                    R"("time":"2025-10-30T10:00:00+08:00","kind":"fraud"})")}) {
    auto res = Call("POST", "/api/v1/reports", alice_, body);
    EXPECT_EQ(res.status, 400) << body << ": " << res.body;
  }
  // A bare date is a call that day (local midnight); one-ring SMS are fine too.
  auto res = Call("POST", "/api/v1/reports", alice_,
                  R"({"caller":"17000000666","callee":"13800138000","time":"2025-09-30",)"
                  R"("kind":"one_ring","channel":"sms"})");
  ASSERT_EQ(res.status, 201) << res.body;
  EXPECT_EQ(Body(res)["report"]["time"], "2025-09-29T16:00:00.000Z");
  EXPECT_TRUE(Body(res)["report"]["category"].is_null());

  for (int i = 1; i < 5; ++i) Report(alice_, "1700000000" + std::to_string(i));
  res = Call("POST", "/api/v1/reports", alice_, ReportBody("17000000009"));
  EXPECT_EQ(res.status, 429);
  EXPECT_EQ(Code(res), "rate_limited");
  EXPECT_EQ(Report(bob_, "17000000009") > 0, true);  // others are not held back
}

TEST_F(ReportsApiTest, StatisticsAsJsonAndCsv) {
  Report(alice_, "17000000666");
  const int64_t b = Report(bob_, "17000000666");
  Report(bob_, "15800008888", "marketing");
  ASSERT_EQ(Call("POST", "/api/v1/cases/" + std::to_string(b) + "/forward", analyst_,
                 R"({"org":"Acme Telecom"})")
                .status,
            200);
  auto res = Call("GET", "/api/v1/reports/stats?from=2025-09-30&to=2025-09-30", analyst_);
  ASSERT_EQ(res.status, 200) << res.body;
  json st = Body(res);
  EXPECT_EQ(st["from"], "2025-09-29T16:00:00.000Z");
  EXPECT_EQ(st["to"], "2025-09-30T16:00:00.000Z");
  EXPECT_EQ(st["reports"], 3);
  EXPECT_EQ(st["by_kind"]["fraud"], 2);
  EXPECT_EQ(st["by_kind"]["marketing"], 1);
  EXPECT_EQ(st["by_kind"]["spoofing"], 0);  // every kind, zeros too
  EXPECT_EQ(st["by_kind"].size(), 9u);
  EXPECT_EQ(st["by_category"]["none"], 0);
  EXPECT_EQ(st["by_category"]["finance"], 3);
  EXPECT_EQ(st["by_state"]["forwarded"], 1);
  EXPECT_EQ(st["by_day"], json::parse(R"([{"day":"2025-09-30","reports":3}])"));
  ASSERT_EQ(st["by_carrier"].size(), 2u);
  EXPECT_TRUE(st["by_carrier"][0]["org"].is_null());
  EXPECT_EQ(st["by_carrier"][0]["reports"], 2);
  EXPECT_EQ(st["by_carrier"][1]["org"]["name"], "Acme Telecom");

  res = Call("GET", "/api/v1/reports/stats?from=2025-09-30&to=2025-09-30&format=csv", analyst_);
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(res.GetHeader("Content-Type"), "text/csv; charset=utf-8");
  EXPECT_TRUE(res.body.starts_with("dimension,key,reports\ntotal,reports,3\n")) << res.body;
  for (const char* line :
       {"\nkind,fraud,2\n", "\nkind,marketing,1\n", "\ncategory,finance,3\n", "\nchannel,call,3\n",
        "\nday,2025-09-30,3\n", "\ncarrier,Acme Telecom,1\n", "\ncarrier,not forwarded,2\n",
        "\noutcome,duplicate,0\n", "\ncategory,none,0\n"}) {
    EXPECT_NE(res.body.find(line), std::string::npos) << line << " in\n" << res.body;
  }
  // Another day: nothing.
  res = Call("GET", "/api/v1/reports/stats?from=2025-10-01&to=2025-10-31", analyst_);
  EXPECT_EQ(Body(res)["reports"], 0);
  EXPECT_EQ(Call("GET", "/api/v1/reports/stats?format=xml", analyst_).status, 400);
  EXPECT_EQ(Call("GET", "/api/v1/reports/stats?from=2025-10-02&to=2025-10-01", analyst_).status,
            400);
  EXPECT_EQ(Call("GET", "/api/v1/reports/stats", acme_).status, 403);
  EXPECT_EQ(Call("GET", "/api/v1/reports/stats", analyst_).status, 200);  // the last quarter
}

TEST_F(ReportsApiTest, NotConfiguredIs503) {
  app_server_ = std::make_unique<App>(
      AppOptions{}, Services{.store = *store_, .accounts = *accounts_, .clock = clock_});
  auto res = Call("POST", "/api/v1/reports", alice_, ReportBody("17000000666"));
  EXPECT_EQ(res.status, 503);
  EXPECT_EQ(Call("GET", "/api/v1/cases", analyst_).status, 503);
}

}  // namespace
}  // namespace quell::api
