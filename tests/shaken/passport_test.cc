#include "quell/shaken/passport.h"

#include <string>

#include <gtest/gtest.h>

#include "quell/shaken/base64url.h"

namespace quell::shaken {
namespace {

// RFC 8225 Appendix A (same bytes as the reference sheet and libstirshaken's test 5).
constexpr char kAppendixAHeaderB64[] =
    "eyJhbGciOiJFUzI1NiIsInR5cCI6InBhc3Nwb3J0IiwieDV1IjoiaHR0cHM6Ly9jZXJ0LmV4YW1wbGUub3JnL3Bhc3Nwb3"
    "J0"
    "LmNlciJ9";
constexpr char kAppendixAClaimsB64[] =
    "eyJkZXN0Ijp7InVyaSI6WyJzaXA6YWxpY2VAZXhhbXBsZS5jb20iXX0sImlhdCI6MTQ3MTM3NTQxOCwib3JpZyI6eyJ0bi"
    "I6"
    "IjEyMTU1NTUxMjEyIn19";

// RFC 8588 §6 with errata 6656 (iat as a number).
constexpr char kShakenHeaderJson[] =
    R"({"alg":"ES256","ppt":"shaken","typ":"passport","x5u":"https://cert.example.org/passport.cer"})";
constexpr char kShakenClaimsJson[] =
    R"({"attest":"A","dest":{"tn":["12155550131"]},"iat":1443208345,"orig":{"tn":"12155550121"},)"
    R"("origid":"123e4567-e89b-12d3-a456-426655440000"})";

Passport ShakenExample() {
  Passport p;
  p.header.x5u = "https://cert.example.org/passport.cer";
  p.claims.attest = Attestation::kFull;
  p.claims.dest_tn = {"12155550131"};
  p.claims.iat = 1443208345;
  p.claims.orig_tn = "12155550121";
  p.claims.origid = "123e4567-e89b-12d3-a456-426655440000";
  return p;
}

std::string Jws(std::string_view header_json, std::string_view claims_json,
                std::string_view sig = std::string(64, '\x01')) {
  return Base64UrlEncode(header_json) + "." + Base64UrlEncode(claims_json) + "." +
         Base64UrlEncode(sig);
}

std::string ClaimsWith(std::string_view replace, std::string_view with) {
  std::string c = kShakenClaimsJson;
  const auto at = c.find(replace);
  if (at == std::string::npos) return "not found";
  return c.replace(at, replace.size(), with);
}

// Decodes and expects failure whose message contains `needle`.
void ExpectDecodeError(const std::string& jws, std::string_view needle) {
  auto r = DecodeCompactJws(jws);
  ASSERT_FALSE(r.has_value()) << "accepted: " << jws;
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find(needle), std::string::npos)
      << "message: " << r.status().message() << "\nwanted: " << needle;
}

TEST(PassportTest, Rfc8225AppendixAByteExact) {
  Passport p;
  p.header.ppt.clear();
  p.header.x5u = "https://cert.example.org/passport.cer";
  p.claims.dest_uri = {"sip:alice@example.com"};
  p.claims.iat = 1471375418;
  p.claims.orig_tn = "12155551212";
  auto input = EncodeSigningInput(p);
  ASSERT_TRUE(input.has_value()) << input.status().ToString();
  EXPECT_EQ(*input, std::string(kAppendixAHeaderB64) + "." + kAppendixAClaimsB64);
}

TEST(PassportTest, Rfc8588ExampleCanonicalJson) {
  const Passport p = ShakenExample();
  EXPECT_EQ(EncodeHeaderJson(p.header).value(), kShakenHeaderJson);
  EXPECT_EQ(EncodeClaimsJson(p.claims, "shaken").value(), kShakenClaimsJson);
  EXPECT_EQ(EncodeSigningInput(p).value(),
            Base64UrlEncode(kShakenHeaderJson) + "." + Base64UrlEncode(kShakenClaimsJson));
}

TEST(PassportTest, EscapesStringsInCanonicalJson) {
  Passport p = ShakenExample();
  p.claims.origid = "a\"b\\c\n";
  EXPECT_NE(EncodeClaimsJson(p.claims, "shaken").value().find(R"("origid":"a\"b\\c\n")"),
            std::string::npos);
}

TEST(PassportTest, CanonicalizesTelephoneNumbers) {
  EXPECT_EQ(CanonicalizeTn("+12155551212").value(), "12155551212");
  EXPECT_EQ(CanonicalizeTn("+1-215-555.1212").value(), "12155551212");
  EXPECT_EQ(CanonicalizeTn("+1(215)5551212").value(), "12155551212");
  EXPECT_EQ(CanonicalizeTn("*67#").value(), "*67#");
  EXPECT_EQ(CanonicalizeTn("8613800138000").value(), "8613800138000");
  for (const char* bad :
       {"", "+", "--", "1+2", "++1", "+1 215 555 1212", "tel:+1215", "12a4", "１２"}) {
    auto r = CanonicalizeTn(bad);
    EXPECT_FALSE(r.has_value()) << bad;
    if (!r) {
      EXPECT_FALSE(r.status().message().empty());
    }
  }
  auto r = CanonicalizeTn("1215x");
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.status().message().find("\"x\" at offset 4"), std::string::npos)
      << r.status().message();
}

TEST(PassportTest, EncodeCanonicalizesNumbers) {
  Passport p = ShakenExample();
  p.claims.orig_tn = "+1-215-555-0121";
  p.claims.dest_tn = {"+12155550131"};
  EXPECT_EQ(EncodeClaimsJson(p.claims, "shaken").value(), kShakenClaimsJson);
}

TEST(PassportTest, EncodeRejectsIncompleteShakenClaims) {
  auto expect_error = [](const Passport& p, std::string_view needle) {
    auto r = EncodeSigningInput(p);
    ASSERT_FALSE(r.has_value());
    EXPECT_NE(r.status().message().find(needle), std::string::npos) << r.status().message();
  };
  Passport p = ShakenExample();
  p.claims.attest = Attestation::kNone;
  expect_error(p, "attest");
  p = ShakenExample();
  p.claims.origid.clear();
  expect_error(p, "origid");
  p = ShakenExample();
  p.claims.iat = 0;
  expect_error(p, "iat");
  p = ShakenExample();
  p.claims.orig_tn.clear();
  expect_error(p, "orig has neither");
  p = ShakenExample();
  p.claims.dest_tn.clear();
  expect_error(p, "dest");
  p = ShakenExample();
  p.claims.dest_tn = {"1215 555"};
  expect_error(p, "dest.tn");
  p = ShakenExample();
  p.header.x5u.clear();
  expect_error(p, "x5u");
}

TEST(PassportTest, DecodeRoundTrip) {
  const Passport p = ShakenExample();
  const std::string sig(64, '\x7f');
  const std::string jws = EncodeCompactJws(p, sig).value();
  auto d = DecodeCompactJws(jws);
  ASSERT_TRUE(d.has_value()) << d.status().ToString();
  EXPECT_EQ(d->signature, sig);
  EXPECT_EQ(d->signing_input, jws.substr(0, jws.rfind('.')));
  EXPECT_EQ(d->passport.header.alg, "ES256");
  EXPECT_EQ(d->passport.header.ppt, "shaken");
  EXPECT_EQ(d->passport.header.typ, "passport");
  EXPECT_EQ(d->passport.header.x5u, p.header.x5u);
  EXPECT_EQ(d->passport.claims.attest, Attestation::kFull);
  EXPECT_EQ(d->passport.claims.dest_tn, p.claims.dest_tn);
  EXPECT_EQ(d->passport.claims.orig_tn, p.claims.orig_tn);
  EXPECT_EQ(d->passport.claims.iat, p.claims.iat);
  EXPECT_EQ(d->passport.claims.origid, p.claims.origid);
  EXPECT_EQ(EncodeCompactJws(d->passport, d->signature).value(), jws);
  EXPECT_TRUE(ValidateShaken(d->passport).ok());
}

TEST(PassportTest, DecodeKeepsReceivedNonCanonicalBytes) {
  const std::string header =
      R"({ "x5u": "https://c.example/a.pem", "typ": "passport", "ppt": "shaken", "alg": "ES256" })";
  const std::string claims =
      R"({"origid":"x","orig":{"tn":"+12155550121"},"iat":1443208345,"dest":{"tn":["+1-215-555-0131"]},)"
      R"("attest":"B","extra":{"nested":[1,2.5,null]}})";
  const std::string jws = Jws(header, claims);
  auto d = DecodeCompactJws(jws);
  ASSERT_TRUE(d.has_value()) << d.status().ToString();
  EXPECT_EQ(d->signing_input, Base64UrlEncode(header) + "." + Base64UrlEncode(claims));
  EXPECT_EQ(d->passport.claims.orig_tn, "12155550121");
  EXPECT_EQ(d->passport.claims.dest_tn, std::vector<std::string>{"12155550131"});
  EXPECT_EQ(d->passport.claims.attest, Attestation::kPartial);
}

TEST(PassportTest, DecodeRejectsBadStructureWithReasons) {
  const std::string good = Jws(kShakenHeaderJson, kShakenClaimsJson);
  ASSERT_TRUE(DecodeCompactJws(good).has_value());
  const std::string h = Base64UrlEncode(kShakenHeaderJson);
  const std::string c = Base64UrlEncode(kShakenClaimsJson);
  ExpectDecodeError(h + "." + c, "2 segments");
  ExpectDecodeError(good + ".x", "4 segments");
  ExpectDecodeError("", "1 segments");
  ExpectDecodeError(".." + Base64UrlEncode("sig"), "compact form");
  ExpectDecodeError(h + ".." + Base64UrlEncode("sig"), "compact form");
  ExpectDecodeError(h + "." + c + ".", "empty signature");
  ExpectDecodeError(h + "=." + c + ".AAAA", "PASSporT header: base64url");
  ExpectDecodeError(h + "." + c + "+.AAAA", "PASSporT claims: base64url");
  ExpectDecodeError(h + "." + c + ".AA=A", "JWS signature: base64url");
  ExpectDecodeError(Jws("{\"alg\":", kShakenClaimsJson), "PASSporT header: JSON offset");
  ExpectDecodeError(Jws("[1]", kShakenClaimsJson), "must be a JSON object");
}

TEST(PassportTest, DecodeRejectsBadHeaderMembers) {
  ExpectDecodeError(
      Jws(R"({"ppt":"shaken","typ":"passport","x5u":"https://a/b"})", kShakenClaimsJson),
      "\"alg\" is missing");
  ExpectDecodeError(Jws(R"({"alg":"ES256","ppt":"shaken","x5u":"https://a/b"})", kShakenClaimsJson),
                    "\"typ\" is missing");
  ExpectDecodeError(Jws(R"({"alg":"ES256","ppt":"shaken","typ":"passport"})", kShakenClaimsJson),
                    "\"x5u\" is missing");
  ExpectDecodeError(
      Jws(R"({"alg":256,"ppt":"shaken","typ":"passport","x5u":"https://a/b"})", kShakenClaimsJson),
      "\"alg\" must be a string, not a integer");
  ExpectDecodeError(
      Jws(R"({"alg":"ES256","alg":"none","ppt":"shaken","typ":"passport","x5u":"https://a/b"})",
          kShakenClaimsJson),
      "duplicate member \"alg\"");
}

TEST(PassportTest, DecodeRejectsBadClaims) {
  const std::string h = kShakenHeaderJson;
  ExpectDecodeError(Jws(h, ClaimsWith("\"iat\":1443208345,", "")), "\"iat\" is missing");
  ExpectDecodeError(Jws(h, ClaimsWith("1443208345", "\"1443208345\"")),
                    "integer NumericDate, not a string");
  ExpectDecodeError(Jws(h, ClaimsWith("1443208345", "1443208345.5")), "not a non-integer number");
  ExpectDecodeError(Jws(h, ClaimsWith("1443208345", "-1")), "outside");
  ExpectDecodeError(Jws(h, ClaimsWith("1443208345", "0")), "outside");
  ExpectDecodeError(Jws(h, ClaimsWith("1443208345", "9007199254740992")), "outside");
  EXPECT_TRUE(DecodeCompactJws(Jws(h, ClaimsWith("1443208345", "9007199254740991"))).has_value());
  ExpectDecodeError(Jws(h, ClaimsWith("\"attest\":\"A\",", "")), "attest is required");
  for (const char* level : {"\"D\"", "\"a\"", "\"AB\"", "\"\""}) {
    ExpectDecodeError(Jws(h, ClaimsWith("\"A\"", level)), "is not \"A\", \"B\" or \"C\"");
  }
  ExpectDecodeError(
      Jws(h, ClaimsWith(R"("origid":"123e4567-e89b-12d3-a456-426655440000")", R"("origid":"")")),
      "origid is required");
  ExpectDecodeError(Jws(h, ClaimsWith(R"({"tn":"12155550121"})", R"({"tn":12155550121})")),
                    "orig: \"tn\" must be a string");
  ExpectDecodeError(Jws(h, ClaimsWith(R"({"tn":"12155550121"})", R"({"uri":"sip:a@b"})")),
                    "orig.tn is required for ppt shaken");
  ExpectDecodeError(Jws(h, ClaimsWith(R"({"tn":"12155550121"})", R"({"tn":"1215 5550121"})")),
                    "orig.tn: telephone number");
  ExpectDecodeError(Jws(h, ClaimsWith(R"(["12155550131"])", R"("12155550131")")),
                    "dest: \"tn\" must be a array, not a string");
  ExpectDecodeError(Jws(h, ClaimsWith(R"(["12155550131"])", R"([12155550131])")),
                    "dest.tn[0] must be a string");
  ExpectDecodeError(Jws(h, ClaimsWith(R"(["12155550131"])", R"([])")), "dest has neither");
  ExpectDecodeError(Jws(h, ClaimsWith(R"("dest":{"tn":["12155550131"]},)", "")),
                    "\"dest\" is missing");
}

TEST(PassportTest, ValidateShakenPolicy) {
  Passport p = ShakenExample();
  EXPECT_TRUE(ValidateShaken(p).ok());
  p.header.alg = "ES384";
  EXPECT_NE(ValidateShaken(p).message().find("alg"), std::string::npos);
  p = ShakenExample();
  p.header.typ = "JWT";
  EXPECT_NE(ValidateShaken(p).message().find("typ"), std::string::npos);
  p = ShakenExample();
  p.header.ppt = "div";
  EXPECT_NE(ValidateShaken(p).message().find("ppt"), std::string::npos);
  p = ShakenExample();
  p.claims.dest_tn.clear();
  p.claims.dest_uri = {"sip:a@b"};
  EXPECT_NE(ValidateShaken(p).message().find("dest.tn"), std::string::npos);
}

// RFC 8946 §3's example "div" PASSporT, in canonical form.
TEST(PassportTest, DivRfc8946ByteExactAndRoundTrip) {
  Passport p;
  p.header.ppt = "div";
  p.header.x5u = "https://www.example.com/cert.cer";
  p.claims.dest_tn = {"12155551214"};
  p.claims.div_tn = "12155551213";
  p.claims.iat = 1443208345;
  p.claims.orig_tn = "12155551212";
  auto header = EncodeHeaderJson(p.header);
  auto claims = EncodeClaimsJson(p.claims, "div");
  ASSERT_TRUE(header.has_value() && claims.has_value()) << claims.status().ToString();
  EXPECT_EQ(
      *header,
      R"({"alg":"ES256","ppt":"div","typ":"passport","x5u":"https://www.example.com/cert.cer"})");
  EXPECT_EQ(*claims,
            R"({"dest":{"tn":["12155551214"]},"div":{"tn":"12155551213"},"iat":1443208345,)"
            R"("orig":{"tn":"12155551212"}})");
  auto decoded = DecodeCompactJws(Jws(*header, *claims));
  ASSERT_TRUE(decoded.has_value()) << decoded.status().ToString();
  EXPECT_EQ(decoded->passport.claims.div_tn, "12155551213");
  EXPECT_TRUE(ValidateDiv(decoded->passport).ok());
  EXPECT_FALSE(ValidateShaken(decoded->passport).ok());

  Passport no_div = p;
  no_div.claims.div_tn.clear();
  EXPECT_NE(EncodeClaimsJson(no_div.claims, "div").status().message().find("div is required"),
            std::string::npos);
  Passport two_dest = p;
  two_dest.claims.dest_tn.push_back("12155551215");
  EXPECT_NE(ValidateDiv(two_dest).message().find("exactly one dest.tn"), std::string::npos);
  ExpectDecodeError(Jws(*header, R"({"dest":{"tn":["1"]},"div":{},"iat":1,"orig":{"tn":"2"}})"),
                    "div has neither a tn nor a uri");
  ExpectDecodeError(
      Jws(*header, R"({"dest":{"tn":["1"]},"div":{"tn":"x"},"iat":1,"orig":{"tn":"2"}})"),
      "div.tn: telephone number");
}

// Rich Call Data (RFC 9795) beside the SHAKEN claims, as ATIS-1000094 carries it.
TEST(PassportTest, RichCallDataRoundTrip) {
  Passport p = ShakenExample();
  p.claims.rcd.nam = "Acme Bank 客服";
  p.claims.rcd.icn = "https://acme.example/logo.png";
  p.claims.crn = "Card fraud alert";
  auto claims = EncodeClaimsJson(p.claims, "shaken");
  ASSERT_TRUE(claims.has_value()) << claims.status().ToString();
  EXPECT_EQ(*claims, R"({"attest":"A","crn":"Card fraud alert","dest":{"tn":["12155550131"]},)"
                     R"("iat":1443208345,"orig":{"tn":"12155550121"},)"
                     R"("origid":"123e4567-e89b-12d3-a456-426655440000",)"
                     R"("rcd":{"icn":"https://acme.example/logo.png","nam":"Acme Bank 客服"}})");
  auto decoded = DecodeCompactJws(Jws(kShakenHeaderJson, *claims));
  ASSERT_TRUE(decoded.has_value()) << decoded.status().ToString();
  EXPECT_EQ(decoded->passport.claims.rcd, p.claims.rcd);
  EXPECT_EQ(decoded->passport.claims.crn, "Card fraud alert");
  EXPECT_TRUE(ValidateShaken(decoded->passport).ok());

  // ppt "rcd" needs a name; unknown rcd members (jcd, rcdi digests) are ignored.
  Passport rcd_only = p;
  rcd_only.header.ppt = "rcd";
  rcd_only.claims.rcd.nam.clear();
  EXPECT_FALSE(EncodeClaimsJson(rcd_only.claims, "rcd").has_value());
  ExpectDecodeError(Jws(kShakenHeaderJson, ClaimsWith("\"origid\"", R"("rcd":{"nam":7},"origid")")),
                    "rcd: \"nam\" must be a string");
  EXPECT_TRUE(
      DecodeCompactJws(Jws(kShakenHeaderJson,
                           ClaimsWith("\"origid\"", R"("rcd":{"jcd":[],"nam":"x"},"origid")")))
          .has_value());
}

// A base PASSporT may name its originator by URI (RFC 8225 §5.2.1); SHAKEN may not.
TEST(PassportTest, OrigUriForBasePassportOnly) {
  Passport p;
  p.header.ppt.clear();
  p.header.x5u = "https://cert.example.org/passport.cer";
  p.claims.dest_uri = {"sip:alice@example.com"};
  p.claims.iat = 1471375418;
  p.claims.orig_uri = "sip:bob@example.com";
  auto claims = EncodeClaimsJson(p.claims, "");
  ASSERT_TRUE(claims.has_value()) << claims.status().ToString();
  EXPECT_EQ(*claims, R"({"dest":{"uri":["sip:alice@example.com"]},"iat":1471375418,)"
                     R"("orig":{"uri":"sip:bob@example.com"}})");
  auto decoded =
      DecodeCompactJws(Jws(R"({"alg":"ES256","typ":"passport","x5u":"https://x"})", *claims));
  ASSERT_TRUE(decoded.has_value()) << decoded.status().ToString();
  EXPECT_EQ(decoded->passport.claims.orig_uri, "sip:bob@example.com");
  p.claims.orig_tn = "12155551212";
  EXPECT_NE(EncodeClaimsJson(p.claims, "").status().message().find("both a tn and a uri"),
            std::string::npos);
}

}  // namespace
}  // namespace quell::shaken
