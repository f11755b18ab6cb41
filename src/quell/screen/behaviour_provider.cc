#include "quell/screen/behaviour_provider.h"

#include "quell/detect/engine.h"
#include "quell/screen/call_attempt.h"

namespace quell::screen {

void BehaviourProvider::Evaluate(const CallAttempt& attempt, Signals& s) const {
  if (s.caller != 0) {
    const detect::Engine::Live live = engine_.LiveFindings(s.caller);
    if (live.any()) {
      s.SetText(SignalId::kBehaviourFinding, detect::Name(live.strongest));
      s.SetNumber(SignalId::kBehaviourSeverity, live.severity * 100.0 / 3.0);
      if (live.has(detect::Detector::kBombing) && s.callee != 0) {
        s.SetBool(SignalId::kBehaviourBombingCaller, engine_.BombingCaller(s.caller, s.callee));
      }
    }
    if (s.callee != 0 && !s.Has(SignalId::kBehaviourBombingCaller)) {
      // The victim's finding names its callers even before they have one.
      const detect::Engine::Live victim = engine_.LiveFindings(s.callee);
      if (victim.has(detect::Detector::kBombing)) {
        s.SetBool(SignalId::kBehaviourBombingCaller, engine_.BombingCaller(s.caller, s.callee));
      }
    }
  }
  if (attempt.direction == events::Direction::kOriginating && s.callee != 0) {
    const detect::Engine::Live callee = engine_.LiveFindings(s.callee);
    s.SetBool(SignalId::kCalleeOneRingSource, callee.has(detect::Detector::kOneRing));
  }
}

}  // namespace quell::screen
