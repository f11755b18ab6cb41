#include "quell/screen/sanctions_provider.h"

#include <chrono>

#include "quell/enforce/sanctions.h"

namespace quell::screen {

void SanctionsProvider::Evaluate(const CallAttempt& attempt, Signals& s) const {
  if (s.caller == 0) return;
  const TimePoint at{std::chrono::duration_cast<Duration>(std::chrono::microseconds(s.time_us))};
  s.SetBool(SignalId::kSanctionListed, sanctions_.IsListed(s.caller, at));
}

}  // namespace quell::screen
