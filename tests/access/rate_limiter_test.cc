#include "quell/access/internal/rate_limiter.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "quell/core/clock.h"

namespace quell::access::internal {
namespace {

using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

TEST(TokenBucketTest, AllowsBurstThenRefillsAtRate) {
  FakeClock clock;
  TokenBucket bucket(/*rate_per_second=*/10, /*burst=*/5);
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(bucket.TryTake(clock.Steady())) << i;
  EXPECT_FALSE(bucket.TryTake(clock.Steady()));
  clock.Advance(milliseconds(99));
  EXPECT_FALSE(bucket.TryTake(clock.Steady()));
  clock.Advance(milliseconds(1));
  EXPECT_TRUE(bucket.TryTake(clock.Steady()));
  EXPECT_FALSE(bucket.TryTake(clock.Steady()));
}

TEST(TokenBucketTest, NeverHoldsMoreThanBurst) {
  FakeClock clock;
  TokenBucket bucket(100, 3);
  clock.Advance(minutes(10));
  int taken = 0;
  while (bucket.TryTake(clock.Steady())) ++taken;
  EXPECT_EQ(taken, 3);
}

TEST(TokenBucketTest, SetLimitsChangesRate) {
  FakeClock clock;
  TokenBucket bucket(1, 1);
  EXPECT_TRUE(bucket.TryTake(clock.Steady()));
  EXPECT_FALSE(bucket.TryTake(clock.Steady()));
  bucket.SetLimits(1000, 1);
  clock.Advance(seconds(1));
  EXPECT_TRUE(bucket.TryTake(clock.Steady()));
  clock.Advance(milliseconds(1));
  EXPECT_TRUE(bucket.TryTake(clock.Steady()));
}

TEST(TokenBucketTest, ExtremeLimitsDoNotOverflow) {
  FakeClock clock;
  TokenBucket slow(1e-12, 1'000'000'000);
  EXPECT_TRUE(slow.TryTake(clock.Steady()));
  TokenBucket fast(1e12, 1);
  EXPECT_TRUE(fast.TryTake(clock.Steady()));
  clock.Advance(std::chrono::nanoseconds(1));
  EXPECT_TRUE(fast.TryTake(clock.Steady()));
}

TEST(TokenBucketTest, ConcurrentTakersGetExactlyTheBurst) {
  FakeClock clock;
  TokenBucket bucket(1, 10'000);
  std::atomic<int> taken{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 5'000; ++i) {
        if (bucket.TryTake(clock.Steady())) taken.fetch_add(1);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(taken.load(), 10'000);
}

TEST(FailureWindowTest, BlocksAfterMaxFailuresUntilOldestLeavesWindow) {
  FakeClock clock;
  FailureWindow window(3, minutes(15));
  for (int i = 0; i < 3; ++i) {
    EXPECT_FALSE(window.Blocked("alice", clock.Steady()));
    window.RecordFailure("alice", clock.Steady());
    clock.Advance(minutes(1));
  }
  // Failures at t=0, 1, 2 min; now t=3 min: free at t=15 min.
  auto wait = window.Blocked("alice", clock.Steady());
  ASSERT_TRUE(wait);
  EXPECT_EQ(std::chrono::duration_cast<minutes>(*wait), minutes(12));
  EXPECT_FALSE(window.Blocked("bob", clock.Steady()));

  clock.Advance(minutes(12));
  EXPECT_FALSE(window.Blocked("alice", clock.Steady()));
  // One more failure refills the window: the oldest kept is now t=1 min.
  window.RecordFailure("alice", clock.Steady());
  wait = window.Blocked("alice", clock.Steady());
  ASSERT_TRUE(wait);
  EXPECT_EQ(std::chrono::duration_cast<minutes>(*wait), minutes(1));
}

TEST(FailureWindowTest, ResetForgetsKey) {
  FakeClock clock;
  FailureWindow window(2, minutes(15));
  window.RecordFailure("alice", clock.Steady());
  window.RecordFailure("alice", clock.Steady());
  EXPECT_TRUE(window.Blocked("alice", clock.Steady()));
  window.Reset("alice");
  EXPECT_FALSE(window.Blocked("alice", clock.Steady()));
  EXPECT_EQ(window.KeyCount(), 0u);
}

TEST(FailureWindowTest, ConcurrentAttemptsCannotPassTheLimit) {
  // Attempts count before the slow password check, so a burst of parallel
  // guesses gets exactly max_failures tries.
  FakeClock clock;
  FailureWindow window(5, minutes(15));
  std::atomic<int> allowed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10; ++i) {
        if (!window.Attempt("admin", clock.Steady())) ++allowed;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(allowed.load(), 5);
  EXPECT_TRUE(window.Blocked("admin", clock.Steady()));
}

TEST(FailureWindowTest, ForgiveUndoesOneSuccessfulAttempt) {
  FakeClock clock;
  FailureWindow window(2, minutes(15));
  const auto t0 = clock.Steady();
  EXPECT_FALSE(window.Attempt("10.0.0.1", t0));
  window.Forgive("10.0.0.1", t0);
  EXPECT_EQ(window.KeyCount(), 0u);
  clock.Advance(seconds(1));
  EXPECT_FALSE(window.Attempt("10.0.0.1", clock.Steady()));
  clock.Advance(seconds(1));
  const auto t2 = clock.Steady();
  EXPECT_FALSE(window.Attempt("10.0.0.1", t2));
  EXPECT_TRUE(window.Attempt("10.0.0.1", clock.Steady()));  // two counted: blocked
  window.Forgive("10.0.0.1", t2);
  EXPECT_FALSE(window.Blocked("10.0.0.1", clock.Steady()));
}

TEST(FailureWindowTest, ExpiredKeysAreSweptAway) {
  FakeClock clock;
  FailureWindow window(5, minutes(15));
  for (int i = 0; i < 1000; ++i) window.RecordFailure("user" + std::to_string(i), clock.Steady());
  clock.Advance(minutes(16));
  for (int i = 0; i < 100; ++i) window.RecordFailure("new" + std::to_string(i), clock.Steady());
  EXPECT_LE(window.KeyCount(), 100u);
}

}  // namespace
}  // namespace quell::access::internal
