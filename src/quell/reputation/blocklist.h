// Blocklist: the compact, signed file offline phone apps download — the full
// list of labelled numbers at a version, or the delta from an earlier version
// to a later one. Format: docs/formats/blocklist.md (this header is its
// reference implementation).
//
// Entries are sorted by number, unique. A full list of 10 million numbers is
// at most 40 MB. Every file is signed with the instance's Ed25519 key
// (libsodium); Decode checks the signature before it trusts a byte.
//
//   QUELL_ASSIGN_OR_RETURN(auto key, BlocklistKey::LoadOrCreate(dir + "/blocklist.key"));
//   std::string file = EncodeFull({.version = 7, .built_at_s = now}, entries, key);
//   QUELL_ASSIGN_OR_RETURN(Blocklist list, Decode(file, key.public_key()));
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "quell/core/status.h"

namespace quell::reputation {

struct BlocklistEntry {
  uint64_t number = 0;  // compact E.164
  uint8_t label = 0;    // reputation::Label code (labels.h), 0..15
  uint8_t score = 0;    // 0..100
  friend bool operator==(const BlocklistEntry&, const BlocklistEntry&) = default;
};

struct BlocklistHeader {
  uint64_t version = 0;       // the version this file brings a list to
  uint64_t base_version = 0;  // a delta's starting version; 0 = a full list
  int64_t built_at_s = 0;     // Unix seconds
};

// A decoded file. For a full list, `entries` is the list and `removed` is
// empty; for a delta, `entries` are added or changed and `removed` left.
struct Blocklist {
  BlocklistHeader header;
  std::array<uint8_t, 8> key_id{};  // first 8 bytes of the signer's public key
  std::vector<BlocklistEntry> entries;
  std::vector<uint64_t> removed;
  bool is_delta() const { return header.base_version != 0; }
};

// The instance's Ed25519 signing key.
class BlocklistKey {
 public:
  static Result<BlocklistKey> Generate();
  // Reads the key file (created 0600 with a fresh key when missing).
  static Result<BlocklistKey> LoadOrCreate(const std::string& path);
  const std::array<uint8_t, 32>& public_key() const { return public_key_; }
  std::string public_key_base64() const;  // standard base64, for apps to pin
  // The 64-byte detached signature of `message`.
  std::array<uint8_t, 64> Sign(std::string_view message) const;

 private:
  std::array<uint8_t, 32> public_key_{};
  std::array<uint8_t, 64> secret_key_{};
};

// Encoders. `entries` and `removed` must be sorted by number and unique
// (InvalidArgument otherwise), labels ≤ 15 and scores ≤ 100.
Result<std::string> EncodeFull(const BlocklistHeader& header,
                               std::span<const BlocklistEntry> entries, const BlocklistKey& key);
Result<std::string> EncodeDelta(const BlocklistHeader& header,
                                std::span<const BlocklistEntry> changed,
                                std::span<const uint64_t> removed, const BlocklistKey& key);

// Parses and verifies a file. DataLoss when the signature does not verify with
// `public_key`; InvalidArgument naming the offset when the file is malformed.
Result<Blocklist> Decode(std::string_view file, const std::array<uint8_t, 32>& public_key);

// Applies a decoded delta to a full list (sorted), in place. FailedPrecondition
// when the delta's base_version is not `list_version`.
Status ApplyDelta(std::vector<BlocklistEntry>& list, uint64_t list_version, const Blocklist& delta);

// The delta that takes sorted list `from` to sorted list `to`.
void Diff(std::span<const BlocklistEntry> from, std::span<const BlocklistEntry> to,
          std::vector<BlocklistEntry>& changed, std::vector<uint64_t>& removed);

}  // namespace quell::reputation
