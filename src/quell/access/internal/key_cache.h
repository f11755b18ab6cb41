// KeyCache: the in-memory side of API-key checks, the hot path of every machine
// request. It holds, per key prefix, what the store said about the key (hash,
// principal, revoked) and when it was read, the key's token bucket, and the uses
// not yet written back. It also remembers prefixes the store did not know, for a
// short time, so a flood of bogus keys does not become a flood of store reads.
//
// KeyCache never reads the store itself: Check() says so when the caller
// should read the key's row and Put() it (kMissing, kStale).
//
//   switch (cache.Check(prefix, hash, now, /*allow_stale=*/false, &principal)) ...
//
// Thread-safety: thread-safe. Checks of different keys share only a reader lock;
// checks of one key share a short per-key mutex and a lock-free bucket.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "quell/access/access.h"
#include "quell/access/internal/rate_limiter.h"

namespace quell::access::internal {

// A key as stored.
struct KeyRecord {
  int64_t id = 0;
  std::string prefix;
  std::string key_digest;  // SHA-256 of the whole key, 32 raw bytes
  Principal principal;
  double rate_per_second = 0;
  int64_t burst = 0;
  bool revoked = false;
};

class KeyCache {
 public:
  enum class Outcome {
    kOk,           // the key is valid; a token was taken and the use counted
    kWrongSecret,  // the prefix is known, the rest of the key is not
    kRevoked,
    kRateLimited,
    kUnknown,  // the store recently did not know this prefix
    kMissing,  // nothing known about this prefix: read the store, then Put() or PutUnknown()
    kStale,    // the record is stale and this caller should refresh it: read the store, Put()
  };

  // Records are fresh for `ttl`, unknown prefixes remembered for `unknown_ttl`.
  KeyCache(std::chrono::steady_clock::duration ttl,
           std::chrono::steady_clock::duration unknown_ttl);

  // Checks a presented key, given as its prefix and the raw SHA-256 of the whole
  // key. On kOk fills `principal`. A stale record yields kStale to one caller at
  // a time; the others are answered from it meanwhile. With `allow_stale` (after
  // a failed store read) a stale record is used instead.
  Outcome Check(std::string_view prefix, std::string_view key_digest, SteadyTime now,
                bool allow_stale, Principal* principal);

  // Stores what the store said about a key, keeping its bucket and uncounted uses.
  void Put(const KeyRecord& record, SteadyTime now);
  // Remembers that the store does not know `prefix`.
  void PutUnknown(std::string_view prefix, SteadyTime now);
  // Marks a cached key revoked, effective for the next Check. Keys not in memory
  // are left alone: the store says they are revoked when they are read.
  void MarkRevoked(std::string_view prefix);

  struct Uses {
    std::string prefix;
    int64_t key_id = 0;
    int64_t count = 0;
  };
  // Takes the uses counted since the last call, per key.
  std::vector<Uses> TakeUses();
  // Gives back uses that could not be written.
  void RestoreUses(const std::vector<Uses>& uses);

 private:
  struct Entry {
    Entry(int64_t key_id, double rate, int64_t burst) : id(key_id), bucket(rate, burst) {}
    const int64_t id;
    std::mutex mu;
    std::shared_ptr<const KeyRecord> record;  // guarded by mu
    SteadyTime loaded_at;                     // guarded by mu
    SteadyTime refresh_claimed_until;         // guarded by mu
    TokenBucket bucket;
    std::atomic<int64_t> pending_uses{0};
  };

  // Entries are never erased (a revoked key stays, marked), so an Entry* found
  // under mu_ stays valid after mu_ is released.
  Entry* Find(std::string_view prefix) const;
  bool KnownUnknown(std::string_view prefix, SteadyTime now);

  const std::chrono::steady_clock::duration ttl_;
  const std::chrono::steady_clock::duration unknown_ttl_;

  mutable std::shared_mutex mu_;
  std::unordered_map<std::string, std::unique_ptr<Entry>> entries_;  // guarded by mu_

  std::mutex unknown_mu_;
  std::unordered_map<std::string, SteadyTime> unknown_;  // guarded by unknown_mu_: prefix -> expiry
};

}  // namespace quell::access::internal
