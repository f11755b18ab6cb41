#include "quell/shaken/internal/json.h"

#include <string>

#include <gtest/gtest.h>

namespace quell::shaken::internal {
namespace {

std::string Canon(std::string_view text) {
  auto v = ParseJson(text);
  if (!v) return "ERROR: " + v.status().message();
  return WriteCanonicalJson(*v);
}

TEST(JsonTest, CanonicalFormSortsKeysRecursivelyAndDropsSpace) {
  EXPECT_EQ(Canon(R"( { "b" : 1 , "a" : { "z" : [ 3 , 1 , {"y":true,"x":null} ], "c" : "s" } } )"),
            R"({"a":{"c":"s","z":[3,1,{"x":null,"y":true}]},"b":1})");
}

TEST(JsonTest, SortsByCodePoint) {
  // Upper case before lower case, and non-ASCII (UTF-8 bytes >= 0x80) after ASCII.
  EXPECT_EQ(Canon(R"({"\u00e9":1,"b":2,"B":3,"a":4})"), "{\"B\":3,\"a\":4,\"b\":2,\"\xc3\xa9\":1}");
}

TEST(JsonTest, StringEscapes) {
  EXPECT_EQ(Canon(R"(["a\"b\\c\/d\u0001\n\t\u00e9\ud83d\ude00"])"),
            "[\"a\\\"b\\\\c/d\\u0001\\n\\t\xc3\xa9\xf0\x9f\x98\x80\"]");
}

TEST(JsonTest, Numbers) {
  auto v = ParseJson(
      "[0,-1,1471375418,9223372036854775807,-9223372036854775808,9223372036854775808,1.5,1e3]");
  ASSERT_TRUE(v.has_value()) << v.status().ToString();
  ASSERT_EQ(v->items.size(), 8u);
  EXPECT_EQ(v->items[2].integer, 1471375418);
  EXPECT_EQ(v->items[3].type, JsonValue::Type::kInt);
  EXPECT_EQ(v->items[4].type, JsonValue::Type::kInt);
  EXPECT_EQ(v->items[5].type, JsonValue::Type::kNumber);  // beyond int64
  EXPECT_EQ(v->items[6].type, JsonValue::Type::kNumber);
  EXPECT_EQ(v->items[7].type, JsonValue::Type::kNumber);
}

TEST(JsonTest, RejectsMalformedInputWithOffset) {
  for (const char* bad : {"",
                          "{",
                          "{\"a\":1,}",
                          "[1,]",
                          "01",
                          "1.",
                          "-",
                          "1e",
                          "\"abc",
                          "{'a':1}",
                          "{\"a\" 1}",
                          "[1 2]",
                          "tru",
                          "nul",
                          "\"\\x\"",
                          "\"\\u12\"",
                          "\"\\ud800\"",
                          "\"\\udc00\"",
                          "\"\x01\"",
                          "\"\xff\"",
                          "\"\xc0\x80\"",
                          "\"\xed\xa0\x80\"",
                          "{} {}",
                          "NaN",
                          "+1"}) {
    auto r = ParseJson(bad);
    EXPECT_FALSE(r.has_value()) << bad;
    if (!r) {
      EXPECT_NE(r.status().message().find("JSON offset"), std::string::npos);
    }
  }
}

TEST(JsonTest, RejectsDuplicateKeys) {
  auto r = ParseJson(R"({"attest":"A","attest":"C"})");
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.status().message().find("duplicate member \"attest\""), std::string::npos);
}

TEST(JsonTest, LimitsDepth) {
  std::string deep(kMaxJsonDepth, '[');
  deep += std::string(kMaxJsonDepth, ']');
  EXPECT_TRUE(ParseJson(deep).has_value());
  std::string deeper(kMaxJsonDepth + 1, '[');
  deeper += std::string(kMaxJsonDepth + 1, ']');
  EXPECT_FALSE(ParseJson(deeper).has_value());
  EXPECT_FALSE(ParseJson(std::string(100000, '[')).has_value());
}

}  // namespace
}  // namespace quell::shaken::internal
