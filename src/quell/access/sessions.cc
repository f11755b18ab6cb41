#include <string>

#include "quell/access/internal/accounts_impl.h"
#include "quell/access/internal/password.h"
#include "quell/core/ids.h"

namespace quell::access::internal {
namespace {

// Limiter keys are cut to this, so junk usernames cannot grow memory per entry.
constexpr size_t kMaxLimiterKey = 128;
constexpr size_t kMaxTokenBytes = 256;
constexpr int64_t kSessionPurgeIntervalMs = 60'000;
constexpr std::string_view kBadCredentials = "invalid username or password";

std::string TryAgainMessage(std::chrono::steady_clock::duration wait) {
  auto minutes = std::chrono::ceil<std::chrono::minutes>(wait).count();
  if (minutes < 1) minutes = 1;
  return "too many failed logins; try again in " + std::to_string(minutes) +
         (minutes == 1 ? " minute" : " minutes");
}

std::string TokenHash(std::string_view token) { return HexEncode(Sha256(token)); }

}  // namespace

const std::string& AccountsImpl::DummyHash() {
  std::call_once(dummy_hash_once_, [this] {
    Result<std::string> hash = HashPassword(RandomToken(16));
    if (hash) dummy_hash_ = std::move(*hash);
  });
  return dummy_hash_;
}

void AccountsImpl::PurgeExpiredSessions() {
  const int64_t now_ms = ToUnixMillis(clock_.Now());
  int64_t due = next_session_purge_ms_.load(std::memory_order_relaxed);
  if (now_ms < due) return;
  if (!next_session_purge_ms_.compare_exchange_strong(due, now_ms + kSessionPurgeIntervalMs)) {
    return;
  }
  // A failed purge is retried at the next interval; expired rows are refused on read anyway.
  (void)store_.Exec("DELETE FROM sessions WHERE expires_at <= $1", {now_ms});
}

Result<Session> AccountsImpl::Login(std::string_view username, std::string_view password,
                                    std::string_view remote) {
  const SteadyTime steady = clock_.Steady();
  const std::string user_key(username.substr(0, kMaxLimiterKey));
  const std::string remote_key(remote.substr(0, kMaxLimiterKey));
  // Each attempt counts as a failure until it succeeds, so that a burst of
  // parallel guesses cannot all pass the check before any failure is recorded.
  std::optional<std::chrono::steady_clock::duration> wait =
      user_failures_.Attempt(user_key, steady);
  if (!wait && !remote_key.empty()) {
    wait = remote_failures_.Attempt(remote_key, steady);
    if (wait) user_failures_.Forgive(user_key, steady);
  }
  if (wait) {
    logins_limited_.Inc();
    return ResourceExhausted(TryAgainMessage(*wait));
  }

  QUELL_ASSIGN_OR_RETURN(
      auto rows, store_.Query("SELECT " + std::string(kUserColumns) + ", u.password_hash FROM " +
                                  std::string(kUserJoin) + " WHERE u.username = $1",
                              {username}));
  const bool found = !rows.empty();
  // Unknown users are checked against a dummy hash so that they take as long as
  // known ones, and timing does not tell which usernames exist.
  const std::string stored_hash = found ? rows.rows[0].Text(8) : DummyHash();
  Result<bool> verified = TryVerifyPassword(stored_hash, password);
  if (!verified) {
    // Not checked, so not a failure.
    user_failures_.Forgive(user_key, steady);
    if (!remote_key.empty()) remote_failures_.Forgive(remote_key, steady);
    return verified.status();
  }
  const bool match = *verified && found;
  if (!match) {
    logins_failed_.Inc();
    return Unauthenticated(std::string(kBadCredentials));
  }
  QUELL_ASSIGN_OR_RETURN(User user, ParseUser(rows.rows[0]));
  if (user.disabled) {
    logins_failed_.Inc();
    return Unauthenticated("account '" + user.username + "' is disabled");
  }
  user_failures_.Reset(user_key);
  if (!remote_key.empty()) remote_failures_.Forgive(remote_key, steady);

  if (PasswordNeedsRehash(stored_hash)) {
    // Best effort: the old hash keeps working if this fails.
    if (Result<std::string> fresh = HashPassword(password); fresh) {
      (void)store_.Exec("UPDATE users SET password_hash = $1 WHERE id = $2", {*fresh, user.id});
    }
  }
  PurgeExpiredSessions();

  Session session;
  session.token = RandomToken(32);
  session.csrf_token = RandomToken(24);
  const int64_t now_ms = ToUnixMillis(clock_.Now());
  const int64_t expires_ms =
      now_ms + std::chrono::duration_cast<std::chrono::milliseconds>(options_.session_ttl).count();
  QUELL_RETURN_IF_ERROR(
      store_
          .Exec("INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at, "
                "remote) VALUES ($1, $2, $3, $4, $5, $6)",
                {TokenHash(session.token), user.id, session.csrf_token, now_ms, expires_ms,
                 remote_key})
          .status());
  session.user = std::move(user);
  session.expires_at = FromUnixMillis(expires_ms);
  logins_ok_.Inc();
  return session;
}

Result<Session> AccountsImpl::FindSession(std::string_view token) {
  if (token.empty() || token.size() > kMaxTokenBytes) return Unauthenticated("not logged in");
  const std::string token_hash = TokenHash(token);
  QUELL_ASSIGN_OR_RETURN(
      auto rows,
      store_.Query("SELECT s.expires_at, s.csrf_token, " + std::string(kUserColumns) +
                       " FROM sessions s JOIN users u ON u.id = s.user_id"
                       " LEFT JOIN organisations o ON o.id = u.org_id WHERE s.token_hash = $1",
                   {token_hash}));
  if (rows.empty()) return Unauthenticated("not logged in, or the session has ended");
  const store::Row& row = rows.rows[0];
  const int64_t expires_ms = row.Int(0);
  if (expires_ms <= ToUnixMillis(clock_.Now())) {
    // Deleted lazily; a failure leaves a row that is refused on every read.
    (void)store_.Exec("DELETE FROM sessions WHERE token_hash = $1", {token_hash});
    return Unauthenticated("the session has expired; log in again");
  }
  QUELL_ASSIGN_OR_RETURN(User user, ParseUser(row, 2));
  if (user.disabled) return Unauthenticated("account '" + user.username + "' is disabled");
  Session session;
  session.csrf_token = row.Text(1);
  session.user = std::move(user);
  session.expires_at = FromUnixMillis(expires_ms);
  return session;
}

Status AccountsImpl::Logout(std::string_view token) {
  if (token.empty() || token.size() > kMaxTokenBytes) return Status::Ok();
  return store_.Exec("DELETE FROM sessions WHERE token_hash = $1", {TokenHash(token)}).status();
}

}  // namespace quell::access::internal
