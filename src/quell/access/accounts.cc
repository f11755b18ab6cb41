#include <sodium.h>

#include <algorithm>
#include <cmath>
#include <utility>

#include "quell/access/access.h"
#include "quell/access/internal/accounts_impl.h"
#include "quell/access/internal/password.h"
#include "quell/access/internal/schema.h"

namespace quell::access {

using internal::AccountsImpl;

Result<std::unique_ptr<Accounts>> Accounts::Open(store::Store& store, Clock& clock,
                                                 Options options) {
  if (options.session_ttl <= std::chrono::seconds(0)) {
    return InvalidArgument("session_ttl must be positive");
  }
  if (options.login_max_failures < 1) return InvalidArgument("login_max_failures must be >= 1");
  if (options.login_window <= std::chrono::seconds(0)) {
    return InvalidArgument("login_window must be positive");
  }
  if (!(options.key_rate_per_second > 0) || !std::isfinite(options.key_rate_per_second)) {
    return InvalidArgument("key_rate_per_second must be a positive number");
  }
  if (options.key_burst < 1) return InvalidArgument("key_burst must be >= 1");
  if (options.key_cache_ttl < std::chrono::seconds(0)) {
    return InvalidArgument("key_cache_ttl must not be negative");
  }
  auto accounts = std::make_unique<AccountsImpl>(store, clock, options);
  QUELL_RETURN_IF_ERROR(accounts->Init());
  return std::unique_ptr<Accounts>(std::move(accounts));
}

namespace internal {
namespace {

// Store look-ups for prefixes not in memory, across all keys: enough for keys
// made by the CLI to be picked up at once, too few for random prefixes to load
// the store.
constexpr double kUnknownKeyLookupsPerSecond = 200;
constexpr int64_t kUnknownKeyLookupBurst = 400;

constexpr size_t kMaxNameBytes = 200;
constexpr size_t kMaxPasswordBytes = 1024;
constexpr size_t kMinPasswordChars = 10;
constexpr size_t kMaxAuditFieldBytes = size_t{16} * 1024;
constexpr int kMaxAuditPage = 1000;

metrics::Counter LoginCounter(const char* result) {
  return metrics::GetCounter("quell_access_logins_total", "Portal login attempts, by result",
                             {{"result", result}});
}
metrics::Counter KeyAuthCounter(const char* result) {
  return metrics::GetCounter("quell_access_key_auths_total", "API key checks, by result",
                             {{"result", result}});
}

bool HasControlChars(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
  });
}

// Checks a free-text name (organisation, display name): printable, trimmed, bounded.
Status CheckName(std::string_view what, std::string_view value) {
  if (value.empty()) return InvalidArgument(std::string(what) + " must not be empty");
  if (value.size() > kMaxNameBytes) {
    return InvalidArgument(std::string(what) + " is longer than " + std::to_string(kMaxNameBytes) +
                           " bytes");
  }
  if (HasControlChars(value)) {
    return InvalidArgument(std::string(what) + " must not contain control characters");
  }
  if (value.front() == ' ' || value.back() == ' ') {
    return InvalidArgument(std::string(what) + " must not start or end with a space");
  }
  return Status::Ok();
}

Status CheckUsername(std::string_view username) {
  if (username.size() < 3 || username.size() > 64) {
    return InvalidArgument("username must be 3 to 64 characters long");
  }
  for (char c : username) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '@' || c == '-';
    if (!ok) {
      return InvalidArgument("username '" + std::string(username) +
                             "' may contain only letters, digits and . _ @ -");
    }
  }
  return Status::Ok();
}

Status CheckPassword(std::string_view password) {
  // Counted in code points, so a passphrase in Chinese is judged by its characters.
  size_t chars = std::count_if(password.begin(), password.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  });
  if (chars < kMinPasswordChars) {
    return InvalidArgument("password must be at least " + std::to_string(kMinPasswordChars) +
                           " characters long");
  }
  if (password.size() > kMaxPasswordBytes) {
    return InvalidArgument("password is longer than " + std::to_string(kMaxPasswordBytes) +
                           " bytes");
  }
  return Status::Ok();
}

// Cuts `s` to at most `max` bytes without splitting a UTF-8 sequence.
std::string Truncate(std::string_view s, size_t max) {
  if (s.size() <= max) return std::string(s);
  size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
  return std::string(s.substr(0, end)) + "...";
}

Result<Organisation> ParseOrganisation(const store::Row& row) {
  Organisation org;
  org.id = row.Int(0);
  org.name = row.Text(1);
  std::optional<OrgKind> kind = ParseOrgKind(row.Text(2));
  if (!kind) {
    return Internal("organisation " + std::to_string(org.id) + " has unknown kind '" + row.Text(2) +
                    "'");
  }
  org.kind = *kind;
  org.created_at = FromUnixMillis(row.Int(3));
  return org;
}

constexpr std::string_view kOrgSelect = "SELECT id, name, kind, created_at FROM organisations";

// Organisation by name through `db` (a Store or a Transaction); NotFound if none.
template <typename Db>
Result<Organisation> LookUpOrganisation(Db& db, std::string_view name) {
  QUELL_ASSIGN_OR_RETURN(auto rows, db.Query(std::string(kOrgSelect) + " WHERE name = $1", {name}));
  if (rows.empty()) return NotFound("no organisation named '" + std::string(name) + "'");
  return ParseOrganisation(rows.rows[0]);
}

// Checks that `username` is free and `org_name` fits `role`; returns the
// organisation, if any.
template <typename Db>
Result<std::optional<Organisation>> CheckNewUser(Db& db, std::string_view username, Role role,
                                                 std::string_view org_name) {
  QUELL_ASSIGN_OR_RETURN(auto taken,
                         db.Query("SELECT id FROM users WHERE username = $1", {username}));
  if (!taken.empty()) {
    return AlreadyExists("username '" + std::string(username) + "' is taken");
  }
  if (org_name.empty()) return std::optional<Organisation>();
  QUELL_ASSIGN_OR_RETURN(Organisation org, LookUpOrganisation(db, org_name));
  std::optional<OrgKind> needed = OrgKindForRole(role);
  if (needed && org.kind != *needed) {
    return InvalidArgument("organisation '" + org.name + "' is of kind '" +
                           std::string(Name(org.kind)) + "', but role '" + std::string(Name(role)) +
                           "' needs one of kind '" + std::string(Name(*needed)) + "'");
  }
  return std::optional<Organisation>(std::move(org));
}

std::string UserSelect(std::string_view where) {
  return "SELECT " + std::string(kUserColumns) + " FROM " + std::string(kUserJoin) + " " +
         std::string(where);
}

}  // namespace

Result<User> ParseUser(const store::Row& row, size_t first) {
  User user;
  user.id = row.Int(first);
  user.username = row.Text(first + 1);
  user.display_name = row.Text(first + 2);
  std::optional<Role> role = ParseRole(row.Text(first + 3));
  if (!role) {
    return Internal("user " + std::to_string(user.id) + " has unknown role '" +
                    row.Text(first + 3) + "'");
  }
  user.role = *role;
  if (!row.IsNull(first + 4)) {
    user.org_id = row.Int(first + 4);
    user.org_name = row.Text(first + 5);
  }
  user.disabled = row.Int(first + 6) != 0;
  user.created_at = FromUnixMillis(row.Int(first + 7));
  return user;
}

AccountsImpl::AccountsImpl(store::Store& store, Clock& clock, const Options& options)
    : store_(store),
      clock_(clock),
      options_(options),
      user_failures_(options.login_max_failures, options.login_window),
      remote_failures_(options.login_max_failures, options.login_window),
      keys_(options.key_cache_ttl, options.key_cache_ttl),
      unknown_key_lookups_(kUnknownKeyLookupsPerSecond, kUnknownKeyLookupBurst),
      logins_ok_(LoginCounter("ok")),
      logins_failed_(LoginCounter("failed")),
      logins_limited_(LoginCounter("limited")),
      key_auths_ok_(KeyAuthCounter("ok")),
      key_auths_failed_(KeyAuthCounter("failed")),
      key_auths_limited_(KeyAuthCounter("limited")) {}

AccountsImpl::~AccountsImpl() {
  // Best effort: uses not written now are lost, which only undercounts Stats.
  (void)FlushKeyUses();
}

Status AccountsImpl::Init() {
  if (sodium_init() < 0) return Internal("libsodium failed to initialise");
  QUELL_RETURN_IF_ERROR(store_.Migrate(kSchemaModule, AccessMigrations()));
  QUELL_RETURN_IF_ERROR(LoadAllKeys());
  return Status::Ok();
}

Status AccountsImpl::Maintain() {
  Status flushed = FlushKeyUses();
  PurgeExpiredSessions();
  return flushed;
}

// --- organisations ---

Result<Organisation> AccountsImpl::CreateOrganisation(std::string_view name, OrgKind kind) {
  QUELL_RETURN_IF_ERROR(CheckName("organisation name", name));
  const int64_t now_ms = ToUnixMillis(clock_.Now());
  QUELL_ASSIGN_OR_RETURN(auto tx, store_.Begin());
  QUELL_ASSIGN_OR_RETURN(auto existing,
                         tx->Query("SELECT id FROM organisations WHERE name = $1", {name}));
  if (!existing.empty()) {
    return AlreadyExists("organisation '" + std::string(name) + "' already exists");
  }
  QUELL_ASSIGN_OR_RETURN(
      auto inserted,
      tx->Query("INSERT INTO organisations (name, kind, created_at) VALUES ($1, $2, $3) "
                "RETURNING id",
                {name, Name(kind), now_ms}));
  if (inserted.empty()) return Internal("inserting an organisation returned no id");
  QUELL_RETURN_IF_ERROR(tx->Commit());
  return Organisation{.id = inserted.rows[0].Int(0),
                      .name = std::string(name),
                      .kind = kind,
                      .created_at = FromUnixMillis(now_ms)};
}

Result<Organisation> AccountsImpl::FindOrganisation(std::string_view name) {
  return LookUpOrganisation(store_, name);
}

Result<std::vector<Organisation>> AccountsImpl::ListOrganisations() {
  QUELL_ASSIGN_OR_RETURN(auto rows, store_.Query(std::string(kOrgSelect) + " ORDER BY name"));
  std::vector<Organisation> out;
  out.reserve(rows.rows.size());
  for (const store::Row& row : rows.rows) {
    QUELL_ASSIGN_OR_RETURN(Organisation org, ParseOrganisation(row));
    out.push_back(std::move(org));
  }
  return out;
}

// --- users ---

Result<User> AccountsImpl::CreateUser(std::string_view username, std::string_view password,
                                      Role role, std::string_view org_name,
                                      std::string_view display_name) {
  QUELL_RETURN_IF_ERROR(CheckUsername(username));
  QUELL_RETURN_IF_ERROR(CheckPassword(password));
  if (display_name.empty()) display_name = username;
  QUELL_RETURN_IF_ERROR(CheckName("display name", display_name));
  std::optional<OrgKind> needed = OrgKindForRole(role);
  if (needed && org_name.empty()) {
    return InvalidArgument("role '" + std::string(Name(role)) +
                           "' needs an organisation of kind '" + std::string(Name(*needed)) + "'");
  }
  if (role == Role::kCitizen && !org_name.empty()) {
    return InvalidArgument("citizens do not belong to an organisation");
  }
  // Checked before hashing so that mistakes are answered at once, and again in
  // the write transaction, which hashing must not hold open.
  QUELL_RETURN_IF_ERROR(CheckNewUser(store_, username, role, org_name).status());
  QUELL_ASSIGN_OR_RETURN(std::string hash, HashPassword(password));

  const int64_t now_ms = ToUnixMillis(clock_.Now());
  QUELL_ASSIGN_OR_RETURN(auto tx, store_.Begin());
  QUELL_ASSIGN_OR_RETURN(std::optional<Organisation> org,
                         CheckNewUser(*tx, username, role, org_name));
  store::Value org_id = org ? store::Value(org->id) : store::Value(nullptr);
  QUELL_ASSIGN_OR_RETURN(
      auto inserted,
      tx->Query("INSERT INTO users (username, display_name, password_hash, role, org_id, "
                "disabled, created_at) VALUES ($1, $2, $3, $4, $5, 0, $6) RETURNING id",
                {username, display_name, hash, Name(role), org_id, now_ms}));
  if (inserted.empty()) return Internal("inserting a user returned no id");
  QUELL_RETURN_IF_ERROR(tx->Commit());

  User user;
  user.id = inserted.rows[0].Int(0);
  user.username = std::string(username);
  user.display_name = std::string(display_name);
  user.role = role;
  if (org) {
    user.org_id = org->id;
    user.org_name = org->name;
  }
  user.created_at = FromUnixMillis(now_ms);
  return user;
}

Result<User> AccountsImpl::FindUser(std::string_view username) {
  QUELL_ASSIGN_OR_RETURN(auto rows, store_.Query(UserSelect("WHERE u.username = $1"), {username}));
  if (rows.empty()) return NotFound("no user named '" + std::string(username) + "'");
  return ParseUser(rows.rows[0]);
}

Result<std::vector<User>> AccountsImpl::ListUsers() {
  QUELL_ASSIGN_OR_RETURN(auto rows, store_.Query(UserSelect("ORDER BY u.username")));
  std::vector<User> out;
  out.reserve(rows.rows.size());
  for (const store::Row& row : rows.rows) {
    QUELL_ASSIGN_OR_RETURN(User user, ParseUser(row));
    out.push_back(std::move(user));
  }
  return out;
}

Status AccountsImpl::SetPassword(std::string_view username, std::string_view new_password) {
  QUELL_RETURN_IF_ERROR(CheckPassword(new_password));
  QUELL_ASSIGN_OR_RETURN(User user, FindUser(username));
  QUELL_ASSIGN_OR_RETURN(std::string hash, HashPassword(new_password));
  QUELL_ASSIGN_OR_RETURN(auto tx, store_.Begin());
  QUELL_ASSIGN_OR_RETURN(
      int64_t changed,
      tx->Exec("UPDATE users SET password_hash = $1 WHERE id = $2", {hash, user.id}));
  if (changed == 0) return NotFound("no user named '" + std::string(username) + "'");
  // Whoever knew the old password must not stay logged in.
  QUELL_RETURN_IF_ERROR(tx->Exec("DELETE FROM sessions WHERE user_id = $1", {user.id}).status());
  QUELL_RETURN_IF_ERROR(tx->Commit());
  user_failures_.Reset(username);
  return Status::Ok();
}

Status AccountsImpl::SetUserDisabled(std::string_view username, bool disabled) {
  QUELL_ASSIGN_OR_RETURN(User user, FindUser(username));
  QUELL_ASSIGN_OR_RETURN(auto tx, store_.Begin());
  QUELL_RETURN_IF_ERROR(
      tx->Exec("UPDATE users SET disabled = $1 WHERE id = $2", {disabled ? 1 : 0, user.id})
          .status());
  if (disabled) {
    QUELL_RETURN_IF_ERROR(tx->Exec("DELETE FROM sessions WHERE user_id = $1", {user.id}).status());
  }
  return tx->Commit();
}

Result<int64_t> AccountsImpl::CountUsers() {
  QUELL_ASSIGN_OR_RETURN(auto rows, store_.Query("SELECT COUNT(*) FROM users"));
  if (rows.empty()) return Internal("COUNT(*) returned no row");
  return rows.rows[0].Int(0);
}

// --- audit ---

Status AccountsImpl::Audit(const Principal& actor, std::string_view action, std::string_view target,
                           std::string_view detail, std::string_view remote) {
  if (action.empty()) return InvalidArgument("audit action must not be empty");
  std::string actor_name = actor.name.empty() ? "system" : Truncate(actor.name, kMaxNameBytes);
  return store_
      .Exec(
          "INSERT INTO audit_log (at, actor, action, target, detail, remote) "
          "VALUES ($1, $2, $3, $4, $5, $6)",
          {ToUnixMillis(clock_.Now()), actor_name, Truncate(action, kMaxNameBytes),
           Truncate(target, kMaxAuditFieldBytes), Truncate(detail, kMaxAuditFieldBytes),
           Truncate(remote, kMaxNameBytes)})
      .status();
}

Result<std::vector<AuditEntry>> AccountsImpl::ListAudit(int limit, int64_t before_id) {
  if (limit <= 0) return InvalidArgument("audit page size must be positive");
  limit = std::min(limit, kMaxAuditPage);
  constexpr std::string_view kSelect =
      "SELECT id, at, actor, action, target, detail, remote FROM audit_log ";
  Result<store::QueryResult> rows =
      before_id > 0 ? store_.Query(std::string(kSelect) + "WHERE id < $1 ORDER BY id DESC LIMIT $2",
                                   {before_id, limit})
                    : store_.Query(std::string(kSelect) + "ORDER BY id DESC LIMIT $1", {limit});
  if (!rows) return rows.status();
  std::vector<AuditEntry> out;
  out.reserve(rows->rows.size());
  for (const store::Row& row : rows->rows) {
    out.push_back(AuditEntry{.id = row.Int(0),
                             .at = FromUnixMillis(row.Int(1)),
                             .actor = row.Text(2),
                             .action = row.Text(3),
                             .target = row.Text(4),
                             .detail = row.Text(5),
                             .remote = row.Text(6)});
  }
  return out;
}

}  // namespace internal
}  // namespace quell::access
