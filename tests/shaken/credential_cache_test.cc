#include "quell/shaken/credential_cache.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <map>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "quell/shaken/pki.h"

namespace quell::shaken {
namespace {

using namespace std::chrono_literals;

constexpr int64_t kNow = 1'800'000'000;  // FakeClock's default start
constexpr int64_t kDay = 86'400;

// --- A test PKI: root -> intermediate -> leaf, and a second, unrelated root ----

struct Issued {
  std::string pem;
  Certificate cert;
};

Issued Parse(const Result<std::string>& pem) {
  EXPECT_TRUE(pem.has_value()) << pem.status().ToString();
  auto certs = ParsePemCertificates(*pem);
  EXPECT_TRUE(certs.has_value()) << certs.status().ToString();
  return Issued{*pem, (*certs)[0]};
}

struct TestPki {
  TestPki()
      : root_key(*EcKey::Generate()), inter_key(*EcKey::Generate()), other_key(*EcKey::Generate()) {
    root = std::make_unique<Issued>(Parse(IssueRootCa(
        {.subject = {.country = "US", .organization = "Test STI-PA", .common_name = "Test Root"},
         .not_before = kNow - 365 * kDay,
         .not_after = kNow + 10 * 365 * kDay},
        root_key)));
    inter = std::make_unique<Issued>(Parse(IssueIntermediateCa(
        {.subject = {.country = "US", .organization = "Test CA", .common_name = "Test Inter"},
         .not_before = kNow - 365 * kDay,
         .not_after = kNow + 5 * 365 * kDay},
        inter_key, CertificateAuthority{root->cert, root_key})));
    other_root = std::make_unique<Issued>(Parse(IssueRootCa(
        {.subject = {.country = "US", .organization = "Other", .common_name = "Other Root"},
         .not_before = kNow - 365 * kDay,
         .not_after = kNow + 10 * 365 * kDay},
        other_key)));
  }

  // Leaf + intermediate, as an x5u serves them.
  std::string Chain(int64_t not_before, int64_t not_after) {
    auto key = EcKey::Generate();
    EXPECT_TRUE(key.has_value());
    Result<std::string> leaf = IssueShakenCertificate(
        {.subject = {.country = "US", .organization = "Carrier", .common_name = "SHAKEN 1234"},
         .not_before = not_before,
         .not_after = not_after,
         .tn_auth_list = {.spcs = {"1234"}}},
        *key, CertificateAuthority{inter->cert, inter_key});
    EXPECT_TRUE(leaf.has_value()) << leaf.status().ToString();
    return *leaf + inter->pem;
  }

  std::shared_ptr<const TrustStore> Store(const std::string& roots_pem) {
    auto s = TrustStore::FromPem(roots_pem, "");
    EXPECT_TRUE(s.has_value()) << s.status().ToString();
    return s.has_value() ? *s : nullptr;
  }

  EcKey root_key, inter_key, other_key;
  std::unique_ptr<Issued> root, inter, other_root;
};

TestPki& Pki() {
  static TestPki* pki = new TestPki();
  return *pki;
}

// --- A fetcher double that counts, answers from a table, and can block ----------

class FakeFetcher final : public CertificateFetcher {
 public:
  Result<FetchedDocument> Fetch(std::string_view url) override {
    std::unique_lock lock(mu_);
    ++calls_[std::string(url)];
    ++total_;
    cv_.notify_all();
    cv_.wait(lock, [&] { return !blocked_; });
    if (throw_) throw std::runtime_error("boom");
    auto it = answers_.find(std::string(url));
    if (it == answers_.end()) return Unavailable("x5u \"" + std::string(url) + "\": no answer");
    return it->second;
  }

  void Serve(const std::string& url, std::string body, CacheDirectives cache = {}) {
    std::lock_guard lock(mu_);
    FetchedDocument d;
    d.url = url;
    d.body = std::move(body);
    d.cache = cache;
    answers_[url] = std::move(d);
  }
  void Fail(const std::string& url, Status s) {
    std::lock_guard lock(mu_);
    answers_[url] = std::move(s);
  }
  void Block() {
    std::lock_guard lock(mu_);
    blocked_ = true;
  }
  void Unblock() {
    std::lock_guard lock(mu_);
    blocked_ = false;
    cv_.notify_all();
  }
  void Throw() {
    std::lock_guard lock(mu_);
    throw_ = true;
  }
  int Calls(const std::string& url) {
    std::lock_guard lock(mu_);
    return calls_[url];
  }
  // Waits (at most 2 s) until `n` fetches have started.
  bool WaitForCalls(int n) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, 2s, [&] { return total_ >= n; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, Result<FetchedDocument>> answers_;
  std::map<std::string, int> calls_;
  int total_ = 0;
  bool blocked_ = false;
  bool throw_ = false;
};

CacheDirectives MaxAge(std::chrono::seconds s) {
  CacheDirectives d;
  d.max_age = s;
  return d;
}

const std::string kUrl = "https://cert.example.net/sti/1234.pem";

class CredentialCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    chain_ = Pki().Chain(kNow - kDay, kNow + 90 * kDay);
    trust_ = Pki().Store(Pki().root->pem);
    ASSERT_NE(trust_, nullptr);
  }

  void Make(CredentialCacheOptions o = {}) {
    auto fetcher = std::make_unique<FakeFetcher>();
    fetcher_ = fetcher.get();
    auto cache = CredentialCache::Create(o, std::move(fetcher), clock_);
    ASSERT_TRUE(cache.has_value()) << cache.status().ToString();
    cache_ = std::move(*cache);
  }

  Result<CredentialLookup> Get(const std::string& url = kUrl) { return cache_->Get(url, trust_); }

  FakeClock clock_;
  std::string chain_;
  std::shared_ptr<const TrustStore> trust_;
  FakeFetcher* fetcher_ = nullptr;
  std::unique_ptr<CredentialCache> cache_;
};

TEST_F(CredentialCacheTest, MissThenHitKeepsTheWholeChain) {
  Make();
  fetcher_->Serve(kUrl, chain_, MaxAge(3600s));
  Result<CredentialLookup> c = Get();
  ASSERT_TRUE(c.has_value()) << c.status().ToString();
  EXPECT_FALSE(c->cache_hit);
  EXPECT_TRUE(c->trust.ok()) << c->trust.ToString();
  ASSERT_NE(c->credential, nullptr);
  EXPECT_EQ(c->credential->url, kUrl);
  EXPECT_EQ(c->credential->chain.leaf.subject().find("SHAKEN 1234") != std::string::npos, true);
  ASSERT_EQ(c->credential->chain.intermediates.size(), 1u);
  EXPECT_EQ(c->credential->chain.intermediates[0].subject(), Pki().inter->cert.subject());
  EXPECT_TRUE(c->credential->public_key.has_value());
  EXPECT_EQ(c->credential->valid_from, kNow - kDay);
  EXPECT_EQ(c->credential->valid_until, kNow + 90 * kDay);

  Result<CredentialLookup> again = Get();
  ASSERT_TRUE(again.has_value());
  EXPECT_TRUE(again->cache_hit);
  EXPECT_TRUE(again->trust.ok());
  EXPECT_EQ(again->credential, c->credential);  // the same object, shared
  EXPECT_EQ(fetcher_->Calls(kUrl), 1);

  CredentialCacheStats s = cache_->stats();
  EXPECT_EQ(s.hits, 1u);
  EXPECT_EQ(s.misses, 1u);
  EXPECT_EQ(s.fetches, 1u);
  EXPECT_EQ(s.failures, 0u);
  EXPECT_EQ(s.entries, 1u);
  EXPECT_EQ(s.trust_verifications, 1u);
}

TEST_F(CredentialCacheTest, MaxAgeIsHonoured) {
  Make();
  fetcher_->Serve(kUrl, chain_, MaxAge(600s));
  ASSERT_TRUE(Get().has_value());
  clock_.Advance(599s);
  EXPECT_TRUE(Get()->cache_hit);
  clock_.Advance(2s);
  EXPECT_FALSE(Get()->cache_hit);
  EXPECT_EQ(fetcher_->Calls(kUrl), 2);
}

TEST_F(CredentialCacheTest, NoDirectivesMeans24Hours) {
  Make();
  fetcher_->Serve(kUrl, chain_);
  ASSERT_TRUE(Get().has_value());
  clock_.Advance(24h - 1s);
  EXPECT_TRUE(Get()->cache_hit);
  clock_.Advance(1s);
  EXPECT_FALSE(Get()->cache_hit);
  EXPECT_EQ(fetcher_->Calls(kUrl), 2);
}

TEST_F(CredentialCacheTest, ExpiresRelativeToDate) {
  Make();
  CacheDirectives d;
  d.date = clock_.Now() - 1h;  // the server's clock is an hour behind ours
  d.expires = *d.date + 2h;    // so two hours of freshness, not one
  fetcher_->Serve(kUrl, chain_, d);
  ASSERT_TRUE(Get().has_value());
  clock_.Advance(2h - 1s);
  EXPECT_TRUE(Get()->cache_hit);
  clock_.Advance(1s);
  EXPECT_FALSE(Get()->cache_hit);
}

TEST_F(CredentialCacheTest, LifetimeIsClampedToMinAndMax) {
  CredentialCacheOptions o;
  o.min_ttl = 5min;
  o.max_ttl = 48h;
  Make(o);
  fetcher_->Serve(kUrl, chain_, MaxAge(1s));
  ASSERT_TRUE(Get().has_value());
  clock_.Advance(5min - 1s);
  EXPECT_TRUE(Get()->cache_hit);
  clock_.Advance(1s);
  EXPECT_FALSE(Get()->cache_hit);

  const std::string other = kUrl + "-long";
  fetcher_->Serve(other, chain_, MaxAge(std::chrono::seconds(30 * kDay)));
  ASSERT_TRUE(Get(other).has_value());
  clock_.Advance(48h - 1s);
  EXPECT_TRUE(Get(other)->cache_hit);
  clock_.Advance(1s);
  EXPECT_FALSE(Get(other)->cache_hit);
}

TEST_F(CredentialCacheTest, NoCacheCountsAsZeroThenMinTtl) {
  Make();  // min_ttl 1 min
  CacheDirectives d = MaxAge(3600s);
  d.no_cache = true;
  fetcher_->Serve(kUrl, chain_, d);
  ASSERT_TRUE(Get().has_value());
  clock_.Advance(59s);
  EXPECT_TRUE(Get()->cache_hit);
  clock_.Advance(1s);
  EXPECT_FALSE(Get()->cache_hit);
}

TEST_F(CredentialCacheTest, NeverPastTheChainsNotAfter) {
  Make();
  const std::string soon = Pki().Chain(kNow - kDay, kNow + 7200);
  fetcher_->Serve(kUrl, soon, MaxAge(std::chrono::seconds(kDay)));
  Result<CredentialLookup> c = Get();
  ASSERT_TRUE(c.has_value());
  EXPECT_TRUE(c->trust.ok()) << c->trust.ToString();
  clock_.Advance(7199s);
  EXPECT_TRUE(Get()->cache_hit);
  clock_.Advance(2s);
  fetcher_->Serve(kUrl, chain_, MaxAge(std::chrono::seconds(kDay)));  // the renewed certificate
  c = Get();
  ASSERT_TRUE(c.has_value());
  EXPECT_FALSE(c->cache_hit);
  EXPECT_TRUE(c->trust.ok()) << c->trust.ToString();
  EXPECT_EQ(c->credential->valid_until, kNow + 90 * kDay);
}

TEST_F(CredentialCacheTest, AnExpiredChainIsReportedAndKeptBriefly) {
  Make();
  fetcher_->Serve(kUrl, Pki().Chain(kNow - 10 * kDay, kNow - kDay));
  Result<CredentialLookup> c = Get();
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->trust.code(), StatusCode::kPermissionDenied);
  EXPECT_NE(c->trust.message().find("expired"), std::string::npos) << c->trust.message();
  EXPECT_TRUE(Get()->cache_hit);  // not refetched on every call
  clock_.Advance(16s);            // negative_ttl
  EXPECT_FALSE(Get()->cache_hit);
}

TEST_F(CredentialCacheTest, NoStoreAnswersTheCallButIsNotKept) {
  Make();
  CacheDirectives d = MaxAge(3600s);
  d.no_store = true;
  fetcher_->Serve(kUrl, chain_, d);
  Result<CredentialLookup> c = Get();
  ASSERT_TRUE(c.has_value());
  EXPECT_TRUE(c->trust.ok());
  EXPECT_FALSE(Get()->cache_hit);
  EXPECT_EQ(fetcher_->Calls(kUrl), 2);
  EXPECT_EQ(cache_->stats().entries, 0u);
}

TEST_F(CredentialCacheTest, FailuresAreCachedBriefly) {
  Make();  // negative_ttl 15 s
  fetcher_->Fail(kUrl, Unavailable("x5u \"" + kUrl + "\": connection failed"));
  Result<CredentialLookup> c = Get();
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().code(), StatusCode::kUnavailable);
  clock_.Advance(14s);
  c = Get();
  ASSERT_FALSE(c.has_value());
  EXPECT_NE(c.error().message().find("connection failed"), std::string::npos);
  EXPECT_EQ(fetcher_->Calls(kUrl), 1);
  clock_.Advance(1s);
  fetcher_->Serve(kUrl, chain_);  // the peer is back
  c = Get();
  ASSERT_TRUE(c.has_value()) << c.status().ToString();
  EXPECT_EQ(fetcher_->Calls(kUrl), 2);

  CredentialCacheStats s = cache_->stats();
  EXPECT_EQ(s.failures, 1u);
  EXPECT_EQ(s.negative_hits, 1u);
  EXPECT_EQ(s.fetches, 2u);
}

TEST_F(CredentialCacheTest, BodyThatIsNotAChainIsAFailureNamingTheUrl) {
  Make();
  fetcher_->Serve(kUrl,
                  "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n");
  Result<CredentialLookup> c = Get();
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(c.error().message().find(kUrl), std::string::npos) << c.error().message();
  EXPECT_FALSE(Get().has_value());
  EXPECT_EQ(fetcher_->Calls(kUrl), 1);
  EXPECT_EQ(cache_->stats().failures, 1u);
}

TEST_F(CredentialCacheTest, ZeroNegativeTtlDoesNotCacheFailures) {
  CredentialCacheOptions o;
  o.negative_ttl = 0s;
  Make(o);
  fetcher_->Fail(kUrl, Unavailable("down"));
  EXPECT_FALSE(Get().has_value());
  EXPECT_FALSE(Get().has_value());
  EXPECT_EQ(fetcher_->Calls(kUrl), 2);
}

TEST_F(CredentialCacheTest, EvictsAtCapacityLeastRecentlyUsedFirst) {
  CredentialCacheOptions o;
  o.capacity = 3;
  Make(o);
  for (const char* u : {"a", "b", "c", "d", "e"}) fetcher_->Serve(kUrl + u, chain_);
  ASSERT_TRUE(Get(kUrl + "a").has_value());
  ASSERT_TRUE(Get(kUrl + "b").has_value());
  ASSERT_TRUE(Get(kUrl + "c").has_value());
  EXPECT_TRUE(Get(kUrl + "a")->cache_hit);
  EXPECT_TRUE(Get(kUrl + "c")->cache_hit);
  ASSERT_TRUE(Get(kUrl + "d").has_value());  // b was not used again: it goes
  CredentialCacheStats s = cache_->stats();
  EXPECT_EQ(s.evictions, 1u);
  EXPECT_EQ(s.entries, 3u);
  EXPECT_TRUE(Get(kUrl + "a")->cache_hit);
  EXPECT_TRUE(Get(kUrl + "c")->cache_hit);
  EXPECT_TRUE(Get(kUrl + "d")->cache_hit);
  EXPECT_FALSE(Get(kUrl + "b")->cache_hit);
  EXPECT_EQ(fetcher_->Calls(kUrl + "b"), 2);
  EXPECT_EQ(cache_->stats().entries, 3u);
  EXPECT_EQ(cache_->stats().evictions, 2u);
}

TEST_F(CredentialCacheTest, AnExpiredEntryGetsNoSecondChance) {
  CredentialCacheOptions o;
  o.capacity = 2;
  Make(o);
  fetcher_->Serve(kUrl + "long", chain_, MaxAge(3600s));
  fetcher_->Serve(kUrl + "short", chain_, MaxAge(60s));
  fetcher_->Serve(kUrl + "new", chain_, MaxAge(3600s));
  ASSERT_TRUE(Get(kUrl + "long").has_value());
  ASSERT_TRUE(Get(kUrl + "short").has_value());
  EXPECT_TRUE(Get(kUrl + "long")->cache_hit);
  EXPECT_TRUE(Get(kUrl + "short")->cache_hit);  // both used since inserted
  clock_.Advance(61s);
  ASSERT_TRUE(Get(kUrl + "new").has_value());  // the expired one goes, used or not
  EXPECT_TRUE(Get(kUrl + "long")->cache_hit);
  EXPECT_TRUE(Get(kUrl + "new")->cache_hit);
  EXPECT_EQ(fetcher_->Calls(kUrl + "long"), 1);
  EXPECT_EQ(cache_->stats().entries, 2u);
}

TEST_F(CredentialCacheTest, SingleFlightOneFetchForConcurrentMisses) {
  Make();
  fetcher_->Serve(kUrl, chain_);
  fetcher_->Block();
  constexpr int kThreads = 8;
  std::vector<Result<CredentialLookup>> results(kThreads, Internal("not run"));
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] { results[i] = Get(); });
  }
  ASSERT_TRUE(fetcher_->WaitForCalls(1));
  // Every caller has joined the flight once it has counted its miss.
  const auto deadline = std::chrono::steady_clock::now() + 2s;
  while (cache_->stats().misses < kThreads && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(1ms);
  }
  EXPECT_EQ(cache_->stats().misses, static_cast<uint64_t>(kThreads));
  fetcher_->Unblock();
  for (auto& t : threads) t.join();
  EXPECT_EQ(fetcher_->Calls(kUrl), 1);
  for (const auto& r : results) {
    ASSERT_TRUE(r.has_value()) << r.status().ToString();
    EXPECT_TRUE(r->trust.ok()) << r->trust.ToString();
    EXPECT_EQ(r->credential, results[0]->credential);
  }
  EXPECT_EQ(cache_->stats().trust_verifications, 1u);
  EXPECT_TRUE(Get()->cache_hit);
}

TEST_F(CredentialCacheTest, SingleFlightSharesFailures) {
  Make();
  fetcher_->Fail(kUrl, Unavailable("down"));
  fetcher_->Block();
  std::vector<Result<CredentialLookup>> results(4, Internal("not run"));
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) threads.emplace_back([&, i] { results[i] = Get(); });
  ASSERT_TRUE(fetcher_->WaitForCalls(1));
  const auto deadline = std::chrono::steady_clock::now() + 2s;
  while (cache_->stats().misses < 4 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(1ms);
  }
  fetcher_->Unblock();
  for (auto& t : threads) t.join();
  EXPECT_EQ(fetcher_->Calls(kUrl), 1);
  for (const auto& r : results) EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
}

// With fetch threads, a call waits for a cold certificate at most cold_wait: a
// slow x5u server costs that call its verification, not the call path a thread.
TEST_F(CredentialCacheTest, BackgroundFetchBoundsTheColdWait) {
  CredentialCacheOptions o;
  o.fetch_threads = 1;
  o.cold_wait = 50ms;
  Make(o);
  fetcher_->Serve(kUrl, chain_);
  fetcher_->Block();
  // The fetch is blocked until Unblock: that Get returns at all is the bound.
  Result<CredentialLookup> cold = Get();
  ASSERT_FALSE(cold.has_value());
  EXPECT_EQ(cold.error().code(), StatusCode::kUnavailable);
  EXPECT_NE(cold.error().message().find("not finished within 50 ms"), std::string::npos)
      << cold.error().message();
  // The fetch completes in the background and serves the next call from the cache.
  fetcher_->Unblock();
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  Result<CredentialLookup> warm = Internal("not run");
  do {
    std::this_thread::sleep_for(5ms);
    warm = Get();
  } while (!warm.has_value() && std::chrono::steady_clock::now() < deadline);
  ASSERT_TRUE(warm.has_value()) << warm.status().ToString();
  EXPECT_TRUE(warm->trust.ok()) << warm->trust.ToString();
  EXPECT_EQ(fetcher_->Calls(kUrl), 1);
}

TEST_F(CredentialCacheTest, BackgroundFetchQueueIsBounded) {
  CredentialCacheOptions o;
  o.fetch_threads = 1;
  o.cold_wait = 20ms;
  o.max_queued_fetches = 1;
  Make(o);
  fetcher_->Block();
  EXPECT_FALSE(Get("https://a.example/1.pem").has_value());  // taken by the fetch thread
  ASSERT_TRUE(fetcher_->WaitForCalls(1));
  EXPECT_FALSE(Get("https://a.example/2.pem").has_value());  // waits in the queue
  Result<CredentialLookup> refused = Get("https://a.example/3.pem");
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), StatusCode::kUnavailable);
  EXPECT_NE(refused.error().message().find("already waiting"), std::string::npos)
      << refused.error().message();
  fetcher_->Unblock();
  // The refused URL was not fetched and nothing was cached for it.
  EXPECT_EQ(fetcher_->Calls("https://a.example/3.pem"), 0);
}

TEST_F(CredentialCacheTest, AThrowingFetcherDoesNotStrandWaiters) {
  Make();
  fetcher_->Throw();
  Result<CredentialLookup> c = Get();
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().code(), StatusCode::kInternal);
  EXPECT_NE(c.error().message().find("boom"), std::string::npos);
}

TEST_F(CredentialCacheTest, TrustMemoIsRecomputedOncePerTrustStore) {
  Make();
  fetcher_->Serve(kUrl, chain_);
  ASSERT_TRUE(Get()->trust.ok());
  EXPECT_TRUE(Get()->trust.ok());
  EXPECT_EQ(cache_->stats().trust_verifications, 1u);

  // Roots reloaded: a new TrustStore object, same roots. Recomputed once.
  std::shared_ptr<const TrustStore> reloaded = Pki().Store(Pki().root->pem);
  Result<CredentialLookup> c = cache_->Get(kUrl, reloaded);
  ASSERT_TRUE(c.has_value());
  EXPECT_TRUE(c->cache_hit);
  EXPECT_TRUE(c->trust.ok());
  EXPECT_TRUE(cache_->Get(kUrl, reloaded)->trust.ok());
  EXPECT_EQ(cache_->stats().trust_verifications, 2u);

  // A store without our root: the same cached chain is now untrusted.
  std::shared_ptr<const TrustStore> other = Pki().Store(Pki().other_root->pem);
  c = cache_->Get(kUrl, other);
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->trust.code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(cache_->Get(kUrl, other)->trust.code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(cache_->stats().trust_verifications, 3u);
  EXPECT_EQ(fetcher_->Calls(kUrl), 1);

  // Dropping the old stores while the memo refers to one is fine (weak reference).
  trust_.reset();
  reloaded.reset();
  std::shared_ptr<const TrustStore> again = Pki().Store(Pki().root->pem);
  EXPECT_TRUE(cache_->Get(kUrl, again)->trust.ok());
  EXPECT_EQ(cache_->stats().trust_verifications, 4u);
}

TEST_F(CredentialCacheTest, TrustIsRecheckedPeriodically) {
  CredentialCacheOptions o;
  o.trust_recheck = 10min;
  Make(o);
  fetcher_->Serve(kUrl, chain_);
  ASSERT_TRUE(Get()->trust.ok());
  clock_.Advance(9min);
  ASSERT_TRUE(Get()->trust.ok());
  EXPECT_EQ(cache_->stats().trust_verifications, 1u);
  clock_.Advance(1min);
  ASSERT_TRUE(Get()->trust.ok());
  EXPECT_EQ(cache_->stats().trust_verifications, 2u);
}

TEST_F(CredentialCacheTest, RevocationInAReloadedStoreIsSeenOnTheNextHit) {
  Make();
  fetcher_->Serve(kUrl, chain_);
  Result<CredentialLookup> c = Get();
  ASSERT_TRUE(c.has_value());
  ASSERT_TRUE(c->trust.ok());
  Result<std::string> crl =
      IssueCrl({.this_update = kNow - 60,
                .next_update = kNow + kDay,
                .revoked = {{.serial_hex = c->credential->chain.leaf.serial_hex(),
                             .revoked_at = kNow - 60}}},
               CertificateAuthority{Pki().inter->cert, Pki().inter_key});
  ASSERT_TRUE(crl.has_value()) << crl.status().ToString();
  auto store = TrustStore::FromPem(Pki().root->pem, *crl);
  ASSERT_TRUE(store.has_value()) << store.status().ToString();
  c = cache_->Get(kUrl, *store);
  ASSERT_TRUE(c.has_value());
  EXPECT_TRUE(c->cache_hit);
  EXPECT_EQ(c->trust.code(), StatusCode::kPermissionDenied) << c->trust.ToString();
}

TEST_F(CredentialCacheTest, NoTrustStoreTrustsNothing) {
  Make();
  fetcher_->Serve(kUrl, chain_);
  Result<CredentialLookup> c = cache_->Get(kUrl, nullptr);
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->trust.code(), StatusCode::kFailedPrecondition);
  c = cache_->Get(kUrl, nullptr);
  ASSERT_TRUE(c.has_value());
  EXPECT_TRUE(c->cache_hit);
  EXPECT_EQ(c->trust.code(), StatusCode::kFailedPrecondition);
  EXPECT_TRUE(Get()->trust.ok());  // and a real store afterwards works
}

TEST_F(CredentialCacheTest, PreloadSeedsWithoutFetching) {
  CredentialCacheOptions o;
  o.preload_ttl = 8 * 24h;
  Make(o);
  ASSERT_TRUE(cache_->Preload(kUrl, chain_).ok());
  Result<CredentialLookup> c = Get();
  ASSERT_TRUE(c.has_value());
  EXPECT_TRUE(c->cache_hit);
  EXPECT_TRUE(c->trust.ok()) << c->trust.ToString();
  ASSERT_EQ(c->credential->chain.intermediates.size(), 1u);
  EXPECT_EQ(fetcher_->Calls(kUrl), 0);
  EXPECT_EQ(cache_->stats().preloads, 1u);

  clock_.Advance(8 * 24h);  // past preload_ttl: fetched from the URL
  fetcher_->Serve(kUrl, chain_);
  EXPECT_FALSE(Get()->cache_hit);
  EXPECT_EQ(fetcher_->Calls(kUrl), 1);
}

TEST_F(CredentialCacheTest, PreloadRefusesGarbageAndExpiredChains) {
  Make();
  Status s = cache_->Preload(kUrl, "hello");
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find(kUrl), std::string::npos) << s.message();
  s = cache_->Preload(kUrl, Pki().Chain(kNow - 10 * kDay, kNow - kDay));
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("expired"), std::string::npos) << s.message();
  EXPECT_EQ(cache_->Preload("", chain_).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(cache_->stats().entries, 0u);
}

TEST_F(CredentialCacheTest, PreloadReplacesAFailure) {
  Make();
  fetcher_->Fail(kUrl, Unavailable("down"));
  EXPECT_FALSE(Get().has_value());
  ASSERT_TRUE(cache_->Preload(kUrl, chain_).ok());
  EXPECT_TRUE(Get().has_value());
  EXPECT_EQ(cache_->stats().entries, 1u);
}

TEST_F(CredentialCacheTest, InvalidateAndClear) {
  Make();
  fetcher_->Serve(kUrl, chain_);
  fetcher_->Serve(kUrl + "2", chain_);
  ASSERT_TRUE(Get().has_value());
  ASSERT_TRUE(Get(kUrl + "2").has_value());
  cache_->Invalidate(kUrl);
  cache_->Invalidate("https://not.cached/");
  EXPECT_EQ(cache_->stats().entries, 1u);
  EXPECT_FALSE(Get()->cache_hit);
  cache_->Clear();
  EXPECT_EQ(cache_->stats().entries, 0u);
  EXPECT_FALSE(Get(kUrl + "2")->cache_hit);
  EXPECT_TRUE(Get(kUrl + "2")->cache_hit);
}

TEST_F(CredentialCacheTest, ManyThreadsMixedUrls) {
  CredentialCacheOptions o;
  o.capacity = 8;
  Make(o);
  for (int i = 0; i < 16; ++i) fetcher_->Serve(kUrl + std::to_string(i), chain_);
  std::atomic<int> bad{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        Result<CredentialLookup> c = Get(kUrl + std::to_string((i * 7 + t) % 16));
        if (!c || !c->trust.ok()) ++bad;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(bad.load(), 0);
  CredentialCacheStats s = cache_->stats();
  EXPECT_LE(s.entries, 8u);
  EXPECT_EQ(s.hits + s.misses, 800u);
}

TEST(CredentialValidityTest, CheckValidAtIsInclusive) {
  auto chain = ParseCertificateChain(Pki().Chain(kNow - kDay, kNow + kDay));
  ASSERT_TRUE(chain.has_value());
  VerifiedCredential c{.url = kUrl,
                       .chain = *chain,
                       .public_key = std::nullopt,
                       .key_status = Status::Ok(),
                       .valid_from = kNow - kDay,
                       .valid_until = kNow + kDay};
  EXPECT_TRUE(c.CheckValidAt(kNow).ok());
  EXPECT_TRUE(c.CheckValidAt(kNow - kDay).ok());
  EXPECT_TRUE(c.CheckValidAt(kNow + kDay).ok());
  Status s = c.CheckValidAt(kNow + kDay + 1);
  EXPECT_EQ(s.code(), StatusCode::kPermissionDenied);
  EXPECT_NE(s.message().find("expired"), std::string::npos);
  s = c.CheckValidAt(kNow - kDay - 1);
  EXPECT_NE(s.message().find("not yet valid"), std::string::npos);
}

TEST(CredentialCacheOptionsTest, CreateValidates) {
  FakeClock clock;
  auto make = [&](CredentialCacheOptions o) {
    return CredentialCache::Create(o, std::make_unique<FakeFetcher>(), clock).status().code();
  };
  CredentialCacheOptions o;
  o.capacity = 0;
  EXPECT_EQ(make(o), StatusCode::kInvalidArgument);
  o = {};
  o.min_ttl = 2h;
  o.max_ttl = 1h;
  EXPECT_EQ(make(o), StatusCode::kInvalidArgument);
  o = {};
  o.negative_ttl = -1s;
  EXPECT_EQ(make(o), StatusCode::kInvalidArgument);
  EXPECT_EQ(CredentialCache::Create({}, nullptr, clock).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(make({}), StatusCode::kOk);
}

}  // namespace
}  // namespace quell::shaken
