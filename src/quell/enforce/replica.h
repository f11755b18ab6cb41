// Follower: keeps a replica of another party's ledger up to date over REST
// (GET /api/v1/ledger?after=N) and verifies it independently: every record's
// frame, chain, key and signature is checked before it is stored (Ledger::
// AppendReplicated). It also catches a primary that changes its past:
//   - each page carries the primary's hash of the replica's last record (the
//     anchor); a primary that rewrote record k ≤ N and re-chained everything
//     after it cannot match it, and the follower names k by bisection;
//   - an audit re-reads the primary's records the replica holds and compares
//     them byte for byte (a byte flipped on the primary's disk).
// A divergence is final: the follower stops taking records until an operator
// looks (docs/formats/ledger.md "Replicas").
//
// Thread-safety: Sync and Audit from one thread; status() from any.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "quell/core/status.h"
#include "quell/enforce/ledger.h"

namespace quell::enforce {

struct Divergence {
  uint64_t seq = 0;  // the first record where the primary and the replica differ
  std::string reason;
  int64_t detected_ms = 0;
};

struct FollowStatus {
  std::string primary;  // the primary's base URL
  LedgerHead replica_head;
  LedgerHead primary_head;    // as last seen
  int64_t last_sync_ms = 0;   // 0: never
  std::string last_error;     // the last failed pull (network), empty if none
  uint64_t audited_upto = 0;  // records compared with the primary by the last audit
  int64_t last_audit_ms = 0;
  std::optional<Divergence> diverged;
};

// The primary's side: one page of GET /api/v1/ledger?after=N&limit=L as JSON —
// {"records": [...], "head": {"seq","hash"}, "anchor": {"seq": N, "hash"}}, each
// record with its fields for people and its frame (base64url) for replicas
// (docs/api/README.md "Ledger"). The anchor is read back from disk.
Result<std::string> LedgerPageJson(const Ledger& ledger, uint64_t after, int limit);
// One record in the page's form (GET /api/v1/ledger/{seq}).
Result<std::string> LedgerRecordJson(const Ledger& ledger, uint64_t seq);

class Follower {
 public:
  // GETs `path_and_query` ("/api/v1/ledger?after=5&limit=1000") from the primary
  // and returns the body of a 2xx answer.
  using Fetch = std::function<Result<std::string>(const std::string& path_and_query)>;

  // `replica` (Options::replica) must outlive the follower.
  Follower(Ledger& replica, std::string primary, Fetch fetch, Clock& clock);

  // Pulls until caught up with the primary. Returns the records appended.
  // FailedPrecondition once diverged (status().diverged says where and why);
  // network errors as the fetch returns them (retry later).
  Result<uint64_t> Sync(int page = 1000);
  // Compares every record the replica holds with the primary's copy. Returns the
  // records compared; FailedPrecondition on a divergence.
  Result<uint64_t> Audit(int page = 1000);

  FollowStatus status() const;

 private:
  Status Diverge(uint64_t seq, std::string reason);
  Status DivergedError() const;  // with mu_ held
  // The primary's copy of record `seq` (its frame), or an error.
  Result<std::string> PrimaryFrame(uint64_t seq);

  Ledger& replica_;
  std::string primary_;
  Fetch fetch_;
  Clock& clock_;
  mutable std::mutex mu_;
  FollowStatus status_;
};

}  // namespace quell::enforce
