#include "quell/screen/dnc_provider.h"

#include "quell/registry/registry.h"

namespace quell::screen {

void DncProvider::Evaluate(const CallAttempt& attempt, Signals& s) const {
  if (s.caller == 0) return;
  const TimePoint at{std::chrono::microseconds(s.time_us)};
  const registry::CallCheck check = registry_.CheckCall(s.caller, s.callee, at);
  if (!check.caller.declared) return;
  const bool marketing = check.caller.purpose == registry::Purpose::kMarketing;
  s.SetBool(SignalId::kCallerMarketing, marketing);
  s.SetText(SignalId::kCallerCategory, Name(check.caller.primary_category()));
  if (!marketing) return;
  s.SetBool(SignalId::kDncProtected, check.protected_callee);
  s.SetBool(SignalId::kDncOutsideHours, check.outside_hours);
}

}  // namespace quell::screen
