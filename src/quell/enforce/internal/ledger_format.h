// The ledger's bytes (docs/formats/ledger.md): file header, frames, record bodies,
// the signing input. Shared by the ledger, its verifier, replicas and the fuzz
// target; no I/O here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "quell/enforce/ledger.h"

namespace quell::enforce::internal {

inline constexpr std::string_view kFileMagic{"QLEDGER\x01", 8};  // file header
inline constexpr std::size_t kFrameHeader = 8;                   // u32 length, u32 CRC-32
inline constexpr uint8_t kRecordVersion = 1;
inline constexpr std::size_t kMaxPayload = 16 * 1024;
inline constexpr std::size_t kMaxBody = kMaxPayload + 512;
inline constexpr std::string_view kSigningContext{"quell-ledger-entry v1\n"};

// The bytes an entry's signature covers.
std::string SigningInput(std::string_view kind, std::string_view key_id, int64_t signed_ms,
                         std::string_view payload);

// Encodes a record body (seq, appended_ms, prev and entry); sets nothing else.
std::string EncodeBody(uint64_t seq, int64_t appended_ms, const Hash& prev,
                       const LedgerEntry& entry);
// Decodes a body strictly (every length in bounds, nothing left over, version 1).
// On success fills `out`'s fields and hash (not `body`: callers that keep the
// bytes copy them). Returns the reason otherwise.
std::optional<std::string> DecodeBody(std::string_view body, LedgerRecord& out);

// A frame: u32 LE body length, u32 LE CRC-32 of the body, the body.
std::string Frame(std::string_view body);
uint32_t Crc32(std::string_view bytes);

// Reads the frame at `data[pos..]`. kOk: `body` set, `pos` advanced. kTorn: the
// frame runs past the end of `data` (an unfinished write). kBad: a length out of
// bounds or a CRC mismatch (`reason` says which).
enum class FrameResult { kOk, kEnd, kTorn, kBad };
FrameResult NextFrame(std::string_view data, std::size_t& pos, std::string_view& body,
                      std::string& reason);

Hash HashBody(std::string_view body);

// What a key record ("genesis" or "key") says, parsed from its payload.
struct KeyPayload {
  std::string key_id;
  std::string organisation;
  std::optional<PublicKey> public_key;  // absent when revoking
  bool revoke = false;
};
std::optional<KeyPayload> ParseKeyPayload(std::string_view payload, std::string& reason);

// The keys known at a point of the chain, and the rules records must follow:
// shared by the ledger, the verifier and replicas so they judge alike.
class KeyRing {
 public:
  // Checks `rec` against the keys so far and, for key records, applies it.
  // Returns the reason it is bad, or nullopt. The signature is checked here when
  // `check_signature`; otherwise `signer` receives the key it must verify under
  // (the verifier checks signatures in parallel afterwards).
  std::optional<std::string> Apply(const LedgerRecord& rec, bool check_signature,
                                   PublicKey* signer = nullptr);
  // The key `key_id` as usable for the next record, or null.
  const LedgerKey* Usable(std::string_view key_id) const;
  const LedgerKey* Find(std::string_view key_id) const;
  const std::vector<LedgerKey>& keys() const { return keys_; }
  std::optional<PublicKey> operator_key() const;
  const std::string& operator_key_id() const { return operator_key_id_; }

 private:
  std::vector<LedgerKey> keys_;
  std::string operator_key_id_;
};

}  // namespace quell::enforce::internal
