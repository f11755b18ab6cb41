// /api/v1/findings over the App without a network: events posted to
// /api/v1/events reach the detection engine, whose findings the analyst lists,
// filters and opens.
#include <stdlib.h>

#include <filesystem>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "quell/access/access.h"
#include "quell/api/app.h"
#include "quell/core/number_plan.h"
#include "quell/detect/engine.h"
#include "quell/detect/findings.h"
#include "quell/store/store.h"

namespace quell::api {
namespace {

using nlohmann::json;

class FindingsApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/quell-findings-api-XXXXXX";
    dir_ = mkdtemp(tmpl);
    store_ = *store::Store::Open({.path = dir_ + "/quell.db"});
    accounts_ = *access::Accounts::Open(*store_, clock_, {});
    ASSERT_TRUE(accounts_->CreateOrganisation("Acme Telecom", OrgKind::kCarrier).has_value());
    carrier_key_ = accounts_->CreateApiKey(Role::kCarrier, "Acme Telecom", "t")->key;
    ASSERT_TRUE(accounts_->CreateOrganisation("Regulator", OrgKind::kAgency).has_value());
    analyst_key_ = accounts_->CreateApiKey(Role::kAnalyst, "Regulator", "t")->key;
    ASSERT_TRUE(accounts_->CreateOrganisation("Sunny Homes", OrgKind::kBusiness).has_value());
    business_key_ = accounts_->CreateApiKey(Role::kBusiness, "Sunny Homes", "t")->key;
    findings_ = *detect::FindingStore::Open(*store_, clock_);
    engine_ = std::make_unique<detect::Engine>(plan_, detect::EngineConfig{}, findings_.get());
    app_ = std::make_unique<App>(AppOptions{}, Services{.store = *store_,
                                                        .accounts = *accounts_,
                                                        .clock = clock_,
                                                        .plan = &plan_,
                                                        .events = engine_.get(),
                                                        .findings = findings_.get(),
                                                        .detector = engine_.get()});
  }
  void TearDown() override {
    app_.reset();
    engine_.reset();
    findings_.reset();
    std::filesystem::remove_all(dir_);
  }

  net::HttpResponse Call(const std::string& method, const std::string& target,
                         const std::string& key, std::string body = "") {
    net::HttpRequest req;
    req.method = method;
    req.target = target;
    const auto q = target.find('?');
    req.path = target.substr(0, q);
    if (q != std::string::npos) req.query = target.substr(q + 1);
    req.body = std::move(body);
    req.remote_ip = "192.0.2.7";
    req.headers.emplace_back("authorization", "Bearer " + key);
    if (method == "POST") req.headers.emplace_back("content-type", "text/csv");
    net::HttpResponse res;
    app_->Handle(req, res);
    return res;
  }

  // 40 calls in 40 minutes from one Shanghai number to distinct mobiles,
  // and 12 calls to one victim in two minutes from two numbers.
  void PostCampaigns() {
    std::string csv = "time,caller,callee,answered,talk_s,ring_s\n";
    for (int i = 0; i < 40; ++i) {
      char row[160];
      std::snprintf(row, sizeof row, "2026-11-02T02:%02d:00Z,021 6123 4001,1381%07d,0,0,20\n", i,
                    1000 + i * 37);
      csv += row;
    }
    for (int i = 0; i < 12; ++i) {
      char row[160];
      std::snprintf(row, sizeof row, "2026-11-02T03:00:%02dZ,1701234567%d,13900139000,0,0,3\n",
                    i * 5, i % 2);
      csv += row;
    }
    auto res = Call("POST", "/api/v1/events", carrier_key_, csv);
    ASSERT_EQ(res.status, 200) << res.body;
    ASSERT_TRUE(findings_->Flush().ok());
  }

  FakeClock clock_;
  NumberPlan plan_{"CN"};
  std::string dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<access::Accounts> accounts_;
  std::unique_ptr<detect::FindingStore> findings_;
  std::unique_ptr<detect::Engine> engine_;
  std::unique_ptr<App> app_;
  std::string carrier_key_, analyst_key_, business_key_;
};

TEST_F(FindingsApiTest, EventsPostedBecomeFindingsAnalystsCanList) {
  PostCampaigns();
  auto res = Call("GET", "/api/v1/findings", analyst_key_);
  ASSERT_EQ(res.status, 200) << res.body;
  const json body = json::parse(res.body);
  ASSERT_GE(body["findings"].size(), 2u);
  bool marketing = false, bombing = false;
  for (const json& f : body["findings"]) {
    if (f["detector"] == "marketing") {
      marketing = true;
      EXPECT_EQ(f["number"], "+862161234001");
      EXPECT_EQ(f["national"], "021 6123 4001");
      EXPECT_EQ(f["role"], "caller");
      EXPECT_EQ(f["first_seen"], "2026-11-02T02:29:00.000Z");
      EXPECT_EQ(f["figures"]["attempts_hour"], 30);
    }
    if (f["detector"] == "bombing" && f["role"] == "callee") {
      bombing = true;
      EXPECT_EQ(f["number"], "+8613900139000");
      EXPECT_EQ(f["related"].size(), 2u);
    }
  }
  EXPECT_TRUE(marketing);
  EXPECT_TRUE(bombing);

  // One finding by id; the summary counts them.
  const int64_t id = body["findings"][0]["id"];
  auto one = Call("GET", "/api/v1/findings/" + std::to_string(id), analyst_key_);
  ASSERT_EQ(one.status, 200) << one.body;
  EXPECT_EQ(json::parse(one.body)["id"], id);
  auto summary = Call("GET", "/api/v1/findings/summary", carrier_key_);
  ASSERT_EQ(summary.status, 200) << summary.body;
  const json s = json::parse(summary.body);
  EXPECT_EQ(s["by_detector"]["marketing"], 1);
  EXPECT_EQ(s["engine"]["events"], 52);
}

TEST_F(FindingsApiTest, Filters) {
  PostCampaigns();
  auto res = Call("GET", "/api/v1/findings?detector=bombing", analyst_key_);
  ASSERT_EQ(res.status, 200);
  const json bombing = json::parse(res.body);
  for (const json& f : bombing["findings"]) EXPECT_EQ(f["detector"], "bombing");
  res = Call("GET", "/api/v1/findings?number=021-6123-4001", analyst_key_);
  ASSERT_EQ(res.status, 200);
  ASSERT_EQ(json::parse(res.body)["findings"].size(), 1u);
  res = Call("GET", "/api/v1/findings?since=2026-11-02T02:50:00Z", analyst_key_);
  ASSERT_EQ(res.status, 200);
  const json recent = json::parse(res.body);
  for (const json& f : recent["findings"]) EXPECT_NE(f["detector"], "marketing");
  res = Call("GET", "/api/v1/findings?limit=1", analyst_key_);
  ASSERT_EQ(res.status, 200);
  const json page = json::parse(res.body);
  ASSERT_EQ(page["findings"].size(), 1u);
  res =
      Call("GET",
           "/api/v1/findings?limit=1&before=" + std::to_string(page["next_before"].get<int64_t>()),
           analyst_key_);
  ASSERT_EQ(json::parse(res.body)["findings"].size(), 1u);
  EXPECT_NE(json::parse(res.body)["findings"][0]["id"], page["findings"][0]["id"]);
}

TEST_F(FindingsApiTest, ErrorsAndWhoMayRead) {
  EXPECT_EQ(Call("GET", "/api/v1/findings?detector=nonsense", analyst_key_).status, 400);
  EXPECT_EQ(Call("GET", "/api/v1/findings?number=abc", analyst_key_).status, 400);
  EXPECT_EQ(Call("GET", "/api/v1/findings?since=yesterday", analyst_key_).status, 400);
  EXPECT_EQ(Call("GET", "/api/v1/findings/999", analyst_key_).status, 404);
  EXPECT_EQ(Call("GET", "/api/v1/findings", business_key_).status, 403);
  EXPECT_EQ(Call("GET", "/api/v1/findings", "").status, 401);
}

}  // namespace
}  // namespace quell::api
