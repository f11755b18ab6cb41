// Verdict: what the pipeline decided for one call, and why.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "quell/core/vocabulary.h"
#include "quell/screen/signals.h"

namespace quell::screen {

enum class Action : uint8_t {
  kAllow,   // route the call unchanged (302 to the original target)
  kLabel,   // route it with a label for the called party
  kBlock,   // reject it with the rule's SIP code (603, 607, 608)
  kDivert,  // route it to another URI (an announcement, voicemail)
};
std::string_view Name(Action a);  // "allow", "label", "block", "divert"

class Policy;
struct Rule;

struct Verdict {
  Action action = Action::kAllow;
  int sip_code = 302;                    // 302 for allow/label/divert; the block code otherwise
  bool emergency = false;                // an emergency call (or call-back): no rule applied
  const Rule* rule = nullptr;            // the rule that decided; null: no rule matched (allow)
  std::shared_ptr<const Policy> policy;  // keeps `rule` alive
  Signals signals;                       // the evidence, every signal the providers set
  int64_t time_us = 0;
  int64_t elapsed_ns = 0;  // time spent deciding

  std::string_view rule_name() const;
  // The rule's label in `lang` with {placeholders} filled ("" when none).
  std::string Label(Lang lang) const;
  // Appends the label to `out` (no allocation once out has capacity).
  void AppendLabel(Lang lang, std::string& out) const;
  std::string_view divert_uri() const;
  // One line for logs and SIP Reason text: "rule invalid-caller: caller.valid=false".
  std::string Explain() const;
};

}  // namespace quell::screen
