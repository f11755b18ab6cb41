#include "quell/shaken/x5u_fetch.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <utility>

#include "quell/shaken/internal/quote.h"
#include "quell/shaken/internal/x5u_text.h"

namespace quell::shaken {

using internal::AsciiIEquals;
using internal::AsciiToLower;
using internal::QuoteX5u;
using internal::TrimHttpSpace;

namespace {

constexpr std::size_t kMaxBodyCap = 1 << 20;

CURLcode InitCurlOnce() {
  static const CURLcode rc = curl_global_init(CURL_GLOBAL_DEFAULT);
  return rc;
}

// Peer and libcurl text quoted in our messages: one printable line.
std::string Printable(std::string_view s) {
  std::string out;
  for (char c : s.substr(0, 300)) {
    const auto u = static_cast<unsigned char>(c);
    out.push_back(u < 0x20 || u >= 0x7f ? ' ' : c);
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

// Per-request state the callbacks fill. Lives on the stack of Fetch.
struct Transfer {
  CURL* handle = nullptr;
  const CurlFetcherOptions* options = nullptr;
  std::string body;
  bool too_large = false;
  bool aborted_on_status = false;
  CacheDirectives cache;
  std::string location;
  std::string blocked_address;  // "127.0.0.1 (loopback)", set when a connect was refused
};

size_t OnHeader(char* data, size_t size, size_t nitems, void* userp) {
  auto* t = static_cast<Transfer*>(userp);
  const size_t n = size * nitems;
  std::string_view line = TrimHttpSpace(std::string_view(data, n));
  if (line.substr(0, 5) == "HTTP/") {
    // A new response (after a 100 Continue, say): forget the previous one's headers.
    t->cache = CacheDirectives{};
    t->location.clear();
    return n;
  }
  const std::size_t colon = line.find(':');
  if (colon == std::string_view::npos) return n;
  std::string_view name = TrimHttpSpace(line.substr(0, colon));
  std::string_view value = TrimHttpSpace(line.substr(colon + 1));
  if (AsciiIEquals(name, "cache-control")) {
    ParseCacheControl(value, t->cache);
  } else if (AsciiIEquals(name, "expires")) {
    t->cache.expires = ParseHttpDate(value).value_or(TimePoint{});
  } else if (AsciiIEquals(name, "date")) {
    t->cache.date = ParseHttpDate(value);
  } else if (AsciiIEquals(name, "location")) {
    t->location = std::string(value.substr(0, 200));
  }
  return n;
}

size_t OnBody(char* data, size_t size, size_t nmemb, void* userp) {
  auto* t = static_cast<Transfer*>(userp);
  const size_t n = size * nmemb;
  long code = 0;
  curl_easy_getinfo(t->handle, CURLINFO_RESPONSE_CODE, &code);
  if (code != 200) {
    // An error page is of no use: stop reading rather than buffer it.
    t->aborted_on_status = true;
    return CURL_WRITEFUNC_ERROR;
  }
  if (n > t->options->max_body_bytes - t->body.size()) {
    t->too_large = true;
    return CURL_WRITEFUNC_ERROR;
  }
  t->body.append(data, n);
  return n;
}

// Called for every address libcurl is about to connect to, after resolution:
// the one place that sees the address really used, so a host name that resolves
// (or re-resolves) to an internal address cannot slip past CheckX5uUrl.
curl_socket_t OnOpenSocket(void* clientp, curlsocktype purpose, curl_sockaddr* address) {
  auto* t = static_cast<Transfer*>(clientp);
  if (purpose != CURLSOCKTYPE_IPCXN) return CURL_SOCKET_BAD;
  sockaddr_storage ss{};
  std::memcpy(&ss, &address->addr, std::min<std::size_t>(address->addrlen, sizeof(ss)));
  char text[INET6_ADDRSTRLEN] = {0};
  AddressClass cls = AddressClass::kReserved;
  if (address->family == AF_INET && address->addrlen >= sizeof(sockaddr_in)) {
    const auto* sin = reinterpret_cast<const sockaddr_in*>(&ss);
    cls = ClassifyIpv4(ntohl(sin->sin_addr.s_addr));
    inet_ntop(AF_INET, &sin->sin_addr, text, sizeof(text));
  } else if (address->family == AF_INET6 && address->addrlen >= sizeof(sockaddr_in6)) {
    const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(&ss);
    uint8_t bytes[16];
    std::memcpy(bytes, &sin6->sin6_addr, sizeof(bytes));
    cls = ClassifyIpv6(bytes);
    inet_ntop(AF_INET6, &sin6->sin6_addr, text, sizeof(text));
  } else {
    t->blocked_address = "an address of family " + std::to_string(address->family);
    return CURL_SOCKET_BAD;
  }
  if (cls != AddressClass::kPublic && !t->options->policy.allow_private_addresses) {
    t->blocked_address = std::string(text) + " (" + std::string(AddressClassName(cls)) + ")";
    return CURL_SOCKET_BAD;
  }
  return socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
}

Status FromHttpStatus(long code, const std::string& prefix, const std::string& location) {
  std::string msg = prefix + "answered HTTP " + std::to_string(code);
  if (code >= 300 && code < 400) {
    if (!location.empty()) msg += " (redirect to " + internal::QuoteUntrusted(location, 120) + ")";
    return InvalidArgument(msg + "; redirects are not followed");
  }
  if (code == 408 || code == 429 || code >= 500) return Unavailable(msg);
  return InvalidArgument(msg);
}

Status FromCurlError(CURLcode rc, const std::string& prefix, const char* errbuf,
                     const CurlFetcherOptions& o) {
  std::string detail = Printable(errbuf[0] != '\0' ? errbuf : curl_easy_strerror(rc));
  switch (rc) {
    case CURLE_OPERATION_TIMEDOUT:
      return Unavailable(prefix + "timed out (connect budget " +
                         std::to_string(o.connect_timeout.count()) + " ms, total " +
                         std::to_string(o.total_timeout.count()) + " ms): " + detail);
    case CURLE_COULDNT_RESOLVE_HOST:
      return Unavailable(prefix + "DNS lookup failed: " + detail);
    case CURLE_COULDNT_CONNECT:
      return Unavailable(prefix + "connection failed: " + detail);
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
      return Unavailable(prefix + "TLS failed: " + detail);
    case CURLE_GOT_NOTHING:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_PARTIAL_FILE:
      return Unavailable(prefix + "connection reset or closed early: " + detail);
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return InvalidArgument(prefix + detail);
    default:
      return Unavailable(prefix + detail);
  }
}

Status CheckBody(const std::string& body, const std::string& prefix, bool require_pem) {
  if (body.empty()) return InvalidArgument(prefix + "empty body");
  // Any PEM private key ("PRIVATE KEY", "EC PRIVATE KEY", "ENCRYPTED PRIVATE KEY").
  if (body.find("PRIVATE KEY-----") != std::string::npos) {
    return InvalidArgument(prefix + "the body holds a private key; refused");
  }
  if (require_pem) {
    std::string_view b = body;
    while (!b.empty() &&
           (b.front() == ' ' || b.front() == '\t' || b.front() == '\r' || b.front() == '\n')) {
      b.remove_prefix(1);
    }
    if (b.substr(0, 27) != "-----BEGIN CERTIFICATE-----") {
      return InvalidArgument(prefix + "the body is not PEM certificates (starts with " +
                             internal::QuoteUntrusted(b.substr(0, 24), 24) + ")");
    }
  }
  return Status::Ok();
}

struct UrlDeleter {
  void operator()(CURLU* u) const { curl_url_cleanup(u); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

std::string CurlUrlPart(CURLU* u, CURLUPart part, unsigned int flags) {
  char* s = nullptr;
  if (curl_url_get(u, part, &s, flags) != CURLUE_OK || s == nullptr) return "";
  std::string out(s);
  curl_free(s);
  return out;
}

// Easy handles keep their connection cache, DNS cache and TLS sessions between
// requests; a few idle ones are kept for the next Fetch on any thread.
class HandlePool {
 public:
  explicit HandlePool(std::size_t max_idle) : max_idle_(max_idle) {}
  ~HandlePool() {
    for (CURL* h : idle_) curl_easy_cleanup(h);
  }
  HandlePool(const HandlePool&) = delete;
  HandlePool& operator=(const HandlePool&) = delete;

  CURL* Acquire() {
    {
      std::lock_guard lock(mu_);
      if (!idle_.empty()) {
        CURL* h = idle_.back();
        idle_.pop_back();
        return h;
      }
    }
    return curl_easy_init();
  }

  void Release(CURL* h) {
    curl_easy_reset(h);  // drops our options (and pointers to the stack), keeps connections
    {
      std::lock_guard lock(mu_);
      if (idle_.size() < max_idle_) {
        idle_.push_back(h);
        return;
      }
    }
    curl_easy_cleanup(h);
  }

 private:
  const std::size_t max_idle_;
  std::mutex mu_;
  std::vector<CURL*> idle_;  // guarded by mu_
};

class CurlFetcherImpl final : public CurlCertificateFetcher {
 public:
  explicit CurlFetcherImpl(CurlFetcherOptions options)
      : CurlCertificateFetcher(std::move(options)), pool_(options_.max_idle_handles) {}

  Result<FetchedDocument> Fetch(std::string_view url) override {
    QUELL_ASSIGN_OR_RETURN(X5uUrl checked, CheckX5uUrl(url, options_.policy));
    const std::string prefix = "x5u " + QuoteX5u(url) + ": ";

    // curl parses the URL too, and its reading must match ours; the parsed handle
    // then goes to curl as is, so it connects to the host we checked.
    std::unique_ptr<CURLU, UrlDeleter> cu(curl_url());
    if (!cu) return Internal(prefix + "curl_url failed");
    const std::string url_text(url);
    if (curl_url_set(cu.get(), CURLUPART_URL, url_text.c_str(), 0) != CURLUE_OK) {
      return InvalidArgument(prefix + "libcurl cannot parse it");
    }
    std::string curl_host = AsciiToLower(CurlUrlPart(cu.get(), CURLUPART_HOST, 0));
    if (curl_host.size() >= 2 && curl_host.front() == '[') {
      curl_host = curl_host.substr(1, curl_host.size() - 2);
    }
    const std::string curl_port = CurlUrlPart(cu.get(), CURLUPART_PORT, CURLU_DEFAULT_PORT);
    const std::string curl_scheme = AsciiToLower(CurlUrlPart(cu.get(), CURLUPART_SCHEME, 0));
    if (curl_host != checked.host || curl_port != std::to_string(checked.port) ||
        curl_scheme != checked.scheme) {
      return InvalidArgument(prefix + "ambiguous URL (libcurl reads another host or port)");
    }

    CURL* h = pool_.Acquire();
    if (h == nullptr) return Internal(prefix + "curl_easy_init failed");
    struct Releaser {
      HandlePool& pool;
      CURL* h;
      ~Releaser() { pool.Release(h); }
    } releaser{pool_, h};

    std::unique_ptr<curl_slist, SlistDeleter> headers(curl_slist_append(
        nullptr, "Accept: application/pem-certificate-chain, application/x-pem-file, */*"));
    if (!headers) return Internal(prefix + "curl_slist_append failed");

    Transfer t;
    t.handle = h;
    t.options = &options_;
    char errbuf[CURL_ERROR_SIZE] = {0};
    curl_easy_setopt(h, CURLOPT_CURLU, cu.get());
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, options_.policy.allow_http ? "http,https" : "https");
    curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_PROXY, "");  // ignore *_proxy variables: connect directly
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(options_.connect_timeout.count()));
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.total_timeout.count()));
    curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE,
                     static_cast<curl_off_t>(options_.max_body_bytes));
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
    curl_easy_setopt(h, CURLOPT_SSLVERSION, static_cast<long>(CURL_SSLVERSION_TLSv1_2));
    if (!options_.tls_ca_file.empty()) {
      curl_easy_setopt(h, CURLOPT_CAINFO, options_.tls_ca_file.c_str());
    }
    curl_easy_setopt(h, CURLOPT_USERAGENT, options_.user_agent.c_str());
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &OnHeader);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &t);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &OnBody);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &t);
    curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, &OnOpenSocket);
    curl_easy_setopt(h, CURLOPT_OPENSOCKETDATA, &t);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);

    const CURLcode rc = curl_easy_perform(h);
    long code = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
    if (rc != CURLE_OK && !t.blocked_address.empty()) {
      return PermissionDenied(prefix + "refused to connect to " + t.blocked_address +
                              ": only public addresses are fetched from");
    }
    if (code != 0 && code != 200) return FromHttpStatus(code, prefix, t.location);
    if (t.too_large || rc == CURLE_FILESIZE_EXCEEDED) {
      return InvalidArgument(prefix + "body larger than " +
                             std::to_string(options_.max_body_bytes) + " bytes");
    }
    if (rc != CURLE_OK) return FromCurlError(rc, prefix, errbuf, options_);
    QUELL_RETURN_IF_ERROR(CheckBody(t.body, prefix, options_.require_pem));

    FetchedDocument doc;
    doc.url = url_text;
    doc.http_status = static_cast<int>(code);
    doc.body = std::move(t.body);
    doc.cache = t.cache;
    char* ip = nullptr;
    if (curl_easy_getinfo(h, CURLINFO_PRIMARY_IP, &ip) == CURLE_OK && ip != nullptr) {
      doc.remote_address = ip;
    }
    return doc;
  }

 private:
  HandlePool pool_;
};

}  // namespace

Result<std::unique_ptr<CurlCertificateFetcher>> CurlCertificateFetcher::Create(
    CurlFetcherOptions options) {
  if (options.connect_timeout.count() <= 0 || options.total_timeout.count() <= 0) {
    return InvalidArgument("x5u fetcher: timeouts must be positive");
  }
  if (options.max_body_bytes == 0 || options.max_body_bytes > kMaxBodyCap) {
    return InvalidArgument("x5u fetcher: max_body_bytes must be between 1 and " +
                           std::to_string(kMaxBodyCap));
  }
  if (std::find(options.policy.allowed_ports.begin(), options.policy.allowed_ports.end(), 0) !=
      options.policy.allowed_ports.end()) {
    return InvalidArgument("x5u fetcher: port 0 in allowed_ports");
  }
  if (!options.tls_ca_file.empty()) {
    std::FILE* f = std::fopen(options.tls_ca_file.c_str(), "r");
    if (f == nullptr) {
      return InvalidArgument("x5u fetcher: cannot read tls_ca_file \"" + options.tls_ca_file +
                             "\": " + std::strerror(errno));
    }
    std::fclose(f);
  }
  if (CURLcode rc = InitCurlOnce(); rc != CURLE_OK) {
    return Internal(std::string("curl_global_init failed: ") + curl_easy_strerror(rc));
  }
  return std::unique_ptr<CurlCertificateFetcher>(new CurlFetcherImpl(std::move(options)));
}

}  // namespace quell::shaken
