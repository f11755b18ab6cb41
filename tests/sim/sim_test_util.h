// Running small simulations and reading their output back, for the sim tests.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "quell/sim/scenario.h"
#include "quell/sim/simulator.h"

namespace quell::sim::testing {

struct CdrRow {
  std::vector<std::string> fields;  // all 17, as written
  int64_t ms = 0;                   // time, Unix ms
  uint64_t caller = 0;              // compact E.164 via NumberPlan::ToCompact (0: not possible)
  uint64_t callee = 0;
  bool answered = false;
  bool international = false;
  int64_t ring_ms = 0;
  int64_t talk_ms = 0;
  int cause = 0;
  uint64_t cell_id = 0;
  uint64_t imei = 0;
  const std::string& caller_text() const { return fields[1]; }
  const std::string& trunk() const { return fields[9]; }
  const std::string& attest() const { return fields[15]; }
  const std::string& verstat() const { return fields[16]; }
};

struct TruthRow {
  std::string campaign, kind, role, number, variant;
  uint64_t e164 = 0;
};

struct Output {
  std::string cdr, truth;
  SimulationSummary summary;
  std::vector<CdrRow> rows;
  std::vector<TruthRow> truth_rows;
};

// 20,000 subscribers for 24 h, 10 campaigns of each kind, 20 high-volume
// callers, 3 bursts.
ScenarioParams SmallScenario(uint64_t seed = 42);

// Runs the simulation and parses both files (fails the test on errors).
Output Run(const ScenarioParams& params);

// SmallScenario() run once and kept for the process.
const Output& Small();

std::vector<std::string> SplitCsv(std::string_view line);
int64_t ParseTimeMs(std::string_view rfc3339_utc_ms);

}  // namespace quell::sim::testing
