// Carrier scorecards and the public league table (docs/traceback.md
// "Scorecards"): for each registered carrier, the calls Quell screened that it
// handed over (its ingress trunk resolved through the registry's names and
// aliases), the share of them signed with attestation A, complaints per million
// calls, its traceback answer times, and sanctions against it.
//
// Scorecards is the CallEventSink to put in the screening events' fan-out: it
// counts set-up events (kAttempt; CDRs of the same calls are not counted again)
// in memory without allocating, and Flush() adds the counts to the store, so a
// restart keeps them (at most the last unflushed interval is lost on a crash).
//
// Ranking rule: score = 40 × share A + 25 × complaints part + 25 × traceback part
// + 10 × sanctions part, where the complaints part is
// max(0, 1 − complaints per million / complaints_ceiling_per_million) (1 when
// unknown), the traceback part the share of requests answered within their
// deadline (1 with no requests yet), the sanctions part 1 with no sanction and
// 0 otherwise. Carriers with at least scorecard_min_calls calls are ranked by
// score (higher first), ties by more calls, then by name; the others follow,
// unranked, by name.
//
// Thread-safety: every member may be called from any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "quell/core/status.h"
#include "quell/enforce/traceback.h"
#include "quell/events/call_event.h"

namespace quell::enforce {

class Sanctions;

struct Scorecard {
  int64_t org_id = 0;
  std::string name;
  std::string country;
  AuthStatus auth = AuthStatus::kNone;
  uint64_t calls = 0;  // screened calls it handed over
  uint64_t attest_a = 0;
  uint64_t attest_b = 0;
  uint64_t attest_c = 0;
  std::optional<double> share_a;  // attest_a / calls; none without calls
  std::optional<int64_t> complaints;
  std::optional<double> complaints_per_million;  // none without calls or complaint figures
  ResponseFigures traceback;
  std::optional<double> share_answered_in_time;  // none without requests
  int64_t sanctions = 0;
  double score = 0;         // 0..100, see the ranking rule
  std::optional<int> rank;  // 1 = best; none when unranked (too few calls)
};

struct ScorecardCounts {
  uint64_t calls = 0;
  uint64_t attest_a = 0;
  uint64_t attest_b = 0;
  uint64_t attest_c = 0;
};

class Scorecards : public events::CallEventSink {
 public:
  ~Scorecards() override = default;

  // Counts a screened call against the carrier its trunk names. Lock-free
  // apart from a shared lock on the alias table; never allocates.
  void Publish(const events::CallEvent& event) override = 0;

  // Adds counts to a carrier directly (demo seeding, imports); durable on return.
  virtual Status AddCounts(int64_t org_id, const ScorecardCounts& counts) = 0;
  // Writes the counts gathered since the last flush to the store. Call every
  // minute or so and at shutdown.
  virtual Status Flush() = 0;
  // Stored plus unflushed counts of a carrier.
  virtual ScorecardCounts CountsOf(int64_t org_id) const = 0;
  // Screened events whose trunk names no registered carrier.
  virtual uint64_t unattributed() const = 0;

  // Every registered carrier's scorecard, in league order (see the rule above).
  virtual Result<std::vector<Scorecard>> LeagueTable() = 0;
};

// A sanctions_for_carrier callback over `sanctions`: the sanctions against the
// organisation that were not lifted (scheduled, active or expired).
std::function<int64_t(int64_t org_id)> CountSanctionsAgainst(Sanctions& sanctions);

// The score of a card (its figures filled in), per the ranking rule.
double ScoreOf(const Scorecard& card, double complaints_ceiling_per_million);

}  // namespace quell::enforce
