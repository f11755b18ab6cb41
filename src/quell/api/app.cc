#include "quell/api/app.h"

#include <atomic>
#include <memory>

#include <spdlog/spdlog.h>

#include "quell/access/access.h"
#include "quell/api/internal/routes.h"
#include "quell/api/router.h"
#include "quell/core/ids.h"
#include "quell/core/metrics.h"
#include "quell/net/static_files.h"

namespace quell::api {

int HttpStatusFor(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return 200;
    case StatusCode::kInvalidArgument:
      return 400;
    case StatusCode::kUnauthenticated:
      return 401;
    case StatusCode::kPermissionDenied:
      return 403;
    case StatusCode::kNotFound:
      return 404;
    case StatusCode::kAlreadyExists:
      return 409;
    case StatusCode::kFailedPrecondition:
      return 409;
    case StatusCode::kPayloadTooLarge:
      return 413;
    case StatusCode::kResourceExhausted:
      return 429;
    case StatusCode::kInternal:
      return 500;
    case StatusCode::kUnavailable:
      return 503;
    case StatusCode::kDeadlineExceeded:
      return 504;
  }
  return 500;
}

void WriteError(Context& ctx, const Status& status) {
  const int http = HttpStatusFor(status.code());
  ctx.res.status = http;
  std::string_view message = status.message();
  if (status.code() == StatusCode::kInternal) {
    // The details go to the log, never to the client.
    spdlog::error("internal error on {} {}: {}", ctx.req.method, ctx.req.path, status.message());
    message = "internal error";
  }
  if (http == 401) ctx.res.SetHeader("WWW-Authenticate", "Bearer realm=\"quell\"");
  if (http == 429) ctx.res.SetHeader("Retry-After", "1");
  ctx.res.SetHeader("Content-Type", "application/json");
  ctx.res.body = net::ErrorBody(StatusCodeName(status.code()), message);
}

void WriteAtisError(Context& ctx, int http, std::string_view kind, std::string_view message_id,
                    std::string_view text, const std::vector<std::string>& variables) {
  std::string body = R"({"requestError":{")";
  body += kind;
  body += R"(":{"messageId":")";
  net::AppendJsonEscaped(body, message_id);
  body += R"(","text":")";
  net::AppendJsonEscaped(body, text);
  body += R"(","variables":[)";
  for (std::size_t i = 0; i < variables.size(); ++i) {
    if (i > 0) body += ',';
    body += '"';
    net::AppendJsonEscaped(body, variables[i]);
    body += '"';
  }
  body += "]}}}";
  ctx.res.status = http;
  ctx.res.SetHeader("Content-Type", "application/json");
  ctx.res.body = std::move(body);
}

void WriteAtisStatus(Context& ctx, const Status& status) {
  const int http = HttpStatusFor(status.code());
  std::string_view message = status.message();
  if (http >= 500) {
    if (status.code() == StatusCode::kInternal) {
      spdlog::error("internal error on {} {}: {}", ctx.req.method, ctx.req.path, status.message());
      message = "internal error";
    }
    WriteAtisError(ctx, http, "policyException", "POL5000", message);
    return;
  }
  switch (http) {
    case 401:
      ctx.res.SetHeader("WWW-Authenticate", "Bearer realm=\"quell\"");
      WriteAtisError(ctx, 401, "policyException", "POL4010", message);
      return;
    case 403:
      WriteAtisError(ctx, 403, "policyException", "POL4030", message);
      return;
    case 429:
      ctx.res.SetHeader("Retry-After", "1");
      WriteAtisError(ctx, 429, "policyException", "POL4290", message);
      return;
    case 404:
      WriteAtisError(ctx, 404, "serviceException", "SVC4003", message);
      return;
    default:
      WriteAtisError(ctx, http, "serviceException", "SVC4005", message);
      return;
  }
}

namespace {

constexpr std::string_view kSessionCookie = "quell_session";

bool IsAtisPath(std::string_view path) { return path.starts_with("/stir/"); }

bool IsMutating(std::string_view method) {
  return method != "GET" && method != "HEAD" && method != "OPTIONS";
}

bool IsApiPath(std::string_view path) {
  return path.starts_with("/api/") || path == "/healthz" || path == "/readyz" ||
         path == "/metrics" || path.starts_with("/stir/");
}

}  // namespace

struct App::Impl {
  Impl(AppOptions o, Services s) : options(std::move(o)), services(s) {
    RegisterOpsRoutes(table);
    RegisterSessionRoutes(table);
    RegisterAdminRoutes(table);
    RegisterStirRoutes(table);
    RegisterScreenRoutes(table);
    RegisterDncRoutes(table);
    RegisterDncCitizenRoutes(table);
    RegisterEventsRoutes(table);
    RegisterFindingsRoutes(table);
    RegisterReputationRoutes(table);
    RegisterReportsRoutes(table);
    RegisterLedgerRoutes(table);
    RegisterSanctionsRoutes(table);
    RegisterBreachRoutes(table);
    RegisterTracebackRoutes(table);
    for (std::size_t i = 0; i < table.routes().size(); ++i) {
      const RouteSpec& r = table.routes()[i];
      router.Add(r.method, r.pattern, i);
    }
    if (!options.web_root.empty())
      static_files = std::make_unique<net::StaticFiles>(options.web_root);
  }

  // Authenticates the request if it carries credentials. Returns an error only
  // for credentials that are present and bad (a missing credential is not an
  // error here; the route decides whether it needs one).
  Status Authenticate(Context& ctx, const RouteSpec& route) {
    const std::string_view auth = ctx.req.Header("authorization");
    if (!auth.empty()) {
      constexpr std::string_view kBearer = "Bearer ";
      if (auth.size() <= kBearer.size() ||
          !net::EqualsIgnoreCase(auth.substr(0, kBearer.size()), kBearer)) {
        return Unauthenticated("Authorization must be 'Bearer <API key>'");
      }
      QUELL_ASSIGN_OR_RETURN(access::Principal p,
                             services.accounts.AuthenticateKey(auth.substr(kBearer.size())));
      ctx.principal = std::move(p);
      return Status::Ok();
    }
    const std::string_view token = ctx.req.Cookie(kSessionCookie);
    if (token.empty() || route.ignore_session) return Status::Ok();
    auto session = services.accounts.FindSession(token);
    if (!session) {
      // A stale cookie is treated as no session (public routes still work).
      return session.status().code() == StatusCode::kUnauthenticated ? Status::Ok()
                                                                     : session.status();
    }
    access::Principal p;
    p.kind = access::Principal::Kind::kUser;
    p.user_id = session->user.id;
    p.name = session->user.username;
    p.role = session->user.role;
    p.org_id = session->user.org_id;
    p.org_name = session->user.org_name;
    ctx.principal = std::move(p);
    ctx.session_token = std::string(token);
    ctx.csrf_token = session->csrf_token;
    return Status::Ok();
  }

  Status Authorise(Context& ctx, const RouteSpec& route) {
    if (route.is_public) return Status::Ok();
    if (!ctx.principal) return Unauthenticated("this request needs an API key or a login");
    if (!route.roles.empty()) {
      bool allowed = false;
      for (Role r : route.roles) allowed = allowed || r == ctx.principal->role;
      if (!allowed) {
        return PermissionDenied("role '" + std::string(Name(ctx.principal->role)) +
                                "' may not call " + route.method + " " + route.pattern);
      }
    }
    return Status::Ok();
  }

  // Cookie-authenticated state changes must echo the session's CSRF token; JSON
  // bodies must say they are JSON (a cross-site form cannot).
  Status CheckRequestShape(Context& ctx, bool own_body_type) {
    if (!IsMutating(ctx.req.method)) return Status::Ok();
    if (!ctx.session_token.empty()) {
      const std::string_view sent = ctx.req.Header("x-csrf-token");
      if (sent.empty() || !ConstantTimeEquals(sent, ctx.csrf_token)) {
        return PermissionDenied("missing or wrong X-CSRF-Token for this session");
      }
    }
    if (!ctx.req.body.empty() && !own_body_type) {
      const std::string_view ct = ctx.req.Header("content-type");
      constexpr std::string_view kJson = "application/json";
      if (ct.size() < kJson.size() || !net::EqualsIgnoreCase(ct.substr(0, kJson.size()), kJson)) {
        return InvalidArgument("request bodies must be JSON (Content-Type: application/json)");
      }
    }
    return Status::Ok();
  }

  void Audit(Context& ctx, const RouteSpec& route) {
    const std::string action =
        route.audit_action.empty() ? route.method + " " + route.pattern : route.audit_action;
    const access::Principal system{.name = "anonymous"};
    Status s = services.accounts.Audit(ctx.principal ? *ctx.principal : system, action,
                                       ctx.audit_target, ctx.audit_detail, ctx.req.remote_ip);
    if (!s.ok()) spdlog::error("audit log write failed: {}", s.ToString());
  }

  void HandleRoute(Context& ctx, const RouteSpec& route) {
    Status s = Authenticate(ctx, route);
    if (s.ok()) s = Authorise(ctx, route);
    if (s.ok()) s = CheckRequestShape(ctx, route.atis || route.raw_body);
    if (s.ok()) s = route.handler(ctx);
    if (!s.ok()) {
      if (route.atis) {
        WriteAtisStatus(ctx, s);
      } else {
        WriteError(ctx, s);
      }
    } else if (route.atis || route.machine) {
      // A machine call: counted per API key, not audited one by one.
    } else if (IsMutating(route.method) ||
               (route.audit_view && ctx.principal &&
                ctx.principal->kind == access::Principal::Kind::kUser)) {
      Audit(ctx, route);
    }
    if (ctx.principal) ctx.res.SetHeader("X-Quell-Principal", ctx.principal->name);
  }

  AppOptions options;
  Services services;
  std::atomic<bool> ready{false};
  RouteTable table;
  Router router;
  std::unique_ptr<net::StaticFiles> static_files;
};

App::App(AppOptions options, Services services)
    : impl_(std::make_unique<Impl>(std::move(options), services)) {}
App::~App() = default;

void App::SetReady(bool ready) { impl_->ready = ready; }

void App::Handle(const net::HttpRequest& req, net::HttpResponse& res) {
  Impl& app = *impl_;
  Context ctx{.req = req,
              .res = res,
              .params = {},
              .principal = std::nullopt,
              .session_token = {},
              .csrf_token = {},
              .audit_target = {},
              .audit_detail = {},
              .services = app.services,
              .options = app.options,
              .ready = app.ready};
  res.SetHeader("X-Content-Type-Options", "nosniff");
  res.SetHeader("Referrer-Policy", "no-referrer");
  const bool atis_path = IsAtisPath(req.path);
  if (atis_path) {
    // ATIS-1000082: the client's request id comes back on the response.
    if (std::string_view id = req.Header("x-requestid"); !id.empty()) {
      res.SetHeader("X-RequestID", id);
    }
  }
  try {
    std::size_t id = 0;
    std::string allowed;
    switch (app.router.Find(req.method, req.path, &id, &ctx.params, &allowed)) {
      case Router::Match::kFound:
        res.SetHeader("Cache-Control", "no-store");
        app.HandleRoute(ctx, app.table.routes()[id]);
        break;
      case Router::Match::kNoMethod:
        res.SetHeader("Allow", allowed);
        if (atis_path) {
          WriteAtisError(ctx, 405, "policyException", "POL4050",
                         "Method not allowed: " + req.method + "; use " + allowed);
          break;
        }
        res.SetHeader("Content-Type", "application/json");
        res.status = 405;
        res.body = net::ErrorBody("method_not_allowed", req.method + " is not allowed on " +
                                                            req.path + "; use " + allowed);
        break;
      case Router::Match::kNoPath:
        if (!IsApiPath(req.path) && app.static_files &&
            (req.method == "GET" || req.method == "HEAD")) {
          if (app.static_files->Serve(req, res)) {
            // After Serve, which sets the whole header list of a file response.
            res.SetHeader("X-Frame-Options", "DENY");
            res.SetHeader("Referrer-Policy", "no-referrer");
            res.SetHeader("Content-Security-Policy",
                          "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'");
            break;
          }
        }
        if (atis_path) {
          WriteAtisError(ctx, 404, "serviceException", "SVC4003",
                         "Resource not found: " + req.path);
          break;
        }
        WriteError(ctx, NotFound("no such resource: " + req.path));
        break;
    }
  } catch (const std::exception& e) {
    const Status internal = Internal(std::string("uncaught exception: ") + e.what());
    if (atis_path) {
      WriteAtisStatus(ctx, internal);
    } else {
      WriteError(ctx, internal);
    }
  }
}

}  // namespace quell::api
