// POST /api/v1/events over the App without a network: CDR batches as CSV, JSON
// lines and JSON arrays reach the event sink; bad rows are counted and
// reported with their lines; who may send; what /metrics counts.
#include <stdlib.h>

#include <filesystem>
#include <mutex>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "quell/access/access.h"
#include "quell/api/app.h"
#include "quell/core/metrics.h"
#include "quell/core/number_plan.h"
#include "quell/events/call_event.h"
#include "quell/store/store.h"

namespace quell::api {
namespace {

using nlohmann::json;

// Keeps what is published, as detection would receive it.
class RecordingSink : public events::CallEventSink {
 public:
  void Publish(const events::CallEvent& event) override {
    std::lock_guard<std::mutex> lock(mu_);
    events_.push_back(event);
  }
  std::vector<events::CallEvent> Events() {
    std::lock_guard<std::mutex> lock(mu_);
    return events_;
  }

 private:
  std::mutex mu_;
  std::vector<events::CallEvent> events_;
};

double Rows(const char* result) {
  return metrics::GetCounter("quell_events_ingest_rows_total",
                             "Call records (CDR rows) received, by result",
                             {{"source", "http"}, {"result", result}})
      .Value();
}

class EventsApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/quell-events-api-XXXXXX";
    dir_ = mkdtemp(tmpl);
    store_ = *store::Store::Open({.path = dir_ + "/quell.db"});
    accounts_ = *access::Accounts::Open(*store_, clock_, {});
    ASSERT_TRUE(accounts_->CreateOrganisation("Acme Telecom", OrgKind::kCarrier).has_value());
    carrier_key_ = accounts_->CreateApiKey(Role::kCarrier, "Acme Telecom", "t")->key;
    ASSERT_TRUE(accounts_->CreateOrganisation("Sunny Homes", OrgKind::kBusiness).has_value());
    business_key_ = accounts_->CreateApiKey(Role::kBusiness, "Sunny Homes", "t")->key;
    app_ = MakeApp(&sink_);
  }
  void TearDown() override {
    app_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::unique_ptr<App> MakeApp(events::CallEventSink* sink) {
    return std::make_unique<App>(AppOptions{}, Services{.store = *store_,
                                                        .accounts = *accounts_,
                                                        .clock = clock_,
                                                        .plan = &plan_,
                                                        .events = sink});
  }

  net::HttpResponse Post(std::string body, std::string content_type, const std::string& key = "",
                         App* app = nullptr) {
    net::HttpRequest req;
    req.method = "POST";
    req.target = req.path = "/api/v1/events";
    req.body = std::move(body);
    req.remote_ip = "192.0.2.7";
    req.headers.emplace_back("authorization", "Bearer " + (key.empty() ? carrier_key_ : key));
    if (!content_type.empty()) req.headers.emplace_back("content-type", content_type);
    net::HttpResponse res;
    (app ? app : app_.get())->Handle(req, res);
    return res;
  }
  static json Body(const net::HttpResponse& res) { return json::parse(res.body); }

  FakeClock clock_;
  NumberPlan plan_{"CN"};
  RecordingSink sink_;
  std::string dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<access::Accounts> accounts_;
  std::string carrier_key_, business_key_;
  std::unique_ptr<App> app_;
};

TEST_F(EventsApiTest, CsvBatchPublishesGoodRowsAndReportsBadOnes) {
  const double accepted_before = Rows("accepted"), rejected_before = Rows("rejected");
  auto res = Post(
      "time,caller,callee,answered,talk_s,call_id\r\n"
      "2026-11-29T08:00:00Z,+86 138 0013 8000,010 6552 9988,1,61.5,c1\r\n"
      "2026-11-29T08:00:05Z,13800138000,not-a-number,0,,c2\r\n"
      "1795939210,anonymous,138-0013-8001,,,c3\r\n",
      "text/csv; charset=utf-8");
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(Body(res), json::parse(R"j({"accepted":2,"rejected":1,"invalid_callers":1,"errors":[
      {"line":3,"reason":"callee: not a phone number ('not-a-number')"}]})j"));
  const auto events = sink_.Events();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].time_us, 1'795'939'200'000'000);
  EXPECT_EQ(events[0].caller, 8613800138000u);
  EXPECT_EQ(events[0].callee, 861065529988u);
  EXPECT_TRUE(events[0].answered);
  EXPECT_EQ(events[0].talk_ms, 61500u);
  EXPECT_EQ(events[0].call_id.view(), "c1");
  EXPECT_EQ(events[1].caller, 0u);
  EXPECT_EQ(events[1].callee, 8613800138001u);
  EXPECT_EQ(Rows("accepted") - accepted_before, 2);
  EXPECT_EQ(Rows("rejected") - rejected_before, 1);
  // And /metrics shows them.
  net::HttpRequest req;
  req.method = "GET";
  req.target = req.path = "/metrics";
  net::HttpResponse metrics_res;
  app_->Handle(req, metrics_res);
  EXPECT_NE(
      metrics_res.body.find("quell_events_ingest_rows_total{result=\"accepted\",source=\"http\"}"),
      std::string::npos)
      << metrics_res.body.substr(0, 2000);
}

TEST_F(EventsApiTest, JsonLinesAndJsonArrays) {
  const std::string lines =
      R"({"time":"2026-11-29T16:00:00+08:00","caller":8613800138000,"callee":"13800138001"})"
      "\n"
      R"({"time":"2026-11-29T16:00:00+08:00","caller":"13800138000"})"
      "\n";
  for (const char* type : {"application/x-ndjson", "application/jsonl", "application/json"}) {
    auto res = Post(lines, type);
    ASSERT_EQ(res.status, 200) << type << " " << res.body;
    EXPECT_EQ(Body(res)["accepted"], 1) << type;
    EXPECT_EQ(Body(res)["errors"], json::parse(R"([{"line":2,"reason":"callee: missing"}])"));
  }
  EXPECT_EQ(sink_.Events().size(), 3u);

  // A JSON array: errors name the element by its position.
  auto res = Post(R"([
      {"time":1795939200,"caller":"+8613800138000","callee":"+8613800138001","kind":"attempt"},
      {"time":"soon","caller":"+8613800138000","callee":"+8613800138001"},
      42,
      {"time":1795939200.5,"caller":"+8613800138000","callee":10086,"vendor":{"a":[1]}}])",
                  "application/json");
  ASSERT_EQ(res.status, 200) << res.body;
  const json body = Body(res);
  EXPECT_EQ(body["accepted"], 2);
  EXPECT_EQ(body["rejected"], 2);
  EXPECT_EQ(body["errors"][0], json::parse(R"j({"line":2,
      "reason":"time: expected RFC 3339 or Unix seconds ('soon')"})j"));
  EXPECT_EQ(body["errors"][1]["line"], 3);
  const auto events = sink_.Events();
  ASSERT_EQ(events.size(), 5u);
  EXPECT_EQ(events[3].kind, events::EventKind::kAttempt);
  EXPECT_EQ(events[4].time_us, 1'795'939'200'500'000);
  EXPECT_EQ(events[4].callee, 8610086u);

  auto bad = Post("[{\"time\":1,", "application/json");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(Body(bad)["error"]["message"].get<std::string>().find("malformed JSON at byte"),
            std::string::npos);
  EXPECT_EQ(Post("[1,2]", "application/json").status, 400);
}

TEST_F(EventsApiTest, NoGoodRowIsA400WithTheReasons) {
  auto res = Post("time,caller,callee\nyesterday,1,2\n", "text/csv");
  ASSERT_EQ(res.status, 400) << res.body;
  json body = Body(res);
  EXPECT_EQ(body["error"]["code"], "invalid_argument");
  EXPECT_EQ(body["error"]["message"],
            "no good row; the first bad one: line 2: time: expected RFC 3339 or Unix seconds "
            "('yesterday')");
  EXPECT_EQ(body["accepted"], 0);
  EXPECT_EQ(body["rejected"], 1);
  EXPECT_EQ(body["errors"].size(), 1u);

  res = Post("time,caller,to\n1795939200,13800138000,13800138001\n", "text/csv");
  ASSERT_EQ(res.status, 400);
  EXPECT_EQ(Body(res)["error"]["message"], "line 1: missing column callee");
  EXPECT_EQ(Body(res)["errors"][0], json::parse(R"({"line":1,"reason":"missing column callee"})"));

  res = Post("time,caller,callee\n# nothing\n", "text/csv");
  ASSERT_EQ(res.status, 400);
  EXPECT_EQ(Body(res)["error"]["message"], "the body holds no call records");
  EXPECT_TRUE(sink_.Events().empty());
}

TEST_F(EventsApiTest, ErrorsAreCappedAtAHundredButAllCounted) {
  std::string csv = "time,caller,callee\n1795939200,13800138000,13800138001\n";
  for (int i = 0; i < 150; ++i) csv += "never,13800138000,13800138001\n";
  auto res = Post(csv, "text/csv");
  ASSERT_EQ(res.status, 200);
  EXPECT_EQ(Body(res)["accepted"], 1);
  EXPECT_EQ(Body(res)["rejected"], 150);
  EXPECT_EQ(Body(res)["errors"].size(), 100u);
  EXPECT_EQ(Body(res)["errors"][99]["line"], 102);
}

TEST_F(EventsApiTest, BodyShapeAuthAndConfiguration) {
  const std::string csv = "time,caller,callee\n1795939200,13800138000,13800138001\n";
  EXPECT_EQ(Post("", "text/csv").status, 400);
  auto wrong = Post(csv, "text/plain");
  EXPECT_EQ(wrong.status, 400);
  EXPECT_NE(Body(wrong)["error"]["message"].get<std::string>().find("text/csv"), std::string::npos);
  EXPECT_EQ(Post(csv, "").status, 400);
  EXPECT_EQ(Post(csv, "text/csv", business_key_).status, 403);
  EXPECT_EQ(Post(csv, "text/csv", "qk_nobody").status, 401);
  // No sink configured: the route says so.
  auto unconfigured = MakeApp(nullptr);
  auto res = Post(csv, "text/csv", "", unconfigured.get());
  EXPECT_EQ(res.status, 503);
  EXPECT_EQ(Body(res)["error"]["code"], "unavailable");
  EXPECT_TRUE(sink_.Events().empty());
  // GET is not a route.
  net::HttpRequest req;
  req.method = "GET";
  req.target = req.path = "/api/v1/events";
  net::HttpResponse get;
  app_->Handle(req, get);
  EXPECT_EQ(get.status, 405);
}

}  // namespace
}  // namespace quell::api
