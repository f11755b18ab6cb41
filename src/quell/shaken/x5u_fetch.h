// Fetching the certificate an `x5u` URL names (STI-VS, ATIS-1000074 §5.3.1), safely.
//
// The URL comes from the caller's Identity header, so it is attacker-chosen: the
// fetch is a server-side request the attacker steers (SSRF). Two layers guard it:
//
//   1. CheckX5uUrl: a strict syntactic check against an X5uPolicy before any
//      network traffic. https only (http only in a dev/test profile), an explicit
//      port only from the policy's list (443 and 8443 by default: AT&T serves on
//      8443), no userinfo, query or fragment (each relaxable), host allow and deny
//      lists ("cert.example.net" or "*.example.net"), and IP-literal hosts refused
//      when they are not public addresses (see AddressClass).
//   2. CurlCertificateFetcher checks every address libcurl actually connects to,
//      after DNS resolution (CURLOPT_OPENSOCKETFUNCTION, called for each address
//      tried, before the socket exists). A name that resolves, or re-resolves
//      (DNS rebinding), to 127.0.0.1 or 10.x is refused without a packet sent.
//      Redirects are never followed, proxies from the environment are ignored,
//      and TLS peer and host verification are always on.
//
//   X5uPolicy policy;  // defaults: the strict production profile
//   QUELL_ASSIGN_OR_RETURN(auto fetcher, CurlCertificateFetcher::Create({.policy = policy}));
//   QUELL_ASSIGN_OR_RETURN(FetchedDocument doc, fetcher->Fetch(x5u));
//   // doc.body is PEM that starts with a CERTIFICATE block; doc.cache says how long to keep it.
//
// Error codes (each message names the URL, quoted and cut, and says what failed):
//   InvalidArgument   not an http(s) URL we can read unambiguously; the peer
//                     answered something unusable: HTTP 3xx/4xx (except 408/429),
//                     a body over the size cap, a body that is not PEM
//                     certificates, or one that holds a private key
//   PermissionDenied  the policy refuses the URL or the address it resolves to
//   Unavailable       transient: DNS failure, connection refused or reset, TLS
//                     failure, timeout, HTTP 5xx/408/429
// A verifier answers all of them with SIP 436 (Bad Identity Info).
//
// Everything here is thread-safe: the free functions are pure, and any number of
// threads may call CertificateFetcher::Fetch on one CurlCertificateFetcher.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "quell/core/clock.h"
#include "quell/core/status.h"

namespace quell::shaken {

// --- URL policy ----------------------------------------------------------------

struct X5uPolicy {
  // Accept http:// as well as https:// (dev/test profiles only: a man in the
  // middle could swap the certificate).
  bool allow_http = false;
  // Explicit ports accepted (a URL without a port uses its scheme's default and is
  // always accepted). Empty: any port.
  std::vector<uint16_t> allowed_ports = {443, 8443};
  bool allow_userinfo = false;  // "https://user:pw@host/..."
  bool allow_query = false;     // "...?x=1"
  bool allow_fragment = false;  // "...#f"
  // Hosts, matched case-insensitively against the URL's host (IPv6 without
  // brackets): an exact name, or "*.example.net" for any name below example.net
  // (not example.net itself). Empty allowed_hosts: any host. denied_hosts wins.
  std::vector<std::string> allowed_hosts;
  std::vector<std::string> denied_hosts;
  // Let the fetch reach non-public addresses (loopback, RFC 1918, ...): tests and
  // lab networks only.
  bool allow_private_addresses = false;
  std::size_t max_url_length = 2048;
};

// A URL CheckX5uUrl accepted.
struct X5uUrl {
  std::string scheme;  // "https" or "http"
  std::string host;    // lower-case; IPv6 without brackets
  uint16_t port = 0;   // explicit, or the scheme's default
  bool explicit_port = false;
  bool host_is_ip = false;
};

// Checks `url` against `policy` (see the top of this file). InvalidArgument when
// it is not an http(s) URL in the strict form we accept (control bytes, spaces,
// backslashes, non-ASCII, percent-encoded or numeric-but-not-dotted-quad hosts,
// IPv6 zone ids, a bad port ...); PermissionDenied when the policy refuses it.
// Pure and thread-safe.
Result<X5uUrl> CheckX5uUrl(std::string_view url, const X5uPolicy& policy);

// True if `host` (lower-case) matches one of `patterns` (see X5uPolicy).
bool HostMatches(std::string_view host, const std::vector<std::string>& patterns);

// Where an IP address points. Only kPublic is fetched from by default.
enum class AddressClass {
  kPublic,
  kLoopback,         // 127/8, ::1
  kPrivate,          // 10/8, 172.16/12, 192.168/16, fc00::/7, fec0::/10 (site-local)
  kLinkLocal,        // 169.254/16, fe80::/10
  kUnspecified,      // 0/8, ::
  kMulticast,        // 224/4, ff00::/8
  kCarrierGradeNat,  // 100.64/10 (RFC 6598)
  kReserved,         // 240/4 and broadcast, 192.0.0/24, 198.18/15, ::/96, 100::/64
};

// "public", "loopback", "private", "link-local", "unspecified", "multicast",
// "carrier-grade NAT", "reserved".
std::string_view AddressClassName(AddressClass c);

// Classifies an IPv4 address (host byte order) or an IPv6 address (16 bytes,
// network order). IPv6 addresses that embed an IPv4 one (::ffff:a.b.c.d,
// 64:ff9b::/96 NAT64, 2002::/16 6to4) take the class of the embedded address.
AddressClass ClassifyIpv4(uint32_t address);
AddressClass ClassifyIpv6(const uint8_t (&address)[16]);
// A literal "192.0.2.1" or "2001:db8::1" (no brackets, no zone id); nullopt if
// `literal` is not one.
std::optional<AddressClass> ClassifyIpAddress(std::string_view literal);

// --- Fetching ------------------------------------------------------------------

// What the response said about caching (RFC 9111). The cache decides what to do.
struct CacheDirectives {
  std::optional<std::chrono::seconds> max_age;  // Cache-Control max-age; malformed = 0
  bool no_store = false;
  bool no_cache = false;
  // Expires and Date headers. An Expires that does not parse is "already
  // expired" (RFC 9111 §5.3) and is reported as the Unix epoch.
  std::optional<TimePoint> expires;
  std::optional<TimePoint> date;
};

// Adds the directives of one Cache-Control header value ("max-age=3600, no-cache")
// to `out`. Unknown directives are ignored; a max-age that is not a non-negative
// integer counts as 0; huge values saturate at about 68 years.
void ParseCacheControl(std::string_view value, CacheDirectives& out);

// An HTTP date (IMF-fixdate, RFC 850 or asctime); nullopt if it does not parse.
std::optional<TimePoint> ParseHttpDate(std::string_view value);

// A successful x5u response.
struct FetchedDocument {
  std::string url;  // as requested
  int http_status = 200;
  std::string body;  // PEM, starting with a CERTIFICATE block (see the fetcher)
  CacheDirectives cache;
  std::string remote_address;  // the address connected to, "192.0.2.1" / "2001:db8::1"
};

// Fetches x5u documents. An interface so that the credential cache and tests can
// use a fake. Implementations must be thread-safe.
class CertificateFetcher {
 public:
  virtual ~CertificateFetcher() = default;
  // GET `url`. A value only for HTTP 200 with a body that passed the
  // implementation's checks; otherwise an error as listed at the top of this file.
  virtual Result<FetchedDocument> Fetch(std::string_view url) = 0;
};

struct CurlFetcherOptions {
  X5uPolicy policy;
  // Budget for DNS + TCP + TLS, and for the whole request. The total bounds how
  // long a cold verification can wait for its certificate.
  std::chrono::milliseconds connect_timeout{1000};
  std::chrono::milliseconds total_timeout{2000};
  // Bodies larger than this are refused; the transfer is aborted as soon as the
  // Content-Length announces more, or the bytes received exceed it: no more than
  // the cap is ever buffered. 16 KiB holds a leaf and a few intermediates.
  std::size_t max_body_bytes = 16 * 1024;
  // PEM file of CA certificates for verifying the x5u server's TLS certificate,
  // replacing the system bundle (private test CAs). Empty: the system bundle.
  // TLS verification itself cannot be turned off.
  std::string tls_ca_file;
  // Refuse a body that does not start (after white space) with
  // "-----BEGIN CERTIFICATE-----". Bodies holding a private key are always refused.
  bool require_pem = true;
  // Easy handles (each with its connection cache) kept for reuse between
  // requests; more are created while more threads fetch at once.
  std::size_t max_idle_handles = 4;
  std::string user_agent = "quell-shaken/1";
};

// The libcurl implementation. Construct with Create; Fetch checks the URL with
// CheckX5uUrl, then GETs it under the rules at the top of this file.
class CurlCertificateFetcher : public CertificateFetcher {
 public:
  // InvalidArgument for zero or negative timeouts, a zero or over-1-MiB size cap,
  // an unreadable tls_ca_file, or a policy port of 0. Initialises libcurl once per
  // process (curl_global_init), so the first call must not race with other code
  // initialising libcurl.
  static Result<std::unique_ptr<CurlCertificateFetcher>> Create(CurlFetcherOptions options);

  const CurlFetcherOptions& options() const { return options_; }

 protected:
  explicit CurlCertificateFetcher(CurlFetcherOptions options) : options_(std::move(options)) {}
  const CurlFetcherOptions options_;
};

}  // namespace quell::shaken
