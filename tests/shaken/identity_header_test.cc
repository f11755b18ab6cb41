#include "quell/shaken/identity_header.h"

#include <string>

#include <gtest/gtest.h>

namespace quell::shaken {
namespace {

// Shape of a real SHAKEN JWS (RFC 8588 example header and claims, dummy signature).
constexpr char kJws[] =
    "eyJhbGciOiJFUzI1NiIsInBwdCI6InNoYWtlbiIsInR5cCI6InBhc3Nwb3J0IiwieDV1IjoiaHR0cHM6Ly9jZXJ0LmV4YW"
    "1w"
    "bGUub3JnL3Bhc3Nwb3J0LmNlciJ9."
    "eyJhdHRlc3QiOiJBIiwiZGVzdCI6eyJ0biI6WyIxMjE1NTU1MDEzMSJdfSwiaWF0Ijox"
    "NDQzMjA4MzQ1LCJvcmlnIjp7InRuIjoiMTIxNTU1NTAxMjEifSwib3JpZ2lkIjoiMTIzZTQ1NjctZTg5Yi0xMmQzLWE0NT"
    "Yt"
    "NDI2NjU1NDQwMDAwIn0."
    "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4"
    "OTo7PD0-Pw";
constexpr char kInfo[] = "https://cert.example.org/passport.cer";

std::string J() { return kJws; }

void ExpectError(const std::string& value, std::string_view needle) {
  auto r = ParseIdentityHeader(value);
  ASSERT_FALSE(r.has_value()) << "accepted: " << value;
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find(needle), std::string::npos)
      << "message: " << r.status().message() << "\nwanted: " << needle;
}

TEST(IdentityHeaderTest, BuildsCanonicalForm) {
  auto v = BuildIdentityHeader({.jws = kJws, .info = kInfo});
  ASSERT_TRUE(v.has_value()) << v.status().ToString();
  EXPECT_EQ(*v, J() + ";info=<https://cert.example.org/passport.cer>;alg=ES256;ppt=shaken");
  auto back = ParseIdentityHeader(*v);
  ASSERT_TRUE(back.has_value()) << back.status().ToString();
  EXPECT_EQ(back->jws, kJws);
  EXPECT_EQ(back->info, kInfo);
  EXPECT_EQ(back->alg, "ES256");
  EXPECT_EQ(back->ppt, "shaken");
}

TEST(IdentityHeaderTest, BuildRejectsBadInput) {
  EXPECT_FALSE(BuildIdentityHeader({.jws = "..sig", .info = kInfo}).has_value());
  EXPECT_FALSE(BuildIdentityHeader({.jws = kJws, .info = ""}).has_value());
  EXPECT_FALSE(BuildIdentityHeader({.jws = kJws, .info = "https://a>b"}).has_value());
  EXPECT_FALSE(BuildIdentityHeader({.jws = kJws, .info = "no-scheme"}).has_value());
  EXPECT_FALSE(BuildIdentityHeader({.jws = kJws, .info = kInfo, .alg = "ES384"}).has_value());
  EXPECT_FALSE(BuildIdentityHeader({.jws = kJws, .info = kInfo, .ppt = "rcd"}).has_value());
  // RFC 8946 diversion PASSporTs travel in their own Identity header.
  EXPECT_EQ(BuildIdentityHeader({.jws = kJws, .info = kInfo, .ppt = "div"}).value(),
            J() + ";info=<" + kInfo + ">;alg=ES256;ppt=div");
}

// The verifier picks the SIP code from the rule broken (ATIS-1000082 E4-E13).
TEST(IdentityHeaderTest, ReportsWhichRuleWasBroken) {
  const std::string info = std::string(";info=<") + kInfo + ">";
  const std::pair<std::string, IdentityError> cases[] = {
      {J() + info + ";alg=ES256;ppt=shaken", IdentityError::kNone},
      {J() + info + ";alg=ES256;ppt=div", IdentityError::kNone},
      {"..c2ln" + info + ";ppt=shaken", IdentityError::kMalformed},
      {J() + info + info + ";ppt=shaken", IdentityError::kMalformed},
      {J() + ";ppt=shaken", IdentityError::kBadInfo},
      {J() + ";info=<cert.pem>;ppt=shaken", IdentityError::kBadInfo},
      {J() + ";info=" + kInfo + ";ppt=shaken", IdentityError::kBadInfo},
      {J() + info + ";alg=RS256;ppt=shaken", IdentityError::kUnsupportedAlg},
      {J() + info + ";alg=ES256;ppt=rcd", IdentityError::kUnsupportedPpt},
      {J() + info + ";alg=ES256", IdentityError::kUnsupportedPpt},
  };
  for (const auto& [value, want] : cases) {
    IdentityError got = IdentityError::kNone;
    auto r = ParseIdentityHeader(value, &got);
    EXPECT_EQ(r.has_value(), want == IdentityError::kNone) << value;
    EXPECT_EQ(got, want) << value;
  }
}

TEST(IdentityHeaderTest, ToleratesRealTrafficVariants) {
  const std::string variants[] = {
      J() + ";info=<" + kInfo + ">;alg=ES256;ppt=\"shaken\"",                     // T-Mobile
      J() + ";info=<" + kInfo + ">;ppt=shaken",                                   // alg absent
      J() + " ; info = <" + kInfo + "> ; alg = ES256 ; ppt = shaken ",            // white space
      J() + ";ppt=shaken;alg=ES256;info=<" + kInfo + ">",                         // order
      J() + ";INFO=<" + kInfo + ">;Alg=ES256;PPT=shaken",                         // case of names
      J() + ";info=<" + kInfo + ">;foo=bar;flag;alg=ES256;x=\"a;b\";ppt=shaken",  // unknown params
      "  " + J() + ";info=<" + kInfo + ">;alg=\"ES256\";ppt=shaken;",  // quoted alg, trailing ';'
      J() + ";info=<https://cert2.sticr.att.net:8443/a;b=c>;alg=ES256;ppt=shaken",  // ';' in URI
  };
  for (const auto& v : variants) {
    auto r = ParseIdentityHeader(v);
    ASSERT_TRUE(r.has_value()) << v << "\n" << r.status().ToString();
    EXPECT_EQ(r->jws, kJws);
    EXPECT_EQ(r->alg, "ES256");
    EXPECT_EQ(r->ppt, "shaken");
  }
  EXPECT_EQ(ParseIdentityHeader(variants[7])->info, "https://cert2.sticr.att.net:8443/a;b=c");
}

TEST(IdentityHeaderTest, RejectsWhereSecurityNeedsIt) {
  const std::string info = std::string(";info=<") + kInfo + ">";
  ExpectError(J() + info + ";alg=RS256;ppt=shaken", "alg \"RS256\"");
  ExpectError(J() + info + ";alg=ES384;ppt=shaken", "ES256");
  ExpectError(J() + info + ";alg=none;ppt=shaken", "ES256");
  ExpectError(J() + info + ";alg=ES256;ppt=rcd", "ppt \"rcd\"");
  ExpectError(J() + info + ";alg=ES256", "'ppt' parameter is missing");
  ExpectError(J() + ";alg=ES256;ppt=shaken", "'info' parameter is missing");
  ExpectError(J() + ";info=" + kInfo + ";alg=ES256;ppt=shaken", "angle brackets");
  ExpectError(J() + ";info=<cert.pem>;alg=ES256;ppt=shaken", "not an absolute URI");
  ExpectError(J() + ";info=<>;alg=ES256;ppt=shaken", "not an absolute URI");
  ExpectError(J() + info + info + ";alg=ES256;ppt=shaken", "'info' appears twice");
  ExpectError(J() + info + ";ppt=shaken;ppt=shaken", "'ppt' appears twice");
  ExpectError(J() + ";info=<" + kInfo + ";alg=ES256;ppt=shaken", "without a closing '>'");
  ExpectError(J() + info + ";alg=ES256;ppt=\"shaken", "unterminated quoted string");
  ExpectError(J() + info + ";alg=ES256;ppt", "'ppt' has no value");
  ExpectError(J() + info + ";alg=;ppt=shaken", "'=' but no value");
}

TEST(IdentityHeaderTest, RejectsMalformedJws) {
  const std::string params = std::string(";info=<") + kInfo + ">;alg=ES256;ppt=shaken";
  ExpectError("..c2ln" + params, "compact form");
  ExpectError("a..c2ln" + params, "compact form");
  ExpectError("a.b" + params, "2 segments");
  ExpectError("a.b.c.d" + params, "4 segments");
  ExpectError("a.b." + params, "empty signature");
  ExpectError("a+.b.c" + params, "errata 6499");
  ExpectError("a/.b.c" + params, "errata 6499");
  ExpectError("a.b.c=" + params, "errata 6499");
  ExpectError(params, "no JWS");
  ExpectError("", "no JWS");
  ExpectError(J() + " x" + params, "after the JWS");
  ExpectError(J() + params + " junk", "unexpected character");
  ExpectError(J() + std::string(9000, ' ') + params, "exceeds 8192");
}

}  // namespace
}  // namespace quell::shaken
