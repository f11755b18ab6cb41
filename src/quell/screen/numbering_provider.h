// NumberingProvider: what the numbering plan says about the numbers of a call —
// caller.present / valid / type / region / international, a home-country caller
// on an international trunk (caller.domestic_via_international), numbers that
// only ever receive calls (caller.do_not_originate), callee.valid / type.
//
// The do-not-originate list (government hotlines, banks' service numbers: numbers
// that never place calls, so a call "from" one is spoofed) is a text file of
// numbers, one per line ('#' comments), reloadable while calls run.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "quell/core/number_plan.h"
#include "quell/core/status.h"
#include "quell/screen/provider.h"

namespace quell::screen {

// A sorted set of compact E.164 numbers.
using NumberSet = std::vector<uint64_t>;

// Reads a do-not-originate file: one number per line in any format people write
// (E.164, national, spaces, dashes), blank lines and '#' comments ignored. Any
// bad line fails the whole load: InvalidArgument "dno.txt:12: '...' is not ...".
Result<NumberSet> LoadNumberList(const std::string& path, std::string_view region);

class NumberingProvider final : public SignalProvider {
 public:
  NumberingProvider(const NumberPlan& plan, NumberSet do_not_originate = {});
  std::string_view name() const override { return "numbering"; }
  void Evaluate(const CallAttempt& attempt, Signals& signals) const override;
  void Prefetch(const Signals& signals) const override;

  void SetDoNotOriginate(NumberSet numbers);
  std::size_t do_not_originate_size() const;

 private:
  const NumberPlan& plan_;
  std::atomic<std::shared_ptr<const NumberSet>> dno_;
};

}  // namespace quell::screen
