// The blocklist file's layout constants and the parser without its signature
// check (docs/formats/blocklist.md). For the fuzzer, which cannot forge a
// signature and must still reach the parser, and for tests. Nothing that
// trusts a file may call DecodeUnverified: use reputation::Decode.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "quell/core/status.h"
#include "quell/reputation/blocklist.h"

namespace quell::reputation::internal {

inline constexpr char kBlocklistMagic[4] = {'Q', 'B', 'L', 'K'};
inline constexpr uint16_t kBlocklistFormat = 1;
inline constexpr std::size_t kBlocklistHeaderBytes = 46;
inline constexpr std::size_t kBlocklistSignatureBytes = 64;
// The smallest entry: a 16-bit word and a one-byte varint.
inline constexpr std::size_t kBlocklistMinEntryBytes = 3;
// An entry's delta from the previous number keeps its low kDeltaLowBits in the
// entry's 16-bit word, beside the label and score; the rest is a varint.
inline constexpr int kBlocklistDeltaLowBits = 5;
// Numbers are compact E.164: at most 15 digits.
inline constexpr uint64_t kBlocklistNumberLimit = 1'000'000'000'000'000;  // exclusive
inline constexpr std::size_t kBlocklistKeyFileBytes = 72;

// Decode (blocklist.h) minus the key id and signature checks: the same
// structure checks, the same errors. Thread-safe.
Result<Blocklist> DecodeUnverified(std::string_view file);

}  // namespace quell::reputation::internal
