#include "quell/access/internal/key_cache.h"

#include "quell/core/ids.h"

namespace quell::access::internal {
namespace {

// How long one caller may take to refresh a stale record before another tries.
constexpr std::chrono::seconds kRefreshClaim{1};
// Bound on remembered unknown prefixes; past it the expired ones are dropped,
// and if all are live the set starts over (costing only store reads).
constexpr size_t kMaxUnknown = 65536;

}  // namespace

KeyCache::KeyCache(std::chrono::steady_clock::duration ttl,
                   std::chrono::steady_clock::duration unknown_ttl)
    : ttl_(ttl), unknown_ttl_(unknown_ttl) {}

KeyCache::Entry* KeyCache::Find(std::string_view prefix) const {
  std::shared_lock lock(mu_);
  auto it = entries_.find(std::string(prefix));
  return it == entries_.end() ? nullptr : it->second.get();
}

KeyCache::Outcome KeyCache::Check(std::string_view prefix, std::string_view key_digest,
                                  SteadyTime now, bool allow_stale, Principal* principal) {
  Entry* entry = Find(prefix);
  if (entry == nullptr) return KnownUnknown(prefix, now) ? Outcome::kUnknown : Outcome::kMissing;

  std::shared_ptr<const KeyRecord> record;
  {
    std::lock_guard lock(entry->mu);
    // A record-less entry is being Put by another thread right now.
    if (!entry->record) return Outcome::kMissing;
    bool fresh = now - entry->loaded_at < ttl_;
    if (!fresh && !allow_stale && now >= entry->refresh_claimed_until) {
      entry->refresh_claimed_until = now + kRefreshClaim;
      return Outcome::kStale;
    }
    record = entry->record;
  }
  if (!ConstantTimeEquals(record->key_digest, key_digest)) return Outcome::kWrongSecret;
  if (record->revoked) return Outcome::kRevoked;
  if (!entry->bucket.TryTake(now)) return Outcome::kRateLimited;
  entry->pending_uses.fetch_add(1, std::memory_order_relaxed);
  *principal = record->principal;
  return Outcome::kOk;
}

void KeyCache::Put(const KeyRecord& record, SteadyTime now) {
  Entry* entry = Find(record.prefix);
  if (entry == nullptr) {
    std::unique_lock lock(mu_);
    auto& slot = entries_[record.prefix];
    if (!slot) slot = std::make_unique<Entry>(record.id, record.rate_per_second, record.burst);
    entry = slot.get();
  }
  {
    std::lock_guard lock(entry->mu);
    bool limits_changed = !entry->record ||
                          entry->record->rate_per_second != record.rate_per_second ||
                          entry->record->burst != record.burst;
    if (limits_changed) entry->bucket.SetLimits(record.rate_per_second, record.burst);
    auto fresh = std::make_shared<KeyRecord>(record);
    // Revocation is final: a refresh that read the row before a revoke committed
    // must not bring the key back.
    if (entry->record && entry->record->revoked) fresh->revoked = true;
    entry->record = std::move(fresh);
    entry->loaded_at = now;
    entry->refresh_claimed_until = SteadyTime();
  }
  std::lock_guard lock(unknown_mu_);
  unknown_.erase(record.prefix);
}

void KeyCache::PutUnknown(std::string_view prefix, SteadyTime now) {
  std::lock_guard lock(unknown_mu_);
  if (unknown_.size() >= kMaxUnknown) {
    std::erase_if(unknown_, [&](const auto& e) { return e.second <= now; });
    if (unknown_.size() >= kMaxUnknown) unknown_.clear();
  }
  unknown_[std::string(prefix)] = now + unknown_ttl_;
}

bool KeyCache::KnownUnknown(std::string_view prefix, SteadyTime now) {
  std::lock_guard lock(unknown_mu_);
  auto it = unknown_.find(std::string(prefix));
  if (it == unknown_.end()) return false;
  if (it->second > now) return true;
  unknown_.erase(it);
  return false;
}

void KeyCache::MarkRevoked(std::string_view prefix) {
  Entry* entry = Find(prefix);
  if (entry == nullptr) return;
  std::lock_guard lock(entry->mu);
  if (!entry->record || entry->record->revoked) return;
  auto revoked = std::make_shared<KeyRecord>(*entry->record);
  revoked->revoked = true;
  entry->record = std::move(revoked);
}

std::vector<KeyCache::Uses> KeyCache::TakeUses() {
  std::vector<Uses> out;
  std::shared_lock lock(mu_);
  for (auto& [prefix, entry] : entries_) {
    int64_t n = entry->pending_uses.exchange(0, std::memory_order_relaxed);
    if (n != 0) out.push_back({prefix, entry->id, n});
  }
  return out;
}

void KeyCache::RestoreUses(const std::vector<Uses>& uses) {
  for (const Uses& u : uses) {
    if (Entry* entry = Find(u.prefix)) {
      entry->pending_uses.fetch_add(u.count, std::memory_order_relaxed);
    }
  }
}

}  // namespace quell::access::internal
