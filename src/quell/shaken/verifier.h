// The STI-VS: verifies the Identity headers of a call end to end — the checks of
// PassportChecker (syntax, claims, freshness, orig/dest, signature, replay, div
// chains) with the signer's credential taken from the PASSporT's `x5u`:
//
//   info == x5u (ATIS-1000082 E10)                                  else 436
//   certificate fetched (HTTPS, URL policy, cache; see
//   credential_cache.h and x5u_fetch.h)                              else 436
//   chain to a trusted STI-CA root, unrevoked (trust store + CRLs)   else 437
//   every certificate valid at the PASSporT's iat                    else 437
//   TNAuthList per the configured profile (certificate.h): SPC
//   form, or the calling number covered by the TN / range list       else 437
//
// 437 (Unsupported Credential) is used for every credential that cannot vouch
// for the call, including a TN-profile certificate that does not cover the
// calling number (RFC 8226 §9: the credential does not authorise that number).
//
//   Verifier verifier(clock, cache, trust_store, VerifierOptions{});
//   CheckResult r = verifier.Verify(identity_values, from_user, to_user);
//
// Thread-safe: any number of threads may call Verify at once; SetTrustStore
// swaps the trust store (roots or CRLs reloaded) without stopping them.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include "quell/core/clock.h"
#include "quell/shaken/certificate.h"
#include "quell/shaken/checker.h"

namespace quell::shaken {

class CredentialCache;

struct VerifierOptions {
  CheckOptions check;
  TnAuthProfile profile = TnAuthProfile::kSpc;
};

class Verifier {
 public:
  // `clock` and `cache` must outlive the verifier. `trust` may be null: then no
  // certificate is trusted (every signed call fails with 437).
  Verifier(Clock& clock, CredentialCache& cache, std::shared_ptr<const TrustStore> trust,
           VerifierOptions options);
  ~Verifier();
  Verifier(const Verifier&) = delete;
  Verifier& operator=(const Verifier&) = delete;

  // All Identity header values of one request, and its calling and called
  // numbers. No values: 428 / No-TN-Validation (see PassportChecker::CheckMissing).
  CheckResult Verify(std::span<const std::string_view> identity_values, std::string_view from_tn,
                     std::string_view to_tn);
  // Counts a call that carried no Identity header (what Verify would answer
  // with 428), for callers that skip Verify on such calls.
  void CountUnsigned();

  void SetTrustStore(std::shared_ptr<const TrustStore> trust);
  std::shared_ptr<const TrustStore> trust_store() const;

  const VerifierOptions& options() const { return options_; }
  std::size_t replay_cache_size() const { return checker_.replay_cache_size(); }

 private:
  class Source;
  VerifierOptions options_;
  PassportChecker checker_;
  std::unique_ptr<Source> source_;
};

}  // namespace quell::shaken
