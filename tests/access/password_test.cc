#include "quell/access/internal/password.h"

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

}  // namespace
}  // namespace quell::access::internal
