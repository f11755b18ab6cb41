// /api/v1/sanctions over the App without a network: analysts impose, list and
// lift sanctions (each in the ledger and the audit log), carriers check an
// entity or a number before granting numbers or trunks, anyone reads the public
// list, which shows no numbers and nothing that is not public.
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
#include "quell/enforce/sanctions.h"
#include "quell/store/store.h"

namespace quell::api {
namespace {

using nlohmann::json;

// Stands in for the ledger: records payloads; the hash is not the number.
class RecordingLedger final : public enforce::LedgerAppender {
 public:
  Result<uint64_t> AppendOwn(std::string_view kind, std::string payload) override {
    std::lock_guard lock(mu);
    if (fail) return Unavailable("ledger unavailable");
    payloads.push_back(std::move(payload));
    return static_cast<uint64_t>(payloads.size() + 1);
  }
  std::string HashNumber(std::string_view e164) const override {
    return std::string(32, 'a' + static_cast<char>(e164.size() % 26));
  }
  std::mutex mu;
  bool fail = false;
  std::vector<std::string> payloads;
};

class SanctionsApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/quell-sanctions-api-XXXXXX";
    dir_ = mkdtemp(tmpl);
    clock_.Set(FromUnixMillis(1793584800000));  // 2026-11-02T02:00:00Z
    store_ = *store::Store::Open({.path = dir_ + "/quell.db"});
    accounts_ = *access::Accounts::Open(*store_, clock_, {});
    ASSERT_TRUE(accounts_->CreateOrganisation("Acme Telecom", OrgKind::kCarrier).has_value());
    carrier_key_ = accounts_->CreateApiKey(Role::kCarrier, "Acme Telecom", "t")->key;
    ASSERT_TRUE(accounts_->CreateOrganisation("Regulator", OrgKind::kAgency).has_value());
    analyst_key_ = accounts_->CreateApiKey(Role::kAnalyst, "Regulator", "t")->key;
    ASSERT_TRUE(accounts_->CreateOrganisation("Sunny Bank", OrgKind::kBusiness).has_value());
    business_key_ = accounts_->CreateApiKey(Role::kBusiness, "Sunny Bank", "t")->key;
    auto s = enforce::Sanctions::Open(*store_, clock_, &ledger_, nullptr);
    ASSERT_TRUE(s.has_value()) << s.status().ToString();
    sanctions_ = std::move(*s);
    app_ = std::make_unique<App>(AppOptions{}, Services{.store = *store_,
                                                        .accounts = *accounts_,
                                                        .clock = clock_,
                                                        .plan = &plan_,
                                                        .sanctions = sanctions_.get()});
  }
  void TearDown() override {
    app_.reset();
    sanctions_.reset();
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
    if (!key.empty()) req.headers.emplace_back("authorization", "Bearer " + key);
    if (method == "POST") req.headers.emplace_back("content-type", "application/json");
    net::HttpResponse res;
    app_->Handle(req, res);
    return res;
  }
  json Body(const net::HttpResponse& res) { return json::parse(res.body); }

  json Impose(json body) {
    auto res = Call("POST", "/api/v1/sanctions", analyst_key_, body.dump());
    EXPECT_EQ(res.status, 201) << res.body;
    return Body(res);
  }
  json PushyBlock() {
    return {{"measure", "number_block"},
            {"entity_name", "Shanghai Pushy Marketing Co., Ltd."},
            {"credit_code", "91350100M000100Y43"},
            {"numbers", {"+8613800138000", "021 6123 4567"}},
            {"legal_basis", "通信短信息和语音呼叫服务管理规定 第十条"},
            {"reason", "2,300 complaints in a quarter"}};
  }

  std::string dir_;
  FakeClock clock_;
  NumberPlan plan_{"CN"};
  RecordingLedger ledger_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<access::Accounts> accounts_;
  std::unique_ptr<enforce::Sanctions> sanctions_;
  std::unique_ptr<App> app_;
  std::string carrier_key_, analyst_key_, business_key_;
};

TEST_F(SanctionsApiTest, OnlyAnalystsImposeListAndLift) {
  const std::string body = PushyBlock().dump();
  EXPECT_EQ(Call("POST", "/api/v1/sanctions", "", body).status, 401);
  EXPECT_EQ(Call("POST", "/api/v1/sanctions", carrier_key_, body).status, 403);
  EXPECT_EQ(Call("POST", "/api/v1/sanctions", business_key_, body).status, 403);
  EXPECT_EQ(Call("GET", "/api/v1/sanctions", carrier_key_).status, 403);
  EXPECT_EQ(Call("GET", "/api/v1/sanctions", "").status, 401);
  EXPECT_TRUE(ledger_.payloads.empty());
  json s = Impose(PushyBlock());
  const std::string id = std::to_string(s["id"].get<int64_t>());
  EXPECT_EQ(Call("GET", "/api/v1/sanctions/" + id, carrier_key_).status, 403);
  EXPECT_EQ(
      Call("POST", "/api/v1/sanctions/" + id + "/lift", carrier_key_, R"({"reason":"x"})").status,
      403);
  EXPECT_EQ(
      Call("GET", "/api/v1/sanctions/check?credit_code=91350100M000100Y43", business_key_).status,
      403);
  EXPECT_EQ(Call("GET", "/api/v1/sanctions/check?credit_code=91350100M000100Y43", "").status, 401);
}

TEST_F(SanctionsApiTest, ImposeShowsNumbersBothWaysAndRecordsLedgerAndAudit) {
  json s = Impose(PushyBlock());
  EXPECT_EQ(s["measure"], "number_block");
  EXPECT_EQ(s["state"], "active");
  EXPECT_EQ(s["kind"], "fraud");
  EXPECT_EQ(s["blocks_calls"], true);
  EXPECT_EQ(s["entity"]["credit_code"], "91350100M000100Y43");
  ASSERT_EQ(s["numbers"].size(), 2u);
  EXPECT_EQ(s["numbers"][0]["number"], "+862161234567");
  EXPECT_EQ(s["numbers"][0]["national"], "021 6123 4567");
  EXPECT_EQ(s["numbers"][1]["number"], "+8613800138000");
  EXPECT_EQ(s["ledger_seq"], 2);
  EXPECT_EQ(s["created_by"].get<std::string>().rfind("key:", 0), 0u) << s;
  ASSERT_EQ(ledger_.payloads.size(), 1u);
  EXPECT_EQ(ledger_.payloads[0].find("13800138000"), std::string::npos);
  EXPECT_TRUE(sanctions_->IsListed(8613800138000, clock_.Now()));

  auto audit = accounts_->ListAudit(10);
  ASSERT_TRUE(audit.has_value());
  bool found = false;
  for (const auto& e : *audit) {
    if (e.action == "sanction.create" && e.target == "sanction:" + s["id"].dump()) found = true;
  }
  EXPECT_TRUE(found);

  auto got = Call("GET", "/api/v1/sanctions/" + s["id"].dump(), analyst_key_);
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(Body(got)["legal_basis"], "通信短信息和语音呼叫服务管理规定 第十条");
  EXPECT_EQ(Call("GET", "/api/v1/sanctions/999", analyst_key_).status, 404);
}

TEST_F(SanctionsApiTest, BadInputIs400AndStoresNothing) {
  json bad = PushyBlock();
  bad["credit_code"] = "91350100M000100Y44";
  auto res = Call("POST", "/api/v1/sanctions", analyst_key_, bad.dump());
  EXPECT_EQ(res.status, 400);
  EXPECT_NE(Body(res)["error"]["message"].get<std::string>().find("check character"),
            std::string::npos)
      << res.body;
  bad = PushyBlock();
  bad["measure"] = "fine";
  EXPECT_EQ(Call("POST", "/api/v1/sanctions", analyst_key_, bad.dump()).status, 400);
  bad = PushyBlock();
  bad["numbers"] = {"not a number"};
  EXPECT_EQ(Call("POST", "/api/v1/sanctions", analyst_key_, bad.dump()).status, 400);
  bad = PushyBlock();
  bad["end"] = "2020-01-01";
  EXPECT_EQ(Call("POST", "/api/v1/sanctions", analyst_key_, bad.dump()).status, 400);
  bad = PushyBlock();
  bad["ranges"] = {"862161"};  // no +
  EXPECT_EQ(Call("POST", "/api/v1/sanctions", analyst_key_, bad.dump()).status, 400);
  bad = PushyBlock();
  bad.erase("legal_basis");
  EXPECT_EQ(Call("POST", "/api/v1/sanctions", analyst_key_, bad.dump()).status, 400);
  EXPECT_TRUE(ledger_.payloads.empty());
  ledger_.fail = true;
  EXPECT_EQ(Call("POST", "/api/v1/sanctions", analyst_key_, PushyBlock().dump()).status, 503);
  auto list = Call("GET", "/api/v1/sanctions", analyst_key_);
  EXPECT_TRUE(Body(list)["sanctions"].empty()) << list.body;
}

TEST_F(SanctionsApiTest, CarriersCheckEntitiesAndNumbersUntilLifted) {
  json s = Impose(PushyBlock());
  auto res = Call("GET", "/api/v1/sanctions/check?credit_code=91350100m000100y43", carrier_key_);
  ASSERT_EQ(res.status, 200) << res.body;
  json c = Body(res);
  EXPECT_EQ(c["sanctioned"], true);
  EXPECT_EQ(c["blocks_calls"], true);
  ASSERT_EQ(c["sanctions"].size(), 1u);
  EXPECT_FALSE(c["sanctions"][0].contains("created_by")) << "staff names are for staff";

  res = Call("GET", "/api/v1/sanctions/check?name=shanghai%20pushy%20marketing%20co.,%20ltd.",
             carrier_key_);
  EXPECT_EQ(Body(res)["sanctioned"], true) << res.body;
  res = Call("GET", "/api/v1/sanctions/check?number=%2B862161234567", carrier_key_);
  EXPECT_EQ(Body(res)["sanctioned"], true) << res.body;
  res = Call("GET", "/api/v1/sanctions/check?number=13900139000", carrier_key_);
  EXPECT_EQ(Body(res)["sanctioned"], false) << res.body;
  res = Call("GET", "/api/v1/sanctions/check?credit_code=91110000802100433B", carrier_key_);
  EXPECT_EQ(Body(res)["sanctioned"], false);
  EXPECT_EQ(Call("GET", "/api/v1/sanctions/check", carrier_key_).status, 400);
  EXPECT_EQ(Call("GET", "/api/v1/sanctions/check?credit_code=123", carrier_key_).status, 400);

  const std::string lift = "/api/v1/sanctions/" + s["id"].dump() + "/lift";
  EXPECT_EQ(Call("POST", lift, analyst_key_, "{}").status, 400);
  res = Call("POST", lift, analyst_key_, R"({"reason":"rectified, fine paid"})");
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(Body(res)["state"], "lifted");
  EXPECT_EQ(Body(res)["lift"]["by"], Body(res)["created_by"]);
  EXPECT_EQ(Body(res)["lift"]["ledger_seq"], 3);
  EXPECT_EQ(Call("POST", lift, analyst_key_, R"({"reason":"again"})").status, 409);
  res = Call("GET", "/api/v1/sanctions/check?credit_code=91350100M000100Y43", carrier_key_);
  EXPECT_EQ(Body(res)["sanctioned"], false);
  EXPECT_FALSE(sanctions_->IsListed(8613800138000, clock_.Now()));
}

TEST_F(SanctionsApiTest, PublicListShowsOnlyPublicAndNoNumbers) {
  json hidden = PushyBlock();
  hidden["entity_name"] = "Quiet Case Ltd";
  Impose(hidden);
  json listed = PushyBlock();
  listed["measure"] = "joint_punishment";
  listed["entity_name"] = "Listed Fraud Ltd";
  listed["credit_code"] = "91110000802100433B";
  listed["public"] = true;
  Impose(listed);
  auto res = Call("GET", "/api/v1/sanctions/public", "");
  ASSERT_EQ(res.status, 200) << res.body;
  json p = Body(res);
  ASSERT_EQ(p["sanctions"].size(), 1u) << res.body;
  EXPECT_EQ(p["sanctions"][0]["entity"]["name"], "Listed Fraud Ltd");
  EXPECT_EQ(p["sanctions"][0]["number_count"], 2);
  EXPECT_EQ(res.body.find("13800138000"), std::string::npos) << res.body;
  EXPECT_EQ(res.body.find("6123"), std::string::npos) << res.body;
  EXPECT_EQ(res.body.find("complaints"), std::string::npos) << "reasons stay internal";
  EXPECT_EQ(res.body.find("key:"), std::string::npos) << res.body;
  EXPECT_EQ(res.body.find("Quiet Case"), std::string::npos);
  EXPECT_EQ(Call("GET", "/api/v1/sanctions/public?state=bogus", "").status, 400);
}

TEST_F(SanctionsApiTest, ListFiltersByStateMeasureAndNumber) {
  json future = PushyBlock();
  future["start"] = "2027-01-01";
  future["end"] = "2027-06-30";
  json f = Impose(future);
  EXPECT_EQ(f["state"], "scheduled");
  EXPECT_EQ(f["end"], "2027-07-01T00:00:00.000Z") << "a bare end date takes in the whole day";
  json warn = PushyBlock();
  warn["measure"] = "warning";
  warn["numbers"] = {"+8613800138001"};
  Impose(warn);
  auto res = Call("GET", "/api/v1/sanctions?state=scheduled", analyst_key_);
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(Body(res)["sanctions"].size(), 1u);
  res = Call("GET", "/api/v1/sanctions?measure=warning", analyst_key_);
  EXPECT_EQ(Body(res)["sanctions"].size(), 1u);
  res = Call("GET", "/api/v1/sanctions?number=13800138001", analyst_key_);
  ASSERT_EQ(Body(res)["sanctions"].size(), 1u) << res.body;
  EXPECT_EQ(Body(res)["sanctions"][0]["measure"], "warning");
  res = Call("GET", "/api/v1/sanctions?limit=1", analyst_key_);
  EXPECT_EQ(Body(res)["sanctions"].size(), 1u);
  EXPECT_TRUE(Body(res).contains("next_before"));
  EXPECT_EQ(Call("GET", "/api/v1/sanctions?state=bogus", analyst_key_).status, 400);
}

}  // namespace
}  // namespace quell::api
