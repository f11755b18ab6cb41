// SignalProvider: one stage of the screening pipeline. It reads a call attempt
// and sets the signals it knows about; the policy turns signals into a verdict.
// A provider that has nothing to say sets nothing: its signals stay absent and
// conditions on them are false.
#pragma once

#include <string_view>

#include "quell/screen/call_attempt.h"
#include "quell/screen/signals.h"

namespace quell::screen {

class SignalProvider {
 public:
  virtual ~SignalProvider() = default;
  // "numbering", "shaken", ... (as in docs/policy.md).
  virtual std::string_view name() const = 0;
  // Sets signals for `attempt`. signals.caller / signals.callee hold the compact
  // numbers already. Thread-safe: called from every screening thread at once.
  // Should not allocate (use Signals' buffers) unless it does expensive work
  // anyway (signature verification).
  virtual void Evaluate(const CallAttempt& attempt, Signals& signals) const = 0;
  // Called for every provider before any Evaluate: start loading (CPU prefetch)
  // the memory Evaluate will read for this call — a table slot, a window — so
  // that the cache misses of all providers overlap instead of adding up. Must
  // not change anything. The default does nothing.
  virtual void Prefetch(const Signals& signals) const {}
};

}  // namespace quell::screen
