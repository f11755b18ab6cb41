// The stateless server's memory of recent INVITE transactions: a retransmitted
// INVITE gets the very response the first one got (and is screened, signed and
// counted once); a CANCEL learns whether its INVITE was answered.
//
// Bounded: `capacity` entries in 16 shards, each a FIFO ring (the oldest entry
// is overwritten) with an index; entries also expire after `ttl` (64*T1 = 32 s,
// the longest an INVITE is retransmitted). Response buffers are reused, so a
// warm cache allocates nothing. Thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <absl/container/flat_hash_map.h>

namespace quell::sip::internal {

class TransactionCache {
 public:
  TransactionCache(std::size_t capacity, int64_t ttl_ms);

  enum class Found {
    kClaimed,     // no entry: one is reserved for the caller, who answers and Inserts
    kHit,         // the cached response is in `out`
    kInProgress,  // another thread claimed it and has not answered yet
  };
  // One step, so that two copies of an INVITE arriving at once on two threads
  // are screened once: the first claims the transaction, the second finds it
  // claimed (and drops its copy: the answer is on its way). A claim that is not
  // answered must be Released.
  Found LookupOrClaim(uint64_t key, int64_t now_ms, std::string& out);
  void Release(uint64_t key);
  // Copies the cached response for `key` into `out` (cleared first) and returns
  // true if one is fresh at `now_ms`.
  bool Lookup(uint64_t key, int64_t now_ms, std::string& out);
  // True if a fresh entry exists, answered or claimed (its response is not copied).
  bool Contains(uint64_t key, int64_t now_ms);
  void Insert(uint64_t key, int64_t now_ms, std::string_view response);

 private:
  struct Entry {
    uint64_t key = 0;
    int64_t expires_ms = 0;
    std::string response;  // empty: claimed, not answered yet
  };
  struct Shard {
    std::mutex mu;
    absl::flat_hash_map<uint64_t, uint32_t> index;  // GUARDED_BY(mu)
    std::vector<Entry> ring;                        // GUARDED_BY(mu)
    std::size_t next = 0;                           // GUARDED_BY(mu)
  };
  // Adds an entry in a free (or the oldest) slot. Requires s.mu.
  Entry& Add(Shard& s, uint64_t key, int64_t expires_ms);
  Shard& ShardOf(uint64_t key) { return shards_[(key >> 59) & 15]; }

  int64_t ttl_ms_;
  std::array<Shard, 16> shards_;
};

}  // namespace quell::sip::internal
