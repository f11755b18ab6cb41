#include "quell/screen/reputation_provider.h"

#include "quell/reputation/reputation.h"

namespace quell::screen {

void ReputationProvider::Evaluate(const CallAttempt& attempt, Signals& s) const {
  if (s.caller == 0) return;
  const reputation::Lookup found = reputation_.Find(s.caller);
  if (found.own) {
    const reputation::Standing& st = *found.own;
    if (st.label != reputation::Label::kNone) {
      s.SetText(SignalId::kReputationLabel, reputation::Name(st.label));
    }
    s.SetNumber(SignalId::kReputationScore, st.score);
    s.SetNumber(SignalId::kReputationConfidence, st.confidence / 100.0);
  }
  s.SetBool(SignalId::kReputationRange, found.range.flagged);
}

}  // namespace quell::screen
