// The route table that each domain's routes_<domain>.cc fills in, and the
// per-request Context a handler sees. Internal to `api`.
#pragma once

#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "quell/access/access.h"
#include "quell/api/app.h"
#include "quell/api/router.h"
#include "quell/core/status.h"
#include "quell/core/vocabulary.h"
#include "quell/net/http.h"

namespace quell::api {

struct Context {
  const net::HttpRequest& req;
  net::HttpResponse& res;
  PathParams params;
  // Who is calling: set for authenticated requests.
  std::optional<access::Principal> principal;
  // For portal sessions: the cookie token and its CSRF token.
  std::string session_token;
  std::string csrf_token;
  // A handler of a mutating route may say what it acted on, for the audit log.
  std::string audit_target;
  std::string audit_detail;

  const Services& services;
  const AppOptions& options;
  std::atomic<bool>& ready;

  // "name of principal" or "anonymous".
  std::string ActorName() const { return principal ? principal->name : "anonymous"; }
};

using RouteHandler = std::function<Status(Context&)>;

struct RouteSpec {
  std::string method;
  std::string pattern;
  // Who may call: public routes need no credentials; otherwise any of `roles`
  // (empty = any authenticated principal).
  bool is_public = false;
  std::vector<Role> roles;
  // Ignore a session cookie (login: a stale or other user's session must not
  // demand its CSRF token from a fresh login).
  bool ignore_session = false;
  // Audit action recorded on success of a mutating route ("user.create"), or of a
  // GET that shows personal data to a person (when audit_view is set).
  std::string audit_action;
  bool audit_view = false;
  // An ATIS-1000082 route (/stir/v1/*): errors in that standard's shape
  // ({"requestError":{"serviceException"|"policyException":{...}}}), X-RequestID
  // echoed, the body's Content-Type checked by the handler (415 SVC4004), and no
  // audit entry per call (a machine call, counted per API key).
  bool atis = false;
  // A machine call on the call path (screening): counted per API key, not
  // audited one by one, though it is a POST.
  bool machine = false;
  // The body is not JSON (a CSV upload): the handler checks its Content-Type.
  bool raw_body = false;
  RouteHandler handler;
};

class RouteTable {
 public:
  void Add(RouteSpec spec) { routes_.push_back(std::move(spec)); }
  std::vector<RouteSpec>& routes() { return routes_; }

 private:
  std::vector<RouteSpec> routes_;
};

// Route groups, one per domain file.
void RegisterOpsRoutes(RouteTable& table);      // routes_ops.cc: health, metrics, vocabulary
void RegisterSessionRoutes(RouteTable& table);  // routes_session.cc: login, logout, whoami
void RegisterAdminRoutes(RouteTable& table);   // routes_admin.cc: users, orgs, keys, audit, notices
void RegisterStirRoutes(RouteTable& table);    // routes_stir.cc: /stir/v1, /sti-cr, TN ownership
void RegisterScreenRoutes(RouteTable& table);  // routes_screen.cc: /api/v1/screen
void RegisterDncRoutes(RouteTable& table);     // routes_dnc.cc: /api/v1/dnc
void RegisterDncCitizenRoutes(RouteTable& table);  // routes_dnc_citizen.cc: codes, verify, me
void RegisterEventsRoutes(RouteTable& table);      // routes_events.cc: /api/v1/events (CDRs in)
void RegisterFindingsRoutes(RouteTable& table);    // routes_findings.cc: /api/v1/findings
void RegisterReputationRoutes(RouteTable& table);  // routes_reputation.cc: numbers, marks
void RegisterReportsRoutes(RouteTable& table);     // routes_reports.cc: reports, cases
void RegisterLedgerRoutes(RouteTable& table);      // routes_ledger.cc: /api/v1/ledger
void RegisterSanctionsRoutes(RouteTable& table);   // routes_sanctions.cc: /api/v1/sanctions
void RegisterBreachRoutes(RouteTable& table);      // routes_breach.cc: /api/v1/breaches
void RegisterTracebackRoutes(RouteTable& table);   // routes_traceback.cc: /api/v1/traceback, carriers

// Writes the standard error body for `status` (never the message of an Internal).
void WriteError(Context& ctx, const Status& status);
// HTTP status for a Status code.
int HttpStatusFor(StatusCode code);

// An ATIS-1000082 error body: {"requestError":{<kind>:{"messageId","text","variables"}}}
// with `kind` "serviceException" or "policyException".
void WriteAtisError(Context& ctx, int http, std::string_view kind, std::string_view message_id,
                    std::string_view text, const std::vector<std::string>& variables = {});
// `status` (from authentication, authorisation, rate limits or a handler) in the
// ATIS shape: 401 POL4010, 403 POL4030, 429 POL4290 (Quell's own ids for what
// the standard leaves to deployments), 400 SVC4005, 404 SVC4003, 5xx POL5000.
void WriteAtisStatus(Context& ctx, const Status& status);

}  // namespace quell::api
