// /api/v1/breaches over the App without a network: data controllers file and
// follow their own notices (never another's), analysts review, ask, close and
// have affected people told; authentication and roles (401 / 403); bad input.
#include <stdlib.h>

#include <filesystem>
#include <mutex>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "quell/access/access.h"
#include "quell/api/app.h"
#include "quell/core/number_plan.h"
#include "quell/enforce/breach.h"
#include "quell/enforce/ledger.h"
#include "quell/notify/notify.h"
#include "quell/store/store.h"

namespace quell::api {
namespace {

using nlohmann::json;

struct Who {
  std::string key;
  std::string cookie;
  std::string csrf;
};

class MemoryLedger final : public enforce::LedgerAppender {
 public:
  Result<uint64_t> AppendOwn(std::string_view kind, std::string payload) override {
    std::lock_guard lock(mu);
    records.emplace_back(std::string(kind), std::move(payload));
    return records.size();
  }
  std::string HashNumber(std::string_view) const override { return std::string(32, '0'); }
  std::mutex mu;
  std::vector<std::pair<std::string, std::string>> records;
};

class BreachApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/quell-breach-api-XXXXXX";
    dir_ = mkdtemp(tmpl);
    clock_.Set(FromUnixMillis(1759197600000));  // 2025-09-30T02:00:00Z
    store_ = *store::Store::Open({.path = dir_ + "/quell.db"});
    accounts_ = *access::Accounts::Open(*store_, clock_, {});
    acme_id_ = accounts_->CreateOrganisation("Acme Data", OrgKind::kDataController)->id;
    ASSERT_TRUE(accounts_->CreateOrganisation("Beta Data", OrgKind::kDataController).has_value());
    ASSERT_TRUE(accounts_->CreateOrganisation("Regulator", OrgKind::kAgency).has_value());
    ASSERT_TRUE(accounts_->CreateOrganisation("Telco", OrgKind::kCarrier).has_value());
    acme_.key = accounts_->CreateApiKey(Role::kDataController, "Acme Data", "t")->key;
    beta_.key = accounts_->CreateApiKey(Role::kDataController, "Beta Data", "t")->key;
    analyst_.key = accounts_->CreateApiKey(Role::kAnalyst, "Regulator", "t")->key;
    carrier_.key = accounts_->CreateApiKey(Role::kCarrier, "Telco", "t")->key;
    ASSERT_TRUE(accounts_->CreateUser("alice", "alice password 1", Role::kCitizen).has_value());
    ASSERT_TRUE(accounts_->CreateUser("root", "root password 12", Role::kAdmin).has_value());
    ASSERT_TRUE(
        accounts_->CreateUser("dora", "dora password 12", Role::kDataController, "Acme Data")
            .has_value());
    notifier_ = *notify::Notifier::Open(*store_, clock_, {});
    enforce::BreachOptions options;
    options.complaints_about = [](uint64_t n) -> int64_t { return n == 8617000000666 ? 5 : 0; };
    auto notices =
        enforce::BreachNotices::Open(*store_, clock_, options, notifier_.get(), &ledger_);
    ASSERT_TRUE(notices.has_value()) << notices.error().ToString();
    notices_ = std::move(*notices);
    app_ = std::make_unique<App>(AppOptions{}, Services{.store = *store_,
                                                        .accounts = *accounts_,
                                                        .notifier = notifier_.get(),
                                                        .clock = clock_,
                                                        .plan = &plan_,
                                                        .breaches = notices_.get()});
    alice_ = Login("alice", "alice password 1");
    root_ = Login("root", "root password 12");
    dora_ = Login("dora", "dora password 12");
  }
  void TearDown() override {
    app_.reset();
    notices_.reset();
    notifier_.reset();
    accounts_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
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
    app_->Handle(req, res);
    return res;
  }
  json Body(const net::HttpResponse& res) { return json::parse(res.body); }

  Who Login(const std::string& user, const std::string& pass) {
    auto res =
        Call("POST", "/api/v1/session", {}, json{{"username", user}, {"password", pass}}.dump());
    EXPECT_EQ(res.status, 200) << res.body;
    std::string cookie(res.GetHeader("Set-Cookie"));
    return {.cookie = cookie.substr(0, cookie.find(';')),
            .csrf = json::parse(res.body)["csrf_token"].get<std::string>()};
  }

  // 1.2 M people's contact data (major), discovered 5 hours ago: a processor's
  // 4-hour clock has run out.
  static json NoticeBody(const std::string& discovered = "2025-09-29T21:00:00Z") {
    return {{"description", "Customer table exported by a former employee."},
            {"occurred_at", "2025-09-20T00:00:00Z"},
            {"discovered_at", discovered},
            {"people_affected", 1200000},
            {"categories", {"contact", "identity"}},
            {"measures", "Access revoked; police informed."},
            {"entity_type", "processor"},
            {"numbers",
             {"+86 138 0013 8000",
              {{"number", "13900139000"}, {"role", "affected"}},
              {{"number", "17000000666"}, {"role", "used"}}}}};
  }

  int64_t File(const Who& who, const json& body = NoticeBody()) {
    auto res = Call("POST", "/api/v1/breaches", who, body.dump());
    EXPECT_EQ(res.status, 201) << res.body;
    return res.status == 201 ? Body(res)["breach"]["id"].get<int64_t>() : 0;
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
  MemoryLedger ledger_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<access::Accounts> accounts_;
  std::unique_ptr<notify::Notifier> notifier_;
  std::unique_ptr<enforce::BreachNotices> notices_;
  std::unique_ptr<App> app_;
  int64_t acme_id_ = 0;
  Who acme_, beta_, analyst_, carrier_, alice_, root_, dora_;
};

TEST_F(BreachApiTest, ControllerFilesALateNoticeGradedAndEscalated) {
  auto res = Call("POST", "/api/v1/breaches", acme_, NoticeBody().dump());
  ASSERT_EQ(res.status, 201) << res.body;
  json b = Body(res)["breach"];
  EXPECT_EQ(b["org"]["id"], acme_id_);
  EXPECT_EQ(b["org"]["name"], "Acme Data");
  EXPECT_EQ(b["grade"], "major");
  EXPECT_EQ(b["grade_zh"], "较大");
  EXPECT_EQ(b["clock_minutes"], 240);
  EXPECT_EQ(b["deadline"], "2025-09-30T01:00:00.000Z");
  EXPECT_EQ(b["late"], true);
  EXPECT_EQ(b["late_by_minutes"], 60);
  EXPECT_EQ(b["escalated"], true);
  EXPECT_EQ(b["state"], "filed");
  EXPECT_EQ(b["numbers_count"], 3);
  EXPECT_FALSE(b.contains("filed_by")) << "staff only";
  const int64_t id = b["id"];
  EXPECT_TRUE(Audited("breach.file", "breach:" + std::to_string(id)));

  // Filed on time (discovered 3 hours ago): not late.
  json on_time = NoticeBody("2025-09-29T23:00:00Z");
  res = Call("POST", "/api/v1/breaches", dora_, on_time.dump());
  ASSERT_EQ(res.status, 201) << res.body;
  EXPECT_EQ(Body(res)["breach"]["late"], false);
  EXPECT_EQ(Body(res)["breach"]["escalated"], false);

  // The controller sees its notice with numbers and complaint counts.
  res = Call("GET", "/api/v1/breaches/" + std::to_string(id), dora_);
  ASSERT_EQ(res.status, 200) << res.body;
  json d = Body(res);
  ASSERT_EQ(d["numbers"].size(), 3u);
  int used = 0;
  for (const auto& n : d["numbers"]) {
    if (n["role"] == "used") {
      ++used;
      EXPECT_EQ(n["number"], "+8617000000666");
      EXPECT_EQ(n["complaints"], 5);
    }
  }
  EXPECT_EQ(used, 1);
  ASSERT_GE(d["history"].size(), 2u);
  EXPECT_EQ(d["history"][0]["action"], "filed");
  EXPECT_EQ(d["history"][1]["action"], "escalated");
  EXPECT_TRUE(Audited("breach.view", "breach:" + std::to_string(id)));
}

TEST_F(BreachApiTest, AControllerNeverSeesAnothersNotice) {
  const int64_t acme = File(acme_);
  const int64_t beta = File(beta_);
  ASSERT_TRUE(acme && beta);
  auto res = Call("GET", "/api/v1/breaches/" + std::to_string(beta), acme_);
  EXPECT_EQ(res.status, 404) << res.body;
  EXPECT_EQ(Body(res)["error"]["code"], "not_found");
  EXPECT_EQ(
      Call("POST", "/api/v1/breaches/" + std::to_string(beta) + "/notify-affected", acme_).status,
      404);
  res = Call("GET", "/api/v1/breaches", acme_);
  ASSERT_EQ(res.status, 200) << res.body;
  ASSERT_EQ(Body(res)["breaches"].size(), 1u);
  EXPECT_EQ(Body(res)["breaches"][0]["id"], acme);
  // Analysts see both.
  res = Call("GET", "/api/v1/breaches", analyst_);
  ASSERT_EQ(res.status, 200);
  EXPECT_EQ(Body(res)["breaches"].size(), 2u);
  EXPECT_TRUE(Body(res)["breaches"][0].contains("filed_by"));
  res = Call("GET", "/api/v1/breaches?org=Beta%20Data", analyst_);
  ASSERT_EQ(res.status, 200) << res.body;
  ASSERT_EQ(Body(res)["breaches"].size(), 1u);
  EXPECT_EQ(Body(res)["breaches"][0]["id"], beta);
  // A controller cannot file for another organisation.
  json other = NoticeBody();
  other["org"] = "Beta Data";
  EXPECT_EQ(Call("POST", "/api/v1/breaches", acme_, other.dump()).status, 403);
}

TEST_F(BreachApiTest, AuthenticationAndRoles) {
  const std::string body = NoticeBody().dump();
  EXPECT_EQ(Call("POST", "/api/v1/breaches", {}, body).status, 401);
  EXPECT_EQ(Call("GET", "/api/v1/breaches", {}).status, 401);
  EXPECT_EQ(Call("GET", "/api/v1/breaches/1", {}).status, 401);
  EXPECT_EQ(Call("POST", "/api/v1/breaches", carrier_, body).status, 403);
  EXPECT_EQ(Call("POST", "/api/v1/breaches", alice_, body).status, 403);
  EXPECT_EQ(Call("GET", "/api/v1/breaches", carrier_).status, 403);
  EXPECT_EQ(Call("POST", "/api/v1/breaches", analyst_, body).status, 403);
  // A session without its CSRF token is refused.
  EXPECT_EQ(Call("POST", "/api/v1/breaches", {.cookie = dora_.cookie}, body).status, 403);
  const int64_t id = File(acme_);
  const std::string base = "/api/v1/breaches/" + std::to_string(id);
  // Controllers do not review or close; analysts do not supplement.
  EXPECT_EQ(Call("POST", base + "/review", acme_, "{}").status, 403);
  EXPECT_EQ(Call("POST", base + "/close", acme_, "{}").status, 403);
  EXPECT_EQ(Call("POST", base + "/request-info", acme_, R"({"question":"?"})").status, 403);
  EXPECT_EQ(Call("POST", base + "/supplement", analyst_, R"({"text":"x"})").status, 403);
  // An admin files for a named controller.
  json admin = NoticeBody();
  EXPECT_EQ(Call("POST", "/api/v1/breaches", root_, admin.dump()).status, 400);
  admin["org"] = "Telco";
  EXPECT_EQ(Call("POST", "/api/v1/breaches", root_, admin.dump()).status, 400);
  admin["org"] = "Beta Data";
  auto res = Call("POST", "/api/v1/breaches", root_, admin.dump());
  ASSERT_EQ(res.status, 201) << res.body;
  EXPECT_EQ(Body(res)["breach"]["org"]["name"], "Beta Data");
}

TEST_F(BreachApiTest, FollowUpToClosingWithALedgerRecord) {
  const int64_t id = File(acme_);
  const std::string base = "/api/v1/breaches/" + std::to_string(id);
  auto res = Call("POST", base + "/review", analyst_, R"({"note":"mine"})");
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(Body(res)["breach"]["state"], "under_review");
  EXPECT_EQ(Call("POST", base + "/review", analyst_, "{}").status, 409);
  res = Call("POST", base + "/request-info", analyst_, R"({"question":"Which tables?"})");
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(Body(res)["breach"]["state"], "info_requested");
  EXPECT_EQ(Body(res)["breach"]["info_due"], "2025-10-03T02:00:00.000Z");
  EXPECT_EQ(Call("POST", base + "/supplement", beta_, R"({"text":"x"})").status, 404);
  EXPECT_EQ(Call("POST", base + "/supplement", acme_, "{}").status, 400);
  res = Call("POST", base + "/supplement", dora_,
             R"({"text":"customers and orders","measures":"Passwords reset."})");
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(Body(res)["breach"]["state"], "under_review");
  EXPECT_TRUE(Audited("breach.supplement", "breach:" + std::to_string(id)));

  res = Call("POST", base + "/notify-affected", analyst_);
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(Body(res)["enqueued"], 2);
  EXPECT_EQ(Body(res)["breach"]["notified"], 2);
  auto sms = notifier_->List(notify::NoticeStatus::kHeld, 100);
  ASSERT_TRUE(sms.has_value());
  int to_people = 0;
  for (const auto& n : *sms)
    to_people += n.channel == notify::Channel::kSms && n.origin == "breach" &&
                 (n.destination == "+8613800138000" || n.destination == "+8613900139000");
  EXPECT_EQ(to_people, 2);

  res = Call("POST", base + "/close", analyst_, R"({"note":"Warned; see sanction."})");
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(Body(res)["breach"]["state"], "closed");
  EXPECT_EQ(Body(res)["breach"]["ledger_seq"], 1);
  EXPECT_EQ(Call("POST", base + "/close", analyst_, "{}").status, 409);
  ASSERT_EQ(ledger_.records.size(), 1u);
  EXPECT_EQ(ledger_.records[0].first, "breach");
  EXPECT_EQ(ledger_.records[0].second.find("8613800138000"), std::string::npos);
  EXPECT_EQ(ledger_.records[0].second.find("+86"), std::string::npos);
  // Filter: closed.
  res = Call("GET", "/api/v1/breaches?state=closed", acme_);
  ASSERT_EQ(res.status, 200);
  EXPECT_EQ(Body(res)["breaches"].size(), 1u);
  res = Call("GET", "/api/v1/breaches?state=filed", acme_);
  EXPECT_EQ(Body(res)["breaches"].size(), 0u);
  res = Call("GET", "/api/v1/breaches?late=true&grade=major", analyst_);
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(Body(res)["breaches"].size(), 1u);
}

TEST_F(BreachApiTest, BadInputIsExplained) {
  auto bad = [&](json body, const std::string& says) {
    auto res = Call("POST", "/api/v1/breaches", acme_, body.dump());
    EXPECT_EQ(res.status, 400) << res.body;
    EXPECT_NE(Body(res)["error"]["message"].get<std::string>().find(says), std::string::npos)
        << res.body;
  };
  json b = NoticeBody();
  b["categories"] = {"contact", "gossip"};
  bad(b, "gossip");
  b = NoticeBody();
  b["numbers"] = {"12"};
  bad(b, "numbers[0]");
  b = NoticeBody();
  b["entity_type"] = "bank";
  bad(b, "entity_type");
  b = NoticeBody();
  b.erase("people_affected");
  bad(b, "people_affected");
  b = NoticeBody();
  b["discovered_at"] = "yesterday";
  bad(b, "discovered_at");
  EXPECT_EQ(Call("GET", "/api/v1/breaches?state=open", analyst_).status, 400);
  EXPECT_EQ(Call("GET", "/api/v1/breaches?late=maybe", analyst_).status, 400);
  EXPECT_EQ(Call("GET", "/api/v1/breaches/999", analyst_).status, 404);
  auto list = Call("GET", "/api/v1/breaches", analyst_);
  EXPECT_EQ(Body(list)["breaches"].size(), 0u) << "nothing was written";
}

TEST_F(BreachApiTest, OptionsListEntityTypesAndCategories) {
  auto res = Call("GET", "/api/v1/breaches/options", acme_);
  ASSERT_EQ(res.status, 200) << res.body;
  json o = Body(res);
  ASSERT_EQ(o["entity_types"].size(), 2u);
  EXPECT_EQ(o["entity_types"][0]["name"], "cii");
  EXPECT_EQ(o["entity_types"][1]["clock_minutes"]["major"], 240);
  EXPECT_EQ(o["grades"][3]["zh"], "特别重大");
  EXPECT_EQ(o["categories"].size(), 9u);
  EXPECT_EQ(Call("GET", "/api/v1/breaches/options", carrier_).status, 403);
}

TEST_F(BreachApiTest, NotConfiguredIs503) {
  app_ = std::make_unique<App>(AppOptions{},
                               Services{.store = *store_, .accounts = *accounts_, .clock = clock_});
  EXPECT_EQ(Call("GET", "/api/v1/breaches", analyst_).status, 503);
}

}  // namespace
}  // namespace quell::api
