#include "quell/shaken/pki.h"

#include <stdlib.h>

// OpenSSL only to inspect what the PKI wrote, independently of certificate.cc.
#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "test_pki.h"

namespace quell::shaken {
namespace {

using ::testing::HasSubstr;
using testpki::kDay;
using testpki::kT0;
using testpki::kYear;

struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
  void operator()(X509_CRL* c) const { X509_CRL_free(c); }
  void operator()(BIO* b) const { BIO_free(b); }
};

std::unique_ptr<X509, X509Free> ReadX509(const std::string& pem) {
  std::unique_ptr<BIO, X509Free> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  return std::unique_ptr<X509, X509Free>(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
}

std::unique_ptr<X509_CRL, X509Free> ReadCrl(const std::string& pem) {
  std::unique_ptr<BIO, X509Free> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  return std::unique_ptr<X509_CRL, X509Free>(
      PEM_read_bio_X509_CRL(bio.get(), nullptr, nullptr, nullptr));
}

bool Critical(X509* x, int nid) {
  const int loc = X509_get_ext_by_NID(x, nid, -1);
  return loc >= 0 && X509_EXTENSION_get_critical(X509_get_ext(x, loc)) == 1;
}

std::string Octets(const ASN1_OCTET_STRING* s) {
  return s == nullptr ? std::string()
                      : std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                                    static_cast<std::size_t>(ASN1_STRING_length(s)));
}

TEST(PkiTest, CaCertificatesFollowTheAtisProfile) {
  testpki::Pki pki;
  for (const auto* issued : {&pki.root, &pki.inter}) {
    auto x = ReadX509(issued->pem);
    ASSERT_NE(x, nullptr);
    EXPECT_EQ(X509_get_version(x.get()), X509_VERSION_3);
    EXPECT_EQ(X509_get_signature_nid(x.get()), NID_ecdsa_with_SHA256);
    const uint32_t ku = X509_get_key_usage(x.get());
    EXPECT_EQ(ku, static_cast<uint32_t>(KU_KEY_CERT_SIGN | KU_CRL_SIGN));
    EXPECT_TRUE(Critical(x.get(), NID_key_usage));
    EXPECT_TRUE(Critical(x.get(), NID_basic_constraints));
    EXPECT_NE(X509_get_extension_flags(x.get()) & EXFLAG_CA, 0u);
    ASSERT_NE(X509_get0_subject_key_id(x.get()), nullptr);
    EXPECT_EQ(ASN1_STRING_length(X509_get0_subject_key_id(x.get())), 20);  // SHA-1
    ASSERT_NE(X509_get0_authority_key_id(x.get()), nullptr);
  }
  auto root = ReadX509(pki.root.pem);
  auto inter = ReadX509(pki.inter.pem);
  EXPECT_EQ(Octets(X509_get0_authority_key_id(root.get())),
            Octets(X509_get0_subject_key_id(root.get())));
  EXPECT_EQ(Octets(X509_get0_authority_key_id(inter.get())),
            Octets(X509_get0_subject_key_id(root.get())));
  EXPECT_EQ(X509_get_pathlen(inter.get()), 0);
  EXPECT_EQ(X509_get_pathlen(root.get()), -1);
  EXPECT_EQ(pki.root.cert.subject(), "CN=Test SHAKEN Root,O=Quell Test,C=US");
  EXPECT_EQ(pki.root.cert.not_before(), kT0 - kYear);
  EXPECT_EQ(pki.root.cert.not_after(), kT0 + 10 * kYear);
}

TEST(PkiTest, LeafCarriesTnAuthListAndEndEntityFields) {
  testpki::Pki pki;
  auto x = ReadX509(pki.leaf.pem);
  ASSERT_NE(x, nullptr);
  EXPECT_EQ(X509_get_key_usage(x.get()), static_cast<uint32_t>(KU_DIGITAL_SIGNATURE));
  EXPECT_TRUE(Critical(x.get(), NID_basic_constraints));
  EXPECT_EQ(X509_get_extension_flags(x.get()) & EXFLAG_CA, 0u);
  EXPECT_EQ(Octets(X509_get0_authority_key_id(x.get())),
            Octets(X509_get0_subject_key_id(ReadX509(pki.inter.pem).get())));
  // The TNAuthList extension value is byte-exact what STI-CAs issue.
  ASN1_OBJECT* oid = OBJ_txt2obj("1.3.6.1.5.5.7.1.26", 1);
  const int loc = X509_get_ext_by_OBJ(x.get(), oid, -1);
  ASN1_OBJECT_free(oid);
  ASSERT_GE(loc, 0);
  X509_EXTENSION* ext = X509_get_ext(x.get(), loc);
  EXPECT_EQ(X509_EXTENSION_get_critical(ext), 0);
  EXPECT_EQ(Octets(X509_EXTENSION_get_data(ext)), std::string("\x30\x08\xA0\x06\x16\x04"
                                                              "1234"));
  // CRL distribution point.
  auto* dps = static_cast<CRL_DIST_POINTS*>(
      X509_get_ext_d2i(x.get(), NID_crl_distribution_points, nullptr, nullptr));
  ASSERT_NE(dps, nullptr);
  ASSERT_EQ(sk_DIST_POINT_num(dps), 1);
  GENERAL_NAMES* names = sk_DIST_POINT_value(dps, 0)->distpoint->name.fullname;
  ASSERT_EQ(sk_GENERAL_NAME_num(names), 1);
  EXPECT_EQ(Octets(sk_GENERAL_NAME_value(names, 0)->d.uniformResourceIdentifier),
            "http://crl.example.test/leaf.crl");
  CRL_DIST_POINTS_free(dps);
}

TEST(PkiTest, SerialsAreRandomPositiveSixteenBytes) {
  testpki::Pki pki;
  const testpki::Issued leaves[] = {testpki::MakeLeaf(pki.inter), testpki::MakeLeaf(pki.inter),
                                    testpki::MakeLeaf(pki.inter)};
  for (const auto& l : leaves) {
    const std::string serial = l.cert.serial_hex();
    ASSERT_EQ(serial.size(), 32u) << serial;  // 16 bytes, no leading zero octet
    EXPECT_LT(serial[0], '8') << serial;      // positive
    EXPECT_NE(serial, pki.leaf.cert.serial_hex());
  }
  EXPECT_NE(leaves[0].cert.serial_hex(), leaves[1].cert.serial_hex());
}

TEST(PkiTest, IssuesTnAndRangeCertificatesAndPolicies) {
  testpki::Pki pki;
  const TnAuthList list{.ranges = {{"2025550100", 100}}, .tns = {"2025559999"}};
  auto pem = IssueShakenCertificate({.subject = testpki::Subject("SHAKEN TN"),
                                     .not_before = kT0,
                                     .not_after = kT0 + kDay,
                                     .tn_auth_list = list,
                                     .policy_oid = "2.16.840.1.114569.1.1.3"},
                                    testpki::NewKey(), pki.inter.ca());
  ASSERT_TRUE(pem.has_value()) << pem.status().ToString();
  auto cert = testpki::Must(ParsePemCertificates(*pem)).front();
  EXPECT_EQ(cert.tn_auth_list(), list);
  auto x = ReadX509(*pem);
  auto* policies = static_cast<CERTIFICATEPOLICIES*>(
      X509_get_ext_d2i(x.get(), NID_certificate_policies, nullptr, nullptr));
  ASSERT_NE(policies, nullptr);
  ASSERT_EQ(sk_POLICYINFO_num(policies), 1);
  char oid[64];
  OBJ_obj2txt(oid, sizeof(oid), sk_POLICYINFO_value(policies, 0)->policyid, 1);
  EXPECT_STREQ(oid, "2.16.840.1.114569.1.1.3");
  CERTIFICATEPOLICIES_free(policies);
}

TEST(PkiTest, RefusesBadRequests) {
  testpki::Pki pki;
  const EcKey key = testpki::NewKey();
  const EcKey public_only = testpki::Must(EcKey::FromPublicPem(key.PublicPem().value()));
  const ShakenCertificateOptions good{.subject = testpki::Subject("SHAKEN 1234"),
                                      .not_before = kT0,
                                      .not_after = kT0 + kDay,
                                      .tn_auth_list = {.spcs = {"1234"}}};
  EXPECT_TRUE(IssueShakenCertificate(good, public_only, pki.inter.ca()).has_value());
  auto with = [&](auto change) {
    ShakenCertificateOptions o = good;
    change(o);
    return IssueShakenCertificate(o, key, pki.inter.ca());
  };
  const struct {
    const char* name;
    Result<std::string> result;
    const char* message;
  } cases[] = {
      {"backwards validity", with([](auto& o) { o.not_after = o.not_before; }), "not_after"},
      {"no CN", with([](auto& o) { o.subject.common_name.clear(); }), "common name"},
      {"bad country", with([](auto& o) { o.subject.country = "usa"; }), "country"},
      {"control char", with([](auto& o) { o.subject.organization = "a\nb"; }), "control"},
      {"empty TNAuthList", with([](auto& o) { o.tn_auth_list = {}; }), "needs a TNAuthList"},
      {"bad TN", with([](auto& o) { o.tn_auth_list = {.tns = {"+1202"}}; }), "0-9"},
      {"bad CRL URL", with([](auto& o) { o.crl_url = "ldap://x"; }), "http"},
      {"comma in URL", with([](auto& o) { o.crl_url = "http://a,b"; }), "commas"},
      {"bad policy", with([](auto& o) { o.policy_oid = "not an oid"; }), "policy OID"},
      {"leaf as issuer", IssueShakenCertificate(good, key, pki.leaf.ca()), "not a CA"},
      {"wrong issuer key",
       IssueShakenCertificate(good, key, CertificateAuthority{pki.inter.cert, pki.root.key}),
       "does not match"},
      {"public issuer key",
       IssueShakenCertificate(good, key, CertificateAuthority{pki.inter.cert, public_only}),
       "private"},
      {"public root key",
       IssueRootCa({.subject = testpki::Subject("R"), .not_after = 1}, public_only), "private"},
      {"negative path length",
       IssueIntermediateCa({.subject = testpki::Subject("I"), .not_after = 1, .path_length = -1},
                           key, pki.root.ca()),
       "path length"},
  };
  for (const auto& c : cases) {
    ASSERT_FALSE(c.result.has_value()) << c.name;
    EXPECT_EQ(c.result.status().code(), StatusCode::kInvalidArgument) << c.name;
    EXPECT_THAT(c.result.status().message(), HasSubstr(c.message)) << c.name;
  }
}

TEST(PkiTest, CrlListsRevokedSerials) {
  testpki::Pki pki;
  auto pem = IssueCrl({.this_update = kT0,
                       .next_update = kT0 + 7 * kDay,
                       .crl_number = 42,
                       .revoked = {{.serial_hex = pki.leaf.cert.serial_hex(), .revoked_at = kT0},
                                   {.serial_hex = "0a", .revoked_at = kT0 - kDay}}},
                      pki.inter.ca());
  ASSERT_TRUE(pem.has_value()) << pem.status().ToString();
  auto crl = ReadCrl(*pem);
  ASSERT_NE(crl, nullptr);
  EXPECT_EQ(X509_CRL_get_version(crl.get()), X509_CRL_VERSION_2);
  EXPECT_EQ(X509_NAME_cmp(X509_CRL_get_issuer(crl.get()),
                          X509_get_subject_name(ReadX509(pki.inter.pem).get())),
            0);
  EXPECT_EQ(X509_CRL_get_signature_nid(crl.get()), NID_ecdsa_with_SHA256);
  auto inter = ReadX509(pki.inter.pem);
  EXPECT_EQ(X509_CRL_verify(crl.get(), X509_get0_pubkey(inter.get())), 1);
  STACK_OF(X509_REVOKED)* revoked = X509_CRL_get_REVOKED(crl.get());
  ASSERT_EQ(sk_X509_REVOKED_num(revoked), 2);
  auto* number =
      static_cast<ASN1_INTEGER*>(X509_CRL_get_ext_d2i(crl.get(), NID_crl_number, nullptr, nullptr));
  ASSERT_NE(number, nullptr);
  EXPECT_EQ(ASN1_INTEGER_get(number), 42);
  ASN1_INTEGER_free(number);
  EXPECT_GE(X509_CRL_get_ext_by_NID(crl.get(), NID_authority_key_identifier, -1), 0);

  EXPECT_FALSE(IssueCrl({.this_update = kT0, .next_update = kT0}, pki.inter.ca()).has_value());
  auto bad =
      IssueCrl({.this_update = kT0, .next_update = kT0 + 1, .revoked = {{.serial_hex = "-12"}}},
               pki.inter.ca());
  ASSERT_FALSE(bad.has_value());
  EXPECT_THAT(bad.status().message(), HasSubstr("hex digits"));
  EXPECT_FALSE(IssueCrl({.this_update = kT0, .next_update = kT0 + 1}, pki.leaf.ca()).has_value());
}

// ---------------------------------------------------------------- openssl(1) interop

class PkiInteropTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::system("openssl version >/dev/null 2>&1") != 0) {
      GTEST_SKIP() << "openssl is not on PATH";
    }
    // One directory per test: CTest runs the tests of this binary in parallel.
    std::string tmpl = (std::filesystem::path(::testing::TempDir()) / "quell-pki-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string Write(const std::string& name, const std::string& data) {
    const auto path = dir_ / name;
    std::ofstream(path, std::ios::binary) << data;
    return path.string();
  }
  // Exit status of `command`, its output in `out`.
  int Run(const std::string& command, std::string* out) {
    const std::string log = (dir_ / "out.txt").string();
    const int rc = std::system((command + " >" + log + " 2>&1").c_str());
    std::ifstream in(log);
    std::stringstream ss;
    ss << in.rdbuf();
    *out = ss.str();
    return rc;
  }

  std::filesystem::path dir_;
};

TEST_F(PkiInteropTest, OpensslVerifiesTheChainAndHonoursTheCrl) {
  testpki::Pki pki;
  const std::string root = Write("root.pem", pki.root.pem);
  const std::string inter = Write("inter.pem", pki.inter.pem);
  const std::string leaf = Write("leaf.pem", pki.leaf.pem);
  const std::string at = " -attime " + std::to_string(kT0);
  std::string out;
  EXPECT_EQ(
      Run("openssl verify" + at + " -CAfile " + root + " -untrusted " + inter + " " + leaf, &out),
      0)
      << out;
  EXPECT_THAT(out, HasSubstr("OK"));
  EXPECT_NE(Run("openssl verify" + at + " -CAfile " + root + " " + leaf, &out), 0) << out;

  const std::string crls =
      Write("crls.pem", testpki::MakeCrl(pki.root, {}) +
                            testpki::MakeCrl(pki.inter, {pki.leaf.cert.serial_hex()}));
  EXPECT_NE(Run("openssl verify" + at + " -crl_check_all -CRLfile " + crls + " -CAfile " + root +
                    " -untrusted " + inter + " " + leaf,
                &out),
            0);
  EXPECT_THAT(out, HasSubstr("revoked"));
  EXPECT_EQ(Run("openssl crl -noout -in " + crls + " -CAfile " + root, &out), 0) << out;
}

TEST_F(PkiInteropTest, ParsesTnAuthListWrittenByOpensslConfig) {
  const std::string conf = Write("tn.cnf",
                                 "[req]\ndistinguished_name=dn\n[dn]\n[v3]\n"
                                 "1.3.6.1.5.5.7.1.26=ASN1:SEQUENCE:tn_auth_list\n"
                                 "[tn_auth_list]\nfield1=EXP:0,IA5:709J\n"
                                 "field2=EXP:1,SEQUENCE:range\nfield3=EXP:2,IA5:2025559999\n"
                                 "[range]\nstart=IA5:2025550100\ncount=INT:100\n");
  const std::string key = Write("k.pem", testpki::NewKey().PrivatePem().value());
  const std::string cert = (dir_ / "c.pem").string();
  std::string out;
  ASSERT_EQ(Run("openssl req -new -x509 -key " + key + " -subj /CN=SHAKEN -config " + conf +
                    " -extensions v3 -days 1 -out " + cert,
                &out),
            0)
      << out;
  std::ifstream in(cert);
  std::stringstream pem;
  pem << in.rdbuf();
  auto certs = ParsePemCertificates(pem.str());
  ASSERT_TRUE(certs.has_value()) << certs.status().ToString();
  const TnAuthList want{.spcs = {"709J"}, .ranges = {{"2025550100", 100}}, .tns = {"2025559999"}};
  EXPECT_EQ(certs->front().tn_auth_list(), want);
}

}  // namespace
}  // namespace quell::shaken
