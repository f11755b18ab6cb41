// Names, option parsing and validation for notify.
#include <cmath>
#include <string>

#include "quell/notify/internal/url.h"
#include "quell/notify/internal/validate.h"
#include "quell/notify/notify.h"

namespace quell::notify {

std::string_view ChannelName(Channel c) {
  switch (c) {
    case Channel::kSms:
      return "sms";
    case Channel::kWebhook:
      return "webhook";
  }
  return "unknown";
}

std::string_view NoticeStatusName(NoticeStatus s) {
  switch (s) {
    case NoticeStatus::kPending:
      return "pending";
    case NoticeStatus::kSent:
      return "sent";
    case NoticeStatus::kFailed:
      return "failed";
    case NoticeStatus::kHeld:
      return "held";
  }
  return "unknown";
}

Result<Channel> ParseChannel(std::string_view name) {
  if (name == "sms") return Channel::kSms;
  if (name == "webhook") return Channel::kWebhook;
  return InvalidArgument("unknown notice channel '" + std::string(name) +
                         "' (expected sms or webhook)");
}

Result<NoticeStatus> ParseNoticeStatus(std::string_view name) {
  for (NoticeStatus s :
       {NoticeStatus::kPending, NoticeStatus::kSent, NoticeStatus::kFailed, NoticeStatus::kHeld}) {
    if (name == NoticeStatusName(s)) return s;
  }
  return InvalidArgument("unknown notice status '" + std::string(name) +
                         "' (expected pending, sent, failed or held)");
}

Result<std::string> Transport::Get(const std::string& url, std::string_view,
                                   std::chrono::milliseconds, std::size_t) {
  return FailedPrecondition("this transport cannot GET " + url);
}

bool IsRetryable(const Status& s) {
  return s.code() == StatusCode::kUnavailable || s.code() == StatusCode::kDeadlineExceeded ||
         s.code() == StatusCode::kResourceExhausted;
}

namespace internal {

Status CheckOptions(const Options& o,
                    const std::function<std::string(std::string_view key)>& where) {
  auto bad = [&](std::string_view key, const std::string& why) {
    return InvalidArgument(where(key) + "'notify." + std::string(key) + "' " + why);
  };
  if (o.max_attempts < 1 || o.max_attempts > 100) return bad("max_attempts", "must be 1-100");
  if (o.initial_backoff.count() <= 0) return bad("initial_backoff", "must be positive");
  if (!std::isfinite(o.backoff_multiplier) || o.backoff_multiplier < 1.0 ||
      o.backoff_multiplier > 100.0) {
    return bad("backoff_multiplier", "must be between 1 and 100");
  }
  if (o.max_backoff < o.initial_backoff) {
    return bad("max_backoff", "must be at least initial_backoff");
  }
  if (!(o.backoff_jitter >= 0.0 && o.backoff_jitter <= 1.0)) {
    return bad("backoff_jitter", "must be between 0 and 1");
  }
  if (o.request_timeout.count() <= 0) return bad("request_timeout", "must be positive");
  if (o.poll_interval.count() <= 0) return bad("poll_interval", "must be positive");
  if (o.retention.count() <= 0) return bad("retention", "must be positive");
  if (o.max_body_bytes == 0) return bad("max_body_bytes", "must be positive");
  if (!o.sms_gateway_url.empty()) {
    auto url = ParseHttpUrl(o.sms_gateway_url);
    if (!url) return bad("sms_gateway_url", "is not usable: " + url.status().message());
  }
  if (!IsHeaderSafe(o.sms_gateway_token)) {
    return bad("sms_gateway_token", "must not contain control characters");
  }
  if (!IsHeaderSafe(o.webhook_secret)) {
    return bad("webhook_secret", "must not contain control characters");
  }
  for (const std::string& host : o.allowed_webhook_hosts) {
    if (host.empty() || host == "*." || !IsHeaderSafe(host)) {
      return bad("allowed_webhook_hosts",
                 "holds an empty or malformed entry; use \"host\" or \"*.domain\"");
    }
  }
  return Status::Ok();
}

bool IsE164(std::string_view s) {
  if (s.size() < 8 || s.size() > 16 || s[0] != '+' || s[1] == '0') return false;
  for (char c : s.substr(1)) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

bool IsValidUtf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    int len;
    uint32_t cp;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > s.size()) return false;
    for (int k = 1; k < len; ++k) {
      auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += len;
  }
  return true;
}

bool IsHeaderSafe(std::string_view s) {
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) return false;
  }
  return true;
}

}  // namespace internal

Result<Options> OptionsFromConfig(const Config& c) {
  QUELL_RETURN_IF_ERROR(c.CheckKnownKeys(
      {"mode", "sms_gateway_url", "sms_gateway_token", "webhook_secret", "max_attempts",
       "initial_backoff", "backoff_multiplier", "max_backoff", "backoff_jitter", "request_timeout",
       "allowed_webhook_hosts", "max_body_bytes", "retention", "poll_interval"}));
  Options o;
  QUELL_ASSIGN_OR_RETURN(std::string mode, c.GetString("mode", "demo"));
  if (mode == "deliver") {
    o.mode = Options::Mode::kDeliver;
  } else if (mode == "demo") {
    o.mode = Options::Mode::kDemoOutbox;
  } else {
    return InvalidArgument(c.Where("mode") +
                           ": 'notify.mode' must be \"deliver\" or \"demo\", not \"" + mode + "\"");
  }
  QUELL_ASSIGN_OR_RETURN(o.sms_gateway_url, c.GetString("sms_gateway_url", ""));
  QUELL_ASSIGN_OR_RETURN(o.sms_gateway_token, c.GetString("sms_gateway_token", ""));
  QUELL_ASSIGN_OR_RETURN(o.webhook_secret, c.GetString("webhook_secret", ""));
  QUELL_ASSIGN_OR_RETURN(int64_t attempts, c.GetInt("max_attempts", o.max_attempts));
  o.max_attempts = attempts < 0 || attempts > 1000 ? 0 : static_cast<int>(attempts);
  QUELL_ASSIGN_OR_RETURN(o.initial_backoff, c.GetDuration("initial_backoff", o.initial_backoff));
  QUELL_ASSIGN_OR_RETURN(o.backoff_multiplier,
                         c.GetDouble("backoff_multiplier", o.backoff_multiplier));
  QUELL_ASSIGN_OR_RETURN(o.max_backoff, c.GetDuration("max_backoff", o.max_backoff));
  QUELL_ASSIGN_OR_RETURN(o.backoff_jitter, c.GetDouble("backoff_jitter", o.backoff_jitter));
  QUELL_ASSIGN_OR_RETURN(o.request_timeout, c.GetDuration("request_timeout", o.request_timeout));
  QUELL_ASSIGN_OR_RETURN(o.allowed_webhook_hosts, c.GetStringList("allowed_webhook_hosts"));
  QUELL_ASSIGN_OR_RETURN(int64_t body,
                         c.GetInt("max_body_bytes", static_cast<int64_t>(o.max_body_bytes)));
  o.max_body_bytes = body < 0 ? 0 : static_cast<std::size_t>(body);
  QUELL_ASSIGN_OR_RETURN(o.retention, c.GetDuration("retention", o.retention));
  QUELL_ASSIGN_OR_RETURN(o.poll_interval, c.GetDuration("poll_interval", o.poll_interval));
  QUELL_RETURN_IF_ERROR(internal::CheckOptions(o, [&](std::string_view key) {
    return c.Has(key) ? c.Where(key) + ": " : c.source() + ": ";
  }));
  return o;
}

}  // namespace quell::notify
