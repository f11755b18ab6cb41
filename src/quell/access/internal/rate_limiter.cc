#include "quell/access/internal/rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace quell::access::internal {
namespace {

constexpr double kMaxRate = 1e9;
// Keeps now + tolerance far from overflow for any steady time.
constexpr double kMaxToleranceNs = 1e18;

int64_t Nanos(SteadyTime t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

}  // namespace

TokenBucket::TokenBucket(double rate_per_second, int64_t burst) {
  SetLimits(rate_per_second, burst);
}

void TokenBucket::SetLimits(double rate_per_second, int64_t burst) {
  double rate = std::clamp(rate_per_second, 1e-9, kMaxRate);
  double interval = 1e9 / rate;
  double tolerance =
      std::min(interval * static_cast<double>(std::max<int64_t>(burst, 1)), kMaxToleranceNs);
  interval_ns_.store(std::max<int64_t>(1, std::llround(std::min(interval, kMaxToleranceNs))),
                     std::memory_order_relaxed);
  tolerance_ns_.store(std::max<int64_t>(1, std::llround(tolerance)), std::memory_order_relaxed);
}

bool TokenBucket::TryTake(SteadyTime now) {
  const int64_t now_ns = Nanos(now);
  const int64_t interval = interval_ns_.load(std::memory_order_relaxed);
  const int64_t tolerance = tolerance_ns_.load(std::memory_order_relaxed);
  int64_t tat = tat_ns_.load(std::memory_order_relaxed);
  while (true) {
    int64_t next = std::max(tat, now_ns) + interval;
    if (next - now_ns > tolerance) return false;
    if (tat_ns_.compare_exchange_weak(tat, next, std::memory_order_relaxed)) return true;
  }
}

FailureWindow::FailureWindow(int max_failures, std::chrono::steady_clock::duration window)
    : max_failures_(static_cast<size_t>(std::max(max_failures, 1))), window_(window) {}

std::optional<std::chrono::steady_clock::duration> FailureWindow::Blocked(std::string_view key,
                                                                          SteadyTime now) const {
  std::lock_guard lock(mu_);
  auto it = failures_.find(std::string(key));
  if (it == failures_.end() || it->second.size() < max_failures_) return std::nullopt;
  SteadyTime free_at = it->second.front() + window_;
  if (free_at <= now) return std::nullopt;
  return free_at - now;
}

void FailureWindow::RecordFailure(std::string_view key, SteadyTime now) {
  std::lock_guard lock(mu_);
  std::vector<SteadyTime>& times = failures_[std::string(key)];
  times.push_back(now);
  if (times.size() > max_failures_) times.erase(times.begin());
  if (failures_.size() >= sweep_at_) SweepLocked(now);
}

std::optional<std::chrono::steady_clock::duration> FailureWindow::Attempt(std::string_view key,
                                                                          SteadyTime now) {
  std::lock_guard lock(mu_);
  std::vector<SteadyTime>& times = failures_[std::string(key)];
  if (times.size() >= max_failures_) {
    const SteadyTime free_at = times.front() + window_;
    if (free_at > now) return free_at - now;
  }
  times.push_back(now);
  if (times.size() > max_failures_) times.erase(times.begin());
  if (failures_.size() >= sweep_at_) SweepLocked(now);
  return std::nullopt;
}

void FailureWindow::Forgive(std::string_view key, SteadyTime at) {
  std::lock_guard lock(mu_);
  auto it = failures_.find(std::string(key));
  if (it == failures_.end()) return;
  auto& times = it->second;
  for (auto t = times.rbegin(); t != times.rend(); ++t) {
    if (*t == at) {
      times.erase(std::next(t).base());
      break;
    }
  }
  if (times.empty()) failures_.erase(it);
}

void FailureWindow::Reset(std::string_view key) {
  std::lock_guard lock(mu_);
  failures_.erase(std::string(key));
}

size_t FailureWindow::KeyCount() const {
  std::lock_guard lock(mu_);
  return failures_.size();
}

void FailureWindow::SweepLocked(SteadyTime now) {
  std::erase_if(failures_, [&](const auto& entry) { return entry.second.back() + window_ <= now; });
  // Doubling the threshold keeps sweeps amortised O(1) per failure.
  sweep_at_ = std::max<size_t>(1024, 2 * failures_.size());
}

}  // namespace quell::access::internal
