// notify: Quell's one outbound notice service.
//
// Other modules hand a notice to the Notifier — an SMS (DNC one-time codes) or a
// JSON webhook (traceback requests to carriers, breach notices) — and it takes it
// from there: the notice is written to a durable outbox in the store before
// Enqueue returns, then delivered by a worker with retries and exponential
// backoff. A notice that cannot be delivered is given up after
// Options::max_attempts and stays in the outbox as kFailed, listable by admins
// (List(kFailed), GetStats) and counted in metrics, until an admin Retry()s it.
//
//   QUELL_ASSIGN_OR_RETURN(auto opts, notify::OptionsFromConfig(notify_section));
//   QUELL_ASSIGN_OR_RETURN(auto notifier, notify::Notifier::Open(store, clock, opts));
//   QUELL_RETURN_IF_ERROR(notifier->Start());
//   QUELL_ASSIGN_OR_RETURN(auto n, notifier->Enqueue(notify::Channel::kSms, "+8613800138000",
//                                                    "DNC code", "Your code is 123456", "dnc"));
//
// Delivery (Options::Mode::kDeliver):
//   - SMS: POST Options::sms_gateway_url, Content-Type application/json, body
//     {"to":"<E.164>","text":"<body>"}, `Authorization: Bearer <sms_gateway_token>`
//     when a token is configured.
//   - Webhook: POST the destination URL with the body as given (JSON),
//     Content-Type application/json.
//   - Both carry `X-Quell-Notice-Id: <uuid>`, the same on every attempt, so a
//     receiver can drop duplicates: delivery is at-least-once (a crash between the
//     send and recording its outcome resends). When Options::webhook_secret is set,
//     both also carry `X-Quell-Signature: sha256=<hex HMAC-SHA256(secret, body)>`.
//   - A 2xx answer is success. 408, 429, 5xx, timeouts and connection errors are
//     retried after initial_backoff * multiplier^(attempt-1), capped at
//     max_backoff and shortened by up to backoff_jitter of itself. Any other
//     answer (4xx, 3xx: redirects are not followed) fails the notice at once.
// Demo outbox (Options::Mode::kDemoOutbox, the default): Enqueue stores the notice
// as kHeld and nothing is ever sent; the portal shows the outbox through List().
//
// Retention: notices hold personal data (phone numbers, codes). Sent, failed and
// held notices older than Options::retention are deleted by Purge(), which the
// worker runs about once an hour.
//
// Storage: table `notify_outbox`, migrations under module "notify". Times are
// Unix milliseconds. Several processes may share one store: a notice is claimed
// (attempt counted, next_attempt_at moved past the request timeout) before it is
// sent, so two workers never send it at once.
//
// Metrics: quell_notify_enqueued_total, quell_notify_sent_total,
// quell_notify_retries_total (failed attempts that will be retried),
// quell_notify_failed_total{reason="rejected"|"exhausted"} (notices given up),
// gauge quell_notify_pending (refreshed after each delivery pass).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "quell/core/clock.h"
#include "quell/core/config.h"
#include "quell/core/status.h"

namespace quell::store {
class Store;
}

namespace quell::notify {

enum class Channel { kSms, kWebhook };
enum class NoticeStatus {
  kPending,  // waiting for its next attempt
  kSent,     // a 2xx was received
  kFailed,   // given up: permanent rejection or max_attempts reached
  kHeld,     // demo outbox: kept, never sent
};

// Stable lower-case names, used in the store and in REST: "sms", "webhook";
// "pending", "sent", "failed", "held".
std::string_view ChannelName(Channel c);
std::string_view NoticeStatusName(NoticeStatus s);
// Inverse of the above; InvalidArgument naming the bad value.
Result<Channel> ParseChannel(std::string_view name);
Result<NoticeStatus> ParseNoticeStatus(std::string_view name);

struct Notice {
  int64_t id = 0;    // store row id; increases with creation
  std::string uuid;  // sent as X-Quell-Notice-Id
  Channel channel = Channel::kSms;
  std::string destination;  // E.164 number ("+8613800138000") or http(s) URL
  std::string subject;      // for people reading the outbox; not sent
  std::string body;         // SMS text, or the webhook's JSON payload
  NoticeStatus status = NoticeStatus::kPending;
  int attempts = 0;  // delivery attempts started so far
  TimePoint created_at;
  TimePoint next_attempt_at;
  std::optional<TimePoint> sent_at;
  std::string last_error;  // why the last attempt failed ("" if none)
  std::string origin;      // module that enqueued it: "dnc", "enforce", ...
};

struct Options {
  enum class Mode { kDeliver, kDemoOutbox };
  Mode mode = Mode::kDemoOutbox;
  std::string sms_gateway_url;    // http(s); required to enqueue SMS in kDeliver
  std::string sms_gateway_token;  // sent as a Bearer token when non-empty
  // Signs every request body when non-empty (see overview).
  std::string webhook_secret;
  int max_attempts = 6;  // >= 1
  std::chrono::milliseconds initial_backoff{2000};
  double backoff_multiplier = 2.0;  // >= 1
  std::chrono::milliseconds max_backoff{std::chrono::minutes(10)};
  double backoff_jitter = 0.2;  // in [0, 1]; 0 makes the schedule exact
  std::chrono::milliseconds request_timeout{5000};
  // Webhook hosts allowed ("carrier.example", "*.carrier.example"); empty = any.
  std::vector<std::string> allowed_webhook_hosts;
  std::size_t max_body_bytes = 64 * 1024;
  std::chrono::milliseconds retention{std::chrono::hours(24 * 90)};
  // How often the background worker polls the outbox (it is also woken by
  // Enqueue and Retry). Real time.
  std::chrono::milliseconds poll_interval{250};
};

// Reads the [notify] table (the caller passes that sub-table). Keys: mode
// ("deliver" | "demo"), sms_gateway_url, sms_gateway_token, webhook_secret,
// max_attempts, initial_backoff, backoff_multiplier, max_backoff, backoff_jitter,
// request_timeout, allowed_webhook_hosts, max_body_bytes, retention,
// poll_interval. Unknown keys and bad values are InvalidArgument naming the line.
Result<Options> OptionsFromConfig(const Config& section);

// One outbound HTTP POST. Implementations: CurlTransport (curl_transport.h) and
// test doubles.
struct HttpPost {
  std::string url;
  std::string content_type;
  std::string body;
  std::string bearer_token;  // "Authorization: Bearer ..." when non-empty
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers
  std::chrono::milliseconds timeout{5000};                   // whole request
};

class Transport {
 public:
  virtual ~Transport() = default;
  // Sends `post` and returns OK on a 2xx answer. On failure the code says whether
  // to retry: kUnavailable (connection failure, 5xx), kDeadlineExceeded (timeout,
  // 408) and kResourceExhausted (429) are transient; any other code is permanent.
  // The message names the peer and what went wrong ("HTTP 500 from host:port:
  // ..."); it must not contain the request body. Must be thread-safe.
  virtual Status Post(const HttpPost& post) = 0;
  // GETs `url` and returns the body of a 2xx answer (at most `max_bytes`, else
  // PayloadTooLarge); errors as for Post. For pulling from peers (ledger
  // replicas). The default implementation has no network: FailedPrecondition.
  virtual Result<std::string> Get(const std::string& url, std::string_view bearer_token,
                                  std::chrono::milliseconds timeout, std::size_t max_bytes);
};

// True for the codes Transport::Post uses for transient failures.
bool IsRetryable(const Status& s);

class Notifier {
 public:
  // Migrates the outbox schema and returns a notifier over `store`. `store` and
  // `clock` must outlive it. `transport` defaults to a CurlTransport; it is never
  // used in demo mode. InvalidArgument when `options` is inconsistent.
  static Result<std::unique_ptr<Notifier>> Open(store::Store& store, Clock& clock, Options options,
                                                std::unique_ptr<Transport> transport = nullptr);

  // Stops the worker (as Stop()).
  virtual ~Notifier() = default;

  // Validates and durably stores a notice (committed before returning), due now,
  // and wakes the worker. SMS destinations must be E.164 ("+" and 7–15 digits);
  // webhook destinations http(s) URLs without credentials whose host is allowed,
  // with a body that is valid JSON. Body at most max_body_bytes
  // (PayloadTooLarge). In demo mode the notice is kHeld. Thread-safe.
  virtual Result<Notice> Enqueue(Channel channel, std::string_view destination,
                                 std::string_view subject, std::string_view body,
                                 std::string_view origin) = 0;

  // One delivery pass: sends up to `max` pending notices whose next_attempt_at is
  // at or before Clock::Now(), one after another, and records each outcome.
  // Delivery failures are recorded on the notice, not returned; an error means
  // the store failed. Does nothing in demo mode. Thread-safe.
  virtual Status DeliverDue(int max = 100) = 0;

  // Starts a background thread that calls DeliverDue every poll_interval of real
  // time, or sooner when Enqueue/Retry wake it, and Purge about hourly.
  // FailedPrecondition if already started.
  virtual Status Start() = 0;
  // Stops and joins the worker (after its current send). Idempotent.
  virtual void Stop() = 0;

  // Notices newest first, optionally of one status, at most `limit` (1..1000)
  // with id < before_id when before_id > 0 (paging). Thread-safe.
  virtual Result<std::vector<Notice>> List(std::optional<NoticeStatus> status, int limit,
                                           int64_t before_id = 0) = 0;
  // NotFound if there is no notice `id`.
  virtual Result<Notice> Get(int64_t id) = 0;

  // Re-queues a failed notice: pending (held in demo mode), attempts reset, due
  // now. NotFound for no such notice; FailedPrecondition unless it is kFailed.
  virtual Result<Notice> Retry(int64_t id) = 0;

  struct Stats {
    int64_t pending = 0, sent = 0, failed = 0, held = 0;
  };
  virtual Result<Stats> GetStats() = 0;

  // Deletes sent, failed and held notices created more than Options::retention
  // ago; returns how many.
  virtual Result<int64_t> Purge() = 0;
};

}  // namespace quell::notify
