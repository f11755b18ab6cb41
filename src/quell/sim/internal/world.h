// World: what every traffic source of a simulation shares — the parameters,
// the numbering, the clock of the simulated period, the allocators that hand
// out campaign numbers (never twice), routing (trunk and attestation of a
// caller), and the call outcomes common to several sources.
//
// Source: one stream of calls in time order (an ordinary population, one
// high-volume caller, one campaign). The simulator merges sources by their
// next call's time.
//
// Not thread-safe: a simulation runs on one thread.
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "quell/sim/internal/cdr_writer.h"
#include "quell/sim/internal/numbering.h"
#include "quell/sim/internal/rng.h"
#include "quell/sim/scenario.h"

namespace quell::sim::internal {

inline constexpr int64_t kNever = std::numeric_limits<int64_t>::max();
inline constexpr int64_t kHourMs = 3'600'000;

enum class Role : uint8_t { kCaller, kVictim };

struct TruthEntry {
  Number number;
  Role role = Role::kCaller;
  std::string_view variant;
  int64_t calls = 0;  // calls placed (caller) or received from the campaign (victim)
};

// The ground truth of one campaign (or legitimate caller group).
struct Campaign {
  Kind kind = Kind::kMarketing;
  int index = 0;  // 1-based within its kind
  std::vector<TruthEntry> entries;
  int64_t calls = 0;

  std::size_t Add(const Number& n, Role role, std::string_view variant) {
    entries.push_back({.number = n, .role = role, .variant = variant});
    return entries.size() - 1;
  }
};

class Source {
 public:
  virtual ~Source() = default;
  // Time of the next call (Unix ms), kNever when the source is done.
  int64_t next_ms() const { return next_ms_; }
  // Fills `row` with the call at next_ms() and moves on to the following one.
  virtual void Emit(CallRow* row) = 0;

 protected:
  int64_t next_ms_ = kNever;
};

class World {
 public:
  World(const ScenarioParams& params, int64_t offnet_people);

  const ScenarioParams& params() const { return params_; }
  const Numbering& numbering() const { return numbering_; }
  uint64_t seed() const { return params_.seed; }
  int64_t start_ms() const { return start_ms_; }
  int64_t end_ms() const { return end_ms_; }
  int64_t offnet_people() const { return offnet_people_; }

  // Local time of the diurnal profiles.
  double LocalHour(int64_t ms) const;  // [0, 24)
  bool Weekend(int64_t ms) const;
  bool InWindow(const HourWindow& w, int64_t ms) const;
  // A start time in [start, latest) — latest clipped to the period — drawn
  // with weight 1 inside `w` and w.outside_weight outside.
  int64_t SampleStart(Rng& rng, const HourWindow& w, int64_t latest_ms) const;

  int64_t RandomSubscriber(Rng& rng) const;

  // A uniform draw in [0, 1) for campaign `index` (1-based) of `kind`,
  // stratified over the kind's `count` campaigns: each campaign gets its own
  // 1/count slice (in shuffled order), so a variant with share s is given to
  // ~s * count campaigns even when count is small.
  double Stratified(Kind kind, int index, int count, Rng& rng);

  // Numbers for campaigns and legitimate callers, each handed out once.
  Number NewOtherMobile();
  Number NewMvno();
  Number NewLandline();
  Number NewHomeExtra();
  uint64_t NewSimImsi();
  Number NewForeign(Rng& rng, const ForeignRange* ranges, std::size_t count);
  Number NewUnallocated(Rng& rng);
  // A subscriber no other campaign has taken (as victim or spoofed number).
  int64_t ClaimSubscriber(Rng& rng);
  // Records a number as taken; false if it already was.
  bool Claim(uint64_t e164) { return claimed_.insert(e164).second; }

  // Trunk, attestation and verstat of a call from `caller` as its own network
  // would deliver it: home-network numbers on core trunks (A, passed), other
  // domestic carriers on interconnects (signed or not, some on a legacy path
  // that reports nothing), foreign numbers on international gateways.
  void Route(const Number& caller, CallRow* row) const;
  void RouteInternational(uint64_t hash, CallRow* row) const;

  // Call outcomes with the ordinary population's unanswered mix.
  void Answer(double talk_s, double ring_s, CallRow* row) const;
  void NoAnswer(Rng& rng, CallRow* row) const;

 private:
  const ScenarioParams& params_;
  Numbering numbering_;
  int64_t start_ms_;
  int64_t end_ms_;
  int64_t offset_ms_;
  int64_t offnet_people_;
  uint64_t next_other_, next_landline_, next_mvno_, next_extra_ = 0, next_sim_ = 0;
  std::unordered_set<uint64_t> claimed_;
  std::array<std::vector<uint32_t>, kKindCount> slots_;
};

// Call times of a campaign: a Poisson process of the given mean gap from
// `start`, until `end` or `count` calls, whichever comes first. The first
// call is at `start`, so a campaign that starts inside the period calls.
class Schedule {
 public:
  Schedule() = default;
  Schedule(int64_t start_ms, int64_t end_ms, double mean_gap_ms, int64_t count = kNever)
      : t_(static_cast<double>(start_ms)), end_(end_ms), gap_(mean_gap_ms), left_(count) {}
  // The first call's time, or kNever.
  int64_t First() const { return left_ > 0 && t_ < end_ ? static_cast<int64_t>(t_) : kNever; }
  // The next call's time after the current one, or kNever.
  int64_t Next(Rng& rng) {
    --left_;
    t_ += rng.Exponential(gap_);
    return First();
  }

 private:
  double t_ = 0;
  int64_t end_ = 0;
  double gap_ = 1;
  int64_t left_ = 0;
};

// Milliseconds from seconds, clamped to uint32.
uint32_t ToMs(double seconds);

// Clamped uniform integer from a Range (at least `min`).
int64_t DrawCount(Rng& rng, const Range& r, int64_t min = 1);

}  // namespace quell::sim::internal
