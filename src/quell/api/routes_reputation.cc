// Number reputation (docs/reputation.md): what Quell knows about a number, for
// phone apps, carriers, analysts and citizens; marks from apps; reassignments
// from carriers.
//
//   GET  /api/v1/numbers/{number}                 reputation, from memory
//   POST /api/v1/numbers/lookup                   {"numbers":[...]} up to 1000
//   GET  /api/v1/numbers/{number}/evidence        what the reputation rests on
//   GET  /api/v1/numbers/prefix/{hex}             by SHA-256 prefix (k-anonymity)
//   POST /api/v1/numbers/{number}/reassignments   a carrier gave the number a new holder
//   POST /api/v1/marks                            an app user's mark(s)
//   GET  /api/v1/blocklist[?since=V]              the signed list for offline apps
//   GET  /api/v1/blocklist/key                    its public key and current version
//   POST /api/v1/appeals                          the holder of a number appeals its label
//   GET  /api/v1/appeals, /api/v1/appeals/{id}    analysts; the appellant's organisation
//   POST /api/v1/appeals/{id}/decision            analysts: upheld or cleared
#include <charconv>

#include "quell/api/internal/json.h"
#include "quell/core/number_plan.h"
#include "quell/core/phone_number.h"
#include "quell/registry/list_reader.h"
#include "quell/registry/ownership.h"
#include "quell/reputation/appeals.h"
#include "quell/reputation/blocklist_store.h"
#include "quell/reputation/reputation.h"

namespace quell::api {
namespace {

const std::vector<Role> kApps = {Role::kApp, Role::kAdmin};
const std::vector<Role> kCarriers = {Role::kCarrier, Role::kAdmin};
const std::vector<Role> kEvidenceReaders = {Role::kAnalyst, Role::kAdmin, Role::kCarrier};
constexpr std::size_t kMaxBatch = 1000;

Result<reputation::Reputation*> ReputationOf(const Context& ctx) {
  if (ctx.services.reputation == nullptr) return Unavailable("number reputation is not running");
  return ctx.services.reputation;
}

Result<uint64_t> NumberOf(const Context& ctx, std::string_view text) {
  const uint64_t n = ctx.services.plan != nullptr ? ctx.services.plan->ToCompact(text) : 0;
  if (n == 0) {
    return InvalidArgument("number: '" + std::string(text.substr(0, 40)) +
                           "' is not a phone number");
  }
  return n;
}

Json LabelJson(reputation::Label l) {
  if (l == reputation::Label::kNone) return nullptr;
  return std::string(reputation::Name(l));
}

void AppendString(std::string& out, std::string_view s) {
  out += '"';
  net::AppendJsonEscaped(out, s);
  out += '"';
}

void AppendInt(std::string& out, int64_t v) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

// A number's standing as JSON text, written straight out: this is the answer
// to every app's lookup before the phone rings (GET /api/v1/numbers/{n}), so no
// JSON tree is built for it. Members in name order, as the tree would write
// them; the other routes embed it through StandingJson.
std::string StandingText(uint64_t number, const reputation::Lookup& found) {
  std::string out;
  out.reserve(400);
  auto n = PhoneNumber::FromCompact(number);
  out += "{\"category\":";
  const reputation::Standing* s = found.own ? &*found.own : nullptr;
  if (s != nullptr && s->category) {
    AppendString(out, Name(*s->category));
  } else {
    out += "null";
  }
  out += ",\"confidence\":";
  if (s == nullptr) {
    out += '0';
  } else if (s->confidence % 100 == 0) {
    out += s->confidence == 0 ? "0.0" : "1.0";
  } else {  // the shortest text that reads back as the same double, as nlohmann writes it
    char buf[32];
    const auto r = std::to_chars(buf, buf + sizeof buf, s->confidence / 100.0);
    out.append(buf, r.ptr);
  }
  out += ",\"counts\":{\"machine\":";
  AppendInt(out, s ? s->machine : 0);
  out += ",\"marks\":";
  AppendInt(out, s ? s->marks : 0);
  out += ",\"reports\":";
  AppendInt(out, s ? s->reports : 0);
  out += "},\"label\":";
  if (s != nullptr && s->label != reputation::Label::kNone) {
    AppendString(out, reputation::Name(s->label));
    const Term& term = reputation::TermOf(s->label);
    out += ",\"label_text\":{\"en\":";
    AppendString(out, term.en);
    out += ",\"zh\":";
    AppendString(out, term.zh);
    out += '}';
  } else {
    out += "null,\"label_text\":null";
  }
  out += ",\"national\":";
  AppendString(out, n ? n->National() : "");
  out += ",\"number\":";
  AppendString(out, n ? n->E164() : "+" + std::to_string(number));
  const reputation::RangeStanding& r = found.range;
  out += ",\"range\":{";
  if (r.flagged) {
    out += "\"digits_open\":";
    AppendInt(out, r.prefix_digits);
    out += ',';
  }
  out += r.flagged ? "\"flagged\":true" : "\"flagged\":false";
  if (r.flagged) {
    out += ",\"prefix\":\"+";
    out += std::to_string(r.prefix);
    out += '"';
  }
  out += ",\"spam_in_10\":";
  AppendInt(out, r.spam_in_10);
  out += ",\"spam_in_100\":";
  AppendInt(out, r.spam_in_100);
  out += "},\"score\":";
  AppendInt(out, s ? s->score : 0);
  out += ",\"updated\":";
  if (s != nullptr && s->updated_s != 0) {
    AppendString(out, FormatRfc3339(TimePoint(std::chrono::seconds(s->updated_s))));
  } else {
    out += "null";
  }
  out += '}';
  return out;
}

Json StandingJson(uint64_t number, const reputation::Lookup& found) {
  return Json::parse(StandingText(number, found));
}

Status GetNumber(Context& ctx) {
  QUELL_ASSIGN_OR_RETURN(reputation::Reputation * rep, ReputationOf(ctx));
  QUELL_ASSIGN_OR_RETURN(uint64_t n, NumberOf(ctx, ctx.params.Get("number")));
  ctx.res.status = 200;
  ctx.res.SetHeader("Content-Type", "application/json");
  ctx.res.body = StandingText(n, rep->Find(n));
  return Status::Ok();
}

Status LookupBatch(Context& ctx) {
  QUELL_ASSIGN_OR_RETURN(reputation::Reputation * rep, ReputationOf(ctx));
  QUELL_ASSIGN_OR_RETURN(Json body, ParseJsonBody(ctx));
  if (!body.is_object() || !body.contains("numbers") || !body["numbers"].is_array()) {
    return InvalidArgument("send {\"numbers\": [\"+8613800138000\", ...]}");
  }
  const Json& numbers = body["numbers"];
  if (numbers.size() > kMaxBatch) {
    return InvalidArgument("at most " + std::to_string(kMaxBatch) + " numbers per lookup");
  }
  // Written as text, as a single lookup is: up to 1,000 standings.
  std::string out = "{\"results\":[";
  for (const Json& item : numbers) {
    if (out.back() != '[') out += ',';
    if (!item.is_string()) {
      out += R"({"error":{"code":"invalid_argument","message":"not a string"}})";
      continue;
    }
    auto n = NumberOf(ctx, item.get<std::string>());
    if (!n) {
      out += Json{{"input", item},
                  {"error", {{"code", "invalid_argument"}, {"message", n.error().message()}}}}
                 .dump(-1, ' ', false, Json::error_handler_t::replace);
      continue;
    }
    out += StandingText(*n, rep->Find(*n));
  }
  out += "]}";
  ctx.res.status = 200;
  ctx.res.SetHeader("Content-Type", "application/json");
  ctx.res.body = std::move(out);
  return Status::Ok();
}

Status GetEvidence(Context& ctx) {
  QUELL_ASSIGN_OR_RETURN(reputation::Reputation * rep, ReputationOf(ctx));
  QUELL_ASSIGN_OR_RETURN(uint64_t n, NumberOf(ctx, ctx.params.Get("number")));
  QUELL_ASSIGN_OR_RETURN(int64_t limit, IntQuery(ctx, "limit", 100, 1, 1000));
  QUELL_ASSIGN_OR_RETURN(auto items, rep->EvidenceOf(n, static_cast<int>(limit)));
  Json list = Json::array();
  for (const auto& it : items) {
    list.push_back({{"source", it.source},
                    {"label", LabelJson(it.label)},
                    {"category", it.category ? Json(std::string(Name(*it.category))) : Json()},
                    {"legit", it.legit},
                    {"weight", it.weight},
                    {"at", TimeJson(it.at)},
                    {"ref", it.ref},
                    {"detail", it.detail}});
  }
  Json out = StandingJson(n, rep->Find(n));
  out["evidence"] = std::move(list);
  WriteJson(ctx, 200, out);
  return Status::Ok();
}

Status ByPrefix(Context& ctx) {
  QUELL_ASSIGN_OR_RETURN(reputation::Reputation * rep, ReputationOf(ctx));
  QUELL_ASSIGN_OR_RETURN(auto matches, rep->ByHashPrefix(ctx.params.Get("prefix")));
  Json list = Json::array();
  for (const auto& m : matches) {
    list.push_back(
        {{"sha256", m.sha256_hex},
         {"label", LabelJson(m.standing.label)},
         {"category", m.standing.category ? Json(std::string(Name(*m.standing.category))) : Json()},
         {"score", m.standing.score},
         {"confidence", m.standing.confidence / 100.0}});
  }
  WriteJson(ctx, 200, {{"prefix", ctx.params.Get("prefix")}, {"numbers", std::move(list)}});
  return Status::Ok();
}

Status Reassign(Context& ctx) {
  QUELL_ASSIGN_OR_RETURN(reputation::Reputation * rep, ReputationOf(ctx));
  QUELL_ASSIGN_OR_RETURN(uint64_t n, NumberOf(ctx, ctx.params.Get("number")));
  TimePoint at = ctx.services.clock.Now();
  if (!ctx.req.body.empty()) {
    QUELL_ASSIGN_OR_RETURN(Json body, ParseJsonBody(ctx));
    QUELL_ASSIGN_OR_RETURN(std::string text, OptionalString(body, "at"));
    if (!text.empty()) {
      auto t = registry::ParseDateOrTime(text);
      if (!t) return InvalidArgument("at: " + t.error().message());
      if (*t > at) return InvalidArgument("at: a reassignment cannot be in the future");
      at = *t;
    }
  }
  QUELL_RETURN_IF_ERROR(rep->Reassign(n, at).status());
  ctx.audit_target = "+" + std::to_string(n);
  WriteJson(ctx, 200, StandingJson(n, rep->Find(n)));
  return Status::Ok();
}

Result<Json> OneMark(Context& ctx, reputation::Reputation& rep, const Json& m) {
  if (!m.is_object()) return InvalidArgument("a mark is an object");
  QUELL_ASSIGN_OR_RETURN(std::string number, RequireString(m, "number"));
  QUELL_ASSIGN_OR_RETURN(std::string label_text, RequireString(m, "label"));
  QUELL_ASSIGN_OR_RETURN(std::string user, RequireString(m, "user"));
  QUELL_ASSIGN_OR_RETURN(std::string category, OptionalString(m, "category"));
  reputation::Mark mark;
  QUELL_ASSIGN_OR_RETURN(mark.number, NumberOf(ctx, number));
  if (label_text == "not_spam") {
    mark.label = reputation::Label::kNone;
  } else {
    auto label = reputation::ParseLabel(label_text);
    if (!label || *label == reputation::Label::kNone) {
      return InvalidArgument("label: '" + label_text.substr(0, 40) +
                             "' is not a label (docs/reputation.md lists them)");
    }
    mark.label = *label;
  }
  if (!category.empty()) {
    mark.category = ParseCategory(category);
    if (!mark.category)
      return InvalidArgument("category: '" + category.substr(0, 40) + "' is unknown");
    if (mark.label != reputation::Label::kMarketing) {
      return InvalidArgument("category: only a marketing mark has a category");
    }
  }
  mark.app_org_id = *ctx.principal->org_id;
  mark.user = std::move(user);
  mark.at = ctx.services.clock.Now();
  QUELL_ASSIGN_OR_RETURN(reputation::MarkResult r, rep.AddMark(mark));
  return Json{{"replaced", r.replaced},
              {"weight", r.weight},
              {"reputation", StandingJson(mark.number, rep.Find(mark.number))}};
}

Status PostMarks(Context& ctx) {
  QUELL_ASSIGN_OR_RETURN(reputation::Reputation * rep, ReputationOf(ctx));
  if (!ctx.principal || !ctx.principal->org_id) {
    return PermissionDenied("marks come from an app vendor's API key");
  }
  QUELL_ASSIGN_OR_RETURN(Json body, ParseJsonBody(ctx));
  if (body.is_object() && body.contains("marks")) {
    const Json& marks = body["marks"];
    if (!marks.is_array() || marks.size() > kMaxBatch) {
      return InvalidArgument("marks: an array of at most " + std::to_string(kMaxBatch));
    }
    Json results = Json::array();
    int accepted = 0;
    for (const Json& m : marks) {
      auto r = OneMark(ctx, *rep, m);
      if (r) {
        ++accepted;
        results.push_back(std::move(*r));
      } else {
        const bool internal = r.error().code() == StatusCode::kInternal;
        results.push_back({{"error",
                            {{"code", std::string(StatusCodeName(r.error().code()))},
                             {"message", internal ? "internal error" : r.error().message()}}}});
      }
    }
    WriteJson(ctx, 200, {{"accepted", accepted}, {"results", std::move(results)}});
    return Status::Ok();
  }
  QUELL_ASSIGN_OR_RETURN(Json one, OneMark(ctx, *rep, body));
  WriteJson(ctx, 200, one);
  return Status::Ok();
}

Result<reputation::BlocklistStore*> BlocklistsOf(const Context& ctx) {
  if (ctx.services.blocklists == nullptr) return Unavailable("blocklists are not being built");
  return ctx.services.blocklists;
}

std::string Hex(const std::array<uint8_t, 32>& bytes, std::size_t n) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < n; ++i) {
    out += kHex[bytes[i] >> 4];
    out += kHex[bytes[i] & 15];
  }
  return out;
}

// The full list, or with ?since=V the delta from V — the full list again when
// no delta from V is kept (the headers say which).
Status GetBlocklist(Context& ctx) {
  QUELL_ASSIGN_OR_RETURN(reputation::BlocklistStore * lists, BlocklistsOf(ctx));
  QUELL_ASSIGN_OR_RETURN(int64_t since, IntQuery(ctx, "since", 0, 0, INT64_MAX));
  Result<reputation::BlocklistFile> file = Status::Ok();
  if (since > 0) file = lists->Delta(static_cast<uint64_t>(since));
  if (since == 0 || (!file && file.error().code() == StatusCode::kFailedPrecondition)) {
    file = lists->Full();
  }
  QUELL_RETURN_IF_ERROR(file.status());
  const std::string etag =
      "\"" + std::to_string(file->version) + "-" + std::to_string(file->base_version) + "\"";
  ctx.res.SetHeader("ETag", etag);
  ctx.res.SetHeader("X-Quell-Blocklist-Version", std::to_string(file->version));
  ctx.res.SetHeader("X-Quell-Blocklist-Base", std::to_string(file->base_version));
  ctx.res.SetHeader("Cache-Control", "private, max-age=60");
  if (!file->bytes || ctx.req.Header("if-none-match") == etag) {
    ctx.res.status = 304;
    return Status::Ok();
  }
  ctx.res.status = 200;
  ctx.res.SetHeader("Content-Type", "application/vnd.quell.blocklist");
  ctx.res.body = *file->bytes;
  return Status::Ok();
}

Status GetBlocklistKey(Context& ctx) {
  QUELL_ASSIGN_OR_RETURN(reputation::BlocklistStore * lists, BlocklistsOf(ctx));
  const reputation::BlocklistStats s = lists->stats();
  Json out = {{"algorithm", "Ed25519"},
              {"public_key", lists->key().public_key_base64()},
              {"key_id", Hex(lists->key().public_key(), 8)},
              {"version", s.version},
              {"entries", s.entries},
              {"full_bytes", s.full_bytes},
              {"oldest_delta_base", s.oldest_delta_base}};
  out["built_at"] =
      s.built_at_s > 0 ? TimeJson(TimePoint(std::chrono::seconds(s.built_at_s))) : Json(nullptr);
  WriteJson(ctx, 200, out);
  return Status::Ok();
}

const std::vector<Role> kAppellants = {Role::kBusiness, Role::kCitizen};
const std::vector<Role> kAppealReaders = {Role::kBusiness, Role::kCitizen, Role::kAnalyst,
                                          Role::kAdmin};
const std::vector<Role> kAnalysts = {Role::kAnalyst, Role::kAdmin};

Result<reputation::Appeals*> AppealsOf(const Context& ctx) {
  if (ctx.services.appeals == nullptr) return Unavailable("appeals are not available");
  return ctx.services.appeals;
}

bool IsStaff(const Context& ctx) {
  return ctx.principal &&
         (ctx.principal->role == Role::kAnalyst || ctx.principal->role == Role::kAdmin);
}

// Who may see an appeal: staff, the appellant, and the appellant's organisation.
bool MaySee(const Context& ctx, const reputation::Appeal& a) {
  if (IsStaff(ctx)) return true;
  if (!ctx.principal) return false;
  if (a.org_id != 0 && ctx.principal->org_id && *ctx.principal->org_id == a.org_id) return true;
  return a.appellant == ctx.principal->name;
}

Json AppealJson(const reputation::Appeal& a) {
  auto n = PhoneNumber::FromCompact(a.number);
  Json out = {{"id", a.id},
              {"number", n ? n->E164() : "+" + std::to_string(a.number)},
              {"national", n ? n->National() : ""},
              {"appellant", a.appellant},
              {"reason", a.reason},
              {"contact", a.contact},
              {"state", std::string(reputation::Name(a.state))},
              {"filed_at", TimeJson(a.filed_at)},
              {"at_filing",
               {{"label", LabelJson(a.at_filing.label)},
                {"score", a.at_filing.score},
                {"confidence", a.at_filing.confidence / 100.0},
                {"counts",
                 {{"reports", a.at_filing.reports},
                  {"marks", a.at_filing.marks},
                  {"machine", a.at_filing.machine}}}}}};
  if (a.decided_at) {
    out["decision"] = {
        {"at", TimeJson(*a.decided_at)}, {"by", a.decided_by}, {"note", a.decision_note}};
  } else {
    out["decision"] = nullptr;
  }
  return out;
}

// The number is proven by the one-time-code token of the number-ownership
// flow (POST /api/v1/dnc/codes, /api/v1/dnc/verify), in X-Quell-Dnc-Token.
Status FileAppeal(Context& ctx) {
  QUELL_ASSIGN_OR_RETURN(reputation::Appeals * appeals, AppealsOf(ctx));
  if (ctx.services.ownership == nullptr) return Unavailable("number proofs are not available");
  QUELL_ASSIGN_OR_RETURN(PhoneNumber n,
                         ctx.services.ownership->NumberOf(ctx.req.Header("x-quell-dnc-token")));
  QUELL_ASSIGN_OR_RETURN(Json body, ParseJsonBody(ctx));
  QUELL_ASSIGN_OR_RETURN(std::string reason, RequireString(body, "reason"));
  QUELL_ASSIGN_OR_RETURN(std::string contact, OptionalString(body, "contact"));
  const int64_t org = ctx.principal->org_id.value_or(0);
  QUELL_ASSIGN_OR_RETURN(reputation::Appeal a,
                         appeals->File(n.compact(), org, ctx.principal->name, reason, contact));
  ctx.audit_target = "appeal:" + std::to_string(a.id);
  ctx.audit_detail = n.E164();
  WriteJson(ctx, 201, AppealJson(a));
  return Status::Ok();
}

Status ListAppeals(Context& ctx) {
  QUELL_ASSIGN_OR_RETURN(reputation::Appeals * appeals, AppealsOf(ctx));
  reputation::AppealQuery q;
  if (const std::string s = ctx.req.QueryParam("state"); !s.empty()) {
    if (s == "open")
      q.state = reputation::AppealState::kOpen;
    else if (s == "upheld")
      q.state = reputation::AppealState::kUpheld;
    else if (s == "cleared")
      q.state = reputation::AppealState::kCleared;
    else
      return InvalidArgument("state must be open, upheld or cleared");
  }
  if (const std::string n = ctx.req.QueryParam("number"); !n.empty()) {
    QUELL_ASSIGN_OR_RETURN(q.number, NumberOf(ctx, n));
  }
  if (!IsStaff(ctx)) {
    // Businesses see their organisation's appeals; people filed on their own
    // are seen one by one (GET /api/v1/appeals/{id}).
    if (!ctx.principal->org_id) return PermissionDenied("list appeals as an organisation");
    q.org_id = *ctx.principal->org_id;
  }
  QUELL_ASSIGN_OR_RETURN(q.before_id, IntQuery(ctx, "before", 0, 0, INT64_MAX));
  QUELL_ASSIGN_OR_RETURN(int64_t limit, IntQuery(ctx, "limit", 100, 1, 1000));
  q.limit = static_cast<int>(limit);
  QUELL_ASSIGN_OR_RETURN(auto list, appeals->List(q));
  Json out = Json::array();
  for (const auto& a : list) out.push_back(AppealJson(a));
  Json body = {{"appeals", std::move(out)}};
  if (static_cast<int64_t>(list.size()) == limit) body["next_before"] = list.back().id;
  WriteJson(ctx, 200, body);
  return Status::Ok();
}

Status GetAppeal(Context& ctx) {
  QUELL_ASSIGN_OR_RETURN(reputation::Appeals * appeals, AppealsOf(ctx));
  QUELL_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "id"));
  QUELL_ASSIGN_OR_RETURN(auto a, appeals->Get(id));
  if (!a || !MaySee(ctx, *a)) return NotFound("no appeal " + std::to_string(id));
  WriteJson(ctx, 200, AppealJson(*a));
  return Status::Ok();
}

Status DecideAppeal(Context& ctx) {
  QUELL_ASSIGN_OR_RETURN(reputation::Appeals * appeals, AppealsOf(ctx));
  QUELL_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "id"));
  QUELL_ASSIGN_OR_RETURN(Json body, ParseJsonBody(ctx));
  QUELL_ASSIGN_OR_RETURN(std::string decision, RequireString(body, "decision"));
  QUELL_ASSIGN_OR_RETURN(std::string note, RequireString(body, "note"));
  reputation::AppealState state;
  if (decision == "upheld") {
    state = reputation::AppealState::kUpheld;
  } else if (decision == "cleared") {
    state = reputation::AppealState::kCleared;
  } else {
    return InvalidArgument("decision must be upheld or cleared");
  }
  QUELL_ASSIGN_OR_RETURN(reputation::Appeal a,
                         appeals->Decide(id, state, ctx.principal->name, note));
  ctx.audit_target = "appeal:" + std::to_string(id);
  ctx.audit_detail = decision;
  Json out = AppealJson(a);
  if (ctx.services.reputation != nullptr) {
    out["reputation"] = StandingJson(a.number, ctx.services.reputation->Find(a.number));
  }
  WriteJson(ctx, 200, out);
  return Status::Ok();
}

}  // namespace

void RegisterReputationRoutes(RouteTable& table) {
  table.Add({.method = "POST",
             .pattern = "/api/v1/appeals",
             .roles = kAppellants,
             .audit_action = "appeal.file",
             .handler = FileAppeal});
  table.Add({.method = "GET",
             .pattern = "/api/v1/appeals",
             .roles = kAppealReaders,
             .handler = ListAppeals});
  table.Add({.method = "GET",
             .pattern = "/api/v1/appeals/{id}",
             .roles = kAppealReaders,
             .handler = GetAppeal});
  table.Add({.method = "POST",
             .pattern = "/api/v1/appeals/{id}/decision",
             .roles = kAnalysts,
             .audit_action = "appeal.decide",
             .handler = DecideAppeal});
  table.Add({.method = "GET", .pattern = "/api/v1/blocklist", .handler = GetBlocklist});
  table.Add({.method = "GET", .pattern = "/api/v1/blocklist/key", .handler = GetBlocklistKey});
  table.Add({.method = "GET", .pattern = "/api/v1/numbers/prefix/{prefix}", .handler = ByPrefix});
  table.Add({.method = "POST",
             .pattern = "/api/v1/numbers/lookup",
             .machine = true,
             .handler = LookupBatch});
  table.Add({.method = "GET", .pattern = "/api/v1/numbers/{number}", .handler = GetNumber});
  table.Add({.method = "GET",
             .pattern = "/api/v1/numbers/{number}/evidence",
             .roles = kEvidenceReaders,
             .handler = GetEvidence});
  table.Add({.method = "POST",
             .pattern = "/api/v1/numbers/{number}/reassignments",
             .roles = kCarriers,
             .audit_action = "number.reassign",
             .handler = Reassign});
  table.Add({.method = "POST",
             .pattern = "/api/v1/marks",
             .roles = kApps,
             .machine = true,
             .handler = PostMarks});
}

}  // namespace quell::api
