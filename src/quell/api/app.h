// App: Quell's REST API and portal front door — every HTTP request the server
// receives goes through App::Handle.
//
// For each request it: routes by method and path (404 / 405 with Allow), serves
// the portal's static files, authenticates (Bearer API key, or portal session
// cookie plus CSRF token on state-changing requests), authorises by role
// (401 / 403), applies per-key rate limits (429), calls the domain handler,
// maps its Status to the error body {"error":{"code","message"}} with the right
// status (500 never shows internals), and writes the audit log entry for every
// mutating call and every portal view of personal data.
//
// Domains add their routes in routes_<domain>.cc (see internal/routes.h).
//
// Thread-safety: Handle may be called from many threads at once.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "quell/core/clock.h"
#include "quell/core/status.h"
#include "quell/net/http.h"

namespace quell::store {
class Store;
}
namespace quell::access {
class Accounts;
}
namespace quell::notify {
class Notifier;
}
namespace quell::shaken {
class Verifier;
class Signer;
class SignerRegistry;
class TnOwnership;
}  // namespace quell::shaken
namespace quell::screen {
class Pipeline;
}
namespace quell::registry {
class Registry;
class Ownership;
class ViolationRecorder;
}  // namespace quell::registry
namespace quell {
class NumberPlan;
}
namespace quell::events {
class CallEventSink;
}
namespace quell::detect {
class Engine;
class FindingStore;
}  // namespace quell::detect
namespace quell::reputation {
class Reputation;
class ComplaintCentre;
class BlocklistStore;
class Appeals;
}  // namespace quell::reputation
namespace quell::enforce {
class Ledger;
class Follower;
class Sanctions;
class BreachNotices;
class Traceback;
}  // namespace quell::enforce

namespace quell::api {

struct DemoAccount {
  std::string username;
  std::string password;
  std::string role;
};

struct AppOptions {
  // Directory of the portal's static files (web/); empty serves none.
  std::string web_root;
  // Demo mode: GET /api/v1/demo lists these accounts for the login page.
  bool demo = false;
  std::vector<DemoAccount> demo_accounts;
  // Marks session cookies Secure (when serving HTTPS, or behind a TLS proxy).
  bool secure_cookies = false;
  // GET /metrics without credentials; when false it needs an admin or analyst
  // (API key or session).
  bool metrics_public = true;
};

// What the handlers use; all must outlive the App. Pointers may be null: the
// routes that need them answer 503 (not configured).
struct Services {
  store::Store& store;
  access::Accounts& accounts;
  notify::Notifier* notifier = nullptr;
  Clock& clock;
  shaken::Verifier* verifier = nullptr;               // STI-VS: /stir/v1/verification
  shaken::Signer* signer = nullptr;                   // STI-AS: /stir/v1/signing
  shaken::SignerRegistry* signers = nullptr;          // certificates served at /sti-cr/
  std::chrono::seconds repository_max_age{3600};      // their Cache-Control max-age
  shaken::TnOwnership* tn_ownership = nullptr;        // attestation data: /api/v1/shaken/
  screen::Pipeline* pipeline = nullptr;               // call screening: /api/v1/screen
  registry::Registry* registry = nullptr;             // the Do-Not-Call register: /api/v1/dnc
  registry::Ownership* ownership = nullptr;           // citizens' one-time codes: /api/v1/dnc/me
  registry::ViolationRecorder* violations = nullptr;  // /api/v1/dnc/violations
  const NumberPlan* plan = nullptr;                   // parses numbers in DNC requests and CDRs
  events::CallEventSink* events = nullptr;            // POST /api/v1/events
  detect::FindingStore* findings = nullptr;           // /api/v1/findings
  reputation::Reputation* reputation = nullptr;       // /api/v1/numbers, /api/v1/marks
  reputation::ComplaintCentre* complaints = nullptr;  // /api/v1/reports, /api/v1/cases
  reputation::BlocklistStore* blocklists = nullptr;   // /api/v1/blocklist
  reputation::Appeals* appeals = nullptr;             // /api/v1/appeals
  detect::Engine* detector = nullptr;                 // live figures in /api/v1/findings/summary
  enforce::Ledger* ledger = nullptr;                  // /api/v1/ledger
  enforce::Follower* ledger_follower = nullptr;       // a replica's state: /api/v1/ledger/replica
  enforce::Sanctions* sanctions = nullptr;            // /api/v1/sanctions
  enforce::BreachNotices* breaches = nullptr;         // /api/v1/breaches
  enforce::Traceback* traceback = nullptr;            // /api/v1/traceback, /api/v1/carriers
  // The organisation whose signer signs originating calls ([screen] signing_org);
  // only its keys (and admins) may screen originating calls. Empty: none.
  std::optional<int64_t> screen_signing_org;
  // Re-reads the screening policy from quell.toml (POST /api/v1/screen/policy/reload);
  // an error leaves the current policy in force. Null: not reloadable.
  std::function<Status()> reload_screen_policy;
};

class App {
 public:
  App(AppOptions options, Services services);
  ~App();
  App(const App&) = delete;
  App& operator=(const App&) = delete;

  // Handles one request. Thread-safe; never throws.
  void Handle(const net::HttpRequest& req, net::HttpResponse& res);

  // /readyz answers 200 only while ready (set once serving; cleared on shutdown).
  void SetReady(bool ready);

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace quell::api
