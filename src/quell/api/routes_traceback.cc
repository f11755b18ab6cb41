// Traceback (docs/traceback.md): the carrier registry, traceback cases, each
// carrier's queue of requests and its answers, carriers' CDRs for automatic
// answers, statistics, and the public carrier league table.
//
//   GET    /api/v1/carriers                      carriers, analysts, admins (contacts: staff and
//   own) POST   /api/v1/carriers                      analysts, admins: register an organisation of
//   kind carrier GET    /api/v1/carriers/scorecards           anyone: the league table GET
//   /api/v1/carriers/{org_id}             carriers, analysts, admins PUT /api/v1/carriers/{org_id}
//   analysts, admins: replace DELETE /api/v1/carriers/{org_id}             analysts, admins PUT
//   /api/v1/carriers/{org_id}/contacts    the carrier itself, analysts, admins POST
//   /api/v1/traceback                     analysts: open a case GET    /api/v1/traceback analysts:
//   ?state= org_id= source= source_id= before= limit= GET    /api/v1/traceback/stats analysts:
//   ?since= GET    /api/v1/traceback/{id}                analysts: the case with its path GET
//   /api/v1/traceback/requests            carriers: their queue (?state=open|all); staff: ?org_id=
//   GET    /api/v1/traceback/requests/{id}       the addressed carrier, analysts
//   POST   /api/v1/traceback/requests/{id}/answer  the addressed carrier; analysts on its behalf
//   POST   /api/v1/traceback/cdrs                carriers: their CDRs (CSV, JSON lines, JSON array)
#include <algorithm>
#include <cmath>

#include "quell/api/internal/json.h"
#include "quell/core/number_plan.h"
#include "quell/core/phone_number.h"
#include "quell/enforce/scorecard.h"
#include "quell/enforce/traceback.h"
#include "quell/events/cdr_reader.h"
#include "quell/net/http.h"
#include "quell/registry/list_reader.h"

namespace quell::api {
namespace {

const std::vector<Role> kStaff = {Role::kAnalyst, Role::kAdmin};
const std::vector<Role> kCarriersAndStaff = {Role::kCarrier, Role::kAnalyst, Role::kAdmin};
const std::vector<Role> kCarrierKeys = {Role::kCarrier, Role::kAdmin};
constexpr std::size_t kSliceBytes = 1 << 20;
constexpr std::size_t kMaxReportedErrors = 100;
constexpr std::size_t kBatchEvents = 4096;

Result<enforce::Traceback*> TracebackOf(const Context& ctx) {
  if (ctx.services.traceback == nullptr) return Unavailable("traceback is not available");
  return ctx.services.traceback;
}

bool IsStaff(const Context& ctx) {
  return ctx.principal &&
         (ctx.principal->role == Role::kAnalyst || ctx.principal->role == Role::kAdmin);
}

int64_t OwnOrg(const Context& ctx) {
  return ctx.principal && ctx.principal->org_id ? *ctx.principal->org_id : 0;
}

Result<uint64_t> NumberOf(const Context& ctx, std::string_view field, std::string_view text) {
  if (ctx.services.plan == nullptr) return Unavailable("no numbering plan configured");
  const uint64_t n = ctx.services.plan->ToCompact(text);
  if (n == 0) {
    return InvalidArgument(std::string(field) + ": '" + std::string(text.substr(0, 40)) +
                           "' is not a phone number");
  }
  return n;
}

Json NumberJson(uint64_t number) {
  auto n = PhoneNumber::FromCompact(number);
  return {{"number", n ? n->E164() : "+" + std::to_string(number)},
          {"national", n ? n->National() : ""}};
}

Result<std::vector<std::string>> StringList(const Json& body, std::string_view field) {
  std::vector<std::string> out;
  if (!body.contains(field) || body[std::string(field)].is_null()) return out;
  const Json& list = body[std::string(field)];
  if (!list.is_array()) return InvalidArgument(std::string(field) + ": an array of strings");
  for (const Json& e : list) {
    if (!e.is_string()) return InvalidArgument(std::string(field) + ": an array of strings");
    out.push_back(e.get<std::string>());
  }
  return out;
}

Result<std::vector<enforce::CarrierContact>> ContactsOf(const Json& body) {
  std::vector<enforce::CarrierContact> out;
  if (!body.contains("contacts") || body["contacts"].is_null()) return out;
  const Json& list = body["contacts"];
  if (!list.is_array()) return InvalidArgument("contacts: an array of {name, email, phone}");
  for (const Json& e : list) {
    if (!e.is_object()) return InvalidArgument("contacts: an array of {name, email, phone}");
    enforce::CarrierContact c;
    QUELL_ASSIGN_OR_RETURN(c.name, OptionalString(e, "name"));
    QUELL_ASSIGN_OR_RETURN(c.email, OptionalString(e, "email"));
    QUELL_ASSIGN_OR_RETURN(c.phone, OptionalString(e, "phone"));
    out.push_back(std::move(c));
  }
  return out;
}

// An organisation of kind carrier, by id ("org_id") or name ("org").
Result<access::Organisation> CarrierOrg(const Context& ctx, const Json& body,
                                        std::optional<int64_t> id_from_path) {
  int64_t id = id_from_path.value_or(0);
  std::string name;
  if (!id_from_path) {
    if (body.contains("org_id") && !body["org_id"].is_null()) {
      if (!body["org_id"].is_number_integer()) return InvalidArgument("org_id: an organisation id");
      id = body["org_id"].get<int64_t>();
    } else {
      QUELL_ASSIGN_OR_RETURN(name, OptionalString(body, "org"));
      if (name.empty()) return InvalidArgument("org_id or org: name the carrier's organisation");
    }
  }
  std::optional<access::Organisation> org;
  if (!name.empty()) {
    auto found = ctx.services.accounts.FindOrganisation(name);
    if (!found) return InvalidArgument("org: no organisation '" + name.substr(0, 80) + "'");
    org = *found;
  } else {
    QUELL_ASSIGN_OR_RETURN(auto all, ctx.services.accounts.ListOrganisations());
    for (const auto& o : all)
      if (o.id == id) org = o;
    if (!org) return InvalidArgument("org_id: no organisation " + std::to_string(id));
  }
  if (org->kind != OrgKind::kCarrier) {
    return InvalidArgument("org: '" + org->name + "' is not an organisation of kind carrier");
  }
  return *org;
}

Result<enforce::Carrier> CarrierFromBody(const Context& ctx, const Json& body,
                                         std::optional<int64_t> id_from_path) {
  QUELL_ASSIGN_OR_RETURN(access::Organisation org, CarrierOrg(ctx, body, id_from_path));
  enforce::Carrier c;
  c.org_id = org.id;
  c.name = org.name;
  QUELL_ASSIGN_OR_RETURN(auto roles, StringList(body, "roles"));
  for (const std::string& r : roles) {
    auto role = enforce::ParseCarrierRole(r);
    if (!role) {
      return InvalidArgument("roles: '" + r.substr(0, 40) +
                             "' is not originating, gateway, transit or terminating");
    }
    c.roles |= *role;
  }
  QUELL_ASSIGN_OR_RETURN(c.contacts, ContactsOf(body));
  QUELL_ASSIGN_OR_RETURN(c.webhook_url, OptionalString(body, "webhook_url"));
  QUELL_ASSIGN_OR_RETURN(std::string auth, OptionalString(body, "authentication"));
  if (!auth.empty()) {
    auto a = enforce::ParseAuthStatus(auth);
    if (!a) return InvalidArgument("authentication: full, partial or none");
    c.auth = *a;
  }
  QUELL_ASSIGN_OR_RETURN(c.spcs, StringList(body, "spcs"));
  QUELL_ASSIGN_OR_RETURN(c.cert_subject, OptionalString(body, "cert_subject"));
  QUELL_ASSIGN_OR_RETURN(c.country, OptionalString(body, "country"));
  QUELL_ASSIGN_OR_RETURN(c.trunk_aliases, StringList(body, "trunk_aliases"));
  return c;
}

// Staff and the carrier itself see contacts and webhook; other carriers see
// what they need to name an upstream.
Json CarrierJson(const enforce::Carrier& c, bool full) {
  Json roles = Json::array();
  for (uint8_t bit = 1; bit <= 8; bit <<= 1) {
    if (c.roles & bit)
      roles.push_back(std::string(enforce::RoleName(static_cast<enforce::CarrierRole>(bit))));
  }
  Json out = {{"org_id", c.org_id},
              {"name", c.name},
              {"roles", std::move(roles)},
              {"authentication", std::string(enforce::Name(c.auth))},
              {"spcs", c.spcs},
              {"cert_subject", c.cert_subject},
              {"country", c.country},
              {"trunk_aliases", c.trunk_aliases},
              {"created_at", TimeJson(c.created_at)},
              {"updated_at", TimeJson(c.updated_at)}};
  if (full) {
    Json contacts = Json::array();
    for (const auto& k : c.contacts)
      contacts.push_back({{"name", k.name}, {"email", k.email}, {"phone", k.phone}});
    out["contacts"] = std::move(contacts);
    out["webhook_url"] = c.webhook_url;
  }
  return out;
}

Json HopJson(const enforce::Hop& h) {
  Json out = {{"id", h.id},
              {"case_id", h.case_id},
              {"hop", h.index},
              {"carrier", {{"org_id", h.org_id}, {"name", h.org_name}}},
              {"state", std::string(enforce::Name(h.state))},
              {"requested_at", TimeJson(h.requested_at)},
              {"deadline", TimeJson(h.deadline)},
              {"answered_at", h.answered_at && h.state == enforce::HopState::kAnswered
                                  ? TimeJson(*h.answered_at)
                                  : Json(nullptr)},
              {"missed_at", h.answered_at && h.state == enforce::HopState::kMissed
                                ? TimeJson(*h.answered_at)
                                : Json(nullptr)},
              {"automatic", h.cdr_id != 0},
              {"notice_id", h.notice_id == 0 ? Json(nullptr) : Json(h.notice_id)}};
  if (h.answer) {
    const enforce::HopAnswer& a = *h.answer;
    Json ans = {{"kind", std::string(enforce::Name(a.kind))},
                {"answered_by", a.answered_by},
                {"note", a.note}};
    switch (a.kind) {
      case enforce::AnswerKind::kUpstream:
        ans["upstream"] = {{"org_id", a.upstream_org_id}, {"name", h.upstream_name}};
        break;
      case enforce::AnswerKind::kOrigin:
        ans["customer"] = {{"name", a.customer_name},
                           {"credit_code", a.customer_credit_code},
                           {"account", a.customer_account}};
        break;
      case enforce::AnswerKind::kForeign:
        ans["foreign_carrier"] = a.foreign_carrier;
        ans["foreign_country"] = a.foreign_country;
        break;
      case enforce::AnswerKind::kNotFound:
        break;
    }
    if (h.cdr_id != 0) ans["cdr_id"] = h.cdr_id;
    out["answer"] = std::move(ans);
  } else {
    out["answer"] = nullptr;
  }
  return out;
}

Json CaseJson(const enforce::Case& c) {
  Json hops = Json::array();
  Json path = Json::array();
  for (const auto& h : c.hops) {
    hops.push_back(HopJson(h));
    path.push_back(h.org_name);
  }
  Json passport = nullptr;
  if (!c.passport_origid.empty() || !c.passport_spc.empty() || !c.passport_cert_name.empty()) {
    passport = {{"origid", c.passport_origid},
                {"spc", c.passport_spc},
                {"cert_name", c.passport_cert_name}};
  }
  return {{"id", c.id},
          {"state", std::string(enforce::Name(c.state))},
          {"outcome", c.outcome_text},
          {"source",
           {{"kind", std::string(enforce::Name(c.source))},
            {"id", c.source_id == 0 ? Json(nullptr) : Json(c.source_id)}}},
          {"caller", NumberJson(c.caller)},
          {"callee", NumberJson(c.callee)},
          {"call_time", TimeJson(c.call_time)},
          {"campaign", c.campaign},
          {"terminating", {{"org_id", c.terminating_org_id}, {"name", c.terminating_name}}},
          {"passport", std::move(passport)},
          {"start_note", c.start_note},
          {"path", std::move(path)},
          {"hop_count", c.hops.size()},
          {"hops", std::move(hops)},
          {"opened_by", c.opened_by},
          {"opened_at", TimeJson(c.opened_at)},
          {"closed_at", c.closed_at ? TimeJson(*c.closed_at) : Json(nullptr)},
          {"ledger_seq", c.ledger_seq == 0 ? Json(nullptr) : Json(c.ledger_seq)}};
}

Json RequestJson(const enforce::Request& r) {
  Json out = HopJson(r.hop);
  out["caller"] = NumberJson(r.caller);
  out["callee"] = NumberJson(r.callee);
  out["call_time"] = TimeJson(r.call_time);
  out["campaign"] = r.campaign;
  out["origid"] = r.passport_origid.empty() ? Json(nullptr) : Json(r.passport_origid);
  out["answer_path"] = "/api/v1/traceback/requests/" + std::to_string(r.hop.id) + "/answer";
  return out;
}

Json OptionalDouble(const std::optional<double>& d) { return d ? Json(*d) : Json(nullptr); }

// ------------------------------------------------------------------ registry

Status ListCarriers(Context& ctx) {
  QUELL_ASSIGN_OR_RETURN(enforce::Traceback * tb, TracebackOf(ctx));
  Json out = Json::array();
  for (const auto& c : tb->ListCarriers())
    out.push_back(CarrierJson(c, IsStaff(ctx) || c.org_id == OwnOrg(ctx)));
  WriteJson(ctx, 200, {{"carriers", std::move(out)}});
  return Status::Ok();
}

Status RegisterCarrier(Context& ctx) {
  QUELL_ASSIGN_OR_RETURN(enforce::Traceback * tb, TracebackOf(ctx));
  QUELL_ASSIGN_OR_RETURN(Json body, ParseJsonBody(ctx));
  QUELL_ASSIGN_OR_RETURN(enforce::Carrier c, CarrierFromBody(ctx, body, std::nullopt));
  QUELL_ASSIGN_OR_RETURN(enforce::Carrier saved, tb->RegisterCarrier(c));
  ctx.audit_target = "carrier:" + std::to_string(saved.org_id);
  ctx.audit_detail = saved.name;
  WriteJson(ctx, 201, CarrierJson(saved, true));
  return Status::Ok();
}

Status GetCarrier(Context& ctx) {
  QUELL_ASSIGN_OR_RETURN(enforce::Traceback * tb, TracebackOf(ctx));
  QUELL_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "org_id"));
  auto c = tb->GetCarrier(id);
  if (!c) return NotFound("no registered carrier " + std::to_string(id));
  WriteJson(ctx, 200, CarrierJson(*c, IsStaff(ctx) || c->org_id == OwnOrg(ctx)));
  return Status::Ok();
}

Status UpdateCarrier(Context& ctx) {
  QUELL_ASSIGN_OR_RETURN(enforce::Traceback * tb, TracebackOf(ctx));
  QUELL_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "org_id"));
  if (!tb->GetCarrier(id)) return NotFound("no registered carrier " + std::to_string(id));
  QUELL_ASSIGN_OR_RETURN(Json body, ParseJsonBody(ctx));
  QUELL_ASSIGN_OR_RETURN(enforce::Carrier c, CarrierFromBody(ctx, body, id));
  QUELL_ASSIGN_OR_RETURN(enforce::Carrier saved, tb->UpdateCarrier(c));
  ctx.audit_target = "carrier:" + std::to_string(id);
  ctx.audit_detail = "updated";
  WriteJson(ctx, 200, CarrierJson(saved, true));
  return Status::Ok();
}

Status RemoveCarrier(Context& ctx) {
  QUELL_ASSIGN_OR_RETURN(enforce::Traceback * tb, TracebackOf(ctx));
  QUELL_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "org_id"));
  QUELL_RETURN_IF_ERROR(tb->RemoveCarrier(id));
  ctx.audit_target = "carrier:" + std::to_string(id);
  ctx.audit_detail = "removed from the registry";
  ctx.res.status = 204;
  return Status::Ok();
}

Status UpdateContacts(Context& ctx) {
  QUELL_ASSIGN_OR_RETURN(enforce::Traceback * tb, TracebackOf(ctx));
  QUELL_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "org_id"));
  if (!IsStaff(ctx) && OwnOrg(ctx) != id) {
    return PermissionDenied("a carrier may change only its own contacts");
  }
  QUELL_ASSIGN_OR_RETURN(Json body, ParseJsonBody(ctx));
  QUELL_ASSIGN_OR_RETURN(auto contacts, ContactsOf(body));
  QUELL_ASSIGN_OR_RETURN(std::string webhook, OptionalString(body, "webhook_url"));
  QUELL_ASSIGN_OR_RETURN(enforce::Carrier saved, tb->UpdateContacts(id, contacts, webhook));
  ctx.audit_target = "carrier:" + std::to_string(id);
  ctx.audit_detail = "contacts updated";
  WriteJson(ctx, 200, CarrierJson(saved, true));
  return Status::Ok();
}

Status LeagueTable(Context& ctx) {
  QUELL_ASSIGN_OR_RETURN(enforce::Traceback * tb, TracebackOf(ctx));
  QUELL_ASSIGN_OR_RETURN(auto cards, tb->scorecard().LeagueTable());
  Json out = Json::array();
  for (const auto& s : cards) {
    out.push_back({{"rank", s.rank ? Json(*s.rank) : Json(nullptr)},
                   {"org_id", s.org_id},
                   {"name", s.name},
                   {"country", s.country},
                   {"authentication", std::string(enforce::Name(s.auth))},
                   {"score", std::round(s.score * 10) / 10},
                   {"calls", s.calls},
                   {"attestation", {{"A", s.attest_a}, {"B", s.attest_b}, {"C", s.attest_c}}},
                   {"share_a", OptionalDouble(s.share_a)},
                   {"complaints", s.complaints ? Json(*s.complaints) : Json(nullptr)},
                   {"complaints_per_million", OptionalDouble(s.complaints_per_million)},
                   {"traceback",
                    {{"requests", s.traceback.requests},
                     {"answered", s.traceback.answered},
                     {"answered_in_time", s.traceback.answered_in_time},
                     {"auto_answered", s.traceback.auto_answered},
                     {"missed", s.traceback.missed},
                     {"share_answered_in_time", OptionalDouble(s.share_answered_in_time)},
                     {"median_answer_seconds", OptionalDouble(s.traceback.median_answer_seconds)}}},
                   {"sanctions", s.sanctions}});
  }
  const auto& o = tb->options();
  ctx.res.SetHeader("Cache-Control", "public, max-age=60");
  WriteJson(ctx, 200,
            {{"carriers", std::move(out)},
             {"ranking",
              {{"rule",
                "score = 40 x share A + 25 x max(0, 1 - complaints per million / ceiling) + 25 x "
                "share of traceback requests answered in time + 10 x (no sanction); ranked by "
                "score, then calls, then name; carriers under min_calls are unranked"},
               {"min_calls", o.scorecard_min_calls},
               {"complaints_ceiling_per_million", o.complaints_ceiling_per_million}}},
             {"generated_at", TimeJson(ctx.services.clock.Now())}});
  return Status::Ok();
}

// -------------------------------------------------------------------- cases

Result<int64_t> OrgRef(const Context& ctx, const Json& body, std::string_view id_field,
                       std::string_view name_field, enforce::Traceback& tb) {
  if (body.contains(id_field) && !body[std::string(id_field)].is_null()) {
    if (!body[std::string(id_field)].is_number_integer()) {
      return InvalidArgument(std::string(id_field) + ": an organisation id");
    }
    return body[std::string(id_field)].get<int64_t>();
  }
  QUELL_ASSIGN_OR_RETURN(std::string name, OptionalString(body, name_field));
  if (name.empty()) return int64_t{0};
  const int64_t id = tb.ResolveIngress(name);
  if (id == 0) {
    return InvalidArgument(std::string(name_field) + ": '" + name.substr(0, 80) +
                           "' is not a registered carrier");
  }
  (void)ctx;
  return id;
}

Status OpenCase(Context& ctx) {
  QUELL_ASSIGN_OR_RETURN(enforce::Traceback * tb, TracebackOf(ctx));
  QUELL_ASSIGN_OR_RETURN(Json body, ParseJsonBody(ctx));
  enforce::NewCase in;
  QUELL_ASSIGN_OR_RETURN(std::string caller, RequireString(body, "caller"));
  QUELL_ASSIGN_OR_RETURN(in.caller, NumberOf(ctx, "caller", caller));
  QUELL_ASSIGN_OR_RETURN(std::string callee, RequireString(body, "callee"));
  QUELL_ASSIGN_OR_RETURN(in.callee, NumberOf(ctx, "callee", callee));
  QUELL_ASSIGN_OR_RETURN(std::string when, RequireString(body, "call_time"));
  auto t = registry::ParseDateOrTime(when, 0);
  if (!t || when.size() <= 10) {
    return InvalidArgument("call_time: '" + when.substr(0, 40) +
                           "' is not an RFC 3339 time (\"2026-11-02T09:15:00Z\")");
  }
  in.call_time = *t;
  QUELL_ASSIGN_OR_RETURN(in.campaign, OptionalString(body, "campaign"));
  QUELL_ASSIGN_OR_RETURN(in.terminating_org_id,
                         OrgRef(ctx, body, "terminating_org_id", "terminating", *tb));
  if (in.terminating_org_id == 0) {
    return InvalidArgument("terminating_org_id: name the terminating carrier");
  }
  if (body.contains("source") && !body["source"].is_null()) {
    const Json& s = body["source"];
    if (!s.is_object()) return InvalidArgument("source: {\"kind\", \"id\"}");
    QUELL_ASSIGN_OR_RETURN(std::string kind, RequireString(s, "kind"));
    auto k = enforce::ParseSourceKind(kind);
    if (!k) return InvalidArgument("source.kind: complaint, finding, violation or none");
    in.source = *k;
    if (in.source != enforce::SourceKind::kNone) {
      if (!s.contains("id") || !s["id"].is_number_integer() || s["id"].get<int64_t>() <= 0) {
        return InvalidArgument("source.id: the complaint case, finding or violation id");
      }
      in.source_id = s["id"].get<int64_t>();
    }
  }
  if (body.contains("passport") && !body["passport"].is_null()) {
    const Json& p = body["passport"];
    if (!p.is_object()) return InvalidArgument("passport: {\"origid\", \"spc\", \"cert_name\"}");
    QUELL_ASSIGN_OR_RETURN(in.passport_origid, OptionalString(p, "origid"));
    QUELL_ASSIGN_OR_RETURN(in.passport_spc, OptionalString(p, "spc"));
    QUELL_ASSIGN_OR_RETURN(in.passport_cert_name, OptionalString(p, "cert_name"));
  }
  in.opened_by = ctx.principal->name;
  QUELL_ASSIGN_OR_RETURN(enforce::Case c, tb->OpenCase(in));
  ctx.audit_target = "traceback:" + std::to_string(c.id);
  ctx.audit_detail = "opened at " + (c.hops.empty() ? std::string() : c.hops.front().org_name);
  WriteJson(ctx, 201, CaseJson(c));
  return Status::Ok();
}

Status ListCases(Context& ctx) {
  QUELL_ASSIGN_OR_RETURN(enforce::Traceback * tb, TracebackOf(ctx));
  enforce::CaseQuery q;
  if (const std::string s = ctx.req.QueryParam("state"); !s.empty()) {
    q.state = enforce::ParseCaseState(s);
    if (!q.state) {
      return InvalidArgument(
          "state must be open, origin_found, foreign_entry, not_found or non_responsive");
    }
  }
  if (const std::string s = ctx.req.QueryParam("source"); !s.empty()) {
    q.source = enforce::ParseSourceKind(s);
    if (!q.source) return InvalidArgument("source must be complaint, finding, violation or none");
  }
  QUELL_ASSIGN_OR_RETURN(q.source_id, IntQuery(ctx, "source_id", 0, 0, INT64_MAX));
  QUELL_ASSIGN_OR_RETURN(q.org_id, IntQuery(ctx, "org_id", 0, 0, INT64_MAX));
  QUELL_ASSIGN_OR_RETURN(q.before_id, IntQuery(ctx, "before", 0, 0, INT64_MAX));
  QUELL_ASSIGN_OR_RETURN(int64_t limit, IntQuery(ctx, "limit", 100, 1, 1000));
  q.limit = static_cast<int>(limit);
  QUELL_ASSIGN_OR_RETURN(auto list, tb->ListCases(q));
  Json out = Json::array();
  for (const auto& c : list) out.push_back(CaseJson(c));
  Json body = {{"cases", std::move(out)}};
  if (static_cast<int>(list.size()) == q.limit) body["next_before"] = list.back().id;
  WriteJson(ctx, 200, body);
  return Status::Ok();
}

Status GetCase(Context& ctx) {
  QUELL_ASSIGN_OR_RETURN(enforce::Traceback * tb, TracebackOf(ctx));
  QUELL_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "id"));
  QUELL_ASSIGN_OR_RETURN(auto c, tb->GetCase(id));
  if (!c) return NotFound("no traceback case " + std::to_string(id));
  ctx.audit_target = "traceback:" + std::to_string(id);
  WriteJson(ctx, 200, CaseJson(*c));
  return Status::Ok();
}

Status Stats(Context& ctx) {
  QUELL_ASSIGN_OR_RETURN(enforce::Traceback * tb, TracebackOf(ctx));
  std::optional<TimePoint> since;
  if (const std::string s = ctx.req.QueryParam("since"); !s.empty()) {
    auto t = registry::ParseDateOrTime(s, 0);
    if (!t) return InvalidArgument("since: " + t.error().message());
    since = *t;
  }
  QUELL_ASSIGN_OR_RETURN(enforce::TracebackStats s, tb->Stats(since));
  Json by_state = Json::object();
  for (std::size_t i = 0; i < s.by_state.size(); ++i) {
    by_state[std::string(enforce::Name(static_cast<enforce::CaseState>(i)))] = s.by_state[i];
  }
  Json misses = Json::array();
  for (const auto& m : s.non_responsive) {
    misses.push_back({{"org_id", m.org_id},
                      {"name", m.name},
                      {"missed", m.missed},
                      {"non_responsive_cases", m.non_responsive}});
  }
  WriteJson(ctx, 200,
            {{"since", since ? TimeJson(*since) : Json(nullptr)},
             {"cases", s.cases},
             {"by_outcome", std::move(by_state)},
             {"hops_per_case", s.hops_per_case},
             {"max_hops", s.max_hops},
             {"requests",
              {{"total", s.requests},
               {"answered", s.answered},
               {"auto_answered", s.auto_answered},
               {"missed", s.missed},
               {"waiting", s.waiting}}},
             {"answer_seconds",
              {{"median", OptionalDouble(s.median_answer_seconds)},
               {"p90", OptionalDouble(s.p90_answer_seconds)}}},
             {"non_responsive_carriers", std::move(misses)}});
  return Status::Ok();
}

// ----------------------------------------------------------------- requests

Status ListRequests(Context& ctx) {
  QUELL_ASSIGN_OR_RETURN(enforce::Traceback * tb, TracebackOf(ctx));
  int64_t org = OwnOrg(ctx);
  if (IsStaff(ctx)) {
    QUELL_ASSIGN_OR_RETURN(org, IntQuery(ctx, "org_id", 0, 0, INT64_MAX));
    if (org == 0) return InvalidArgument("org_id: whose queue (staff name the carrier)");
  } else if (org == 0) {
    return PermissionDenied("the queue belongs to a carrier organisation");
  }
  const std::string state = ctx.req.QueryParam("state");
  if (!state.empty() && state != "open" && state != "all") {
    return InvalidArgument("state must be open or all");
  }
  QUELL_ASSIGN_OR_RETURN(int64_t limit, IntQuery(ctx, "limit", 100, 1, 1000));
  QUELL_ASSIGN_OR_RETURN(auto list, tb->ListRequests(org, state != "all", static_cast<int>(limit)));
  Json out = Json::array();
  for (const auto& r : list) out.push_back(RequestJson(r));
  WriteJson(ctx, 200, {{"org_id", org}, {"requests", std::move(out)}});
  return Status::Ok();
}

Status GetRequest(Context& ctx) {
  QUELL_ASSIGN_OR_RETURN(enforce::Traceback * tb, TracebackOf(ctx));
  QUELL_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "id"));
  QUELL_ASSIGN_OR_RETURN(auto r, tb->GetRequest(id));
  if (!r || (!IsStaff(ctx) && r->hop.org_id != OwnOrg(ctx))) {
    return NotFound("no traceback request " + std::to_string(id) + " for your organisation");
  }
  WriteJson(ctx, 200, RequestJson(*r));
  return Status::Ok();
}

Status AnswerRequest(Context& ctx) {
  QUELL_ASSIGN_OR_RETURN(enforce::Traceback * tb, TracebackOf(ctx));
  QUELL_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "id"));
  const int64_t org = IsStaff(ctx) ? 0 : OwnOrg(ctx);
  if (!IsStaff(ctx) && org == 0)
    return PermissionDenied("answers come from a carrier organisation");
  QUELL_ASSIGN_OR_RETURN(Json body, ParseJsonBody(ctx));
  QUELL_ASSIGN_OR_RETURN(std::string kind, RequireString(body, "answer"));
  auto k = enforce::ParseAnswerKind(kind);
  if (!k) return InvalidArgument("answer: upstream, origin, foreign or not_found");
  enforce::HopAnswer a;
  a.kind = *k;
  QUELL_ASSIGN_OR_RETURN(a.note, OptionalString(body, "note"));
  a.answered_by = ctx.principal->name;
  switch (a.kind) {
    case enforce::AnswerKind::kUpstream: {
      QUELL_ASSIGN_OR_RETURN(a.upstream_org_id,
                             OrgRef(ctx, body, "upstream_org_id", "upstream", *tb));
      if (a.upstream_org_id == 0) {
        return InvalidArgument("upstream_org_id: name the carrier that handed you the call");
      }
      break;
    }
    case enforce::AnswerKind::kOrigin: {
      if (!body.contains("customer") || !body["customer"].is_object()) {
        return InvalidArgument("customer: {\"name\", \"credit_code\", \"account\"} of the caller");
      }
      const Json& c = body["customer"];
      QUELL_ASSIGN_OR_RETURN(a.customer_name, RequireString(c, "name"));
      QUELL_ASSIGN_OR_RETURN(a.customer_credit_code, OptionalString(c, "credit_code"));
      QUELL_ASSIGN_OR_RETURN(a.customer_account, OptionalString(c, "account"));
      break;
    }
    case enforce::AnswerKind::kForeign: {
      QUELL_ASSIGN_OR_RETURN(a.foreign_carrier, RequireString(body, "foreign_carrier"));
      QUELL_ASSIGN_OR_RETURN(a.foreign_country, OptionalString(body, "foreign_country"));
      break;
    }
    case enforce::AnswerKind::kNotFound:
      break;
  }
  QUELL_ASSIGN_OR_RETURN(enforce::Case c, tb->Answer(id, org, a));
  ctx.audit_target = "traceback-request:" + std::to_string(id);
  ctx.audit_detail = std::string(enforce::Name(a.kind)) + " (case " + std::to_string(c.id) + ")";
  // A carrier sees its answer and what follows, not the whole case.
  Json out = {
      {"request_id", id}, {"case_id", c.id}, {"case_state", std::string(enforce::Name(c.state))}};
  for (const auto& h : c.hops) {
    if (h.id == id) out["request"] = HopJson(h);
  }
  if (IsStaff(ctx)) out["case"] = CaseJson(c);
  WriteJson(ctx, 200, out);
  return Status::Ok();
}

// --------------------------------------------------------------------- CDRs

Result<events::CdrFormat> CdrBodyOf(const Context& ctx, bool* array) {
  std::string_view type = ctx.req.Header("content-type");
  type = type.substr(0, type.find(';'));
  while (!type.empty() && type.back() == ' ') type.remove_suffix(1);
  *array = false;
  if (net::EqualsIgnoreCase(type, "text/csv")) return events::CdrFormat::kCsv;
  for (std::string_view jsonl : {"application/x-ndjson", "application/jsonl",
                                 "application/x-jsonlines", "application/jsonlines"}) {
    if (net::EqualsIgnoreCase(type, jsonl)) return events::CdrFormat::kJsonLines;
  }
  if (net::EqualsIgnoreCase(type, "application/json")) {
    const std::size_t first = ctx.req.body.find_first_not_of(" \t\r\n");
    *array = first != std::string::npos && ctx.req.body[first] == '[';
    return events::CdrFormat::kJsonLines;
  }
  return InvalidArgument(
      "send CDRs as text/csv, application/x-ndjson (JSON lines) or application/json (an array "
      "of objects); see docs/formats/cdr.md");
}

Status UploadCdrs(Context& ctx) {
  QUELL_ASSIGN_OR_RETURN(enforce::Traceback * tb, TracebackOf(ctx));
  if (ctx.services.plan == nullptr) return Unavailable("no numbering plan configured");
  int64_t org = OwnOrg(ctx);
  if (ctx.principal->role == Role::kAdmin) {
    QUELL_ASSIGN_OR_RETURN(int64_t given, IntQuery(ctx, "org_id", 0, 0, INT64_MAX));
    if (given != 0) org = given;
  }
  if (org == 0 || !tb->GetCarrier(org)) {
    return PermissionDenied("CDRs for traceback come from a registered carrier's key");
  }
  if (ctx.req.body.empty())
    return InvalidArgument("send the CDRs as the body (docs/formats/cdr.md)");
  bool array = false;
  QUELL_ASSIGN_OR_RETURN(events::CdrFormat format, CdrBodyOf(ctx, &array));
  events::CdrReader reader(*ctx.services.plan, format, {.max_errors = kMaxReportedErrors});
  std::vector<events::CallEvent> batch;
  enforce::CdrIngest total;
  auto flush = [&]() -> Status {
    if (batch.empty()) return Status::Ok();
    QUELL_ASSIGN_OR_RETURN(enforce::CdrIngest r, tb->AddCdrs(org, batch));
    total.stored += r.stored;
    total.skipped += r.skipped;
    total.auto_answered += r.auto_answered;
    batch.clear();
    return Status::Ok();
  };
  if (array) {
    Json list;
    try {
      list = Json::parse(ctx.req.body);
    } catch (const Json::parse_error& e) {
      return InvalidArgument("malformed JSON at byte " + std::to_string(e.byte));
    }
    if (!list.is_array()) return InvalidArgument("the JSON body must be an array of objects");
    std::string line;
    for (const Json& e : list) {
      line = e.dump(-1, ' ', false, Json::error_handler_t::replace);
      line.push_back('\n');
      reader.Feed(line, batch);
      if (batch.size() >= kBatchEvents) QUELL_RETURN_IF_ERROR(flush());
    }
  } else {
    const std::string_view text = ctx.req.body;
    for (std::size_t at = 0; at < text.size(); at += kSliceBytes) {
      reader.Feed(text.substr(at, kSliceBytes), batch);
      QUELL_RETURN_IF_ERROR(flush());
    }
  }
  reader.Finish(batch);
  QUELL_RETURN_IF_ERROR(flush());
  const events::CdrStats& stats = reader.stats();
  Json errors = Json::array();
  for (const events::CdrError& e : reader.errors())
    errors.push_back({{"line", e.line}, {"reason", e.reason}});
  ctx.audit_target = "carrier:" + std::to_string(org);
  ctx.audit_detail = std::to_string(total.stored) + " CDRs for traceback";
  Json out = {{"stored", total.stored},
              {"skipped", total.skipped},
              {"rejected", stats.bad},
              {"auto_answered", total.auto_answered},
              {"errors", std::move(errors)}};
  if (stats.events > 0) {
    WriteJson(ctx, 200, out);
    return Status::Ok();
  }
  std::string message = !reader.status().ok()      ? reader.status().message()
                        : !reader.errors().empty() ? "no good row; the first bad one: " +
                                                         reader.errors().front().ToString()
                                                   : "the body holds no call records";
  out["error"] = {{"code", std::string(StatusCodeName(StatusCode::kInvalidArgument))},
                  {"message", std::move(message)}};
  WriteJson(ctx, 400, out);
  return Status::Ok();
}

}  // namespace

void RegisterTracebackRoutes(RouteTable& table) {
  table.Add({.method = "GET",
             .pattern = "/api/v1/carriers",
             .roles = kCarriersAndStaff,
             .handler = ListCarriers});
  table.Add({.method = "POST",
             .pattern = "/api/v1/carriers",
             .roles = kStaff,
             .audit_action = "carrier.register",
             .handler = RegisterCarrier});
  table.Add({.method = "GET",
             .pattern = "/api/v1/carriers/scorecards",
             .is_public = true,
             .handler = LeagueTable});
  table.Add({.method = "GET",
             .pattern = "/api/v1/carriers/{org_id}",
             .roles = kCarriersAndStaff,
             .handler = GetCarrier});
  table.Add({.method = "PUT",
             .pattern = "/api/v1/carriers/{org_id}",
             .roles = kStaff,
             .audit_action = "carrier.update",
             .handler = UpdateCarrier});
  table.Add({.method = "DELETE",
             .pattern = "/api/v1/carriers/{org_id}",
             .roles = kStaff,
             .audit_action = "carrier.remove",
             .handler = RemoveCarrier});
  table.Add({.method = "PUT",
             .pattern = "/api/v1/carriers/{org_id}/contacts",
             .roles = kCarriersAndStaff,
             .audit_action = "carrier.contacts",
             .handler = UpdateContacts});
  table.Add({.method = "POST",
             .pattern = "/api/v1/traceback",
             .roles = kStaff,
             .audit_action = "traceback.open",
             .handler = OpenCase});
  table.Add(
      {.method = "GET", .pattern = "/api/v1/traceback", .roles = kStaff, .handler = ListCases});
  table.Add(
      {.method = "GET", .pattern = "/api/v1/traceback/stats", .roles = kStaff, .handler = Stats});
  table.Add({.method = "GET",
             .pattern = "/api/v1/traceback/{id}",
             .roles = kStaff,
             .audit_action = "traceback.view",
             .audit_view = true,
             .handler = GetCase});
  table.Add({.method = "GET",
             .pattern = "/api/v1/traceback/requests",
             .roles = kCarriersAndStaff,
             .handler = ListRequests});
  table.Add({.method = "GET",
             .pattern = "/api/v1/traceback/requests/{id}",
             .roles = kCarriersAndStaff,
             .handler = GetRequest});
  table.Add({.method = "POST",
             .pattern = "/api/v1/traceback/requests/{id}/answer",
             .roles = kCarriersAndStaff,
             .audit_action = "traceback.answer",
             .handler = AnswerRequest});
  table.Add({.method = "POST",
             .pattern = "/api/v1/traceback/cdrs",
             .roles = kCarrierKeys,
             .audit_action = "traceback.cdrs",
             .raw_body = true,
             .handler = UploadCdrs});
}

}  // namespace quell::api
