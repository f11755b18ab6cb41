#include "quell/screen/policy.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>

namespace quell::screen {
namespace {

constexpr std::string_view kDefaultPolicy = R"toml(
# Block what cannot be a genuine caller.
[[screen.rule]]
name = "invalid-caller"
when = "caller.present and caller.valid == false"
action = "block"
code = 608
label = { en = "Invalid caller number", zh = "主叫号码无效" }

[[screen.rule]]
name = "do-not-originate"
when = "call.direction == terminating and caller.do_not_originate"
action = "block"
code = 608
label = { en = "Spoofed service number", zh = "仿冒只收不呼号码" }

[[screen.rule]]
name = "domestic-via-international"
when = "caller.domestic_via_international"
action = "block"
code = 608
label = { en = "Domestic number on an international trunk", zh = "境外来电显示境内号码" }

# Block who must not call: sanctions, confirmed attacks, Do-Not-Call.
[[screen.rule]]
name = "sanctioned"
when = "sanction.listed"
action = "block"
code = 603
label = { en = "Caller under sanction", zh = "主叫处于联合惩戒期" }

[[screen.rule]]
name = "call-bombing"
when = "behaviour.bombing_caller"
action = "block"
code = 608
label = { en = "Call bombing", zh = "呼死你攻击" }

[[screen.rule]]
name = "one-ring"
when = "call.direction == terminating and behaviour.finding == one_ring"
action = "block"
code = 608
label = { en = "One-ring scam", zh = "响一声诈骗" }

[[screen.rule]]
name = "fraud"
when = "reputation.label == fraud and reputation.score >= 90"
action = "block"
code = 608
label = { en = "Reported fraud", zh = "被举报诈骗" }

[[screen.rule]]
name = "do-not-call"
when = "dnc.protected"
action = "block"
code = 608
label = { en = "Marketing to a Do-Not-Call number", zh = "向谢绝来电号码营销" }

[[screen.rule]]
name = "marketing-outside-hours"
when = "dnc.outside_hours"
action = "block"
code = 608
label = { en = "Marketing outside the permitted calling hours", zh = "在允许时段外营销" }

# Warn the subscriber who calls back a one-ring number.
[[screen.rule]]
name = "wangiri-call-back"
when = "call.direction == originating and callee.one_ring_source"
action = "label"
label = { en = "Warning: this number rang many phones once; likely a scam", zh = "警告：该号码刚向大量用户响一声，疑似诈骗" }

# Label what the called party should know.
[[screen.rule]]
name = "verification-failed"
when = "shaken.verstat == failed"
action = "label"
label = { en = "Caller ID not verified", zh = "主叫号码验证失败" }

[[screen.rule]]
name = "declared-marketing"
when = "caller.marketing and caller.category"
action = "label"
label = { en = "Marketing: {caller.category}", zh = "营销：{caller.category}" }

[[screen.rule]]
name = "suspected-marketing"
when = "behaviour.finding == marketing"
action = "label"
label = { en = "Suspected marketing", zh = "疑似营销" }

[[screen.rule]]
name = "reported-nuisance"
when = "reputation.score >= 60 and reputation.label"
action = "label"
label = { en = "Reported: {reputation.label}", zh = "被标记：{reputation.label}" }
)toml";

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string_view OpText(Op op) {
  switch (op) {
    case Op::kEq:
      return "==";
    case Op::kNe:
      return "!=";
    case Op::kLt:
      return "<";
    case Op::kLe:
      return "<=";
    case Op::kGt:
      return ">";
    case Op::kGe:
      return ">=";
    default:
      return "";
  }
}

// The values a text signal can take, where the vocabulary is closed.
std::optional<std::vector<std::string_view>> TextDomain(SignalId id) {
  switch (id) {
    case SignalId::kCallDirection:
      return std::vector<std::string_view>{"terminating", "originating"};
    case SignalId::kShakenVerstat:
      return std::vector<std::string_view>{"passed", "failed", "no_validation"};
    case SignalId::kShakenAttest:
    case SignalId::kShakenSigned:
      return std::vector<std::string_view>{"A", "B", "C"};
    case SignalId::kCallerType:
    case SignalId::kCalleeType: {
      std::vector<std::string_view> v;
      for (int t = 0; t <= static_cast<int>(NumberType::kUnknown); ++t) {
        v.push_back(NumberTypeName(static_cast<NumberType>(t)));
      }
      return v;
    }
    case SignalId::kCallerCategory: {
      std::vector<std::string_view> v;
      for (const Term& t : Categories()) v.push_back(t.name);
      return v;
    }
    case SignalId::kReputationLabel:
    case SignalId::kBehaviourFinding: {
      std::vector<std::string_view> v;
      for (const Term& t : NuisanceKinds()) v.push_back(t.name);
      return v;
    }
    default:
      return std::nullopt;
  }
}

std::string Join(const std::vector<std::string_view>& v) {
  std::string s;
  for (auto x : v) {
    if (!s.empty()) s += ", ";
    s += x;
  }
  return s;
}

Result<Condition> ParseCondition(std::string_view text) {
  text = Trim(text);
  Condition c;
  bool negated = false;
  if (text.starts_with("not ")) {
    negated = true;
    text = Trim(text.substr(4));
  }
  static constexpr std::pair<std::string_view, Op> kOps[] = {{"==", Op::kEq}, {"!=", Op::kNe},
                                                             {"<=", Op::kLe}, {">=", Op::kGe},
                                                             {"<", Op::kLt},  {">", Op::kGt}};
  std::size_t op_pos = std::string_view::npos;
  Op op = Op::kIsTrue;
  std::size_t op_len = 0;
  for (const auto& [sym, o] : kOps) {
    const auto p = text.find(sym);
    if (p != std::string_view::npos && p < op_pos) {
      op_pos = p;
      op = o;
      op_len = sym.size();
    }
  }
  const std::string_view name = Trim(text.substr(0, op_pos));
  const auto id = ParseSignal(name);
  if (!id) return InvalidArgument("unknown signal '" + std::string(name) + "'");
  c.signal = *id;
  const SignalInfo& info = InfoOf(*id);
  if (op_pos == std::string_view::npos) {
    if (info.type == SignalType::kNumber) {
      return InvalidArgument("'" + std::string(name) + "' is a number: compare it (e.g. " +
                             std::string(name) + " >= 80)");
    }
    c.op = negated ? Op::kIsFalse : Op::kIsTrue;
    return c;
  }
  if (negated) return InvalidArgument("'not' applies to a bare signal, not to a comparison");
  c.op = op;
  std::string_view value = Trim(text.substr(op_pos + op_len));
  if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
    value = value.substr(1, value.size() - 2);
  }
  if (value.empty()) return InvalidArgument("missing value after " + std::string(OpText(op)));
  switch (info.type) {
    case SignalType::kBool:
      if (op != Op::kEq && op != Op::kNe) {
        return InvalidArgument("'" + std::string(name) + "' is true or false: use == or !=");
      }
      if (value != "true" && value != "false") {
        return InvalidArgument("'" + std::string(name) + "' is true or false, not '" +
                               std::string(value) + "'");
      }
      c.number = value == "true" ? 1 : 0;
      break;
    case SignalType::kNumber: {
      double d = 0;
      const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), d);
      if (ec != std::errc() || end != value.data() + value.size() || !std::isfinite(d)) {
        return InvalidArgument("'" + std::string(name) + "' is a number, not '" +
                               std::string(value) + "'");
      }
      c.number = d;
      break;
    }
    case SignalType::kText: {
      if (op != Op::kEq && op != Op::kNe) {
        return InvalidArgument("'" + std::string(name) + "' is a text: use == or !=");
      }
      if (const auto domain = TextDomain(*id)) {
        bool known = false;
        for (auto v : *domain) known = known || v == value;
        if (!known) {
          return InvalidArgument("'" + std::string(value) + "' is not a value of '" +
                                 std::string(name) + "' (one of: " + Join(*domain) + ")");
        }
      }
      c.text = std::string(value);
      break;
    }
  }
  return c;
}

Status CheckLabel(std::string_view label) {
  std::size_t pos = 0;
  while ((pos = label.find('{', pos)) != std::string_view::npos) {
    const auto end = label.find('}', pos);
    if (end == std::string_view::npos) return InvalidArgument("unclosed '{' in label");
    const auto name = label.substr(pos + 1, end - pos - 1);
    if (!ParseSignal(name)) {
      return InvalidArgument("label names unknown signal '{" + std::string(name) + "}'");
    }
    pos = end + 1;
  }
  for (char c : label) {
    if (c == '\r' || c == '\n') return InvalidArgument("label contains a line break");
  }
  return Status::Ok();
}

Result<Rule> ParseRule(const Config& t, std::set<std::string>& names) {
  QUELL_RETURN_IF_ERROR(
      t.CheckKnownKeys({"name", "when", "action", "code", "label.en", "label.zh", "divert_to"}));
  Rule r;
  r.where = t.Where("name");
  QUELL_ASSIGN_OR_RETURN(r.name, t.GetString("name", ""));
  auto fail = [&](std::string_view key, std::string why) -> Status {
    return InvalidArgument(t.Where(key) + ": rule '" + r.name + "': " + why);
  };
  if (r.name.empty()) return InvalidArgument(t.Where("name") + ": every rule needs a name");
  for (char c : r.name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!ok) return fail("name", "names use a-z, 0-9, '-' and '_' only");
  }
  if (!names.insert(r.name).second) return fail("name", "a rule of that name exists already");
  QUELL_ASSIGN_OR_RETURN(std::string when, t.GetString("when", ""));
  if (Trim(when).empty()) return fail("when", "'when' must name at least one condition");
  std::string_view rest = when;
  while (true) {
    const auto p = rest.find(" and ");
    auto cond = ParseCondition(rest.substr(0, p));
    if (!cond) return fail("when", cond.status().message());
    r.when.push_back(std::move(*cond));
    if (p == std::string_view::npos) break;
    rest = rest.substr(p + 5);
  }
  QUELL_ASSIGN_OR_RETURN(std::string action, t.GetString("action", ""));
  if (action == "allow") {
    r.action = Action::kAllow;
  } else if (action == "label") {
    r.action = Action::kLabel;
  } else if (action == "block") {
    r.action = Action::kBlock;
  } else if (action == "divert") {
    r.action = Action::kDivert;
  } else {
    return fail("action", "action must be allow, label, block or divert, not '" + action + "'");
  }
  QUELL_ASSIGN_OR_RETURN(int64_t code, t.GetInt("code", r.action == Action::kBlock ? 608 : 302));
  // Codes a refusal may use without headers of its own; 503 would make proxies
  // fail open (route the call), 401/407/420/423 need headers Quell does not send.
  static constexpr int kBlockCodes[] = {403, 480, 486, 600, 603, 604, 606, 607, 608};
  if (r.action == Action::kBlock &&
      std::find(std::begin(kBlockCodes), std::end(kBlockCodes), code) == std::end(kBlockCodes)) {
    return fail("code",
                "a block answers 403, 480, 486, 600, 603, 604, 606, 607 or 608 (603 Decline, "
                "607 Unwanted, 608 Rejected)");
  }
  if (r.action != Action::kBlock && t.Has("code") && code != 302) {
    return fail("code", "only a block takes a code (the others answer 302)");
  }
  r.sip_code = static_cast<int>(code);
  QUELL_ASSIGN_OR_RETURN(r.label_en, t.GetString("label.en", ""));
  QUELL_ASSIGN_OR_RETURN(r.label_zh, t.GetString("label.zh", ""));
  if (r.label_zh.empty()) r.label_zh = r.label_en;
  if (auto s = CheckLabel(r.label_en); !s.ok()) return fail("label.en", s.message());
  if (auto s = CheckLabel(r.label_zh); !s.ok()) return fail("label.zh", s.message());
  if (r.action == Action::kLabel && r.label_en.empty()) {
    return fail("action", "a label rule needs label.en");
  }
  QUELL_ASSIGN_OR_RETURN(r.divert_uri, t.GetString("divert_to", ""));
  if (r.action == Action::kDivert) {
    const std::string_view u = r.divert_uri;
    if (!(u.starts_with("sip:") || u.starts_with("sips:") || u.starts_with("tel:"))) {
      return fail("divert_to", "a divert rule needs divert_to, a sip:, sips: or tel: URI");
    }
    for (char c : u) {
      // A bare URI: printable ASCII (anything else must be %-escaped), no
      // brackets or quotes that would break the Contact header it goes into.
      if (c <= ' ' || c >= 0x7f || c == '<' || c == '>' || c == '"') {
        return fail("divert_to",
                    "divert_to must be a bare URI (printable ASCII, no <>\" or spaces)");
      }
    }
  } else if (!r.divert_uri.empty()) {
    return fail("divert_to", "only a divert rule takes divert_to");
  }
  r.hits = metrics::GetCounter("quell_screen_rule_hits_total", "Calls decided by each policy rule",
                               {{"rule", r.name}});
  return r;
}

}  // namespace

bool Condition::Matches(const Signals& s) const {
  const SignalValue& v = s.Get(signal);
  if (!v.present) return false;
  const bool is_text = InfoOf(signal).type == SignalType::kText;
  switch (op) {
    case Op::kIsTrue:
      return is_text ? !v.text.empty() : v.number != 0;
    case Op::kIsFalse:
      return is_text ? v.text.empty() : v.number == 0;
    case Op::kEq:
      return is_text ? v.text == text : v.number == number;
    case Op::kNe:
      return is_text ? v.text != text : v.number != number;
    case Op::kLt:
      return v.number < number;
    case Op::kLe:
      return v.number <= number;
    case Op::kGt:
      return v.number > number;
    case Op::kGe:
      return v.number >= number;
  }
  return false;
}

std::string Condition::ToString() const {
  const std::string name(InfoOf(signal).name);
  if (op == Op::kIsTrue) return name;
  if (op == Op::kIsFalse) return "not " + name;
  std::string value;
  switch (InfoOf(signal).type) {
    case SignalType::kBool:
      value = number != 0 ? "true" : "false";
      break;
    case SignalType::kText:
      value = text;
      break;
    case SignalType::kNumber: {
      Signals tmp;
      tmp.SetNumber(signal, number);
      value = tmp.Format(signal);
      break;
    }
  }
  return name + " " + std::string(OpText(op)) + " " + value;
}

bool Rule::Matches(const Signals& s) const {
  for (const Condition& c : when) {
    if (!c.Matches(s)) return false;
  }
  return true;
}

Result<std::shared_ptr<const Policy>> Policy::FromConfig(const Config& screen) {
  QUELL_ASSIGN_OR_RETURN(auto tables, screen.GetTableArray("rule"));
  if (tables.empty()) return Default();
  auto policy = std::make_shared<Policy>();
  std::set<std::string> names;
  for (const Config& t : tables) {
    QUELL_ASSIGN_OR_RETURN(Rule r, ParseRule(t, names));
    policy->rules_.push_back(std::move(r));
  }
  return std::shared_ptr<const Policy>(std::move(policy));
}

Result<std::shared_ptr<const Policy>> Policy::Parse(std::string_view toml, std::string source) {
  QUELL_ASSIGN_OR_RETURN(Config config, Config::Parse(toml, std::move(source)));
  QUELL_ASSIGN_OR_RETURN(Config screen, config.GetTable("screen"));
  return FromConfig(screen);
}

std::shared_ptr<const Policy> Policy::Default() {
  static const std::shared_ptr<const Policy> policy = [] {
    auto config = Config::Parse(kDefaultPolicy, "default policy");
    auto screen = config->GetTable("screen");
    auto tables = screen->GetTableArray("rule");
    auto p = std::make_shared<Policy>();
    std::set<std::string> names;
    for (const Config& t : *tables) {
      auto r = ParseRule(t, names);
      if (!r) std::abort();  // the built-in policy is tested
      p->rules_.push_back(std::move(*r));
    }
    p->is_default_ = true;
    return std::shared_ptr<const Policy>(std::move(p));
  }();
  return policy;
}

const Rule* Policy::Match(const Signals& signals) const {
  for (const Rule& r : rules_) {
    if (r.Matches(signals)) return &r;
  }
  return nullptr;
}

std::string_view DefaultPolicyToml() { return kDefaultPolicy; }

void ExpandLabel(std::string_view label, const Signals& signals, Lang lang, std::string& out) {
  std::size_t pos = 0;
  while (pos < label.size()) {
    const auto open = label.find('{', pos);
    if (open == std::string_view::npos) {
      out.append(label.substr(pos));
      return;
    }
    out.append(label.substr(pos, open - pos));
    const auto close = label.find('}', open);
    if (close == std::string_view::npos) {
      out.append(label.substr(open));
      return;
    }
    const auto id = ParseSignal(label.substr(open + 1, close - open - 1));
    if (id && signals.Has(*id)) {
      const SignalValue& v = signals.Get(*id);
      if (*id == SignalId::kCallerCategory) {
        if (auto c = ParseCategory(v.text)) {
          out.append(TermOf(*c).Label(lang));
        } else {
          out.append(v.text);
        }
      } else if (*id == SignalId::kReputationLabel || *id == SignalId::kBehaviourFinding) {
        if (auto k = ParseNuisanceKind(v.text)) {
          out.append(TermOf(*k).Label(lang));
        } else {
          out.append(v.text);
        }
      } else {
        signals.AppendFormat(*id, out);
      }
    }
    pos = close + 1;
  }
}

}  // namespace quell::screen
