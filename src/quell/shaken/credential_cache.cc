#include "quell/shaken/credential_cache.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <shared_mutex>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "quell/shaken/internal/x5u_text.h"

namespace quell::shaken {
namespace {

int64_t ToUnixSeconds(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}
// Certificates may say 9999 (RFC 5280), past what a nanosecond time point holds:
// clamp to +-2^32 s (1834..2106), where differences of two times cannot overflow.
TimePoint FromUnixSeconds(int64_t s) {
  constexpr int64_t kLimit = int64_t{1} << 32;
  return TimePoint(std::chrono::seconds(std::clamp(s, -kLimit, kLimit)));
}

std::string Prefix(std::string_view url) { return "x5u " + internal::QuoteX5u(url) + ": "; }

// Heterogeneous lookup: Get(string_view) finds without building a std::string.
struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

Result<std::shared_ptr<const VerifiedCredential>> BuildCredential(std::string_view url,
                                                                  std::string_view pem) {
  Result<CertificateChain> chain = ParseCertificateChain(pem);
  if (!chain) {
    return InvalidArgument(Prefix(url) + "not a certificate chain: " + chain.error().message());
  }
  int64_t from = chain->leaf.not_before();
  int64_t until = chain->leaf.not_after();
  for (const Certificate& c : chain->intermediates) {
    from = std::max(from, c.not_before());
    until = std::min(until, c.not_after());
  }
  Result<EcKey> key = chain->leaf.PublicKey();
  VerifiedCredential cred{
      .url = std::string(url),
      .chain = std::move(*chain),
      .public_key = std::nullopt,
      .key_status = key.status(),
      .valid_from = from,
      .valid_until = until,
  };
  if (key) cred.public_key.emplace(std::move(*key));
  return std::make_shared<const VerifiedCredential>(std::move(cred));
}

// Lifetime from the response headers, before clamping (RFC 9111 §4.2.1).
Duration HeaderLifetime(const CacheDirectives& d, TimePoint now, Duration default_ttl) {
  if (d.no_cache) return Duration::zero();
  if (d.max_age) return std::chrono::duration_cast<Duration>(*d.max_age);
  if (d.expires) return *d.expires - (d.date ? *d.date : now);
  return default_ttl;
}

}  // namespace

Status VerifiedCredential::CheckValidAt(int64_t at) const {
  if (at < valid_from) {
    return PermissionDenied("certificate not yet valid at " + FormatRfc3339(FromUnixSeconds(at)) +
                            " (valid from " + FormatRfc3339(FromUnixSeconds(valid_from)) + ")");
  }
  if (at > valid_until) {
    return PermissionDenied("certificate expired at " +
                            FormatRfc3339(FromUnixSeconds(valid_until)) + " (checked at " +
                            FormatRfc3339(FromUnixSeconds(at)) + ")");
  }
  return Status::Ok();
}

namespace {

// A few threads that run fetches, with a bounded queue.
class FetchPool {
 public:
  FetchPool(std::size_t threads, std::size_t max_queued) : max_queued_(max_queued) {
    for (std::size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { Run(); });
  }
  ~FetchPool() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
      queue_.clear();  // nobody waits for them any more: the cache is going away
    }
    cv_.notify_all();
    for (std::thread& t : threads_) t.join();
  }
  // False (and `task` not run) when max_queued tasks already wait.
  bool Submit(std::function<void()> task) {
    {
      std::lock_guard lock(mu_);
      if (queue_.size() >= max_queued_) return false;
      queue_.push_back(std::move(task));
    }
    cv_.notify_one();
    return true;
  }

 private:
  void Run() {
    while (true) {
      std::function<void()> task;
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [&] { return stop_ || !queue_.empty(); });
        if (stop_) return;
        task = std::move(queue_.front());
        queue_.pop_front();
      }
      task();
    }
  }

  const std::size_t max_queued_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;  // guarded by mu_
  bool stop_ = false;                        // guarded by mu_
  std::vector<std::thread> threads_;
};

class CredentialCacheImpl final : public CredentialCache {
  struct Entry {
    std::string url;
    std::shared_ptr<const VerifiedCredential> credential;  // null: a cached failure
    Status failure;
    TimePoint expires_at;
    std::size_t slot = 0;                 // index in slots_; guarded by mu_
    std::atomic<bool> referenced{false};  // CLOCK bit, set by hits under the shared lock
    // The trust memo; written under mu_ held exclusively, read under mu_ shared.
    bool memo_valid = false;
    std::weak_ptr<const TrustStore> memo_store;  // weak: an old store is not kept alive
    Status memo_status;
    TimePoint memo_at;
    // Held while recomputing the memo, so one thread does it.
    std::mutex recompute_mu;
  };

  // One fetch in progress; the callers that find it wait for its result.
  struct Flight {
    std::mutex mu;
    std::condition_variable cv;
    bool done = false;  // guarded by mu
    Result<std::shared_ptr<const VerifiedCredential>> result = Internal("fetch not finished");
    std::shared_ptr<const TrustStore> memo_store;  // what memo_status was computed against
    Status memo_status;
  };

  using Map = std::unordered_map<std::string, std::shared_ptr<Entry>, StringHash, std::equal_to<>>;

 public:
  CredentialCacheImpl(CredentialCacheOptions options, std::unique_ptr<CertificateFetcher> fetcher,
                      Clock& clock)
      : options_(options), fetcher_(std::move(fetcher)), clock_(clock) {
    map_.reserve(std::min<std::size_t>(options_.capacity, 1 << 16));
    if (options_.fetch_threads > 0) {
      pool_ = std::make_unique<FetchPool>(options_.fetch_threads, options_.max_queued_fetches);
    }
  }

  Result<CredentialLookup> Get(std::string_view url,
                               const std::shared_ptr<const TrustStore>& trust) override {
    while (true) {
      const TimePoint now = clock_.Now();
      std::shared_ptr<Entry> entry;
      {
        std::shared_lock lock(mu_);
        auto it = map_.find(url);
        if (it != map_.end() && now < it->second->expires_at) {
          Entry& e = *it->second;
          if (!e.referenced.load(std::memory_order_relaxed)) {
            e.referenced.store(true, std::memory_order_relaxed);
          }
          if (!e.credential) {
            negative_hits_.fetch_add(1, std::memory_order_relaxed);
            return e.failure;
          }
          hits_.fetch_add(1, std::memory_order_relaxed);
          if (MemoCurrent(e, trust, now)) {
            return CredentialLookup{e.credential, Usable(*e.credential, e.memo_status, now), true};
          }
          entry = it->second;
        }
      }
      if (entry) {
        Status trusted = RefreshMemo(*entry, trust, now);
        return CredentialLookup{entry->credential, std::move(trusted), true};
      }
      if (std::optional<Result<CredentialLookup>> r = Load(url, trust)) return std::move(*r);
      // Someone filled the entry while we took the lock: read it.
    }
  }

  Status Preload(std::string_view url, std::string_view pem) override {
    if (url.empty()) return InvalidArgument("preload: empty x5u URL");
    QUELL_ASSIGN_OR_RETURN(std::shared_ptr<const VerifiedCredential> cred,
                           BuildCredential(url, pem));
    const TimePoint now = clock_.Now();
    const TimePoint not_after = FromUnixSeconds(cred->valid_until);
    if (not_after <= now) {
      return InvalidArgument(Prefix(url) + "preload: the chain expired at " +
                             FormatRfc3339(not_after));
    }
    auto entry = std::make_shared<Entry>();
    entry->url = std::string(url);
    entry->credential = std::move(cred);
    entry->expires_at = std::min(now + options_.preload_ttl, not_after);
    std::unique_lock lock(mu_);
    Insert(std::move(entry), now);
    preloads_.fetch_add(1, std::memory_order_relaxed);
    return Status::Ok();
  }

  void Invalidate(std::string_view url) override {
    std::unique_lock lock(mu_);
    auto it = map_.find(url);
    if (it == map_.end()) return;
    Remove(it);
  }

  void Clear() override {
    std::unique_lock lock(mu_);
    map_.clear();
    slots_.clear();
    free_slots_.clear();
    hand_ = 0;
  }

  CredentialCacheStats stats() const override {
    CredentialCacheStats s;
    s.hits = hits_.load(std::memory_order_relaxed);
    s.negative_hits = negative_hits_.load(std::memory_order_relaxed);
    s.misses = misses_.load(std::memory_order_relaxed);
    s.fetches = fetches_.load(std::memory_order_relaxed);
    s.failures = failures_.load(std::memory_order_relaxed);
    s.evictions = evictions_.load(std::memory_order_relaxed);
    s.trust_verifications = trust_verifications_.load(std::memory_order_relaxed);
    s.preloads = preloads_.load(std::memory_order_relaxed);
    std::shared_lock lock(mu_);
    s.entries = map_.size();
    return s;
  }

 private:
  static bool SameStore(const std::weak_ptr<const TrustStore>& memo,
                        const std::shared_ptr<const TrustStore>& trust) {
    // Owner comparison: no ABA when a new store is allocated where an old one was,
    // since the weak_ptr keeps the old control block alive.
    return !memo.owner_before(trust) && !trust.owner_before(memo);
  }

  // Requires mu_ (shared is enough).
  bool MemoCurrent(const Entry& e, const std::shared_ptr<const TrustStore>& trust,
                   TimePoint now) const {
    if (!trust) return false;  // RefreshMemo reports it, without touching the memo
    return e.memo_valid && SameStore(e.memo_store, trust) &&
           now - e.memo_at < options_.trust_recheck && now >= e.memo_at;
  }

  // The memo (or its absence) combined with the key and the validity at `now`.
  Status Usable(const VerifiedCredential& c, const Status& memo, TimePoint now) const {
    if (!c.key_status.ok()) return c.key_status;
    if (!memo.ok()) return memo;
    return c.CheckValidAt(ToUnixSeconds(now));
  }

  Status Verify(const VerifiedCredential& c, const std::shared_ptr<const TrustStore>& trust,
                TimePoint now) {
    if (!trust) return FailedPrecondition("no trust store: no certificate is trusted");
    trust_verifications_.fetch_add(1, std::memory_order_relaxed);
    // Verified at a time inside the validity interval, so that the memo does not
    // depend on the time; Usable checks the time on every use.
    int64_t at = ToUnixSeconds(now);
    if (c.valid_from <= c.valid_until) at = std::clamp(at, c.valid_from, c.valid_until);
    return trust->Verify(c.chain, at);
  }

  Status RefreshMemo(Entry& e, const std::shared_ptr<const TrustStore>& trust, TimePoint now) {
    if (!trust) return Usable(*e.credential, Verify(*e.credential, trust, now), now);
    std::lock_guard recompute(e.recompute_mu);
    {
      std::shared_lock lock(mu_);
      if (MemoCurrent(e, trust, now)) return Usable(*e.credential, e.memo_status, now);
    }
    Status memo = Verify(*e.credential, trust, now);
    {
      std::unique_lock lock(mu_);
      e.memo_valid = true;
      e.memo_store = trust;
      e.memo_status = memo;
      e.memo_at = now;
    }
    return Usable(*e.credential, memo, now);
  }

  // A miss: fetch (or wait for the fetch already running). nullopt when the entry
  // turned out to be fresh after all.
  std::optional<Result<CredentialLookup>> Load(std::string_view url,
                                               const std::shared_ptr<const TrustStore>& trust) {
    std::shared_ptr<Flight> flight;
    bool leader = false;
    {
      std::unique_lock lock(mu_);
      auto it = map_.find(url);
      if (it != map_.end() && clock_.Now() < it->second->expires_at) return std::nullopt;
      auto f = flights_.find(url);
      if (f != flights_.end()) {
        flight = f->second;
      } else {
        flight = std::make_shared<Flight>();
        flights_.emplace(std::string(url), flight);
        leader = true;
      }
    }
    misses_.fetch_add(1, std::memory_order_relaxed);
    if (leader) {
      if (!pool_) return Lead(url, trust, *flight);
      auto task = [this, u = std::string(url), trust, flight] { (void)Lead(u, trust, *flight); };
      if (!pool_->Submit(std::move(task))) {
        Status busy = Unavailable(Prefix(url) +
                                  "not fetched: " + std::to_string(options_.max_queued_fetches) +
                                  " certificate fetches are already waiting");
        Abandon(url, *flight, busy);
        return Result<CredentialLookup>(std::move(busy));
      }
    }

    std::unique_lock wait(flight->mu);
    if (pool_) {
      if (!flight->cv.wait_for(wait, options_.cold_wait, [&] { return flight->done; })) {
        return Result<CredentialLookup>(Unavailable(
            Prefix(url) + "certificate fetch not finished within " +
            std::to_string(options_.cold_wait.count()) + " ms (later calls use its result)"));
      }
    } else {
      flight->cv.wait(wait, [&] { return flight->done; });
    }
    if (!flight->result) return Result<CredentialLookup>(flight->result.error());
    std::shared_ptr<const VerifiedCredential> cred = *flight->result;
    Status memo =
        trust == flight->memo_store ? flight->memo_status : Verify(*cred, trust, clock_.Now());
    wait.unlock();
    return Result<CredentialLookup>(
        CredentialLookup{cred, Usable(*cred, memo, clock_.Now()), false});
  }

  Result<CredentialLookup> Lead(std::string_view url,
                                const std::shared_ptr<const TrustStore>& trust, Flight& flight) {
    fetches_.fetch_add(1, std::memory_order_relaxed);
    Result<FetchedDocument> doc = FetchNoThrow(url);
    Result<std::shared_ptr<const VerifiedCredential>> cred =
        doc ? BuildCredential(url, doc->body)
            : Result<std::shared_ptr<const VerifiedCredential>>(doc.error());
    const TimePoint now = clock_.Now();
    Status memo;
    auto entry = std::make_shared<Entry>();
    entry->url = std::string(url);
    bool keep = true;
    if (cred) {
      memo = Verify(**cred, trust, now);
      entry->credential = *cred;
      entry->expires_at = Expiry(doc->cache, **cred, now);
      entry->memo_valid = trust != nullptr;
      entry->memo_store = trust;
      entry->memo_status = memo;
      entry->memo_at = now;
      keep = !doc->cache.no_store;
    } else {
      failures_.fetch_add(1, std::memory_order_relaxed);
      entry->failure = cred.error();
      entry->expires_at = now + options_.negative_ttl;
      keep = options_.negative_ttl > Duration::zero();
    }
    {
      std::unique_lock lock(mu_);
      if (keep) Insert(entry, now);
      flights_.erase(flights_.find(url));
    }
    {
      std::lock_guard lock(flight.mu);
      flight.result = cred;
      flight.memo_store = trust;
      flight.memo_status = memo;
      flight.done = true;
    }
    flight.cv.notify_all();
    if (!cred) return cred.error();
    return CredentialLookup{*cred, Usable(**cred, memo, now), false};
  }

  // Ends a flight that will not fetch: its waiters get `why`; nothing is cached.
  void Abandon(std::string_view url, Flight& flight, const Status& why) {
    {
      std::unique_lock lock(mu_);
      if (auto it = flights_.find(url); it != flights_.end()) flights_.erase(it);
    }
    {
      std::lock_guard lock(flight.mu);
      flight.result = why;
      flight.done = true;
    }
    flight.cv.notify_all();
  }

  // The fetcher is injected: an exception from it must not leave the callers
  // waiting on this flight stranded.
  Result<FetchedDocument> FetchNoThrow(std::string_view url) {
    try {
      return fetcher_->Fetch(url);
    } catch (const std::exception& e) {
      return Internal(Prefix(url) + "fetch failed: " + e.what());
    } catch (...) {
      return Internal(Prefix(url) + "fetch failed");
    }
  }

  TimePoint Expiry(const CacheDirectives& d, const VerifiedCredential& c, TimePoint now) const {
    Duration life = HeaderLifetime(d, now, options_.default_ttl);
    life = std::clamp(life, options_.min_ttl, options_.max_ttl);
    const TimePoint not_after = FromUnixSeconds(c.valid_until);
    // An expired chain is useless but cheap to keep: kept as briefly as a failure,
    // so that its URL is not refetched on every call.
    if (not_after <= now) return now + options_.negative_ttl;
    return std::min(now + life, not_after);
  }

  // Requires mu_ held exclusively. Replaces the URL's entry, or takes a free
  // slot, or evicts one.
  void Insert(std::shared_ptr<Entry> entry, TimePoint now) {
    auto it = map_.find(entry->url);
    if (it != map_.end()) {
      entry->slot = it->second->slot;
      slots_[entry->slot] = entry;
      it->second = std::move(entry);
      return;
    }
    if (map_.size() >= options_.capacity) EvictOne(now);
    if (!free_slots_.empty()) {
      entry->slot = free_slots_.back();
      free_slots_.pop_back();
      slots_[entry->slot] = entry;
    } else {
      entry->slot = slots_.size();
      slots_.push_back(entry);
    }
    std::string key = entry->url;
    map_.emplace(std::move(key), std::move(entry));
  }

  // Requires mu_ held exclusively and the cache full (so slots_ is not empty).
  void EvictOne(TimePoint now) {
    // Two turns of the hand always find a victim: the first clears every bit.
    for (std::size_t step = 0; step <= 2 * slots_.size(); ++step) {
      const std::size_t s = hand_;
      hand_ = (hand_ + 1) % slots_.size();
      const std::shared_ptr<Entry>& e = slots_[s];
      if (!e) continue;
      if (now >= e->expires_at || !e->referenced.exchange(false, std::memory_order_relaxed)) {
        evictions_.fetch_add(1, std::memory_order_relaxed);
        Remove(map_.find(e->url));
        return;
      }
    }
  }

  // Requires mu_ held exclusively.
  void Remove(Map::iterator it) {
    const std::size_t slot = it->second->slot;
    slots_[slot].reset();
    free_slots_.push_back(slot);
    map_.erase(it);
  }

  const CredentialCacheOptions options_;
  const std::unique_ptr<CertificateFetcher> fetcher_;
  Clock& clock_;

  mutable std::shared_mutex mu_;
  // All guarded by mu_.
  Map map_;
  std::vector<std::shared_ptr<Entry>> slots_;  // the CLOCK ring
  std::vector<std::size_t> free_slots_;
  std::size_t hand_ = 0;
  std::unordered_map<std::string, std::shared_ptr<Flight>, StringHash, std::equal_to<>> flights_;

  std::atomic<uint64_t> hits_{0};
  std::atomic<uint64_t> negative_hits_{0};
  std::atomic<uint64_t> misses_{0};
  std::atomic<uint64_t> fetches_{0};
  std::atomic<uint64_t> failures_{0};
  std::atomic<uint64_t> evictions_{0};
  std::atomic<uint64_t> trust_verifications_{0};
  std::atomic<uint64_t> preloads_{0};
  // Last: destroyed (its threads joined) before anything a fetch touches.
  std::unique_ptr<FetchPool> pool_;
};

}  // namespace

Result<std::unique_ptr<CredentialCache>> CredentialCache::Create(
    CredentialCacheOptions options, std::unique_ptr<CertificateFetcher> fetcher, Clock& clock) {
  if (!fetcher) return InvalidArgument("credential cache: no fetcher");
  if (options.capacity == 0) return InvalidArgument("credential cache: capacity must be positive");
  const Duration zero = Duration::zero();
  if (options.default_ttl < zero || options.min_ttl < zero || options.max_ttl < zero ||
      options.negative_ttl < zero || options.preload_ttl < zero || options.trust_recheck < zero) {
    return InvalidArgument("credential cache: durations must not be negative");
  }
  if (options.min_ttl > options.max_ttl) {
    return InvalidArgument("credential cache: min_ttl is greater than max_ttl");
  }
  if (options.fetch_threads > 0 &&
      (options.cold_wait.count() <= 0 || options.max_queued_fetches == 0)) {
    return InvalidArgument(
        "credential cache: with fetch threads, cold_wait and max_queued_fetches must be positive");
  }
  return std::unique_ptr<CredentialCache>(
      new CredentialCacheImpl(options, std::move(fetcher), clock));
}

}  // namespace quell::shaken
