// /api/v1/carriers and /api/v1/traceback over the App without a network:
// analysts register carriers and open cases, each carrier sees only its own
// queue and answers only its own requests, CDR uploads answer for a carrier,
// the case view shows the path, statistics, and the public league table.
#include <stdlib.h>

#include <filesystem>
#include <mutex>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "quell/access/access.h"
#include "quell/api/app.h"
#include "quell/core/number_plan.h"
#include "quell/enforce/ledger.h"
#include "quell/enforce/scorecard.h"
#include "quell/enforce/traceback.h"
#include "quell/notify/notify.h"
#include "quell/store/store.h"

namespace quell::api {
namespace {

using nlohmann::json;

class RecordingLedger final : public enforce::LedgerAppender {
 public:
  Result<uint64_t> AppendOwn(std::string_view, std::string payload) override {
    std::lock_guard lock(mu);
    payloads.push_back(std::move(payload));
    return static_cast<uint64_t>(payloads.size());
  }
  std::string HashNumber(std::string_view e164) const override {
    return std::string(32, 'a' + static_cast<char>(e164.size() % 26));
  }
  std::mutex mu;
  std::vector<std::string> payloads;
};

class TracebackApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/quell-traceback-api-XXXXXX";
    dir_ = mkdtemp(tmpl);
    clock_.Set(FromUnixMillis(1793584800000));  // 2026-11-02T02:00:00Z
    store_ = *store::Store::Open({.path = dir_ + "/quell.db"});
    accounts_ = *access::Accounts::Open(*store_, clock_, {});
    for (const char* name : {"Term Telecom", "Transit Net", "Origin Mobile"}) {
      ASSERT_TRUE(accounts_->CreateOrganisation(name, OrgKind::kCarrier).has_value());
      keys_[name] = accounts_->CreateApiKey(Role::kCarrier, name, "t")->key;
    }
    ASSERT_TRUE(accounts_->CreateOrganisation("Regulator", OrgKind::kAgency).has_value());
    analyst_key_ = accounts_->CreateApiKey(Role::kAnalyst, "Regulator", "t")->key;
    ASSERT_TRUE(accounts_->CreateOrganisation("Sunny Bank", OrgKind::kBusiness).has_value());
    business_key_ = accounts_->CreateApiKey(Role::kBusiness, "Sunny Bank", "t")->key;
    notifier_ = *notify::Notifier::Open(*store_, clock_, {});
    auto t = enforce::Traceback::Open(*store_, clock_, {}, notifier_.get(), &ledger_);
    ASSERT_TRUE(t.has_value()) << t.status().ToString();
    tb_ = std::move(*t);
    app_ = std::make_unique<App>(AppOptions{}, Services{.store = *store_,
                                                        .accounts = *accounts_,
                                                        .notifier = notifier_.get(),
                                                        .clock = clock_,
                                                        .plan = &plan_,
                                                        .traceback = tb_.get()});
  }
  void TearDown() override {
    app_.reset();
    tb_.reset();
    notifier_.reset();
    std::filesystem::remove_all(dir_);
  }

  net::HttpResponse Call(const std::string& method, const std::string& target,
                         const std::string& key, std::string body = "",
                         std::string type = "application/json") {
    net::HttpRequest req;
    req.method = method;
    req.target = target;
    const auto q = target.find('?');
    req.path = target.substr(0, q);
    if (q != std::string::npos) req.query = target.substr(q + 1);
    req.body = std::move(body);
    req.remote_ip = "192.0.2.7";
    if (!key.empty()) req.headers.emplace_back("authorization", "Bearer " + key);
    if (method == "POST" || method == "PUT") req.headers.emplace_back("content-type", type);
    net::HttpResponse res;
    app_->Handle(req, res);
    return res;
  }
  json Body(const net::HttpResponse& res) { return json::parse(res.body); }
  int64_t OrgId(const std::string& name) { return accounts_->FindOrganisation(name)->id; }

  void RegisterAll() {
    const json carriers[] = {
        {{"org", "Term Telecom"},
         {"roles", {"terminating"}},
         {"authentication", "full"},
         {"country", "CN"},
         {"webhook_url", "https://term.example/tb"},
         {"contacts", {{{"name", "NOC"}, {"email", "noc@term.example"}}}}},
        {{"org", "Transit Net"},
         {"roles", {"transit", "gateway"}},
         {"authentication", "partial"},
         {"country", "CN"},
         {"trunk_aliases", {"TRN-A"}}},
        {{"org", "Origin Mobile"},
         {"roles", {"originating"}},
         {"authentication", "full"},
         {"spcs", {"567J"}},
         {"country", "CN"},
         {"trunk_aliases", {"OM-7"}}},
    };
    for (const json& c : carriers) {
      auto res = Call("POST", "/api/v1/carriers", analyst_key_, c.dump());
      ASSERT_EQ(res.status, 201) << res.body;
    }
  }
  json OpenCase(json extra = json::object()) {
    json body = {
        {"caller", "+86 170 1234 5678"},       {"callee", "138 0013 8000"},
        {"call_time", "2026-11-01T23:15:00Z"}, {"campaign", "loan robocalls"},
        {"terminating", "Term Telecom"},       {"source", {{"kind", "complaint"}, {"id", 7}}}};
    body.update(extra);
    auto res = Call("POST", "/api/v1/traceback", analyst_key_, body.dump());
    EXPECT_EQ(res.status, 201) << res.body;
    return Body(res);
  }

  std::string dir_;
  FakeClock clock_;
  NumberPlan plan_{"CN"};
  RecordingLedger ledger_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<access::Accounts> accounts_;
  std::unique_ptr<notify::Notifier> notifier_;
  std::unique_ptr<enforce::Traceback> tb_;
  std::unique_ptr<App> app_;
  std::map<std::string, std::string> keys_;
  std::string analyst_key_, business_key_;
};

TEST_F(TracebackApiTest, RegistryRolesAndVisibility) {
  const std::string body = R"({"org":"Term Telecom","roles":["terminating"],"country":"CN"})";
  EXPECT_EQ(Call("POST", "/api/v1/carriers", "", body).status, 401);
  EXPECT_EQ(Call("POST", "/api/v1/carriers", keys_["Term Telecom"], body).status, 403);
  auto bad = Call("POST", "/api/v1/carriers", analyst_key_,
                  R"({"org":"Sunny Bank","roles":["terminating"],"country":"CN"})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(Body(bad)["error"]["message"].get<std::string>().find("kind carrier"),
            std::string::npos);
  RegisterAll();
  EXPECT_EQ(Call("POST", "/api/v1/carriers", analyst_key_, body).status, 409);
  // Other carriers see the registry without contacts; staff and the carrier itself with.
  const std::string term = std::to_string(OrgId("Term Telecom"));
  json seen = Body(Call("GET", "/api/v1/carriers/" + term, keys_["Transit Net"]));
  EXPECT_FALSE(seen.contains("contacts"));
  EXPECT_EQ(seen["roles"], json({"terminating"}));
  json own = Body(Call("GET", "/api/v1/carriers/" + term, keys_["Term Telecom"]));
  EXPECT_EQ(own["webhook_url"], "https://term.example/tb");
  EXPECT_EQ(Call("GET", "/api/v1/carriers", business_key_).status, 403);
  EXPECT_EQ(Body(Call("GET", "/api/v1/carriers", keys_["Transit Net"]))["carriers"].size(), 3u);
  // A carrier changes its own contacts, not another's.
  const std::string contacts = R"({"contacts":[{"name":"Desk","email":"d@t.example"}],
                                   "webhook_url":"https://t.example/new"})";
  EXPECT_EQ(
      Call("PUT", "/api/v1/carriers/" + term + "/contacts", keys_["Transit Net"], contacts).status,
      403);
  auto ok = Call("PUT", "/api/v1/carriers/" + term + "/contacts", keys_["Term Telecom"], contacts);
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(Body(ok)["webhook_url"], "https://t.example/new");
  EXPECT_EQ(Call("DELETE", "/api/v1/carriers/" + term, keys_["Term Telecom"]).status, 403);
}

TEST_F(TracebackApiTest, ThreeCarrierTracebackOverRest) {
  RegisterAll();
  // Transit Net's CDRs: the call arrived on Origin Mobile's trunk OM-7.
  auto up = Call("POST", "/api/v1/traceback/cdrs", keys_["Transit Net"],
                 "time,caller,callee,trunk\n"
                 "2026-11-01T23:15:30Z,+8617012345678,+8613800138000,OM-7\n"
                 "2026-11-01T23:15:30Z,+8617012345678,bad,OM-7\n",
                 "text/csv");
  ASSERT_EQ(up.status, 200) << up.body;
  EXPECT_EQ(Body(up)["stored"], 1);
  EXPECT_EQ(Body(up)["rejected"], 1);
  EXPECT_EQ(Call("POST", "/api/v1/traceback/cdrs", business_key_, "x", "text/csv").status, 403);

  EXPECT_EQ(Call("POST", "/api/v1/traceback", keys_["Term Telecom"], "{}").status, 403);
  json c = OpenCase();
  EXPECT_EQ(c["state"], "open");
  EXPECT_EQ(c["caller"]["number"], "+8617012345678");
  EXPECT_EQ(c["callee"]["national"], "138 0013 8000");
  ASSERT_EQ(c["hops"].size(), 1u);
  const int64_t req1 = c["hops"][0]["id"];

  // Term Telecom's queue has it; the others' do not.
  json q = Body(Call("GET", "/api/v1/traceback/requests", keys_["Term Telecom"]));
  ASSERT_EQ(q["requests"].size(), 1u);
  EXPECT_EQ(q["requests"][0]["id"], req1);
  EXPECT_EQ(q["requests"][0]["caller"]["number"], "+8617012345678");
  EXPECT_TRUE(
      Body(Call("GET", "/api/v1/traceback/requests", keys_["Transit Net"]))["requests"].empty());
  // Another carrier can neither read nor answer it.
  const std::string path1 = "/api/v1/traceback/requests/" + std::to_string(req1);
  EXPECT_EQ(Call("GET", path1, keys_["Transit Net"]).status, 404);
  EXPECT_EQ(
      Call("POST", path1 + "/answer", keys_["Transit Net"], R"({"answer":"not_found"})").status,
      404);
  EXPECT_EQ(Call("POST", path1 + "/answer", business_key_, R"({"answer":"not_found"})").status,
            403);
  EXPECT_EQ(Call("POST", path1 + "/answer", keys_["Term Telecom"], R"({"answer":"maybe"})").status,
            400);

  clock_.Advance(std::chrono::hours(2));
  auto a1 = Call("POST", path1 + "/answer", keys_["Term Telecom"],
                 R"({"answer":"upstream","upstream":"Transit Net","note":"trunk 4"})");
  ASSERT_EQ(a1.status, 200) << a1.body;
  EXPECT_EQ(Body(a1)["case_state"], "open");
  EXPECT_FALSE(Body(a1).contains("case"));  // carriers see their answer, not the case

  // Transit Net answered automatically from its CDR; Origin Mobile is asked.
  json oq = Body(Call("GET", "/api/v1/traceback/requests", keys_["Origin Mobile"]));
  ASSERT_EQ(oq["requests"].size(), 1u);
  EXPECT_EQ(oq["requests"][0]["hop"], 3);
  const std::string path3 = "/api/v1/traceback/requests/" + oq["requests"][0]["id"].dump();
  // A loop is refused.
  auto loop = Call("POST", path3 + "/answer", keys_["Origin Mobile"],
                   R"({"answer":"upstream","upstream":"Term Telecom"})");
  EXPECT_EQ(loop.status, 400) << loop.body;
  auto a3 = Call("POST", path3 + "/answer", keys_["Origin Mobile"],
                 R"({"answer":"origin","customer":{"name":"Fuzhou Loans Co.","account":"T-42"}})");
  ASSERT_EQ(a3.status, 200) << a3.body;
  EXPECT_EQ(Body(a3)["case_state"], "origin_found");

  json full = Body(Call("GET", "/api/v1/traceback/" + c["id"].dump(), analyst_key_));
  EXPECT_EQ(full["state"], "origin_found");
  EXPECT_EQ(full["path"], json({"Term Telecom", "Transit Net", "Origin Mobile"}));
  EXPECT_EQ(full["hops"][1]["automatic"], true);
  EXPECT_EQ(full["hops"][1]["answer"]["answered_by"].get<std::string>().rfind(
                "automatically from CDR ", 0),
            0u);
  EXPECT_EQ(full["hops"][2]["answer"]["customer"]["name"], "Fuzhou Loans Co.");
  EXPECT_EQ(full["ledger_seq"], 1);
  EXPECT_EQ(Call("GET", "/api/v1/traceback/" + c["id"].dump(), keys_["Term Telecom"]).status, 403);
  ASSERT_EQ(ledger_.payloads.size(), 1u);
  EXPECT_EQ(ledger_.payloads[0].find("8617012345678"), std::string::npos);

  json stats = Body(Call("GET", "/api/v1/traceback/stats", analyst_key_));
  EXPECT_EQ(stats["cases"], 1);
  EXPECT_EQ(stats["by_outcome"]["origin_found"], 1);
  EXPECT_EQ(stats["requests"]["auto_answered"], 1);
  EXPECT_EQ(stats["hops_per_case"], 3.0);

  json list = Body(Call("GET", "/api/v1/traceback?state=origin_found", analyst_key_));
  EXPECT_EQ(list["cases"].size(), 1u);
  EXPECT_EQ(Call("GET", "/api/v1/traceback?state=bogus", analyst_key_).status, 400);
}

TEST_F(TracebackApiTest, PassportStartsAtTheSignerAndWebhookIsQueued) {
  RegisterAll();
  json c = OpenCase({{"passport", {{"origid", "de305d54-75b4"}, {"spc", "567J"}}}});
  ASSERT_EQ(c["hops"].size(), 1u);
  EXPECT_EQ(c["hops"][0]["carrier"]["name"], "Origin Mobile");
  EXPECT_NE(c["start_note"].get<std::string>().find("skipped"), std::string::npos);
  // Without a PASSporT: Term Telecom, which has a webhook.
  json d = OpenCase();
  auto notices = notifier_->List(std::nullopt, 10);
  ASSERT_TRUE(notices.has_value());
  ASSERT_EQ(notices->size(), 1u);
  EXPECT_EQ((*notices)[0].destination, "https://term.example/tb");
  json body = json::parse((*notices)[0].body);
  EXPECT_EQ(body["case_id"], d["id"]);
  EXPECT_EQ(body["caller"], "+8617012345678");
  EXPECT_EQ(body["answer_url"],
            "/api/v1/traceback/requests/" + d["hops"][0]["id"].dump() + "/answer");
}

TEST_F(TracebackApiTest, BadCasesAreRefused) {
  RegisterAll();
  auto r = Call("POST", "/api/v1/traceback", analyst_key_,
                R"({"caller":"call-me","callee":"13800138000","call_time":"2026-11-01T23:15:00Z",
                    "terminating":"Term Telecom"})");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("caller"), std::string::npos);
  r = Call("POST", "/api/v1/traceback", analyst_key_,
           R"({"caller":"13800138001","callee":"13800138000","call_time":"yesterday",
               "terminating":"Term Telecom"})");
  EXPECT_EQ(r.status, 400);
  r = Call("POST", "/api/v1/traceback", analyst_key_,
           R"({"caller":"13800138001","callee":"13800138000","call_time":"2026-11-01T23:15:00Z",
               "terminating":"Nobody Telecom"})");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("not a registered carrier"), std::string::npos);
}

TEST_F(TracebackApiTest, LeagueTableIsPublic) {
  RegisterAll();
  ASSERT_TRUE(
      tb_->scorecard().AddCounts(OrgId("Origin Mobile"), {.calls = 5000, .attest_a = 4500}).ok());
  ASSERT_TRUE(
      tb_->scorecard().AddCounts(OrgId("Transit Net"), {.calls = 5000, .attest_a = 1000}).ok());
  auto res = Call("GET", "/api/v1/carriers/scorecards", "");
  ASSERT_EQ(res.status, 200) << res.body;
  json t = Body(res);
  ASSERT_EQ(t["carriers"].size(), 3u);
  EXPECT_EQ(t["carriers"][0]["name"], "Origin Mobile");
  EXPECT_EQ(t["carriers"][0]["rank"], 1);
  EXPECT_EQ(t["carriers"][0]["share_a"], 0.9);
  EXPECT_EQ(t["carriers"][1]["name"], "Transit Net");
  EXPECT_EQ(t["carriers"][2]["rank"], nullptr);  // Term Telecom: no calls yet
  EXPECT_TRUE(t["ranking"]["rule"].is_string());
}

}  // namespace
}  // namespace quell::api
