#include "quell/access/internal/password.h"

#include <atomic>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace quell::access::internal {
namespace {

TEST(PasswordTest, HashIsArgon2idAndVerifies) {
  Result<std::string> hash = HashPassword("correct horse battery staple");
  ASSERT_TRUE(hash) << hash.error().ToString();
  EXPECT_TRUE(hash->starts_with("$argon2id$")) << *hash;
  EXPECT_NE(hash->find("m=65536,t=2,p=1"), std::string::npos) << *hash;
  EXPECT_TRUE(VerifyPassword(*hash, "correct horse battery staple"));
  EXPECT_FALSE(VerifyPassword(*hash, "correct horse battery stapl"));
  EXPECT_FALSE(VerifyPassword(*hash, ""));
  EXPECT_FALSE(PasswordNeedsRehash(*hash));
}

TEST(PasswordTest, SaltMakesEachHashDifferent) {
  Result<std::string> a = HashPassword("same password here");
  Result<std::string> b = HashPassword("same password here");
  ASSERT_TRUE(a && b);
  EXPECT_NE(*a, *b);
  EXPECT_TRUE(VerifyPassword(*b, "same password here"));
}

TEST(PasswordTest, PasswordsWithNulBytesAreHashedWhole) {
  std::string with_nul("abcdefghij\0klm", 14);
  Result<std::string> hash = HashPassword(with_nul);
  ASSERT_TRUE(hash);
  EXPECT_TRUE(VerifyPassword(*hash, with_nul));
  EXPECT_FALSE(VerifyPassword(*hash, "abcdefghij"));
}

TEST(PasswordTest, MalformedHashesNeverVerify) {
  EXPECT_FALSE(VerifyPassword("", "anything at all"));
  EXPECT_FALSE(VerifyPassword("$argon2id$garbage", "anything at all"));
  EXPECT_FALSE(VerifyPassword(std::string(1000, 'x'), "anything at all"));
  EXPECT_TRUE(PasswordNeedsRehash("$argon2id$garbage"));
}

TEST(PasswordTest, TryVerifyAnswersUnavailableWhenEverySlotIsBusy) {
  auto hash = HashPassword("correct horse battery staple");
  ASSERT_TRUE(hash.has_value());
  auto ok = TryVerifyPassword(*hash, "correct horse battery staple");
  ASSERT_TRUE(ok.has_value());
  EXPECT_TRUE(*ok);
  EXPECT_FALSE(*TryVerifyPassword(*hash, "wrong"));
  // Many at once: each either verifies or is told the server is busy, never blocks.
  std::vector<std::thread> threads;
  std::atomic<int> verified{0}, busy{0};
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      auto r = TryVerifyPassword(*hash, "correct horse battery staple");
      if (r.has_value()) {
        verified += *r ? 1 : 0;
      } else {
        EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
        ++busy;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(verified + busy, 8);
  EXPECT_GE(verified.load(), 1);
}

}  // namespace
}  // namespace quell::access::internal
