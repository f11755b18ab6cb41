// CredentialCache: x5u URL -> the signer's certificate chain, its public key and
// whether it chains to a trusted STI-CA root, for the STI-VS call path.
//
//   auto fetcher = CurlCertificateFetcher::Create(fetch_options);
//   auto cache = CredentialCache::Create(CredentialCacheOptions{}, std::move(*fetcher), clock);
//   Result<CredentialLookup> c = (*cache)->Get(x5u, trust_store);   // shared_ptr<const TrustStore>
//   if (!c) return Reply436(c.error());            // could not get a usable certificate
//   if (!c->trust.ok()) return Reply437(c->trust); // got one, but it cannot vouch
//   QUELL_RETURN_IF_ERROR(c->credential->CheckValidAt(iat));
//   VerifyEs256(*c->credential->public_key, signing_input, signature);
//
// What is cached: the whole chain the URL served (leaf and intermediates: a
// verifier needs the intermediates on every call, not only the first), the leaf's
// P-256 public key, the validity interval of the chain (latest notBefore, earliest
// notAfter), and the result of TrustStore::Verify. That result is memoised per
// entry together with the TrustStore it was computed against, so a warm hit does
// no X.509 work: one shared lock, one hash lookup, a time comparison and a
// shared_ptr copy, no allocation. When the caller passes another TrustStore (roots
// or CRLs reloaded: a new shared_ptr<const TrustStore>), the memo of each entry is
// recomputed once, on its next use, by one thread; it is also recomputed after
// trust_recheck, so a CRL that went stale or a certificate revoked by a CRL the
// store already holds is noticed without a reload.
//
// Freshness (ATIS-1000074 §5.3.1, RFC 9111), all decided on the injected Clock:
//   - Cache-Control max-age when present; else Expires (minus Date when given);
//     else default_ttl (24 h). no-cache counts as max-age=0.
//   - clamped to [min_ttl, max_ttl], then never past the earliest notAfter of the
//     chain (a chain already expired when fetched is kept only negative_ttl).
//   - no-store: the credential answers the calls waiting for that fetch and is not
//     kept.
//   - failures (fetch errors, bodies that are not a certificate chain) are cached
//     for negative_ttl, so a dead or hostile x5u is not fetched on every call.
//     A failed refetch replaces the expired entry: stale credentials are not served.
// Capacity is bounded: when full, one entry is evicted by the CLOCK algorithm:
// the hand takes the first entry that has expired or has not been used since the
// hand last passed it (an approximation of LRU that needs no write on a hit).
//
// Single flight: concurrent Get()s of a URL that is not cached cause one fetch;
// the other callers wait for its result (bounded by the fetcher's timeouts).
//
// Who fetches: with fetch_threads == 0, the caller of a cold Get, which blocks
// for the fetch (up to the fetcher's total timeout). With fetch_threads > 0 (what
// the server uses), background threads fetch and a cold Get waits at most
// cold_wait: a caller steering verification to slow or dead x5u URLs cannot hold
// the call path's threads for seconds. A fetch not done by then answers that call
// Unavailable (436 for the call), completes in the background and serves later
// calls from the cache; when max_queued_fetches URLs already wait for a fetch
// thread, a cold Get answers Unavailable at once.
//
// Thread-safe: every method may be called from any thread at once.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "quell/core/clock.h"
#include "quell/core/status.h"
#include "quell/shaken/certificate.h"
#include "quell/shaken/es256.h"
#include "quell/shaken/x5u_fetch.h"

namespace quell::shaken {

// One x5u document, parsed. Immutable once cached; shared by every caller.
struct VerifiedCredential {
  std::string url;
  CertificateChain chain;  // leaf first, then the intermediates as served
  // The leaf's public key; nullopt when it is not a P-256 key (see key_status).
  std::optional<EcKey> public_key;
  Status key_status;  // why public_key is missing
  // The interval in which every certificate of the chain is valid (Unix seconds):
  // the latest notBefore and the earliest notAfter.
  int64_t valid_from = 0;
  int64_t valid_until = 0;

  // OK if `at` (Unix seconds, e.g. a PASSporT's iat) is within
  // [valid_from, valid_until]; else PermissionDenied "certificate not yet valid"
  // or "certificate expired", with the time.
  Status CheckValidAt(int64_t at) const;
};

struct CredentialLookup {
  std::shared_ptr<const VerifiedCredential> credential;  // never null
  // OK when the credential can vouch for a call now: the leaf has a P-256 key, the
  // chain verified against the TrustStore passed to Get (memoised), and the
  // clock's now lies in the validity interval. Otherwise the reason: key_status,
  // TrustStore::Verify's PermissionDenied, the validity failure, or
  // FailedPrecondition when Get was given no TrustStore.
  Status trust;
  bool cache_hit = false;  // false: fetched (or waited for a fetch) for this call
};

struct CredentialCacheOptions {
  std::size_t capacity = 10'000;  // entries, positive and negative
  Duration default_ttl = std::chrono::hours(24);
  Duration min_ttl = std::chrono::minutes(1);
  Duration max_ttl = std::chrono::hours(7 * 24);
  Duration negative_ttl = std::chrono::seconds(15);  // 0: failures are not cached
  // How long a Preload()ed credential is kept (then refetched from its URL); a
  // weekly pre-seed with a day of overlap.
  Duration preload_ttl = std::chrono::hours(8 * 24);
  // Recompute a memoised trust result at least this often, even with the same
  // TrustStore.
  Duration trust_recheck = std::chrono::hours(1);
  // Background fetching (see the top of this file): 0 fetches on the caller's
  // thread; otherwise this many fetch threads, a cold Get waiting at most
  // cold_wait (real time), and at most max_queued_fetches URLs waiting.
  std::size_t fetch_threads = 0;
  std::chrono::milliseconds cold_wait{500};
  std::size_t max_queued_fetches = 16;
};

// Counters since Create, for /metrics. Monotonic except `entries`.
struct CredentialCacheStats {
  uint64_t hits = 0;                 // answered from a positive entry
  uint64_t negative_hits = 0;        // answered from a cached failure
  uint64_t misses = 0;               // not cached (or expired): fetched or waited for a fetch
  uint64_t fetches = 0;              // CertificateFetcher::Fetch calls
  uint64_t failures = 0;             // fetches (or parses) that failed
  uint64_t evictions = 0;            // entries dropped to make room
  uint64_t trust_verifications = 0;  // TrustStore::Verify calls
  uint64_t preloads = 0;
  std::size_t entries = 0;  // current, positive and negative
};

class CredentialCache {
 public:
  // InvalidArgument for a zero capacity, negative durations, min_ttl > max_ttl or
  // a null fetcher. `clock` must outlive the cache; it decides every expiry.
  static Result<std::unique_ptr<CredentialCache>> Create(
      CredentialCacheOptions options, std::unique_ptr<CertificateFetcher> fetcher, Clock& clock);

  virtual ~CredentialCache() = default;

  // The credential at `url`, from the cache or fetched (see the top of this
  // file). An error when there is no usable certificate chain: the fetcher's error
  // (see x5u_fetch.h), or InvalidArgument when the body is not a certificate
  // chain, each naming the URL; such errors are cached for negative_ttl.
  // `trust` may be null (then CredentialLookup::trust is FailedPrecondition).
  virtual Result<CredentialLookup> Get(std::string_view url,
                                       const std::shared_ptr<const TrustStore>& trust) = 0;

  // Seeds the cache with `pem` (leaf then intermediates) for `url`, as if fetched,
  // for preload_ttl (at most until the chain's earliest notAfter). Replaces an
  // entry for the URL. InvalidArgument if the PEM is not a certificate chain or
  // the chain has already expired.
  virtual Status Preload(std::string_view url, std::string_view pem) = 0;

  // Drops the entry for `url` (if any): the next Get fetches.
  virtual void Invalidate(std::string_view url) = 0;
  // Drops every entry.
  virtual void Clear() = 0;

  virtual CredentialCacheStats stats() const = 0;
};

}  // namespace quell::shaken
