// /api/v1/events: carriers push call records (CDRs) in batches — CSV, JSON
// lines, or a JSON array of objects (docs/formats/cdr.md) — and every good row
// becomes a CallEvent published to Services::events (detection). Bad rows are
// counted and reported with their line numbers, never silently dropped.
#include "quell/api/internal/json.h"
#include "quell/core/metrics.h"
#include "quell/core/number_plan.h"
#include "quell/events/cdr_reader.h"
#include "quell/net/http.h"

namespace quell::api {
namespace {

const std::vector<Role> kCarriers = {Role::kCarrier, Role::kAdmin};
constexpr std::size_t kMaxReportedErrors = 100;
// Events are published after each slice of the body, so a large body never
// holds all its events at once.
constexpr std::size_t kSliceBytes = 1 << 20;
constexpr std::size_t kArraySliceRows = 4096;

struct IngestCounters {
  metrics::Counter accepted;
  metrics::Counter rejected;
  metrics::Counter invalid_callers;
};

IngestCounters& Counters() {
  static constexpr std::string_view kRows = "quell_events_ingest_rows_total";
  static constexpr std::string_view kRowsHelp = "Call records (CDR rows) received, by result";
  static IngestCounters* counters = new IngestCounters{
      metrics::GetCounter(kRows, kRowsHelp, {{"source", "http"}, {"result", "accepted"}}),
      metrics::GetCounter(kRows, kRowsHelp, {{"source", "http"}, {"result", "rejected"}}),
      metrics::GetCounter("quell_events_ingest_invalid_callers_total",
                          "Accepted call records whose caller is not a possible number",
                          {{"source", "http"}})};
  return *counters;
}

enum class Body { kCsv, kJsonLines, kJsonArray };

Result<Body> BodyOf(const Context& ctx) {
  std::string_view type = ctx.req.Header("content-type");
  type = type.substr(0, type.find(';'));
  while (!type.empty() && type.back() == ' ') type.remove_suffix(1);
  if (net::EqualsIgnoreCase(type, "text/csv")) return Body::kCsv;
  for (std::string_view jsonl : {"application/x-ndjson", "application/jsonl",
                                 "application/x-jsonlines", "application/jsonlines"}) {
    if (net::EqualsIgnoreCase(type, jsonl)) return Body::kJsonLines;
  }
  if (net::EqualsIgnoreCase(type, "application/json")) {
    // An array of objects, or (as sent by many log shippers) JSON lines.
    const std::size_t first = ctx.req.body.find_first_not_of(" \t\r\n");
    return first != std::string::npos && ctx.req.body[first] == '[' ? Body::kJsonArray
                                                                    : Body::kJsonLines;
  }
  return InvalidArgument(
      "send call records as text/csv, application/x-ndjson (JSON lines) or application/json (an "
      "array of objects); see docs/formats/cdr.md");
}

// Each element of a JSON array as one line of JSON lines: errors then name the
// element by its 1-based position.
Status FeedArray(const std::string& body, events::CdrReader& reader,
                 std::vector<events::CallEvent>& batch, const std::function<void()>& publish) {
  Json array;
  try {
    array = Json::parse(body);
  } catch (const Json::parse_error& e) {
    // what() reads "[json.exception.parse_error.101] parse error at line 1, column 5: <why>".
    const std::string what = e.what();
    const std::size_t colon = what.find(": ");
    return InvalidArgument("malformed JSON at byte " + std::to_string(e.byte) + ": " +
                           (colon == std::string::npos ? what : what.substr(colon + 2)));
  }
  if (!array.is_array()) return InvalidArgument("the JSON body must be an array of objects");
  std::string line;
  for (std::size_t i = 0; i < array.size(); ++i) {
    line = array[i].dump(-1, ' ', false, Json::error_handler_t::replace);
    line.push_back('\n');
    reader.Feed(line, batch);
    if (i % kArraySliceRows == kArraySliceRows - 1) publish();
  }
  return Status::Ok();
}

Status Ingest(Context& ctx) {
  events::CallEventSink* sink = ctx.services.events;
  if (sink == nullptr || ctx.services.plan == nullptr) {
    return Unavailable("call event ingest is not configured on this server");
  }
  if (ctx.req.body.empty()) {
    return InvalidArgument("send the call records as the body (docs/formats/cdr.md)");
  }
  QUELL_ASSIGN_OR_RETURN(Body body, BodyOf(ctx));
  events::CdrReader reader(
      *ctx.services.plan,
      body == Body::kCsv ? events::CdrFormat::kCsv : events::CdrFormat::kJsonLines,
      {.max_errors = kMaxReportedErrors});
  std::vector<events::CallEvent> batch;
  const std::function<void()> publish = [&] {
    for (const events::CallEvent& e : batch) sink->Publish(e);
    batch.clear();
  };
  if (body == Body::kJsonArray) {
    QUELL_RETURN_IF_ERROR(FeedArray(ctx.req.body, reader, batch, publish));
  } else {
    const std::string_view text = ctx.req.body;
    for (std::size_t at = 0; at < text.size(); at += kSliceBytes) {
      reader.Feed(text.substr(at, kSliceBytes), batch);
      publish();
    }
  }
  reader.Finish(batch);
  publish();

  const events::CdrStats& stats = reader.stats();
  IngestCounters& counters = Counters();
  counters.accepted.Inc(static_cast<double>(stats.events));
  counters.rejected.Inc(static_cast<double>(stats.bad));
  counters.invalid_callers.Inc(static_cast<double>(stats.invalid_caller));
  Json errors = Json::array();
  for (const events::CdrError& e : reader.errors()) {
    errors.push_back({{"line", e.line}, {"reason", e.reason}});
  }
  Json out = {{"accepted", stats.events},
              {"rejected", stats.bad},
              {"invalid_callers", stats.invalid_caller},
              {"errors", std::move(errors)}};
  if (stats.events > 0) {
    WriteJson(ctx, 200, out);
    return Status::Ok();
  }
  // Nothing usable: a 400 with the usual error object, and the rows' reasons.
  std::string message;
  if (!reader.status().ok()) {
    message = reader.status().message();
  } else if (!reader.errors().empty()) {
    message = "no good row; the first bad one: " + reader.errors().front().ToString();
  } else {
    message = "the body holds no call records";
  }
  out["error"] = {{"code", std::string(StatusCodeName(StatusCode::kInvalidArgument))},
                  {"message", std::move(message)}};
  WriteJson(ctx, 400, out);
  return Status::Ok();
}

}  // namespace

void RegisterEventsRoutes(RouteTable& table) {
  // A machine feed like screening: counted per API key, not audited per batch.
  table.Add({.method = "POST",
             .pattern = "/api/v1/events",
             .roles = kCarriers,
             .machine = true,
             .raw_body = true,
             .handler = Ingest});
}

}  // namespace quell::api
