// Sanctions (docs/sanctions.md): the regulator's measures against organisations
// and their numbers, the check carriers run before granting numbers or trunks,
// and the public list.
//
//   POST /api/v1/sanctions                analysts: impose one (recorded in the ledger)
//   GET  /api/v1/sanctions                analysts: list, with filters and paging
//   GET  /api/v1/sanctions/{id}           analysts
//   POST /api/v1/sanctions/{id}/lift      analysts: {"reason"}
//   GET  /api/v1/sanctions/check          carriers, analysts: ?credit_code= | name= | number=
//   GET  /api/v1/sanctions/public         anyone: public sanctions, without personal data
#include <algorithm>

#include "quell/api/internal/json.h"
#include "quell/core/number_plan.h"
#include "quell/core/phone_number.h"
#include "quell/enforce/sanctions.h"
#include "quell/registry/list_reader.h"
#include "quell/registry/registry.h"

namespace quell::api {
namespace {

const std::vector<Role> kAnalysts = {Role::kAnalyst, Role::kAdmin};
const std::vector<Role> kCheckers = {Role::kCarrier, Role::kAnalyst, Role::kAdmin};
constexpr int64_t kDayMs = 24 * 3600 * 1000;

Result<enforce::Sanctions*> SanctionsOf(const Context& ctx) {
  if (ctx.services.sanctions == nullptr) return Unavailable("sanctions are not available");
  return ctx.services.sanctions;
}

Result<uint64_t> NumberOf(const Context& ctx, std::string_view field, std::string_view text) {
  const uint64_t n = ctx.services.plan != nullptr ? ctx.services.plan->ToCompact(text) : 0;
  if (n == 0) {
    return InvalidArgument(std::string(field) + ": '" + std::string(text.substr(0, 40)) +
                           "' is not a phone number");
  }
  return n;
}

// A range as E.164 digits: "+86 21 6123 4" -> 862161234.
Result<uint64_t> RangeOf(std::string_view text) {
  uint64_t v = 0;
  int digits = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+' && i == 0) continue;
    if (c == ' ' || c == '-') continue;
    if (c < '0' || c > '9' || digits >= 15) {
      return InvalidArgument("ranges: '" + std::string(text.substr(0, 40)) +
                             "' is not an E.164 prefix (\"+86216123\")");
    }
    v = v * 10 + static_cast<uint64_t>(c - '0');
    ++digits;
  }
  if (digits == 0 || text.empty() || (text[0] != '+')) {
    return InvalidArgument("ranges: '" + std::string(text.substr(0, 40)) +
                           "' must start with + and the country code (\"+86216123\")");
  }
  return v;
}

int DateOffset(const Context& ctx) {
  return ctx.services.registry != nullptr ? ctx.services.registry->options().utc_offset_minutes : 0;
}

// RFC 3339, or a bare date (local midnight at the register's offset; as an end,
// the end of that day).
Result<std::optional<TimePoint>> OptionalTime(const Context& ctx, const Json& body,
                                              std::string_view field, bool end) {
  QUELL_ASSIGN_OR_RETURN(std::string text, OptionalString(body, field));
  if (text.empty()) return std::optional<TimePoint>();
  auto t = registry::ParseDateOrTime(text, DateOffset(ctx));
  if (!t) return InvalidArgument(std::string(field) + ": " + t.error().message());
  TimePoint at = *t;
  if (end && text.size() == 10) at += std::chrono::milliseconds(kDayMs);
  return std::optional<TimePoint>(at);
}

Json NumberJson(uint64_t number) {
  auto n = PhoneNumber::FromCompact(number);
  return {{"number", n ? n->E164() : "+" + std::to_string(number)},
          {"national", n ? n->National() : ""}};
}

Json TermJson(const Term& t) { return {{"en", t.en}, {"zh", t.zh}}; }

// The full view, for analysts; carriers get it without who imposed or lifted it.
Json SanctionJson(const enforce::Sanction& s, TimePoint now, bool staff) {
  Json numbers = Json::array();
  for (uint64_t n : s.numbers) numbers.push_back(NumberJson(n));
  Json ranges = Json::array();
  for (uint64_t r : s.ranges) ranges.push_back("+" + std::to_string(r));
  Json out = {{"id", s.id},
              {"measure", std::string(enforce::Name(s.measure))},
              {"measure_text", TermJson(enforce::TermOf(s.measure))},
              {"blocks_calls", enforce::BlocksCalls(s.measure)},
              {"kind", std::string(Name(s.kind))},
              {"state", std::string(enforce::Name(s.StateAt(now)))},
              {"entity",
               {{"name", s.entity_name},
                {"credit_code", s.credit_code.empty() ? Json(nullptr) : Json(s.credit_code)},
                {"org_id", s.org_id == 0 ? Json(nullptr) : Json(s.org_id)}}},
              {"numbers", std::move(numbers)},
              {"ranges", std::move(ranges)},
              {"start", TimeJson(s.start)},
              {"end", s.end ? TimeJson(*s.end) : Json(nullptr)},
              {"legal_basis", s.legal_basis},
              {"public", s.is_public},
              {"reason", s.reason},
              {"created_at", TimeJson(s.created_at)},
              {"ledger_seq", s.ledger_seq == 0 ? Json(nullptr) : Json(s.ledger_seq)}};
  if (staff) out["created_by"] = s.created_by;
  if (s.lifted_at) {
    Json lift = {{"at", TimeJson(*s.lifted_at)},
                 {"reason", s.lift_reason},
                 {"ledger_seq", s.lift_ledger_seq == 0 ? Json(nullptr) : Json(s.lift_ledger_seq)}};
    if (staff) lift["by"] = s.lifted_by;
    out["lift"] = std::move(lift);
  } else {
    out["lift"] = nullptr;
  }
  return out;
}

// What the public sees: the entity, the measure, its dates and basis — no
// numbers (they may be a person's), no reasons, no names of staff.
Json PublicJson(const enforce::Sanction& s, TimePoint now) {
  return {{"id", s.id},
          {"measure", std::string(enforce::Name(s.measure))},
          {"measure_text", TermJson(enforce::TermOf(s.measure))},
          {"state", std::string(enforce::Name(s.StateAt(now)))},
          {"entity",
           {{"name", s.entity_name},
            {"credit_code", s.credit_code.empty() ? Json(nullptr) : Json(s.credit_code)}}},
          {"number_count", s.numbers.size()},
          {"start", TimeJson(s.start)},
          {"end", s.end ? TimeJson(*s.end) : Json(nullptr)},
          {"legal_basis", s.legal_basis},
          {"lifted_at", s.lifted_at ? TimeJson(*s.lifted_at) : Json(nullptr)}};
}

Status CreateSanction(Context& ctx) {
  QUELL_ASSIGN_OR_RETURN(enforce::Sanctions * sanctions, SanctionsOf(ctx));
  QUELL_ASSIGN_OR_RETURN(Json body, ParseJsonBody(ctx));
  enforce::NewSanction in;
  QUELL_ASSIGN_OR_RETURN(std::string measure, RequireString(body, "measure"));
  auto m = enforce::ParseMeasure(measure);
  if (!m) {
    return InvalidArgument("measure: '" + measure.substr(0, 40) +
                           "' is not one of warning, marketing_suspension, number_block, "
                           "joint_punishment");
  }
  in.measure = *m;
  QUELL_ASSIGN_OR_RETURN(std::string kind, OptionalString(body, "kind"));
  if (!kind.empty()) {
    in.kind = ParseNuisanceKind(kind);
    if (!in.kind)
      return InvalidArgument("kind: '" + kind.substr(0, 40) + "' is not a nuisance kind");
  }
  QUELL_ASSIGN_OR_RETURN(in.entity_name, RequireString(body, "entity_name"));
  QUELL_ASSIGN_OR_RETURN(in.credit_code, OptionalString(body, "credit_code"));
  if (body.contains("org_id") && !body["org_id"].is_null()) {
    if (!body["org_id"].is_number_integer() || body["org_id"].get<int64_t>() <= 0) {
      return InvalidArgument("org_id: an organisation id");
    }
    in.org_id = body["org_id"].get<int64_t>();
  }
  for (std::string_view field : {"numbers", "ranges"}) {
    if (!body.contains(field)) continue;
    const Json& list = body[std::string(field)];
    if (!list.is_array()) return InvalidArgument(std::string(field) + ": an array of strings");
    for (const Json& item : list) {
      if (!item.is_string()) return InvalidArgument(std::string(field) + ": an array of strings");
      const std::string text = item.get<std::string>();
      if (field == "numbers") {
        QUELL_ASSIGN_OR_RETURN(uint64_t n, NumberOf(ctx, "numbers", text));
        in.numbers.push_back(n);
      } else {
        QUELL_ASSIGN_OR_RETURN(uint64_t r, RangeOf(text));
        in.ranges.push_back(r);
      }
    }
  }
  QUELL_ASSIGN_OR_RETURN(in.start, OptionalTime(ctx, body, "start", false));
  QUELL_ASSIGN_OR_RETURN(in.end, OptionalTime(ctx, body, "end", true));
  QUELL_ASSIGN_OR_RETURN(in.legal_basis, RequireString(body, "legal_basis"));
  QUELL_ASSIGN_OR_RETURN(in.reason, OptionalString(body, "reason"));
  if (body.contains("public")) {
    if (!body["public"].is_boolean()) return InvalidArgument("public: true or false");
    in.is_public = body["public"].get<bool>();
  }
  in.created_by = ctx.principal->name;
  QUELL_ASSIGN_OR_RETURN(enforce::Sanction s, sanctions->Create(in));
  ctx.audit_target = "sanction:" + std::to_string(s.id);
  ctx.audit_detail = std::string(enforce::Name(s.measure)) + " " + s.entity_name;
  WriteJson(ctx, 201, SanctionJson(s, ctx.services.clock.Now(), true));
  return Status::Ok();
}

Result<enforce::SanctionQuery> QueryOf(const Context& ctx) {
  enforce::SanctionQuery q;
  if (const std::string s = ctx.req.QueryParam("state"); !s.empty()) {
    q.state = enforce::ParseSanctionState(s);
    if (!q.state) return InvalidArgument("state must be scheduled, active, expired or lifted");
  }
  if (const std::string m = ctx.req.QueryParam("measure"); !m.empty()) {
    q.measure = enforce::ParseMeasure(m);
    if (!q.measure) {
      return InvalidArgument(
          "measure must be warning, marketing_suspension, number_block or joint_punishment");
    }
  }
  q.credit_code = ctx.req.QueryParam("credit_code");
  q.name = ctx.req.QueryParam("name");
  if (const std::string n = ctx.req.QueryParam("number"); !n.empty()) {
    QUELL_ASSIGN_OR_RETURN(q.number, NumberOf(ctx, "number", n));
  }
  QUELL_ASSIGN_OR_RETURN(q.org_id, IntQuery(ctx, "org_id", 0, 0, INT64_MAX));
  QUELL_ASSIGN_OR_RETURN(q.before_id, IntQuery(ctx, "before", 0, 0, INT64_MAX));
  QUELL_ASSIGN_OR_RETURN(int64_t limit, IntQuery(ctx, "limit", 100, 1, 1000));
  q.limit = static_cast<int>(limit);
  return q;
}

Status ListSanctions(Context& ctx) {
  QUELL_ASSIGN_OR_RETURN(enforce::Sanctions * sanctions, SanctionsOf(ctx));
  QUELL_ASSIGN_OR_RETURN(enforce::SanctionQuery q, QueryOf(ctx));
  if (const std::string p = ctx.req.QueryParam("public"); !p.empty()) {
    if (p != "true" && p != "false") return InvalidArgument("public must be true or false");
    q.public_only = p == "true";
  }
  QUELL_ASSIGN_OR_RETURN(auto list, sanctions->List(q));
  const TimePoint now = ctx.services.clock.Now();
  Json out = Json::array();
  for (const auto& s : list) out.push_back(SanctionJson(s, now, true));
  Json body = {{"sanctions", std::move(out)}};
  if (static_cast<int>(list.size()) == q.limit) body["next_before"] = list.back().id;
  WriteJson(ctx, 200, body);
  return Status::Ok();
}

Status GetSanction(Context& ctx) {
  QUELL_ASSIGN_OR_RETURN(enforce::Sanctions * sanctions, SanctionsOf(ctx));
  QUELL_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "id"));
  QUELL_ASSIGN_OR_RETURN(auto s, sanctions->Get(id));
  if (!s) return NotFound("no sanction " + std::to_string(id));
  WriteJson(ctx, 200, SanctionJson(*s, ctx.services.clock.Now(), true));
  return Status::Ok();
}

Status LiftSanction(Context& ctx) {
  QUELL_ASSIGN_OR_RETURN(enforce::Sanctions * sanctions, SanctionsOf(ctx));
  QUELL_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "id"));
  QUELL_ASSIGN_OR_RETURN(Json body, ParseJsonBody(ctx));
  QUELL_ASSIGN_OR_RETURN(std::string reason, RequireString(body, "reason"));
  QUELL_ASSIGN_OR_RETURN(enforce::Sanction s, sanctions->Lift(id, ctx.principal->name, reason));
  ctx.audit_target = "sanction:" + std::to_string(id);
  ctx.audit_detail = "lifted";
  WriteJson(ctx, 200, SanctionJson(s, ctx.services.clock.Now(), true));
  return Status::Ok();
}

// Is this entity (or number) under sanction? Active and scheduled sanctions;
// "sanctioned" is true when one is in force now.
Status CheckSanctions(Context& ctx) {
  QUELL_ASSIGN_OR_RETURN(enforce::Sanctions * sanctions, SanctionsOf(ctx));
  const std::string code = ctx.req.QueryParam("credit_code");
  const std::string name = ctx.req.QueryParam("name");
  const std::string number = ctx.req.QueryParam("number");
  std::vector<enforce::Sanction> found;
  Json query;
  if (!number.empty()) {
    if (!code.empty() || !name.empty()) {
      return InvalidArgument("check either an entity (credit_code, name) or a number");
    }
    QUELL_ASSIGN_OR_RETURN(uint64_t n, NumberOf(ctx, "number", number));
    QUELL_ASSIGN_OR_RETURN(found, sanctions->CheckNumber(n));
    query = {{"number", NumberJson(n)}};
  } else if (!code.empty() || !name.empty()) {
    QUELL_ASSIGN_OR_RETURN(found, sanctions->Check(code, name));
    query = {
        {"credit_code", code.empty() ? Json(nullptr) : Json(enforce::NormaliseCreditCode(code))},
        {"name", name.empty() ? Json(nullptr) : Json(name)}};
  } else {
    return InvalidArgument("give credit_code, name or number");
  }
  const TimePoint now = ctx.services.clock.Now();
  const bool staff = ctx.principal &&
                     (ctx.principal->role == Role::kAnalyst || ctx.principal->role == Role::kAdmin);
  bool sanctioned = false;
  bool blocks_calls = false;
  Json list = Json::array();
  for (const auto& s : found) {
    if (s.StateAt(now) == enforce::SanctionState::kActive) {
      sanctioned = true;
      blocks_calls |= enforce::BlocksCalls(s.measure);
    }
    list.push_back(SanctionJson(s, now, staff));
  }
  WriteJson(ctx, 200,
            {{"query", std::move(query)},
             {"sanctioned", sanctioned},
             {"blocks_calls", blocks_calls},
             {"checked_at", TimeJson(now)},
             {"sanctions", std::move(list)}});
  return Status::Ok();
}

// The public list: public sanctions only, in force by default (?state= for
// others), without personal data.
Status PublicSanctions(Context& ctx) {
  QUELL_ASSIGN_OR_RETURN(enforce::Sanctions * sanctions, SanctionsOf(ctx));
  enforce::SanctionQuery q;
  q.public_only = true;
  const std::string state = ctx.req.QueryParam("state");
  if (state.empty()) {
    q.state = enforce::SanctionState::kActive;
  } else if (state != "all") {
    q.state = enforce::ParseSanctionState(state);
    if (!q.state) return InvalidArgument("state must be active, scheduled, expired, lifted or all");
  }
  q.credit_code = ctx.req.QueryParam("credit_code");
  q.name = ctx.req.QueryParam("name");
  QUELL_ASSIGN_OR_RETURN(q.before_id, IntQuery(ctx, "before", 0, 0, INT64_MAX));
  QUELL_ASSIGN_OR_RETURN(int64_t limit, IntQuery(ctx, "limit", 100, 1, 1000));
  q.limit = static_cast<int>(limit);
  QUELL_ASSIGN_OR_RETURN(auto list, sanctions->List(q));
  const TimePoint now = ctx.services.clock.Now();
  Json out = Json::array();
  for (const auto& s : list) out.push_back(PublicJson(s, now));
  Json body = {{"sanctions", std::move(out)}};
  if (static_cast<int>(list.size()) == q.limit) body["next_before"] = list.back().id;
  ctx.res.SetHeader("Cache-Control", "public, max-age=300");
  WriteJson(ctx, 200, body);
  return Status::Ok();
}

}  // namespace

void RegisterSanctionsRoutes(RouteTable& table) {
  table.Add({.method = "POST",
             .pattern = "/api/v1/sanctions",
             .roles = kAnalysts,
             .audit_action = "sanction.create",
             .handler = CreateSanction});
  table.Add({.method = "GET",
             .pattern = "/api/v1/sanctions",
             .roles = kAnalysts,
             .handler = ListSanctions});
  table.Add({.method = "GET",
             .pattern = "/api/v1/sanctions/check",
             .roles = kCheckers,
             .handler = CheckSanctions});
  table.Add({.method = "GET",
             .pattern = "/api/v1/sanctions/public",
             .is_public = true,
             .handler = PublicSanctions});
  table.Add({.method = "GET",
             .pattern = "/api/v1/sanctions/{id}",
             .roles = kAnalysts,
             .handler = GetSanction});
  table.Add({.method = "POST",
             .pattern = "/api/v1/sanctions/{id}/lift",
             .roles = kAnalysts,
             .audit_action = "sanction.lift",
             .handler = LiftSanction});
}

}  // namespace quell::api
