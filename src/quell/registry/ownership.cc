#include "quell/registry/ownership.h"

#include "quell/core/ids.h"
#include "quell/notify/notify.h"
#include "quell/store/store.h"

namespace quell::registry {
namespace {

std::string Hash(std::string_view salt, std::string_view secret) {
  return HexEncode(Sha256(std::string(salt) + ":" + std::string(secret)));
}

std::string SixDigits() {
  std::string code = std::to_string(RandomBelow(1'000'000));
  return std::string(6 - code.size(), '0') + code;
}

class OwnershipImpl final : public Ownership {
 public:
  OwnershipImpl(store::Store& store, Clock& clock, notify::Notifier& notifier,
                OwnershipOptions options)
      : store_(store), clock_(clock), notifier_(notifier), options_(options) {}

  Status SendCode(PhoneNumber number, std::string_view client) override {
    const int64_t now = ToUnixMillis(clock_.Now());
    const int64_t since = now - std::chrono::milliseconds(options_.window).count();
    const std::string number_key = "n:" + std::to_string(number.compact());
    const std::string client_key = "c:" + std::string(client);
    const std::string code = SixDigits();
    const std::string salt = RandomToken(12);
    {
      QUELL_ASSIGN_OR_RETURN(auto tx, store_.Begin());
      QUELL_ASSIGN_OR_RETURN(int64_t by_number, Count(*tx, number_key, "send", since));
      QUELL_ASSIGN_OR_RETURN(int64_t by_client, Count(*tx, client_key, "send", since));
      if (by_number >= options_.max_codes_per_number ||
          by_client >= options_.max_codes_per_client) {
        return ResourceExhausted("too many codes requested; try again later");
      }
      QUELL_RETURN_IF_ERROR(Event(*tx, number_key, "send", now));
      QUELL_RETURN_IF_ERROR(Event(*tx, client_key, "send", now));
      QUELL_RETURN_IF_ERROR(
          tx->Exec("INSERT INTO dnc_codes (number, salt, code_hash, expires_at, attempts) VALUES "
                   "($1, $2, $3, $4, 0) ON CONFLICT (number) DO UPDATE SET salt = $2, "
                   "code_hash = $3, expires_at = $4, attempts = 0",
                   {number.compact(), salt, Hash(salt, code),
                    now + std::chrono::milliseconds(options_.code_ttl).count()})
              .status());
      QUELL_RETURN_IF_ERROR(tx->Commit());
    }
    const int64_t minutes =
        std::chrono::duration_cast<std::chrono::minutes>(options_.code_ttl).count();
    const std::string body = "Quell Do-Not-Call code: " + code + " (valid " +
                             std::to_string(minutes) + " minutes). 谢绝来电验证码：" + code + "，" +
                             std::to_string(minutes) + "分钟内有效。";
    return notifier_.Enqueue(notify::Channel::kSms, number.E164(), "DNC one-time code", body, "dnc")
        .status();
  }

  Result<std::string> Confirm(PhoneNumber number, std::string_view code,
                              std::string_view client) override {
    const int64_t now = ToUnixMillis(clock_.Now());
    const int64_t since = now - std::chrono::milliseconds(options_.window).count();
    const std::string client_key = "c:" + std::string(client);
    const Status wrong = Unauthenticated("wrong or expired code");
    QUELL_ASSIGN_OR_RETURN(auto tx, store_.Begin());
    QUELL_ASSIGN_OR_RETURN(int64_t failures, Count(*tx, client_key, "fail", since));
    if (failures >= options_.max_failures_per_client) {
      return ResourceExhausted("too many wrong codes; try again later");
    }
    QUELL_ASSIGN_OR_RETURN(auto rows, tx->Query("SELECT salt, code_hash, expires_at, attempts "
                                                "FROM dnc_codes WHERE number = $1",
                                                {number.compact()}));
    const bool usable =
        !rows.empty() && rows.rows[0].Int(2) > now && rows.rows[0].Int(3) < options_.max_attempts;
    if (!usable || !ConstantTimeEquals(Hash(rows.rows[0].Text(0), code), rows.rows[0].Text(1))) {
      QUELL_RETURN_IF_ERROR(Event(*tx, client_key, "fail", now));
      if (!rows.empty()) {
        QUELL_RETURN_IF_ERROR(
            tx->Exec("UPDATE dnc_codes SET attempts = attempts + 1 WHERE number = $1",
                     {number.compact()})
                .status());
      }
      QUELL_RETURN_IF_ERROR(tx->Commit());
      return wrong;
    }
    // One code, one token.
    QUELL_RETURN_IF_ERROR(
        tx->Exec("DELETE FROM dnc_codes WHERE number = $1", {number.compact()}).status());
    const std::string token = RandomToken(32);
    QUELL_RETURN_IF_ERROR(
        tx->Exec("INSERT INTO dnc_tokens (token_hash, number, expires_at) VALUES ($1, $2, $3)",
                 {HexEncode(Sha256(token)), number.compact(),
                  now + std::chrono::milliseconds(options_.token_ttl).count()})
            .status());
    QUELL_RETURN_IF_ERROR(tx->Commit());
    return token;
  }

  std::chrono::seconds token_ttl() const override { return options_.token_ttl; }

  Result<PhoneNumber> NumberOf(std::string_view token) override {
    if (token.empty() || token.size() > 128) return Unauthenticated("no valid number token");
    QUELL_ASSIGN_OR_RETURN(auto rows,
                           store_.Query("SELECT number FROM dnc_tokens WHERE token_hash = $1 AND "
                                        "expires_at > $2",
                                        {HexEncode(Sha256(token)), ToUnixMillis(clock_.Now())}));
    if (rows.empty())
      return Unauthenticated("the number's verification expired; ask for a new code");
    return PhoneNumber::FromCompact(static_cast<uint64_t>(rows.rows[0].Int(0)));
  }

  Status Revoke(std::string_view token) override {
    return store_.Exec("DELETE FROM dnc_tokens WHERE token_hash = $1", {HexEncode(Sha256(token))})
        .status();
  }

  Status Purge() override {
    const int64_t now = ToUnixMillis(clock_.Now());
    const int64_t since = now - std::chrono::milliseconds(options_.window).count();
    QUELL_RETURN_IF_ERROR(
        store_.Exec("DELETE FROM dnc_codes WHERE expires_at <= $1", {now}).status());
    QUELL_RETURN_IF_ERROR(
        store_.Exec("DELETE FROM dnc_tokens WHERE expires_at <= $1", {now}).status());
    return store_.Exec("DELETE FROM dnc_code_events WHERE at <= $1", {since}).status();
  }

 private:
  Result<int64_t> Count(store::Transaction& tx, const std::string& key, std::string_view kind,
                        int64_t since) {
    QUELL_ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT COUNT(*) FROM dnc_code_events WHERE "
                                               "key = $1 AND kind = $2 AND at > $3",
                                               {key, kind, since}));
    return rows.rows.at(0).Int(0);
  }
  Status Event(store::Transaction& tx, const std::string& key, std::string_view kind, int64_t at) {
    return tx
        .Exec("INSERT INTO dnc_code_events (key, kind, at) VALUES ($1, $2, $3)", {key, kind, at})
        .status();
  }

  store::Store& store_;
  Clock& clock_;
  notify::Notifier& notifier_;
  const OwnershipOptions options_;
};

}  // namespace

Result<std::unique_ptr<Ownership>> Ownership::Open(store::Store& store, Clock& clock,
                                                   notify::Notifier& notifier,
                                                   OwnershipOptions options) {
  QUELL_ASSIGN_OR_RETURN(int version, store.SchemaVersion("registry"));
  if (version < 3) return FailedPrecondition("open the Registry first: it migrates the schema");
  if (options.max_attempts < 1 || options.max_codes_per_number < 1 ||
      options.max_codes_per_client < 1) {
    return InvalidArgument("ownership limits must be positive");
  }
  return std::unique_ptr<Ownership>(
      std::make_unique<OwnershipImpl>(store, clock, notifier, options));
}

}  // namespace quell::registry
