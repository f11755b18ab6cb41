// Violations: marketing calls to numbers the register protects.
//
// The recorder is a CallEventSink: the screening pipeline publishes every call
// it screens (an attempt at set-up), CDR ingest every completed call. A call
// from an organisation's declared marketing number to a callee protected from
// that marketing at that hour, with no exemption of that organisation in
// force, becomes a violation record: organisation, numbers, time, category and
// evidence (how it was seen: "attempt" at signalling, and whether the network
// blocked it; "completed" from a CDR, answered or not, with the talk time).
// One call (one call id) is one record: its CDR completes the attempt's record.
//
// The check runs in the publisher's thread from memory (Registry::CheckCall);
// records are written by a background thread in batches, so a call never
// waits on the store. When the queue is full (the store cannot keep up),
// records are dropped and counted (quell_dnc_violations_dropped_total).
//
// Calls flagged as marketing by the detection engine (not only declared
// numbers) join when that engine publishes its findings.
//
// Thread-safety: Publish from any thread; List from any thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "quell/core/clock.h"
#include "quell/core/phone_number.h"
#include "quell/core/status.h"
#include "quell/core/vocabulary.h"
#include "quell/events/call_event.h"
#include "quell/events/evidence.h"

namespace quell::store {
class Store;
}

namespace quell::registry {

class Registry;

struct Violation {
  int64_t id = 0;
  int64_t org_id = 0;
  PhoneNumber caller, callee;
  TimePoint at;  // the call's time
  Category category = Category::kOther;
  std::string seen;       // "attempt" or "completed"
  bool blocked = false;   // the network refused the call at set-up
  bool answered = false;  // from a CDR
  int64_t talk_ms = 0;
  std::string call_id;
  std::string trunk;
  TimePoint recorded_at;
};

class ViolationRecorder : public events::CallEventSink {
 public:
  // Starts the writer thread. `registry` and `store` must outlive the recorder,
  // and `evidence` (when set), which receives every recorded violation as
  // evidence of marketing against the calling number.
  static Result<std::unique_ptr<ViolationRecorder>> Start(Registry& registry, store::Store& store,
                                                          Clock& clock,
                                                          std::size_t queue_capacity = 65536,
                                                          events::EvidenceSink* evidence = nullptr);
  ~ViolationRecorder() override = default;

  // Waits until everything published so far is written (tests, shutdown).
  virtual Status Flush() = 0;
  // Newest first; org_id 0: every organisation's; id < before_id when > 0.
  virtual Result<std::vector<Violation>> List(int64_t org_id, int limit, int64_t before_id = 0) = 0;
};

}  // namespace quell::registry
