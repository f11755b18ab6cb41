#include "quell/screen/verdict.h"

#include "quell/screen/policy.h"

namespace quell::screen {

std::string_view Name(Action a) {
  switch (a) {
    case Action::kLabel:
      return "label";
    case Action::kBlock:
      return "block";
    case Action::kDivert:
      return "divert";
    case Action::kAllow:
      break;
  }
  return "allow";
}

std::string_view Verdict::rule_name() const {
  if (emergency) return "emergency";
  return rule ? std::string_view(rule->name) : std::string_view();
}

void Verdict::AppendLabel(Lang lang, std::string& out) const {
  if (!rule) return;
  ExpandLabel(lang == Lang::kZh ? rule->label_zh : rule->label_en, signals, lang, out);
}

std::string Verdict::Label(Lang lang) const {
  std::string s;
  AppendLabel(lang, s);
  return s;
}

std::string_view Verdict::divert_uri() const {
  return rule ? std::string_view(rule->divert_uri) : std::string_view();
}

std::string Verdict::Explain() const {
  if (emergency) return "emergency call: never screened";
  if (!rule) return "no rule matched";
  std::string s = "rule " + rule->name + ":";
  for (const Condition& c : rule->when) {
    s += ' ';
    s += InfoOf(c.signal).name;
    s += '=';
    s += signals.Format(c.signal);
  }
  return s;
}

}  // namespace quell::screen
