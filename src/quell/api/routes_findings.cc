// /api/v1/findings: what behavioural detection found — for analysts (the
// portal's findings page) and carriers (whose CDRs feed it).
//
//   GET /api/v1/findings?detector=&number=&since=&until=&before=&limit=
//   GET /api/v1/findings/summary?since=       counts per detector
//   GET /api/v1/findings/{id}
#include "quell/api/internal/json.h"
#include "quell/core/number_plan.h"
#include "quell/core/phone_number.h"
#include "quell/detect/engine.h"
#include "quell/detect/findings.h"
#include "quell/registry/list_reader.h"

namespace quell::api {
namespace {

const std::vector<Role> kReaders = {Role::kAnalyst, Role::kAdmin, Role::kCarrier};

Result<detect::FindingStore*> FindingsOf(const Context& ctx) {
  if (ctx.services.findings == nullptr) return Unavailable("behavioural detection is not running");
  return ctx.services.findings;
}

Json NumberJson(uint64_t compact) {
  auto n = PhoneNumber::FromCompact(compact);
  if (!n) return Json(nullptr);
  return {{"e164", n->E164()}, {"national", n->National()}};
}

Json FindingJson(const detect::StoredFinding& s) {
  const detect::Finding& f = s.finding;
  Json figures = Json::object();
  for (const detect::Figure& fig : f.figures) figures[fig.name] = fig.value;
  Json related = Json::array();
  for (uint64_t n : f.related) related.push_back(NumberJson(n));
  auto n = PhoneNumber::FromCompact(f.number);
  return {{"id", s.id},
          {"number", n ? n->E164() : std::to_string(f.number)},
          {"national", n ? n->National() : ""},
          {"detector", std::string(detect::Name(f.detector))},
          {"role", std::string(detect::Name(f.role))},
          {"severity", f.severity},
          {"first_seen", TimeJson(TimePoint(std::chrono::microseconds(f.first_seen_us)))},
          {"last_seen", TimeJson(TimePoint(std::chrono::microseconds(f.last_seen_us)))},
          {"window_seconds", f.window_s},
          {"calls", f.calls},
          {"reason", f.reason},
          {"figures", std::move(figures)},
          {"related", std::move(related)},
          {"recorded_at", TimeJson(s.recorded_at)}};
}

// A time query parameter (RFC 3339 or a date) in µs; 0 when absent.
Result<int64_t> TimeQuery(const Context& ctx, std::string_view name) {
  const std::string text = ctx.req.QueryParam(name);
  if (text.empty()) return int64_t{0};
  auto t = registry::ParseDateOrTime(text);
  if (!t) return InvalidArgument(std::string(name) + ": " + t.error().message());
  return std::chrono::duration_cast<std::chrono::microseconds>(t->time_since_epoch()).count();
}

Status List(Context& ctx) {
  QUELL_ASSIGN_OR_RETURN(detect::FindingStore * store, FindingsOf(ctx));
  detect::FindingQuery q;
  if (const std::string d = ctx.req.QueryParam("detector"); !d.empty()) {
    q.detector = detect::ParseDetector(d);
    if (!q.detector) {
      return InvalidArgument(
          "detector must be one of marketing, robocall, bombing, one_ring, "
          "simbox, spoofing");
    }
  }
  if (const std::string n = ctx.req.QueryParam("number"); !n.empty()) {
    q.number = ctx.services.plan != nullptr ? ctx.services.plan->ToCompact(n) : 0;
    if (q.number == 0)
      return InvalidArgument("number: '" + n.substr(0, 40) + "' is not a phone number");
  }
  QUELL_ASSIGN_OR_RETURN(q.since_us, TimeQuery(ctx, "since"));
  QUELL_ASSIGN_OR_RETURN(q.until_us, TimeQuery(ctx, "until"));
  QUELL_ASSIGN_OR_RETURN(q.before_id, IntQuery(ctx, "before", 0, 0, INT64_MAX));
  QUELL_ASSIGN_OR_RETURN(int64_t limit, IntQuery(ctx, "limit", 100, 1, 1000));
  q.limit = static_cast<int>(limit);
  QUELL_ASSIGN_OR_RETURN(auto list, store->List(q));
  Json out = Json::array();
  for (const auto& s : list) out.push_back(FindingJson(s));
  Json body = {{"findings", std::move(out)}};
  if (static_cast<int64_t>(list.size()) == limit) body["next_before"] = list.back().id;
  WriteJson(ctx, 200, body);
  return Status::Ok();
}

Status Summary(Context& ctx) {
  QUELL_ASSIGN_OR_RETURN(detect::FindingStore * store, FindingsOf(ctx));
  QUELL_ASSIGN_OR_RETURN(int64_t since, TimeQuery(ctx, "since"));
  QUELL_ASSIGN_OR_RETURN(auto counts, store->Counts(since));
  Json by = Json::object();
  for (std::size_t d = 0; d < detect::kDetectorCount; ++d) {
    by[std::string(detect::Name(static_cast<detect::Detector>(d)))] = 0;
  }
  for (const auto& [d, n] : counts) by[std::string(detect::Name(d))] = n;
  Json body = {{"by_detector", std::move(by)}};
  if (ctx.services.detector != nullptr) {
    const detect::EngineStats s = ctx.services.detector->stats();
    body["engine"] = {{"events", s.events},
                      {"active_numbers", s.active_numbers},
                      {"findings_raised", s.findings},
                      {"joined", s.joined}};
  }
  WriteJson(ctx, 200, body);
  return Status::Ok();
}

Status Get(Context& ctx) {
  QUELL_ASSIGN_OR_RETURN(detect::FindingStore * store, FindingsOf(ctx));
  QUELL_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "id"));
  QUELL_ASSIGN_OR_RETURN(auto found, store->Get(id));
  if (!found) return NotFound("no finding " + std::to_string(id));
  WriteJson(ctx, 200, FindingJson(*found));
  return Status::Ok();
}

}  // namespace

void RegisterFindingsRoutes(RouteTable& table) {
  table.Add({.method = "GET", .pattern = "/api/v1/findings", .roles = kReaders, .handler = List});
  table.Add({.method = "GET",
             .pattern = "/api/v1/findings/summary",
             .roles = kReaders,
             .handler = Summary});
  table.Add(
      {.method = "GET", .pattern = "/api/v1/findings/{id}", .roles = kReaders, .handler = Get});
}

}  // namespace quell::api
