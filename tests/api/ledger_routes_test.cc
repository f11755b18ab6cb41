// /api/v1/ledger over the App without a network: organisations append records
// they signed themselves (the server verifies and chains them), admins add and
// revoke keys, anyone reads the keys, organisations page through the records as
// replicas do, and a replica follows this primary through these very routes.
#include <stdlib.h>

#include <filesystem>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "quell/access/access.h"
#include "quell/api/app.h"
#include "quell/enforce/ledger.h"
#include "quell/enforce/replica.h"
#include "quell/store/store.h"

namespace quell::api {
namespace {

using nlohmann::json;
constexpr int64_t kNowMs = 1793584800000;  // 2026-11-02T02:00:00Z

class LedgerApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/quell-ledger-api-XXXXXX";
    dir_ = mkdtemp(tmpl);
    clock_.Set(FromUnixMillis(kNowMs));
    store_ = *store::Store::Open({.path = dir_ + "/quell.db"});
    accounts_ = *access::Accounts::Open(*store_, clock_, {});
    ASSERT_TRUE(accounts_->CreateOrganisation("Acme Telecom", OrgKind::kCarrier).has_value());
    carrier_key_ = accounts_->CreateApiKey(Role::kCarrier, "Acme Telecom", "t")->key;
    ASSERT_TRUE(accounts_->CreateOrganisation("Beta Mobile", OrgKind::kCarrier).has_value());
    other_carrier_key_ = accounts_->CreateApiKey(Role::kCarrier, "Beta Mobile", "t")->key;
    auto ledger = enforce::Ledger::Open({.dir = dir_ + "/ledger"}, clock_);
    ASSERT_TRUE(ledger.has_value()) << ledger.status().ToString();
    ledger_ = std::move(*ledger);
    app_ = std::make_unique<App>(
        AppOptions{},
        Services{
            .store = *store_, .accounts = *accounts_, .clock = clock_, .ledger = ledger_.get()});
    ASSERT_TRUE(ledger_->AddKey("acme/1", "Acme Telecom", acme_.public_key()).has_value());
  }
  void TearDown() override {
    app_.reset();
    ledger_.reset();
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
  // What `quell ledger sign` prints.
  std::string Signed(const enforce::SigningKey& k, const std::string& kind, const json& payload) {
    enforce::LedgerEntry e = k.Sign(kind, payload.dump(), kNowMs);
    return json{{"kind", e.kind},
                {"key_id", e.key_id},
                {"signed_ms", e.signed_ms},
                {"payload", e.payload},
                {"signature", enforce::EncodeSignature(e.signature)}}
        .dump();
  }

  std::string dir_;
  FakeClock clock_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<access::Accounts> accounts_;
  std::unique_ptr<enforce::Ledger> ledger_;
  std::unique_ptr<App> app_;
  std::string carrier_key_, other_carrier_key_;
  enforce::SigningKey acme_ = enforce::SigningKey::Generate("acme/1");
};

TEST_F(LedgerApiTest, AnOrganisationAppendsWhatItSigned) {
  json payload = {{"type", "dnc_violation"},
                  {"caller_hash", ledger_->HashNumber("+8613800138000")}};
  auto res = Call("POST", "/api/v1/ledger", carrier_key_, Signed(acme_, "violation", payload));
  ASSERT_EQ(res.status, 201) << res.body;
  EXPECT_EQ(Body(res)["seq"], 3);
  // Read back: the payload as signed, the signature verifiable by anyone.
  res = Call("GET", "/api/v1/ledger/3", carrier_key_);
  ASSERT_EQ(res.status, 200) << res.body;
  json rec = Body(res);
  EXPECT_EQ(rec["kind"], "violation");
  EXPECT_EQ(rec["key_id"], "acme/1");
  EXPECT_EQ(rec["payload"]["caller_hash"], payload["caller_hash"]);
  EXPECT_EQ(rec["hash"], enforce::Hex(ledger_->head().hash));
}

TEST_F(LedgerApiTest, RefusesWhatTheLedgerMustNotTake) {
  // Unauthenticated, and a key of another organisation.
  EXPECT_EQ(Call("POST", "/api/v1/ledger", "", Signed(acme_, "violation", {{"a", 1}})).status, 401);
  EXPECT_EQ(
      Call("POST", "/api/v1/ledger", other_carrier_key_, Signed(acme_, "violation", {{"a", 1}}))
          .status,
      403);
  // A number in clear.
  auto res = Call("POST", "/api/v1/ledger", carrier_key_,
                  Signed(acme_, "violation", {{"caller", "+8613800138000"}}));
  EXPECT_EQ(res.status, 400);
  EXPECT_NE(res.body.find("salted"), std::string::npos) << res.body;
  // A tampered payload.
  json body = json::parse(Signed(acme_, "violation", {{"a", 1}}));
  body["payload"] = R"({"a":2})";
  EXPECT_EQ(Call("POST", "/api/v1/ledger", carrier_key_, body.dump()).status, 400);
  // A replay.
  std::string once = Signed(acme_, "violation", {{"b", 1}});
  EXPECT_EQ(Call("POST", "/api/v1/ledger", carrier_key_, once).status, 201);
  EXPECT_EQ(Call("POST", "/api/v1/ledger", carrier_key_, once).status, 409);
  // Malformed signature.
  body = json::parse(Signed(acme_, "violation", {{"c", 1}}));
  body["signature"] = "abc";
  EXPECT_EQ(Call("POST", "/api/v1/ledger", carrier_key_, body.dump()).status, 400);
  EXPECT_EQ(ledger_->head().seq, 3u);
}

TEST_F(LedgerApiTest, KeysArePublicAndManagedByAdmins) {
  auto res = Call("GET", "/api/v1/ledger/keys", "");
  ASSERT_EQ(res.status, 200);
  json keys = Body(res);
  EXPECT_EQ(keys["operator_key"], enforce::EncodeKey(ledger_->operator_key()));
  ASSERT_EQ(keys["keys"].size(), 2u);
  EXPECT_EQ(keys["keys"][1]["organisation"], "Acme Telecom");

  enforce::SigningKey beta = enforce::SigningKey::Generate("beta/1");
  json add = {{"key_id", "beta/1"},
              {"organisation", "Beta Mobile"},
              {"public_key", enforce::EncodeKey(beta.public_key())}};
  EXPECT_EQ(Call("POST", "/api/v1/ledger/keys", carrier_key_, add.dump()).status, 403);
  // Admins act through portal sessions (or keys); here through the library.
  EXPECT_TRUE(ledger_->AddKey("beta/1", "Beta Mobile", beta.public_key()).has_value());
  EXPECT_EQ(
      Call("POST", "/api/v1/ledger", other_carrier_key_, Signed(beta, "violation", {{"x", 1}}))
          .status,
      201);
  EXPECT_TRUE(ledger_->RevokeKey("beta/1", "rotated").has_value());
  EXPECT_EQ(
      Call("POST", "/api/v1/ledger", other_carrier_key_, Signed(beta, "violation", {{"x", 2}}))
          .status,
      403);
}

TEST_F(LedgerApiTest, AReplicaFollowsThroughTheseRoutes) {
  for (int i = 0; i < 30; ++i) {
    ASSERT_EQ(
        Call("POST", "/api/v1/ledger", carrier_key_, Signed(acme_, "violation", {{"n", i}})).status,
        201);
  }
  EXPECT_EQ(Call("GET", "/api/v1/ledger?after=0", "").status, 401);
  auto head = Body(Call("GET", "/api/v1/ledger/head", carrier_key_));
  EXPECT_EQ(head["seq"], 32);
  enforce::Ledger::Options o{
      .dir = dir_ + "/replica", .replica = true, .operator_key_pin = ledger_->operator_key()};
  auto replica = enforce::Ledger::Open(o, clock_);
  ASSERT_TRUE(replica.has_value());
  enforce::Follower follower(
      **replica, "http://primary",
      [&](const std::string& q) -> Result<std::string> {
        auto res = Call("GET", q, carrier_key_);
        if (res.status != 200) return Unavailable("HTTP " + std::to_string(res.status));
        return res.body;
      },
      clock_);
  auto n = follower.Sync(7);
  ASSERT_TRUE(n.has_value()) << n.status().ToString();
  EXPECT_EQ(*n, 32u);
  EXPECT_EQ((*replica)->head().hash, ledger_->head().hash);
  auto audited = follower.Audit(10);
  ASSERT_TRUE(audited.has_value());
  EXPECT_EQ(*audited, 32u);
  EXPECT_EQ(Call("GET", "/api/v1/ledger/replica", carrier_key_).status, 403);
}

}  // namespace
}  // namespace quell::api
