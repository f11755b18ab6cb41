// The in-memory register behind Registry (registry.h), and its snapshot file
// (docs/formats/dnc.md). Internal to `registry`.
#pragma once

#include <absl/container/flat_hash_map.h>

#include <cstdint>
#include <string>
#include <vector>

#include "quell/core/status.h"
#include "quell/registry/number_set.h"
#include "quell/registry/registry.h"

namespace quell::registry::internal {

struct RangeEntry {
  uint64_t first = 0, last = 0;
  int64_t org_id = 0;
  Purpose purpose = Purpose::kMarketing;
  uint16_t categories = 0;
};

struct ExemptionKey {
  int64_t org_id;
  uint64_t number;
  friend bool operator==(const ExemptionKey&, const ExemptionKey&) = default;
  template <typename H>
  friend H AbslHashValue(H h, const ExemptionKey& k) {
    return H::combine(std::move(h), k.org_id, k.number);
  }
};

struct Index {
  int64_t version = 0;                             // last change applied
  NumberSet protected_now;                         // protection started (promoted out of `pending`)
  absl::flat_hash_map<uint64_t, int64_t> pending;  // number -> protected_from (ms)
  absl::flat_hash_map<uint64_t, Preferences> preferences;  // non-default only
  // Declared ranges sorted by first number (they never overlap), and exemptions
  // in force or future: (org, number) -> [starts, expires) in ms (expires 0: none).
  std::vector<RangeEntry> ranges;
  absl::flat_hash_map<ExemptionKey, std::pair<int64_t, int64_t>> exemptions;

  // Applies one change of the feed.
  void Apply(const Change& change);
  // Moves pending numbers whose protection started at or before now_ms into
  // protected_now; returns how many moved.
  std::size_t Promote(int64_t now_ms);
  bool IsRegisteredAndProtected(uint64_t number, int64_t at_ms) const;
  const RangeEntry* FindRange(uint64_t number) const;
};

// Snapshot file: the registrations part of an Index (version, protected set,
// pending, preferences). Write: to `path`.partial, fsync, rename.
Status WriteSnapshot(const Index& index, const std::string& path);
// Reads one into *index (registrations part only); InvalidArgument when the file
// is damaged (bad magic, version, length or checksum).
Status ReadSnapshot(const std::string& path, Index* index);

}  // namespace quell::registry::internal
