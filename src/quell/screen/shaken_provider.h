// ShakenProvider: caller authentication in the pipeline. Terminating calls have
// their Identity headers verified (shaken.verstat, shaken.code, shaken.attest);
// originating calls are signed for the configured carrier, with the attestation
// the TN-ownership table supports (shaken.signed; the Identity header goes into
// Signals::identity for the SIP front to add).
#pragma once

#include <string>

#include "quell/screen/provider.h"

namespace quell::shaken {
class Verifier;
class Signer;
}  // namespace quell::shaken

namespace quell::screen {

class ShakenProvider final : public SignalProvider {
 public:
  // Either may be null (that direction is then left alone). `org_id` is the
  // carrier Quell signs for; empty disables signing.
  ShakenProvider(shaken::Verifier* verifier, const shaken::Signer* signer, std::string org_id);
  std::string_view name() const override { return "shaken"; }
  void Evaluate(const CallAttempt& attempt, Signals& signals) const override;

 private:
  shaken::Verifier* verifier_;
  const shaken::Signer* signer_;
  std::string org_id_;
};

}  // namespace quell::screen
