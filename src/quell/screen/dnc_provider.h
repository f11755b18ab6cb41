// DncProvider: what the Do-Not-Call register says about a call — whether an
// organisation declared the calling number (caller.marketing, caller.category),
// and for marketing numbers whether the called number refuses this category at
// this hour with no exemption of that organisation (dnc.protected) and whether
// the call falls outside the statutory calling hours (dnc.outside_hours).
// Calls from numbers nobody declared get no DNC signals.
//
// Memory only: one range search and one bitmap probe under the register's
// shared lock (registry/registry.h CheckCall).
#pragma once

#include "quell/screen/provider.h"

namespace quell::registry {
class Registry;
}

namespace quell::screen {

class DncProvider final : public SignalProvider {
 public:
  explicit DncProvider(const registry::Registry& registry) : registry_(registry) {}
  std::string_view name() const override { return "dnc"; }
  void Evaluate(const CallAttempt& attempt, Signals& signals) const override;

 private:
  const registry::Registry& registry_;
};

}  // namespace quell::screen
