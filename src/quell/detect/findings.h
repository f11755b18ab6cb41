// FindingStore: findings kept in the store, served to analysts and to the
// other domains.
//
// The store is a FindingSink: the engine hands it every new finding and every
// update; a background thread writes them in batches (one row per number,
// detector and first-seen time; an update moves last_seen, calls, severity and
// figures on), so detection never waits on the disk. When the queue is full the
// finding is dropped and counted (quell_detect_findings_dropped_total).
//
// Thread-safety: every member may be called from any thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "quell/core/clock.h"
#include "quell/core/status.h"
#include "quell/detect/engine.h"

namespace quell::store {
class Store;
}
namespace quell::events {
class EvidenceSink;
}

namespace quell::detect {

struct FindingQuery {
  std::optional<Detector> detector;
  uint64_t number = 0;    // the finding's number (compact E.164); 0 = any
  int64_t since_us = 0;   // last seen at or after; 0 = any
  int64_t until_us = 0;   // first seen before; 0 = any
  int64_t before_id = 0;  // paging: ids below this; 0 = newest
  int limit = 100;        // 1..1000
};

struct StoredFinding {
  int64_t id = 0;
  Finding finding;
  TimePoint recorded_at;  // when first written
};

class FindingStore : public FindingSink {
 public:
  // Migrates the schema and starts the writer thread. `store` must outlive it,
  // and `evidence` (when set), which receives every written finding as evidence
  // against its number — or, for a call-bombing victim, against each caller named.
  static Result<std::unique_ptr<FindingStore>> Open(store::Store& store, Clock& clock,
                                                    std::size_t queue_capacity = 65536,
                                                    events::EvidenceSink* evidence = nullptr);
  ~FindingStore() override = default;

  // Waits until everything handed over so far is written; the last write error.
  virtual Status Flush() = 0;
  // Newest first (by id).
  virtual Result<std::vector<StoredFinding>> List(const FindingQuery& query) = 0;
  virtual Result<std::optional<StoredFinding>> Get(int64_t id) = 0;
  // Counts per detector of findings last seen at or after since_us.
  virtual Result<std::vector<std::pair<Detector, int64_t>>> Counts(int64_t since_us) = 0;
};

}  // namespace quell::detect
