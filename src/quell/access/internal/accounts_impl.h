// AccountsImpl: the store-backed Accounts. Its methods are defined by topic in
// accounts.cc (open, organisations, users, audit), sessions.cc (logins and
// sessions) and api_keys.cc (keys and their cache).
#pragma once

#include <atomic>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "quell/access/access.h"
#include "quell/access/internal/key_cache.h"
#include "quell/access/internal/rate_limiter.h"
#include "quell/core/metrics.h"
#include "quell/store/store.h"

namespace quell::access::internal {

// Columns of a user with its organisation's name, for ParseUser.
inline constexpr std::string_view kUserColumns =
    "u.id, u.username, u.display_name, u.role, u.org_id, o.name, u.disabled, u.created_at";
inline constexpr std::string_view kUserJoin =
    "users u LEFT JOIN organisations o ON o.id = u.org_id";

// Reads kUserColumns starting at column `first`.
Result<User> ParseUser(const store::Row& row, size_t first = 0);

class AccountsImpl final : public Accounts {
 public:
  AccountsImpl(store::Store& store, Clock& clock, const Options& options);
  ~AccountsImpl() override;

  Status Init();

  Result<Organisation> CreateOrganisation(std::string_view name, OrgKind kind) override;
  Result<Organisation> FindOrganisation(std::string_view name) override;
  Result<std::vector<Organisation>> ListOrganisations() override;

  Result<User> CreateUser(std::string_view username, std::string_view password, Role role,
                          std::string_view org_name, std::string_view display_name) override;
  Result<User> FindUser(std::string_view username) override;
  Result<std::vector<User>> ListUsers() override;
  Status SetPassword(std::string_view username, std::string_view new_password) override;
  Status SetUserDisabled(std::string_view username, bool disabled) override;
  Result<int64_t> CountUsers() override;

  Result<Session> Login(std::string_view username, std::string_view password,
                        std::string_view remote) override;
  Result<Session> FindSession(std::string_view token) override;
  Status Logout(std::string_view token) override;

  Result<NewApiKey> CreateApiKey(Role role, std::string_view org_name, std::string_view label,
                                 double rate_per_second, int64_t burst) override;
  Result<Principal> AuthenticateKey(std::string_view key) override;
  Status RevokeApiKey(int64_t id) override;
  Result<std::vector<ApiKeyInfo>> ListApiKeys() override;

  Status Audit(const Principal& actor, std::string_view action, std::string_view target,
               std::string_view detail, std::string_view remote) override;
  Result<std::vector<AuditEntry>> ListAudit(int limit, int64_t before_id) override;
  Status Maintain() override;

 private:
  // The hash unknown usernames are checked against, so they cost what known ones do.
  const std::string& DummyHash();
  void PurgeExpiredSessions();

  Result<std::optional<KeyRecord>> LoadKey(std::string_view prefix);
  Status LoadAllKeys();
  Status FlushKeyUses();

  store::Store& store_;
  Clock& clock_;
  const Options options_;

  FailureWindow user_failures_;
  FailureWindow remote_failures_;
  std::once_flag dummy_hash_once_;
  std::string dummy_hash_;
  std::atomic<int64_t> next_session_purge_ms_{0};

  KeyCache keys_;
  TokenBucket unknown_key_lookups_;
  std::mutex flush_mu_;  // serialises FlushKeyUses

  metrics::Counter logins_ok_;
  metrics::Counter logins_failed_;
  metrics::Counter logins_limited_;
  metrics::Counter key_auths_ok_;
  metrics::Counter key_auths_failed_;
  metrics::Counter key_auths_limited_;
};

}  // namespace quell::access::internal
