#include "quell/notify/curl_transport.h"

#include <curl/curl.h>

#include <algorithm>
#include <exception>
#include <mutex>
#include <string>

#include "quell/notify/internal/url.h"

namespace quell::notify {
namespace {

constexpr std::size_t kMaxQuotedAnswer = 200;

// Keeps only what we quote in errors: a peer that streams megabytes of HTML
// must not grow our memory.
size_t CaptureAnswer(char* data, size_t size, size_t nmemb, void* userp) {
  auto* out = static_cast<std::string*>(userp);
  size_t n = size * nmemb;
  if (out->size() < kMaxQuotedAnswer) {
    out->append(data, std::min(n, kMaxQuotedAnswer - out->size()));
  }
  return n;
}

struct Capture {
  std::string body;
  std::size_t max = 0;
  bool overflow = false;
};
size_t CaptureBody(char* data, size_t size, size_t nmemb, void* userp) {
  auto* c = static_cast<Capture*>(userp);
  size_t n = size * nmemb;
  if (c->body.size() + n > c->max) {
    c->overflow = true;
    return 0;  // aborts the transfer
  }
  c->body.append(data, n);
  return n;
}

// Peer text goes into logs and the portal: make it one printable line.
std::string Printable(std::string_view s) {
  std::string out;
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    out.push_back(u < 0x20 || u == 0x7f ? ' ' : c);
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

Status FromHttpStatus(long code, const std::string& peer, const std::string& answer) {
  std::string msg = "HTTP " + std::to_string(code) + " from " + peer;
  if (!answer.empty()) msg += ": " + Printable(answer);
  if (code >= 200 && code < 300) return Status::Ok();
  if (code == 408) return DeadlineExceeded(msg);
  if (code == 429) return ResourceExhausted(msg);
  if (code >= 500) return Unavailable(msg);
  if (code >= 300 && code < 400) return FailedPrecondition(msg + " (redirects are not followed)");
  return InvalidArgument(msg);
}

Status FromCurlError(CURLcode rc, const std::string& peer, const char* detail) {
  std::string msg = std::string(curl_easy_strerror(rc));
  if (detail != nullptr && detail[0] != '\0') msg = detail;
  msg = "request to " + peer + " failed: " + Printable(msg);
  switch (rc) {
    case CURLE_OPERATION_TIMEDOUT:
      return DeadlineExceeded(msg);
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return InvalidArgument(msg);
    default:
      // Resolution, connection, TLS and transfer errors may all clear up.
      return Unavailable(msg);
  }
}

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

// What every request sets: the URL, http(s) only, no redirects, no signals,
// the whole-request and connect timeouts, the headers and the error buffer.
void SetCommon(CURL* h, const std::string& url, std::chrono::milliseconds timeout,
               curl_slist* headers, char* error) {
  const long timeout_ms = std::max<long>(1, static_cast<long>(timeout.count()));
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
  if (headers != nullptr) curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error);
}

class CurlTransport final : public Transport {
 public:
  Status Post(const HttpPost& post) override {
    try {
      return PostOrThrow(post);
    } catch (const std::exception& e) {
      return Internal(std::string("POST failed: ") + e.what());
    }
  }

  Result<std::string> Get(const std::string& url_text, std::string_view bearer_token,
                          std::chrono::milliseconds timeout, std::size_t max_bytes) override {
    try {
      auto url = internal::ParseHttpUrl(url_text);
      if (!url) return url.status();
      std::string peer = internal::PeerName(*url);
      std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
      if (!curl) return Internal("curl_easy_init failed");
      CURL* h = curl.get();
      std::unique_ptr<curl_slist, SlistDeleter> headers;
      if (!bearer_token.empty()) {
        headers.reset(curl_slist_append(
            nullptr, ("Authorization: Bearer " + std::string(bearer_token)).c_str()));
        if (!headers) return Internal("curl_slist_append failed");
      }
      Capture capture{.max = max_bytes};
      char error[CURL_ERROR_SIZE] = {0};
      SetCommon(h, url_text, timeout, headers.get(), error);
      curl_easy_setopt(h, CURLOPT_USERAGENT, "quell/1");
      curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &CaptureBody);
      curl_easy_setopt(h, CURLOPT_WRITEDATA, &capture);
      CURLcode rc = curl_easy_perform(h);
      if (capture.overflow)
        return PayloadTooLarge("the answer from " + peer + " exceeds " + std::to_string(max_bytes) +
                               " bytes");
      if (rc != CURLE_OK) return FromCurlError(rc, peer, error);
      long code = 0;
      curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
      if (code < 200 || code >= 300)
        return FromHttpStatus(code, peer, capture.body.substr(0, kMaxQuotedAnswer));
      return std::move(capture.body);
    } catch (const std::exception& e) {
      return Internal(std::string("GET failed: ") + e.what());
    }
  }

 private:
  Status PostOrThrow(const HttpPost& post) {
    auto url = internal::ParseHttpUrl(post.url);
    if (!url) return url.status();
    std::string peer = internal::PeerName(*url);

    std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
    if (!curl) return Internal("curl_easy_init failed");
    CURL* h = curl.get();

    // curl_slist_append returns the list's head, which stays the same once set.
    std::unique_ptr<curl_slist, SlistDeleter> headers;
    auto add = [&](const std::string& line) -> bool {
      curl_slist* head = curl_slist_append(headers.get(), line.c_str());
      if (head == nullptr) return false;
      if (!headers) headers.reset(head);
      return true;
    };
    bool ok = add("Content-Type: " + post.content_type) && add("Expect:");
    if (!post.bearer_token.empty()) ok = ok && add("Authorization: Bearer " + post.bearer_token);
    for (const auto& [name, value] : post.headers) ok = ok && add(name + ": " + value);
    if (!ok) return Internal("curl_slist_append failed");

    std::string answer;
    char error[CURL_ERROR_SIZE] = {0};
    SetCommon(h, post.url, post.timeout, headers.get(), error);
    curl_easy_setopt(h, CURLOPT_POST, 1L);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, post.body.data());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(post.body.size()));
    curl_easy_setopt(h, CURLOPT_USERAGENT, "quell-notify/1");
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &CaptureAnswer);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &answer);

    CURLcode rc = curl_easy_perform(h);
    if (rc != CURLE_OK) return FromCurlError(rc, peer, error);
    long code = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
    return FromHttpStatus(code, peer, answer);
  }
};

}  // namespace

std::unique_ptr<Transport> NewCurlTransport() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  return std::make_unique<CurlTransport>();
}

}  // namespace quell::notify
