// Operations routes: liveness, readiness, metrics, the shared vocabulary and the
// demo accounts.
#include "quell/api/internal/json.h"
#include "quell/core/metrics.h"
#include "quell/core/number_plan.h"
#include "quell/notify/notify.h"
#include "quell/store/store.h"

namespace quell::api {
namespace {

Json Terms(std::span<const Term> terms) {
  Json out = Json::array();
  for (const Term& t : terms) out.push_back({{"name", t.name}, {"en", t.en}, {"zh", t.zh}});
  return out;
}

}  // namespace

void RegisterOpsRoutes(RouteTable& table) {
  table.Add(
      {.method = "GET", .pattern = "/healthz", .is_public = true, .handler = [](Context& ctx) {
         ctx.res.SetHeader("Content-Type", "application/json");
         ctx.res.body = R"({"status":"ok"})";
         return Status::Ok();
       }});

  table.Add({.method = "GET", .pattern = "/readyz", .is_public = true, .handler = [](Context& ctx) {
               if (!ctx.ready) return Unavailable("not ready: starting or shutting down");
               auto probe = ctx.services.store.Query("SELECT 1");
               if (!probe) return Unavailable("not ready: the store does not answer");
               ctx.res.SetHeader("Content-Type", "application/json");
               ctx.res.body = R"({"status":"ready"})";
               return Status::Ok();
             }});

  table.Add({.method = "GET",
             .pattern = "/metrics",
             .is_public = true,
             .handler = [](Context& ctx) -> Status {
               if (!ctx.options.metrics_public) {
                 if (!ctx.principal) return Unauthenticated("metrics need an API key or a login");
                 if (ctx.principal->role != Role::kAdmin && ctx.principal->role != Role::kAnalyst) {
                   return PermissionDenied("metrics are for administrators and analysts");
                 }
               }
               ctx.res.SetHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
               ctx.res.body = metrics::SerializeText();
               return Status::Ok();
             }});

  table.Add({.method = "GET",
             .pattern = "/api/v1/vocabulary",
             .is_public = true,
             .handler = [](Context& ctx) {
               static const std::string body = Json{
                   {"categories", Terms(Categories())},
                   {"nuisance_kinds", Terms(NuisanceKinds())},
                   {"roles", Terms(Roles())},
                   {"org_kinds",
                    Terms(OrgKinds())}}.dump();
               ctx.res.SetHeader("Content-Type", "application/json");
               ctx.res.body = body;
               return Status::Ok();
             }});

  table.Add(
      {.method = "GET", .pattern = "/api/v1/demo", .is_public = true, .handler = [](Context& ctx) {
         if (!ctx.options.demo) return NotFound("not running in demo mode");
         Json accounts = Json::array();
         for (const DemoAccount& a : ctx.options.demo_accounts) {
           accounts.push_back(
               {{"username", a.username}, {"password", a.password}, {"role", a.role}});
         }
         WriteJson(ctx, 200, {{"demo", true}, {"accounts", accounts}});
         return Status::Ok();
       }});

  // The demo's SMS outbox for one number: where a visitor reads the one-time
  // code "sent" to a demo number. Demo mode only (nothing is really sent then).
  table.Add({.method = "GET",
             .pattern = "/api/v1/demo/sms",
             .is_public = true,
             .handler = [](Context& ctx) {
               if (!ctx.options.demo) return NotFound("not running in demo mode");
               if (!ctx.services.notifier || !ctx.services.plan) {
                 return Unavailable("notices are not configured");
               }
               const uint64_t n = ctx.services.plan->ToCompact(ctx.req.QueryParam("number"));
               if (n == 0) return InvalidArgument("'number' must be a phone number");
               const std::string e164 = "+" + std::to_string(n);
               QUELL_ASSIGN_OR_RETURN(
                   auto notices, ctx.services.notifier->List(notify::NoticeStatus::kHeld, 200));
               Json out = Json::array();
               for (const notify::Notice& notice : notices) {
                 if (notice.channel != notify::Channel::kSms || notice.destination != e164)
                   continue;
                 out.push_back({{"at", TimeJson(notice.created_at)}, {"text", notice.body}});
                 if (out.size() == 5) break;
               }
               WriteJson(ctx, 200, {{"number", e164}, {"messages", std::move(out)}});
               return Status::Ok();
             }});
}

}  // namespace quell::api
