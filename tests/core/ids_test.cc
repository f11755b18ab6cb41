#include "quell/core/ids.h"

#include <set>

#include <gtest/gtest.h>

namespace quell {
namespace {

TEST(IdsTest, UuidsAreVersion4AndUnique) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    std::string id = NewId();
    ASSERT_TRUE(IsUuid(id)) << id;
    EXPECT_EQ(id[14], '4');
    EXPECT_TRUE(id[19] == '8' || id[19] == '9' || id[19] == 'a' || id[19] == 'b');
    EXPECT_TRUE(seen.insert(id).second);
  }
  EXPECT_FALSE(IsUuid("not-a-uuid"));
}

TEST(IdsTest, Tokens) {
  EXPECT_EQ(RandomToken(32).size(), 43u);
  EXPECT_EQ(RandomToken(24).size(), 32u);
  EXPECT_EQ(RandomToken(1).size(), 2u);
  EXPECT_NE(RandomToken(), RandomToken());
  for (char c : RandomToken(64)) EXPECT_TRUE(isalnum(c) || c == '-' || c == '_');
}

TEST(IdsTest, Sha256KnownAnswer) {
  EXPECT_EQ(HexEncode(Sha256("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(IdsTest, ConstantTimeEquals) {
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "ab"));
}

TEST(IdsTest, RandomBelowStaysInRange) {
  for (int i = 0; i < 1000; ++i) EXPECT_LT(RandomBelow(7), 7u);
}

}  // namespace
}  // namespace quell
