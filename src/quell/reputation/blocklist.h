// Blocklist: the compact, signed file offline phone apps download — the full
// list of labelled numbers at a version, or the delta from an earlier version
// to a later one. Format: docs/formats/blocklist.md (this header is its
// reference implementation).
//
// Entries are sorted by number, unique. A full list of 10 million Chinese
// mobile numbers is at most 31.8 MB whatever the numbers (30.0 MB, 3.0 bytes
// an entry, for random ones); numbers spread over the whole E.164 space cost
// up to 9 bytes an entry. Every file is signed with the instance's Ed25519 key
// (libsodium); Decode checks the signature before it trusts a byte.
//
// Thread-safe: no shared state; LoadOrCreate touches the file system.
//
//   QUELL_ASSIGN_OR_RETURN(auto key, BlocklistKey::LoadOrCreate(dir + "/blocklist.key"));
//   QUELL_ASSIGN_OR_RETURN(std::string file,
//                          EncodeFull({.version = 7, .built_at_s = now}, entries, key));
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

// The instance's Ed25519 signing key. Copyable; the secret half is wiped when
// a copy is destroyed.
class BlocklistKey {
 public:
  // A fresh random key.
  static Result<BlocklistKey> Generate();
  // Reads the key file (created 0600 with a fresh key when missing). The file
  // (docs/formats/blocklist.md, "Key file") is 72 bytes: "QBLKEY", u16 1, and
  // libsodium's 64-byte secret key (seed, then public key). PermissionDenied
  // when the file is accessible to group or others; InvalidArgument when it has
  // the wrong size, magic, or a public half that does not match its seed. When
  // two processes create the key at once, both end up with the one that landed.
  static Result<BlocklistKey> LoadOrCreate(const std::string& path);
  // The key derived from a 32-byte seed: deterministic, for golden files and
  // tests. A production key comes from Generate or LoadOrCreate.
  static Result<BlocklistKey> FromSeed(const std::array<uint8_t, 32>& seed);

  BlocklistKey(const BlocklistKey&) = default;
  BlocklistKey(BlocklistKey&&) = default;
  BlocklistKey& operator=(const BlocklistKey&) = default;
  BlocklistKey& operator=(BlocklistKey&&) = default;
  ~BlocklistKey();

  const std::array<uint8_t, 32>& public_key() const { return public_key_; }
  std::string public_key_base64() const;  // standard base64, for apps to pin
  // The 64-byte detached signature of `message`.
  std::array<uint8_t, 64> Sign(std::string_view message) const;

 private:
  BlocklistKey() = default;
  static Result<BlocklistKey> FromSecretKey(const std::array<uint8_t, 64>& secret_key);

  std::array<uint8_t, 32> public_key_{};
  std::array<uint8_t, 64> secret_key_{};
};

// Encoders. `entries` and `removed` must be sorted by number and unique,
// numbers in 1..10^15-1, labels ≤ 15 and scores ≤ 100, no number both changed
// and removed; a full list has base_version 0 and version ≥ 1, a delta
// base_version ≥ 1 and version > base_version (InvalidArgument otherwise). The
// encoding is canonical: equal inputs give equal bytes.
Result<std::string> EncodeFull(const BlocklistHeader& header,
                               std::span<const BlocklistEntry> entries, const BlocklistKey& key);
Result<std::string> EncodeDelta(const BlocklistHeader& header,
                                std::span<const BlocklistEntry> changed,
                                std::span<const uint64_t> removed, const BlocklistKey& key);

// Parses and verifies a file. Unauthenticated when the file's key id is not
// `public_key`'s or its signature does not verify with it (core/status.h has no
// DataLoss); InvalidArgument naming the offset when the file is malformed, which
// is checked after the signature (except the size, magic and format version).
// The decoded lists take at most 8 times the file's size, checked before
// anything is allocated.
Result<Blocklist> Decode(std::string_view file, const std::array<uint8_t, 32>& public_key);

// Applies a decoded delta to a full list (sorted), in place: adds or replaces
// its entries and drops its removed numbers. FailedPrecondition when the
// delta's base_version is not `list_version` or it removes a number the list
// does not hold (the list has diverged: fetch the full list); InvalidArgument
// when `delta` is a full list or either side is unsorted. On error the list is
// left unchanged. Linear; allocates only when the list outgrows its capacity.
Status ApplyDelta(std::vector<BlocklistEntry>& list, uint64_t list_version, const Blocklist& delta);

// The delta that takes sorted list `from` to sorted list `to`: `changed`
// (replaced) gets the entries of `to` that are new or differ, `removed` the
// numbers of `from` missing from `to`, both sorted. One linear merge.
void Diff(std::span<const BlocklistEntry> from, std::span<const BlocklistEntry> to,
          std::vector<BlocklistEntry>& changed, std::vector<uint64_t>& removed);

}  // namespace quell::reputation
