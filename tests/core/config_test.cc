#include "quell/core/config.h"

#include <gtest/gtest.h>

namespace quell {
namespace {

TEST(ConfigTest, TypedLookupsWithDefaults) {
  auto c = Config::Parse(R"(
region = "CN"
[http]
listen = "127.0.0.1:8080"
max_body = 1024
timeout = "30s"
tls = false
[notify]
ratio = 1.5
hosts = ["a.example", "b.example"]
)");
  ASSERT_TRUE(c.has_value()) << c.status().ToString();
  EXPECT_EQ(*c->GetString("region", "US"), "CN");
  EXPECT_EQ(*c->GetString("missing", "dflt"), "dflt");
  EXPECT_EQ(*c->GetInt("http.max_body", 0), 1024);
  EXPECT_EQ(*c->GetDuration("http.timeout", std::chrono::milliseconds(0)),
            std::chrono::seconds(30));
  EXPECT_FALSE(*c->GetBool("http.tls", true));
  EXPECT_DOUBLE_EQ(*c->GetDouble("notify.ratio", 0), 1.5);
  EXPECT_EQ(c->GetStringList("notify.hosts")->size(), 2u);
  auto http = c->GetTable("http");
  ASSERT_TRUE(http.has_value());
  EXPECT_EQ(*http->GetInt("max_body", 0), 1024);
}

TEST(ConfigTest, ErrorsNameKeyAndLine) {
  auto c = Config::Parse("[http]\nlisten = \"x\"\nmax_body = \"big\"\n", "quell.toml");
  ASSERT_TRUE(c.has_value());
  auto r = c->GetInt("http.max_body", 0);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.status().message(), "quell.toml:3: 'http.max_body' must be an integer, not a string");
  auto http = c->GetTable("http");
  auto r2 = http->GetInt("max_body", 0);
  EXPECT_EQ(r2.status().message(),
            "quell.toml:3: 'http.max_body' must be an integer, not a string");
}

TEST(ConfigTest, SyntaxErrorNamesLine) {
  auto c = Config::Parse("a = 1\nb = = 2\n", "my.toml");
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(c.status().message().rfind("my.toml:2: ", 0), 0u) << c.status().message();
}

TEST(ConfigTest, UnknownKeysRejected) {
  auto c = Config::Parse("region = \"CN\"\n[http]\nlisten = \"x\"\nlsiten = \"y\"\n");
  ASSERT_TRUE(c.has_value());
  Status s = c->CheckKnownKeys({"region", "http.listen"});
  EXPECT_EQ(s.message(), "quell.toml:4: unknown key 'http.lsiten'");
  EXPECT_TRUE(c->CheckKnownKeys({"region", "http.*"}).ok());
}

TEST(ConfigTest, Durations) {
  EXPECT_EQ(*ParseDuration("250ms"), std::chrono::milliseconds(250));
  EXPECT_EQ(*ParseDuration("5m"), std::chrono::minutes(5));
  EXPECT_EQ(*ParseDuration("31d"), std::chrono::hours(24 * 31));
  EXPECT_FALSE(ParseDuration("5 weeks").has_value());
  EXPECT_FALSE(ParseDuration("").has_value());
  EXPECT_FALSE(ParseDuration("99999999999999999999d").has_value());
}

TEST(ConfigTest, IntRangesAndDurationLimits) {
  auto c = Config::Parse(
      "[http]\nthreads = 4294967296\ntimeout = 9223372036854775807\n"
      "idle = \"36500d\"\n");
  ASSERT_TRUE(c.has_value());
  auto threads = c->GetInt("http.threads", 0, 0, 256);
  ASSERT_FALSE(threads.has_value());
  EXPECT_EQ(threads.status().message(),
            "quell.toml:2: 'http.threads' must be from 0 to 256, not 4294967296");
  auto http = c->GetTable("http");
  EXPECT_EQ(http->GetInt("threads", 0, 0, 256).status().message(),
            "quell.toml:2: 'http.threads' must be from 0 to 256, not 4294967296");
  auto timeout = http->GetDuration("timeout", std::chrono::milliseconds(0));
  ASSERT_FALSE(timeout.has_value());  // no signed overflow: refused
  EXPECT_NE(timeout.status().message().find("'http.timeout'"), std::string::npos)
      << timeout.status().message();
  EXPECT_EQ(*http->GetDuration("idle", std::chrono::milliseconds(0)),
            std::chrono::hours(24 * 36500));
  EXPECT_FALSE(ParseDuration("36501d").has_value());
}

TEST(ConfigTest, TableArrays) {
  auto c = Config::Parse("[[policy.rule]]\nname = \"a\"\n[[policy.rule]]\nname = \"b\"\n");
  ASSERT_TRUE(c.has_value());
  auto rules = c->GetTableArray("policy.rule");
  ASSERT_TRUE(rules.has_value());
  ASSERT_EQ(rules->size(), 2u);
  EXPECT_EQ(*(*rules)[1].GetString("name", ""), "b");
}

}  // namespace
}  // namespace quell
