// Policy: the ordered rules that turn a call's signals into one verdict.
//
// Rules come from quell.toml ([[screen.rule]] tables; docs/policy.md) or, when
// none are configured, from the built-in defaults (DefaultPolicyToml()). The
// first rule whose conditions all hold decides; no match allows the call.
//
//   [[screen.rule]]
//   name = "invalid-caller"
//   when = "caller.valid == false"            # conditions joined by "and"
//   action = "block"                          # allow | label | block | divert
//   code = 608                                # block: 403..699 (603, 607, 608 usual)
//   label = { en = "Invalid caller number", zh = "主叫号码无效" }
//
// Conditions: `signal` (true), `not signal`, or `signal OP value` with OP one of
// == != < <= > >= — checked against the signal's type when the policy loads, so a
// typo is an error naming the line, never a rule that silently never fires. A
// condition on an absent signal is false whatever its operator.
//
// Labels may name signals in braces: "Suspected marketing ({caller.category})";
// categories and nuisance kinds are shown in the label's language.
//
// A Policy is immutable once built; the pipeline swaps whole policies atomically.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "quell/core/config.h"
#include "quell/core/metrics.h"
#include "quell/core/phone_number.h"
#include "quell/core/status.h"
#include "quell/screen/signals.h"
#include "quell/screen/verdict.h"

namespace quell::screen {

enum class Op : uint8_t { kIsTrue, kIsFalse, kEq, kNe, kLt, kLe, kGt, kGe };

struct Condition {
  SignalId signal;
  Op op = Op::kIsTrue;
  double number = 0;  // kBool (0/1) and kNumber operands
  std::string text;   // kText operands
  bool Matches(const Signals& s) const;
  std::string ToString() const;  // as written canonically: "caller.valid == false"
};

struct Rule {
  std::string name;
  std::vector<Condition> when;
  Action action = Action::kAllow;
  int sip_code = 302;
  std::string label_en;
  std::string label_zh;
  std::string divert_uri;
  std::string where;                             // "quell.toml:42"
  mutable std::optional<metrics::Counter> hits;  // quell_screen_rule_hits_total{rule}
  bool Matches(const Signals& s) const;
};

class Policy {
 public:
  // The rules of `screen` (the [screen] table): its [[screen.rule]] array, or the
  // defaults when it has none. InvalidArgument naming the file, line and reason.
  static Result<std::shared_ptr<const Policy>> FromConfig(const Config& screen);
  // Parses a whole TOML document holding [[screen.rule]] tables (tests, defaults).
  static Result<std::shared_ptr<const Policy>> Parse(std::string_view toml,
                                                     std::string source = "policy");
  static std::shared_ptr<const Policy> Default();

  // The first rule that matches, or null.
  const Rule* Match(const Signals& signals) const;

  std::span<const Rule> rules() const { return rules_; }
  bool is_default() const { return is_default_; }

 private:
  std::vector<Rule> rules_;
  bool is_default_ = false;
};

// The built-in rules as TOML (what docs/policy.md shows).
std::string_view DefaultPolicyToml();

// Fills {signal} placeholders of `label` from `signals` into `out` (appends).
void ExpandLabel(std::string_view label, const Signals& signals, Lang lang, std::string& out);

}  // namespace quell::screen
