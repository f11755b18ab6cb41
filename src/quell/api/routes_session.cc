// Portal sessions (login, logout, who am I) and /api/v1/whoami for API keys.
#include "quell/api/internal/json.h"

namespace quell::api {
namespace {

Json UserJson(const access::User& u) {
  return {{"username", u.username},
          {"display_name", u.display_name},
          {"role", Name(u.role)},
          {"org", u.org_name.empty() ? Json(nullptr) : Json(u.org_name)}};
}

std::string SessionCookie(std::string_view token, int64_t max_age_s, bool secure) {
  std::string c = "quell_session=";
  c += token;
  c += "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(max_age_s);
  if (secure) c += "; Secure";
  return c;
}

}  // namespace

void RegisterSessionRoutes(RouteTable& table) {
  table.Add({.method = "POST",
             .pattern = "/api/v1/session",
             .is_public = true,
             .ignore_session = true,
             .audit_action = "session.login",
             .handler = [](Context& ctx) -> Status {
               QUELL_ASSIGN_OR_RETURN(Json body, ParseJsonBody(ctx));
               QUELL_ASSIGN_OR_RETURN(std::string username, RequireString(body, "username"));
               QUELL_ASSIGN_OR_RETURN(std::string password, RequireString(body, "password"));
               auto session = ctx.services.accounts.Login(username, password, ctx.req.remote_ip);
               if (!session) {
                 // Refusals by the rate limiter are counted, not logged: an attacker
                 // must not be able to flood the audit log. The actor is not the
                 // (unproven) username, which goes, shortened, into the target.
                 if (session.status().code() == StatusCode::kUnauthenticated) {
                   std::string target = "user:";
                   net::AppendJsonEscaped(target, std::string_view(username).substr(0, 64));
                   (void)ctx.services.accounts.Audit(access::Principal{.name = "anonymous"},
                                                     "session.login_failed", target, "",
                                                     ctx.req.remote_ip);
                 }
                 return session.status();
               }
               const int64_t max_age = std::chrono::duration_cast<std::chrono::seconds>(
                                           session->expires_at - ctx.services.clock.Now())
                                           .count();
               ctx.res.AddHeader("Set-Cookie", SessionCookie(session->token, max_age,
                                                             ctx.options.secure_cookies));
               ctx.principal = access::Principal{.kind = access::Principal::Kind::kUser,
                                                 .user_id = session->user.id,
                                                 .name = session->user.username,
                                                 .role = session->user.role,
                                                 .org_id = session->user.org_id,
                                                 .org_name = session->user.org_name};
               ctx.audit_target = "user:" + session->user.username;
               WriteJson(ctx, 200,
                         {{"user", UserJson(session->user)},
                          {"csrf_token", session->csrf_token},
                          {"expires_at", TimeJson(session->expires_at)}});
               return Status::Ok();
             }});

  table.Add({.method = "GET", .pattern = "/api/v1/session", .handler = [](Context& ctx) -> Status {
               if (ctx.session_token.empty()) return Unauthenticated("not logged in");
               QUELL_ASSIGN_OR_RETURN(access::Session s,
                                      ctx.services.accounts.FindSession(ctx.session_token));
               WriteJson(ctx, 200,
                         {{"user", UserJson(s.user)},
                          {"csrf_token", s.csrf_token},
                          {"expires_at", TimeJson(s.expires_at)}});
               return Status::Ok();
             }});

  table.Add({.method = "DELETE",
             .pattern = "/api/v1/session",
             .audit_action = "session.logout",
             .handler = [](Context& ctx) -> Status {
               if (ctx.session_token.empty()) return Unauthenticated("not logged in");
               QUELL_RETURN_IF_ERROR(ctx.services.accounts.Logout(ctx.session_token));
               ctx.res.AddHeader("Set-Cookie", SessionCookie("", 0, ctx.options.secure_cookies));
               ctx.res.status = 204;
               return Status::Ok();
             }});

  // Who is calling: cheap, for scripts checking their key (and the HTTP benchmark).
  table.Add({.method = "GET", .pattern = "/api/v1/whoami", .handler = [](Context& ctx) -> Status {
               const access::Principal& p = *ctx.principal;
               std::string body = R"({"name":")";
               net::AppendJsonEscaped(body, p.name);
               body += R"(","role":")";
               body += Name(p.role);
               body += R"(","org":)";
               if (p.org_name.empty()) {
                 body += "null";
               } else {
                 body += '"';
                 net::AppendJsonEscaped(body, p.org_name);
                 body += '"';
               }
               body += '}';
               ctx.res.SetHeader("Content-Type", "application/json");
               ctx.res.body = std::move(body);
               return Status::Ok();
             }});
}

}  // namespace quell::api
