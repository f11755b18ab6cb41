// Administration: organisations, users, API keys, the audit log and the outbound
// notice outbox. Admins only.
#include <charconv>

#include "quell/api/internal/json.h"
#include "quell/notify/notify.h"

namespace quell::api {
namespace {

const std::vector<Role> kAdmin = {Role::kAdmin};

Json OrgJson(const access::Organisation& o) {
  return {{"id", o.id},
          {"name", o.name},
          {"kind", Name(o.kind)},
          {"created_at", TimeJson(o.created_at)}};
}

Json UserJson(const access::User& u) {
  return {{"id", u.id},
          {"username", u.username},
          {"display_name", u.display_name},
          {"role", Name(u.role)},
          {"org", u.org_name.empty() ? Json(nullptr) : Json(u.org_name)},
          {"disabled", u.disabled},
          {"created_at", TimeJson(u.created_at)}};
}

Json KeyJson(const access::ApiKeyInfo& k) {
  return {{"id", k.id},
          {"prefix", k.prefix},
          {"label", k.label},
          {"role", Name(k.role)},
          {"org", k.org_name},
          {"rate_per_second", k.rate_per_second},
          {"burst", k.burst},
          {"created_at", TimeJson(k.created_at)},
          {"revoked_at", k.revoked_at ? TimeJson(*k.revoked_at) : Json(nullptr)},
          {"uses", k.uses}};
}

Json NoticeJson(const notify::Notice& n) {
  return {{"id", n.id},
          {"uuid", n.uuid},
          {"channel", notify::ChannelName(n.channel)},
          {"destination", n.destination},
          {"subject", n.subject},
          {"body", n.body},
          {"status", notify::NoticeStatusName(n.status)},
          {"attempts", n.attempts},
          {"created_at", TimeJson(n.created_at)},
          {"next_attempt_at", TimeJson(n.next_attempt_at)},
          {"sent_at", n.sent_at ? TimeJson(*n.sent_at) : Json(nullptr)},
          {"last_error", n.last_error},
          {"origin", n.origin}};
}

Result<Role> RoleField(const Json& body) {
  QUELL_ASSIGN_OR_RETURN(std::string name, RequireString(body, "role"));
  auto role = ParseRole(name);
  if (!role) return InvalidArgument("'" + name + "' is not a role");
  return *role;
}

Result<notify::Notifier*> NotifierOf(const Context& ctx) {
  if (!ctx.services.notifier) return FailedPrecondition("notices are not configured");
  return ctx.services.notifier;
}

}  // namespace

void RegisterAdminRoutes(RouteTable& table) {
  // --- organisations ---
  table.Add({.method = "GET",
             .pattern = "/api/v1/admin/orgs",
             .roles = kAdmin,
             .handler = [](Context& ctx) -> Status {
               QUELL_ASSIGN_OR_RETURN(auto orgs, ctx.services.accounts.ListOrganisations());
               Json out = Json::array();
               for (const auto& o : orgs) out.push_back(OrgJson(o));
               WriteJson(ctx, 200, {{"orgs", out}});
               return Status::Ok();
             }});
  table.Add({.method = "POST",
             .pattern = "/api/v1/admin/orgs",
             .roles = kAdmin,
             .audit_action = "org.create",
             .handler = [](Context& ctx) -> Status {
               QUELL_ASSIGN_OR_RETURN(Json body, ParseJsonBody(ctx));
               QUELL_ASSIGN_OR_RETURN(std::string name, RequireString(body, "name"));
               QUELL_ASSIGN_OR_RETURN(std::string kind_name, RequireString(body, "kind"));
               auto kind = ParseOrgKind(kind_name);
               if (!kind) return InvalidArgument("'" + kind_name + "' is not an organisation kind");
               QUELL_ASSIGN_OR_RETURN(auto org,
                                      ctx.services.accounts.CreateOrganisation(name, *kind));
               ctx.audit_target = "org:" + std::to_string(org.id);
               WriteJson(ctx, 201, {{"org", OrgJson(org)}});
               return Status::Ok();
             }});

  // --- users ---
  table.Add({.method = "GET",
             .pattern = "/api/v1/admin/users",
             .roles = kAdmin,
             .audit_action = "users.view",
             .audit_view = true,
             .handler = [](Context& ctx) -> Status {
               QUELL_ASSIGN_OR_RETURN(auto users, ctx.services.accounts.ListUsers());
               Json out = Json::array();
               for (const auto& u : users) out.push_back(UserJson(u));
               WriteJson(ctx, 200, {{"users", out}});
               return Status::Ok();
             }});
  table.Add({.method = "POST",
             .pattern = "/api/v1/admin/users",
             .roles = kAdmin,
             .audit_action = "user.create",
             .handler = [](Context& ctx) -> Status {
               QUELL_ASSIGN_OR_RETURN(Json body, ParseJsonBody(ctx));
               QUELL_ASSIGN_OR_RETURN(std::string username, RequireString(body, "username"));
               QUELL_ASSIGN_OR_RETURN(std::string password, RequireString(body, "password"));
               QUELL_ASSIGN_OR_RETURN(Role role, RoleField(body));
               QUELL_ASSIGN_OR_RETURN(std::string org, OptionalString(body, "org"));
               QUELL_ASSIGN_OR_RETURN(std::string display, OptionalString(body, "display_name"));
               QUELL_ASSIGN_OR_RETURN(auto user, ctx.services.accounts.CreateUser(
                                                     username, password, role, org, display));
               ctx.audit_target = "user:" + user.username;
               ctx.audit_detail =
                   "role=" + std::string(Name(role)) + (org.empty() ? "" : " org=" + org);
               WriteJson(ctx, 201, {{"user", UserJson(user)}});
               return Status::Ok();
             }});

  table.Add({.method = "PATCH",
             .pattern = "/api/v1/admin/users/{username}",
             .roles = kAdmin,
             .audit_action = "user.update",
             .handler = [](Context& ctx) -> Status {
               QUELL_ASSIGN_OR_RETURN(Json body, ParseJsonBody(ctx));
               const std::string username(ctx.params.Get("username"));
               auto it = body.find("disabled");
               if (it == body.end() || !it->is_boolean()) {
                 return InvalidArgument("'disabled' (true or false) is required");
               }
               if (ctx.principal->kind == access::Principal::Kind::kUser &&
                   ctx.principal->name == username && it->get<bool>()) {
                 return FailedPrecondition("administrators cannot disable themselves");
               }
               QUELL_RETURN_IF_ERROR(
                   ctx.services.accounts.SetUserDisabled(username, it->get<bool>()));
               QUELL_ASSIGN_OR_RETURN(auto user, ctx.services.accounts.FindUser(username));
               ctx.audit_target = "user:" + username;
               ctx.audit_detail = it->get<bool>() ? "disabled" : "enabled";
               WriteJson(ctx, 200, {{"user", UserJson(user)}});
               return Status::Ok();
             }});

  // --- API keys ---
  table.Add({.method = "GET",
             .pattern = "/api/v1/admin/keys",
             .roles = kAdmin,
             .handler = [](Context& ctx) -> Status {
               QUELL_ASSIGN_OR_RETURN(auto keys, ctx.services.accounts.ListApiKeys());
               Json out = Json::array();
               for (const auto& k : keys) out.push_back(KeyJson(k));
               WriteJson(ctx, 200, {{"keys", out}});
               return Status::Ok();
             }});
  table.Add({.method = "POST",
             .pattern = "/api/v1/admin/keys",
             .roles = kAdmin,
             .audit_action = "key.create",
             .handler = [](Context& ctx) -> Status {
               QUELL_ASSIGN_OR_RETURN(Json body, ParseJsonBody(ctx));
               QUELL_ASSIGN_OR_RETURN(Role role, RoleField(body));
               QUELL_ASSIGN_OR_RETURN(std::string org, RequireString(body, "org"));
               QUELL_ASSIGN_OR_RETURN(std::string label, OptionalString(body, "label"));
               double rate = 0;
               int64_t burst = 0;
               if (auto it = body.find("rate_per_second"); it != body.end() && !it->is_null()) {
                 if (!it->is_number()) return InvalidArgument("'rate_per_second' must be a number");
                 rate = it->get<double>();
               }
               if (auto it = body.find("burst"); it != body.end() && !it->is_null()) {
                 if (!it->is_number_integer() || it->get<double>() > 1e18) {
                   return InvalidArgument("'burst' must be an integer");
                 }
                 burst = it->get<int64_t>();
               }
               QUELL_ASSIGN_OR_RETURN(
                   auto key, ctx.services.accounts.CreateApiKey(role, org, label, rate, burst));
               ctx.audit_target = "key:" + key.prefix;
               ctx.audit_detail = "role=" + std::string(Name(role)) + " org=" + org;
               WriteJson(ctx, 201, {{"id", key.id}, {"prefix", key.prefix}, {"key", key.key}});
               return Status::Ok();
             }});
  table.Add({.method = "DELETE",
             .pattern = "/api/v1/admin/keys/{id}",
             .roles = kAdmin,
             .audit_action = "key.revoke",
             .handler = [](Context& ctx) -> Status {
               QUELL_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "id"));
               QUELL_RETURN_IF_ERROR(ctx.services.accounts.RevokeApiKey(id));
               ctx.audit_target = "key:" + std::to_string(id);
               ctx.res.status = 204;
               return Status::Ok();
             }});

  // --- audit log ---
  table.Add({.method = "GET",
             .pattern = "/api/v1/admin/audit",
             .roles = kAdmin,
             .handler = [](Context& ctx) -> Status {
               QUELL_ASSIGN_OR_RETURN(int64_t before, IntQuery(ctx, "before", 0, 0, INT64_MAX));
               QUELL_ASSIGN_OR_RETURN(int64_t limit, IntQuery(ctx, "limit", 50, 1, 500));
               QUELL_ASSIGN_OR_RETURN(
                   auto entries, ctx.services.accounts.ListAudit(static_cast<int>(limit), before));
               Json out = Json::array();
               for (const auto& e : entries) {
                 out.push_back({{"id", e.id},
                                {"at", TimeJson(e.at)},
                                {"actor", e.actor},
                                {"action", e.action},
                                {"target", e.target},
                                {"detail", e.detail},
                                {"remote", e.remote}});
               }
               const bool more = static_cast<int64_t>(entries.size()) == limit && !entries.empty();
               WriteJson(ctx, 200,
                         {{"entries", out},
                          {"next_before", more ? Json(entries.back().id) : Json(nullptr)}});
               return Status::Ok();
             }});

  // --- notices ---
  table.Add({.method = "GET",
             .pattern = "/api/v1/admin/notices",
             .roles = kAdmin,
             .audit_action = "notices.view",
             .audit_view = true,
             .handler = [](Context& ctx) -> Status {
               QUELL_ASSIGN_OR_RETURN(notify::Notifier * notifier, NotifierOf(ctx));
               std::optional<notify::NoticeStatus> status;
               if (const std::string s = ctx.req.QueryParam("status"); !s.empty()) {
                 QUELL_ASSIGN_OR_RETURN(status, notify::ParseNoticeStatus(s));
               }
               QUELL_ASSIGN_OR_RETURN(int64_t before, IntQuery(ctx, "before", 0, 0, INT64_MAX));
               QUELL_ASSIGN_OR_RETURN(int64_t limit, IntQuery(ctx, "limit", 100, 1, 500));
               QUELL_ASSIGN_OR_RETURN(auto notices,
                                      notifier->List(status, static_cast<int>(limit), before));
               QUELL_ASSIGN_OR_RETURN(auto stats, notifier->GetStats());
               Json out = Json::array();
               for (const auto& n : notices) out.push_back(NoticeJson(n));
               WriteJson(ctx, 200,
                         {{"notices", out},
                          {"stats",
                           {{"pending", stats.pending},
                            {"sent", stats.sent},
                            {"failed", stats.failed},
                            {"held", stats.held}}}});
               return Status::Ok();
             }});
  table.Add({.method = "POST",
             .pattern = "/api/v1/admin/notices/{id}/retry",
             .roles = kAdmin,
             .audit_action = "notice.retry",
             .handler = [](Context& ctx) -> Status {
               QUELL_ASSIGN_OR_RETURN(notify::Notifier * notifier, NotifierOf(ctx));
               QUELL_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "id"));
               QUELL_ASSIGN_OR_RETURN(auto notice, notifier->Retry(id));
               ctx.audit_target = "notice:" + std::to_string(id);
               WriteJson(ctx, 200, {{"notice", NoticeJson(notice)}});
               return Status::Ok();
             }});
}

}  // namespace quell::api
