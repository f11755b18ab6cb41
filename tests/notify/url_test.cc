// The strict URL parser and the small validators behind Enqueue.
#include <gtest/gtest.h>

#include "quell/notify/internal/url.h"
#include "quell/notify/internal/validate.h"

namespace quell::notify::internal {
namespace {

TEST(ParseHttpUrl, AcceptsHttpAndHttps) {
  auto u = ParseHttpUrl("HTTPS://Carrier.Example/api/v1?x=1");
  ASSERT_TRUE(u.has_value()) << u.status().ToString();
  EXPECT_EQ(u->scheme, "https");
  EXPECT_EQ(u->host, "carrier.example");
  EXPECT_EQ(u->port, 443);
  EXPECT_EQ(PeerName(*u), "carrier.example:443");

  u = ParseHttpUrl("http://127.0.0.1:8080");
  ASSERT_TRUE(u.has_value());
  EXPECT_EQ(u->port, 8080);
  EXPECT_EQ(u->host, "127.0.0.1");

  u = ParseHttpUrl("http://[::1]:9000/h");
  ASSERT_TRUE(u.has_value()) << u.status().ToString();
  EXPECT_EQ(u->host, "::1");
  EXPECT_EQ(PeerName(*u), "[::1]:9000");
}

TEST(ParseHttpUrl, RejectsAmbiguousOrForeignUrls) {
  for (const char* bad : {"",
                          "ftp://h/",
                          "file:///etc/passwd",
                          "gopher://h",
                          "//h/x",
                          "http://",
                          "http://:80/",
                          "http://h:0/",
                          "http://h:65536/",
                          "http://h:8o/",
                          "http://u@h/",
                          "http://h@evil/",
                          "http://h\\@evil/",
                          "http://h /",
                          "http://h\t/",
                          "http://%68/",
                          "http://[::1/",
                          "http://[::1]x/",
                          "http://ex\xc3\xa9.com/",
                          "http://.h/",
                          "http://h_1/"}) {
    EXPECT_FALSE(ParseHttpUrl(bad).has_value()) << bad;
  }
}

TEST(HostAllowed, ExactAndWildcard) {
  EXPECT_TRUE(HostAllowed("anything.example", {}));
  std::vector<std::string> allow = {"tb.carrier-a.example", "*.carrier-b.example"};
  EXPECT_TRUE(HostAllowed("tb.carrier-a.example", allow));
  EXPECT_TRUE(HostAllowed("TB.Carrier-A.example.", allow));
  EXPECT_FALSE(HostAllowed("x.tb.carrier-a.example", allow));
  EXPECT_TRUE(HostAllowed("api.carrier-b.example", allow));
  EXPECT_TRUE(HostAllowed("a.b.carrier-b.example", allow));
  EXPECT_FALSE(HostAllowed("carrier-b.example", allow));
  EXPECT_FALSE(HostAllowed("evilcarrier-b.example", allow));
  EXPECT_FALSE(HostAllowed("carrier-b.example.evil", allow));
}

TEST(Validators, E164) {
  EXPECT_TRUE(IsE164("+8613800138000"));
  EXPECT_TRUE(IsE164("+2901234"));
  EXPECT_FALSE(IsE164("+290123"));
  EXPECT_FALSE(IsE164("8613800138000"));
  EXPECT_FALSE(IsE164("+0613800138000"));
  EXPECT_FALSE(IsE164("+86 13800138000"));
  EXPECT_FALSE(IsE164("+1234567890123456"));
}

TEST(Validators, Utf8) {
  EXPECT_TRUE(IsValidUtf8("plain"));
  EXPECT_TRUE(IsValidUtf8("验证码 \xf0\x9f\x93\x9e"));
  EXPECT_FALSE(IsValidUtf8("\xff"));
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));          // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));      // surrogate
  EXPECT_FALSE(IsValidUtf8("\xf4\x90\x80\x80"));  // > U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xe9\xaa"));          // truncated
}

TEST(Validators, HeaderSafe) {
  EXPECT_TRUE(IsHeaderSafe("Bearer-token_1"));
  EXPECT_FALSE(IsHeaderSafe("a\r\nX-Injected: 1"));
}

}  // namespace
}  // namespace quell::notify::internal
