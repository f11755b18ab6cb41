// /api/v1/breaches: personal-data breach notices (docs/breach.md). Data
// controllers file notices and follow their own; analysts and administrators
// see all, review them, ask for more, close them and have affected people told.
//
//   GET  /api/v1/breaches/options              entity types, clocks, categories, grades
//   POST /api/v1/breaches                      file a notice (data controller; admin for an org)
//   GET  /api/v1/breaches                      notices (controllers: their own), filtered
//   GET  /api/v1/breaches/{id}                 one notice with its numbers and history
//   POST /api/v1/breaches/{id}/review          {note}
//   POST /api/v1/breaches/{id}/request-info    {question}
//   POST /api/v1/breaches/{id}/supplement      {text, measures} (the controller)
//   POST /api/v1/breaches/{id}/close           {note}
//   POST /api/v1/breaches/{id}/notify-affected SMS to the affected numbers
#include <algorithm>

#include "quell/access/access.h"
#include "quell/api/internal/json.h"
#include "quell/core/number_plan.h"
#include "quell/core/phone_number.h"
#include "quell/enforce/breach.h"
#include "quell/registry/list_reader.h"

namespace quell::api {
namespace {

using enforce::Breach;
using enforce::BreachNotices;

const std::vector<Role> kStaff = {Role::kAnalyst, Role::kAdmin};
const std::vector<Role> kReaders = {Role::kDataController, Role::kAnalyst, Role::kAdmin};
const std::vector<Role> kFilers = {Role::kDataController, Role::kAdmin};
const std::vector<Role> kControllers = {Role::kDataController};
// Bare dates are China's local days.
constexpr int kDateOffsetMinutes = 8 * 60;

Result<BreachNotices*> NoticesOf(const Context& ctx) {
  if (ctx.services.breaches == nullptr) return Unavailable("breach notices are not running");
  return ctx.services.breaches;
}

bool IsStaff(const access::Principal& p) {
  return p.role == Role::kAnalyst || p.role == Role::kAdmin;
}

Json Ms(int64_t ms) { return ms == 0 ? Json(nullptr) : TimeJson(FromUnixMillis(ms)); }

Json NumberJson(const enforce::BreachNumber& n) {
  auto p = PhoneNumber::FromCompact(n.number);
  return {{"number", p ? p->E164() : "+" + std::to_string(n.number)},
          {"national", p ? p->National() : ""},
          {"role", std::string(Name(n.role))},
          {"notified", n.notified},
          {"complaints", n.complaints < 0 ? Json(nullptr) : Json(n.complaints)}};
}

Json BreachJson(const Breach& b, bool staff) {
  Json cats = Json::array();
  for (auto c : b.categories) cats.push_back(std::string(Name(c)));
  Json out = {{"id", b.id},
              {"org", {{"id", b.org_id}, {"name", b.org_name}}},
              {"description", b.description},
              {"measures", b.measures},
              {"occurred_at", Ms(b.occurred_at_ms)},
              {"discovered_at", Ms(b.discovered_at_ms)},
              {"filed_at", Ms(b.filed_at_ms)},
              {"people_affected", b.people_affected},
              {"categories", std::move(cats)},
              {"entity_type", b.entity_type},
              {"grade", std::string(Name(b.grade))},
              {"grade_zh", std::string(ChineseName(b.grade))},
              {"clock_minutes", b.clock_minutes},
              {"deadline", Ms(b.deadline_ms)},
              {"late", b.late},
              {"late_by_minutes", b.late_by_ms / 60'000},
              {"escalated", b.escalated},
              {"escalations", b.escalations},
              {"escalated_at", Ms(b.escalated_at_ms)},
              {"state", std::string(Name(b.state))},
              {"updated_at", Ms(b.updated_at_ms)},
              {"info_request", b.info_request},
              {"info_requested_at", Ms(b.info_requested_at_ms)},
              {"info_due", Ms(b.info_due_ms)},
              {"follow_up_overdue", b.follow_up_overdue},
              {"supplement", b.supplement},
              {"supplemented_at", Ms(b.supplemented_at_ms)},
              {"closing_note", b.closing_note},
              {"closed_at", Ms(b.closed_at_ms)},
              {"notified", b.notified},
              {"notified_at", Ms(b.notified_at_ms)},
              {"ledger_seq", b.ledger_seq == 0 ? Json(nullptr) : Json(b.ledger_seq)},
              {"numbers_count", b.numbers_count},
              {"numbers_purged", b.numbers_purged}};
  if (staff) {
    out["filed_by"] = b.filed_by;
    out["reviewer"] = b.reviewer;
    out["closed_by"] = b.closed_by;
  }
  return out;
}

// The notice, when `p` may see it: staff see all, a controller its
// organisation's (others' are NotFound: their existence is not disclosed).
Result<Breach> Visible(const Context& ctx, BreachNotices& notices, int64_t id) {
  QUELL_ASSIGN_OR_RETURN(Breach b, notices.Get(id));
  const access::Principal& p = *ctx.principal;
  if (!IsStaff(p) && (!p.org_id || *p.org_id != b.org_id)) {
    return NotFound("no breach notice " + std::to_string(id));
  }
  return b;
}

Result<int64_t> TimeField(const Json& body, std::string_view field, bool required) {
  QUELL_ASSIGN_OR_RETURN(std::string text,
                         required ? RequireString(body, field) : OptionalString(body, field));
  if (text.empty()) return int64_t{0};
  auto t = registry::ParseDateOrTime(text, kDateOffsetMinutes);
  if (!t) return InvalidArgument(std::string(field) + ": " + t.error().message());
  return ToUnixMillis(*t);
}

Result<uint64_t> NumberOf(const Context& ctx, std::string_view field, std::string_view text) {
  const uint64_t n = ctx.services.plan != nullptr ? ctx.services.plan->ToCompact(text) : 0;
  // Valid numbers only: an SMS may go to each affected one.
  if (n == 0 || !ctx.services.plan->Classify(n).valid) {
    return InvalidArgument(std::string(field) + ": '" + std::string(text.substr(0, 40)) +
                           "' is not a phone number");
  }
  return n;
}

// "numbers": ["+86...", ...] (affected) or [{"number": "+86...", "role": "used"}, ...].
Result<std::vector<enforce::BreachNumber>> NumbersOf(const Context& ctx, const Json& body) {
  std::vector<enforce::BreachNumber> out;
  if (!body.contains("numbers") || body["numbers"].is_null()) return out;
  const Json& list = body["numbers"];
  if (!list.is_array()) return InvalidArgument("'numbers' must be an array");
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string field = "numbers[" + std::to_string(i) + "]";
    enforce::BreachNumber n;
    if (list[i].is_string()) {
      QUELL_ASSIGN_OR_RETURN(n.number, NumberOf(ctx, field, list[i].get<std::string>()));
    } else if (list[i].is_object()) {
      QUELL_ASSIGN_OR_RETURN(std::string number, RequireString(list[i], "number"));
      QUELL_ASSIGN_OR_RETURN(n.number, NumberOf(ctx, field, number));
      QUELL_ASSIGN_OR_RETURN(std::string role, OptionalString(list[i], "role"));
      if (!role.empty()) {
        auto r = enforce::ParseNumberRole(role);
        if (!r) return InvalidArgument(field + ".role: 'affected' or 'used'");
        n.role = *r;
      }
    } else {
      return InvalidArgument(field + ": a number, or {number, role}");
    }
    out.push_back(n);
  }
  return out;
}

// An organisation of kind data controller, by id or name (admins filing for one).
Result<access::Organisation> ControllerOrg(const Context& ctx, const Json& value) {
  int64_t id = 0;
  std::string name;
  if (value.is_number_integer()) {
    id = value.get<int64_t>();
  } else if (value.is_string()) {
    name = value.get<std::string>();
  } else {
    return InvalidArgument("'org' must be an organisation id or name");
  }
  QUELL_ASSIGN_OR_RETURN(auto orgs, ctx.services.accounts.ListOrganisations());
  for (const auto& o : orgs) {
    if ((id != 0 && o.id == id) || (id == 0 && o.name == name)) {
      if (o.kind != OrgKind::kDataController) {
        return InvalidArgument("org: '" + o.name + "' is not a data controller");
      }
      return o;
    }
  }
  return InvalidArgument("org: no organisation " +
                         (id != 0 ? std::to_string(id) : "'" + name.substr(0, 60) + "'"));
}

Status Options(Context& ctx) {
  QUELL_ASSIGN_OR_RETURN(BreachNotices * notices, NoticesOf(ctx));
  const enforce::BreachOptions& o = notices->options();
  static constexpr enforce::BreachGrade kGrades[] = {
      enforce::BreachGrade::kGeneral, enforce::BreachGrade::kMajor, enforce::BreachGrade::kSerious,
      enforce::BreachGrade::kEspeciallySerious};
  Json types = Json::array();
  for (const auto& e : o.entity_types) {
    Json clocks = Json::object();
    for (auto g : kGrades) {
      clocks[std::string(Name(g))] = e.clocks[static_cast<std::size_t>(g)].count();
    }
    types.push_back({{"name", e.name}, {"clock_minutes", std::move(clocks)}});
  }
  Json grades = Json::array();
  for (auto g : kGrades) {
    const std::size_t i = static_cast<std::size_t>(g);
    grades.push_back(
        {{"name", std::string(Name(g))},
         {"zh", std::string(ChineseName(g))},
         {"people", i == 0 ? Json(0) : Json(o.grading.people[i - 1])},
         {"sensitive_people", i == 0 ? Json(0) : Json(o.grading.sensitive_people[i - 1])}});
  }
  Json categories = Json::array();
  for (int c = 0; c <= static_cast<int>(enforce::DataCategory::kMinors); ++c) {
    const auto cat = static_cast<enforce::DataCategory>(c);
    const bool sensitive = std::find(o.grading.sensitive.begin(), o.grading.sensitive.end(), cat) !=
                           o.grading.sensitive.end();
    categories.push_back({{"name", std::string(Name(cat))}, {"sensitive", sensitive}});
  }
  WriteJson(ctx, 200,
            {{"entity_types", std::move(types)},
             {"grades", std::move(grades)},
             {"categories", std::move(categories)},
             {"supplement_within_minutes", o.supplement_within.count()}});
  return Status::Ok();
}

Status File(Context& ctx) {
  QUELL_ASSIGN_OR_RETURN(BreachNotices * notices, NoticesOf(ctx));
  QUELL_ASSIGN_OR_RETURN(Json body, ParseJsonBody(ctx));
  const access::Principal& p = *ctx.principal;
  enforce::NewBreach n;
  if (p.role == Role::kDataController) {
    if (!p.org_id) return PermissionDenied("a data controller files for its organisation");
    if (body.contains("org")) {
      QUELL_ASSIGN_OR_RETURN(access::Organisation org, ControllerOrg(ctx, body["org"]));
      if (org.id != *p.org_id) {
        return PermissionDenied("a data controller files only for its own organisation");
      }
    }
    n.org_id = *p.org_id;
    n.org_name = p.org_name;
  } else {
    if (!body.contains("org")) return InvalidArgument("'org' is required: the data controller");
    QUELL_ASSIGN_OR_RETURN(access::Organisation org, ControllerOrg(ctx, body["org"]));
    n.org_id = org.id;
    n.org_name = org.name;
  }
  QUELL_ASSIGN_OR_RETURN(n.description, RequireString(body, "description"));
  QUELL_ASSIGN_OR_RETURN(n.measures, OptionalString(body, "measures"));
  QUELL_ASSIGN_OR_RETURN(n.entity_type, RequireString(body, "entity_type"));
  QUELL_ASSIGN_OR_RETURN(n.occurred_at_ms, TimeField(body, "occurred_at", false));
  QUELL_ASSIGN_OR_RETURN(n.discovered_at_ms, TimeField(body, "discovered_at", true));
  if (!body.contains("people_affected") || !body["people_affected"].is_number_integer()) {
    return InvalidArgument("'people_affected' is required: a whole number");
  }
  n.people_affected = body["people_affected"].get<int64_t>();
  if (!body.contains("categories") || !body["categories"].is_array()) {
    return InvalidArgument("'categories' is required: an array of data categories");
  }
  for (const Json& c : body["categories"]) {
    auto cat = c.is_string() ? enforce::ParseDataCategory(c.get<std::string>()) : std::nullopt;
    if (!cat) {
      return InvalidArgument("categories: '" +
                             (c.is_string() ? c.get<std::string>() : c.dump()).substr(0, 40) +
                             "' is not one of identity, contact, location, financial, health, "
                             "biometric, communications, credentials, minors");
    }
    n.categories.push_back(*cat);
  }
  QUELL_ASSIGN_OR_RETURN(n.numbers, NumbersOf(ctx, body));
  QUELL_ASSIGN_OR_RETURN(Breach b, notices->File(n, p.name));
  ctx.audit_target = "breach:" + std::to_string(b.id);
  ctx.audit_detail = std::string(Name(b.grade)) + (b.late ? ", late" : "");
  WriteJson(ctx, 201, {{"breach", BreachJson(b, IsStaff(p))}});
  return Status::Ok();
}

Status List(Context& ctx) {
  QUELL_ASSIGN_OR_RETURN(BreachNotices * notices, NoticesOf(ctx));
  const access::Principal& p = *ctx.principal;
  enforce::BreachQuery q;
  if (!IsStaff(p)) {
    if (!p.org_id) return PermissionDenied("a data controller sees its organisation's notices");
    q.org_id = *p.org_id;
  } else if (const std::string org = ctx.req.QueryParam("org"); !org.empty()) {
    QUELL_ASSIGN_OR_RETURN(access::Organisation o, ControllerOrg(ctx, Json(org)));
    q.org_id = o.id;
  }
  if (const std::string s = ctx.req.QueryParam("state"); !s.empty()) {
    q.state = enforce::ParseBreachState(s);
    if (!q.state)
      return InvalidArgument("state: one of filed, under_review, info_requested, closed");
  }
  if (const std::string g = ctx.req.QueryParam("grade"); !g.empty()) {
    q.grade = enforce::ParseBreachGrade(g);
    if (!q.grade)
      return InvalidArgument("grade: one of general, major, serious, especially_serious");
  }
  for (auto [name, field] : {std::pair{"late", &q.late}, std::pair{"escalated", &q.escalated}}) {
    const std::string v = ctx.req.QueryParam(name);
    if (v.empty()) continue;
    if (v != "true" && v != "false") return InvalidArgument(std::string(name) + ": true or false");
    *field = v == "true";
  }
  QUELL_ASSIGN_OR_RETURN(q.before_id, IntQuery(ctx, "before", 0, 0, INT64_MAX));
  QUELL_ASSIGN_OR_RETURN(int64_t limit, IntQuery(ctx, "limit", 100, 1, 1000));
  q.limit = static_cast<int>(limit);
  QUELL_ASSIGN_OR_RETURN(auto list, notices->List(q));
  Json out = Json::array();
  for (const Breach& b : list) out.push_back(BreachJson(b, IsStaff(p)));
  ctx.audit_target = "breaches";
  WriteJson(ctx, 200,
            {{"breaches", std::move(out)},
             {"next_before",
              static_cast<int64_t>(list.size()) == limit ? Json(list.back().id) : Json(nullptr)}});
  return Status::Ok();
}

Status GetOne(Context& ctx) {
  QUELL_ASSIGN_OR_RETURN(BreachNotices * notices, NoticesOf(ctx));
  QUELL_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "id"));
  QUELL_ASSIGN_OR_RETURN(Breach b, Visible(ctx, *notices, id));
  QUELL_ASSIGN_OR_RETURN(auto history, notices->History(id));
  const bool staff = IsStaff(*ctx.principal);
  Json out = BreachJson(b, staff);
  Json numbers = Json::array();
  for (const auto& n : b.numbers) numbers.push_back(NumberJson(n));
  out["numbers"] = std::move(numbers);
  Json events = Json::array();
  for (const auto& e : history) {
    Json j = {{"at", Ms(e.at_ms)},
              {"action", e.action},
              {"from", std::string(Name(e.from))},
              {"to", std::string(Name(e.to))},
              {"note", e.note}};
    if (staff) j["actor"] = e.actor;
    events.push_back(std::move(j));
  }
  out["history"] = std::move(events);
  ctx.audit_target = "breach:" + std::to_string(id);
  WriteJson(ctx, 200, out);
  return Status::Ok();
}

// The common tail of a follow-up action: audit target and the notice as changed.
Status Respond(Context& ctx, const Breach& b) {
  ctx.audit_target = "breach:" + std::to_string(b.id);
  WriteJson(ctx, 200, {{"breach", BreachJson(b, IsStaff(*ctx.principal))}});
  return Status::Ok();
}

Status Review(Context& ctx) {
  QUELL_ASSIGN_OR_RETURN(BreachNotices * notices, NoticesOf(ctx));
  QUELL_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "id"));
  QUELL_ASSIGN_OR_RETURN(Json body, ParseJsonBody(ctx));
  QUELL_ASSIGN_OR_RETURN(std::string note, OptionalString(body, "note"));
  QUELL_ASSIGN_OR_RETURN(Breach b, notices->Review(id, ctx.principal->name, note));
  return Respond(ctx, b);
}

Status RequestInfo(Context& ctx) {
  QUELL_ASSIGN_OR_RETURN(BreachNotices * notices, NoticesOf(ctx));
  QUELL_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "id"));
  QUELL_ASSIGN_OR_RETURN(Json body, ParseJsonBody(ctx));
  QUELL_ASSIGN_OR_RETURN(std::string question, RequireString(body, "question"));
  QUELL_ASSIGN_OR_RETURN(Breach b, notices->RequestInfo(id, ctx.principal->name, question));
  return Respond(ctx, b);
}

Status Supplement(Context& ctx) {
  QUELL_ASSIGN_OR_RETURN(BreachNotices * notices, NoticesOf(ctx));
  QUELL_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "id"));
  QUELL_ASSIGN_OR_RETURN(Json body, ParseJsonBody(ctx));
  QUELL_ASSIGN_OR_RETURN(std::string text, RequireString(body, "text"));
  QUELL_ASSIGN_OR_RETURN(std::string measures, OptionalString(body, "measures"));
  if (!ctx.principal->org_id) return PermissionDenied("a controller answers for its organisation");
  QUELL_ASSIGN_OR_RETURN(Breach b, notices->Supplement(id, *ctx.principal->org_id,
                                                       ctx.principal->name, text, measures));
  return Respond(ctx, b);
}

Status Close(Context& ctx) {
  QUELL_ASSIGN_OR_RETURN(BreachNotices * notices, NoticesOf(ctx));
  QUELL_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "id"));
  QUELL_ASSIGN_OR_RETURN(Json body, ParseJsonBody(ctx));
  QUELL_ASSIGN_OR_RETURN(std::string note, OptionalString(body, "note"));
  QUELL_ASSIGN_OR_RETURN(Breach b, notices->Close(id, ctx.principal->name, note));
  ctx.audit_detail = b.ledger_seq ? "ledger " + std::to_string(b.ledger_seq) : "";
  return Respond(ctx, b);
}

Status NotifyAffected(Context& ctx) {
  QUELL_ASSIGN_OR_RETURN(BreachNotices * notices, NoticesOf(ctx));
  QUELL_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "id"));
  QUELL_RETURN_IF_ERROR(Visible(ctx, *notices, id).status());
  QUELL_ASSIGN_OR_RETURN(enforce::NotifyOutcome r,
                         notices->NotifyAffected(id, ctx.principal->name));
  QUELL_ASSIGN_OR_RETURN(Breach b, notices->Get(id));
  ctx.audit_target = "breach:" + std::to_string(id);
  ctx.audit_detail = std::to_string(r.enqueued) + " told";
  WriteJson(ctx, 200,
            {{"enqueued", r.enqueued},
             {"failed", r.failed},
             {"already", r.already},
             {"breach", BreachJson(b, IsStaff(*ctx.principal))}});
  return Status::Ok();
}

}  // namespace

void RegisterBreachRoutes(RouteTable& table) {
  table.Add({.method = "GET",
             .pattern = "/api/v1/breaches/options",
             .roles = kReaders,
             .handler = Options});
  table.Add({.method = "POST",
             .pattern = "/api/v1/breaches",
             .roles = kFilers,
             .audit_action = "breach.file",
             .handler = File});
  table.Add({.method = "GET",
             .pattern = "/api/v1/breaches",
             .roles = kReaders,
             .audit_action = "breaches.view",
             .audit_view = true,
             .handler = List});
  table.Add({.method = "GET",
             .pattern = "/api/v1/breaches/{id}",
             .roles = kReaders,
             .audit_action = "breach.view",
             .audit_view = true,
             .handler = GetOne});
  table.Add({.method = "POST",
             .pattern = "/api/v1/breaches/{id}/review",
             .roles = kStaff,
             .audit_action = "breach.review",
             .handler = Review});
  table.Add({.method = "POST",
             .pattern = "/api/v1/breaches/{id}/request-info",
             .roles = kStaff,
             .audit_action = "breach.request_info",
             .handler = RequestInfo});
  table.Add({.method = "POST",
             .pattern = "/api/v1/breaches/{id}/supplement",
             .roles = kControllers,
             .audit_action = "breach.supplement",
             .handler = Supplement});
  table.Add({.method = "POST",
             .pattern = "/api/v1/breaches/{id}/close",
             .roles = kStaff,
             .audit_action = "breach.close",
             .handler = Close});
  table.Add({.method = "POST",
             .pattern = "/api/v1/breaches/{id}/notify-affected",
             .roles = kReaders,
             .audit_action = "breach.notify_affected",
             .handler = NotifyAffected});
}

}  // namespace quell::api
