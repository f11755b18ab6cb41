#include "quell/shaken/base64url.h"

#include <string>

#include <gtest/gtest.h>

namespace quell::shaken {
namespace {

TEST(Base64UrlTest, Rfc4648Vectors) {
  // RFC 4648 §10 vectors, unpadded.
  EXPECT_EQ(Base64UrlEncode(""), "");
  EXPECT_EQ(Base64UrlEncode("f"), "Zg");
  EXPECT_EQ(Base64UrlEncode("fo"), "Zm8");
  EXPECT_EQ(Base64UrlEncode("foo"), "Zm9v");
  EXPECT_EQ(Base64UrlEncode("foob"), "Zm9vYg");
  EXPECT_EQ(Base64UrlEncode("fooba"), "Zm9vYmE");
  EXPECT_EQ(Base64UrlEncode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(Base64UrlEncode(std::string("\xfb\xff\xbf", 3)), "-_-_");
}

TEST(Base64UrlTest, RoundTripsAllLengthsAndBytes) {
  std::string bytes;
  for (int i = 0; i < 300; ++i) {
    auto decoded = Base64UrlDecode(Base64UrlEncode(bytes));
    ASSERT_TRUE(decoded.has_value()) << decoded.status().ToString();
    EXPECT_EQ(*decoded, bytes);
    bytes.push_back(static_cast<char>(i * 37));
  }
}

TEST(Base64UrlTest, RejectsPaddingWithReason) {
  auto r = Base64UrlDecode("Zg==");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("padding"), std::string::npos) << r.status().message();
}

TEST(Base64UrlTest, RejectsCharactersOutsideTheAlphabet) {
  for (const char* bad : {"Zm9+", "Zm9/", "Zm 9v", "Zm9v\n", "Zm9v."}) {
    EXPECT_FALSE(Base64UrlDecode(bad).has_value()) << bad;
  }
  EXPECT_FALSE(Base64UrlDecode(std::string("Zm\0v", 4)).has_value());
  auto r = Base64UrlDecode("ab+c");
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.status().message().find("'+' at offset 2"), std::string::npos)
      << r.status().message();
}

TEST(Base64UrlTest, RejectsImpossibleLength) {
  EXPECT_FALSE(Base64UrlDecode("A").has_value());
  EXPECT_FALSE(Base64UrlDecode("Zm9vY").has_value());
}

TEST(Base64UrlTest, RejectsNonCanonicalTrailingBits) {
  EXPECT_TRUE(Base64UrlDecode("Zg").has_value());
  EXPECT_FALSE(Base64UrlDecode("Zh").has_value());  // 'f' with a stray low bit
  EXPECT_TRUE(Base64UrlDecode("Zm8").has_value());
  EXPECT_FALSE(Base64UrlDecode("Zm9").has_value());  // "fo" with stray bits
}

TEST(Base64UrlTest, Alphabet) {
  EXPECT_TRUE(IsBase64UrlAlphabet("AZaz09-_"));
  EXPECT_FALSE(IsBase64UrlAlphabet("a+b"));
  EXPECT_FALSE(IsBase64UrlAlphabet("a=b"));
}

}  // namespace
}  // namespace quell::shaken
