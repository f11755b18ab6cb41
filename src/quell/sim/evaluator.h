// Evaluate: replays simulated call records through the detection engine —
// which never sees the truth — and scores its findings against the truth file.
//
// A campaign's calls are those whose caller is one of its numbers; every
// other call is legitimate. A finding on any of a campaign's numbers (its
// victim's included) is a finding of the campaign. Per
// nuisance kind: the share of a campaign's calls placed after its first
// finding ("calls stopped"), recall per number, the median time to detection
// in calls and seconds. Per detector and overall: precision of flagged
// numbers, false positives per million legitimate calls (legitimate calls
// placed by a wrongly flagged number after its finding) and the share of
// legitimate high-volume callers flagged.
#pragma once

#include <cstdint>
#include <functional>
#include <istream>
#include <string>
#include <vector>

#include "quell/core/status.h"
#include "quell/detect/engine.h"

namespace quell {
class NumberPlan;
}

namespace quell::sim {

struct KindScore {
  std::string kind;
  int64_t campaigns = 0;
  int64_t detected = 0;  // campaigns with at least one finding
  int64_t calls = 0;
  int64_t calls_after = 0;   // placed after the campaign's first finding
  double calls_stopped = 0;  // calls_after / calls
  int64_t numbers = 0;
  int64_t numbers_flagged = 0;
  double number_recall = 0;
  double median_calls_to_detect = 0;  // over detected campaigns
  double median_seconds_to_detect = 0;
};

struct DetectorScore {
  std::string detector;
  int64_t flagged = 0;        // numbers with a finding of this detector
  int64_t true_positive = 0;  // ... that belong to a campaign
  int64_t hv_flagged = 0;     // ... that are legitimate high-volume callers
  double precision = 0;
};

struct EvalReport {
  int64_t events = 0;
  int64_t bad_rows = 0;
  int64_t unattributed_campaign_numbers = 0;  // truth numbers the reader cannot parse
  std::vector<KindScore> kinds;
  std::vector<DetectorScore> detectors;
  int64_t flagged = 0, true_positive = 0;
  double precision = 0;
  int64_t legit_calls = 0, fp_calls = 0;
  double fp_per_million_calls = 0;
  int64_t hv_callers = 0, hv_flagged = 0;  // legitimate high-volume callers (and bursts)
  double hv_fp_rate = 0;
  std::vector<std::string> false_positives;  // the first few, "number detector: reason"
  double seconds = 0;

  std::string ToTable() const;
  std::string ToJson() const;
};

using EvalProgressFn = std::function<void(uint64_t bytes_read, int64_t rows)>;

Result<EvalReport> Evaluate(std::istream& cdr, std::istream& truth, const NumberPlan& plan,
                            const detect::EngineConfig& config,
                            const EvalProgressFn& progress = {});

}  // namespace quell::sim
