// The blocklist file parser (reputation/blocklist.h) on arbitrary bytes.
// Random bytes never carry a valid signature, so the parser is also driven
// past the signature check (internal::DecodeUnverified). Never crash, every
// rejection says why, whatever parses holds the format's invariants, encodes
// back to the very same bytes (the encoding is canonical), and applies as a
// delta. The seeds (fuzz/corpus/blocklist) are signed with the key of the
// worked examples in docs/formats/blocklist.md, so Decode accepts them.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string_view>
#include <vector>

#include "quell/reputation/blocklist.h"
#include "quell/reputation/internal/blocklist_codec.h"

namespace {

using quell::reputation::Blocklist;
using quell::reputation::BlocklistEntry;
using quell::reputation::BlocklistKey;

const BlocklistKey& Key() {
  static const BlocklistKey key = [] {
    std::array<uint8_t, 32> seed;
    for (int i = 0; i < 32; ++i) seed[i] = static_cast<uint8_t>(i);
    auto k = BlocklistKey::FromSeed(seed);
    if (!k) std::abort();
    return *k;
  }();
  return key;
}

bool Same(const Blocklist& a, const Blocklist& b) {
  return a.header.version == b.header.version && a.header.base_version == b.header.base_version &&
         a.header.built_at_s == b.header.built_at_s && a.key_id == b.key_id &&
         a.entries == b.entries && a.removed == b.removed;
}

void CheckInvariants(const Blocklist& list) {
  if (list.header.version == 0) std::abort();
  if (list.is_delta() && list.header.version <= list.header.base_version) std::abort();
  if (!list.is_delta() && !list.removed.empty()) std::abort();
  uint64_t previous = 0;
  for (const BlocklistEntry& e : list.entries) {
    if (e.number <= previous || e.number >= quell::reputation::internal::kBlocklistNumberLimit ||
        e.label > 15 || e.score > 100) {
      std::abort();
    }
    previous = e.number;
  }
  previous = 0;
  for (uint64_t n : list.removed) {
    if (n <= previous || n >= quell::reputation::internal::kBlocklistNumberLimit) std::abort();
    previous = n;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace rep = quell::reputation;
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  auto verified = rep::Decode(input, Key().public_key());
  auto parsed = rep::internal::DecodeUnverified(input);
  if (!verified && verified.status().message().empty()) std::abort();
  if (!parsed) {
    if (parsed.status().message().empty() || verified) std::abort();
    return 0;
  }
  if (verified && !Same(*verified, *parsed)) std::abort();
  CheckInvariants(*parsed);

  // Canonical: encoding what was parsed gives the input back, but for the key
  // id and the signature (ours).
  auto again = parsed->is_delta()
                   ? rep::EncodeDelta(parsed->header, parsed->entries, parsed->removed, Key())
                   : rep::EncodeFull(parsed->header, parsed->entries, Key());
  if (!again || again->size() != size) std::abort();
  constexpr std::size_t kKeyId = 6, kAfterKeyId = 14;
  if (std::memcmp(again->data(), data, kKeyId) != 0 ||
      std::memcmp(again->data() + kAfterKeyId, data + kAfterKeyId, size - kAfterKeyId - 64) != 0) {
    std::abort();
  }
  auto reread = rep::Decode(*again, Key().public_key());
  if (!reread || reread->entries != parsed->entries || reread->removed != parsed->removed) {
    std::abort();
  }

  // As a delta: to a list holding exactly the numbers it removes, it leaves
  // exactly its entries; Diff finds the same delta again.
  if (parsed->is_delta()) {
    std::vector<BlocklistEntry> list;
    for (uint64_t n : parsed->removed) list.push_back({.number = n});
    const std::vector<BlocklistEntry> before = list;
    if (!rep::ApplyDelta(list, parsed->header.base_version, *parsed).ok()) std::abort();
    if (list != parsed->entries) std::abort();
    std::vector<BlocklistEntry> changed;
    std::vector<uint64_t> removed;
    rep::Diff(before, list, changed, removed);
    if (changed != parsed->entries || removed != parsed->removed) std::abort();
  }
  return 0;
}
