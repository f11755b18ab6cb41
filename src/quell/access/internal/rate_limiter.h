// Rate limiters for access: a token bucket (API keys, store look-ups of unknown
// keys) and a failure window (logins per username and per client address).
//
// Time is injected: every call takes the current monotonic time (callers pass
// Clock::Steady()), so tests move time by hand.
//
//   TokenBucket bucket(/*rate_per_second=*/200, /*burst=*/400);
//   if (!bucket.TryTake(clock.Steady())) return ResourceExhausted("...");
//
//   FailureWindow logins(/*max_failures=*/5, std::chrono::minutes(15));
//   if (auto wait = logins.Blocked(username, now)) return ResourceExhausted(...);
//   if (!password_ok) logins.RecordFailure(username, now);
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace quell::access::internal {

using SteadyTime = std::chrono::steady_clock::time_point;

// A token bucket of `burst` tokens refilled at `rate_per_second`, starting full.
// Implemented as GCRA (one atomic "theoretical arrival time"), which admits
// exactly what a token bucket admits without a lock.
//
// Thread-safe and lock-free.
class TokenBucket {
 public:
  // rate_per_second > 0 (capped at 1e9), burst >= 1.
  TokenBucket(double rate_per_second, int64_t burst);

  // Takes one token if one is available at `now`; false if the bucket is empty.
  bool TryTake(SteadyTime now);

  // Changes rate and size, keeping what has been taken so far.
  void SetLimits(double rate_per_second, int64_t burst);

 private:
  std::atomic<int64_t> tat_ns_{0};        // when the bucket will be full again
  std::atomic<int64_t> interval_ns_{1};   // time to refill one token
  std::atomic<int64_t> tolerance_ns_{1};  // burst * interval
};

// Counts failures per key (a username, a client address) and blocks a key once
// it has `max_failures` failures within `window`, until the oldest of them
// leaves the window. Keys whose failures have all left the window are dropped,
// so memory follows recent failures only.
//
// Thread-safe.
class FailureWindow {
 public:
  // max_failures >= 1, window > 0.
  FailureWindow(int max_failures, std::chrono::steady_clock::duration window);

  // How long `key` must still wait, or nullopt if it may try now.
  std::optional<std::chrono::steady_clock::duration> Blocked(std::string_view key,
                                                             SteadyTime now) const;
  void RecordFailure(std::string_view key, SteadyTime now);
  // Atomically checks and counts an attempt: if `key` is blocked returns how
  // long it must wait (and counts nothing); otherwise records a failure at `now`
  // and returns nullopt. Counting before the (slow) check is done means that
  // concurrent attempts cannot all slip past the limit. Undo a successful
  // attempt with Forgive(key, now).
  std::optional<std::chrono::steady_clock::duration> Attempt(std::string_view key, SteadyTime now);
  // Removes one failure recorded at `at` for `key`, if it is still there.
  void Forgive(std::string_view key, SteadyTime at);
  // Forgets the failures of `key` (after a success).
  void Reset(std::string_view key);
  // Number of keys with failures in memory, for tests.
  size_t KeyCount() const;

 private:
  void SweepLocked(SteadyTime now);

  const size_t max_failures_;
  const std::chrono::steady_clock::duration window_;
  mutable std::mutex mu_;
  // Guarded by mu_: the last max_failures_ failure times of each key, oldest first.
  std::unordered_map<std::string, std::vector<SteadyTime>> failures_;
  size_t sweep_at_ = 1024;  // guarded by mu_
};

}  // namespace quell::access::internal
