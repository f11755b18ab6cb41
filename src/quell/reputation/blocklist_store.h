// BlocklistStore: the versions of the blocklist offline apps download — every
// labelled number of the reputation table with its label and score
// (docs/formats/blocklist.md), as a full list or as the delta from the version
// an app holds.
//
// Each Build() compares the table's labelled numbers with the last version and,
// when anything changed, records a new version: its changes (a number added,
// relabelled or rescored, or removed) go to the store, one row per number, so a
// delta from any retained version V is the fold of the changes after V against
// each number's state at V. Changes older than `retention_days` are folded
// away; a delta from before them is not available (the app takes the full
// list). The current full file is kept in memory, signed once per version.
//
//   QUELL_ASSIGN_OR_RETURN(auto lists, BlocklistStore::Open(store, clock, rep.table(), options));
//   QUELL_ASSIGN_OR_RETURN(uint64_t v, lists->Build());
//   QUELL_ASSIGN_OR_RETURN(BlocklistFile f, lists->Delta(app_version));
//
// Thread-safety: every member may be called from any thread; Build runs one at
// a time.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "quell/core/clock.h"
#include "quell/core/status.h"
#include "quell/reputation/blocklist.h"
#include "quell/reputation/table.h"

namespace quell::store {
class Store;
}

namespace quell::reputation {

struct BlocklistOptions {
  std::string key_path;        // the Ed25519 key file (created when missing)
  int retention_days = 30;     // deltas are served from versions this recent
  int build_interval_s = 600;  // how often the server calls Build
};

struct BlocklistFile {
  uint64_t version = 0;       // the version the file brings a list to
  uint64_t base_version = 0;  // 0: a full list
  int64_t entries = 0;        // entries (a delta: changed), removed below
  int64_t removed = 0;
  std::shared_ptr<const std::string> bytes;  // null: the asker is up to date
};

struct BlocklistStats {
  uint64_t version = 0;
  int64_t built_at_s = 0;
  int64_t entries = 0;
  uint64_t oldest_delta_base = 0;  // deltas from this version on
  int64_t full_bytes = 0;
};

class BlocklistStore {
 public:
  // Migrates the schema, loads the key and rebuilds the current list from the
  // recorded changes. `store` and `table` must outlive it.
  static Result<std::unique_ptr<BlocklistStore>> Open(store::Store& store, Clock& clock,
                                                      const ReputationTable& table,
                                                      BlocklistOptions options);
  virtual ~BlocklistStore() = default;

  // Records a new version when the table's labelled numbers differ from the
  // current version; returns the current version (0 when nothing was ever
  // listed).
  virtual Result<uint64_t> Build() = 0;
  // The current full list. NotFound before the first version.
  virtual Result<BlocklistFile> Full() = 0;
  // From `since` to the current version. `since` equal to the current version
  // gives a file without bytes (up to date); FailedPrecondition when `since` is older than the
  // retained changes or newer than the current version (take the full list).
  virtual Result<BlocklistFile> Delta(uint64_t since) = 0;
  virtual const BlocklistKey& key() const = 0;
  virtual BlocklistStats stats() const = 0;
};

}  // namespace quell::reputation
