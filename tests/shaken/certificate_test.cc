#include "quell/shaken/certificate.h"

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "test_pki.h"

namespace quell::shaken {
namespace {

using ::testing::HasSubstr;
using testpki::kDay;
using testpki::kT0;
using testpki::kYear;

std::string Bytes(std::initializer_list<int> b) {
  std::string out;
  for (int c : b) out.push_back(static_cast<char>(c));
  return out;
}

// pyasn1-modules' RFC 8226 test vector: spc "bogus", range 5715551212 + 788,
// one 7035551212, all EXPLICIT.
const std::string kPyasn1Vector =
    Bytes({0x30, 0x2b, 0xa0, 0x07, 0x16, 0x05, 'b', 'o', 'g', 'u', 's', 0xa1, 0x12, 0x30, 0x10,
           0x16, 0x0a, '5',  '7',  '1',  '5',  '5', '5', '1', '2', '1', '2',  0x02, 0x02, 0x03,
           0x14, 0xa2, 0x0c, 0x16, 0x0a, '7',  '0', '3', '5', '5', '5', '1',  '2',  '1',  '2'});

// ---------------------------------------------------------------- TNAuthList DER

TEST(TnAuthListTest, ParsesSpcAsDeployed) {
  // What STI-CA certificates and `openssl ... field1=EXP:0,IA5:1234` carry.
  const std::string der = Bytes({0x30, 0x08, 0xA0, 0x06, 0x16, 0x04, '1', '2', '3', '4'});
  auto list = ParseTnAuthList(der);
  ASSERT_TRUE(list.has_value()) << list.status().ToString();
  EXPECT_EQ(list->spcs, std::vector<std::string>{"1234"});
  EXPECT_TRUE(list->tns.empty());
  EXPECT_TRUE(list->ranges.empty());
  EXPECT_EQ(EncodeTnAuthList(*list).value(), der);
  // PeculiarVentures asn1-rfc8226: 3008a00616043730394a is SPC "709J".
  auto pv = ParseTnAuthList(Bytes({0x30, 0x08, 0xa0, 0x06, 0x16, 0x04, 0x37, 0x30, 0x39, 0x4a}));
  ASSERT_TRUE(pv.has_value());
  EXPECT_EQ(pv->spcs, std::vector<std::string>{"709J"});
}

TEST(TnAuthListTest, ParsesAndReencodesAllThreeEntryKindsByteExact) {
  auto list = ParseTnAuthList(kPyasn1Vector);
  ASSERT_TRUE(list.has_value()) << list.status().ToString();
  EXPECT_EQ(list->spcs, std::vector<std::string>{"bogus"});
  EXPECT_EQ(list->ranges, (std::vector<TnRange>{{"5715551212", 788}}));
  EXPECT_EQ(list->tns, std::vector<std::string>{"7035551212"});
  EXPECT_EQ(EncodeTnAuthList(*list).value(), kPyasn1Vector);
}

TEST(TnAuthListTest, RoundTripsManyEntriesWithLongFormLength) {
  TnAuthList list;
  list.spcs = {"1234", "ABCD"};
  list.ranges = {{"2025550100", 100}, {"98", 2}, {"1", 9}, {"100000000000000", 899999999999999}};
  for (int i = 0; i < 20; ++i) list.tns.push_back("20255501" + std::to_string(10 + i));
  list.tns.push_back("*67");
  list.tns.push_back("#31#");
  auto der = EncodeTnAuthList(list);
  ASSERT_TRUE(der.has_value()) << der.status().ToString();
  EXPECT_EQ(static_cast<unsigned char>((*der)[1]), 0x82);  // over 255 bytes of entries
  auto back = ParseTnAuthList(*der);
  ASSERT_TRUE(back.has_value()) << back.status().ToString();
  EXPECT_EQ(*back, list);
  // count 128 needs a leading zero octet: 02 02 00 80.
  auto r = EncodeTnAuthList({.ranges = {{"200", 128}}});
  EXPECT_EQ(*r, Bytes({0x30, 0x0d, 0xa1, 0x0b, 0x30, 0x09, 0x16, 0x03, '2', '0', '0', 0x02, 0x02,
                       0x00, 0x80}));
}

TEST(TnAuthListTest, RejectsEveryTruncation) {
  for (std::size_t n = 0; n < kPyasn1Vector.size(); ++n) {
    EXPECT_FALSE(ParseTnAuthList(kPyasn1Vector.substr(0, n)).has_value()) << n;
  }
}

struct Malformed {
  const char* name;
  std::string der;
  const char* message;
};

TEST(TnAuthListTest, RejectsMalformedDerSayingWhy) {
  const Malformed cases[] = {
      {"empty input", "", "empty input"},
      {"empty list", Bytes({0x30, 0x00}), "empty"},
      {"SET not SEQUENCE", Bytes({0x31, 0x03, 0xa2, 0x01, 0x16}), "expected TNAuthorizationList"},
      {"trailing bytes", Bytes({0x30, 0x05, 0xa2, 0x03, 0x16, 0x01, '1', 0x00}), "trailing"},
      {"indefinite length", Bytes({0x30, 0x80, 0xa2, 0x03, 0x16, 0x01, '1', 0, 0}), "indefinite"},
      {"length overflow", Bytes({0x30, 0x84, 0xff, 0xff, 0xff, 0xff, 0xa2}), "runs past the end"},
      {"5-byte length", Bytes({0x30, 0x85, 0, 0, 0, 0, 5}), "too long"},
      {"non-minimal length", Bytes({0x30, 0x81, 0x05, 0xa2, 0x03, 0x16, 0x01, '1'}), "shortest"},
      {"high tag number", Bytes({0x30, 0x03, 0xbf, 0x01, 0x00}), "high tag"},
      {"unknown entry tag", Bytes({0x30, 0x05, 0xa3, 0x03, 0x16, 0x01, '1'}), "unknown TNEntry"},
      {"implicit spc", Bytes({0x30, 0x06, 0x80, 0x04, '1', '2', '3', '4'}), "IMPLICIT"},
      {"implicit range",
       Bytes({0x30, 0x0a, 0xa1, 0x08, 0x16, 0x03, '2', '0', '0', 0x02, 0x01, 0x05}), "IMPLICIT"},
      {"UTF8String spc", Bytes({0x30, 0x06, 0xa0, 0x04, 0x0c, 0x02, 'A', 'B'}), "tag 0x16"},
      {"two values in [2]", Bytes({0x30, 0x08, 0xa2, 0x06, 0x16, 0x01, '1', 0x16, 0x01, '2'}),
       "extra data"},
      {"non-IA5 spc", Bytes({0x30, 0x05, 0xa0, 0x03, 0x16, 0x01, 0xc3}), "not an IA5String"},
      {"empty spc", Bytes({0x30, 0x04, 0xa0, 0x02, 0x16, 0x00}), "SPC is empty"},
      {"empty TN", Bytes({0x30, 0x04, 0xa2, 0x02, 0x16, 0x00}), "must have 1 to 15"},
      {"TN with a letter", Bytes({0x30, 0x07, 0xa2, 0x05, 0x16, 0x03, '1', 'a', '2'}), "0-9"},
      {"TN with plus", Bytes({0x30, 0x07, 0xa2, 0x05, 0x16, 0x03, '+', '1', '2'}), "0-9"},
      {"16-digit TN", Bytes({0x30, 0x14, 0xa2, 0x12, 0x16, 0x10, '1', '2', '3', '4', '5',
                             '6',  '7',  '8',  '9',  '0',  '1',  '2', '3', '4', '5', '6'}),
       "16 characters"},
      {"count 1",
       Bytes({0x30, 0x0c, 0xa1, 0x0a, 0x30, 0x08, 0x16, 0x03, '2', '0', '0', 0x02, 0x01, 0x01}),
       "below 2"},
      {"count 0",
       Bytes({0x30, 0x0c, 0xa1, 0x0a, 0x30, 0x08, 0x16, 0x03, '2', '0', '0', 0x02, 0x01, 0x00}),
       "below 2"},
      {"negative count",
       Bytes({0x30, 0x0c, 0xa1, 0x0a, 0x30, 0x08, 0x16, 0x03, '2', '0', '0', 0x02, 0x01, 0xfe}),
       "negative"},
      {"non-minimal count",
       Bytes(
           {0x30, 0x0d, 0xa1, 0x0b, 0x30, 0x09, 0x16, 0x03, '2', '0', '0', 0x02, 0x02, 0x00, 0x05}),
       "shortest"},
      {"count past the digits",
       Bytes({0x30, 0x0c, 0xa1, 0x0a, 0x30, 0x08, 0x16, 0x03, '9', '9', '9', 0x02, 0x01, 0x02}),
       "overflows"},
      {"count over 64 bits", Bytes({0x30, 0x14, 0xa1, 0x12, 0x30, 0x10, 0x16, 0x03, '2', '0', '0',
                                    0x02, 0x09, 0x01, 0,    0,    0,    0,    0,    0,   0,   0}),
       "64 bits"},
      {"range start with star",
       Bytes({0x30, 0x0c, 0xa1, 0x0a, 0x30, 0x08, 0x16, 0x03, '*', '6', '7', 0x02, 0x01, 0x02}),
       "digits only"},
      {"field after count",
       Bytes({0x30, 0x0f, 0xa1, 0x0d, 0x30, 0x0b, 0x16, 0x03, '2', '0', '0', 0x02, 0x01, 0x05, 0x16,
              0x01, '1'}),
       "after the range count"},
      {"count before start",
       Bytes({0x30, 0x0c, 0xa1, 0x0a, 0x30, 0x08, 0x02, 0x01, 0x05, 0x16, 0x03, '2', '0', '0'}),
       "range start"},
  };
  for (const auto& c : cases) {
    auto r = ParseTnAuthList(c.der);
    ASSERT_FALSE(r.has_value()) << c.name;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << c.name;
    EXPECT_THAT(r.status().message(), HasSubstr(c.message)) << c.name;
  }
}

TEST(TnAuthListTest, EncodeRefusesWhatParseRefuses) {
  EXPECT_FALSE(EncodeTnAuthList({}).has_value());
  EXPECT_FALSE(EncodeTnAuthList({.tns = {"12a"}}).has_value());
  EXPECT_FALSE(EncodeTnAuthList({.tns = {"1234567890123456"}}).has_value());
  EXPECT_FALSE(EncodeTnAuthList({.tns = {""}}).has_value());
  EXPECT_FALSE(EncodeTnAuthList({.ranges = {{"200", 1}}}).has_value());
  EXPECT_FALSE(EncodeTnAuthList({.ranges = {{"998", 3}}}).has_value());
  EXPECT_TRUE(EncodeTnAuthList({.ranges = {{"998", 2}}}).has_value());
  EXPECT_FALSE(EncodeTnAuthList({.spcs = {""}}).has_value());
  EXPECT_FALSE(EncodeTnAuthList({.spcs = {"\xc3\xa9"}}).has_value());
}

TEST(TnAuthListTest, CoversNumbersAndRangeEdges) {
  const TnAuthList list{.ranges = {{"2025550100", 100}}, .tns = {"2025559999", "*67"}};
  EXPECT_TRUE(TnAuthListCovers(list, "2025559999"));
  EXPECT_TRUE(TnAuthListCovers(list, "*67"));
  EXPECT_TRUE(TnAuthListCovers(list, "2025550100"));    // start
  EXPECT_TRUE(TnAuthListCovers(list, "2025550199"));    // start + count - 1
  EXPECT_FALSE(TnAuthListCovers(list, "2025550099"));   // start - 1
  EXPECT_FALSE(TnAuthListCovers(list, "2025550200"));   // start + count
  EXPECT_FALSE(TnAuthListCovers(list, "12025550150"));  // other length
  EXPECT_FALSE(TnAuthListCovers(list, "025550150"));
  EXPECT_FALSE(TnAuthListCovers(list, ""));
  EXPECT_FALSE(TnAuthListCovers(list, "20255501x0"));
  EXPECT_FALSE(TnAuthListCovers({.spcs = {"1234"}}, "2025550150"));
}

TEST(TnAuthListTest, EncompassesForDelegation) {
  const TnAuthList outer{.ranges = {{"2025550000", 100}, {"2025550100", 50}},
                         .tns = {"2025550150", "*67"}};
  EXPECT_TRUE(TnAuthListEncompasses(outer, {.ranges = {{"2025550090", 61}}}));  // spans 3 parts
  EXPECT_FALSE(TnAuthListEncompasses(outer, {.ranges = {{"2025550090", 62}}}));
  EXPECT_TRUE(TnAuthListEncompasses(outer, {.tns = {"2025550000", "*67"}}));
  EXPECT_FALSE(TnAuthListEncompasses(outer, {.tns = {"2025550151"}}));
  EXPECT_FALSE(TnAuthListEncompasses(outer, {.ranges = {{"12025550000", 2}}}));
  EXPECT_TRUE(TnAuthListEncompasses(outer, outer));
  EXPECT_TRUE(TnAuthListEncompasses({.spcs = {"1234"}}, {.spcs = {"1234"}}));
  EXPECT_FALSE(TnAuthListEncompasses({.spcs = {"1234"}}, {.spcs = {"5678"}}));
  // An SPC shows no numbers, so it does not encompass any (fail closed).
  EXPECT_FALSE(TnAuthListEncompasses({.spcs = {"1234"}}, {.tns = {"2025550000"}}));
  EXPECT_FALSE(TnAuthListEncompasses(outer, {.spcs = {"1234"}}));
}

// ---------------------------------------------------------------- Certificate

// A P-384 end-entity certificate made with `openssl req -x509` and the config
// `1.3.6.1.5.5.7.1.26=ASN1:SEQUENCE:tn_auth_list`, `field1=EXP:0,IA5:1234`.
constexpr char kP384LeafPem[] = R"(-----BEGIN CERTIFICATE-----
MIIB9zCCAXygAwIBAgICEjQwCgYIKoZIzj0EAwMwODELMAkGA1UEBhMCVVMxDTAL
BgNVBAoMBFRlc3QxGjAYBgNVBAMMEVNIQUtFTiAxMjM0IFAtMzg0MCAXDTI2MTEy
ODA0MDI1OFoYDzIxMjYxMTA0MDQwMjU4WjA4MQswCQYDVQQGEwJVUzENMAsGA1UE
CgwEVGVzdDEaMBgGA1UEAwwRU0hBS0VOIDEyMzQgUC0zODQwdjAQBgcqhkjOPQIB
BgUrgQQAIgNiAATZV0QEWUcvZg0ZC8ZP8yuRhhzpdFns12HnOFwLxz6KKwycaNUq
pmL0rGcYz+Q2mwiiQMjAh/ldzU5UpZJ1+NaRkWKyCWXI5sIU/htIRSUK1g3K1NLt
0u7wLcKW+MPx6j+jVzBVMAwGA1UdEwEB/wQCMAAwDgYDVR0PAQH/BAQDAgeAMBYG
CCsGAQUFBwEaBAowCKAGFgQxMjM0MB0GA1UdDgQWBBT42xm34WFPsNhk5hwfQCSJ
lsV9mTAKBggqhkjOPQQDAwNpADBmAjEAtmCGvlnZCRzK6LgjXJo8ZXQgzcYdr+7Q
pTM1nq1wnL/uMyuxBy3tKXX3e8JGoqJ5AjEA+s0bA1Ul5i/CbjheWkRs8Ro9ypwH
4+0rA6s7OMKlRBXnqNs1yV8o1Z4R+0Mp5mgr
-----END CERTIFICATE-----
)";

TEST(CertificateTest, ReadsLeafFields) {
  testpki::Pki pki;
  const Certificate& leaf = pki.leaf.cert;
  EXPECT_EQ(leaf.subject(), "CN=SHAKEN 1234,O=Quell Carrier,C=US");
  EXPECT_EQ(leaf.issuer(), "CN=Test SHAKEN Intermediate,O=Quell Test,C=US");
  EXPECT_EQ(leaf.serial_hex().size(), 32u);
  EXPECT_EQ(leaf.serial_hex().find_first_not_of("0123456789ABCDEF"), std::string::npos);
  EXPECT_EQ(leaf.not_before(), kT0 - kDay);
  EXPECT_EQ(leaf.not_after(), kT0 + kYear);
  EXPECT_FALSE(leaf.is_ca());
  EXPECT_FALSE(leaf.self_signed());
  ASSERT_TRUE(leaf.tn_auth_list().has_value());
  EXPECT_EQ(leaf.tn_auth_list()->spcs, std::vector<std::string>{"1234"});
  EXPECT_FALSE(leaf.tn_auth_list_critical());
  EXPECT_EQ(leaf.fingerprint().size(), 64u);
  EXPECT_EQ(leaf.fingerprint().find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_NE(leaf.fingerprint(), pki.inter.cert.fingerprint());
  EXPECT_TRUE(pki.root.cert.is_ca());
  EXPECT_TRUE(pki.root.cert.self_signed());
  EXPECT_FALSE(pki.root.cert.tn_auth_list().has_value());
  EXPECT_TRUE(pki.inter.cert.is_ca());
  EXPECT_FALSE(pki.inter.cert.self_signed());

  // The certified key verifies what the leaf's private key signs.
  auto pub = leaf.PublicKey();
  ASSERT_TRUE(pub.has_value()) << pub.status().ToString();
  EXPECT_FALSE(pub->has_private_key());
  auto sig = SignEs256(pki.leaf.key, "signing input");
  ASSERT_TRUE(sig.has_value());
  EXPECT_TRUE(VerifyEs256(*pub, "signing input", *sig).ok());
}

TEST(CertificateTest, DerAndPemRoundTrip) {
  testpki::Pki pki;
  auto again = Certificate::FromDer(pki.leaf.cert.der());
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->fingerprint(), pki.leaf.cert.fingerprint());
  EXPECT_EQ(again->ToPem(), pki.leaf.pem);
  auto certs = ParsePemCertificates("text before\n" + again->ToPem() + "text after\n");
  ASSERT_TRUE(certs.has_value()) << certs.status().ToString();
  EXPECT_EQ(certs->front().der(), pki.leaf.cert.der());
}

TEST(CertificateTest, FromDerRejectsBadInput) {
  testpki::Pki pki;
  const std::string der(pki.leaf.cert.der());
  EXPECT_FALSE(Certificate::FromDer("").has_value());
  EXPECT_FALSE(Certificate::FromDer("not a certificate").has_value());
  EXPECT_FALSE(Certificate::FromDer(der.substr(0, der.size() - 1)).has_value());
  auto trailing = Certificate::FromDer(der + "x");
  ASSERT_FALSE(trailing.has_value());
  EXPECT_THAT(trailing.status().message(), HasSubstr("trailing"));
  EXPECT_FALSE(Certificate::FromDer(std::string(70000, '\x30')).has_value());
}

TEST(CertificateTest, MalformedTnAuthListFailsTheCertificate) {
  testpki::Pki pki;
  std::string der(pki.leaf.cert.der());
  const std::string ext = Bytes({0x30, 0x08, 0xA0, 0x06, 0x16, 0x04, '1', '2', '3', '4'});
  const std::size_t at = der.find(ext);
  ASSERT_NE(at, std::string::npos);
  der[at + 4] = 0x0c;  // IA5String -> UTF8String
  auto cert = Certificate::FromDer(der);
  ASSERT_FALSE(cert.has_value());
  EXPECT_THAT(cert.status().message(), HasSubstr("TNAuthList"));
}

TEST(CertificateTest, OpensslMadeP384LeafParsesButHasNoEs256Key) {
  auto certs = ParsePemCertificates(kP384LeafPem);
  ASSERT_TRUE(certs.has_value()) << certs.status().ToString();
  const Certificate& leaf = certs->front();
  ASSERT_TRUE(leaf.tn_auth_list().has_value());
  EXPECT_EQ(leaf.tn_auth_list()->spcs, std::vector<std::string>{"1234"});
  EXPECT_EQ(leaf.serial_hex(), "1234");
  auto key = leaf.PublicKey();
  ASSERT_FALSE(key.has_value());
  EXPECT_EQ(key.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(key.status().message(), HasSubstr("P-256"));
}

TEST(CertificateTest, PemParsingRefusesPrivateKeysAndJunk) {
  testpki::Pki pki;
  const std::string key_pem = pki.leaf.key.PrivatePem().value();
  auto with_key = ParseCertificateChain(pki.leaf.pem + key_pem);
  ASSERT_FALSE(with_key.has_value());
  EXPECT_THAT(with_key.status().message(), HasSubstr("private key"));
  EXPECT_FALSE(ParseCertificateChain(key_pem + pki.leaf.pem).has_value());
  EXPECT_FALSE(ParseCertificateChain("").has_value());
  EXPECT_FALSE(ParseCertificateChain("hello").has_value());
  EXPECT_FALSE(ParseCertificateChain(pki.leaf.key.PublicPem().value()).has_value());
  EXPECT_FALSE(
      ParseCertificateChain("-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n")
          .has_value());
  EXPECT_FALSE(ParseCertificateChain("-----BEGIN CERTIFICATE-----\nMIIB\n").has_value());
  auto chain = ParseCertificateChain(pki.leaf.pem + pki.inter.pem);
  ASSERT_TRUE(chain.has_value()) << chain.status().ToString();
  EXPECT_EQ(chain->leaf.der(), pki.leaf.cert.der());
  ASSERT_EQ(chain->intermediates.size(), 1u);
  EXPECT_EQ(chain->intermediates[0].der(), pki.inter.cert.der());
}

// ---------------------------------------------------------------- TNAuthList profiles

CertificateChain LeafChain(const testpki::Issued& inter, TnAuthList list, bool critical = false) {
  return CertificateChain{
      testpki::MakeLeaf(inter, std::move(list), kT0 - kDay, kT0 + kYear, critical).cert,
      {inter.cert}};
}

TEST(TnAuthorizationTest, SpcProfile) {
  testpki::Pki pki;
  EXPECT_TRUE(CheckTnAuthorization(pki.chain(), TnAuthProfile::kSpc, "12025550100").ok());
  const struct {
    const char* name;
    CertificateChain chain;
    const char* message;
  } cases[] = {
      {"no extension", CertificateChain{pki.inter.cert, {}}, "no TNAuthList"},
      {"two SPCs", LeafChain(pki.inter, {.spcs = {"1234", "5678"}}), "2 SPCs"},
      {"lowercase SPC", LeafChain(pki.inter, {.spcs = {"12ab"}}), "is not [A-Z0-9]+"},
      {"TNs present", LeafChain(pki.inter, {.spcs = {"1234"}, .tns = {"2025550100"}}),
       "lists telephone numbers"},
      {"range only", LeafChain(pki.inter, {.ranges = {{"2025550100", 2}}}),
       "lists telephone numbers"},
      {"critical", LeafChain(pki.inter, {.spcs = {"1234"}}, true), "critical"},
  };
  for (const auto& c : cases) {
    Status s = CheckTnAuthorization(c.chain, TnAuthProfile::kSpc, "12025550100");
    EXPECT_EQ(s.code(), StatusCode::kPermissionDenied) << c.name;
    EXPECT_THAT(s.message(), HasSubstr(c.message)) << c.name;
  }
}

TEST(TnAuthorizationTest, TnProfileCoverage) {
  testpki::Pki pki;
  const CertificateChain chain =
      LeafChain(pki.inter, {.ranges = {{"2025550100", 100}}, .tns = {"2025559999"}});
  for (const char* tn : {"2025550100", "2025550199", "2025559999"}) {
    EXPECT_TRUE(CheckTnAuthorization(chain, TnAuthProfile::kTn, tn).ok()) << tn;
  }
  for (const char* tn : {"2025550099", "2025550200", "12025550150", "", "2025550\n100"}) {
    Status s = CheckTnAuthorization(chain, TnAuthProfile::kTn, tn);
    EXPECT_EQ(s.code(), StatusCode::kPermissionDenied) << tn;
    EXPECT_THAT(s.message(), HasSubstr("is not covered")) << tn;
  }
  EXPECT_FALSE(CheckTnAuthorization(pki.chain(), TnAuthProfile::kTn, "2025550100").ok());
  EXPECT_FALSE(
      CheckTnAuthorization(CertificateChain{pki.inter.cert, {}}, TnAuthProfile::kTn, "1").ok());
}

TEST(TnAuthorizationTest, TnProfileDelegateMustEncompass) {
  auto root = testpki::MakeRoot();
  auto delegating = testpki::MakeIntermediate(root, "Delegating CA", kT0 - kYear, kT0 + kYear,
                                              TnAuthList{.ranges = {{"2025550000", 1000}}});
  auto inside = LeafChain(delegating, {.ranges = {{"2025550900", 100}}});
  EXPECT_TRUE(CheckTnAuthorization(inside, TnAuthProfile::kTn, "2025550999").ok());
  auto outside = LeafChain(delegating, {.ranges = {{"2025550900", 101}}});
  Status s = CheckTnAuthorization(outside, TnAuthProfile::kTn, "2025550950");
  EXPECT_EQ(s.code(), StatusCode::kPermissionDenied);
  EXPECT_THAT(s.message(), HasSubstr("does not encompass"));
  EXPECT_THAT(s.message(), HasSubstr("Delegating CA"));
  // A CA without a list in between does not launder the leaf's wider list.
  auto plain = testpki::MakeIntermediate(delegating, "Plain CA");
  auto wide = testpki::MakeLeaf(plain, {.tns = {"3035550000"}});
  Status laundered = CheckTnAuthorization(
      CertificateChain{wide.cert, {plain.cert, delegating.cert}}, TnAuthProfile::kTn, "3035550000");
  EXPECT_THAT(laundered.message(), HasSubstr("does not encompass"));
}

// ---------------------------------------------------------------- TrustStore

std::shared_ptr<const TrustStore> Store(const std::string& roots, const std::string& crls = "",
                                        TrustOptions options = {}) {
  return testpki::Must(TrustStore::FromPem(roots, crls, options));
}

void ExpectDenied(const Status& s, const std::string& reason, const std::string& subject) {
  EXPECT_EQ(s.code(), StatusCode::kPermissionDenied) << s.ToString();
  EXPECT_THAT(s.message(), HasSubstr(reason));
  EXPECT_THAT(s.message(), HasSubstr(subject));
}

TEST(CertificateTrustTest, VerifiesRootIntermediateLeaf) {
  testpki::Pki pki;
  auto store = Store(pki.root.pem);
  EXPECT_EQ(store->root_count(), 1u);
  EXPECT_EQ(store->crl_count(), 0u);
  Status s = store->Verify(pki.chain(), kT0);
  EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_TRUE(store->Verify(pki.chain(), pki.leaf.cert.not_before()).ok());
  // OpenSSL ends validity one second before notAfter (RFC 5280 says through it).
  EXPECT_TRUE(store->Verify(pki.chain(), pki.leaf.cert.not_after() - 1).ok());
}

TEST(CertificateTrustTest, ValidityIsCheckedAtTheGivenTime) {
  testpki::Pki pki;
  auto store = Store(pki.root.pem);
  ExpectDenied(store->Verify(pki.chain(), pki.leaf.cert.not_after() + 1), "certificate expired",
               "CN=SHAKEN 1234");
  ExpectDenied(store->Verify(pki.chain(), pki.leaf.cert.not_before() - 1),
               "certificate not yet valid", "CN=SHAKEN 1234");
  auto short_inter = testpki::MakeIntermediate(pki.root, "Short CA", kT0 - kYear, kT0 - 1);
  auto leaf = testpki::MakeLeaf(short_inter);
  ExpectDenied(store->Verify({leaf.cert, {short_inter.cert}}, kT0), "certificate expired",
               "CN=Short CA");
}

TEST(CertificateTrustTest, MissingIntermediateAndUntrustedRoots) {
  testpki::Pki pki;
  auto store = Store(pki.root.pem);
  ExpectDenied(store->Verify({pki.leaf.cert, {}}, kT0), "missing intermediate", "CN=SHAKEN 1234");
  testpki::Pki other;
  ExpectDenied(store->Verify(other.chain(), kT0), "untrusted root", "Test SHAKEN Intermediate");
  ExpectDenied(store->Verify({other.leaf.cert, {other.inter.cert, other.root.cert}}, kT0),
               "untrusted root", "Test SHAKEN Root");
  ExpectDenied(store->Verify({other.root.cert, {}}, kT0), "untrusted root", "Test SHAKEN Root");
  // A trusted intermediate is no anchor: partial chains are off, and the store
  // takes roots only.
  auto with_inter = TrustStore::FromPem(pki.root.pem + pki.inter.pem, "");
  ASSERT_FALSE(with_inter.has_value());
  EXPECT_THAT(with_inter.status().message(), HasSubstr("not a self-signed CA"));
  EXPECT_FALSE(TrustStore::FromPem("", "").has_value());
  EXPECT_FALSE(
      TrustStore::FromPem(pki.root.pem + pki.root.key.PrivatePem().value(), "").has_value());
}

TEST(CertificateTrustTest, RevocationThroughCrls) {
  testpki::Pki pki;
  const std::string revoking = testpki::MakeCrl(pki.inter, {pki.leaf.cert.serial_hex()});
  const std::string clean = testpki::MakeCrl(pki.inter, {"01", "ABCDEF"});
  auto store = Store(pki.root.pem, revoking);
  EXPECT_EQ(store->crl_count(), 1u);
  ExpectDenied(store->Verify(pki.chain(), kT0), "certificate revoked", "CN=SHAKEN 1234");
  EXPECT_TRUE(Store(pki.root.pem, clean)->Verify(pki.chain(), kT0).ok());
  // The root revokes the intermediate.
  const std::string root_crl = testpki::MakeCrl(pki.root, {pki.inter.cert.serial_hex()});
  ExpectDenied(Store(pki.root.pem, root_crl + clean)->Verify(pki.chain(), kT0),
               "certificate revoked", "Test SHAKEN Intermediate");
  // A stale CRL still revokes what it lists.
  const std::string stale =
      testpki::MakeCrl(pki.inter, {pki.leaf.cert.serial_hex()}, kT0 - 30 * kDay, kT0 - kDay);
  ExpectDenied(Store(pki.root.pem, stale)->Verify(pki.chain(), kT0), "certificate revoked",
               "CN=SHAKEN 1234");
}

TEST(CertificateTrustTest, RequireCrl) {
  testpki::Pki pki;
  const TrustOptions strict{.require_crl = true};
  ExpectDenied(Store(pki.root.pem, "", strict)->Verify(pki.chain(), kT0), "revocation unknown",
               "Test SHAKEN Intermediate");
  const std::string root_crl = testpki::MakeCrl(pki.root, {});
  const std::string inter_crl = testpki::MakeCrl(pki.inter, {});
  ExpectDenied(Store(pki.root.pem, root_crl, strict)->Verify(pki.chain(), kT0),
               "revocation unknown", "CN=SHAKEN 1234");
  Status ok = Store(pki.root.pem, root_crl + inter_crl, strict)->Verify(pki.chain(), kT0);
  EXPECT_TRUE(ok.ok()) << ok.ToString();
  // Past nextUpdate a CRL counts as missing: fatal only with require_crl.
  const std::string stale = testpki::MakeCrl(pki.inter, {}, kT0 - 30 * kDay, kT0 - kDay);
  ExpectDenied(Store(pki.root.pem, root_crl + stale, strict)->Verify(pki.chain(), kT0),
               "revocation unknown", "CN=SHAKEN 1234");
  EXPECT_TRUE(Store(pki.root.pem, root_crl + stale)->Verify(pki.chain(), kT0).ok());
}

TEST(CertificateTrustTest, CriticalTnAuthListIsLeftToTheProfileCheck) {
  testpki::Pki pki;
  auto leaf = testpki::MakeLeaf(pki.inter, {.spcs = {"1234"}}, kT0 - kDay, kT0 + kYear, true);
  const CertificateChain chain{leaf.cert, {pki.inter.cert}};
  EXPECT_TRUE(Store(pki.root.pem)->Verify(chain, kT0).ok());
  EXPECT_FALSE(CheckTnAuthorization(chain, TnAuthProfile::kSpc, "").ok());
}

TEST(CertificateTrustTest, LoadsADirectory) {
  namespace fs = std::filesystem;
  std::string tmpl = (fs::path(::testing::TempDir()) / "quell-trust-XXXXXX").string();
  ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
  const fs::path dir = tmpl;
  auto write = [&](const std::string& name, const std::string& data) {
    std::ofstream(dir / name, std::ios::binary) << data;
  };
  EXPECT_EQ(TrustStore::LoadDirectory((dir / "absent").string()).status().code(),
            StatusCode::kNotFound);
  EXPECT_FALSE(TrustStore::LoadDirectory(dir.string()).has_value());  // empty
  testpki::Pki pki;
  write("root.pem", pki.root.pem);
  write("README.txt", "not a certificate, not loaded");
  write("other-root.der.cer", std::string(testpki::MakeRoot("Second Root").cert.der()));
  write("inter.crl", testpki::MakeCrl(pki.inter, {pki.leaf.cert.serial_hex()}));
  auto store = TrustStore::LoadDirectory(dir.string());
  ASSERT_TRUE(store.has_value()) << store.status().ToString();
  EXPECT_EQ((*store)->root_count(), 2u);
  EXPECT_EQ((*store)->crl_count(), 1u);
  ExpectDenied((*store)->Verify(pki.chain(), kT0), "certificate revoked", "CN=SHAKEN 1234");
  write("inter.pem", pki.inter.pem);
  auto bad = TrustStore::LoadDirectory(dir.string());
  ASSERT_FALSE(bad.has_value());
  EXPECT_THAT(bad.status().message(), HasSubstr("inter.pem"));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace quell::shaken
