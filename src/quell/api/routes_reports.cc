// /api/v1/reports and /api/v1/cases: the complaint centre (docs/complaints.md).
// Citizens (and any principal) report nuisance calls and SMS; analysts forward
// the cases to carriers or agencies and close them; carriers answer the cases
// forwarded to them.
//
//   POST /api/v1/reports                    file a report (a duplicate merges)
//   GET  /api/v1/reports/mine               the caller's own reports
//   GET  /api/v1/reports/stats              counts by kind, category, day, carrier (JSON, CSV)
//   GET  /api/v1/reports/{id}               one report with its case history
//   GET  /api/v1/cases                      cases, filtered (carriers: their own)
//   POST /api/v1/cases/{id}/forward         {org}
//   POST /api/v1/cases/{id}/answer          {text}
//   POST /api/v1/cases/{id}/close           {outcome, note}
#include <algorithm>
#include <map>

#include "quell/access/access.h"
#include "quell/api/internal/json.h"
#include "quell/core/number_plan.h"
#include "quell/core/phone_number.h"
#include "quell/registry/list_reader.h"
#include "quell/reputation/calendar.h"
#include "quell/reputation/complaints.h"

namespace quell::api {
namespace {

using reputation::Case;
using reputation::ComplaintCentre;

const std::vector<Role> kStaff = {Role::kAnalyst, Role::kAdmin};
const std::vector<Role> kCaseReaders = {Role::kAnalyst, Role::kAdmin, Role::kCarrier};
const std::vector<Role> kCarriers = {Role::kCarrier};
constexpr int64_t kDayMs = 86'400'000;
constexpr int64_t kDefaultStatsDays = 92;  // a quarter

// What a viewer of a case may see: staff everything; the organisation a case
// was forwarded to not who reported it; the reporter not the organisation's
// answer (it may name the caller's subscriber), but the analyst's note.
enum class Viewer { kStaff, kCarrier, kReporter };

Result<ComplaintCentre*> CentreOf(const Context& ctx) {
  if (ctx.services.complaints == nullptr) {
    return Unavailable("the complaint centre is not running");
  }
  return ctx.services.complaints;
}

bool IsStaff(const access::Principal& p) {
  return p.role == Role::kAnalyst || p.role == Role::kAdmin;
}

// The stable id of who reports: a person's account, or an organisation's API keys.
std::string PrincipalId(const access::Principal& p) {
  if (p.kind == access::Principal::Kind::kApiKey) {
    return p.org_id ? "org:" + std::to_string(*p.org_id) : "key:" + std::to_string(p.key_id);
  }
  return "user:" + std::to_string(p.user_id);
}

int OffsetOf(const ComplaintCentre& centre) { return centre.calendar().utc_offset_minutes(); }

Json NumberText(uint64_t compact) {
  auto n = PhoneNumber::FromCompact(compact);
  return n ? n->E164() : "+" + std::to_string(compact);
}
Json NationalText(uint64_t compact) {
  auto n = PhoneNumber::FromCompact(compact);
  return n ? n->National() : "";
}
Json Ms(int64_t ms) { return TimeJson(FromUnixMillis(ms)); }

// Organisation names by id, read once per request that shows them.
class OrgNames {
 public:
  explicit OrgNames(const Context& ctx) : ctx_(ctx) {}
  Json Of(int64_t id) {
    if (id == 0) return nullptr;
    if (!loaded_) {
      loaded_ = true;
      if (auto orgs = ctx_.services.accounts.ListOrganisations()) {
        for (const auto& o : *orgs) names_[o.id] = o.name;
      }
    }
    auto it = names_.find(id);
    return Json{{"id", id}, {"name", it == names_.end() ? Json(nullptr) : Json(it->second)}};
  }
  std::string NameOf(int64_t id) {
    Json j = Of(id);
    return j.is_object() && j["name"].is_string() ? j["name"].get<std::string>()
                                                  : "org:" + std::to_string(id);
  }

 private:
  const Context& ctx_;
  bool loaded_ = false;
  std::map<int64_t, std::string> names_;
};

Json CaseJson(const Case& c, Viewer viewer, OrgNames& orgs) {
  Json out = {{"id", c.id},
              {"number", NumberText(c.caller)},
              {"national", NationalText(c.caller)},
              {"callee", NumberText(c.callee)},
              {"callee_national", NationalText(c.callee)},
              {"channel", std::string(Name(c.channel))},
              {"kind", std::string(Name(c.kind))},
              {"category", c.category ? Json(std::string(Name(*c.category))) : Json(nullptr)},
              {"time", Ms(c.occurred_at_ms)},
              {"description", c.description},
              {"transcript", c.transcript},
              {"submissions", c.submissions},
              {"received_at", Ms(c.received_at_ms)},
              {"updated_at", Ms(c.updated_at_ms)},
              {"state", std::string(Name(c.state))},
              {"org", orgs.Of(c.org_id)},
              {"forwarded_at", Ms(c.forwarded_at_ms)},
              {"answered_at", Ms(c.answered_at_ms)},
              {"outcome", c.outcome ? Json(std::string(Name(*c.outcome))) : Json(nullptr)},
              {"note", c.note},
              {"closed_at", Ms(c.closed_at_ms)},
              {"deadline", Ms(c.deadline_ms)},
              {"overdue", c.overdue},
              {"overdue_days", c.overdue_days}};
  if (viewer != Viewer::kReporter) out["answer"] = c.answer;
  if (viewer != Viewer::kCarrier) {
    out["on_behalf_of"] =
        c.reporter.on_behalf_of.empty() ? Json(nullptr) : Json(c.reporter.on_behalf_of);
  }
  if (viewer == Viewer::kStaff) {
    out["reporter"] = {{"id", c.reporter.principal}, {"reliability", c.reliability}};
    out["routed_by"] = c.routed_by.empty() ? Json(nullptr) : Json(c.routed_by);
  }
  return out;
}

Json HistoryJson(const std::vector<reputation::CaseEvent>& events, Viewer viewer, OrgNames& orgs) {
  Json out = Json::array();
  for (const auto& e : events) {
    Json j = {{"at", Ms(e.at_ms)},
              {"action", e.action},
              {"from", std::string(Name(e.from))},
              {"to", std::string(Name(e.to))},
              {"org", orgs.Of(e.org_id)}};
    if (viewer == Viewer::kStaff) {
      j["actor"] = e.actor;
      j["detail"] = e.detail;
    }
    out.push_back(std::move(j));
  }
  return out;
}

Result<uint64_t> NumberOf(const Context& ctx, std::string_view field, std::string_view text) {
  const uint64_t n = ctx.services.plan != nullptr ? ctx.services.plan->ToCompact(text) : 0;
  if (n == 0) {
    return InvalidArgument(std::string(field) + ": '" + std::string(text.substr(0, 40)) +
                           "' is not a phone number");
  }
  return n;
}

Result<reputation::ReportKind> KindOf(std::string_view field, std::string_view text) {
  auto k = reputation::ParseReportKind(text);
  if (!k) {
    return InvalidArgument(std::string(field) + ": '" + std::string(text.substr(0, 40)) +
                           "' is not one of marketing, robocall, fraud, harassment, "
                           "call_bombing, one_ring, sim_box, spoofing, other");
  }
  return *k;
}

// A time as RFC 3339 or a bare date (local at the calendar's offset). A bare
// date as an upper bound means the end of that day, so "to=2025-12-31" takes
// in the whole of the 31st.
Result<int64_t> TimeValue(std::string_view field, std::string_view text, int offset, bool upper) {
  auto t = registry::ParseDateOrTime(text, offset);
  if (!t) return InvalidArgument(std::string(field) + ": " + t.error().message());
  const int64_t ms = ToUnixMillis(*t);
  return upper && text.size() == 10 ? ms + kDayMs : ms;
}

Result<int64_t> TimeQuery(const Context& ctx, std::string_view name, int offset, bool upper) {
  const std::string text = ctx.req.QueryParam(name);
  if (text.empty()) return int64_t{0};
  return TimeValue(name, text, offset, upper);
}

// --- reporting ---

Status PostReport(Context& ctx) {
  QUELL_ASSIGN_OR_RETURN(ComplaintCentre * centre, CentreOf(ctx));
  QUELL_ASSIGN_OR_RETURN(Json body, ParseJsonBody(ctx));
  QUELL_ASSIGN_OR_RETURN(std::string caller, RequireString(body, "caller"));
  QUELL_ASSIGN_OR_RETURN(std::string callee, RequireString(body, "callee"));
  QUELL_ASSIGN_OR_RETURN(std::string time, RequireString(body, "time"));
  QUELL_ASSIGN_OR_RETURN(std::string kind, RequireString(body, "kind"));
  QUELL_ASSIGN_OR_RETURN(std::string category, OptionalString(body, "category"));
  QUELL_ASSIGN_OR_RETURN(std::string channel, OptionalString(body, "channel"));
  QUELL_ASSIGN_OR_RETURN(std::string description, OptionalString(body, "description"));
  QUELL_ASSIGN_OR_RETURN(std::string transcript, OptionalString(body, "transcript"));
  QUELL_ASSIGN_OR_RETURN(std::string on_behalf_of, OptionalString(body, "on_behalf_of"));

  const access::Principal& p = *ctx.principal;
  reputation::NewReport r;
  r.reporter.principal = PrincipalId(p);
  if (!on_behalf_of.empty() && p.role == Role::kCitizen) {
    return InvalidArgument("on_behalf_of: citizens report for themselves");
  }
  r.reporter.on_behalf_of = std::move(on_behalf_of);
  QUELL_ASSIGN_OR_RETURN(r.caller, NumberOf(ctx, "caller", caller));
  QUELL_ASSIGN_OR_RETURN(r.callee, NumberOf(ctx, "callee", callee));
  QUELL_ASSIGN_OR_RETURN(r.occurred_at_ms, TimeValue("time", time, OffsetOf(*centre), false));
  QUELL_ASSIGN_OR_RETURN(r.kind, KindOf("kind", kind));
  if (!category.empty()) {
    r.category = ParseCategory(category);
    if (!r.category) {
      return InvalidArgument("category: '" + category.substr(0, 40) +
                             "' is not a category of /api/v1/vocabulary");
    }
  }
  if (!channel.empty()) {
    auto c = reputation::ParseReportChannel(channel);
    if (!c) return InvalidArgument("channel: must be 'call' or 'sms'");
    r.channel = *c;
  }
  r.description = std::move(description);
  r.transcript = std::move(transcript);

  QUELL_ASSIGN_OR_RETURN(reputation::SubmitResult res, centre->Submit(r, p.name));
  ctx.audit_target = "report:" + std::to_string(res.report.id);
  ctx.audit_detail = res.merged ? "merged duplicate" : std::string(Name(r.kind));
  OrgNames orgs(ctx);
  WriteJson(ctx, res.merged ? 200 : 201,
            {{"report", CaseJson(res.report, Viewer::kReporter, orgs)}, {"merged", res.merged}});
  return Status::Ok();
}

Status Mine(Context& ctx) {
  QUELL_ASSIGN_OR_RETURN(ComplaintCentre * centre, CentreOf(ctx));
  reputation::CaseQuery q;
  q.reporter = PrincipalId(*ctx.principal);
  q.on_behalf_of = ctx.req.QueryParam("on_behalf_of");
  if (const std::string s = ctx.req.QueryParam("state"); !s.empty()) {
    q.state = reputation::ParseCaseState(s);
    if (!q.state) return InvalidArgument("state: one of received, forwarded, answered, closed");
  }
  QUELL_ASSIGN_OR_RETURN(q.before_id, IntQuery(ctx, "before", 0, 0, INT64_MAX));
  QUELL_ASSIGN_OR_RETURN(int64_t limit, IntQuery(ctx, "limit", 100, 1, 1000));
  q.limit = static_cast<int>(limit);
  QUELL_ASSIGN_OR_RETURN(auto list, centre->List(q));
  QUELL_ASSIGN_OR_RETURN(auto standing,
                         centre->StandingOf({q.reporter, std::string(q.on_behalf_of)}));
  OrgNames orgs(ctx);
  Json reports = Json::array();
  for (const Case& c : list) reports.push_back(CaseJson(c, Viewer::kReporter, orgs));
  Json body = {{"reports", std::move(reports)},
               {"next_before",
                static_cast<int64_t>(list.size()) == limit ? Json(list.back().id) : Json(nullptr)},
               {"reporter",
                {{"reliability", standing.reliability},
                 {"reports_today", standing.reports_today},
                 {"daily_limit", centre->options().daily_limit}}}};
  WriteJson(ctx, 200, body);
  return Status::Ok();
}

// The view `p` has of case `c`, or NotFound when it has none (a carrier or a
// citizen learns nothing of others' cases, not even that they exist).
Result<Viewer> ViewerOf(const access::Principal& p, const Case& c) {
  if (IsStaff(p)) return Viewer::kStaff;
  if (p.role == Role::kCarrier && p.org_id && c.org_id == *p.org_id) return Viewer::kCarrier;
  if (c.reporter.principal == PrincipalId(p)) return Viewer::kReporter;
  return NotFound("no complaint case " + std::to_string(c.id));
}

Status GetReport(Context& ctx) {
  QUELL_ASSIGN_OR_RETURN(ComplaintCentre * centre, CentreOf(ctx));
  QUELL_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "id"));
  QUELL_ASSIGN_OR_RETURN(Case c, centre->Get(id));
  QUELL_ASSIGN_OR_RETURN(Viewer viewer, ViewerOf(*ctx.principal, c));
  QUELL_ASSIGN_OR_RETURN(auto history, centre->History(id));
  ctx.audit_target = "report:" + std::to_string(id);
  OrgNames orgs(ctx);
  Json out = CaseJson(c, viewer, orgs);
  out["history"] = HistoryJson(history, viewer, orgs);
  WriteJson(ctx, 200, out);
  return Status::Ok();
}

// --- cases ---

// An organisation named by id (a number, or digits) or by name.
Result<access::Organisation> OrgOf(const Context& ctx, const Json& value, std::string_view field) {
  int64_t id = 0;
  std::string name;
  if (value.is_number_integer()) {
    id = value.get<int64_t>();
  } else if (value.is_string()) {
    name = value.get<std::string>();
    if (!name.empty() && name.size() <= 18 &&
        std::all_of(name.begin(), name.end(), [](char ch) { return ch >= '0' && ch <= '9'; })) {
      id = std::stoll(name);
    }
  } else {
    return InvalidArgument("'" + std::string(field) + "' must be an organisation id or name");
  }
  QUELL_ASSIGN_OR_RETURN(auto orgs, ctx.services.accounts.ListOrganisations());
  for (const auto& o : orgs) {
    if ((id != 0 && o.id == id) || (id == 0 && o.name == name)) return o;
  }
  return InvalidArgument(std::string(field) + ": no organisation " +
                         (id != 0 ? std::to_string(id) : "'" + name.substr(0, 60) + "'"));
}

Status ListCases(Context& ctx) {
  QUELL_ASSIGN_OR_RETURN(ComplaintCentre * centre, CentreOf(ctx));
  const access::Principal& p = *ctx.principal;
  const int offset = OffsetOf(*centre);
  reputation::CaseQuery q;
  if (const std::string s = ctx.req.QueryParam("state"); !s.empty()) {
    q.state = reputation::ParseCaseState(s);
    if (!q.state) return InvalidArgument("state: one of received, forwarded, answered, closed");
  }
  if (const std::string o = ctx.req.QueryParam("overdue"); !o.empty()) {
    if (o != "true" && o != "false") return InvalidArgument("overdue: true or false");
    q.overdue = o == "true";
  }
  if (const std::string c = ctx.req.QueryParam("carrier"); !c.empty()) {
    QUELL_ASSIGN_OR_RETURN(access::Organisation org, OrgOf(ctx, Json(c), "carrier"));
    q.org_id = org.id;
  }
  if (!IsStaff(p)) {
    // A carrier sees the cases forwarded to its own organisation only.
    if (!p.org_id) return PermissionDenied("a carrier's cases need its organisation");
    if (q.org_id != 0 && q.org_id != *p.org_id) {
      return PermissionDenied("a carrier sees only the cases forwarded to its organisation");
    }
    q.org_id = *p.org_id;
  }
  if (const std::string k = ctx.req.QueryParam("kind"); !k.empty()) {
    QUELL_ASSIGN_OR_RETURN(q.kind, KindOf("kind", k));
  }
  if (const std::string n = ctx.req.QueryParam("number"); !n.empty()) {
    QUELL_ASSIGN_OR_RETURN(q.caller, NumberOf(ctx, "number", n));
  }
  QUELL_ASSIGN_OR_RETURN(q.since_ms, TimeQuery(ctx, "since", offset, false));
  QUELL_ASSIGN_OR_RETURN(q.until_ms, TimeQuery(ctx, "until", offset, true));
  QUELL_ASSIGN_OR_RETURN(q.before_id, IntQuery(ctx, "before", 0, 0, INT64_MAX));
  QUELL_ASSIGN_OR_RETURN(int64_t limit, IntQuery(ctx, "limit", 100, 1, 1000));
  q.limit = static_cast<int>(limit);
  QUELL_ASSIGN_OR_RETURN(auto list, centre->List(q));
  const Viewer viewer = IsStaff(p) ? Viewer::kStaff : Viewer::kCarrier;
  OrgNames orgs(ctx);
  Json cases = Json::array();
  for (const Case& c : list) cases.push_back(CaseJson(c, viewer, orgs));
  ctx.audit_target = "cases";
  WriteJson(ctx, 200,
            {{"cases", std::move(cases)},
             {"next_before",
              static_cast<int64_t>(list.size()) == limit ? Json(list.back().id) : Json(nullptr)}});
  return Status::Ok();
}

Status Forward(Context& ctx) {
  QUELL_ASSIGN_OR_RETURN(ComplaintCentre * centre, CentreOf(ctx));
  QUELL_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "id"));
  QUELL_ASSIGN_OR_RETURN(Json body, ParseJsonBody(ctx));
  if (!body.contains("org")) return InvalidArgument("'org' is required");
  QUELL_ASSIGN_OR_RETURN(access::Organisation org, OrgOf(ctx, body["org"], "org"));
  if (org.kind != OrgKind::kCarrier && org.kind != OrgKind::kAgency) {
    return InvalidArgument("org: '" + org.name + "' is a " + std::string(Name(org.kind)) +
                           "; cases go to carriers and agencies");
  }
  QUELL_ASSIGN_OR_RETURN(Case c, centre->Forward(id, org.id, ctx.principal->name));
  ctx.audit_target = "report:" + std::to_string(id);
  ctx.audit_detail = "to org " + std::to_string(org.id);
  OrgNames orgs(ctx);
  WriteJson(ctx, 200, {{"case", CaseJson(c, Viewer::kStaff, orgs)}});
  return Status::Ok();
}

Status Answer(Context& ctx) {
  QUELL_ASSIGN_OR_RETURN(ComplaintCentre * centre, CentreOf(ctx));
  QUELL_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "id"));
  QUELL_ASSIGN_OR_RETURN(Json body, ParseJsonBody(ctx));
  QUELL_ASSIGN_OR_RETURN(std::string text, RequireString(body, "text"));
  if (!ctx.principal->org_id) return PermissionDenied("a carrier answers for its organisation");
  QUELL_ASSIGN_OR_RETURN(Case c,
                         centre->Answer(id, *ctx.principal->org_id, text, ctx.principal->name));
  ctx.audit_target = "report:" + std::to_string(id);
  OrgNames orgs(ctx);
  WriteJson(ctx, 200, {{"case", CaseJson(c, Viewer::kCarrier, orgs)}});
  return Status::Ok();
}

Status Close(Context& ctx) {
  QUELL_ASSIGN_OR_RETURN(ComplaintCentre * centre, CentreOf(ctx));
  QUELL_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "id"));
  QUELL_ASSIGN_OR_RETURN(Json body, ParseJsonBody(ctx));
  QUELL_ASSIGN_OR_RETURN(std::string outcome_text, RequireString(body, "outcome"));
  QUELL_ASSIGN_OR_RETURN(std::string note, OptionalString(body, "note"));
  auto outcome = reputation::ParseOutcome(outcome_text);
  if (!outcome) return InvalidArgument("outcome: one of confirmed, unfounded, duplicate");
  QUELL_ASSIGN_OR_RETURN(Case c, centre->Close(id, *outcome, note, ctx.principal->name));
  ctx.audit_target = "report:" + std::to_string(id);
  ctx.audit_detail = outcome_text;
  OrgNames orgs(ctx);
  WriteJson(ctx, 200, {{"case", CaseJson(c, Viewer::kStaff, orgs)}});
  return Status::Ok();
}

// --- statistics ---

// One CSV field: quoted when it must be, and kept from being read as a formula
// by a spreadsheet.
std::string CsvField(std::string_view v) {
  std::string s(v);
  if (!s.empty() && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@')) s.insert(0, "'");
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

Status Stats(Context& ctx) {
  QUELL_ASSIGN_OR_RETURN(ComplaintCentre * centre, CentreOf(ctx));
  const int offset = OffsetOf(*centre);
  const std::string format = ctx.req.QueryParam("format");
  if (!format.empty() && format != "json" && format != "csv") {
    return InvalidArgument("format: json or csv");
  }
  QUELL_ASSIGN_OR_RETURN(int64_t to, TimeQuery(ctx, "to", offset, true));
  if (to == 0) to = ToUnixMillis(ctx.services.clock.Now());
  QUELL_ASSIGN_OR_RETURN(int64_t from, TimeQuery(ctx, "from", offset, false));
  if (from == 0) from = to - kDefaultStatsDays * kDayMs;
  if (from >= to) return InvalidArgument("from must be before to");
  QUELL_ASSIGN_OR_RETURN(reputation::ComplaintStats st, centre->Statistics(from, to));
  OrgNames orgs(ctx);

  // (dimension, key, count) rows, in the order both formats list them.
  struct Row {
    std::string dimension, key;
    int64_t count;
  };
  std::vector<Row> rows;
  // Every value of the fixed vocabularies, zeros included, so that quarter
  // after quarter the same rows come back.
  auto every = [&](std::string_view dimension, const auto& counts, auto first, auto last,
                   auto name) {
    for (int v = static_cast<int>(first); v <= static_cast<int>(last); ++v) {
      const auto value = static_cast<decltype(first)>(v);
      int64_t n = 0;
      for (const auto& [k, c] : counts) n += k == value ? c : 0;
      rows.push_back({std::string(dimension), std::string(name(value)), n});
    }
  };
  auto named = [](auto v) { return Name(v); };
  every("kind", st.by_kind, reputation::ReportKind::kMarketing, reputation::ReportKind::kOther,
        named);
  std::vector<std::pair<int, int64_t>> categories;
  for (const auto& [c, n] : st.by_category) {
    categories.emplace_back(c ? static_cast<int>(*c) : static_cast<int>(Categories().size()), n);
  }
  every("category", categories, 0, static_cast<int>(Categories().size()), [](int c) {
    return c < static_cast<int>(Categories().size()) ? Name(static_cast<Category>(c))
                                                     : std::string_view("none");
  });
  every("channel", st.by_channel, reputation::ReportChannel::kCall, reputation::ReportChannel::kSms,
        named);
  every("state", st.by_state, reputation::CaseState::kReceived, reputation::CaseState::kClosed,
        named);
  every("outcome", st.by_outcome, reputation::Outcome::kConfirmed, reputation::Outcome::kDuplicate,
        named);
  for (const auto& [d, n] : st.by_day) {
    rows.push_back({"day", reputation::CivilDate::FromDays(d).ToString(), n});
  }
  for (const auto& [org, n] : st.by_carrier) {
    rows.push_back({"carrier", org == 0 ? "not forwarded" : orgs.NameOf(org), n});
  }

  if (format == "csv") {
    std::string out = "dimension,key,reports\n";
    out += "total,reports," + std::to_string(st.reports) + "\n";
    out += "total,submissions," + std::to_string(st.submissions) + "\n";
    out += "total,overdue," + std::to_string(st.overdue) + "\n";
    for (const Row& r : rows) {
      out += r.dimension + "," + CsvField(r.key) + "," + std::to_string(r.count) + "\n";
    }
    ctx.res.status = 200;
    ctx.res.SetHeader("Content-Type", "text/csv; charset=utf-8");
    ctx.res.SetHeader(
        "Content-Disposition",
        "attachment; filename=\"complaints-" +
            reputation::CivilDate::FromDays((from + offset * 60'000) / kDayMs).ToString() +
            ".csv\"");
    ctx.res.body = std::move(out);
    return Status::Ok();
  }

  Json body = {{"from", Ms(from)},
               {"to", Ms(to)},
               {"reports", st.reports},
               {"submissions", st.submissions},
               {"overdue", st.overdue}};
  for (std::string_view dim : {"kind", "category", "channel", "state", "outcome"}) {
    body["by_" + std::string(dim)] = Json::object();
  }
  for (const auto& [dim, key, n] : rows) {
    if (dim != "day" && dim != "carrier") body["by_" + dim][key] = n;
  }
  Json days = Json::array();
  for (const auto& [d, n] : st.by_day) {
    days.push_back({{"day", reputation::CivilDate::FromDays(d).ToString()}, {"reports", n}});
  }
  body["by_day"] = std::move(days);
  Json carriers = Json::array();
  for (const auto& [org, n] : st.by_carrier) {
    carriers.push_back({{"org", orgs.Of(org)}, {"reports", n}});
  }
  body["by_carrier"] = std::move(carriers);
  WriteJson(ctx, 200, body);
  return Status::Ok();
}

}  // namespace

void RegisterReportsRoutes(RouteTable& table) {
  table.Add({.method = "POST",
             .pattern = "/api/v1/reports",
             .audit_action = "report.create",
             .handler = PostReport});
  table.Add({.method = "GET", .pattern = "/api/v1/reports/mine", .handler = Mine});
  table.Add(
      {.method = "GET", .pattern = "/api/v1/reports/stats", .roles = kStaff, .handler = Stats});
  table.Add({.method = "GET",
             .pattern = "/api/v1/reports/{id}",
             .audit_action = "report.view",
             .audit_view = true,
             .handler = GetReport});
  table.Add({.method = "GET",
             .pattern = "/api/v1/cases",
             .roles = kCaseReaders,
             .audit_action = "cases.view",
             .audit_view = true,
             .handler = ListCases});
  table.Add({.method = "POST",
             .pattern = "/api/v1/cases/{id}/forward",
             .roles = kStaff,
             .audit_action = "case.forward",
             .handler = Forward});
  table.Add({.method = "POST",
             .pattern = "/api/v1/cases/{id}/answer",
             .roles = kCarriers,
             .audit_action = "case.answer",
             .handler = Answer});
  table.Add({.method = "POST",
             .pattern = "/api/v1/cases/{id}/close",
             .roles = kStaff,
             .audit_action = "case.close",
             .handler = Close});
}

}  // namespace quell::api
