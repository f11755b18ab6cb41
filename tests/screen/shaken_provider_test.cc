// Caller authentication through the pipeline: a call Quell signs on origination
// verifies on termination (real test PKI, real signer and verifier; only the
// certificate repository is a table in memory).
#include "quell/screen/shaken_provider.h"

#include <stdlib.h>

#include <array>
#include <map>
#include <mutex>

#include <gtest/gtest.h>

#include "quell/screen/numbering_provider.h"
#include "quell/screen/pipeline.h"
#include "quell/shaken/credential_cache.h"
#include "quell/shaken/pki.h"
#include "quell/shaken/signer.h"
#include "quell/shaken/tn_ownership.h"
#include "quell/shaken/verifier.h"
#include "quell/shaken/x5u_fetch.h"
#include "quell/store/store.h"

namespace quell::screen {
namespace {

constexpr int64_t kDay = 86'400;
constexpr char kX5u[] = "https://cr.example.net/carrier.pem";
constexpr char kOrg[] = "org-carrier";

class TableFetcher final : public shaken::CertificateFetcher {
 public:
  explicit TableFetcher(std::string body) : body_(std::move(body)) {}
  Result<shaken::FetchedDocument> Fetch(std::string_view url) override {
    if (url != kX5u) return InvalidArgument("HTTP 404");
    return shaken::FetchedDocument{.url = std::string(url), .http_status = 200, .body = body_};
  }

 private:
  std::string body_;
};

class ShakenProviderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const int64_t now =
        std::chrono::duration_cast<std::chrono::seconds>(clock_.Now().time_since_epoch()).count();
    auto root_key = *shaken::EcKey::Generate();
    auto inter_key = *shaken::EcKey::Generate();
    auto leaf_key = *shaken::EcKey::Generate();
    const std::string root_pem = *shaken::IssueRootCa({.subject = {.common_name = "Root"},
                                                       .not_before = now - kDay,
                                                       .not_after = now + 90 * kDay},
                                                      root_key);
    auto root = (*shaken::ParsePemCertificates(root_pem))[0];
    const std::string inter_pem = *shaken::IssueIntermediateCa({.subject = {.common_name = "Inter"},
                                                                .not_before = now - kDay,
                                                                .not_after = now + 60 * kDay},
                                                               inter_key, {root, root_key});
    auto inter = (*shaken::ParsePemCertificates(inter_pem))[0];
    const std::string leaf_pem =
        *shaken::IssueShakenCertificate({.subject = {.common_name = "SHAKEN 1234"},
                                         .not_before = now - kDay,
                                         .not_after = now + 30 * kDay,
                                         .tn_auth_list = {.spcs = {"1234"}}},
                                        leaf_key, {inter, inter_key});

    auto identity = shaken::SignerIdentity::FromPem("carrier", kOrg, *leaf_key.PrivatePem(),
                                                    leaf_pem + inter_pem, kX5u);
    ASSERT_TRUE(identity) << identity.error().ToString();
    std::vector<shaken::SignerIdentity> ids;
    ids.push_back(std::move(*identity));
    ASSERT_TRUE(registry_.Replace(std::move(ids)).ok());

    char dir[] = "/tmp/quell-screen-XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    dir_ = dir;
    store_ = std::move(*store::Store::Open({.path = dir_ + "/quell.db"}));
    tn_ = std::move(*shaken::TnOwnership::Open(*store_, clock_));
    ASSERT_TRUE(tn_->CreateCustomer(kOrg, {.id = "acme", .name = "ACME"}));
    ASSERT_TRUE(tn_->AddRange(kOrg, "acme", {.first = "8613800138000", .last = "8613800138999"}));
    signer_ = std::make_unique<shaken::Signer>(registry_, *tn_, clock_);

    cache_ = std::move(*shaken::CredentialCache::Create(
        {}, std::make_unique<TableFetcher>(leaf_pem + inter_pem), clock_));
    verifier_ = std::make_unique<shaken::Verifier>(
        clock_, *cache_, *shaken::TrustStore::FromPem(root_pem, ""), shaken::VerifierOptions{});

    std::vector<std::unique_ptr<SignalProvider>> providers;
    providers.push_back(std::make_unique<NumberingProvider>(plan_));
    providers.push_back(std::make_unique<ShakenProvider>(verifier_.get(), signer_.get(), kOrg));
    pipeline_ = std::make_unique<Pipeline>(PipelineOptions{}, plan_, clock_, std::move(providers),
                                           Policy::Default(), nullptr);
  }

  void TearDown() override { std::system(("rm -rf '" + dir_ + "'").c_str()); }

  Verdict Originate(std::string_view caller, std::string_view callee, std::string_view customer) {
    CallAttempt a{.direction = events::Direction::kOriginating, .caller = caller, .callee = callee};
    a.customer_id = customer;
    Verdict v;
    pipeline_->Screen(a, v);
    return v;
  }

  Verdict Terminate(std::string_view caller, std::string_view callee, std::string_view identity) {
    const std::array<std::string_view, 1> ids = {identity};
    CallAttempt a{.direction = events::Direction::kTerminating, .caller = caller, .callee = callee};
    if (!identity.empty()) a.identities = ids;
    Verdict v;
    pipeline_->Screen(a, v);
    return v;
  }

  FakeClock clock_;
  NumberPlan plan_{"CN"};
  std::string dir_;
  shaken::SignerRegistry registry_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<shaken::TnOwnership> tn_;
  std::unique_ptr<shaken::Signer> signer_;
  std::unique_ptr<shaken::CredentialCache> cache_;
  std::unique_ptr<shaken::Verifier> verifier_;
  std::unique_ptr<Pipeline> pipeline_;
};

TEST_F(ShakenProviderTest, SignedOnOriginationVerifiedOnTermination) {
  Verdict o = Originate("13800138005", "+8613900139000", "acme");
  EXPECT_EQ(o.signals.Get(SignalId::kShakenSigned).text, "A");
  ASSERT_FALSE(o.signals.identity.empty());
  EXPECT_NE(o.signals.identity.find(";info=<https://cr.example.net/carrier.pem>"),
            std::string::npos);

  Verdict t = Terminate("+8613800138005", "+8613900139000", o.signals.identity);
  EXPECT_EQ(t.signals.Get(SignalId::kShakenVerstat).text, "passed") << t.signals.shaken_detail;
  EXPECT_EQ(t.signals.Get(SignalId::kShakenAttest).text, "A");
  EXPECT_EQ(t.signals.Get(SignalId::kShakenCode).number, 0);
  EXPECT_EQ(t.action, Action::kAllow);
}

TEST_F(ShakenProviderTest, AttestationFollowsOwnership) {
  EXPECT_EQ(Originate("+8613700137000", "+8613900139000", "acme")
                .signals.Get(SignalId::kShakenSigned)
                .text,
            "B");  // known customer, not its number
  EXPECT_EQ(
      Originate("+8613700137000", "+8613900139000", "").signals.Get(SignalId::kShakenSigned).text,
      "C");  // unknown origin
}

TEST_F(ShakenProviderTest, SpoofedCallerFailsAndIsLabelled) {
  Verdict o = Originate("+8613800138005", "+8613900139000", "acme");
  // The same PASSporT presented for another caller: orig mismatch.
  Verdict t = Terminate("+8613800138006", "+8613900139000", o.signals.identity);
  EXPECT_EQ(t.signals.Get(SignalId::kShakenVerstat).text, "failed");
  EXPECT_EQ(t.signals.Get(SignalId::kShakenCode).number, 438);
  EXPECT_FALSE(t.signals.shaken_detail.empty());
  EXPECT_EQ(t.rule_name(), "verification-failed");
  EXPECT_EQ(t.action, Action::kLabel);
}

TEST_F(ShakenProviderTest, UnsignedCallIsNoValidation) {
  Verdict t = Terminate("+8613800138005", "+8613900139000", "");
  EXPECT_EQ(t.signals.Get(SignalId::kShakenVerstat).text, "no_validation");
  EXPECT_EQ(t.signals.Get(SignalId::kShakenCode).number, 428);
  EXPECT_EQ(t.action, Action::kAllow);
}

}  // namespace
}  // namespace quell::screen
