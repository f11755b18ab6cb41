#include "quell/sip/internal/transaction_cache.h"

#include <algorithm>

namespace quell::sip::internal {

TransactionCache::TransactionCache(std::size_t capacity, int64_t ttl_ms) : ttl_ms_(ttl_ms) {
  const std::size_t per_shard = std::max<std::size_t>(capacity / shards_.size(), 1);
  for (Shard& s : shards_) {
    s.ring.resize(per_shard);
    s.index.reserve(per_shard);
  }
}

TransactionCache::Found TransactionCache::LookupOrClaim(uint64_t key, int64_t now_ms,
                                                        std::string& out) {
  Shard& s = ShardOf(key);
  std::lock_guard lock(s.mu);
  if (const auto it = s.index.find(key); it != s.index.end()) {
    Entry& e = s.ring[it->second];
    if (e.expires_ms > now_ms) {
      if (e.response.empty()) return Found::kInProgress;
      out.assign(e.response);
      return Found::kHit;
    }
    e.expires_ms = now_ms + ttl_ms_;
    e.response.clear();
    return Found::kClaimed;
  }
  Add(s, key, now_ms + ttl_ms_).response.clear();
  return Found::kClaimed;
}

void TransactionCache::Release(uint64_t key) {
  Shard& s = ShardOf(key);
  std::lock_guard lock(s.mu);
  if (const auto it = s.index.find(key); it != s.index.end()) {
    s.ring[it->second].expires_ms = 0;
    s.index.erase(it);
  }
}

bool TransactionCache::Lookup(uint64_t key, int64_t now_ms, std::string& out) {
  Shard& s = ShardOf(key);
  std::lock_guard lock(s.mu);
  const auto it = s.index.find(key);
  if (it == s.index.end()) return false;
  const Entry& e = s.ring[it->second];
  if (e.expires_ms <= now_ms || e.response.empty()) return false;
  out.assign(e.response);
  return true;
}

bool TransactionCache::Contains(uint64_t key, int64_t now_ms) {
  Shard& s = ShardOf(key);
  std::lock_guard lock(s.mu);
  const auto it = s.index.find(key);
  return it != s.index.end() && s.ring[it->second].expires_ms > now_ms;
}

void TransactionCache::Insert(uint64_t key, int64_t now_ms, std::string_view response) {
  Shard& s = ShardOf(key);
  std::lock_guard lock(s.mu);
  if (const auto it = s.index.find(key); it != s.index.end()) {
    Entry& e = s.ring[it->second];
    e.expires_ms = now_ms + ttl_ms_;
    e.response.assign(response);
    return;
  }
  Add(s, key, now_ms + ttl_ms_).response.assign(response);
}

TransactionCache::Entry& TransactionCache::Add(Shard& s, uint64_t key, int64_t expires_ms) {
  const uint32_t slot = static_cast<uint32_t>(s.next);
  s.next = (s.next + 1) % s.ring.size();
  Entry& e = s.ring[slot];
  if (e.expires_ms != 0) {
    const auto old = s.index.find(e.key);
    if (old != s.index.end() && old->second == slot) s.index.erase(old);
  }
  e.key = key;
  e.expires_ms = expires_ms;
  s.index[key] = slot;
  return e;
}

}  // namespace quell::sip::internal
