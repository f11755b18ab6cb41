// /api/v1/dnc codes, verify and me: citizens manage their own number's
// registration after proving they hold it with a one-time code
// (registry/ownership.h). No route here tells whether a number is registered
// before its code was entered.
#include "quell/api/internal/dnc_json.h"
#include "quell/core/number_plan.h"
#include "quell/registry/ownership.h"
#include "quell/registry/registry.h"

namespace quell::api {
namespace {

constexpr std::string_view kTokenHeader = "x-quell-dnc-token";

struct Citizen {
  registry::Registry* registry;
  registry::Ownership* ownership;
};

Result<Citizen> CitizenServices(const Context& ctx) {
  if (!ctx.services.registry || !ctx.services.ownership || !ctx.services.plan) {
    return Unavailable("the Do-Not-Call register is not configured");
  }
  return Citizen{ctx.services.registry, ctx.services.ownership};
}

Result<PhoneNumber> NumberFrom(const Context& ctx, const Json& body) {
  QUELL_ASSIGN_OR_RETURN(std::string text, RequireString(body, "number"));
  const uint64_t compact = ctx.services.plan->ToCompact(text);
  if (compact == 0 || !ctx.services.plan->Classify(compact).valid) {
    return InvalidArgument("'" + text.substr(0, 40) + "' is not a valid phone number");
  }
  return PhoneNumber::FromCompact(compact);
}

// The number the request's token proves.
Result<PhoneNumber> ProvenNumber(Context& ctx, const Citizen& c) {
  QUELL_ASSIGN_OR_RETURN(PhoneNumber n, c.ownership->NumberOf(ctx.req.Header(kTokenHeader)));
  ctx.audit_target = "dnc:" + n.E164();
  return n;
}

registry::Channel ChannelOf(const Context& ctx) {
  return ctx.req.Header("x-quell-client") == "portal" ? registry::Channel::kWeb
                                                      : registry::Channel::kRest;
}

Json Strings(const std::vector<std::string>& v) {
  Json out = Json::array();
  for (const auto& s : v) out.push_back(s);
  return out;
}

Json StatusJson(registry::Registry& reg, PhoneNumber n) {
  Json out = {{"number", n.E164()},
              {"national", n.National()},
              {"registration", nullptr},
              {"history", Json::array()}};
  auto r = reg.Get(n);
  if (!r) return out;
  out["registration"] = {
      {"registered", r->registered},
      {"registered_at", TimeJson(r->registered_at)},
      {"protected_from", TimeJson(r->protected_from)},
      {"removed_at", r->removed_at ? TimeJson(*r->removed_at) : Json(nullptr)},
      {"channel", std::string(registry::Name(r->channel))},
      {"preferences",
       {{"categories", r->preferences.RefusesAll() ? Json(std::vector<std::string>{"all"})
                                                   : Strings(r->preferences.CategoryNames())},
        {"accepted_bands", Strings(r->preferences.BandNames())}}}};
  auto history = reg.History(n);
  if (history) {
    Json h = Json::array();
    for (const auto& c : *history) {
      h.push_back({{"op", std::string(registry::Name(c.kind))},
                   {"at", TimeJson(c.at)},
                   {"channel", std::string(registry::Name(c.channel))}});
    }
    out["history"] = std::move(h);
  }
  return out;
}

Status SendCode(Context& ctx) {
  QUELL_ASSIGN_OR_RETURN(Citizen c, CitizenServices(ctx));
  QUELL_ASSIGN_OR_RETURN(Json body, ParseJsonBody(ctx));
  QUELL_ASSIGN_OR_RETURN(PhoneNumber n, NumberFrom(ctx, body));
  ctx.audit_target = "dnc:" + n.E164();
  QUELL_RETURN_IF_ERROR(c.ownership->SendCode(n, ctx.req.remote_ip));
  // The same answer for every valid number, registered or not.
  WriteJson(
      ctx, 202,
      {{"sent", true}, {"message", "A code was sent by SMS to the number; enter it to continue."}});
  return Status::Ok();
}

Status Verify(Context& ctx) {
  QUELL_ASSIGN_OR_RETURN(Citizen c, CitizenServices(ctx));
  QUELL_ASSIGN_OR_RETURN(Json body, ParseJsonBody(ctx));
  QUELL_ASSIGN_OR_RETURN(PhoneNumber n, NumberFrom(ctx, body));
  QUELL_ASSIGN_OR_RETURN(std::string code, RequireString(body, "code"));
  ctx.audit_target = "dnc:" + n.E164();
  QUELL_ASSIGN_OR_RETURN(std::string token, c.ownership->Confirm(n, code, ctx.req.remote_ip));
  Json out = StatusJson(*c.registry, n);
  out["token"] = token;
  out["token_expires_at"] = TimeJson(ctx.services.clock.Now() + c.ownership->token_ttl());
  WriteJson(ctx, 200, out);
  return Status::Ok();
}

Status Me(Context& ctx) {
  QUELL_ASSIGN_OR_RETURN(Citizen c, CitizenServices(ctx));
  QUELL_ASSIGN_OR_RETURN(PhoneNumber n, ProvenNumber(ctx, c));
  WriteJson(ctx, 200, StatusJson(*c.registry, n));
  return Status::Ok();
}

Status PutMe(Context& ctx) {
  QUELL_ASSIGN_OR_RETURN(Citizen c, CitizenServices(ctx));
  QUELL_ASSIGN_OR_RETURN(PhoneNumber n, ProvenNumber(ctx, c));
  QUELL_ASSIGN_OR_RETURN(Json body, ParseJsonBody(ctx));
  QUELL_ASSIGN_OR_RETURN(registry::Preferences prefs, DncPreferencesFrom(body));
  QUELL_RETURN_IF_ERROR(c.registry
                            ->Register({.number = n,
                                        .channel = ChannelOf(ctx),
                                        .verification = "sms-code",
                                        .actor = "citizen",
                                        .preferences = prefs})
                            .status());
  ctx.audit_detail = prefs.Describe();
  WriteJson(ctx, 200, StatusJson(*c.registry, n));
  return Status::Ok();
}

Status DeleteMe(Context& ctx) {
  QUELL_ASSIGN_OR_RETURN(Citizen c, CitizenServices(ctx));
  QUELL_ASSIGN_OR_RETURN(PhoneNumber n, ProvenNumber(ctx, c));
  QUELL_RETURN_IF_ERROR(c.registry->Remove(n, ChannelOf(ctx), "citizen").status());
  WriteJson(ctx, 200, StatusJson(*c.registry, n));
  return Status::Ok();
}

}  // namespace

void RegisterDncCitizenRoutes(RouteTable& table) {
  table.Add({.method = "POST",
             .pattern = "/api/v1/dnc/codes",
             .is_public = true,
             .ignore_session = true,
             .audit_action = "dnc.code.send",
             .handler = SendCode});
  table.Add({.method = "POST",
             .pattern = "/api/v1/dnc/verify",
             .is_public = true,
             .ignore_session = true,
             .audit_action = "dnc.code.verify",
             .handler = Verify});
  table.Add({.method = "GET",
             .pattern = "/api/v1/dnc/me",
             .is_public = true,
             .ignore_session = true,
             .handler = Me});
  table.Add({.method = "PUT",
             .pattern = "/api/v1/dnc/me",
             .is_public = true,
             .ignore_session = true,
             .audit_action = "dnc.register",
             .handler = PutMe});
  table.Add({.method = "DELETE",
             .pattern = "/api/v1/dnc/me",
             .is_public = true,
             .ignore_session = true,
             .audit_action = "dnc.remove",
             .handler = DeleteMe});
}

}  // namespace quell::api
