// Clock: the only source of time in Quell.
//
// Code that needs "now" takes a Clock& so that tests run a 31-day grace period or
// a 60-second window on a FakeClock without sleeping. Times are UTC
// std::chrono::system_clock time points; durations are std::chrono types.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

namespace quell {

using TimePoint = std::chrono::system_clock::time_point;
using Duration = std::chrono::system_clock::duration;

class Clock {
 public:
  virtual ~Clock() = default;
  // Current wall-clock time (UTC). Thread-safe.
  virtual TimePoint Now() const = 0;
  // Monotonic time for measuring intervals and deadlines. Thread-safe.
  virtual std::chrono::steady_clock::time_point Steady() const = 0;

  // The process-wide real clock.
  static Clock& Real();
};

// A clock that moves only when told to. Thread-safe.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(TimePoint start = TimePoint(std::chrono::seconds(1'800'000'000)))
      : now_ns_(start.time_since_epoch().count()) {}

  TimePoint Now() const override { return TimePoint(Duration(now_ns_.load())); }
  std::chrono::steady_clock::time_point Steady() const override {
    return std::chrono::steady_clock::time_point(
        std::chrono::duration_cast<std::chrono::steady_clock::duration>(Duration(now_ns_.load())));
  }
  void Advance(Duration d) { now_ns_ += d.count(); }
  void Set(TimePoint t) { now_ns_ = t.time_since_epoch().count(); }

 private:
  std::atomic<Duration::rep> now_ns_;
};

// Milliseconds since the Unix epoch, the form times take in the store.
inline int64_t ToUnixMillis(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}
inline TimePoint FromUnixMillis(int64_t ms) {
  return TimePoint(std::chrono::duration_cast<Duration>(std::chrono::milliseconds(ms)));
}

// RFC 3339 UTC with milliseconds: "2026-11-28T00:21:42.123Z".
std::string FormatRfc3339(TimePoint t);

}  // namespace quell
