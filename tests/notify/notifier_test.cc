// Notifier against a real loopback HTTP receiver through the real CurlTransport,
// on a FakeClock and a SQLite store in a temporary directory.
#include <openssl/hmac.h>
#include <stdlib.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "http_receiver.h"
#include "quell/core/ids.h"
#include "quell/core/metrics.h"
#include "quell/notify/notify.h"
#include "quell/store/store.h"

namespace quell::notify {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using ::testing::HasSubstr;
using testing::HttpReceiver;

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "quell-notify-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) std::abort();
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

double CounterValue(const std::string& name, metrics::Labels labels = {}) {
  return metrics::GetCounter(name, "", labels).Value();
}

Options DeliverOptions() {
  Options o;
  o.mode = Options::Mode::kDeliver;
  o.backoff_jitter = 0;
  o.initial_backoff = seconds(2);
  o.backoff_multiplier = 2;
  o.max_backoff = seconds(60);
  o.max_attempts = 4;
  o.request_timeout = milliseconds(3000);
  return o;
}

class NotifierTest : public ::testing::Test {
 protected:
  void SetUp() override { OpenStore(); }

  void OpenStore() {
    auto s = store::Store::Open({.path = dir_.File("quell.db")});
    ASSERT_TRUE(s.has_value()) << s.status().ToString();
    store_ = std::move(*s);
  }

  std::unique_ptr<Notifier> Open(Options o) {
    auto n = Notifier::Open(*store_, clock_, std::move(o));
    EXPECT_TRUE(n.has_value()) << n.status().ToString();
    return n ? std::move(*n) : nullptr;
  }

  Notice MustGet(Notifier& n, int64_t id) {
    auto got = n.Get(id);
    EXPECT_TRUE(got.has_value()) << got.status().ToString();
    return got ? *got : Notice{};
  }

  TempDir dir_;
  FakeClock clock_;
  std::unique_ptr<store::Store> store_;
  HttpReceiver receiver_;
};

constexpr std::string_view kPayload = R"({"case":"TB-1","numbers":["+8613800138000"]})";

TEST_F(NotifierTest, DeliversWebhookWithPayloadAndNoticeId) {
  auto notifier = Open(DeliverOptions());
  const double sent_before = CounterValue("quell_notify_sent_total");
  auto n = notifier->Enqueue(Channel::kWebhook, receiver_.Url("/traceback?x=1"), "Traceback TB-1",
                             kPayload, "enforce");
  ASSERT_TRUE(n.has_value()) << n.status().ToString();
  EXPECT_EQ(n->status, NoticeStatus::kPending);
  EXPECT_TRUE(IsUuid(n->uuid));
  EXPECT_EQ(n->next_attempt_at, clock_.Now());

  ASSERT_TRUE(notifier->DeliverDue().ok());
  auto reqs = receiver_.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].method, "POST");
  EXPECT_EQ(reqs[0].target, "/traceback?x=1");
  EXPECT_EQ(reqs[0].body, kPayload);
  EXPECT_EQ(reqs[0].Header("content-type"), "application/json");
  EXPECT_EQ(reqs[0].Header("x-quell-notice-id"), n->uuid);
  EXPECT_EQ(reqs[0].Header("authorization"), "");
  EXPECT_EQ(reqs[0].Header("x-quell-signature"), "");

  Notice got = MustGet(*notifier, n->id);
  EXPECT_EQ(got.status, NoticeStatus::kSent);
  EXPECT_EQ(got.attempts, 1);
  ASSERT_TRUE(got.sent_at.has_value());
  EXPECT_EQ(*got.sent_at, clock_.Now());
  EXPECT_EQ(CounterValue("quell_notify_sent_total"), sent_before + 1);
  auto stats = notifier->GetStats();
  ASSERT_TRUE(stats.has_value());
  EXPECT_EQ(stats->sent, 1);
  EXPECT_EQ(stats->pending, 0);

  // Sent notices are not sent again.
  clock_.Advance(seconds(3600));
  ASSERT_TRUE(notifier->DeliverDue().ok());
  EXPECT_EQ(receiver_.requests().size(), 1u);
}

TEST_F(NotifierTest, DeliversSmsAsJsonWithBearerToken) {
  Options o = DeliverOptions();
  o.sms_gateway_url = receiver_.Url("/sms/send");
  o.sms_gateway_token = "gw-secret";
  auto notifier = Open(o);
  const std::string text = "Quell DNC 验证码: 123456 \"quoted\"\n";
  auto n = notifier->Enqueue(Channel::kSms, "+8613800138000", "DNC code", text, "dnc");
  ASSERT_TRUE(n.has_value()) << n.status().ToString();
  ASSERT_TRUE(notifier->DeliverDue().ok());

  auto reqs = receiver_.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].target, "/sms/send");
  EXPECT_EQ(reqs[0].Header("authorization"), "Bearer gw-secret");
  EXPECT_EQ(reqs[0].Header("content-type"), "application/json");
  EXPECT_EQ(reqs[0].Header("x-quell-notice-id"), n->uuid);
  auto json = nlohmann::json::parse(reqs[0].body);
  EXPECT_EQ(json["to"], "+8613800138000");
  EXPECT_EQ(json["text"], text);
  EXPECT_EQ(json.size(), 2u);
  EXPECT_EQ(MustGet(*notifier, n->id).status, NoticeStatus::kSent);
}

TEST_F(NotifierTest, SignsBodyWhenSecretConfigured) {
  Options o = DeliverOptions();
  o.webhook_secret = "shared-secret";
  auto notifier = Open(o);
  ASSERT_TRUE(notifier->Enqueue(Channel::kWebhook, receiver_.Url("/h"), "s", kPayload, "enforce")
                  .has_value());
  ASSERT_TRUE(notifier->DeliverDue().ok());
  auto reqs = receiver_.requests();
  ASSERT_EQ(reqs.size(), 1u);

  unsigned char mac[32];
  unsigned int mac_len = 0;
  HMAC(EVP_sha256(), o.webhook_secret.data(), static_cast<int>(o.webhook_secret.size()),
       reinterpret_cast<const unsigned char*>(kPayload.data()), kPayload.size(), mac, &mac_len);
  EXPECT_EQ(reqs[0].Header("x-quell-signature"),
            "sha256=" + HexEncode(std::string(reinterpret_cast<char*>(mac), mac_len)));
}

TEST_F(NotifierTest, RetriesWithExponentialBackoffUntilSent) {
  auto notifier = Open(DeliverOptions());
  receiver_.Script({500, 500});
  const double retries_before = CounterValue("quell_notify_retries_total");
  auto n = notifier->Enqueue(Channel::kWebhook, receiver_.Url("/h"), "s", kPayload, "enforce");
  ASSERT_TRUE(n.has_value());
  const TimePoint t0 = clock_.Now();

  ASSERT_TRUE(notifier->DeliverDue().ok());
  Notice got = MustGet(*notifier, n->id);
  EXPECT_EQ(got.status, NoticeStatus::kPending);
  EXPECT_EQ(got.attempts, 1);
  EXPECT_EQ(got.next_attempt_at, t0 + seconds(2));
  EXPECT_THAT(got.last_error, HasSubstr("HTTP 500"));

  clock_.Advance(seconds(1));  // not yet due
  ASSERT_TRUE(notifier->DeliverDue().ok());
  EXPECT_EQ(receiver_.requests().size(), 1u);

  clock_.Advance(seconds(1));
  ASSERT_TRUE(notifier->DeliverDue().ok());
  got = MustGet(*notifier, n->id);
  EXPECT_EQ(got.attempts, 2);
  EXPECT_EQ(got.next_attempt_at, t0 + seconds(2) + seconds(4));

  clock_.Advance(seconds(3));
  ASSERT_TRUE(notifier->DeliverDue().ok());
  EXPECT_EQ(receiver_.requests().size(), 2u);
  clock_.Advance(seconds(1));
  ASSERT_TRUE(notifier->DeliverDue().ok());

  got = MustGet(*notifier, n->id);
  EXPECT_EQ(got.status, NoticeStatus::kSent);
  EXPECT_EQ(got.attempts, 3);
  auto reqs = receiver_.requests();
  ASSERT_EQ(reqs.size(), 3u);
  for (const auto& r : reqs) EXPECT_EQ(r.Header("x-quell-notice-id"), n->uuid);
  EXPECT_EQ(CounterValue("quell_notify_retries_total"), retries_before + 2);
}

TEST_F(NotifierTest, BackoffIsCappedAtMaxBackoff) {
  Options o = DeliverOptions();
  o.max_attempts = 10;
  o.max_backoff = seconds(5);
  auto notifier = Open(o);
  receiver_.SetDefault(503);
  auto n = notifier->Enqueue(Channel::kWebhook, receiver_.Url("/h"), "s", kPayload, "enforce");
  ASSERT_TRUE(n.has_value());
  std::vector<int64_t> delays;
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(notifier->DeliverDue().ok());
    Notice got = MustGet(*notifier, n->id);
    delays.push_back(
        std::chrono::duration_cast<seconds>(got.next_attempt_at - clock_.Now()).count());
    clock_.Set(got.next_attempt_at);
  }
  EXPECT_EQ(delays, (std::vector<int64_t>{2, 4, 5, 5}));
}

TEST_F(NotifierTest, GivesUpAfterMaxAttemptsAndSurfacesFailure) {
  Options o = DeliverOptions();
  o.max_attempts = 3;
  auto notifier = Open(o);
  receiver_.SetDefault(500);
  receiver_.Script({}, "upstream exploded");
  const double exhausted_before =
      CounterValue("quell_notify_failed_total", {{"reason", "exhausted"}});
  auto n = notifier->Enqueue(Channel::kWebhook, receiver_.Url("/h"), "s", kPayload, "enforce");
  ASSERT_TRUE(n.has_value());
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(notifier->DeliverDue().ok());
    clock_.Advance(seconds(60));
  }
  EXPECT_EQ(receiver_.requests().size(), 3u);
  Notice got = MustGet(*notifier, n->id);
  EXPECT_EQ(got.status, NoticeStatus::kFailed);
  EXPECT_EQ(got.attempts, 3);
  EXPECT_THAT(got.last_error, HasSubstr("HTTP 500"));
  EXPECT_THAT(got.last_error, HasSubstr("upstream exploded"));
  EXPECT_THAT(got.last_error, HasSubstr("gave up after 3 attempts"));

  auto failed = notifier->List(NoticeStatus::kFailed, 10);
  ASSERT_TRUE(failed.has_value());
  ASSERT_EQ(failed->size(), 1u);
  EXPECT_EQ((*failed)[0].id, n->id);
  auto stats = notifier->GetStats();
  ASSERT_TRUE(stats.has_value());
  EXPECT_EQ(stats->failed, 1);
  EXPECT_EQ(stats->pending, 0);
  EXPECT_EQ(CounterValue("quell_notify_failed_total", {{"reason", "exhausted"}}),
            exhausted_before + 1);
}

TEST_F(NotifierTest, PermanentClientErrorFailsAtOnce) {
  auto notifier = Open(DeliverOptions());
  receiver_.Script({400}, "unknown carrier");
  const double rejected_before =
      CounterValue("quell_notify_failed_total", {{"reason", "rejected"}});
  auto n = notifier->Enqueue(Channel::kWebhook, receiver_.Url("/h"), "s", kPayload, "enforce");
  ASSERT_TRUE(n.has_value());
  ASSERT_TRUE(notifier->DeliverDue().ok());
  clock_.Advance(seconds(600));
  ASSERT_TRUE(notifier->DeliverDue().ok());
  EXPECT_EQ(receiver_.requests().size(), 1u);
  Notice got = MustGet(*notifier, n->id);
  EXPECT_EQ(got.status, NoticeStatus::kFailed);
  EXPECT_EQ(got.attempts, 1);
  EXPECT_THAT(got.last_error, HasSubstr("HTTP 400"));
  EXPECT_THAT(got.last_error, HasSubstr("unknown carrier"));
  EXPECT_THAT(got.last_error, HasSubstr("permanent"));
  EXPECT_EQ(CounterValue("quell_notify_failed_total", {{"reason", "rejected"}}),
            rejected_before + 1);
}

TEST_F(NotifierTest, TooManyRequestsIsRetried) {
  auto notifier = Open(DeliverOptions());
  receiver_.Script({429, 408});
  auto n = notifier->Enqueue(Channel::kWebhook, receiver_.Url("/h"), "s", kPayload, "enforce");
  ASSERT_TRUE(n.has_value());
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(notifier->DeliverDue().ok());
    clock_.Advance(seconds(10));
  }
  Notice got = MustGet(*notifier, n->id);
  EXPECT_EQ(got.status, NoticeStatus::kSent);
  EXPECT_EQ(got.attempts, 3);
}

TEST_F(NotifierTest, TimeoutIsRetryable) {
  Options o = DeliverOptions();
  o.request_timeout = milliseconds(300);
  auto notifier = Open(o);
  receiver_.Script({HttpReceiver::kHang});
  auto n = notifier->Enqueue(Channel::kWebhook, receiver_.Url("/h"), "s", kPayload, "enforce");
  ASSERT_TRUE(n.has_value());

  auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(notifier->DeliverDue().ok());
  EXPECT_LT(std::chrono::steady_clock::now() - start, seconds(5));
  Notice got = MustGet(*notifier, n->id);
  EXPECT_EQ(got.status, NoticeStatus::kPending);
  EXPECT_EQ(got.attempts, 1);
  EXPECT_THAT(got.last_error, HasSubstr("timed out"));

  clock_.Advance(seconds(2));
  ASSERT_TRUE(notifier->DeliverDue().ok());
  EXPECT_EQ(MustGet(*notifier, n->id).status, NoticeStatus::kSent);
  EXPECT_EQ(receiver_.requests().size(), 2u);
}

TEST_F(NotifierTest, ConnectionRefusedIsRetryable) {
  std::string dead_url;
  {
    HttpReceiver gone;
    dead_url = gone.Url("/h");
  }
  auto notifier = Open(DeliverOptions());
  auto n = notifier->Enqueue(Channel::kWebhook, dead_url, "s", kPayload, "enforce");
  ASSERT_TRUE(n.has_value());
  ASSERT_TRUE(notifier->DeliverDue().ok());
  Notice got = MustGet(*notifier, n->id);
  EXPECT_EQ(got.status, NoticeStatus::kPending);
  EXPECT_EQ(got.attempts, 1);
  EXPECT_THAT(got.last_error, HasSubstr("127.0.0.1:"));
}

TEST_F(NotifierTest, PendingNoticeSurvivesRestart) {
  int64_t id;
  {
    auto notifier = Open(DeliverOptions());
    auto n = notifier->Enqueue(Channel::kWebhook, receiver_.Url("/h"), "s", kPayload, "enforce");
    ASSERT_TRUE(n.has_value());
    id = n->id;
  }
  store_.reset();
  OpenStore();
  auto notifier = Open(DeliverOptions());
  auto pending = notifier->List(NoticeStatus::kPending, 10);
  ASSERT_TRUE(pending.has_value());
  ASSERT_EQ(pending->size(), 1u);
  EXPECT_EQ((*pending)[0].id, id);
  EXPECT_EQ((*pending)[0].body, kPayload);
  ASSERT_TRUE(notifier->DeliverDue().ok());
  EXPECT_EQ(receiver_.requests().size(), 1u);
  EXPECT_EQ(MustGet(*notifier, id).status, NoticeStatus::kSent);
}

TEST_F(NotifierTest, AbandonedClaimWithNoAttemptsLeftFails) {
  Options o = DeliverOptions();
  o.max_attempts = 2;
  auto notifier = Open(o);
  auto n = notifier->Enqueue(Channel::kWebhook, receiver_.Url("/h"), "s", kPayload, "enforce");
  ASSERT_TRUE(n.has_value());
  // What a worker killed mid-send on its last attempt leaves behind.
  ASSERT_TRUE(store_->Exec("UPDATE notify_outbox SET attempts = 2 WHERE id = $1", {n->id}));
  ASSERT_TRUE(notifier->DeliverDue().ok());
  EXPECT_EQ(receiver_.requests().size(), 0u);
  Notice got = MustGet(*notifier, n->id);
  EXPECT_EQ(got.status, NoticeStatus::kFailed);
  EXPECT_THAT(got.last_error, HasSubstr("never recorded"));
}

TEST_F(NotifierTest, DemoModeHoldsNoticesAndNeverConnects) {
  Options o;  // demo is the default
  ASSERT_EQ(o.mode, Options::Mode::kDemoOutbox);
  auto notifier = Open(o);
  auto a = notifier->Enqueue(Channel::kWebhook, receiver_.Url("/h"), "s", kPayload, "enforce");
  auto b = notifier->Enqueue(Channel::kSms, "+8613800138000", "code", "123456", "dnc");
  ASSERT_TRUE(a.has_value()) << a.status().ToString();
  ASSERT_TRUE(b.has_value()) << b.status().ToString();
  EXPECT_EQ(a->status, NoticeStatus::kHeld);
  EXPECT_EQ(b->status, NoticeStatus::kHeld);
  ASSERT_TRUE(notifier->DeliverDue().ok());
  ASSERT_TRUE(notifier->Start().ok());
  std::this_thread::sleep_for(milliseconds(300));
  notifier->Stop();
  EXPECT_EQ(receiver_.connections(), 0);

  auto held = notifier->List(NoticeStatus::kHeld, 10);
  ASSERT_TRUE(held.has_value());
  ASSERT_EQ(held->size(), 2u);
  EXPECT_EQ((*held)[0].id, b->id);  // newest first
  EXPECT_EQ((*held)[0].body, "123456");
  auto stats = notifier->GetStats();
  ASSERT_TRUE(stats.has_value());
  EXPECT_EQ(stats->held, 2);
  EXPECT_EQ(stats->pending + stats->sent + stats->failed, 0);
}

TEST_F(NotifierTest, RetryRequeuesFailedNotice) {
  auto notifier = Open(DeliverOptions());
  receiver_.Script({400});
  auto n = notifier->Enqueue(Channel::kWebhook, receiver_.Url("/h"), "s", kPayload, "enforce");
  ASSERT_TRUE(n.has_value());
  ASSERT_TRUE(notifier->DeliverDue().ok());
  ASSERT_EQ(MustGet(*notifier, n->id).status, NoticeStatus::kFailed);

  clock_.Advance(seconds(30));
  auto retried = notifier->Retry(n->id);
  ASSERT_TRUE(retried.has_value()) << retried.status().ToString();
  EXPECT_EQ(retried->status, NoticeStatus::kPending);
  EXPECT_EQ(retried->attempts, 0);
  EXPECT_EQ(retried->next_attempt_at, clock_.Now());
  ASSERT_TRUE(notifier->DeliverDue().ok());
  EXPECT_EQ(MustGet(*notifier, n->id).status, NoticeStatus::kSent);
  EXPECT_EQ(receiver_.requests().size(), 2u);

  auto again = notifier->Retry(n->id);
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.status().code(), StatusCode::kFailedPrecondition);
  auto missing = notifier->Retry(987654);
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
}

TEST_F(NotifierTest, RejectsBadNoticesAndStoresNothing) {
  Options o = DeliverOptions();
  o.allowed_webhook_hosts = {"127.0.0.1", "*.carrier.example"};
  auto notifier = Open(o);
  auto code = [&](Channel c, std::string_view dest, std::string_view body) {
    return notifier->Enqueue(c, dest, "s", body, "enforce").status().code();
  };
  for (std::string_view url :
       {"ftp://127.0.0.1/x", "javascript:alert(1)", "127.0.0.1/h", "http://", "http:///path",
        "http://user:pw@127.0.0.1/h", "http://127.0.0.1:99999/h", "http://127.0.0.1/a b",
        "http://127.0.0.1\\@evil.example/", "http://%31%32%37.0.0.1/"}) {
    EXPECT_EQ(code(Channel::kWebhook, url, kPayload), StatusCode::kInvalidArgument) << url;
  }
  EXPECT_EQ(code(Channel::kWebhook, "https://evil.example/h", kPayload),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(code(Channel::kWebhook, "https://carrier.example.evil/h", kPayload),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(code(Channel::kWebhook, receiver_.Url("/h"), "not json"), StatusCode::kInvalidArgument);
  EXPECT_EQ(code(Channel::kWebhook, receiver_.Url("/h"), std::string(70'000, ' ')),
            StatusCode::kPayloadTooLarge);
  EXPECT_EQ(code(Channel::kSms, "13800138000", "hi"), StatusCode::kInvalidArgument);
  EXPECT_EQ(code(Channel::kSms, "+86 138 0013 8000", "hi"), StatusCode::kInvalidArgument);
  // Deliver mode without a gateway cannot send SMS.
  EXPECT_EQ(code(Channel::kSms, "+8613800138000", "hi"), StatusCode::kFailedPrecondition);
  EXPECT_EQ(
      notifier->Enqueue(Channel::kWebhook, receiver_.Url("/h"), "s", kPayload, "").status().code(),
      StatusCode::kInvalidArgument);
  EXPECT_EQ(code(Channel::kWebhook, receiver_.Url("/h"), "{\"a\":\"\xff\"}"),
            StatusCode::kInvalidArgument);

  auto all = notifier->List(std::nullopt, 100);
  ASSERT_TRUE(all.has_value());
  EXPECT_TRUE(all->empty());
  EXPECT_TRUE(
      notifier
          ->Enqueue(Channel::kWebhook, "https://tb.carrier.example/api", "s", kPayload, "enforce")
          .has_value());
}

TEST_F(NotifierTest, BackgroundWorkerDeliversSoonAfterEnqueue) {
  Options o = DeliverOptions();
  o.poll_interval = seconds(30);  // delivery must come from the wake-up, not the poll
  auto notifier = Open(o);
  ASSERT_TRUE(notifier->Start().ok());
  EXPECT_EQ(notifier->Start().code(), StatusCode::kFailedPrecondition);
  std::this_thread::sleep_for(milliseconds(100));  // let the first pass finish
  auto n = notifier->Enqueue(Channel::kWebhook, receiver_.Url("/h"), "s", kPayload, "enforce");
  ASSERT_TRUE(n.has_value());
  EXPECT_TRUE(receiver_.WaitForRequests(1, seconds(3)));
  auto deadline = std::chrono::steady_clock::now() + seconds(3);
  while (MustGet(*notifier, n->id).status != NoticeStatus::kSent &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(10));
  }
  EXPECT_EQ(MustGet(*notifier, n->id).status, NoticeStatus::kSent);
  notifier->Stop();
  notifier->Stop();                     // idempotent
  ASSERT_TRUE(notifier->Start().ok());  // restartable
  notifier->Stop();
}

TEST_F(NotifierTest, TwoWorkersNeverSendTheSameNoticeTwice) {
  auto a = Open(DeliverOptions());
  auto b = Open(DeliverOptions());
  constexpr int kNotices = 20;
  for (int i = 0; i < kNotices; ++i) {
    ASSERT_TRUE(a->Enqueue(Channel::kWebhook, receiver_.Url("/h"), "s", kPayload, "enforce"));
  }
  std::thread ta([&] { EXPECT_TRUE(a->DeliverDue().ok()); });
  std::thread tb([&] { EXPECT_TRUE(b->DeliverDue().ok()); });
  ta.join();
  tb.join();
  auto reqs = receiver_.requests();
  std::set<std::string> ids;
  for (const auto& r : reqs) ids.insert(r.Header("x-quell-notice-id"));
  EXPECT_EQ(reqs.size(), static_cast<std::size_t>(kNotices));
  EXPECT_EQ(ids.size(), static_cast<std::size_t>(kNotices));
}

TEST_F(NotifierTest, ListPagesNewestFirst) {
  auto notifier = Open(Options{});
  std::vector<int64_t> ids;
  for (int i = 0; i < 5; ++i) {
    auto n = notifier->Enqueue(Channel::kSms, "+8613800138000", "s", "b", "dnc");
    ASSERT_TRUE(n.has_value());
    ids.push_back(n->id);
  }
  auto first = notifier->List(std::nullopt, 2);
  ASSERT_TRUE(first.has_value());
  ASSERT_EQ(first->size(), 2u);
  EXPECT_EQ((*first)[0].id, ids[4]);
  EXPECT_EQ((*first)[1].id, ids[3]);
  auto second = notifier->List(std::nullopt, 10, (*first)[1].id);
  ASSERT_TRUE(second.has_value());
  ASSERT_EQ(second->size(), 3u);
  EXPECT_EQ((*second)[0].id, ids[2]);
  EXPECT_EQ(notifier->List(std::nullopt, 0).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(NotifierTest, PurgeDeletesOldNotices) {
  Options o;
  o.retention = std::chrono::hours(24);
  auto notifier = Open(o);
  ASSERT_TRUE(notifier->Enqueue(Channel::kSms, "+8613800138000", "s", "old", "dnc"));
  clock_.Advance(std::chrono::hours(23));
  ASSERT_TRUE(notifier->Enqueue(Channel::kSms, "+8613800138000", "s", "new", "dnc"));
  clock_.Advance(std::chrono::hours(2));
  auto purged = notifier->Purge();
  ASSERT_TRUE(purged.has_value());
  EXPECT_EQ(*purged, 1);
  auto left = notifier->List(std::nullopt, 10);
  ASSERT_TRUE(left.has_value());
  ASSERT_EQ(left->size(), 1u);
  EXPECT_EQ((*left)[0].body, "new");
}

TEST(NotifyOptions, FromConfig) {
  auto cfg = Config::Parse(R"(
mode = "deliver"
sms_gateway_url = "https://sms.example/send"
sms_gateway_token = "t"
max_attempts = 3
initial_backoff = "500ms"
max_backoff = "2m"
backoff_jitter = 0.0
request_timeout = "2s"
allowed_webhook_hosts = ["*.carrier.example"]
)");
  ASSERT_TRUE(cfg.has_value()) << cfg.status().ToString();
  auto o = OptionsFromConfig(*cfg);
  ASSERT_TRUE(o.has_value()) << o.status().ToString();
  EXPECT_EQ(o->mode, Options::Mode::kDeliver);
  EXPECT_EQ(o->sms_gateway_url, "https://sms.example/send");
  EXPECT_EQ(o->max_attempts, 3);
  EXPECT_EQ(o->initial_backoff, milliseconds(500));
  EXPECT_EQ(o->max_backoff, std::chrono::minutes(2));
  EXPECT_EQ(o->request_timeout, seconds(2));
  EXPECT_EQ(o->backoff_jitter, 0.0);
  EXPECT_EQ(o->allowed_webhook_hosts, std::vector<std::string>{"*.carrier.example"});

  auto defaults = OptionsFromConfig(Config());
  ASSERT_TRUE(defaults.has_value());
  EXPECT_EQ(defaults->mode, Options::Mode::kDemoOutbox);

  for (const char* bad : {"mode = \"send\"", "max_attempts = 0", "typo_key = 1",
                          "sms_gateway_url = \"ftp://x\"", "backoff_multiplier = 0.5"}) {
    auto c = Config::Parse(bad);
    ASSERT_TRUE(c.has_value()) << bad;
    auto r = OptionsFromConfig(*c);
    ASSERT_FALSE(r.has_value()) << bad;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << bad;
  }
  auto c = Config::Parse("\nmax_attempts = 0\n");
  ASSERT_TRUE(c.has_value());
  EXPECT_THAT(OptionsFromConfig(*c).status().message(), HasSubstr("quell.toml:2"));
}

}  // namespace
}  // namespace quell::notify
