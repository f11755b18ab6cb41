// Access: organisations, users and roles, portal sessions, API keys, and the
// audit log. One Accounts object per process, shared by the HTTP routes and the
// CLI; it owns the tables of the `access` schema in the store.
//
// Security model (docs/api/README.md "Authentication"):
//   - Passwords are hashed with argon2id (libsodium crypto_pwhash_str). Logins are
//     rate-limited per username and per client address.
//   - A portal session is a random 256-bit token sent as an HttpOnly,
//     SameSite=Strict cookie; only its SHA-256 is stored. Each session has a CSRF
//     token that every state-changing request made with the cookie must echo.
//   - API keys ("qk_<prefix>_<secret>") are shown once and stored as SHA-256 of the
//     whole key (keys are 256-bit random, so a slow hash adds nothing). Each is
//     scoped to one role and one organisation, revocable, and rate-limited by a
//     token bucket of its own. Key checks are served from memory; a key created
//     or revoked by another process (the CLI) is seen within `key_cache_ttl`.
//   - Every mutation and every portal view of personal data is written to the
//     audit log; machine lookups are counted per key (Stats), not logged.
//
// Thread-safety: all methods are thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "quell/core/clock.h"
#include "quell/core/status.h"
#include "quell/core/vocabulary.h"

namespace quell::store {
class Store;
}

namespace quell::access {

struct Organisation {
  int64_t id = 0;
  std::string name;
  OrgKind kind = OrgKind::kBusiness;
  TimePoint created_at;
};

struct User {
  int64_t id = 0;
  std::string username;
  std::string display_name;
  Role role = Role::kCitizen;
  std::optional<int64_t> org_id;
  std::string org_name;  // empty without an organisation
  bool disabled = false;
  TimePoint created_at;
};

// Who is making a request: a logged-in user or an API key.
struct Principal {
  enum class Kind { kUser, kApiKey };
  Kind kind = Kind::kUser;
  int64_t user_id = 0;  // kUser
  int64_t key_id = 0;   // kApiKey
  std::string name;     // username, or "key:<prefix>"
  Role role = Role::kCitizen;
  std::optional<int64_t> org_id;
  std::string org_name;
};

struct Session {
  std::string token;       // the cookie value; only returned by Login
  std::string csrf_token;  // must be echoed in X-CSRF-Token on mutating requests
  User user;
  TimePoint expires_at;
};

struct NewApiKey {
  int64_t id = 0;
  std::string prefix;  // public part, shown in listings
  std::string key;     // the whole secret key: shown once, never stored
};

struct ApiKeyInfo {
  int64_t id = 0;
  std::string prefix;
  std::string label;
  Role role = Role::kCarrier;
  int64_t org_id = 0;
  std::string org_name;
  double rate_per_second = 0;  // token-bucket refill rate
  int64_t burst = 0;           // token-bucket size
  TimePoint created_at;
  std::optional<TimePoint> revoked_at;
  int64_t uses = 0;  // requests authenticated with this key (flushed periodically)
};

struct AuditEntry {
  int64_t id = 0;
  TimePoint at;
  std::string actor;   // Principal::name, or "system"
  std::string action;  // "user.create", "key.revoke", "report.view", ...
  std::string target;  // what was acted on, e.g. "user:12"
  std::string detail;  // free text or JSON, never a password or key
  std::string remote;  // client address
};

struct Options {
  std::chrono::seconds session_ttl{std::chrono::hours(12)};
  // Failed logins allowed per username and per client address within the window.
  int login_max_failures = 5;
  std::chrono::seconds login_window{std::chrono::minutes(15)};
  // Default token bucket of new API keys.
  double key_rate_per_second = 200;
  int64_t key_burst = 400;
  // How long a key check may be answered from memory before re-reading the store.
  std::chrono::seconds key_cache_ttl{10};
};

class Accounts {
 public:
  virtual ~Accounts() = default;

  // Applies the access schema migrations to `store` and loads what it caches.
  // `store` and `clock` must outlive the Accounts.
  static Result<std::unique_ptr<Accounts>> Open(store::Store& store, Clock& clock,
                                                Options options = {});

  // --- organisations ---
  virtual Result<Organisation> CreateOrganisation(std::string_view name, OrgKind kind) = 0;
  virtual Result<Organisation> FindOrganisation(std::string_view name) = 0;
  virtual Result<std::vector<Organisation>> ListOrganisations() = 0;

  // --- users ---
  // Creates a user. Roles other than citizen and admin need `org_name`, naming an
  // existing organisation of the matching kind (OrgKindForRole); citizens take no
  // organisation; an admin may name one of any kind. Passwords must be at least
  // 10 characters (code points) and at most 1024 bytes. Usernames: 3-64 of
  // [A-Za-z0-9._@-], unique, case-sensitive. `display_name` defaults to the
  // username. InvalidArgument / AlreadyExists / NotFound (organisation).
  virtual Result<User> CreateUser(std::string_view username, std::string_view password, Role role,
                                  std::string_view org_name = {},
                                  std::string_view display_name = {}) = 0;
  virtual Result<User> FindUser(std::string_view username) = 0;
  virtual Result<std::vector<User>> ListUsers() = 0;
  // Replaces a user's password and ends all of the user's sessions.
  virtual Status SetPassword(std::string_view username, std::string_view new_password) = 0;
  // Disables (ending their sessions at once) or re-enables a user. A disabled
  // user cannot log in. NotFound if there is no such user.
  virtual Status SetUserDisabled(std::string_view username, bool disabled) = 0;
  virtual Result<int64_t> CountUsers() = 0;

  // --- portal sessions ---
  // Checks the password and opens a session. Unauthenticated on a wrong username
  // or password (the same message for both); ResourceExhausted when the username
  // or `remote` has failed too often within the window.
  virtual Result<Session> Login(std::string_view username, std::string_view password,
                                std::string_view remote) = 0;
  // The session behind a cookie token (token is returned empty; csrf_token is
  // returned so the caller can compare X-CSRF-Token with ConstantTimeEquals and
  // the portal can fetch it again after a reload); Unauthenticated if unknown,
  // expired (the row is deleted then) or its user is disabled. Reads the store
  // every time, so a logout or a disabled user takes effect at once.
  // Expired sessions are also purged in bulk by Login, at most once a minute.
  virtual Result<Session> FindSession(std::string_view token) = 0;
  virtual Status Logout(std::string_view token) = 0;

  // --- API keys ---
  // Creates a key for `role` in organisation `org_name` (which must exist and be
  // of the role's organisation kind; so citizens and admins hold no keys).
  // rate/burst <= 0 take the defaults; at most 1e6/s and 1e9.
  // Key format: "qk_" + 12 base32 characters (the prefix) + "_" + 43 base64url.
  virtual Result<NewApiKey> CreateApiKey(Role role, std::string_view org_name,
                                         std::string_view label = {}, double rate_per_second = 0,
                                         int64_t burst = 0) = 0;
  // Hot path: checks a presented key. Unauthenticated if malformed, unknown or
  // revoked; ResourceExhausted if its token bucket is empty (the request must be
  // refused with 429). Unavailable when many unknown prefixes arrive at once
  // (store look-ups for them are rate-limited process-wide) or the store cannot
  // be read for a key not yet in memory. Counts the use; counts reach the store
  // every few seconds from within calls, on ListApiKeys and on destruction.
  // Served from memory: no store access for a cached key within key_cache_ttl.
  virtual Result<Principal> AuthenticateKey(std::string_view key) = 0;
  // Revokes a key (effective at once in this process, within key_cache_ttl in
  // others). NotFound if there is no such key; revoking twice is OK.
  virtual Status RevokeApiKey(int64_t id) = 0;
  virtual Result<std::vector<ApiKeyInfo>> ListApiKeys() = 0;

  // --- housekeeping ---
  // Work kept off request paths: writes the key-use counts gathered in memory
  // and deletes expired sessions. The server calls it every few seconds from its
  // main thread; it also runs when the Accounts is destroyed.
  virtual Status Maintain() = 0;

  // --- audit ---
  // Appends an entry at the clock's time; actor is actor.name, or "system" if
  // empty. Fields longer than 16 KiB are cut. Accounts itself writes no audit
  // entries: callers, who know the actor, log the mutations they make.
  virtual Status Audit(const Principal& actor, std::string_view action, std::string_view target,
                       std::string_view detail, std::string_view remote) = 0;
  // Newest first; entries with id < before_id when before_id > 0. `limit` must be
  // positive and is capped at 1000.
  virtual Result<std::vector<AuditEntry>> ListAudit(int limit, int64_t before_id = 0) = 0;
};

}  // namespace quell::access
