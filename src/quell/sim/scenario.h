// ScenarioParams: everything that shapes a simulated day of calls — the size of
// the network, the ordinary subscribers, the legitimate high-volume callers and
// bursts, and the nuisance campaigns of each kind — in one struct with
// documented defaults. docs/simulation.md gives the published source behind
// each default (from ../shared/references/detection.md); where none exists the
// value is marked there as an assumption.
//
// Perturb() scales every model parameter by its own factor drawn uniformly
// from [1 - F, 1 + F] (seeded by `seed`), so an evaluation can run on worlds
// that differ from the one the detectors were tuned on. The scenario's size
// (subscribers, hours, start, counts of campaigns and callers) and clock
// positions (hours of the day) are not perturbed.
//
// Thread-safety: plain values; the functions are pure.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>

#include "quell/core/status.h"

namespace quell::sim {

// What a number in the truth file takes part in.
enum class Kind : uint8_t {
  kMarketing,
  kRobocall,
  kRobocallRotating,
  kBombing,
  kOneRing,
  kSimBox,
  kSpoofing,
  kLegitHighVolume,
  kLegitBurst,
};
inline constexpr std::size_t kKindCount = 9;
inline constexpr std::size_t kNuisanceKindCount = 7;  // the kinds before kLegitHighVolume
// "marketing", "robocall", "robocall_rotating", "bombing", "one_ring", "simbox",
// "spoofing", "legit_hv", "legit_burst".
std::string_view Name(Kind k);
std::optional<Kind> ParseKind(std::string_view name);
inline bool IsNuisance(Kind k) { return k < Kind::kLegitHighVolume; }

// A value drawn uniformly from [lo, hi] (integers round to nearest).
struct Range {
  double lo = 0;
  double hi = 0;
};

// A log-normal value: exp(N(ln median, sigma^2)). Mean = median * exp(sigma^2 / 2).
struct LogNormal {
  double median = 0;
  double sigma = 0;
};

// Local hours of the day [from, to) when something happens (not perturbed);
// outside them it happens at `outside_weight` of the rate inside.
struct HourWindow {
  int from = 0;
  int to = 24;
  double outside_weight = 1;
};

struct OrdinaryParams {
  double calls_per_day = 4.0;    // calls a person places on a weekday (mean)
  double rate_sigma = 0.8;       // log-normal spread of people's rates: a heavy tail
  double weekend_factor = 0.85;  // weekend rate / weekday rate
  // Relative call rate by local hour (normalised to mean 1; linear in between):
  // quiet at night, peaks late morning and evening; the weekend starts later.
  std::array<double, 24> weekday_profile = {0.15, 0.08, 0.05, 0.04, 0.04, 0.08, 0.25, 0.6,
                                            1.0,  1.4,  1.6,  1.6,  1.3,  1.1,  1.3,  1.4,
                                            1.4,  1.3,  1.3,  1.5,  1.6,  1.4,  0.9,  0.4};
  std::array<double, 24> weekend_profile = {0.25, 0.12, 0.06, 0.04, 0.04, 0.05, 0.12, 0.3,
                                            0.6,  1.0,  1.3,  1.4,  1.3,  1.2,  1.2,  1.2,
                                            1.2,  1.3,  1.4,  1.5,  1.6,  1.4,  1.0,  0.5};
  double offnet_people = 0.25;  // people on other networks who call subscribers, per subscriber
  double offnet_landline_share = 0.4;  // of them, calling from landlines
  double offnet_foreign_share = 0.01;  // of them, calling from abroad (legit international)
  double offnet_mvno_share = 0.03;     // of their mobiles, virtual-operator (170/171) numbers
  double roaming_share =
      0.003;                   // subscriber calls placed while abroad (domestic number, intl trunk)
  double travel_share = 0.02;  // subscriber calls from a cell in another province
  double mobility = 0.2;       // calls from a cell other than the home/work cell
  double contacts = 20;        // size of a person's contact set (Zipf-weighted)
  double contact_share = 0.85;  // calls to the contact set; the rest to anyone
  double answer_rate = 0.75;
  double busy_share = 0.2;        // of unanswered calls: busy (cause 17)
  double abandon_share = 0.35;    // of unanswered calls: caller gives up (cause 16); rest cause 19
  LogNormal talk_s = {100, 1.2};  // answered duration: median 100 s, mean ~205 s
  LogNormal ring_s = {6, 0.5};    // alerting before answer
  Range no_answer_ring_s = {25, 45};
  Range abandon_ring_s = {1, 25};
};

// One type of legitimate high-volume caller.
struct HighVolumeType {
  double share = 0;  // of the high-volume callers
  double answer_rate = 0;
  LogNormal talk_s;
};

struct HighVolumeParams {
  HighVolumeType courier = {.share = 0.4, .answer_rate = 0.8, .talk_s = {40, 0.7}};
  HighVolumeType hospital = {.share = 0.15, .answer_rate = 0.75, .talk_s = {90, 0.7}};
  HighVolumeType bank_callback = {.share = 0.2, .answer_rate = 0.65, .talk_s = {120, 0.7}};
  HighVolumeType service_centre = {.share = 0.25, .answer_rate = 0.7, .talk_s = {150, 0.7}};
  LogNormal calls_per_day = {250, 0.5};  // hundreds a day
  double weekend_factor = 0.6;
  double repeat_share = 0.1;  // calls to a callee of the last few calls (a call-back)
  HourWindow hours = {8, 21, 0.02};
};

struct BurstParams {  // a school or utility alerting everyone at once
  Range numbers = {1, 3};
  Range callees = {300, 3000};
  Range window_min = {5, 20};
  double answer_rate = 0.8;
  LogNormal talk_s = {20, 0.4};
  HourWindow hours = {8, 20, 0.02};
};

// How a nuisance call that gets answered is talked (robocall family).
struct RobocallTalk {
  double answer_rate = 0.15;
  double silent_share = 0.6;  // answered calls with practically no audio
  Range silent_talk_s = {0.5, 6};
  LogNormal message_talk_s = {20, 0.45};  // the recorded message
  LogNormal mimicry_talk_s = {150, 0.6};  // talk-time mimicry: conversational durations
};

struct MarketingParams {
  Range numbers = {1, 5};
  Range calls_per_hour = {40, 150};  // per number
  Range duration_h = {1, 6};
  double answer_rate = 0.25;
  LogNormal talk_s = {20, 0.9};
  double landline_share = 0.3;  // numbers that are landlines (the rest mobile, often 170/171)
  double mvno_share = 0.5;      // of mobile numbers, virtual-operator 170/171 ranges
  double sequential_share = 0.3;
  double low_and_slow_share = 0.15;
  Range low_and_slow_calls_per_hour = {2, 6};
  Range low_and_slow_duration_h = {8, 24};
  HourWindow hours = {9, 21, 0.03};
};

struct RobocallParams {
  Range numbers = {1, 3};
  Range calls_per_hour = {200, 600};  // per number
  Range duration_h = {0.5, 3};
  RobocallTalk talk;
  double mimicry_share = 0.15;
  HourWindow hours = {8, 21, 0.1};
};

struct RotatingParams {
  Range calls_per_hour = {60, 300};  // per campaign, over all its caller IDs
  Range duration_h = {1, 6};
  LogNormal calls_per_id = {11, 0.5};  // mean ~12.5 (~13 with reuse), 95 % < 27
  double reuse_share = 0.05;           // calls that go back to an earlier caller ID
  double neighbour_share = 0.06;       // caller IDs in the callee's own number block
  RobocallTalk talk;
  HourWindow hours = {8, 21, 0.1};
};

struct BombingParams {
  Range callers = {1, 6};
  LogNormal attempts = {60, 0.6};
  double min_attempts = 20;
  Range window_min = {3, 15};
  double answer_rate = 0.1;
  Range talk_s = {1, 10};
  double busy_share = 0.5;  // of unanswered attempts: the victim rejects (17)
  Range ring_s = {2, 8};
  HourWindow hours = {0, 24, 1};
};

struct OneRingParams {
  Range numbers = {1, 4};
  Range calls_per_hour = {100, 300};  // per number
  Range duration_h = {0.5, 3};
  Range ring_ms = {1000, 3000};
  double cause31_share = 0.4;   // release cause 31; the rest 16
  double domestic_share = 0.1;  // campaigns from domestic virtual-operator numbers
  double sequential_share = 0.3;
  double low_and_slow_share = 0.1;
  Range low_and_slow_calls_per_hour = {4, 12};
  Range low_and_slow_duration_h = {6, 24};
  HourWindow hours = {0, 24, 1};
};

struct SimBoxParams {
  Range imeis = {1, 3};
  Range sims_per_imei = {4, 16};
  Range calls_per_hour = {4, 10};  // per SIM
  Range duration_h = {6, 16};
  double answer_rate = 0.55;
  LogNormal talk_s = {50, 0.8};
  LogNormal ring_s = {7, 0.5};
  HourWindow hours = {0, 24, 1};
};

struct SpoofingParams {
  Range numbers = {2, 8};
  Range calls = {20, 150};  // per campaign
  Range duration_h = {0.5, 4};
  double answer_rate = 0.45;
  LogNormal talk_s = {60, 1.0};
  double subscriber_share = 0.3;  // numbers taken from real subscribers (not the first)
  // Weights of the techniques: invalid/unallocated caller, domestic mobile on an
  // international trunk, one number in two distant cells, failed verification.
  std::array<double, 4> technique_weights = {1, 1, 1, 1};
  HourWindow hours = {8, 22, 0.2};
};

struct AttestationParams {
  double signed_share = 0.8;  // domestic interconnect numbers whose carrier signs (SHAKEN)
  double legacy_share = 0.1;  // interconnect numbers on a legacy path that reports neither
};

struct ScenarioParams {
  // The scenario's size (not perturbed).
  int64_t subscribers = 1'000'000;
  double hours = 24;
  int64_t start_unix_ms = 1'793'548'800'000;  // 2026-11-02T00:00:00+08:00
  int utc_offset_minutes = 480;               // local time of the diurnal profiles (from --start)
  uint64_t seed = 1;
  int campaigns_per_kind = 200;  // of each nuisance kind
  int hv_callers = 1000;
  int legit_bursts = 20;

  OrdinaryParams ordinary;
  HighVolumeParams high_volume;
  BurstParams burst;
  MarketingParams marketing;
  RobocallParams robocall;
  RotatingParams rotating;
  BombingParams bombing;
  OneRingParams one_ring;
  SimBoxParams simbox;
  SpoofingParams spoofing;
  AttestationParams attestation;
};

// Sets start_unix_ms and utc_offset_minutes from an RFC 3339 time with a
// numeric offset or Z ("2026-11-02T00:00:00+08:00"). InvalidArgument otherwise.
Status SetStart(std::string_view rfc3339, ScenarioParams* params);

// Calls `visit` with the dotted name ("marketing.answer_rate",
// "ordinary.weekday_profile.10") and a reference to every model parameter,
// in a fixed order. Size and clock positions are not visited.
void ForEachParameter(ScenarioParams& params,
                      const std::function<void(std::string_view name, double& value)>& visit);

// A copy of `params` with every visited parameter multiplied by a factor drawn
// uniformly from [1 - spread, 1 + spread], using params.seed; shares are then
// capped at 1 and ranges kept ordered. spread in [0, 0.5].
Result<ScenarioParams> Perturb(const ScenarioParams& params, double spread);

// InvalidArgument naming the first parameter out of its domain.
Status Validate(const ScenarioParams& params);

}  // namespace quell::sim
