// STIR/SHAKEN over REST without a network: the ATIS-1000082 shapes and error
// codes of /stir/v1/signing and /stir/v1/verification, the certificate
// repository, and the TN-ownership routes, on a real store and test PKI.
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "quell/access/access.h"
#include "quell/api/app.h"
#include "quell/shaken/credential_cache.h"
#include "quell/shaken/pki.h"
#include "quell/shaken/signer.h"
#include "quell/shaken/tn_ownership.h"
#include "quell/shaken/verifier.h"
#include "quell/shaken/x5u_fetch.h"
#include "quell/store/store.h"

namespace quell::api {
namespace {

using nlohmann::json;
constexpr int64_t kDay = 86'400;
constexpr char kX5u[] = "https://cr.example.net/sti-cr/acme.pem";

// The repository is preloaded into the cache: nothing is fetched in these tests.
class NoFetcher final : public shaken::CertificateFetcher {
 public:
  Result<shaken::FetchedDocument> Fetch(std::string_view url) override {
    return Unavailable("no network in this test: " + std::string(url));
  }
};

std::string Must(Result<std::string> r) {
  EXPECT_TRUE(r.has_value()) << r.status().ToString();
  return r.value_or("");
}

class StirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/quell-stir-XXXXXX";
    dir_ = mkdtemp(tmpl);
    store_ = *store::Store::Open({.path = dir_ + "/quell.db"});
    accounts_ = *access::Accounts::Open(*store_, clock_, {});
    auto org = accounts_->CreateOrganisation("Acme Telecom", OrgKind::kCarrier);
    ASSERT_TRUE(org.has_value());
    org_id_ = std::to_string(org->id);
    key_ = accounts_->CreateApiKey(Role::kCarrier, "Acme Telecom", "test")->key;
    ASSERT_TRUE(accounts_->CreateOrganisation("Acme App", OrgKind::kAppVendor).has_value());
    app_key_ = accounts_->CreateApiKey(Role::kApp, "Acme App", "test")->key;

    const int64_t now = Now();
    auto root_key = *shaken::EcKey::Generate();
    auto leaf_key = *shaken::EcKey::Generate();
    const std::string root_pem = Must(shaken::IssueRootCa(
        {.subject = {.common_name = "Root"}, .not_before = now - kDay, .not_after = now + kDay},
        root_key));
    auto root = (*shaken::ParsePemCertificates(root_pem))[0];
    const std::string leaf_pem =
        Must(shaken::IssueShakenCertificate({.subject = {.common_name = "SHAKEN 1234"},
                                             .not_before = now - kDay,
                                             .not_after = now + kDay,
                                             .tn_auth_list = {.spcs = {"1234"}}},
                                            leaf_key, {root, root_key}));
    std::ofstream(dir_ + "/sp.key") << *leaf_key.PrivatePem();
    std::ofstream(dir_ + "/sp.pem") << leaf_pem;

    ownership_ = *shaken::TnOwnership::Open(*store_, clock_);
    ASSERT_TRUE(ownership_->CreateCustomer(org_id_, {.id = "bank", .name = "Bank"}).has_value());
    ASSERT_TRUE(
        ownership_->AddRange(org_id_, "bank", {.first = "8613800138000", .last = "8613800138999"})
            .has_value());
    signers_ = std::make_unique<shaken::SignerRegistry>();
    ASSERT_TRUE(signers_
                    ->Reload({{.name = "acme",
                               .org_id = org_id_,
                               .key_file = dir_ + "/sp.key",
                               .cert_file = dir_ + "/sp.pem",
                               .x5u = kX5u}})
                    .ok());
    signer_ = std::make_unique<shaken::Signer>(*signers_, *ownership_, clock_);
    cache_ = *shaken::CredentialCache::Create({}, std::make_unique<NoFetcher>(), clock_);
    ASSERT_TRUE(cache_->Preload(kX5u, leaf_pem).ok());
    verifier_ = std::make_unique<shaken::Verifier>(
        clock_, *cache_, *shaken::TrustStore::FromPem(root_pem, ""), shaken::VerifierOptions{});
    app_ = std::make_unique<App>(AppOptions{}, Services{.store = *store_,
                                                        .accounts = *accounts_,
                                                        .clock = clock_,
                                                        .verifier = verifier_.get(),
                                                        .signer = signer_.get(),
                                                        .signers = signers_.get(),
                                                        .tn_ownership = ownership_.get()});
  }
  void TearDown() override {
    app_.reset();
    std::filesystem::remove_all(dir_);
  }

  int64_t Now() const {
    return std::chrono::duration_cast<std::chrono::seconds>(clock_.Now().time_since_epoch())
        .count();
  }

  net::HttpResponse Call(std::string method, std::string path, std::string body,
                         std::vector<std::pair<std::string, std::string>> headers = {},
                         std::string key = "") {
    net::HttpRequest req;
    req.method = std::move(method);
    req.target = path;
    const std::size_t q = path.find('?');
    req.path = path.substr(0, q);
    if (q != std::string::npos) req.query = path.substr(q + 1);
    req.body = std::move(body);
    req.remote_ip = "192.0.2.7";
    req.headers = std::move(headers);
    req.headers.emplace_back("authorization", "Bearer " + (key.empty() ? key_ : key));
    net::HttpResponse res;
    app_->Handle(req, res);
    return res;
  }

  // An ATIS POST: JSON with its Content-Length, as a client sends it.
  net::HttpResponse Post(const std::string& path, const json& body,
                         std::vector<std::pair<std::string, std::string>> headers = {}) {
    const std::string text = body.dump();
    headers.emplace_back("content-type", "application/json");
    headers.emplace_back("content-length", std::to_string(text.size()));
    return Call("POST", path, text, std::move(headers));
  }

  json SigningRequest(std::string orig = "8613800138001") {
    return {{"signingRequest",
             {{"attest", "A"},
              {"dest", {{"tn", {"8613900139000"}}}},
              {"iat", Now()},
              {"orig", {{"tn", orig}}},
              {"origid", "123e4567-e89b-12d3-a456-426655440000"},
              {"customer", "bank"}}}};
  }

  json VerificationRequest(const std::string& identity, std::string from = "8613800138001") {
    return {{"verificationRequest",
             {{"from", {{"tn", from}}},
              {"to", {{"tn", {"8613900139000"}}}},
              {"time", Now()},
              {"identity", identity}}}};
  }

  static void ExpectAtisError(const net::HttpResponse& res, int http, std::string_view kind,
                              std::string_view id) {
    EXPECT_EQ(res.status, http) << res.body;
    json body = json::parse(res.body);
    ASSERT_TRUE(body["requestError"].contains(std::string(kind))) << res.body;
    EXPECT_EQ(body["requestError"][std::string(kind)]["messageId"], id) << res.body;
  }

  std::string dir_;
  FakeClock clock_;
  std::string org_id_, key_, app_key_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<access::Accounts> accounts_;
  std::unique_ptr<shaken::TnOwnership> ownership_;
  std::unique_ptr<shaken::SignerRegistry> signers_;
  std::unique_ptr<shaken::Signer> signer_;
  std::unique_ptr<shaken::CredentialCache> cache_;
  std::unique_ptr<shaken::Verifier> verifier_;
  std::unique_ptr<App> app_;
};

TEST_F(StirTest, SignThenVerifyThenReplay) {
  auto signed_res = Post("/stir/v1/signing", SigningRequest(), {{"x-requestid", "req-1"}});
  ASSERT_EQ(signed_res.status, 200) << signed_res.body;
  EXPECT_EQ(signed_res.GetHeader("X-RequestID"), "req-1");
  json s = json::parse(signed_res.body)["signingResponse"];
  EXPECT_EQ(s["attest"], "A");
  const std::string identity = s["identity"];
  EXPECT_NE(identity.find(";info=<" + std::string(kX5u) + ">;alg=ES256;ppt=shaken"),
            std::string::npos);

  auto v = Post("/stir/v1/verification", VerificationRequest(identity));
  ASSERT_EQ(v.status, 200) << v.body;
  json r = json::parse(v.body)["verificationResponse"];
  EXPECT_EQ(r["verstat"], "TN-Validation-Passed") << v.body;
  EXPECT_EQ(r["attest"], "A");
  EXPECT_EQ(r["signer"], "CN=SHAKEN 1234");

  json again = json::parse(Post("/stir/v1/verification", VerificationRequest(identity)).body);
  EXPECT_EQ(again["verificationResponse"]["verstat"], "TN-Validation-Failed");
  EXPECT_EQ(again["verificationResponse"]["reasoncode"], 438);

  // Counted for /metrics by result and by attestation.
  const std::string metrics = Call("GET", "/metrics", "").body;
  EXPECT_NE(metrics.find("quell_shaken_verifications_total{code=\"passed\"}"), std::string::npos);
  EXPECT_NE(metrics.find("quell_shaken_verifications_total{code=\"438\"}"), std::string::npos);
  EXPECT_NE(metrics.find("quell_shaken_signatures_total{attest=\"A\"}"), std::string::npos);
}

// Rich Call Data (RFC 9795) travels from the signing request to the verifier's answer.
TEST_F(StirTest, RichCallDataEndToEnd) {
  json req = SigningRequest();
  req["signingRequest"]["rcd"] = {{"nam", "Acme Bank 客服"}, {"icn", "https://acme.example/a.png"}};
  req["signingRequest"]["crn"] = "Card fraud alert";
  auto s = Post("/stir/v1/signing", req);
  ASSERT_EQ(s.status, 200) << s.body;
  const std::string identity = json::parse(s.body)["signingResponse"]["identity"];
  json r = json::parse(Post("/stir/v1/verification", VerificationRequest(identity)).body);
  EXPECT_EQ(r["verificationResponse"]["rcd"]["nam"], "Acme Bank 客服") << r;
  EXPECT_EQ(r["verificationResponse"]["rcd"]["crn"], "Card fraud alert") << r;
  req["signingRequest"]["rcd"] = {{"nam", 7}};
  ExpectAtisError(Post("/stir/v1/signing", req), 400, "serviceException", "SVC4005");
}

TEST_F(StirTest, AttestationComesFromData) {
  // The bank's customer signing a number that is not the bank's gets B, whatever it asks.
  json s = json::parse(Post("/stir/v1/signing", SigningRequest("8613900000000")).body);
  EXPECT_EQ(s["signingResponse"]["attest"], "B") << s;
  json req = SigningRequest();
  req["signingRequest"]["customer"] = "nobody";
  s = json::parse(Post("/stir/v1/signing", req).body);
  EXPECT_EQ(s["signingResponse"]["attest"], "C") << s;
}

TEST_F(StirTest, VerificationFailuresCarryReason) {
  json s = json::parse(Post("/stir/v1/signing", SigningRequest()).body);
  const std::string identity = s["signingResponse"]["identity"];
  // orig ≠ from (E16).
  json r = json::parse(
      Post("/stir/v1/verification", VerificationRequest(identity, "8613800138002")).body);
  EXPECT_EQ(r["verificationResponse"]["reasoncode"], 438);
  EXPECT_EQ(r["verificationResponse"]["reasontext"], "Invalid Identity Header");
  EXPECT_NE(r["verificationResponse"]["reasondesc"].get<std::string>().find("orig mismatch"),
            std::string::npos);
  // The request's own time outside ±60 s (E3).
  json stale = VerificationRequest(identity);
  stale["verificationRequest"]["time"] = Now() - 61;
  r = json::parse(Post("/stir/v1/verification", stale).body);
  EXPECT_EQ(r["verificationResponse"]["reasoncode"], 403);
  // Compact form (E4).
  const std::string compact = ".." + identity.substr(identity.rfind('.') + 1);
  r = json::parse(Post("/stir/v1/verification", VerificationRequest(compact)).body);
  EXPECT_EQ(r["verificationResponse"]["reasoncode"], 438);
}

TEST_F(StirTest, RequestErrorsUseAtisShapes) {
  // SVC4007: no Content-Length.
  ExpectAtisError(Call("POST", "/stir/v1/signing", "{}", {{"content-type", "application/json"}}),
                  411, "serviceException", "SVC4007");
  // SVC4000: no body.
  ExpectAtisError(Call("POST", "/stir/v1/signing", "", {{"content-length", "0"}}), 400,
                  "serviceException", "SVC4000");
  // SVC4004: not JSON.
  ExpectAtisError(Call("POST", "/stir/v1/signing", "x=1",
                       {{"content-type", "text/plain"}, {"content-length", "3"}}),
                  415, "serviceException", "SVC4004");
  // SVC4002: the client accepts no JSON.
  ExpectAtisError(Post("/stir/v1/signing", SigningRequest(), {{"accept", "text/html"}}), 406,
                  "serviceException", "SVC4002");
  // SVC4006: unparsable.
  ExpectAtisError(Call("POST", "/stir/v1/signing", "{nope",
                       {{"content-type", "application/json"}, {"content-length", "5"}}),
                  400, "serviceException", "SVC4006");
  // SVC4001 names the missing parameter.
  json missing = SigningRequest();
  missing["signingRequest"].erase("origid");
  auto res = Post("/stir/v1/signing", missing);
  ExpectAtisError(res, 400, "serviceException", "SVC4001");
  EXPECT_EQ(json::parse(res.body)["requestError"]["serviceException"]["variables"][0], "origid");
  // SVC4005: invalid values (non-UUID origid, attest D, stale iat).
  json bad = SigningRequest();
  bad["signingRequest"]["origid"] = "not-a-uuid";
  ExpectAtisError(Post("/stir/v1/signing", bad), 400, "serviceException", "SVC4005");
  bad = SigningRequest();
  bad["signingRequest"]["attest"] = "D";
  ExpectAtisError(Post("/stir/v1/signing", bad), 400, "serviceException", "SVC4005");
  bad = SigningRequest();
  bad["signingRequest"]["iat"] = Now() - 3600;
  ExpectAtisError(Post("/stir/v1/signing", bad), 400, "serviceException", "SVC4005");
  // POL4050 and SVC4003.
  ExpectAtisError(Call("GET", "/stir/v1/signing", ""), 405, "policyException", "POL4050");
  ExpectAtisError(Call("GET", "/stir/v1/nothing", ""), 404, "serviceException", "SVC4003");
  // Authentication and roles in the same shape.
  ExpectAtisError(Call("POST", "/stir/v1/signing", "{}", {}, "qk_bad_key"), 401, "policyException",
                  "POL4010");
  ExpectAtisError(Call("POST", "/stir/v1/verification", "{}", {}, app_key_), 403, "policyException",
                  "POL4030");
}

TEST_F(StirTest, RepositoryServesTheChainWithCaching) {
  net::HttpRequest req;
  req.method = "GET";
  req.path = req.target = "/sti-cr/acme.pem";
  net::HttpResponse res;
  app_->Handle(req, res);
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.GetHeader("Content-Type"), "application/pem-certificate-chain");
  EXPECT_EQ(res.GetHeader("Cache-Control"), "public, max-age=3600");
  EXPECT_EQ(res.body.rfind("-----BEGIN CERTIFICATE-----", 0), 0u);
  req.path = req.target = "/sti-cr/unknown.pem";
  res = {};
  app_->Handle(req, res);
  EXPECT_EQ(res.status, 404);
}

TEST_F(StirTest, CustomersAndRanges) {
  auto res = Call("POST", "/api/v1/shaken/customers", json{{"id", "shop"}, {"name", "Shop"}}.dump(),
                  {{"content-type", "application/json"}});
  ASSERT_EQ(res.status, 201) << res.body;
  res = Call("POST", "/api/v1/shaken/customers/shop/ranges",
             json{{"first", "+86 138-0013-9000"}}.dump(), {{"content-type", "application/json"}});
  // A space is not a visual separator the E.164 parser accepts: a clear 400.
  EXPECT_EQ(res.status, 400) << res.body;
  res = Call(
      "POST", "/api/v1/shaken/customers/shop/ranges",
      json{{"ranges", {{{"first", "+86-138-0013-9000"}, {"last", "+86-138-0013-9009"}}}}}.dump(),
      {{"content-type", "application/json"}});
  ASSERT_EQ(res.status, 201) << res.body;
  // Overlapping the bank's range is refused, naming the holder.
  res = Call("POST", "/api/v1/shaken/customers/shop/ranges",
             json{{"first", "8613800138500"}}.dump(), {{"content-type", "application/json"}});
  EXPECT_EQ(res.status, 409) << res.body;
  EXPECT_NE(res.body.find("bank"), std::string::npos) << res.body;

  json list = json::parse(Call("GET", "/api/v1/shaken/customers", "").body);
  ASSERT_EQ(list["customers"].size(), 2u) << list;
  json preview = json::parse(
      Call("GET", "/api/v1/shaken/attestation?orig=8613800139005&customer=shop", "").body);
  EXPECT_EQ(preview["attest"], "A") << preview;
  EXPECT_EQ(
      Call("DELETE", "/api/v1/shaken/customers/shop/ranges/8613800139000?last=8613800139009", "")
          .status,
      204);
  EXPECT_EQ(Call("DELETE", "/api/v1/shaken/customers/shop", "").status, 204);
  EXPECT_EQ(Call("GET", "/api/v1/shaken/customers/shop", "").status, 404);
  // Another role cannot see a carrier's customers.
  EXPECT_EQ(Call("GET", "/api/v1/shaken/customers", "", {}, app_key_).status, 403);
}

}  // namespace
}  // namespace quell::api
