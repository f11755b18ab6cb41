// Engine: real-time behavioural detection over call events.
//
// Every CallEvent (an attempt screened at set-up, or a CDR) updates the
// windows of its caller and its callee; detectors read those windows and
// raise Findings: marketing bursts, robocalls (auto-dialler shape), call
// bombing (呼死你), one-ring / wangiri (响一声), SIM boxes / modem pools (猫池)
// and caller-ID spoofing (改号). The features and their default thresholds
// come from published practice (docs/detection.md lists each with its source).
//
// Windows slide: each is a ring of sub-window buckets (a minute of 10 s
// buckets, an hour of 10-minute buckets, a day of 4-hour buckets, five minutes
// of 30 s buckets for callees), advanced by the events' own times — nothing
// resets at midnight, and a replay of the same events gives the same findings
// whatever the wall clock. Distinct callees are estimated by linear counting
// on a 64-bit bitmap per half hour. A number's whole state is one fixed-size
// record (about 170 bytes; the index adds about 25 more), dropped after a day
// without calls.
//
// A set-up event and the CDR of the same call (same call_id) count once: the
// CDR adds what the attempt could not know (answered, talk and ring time).
//
// Thread-safety: Process() and the accessors are for one thread (a replay, one
// partition); Publish() (the CallEventSink) takes a lock and may be called from
// any thread. Findings go to the FindingSink from the processing thread.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "quell/core/status.h"
#include "quell/events/call_event.h"

namespace quell {
class NumberPlan;
}

namespace quell::detect {

enum class Detector : uint8_t { kMarketing, kRobocall, kBombing, kOneRing, kSimBox, kSpoofing };
inline constexpr std::size_t kDetectorCount = 6;
std::string_view Name(Detector d);  // "marketing", "robocall", "bombing", "one_ring", ...
std::optional<Detector> ParseDetector(std::string_view name);

// Which side of the calls the finding is about: the number placing them, or
// the number receiving them (the victim of call bombing).
enum class Role : uint8_t { kCaller, kCallee };
std::string_view Name(Role r);  // "caller", "callee"

struct Figure {
  std::string name;  // "attempts", "distinct_callees", "asr", "acd_s", ...
  double value = 0;
};

struct Finding {
  uint64_t number = 0;  // compact E.164
  Detector detector = Detector::kMarketing;
  Role role = Role::kCaller;
  uint8_t severity = 1;  // 1 low, 2 medium, 3 high
  int64_t first_seen_us = 0;
  int64_t last_seen_us = 0;
  int32_t window_s = 0;  // the window the figures were measured over
  uint32_t calls = 0;    // calls seen from (to) the number since the finding
  std::string reason;    // one line, English: what was seen
  std::vector<Figure> figures;
  std::vector<uint64_t> related;  // bombing: the callers; SIM box: numbers on the same IMEI
  // 0 the first time the finding is raised; then how many times it was updated.
  uint32_t updates = 0;
};

class FindingSink {
 public:
  virtual ~FindingSink() = default;
  // A new finding (updates == 0) or a later view of one (same number,
  // detector and first_seen_us, with last_seen_us, calls and figures moved on).
  virtual void OnFinding(const Finding& finding) = 0;
};

// Thresholds are counts in a window at profile factor 1.0; the profile scales
// the volume thresholds by hour of day and day of week (local time).
struct EngineConfig {
  struct Marketing {
    int per_minute = 8;          // attempts in a sliding minute
    int per_hour = 30;           // attempts in a sliding hour ...
    int distinct_per_hour = 20;  // ... to at least this many distinct callees
    double max_asr = 0.5;        // ... answered at most this share (when ≥ 10 completed)
    int sequential = 6;          // ascending callee steps (+1..+10) in half an hour
    int per_day = 80;            // low and slow: attempts in a sliding day ...
    double day_max_asr = 0.35;   // ... with few answered
  } marketing;
  struct Robocall {
    int answered = 8;          // answered calls in a sliding hour, at least
    double max_asr = 0.5;      // of at most this share of calls (robocalls go unanswered)
    double max_acd_s = 60;     // average talk time below
    double short_share = 0.9;  // and this share of answered calls under 60 s
  } robocall;
  struct Bombing {
    int attempts = 12;              // attempts to one callee in five sliding minutes
    double min_repeat = 3.0;        // attempts per distinct caller, at least
    int caller_attempts = 3;        // a caller with this many attempts is named and flagged
    double unanswered_share = 0.9;  // or twice `attempts` from any callers, this share unanswered
  } bombing;
  struct OneRing {
    int abandoned = 10;      // unanswered calls rung ≤ max_ring_ms, released by the caller,
    int max_ring_ms = 5000;  // in a sliding hour
    int distinct = 8;        // to at least this many distinct callees
    double min_share = 0.5;  // and at least this share of the caller's completed calls
  } one_ring;
  struct SimBox {
    int numbers_per_imei = 3;      // distinct numbers behind one IMEI in a day
    int imei_calls_per_hour = 16;  // ... placing this many calls through it within an hour
    int per_day = 40;              // or: outgoing calls in a day from one fixed cell, none incoming
  } simbox;
  struct Spoofing {
    bool invalid_caller = true;         // a caller number invalid in the numbering plan
    int domestic_on_international = 2;  // home-region numbers arriving from abroad, per day
    int failed_verification = 2;        // verstat TN-Validation-Failed, per day
    int sim_changes = 2;                // the IMSI behind the number changed (A→B→A: a clone)
    int region_conflicts = 2;           // calls from two regions closer in time than travel allows,
                                        // not from the same SIM
    int travel_s = 600;                 // ... within this many seconds
    uint64_t region_divisor = 10000;    // region of a cell: cell_id / divisor
  } spoofing;
  // Legitimate high-volume callers look like this and are never flagged as
  // marketing or robocalls: at least `answered` answered calls in the hour,
  // answer-seizure ratio ≥ min_asr and average talk ≥ min_acd_s.
  struct Legitimate {
    int answered = 10;
    double min_asr = 0.55;
    double min_acd_s = 90;
  } legitimate;
  // Volume thresholds are multiplied by hour_factor[local hour] and, on
  // Saturday and Sunday, by weekend_factor.
  std::array<double, 24> hour_factor = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
                                        1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
  double weekend_factor = 1.0;
  int utc_offset_minutes = 480;
  // Numbers (compact E.164) and prefixes ("+86955") never flagged: registered
  // businesses, hospitals, couriers, banks' call-backs.
  std::vector<uint64_t> allow_numbers;
  std::vector<std::string> allow_prefixes;  // E.164 digits with '+'
  // Minimum event time between two updates of one finding sent to the sink.
  int update_interval_s = 60;

  // Checks ranges; InvalidArgument naming the field.
  Status Validate() const;
};

struct EngineStats {
  uint64_t events = 0;
  uint64_t joined = 0;           // CDRs whose attempt was already counted
  uint64_t unknown_callers = 0;  // caller 0 (not a possible number)
  uint64_t findings = 0;         // raised (not updates)
  uint64_t dropped = 0;          // events not counted for a number: the table was full
  std::size_t active_numbers = 0;
  std::size_t active_imeis = 0;
};

class Engine : public events::CallEventSink {
 public:
  // `plan` classifies callers (spoofing); it and `sink` must outlive the engine.
  // `sink` may be null (findings are only counted).
  Engine(const NumberPlan& plan, EngineConfig config, FindingSink* sink);
  ~Engine() override;
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Processes one event. Events should come roughly in time order; one older
  // than its number's last event counts as if it happened then.
  void Process(const events::CallEvent& event);
  // A batch, in order, with the same result as one by one but faster (the
  // memory of later events is loaded while earlier ones are processed).
  void Process(std::span<const events::CallEvent> events);
  // The same, serialised by a lock (for the server's producers).
  void Publish(const events::CallEvent& event) override;

  // Sends the pending updates of active findings to the sink (end of a replay).
  void FlushUpdates();

  // Replaces the thresholds (SIGHUP); windows and findings are kept.
  Status Reconfigure(EngineConfig config);

  // What the screening pipeline asks at set-up, from memory and without
  // allocating: the detectors with an active finding on the number (bit per
  // Detector), the highest severity among them and the detector that has it
  // (ties go to the more harmful: bombing, one-ring, spoofing, SIM box,
  // robocall, marketing). Thread-safe (takes the lock).
  struct Live {
    uint8_t detectors = 0;
    uint8_t severity = 0;  // 0 when none
    Detector strongest = Detector::kMarketing;
    bool any() const { return detectors != 0; }
    bool has(Detector d) const { return (detectors >> static_cast<unsigned>(d)) & 1u; }
  };
  Live LiveFindings(uint64_t number) const;
  // True when `caller` is named in an active call-bombing finding on `callee`
  // (or has one naming `callee`). Thread-safe.
  bool BombingCaller(uint64_t caller, uint64_t callee) const;

  EngineStats stats() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace quell::detect
