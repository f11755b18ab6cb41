// /api/v1/dnc: the Do-Not-Call register over REST — carriers' bulk
// registrations, the change feed and snapshots, businesses' scrubs, receipts,
// declared calling ranges and exemptions, and the registry staff's view of a
// number. Citizens' own routes (ownership proven by a one-time code) are in
// routes_dnc_citizen.cc.
#include <algorithm>
#include <map>

#include "quell/api/internal/dnc_json.h"
#include "quell/core/number_plan.h"
#include "quell/core/phone_number.h"
#include "quell/registry/list_reader.h"
#include "quell/registry/registry.h"
#include "quell/registry/scrub.h"
#include "quell/registry/violations.h"

namespace quell::api {
namespace {

using registry::Registry;

const std::vector<Role> kStaff = {Role::kAnalyst, Role::kAdmin};
const std::vector<Role> kCarriers = {Role::kCarrier, Role::kAdmin};
const std::vector<Role> kBusiness = {Role::kBusiness};
const std::vector<Role> kListReaders = {Role::kBusiness, Role::kCarrier, Role::kAnalyst,
                                        Role::kAdmin};
constexpr std::size_t kMaxBulk = 10'000;

Result<Registry*> RegistryOf(const Context& ctx) {
  if (ctx.services.registry == nullptr || ctx.services.plan == nullptr) {
    return Unavailable("the Do-Not-Call register is not configured");
  }
  return ctx.services.registry;
}

// A number as people write it, checked against the numbering plan.
Result<PhoneNumber> ParseNumber(const Context& ctx, std::string_view text) {
  const uint64_t compact = ctx.services.plan->ToCompact(text);
  if (compact == 0)
    return InvalidArgument("'" + std::string(text.substr(0, 40)) + "' is not a phone number");
  if (!ctx.services.plan->Classify(compact).valid) {
    return InvalidArgument("'" + std::string(text.substr(0, 40)) +
                           "' is not valid in the numbering plan");
  }
  return PhoneNumber::FromCompact(compact);
}

// The organisation of a business principal.
Result<int64_t> BusinessOrgOf(const Context& ctx) {
  if (!ctx.principal || !ctx.principal->org_id) {
    return PermissionDenied("only a business organisation can do this");
  }
  return *ctx.principal->org_id;
}

Json StringList(const std::vector<std::string>& v) {
  Json out = Json::array();
  for (const auto& s : v) out.push_back(s);
  return out;
}

Json PreferencesJson(const registry::Preferences& p) {
  return {{"categories",
           p.RefusesAll() ? Json(std::vector<std::string>{"all"}) : StringList(p.CategoryNames())},
          {"accepted_bands", StringList(p.BandNames())}};
}

}  // namespace

Result<registry::Preferences> DncPreferencesFrom(const Json& body) {
  std::vector<std::string> categories, bands;
  for (const auto& [field, out] :
       {std::pair{"categories", &categories}, std::pair{"accepted_bands", &bands}}) {
    auto it = body.find(field);
    if (it == body.end() || it->is_null()) continue;
    if (!it->is_array() || it->size() > 64) {
      return InvalidArgument(std::string("'") + field + "' must be an array of strings");
    }
    for (const auto& v : *it) {
      if (!v.is_string()) return InvalidArgument(std::string("'") + field + "' must hold strings");
      out->push_back(v.get<std::string>());
    }
  }
  return registry::ParsePreferences(categories, bands);
}

namespace {

Json ChangeJson(const registry::Change& c, bool full) {
  Json out = {{"version", c.version},
              {"number", c.number.E164()},
              {"op", std::string(registry::Name(c.kind))},
              {"at", TimeJson(c.at)},
              {"preferences", PreferencesJson(c.preferences)}};
  if (c.kind == registry::ChangeKind::kRegister) out["protected_from"] = TimeJson(c.effective_at);
  if (full) {
    out["channel"] = std::string(registry::Name(c.channel));
    out["verification"] = c.verification;
    out["actor"] = c.actor;
  }
  return out;
}

Json RegistrationJson(const registry::Registration& r) {
  Json out = {{"number", r.number.E164()},
              {"national", r.number.National()},
              {"registered", r.registered},
              {"registered_at", TimeJson(r.registered_at)},
              {"protected_from", TimeJson(r.protected_from)},
              {"removed_at", r.removed_at ? TimeJson(*r.removed_at) : Json(nullptr)},
              {"channel", std::string(registry::Name(r.channel))},
              {"verification", r.verification},
              {"preferences", PreferencesJson(r.preferences)}};
  return out;
}

// Organisation names by id, for listings that show other organisations'.
std::map<int64_t, std::string> OrgNames(const Context& ctx) {
  std::map<int64_t, std::string> names;
  if (auto orgs = ctx.services.accounts.ListOrganisations()) {
    for (const auto& o : *orgs) names[o.id] = o.name;
  }
  return names;
}

Json ReceiptJson(const registry::ScrubReceipt& r, const std::map<int64_t, std::string>& names) {
  auto name = names.find(r.org_id);
  return {{"id", r.id},
          {"org_id", r.org_id},
          {"org_name", name == names.end() ? Json(nullptr) : Json(name->second)},
          {"actor", r.actor},
          {"at", TimeJson(r.at)},
          {"counts",
           {{"total", r.counts.total},
            {"callable", r.counts.callable},
            {"protected", r.counts.protected_numbers},
            {"exempt", r.counts.exempt},
            {"invalid", r.counts.invalid}}},
          {"list_sha256", r.list_sha256},
          {"result_sha256", r.result_sha256}};
}

Json RangeJson(const registry::DeclaredRange& r) {
  registry::Preferences p{.categories = r.categories};
  return {{"id", r.id},
          {"first", r.first.E164()},
          {"last", r.last.E164()},
          {"purpose", std::string(registry::Name(r.purpose))},
          {"categories", StringList(p.CategoryNames())},
          {"created_at", TimeJson(r.created_at)}};
}

Json ExemptionJson(const registry::Exemption& e) {
  return {{"id", e.id},
          {"number", e.number.E164()},
          {"basis", std::string(registry::Name(e.basis))},
          {"starts_at", TimeJson(e.starts_at)},
          {"expires_at", e.expires_at ? TimeJson(*e.expires_at) : Json(nullptr)},
          {"note", e.note},
          {"revoked_at", e.revoked_at ? TimeJson(*e.revoked_at) : Json(nullptr)}};
}

Json ErrorJson(const Status& s) {
  return {{"code", std::string(StatusCodeName(s.code()))}, {"message", s.message()}};
}

// --- handlers -------------------------------------------------------------------

Status GetNumber(Context& ctx) {
  QUELL_ASSIGN_OR_RETURN(Registry * reg, RegistryOf(ctx));
  QUELL_ASSIGN_OR_RETURN(PhoneNumber n, ParseNumber(ctx, ctx.params.Get("number")));
  ctx.audit_target = "dnc:" + n.E164();
  QUELL_ASSIGN_OR_RETURN(registry::Registration r, reg->Get(n));
  QUELL_ASSIGN_OR_RETURN(auto history, reg->History(n));
  Json out = RegistrationJson(r);
  Json h = Json::array();
  for (const auto& c : history) h.push_back(ChangeJson(c, true));
  out["history"] = std::move(h);
  WriteJson(ctx, 200, out);
  return Status::Ok();
}

Status BulkRegister(Context& ctx) {
  QUELL_ASSIGN_OR_RETURN(Registry * reg, RegistryOf(ctx));
  QUELL_ASSIGN_OR_RETURN(Json body, ParseJsonBody(ctx));
  auto rows = body.find("registrations");
  if (rows == body.end() || !rows->is_array() || rows->empty() || rows->size() > kMaxBulk) {
    return InvalidArgument("'registrations' must be an array of 1 to 10000 rows");
  }
  const std::string verification =
      "carrier:" +
      (ctx.principal->org_name.empty() ? ctx.principal->name : ctx.principal->org_name);
  std::vector<Json> results(rows->size());
  std::vector<registry::RegisterRequest> requests;
  std::vector<std::size_t> request_rows;
  int64_t failed = 0;
  auto fail = [&](std::size_t i, const Status& s) {
    results[i] = {{"row", i}, {"status", "error"}, {"error", ErrorJson(s)}};
    ++failed;
  };
  std::vector<std::pair<std::size_t, PhoneNumber>> removals;
  for (std::size_t i = 0; i < rows->size(); ++i) {
    const Json& row = (*rows)[i];
    if (!row.is_object()) {
      fail(i, InvalidArgument("each row must be an object"));
      continue;
    }
    auto number = RequireString(row, "number");
    if (!number) {
      fail(i, number.status());
      continue;
    }
    auto n = ParseNumber(ctx, *number);
    if (!n) {
      fail(i, n.status());
      continue;
    }
    auto action = OptionalString(row, "action");
    if (!action || (!action->empty() && *action != "register" && *action != "remove")) {
      fail(i, InvalidArgument("'action' is register (default) or remove"));
      continue;
    }
    if (*action == "remove") {
      removals.emplace_back(i, *n);
      continue;
    }
    auto prefs = DncPreferencesFrom(row);
    if (!prefs) {
      fail(i, prefs.status());
      continue;
    }
    requests.push_back({.number = *n,
                        .channel = registry::Channel::kCarrier,
                        .verification = verification,
                        .actor = ctx.principal->name,
                        .preferences = *prefs});
    request_rows.push_back(i);
  }
  if (!requests.empty()) {
    QUELL_ASSIGN_OR_RETURN(auto done, reg->RegisterMany(requests));
    for (std::size_t k = 0; k < done.size(); ++k) {
      const std::size_t i = request_rows[k];
      if (!done[k]) {
        fail(i, done[k].status());
        continue;
      }
      const registry::Change& c = *done[k];
      results[i] = {
          {"row", i},
          {"number", c.number.E164()},
          {"status", c.unchanged                                    ? "unchanged"
                     : c.kind == registry::ChangeKind::kPreferences ? "preferences_updated"
                                                                    : "registered"},
          {"version", c.version},
          {"protected_from",
           c.kind == registry::ChangeKind::kRegister ? TimeJson(c.effective_at) : Json(nullptr)}};
    }
  }
  for (const auto& [i, n] : removals) {
    auto c = reg->Remove(n, registry::Channel::kCarrier, ctx.principal->name);
    if (!c) {
      fail(i, c.status());
      continue;
    }
    results[i] = {{"row", i}, {"number", n.E164()}, {"status", "removed"}, {"version", c->version}};
  }
  ctx.audit_target = "dnc:bulk";
  ctx.audit_detail = std::to_string(rows->size()) + " rows, " + std::to_string(failed) + " failed";
  WriteJson(ctx, 200,
            {{"results", results}, {"counts", {{"rows", rows->size()}, {"failed", failed}}}});
  return Status::Ok();
}

Status Changes(Context& ctx) {
  QUELL_ASSIGN_OR_RETURN(Registry * reg, RegistryOf(ctx));
  QUELL_ASSIGN_OR_RETURN(int64_t since, IntQuery(ctx, "since", 0, 0, INT64_MAX));
  QUELL_ASSIGN_OR_RETURN(int64_t limit, IntQuery(ctx, "limit", 1000, 1, 10000));
  QUELL_ASSIGN_OR_RETURN(registry::ChangePage page, reg->Changes(since, static_cast<int>(limit)));
  const bool staff = ctx.principal->role == Role::kAnalyst || ctx.principal->role == Role::kAdmin;
  Json changes = Json::array();
  for (const auto& c : page.changes) changes.push_back(ChangeJson(c, staff));
  WriteJson(ctx, 200,
            {{"format", "quell-dnc-changes/1"},
             {"since", since},
             {"next", page.next},
             {"latest", page.latest},
             {"changes", std::move(changes)}});
  return Status::Ok();
}

Status Snapshot(Context& ctx) {
  QUELL_ASSIGN_OR_RETURN(Registry * reg, RegistryOf(ctx));
  const std::string prefix = ctx.req.QueryParam("prefix");
  std::string digits = prefix;
  if (!digits.empty() && digits[0] == '+') digits.erase(0, 1);
  if (digits.size() < 6 || digits.size() > 15 ||
      digits.find_first_not_of("0123456789") != std::string::npos || digits[0] == '0') {
    return InvalidArgument(
        "'prefix' must be the first 6 to 15 digits of E.164 numbers (e.g. 8613800), so that one "
        "snapshot holds a bounded block");
  }
  QUELL_ASSIGN_OR_RETURN(registry::Registry::PrefixSnapshot snap,
                         reg->SnapshotPrefix(digits, ctx.services.clock.Now()));
  std::string body = "# quell-dnc-snapshot/1 prefix=+" + digits +
                     " version=" + std::to_string(snap.version) +
                     "\nnumber,categories,accepted_bands\n";
  for (const auto& [number, prefs] : snap.numbers) {
    body += "+" + std::to_string(number) + ",";
    const auto cats = prefs.CategoryNames();
    if (cats.empty()) body += "all";
    for (std::size_t i = 0; i < cats.size(); ++i) body += (i ? ";" : "") + cats[i];
    body += ",";
    const auto bands = prefs.BandNames();
    for (std::size_t i = 0; i < bands.size(); ++i) body += (i ? ";" : "") + bands[i];
    body += "\n";
  }
  ctx.res.status = 200;
  ctx.res.SetHeader("Content-Type", "text/csv; charset=utf-8");
  ctx.res.SetHeader("X-Quell-Dnc-Version", std::to_string(snap.version));
  ctx.res.body = std::move(body);
  return Status::Ok();
}

Status Scrub(Context& ctx) {
  QUELL_ASSIGN_OR_RETURN(Registry * reg, RegistryOf(ctx));
  QUELL_ASSIGN_OR_RETURN(int64_t org, BusinessOrgOf(ctx));
  if (ctx.req.body.empty())
    return InvalidArgument("send the list as the body: one number per line");
  const std::string_view type = ctx.req.Header("content-type");
  if (!type.starts_with("text/csv") && !type.starts_with("text/plain")) {
    return InvalidArgument("send the list as text/csv (one number per line, first column)");
  }
  registry::Scrubber scrubber(*reg, *ctx.services.plan, org, ctx.services.clock.Now());
  std::string out;
  out.reserve(ctx.req.body.size() * 2);
  QUELL_RETURN_IF_ERROR(scrubber.Feed(ctx.req.body, &out));
  QUELL_RETURN_IF_ERROR(scrubber.Finish(&out));
  QUELL_ASSIGN_OR_RETURN(registry::ScrubReceipt receipt, scrubber.Record(ctx.principal->name));
  const registry::ScrubCounts& c = receipt.counts;
  ctx.audit_target = "scrub:" + receipt.id;
  ctx.audit_detail = std::to_string(c.total) + " numbers";
  ctx.res.status = 200;
  ctx.res.SetHeader("Content-Type", "text/csv; charset=utf-8");
  ctx.res.SetHeader("X-Quell-Scrub-Receipt", receipt.id);
  ctx.res.SetHeader("X-Quell-List-SHA256", receipt.list_sha256);
  ctx.res.SetHeader(
      "X-Quell-Scrub-Counts",
      "total=" + std::to_string(c.total) + ", callable=" + std::to_string(c.callable) +
          ", protected=" + std::to_string(c.protected_numbers) +
          ", exempt=" + std::to_string(c.exempt) + ", invalid=" + std::to_string(c.invalid));
  ctx.res.body = std::move(out);
  return Status::Ok();
}

bool IsStaff(const Context& ctx) {
  return ctx.principal->role == Role::kAnalyst || ctx.principal->role == Role::kAdmin;
}

Status ListReceipts(Context& ctx) {
  QUELL_ASSIGN_OR_RETURN(Registry * reg, RegistryOf(ctx));
  QUELL_ASSIGN_OR_RETURN(int64_t limit, IntQuery(ctx, "limit", 100, 1, 1000));
  int64_t org = 0;
  if (IsStaff(ctx)) {
    QUELL_ASSIGN_OR_RETURN(org, IntQuery(ctx, "org_id", 0, 0, INT64_MAX));
  } else {
    QUELL_ASSIGN_OR_RETURN(org, BusinessOrgOf(ctx));
  }
  QUELL_ASSIGN_OR_RETURN(auto receipts, reg->ListReceipts(org, static_cast<int>(limit)));
  const auto names = OrgNames(ctx);
  Json out = Json::array();
  for (const auto& r : receipts) out.push_back(ReceiptJson(r, names));
  WriteJson(ctx, 200, {{"receipts", std::move(out)}});
  return Status::Ok();
}

Status GetReceipt(Context& ctx) {
  QUELL_ASSIGN_OR_RETURN(Registry * reg, RegistryOf(ctx));
  QUELL_ASSIGN_OR_RETURN(registry::ScrubReceipt r, reg->GetReceipt(ctx.params.Get("id")));
  if (!IsStaff(ctx) && (!ctx.principal->org_id || *ctx.principal->org_id != r.org_id)) {
    return NotFound("no scrub receipt '" + std::string(ctx.params.Get("id")) + "'");
  }
  WriteJson(ctx, 200, ReceiptJson(r, OrgNames(ctx)));
  return Status::Ok();
}

Status ListRanges(Context& ctx) {
  QUELL_ASSIGN_OR_RETURN(Registry * reg, RegistryOf(ctx));
  QUELL_ASSIGN_OR_RETURN(int64_t org, BusinessOrgOf(ctx));
  QUELL_ASSIGN_OR_RETURN(auto ranges, reg->ListRanges(org));
  Json out = Json::array();
  for (const auto& r : ranges) out.push_back(RangeJson(r));
  WriteJson(ctx, 200, {{"ranges", std::move(out)}});
  return Status::Ok();
}

Status DeclareRange(Context& ctx) {
  QUELL_ASSIGN_OR_RETURN(Registry * reg, RegistryOf(ctx));
  QUELL_ASSIGN_OR_RETURN(int64_t org, BusinessOrgOf(ctx));
  QUELL_ASSIGN_OR_RETURN(Json body, ParseJsonBody(ctx));
  QUELL_ASSIGN_OR_RETURN(std::string first_text, RequireString(body, "first"));
  QUELL_ASSIGN_OR_RETURN(std::string last_text, OptionalString(body, "last"));
  QUELL_ASSIGN_OR_RETURN(std::string purpose_text, OptionalString(body, "purpose"));
  QUELL_ASSIGN_OR_RETURN(PhoneNumber first, ParseNumber(ctx, first_text));
  QUELL_ASSIGN_OR_RETURN(PhoneNumber last, last_text.empty() ? Result<PhoneNumber>(first)
                                                             : ParseNumber(ctx, last_text));
  auto purpose = registry::ParsePurpose(purpose_text.empty() ? "marketing" : purpose_text);
  if (!purpose) return InvalidArgument("'purpose' is marketing or service");
  QUELL_ASSIGN_OR_RETURN(registry::Preferences cats, DncPreferencesFrom(body));
  if (cats.categories == 0) return InvalidArgument("'categories' names the categories called");
  registry::DeclaredRange range{
      .first = first, .last = last, .purpose = *purpose, .categories = cats.categories};
  QUELL_ASSIGN_OR_RETURN(auto added, reg->DeclareRanges(org, {&range, 1}));
  ctx.audit_target = "dnc-range:" + std::to_string(added.at(0).id);
  ctx.audit_detail = first.E164() + ".." + last.E164();
  WriteJson(ctx, 201, RangeJson(added.at(0)));
  return Status::Ok();
}

Status DeleteRange(Context& ctx) {
  QUELL_ASSIGN_OR_RETURN(Registry * reg, RegistryOf(ctx));
  QUELL_ASSIGN_OR_RETURN(int64_t org, BusinessOrgOf(ctx));
  QUELL_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "id"));
  QUELL_RETURN_IF_ERROR(reg->RemoveRange(org, id));
  ctx.audit_target = "dnc-range:" + std::to_string(id);
  ctx.res.status = 204;
  return Status::Ok();
}

Status ListExemptions(Context& ctx) {
  QUELL_ASSIGN_OR_RETURN(Registry * reg, RegistryOf(ctx));
  QUELL_ASSIGN_OR_RETURN(int64_t org, BusinessOrgOf(ctx));
  QUELL_ASSIGN_OR_RETURN(int64_t limit, IntQuery(ctx, "limit", 100, 1, 10000));
  QUELL_ASSIGN_OR_RETURN(auto list, reg->ListExemptions(org, static_cast<int>(limit)));
  Json out = Json::array();
  for (const auto& e : list) out.push_back(ExemptionJson(e));
  WriteJson(ctx, 200, {{"exemptions", std::move(out)}});
  return Status::Ok();
}

Status AddExemption(Context& ctx) {
  QUELL_ASSIGN_OR_RETURN(Registry * reg, RegistryOf(ctx));
  QUELL_ASSIGN_OR_RETURN(int64_t org, BusinessOrgOf(ctx));
  QUELL_ASSIGN_OR_RETURN(Json body, ParseJsonBody(ctx));
  QUELL_ASSIGN_OR_RETURN(std::string number, RequireString(body, "number"));
  QUELL_ASSIGN_OR_RETURN(std::string basis_text, RequireString(body, "basis"));
  QUELL_ASSIGN_OR_RETURN(std::string starts, OptionalString(body, "starts_at"));
  QUELL_ASSIGN_OR_RETURN(std::string expires, OptionalString(body, "expires_at"));
  QUELL_ASSIGN_OR_RETURN(std::string note, OptionalString(body, "note"));
  registry::Exemption e;
  e.org_id = org;
  QUELL_ASSIGN_OR_RETURN(e.number, ParseNumber(ctx, number));
  auto basis = registry::ParseExemptionBasis(basis_text);
  if (!basis) return InvalidArgument("'basis' is purchase, enquiry or consent");
  e.basis = *basis;
  // Dates alone are local dates of the register.
  const int offset = reg->options().utc_offset_minutes;
  if (!starts.empty()) {
    QUELL_ASSIGN_OR_RETURN(e.starts_at, registry::ParseDateOrTime(starts, offset));
  }
  if (!expires.empty()) {
    QUELL_ASSIGN_OR_RETURN(TimePoint t, registry::ParseDateOrTime(expires, offset));
    e.expires_at = t;
  }
  e.note = note;
  QUELL_ASSIGN_OR_RETURN(registry::Exemption added, reg->AddExemption(e));
  ctx.audit_target = "dnc-exemption:" + std::to_string(added.id);
  WriteJson(ctx, 201, ExemptionJson(added));
  return Status::Ok();
}

Status RevokeExemption(Context& ctx) {
  QUELL_ASSIGN_OR_RETURN(Registry * reg, RegistryOf(ctx));
  QUELL_ASSIGN_OR_RETURN(int64_t org, BusinessOrgOf(ctx));
  QUELL_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "id"));
  QUELL_RETURN_IF_ERROR(reg->RevokeExemption(org, id));
  ctx.audit_target = "dnc-exemption:" + std::to_string(id);
  ctx.res.status = 204;
  return Status::Ok();
}

Status ListViolations(Context& ctx) {
  if (ctx.services.violations == nullptr) return Unavailable("violations are not recorded here");
  QUELL_ASSIGN_OR_RETURN(int64_t limit, IntQuery(ctx, "limit", 100, 1, 1000));
  QUELL_ASSIGN_OR_RETURN(int64_t before, IntQuery(ctx, "before", 0, 0, INT64_MAX));
  int64_t org = 0;
  if (IsStaff(ctx)) {
    QUELL_ASSIGN_OR_RETURN(org, IntQuery(ctx, "org_id", 0, 0, INT64_MAX));
  } else {
    QUELL_ASSIGN_OR_RETURN(org, BusinessOrgOf(ctx));
  }
  QUELL_ASSIGN_OR_RETURN(auto list,
                         ctx.services.violations->List(org, static_cast<int>(limit), before));
  const auto names = OrgNames(ctx);
  Json out = Json::array();
  for (const auto& v : list) {
    auto name = names.find(v.org_id);
    out.push_back({{"id", v.id},
                   {"org_id", v.org_id},
                   {"org_name", name == names.end() ? Json(nullptr) : Json(name->second)},
                   {"caller", v.caller.E164()},
                   {"callee", v.callee.E164()},
                   {"at", TimeJson(v.at)},
                   {"category", std::string(Name(v.category))},
                   {"seen", v.seen},
                   {"blocked", v.blocked},
                   {"answered", v.answered},
                   {"talk_seconds", static_cast<double>(v.talk_ms) / 1000.0},
                   {"call_id", v.call_id},
                   {"trunk", v.trunk},
                   {"recorded_at", TimeJson(v.recorded_at)}});
  }
  ctx.audit_target = "dnc:violations";
  WriteJson(ctx, 200, {{"violations", std::move(out)}});
  return Status::Ok();
}

Status Stats(Context& ctx) {
  QUELL_ASSIGN_OR_RETURN(Registry * reg, RegistryOf(ctx));
  const registry::Stats s = reg->GetStats();
  WriteJson(ctx, 200,
            {{"version", s.version},
             {"protected_numbers", s.protected_numbers},
             {"pending_numbers", s.pending_numbers},
             {"custom_preferences", s.custom_preferences},
             {"index_bytes", s.index_bytes},
             {"snapshot_version", s.snapshot_version}});
  return Status::Ok();
}

}  // namespace

void RegisterDncRoutes(RouteTable& table) {
  table.Add({.method = "GET",
             .pattern = "/api/v1/dnc/numbers/{number}",
             .roles = kStaff,
             .audit_action = "dnc.number.view",
             .audit_view = true,
             .handler = GetNumber});
  table.Add({.method = "POST",
             .pattern = "/api/v1/dnc/registrations/bulk",
             .roles = kCarriers,
             .audit_action = "dnc.bulk",
             .handler = BulkRegister});
  table.Add({.method = "GET",
             .pattern = "/api/v1/dnc/changes",
             .roles = kListReaders,
             .handler = Changes});
  table.Add({.method = "GET",
             .pattern = "/api/v1/dnc/snapshot",
             .roles = kListReaders,
             .handler = Snapshot});
  table.Add({.method = "GET", .pattern = "/api/v1/dnc/stats", .roles = kStaff, .handler = Stats});
  table.Add({.method = "POST",
             .pattern = "/api/v1/dnc/scrub",
             .roles = kBusiness,
             .audit_action = "dnc.scrub",
             .raw_body = true,
             .handler = Scrub});
  const std::vector<Role> receipt_readers = {Role::kBusiness, Role::kAnalyst, Role::kAdmin};
  table.Add({.method = "GET",
             .pattern = "/api/v1/dnc/receipts",
             .roles = receipt_readers,
             .handler = ListReceipts});
  table.Add({.method = "GET",
             .pattern = "/api/v1/dnc/receipts/{id}",
             .roles = receipt_readers,
             .handler = GetReceipt});
  table.Add({.method = "GET",
             .pattern = "/api/v1/dnc/violations",
             .roles = receipt_readers,
             .audit_action = "dnc.violations.view",
             .audit_view = true,
             .handler = ListViolations});
  table.Add({.method = "GET",
             .pattern = "/api/v1/dnc/ranges",
             .roles = kBusiness,
             .handler = ListRanges});
  table.Add({.method = "POST",
             .pattern = "/api/v1/dnc/ranges",
             .roles = kBusiness,
             .audit_action = "dnc.range.declare",
             .handler = DeclareRange});
  table.Add({.method = "DELETE",
             .pattern = "/api/v1/dnc/ranges/{id}",
             .roles = kBusiness,
             .audit_action = "dnc.range.remove",
             .handler = DeleteRange});
  table.Add({.method = "GET",
             .pattern = "/api/v1/dnc/exemptions",
             .roles = kBusiness,
             .handler = ListExemptions});
  table.Add({.method = "POST",
             .pattern = "/api/v1/dnc/exemptions",
             .roles = kBusiness,
             .audit_action = "dnc.exemption.add",
             .handler = AddExemption});
  table.Add({.method = "DELETE",
             .pattern = "/api/v1/dnc/exemptions/{id}",
             .roles = kBusiness,
             .audit_action = "dnc.exemption.revoke",
             .handler = RevokeExemption});
}

}  // namespace quell::api
