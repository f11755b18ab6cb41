// Ledger: the shared, tamper-evident record of enforcement (docs/formats/ledger.md).
//
// Append-only. Each record holds an entry signed with Ed25519 by the organisation
// that submits it — organisations sign with keys the server never holds (`quell
// ledger sign`); the server signs only its own records (sanctions, decided
// appeals, traceback outcomes) with the operator key — and is chained to the
// record before it by SHA-256, CRC-framed in one file under the data directory.
// Which keys may sign is itself in the ledger: record 1 (genesis) carries the
// operator's public key, self-signed; "key" records signed by the operator add
// and revoke organisations' keys. A replica therefore needs nothing but the
// operator's public key to verify everything.
//
// Personal numbers enter the ledger only as salted hashes (HashNumber): the server
// rejects a payload holding anything that looks like a phone number.
//
// Appends are durable when they return (fdatasync; concurrent appends share one).
//
// Thread-safety: every member may be called from any thread.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "quell/core/clock.h"
#include "quell/core/status.h"

namespace quell::enforce {

using Hash = std::array<uint8_t, 32>;       // SHA-256
using PublicKey = std::array<uint8_t, 32>;  // Ed25519
using Signature = std::array<uint8_t, 64>;  // Ed25519

std::string Hex(const Hash& h);
std::optional<Hash> ParseHash(std::string_view hex);
std::string EncodeKey(const PublicKey& k);  // base64url without padding
std::optional<PublicKey> ParsePublicKey(std::string_view b64);
std::string EncodeSignature(const Signature& s);  // base64url without padding
std::optional<Signature> ParseSignature(std::string_view b64);

// Record kinds. "genesis" and "key" carry keys; the rest carry enforcement.
inline constexpr std::string_view kLedgerKinds[] = {"genesis",  "key",    "violation", "traceback",
                                                    "sanction", "appeal", "breach",    "complaint"};
bool IsLedgerKind(std::string_view kind);

// What a signer signs: everything but the position, which the ledger assigns.
struct LedgerEntry {
  std::string kind;       // one of kLedgerKinds
  std::string key_id;     // the signing key: "<organisation>/<n>", 1-64 of [A-Za-z0-9._/-]
  int64_t signed_ms = 0;  // when it was signed, Unix ms
  std::string payload;    // a JSON object, at most 16 KiB
  Signature signature{};
};

// A record as stored: the entry with its position in the chain.
struct LedgerRecord {
  uint64_t seq = 0;         // 1, 2, 3, ...
  int64_t appended_ms = 0;  // when the ledger appended it
  Hash prev{};              // hash of record seq-1 (zeros for seq 1)
  LedgerEntry entry;
  Hash hash{};        // SHA-256 of `body`
  std::string body;   // the encoded record
  std::string frame;  // Read/Get: the frame as on disk (length, CRC, body), served as is
};

// An Ed25519 key pair for signing entries. Files hold the 32-byte seed and the
// key id as text: "quell-ledger-key v1\n<key id>\n<base64url seed>\n" (mode 0600).
class SigningKey {
 public:
  static SigningKey Generate(std::string key_id);
  static Result<SigningKey> FromSeed(std::string key_id, std::string_view seed32);
  static Result<SigningKey> Load(const std::string& path);
  // Loads `path`, or generates a key with `key_id` and writes it there.
  static Result<SigningKey> LoadOrCreate(const std::string& path, std::string key_id);
  Status Save(const std::string& path) const;

  const std::string& key_id() const { return key_id_; }
  const PublicKey& public_key() const { return public_; }
  // Signs a new entry.
  LedgerEntry Sign(std::string kind, std::string payload, int64_t signed_ms) const;

 private:
  std::string key_id_;
  std::array<uint8_t, 64> secret_{};
  PublicKey public_{};
};

// Checks an entry's signature against `key`.
bool VerifySignature(const LedgerEntry& entry, const PublicKey& key);

// Checks what any entry must satisfy before it is appended (kind, key id syntax,
// payload: a JSON object within the size limit, holding no phone number).
// InvalidArgument naming the problem.
Status CheckEntry(const LedgerEntry& entry);

// A key the ledger knows, from its genesis or key records.
struct LedgerKey {
  std::string key_id;
  std::string organisation;  // as the key record names it
  PublicKey public_key{};
  uint64_t added_seq = 0;
  std::optional<uint64_t> revoked_seq;  // records after it may not use the key
};

// What the rest of `enforce` (sanctions, traceback) needs: the operator's own
// records and the salted number hash.
class LedgerAppender {
 public:
  virtual ~LedgerAppender() = default;
  // Signs `payload` (a JSON object) with the operator key and appends it durably.
  // Returns the record's sequence number.
  virtual Result<uint64_t> AppendOwn(std::string_view kind, std::string payload) = 0;
  // The salted hash a personal number enters the ledger as: 32 hex characters
  // (HMAC-SHA-256 of the E.164 text under the ledger's secret salt, truncated).
  virtual std::string HashNumber(std::string_view e164) const = 0;
};

struct LedgerHead {
  uint64_t seq = 0;  // 0: empty
  Hash hash{};
};

class Ledger : public LedgerAppender {
 public:
  struct Options {
    std::string dir;  // created if missing: ledger.qlg, operator.key, number.salt
    std::string operator_key_id = "operator/1";      // used when the operator key is created
    std::string operator_organisation = "operator";  // named in the genesis record
    std::chrono::milliseconds max_clock_skew{std::chrono::minutes(5)};
    // A replica holds a copy of another party's ledger: it has no operator key or
    // salt of its own, takes records only through AppendReplicated, and refuses
    // every other append (FailedPrecondition).
    bool replica = false;
    std::optional<PublicKey> operator_key_pin;  // replica: the genesis must carry this key
  };
  // Opens the ledger in `options.dir`, creating it (with its genesis record, the
  // operator key and the number salt) when new. Checks framing and chain of the
  // whole file; a torn final frame (a crash before its append was acknowledged) is
  // cut off with a warning; any other damage is FailedPrecondition naming the
  // record (run `quell ledger verify`).
  static Result<std::unique_ptr<Ledger>> Open(Options options, Clock& clock);
  ~Ledger() override;

  // Appends an entry signed elsewhere (REST). Checks CheckEntry, that the key is
  // known and not revoked, the signature, that signed_ms is within the clock skew
  // of now, that the entry was not appended before (replays), that only the
  // operator signs key records, and — when `org` is given — that the key belongs
  // to that organisation (PermissionDenied). Durable when it returns.
  Result<LedgerRecord> Append(const LedgerEntry& entry, std::optional<std::string_view> org = {});
  Result<uint64_t> AppendOwn(std::string_view kind, std::string payload) override;
  std::string HashNumber(std::string_view e164) const override;

  // Adds an organisation's public key (a "key" record signed by the operator).
  // AlreadyExists if the key id is taken.
  Result<LedgerRecord> AddKey(std::string_view key_id, std::string_view organisation,
                              const PublicKey& key);
  // Revokes a key: records appended after this may not use it. NotFound.
  Result<LedgerRecord> RevokeKey(std::string_view key_id, std::string_view reason);
  std::vector<LedgerKey> Keys() const;
  // The genesis record's key (zeros for an empty replica).
  PublicKey operator_key() const;
  bool replica() const;

  // Replica: appends a record pulled from the primary, as it was served (the
  // whole frame). Checks the frame's CRC, the body, that it is the next record
  // and chains to the head, the key rules and the signature; durable on return.
  // InvalidArgument with the reason when the record is bad (nothing is written).
  Status AppendReplicated(std::string_view frame);

  LedgerHead head() const;
  // Records after `after`, at most `limit` (1..10000). Read from the file.
  Result<std::vector<LedgerRecord>> Read(uint64_t after, int limit) const;
  Result<LedgerRecord> Get(uint64_t seq) const;

  struct Stats {
    uint64_t records = 0;
    uint64_t bytes = 0;
    uint64_t appends = 0;   // since start
    uint64_t rejected = 0;  // since start
    uint64_t syncs = 0;     // fdatasync calls since start (appends / syncs = group size)
  };
  Stats stats() const;

  class Impl;

 private:
  explicit Ledger(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// --- verification (quell ledger verify, replicas) ---

struct VerifyOptions {
  bool signatures = true;                 // false: framing and chain only
  int threads = 0;                        // signature threads; 0: all cores
  std::optional<PublicKey> operator_key;  // pin genesis's key (else trusted as found)
  // Called now and then with records checked so far and bytes read.
  std::function<void(uint64_t records, uint64_t bytes)> progress;
};

struct VerifyReport {
  bool ok = false;
  uint64_t records = 0;  // good records before the first bad one
  uint64_t bytes = 0;
  LedgerHead head;         // of the good prefix
  uint64_t first_bad = 0;  // the first bad record's sequence number (0: none)
  std::string reason;      // why it is bad
  PublicKey operator_key{};
  bool torn_tail = false;  // the file ends in an unfinished frame (not checked, not an error)
};

// Checks a ledger file: framing (magic, lengths, CRC), sequence, the hash chain,
// key records and (unless disabled) every signature. Errors only for I/O.
Result<VerifyReport> VerifyLedgerFile(const std::string& path, const VerifyOptions& options);

}  // namespace quell::enforce
