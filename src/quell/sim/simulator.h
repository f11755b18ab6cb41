// Simulate: a labelled day (or month) of call records for a terminating
// network — ordinary subscribers, legitimate high-volume callers and bursts,
// and nuisance campaigns of every kind — written as CDR CSV v1 in time order,
// with a truth file naming every number that takes part in a campaign.
//
//   sim::ScenarioParams p;            // defaults: 10^6 subscribers, 24 h
//   p.seed = 7;
//   auto summary = sim::Simulate(p, cdr_stream, truth_stream, progress);
//
// Rows are produced in time order by merging per-source streams (a heap of
// each source's next call), so memory does not grow with the number of rows:
// ~10 bytes per person for the ordinary population's rates, a few KB per
// campaign. The same parameters and seed give byte-identical output on the
// same platform (see quell/sim/internal/rng.h for what may differ across
// libm implementations).
//
// Formats (docs/simulation.md):
//   CDR   time,caller,callee,kind,answered,ring_ms,talk_ms,release_cause,call_id,trunk,
//         direction,international,imsi,imei,cell_id,attest,verstat
//   truth campaign,kind,role,number,variant
//
// Thread-safety: Simulate may run on several threads at once with different
// streams; one call uses one thread.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <iosfwd>

#include "quell/core/status.h"
#include "quell/sim/scenario.h"

namespace quell::sim {

struct SimulationSummary {
  int64_t rows = 0;        // CDR rows (calls), header excluded
  uint64_t cdr_bytes = 0;  // header included
  int64_t truth_rows = 0;  // header excluded
  uint64_t truth_bytes = 0;
  int64_t ordinary_calls = 0;
  std::array<int64_t, kKindCount> campaigns{};  // campaigns (or legit callers) with calls, by Kind
  std::array<int64_t, kKindCount> calls{};      // their calls, by Kind
};

// Called every ~100,000 rows and at the end: the share of the simulated
// period done and the rows written so far.
using ProgressFn = std::function<void(double done, int64_t rows)>;

// Writes the CDR (header, then rows sorted by time) to `cdr` and then the
// truth (header, one row per number of each campaign, campaigns in kind
// order) to `truth`. InvalidArgument if `params` fail Validate(); Internal if
// a stream fails.
Result<SimulationSummary> Simulate(const ScenarioParams& params, std::ostream& cdr,
                                   std::ostream& truth, const ProgressFn& progress = {});

}  // namespace quell::sim
