// /api/v1/numbers and /api/v1/marks over the App without a network: an app's
// users mark numbers, anyone authenticated looks them up (one, a batch, or by
// hash prefix), analysts see the evidence, carriers report reassignments.
#include <stdlib.h>

#include <filesystem>
#include <string>

#include <gtest/gtest.h>
#include <openssl/sha.h>
#include <nlohmann/json.hpp>

#include <regex>
#include "quell/access/access.h"
#include "quell/api/app.h"
#include "quell/core/number_plan.h"

#include "quell/notify/notify.h"
#include "quell/registry/ownership.h"
#include "quell/registry/registry.h"
#include "quell/reputation/appeals.h"
#include "quell/reputation/blocklist_store.h"
#include "quell/reputation/reputation.h"
#include "quell/store/store.h"

namespace quell::api {
namespace {

using nlohmann::json;

class ReputationApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/quell-reputation-api-XXXXXX";
    dir_ = mkdtemp(tmpl);
    clock_.Set(FromUnixMillis(1793584800000));
    store_ = *store::Store::Open({.path = dir_ + "/quell.db"});
    accounts_ = *access::Accounts::Open(*store_, clock_, {});
    ASSERT_TRUE(accounts_->CreateOrganisation("Acme Telecom", OrgKind::kCarrier).has_value());
    carrier_key_ = accounts_->CreateApiKey(Role::kCarrier, "Acme Telecom", "t")->key;
    ASSERT_TRUE(accounts_->CreateOrganisation("Regulator", OrgKind::kAgency).has_value());
    analyst_key_ = accounts_->CreateApiKey(Role::kAnalyst, "Regulator", "t")->key;
    ASSERT_TRUE(accounts_->CreateOrganisation("Caller ID", OrgKind::kAppVendor).has_value());
    app_key_ = accounts_->CreateApiKey(Role::kApp, "Caller ID", "t")->key;
    ASSERT_TRUE(accounts_->CreateOrganisation("Sunny Bank", OrgKind::kBusiness).has_value());
    business_key_ = accounts_->CreateApiKey(Role::kBusiness, "Sunny Bank", "t")->key;
    ASSERT_TRUE(accounts_->CreateOrganisation("Other Biz", OrgKind::kBusiness).has_value());
    other_key_ = accounts_->CreateApiKey(Role::kBusiness, "Other Biz", "t")->key;
    notifier_ = *notify::Notifier::Open(*store_, clock_, notify::Options{});
    registry_ = *registry::Registry::Open(*store_, clock_, {});
    ownership_ = *registry::Ownership::Open(*store_, clock_, *notifier_);
    reputation_ = *reputation::Reputation::Open(*store_, clock_, {});
    blocklists_ = *reputation::BlocklistStore::Open(*store_, clock_, reputation_->table(),
                                                    {.key_path = dir_ + "/blocklist.key"});
    appeals_ = *reputation::Appeals::Open(*store_, clock_, *reputation_);
    app_ = std::make_unique<App>(AppOptions{}, Services{.store = *store_,
                                                        .accounts = *accounts_,
                                                        .notifier = notifier_.get(),
                                                        .clock = clock_,
                                                        .ownership = ownership_.get(),
                                                        .plan = &plan_,
                                                        .reputation = reputation_.get(),
                                                        .blocklists = blocklists_.get(),
                                                        .appeals = appeals_.get()});
  }
  void TearDown() override {
    app_.reset();
    appeals_.reset();
    blocklists_.reset();
    reputation_.reset();
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
    if (method == "POST") req.headers.emplace_back("content-type", "application/json");
    net::HttpResponse res;
    app_->Handle(req, res);
    return res;
  }
  json Body(const net::HttpResponse& res) { return json::parse(res.body); }

  void MarkFraud(const std::string& number, int users) {
    json marks = json::array();
    for (int u = 0; u < users; ++u) {
      marks.push_back({{"number", number}, {"label", "fraud"}, {"user", "u" + std::to_string(u)}});
    }
    auto res = Call("POST", "/api/v1/marks", app_key_, json{{"marks", marks}}.dump());
    ASSERT_EQ(res.status, 200) << res.body;
    ASSERT_EQ(Body(res)["accepted"], users) << res.body;
  }

  std::string dir_;
  FakeClock clock_;
  NumberPlan plan_{"CN"};
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<access::Accounts> accounts_;
  std::unique_ptr<reputation::Reputation> reputation_;
  std::unique_ptr<reputation::BlocklistStore> blocklists_;
  std::unique_ptr<reputation::Appeals> appeals_;
  std::unique_ptr<notify::Notifier> notifier_;
  std::unique_ptr<registry::Registry> registry_;
  std::unique_ptr<registry::Ownership> ownership_;
  std::unique_ptr<App> app_;
  std::string carrier_key_, analyst_key_, app_key_, business_key_, other_key_;

  // A token proving `e164` through the one-time code the outbox holds.
  std::string ProveNumber(const std::string& e164) {
    auto n = PhoneNumber::Parse(e164, "CN");
    EXPECT_TRUE(ownership_->SendCode(*n, "192.0.2.7").ok());
    std::string code;
    auto notices = notifier_->List(std::nullopt, 100);
    for (const auto& notice : *notices) {
      std::smatch m;
      if (notice.destination == e164 &&
          std::regex_search(notice.body, m, std::regex("code: (\\d{6})"))) {
        code = m[1];
        break;
      }
    }
    auto token = ownership_->Confirm(*n, code, "192.0.2.7");
    EXPECT_TRUE(token.has_value());
    return token.value_or("");
  }
  net::HttpResponse CallWithToken(const std::string& method, const std::string& target,
                                  const std::string& key, const std::string& token,
                                  std::string body) {
    net::HttpRequest req;
    req.method = method;
    req.target = req.path = target;
    req.body = std::move(body);
    req.remote_ip = "192.0.2.7";
    req.headers.emplace_back("authorization", "Bearer " + key);
    req.headers.emplace_back("content-type", "application/json");
    req.headers.emplace_back("x-quell-dnc-token", token);
    net::HttpResponse res;
    app_->Handle(req, res);
    return res;
  }
};

TEST_F(ReputationApiTest, MarksThenLookupInAnyForm) {
  MarkFraud("+86 138 0013 8000", 5);
  for (const char* form : {"+8613800138000", "13800138000", "138-0013-8000"}) {
    auto res = Call("GET", std::string("/api/v1/numbers/") + form, carrier_key_);
    ASSERT_EQ(res.status, 200) << res.body;
    json b = Body(res);
    EXPECT_EQ(b["number"], "+8613800138000");
    EXPECT_EQ(b["national"], "138 0013 8000");
    EXPECT_EQ(b["label"], "fraud");
    EXPECT_EQ(b["label_text"]["zh"], "诈骗");
    EXPECT_EQ(b["score"], 57);
    EXPECT_EQ(b["counts"]["marks"], 5);
    EXPECT_TRUE(b["confidence"].is_number_float());
    // Written without a JSON tree, yet byte for byte what the tree writes.
    EXPECT_EQ(b.dump(), res.body);
  }
  // A number nobody marked: an answer, not a 404.
  auto none = Call("GET", "/api/v1/numbers/13900139000", app_key_);
  json clean = Body(none);
  EXPECT_TRUE(clean["label"].is_null());
  EXPECT_EQ(clean["score"], 0);
  EXPECT_EQ(clean["national"], "139 0013 9000");
  EXPECT_EQ(clean.dump(), none.body);
  EXPECT_EQ(Call("GET", "/api/v1/numbers/hello", app_key_).status, 400);
  EXPECT_EQ(Call("GET", "/api/v1/numbers/13800138000", "").status, 401);
}

TEST_F(ReputationApiTest, OneMarkAndItsErrors) {
  auto res =
      Call("POST", "/api/v1/marks", app_key_,
           R"({"number":"15800008888","label":"marketing","category":"real_estate","user":"a"})");
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(Body(res)["replaced"], false);
  res = Call("POST", "/api/v1/marks", app_key_,
             R"({"number":"15800008888","label":"not_spam","user":"a"})");
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(Body(res)["replaced"], true);
  EXPECT_EQ(
      Call("POST", "/api/v1/marks", app_key_, R"({"number":"hello","label":"fraud","user":"a"})")
          .status,
      400);
  EXPECT_EQ(Call("POST", "/api/v1/marks", app_key_,
                 R"({"number":"15800008888","label":"spam","user":"a"})")
                .status,
            400);
  EXPECT_EQ(Call("POST", "/api/v1/marks", app_key_,
                 R"({"number":"15800008888","label":"fraud","category":"insurance","user":"a"})")
                .status,
            400);  // a category belongs to marketing
  // Only apps mark.
  EXPECT_EQ(Call("POST", "/api/v1/marks", carrier_key_,
                 R"({"number":"15800008888","label":"fraud","user":"a"})")
                .status,
            403);
}

TEST_F(ReputationApiTest, BatchLookupAndHashPrefix) {
  MarkFraud("13800138000", 6);
  auto res = Call("POST", "/api/v1/numbers/lookup", app_key_,
                  R"({"numbers":["13800138000","13900139000","nope"]})");
  ASSERT_EQ(res.status, 200) << res.body;
  json r = Body(res)["results"];
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0]["label"], "fraud");
  EXPECT_TRUE(r[1]["label"].is_null());
  EXPECT_EQ(r[2]["error"]["code"], "invalid_argument");
  EXPECT_EQ(Body(res).dump(), res.body);

  unsigned char d[32];
  const std::string e164 = "+8613800138000";
  SHA256(reinterpret_cast<const unsigned char*>(e164.data()), e164.size(), d);
  char hex[65];
  for (int i = 0; i < 32; ++i) std::snprintf(hex + 2 * i, 3, "%02x", d[i]);
  for (int digits : {4, 5}) {
    res = Call("GET", "/api/v1/numbers/prefix/" + std::string(hex, digits), app_key_);
    ASSERT_EQ(res.status, 200) << res.body;
    json list = Body(res)["numbers"];
    ASSERT_EQ(list.size(), 1u) << res.body;
    EXPECT_EQ(list[0]["sha256"], std::string(hex, 64));
    EXPECT_EQ(list[0]["label"], "fraud");
  }
  EXPECT_EQ(Call("GET", "/api/v1/numbers/prefix/abc", app_key_).status, 400);
  EXPECT_EQ(Call("GET", "/api/v1/numbers/prefix/abcdzz", app_key_).status, 400);
}

TEST_F(ReputationApiTest, EvidenceForAnalystsAndReassignmentByCarriers) {
  MarkFraud("13800138000", 6);
  reputation_->Publish({.number = 8613800138000,
                        .source = events::EvidenceSource::kFinding,
                        .kind = NuisanceKind::kRobocall,
                        .strength = 3,
                        .time_us = ToUnixMillis(clock_.Now()) * 1000,
                        .ref = "f1",
                        .detail = "20 answered calls averaging 21 s"});
  ASSERT_TRUE(reputation_->Flush().ok());
  auto res = Call("GET", "/api/v1/numbers/13800138000/evidence", analyst_key_);
  ASSERT_EQ(res.status, 200) << res.body;
  json b = Body(res);
  EXPECT_EQ(b["counts"]["machine"], 1);
  ASSERT_EQ(b["evidence"].size(), 7u);
  bool finding = false;
  for (const json& e : b["evidence"])
    finding |= e["source"] == "finding" && e["label"] == "robocall";
  EXPECT_TRUE(finding) << res.body;
  EXPECT_EQ(Call("GET", "/api/v1/numbers/13800138000/evidence", app_key_).status, 403);

  clock_.Advance(std::chrono::hours(1));
  res = Call("POST", "/api/v1/numbers/13800138000/reassignments", carrier_key_, "");
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_TRUE(Body(res)["label"].is_null());
  EXPECT_EQ(Body(res)["counts"]["marks"], 0);
  EXPECT_EQ(Call("POST", "/api/v1/numbers/13800138000/reassignments", carrier_key_,
                 R"({"at":"2099-01-01"})")
                .status,
            400);
  EXPECT_EQ(Call("POST", "/api/v1/numbers/13800138000/reassignments", app_key_, "").status, 403);
}

TEST_F(ReputationApiTest, BlocklistFullDeltaAndKey) {
  EXPECT_EQ(Call("GET", "/api/v1/blocklist", app_key_).status, 404);  // none built yet
  MarkFraud("13800138000", 6);
  ASSERT_EQ(*blocklists_->Build(), 1u);
  auto key = Body(Call("GET", "/api/v1/blocklist/key", app_key_));
  EXPECT_EQ(key["algorithm"], "Ed25519");
  EXPECT_EQ(key["public_key"], blocklists_->key().public_key_base64());
  EXPECT_EQ(key["version"], 1);
  EXPECT_EQ(key["entries"], 1);

  auto res = Call("GET", "/api/v1/blocklist", app_key_);
  ASSERT_EQ(res.status, 200);
  EXPECT_EQ(res.GetHeader("Content-Type"), "application/vnd.quell.blocklist");
  EXPECT_EQ(res.GetHeader("X-Quell-Blocklist-Version"), "1");
  auto full = reputation::Decode(res.body, blocklists_->key().public_key());
  ASSERT_TRUE(full.has_value()) << full.error().message();
  ASSERT_EQ(full->entries.size(), 1u);
  EXPECT_EQ(full->entries[0].number, 8613800138000u);
  EXPECT_EQ(full->entries[0].label, static_cast<uint8_t>(reputation::Label::kFraud));

  // Up to date: 304 with no body.
  res = Call("GET", "/api/v1/blocklist?since=1", app_key_);
  EXPECT_EQ(res.status, 304);
  EXPECT_TRUE(res.body.empty());

  MarkFraud("13900139000", 6);
  ASSERT_EQ(*blocklists_->Build(), 2u);
  res = Call("GET", "/api/v1/blocklist?since=1", app_key_);
  ASSERT_EQ(res.status, 200);
  EXPECT_EQ(res.GetHeader("X-Quell-Blocklist-Base"), "1");
  auto delta = reputation::Decode(res.body, blocklists_->key().public_key());
  ASSERT_TRUE(delta.has_value());
  std::vector<reputation::BlocklistEntry> list = full->entries;
  ASSERT_TRUE(reputation::ApplyDelta(list, 1, *delta).ok());
  EXPECT_EQ(list.size(), 2u);
  // A version the server never had: the full list instead.
  res = Call("GET", "/api/v1/blocklist?since=99", app_key_);
  ASSERT_EQ(res.status, 200);
  EXPECT_EQ(res.GetHeader("X-Quell-Blocklist-Base"), "0");
  EXPECT_EQ(Call("GET", "/api/v1/blocklist?since=-1", app_key_).status, 400);
  EXPECT_EQ(Call("GET", "/api/v1/blocklist", "").status, 401);
}

TEST_F(ReputationApiTest, AHolderAppealsAndAnAnalystClearsTheNumber) {
  MarkFraud("13800138000", 6);
  // No proof, no appeal.
  auto res = CallWithToken("POST", "/api/v1/appeals", business_key_, "nope",
                           R"({"reason":"our customer service line"})");
  EXPECT_EQ(res.status, 401);
  const std::string token = ProveNumber("+8613800138000");
  res = CallWithToken("POST", "/api/v1/appeals", business_key_, token,
                      R"({"reason":"our customer service line","contact":"ops@sunny.example"})");
  ASSERT_EQ(res.status, 201) << res.body;
  json a = Body(res);
  EXPECT_EQ(a["state"], "open");
  EXPECT_EQ(a["at_filing"]["label"], "fraud");
  const int64_t id = a["id"];
  EXPECT_EQ(CallWithToken("POST", "/api/v1/appeals", business_key_, token, R"({"reason":"again"})")
                .status,
            409);
  // The appellant's organisation and analysts see it; another business does not.
  EXPECT_EQ(Call("GET", "/api/v1/appeals/" + std::to_string(id), business_key_).status, 200);
  EXPECT_EQ(Call("GET", "/api/v1/appeals/" + std::to_string(id), other_key_).status, 404);
  EXPECT_EQ(Body(Call("GET", "/api/v1/appeals", other_key_))["appeals"].size(), 0u);
  EXPECT_EQ(Body(Call("GET", "/api/v1/appeals?state=open", analyst_key_))["appeals"].size(), 1u);
  // Only analysts decide.
  EXPECT_EQ(Call("POST", "/api/v1/appeals/" + std::to_string(id) + "/decision", business_key_,
                 R"({"decision":"cleared","note":"x"})")
                .status,
            403);
  res = Call("POST", "/api/v1/appeals/" + std::to_string(id) + "/decision", analyst_key_,
             R"({"decision":"cleared","note":"the bank's registered service line"})");
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(Body(res)["state"], "cleared");
  EXPECT_TRUE(Body(res)["reputation"]["label"].is_null());
  EXPECT_EQ(Body(res)["decision"]["note"], "the bank's registered service line");
  EXPECT_EQ(Call("POST", "/api/v1/appeals/" + std::to_string(id) + "/decision", analyst_key_,
                 R"({"decision":"upheld","note":"x"})")
                .status,
            409);
  EXPECT_EQ(Call("POST", "/api/v1/appeals/" + std::to_string(id) + "/decision", analyst_key_,
                 R"({"decision":"maybe","note":"x"})")
                .status,
            400);
}

}  // namespace
}  // namespace quell::api
