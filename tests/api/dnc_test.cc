// /api/v1/dnc over the App without a network: citizens with one-time codes,
// carriers' bulk registrations, businesses' scrubs, receipts, ranges and
// exemptions, the change feed and snapshots, and who may call what.
#include <stdlib.h>

#include <filesystem>
#include <regex>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "quell/access/access.h"
#include "quell/api/app.h"
#include "quell/core/number_plan.h"
#include "quell/notify/notify.h"
#include "quell/registry/ownership.h"
#include "quell/registry/registry.h"
#include "quell/registry/violations.h"
#include "quell/store/store.h"

namespace quell::api {
namespace {

using nlohmann::json;
using std::chrono::hours;

class DncApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/quell-dnc-api-XXXXXX";
    dir_ = mkdtemp(tmpl);
    clock_.Set(FromUnixMillis(1796090400000));  // 2026-12-01 10:00 in Beijing
    store_ = *store::Store::Open({.path = dir_ + "/quell.db"});
    accounts_ = *access::Accounts::Open(*store_, clock_, {});
    ASSERT_TRUE(accounts_->CreateOrganisation("Acme Telecom", OrgKind::kCarrier).has_value());
    carrier_key_ = accounts_->CreateApiKey(Role::kCarrier, "Acme Telecom", "t")->key;
    ASSERT_TRUE(accounts_->CreateOrganisation("Sunny Homes", OrgKind::kBusiness).has_value());
    business_key_ = accounts_->CreateApiKey(Role::kBusiness, "Sunny Homes", "t")->key;
    ASSERT_TRUE(accounts_->CreateOrganisation("Other Biz", OrgKind::kBusiness).has_value());
    other_key_ = accounts_->CreateApiKey(Role::kBusiness, "Other Biz", "t")->key;
    ASSERT_TRUE(accounts_->CreateOrganisation("Regulator", OrgKind::kAgency).has_value());
    analyst_key_ = accounts_->CreateApiKey(Role::kAnalyst, "Regulator", "t")->key;
    notifier_ = *notify::Notifier::Open(*store_, clock_, notify::Options{});
    registry_ = *registry::Registry::Open(*store_, clock_, {});
    ownership_ = *registry::Ownership::Open(*store_, clock_, *notifier_);
    violations_ = *registry::ViolationRecorder::Start(*registry_, *store_, clock_);
    app_ = std::make_unique<App>(AppOptions{}, Services{.store = *store_,
                                                        .accounts = *accounts_,
                                                        .notifier = notifier_.get(),
                                                        .clock = clock_,
                                                        .registry = registry_.get(),
                                                        .ownership = ownership_.get(),
                                                        .violations = violations_.get(),
                                                        .plan = &plan_});
  }
  void TearDown() override {
    app_.reset();
    std::filesystem::remove_all(dir_);
  }

  net::HttpResponse Call(std::string method, std::string path, std::string body,
                         const std::string& key,
                         std::vector<std::pair<std::string, std::string>> headers = {},
                         std::string content_type = "application/json") {
    net::HttpRequest req;
    req.method = std::move(method);
    const std::size_t q = path.find('?');
    req.target = path;
    req.path = path.substr(0, q);
    if (q != std::string::npos) req.query = path.substr(q + 1);
    req.body = std::move(body);
    req.remote_ip = "192.0.2.7";
    req.headers = std::move(headers);
    if (!key.empty()) req.headers.emplace_back("authorization", "Bearer " + key);
    if (!req.body.empty()) req.headers.emplace_back("content-type", content_type);
    net::HttpResponse res;
    app_->Handle(req, res);
    return res;
  }
  json Body(const net::HttpResponse& res) { return json::parse(res.body); }

  // The code the demo outbox holds for `e164`.
  std::string LastCode(const std::string& e164) {
    auto notices = notifier_->List(std::nullopt, 100);
    for (const auto& n : *notices) {
      if (n.destination != e164) continue;
      std::smatch m;
      if (std::regex_search(n.body, m, std::regex("code: (\\d{6})"))) return m[1];
    }
    return "";
  }

  // Proves `e164` and returns the token.
  std::string Prove(const std::string& e164) {
    auto sent = Call("POST", "/api/v1/dnc/codes", json{{"number", e164}}.dump(), "");
    EXPECT_EQ(sent.status, 202) << sent.body;
    auto ok = Call("POST", "/api/v1/dnc/verify",
                   json{{"number", e164}, {"code", LastCode(e164)}}.dump(), "");
    EXPECT_EQ(ok.status, 200) << ok.body;
    if (ok.status == 200) {
      EXPECT_EQ(Body(ok)["token_expires_at"], "2026-12-01T02:15:00.000Z");
      EXPECT_TRUE(Body(ok)["history"].is_array());
    }
    return ok.status == 200 ? Body(ok)["token"].get<std::string>() : "";
  }

  FakeClock clock_;
  NumberPlan plan_{"CN"};
  std::string dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<access::Accounts> accounts_;
  std::unique_ptr<notify::Notifier> notifier_;
  std::unique_ptr<registry::Registry> registry_;
  std::unique_ptr<registry::Ownership> ownership_;
  std::unique_ptr<registry::ViolationRecorder> violations_;
  std::string carrier_key_, business_key_, other_key_, analyst_key_;
  std::unique_ptr<App> app_;
};

TEST_F(DncApiTest, CitizenRegistersChecksChangesAndRemovesWithACode) {
  const std::string token = Prove("+8613800138000");
  ASSERT_FALSE(token.empty());
  const std::vector<std::pair<std::string, std::string>> auth = {{"x-quell-dnc-token", token}};

  auto me = Call("GET", "/api/v1/dnc/me", "", "", auth);
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_TRUE(Body(me)["registration"].is_null());
  EXPECT_EQ(Body(me)["national"], "138 0013 8000");

  auto put = Call("PUT", "/api/v1/dnc/me",
                  json{{"categories", {"finance"}}, {"accepted_bands", {"18-21"}}}.dump(), "",
                  {{"x-quell-dnc-token", token}, {"x-quell-client", "portal"}});
  ASSERT_EQ(put.status, 200) << put.body;
  json r = Body(put)["registration"];
  EXPECT_EQ(r["registered"], true);
  EXPECT_EQ(r["channel"], "web");
  EXPECT_EQ(r["preferences"]["categories"], json::array({"finance"}));
  EXPECT_EQ(r["preferences"]["accepted_bands"], json::array({"18-21"}));
  EXPECT_EQ(r["protected_from"], "2027-01-01T02:00:00.000Z");

  auto del = Call("DELETE", "/api/v1/dnc/me", "", "", auth);
  ASSERT_EQ(del.status, 200) << del.body;
  EXPECT_EQ(Body(del)["registration"]["registered"], false);
  EXPECT_EQ(Body(del)["history"].size(), 2u);

  // Without a token, or with another's, nothing is shown.
  EXPECT_EQ(Call("GET", "/api/v1/dnc/me", "", "").status, 401);
  EXPECT_EQ(Call("GET", "/api/v1/dnc/me", "", "", {{"x-quell-dnc-token", "x"}}).status, 401);
  clock_.Advance(std::chrono::minutes(16));
  EXPECT_EQ(Call("GET", "/api/v1/dnc/me", "", "", auth).status, 401) << "tokens expire";
}

TEST_F(DncApiTest, CodesRevealNothingAndAreLimited) {
  // One number registered, one not: the code request answers the same.
  ASSERT_TRUE(registry_->Register({.number = *PhoneNumber::Parse("13800138000", "CN")}));
  auto a = Call("POST", "/api/v1/dnc/codes", json{{"number", "13800138000"}}.dump(), "");
  auto b = Call("POST", "/api/v1/dnc/codes", json{{"number", "13900139000"}}.dump(), "");
  EXPECT_EQ(a.status, 202);
  EXPECT_EQ(a.status, b.status);
  EXPECT_EQ(a.body, b.body);

  // Wrong codes: one message; after five the code is void even if right.
  const std::string code = LastCode("+8613800138000");
  for (int i = 0; i < 5; ++i) {
    auto w = Call("POST", "/api/v1/dnc/verify",
                  json{{"number", "13800138000"}, {"code", "000000"}}.dump(), "");
    EXPECT_EQ(w.status, 401);
    EXPECT_EQ(Body(w)["error"]["message"], "wrong or expired code");
  }
  auto late = Call("POST", "/api/v1/dnc/verify",
                   json{{"number", "13800138000"}, {"code", code}}.dump(), "");
  EXPECT_EQ(late.status, 401);
  auto never = Call("POST", "/api/v1/dnc/verify",
                    json{{"number", "13700137000"}, {"code", "123456"}}.dump(), "");
  EXPECT_EQ(Body(never)["error"]["message"], "wrong or expired code");

  // Three codes per number per hour.
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(Call("POST", "/api/v1/dnc/codes", json{{"number", "13800138000"}}.dump(), "").status,
              202);
  }
  EXPECT_EQ(Call("POST", "/api/v1/dnc/codes", json{{"number", "13800138000"}}.dump(), "").status,
            429);
  EXPECT_EQ(Call("POST", "/api/v1/dnc/codes", json{{"number", "12"}}.dump(), "").status, 400);
}

TEST_F(DncApiTest, CarrierBulkRegistrationHasPerRowResults) {
  json rows = {{{"number", "13800138000"}},
               {{"number", "+86 139 0013 9000"}, {"categories", {"insurance"}}},
               {{"number", "not a number"}},
               {{"number", "13700137000"}, {"categories", {"gambling"}}},
               {{"number", "13800138000"}}};
  auto res = Call("POST", "/api/v1/dnc/registrations/bulk", json{{"registrations", rows}}.dump(),
                  carrier_key_);
  ASSERT_EQ(res.status, 200) << res.body;
  const json out = Body(res);
  EXPECT_EQ(out["results"][0]["status"], "registered");
  EXPECT_EQ(out["results"][1]["status"], "registered");
  EXPECT_EQ(out["results"][2]["status"], "error");
  EXPECT_EQ(out["results"][2]["error"]["code"], "invalid_argument");
  EXPECT_EQ(out["results"][3]["status"], "error");
  EXPECT_EQ(out["results"][4]["status"], "unchanged");
  EXPECT_EQ(out["counts"]["failed"], 2);
  auto got = registry_->Get(*PhoneNumber::Parse("13900139000", "CN"));
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->verification, "carrier:Acme Telecom");

  auto remove =
      Call("POST", "/api/v1/dnc/registrations/bulk",
           json{{"registrations", {{{"number", "13800138000"}, {"action", "remove"}}}}}.dump(),
           carrier_key_);
  EXPECT_EQ(Body(remove)["results"][0]["status"], "removed");
  // Businesses may not register numbers.
  EXPECT_EQ(Call("POST", "/api/v1/dnc/registrations/bulk", json{{"registrations", rows}}.dump(),
                 business_key_)
                .status,
            403);
}

TEST_F(DncApiTest, BusinessScrubsAndEveryoneCanCheckTheReceipt) {
  // Sunny Homes declares its range and has one customer's consent.
  auto range =
      Call("POST", "/api/v1/dnc/ranges",
           json{{"first", "02161234000"}, {"last", "02161234999"}, {"categories", {"real_estate"}}}
               .dump(),
           business_key_);
  ASSERT_EQ(range.status, 201) << range.body;
  for (const char* n : {"13800138000", "13800138001", "13800138002"}) {
    ASSERT_TRUE(registry_->Register(
        {.number = *PhoneNumber::Parse(n, "CN"), .registered_at = clock_.Now() - hours(24 * 60)}));
  }
  ASSERT_TRUE(registry_->Register({.number = *PhoneNumber::Parse("13800138003", "CN")}));
  ASSERT_TRUE(registry_->SetPreferences(*PhoneNumber::Parse("13800138002", "CN"),
                                        *registry::ParsePreferences({"finance"}, {}),
                                        registry::Channel::kWeb, "citizen"));
  auto ex = Call("POST", "/api/v1/dnc/exemptions",
                 json{{"number", "13800138001"}, {"basis", "consent"}, {"note", "form 17"}}.dump(),
                 business_key_);
  ASSERT_EQ(ex.status, 201) << ex.body;
  // A date alone is the register's local date (+08:00).
  auto dated = Call("POST", "/api/v1/dnc/exemptions",
                    json{{"number", "13900139000"},
                         {"basis", "purchase"},
                         {"starts_at", "2026-11-01"},
                         {"expires_at", "2027-03-01"}}
                        .dump(),
                    business_key_);
  ASSERT_EQ(dated.status, 201) << dated.body;
  EXPECT_EQ(Body(dated)["expires_at"], "2027-02-28T16:00:00.000Z");

  const std::string list =
      "phone\n13800138000\n138-0013-8001\n+86 138 0013 8002\n13800138003\n"
      "13900139000\nhello\n";
  auto res = Call("POST", "/api/v1/dnc/scrub", list, business_key_, {}, "text/csv");
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(res.body,
            "number,status,detail\n"
            "+8613800138000,protected,since 2026-11-02; refuses all marketing\n"
            "+8613800138001,exempt,consent until revoked\n"
            "+8613800138002,callable,registered; refuses finance\n"
            "+8613800138003,callable,registered; protected from 2027-01-01\n"
            "+8613900139000,callable,\n"
            "hello,invalid,not a phone number\n");
  const std::string id(res.GetHeader("X-Quell-Scrub-Receipt"));
  EXPECT_EQ(res.GetHeader("X-Quell-Scrub-Counts"),
            "total=6, callable=3, protected=1, exempt=1, invalid=1");

  auto mine = Call("GET", "/api/v1/dnc/receipts/" + id, "", business_key_);
  ASSERT_EQ(mine.status, 200) << mine.body;
  EXPECT_EQ(Body(mine)["list_sha256"], std::string(res.GetHeader("X-Quell-List-SHA256")));
  EXPECT_EQ(Body(mine)["counts"]["protected"], 1);
  EXPECT_EQ(Body(mine)["org_name"], "Sunny Homes");
  EXPECT_EQ(Call("GET", "/api/v1/dnc/receipts/" + id, "", analyst_key_).status, 200);
  EXPECT_EQ(Call("GET", "/api/v1/dnc/receipts/" + id, "", other_key_).status, 404);
  EXPECT_EQ(Body(Call("GET", "/api/v1/dnc/receipts", "", other_key_))["receipts"].size(), 0u);

  // JSON is not a list; carriers do not scrub.
  EXPECT_EQ(Call("POST", "/api/v1/dnc/scrub", "{}", business_key_).status, 400);
  EXPECT_EQ(Call("POST", "/api/v1/dnc/scrub", list, carrier_key_, {}, "text/csv").status, 403);
}

TEST_F(DncApiTest, ChangeFeedAndSnapshotsByPrefix) {
  ASSERT_TRUE(registry_->Register({.number = *PhoneNumber::Parse("13800138000", "CN"),
                                   .registered_at = clock_.Now() - hours(24 * 60)}));
  ASSERT_TRUE(registry_->Register({.number = *PhoneNumber::Parse("13800138001", "CN"),
                                   .preferences = *registry::ParsePreferences({"travel"}, {}),
                                   .registered_at = clock_.Now() - hours(24 * 60)}));
  ASSERT_TRUE(registry_->Register({.number = *PhoneNumber::Parse("13800138002", "CN")}));
  ASSERT_TRUE(registry_->Remove(*PhoneNumber::Parse("13800138000", "CN"), registry::Channel::kWeb,
                                "citizen"));

  auto page = Call("GET", "/api/v1/dnc/changes?since=1&limit=2", "", business_key_);
  ASSERT_EQ(page.status, 200) << page.body;
  json p = Body(page);
  EXPECT_EQ(p["latest"], 4);
  EXPECT_EQ(p["next"], 3);
  ASSERT_EQ(p["changes"].size(), 2u);
  EXPECT_EQ(p["changes"][0]["number"], "+8613800138001");
  EXPECT_FALSE(p["changes"][0].contains("actor")) << "businesses see no personal detail";
  auto rest = Body(Call("GET", "/api/v1/dnc/changes?since=3", "", analyst_key_));
  EXPECT_EQ(rest["changes"][0]["op"], "remove");
  EXPECT_EQ(rest["changes"][0]["actor"], "citizen");

  auto snap = Call("GET", "/api/v1/dnc/snapshot?prefix=%2B8613800", "", business_key_);
  ASSERT_EQ(snap.status, 200) << snap.body;
  EXPECT_EQ(snap.body,
            "# quell-dnc-snapshot/1 prefix=+8613800 version=4\n"
            "number,categories,accepted_bands\n"
            "+8613800138001,travel,\n");
  EXPECT_EQ(Call("GET", "/api/v1/dnc/snapshot?prefix=86", "", business_key_).status, 400);
  EXPECT_EQ(Call("GET", "/api/v1/dnc/changes", "", "").status, 401);
}

TEST_F(DncApiTest, ViolationsAreShownToTheirOrganisationAndToStaff) {
  ASSERT_EQ(
      Call("POST", "/api/v1/dnc/ranges",
           json{{"first", "02161234000"}, {"last", "02161234999"}, {"categories", {"finance"}}}
               .dump(),
           business_key_)
          .status,
      201);
  ASSERT_TRUE(registry_->Register({.number = *PhoneNumber::Parse("13800138000", "CN"),
                                   .registered_at = clock_.Now() - hours(24 * 60)}));
  events::CallEvent e;
  e.time_us = ToUnixMillis(clock_.Now()) * 1000;
  e.caller = 862161234567;
  e.callee = 8613800138000;
  e.call_id.Assign("call-9");
  violations_->Publish(e);
  ASSERT_TRUE(violations_->Flush().ok());
  auto mine = Call("GET", "/api/v1/dnc/violations", "", business_key_);
  ASSERT_EQ(mine.status, 200) << mine.body;
  ASSERT_EQ(Body(mine)["violations"].size(), 1u);
  EXPECT_EQ(Body(mine)["violations"][0]["callee"], "+8613800138000");
  EXPECT_EQ(Body(mine)["violations"][0]["category"], "finance");
  EXPECT_EQ(Body(Call("GET", "/api/v1/dnc/violations", "", other_key_))["violations"].size(), 0u);
  EXPECT_EQ(Body(Call("GET", "/api/v1/dnc/violations", "", analyst_key_))["violations"].size(), 1u);
  EXPECT_EQ(Call("GET", "/api/v1/dnc/violations", "", carrier_key_).status, 403);
}

TEST_F(DncApiTest, StaffSeeANumbersHistory) {
  ASSERT_TRUE(registry_->Register(
      {.number = *PhoneNumber::Parse("13800138000", "CN"), .verification = "sms-code"}));
  auto res = Call("GET", "/api/v1/dnc/numbers/13800138000", "", analyst_key_);
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(Body(res)["history"][0]["verification"], "sms-code");
  EXPECT_EQ(Call("GET", "/api/v1/dnc/numbers/13800138000", "", business_key_).status, 403);
  EXPECT_EQ(Call("GET", "/api/v1/dnc/numbers/13900139000", "", analyst_key_).status, 404);
}

}  // namespace
}  // namespace quell::api
