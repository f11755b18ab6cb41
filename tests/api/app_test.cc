// The REST front door without a network: routing, authentication, roles, CSRF,
// error bodies and the audit log, on a real store.
#include "quell/api/app.h"

#include <stdlib.h>

#include <filesystem>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "quell/access/access.h"
#include "quell/api/internal/routes.h"
#include "quell/store/store.h"

namespace quell::api {
namespace {

using nlohmann::json;

class AppTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/quell-api-XXXXXX";
    dir_ = mkdtemp(tmpl);
    auto store = store::Store::Open({.path = dir_ + "/quell.db"});
    ASSERT_TRUE(store.has_value()) << store.status().ToString();
    store_ = std::move(*store);
    access::Options options;
    options.key_burst = 2;
    options.key_rate_per_second = 0.001;
    auto accounts = access::Accounts::Open(*store_, clock_, options);
    ASSERT_TRUE(accounts.has_value()) << accounts.status().ToString();
    accounts_ = std::move(*accounts);
    ASSERT_TRUE(accounts_->CreateOrganisation("Acme Telecom", OrgKind::kCarrier).has_value());
    ASSERT_TRUE(accounts_->CreateUser("root", "correct horse battery", Role::kAdmin).has_value());
    ASSERT_TRUE(accounts_->CreateUser("alice", "alice password 1", Role::kCitizen).has_value());
    app_ = std::make_unique<App>(
        AppOptions{}, Services{.store = *store_, .accounts = *accounts_, .clock = clock_});
    app_->SetReady(true);
  }
  void TearDown() override {
    app_.reset();
    accounts_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  net::HttpResponse Call(std::string method, std::string path, std::string body = {},
                         std::vector<std::pair<std::string, std::string>> headers = {}) {
    net::HttpRequest req;
    req.method = std::move(method);
    req.target = path;
    req.path = std::move(path);
    req.body = std::move(body);
    req.remote_ip = "192.0.2.7";
    if (!req.body.empty()) headers.emplace_back("content-type", "application/json");
    req.headers = std::move(headers);
    net::HttpResponse res;
    app_->Handle(req, res);
    return res;
  }

  // Logs in; returns {cookie header value, csrf token}.
  std::pair<std::string, std::string> Login(const std::string& user, const std::string& pass) {
    auto res = Call("POST", "/api/v1/session", json{{"username", user}, {"password", pass}}.dump());
    EXPECT_EQ(res.status, 200) << res.body;
    std::string cookie(res.GetHeader("Set-Cookie"));
    cookie = cookie.substr(0, cookie.find(';'));
    return {cookie, json::parse(res.body)["csrf_token"].get<std::string>()};
  }

  static std::string ErrorCode(const net::HttpResponse& res) {
    return json::parse(res.body)["error"]["code"].get<std::string>();
  }

  std::string dir_;
  FakeClock clock_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<access::Accounts> accounts_;
  std::unique_ptr<App> app_;
};

TEST_F(AppTest, HealthAndReadiness) {
  EXPECT_EQ(Call("GET", "/healthz").status, 200);
  EXPECT_EQ(Call("GET", "/readyz").status, 200);
  app_->SetReady(false);
  auto res = Call("GET", "/readyz");
  EXPECT_EQ(res.status, 503);
  EXPECT_EQ(ErrorCode(res), "unavailable");
}

TEST_F(AppTest, MetricsCanRequireAnAnalystOrAdmin) {
  EXPECT_EQ(Call("GET", "/metrics").status, 200);
  AppOptions closed;
  closed.metrics_public = false;
  app_ = std::make_unique<App>(closed,
                               Services{.store = *store_, .accounts = *accounts_, .clock = clock_});
  EXPECT_EQ(Call("GET", "/metrics").status, 401);
  auto key = accounts_->CreateApiKey(Role::kCarrier, "Acme Telecom", "scraper");
  ASSERT_TRUE(key.has_value());
  EXPECT_EQ(Call("GET", "/metrics", {}, {{"authorization", "Bearer " + key->key}}).status, 403);
  auto [root, csrf] = Login("root", "correct horse battery");
  auto res = Call("GET", "/metrics", {}, {{"cookie", root}});
  EXPECT_EQ(res.status, 200);
  EXPECT_NE(res.body.find("# TYPE"), std::string::npos);
}

TEST_F(AppTest, UnknownRouteAndMethod) {
  auto res = Call("GET", "/api/v1/nothing");
  EXPECT_EQ(res.status, 404);
  EXPECT_EQ(ErrorCode(res), "not_found");
  res = Call("PUT", "/api/v1/admin/keys");
  EXPECT_EQ(res.status, 405);
  EXPECT_EQ(res.GetHeader("Allow"), "GET, POST");
}

TEST_F(AppTest, VocabularyIsPublicAndTranslated) {
  auto res = Call("GET", "/api/v1/vocabulary");
  ASSERT_EQ(res.status, 200);
  auto body = json::parse(res.body);
  EXPECT_EQ(body["categories"].size(), 10u);
  EXPECT_EQ(body["nuisance_kinds"][4]["zh"], "呼死你");
}

TEST_F(AppTest, AuthenticationAndRoles) {
  auto res = Call("GET", "/api/v1/admin/users");
  EXPECT_EQ(res.status, 401);
  EXPECT_EQ(ErrorCode(res), "unauthenticated");
  EXPECT_FALSE(res.GetHeader("WWW-Authenticate").empty());

  auto [alice, alice_csrf] = Login("alice", "alice password 1");
  res = Call("GET", "/api/v1/admin/users", {}, {{"cookie", alice}});
  EXPECT_EQ(res.status, 403);
  EXPECT_EQ(ErrorCode(res), "permission_denied");

  auto [root, root_csrf] = Login("root", "correct horse battery");
  res = Call("GET", "/api/v1/admin/users", {}, {{"cookie", root}});
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(json::parse(res.body)["users"].size(), 2u);
}

TEST_F(AppTest, CsrfRequiredForCookieMutations) {
  auto [root, csrf] = Login("root", "correct horse battery");
  const std::string body = json{{"name", "Beta Bank"}, {"kind", "business"}}.dump();
  auto res = Call("POST", "/api/v1/admin/orgs", body, {{"cookie", root}});
  EXPECT_EQ(res.status, 403);
  res = Call("POST", "/api/v1/admin/orgs", body, {{"cookie", root}, {"x-csrf-token", "forged"}});
  EXPECT_EQ(res.status, 403);
  res = Call("POST", "/api/v1/admin/orgs", body, {{"cookie", root}, {"x-csrf-token", csrf}});
  EXPECT_EQ(res.status, 201) << res.body;
}

TEST_F(AppTest, MalformedJsonAndWrongTypes) {
  auto res = Call("POST", "/api/v1/session", "{\"username\": ");
  EXPECT_EQ(res.status, 400);
  EXPECT_NE(
      json::parse(res.body)["error"]["message"].get<std::string>().find("malformed JSON at byte"),
      std::string::npos);
  res = Call("POST", "/api/v1/session", "[1,2]");
  EXPECT_EQ(res.status, 400);
  res = Call("POST", "/api/v1/session", R"({"username": 5, "password": "x"})");
  EXPECT_EQ(res.status, 400);
  EXPECT_EQ(json::parse(res.body)["error"]["message"], "'username' must be a string");
}

TEST_F(AppTest, ApiKeysAuthenticateAndRateLimit) {
  auto key = accounts_->CreateApiKey(Role::kCarrier, "Acme Telecom", "test");
  ASSERT_TRUE(key.has_value()) << key.status().ToString();
  const std::pair<std::string, std::string> auth{"authorization", "Bearer " + key->key};
  auto res = Call("GET", "/api/v1/whoami", {}, {auth});
  ASSERT_EQ(res.status, 200) << res.body;
  auto body = json::parse(res.body);
  EXPECT_EQ(body["role"], "carrier");
  EXPECT_EQ(body["org"], "Acme Telecom");
  EXPECT_EQ(res.GetHeader("X-Quell-Principal"), body["name"].get<std::string>());
  EXPECT_EQ(Call("GET", "/api/v1/whoami", {}, {auth}).status, 200);
  res = Call("GET", "/api/v1/whoami", {}, {auth});  // burst of 2 spent
  EXPECT_EQ(res.status, 429);
  EXPECT_EQ(ErrorCode(res), "rate_limited");
  EXPECT_EQ(res.GetHeader("Retry-After"), "1");
  // A carrier key cannot reach admin routes.
  EXPECT_EQ(Call("GET", "/api/v1/admin/keys", {}, {{"authorization", "Bearer qk_x_y"}}).status,
            401);
  EXPECT_EQ(Call("GET", "/api/v1/whoami", {}, {{"authorization", "Basic abc"}}).status, 401);
}

TEST_F(AppTest, MutationsAndPersonalDataViewsAreAudited) {
  auto [root, csrf] = Login("root", "correct horse battery");
  auto res =
      Call("POST", "/api/v1/admin/users",
           json{{"username", "bob"}, {"password", "bob password 1"}, {"role", "citizen"}}.dump(),
           {{"cookie", root}, {"x-csrf-token", csrf}});
  ASSERT_EQ(res.status, 201) << res.body;
  ASSERT_EQ(Call("GET", "/api/v1/admin/users", {}, {{"cookie", root}}).status, 200);
  auto entries = accounts_->ListAudit(10);
  ASSERT_TRUE(entries.has_value());
  ASSERT_GE(entries->size(), 3u);
  EXPECT_EQ((*entries)[0].action, "users.view");
  EXPECT_EQ((*entries)[1].action, "user.create");
  EXPECT_EQ((*entries)[1].actor, "root");
  EXPECT_EQ((*entries)[1].target, "user:bob");
  EXPECT_EQ((*entries)[1].remote, "192.0.2.7");
  EXPECT_EQ((*entries)[2].action, "session.login");
}

TEST_F(AppTest, AdminsDisableAndEnableUsers) {
  auto [alice, alice_csrf] = Login("alice", "alice password 1");
  auto [root, csrf] = Login("root", "correct horse battery");
  const std::vector<std::pair<std::string, std::string>> admin = {{"cookie", root},
                                                                  {"x-csrf-token", csrf}};
  auto res = Call("PATCH", "/api/v1/admin/users/alice", R"({"disabled": true})", admin);
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(json::parse(res.body)["user"]["disabled"], true);
  // Her session ended and she cannot log in again.
  EXPECT_EQ(Call("GET", "/api/v1/session", {}, {{"cookie", alice}}).status, 401);
  res = Call("POST", "/api/v1/session",
             json{{"username", "alice"}, {"password", "alice password 1"}}.dump());
  EXPECT_EQ(res.status, 401);
  res = Call("PATCH", "/api/v1/admin/users/alice", R"({"disabled": false})", admin);
  ASSERT_EQ(res.status, 200) << res.body;
  Login("alice", "alice password 1");
  EXPECT_EQ(Call("PATCH", "/api/v1/admin/users/root", R"({"disabled": true})", admin).status, 409);
  EXPECT_EQ(Call("PATCH", "/api/v1/admin/users/nobody", R"({"disabled": true})", admin).status,
            404);
  EXPECT_EQ(Call("PATCH", "/api/v1/admin/users/alice", R"({"disabled": "yes"})", admin).status,
            400);
}

TEST_F(AppTest, FailedLoginsAreRateLimitedAndAudited) {
  for (int i = 0; i < 5; ++i) {
    auto res = Call("POST", "/api/v1/session",
                    json{{"username", "root"}, {"password", "nope nope"}}.dump());
    EXPECT_EQ(res.status, 401);
  }
  auto res = Call("POST", "/api/v1/session",
                  json{{"username", "root"}, {"password", "correct horse battery"}}.dump());
  EXPECT_EQ(res.status, 429);
  auto entries = accounts_->ListAudit(1);
  ASSERT_TRUE(entries.has_value());
  EXPECT_EQ((*entries)[0].action, "session.login_failed");
}

TEST_F(AppTest, InternalErrorsDoNotLeak) {
  net::HttpRequest req;
  net::HttpResponse res;
  std::atomic<bool> ready{true};
  AppOptions options;
  Services services{.store = *store_, .accounts = *accounts_, .clock = clock_};
  Context ctx{.req = req, .res = res, .services = services, .options = options, .ready = ready};
  WriteError(ctx, Internal("sqlite: disk I/O error at /secret/path"));
  EXPECT_EQ(res.status, 500);
  EXPECT_EQ(res.body, R"({"error":{"code":"internal","message":"internal error"}})");
}

}  // namespace
}  // namespace quell::api
