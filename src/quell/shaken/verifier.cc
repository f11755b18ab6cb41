#include "quell/shaken/verifier.h"

#include <array>
#include <atomic>
#include <utility>

#include "quell/core/metrics.h"
#include "quell/shaken/credential_cache.h"

namespace quell::shaken {
namespace {

constexpr char kBadIdentityInfo[] = "Bad Identity Info";
constexpr char kUnsupportedCredential[] = "Unsupported Credential";

constexpr char kName[] = "quell_shaken_verifications_total";
constexpr char kHelp[] = "STIR/SHAKEN verifications by result (passed or the SIP code)";

Credential Refuse(int code, const char* reason, std::string detail, std::string signer = {}) {
  return Credential{.owner = nullptr,
                    .key = nullptr,
                    .sip_code = code,
                    .sip_reason = reason,
                    .detail = std::move(detail),
                    .signer = std::move(signer)};
}

// Verifications by outcome: SIP code 0 (passed), 403, 428, 436, 437, 438.
metrics::Counter& VerificationCounter(int sip_code) {
  static const std::array<int, 6> kCodes = {0, 403, 428, 436, 437, 438};
  static std::array<metrics::Counter, 6>* counters = [] {
    auto* c =
        new std::array<metrics::Counter, 6>{metrics::GetCounter(kName, kHelp, {{"code", "passed"}}),
                                            metrics::GetCounter(kName, kHelp, {{"code", "403"}}),
                                            metrics::GetCounter(kName, kHelp, {{"code", "428"}}),
                                            metrics::GetCounter(kName, kHelp, {{"code", "436"}}),
                                            metrics::GetCounter(kName, kHelp, {{"code", "437"}}),
                                            metrics::GetCounter(kName, kHelp, {{"code", "438"}})};
    return c;
  }();
  for (std::size_t i = 0; i < kCodes.size(); ++i) {
    if (kCodes[i] == sip_code) return (*counters)[i];
  }
  return (*counters)[5];
}

}  // namespace

// The x5u side of verification, in the order the header of verifier.h lists it.
class Verifier::Source final : public CredentialSource {
 public:
  Source(CredentialCache& cache, std::shared_ptr<const TrustStore> trust, TnAuthProfile profile)
      : cache_(cache), trust_(std::move(trust)), profile_(profile) {}

  Credential Resolve(const IdentityHeader& header, const Passport& passport) override {
    const std::string& x5u = passport.header.x5u;  // == header.info (the checker saw to it)
    const std::shared_ptr<const TrustStore> trust = trust_.load(std::memory_order_acquire);
    auto lookup = cache_.Get(x5u, trust);
    if (!lookup) {
      return Refuse(436, kBadIdentityInfo, "certificate: " + lookup.status().message());
    }
    const std::shared_ptr<const VerifiedCredential>& credential = lookup->credential;
    std::string subject = credential->chain.leaf.subject();
    if (!lookup->trust.ok()) {
      return Refuse(437, kUnsupportedCredential, "certificate: " + lookup->trust.message(),
                    std::move(subject));
    }
    if (Status s = credential->CheckValidAt(passport.claims.iat); !s.ok()) {
      return Refuse(437, kUnsupportedCredential, "certificate at iat: " + s.message(),
                    std::move(subject));
    }
    // A div PASSporT's signer vouches for the number it retargeted (RFC 8946).
    const std::string& tn = header.ppt == "div" ? passport.claims.div_tn : passport.claims.orig_tn;
    if (Status s = CheckTnAuthorization(credential->chain, profile_, tn); !s.ok()) {
      return Refuse(437, kUnsupportedCredential, "certificate: " + s.message(), std::move(subject));
    }
    const EcKey* key = &*credential->public_key;  // trust OK implies a P-256 key
    return Credential{.owner = credential,
                      .key = key,
                      .sip_code = 0,
                      .sip_reason = {},
                      .detail = {},
                      .signer = std::move(subject)};
  }

  void SetTrust(std::shared_ptr<const TrustStore> trust) {
    trust_.store(std::move(trust), std::memory_order_release);
  }
  std::shared_ptr<const TrustStore> trust() const { return trust_.load(); }

 private:
  CredentialCache& cache_;
  std::atomic<std::shared_ptr<const TrustStore>> trust_;
  const TnAuthProfile profile_;
};

Verifier::Verifier(Clock& clock, CredentialCache& cache, std::shared_ptr<const TrustStore> trust,
                   VerifierOptions options)
    : options_(options),
      checker_(clock, options.check),
      source_(std::make_unique<Source>(cache, std::move(trust), options.profile)) {}

Verifier::~Verifier() = default;

CheckResult Verifier::Verify(std::span<const std::string_view> identity_values,
                             std::string_view from_tn, std::string_view to_tn) {
  CheckResult r = checker_.CheckAll(identity_values, from_tn, to_tn, *source_);
  VerificationCounter(r.sip_code).Inc();
  return r;
}

void Verifier::CountUnsigned() { VerificationCounter(428).Inc(); }

void Verifier::SetTrustStore(std::shared_ptr<const TrustStore> trust) {
  source_->SetTrust(std::move(trust));
}

std::shared_ptr<const TrustStore> Verifier::trust_store() const { return source_->trust(); }

}  // namespace quell::shaken
