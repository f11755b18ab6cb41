#include "quell/screen/shaken_provider.h"

#include "quell/shaken/signer.h"
#include "quell/shaken/verifier.h"

namespace quell::screen {
namespace {

std::string_view AttestText(shaken::Attestation a) {
  switch (a) {
    case shaken::Attestation::kFull:
      return "A";
    case shaken::Attestation::kPartial:
      return "B";
    case shaken::Attestation::kGateway:
      return "C";
    case shaken::Attestation::kNone:
      break;
  }
  return "";
}

// The number for the PASSporT: E.164 digits when the plan parsed it, else as written.
std::string TnOf(uint64_t compact, std::string_view written) {
  return compact != 0 ? std::to_string(compact) : std::string(written);
}

}  // namespace

ShakenProvider::ShakenProvider(shaken::Verifier* verifier, const shaken::Signer* signer,
                               std::string org_id)
    : verifier_(verifier), signer_(signer), org_id_(std::move(org_id)) {}

void ShakenProvider::Evaluate(const CallAttempt& attempt, Signals& s) const {
  if (attempt.direction == events::Direction::kOriginating) {
    if (signer_ == nullptr || org_id_.empty() || s.caller == 0 || s.callee == 0) return;
    shaken::SignRequest req;
    req.orig_tn = "+" + std::to_string(s.caller);
    req.dest_tns = {"+" + std::to_string(s.callee)};
    req.customer_id = std::string(attempt.customer_id);
    auto signed_call = signer_->Sign(org_id_, req);
    if (!signed_call) {
      s.shaken_detail = signed_call.status().message();
      return;
    }
    s.identity = std::move(signed_call->identity);
    s.SetText(SignalId::kShakenSigned, AttestText(signed_call->attestation.level));
    return;
  }
  if (verifier_ == nullptr) return;
  if (attempt.identities.empty()) {
    // Most calls carry no PASSporT: their verdict needs no verifier (and no
    // allocation): no validation, as the verifier would say (ATIS-1000074 §5.3.1).
    s.SetText(SignalId::kShakenVerstat, "no_validation");
    s.SetNumber(SignalId::kShakenCode, 428);
    s.shaken_detail.assign("no Identity header in the request");
    verifier_->CountUnsigned();
    return;
  }
  const shaken::CheckResult r = verifier_->Verify(
      attempt.identities, TnOf(s.caller, attempt.caller), TnOf(s.callee, attempt.callee));
  switch (r.verstat) {
    case shaken::Verstat::kPassed:
      s.SetText(SignalId::kShakenVerstat, "passed");
      break;
    case shaken::Verstat::kFailed:
      s.SetText(SignalId::kShakenVerstat, "failed");
      break;
    case shaken::Verstat::kNoValidation:
      s.SetText(SignalId::kShakenVerstat, "no_validation");
      break;
  }
  s.SetNumber(SignalId::kShakenCode, r.sip_code);
  if (r.verstat == shaken::Verstat::kPassed && r.passport) {
    s.SetText(SignalId::kShakenAttest, AttestText(r.passport->claims.attest));
  }
  s.shaken_detail = r.detail;
  s.shaken_signer = r.signer;
}

}  // namespace quell::screen
