// SanctionsProvider: sanction.listed — the calling number is covered (itself or
// its range) by a number_block or joint_punishment sanction in force at the
// call's time (enforce/sanctions.h). A marketing_suspension does not set it: it
// forbids marketing, not every call, and reaches the policy through reputation
// (its evidence labels the numbers marketing) and the Do-Not-Call rules; a
// warning has no effect on calls. Set (true or false) for every call with a
// calling number, so `not sanction.listed` holds for the rest.
//
// Memory only: one probe of the sanctions index under its shared lock per
// range length in use, no allocation.
#pragma once

#include "quell/screen/provider.h"

namespace quell::enforce {
class Sanctions;
}

namespace quell::screen {

class SanctionsProvider final : public SignalProvider {
 public:
  // `sanctions` must outlive the provider.
  explicit SanctionsProvider(const enforce::Sanctions& sanctions) : sanctions_(sanctions) {}
  std::string_view name() const override { return "sanctions"; }
  void Evaluate(const CallAttempt& attempt, Signals& signals) const override;

 private:
  const enforce::Sanctions& sanctions_;
};

}  // namespace quell::screen
