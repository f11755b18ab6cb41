// BehaviourProvider: what the detection engine is seeing right now about a
// call's numbers — the caller's strongest active finding (behaviour.finding,
// behaviour.severity), whether the caller is one of those bombing this callee
// (behaviour.bombing_caller: its calls are refused while the attack lasts),
// and, for a subscriber's outgoing call, whether the number called just
// one-rang many people (callee.one_ring_source: the wangiri call-back guard).
//
// Memory only, no allocation: a look-up in the engine's number table under
// its lock (detect/engine.h LiveFindings, BombingCaller).
#pragma once

#include "quell/screen/provider.h"

namespace quell::detect {
class Engine;
}

namespace quell::screen {

class BehaviourProvider final : public SignalProvider {
 public:
  explicit BehaviourProvider(const detect::Engine& engine) : engine_(engine) {}
  std::string_view name() const override { return "behaviour"; }
  void Evaluate(const CallAttempt& attempt, Signals& signals) const override;

 private:
  const detect::Engine& engine_;
};

}  // namespace quell::screen
