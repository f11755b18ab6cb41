// The STI-VS end to end with a real test PKI and a fetcher double: the
// credential cases of the conformance list (reference sheet §6, cases 3, 10,
// 20-25) on top of the checker's own (checker_test.cc).
#include "quell/shaken/verifier.h"

#include <array>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "quell/shaken/base64url.h"
#include "quell/shaken/credential_cache.h"
#include "quell/shaken/pki.h"
#include "quell/shaken/x5u_fetch.h"

namespace quell::shaken {
namespace {

constexpr int64_t kDay = 86'400;
constexpr char kOrig[] = "8613800138001";
constexpr char kDest[] = "8613900139000";
constexpr char kX5u[] = "https://cr.example.net/sp.pem";

// Serves PEM bodies by URL; anything else is a 404.
class TableFetcher final : public CertificateFetcher {
 public:
  Result<FetchedDocument> Fetch(std::string_view url) override {
    std::lock_guard lock(mu_);
    ++fetches_;
    auto it = bodies_.find(std::string(url));
    if (it == bodies_.end()) return InvalidArgument("x5u \"" + std::string(url) + "\": HTTP 404");
    return FetchedDocument{.url = std::string(url), .http_status = 200, .body = it->second};
  }
  void Serve(std::string url, std::string body) {
    std::lock_guard lock(mu_);
    bodies_[std::move(url)] = std::move(body);
  }
  int fetches() {
    std::lock_guard lock(mu_);
    return fetches_;
  }

 private:
  std::mutex mu_;
  std::map<std::string, std::string> bodies_;
  int fetches_ = 0;
};

std::string Must(Result<std::string> r) {
  EXPECT_TRUE(r.has_value()) << r.status().ToString();
  return r.value_or("");
}

Certificate First(const std::string& pem) {
  auto certs = ParsePemCertificates(pem);
  EXPECT_TRUE(certs.has_value()) << certs.status().ToString();
  return (*certs)[0];
}

class VerifierTest : public ::testing::Test {
 protected:
  VerifierTest()
      : now_(std::chrono::duration_cast<std::chrono::seconds>(clock_.Now().time_since_epoch())
                 .count()),
        root_key_(*EcKey::Generate()),
        inter_key_(*EcKey::Generate()),
        leaf_key_(*EcKey::Generate()) {
    root_pem_ = Must(IssueRootCa({.subject = {.country = "CN", .common_name = "Test Root"},
                                  .not_before = now_ - kDay,
                                  .not_after = now_ + 3650 * kDay},
                                 root_key_));
    root_ = First(root_pem_);
    inter_pem_ =
        Must(IssueIntermediateCa({.subject = {.country = "CN", .common_name = "Test Intermediate"},
                                  .not_before = now_ - kDay,
                                  .not_after = now_ + 1825 * kDay},
                                 inter_key_, {*root_, root_key_}));
    inter_ = First(inter_pem_);
    auto fetcher = std::make_unique<TableFetcher>();
    fetcher_ = fetcher.get();
    cache_ = *CredentialCache::Create({}, std::move(fetcher), clock_);
    fetcher_->Serve(kX5u, Leaf({.spcs = {"1234"}}) + inter_pem_);
  }

  // A leaf for leaf_key_ issued by the intermediate.
  std::string Leaf(const TnAuthList& list, int64_t not_before = 0, int64_t not_after = 0) {
    return Must(IssueShakenCertificate(
        {.subject = {.country = "CN", .organization = "Carrier", .common_name = "SHAKEN 1234"},
         .not_before = not_before != 0 ? not_before : now_ - kDay,
         .not_after = not_after != 0 ? not_after : now_ + 365 * kDay,
         .tn_auth_list = list},
        leaf_key_, {*inter_, inter_key_}));
  }

  std::shared_ptr<const TrustStore> Trust(const std::string& crls = "") {
    auto t = TrustStore::FromPem(root_pem_, crls);
    EXPECT_TRUE(t.has_value()) << t.status().ToString();
    return *t;
  }

  std::unique_ptr<Verifier> Make(TnAuthProfile profile = TnAuthProfile::kSpc,
                                 std::shared_ptr<const TrustStore> trust = nullptr) {
    return std::make_unique<Verifier>(clock_, *cache_, trust ? trust : Trust(),
                                      VerifierOptions{.check = {}, .profile = profile});
  }

  // An Identity header value signed by leaf_key_ (or `key`).
  std::string Sign(std::string x5u = kX5u, std::string info = "", int64_t iat_offset = 0,
                   std::string orig = kOrig, const EcKey* key = nullptr) {
    Passport p;
    p.header.x5u = x5u;
    p.claims.attest = Attestation::kFull;
    p.claims.dest_tn = {kDest};
    p.claims.iat = now_ + iat_offset;
    p.claims.orig_tn = orig;
    p.claims.origid = "123e4567-e89b-12d3-a456-426655440000";
    auto input = EncodeSigningInput(p);
    auto sig = SignEs256(key ? *key : leaf_key_, *input);
    auto jws = EncodeCompactJws(p, *sig);
    return Must(BuildIdentityHeader({.jws = *jws, .info = info.empty() ? x5u : info}));
  }

  CheckResult Verify(Verifier& v, const std::string& identity, std::string orig = kOrig) {
    const std::array<std::string_view, 1> values = {identity};
    return v.Verify(values, orig, kDest);
  }

  static void ExpectFail(const CheckResult& r, int code, std::string_view needle) {
    EXPECT_EQ(r.verstat, Verstat::kFailed);
    EXPECT_EQ(r.sip_code, code) << r.detail;
    EXPECT_NE(r.detail.find(needle), std::string::npos)
        << "detail: " << r.detail << "\nwanted: " << needle;
  }

  FakeClock clock_;
  int64_t now_;
  EcKey root_key_, inter_key_, leaf_key_;
  std::string root_pem_, inter_pem_;
  std::optional<Certificate> root_, inter_;
  TableFetcher* fetcher_ = nullptr;
  std::unique_ptr<CredentialCache> cache_;
};

TEST_F(VerifierTest, PassesAndNamesTheSigner) {
  auto v = Make();
  CheckResult r = Verify(*v, Sign());
  EXPECT_EQ(r.verstat, Verstat::kPassed) << r.sip_code << " " << r.detail;
  EXPECT_EQ(r.signer, "CN=SHAKEN 1234,O=Carrier,C=CN");
  // The second call is answered from the cache, with the intermediate kept.
  EXPECT_EQ(Verify(*v, Sign()).verstat, Verstat::kPassed);
  EXPECT_EQ(fetcher_->fetches(), 1);
}

TEST_F(VerifierTest, InfoMustEqualX5u) {
  auto v = Make();
  ExpectFail(Verify(*v, Sign(kX5u, "https://other.example.net/sp.pem")), 436,
             "differs from the PASSporT x5u");
}

TEST_F(VerifierTest, UnfetchableCertificateIs436) {
  auto v = Make();
  ExpectFail(Verify(*v, Sign("https://cr.example.net/missing.pem")), 436, "HTTP 404");
  fetcher_->Serve("https://cr.example.net/garbage.pem", "not a certificate");
  ExpectFail(Verify(*v, Sign("https://cr.example.net/garbage.pem")), 436, "certificate");
}

TEST_F(VerifierTest, UntrustedRootIs437) {
  EcKey other = *EcKey::Generate();
  std::string other_root = Must(IssueRootCa({.subject = {.common_name = "Other Root"},
                                             .not_before = now_ - kDay,
                                             .not_after = now_ + kDay},
                                            other));
  auto v = Make(TnAuthProfile::kSpc, *TrustStore::FromPem(other_root, ""));
  ExpectFail(Verify(*v, Sign()), 437, "certificate");
}

TEST_F(VerifierTest, MissingIntermediateIs437) {
  fetcher_->Serve("https://cr.example.net/leaf-only.pem", Leaf({.spcs = {"1234"}}));
  auto v = Make();
  ExpectFail(Verify(*v, Sign("https://cr.example.net/leaf-only.pem")), 437, "certificate");
}

TEST_F(VerifierTest, ExpiredOrNotYetValidAtIatIs437) {
  fetcher_->Serve("https://cr.example.net/old.pem",
                  Leaf({.spcs = {"1234"}}, now_ - 10 * kDay, now_ - kDay) + inter_pem_);
  auto v = Make();
  ExpectFail(Verify(*v, Sign("https://cr.example.net/old.pem")), 437, "expired");
  fetcher_->Serve("https://cr.example.net/future.pem",
                  Leaf({.spcs = {"1234"}}, now_ + kDay, now_ + 10 * kDay) + inter_pem_);
  ExpectFail(Verify(*v, Sign("https://cr.example.net/future.pem")), 437, "not yet valid");
}

TEST_F(VerifierTest, RevokedCertificateIs437AfterTrustReload) {
  auto v = Make();
  ASSERT_EQ(Verify(*v, Sign()).verstat, Verstat::kPassed);
  // Revoke the served leaf: its serial comes from the cached chain.
  auto served = cache_->Get(kX5u, v->trust_store());
  ASSERT_TRUE(served.has_value());
  const std::string serial = served->credential->chain.leaf.serial_hex();
  std::string crl = Must(IssueCrl({.this_update = now_ - 60,
                                   .next_update = now_ + kDay,
                                   .crl_number = 2,
                                   .revoked = {{.serial_hex = serial, .revoked_at = now_ - 30}}},
                                  {*inter_, inter_key_}));
  v->SetTrustStore(Trust(crl));
  ExpectFail(Verify(*v, Sign()), 437, "revoked");
}

TEST_F(VerifierTest, SignatureByAnotherKeyIs438) {
  auto v = Make();
  EcKey stranger = *EcKey::Generate();
  ExpectFail(Verify(*v, Sign(kX5u, "", 0, kOrig, &stranger)), 438, "signature");
}

TEST_F(VerifierTest, SpcProfileRefusesTnCertificates) {
  fetcher_->Serve("https://cr.example.net/tn.pem",
                  Leaf({.ranges = {{.start = "8613800138000", .count = 1000}}}) + inter_pem_);
  auto v = Make(TnAuthProfile::kSpc);
  ExpectFail(Verify(*v, Sign("https://cr.example.net/tn.pem")), 437, "certificate");
}

TEST_F(VerifierTest, TnProfileNeedsTheCallingNumberCovered) {
  fetcher_->Serve("https://cr.example.net/tn.pem",
                  Leaf({.ranges = {{.start = "8613800138000", .count = 1000}}}) + inter_pem_);
  auto v = Make(TnAuthProfile::kTn);
  const std::string url = "https://cr.example.net/tn.pem";
  EXPECT_EQ(Verify(*v, Sign(url, "", 0, "8613800138000"), "8613800138000").verstat,
            Verstat::kPassed);
  EXPECT_EQ(Verify(*v, Sign(url, "", 0, "8613800138999"), "8613800138999").verstat,
            Verstat::kPassed);
  ExpectFail(Verify(*v, Sign(url, "", 0, "8613800139000"), "8613800139000"), 437, "not covered");
  // An SPC certificate says nothing about numbers: refused in the TN profile.
  ExpectFail(Verify(*v, Sign()), 437, "certificate");
}

TEST_F(VerifierTest, NoTrustStoreTrustsNothing) {
  auto v = std::make_unique<Verifier>(clock_, *cache_, nullptr, VerifierOptions{});
  ExpectFail(Verify(*v, Sign()), 437, "certificate");
}

TEST_F(VerifierTest, GarbageNeverFetches) {
  auto v = Make();
  for (const char* bad : {"", "garbage", "a.b.c;info=<https://x/y>", ";;;;"}) {
    const std::array<std::string_view, 1> values = {bad};
    EXPECT_EQ(v->Verify(values, kOrig, kDest).verstat, Verstat::kFailed) << bad;
  }
  // A stale or mismatched PASSporT is refused before its x5u is fetched.
  ExpectFail(Verify(*v, Sign("https://cr.example.net/never.pem", "", -120)), 403, "old");
  EXPECT_EQ(fetcher_->fetches(), 0);
}

// Signs `header_json`.`claims_json` as given, byte for byte.
std::string SignRaw(const EcKey& key, const std::string& header_json,
                    const std::string& claims_json, const std::string& info) {
  const std::string input = Base64UrlEncode(header_json) + "." + Base64UrlEncode(claims_json);
  const std::string jws = input + "." + Base64UrlEncode(*SignEs256(key, input));
  return jws + ";info=<" + info + ">;alg=ES256;ppt=shaken";
}

// A peer's PASSporT with keys out of order and white space is verified over the
// bytes received (RFC 8225 §9 binds only the signer's own serialisation).
TEST_F(VerifierTest, NonCanonicalButValidJsonIsAccepted) {
  auto v = Make();
  const std::string header = std::string(R"({ "x5u" : ")") + kX5u +
                             R"(", "typ":"passport", "ppt":"shaken", "alg":"ES256" })";
  const std::string claims =
      R"({"origid":"123e4567-e89b-12d3-a456-426655440000", "orig":{"tn":"+)" + std::string(kOrig) +
      R"("}, "iat": )" + std::to_string(now_) + R"(, "dest":{"tn":[")" + kDest +
      R"("]}, "attest":"A"})";
  CheckResult r = Verify(*v, SignRaw(leaf_key_, header, claims, kX5u));
  EXPECT_EQ(r.verstat, Verstat::kPassed) << r.sip_code << " " << r.detail;
}

TEST_F(VerifierTest, TamperedHeaderClaimsOrSignatureAre438) {
  auto v = Make();
  const std::string good = Sign();
  const std::size_t dot1 = good.find('.');
  const std::size_t dot2 = good.find('.', dot1 + 1);
  const std::size_t semi = good.find(';');
  // Header: the same x5u, one more member, re-encoded; the signature no longer matches.
  const std::string header =
      std::string(R"({"alg":"ES256","ppt":"shaken","typ":"passport","x":1,"x5u":")") + kX5u +
      R"("})";
  ExpectFail(Verify(*v, Base64UrlEncode(header) + good.substr(dot1)), 438, "signature");
  // Claims: attest A becomes C.
  std::string claims = *Base64UrlDecode(good.substr(dot1 + 1, dot2 - dot1 - 1));
  claims.replace(claims.find("\"A\""), 3, "\"C\"");
  ExpectFail(Verify(*v, good.substr(0, dot1 + 1) + Base64UrlEncode(claims) + good.substr(dot2)),
             438, "signature");
  // Signature: one bit flipped.
  std::string sig = *Base64UrlDecode(good.substr(dot2 + 1, semi - dot2 - 1));
  sig[10] = static_cast<char>(sig[10] ^ 1);
  ExpectFail(Verify(*v, good.substr(0, dot2 + 1) + Base64UrlEncode(sig) + good.substr(semi)), 438,
             "signature");
  // Truncated anywhere: refused, never a crash.
  for (std::size_t n = 0; n < good.size(); n += 7) {
    EXPECT_EQ(Verify(*v, good.substr(0, n)).verstat, Verstat::kFailed) << n;
  }
}

// RFC 9060: a delegate CA for 86138001380xx cannot vouch for another number by
// putting a look-alike of itself (same name and key, no TNAuthList) first in the
// bundle it serves.
TEST_F(VerifierTest, DelegationCannotBeLaunderedThroughALookAlikeCa) {
  EcKey delegate_key = *EcKey::Generate();
  const CertificateSubject subject = {.country = "CN", .common_name = "Delegate"};
  const std::string delegate = Must(IssueIntermediateCa(
      {.subject = subject,
       .not_before = now_ - kDay,
       .not_after = now_ + 365 * kDay,
       .tn_auth_list = TnAuthList{.ranges = {{.start = "8613800138000", .count = 100}}}},
      delegate_key, {*inter_, inter_key_}));
  const std::string decoy = Must(IssueIntermediateCa(
      {.subject = subject, .not_before = now_ - 10 * kDay, .not_after = now_ - kDay}, delegate_key,
      {*inter_, inter_key_}));
  const std::string leaf = Must(IssueShakenCertificate({.subject = {.common_name = "SHAKEN victim"},
                                                        .not_before = now_ - kDay,
                                                        .not_after = now_ + kDay,
                                                        .tn_auth_list = {.tns = {"8613999999999"}}},
                                                       leaf_key_, {First(delegate), delegate_key}));
  for (const std::string& bundle :
       {leaf + delegate + inter_pem_, leaf + decoy + delegate + inter_pem_}) {
    auto chain = ParseCertificateChain(bundle);
    ASSERT_TRUE(chain.has_value()) << chain.status().ToString();
    Status s = CheckTnAuthorization(*chain, TnAuthProfile::kTn, "8613999999999");
    EXPECT_FALSE(s.ok());
    EXPECT_NE(s.message().find("does not encompass"), std::string::npos) << s.message();
  }
}

// The production fetch profile refuses an http:// x5u before any traffic.
TEST_F(VerifierTest, PlainHttpX5uIsRefusedInProduction) {
  auto fetcher = CurlCertificateFetcher::Create({});
  ASSERT_TRUE(fetcher.has_value()) << fetcher.status().ToString();
  auto cache = *CredentialCache::Create({}, std::move(*fetcher), clock_);
  Verifier v(clock_, *cache, Trust(), {});
  ExpectFail(Verify(v, Sign("http://cr.example.net/sp.pem")), 436, "http");
}

}  // namespace
}  // namespace quell::shaken
