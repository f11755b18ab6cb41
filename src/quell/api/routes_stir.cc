// STIR/SHAKEN over REST: the ATIS-1000082 signing and verification services at
// /stir/v1/*, the certificate repository behind x5u at /sti-cr/{name}, and the
// carrier's TN-ownership table (customers and their numbers) that decides
// attestation, under /api/v1/shaken/.
#include <charconv>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "quell/api/internal/json.h"
#include "quell/core/ids.h"
#include "quell/net/http.h"
#include "quell/shaken/checker.h"
#include "quell/shaken/signer.h"
#include "quell/shaken/tn_ownership.h"
#include "quell/shaken/verifier.h"

namespace quell::api {
namespace {

const std::vector<Role> kCarrier = {Role::kCarrier};

constexpr std::string_view kService = "serviceException";

// An ATIS-1000082 request failure, written by the handler itself (the standard
// names each case; a Status cannot carry the message id).
struct AtisFailure {
  int http;
  std::string_view id;
  std::string text;
  std::vector<std::string> variables;
};

AtisFailure Missing(std::string name) {
  return {400, "SVC4001", "Missing mandatory parameter '%1'", {std::move(name)}};
}

AtisFailure Invalid(std::string name, std::string why) {
  return {
      400, "SVC4005", "Invalid value for parameter '%1': %2", {std::move(name), std::move(why)}};
}

// The checks every /stir/v1 POST shares (ATIS-1000082 §5.3): Content-Length
// present, a JSON body, an Accept that allows JSON. On success `*body` is the
// object under `root` ("signingRequest" / "verificationRequest").
std::optional<AtisFailure> ReadAtisBody(const Context& ctx, std::string_view root, Json* body) {
  if (ctx.req.Header("content-length").empty()) {
    return AtisFailure{411, "SVC4007", "Missing Content-Length header", {}};
  }
  if (ctx.req.body.empty()) return AtisFailure{400, "SVC4000", "Missing request body", {}};
  const std::string_view accept = ctx.req.Header("accept");
  if (!accept.empty() && accept.find("application/json") == std::string_view::npos &&
      accept.find("*/*") == std::string_view::npos &&
      accept.find("application/*") == std::string_view::npos) {
    return AtisFailure{406, "SVC4002", "Unsupported response type '%1'", {std::string(accept)}};
  }
  const std::string_view ct = ctx.req.Header("content-type");
  constexpr std::string_view kJson = "application/json";
  if (ct.size() < kJson.size() || !net::EqualsIgnoreCase(ct.substr(0, kJson.size()), kJson)) {
    return AtisFailure{415, "SVC4004", "Unsupported request body type '%1'", {std::string(ct)}};
  }
  Json parsed = Json::parse(ctx.req.body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    return AtisFailure{400, "SVC4006", "Unable to parse request body", {}};
  }
  auto it = parsed.find(root);
  if (it == parsed.end()) return Missing(std::string(root));
  if (!it->is_object()) return Invalid(std::string(root), "must be an object");
  *body = std::move(*it);
  return std::nullopt;
}

// "name":{"tn":"..."} (a string) or, with `array`, "name":{"tn":["...", ...]}.
std::optional<AtisFailure> ReadTn(const Json& body, const std::string& name, bool array,
                                  std::vector<std::string>* out) {
  auto it = body.find(name);
  if (it == body.end()) return Missing(name);
  if (!it->is_object()) return Invalid(name, "must be an object");
  auto tn = it->find("tn");
  if (tn == it->end()) return Missing(name + ".tn");
  if (!array) {
    if (!tn->is_string()) return Invalid(name + ".tn", "must be a string");
    out->push_back(tn->get<std::string>());
  } else {
    if (!tn->is_array() || tn->empty()) return Invalid(name + ".tn", "must be a non-empty array");
    for (const Json& v : *tn) {
      if (!v.is_string()) return Invalid(name + ".tn", "must hold strings");
      out->push_back(v.get<std::string>());
    }
  }
  for (const std::string& number : *out) {
    if (auto canonical = shaken::CanonicalizeTn(number); !canonical) {
      return Invalid(name + ".tn", canonical.status().message());
    }
  }
  return std::nullopt;
}

std::optional<AtisFailure> ReadInt(const Json& body, const std::string& name, int64_t* out) {
  auto it = body.find(name);
  if (it == body.end()) return Missing(name);
  if (!it->is_number_integer()) return Invalid(name, "must be an integer");
  *out = it->get<int64_t>();
  return std::nullopt;
}

Status Respond(Context& ctx, const AtisFailure& f) {
  WriteAtisError(ctx, f.http, kService, f.id, f.text, f.variables);
  return Status::Ok();
}

int64_t UnixNow(const Clock& clock) {
  return std::chrono::duration_cast<std::chrono::seconds>(clock.Now().time_since_epoch()).count();
}

// POST /stir/v1/verification
Status Verification(Context& ctx) {
  shaken::Verifier* verifier = ctx.services.verifier;
  if (verifier == nullptr) return Unavailable("STIR/SHAKEN verification is not configured");
  Json req;
  if (auto f = ReadAtisBody(ctx, "verificationRequest", &req)) return Respond(ctx, *f);

  std::vector<std::string> from;
  std::vector<std::string> to;
  int64_t time = 0;
  if (auto f = ReadTn(req, "from", false, &from)) return Respond(ctx, *f);
  if (auto f = ReadTn(req, "to", true, &to)) return Respond(ctx, *f);
  if (auto f = ReadInt(req, "time", &time)) return Respond(ctx, *f);
  if (time < 1 || time > shaken::kMaxIat) return Respond(ctx, Invalid("time", "out of range"));
  // "identity" is one Identity header value; Quell also takes an array of them
  // (a shaken PASSporT and its div PASSporTs, RFC 8946).
  std::vector<std::string> identities;
  auto id = req.find("identity");
  if (id == req.end()) return Respond(ctx, Missing("identity"));
  if (id->is_string()) {
    identities.push_back(id->get<std::string>());
  } else if (id->is_array() && !id->empty() &&
             id->size() <= 1 + static_cast<std::size_t>(shaken::kMaxDiversions)) {
    for (const Json& v : *id) {
      if (!v.is_string()) return Respond(ctx, Invalid("identity", "must hold strings"));
      identities.push_back(v.get<std::string>());
    }
  } else {
    return Respond(
        ctx, Invalid("identity", "must be a string or an array of 1 to " +
                                     std::to_string(1 + shaken::kMaxDiversions) + " strings"));
  }

  shaken::CheckResult r;
  const int64_t now = UnixNow(ctx.services.clock);
  const int64_t max_age = verifier->options().check.max_age.count();
  if (time < now - max_age || time > now + verifier->options().check.max_future.count()) {
    // ATIS-1000082 E3: the request's own time is outside the freshness window.
    r.verstat = shaken::Verstat::kFailed;
    r.sip_code = 403;
    r.sip_reason = "Stale Date";
    r.detail = "request time " + std::to_string(time) + " is " + std::to_string(now - time) +
               " s from now; at most " + std::to_string(max_age) + " s is accepted";
  } else {
    std::vector<std::string_view> views(identities.begin(), identities.end());
    r = verifier->Verify(views, from[0], to[0]);
  }

  Json out = {{"verstat", shaken::VerstatName(r.verstat)}};
  if (r.verstat != shaken::Verstat::kPassed) {
    out["reasoncode"] = r.sip_code;
    out["reasontext"] = r.sip_reason;
    out["reasondesc"] = r.detail;
  } else if (r.passport) {
    // Beyond ATIS-1000082: what the terminating side may show or keep for traceback.
    const shaken::PassportClaims& c = r.passport->claims;
    out["attest"] = std::string(1, static_cast<char>(c.attest));
    out["origid"] = c.origid;
    if (!r.signer.empty()) out["signer"] = r.signer;
    if (!r.diverted_from.empty()) out["divertedFrom"] = r.diverted_from;
    if (!c.rcd.empty() || !c.crn.empty()) {
      Json rcd = Json::object();
      if (!c.rcd.nam.empty()) rcd["nam"] = c.rcd.nam;
      if (!c.rcd.icn.empty()) rcd["icn"] = c.rcd.icn;
      if (!c.crn.empty()) rcd["crn"] = c.crn;
      out["rcd"] = std::move(rcd);
    }
  }
  WriteJson(ctx, 200, {{"verificationResponse", std::move(out)}});
  return Status::Ok();
}

// POST /stir/v1/signing
Status Signing(Context& ctx) {
  const shaken::Signer* signer = ctx.services.signer;
  if (signer == nullptr) return Unavailable("STIR/SHAKEN signing is not configured");
  if (!ctx.principal || !ctx.principal->org_id) {
    return PermissionDenied("signing is for a carrier organisation; this key has none");
  }
  Json req;
  if (auto f = ReadAtisBody(ctx, "signingRequest", &req)) return Respond(ctx, *f);

  shaken::SignRequest sign;
  std::vector<std::string> orig;
  if (auto f = ReadTn(req, "orig", false, &orig)) return Respond(ctx, *f);
  if (auto f = ReadTn(req, "dest", true, &sign.dest_tns)) return Respond(ctx, *f);
  sign.orig_tn = orig[0];
  int64_t iat = 0;
  if (auto f = ReadInt(req, "iat", &iat)) return Respond(ctx, *f);
  const int64_t now = UnixNow(ctx.services.clock);
  // A signature with a stale iat would fail every verifier (ATIS-1000074 §5.3.1).
  if (iat < now - 60 || iat > now + 60) {
    return Respond(ctx, Invalid("iat", std::to_string(iat) + " is not within 60 s of now (" +
                                           std::to_string(now) + ")"));
  }
  sign.iat = iat;
  auto attest = req.find("attest");
  if (attest == req.end()) return Respond(ctx, Missing("attest"));
  if (!attest->is_string() || attest->get<std::string>().size() != 1 ||
      std::string_view("ABC").find(attest->get<std::string>()[0]) == std::string_view::npos) {
    return Respond(ctx, Invalid("attest", "must be \"A\", \"B\" or \"C\""));
  }
  sign.attest = static_cast<shaken::Attestation>(attest->get<std::string>()[0]);
  auto origid = req.find("origid");
  if (origid == req.end()) return Respond(ctx, Missing("origid"));
  if (!origid->is_string() || !IsUuid(origid->get<std::string>())) {
    return Respond(ctx, Invalid("origid", "must be a UUID"));
  }
  sign.origid = origid->get<std::string>();
  // Quell's addition: the originating customer, whose numbers decide attestation.
  if (auto customer = req.find("customer"); customer != req.end()) {
    if (!customer->is_string()) return Respond(ctx, Invalid("customer", "must be a string"));
    sign.customer_id = customer->get<std::string>();
  }
  // And Rich Call Data (RFC 9795): "rcd":{"nam","apn","icn","jcl"}, "crn".
  if (auto rcd = req.find("rcd"); rcd != req.end()) {
    if (!rcd->is_object()) return Respond(ctx, Invalid("rcd", "must be an object"));
    for (auto [name, target] : {std::pair{"nam", &sign.rcd.nam}, std::pair{"apn", &sign.rcd.apn},
                                std::pair{"icn", &sign.rcd.icn}, std::pair{"jcl", &sign.rcd.jcl}}) {
      auto it = rcd->find(name);
      if (it == rcd->end()) continue;
      if (!it->is_string()) {
        return Respond(ctx, Invalid(std::string("rcd.") + name, "must be a string"));
      }
      *target = it->get<std::string>();
    }
  }
  if (auto crn = req.find("crn"); crn != req.end()) {
    if (!crn->is_string()) return Respond(ctx, Invalid("crn", "must be a string"));
    sign.crn = crn->get<std::string>();
  }

  auto r = signer->Sign(std::to_string(*ctx.principal->org_id), sign);
  if (!r) {
    if (r.status().code() == StatusCode::kInvalidArgument) {
      return Respond(ctx, Invalid("signingRequest", r.status().message()));
    }
    return r.status();
  }
  WriteJson(ctx, 200,
            {{"signingResponse",
              {{"identity", r->identity},
               {"attest", std::string(1, static_cast<char>(r->attestation.level))},
               {"attestReason", r->attestation.reason}}}});
  return Status::Ok();
}

// GET /sti-cr/{name}: the certificate repository behind the signers' x5u.
Status Repository(Context& ctx) {
  if (ctx.services.signers == nullptr) return NotFound("no certificate repository here");
  std::string_view name = ctx.params.Get("name");
  if (name.ends_with(".pem")) name.remove_suffix(4);
  QUELL_ASSIGN_OR_RETURN(std::string pem, ctx.services.signers->CertificatePem(name));
  ctx.res.status = 200;
  ctx.res.SetHeader("Content-Type", "application/pem-certificate-chain");
  // ATIS-1000074: repositories say how long a certificate may be cached.
  ctx.res.SetHeader("Cache-Control",
                    "public, max-age=" + std::to_string(ctx.services.repository_max_age.count()));
  ctx.res.body = std::move(pem);
  return Status::Ok();
}

// --- TN ownership (/api/v1/shaken/customers) -------------------------------

Result<shaken::TnOwnership*> Ownership(const Context& ctx) {
  if (ctx.services.tn_ownership == nullptr) return Unavailable("TN ownership is not configured");
  return ctx.services.tn_ownership;
}

// Customers belong to the caller's carrier organisation.
Result<std::string> CarrierOrg(const Context& ctx) {
  if (!ctx.principal || !ctx.principal->org_id) {
    return PermissionDenied(
        "TN ownership belongs to a carrier organisation; this principal has none");
  }
  return std::to_string(*ctx.principal->org_id);
}

Json CustomerJson(const shaken::Customer& c) {
  return {{"id", c.id},
          {"name", c.name},
          {"kind", shaken::CustomerKindName(c.kind)},
          {"created_at", TimeJson(c.created_at)},
          {"updated_at", TimeJson(c.updated_at)}};
}

Json RangeJson(const shaken::NumberRange& r) {
  return {{"customer", r.customer_id}, {"first", r.first}, {"last", r.last},
          {"size", r.size()},          {"note", r.note},   {"created_at", TimeJson(r.created_at)}};
}

Result<shaken::ListOptions> PageOptions(const Context& ctx) {
  shaken::ListOptions o;
  o.page_token = ctx.req.QueryParam("page_token");
  const std::string limit = ctx.req.QueryParam("limit");
  if (!limit.empty()) {
    int v = 0;
    auto [p, ec] = std::from_chars(limit.data(), limit.data() + limit.size(), v);
    if (ec != std::errc() || p != limit.data() + limit.size() || v < 1 ||
        v > shaken::kMaxPageSize) {
      return InvalidArgument("'limit' must be an integer from 1 to " +
                             std::to_string(shaken::kMaxPageSize));
    }
    o.page_size = v;
  }
  return o;
}

Result<shaken::CustomerKind> KindField(const Json& body, shaken::CustomerKind def) {
  QUELL_ASSIGN_OR_RETURN(std::string kind, OptionalString(body, "kind"));
  if (kind.empty()) return def;
  auto k = shaken::ParseCustomerKind(kind);
  if (!k)
    return InvalidArgument("'kind' must be \"customer\" or \"gateway\", not \"" + kind + "\"");
  return *k;
}

Status ListCustomers(Context& ctx) {
  QUELL_ASSIGN_OR_RETURN(shaken::TnOwnership * own, Ownership(ctx));
  QUELL_ASSIGN_OR_RETURN(std::string org, CarrierOrg(ctx));
  QUELL_ASSIGN_OR_RETURN(shaken::ListOptions options, PageOptions(ctx));
  QUELL_ASSIGN_OR_RETURN(shaken::CustomerPage page, own->ListCustomers(org, options));
  Json list = Json::array();
  for (const auto& c : page.customers) list.push_back(CustomerJson(c));
  WriteJson(ctx, 200,
            {{"customers", std::move(list)},
             {"next_page_token",
              page.next_page_token.empty() ? Json(nullptr) : Json(page.next_page_token)}});
  return Status::Ok();
}

Status CreateCustomer(Context& ctx) {
  QUELL_ASSIGN_OR_RETURN(shaken::TnOwnership * own, Ownership(ctx));
  QUELL_ASSIGN_OR_RETURN(std::string org, CarrierOrg(ctx));
  QUELL_ASSIGN_OR_RETURN(Json body, ParseJsonBody(ctx));
  shaken::CustomerSpec spec;
  QUELL_ASSIGN_OR_RETURN(spec.id, RequireString(body, "id"));
  QUELL_ASSIGN_OR_RETURN(spec.name, RequireString(body, "name"));
  QUELL_ASSIGN_OR_RETURN(spec.kind, KindField(body, shaken::CustomerKind::kCustomer));
  QUELL_ASSIGN_OR_RETURN(shaken::Customer c, own->CreateCustomer(org, spec));
  ctx.audit_target = "shaken_customer:" + c.id;
  ctx.audit_detail = std::string(shaken::CustomerKindName(c.kind));
  WriteJson(ctx, 201, CustomerJson(c));
  return Status::Ok();
}

Status GetCustomer(Context& ctx) {
  QUELL_ASSIGN_OR_RETURN(shaken::TnOwnership * own, Ownership(ctx));
  QUELL_ASSIGN_OR_RETURN(std::string org, CarrierOrg(ctx));
  QUELL_ASSIGN_OR_RETURN(shaken::Customer c, own->GetCustomer(org, ctx.params.Get("id")));
  WriteJson(ctx, 200, CustomerJson(c));
  return Status::Ok();
}

Status UpdateCustomer(Context& ctx) {
  QUELL_ASSIGN_OR_RETURN(shaken::TnOwnership * own, Ownership(ctx));
  QUELL_ASSIGN_OR_RETURN(std::string org, CarrierOrg(ctx));
  QUELL_ASSIGN_OR_RETURN(Json body, ParseJsonBody(ctx));
  shaken::CustomerUpdate update;
  if (body.contains("name")) {
    QUELL_ASSIGN_OR_RETURN(std::string name, RequireString(body, "name"));
    update.name = std::move(name);
  }
  if (body.contains("kind")) {
    QUELL_ASSIGN_OR_RETURN(shaken::CustomerKind kind,
                           KindField(body, shaken::CustomerKind::kCustomer));
    update.kind = kind;
  }
  const std::string id(ctx.params.Get("id"));
  QUELL_ASSIGN_OR_RETURN(shaken::Customer c, own->UpdateCustomer(org, id, update));
  ctx.audit_target = "shaken_customer:" + id;
  WriteJson(ctx, 200, CustomerJson(c));
  return Status::Ok();
}

Status DeleteCustomer(Context& ctx) {
  QUELL_ASSIGN_OR_RETURN(shaken::TnOwnership * own, Ownership(ctx));
  QUELL_ASSIGN_OR_RETURN(std::string org, CarrierOrg(ctx));
  const std::string id(ctx.params.Get("id"));
  QUELL_RETURN_IF_ERROR(own->DeleteCustomer(org, id));
  ctx.audit_target = "shaken_customer:" + id;
  ctx.res.status = 204;
  return Status::Ok();
}

Status ListRanges(Context& ctx) {
  QUELL_ASSIGN_OR_RETURN(shaken::TnOwnership * own, Ownership(ctx));
  QUELL_ASSIGN_OR_RETURN(std::string org, CarrierOrg(ctx));
  QUELL_ASSIGN_OR_RETURN(shaken::ListOptions options, PageOptions(ctx));
  QUELL_ASSIGN_OR_RETURN(shaken::RangePage page,
                         own->ListRanges(org, ctx.params.Get("id"), options));
  Json list = Json::array();
  for (const auto& r : page.ranges) list.push_back(RangeJson(r));
  WriteJson(ctx, 200,
            {{"ranges", std::move(list)},
             {"next_page_token",
              page.next_page_token.empty() ? Json(nullptr) : Json(page.next_page_token)}});
  return Status::Ok();
}

Result<shaken::RangeSpec> RangeFromJson(const Json& item) {
  if (!item.is_object()) return InvalidArgument("each range must be an object");
  shaken::RangeSpec r;
  QUELL_ASSIGN_OR_RETURN(r.first, RequireString(item, "first"));
  QUELL_ASSIGN_OR_RETURN(r.last, OptionalString(item, "last"));
  QUELL_ASSIGN_OR_RETURN(r.note, OptionalString(item, "note"));
  return r;
}

// {"first","last","note"} or {"ranges":[{...}, ...]}.
Status AddRanges(Context& ctx) {
  QUELL_ASSIGN_OR_RETURN(shaken::TnOwnership * own, Ownership(ctx));
  QUELL_ASSIGN_OR_RETURN(std::string org, CarrierOrg(ctx));
  QUELL_ASSIGN_OR_RETURN(Json body, ParseJsonBody(ctx));
  std::vector<shaken::RangeSpec> specs;
  if (auto it = body.find("ranges"); it != body.end()) {
    if (!it->is_array()) return InvalidArgument("'ranges' must be an array");
    for (const Json& item : *it) {
      QUELL_ASSIGN_OR_RETURN(shaken::RangeSpec r, RangeFromJson(item));
      specs.push_back(std::move(r));
    }
  } else {
    QUELL_ASSIGN_OR_RETURN(shaken::RangeSpec r, RangeFromJson(body));
    specs.push_back(std::move(r));
  }
  const std::string id(ctx.params.Get("id"));
  QUELL_ASSIGN_OR_RETURN(std::vector<shaken::NumberRange> added, own->AddRanges(org, id, specs));
  ctx.audit_target = "shaken_customer:" + id;
  ctx.audit_detail = std::to_string(added.size()) + " range(s)";
  Json list = Json::array();
  for (const auto& r : added) list.push_back(RangeJson(r));
  WriteJson(ctx, 201, {{"ranges", std::move(list)}});
  return Status::Ok();
}

Status RemoveRange(Context& ctx) {
  QUELL_ASSIGN_OR_RETURN(shaken::TnOwnership * own, Ownership(ctx));
  QUELL_ASSIGN_OR_RETURN(std::string org, CarrierOrg(ctx));
  const std::string id(ctx.params.Get("id"));
  const std::string first(ctx.params.Get("first"));
  QUELL_RETURN_IF_ERROR(own->RemoveRange(org, id, first, ctx.req.QueryParam("last")));
  ctx.audit_target = "shaken_customer:" + id;
  ctx.audit_detail = "range " + first;
  ctx.res.status = 204;
  return Status::Ok();
}

// What attestation a call would get, without signing: for carriers checking
// their table.
Status AttestationPreview(Context& ctx) {
  QUELL_ASSIGN_OR_RETURN(shaken::TnOwnership * own, Ownership(ctx));
  QUELL_ASSIGN_OR_RETURN(std::string org, CarrierOrg(ctx));
  const std::string orig = ctx.req.QueryParam("orig");
  if (orig.empty()) return InvalidArgument("query parameter 'orig' is required");
  shaken::AttestationDecision d = own->Attest(org, ctx.req.QueryParam("customer"), orig);
  WriteJson(ctx, 200,
            {{"attest", std::string(1, static_cast<char>(d.level))}, {"reason", d.reason}});
  return Status::Ok();
}

}  // namespace

void RegisterStirRoutes(RouteTable& table) {
  table.Add({.method = "POST",
             .pattern = "/stir/v1/signing",
             .roles = kCarrier,
             .atis = true,
             .handler = Signing});
  table.Add(
      {.method = "GET", .pattern = "/sti-cr/{name}", .is_public = true, .handler = Repository});
  const std::string customers = "/api/v1/shaken/customers";
  table.Add({.method = "GET", .pattern = customers, .roles = kCarrier, .handler = ListCustomers});
  table.Add({.method = "POST",
             .pattern = customers,
             .roles = kCarrier,
             .audit_action = "shaken.customer.create",
             .handler = CreateCustomer});
  table.Add(
      {.method = "GET", .pattern = customers + "/{id}", .roles = kCarrier, .handler = GetCustomer});
  table.Add({.method = "PATCH",
             .pattern = customers + "/{id}",
             .roles = kCarrier,
             .audit_action = "shaken.customer.update",
             .handler = UpdateCustomer});
  table.Add({.method = "DELETE",
             .pattern = customers + "/{id}",
             .roles = kCarrier,
             .audit_action = "shaken.customer.delete",
             .handler = DeleteCustomer});
  table.Add({.method = "GET",
             .pattern = customers + "/{id}/ranges",
             .roles = kCarrier,
             .handler = ListRanges});
  table.Add({.method = "POST",
             .pattern = customers + "/{id}/ranges",
             .roles = kCarrier,
             .audit_action = "shaken.range.add",
             .handler = AddRanges});
  table.Add({.method = "DELETE",
             .pattern = customers + "/{id}/ranges/{first}",
             .roles = kCarrier,
             .audit_action = "shaken.range.remove",
             .handler = RemoveRange});
  table.Add({.method = "GET",
             .pattern = "/api/v1/shaken/attestation",
             .roles = kCarrier,
             .handler = AttestationPreview});

  table.Add({.method = "POST",
             .pattern = "/stir/v1/verification",
             .roles = kCarrier,
             .atis = true,
             .handler = Verification});
}

}  // namespace quell::api
