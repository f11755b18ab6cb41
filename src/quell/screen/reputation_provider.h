// ReputationProvider: what people and the other domains say about the caller —
// reputation.label (a nuisance kind once the evidence is strong enough, or a
// benign label such as delivery), reputation.score (0..100),
// reputation.confidence (0..1) and reputation.range (the caller's block of ten
// or hundred is heavily reported). Numbers nobody said anything about get
// reputation.range only.
//
// Memory only: one probe of the reputation table under its shared lock
// (reputation/table.h), plus the range counts.
#pragma once

#include "quell/screen/provider.h"

namespace quell::reputation {
class Reputation;
}

namespace quell::screen {

class ReputationProvider final : public SignalProvider {
 public:
  explicit ReputationProvider(const reputation::Reputation& reputation) : reputation_(reputation) {}
  std::string_view name() const override { return "reputation"; }
  void Evaluate(const CallAttempt& attempt, Signals& signals) const override;

 private:
  const reputation::Reputation& reputation_;
};

}  // namespace quell::screen
