// /api/v1/screen: call screening over HTTP for switches that prefer it to SIP,
// and the live view of what the pipeline decides.
#include <algorithm>
#include <array>
#include <charconv>
#include <map>
#include <string>
#include <vector>

#include "quell/api/internal/json.h"
#include "quell/api/internal/routes.h"
#include "quell/core/phone_number.h"
#include "quell/screen/pipeline.h"

namespace quell::api {
namespace {

const std::vector<Role> kScreeners = {Role::kCarrier, Role::kAdmin};
const std::vector<Role> kViewers = {Role::kCarrier, Role::kAnalyst, Role::kAdmin};
constexpr std::size_t kMaxBatch = 1000;
constexpr std::size_t kMaxIdentities = 6;

Result<screen::Pipeline*> PipelineOf(const Context& ctx) {
  if (ctx.services.pipeline == nullptr) return Unavailable("call screening is not configured");
  return ctx.services.pipeline;
}

Json NumberJson(uint64_t compact, std::string_view written = {}) {
  if (compact == 0) return written.empty() ? Json(nullptr) : Json(std::string(written));
  auto n = PhoneNumber::FromCompact(compact);
  return n ? Json(n->E164()) : Json(nullptr);
}

Json SignalJson(const screen::Signals& s, screen::SignalId id) {
  const screen::SignalValue& v = s.Get(id);
  switch (screen::InfoOf(id).type) {
    case screen::SignalType::kBool:
      return v.number != 0;
    case screen::SignalType::kText:
      return std::string(v.text);
    case screen::SignalType::kNumber:
      break;
  }
  return v.number;
}

Json VerdictJson(const screen::Verdict& v) {
  Json signals = Json::object();
  for (const auto& info : screen::AllSignals()) {
    if (v.signals.Has(info.id)) signals[std::string(info.name)] = SignalJson(v.signals, info.id);
  }
  Json reasons = Json::array();
  if (v.rule != nullptr) {
    for (const screen::Condition& c : v.rule->when) {
      reasons.push_back({{"condition", c.ToString()},
                         {"signal", std::string(screen::InfoOf(c.signal).name)},
                         {"value", SignalJson(v.signals, c.signal)},
                         {"provider", std::string(screen::InfoOf(c.signal).provider)}});
    }
  }
  Json out = {{"action", std::string(screen::Name(v.action))},
              {"sip_code", v.sip_code},
              {"emergency", v.emergency},
              {"rule", v.rule_name().empty() ? Json(nullptr) : Json(std::string(v.rule_name()))},
              {"explanation", v.Explain()},
              {"reasons", std::move(reasons)},
              {"signals", std::move(signals)},
              {"caller", NumberJson(v.signals.caller)},
              {"callee", NumberJson(v.signals.callee)},
              {"elapsed_us", static_cast<double>(v.elapsed_ns) / 1000.0}};
  const std::string en = v.Label(Lang::kEn);
  if (!en.empty()) out["label"] = {{"en", en}, {"zh", v.Label(Lang::kZh)}};
  if (!v.divert_uri().empty()) out["divert_to"] = std::string(v.divert_uri());
  if (!v.signals.identity.empty()) out["identity"] = v.signals.identity;
  if (!v.signals.shaken_detail.empty()) out["shaken_detail"] = v.signals.shaken_detail;
  if (!v.signals.shaken_signer.empty()) out["shaken_signer"] = v.signals.shaken_signer;
  return out;
}

// One call of a request body; the strings stay in `storage` while it is screened.
struct CallInput {
  std::string caller, callee, call_id, trunk, customer_id;
  std::vector<std::string> identities;
  std::vector<std::string_view> identity_views;
  events::Direction direction = events::Direction::kTerminating;
  bool international_trunk = false;
};

Result<CallInput> ReadCall(const Json& j, const std::string& where) {
  if (!j.is_object()) return InvalidArgument(where + " must be an object");
  CallInput c;
  auto str = [&](std::string_view field, bool required) -> Result<std::string> {
    auto it = j.find(field);
    if (it == j.end() || it->is_null()) {
      if (required) return InvalidArgument(where + "." + std::string(field) + " is required");
      return std::string();
    }
    if (!it->is_string()) {
      return InvalidArgument(where + "." + std::string(field) + " must be a string");
    }
    return it->get<std::string>();
  };
  QUELL_ASSIGN_OR_RETURN(c.caller, str("caller", false));
  QUELL_ASSIGN_OR_RETURN(c.callee, str("callee", true));
  QUELL_ASSIGN_OR_RETURN(c.call_id, str("call_id", false));
  QUELL_ASSIGN_OR_RETURN(c.trunk, str("trunk", false));
  QUELL_ASSIGN_OR_RETURN(c.customer_id, str("customer_id", false));
  QUELL_ASSIGN_OR_RETURN(std::string direction, str("direction", false));
  if (direction == "originating") {
    c.direction = events::Direction::kOriginating;
  } else if (!direction.empty() && direction != "terminating") {
    return InvalidArgument(where + ".direction must be terminating or originating");
  }
  if (auto it = j.find("international_trunk"); it != j.end() && !it->is_null()) {
    if (!it->is_boolean())
      return InvalidArgument(where + ".international_trunk must be true or false");
    c.international_trunk = it->get<bool>();
  }
  if (auto it = j.find("identity"); it != j.end() && !it->is_null()) {
    if (it->is_string()) {
      c.identities.push_back(it->get<std::string>());
    } else if (it->is_array()) {
      for (const Json& v : *it) {
        if (!v.is_string()) return InvalidArgument(where + ".identity must hold strings");
        c.identities.push_back(v.get<std::string>());
      }
    } else {
      return InvalidArgument(where + ".identity must be a string or an array of strings");
    }
    if (c.identities.size() > kMaxIdentities) {
      return InvalidArgument(where + ".identity: at most 6 Identity headers");
    }
  }
  return c;
}

// An originating call is signed with the signing organisation's certificate:
// a caller that asks for it must be that organisation (or an admin), or any
// carrier's key could have Quell attest its calls.
Status CheckMaySign(const Context& ctx, const CallInput& c) {
  if (c.direction != events::Direction::kOriginating || !ctx.services.screen_signing_org) {
    return Status::Ok();
  }
  if (ctx.principal && (ctx.principal->role == Role::kAdmin ||
                        ctx.principal->org_id == ctx.services.screen_signing_org)) {
    return Status::Ok();
  }
  return PermissionDenied(
      "originating calls are signed for the carrier that runs this screening service; this key "
      "belongs to another organisation (send terminating calls)");
}

void ScreenOne(screen::Pipeline& p, CallInput& c, screen::Verdict& v) {
  c.identity_views.assign(c.identities.begin(), c.identities.end());
  screen::CallAttempt a;
  a.direction = c.direction;
  a.caller = c.caller;
  a.callee = c.callee;
  a.identities = c.identity_views;
  a.call_id = c.call_id;
  a.trunk = c.trunk;
  a.international_trunk = c.international_trunk;
  a.customer_id = c.customer_id;
  p.Screen(a, v);
}

Status Screen(Context& ctx) {
  QUELL_ASSIGN_OR_RETURN(screen::Pipeline * p, PipelineOf(ctx));
  QUELL_ASSIGN_OR_RETURN(Json body, ParseJsonBody(ctx));
  screen::Verdict v;
  if (auto calls = body.find("calls"); calls != body.end()) {
    if (!calls->is_array() || calls->empty()) {
      return InvalidArgument("calls must be a non-empty array");
    }
    if (calls->size() > kMaxBatch) {
      return InvalidArgument("calls: at most " + std::to_string(kMaxBatch) + " per request");
    }
    // Every call is checked before any is screened: a bad batch changes nothing.
    std::vector<CallInput> inputs;
    inputs.reserve(calls->size());
    for (std::size_t i = 0; i < calls->size(); ++i) {
      QUELL_ASSIGN_OR_RETURN(CallInput c,
                             ReadCall((*calls)[i], "calls[" + std::to_string(i) + "]"));
      QUELL_RETURN_IF_ERROR(CheckMaySign(ctx, c));
      inputs.push_back(std::move(c));
    }
    Json verdicts = Json::array();
    for (CallInput& c : inputs) {
      ScreenOne(*p, c, v);
      verdicts.push_back(VerdictJson(v));
    }
    WriteJson(ctx, 200, {{"verdicts", std::move(verdicts)}});
    return Status::Ok();
  }
  QUELL_ASSIGN_OR_RETURN(CallInput c, ReadCall(body, "call"));
  QUELL_RETURN_IF_ERROR(CheckMaySign(ctx, c));
  ScreenOne(*p, c, v);
  WriteJson(ctx, 200, VerdictJson(v));
  return Status::Ok();
}

Result<int64_t> IntParam(const Context& ctx, std::string_view name, int64_t def, int64_t min,
                         int64_t max) {
  const std::string text = ctx.req.QueryParam(name);
  if (text.empty()) return def;
  int64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v < min || v > max) {
    return InvalidArgument(std::string(name) + " must be an integer from " + std::to_string(min) +
                           " to " + std::to_string(max));
  }
  return v;
}

Status Recent(Context& ctx) {
  QUELL_ASSIGN_OR_RETURN(screen::Pipeline * p, PipelineOf(ctx));
  QUELL_ASSIGN_OR_RETURN(int64_t limit, IntParam(ctx, "limit", 100, 1, 1000));
  uint64_t number = 0;
  if (const std::string n = ctx.req.QueryParam("number"); !n.empty()) {
    number = p->plan().ToCompact(n);
    if (number == 0) return InvalidArgument("number: '" + n + "' is not a phone number");
    ctx.audit_target = "number:" + std::to_string(number);
  }
  std::optional<screen::Action> action;
  if (const std::string a = ctx.req.QueryParam("action"); !a.empty()) {
    for (auto x : {screen::Action::kAllow, screen::Action::kLabel, screen::Action::kBlock,
                   screen::Action::kDivert}) {
      if (screen::Name(x) == a) action = x;
    }
    if (!action) return InvalidArgument("action must be allow, label, block or divert");
  }
  Json list = Json::array();
  for (const screen::RecentVerdict& r :
       p->Recent(static_cast<std::size_t>(limit), number, action)) {
    list.push_back(
        {{"time", TimeJson(TimePoint(std::chrono::microseconds(r.time_us)))},
         {"caller", NumberJson(r.caller, r.caller_text)},
         {"callee", NumberJson(r.callee)},
         {"direction", std::string(events::Name(r.direction))},
         {"action", std::string(screen::Name(r.action))},
         {"sip_code", r.sip_code},
         {"emergency", r.emergency},
         {"rule", r.rule.empty() ? Json(nullptr) : Json(r.rule)},
         {"explanation", r.explain},
         {"verstat", events::Name(r.verstat).empty() ? Json(nullptr)
                                                     : Json(std::string(events::Name(r.verstat)))},
         {"elapsed_us", static_cast<double>(r.elapsed_ns) / 1000.0}});
  }
  WriteJson(ctx, 200, {{"verdicts", std::move(list)}});
  return Status::Ok();
}

Status Activity(Context& ctx) {
  QUELL_ASSIGN_OR_RETURN(screen::Pipeline * p, PipelineOf(ctx));
  QUELL_ASSIGN_OR_RETURN(int64_t seconds, IntParam(ctx, "seconds", 60, 1, 300));
  Json series = Json::array();
  std::array<uint64_t, 4> totals{};
  for (const screen::ActivitySecond& s : p->Activity(static_cast<int>(seconds))) {
    Json counts = Json::object();
    for (int a = 0; a < 4; ++a) {
      counts[std::string(screen::Name(static_cast<screen::Action>(a)))] = s.by_action[a];
      totals[a] += s.by_action[a];
    }
    series.push_back({{"second", s.second}, {"calls", std::move(counts)}});
  }
  // Top reasons over the recent log.
  std::map<std::string, uint64_t> by_rule;
  for (const auto& r : p->Recent(4096)) {
    if (!r.rule.empty()) ++by_rule[r.rule];
  }
  std::vector<std::pair<std::string, uint64_t>> top(by_rule.begin(), by_rule.end());
  std::sort(top.begin(), top.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  Json reasons = Json::array();
  for (std::size_t i = 0; i < top.size() && i < 10; ++i) {
    reasons.push_back({{"rule", top[i].first}, {"calls", top[i].second}});
  }
  Json total = Json::object();
  for (int a = 0; a < 4; ++a) {
    total[std::string(screen::Name(static_cast<screen::Action>(a)))] = totals[a];
  }
  WriteJson(ctx, 200,
            {{"seconds", std::move(series)},
             {"totals", std::move(total)},
             {"top_rules", std::move(reasons)}});
  return Status::Ok();
}

Status GetPolicy(Context& ctx) {
  QUELL_ASSIGN_OR_RETURN(screen::Pipeline * p, PipelineOf(ctx));
  const auto policy = p->policy();
  Json rules = Json::array();
  for (const screen::Rule& r : policy->rules()) {
    Json when = Json::array();
    for (const auto& c : r.when) when.push_back(c.ToString());
    Json rule = {{"name", r.name},
                 {"when", std::move(when)},
                 {"action", std::string(screen::Name(r.action))},
                 {"sip_code", r.sip_code},
                 {"label", {{"en", r.label_en}, {"zh", r.label_zh}}},
                 {"hits", r.hits ? r.hits->Value() : 0.0}};
    if (!r.divert_uri.empty()) rule["divert_to"] = r.divert_uri;
    rules.push_back(std::move(rule));
  }
  Json signals = Json::array();
  for (const auto& s : screen::AllSignals()) {
    static constexpr std::string_view kTypes[] = {"bool", "number", "text"};
    signals.push_back({{"name", std::string(s.name)},
                       {"type", std::string(kTypes[static_cast<int>(s.type)])},
                       {"provider", std::string(s.provider)},
                       {"help", std::string(s.help)}});
  }
  Json providers = Json::array();
  for (auto n : p->provider_names()) providers.push_back(std::string(n));
  WriteJson(ctx, 200,
            {{"default", policy->is_default()},
             {"rules", std::move(rules)},
             {"providers", std::move(providers)},
             {"signals", std::move(signals)}});
  return Status::Ok();
}

Status ReloadPolicy(Context& ctx) {
  QUELL_ASSIGN_OR_RETURN(screen::Pipeline * p, PipelineOf(ctx));
  if (!ctx.services.reload_screen_policy) {
    return FailedPrecondition("this server was not started from a configuration file");
  }
  QUELL_RETURN_IF_ERROR(ctx.services.reload_screen_policy());
  ctx.audit_target = "screen_policy";
  ctx.audit_detail = std::to_string(p->policy()->rules().size()) + " rules";
  WriteJson(ctx, 200,
            {{"rules", p->policy()->rules().size()}, {"default", p->policy()->is_default()}});
  return Status::Ok();
}

}  // namespace

void RegisterScreenRoutes(RouteTable& table) {
  table.Add({.method = "POST",
             .pattern = "/api/v1/screen",
             .roles = kScreeners,
             .machine = true,
             .handler = Screen});
  table.Add({.method = "GET",
             .pattern = "/api/v1/screen/recent",
             .roles = kViewers,
             .audit_action = "screen.recent.view",
             .audit_view = true,
             .handler = Recent});
  table.Add({.method = "GET",
             .pattern = "/api/v1/screen/activity",
             .roles = kViewers,
             .handler = Activity});
  table.Add({.method = "GET",
             .pattern = "/api/v1/screen/policy",
             .roles = kViewers,
             .handler = GetPolicy});
  table.Add({.method = "POST",
             .pattern = "/api/v1/screen/policy/reload",
             .roles = {Role::kAdmin},
             .audit_action = "screen.policy.reload",
             .handler = ReloadPolicy});
}

}  // namespace quell::api
