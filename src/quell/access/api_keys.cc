#include <sodium.h>

#include <cmath>
#include <string>

#include "quell/access/internal/accounts_impl.h"
#include "quell/core/ids.h"

namespace quell::access::internal {
namespace {

constexpr std::string_view kKeyTag = "qk_";
constexpr size_t kPrefixLength = 12;
constexpr size_t kMaxKeyBytes = 128;
constexpr size_t kMaxLabelBytes = 200;
constexpr double kMaxRatePerSecond = 1e6;
constexpr int64_t kMaxBurst = 1'000'000'000;
// Uses are written back at most this often from within calls.
// RFC 4648 base32, lower case: 5 bits per character, no look-alike digits.
constexpr std::string_view kBase32 = "abcdefghijklmnopqrstuvwxyz234567";

constexpr std::string_view kKeyRecordSelect =
    "SELECT k.id, k.prefix, k.key_hash, k.role, k.org_id, o.name, k.rate_per_second, k.burst, "
    "k.revoked_at FROM api_keys k JOIN organisations o ON o.id = k.org_id";

std::string NewPrefix() {
  unsigned char bytes[kPrefixLength];
  RandomBytes(bytes, sizeof bytes);
  std::string prefix;
  prefix.reserve(kPrefixLength);
  // 256 is a multiple of 32, so the low five bits are uniform.
  for (unsigned char b : bytes) prefix += kBase32[b & 31];
  return prefix;
}

// The prefix of a key shaped "qk_<prefix>_<secret>", or nullopt.
std::optional<std::string_view> KeyPrefix(std::string_view key) {
  constexpr size_t kSeparator = kKeyTag.size() + kPrefixLength;
  if (key.size() <= kSeparator + 1 || key.size() > kMaxKeyBytes) return std::nullopt;
  if (!key.starts_with(kKeyTag) || key[kSeparator] != '_') return std::nullopt;
  std::string_view prefix = key.substr(kKeyTag.size(), kPrefixLength);
  if (prefix.find_first_not_of(kBase32) != std::string_view::npos) return std::nullopt;
  return prefix;
}

// Raw bytes of lower-case or upper-case hex, or nullopt if `hex` is not hex.
std::optional<std::string> HexDecode(std::string_view hex) {
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  if (hex.size() % 2 != 0) return std::nullopt;
  std::string out(hex.size() / 2, '\0');
  for (size_t i = 0; i < out.size(); ++i) {
    int hi = nibble(hex[2 * i]);
    int lo = nibble(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out[i] = static_cast<char>(hi << 4 | lo);
  }
  return out;
}

Result<KeyRecord> ParseKeyRecord(const store::Row& row) {
  KeyRecord record;
  record.id = row.Int(0);
  record.prefix = row.Text(1);
  std::optional<std::string> digest = HexDecode(row.Text(2));
  if (!digest || digest->size() != crypto_hash_sha256_BYTES) {
    return Internal("API key " + std::to_string(record.id) + " has a malformed key_hash");
  }
  record.key_digest = std::move(*digest);
  std::optional<Role> role = ParseRole(row.Text(3));
  if (!role) {
    return Internal("API key " + std::to_string(record.id) + " has unknown role '" + row.Text(3) +
                    "'");
  }
  record.principal.kind = Principal::Kind::kApiKey;
  record.principal.key_id = record.id;
  record.principal.name = "key:" + record.prefix;
  record.principal.role = *role;
  record.principal.org_id = row.Int(4);
  record.principal.org_name = row.Text(5);
  record.rate_per_second = row.Double(6);
  record.burst = row.Int(7);
  record.revoked = !row.IsNull(8);
  return record;
}

}  // namespace

Result<NewApiKey> AccountsImpl::CreateApiKey(Role role, std::string_view org_name,
                                             std::string_view label, double rate_per_second,
                                             int64_t burst) {
  std::optional<OrgKind> needed = OrgKindForRole(role);
  if (!needed) {
    return InvalidArgument("role '" + std::string(Name(role)) +
                           "' cannot hold API keys: keys belong to an organisation");
  }
  if (org_name.empty()) return InvalidArgument("an API key needs an organisation");
  if (label.size() > kMaxLabelBytes) {
    return InvalidArgument("API key label is longer than " + std::to_string(kMaxLabelBytes) +
                           " bytes");
  }
  for (char c : label) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return InvalidArgument("API key label must not contain control characters");
    }
  }
  if (std::isnan(rate_per_second) || rate_per_second <= 0) {
    rate_per_second = options_.key_rate_per_second;
  }
  if (rate_per_second > kMaxRatePerSecond) {
    return InvalidArgument("API key rate must be at most " +
                           std::to_string(static_cast<int64_t>(kMaxRatePerSecond)) +
                           " requests per second");
  }
  if (burst <= 0) burst = options_.key_burst;
  if (burst > kMaxBurst) {
    return InvalidArgument("API key burst must be at most " + std::to_string(kMaxBurst));
  }

  const int64_t now_ms = ToUnixMillis(clock_.Now());
  QUELL_ASSIGN_OR_RETURN(auto tx, store_.Begin());
  QUELL_ASSIGN_OR_RETURN(
      auto orgs, tx->Query("SELECT id, kind FROM organisations WHERE name = $1", {org_name}));
  if (orgs.empty()) return NotFound("no organisation named '" + std::string(org_name) + "'");
  const int64_t org_id = orgs.rows[0].Int(0);
  if (orgs.rows[0].Text(1) != Name(*needed)) {
    return InvalidArgument("organisation '" + std::string(org_name) + "' is of kind '" +
                           orgs.rows[0].Text(1) + "', but role '" + std::string(Name(role)) +
                           "' needs one of kind '" + std::string(Name(*needed)) + "'");
  }

  KeyRecord record;
  record.prefix = NewPrefix();
  const std::string key = std::string(kKeyTag) + record.prefix + "_" + RandomToken(32);
  record.key_digest = Sha256(key);
  QUELL_ASSIGN_OR_RETURN(
      auto inserted,
      tx->Query("INSERT INTO api_keys (prefix, key_hash, label, role, org_id, rate_per_second, "
                "burst, created_at, uses) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0) RETURNING id",
                {record.prefix, HexEncode(record.key_digest), label, Name(role), org_id,
                 rate_per_second, burst, now_ms}));
  if (inserted.empty()) return Internal("inserting an API key returned no id");
  QUELL_RETURN_IF_ERROR(tx->Commit());

  record.id = inserted.rows[0].Int(0);
  record.principal = Principal{.kind = Principal::Kind::kApiKey,
                               .key_id = record.id,
                               .name = "key:" + record.prefix,
                               .role = role,
                               .org_id = org_id,
                               .org_name = std::string(org_name)};
  record.rate_per_second = rate_per_second;
  record.burst = burst;
  keys_.Put(record, clock_.Steady());
  return NewApiKey{.id = record.id, .prefix = record.prefix, .key = key};
}

Result<std::optional<KeyRecord>> AccountsImpl::LoadKey(std::string_view prefix) {
  QUELL_ASSIGN_OR_RETURN(
      auto rows, store_.Query(std::string(kKeyRecordSelect) + " WHERE k.prefix = $1", {prefix}));
  if (rows.empty()) return std::optional<KeyRecord>();
  QUELL_ASSIGN_OR_RETURN(KeyRecord record, ParseKeyRecord(rows.rows[0]));
  return std::optional<KeyRecord>(std::move(record));
}

Status AccountsImpl::LoadAllKeys() {
  QUELL_ASSIGN_OR_RETURN(
      auto rows, store_.Query(std::string(kKeyRecordSelect) + " WHERE k.revoked_at IS NULL"));
  const SteadyTime now = clock_.Steady();
  for (const store::Row& row : rows.rows) {
    QUELL_ASSIGN_OR_RETURN(KeyRecord record, ParseKeyRecord(row));
    keys_.Put(record, now);
  }
  return Status::Ok();
}

Result<Principal> AccountsImpl::AuthenticateKey(std::string_view key) {
  using Outcome = KeyCache::Outcome;
  const SteadyTime now = clock_.Steady();
  std::optional<std::string_view> prefix = KeyPrefix(key);
  if (!prefix) {
    key_auths_failed_.Inc();
    return Unauthenticated("malformed API key");
  }
  // SHA-256 into a stack buffer: no allocation on the hot path (OpenSSL's,
  // which uses the CPU's SHA instructions where there are some).
  unsigned char digest_bytes[crypto_hash_sha256_BYTES];
  Sha256(key, digest_bytes);
  const std::string_view hash(reinterpret_cast<const char*>(digest_bytes), sizeof digest_bytes);
  Principal principal;
  Outcome outcome = keys_.Check(*prefix, hash, now, /*allow_stale=*/false, &principal);

  if (outcome == Outcome::kMissing && !unknown_key_lookups_.TryTake(now)) {
    key_auths_failed_.Inc();
    return Unavailable("too many unknown API keys presented; retry shortly");
  }
  if (outcome == Outcome::kMissing || outcome == Outcome::kStale) {
    Result<std::optional<KeyRecord>> loaded = LoadKey(*prefix);
    if (!loaded) {
      // The store is unreachable: a key already known is still answered from memory.
      outcome = keys_.Check(*prefix, hash, now, /*allow_stale=*/true, &principal);
      if (outcome == Outcome::kMissing || outcome == Outcome::kStale) {
        key_auths_failed_.Inc();
        return loaded.status();
      }
    } else if (!loaded->has_value()) {
      // Gone from the store (deleted by hand): treat a cached copy as revoked.
      keys_.MarkRevoked(*prefix);
      keys_.PutUnknown(*prefix, now);
      outcome = Outcome::kUnknown;
    } else {
      keys_.Put(**loaded, now);
      outcome = keys_.Check(*prefix, hash, now, /*allow_stale=*/true, &principal);
    }
  }

  switch (outcome) {
    case Outcome::kOk:
      key_auths_ok_.Inc();
      return principal;
    case Outcome::kRevoked:
      key_auths_failed_.Inc();
      return Unauthenticated("API key has been revoked");
    case Outcome::kRateLimited:
      key_auths_limited_.Inc();
      return ResourceExhausted("rate limit exceeded for this API key");
    case Outcome::kWrongSecret:
    case Outcome::kUnknown:
    case Outcome::kMissing:
    case Outcome::kStale:
      break;
  }
  key_auths_failed_.Inc();
  return Unauthenticated("invalid API key");
}

Status AccountsImpl::RevokeApiKey(int64_t id) {
  QUELL_ASSIGN_OR_RETURN(auto tx, store_.Begin());
  QUELL_ASSIGN_OR_RETURN(auto rows,
                         tx->Query("SELECT prefix, revoked_at FROM api_keys WHERE id = $1", {id}));
  if (rows.empty()) return NotFound("no API key with id " + std::to_string(id));
  const std::string prefix = rows.rows[0].Text(0);
  if (rows.rows[0].IsNull(1)) {
    QUELL_RETURN_IF_ERROR(tx->Exec("UPDATE api_keys SET revoked_at = $1 WHERE id = $2",
                                   {ToUnixMillis(clock_.Now()), id})
                              .status());
    QUELL_RETURN_IF_ERROR(tx->Commit());
  }
  keys_.MarkRevoked(prefix);
  return Status::Ok();
}

Result<std::vector<ApiKeyInfo>> AccountsImpl::ListApiKeys() {
  // A failed flush keeps its counts for the next one; the listing shows the older counts.
  (void)FlushKeyUses();
  QUELL_ASSIGN_OR_RETURN(
      auto rows,
      store_.Query("SELECT k.id, k.prefix, k.label, k.role, k.org_id, o.name, k.rate_per_second, "
                   "k.burst, k.created_at, k.revoked_at, k.uses "
                   "FROM api_keys k JOIN organisations o ON o.id = k.org_id ORDER BY k.id"));
  std::vector<ApiKeyInfo> out;
  out.reserve(rows.rows.size());
  for (const store::Row& row : rows.rows) {
    ApiKeyInfo info;
    info.id = row.Int(0);
    info.prefix = row.Text(1);
    info.label = row.Text(2);
    std::optional<Role> role = ParseRole(row.Text(3));
    if (!role) {
      return Internal("API key " + std::to_string(info.id) + " has unknown role '" + row.Text(3) +
                      "'");
    }
    info.role = *role;
    info.org_id = row.Int(4);
    info.org_name = row.Text(5);
    info.rate_per_second = row.Double(6);
    info.burst = row.Int(7);
    info.created_at = FromUnixMillis(row.Int(8));
    if (!row.IsNull(9)) info.revoked_at = FromUnixMillis(row.Int(9));
    info.uses = row.Int(10);
    out.push_back(std::move(info));
  }
  return out;
}

Status AccountsImpl::FlushKeyUses() {
  std::lock_guard lock(flush_mu_);
  std::vector<KeyCache::Uses> uses = keys_.TakeUses();
  if (uses.empty()) return Status::Ok();
  // last_used_at is the flush time: exact to within the Maintain() interval.
  const int64_t now_ms = ToUnixMillis(clock_.Now());
  Status status = [&]() -> Status {
    QUELL_ASSIGN_OR_RETURN(auto tx, store_.Begin());
    for (const KeyCache::Uses& u : uses) {
      QUELL_RETURN_IF_ERROR(
          tx->Exec("UPDATE api_keys SET uses = uses + $1, last_used_at = $2 WHERE id = $3",
                   {u.count, now_ms, u.key_id})
              .status());
    }
    return tx->Commit();
  }();
  if (!status.ok()) keys_.RestoreUses(uses);
  return status;
}

}  // namespace quell::access::internal
