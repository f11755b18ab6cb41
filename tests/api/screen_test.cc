// /api/v1/screen over the App without a network: one call and a batch, the
// explanation, validation of the whole batch first, roles, the live view and
// the policy reload.
#include <stdlib.h>

#include <filesystem>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "quell/access/access.h"
#include "quell/api/app.h"
#include "quell/screen/numbering_provider.h"
#include "quell/screen/pipeline.h"
#include "quell/store/store.h"

namespace quell::api {
namespace {

using nlohmann::json;

class ScreenApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/quell-screen-api-XXXXXX";
    dir_ = mkdtemp(tmpl);
    store_ = *store::Store::Open({.path = dir_ + "/quell.db"});
    accounts_ = *access::Accounts::Open(*store_, clock_, {});
    ASSERT_TRUE(accounts_->CreateOrganisation("Acme Telecom", OrgKind::kCarrier).has_value());
    carrier_key_ = accounts_->CreateApiKey(Role::kCarrier, "Acme Telecom", "test")->key;
    ASSERT_TRUE(accounts_->CreateOrganisation("Acme App", OrgKind::kAppVendor).has_value());
    app_key_ = accounts_->CreateApiKey(Role::kApp, "Acme App", "test")->key;
    ASSERT_TRUE(accounts_->CreateUser("root", "correct horse battery", Role::kAdmin).has_value());

    std::vector<std::unique_ptr<screen::SignalProvider>> providers;
    providers.push_back(std::make_unique<screen::NumberingProvider>(plan_));
    pipeline_ = std::make_unique<screen::Pipeline>(screen::PipelineOptions{}, plan_, clock_,
                                                   std::move(providers), screen::Policy::Default(),
                                                   nullptr);
    app_ = std::make_unique<App>(AppOptions{}, Services{.store = *store_,
                                                        .accounts = *accounts_,
                                                        .clock = clock_,
                                                        .pipeline = pipeline_.get(),
                                                        .reload_screen_policy = [this]() -> Status {
                                                          auto p = screen::Policy::Parse(
                                                              policy_text_, "quell.toml");
                                                          if (!p) return p.error();
                                                          pipeline_->SetPolicy(*p);
                                                          return Status::Ok();
                                                        }});
  }
  void TearDown() override {
    app_.reset();
    std::filesystem::remove_all(dir_);
  }

  net::HttpResponse Call(std::string method, std::string path, std::string body,
                         const std::string& key,
                         std::vector<std::pair<std::string, std::string>> headers = {}) {
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
    if (!req.body.empty()) req.headers.emplace_back("content-type", "application/json");
    net::HttpResponse res;
    app_->Handle(req, res);
    return res;
  }
  net::HttpResponse Post(const std::string& path, const json& body, const std::string& key = "") {
    return Call("POST", path, body.dump(), key.empty() ? carrier_key_ : key);
  }
  json Body(const net::HttpResponse& res) { return json::parse(res.body); }

  // An admin's portal session: POST with its cookie and CSRF token.
  net::HttpResponse AdminPost(const std::string& path) {
    auto login = Call("POST", "/api/v1/session",
                      json{{"username", "root"}, {"password", "correct horse battery"}}.dump(), "");
    EXPECT_EQ(login.status, 200) << login.body;
    std::string cookie(login.GetHeader("Set-Cookie"));
    cookie = cookie.substr(0, cookie.find(';'));
    const std::string csrf = json::parse(login.body)["csrf_token"];
    return Call("POST", path, "", "", {{"cookie", cookie}, {"x-csrf-token", csrf}});
  }

  FakeClock clock_;
  NumberPlan plan_{"CN"};
  std::string dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<access::Accounts> accounts_;
  std::string carrier_key_, app_key_;
  std::unique_ptr<screen::Pipeline> pipeline_;
  std::unique_ptr<App> app_;
  std::string policy_text_;
};

TEST_F(ScreenApiTest, OneCallWithItsReasons) {
  auto res = Post("/api/v1/screen", {{"caller", "+86 123 45"}, {"callee", "13900139000"}});
  ASSERT_EQ(res.status, 200) << res.body;
  const json v = Body(res);
  EXPECT_EQ(v["action"], "block");
  EXPECT_EQ(v["sip_code"], 608);
  EXPECT_EQ(v["rule"], "invalid-caller");
  EXPECT_EQ(v["label"]["en"], "Invalid caller number");
  EXPECT_EQ(v["label"]["zh"], "主叫号码无效");
  EXPECT_EQ(v["callee"], "+8613900139000");
  ASSERT_EQ(v["reasons"].size(), 2u);
  EXPECT_EQ(v["reasons"][1]["condition"], "caller.valid == false");
  EXPECT_EQ(v["reasons"][1]["value"], false);
  EXPECT_EQ(v["reasons"][1]["provider"], "numbering");
  EXPECT_EQ(v["signals"]["call.direction"], "terminating");

  const json ok = Body(Post("/api/v1/screen", {{"caller", "+8613800138000"}, {"callee", "110"}}));
  EXPECT_EQ(ok["emergency"], true);
  EXPECT_EQ(ok["action"], "allow");
}

TEST_F(ScreenApiTest, BatchIsCheckedWholeBeforeAnyCallIsScreened) {
  auto res = Post("/api/v1/screen", {{"calls",
                                      {{{"caller", "+8613800138000"}, {"callee", "+8613900139000"}},
                                       {{"caller", "+8613800138000"},
                                        {"callee", "+8613900139000"},
                                        {"direction", "sideways"}}}}});
  EXPECT_EQ(res.status, 400);
  EXPECT_NE(res.body.find("calls[1].direction must be terminating or originating"),
            std::string::npos)
      << res.body;
  EXPECT_TRUE(pipeline_->Recent(10).empty());

  res = Post("/api/v1/screen",
             {{"calls",
               {{{"caller", "+8613800138000"}, {"callee", "+8613900139000"}},
                {{"caller", "+8612345"}, {"callee", "+8613900139000"}, {"call_id", "x@y"}}}}});
  ASSERT_EQ(res.status, 200) << res.body;
  const json v = Body(res);
  ASSERT_EQ(v["verdicts"].size(), 2u);
  EXPECT_EQ(v["verdicts"][0]["action"], "allow");
  EXPECT_EQ(v["verdicts"][1]["action"], "block");
  EXPECT_EQ(Post("/api/v1/screen", {{"calls", json::array()}}).status, 400);
  EXPECT_EQ(Post("/api/v1/screen", {{"caller", "+8613800138000"}}).status, 400);  // no callee
}

TEST_F(ScreenApiTest, OnlyCarriersAndAdminsScreen) {
  EXPECT_EQ(Post("/api/v1/screen", {{"callee", "+8613900139000"}}, app_key_).status, 403);
  EXPECT_EQ(Post("/api/v1/screen", {{"callee", "+8613900139000"}}).status, 200);
  EXPECT_EQ(Call("POST", "/api/v1/screen", "{}", "not-a-key").status, 401);
}

TEST_F(ScreenApiTest, OnlyTheSigningCarrierScreensOriginatingCalls) {
  auto signing = accounts_->CreateOrganisation("Signing Carrier", OrgKind::kCarrier);
  ASSERT_TRUE(signing.has_value());
  const std::string signing_key =
      accounts_->CreateApiKey(Role::kCarrier, "Signing Carrier", "test")->key;
  app_ = std::make_unique<App>(AppOptions{}, Services{.store = *store_,
                                                      .accounts = *accounts_,
                                                      .clock = clock_,
                                                      .pipeline = pipeline_.get(),
                                                      .screen_signing_org = signing->id});
  const json originating = {
      {"caller", "+8613800138000"}, {"callee", "+8613900139000"}, {"direction", "originating"}};
  // Another carrier's key would have Quell attest its calls: refused, batch or not.
  auto res = Post("/api/v1/screen", originating);
  EXPECT_EQ(res.status, 403) << res.body;
  EXPECT_NE(res.body.find("another organisation"), std::string::npos) << res.body;
  EXPECT_EQ(Post("/api/v1/screen", {{"calls", json::array({originating})}}).status, 403);
  // Its terminating calls are screened as before; the signing carrier's own are signed.
  EXPECT_EQ(
      Post("/api/v1/screen", {{"caller", "+8613800138000"}, {"callee", "+8613900139000"}}).status,
      200);
  res = Post("/api/v1/screen", originating, signing_key);
  EXPECT_EQ(res.status, 200) << res.body;
}

TEST_F(ScreenApiTest, LiveViewShowsRecentVerdictsAndActivity) {
  Post("/api/v1/screen", {{"caller", "+8613800138000"}, {"callee", "+8613900139000"}});
  Post("/api/v1/screen", {{"caller", "+8612345"}, {"callee", "+8613900139001"}});
  auto res = Call("GET", "/api/v1/screen/recent?action=block", "", carrier_key_);
  ASSERT_EQ(res.status, 200) << res.body;
  json v = Body(res);
  ASSERT_EQ(v["verdicts"].size(), 1u);
  EXPECT_EQ(v["verdicts"][0]["caller"], "+8612345");
  EXPECT_EQ(v["verdicts"][0]["rule"], "invalid-caller");
  v = Body(Call("GET", "/api/v1/screen/recent?number=13900139000", "", carrier_key_));
  EXPECT_EQ(v["verdicts"].size(), 1u);
  EXPECT_EQ(Call("GET", "/api/v1/screen/recent?limit=0", "", carrier_key_).status, 400);
  v = Body(Call("GET", "/api/v1/screen/activity?seconds=10", "", carrier_key_));
  EXPECT_EQ(v["seconds"].size(), 10u);
  EXPECT_EQ(v["totals"]["allow"], 1);
  EXPECT_EQ(v["totals"]["block"], 1);
  EXPECT_EQ(v["top_rules"][0]["rule"], "invalid-caller");
  EXPECT_EQ(Call("GET", "/api/v1/screen/recent", "", app_key_).status, 403);
}

TEST_F(ScreenApiTest, PolicyIsShownAndReloadedOrKept) {
  json v = Body(Call("GET", "/api/v1/screen/policy", "", carrier_key_));
  EXPECT_EQ(v["default"], true);
  EXPECT_EQ(v["rules"][0]["name"], "invalid-caller");
  EXPECT_EQ(v["rules"][0]["when"][1], "caller.valid == false");
  EXPECT_FALSE(v["signals"].empty());

  policy_text_ = "[[screen.rule]]\nname = \"x\"\nwhen = \"caller.vaild\"\naction = \"block\"\n";
  auto res = AdminPost("/api/v1/screen/policy/reload");
  EXPECT_EQ(res.status, 400);
  EXPECT_NE(res.body.find("quell.toml:3: rule 'x': unknown signal 'caller.vaild'"),
            std::string::npos)
      << res.body;
  EXPECT_TRUE(pipeline_->policy()->is_default());  // the old policy stays

  policy_text_ = "[[screen.rule]]\nname = \"all\"\nwhen = \"caller.present\"\naction = \"block\"\n";
  EXPECT_EQ(Call("POST", "/api/v1/screen/policy/reload", "", carrier_key_).status, 403);
  res = AdminPost("/api/v1/screen/policy/reload");
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(Body(Post("/api/v1/screen",
                      {{"caller", "+8613800138000"}, {"callee", "+8613900139000"}}))["rule"],
            "all");
}

}  // namespace
}  // namespace quell::api
