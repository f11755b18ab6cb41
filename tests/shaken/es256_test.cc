#include "quell/shaken/es256.h"

#include <cstdio>
#include <string>

#include <gtest/gtest.h>

#include "quell/shaken/base64url.h"

namespace quell::shaken {
namespace {

// RFC 7515 Appendix A.3: JWK, signing input and signature.
constexpr char kX[] = "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU";
constexpr char kY[] = "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0";
constexpr char kD[] = "jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI";
constexpr char kSigningInput[] =
    "eyJhbGciOiJFUzI1NiJ9."
    "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlf"
    "Q";
constexpr char kSignature[] =
    "DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q";

EcKey Rfc7515Key(bool with_private) {
  auto key = EcKey::FromCoordinates(Base64UrlDecode(kX).value(), Base64UrlDecode(kY).value(),
                                    with_private ? Base64UrlDecode(kD).value() : std::string());
  EXPECT_TRUE(key.has_value()) << key.status().ToString();
  return std::move(*key);
}

TEST(Es256Test, VerifiesRfc7515AppendixA3) {
  const EcKey pub = Rfc7515Key(false);
  EXPECT_FALSE(pub.has_private_key());
  const std::string sig = Base64UrlDecode(kSignature).value();
  ASSERT_EQ(sig.size(), 64u);
  Status s = VerifyEs256(pub, kSigningInput, sig);
  EXPECT_TRUE(s.ok()) << s.ToString();
}

TEST(Es256Test, TamperedInputOrSignatureFails) {
  const EcKey pub = Rfc7515Key(false);
  const std::string sig = Base64UrlDecode(kSignature).value();
  std::string input = kSigningInput;
  input[5] ^= 1;
  EXPECT_FALSE(VerifyEs256(pub, input, sig).ok());
  for (std::size_t i : {0u, 31u, 32u, 63u}) {
    std::string bad = sig;
    bad[i] ^= 0x01;
    EXPECT_FALSE(VerifyEs256(pub, kSigningInput, bad).ok()) << i;
  }
  EXPECT_FALSE(VerifyEs256(pub, kSigningInput, std::string(64, '\0')).ok());
  EXPECT_FALSE(VerifyEs256(pub, kSigningInput, std::string(64, '\xff')).ok());
}

TEST(Es256Test, RejectsWrongLengthIncludingDer) {
  const EcKey pub = Rfc7515Key(false);
  const std::string sig = Base64UrlDecode(kSignature).value();
  for (std::size_t n : {0u, 63u, 65u, 72u}) {
    std::string s = sig;
    s.resize(n, '\0');
    Status st = VerifyEs256(pub, kSigningInput, s);
    EXPECT_FALSE(st.ok());
    EXPECT_NE(st.message().find("64 bytes"), std::string::npos) << st.message();
  }
}

TEST(Es256Test, SignThenVerifyWithTheRfcKey) {
  const EcKey key = Rfc7515Key(true);
  ASSERT_TRUE(key.has_private_key());
  auto sig = SignEs256(key, kSigningInput);
  ASSERT_TRUE(sig.has_value()) << sig.status().ToString();
  EXPECT_EQ(sig->size(), 64u);
  EXPECT_TRUE(VerifyEs256(key, kSigningInput, *sig).ok());
  EXPECT_TRUE(VerifyEs256(Rfc7515Key(false), kSigningInput, *sig).ok());
  EXPECT_FALSE(SignEs256(Rfc7515Key(false), kSigningInput).has_value());
}

TEST(Es256Test, ThousandRandomSignaturesVerifyIncludingLeadingZeros) {
  const EcKey key = Rfc7515Key(true);
  int leading_zero_r = 0;
  int leading_zero_s = 0;
  for (int i = 0; i < 1000; ++i) {
    const std::string input = "input-" + std::to_string(i);
    auto sig = SignEs256(key, input);
    ASSERT_TRUE(sig.has_value()) << sig.status().ToString();
    ASSERT_EQ(sig->size(), 64u);
    leading_zero_r += (*sig)[0] == '\0';
    leading_zero_s += (*sig)[32] == '\0';
    Status s = VerifyEs256(key, input, *sig);
    ASSERT_TRUE(s.ok()) << i << ": " << s.ToString();
    ASSERT_FALSE(VerifyEs256(key, input + "x", *sig).ok());
  }
  // About 1000/256 each; zero would mean padding is never exercised.
  EXPECT_GT(leading_zero_r + leading_zero_s, 0);
}

TEST(Es256Test, PemRoundTripAndGenerate) {
  auto key = EcKey::Generate();
  ASSERT_TRUE(key.has_value()) << key.status().ToString();
  const std::string priv_pem = key->PrivatePem().value();
  const std::string pub_pem = key->PublicPem().value();
  EXPECT_NE(priv_pem.find("BEGIN PRIVATE KEY"), std::string::npos);
  EXPECT_NE(pub_pem.find("BEGIN PUBLIC KEY"), std::string::npos);
  auto priv = EcKey::FromPrivatePem(priv_pem);
  auto pub = EcKey::FromPublicPem(pub_pem);
  ASSERT_TRUE(priv.has_value()) << priv.status().ToString();
  ASSERT_TRUE(pub.has_value()) << pub.status().ToString();
  EXPECT_FALSE(pub->PrivatePem().has_value());
  const std::string sig = SignEs256(*priv, "hello").value();
  EXPECT_TRUE(VerifyEs256(*pub, "hello", sig).ok());
  EXPECT_FALSE(VerifyEs256(Rfc7515Key(false), "hello", sig).ok());
}

TEST(Es256Test, LoadsSec1AndCertificatePem) {
  // openssl ecparam -name prime256v1 -genkey -noout; openssl req -x509 -new -key k.pem -subj /CN=t
  // -days 3650
  const std::string key_pem = std::string(QUELL_SOURCE_DIR) + "/tests/testdata/shaken/";
  auto read = [](const std::string& path) {
    std::FILE* f = std::fopen(path.c_str(), "rb");
    std::string out;
    if (f == nullptr) return out;
    char buf[4096];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof(buf), f)) > 0) out.append(buf, n);
    std::fclose(f);
    return out;
  };
  auto priv = EcKey::FromPrivatePem(read(key_pem + "sec1_key.pem"));
  ASSERT_TRUE(priv.has_value()) << priv.status().ToString();
  auto cert = EcKey::FromPublicPem(read(key_pem + "cert.pem"));
  ASSERT_TRUE(cert.has_value()) << cert.status().ToString();
  EXPECT_TRUE(VerifyEs256(*cert, "x", SignEs256(*priv, "x").value()).ok());
  auto p384 = EcKey::FromPrivatePem(read(key_pem + "p384_key.pem"));
  ASSERT_FALSE(p384.has_value());
  EXPECT_NE(p384.status().message().find("P-256"), std::string::npos) << p384.status().message();
}

TEST(Es256Test, RejectsBadKeys) {
  EXPECT_FALSE(EcKey::FromPrivatePem("").has_value());
  EXPECT_FALSE(
      EcKey::FromPrivatePem("-----BEGIN PRIVATE KEY-----\ngarbage\n-----END PRIVATE KEY-----\n")
          .has_value());
  EXPECT_FALSE(
      EcKey::FromPublicPem("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
          .has_value());
  const std::string x = Base64UrlDecode(kX).value();
  std::string y = Base64UrlDecode(kY).value();
  EXPECT_FALSE(EcKey::FromCoordinates(x, y.substr(1), "").has_value());
  y[31] ^= 1;  // off the curve
  EXPECT_FALSE(EcKey::FromCoordinates(x, y, "").has_value());
  std::string d = Base64UrlDecode(kD).value();
  d[31] ^= 1;  // does not match the public point
  EXPECT_FALSE(EcKey::FromCoordinates(x, Base64UrlDecode(kY).value(), d).has_value());
}

}  // namespace
}  // namespace quell::shaken
