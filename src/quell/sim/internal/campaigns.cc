// Nuisance campaigns: marketing, robocall, robocall_rotating, bombing,
// one_ring, simbox and spoofing. docs/simulation.md gives each shape's source.
#include <algorithm>
#include <cmath>
#include <vector>

#include "quell/sim/internal/sources.h"

namespace quell::sim::internal {
namespace {

constexpr int kProvinceCells = 200'000;

// Sequential dialling: the home network's subscribers in ascending number
// order through a block, then on to another block.
class Sweep {
 public:
  void Start(Rng& rng, const Numbering& n) {
    block_ = static_cast<int64_t>(rng.Below(static_cast<uint64_t>(n.subscriber_blocks())));
    line_ = static_cast<int>(rng.Below(Numbering::kBlockSize));
  }
  int64_t Next(Rng& rng, const Numbering& n) {
    for (;;) {
      if (++line_ >= Numbering::kBlockSize) Start(rng, n), line_ = 0;
      const int64_t s = n.SubscriberAt(block_, line_);
      if (s >= 0) return s;
    }
  }

 private:
  int64_t block_ = 0;
  int line_ = 0;
};

class CampaignSource : public Source {
 protected:
  CampaignSource(World& world, Campaign* truth)
      : w_(world), truth_(truth), rng_(StreamSeed(world.seed(), truth->kind, truth->index)) {}

  // Starts the schedule: `per_hour` calls an hour for `hours` from a start in `window`.
  void Run(const HourWindow& window, double per_hour, double hours, int64_t count = kNever) {
    const int64_t start = w_.SampleStart(rng_, window, w_.end_ms());
    const int64_t end = start + static_cast<int64_t>(hours * kHourMs);
    schedule_ =
        Schedule(start, std::min(end, w_.end_ms()), kHourMs / std::max(per_hour, 1e-6), count);
    next_ms_ = schedule_.First();
  }
  // Fills the caller side from entry `i` routed as its network would, and counts the call.
  TruthEntry& Caller(std::size_t i, CallRow* row) {
    TruthEntry& e = truth_->entries[i];
    row->time_ms = next_ms_;
    row->caller = e.number;
    row->imsi = row->imei = row->cell_id = 0;
    w_.Route(e.number, row);
    ++e.calls;
    ++truth_->calls;
    return e;
  }
  std::size_t AnyCaller() { return rng_.Below(callers_); }
  void Done(CallRow* row) {
    row->format_draw = rng_.Next();
    next_ms_ = schedule_.Next(rng_);
  }
  void Outcome(double answer_rate, const LogNormal& talk, CallRow* row) {
    if (rng_.Chance(answer_rate)) {
      w_.Answer(rng_.LogNormal(talk.median, talk.sigma), rng_.LogNormal(8, 0.5), row);
    } else {
      w_.NoAnswer(rng_, row);
    }
  }
  void RobocallOutcome(const RobocallTalk& t, bool mimicry, CallRow* row) {
    if (!rng_.Chance(t.answer_rate)) return w_.NoAnswer(rng_, row);
    double talk;
    if (mimicry) {
      talk = rng_.LogNormal(t.mimicry_talk_s.median, t.mimicry_talk_s.sigma);
    } else if (rng_.Chance(t.silent_share)) {
      talk = rng_.Uniform(t.silent_talk_s.lo, t.silent_talk_s.hi);
    } else {
      talk = rng_.LogNormal(t.message_talk_s.median, t.message_talk_s.sigma);
    }
    w_.Answer(talk, rng_.LogNormal(5, 0.5), row);
  }
  Number RandomSubscriberNumber() { return w_.numbering().Subscriber(w_.RandomSubscriber(rng_)); }

  World& w_;
  Campaign* truth_;
  Rng rng_;
  Schedule schedule_;
  std::size_t callers_ = 0;  // entries [0, callers_) place the calls
};

class MarketingSource final : public CampaignSource {
 public:
  MarketingSource(World& world, Campaign* truth) : CampaignSource(world, truth) {
    const MarketingParams& m = w_.params().marketing;
    const double u =
        w_.Stratified(truth_->kind, truth_->index, w_.params().campaigns_per_kind, rng_);
    const bool slow = u < m.low_and_slow_share;
    sequential_ = !slow && u < m.low_and_slow_share + m.sequential_share;
    const std::string_view variant = slow ? "low_and_slow" : sequential_ ? "sequential" : "";
    callers_ = static_cast<std::size_t>(DrawCount(rng_, m.numbers));
    for (std::size_t i = 0; i < callers_; ++i) {
      const Number n = rng_.Chance(m.landline_share) ? w_.NewLandline()
                       : rng_.Chance(m.mvno_share)   ? w_.NewMvno()
                                                     : w_.NewOtherMobile();
      truth_->Add(n, Role::kCaller, variant);
    }
    if (sequential_) sweep_.Start(rng_, w_.numbering());
    const Range& rate = slow ? m.low_and_slow_calls_per_hour : m.calls_per_hour;
    const Range& hours = slow ? m.low_and_slow_duration_h : m.duration_h;
    Run(m.hours, rng_.Uniform(rate.lo, rate.hi) * static_cast<double>(callers_),
        rng_.Uniform(hours.lo, hours.hi));
  }

  void Emit(CallRow* row) override {
    const MarketingParams& m = w_.params().marketing;
    Caller(AnyCaller(), row);
    row->callee = sequential_ ? w_.numbering().Subscriber(sweep_.Next(rng_, w_.numbering()))
                              : RandomSubscriberNumber();
    Outcome(m.answer_rate, m.talk_s, row);
    Done(row);
  }

 private:
  bool sequential_ = false;
  Sweep sweep_;
};

class RobocallSource final : public CampaignSource {
 public:
  RobocallSource(World& world, Campaign* truth) : CampaignSource(world, truth) {
    const RobocallParams& r = w_.params().robocall;
    mimicry_ = w_.Stratified(truth_->kind, truth_->index, w_.params().campaigns_per_kind, rng_) <
               r.mimicry_share;
    callers_ = static_cast<std::size_t>(DrawCount(rng_, r.numbers));
    for (std::size_t i = 0; i < callers_; ++i) {
      truth_->Add(rng_.Chance(0.5) ? w_.NewLandline() : w_.NewOtherMobile(), Role::kCaller,
                  mimicry_ ? "mimicry" : "");
    }
    Run(r.hours,
        rng_.Uniform(r.calls_per_hour.lo, r.calls_per_hour.hi) * static_cast<double>(callers_),
        rng_.Uniform(r.duration_h.lo, r.duration_h.hi));
  }

  void Emit(CallRow* row) override {
    Caller(AnyCaller(), row);
    // An auto-dialler platform behind a gateway: its carrier attests C at best.
    if (row->attest != events::Attest::kNone) row->attest = events::Attest::kC;
    row->callee = RandomSubscriberNumber();
    RobocallOutcome(w_.params().robocall.talk, mimicry_, row);
    Done(row);
  }

 private:
  bool mimicry_ = false;
};

// Caller-ID rotation: each caller ID places a few calls (log-normal, mean ~13)
// and is dropped for a fresh one; a few calls go back to an earlier ID.
class RotatingSource final : public CampaignSource {
 public:
  RotatingSource(World& world, Campaign* truth) : CampaignSource(world, truth) {
    const RotatingParams& r = w_.params().rotating;
    Run(r.hours, rng_.Uniform(r.calls_per_hour.lo, r.calls_per_hour.hi),
        rng_.Uniform(r.duration_h.lo, r.duration_h.hi));
  }

  void Emit(CallRow* row) override {
    const RotatingParams& r = w_.params().rotating;
    const int64_t callee = w_.RandomSubscriber(rng_);
    std::size_t i;
    if (truth_->entries.size() > 1 && rng_.Chance(r.reuse_share)) {
      i = rng_.Below(truth_->entries.size());
    } else {
      if (left_ <= 0) NewCallerId(callee);
      i = truth_->entries.size() - 1;
      --left_;
    }
    Caller(i, row);
    if (neighbour_[i]) {
      // Spoofed into the callee's own block: no carrier vouches for it.
      row->trunk = "ic-ct-1";
      row->attest = events::Attest::kNone;
      row->verstat = events::Verstat::kNoValidation;
    }
    row->callee = w_.numbering().Subscriber(callee);
    RobocallOutcome(r.talk, false, row);
    Done(row);
  }

 private:
  void NewCallerId(int64_t callee) {
    const RotatingParams& r = w_.params().rotating;
    Number n;
    bool neighbour = false;
    if (rng_.Chance(r.neighbour_share)) {
      int64_t block;
      int line;
      w_.numbering().Locate(callee, &block, &line);
      for (int attempt = 0; attempt < 100 && !neighbour; ++attempt) {
        line = static_cast<int>(rng_.Below(Numbering::kBlockSize));
        if (w_.numbering().SubscriberAt(block, line) >= 0) continue;
        n = w_.numbering().BlockNumber(block, line);
        neighbour = w_.Claim(n.e164);
      }
    }
    if (!neighbour) n = w_.NewOtherMobile();
    truth_->Add(n, Role::kCaller, "rotation");
    neighbour_.push_back(neighbour);
    left_ = std::max<int64_t>(
        1, std::llround(rng_.LogNormal(r.calls_per_id.median, r.calls_per_id.sigma)));
  }

  int64_t left_ = 0;
  std::vector<bool> neighbour_;
};

class BombingSource final : public CampaignSource {
 public:
  BombingSource(World& world, Campaign* truth) : CampaignSource(world, truth) {
    const BombingParams& b = w_.params().bombing;
    callers_ = static_cast<std::size_t>(DrawCount(rng_, b.callers));
    const std::string_view variant = callers_ > 1 ? "distributed" : "";
    for (std::size_t i = 0; i < callers_; ++i) {
      const double u = rng_.Uniform();
      truth_->Add(u < 0.4   ? w_.NewOtherMobile()
                  : u < 0.7 ? w_.NewMvno()
                            : w_.NewLandline(),
                  Role::kCaller, variant);
    }
    truth_->Add(w_.numbering().Subscriber(w_.ClaimSubscriber(rng_)), Role::kVictim, variant);
    const int64_t attempts =
        std::max(std::llround(b.min_attempts),
                 std::llround(rng_.LogNormal(b.attempts.median, b.attempts.sigma)));
    const double window_ms = rng_.Uniform(b.window_min.lo, b.window_min.hi) * 60'000;
    const int64_t start =
        w_.SampleStart(rng_, b.hours, w_.end_ms() - static_cast<int64_t>(window_ms));
    schedule_ = Schedule(start, w_.end_ms(), window_ms / static_cast<double>(attempts), attempts);
    next_ms_ = schedule_.First();
  }

  void Emit(CallRow* row) override {
    const BombingParams& b = w_.params().bombing;
    Caller(AnyCaller(), row);
    TruthEntry& victim = truth_->entries[callers_];
    row->callee = victim.number;
    ++victim.calls;
    if (rng_.Chance(b.answer_rate)) {
      w_.Answer(rng_.Uniform(b.talk_s.lo, b.talk_s.hi), rng_.Uniform(1, 4), row);
    } else {
      row->answered = false;
      row->talk_ms = 0;
      if (rng_.Chance(b.busy_share)) {  // the victim rejects it
        row->release_cause = 17;
        row->ring_ms = ToMs(rng_.Uniform(0.5, 3));
      } else {  // the bomber hangs up to dial again
        row->release_cause = 16;
        row->ring_ms = ToMs(rng_.Uniform(b.ring_s.lo, b.ring_s.hi));
      }
    }
    Done(row);
  }
};

class OneRingSource final : public CampaignSource {
 public:
  OneRingSource(World& world, Campaign* truth) : CampaignSource(world, truth) {
    const OneRingParams& o = w_.params().one_ring;
    const double u =
        w_.Stratified(truth_->kind, truth_->index, w_.params().campaigns_per_kind, rng_);
    const bool slow = u < o.low_and_slow_share;
    domestic_ = !slow && u < o.low_and_slow_share + o.domestic_share;
    sequential_ =
        !slow && !domestic_ && u < o.low_and_slow_share + o.domestic_share + o.sequential_share;
    const std::string_view variant = slow          ? "low_and_slow"
                                     : domestic_   ? "domestic"
                                     : sequential_ ? "sequential"
                                                   : "";
    callers_ = static_cast<std::size_t>(DrawCount(rng_, o.numbers));
    for (std::size_t i = 0; i < callers_; ++i) {
      truth_->Add(domestic_ ? w_.NewMvno() : w_.NewForeign(rng_, kIrsfForeign, kIrsfForeignCount),
                  Role::kCaller, variant);
    }
    gateway_ = rng_.Next();
    if (sequential_) sweep_.Start(rng_, w_.numbering());
    const Range& rate = slow ? o.low_and_slow_calls_per_hour : o.calls_per_hour;
    const Range& hours = slow ? o.low_and_slow_duration_h : o.duration_h;
    Run(o.hours, rng_.Uniform(rate.lo, rate.hi) * static_cast<double>(callers_),
        rng_.Uniform(hours.lo, hours.hi));
  }

  void Emit(CallRow* row) override {
    const OneRingParams& o = w_.params().one_ring;
    Caller(AnyCaller(), row);
    if (!domestic_) w_.RouteInternational(gateway_, row);
    row->callee = sequential_ ? w_.numbering().Subscriber(sweep_.Next(rng_, w_.numbering()))
                              : RandomSubscriberNumber();
    // Rings once or twice and the caller releases before anyone can answer.
    row->answered = false;
    row->talk_ms = 0;
    row->ring_ms = ToMs(rng_.Uniform(o.ring_ms.lo, o.ring_ms.hi) / 1000);
    row->release_cause = rng_.Chance(o.cause31_share) ? 31 : 16;
    Done(row);
  }

 private:
  bool sequential_ = false;
  bool domestic_ = false;
  uint64_t gateway_ = 0;
  Sweep sweep_;
};

class SimBoxSource final : public CampaignSource {
 public:
  SimBoxSource(World& world, Campaign* truth) : CampaignSource(world, truth) {
    const SimBoxParams& s = w_.params().simbox;
    const int64_t imeis = DrawCount(rng_, s.imeis);
    for (int64_t i = 0; i < imeis; ++i) {
      const uint64_t imei = Numbering::Imei(rng_.Next());
      const int64_t sims = DrawCount(rng_, s.sims_per_imei);
      for (int64_t j = 0; j < sims; ++j) {
        truth_->Add(w_.NewHomeExtra(), Role::kCaller, "");
        sims_.push_back({.imsi = w_.NewSimImsi(), .imei = imei});
      }
    }
    callers_ = sims_.size();
    cell_ = Numbering::Cell(Numbering::kHomeProvince, rng_.Below(kProvinceCells));
    Run(s.hours,
        rng_.Uniform(s.calls_per_hour.lo, s.calls_per_hour.hi) * static_cast<double>(callers_),
        rng_.Uniform(s.duration_h.lo, s.duration_h.hi));
  }

  void Emit(CallRow* row) override {
    const SimBoxParams& s = w_.params().simbox;
    const std::size_t i = AnyCaller();
    Caller(i, row);
    row->imsi = sims_[i].imsi;
    row->imei = sims_[i].imei;
    row->cell_id = cell_;
    row->callee = RandomSubscriberNumber();
    if (rng_.Chance(s.answer_rate)) {
      w_.Answer(rng_.LogNormal(s.talk_s.median, s.talk_s.sigma),
                rng_.LogNormal(s.ring_s.median, s.ring_s.sigma), row);
    } else {
      w_.NoAnswer(rng_, row);
    }
    Done(row);
  }

 private:
  struct Sim {
    uint64_t imsi, imei;
  };
  std::vector<Sim> sims_;
  uint64_t cell_ = 0;
};

enum class Technique { kInvalidCli, kInternationalDomestic, kTwoCells, kFailedVerstat };
constexpr std::string_view kTechniqueNames[] = {"invalid_cli", "international_domestic",
                                                "two_cells", "failed_verstat"};

class SpoofingSource final : public CampaignSource {
 public:
  SpoofingSource(World& world, Campaign* truth) : CampaignSource(world, truth) {
    const SpoofingParams& s = w_.params().spoofing;
    double total = 0;
    for (double v : s.technique_weights) total += v;
    double u =
        w_.Stratified(truth_->kind, truth_->index, w_.params().campaigns_per_kind, rng_) * total;
    std::size_t t = 0;
    while (t + 1 < s.technique_weights.size() && u >= s.technique_weights[t]) {
      u -= s.technique_weights[t++];
    }
    technique_ = static_cast<Technique>(t);
    callers_ = static_cast<std::size_t>(DrawCount(rng_, s.numbers));
    for (std::size_t i = 0; i < callers_; ++i) {
      Side side;
      if (technique_ == Technique::kInvalidCli) {
        truth_->Add(w_.NewUnallocated(rng_), Role::kCaller, kTechniqueNames[t]);
      } else if (i > 0 && rng_.Chance(s.subscriber_share)) {
        const int64_t sub = w_.ClaimSubscriber(rng_);
        truth_->Add(w_.numbering().Subscriber(sub), Role::kCaller, "spoofed_subscriber");
        side.cell[0] = w_.numbering().SubscriberHomeCell(sub);
      } else {
        truth_->Add(w_.NewOtherMobile(), Role::kCaller, kTechniqueNames[t]);
      }
      if (side.cell[0] == 0) {
        side.cell[0] = Numbering::Cell(Numbering::kHomeProvince, rng_.Below(kProvinceCells));
      }
      side.cell[1] =
          Numbering::Cell(Numbering::OtherProvince(rng_.Next()), rng_.Below(kProvinceCells));
      for (int k = 0; k < 2; ++k) {
        side.imsi[k] = w_.NewSimImsi();
        side.imei[k] = Numbering::Imei(rng_.Next());
      }
      sides_.push_back(side);
    }
    route_ = rng_.Next();
    const int64_t calls = DrawCount(rng_, s.calls);
    const double hours = rng_.Uniform(s.duration_h.lo, s.duration_h.hi);
    Run(s.hours, static_cast<double>(calls) / hours, hours, calls);
  }

  void Emit(CallRow* row) override {
    const SpoofingParams& s = w_.params().spoofing;
    const std::size_t i = AnyCaller();
    const TruthEntry& e = Caller(i, row);
    switch (technique_) {
      case Technique::kInvalidCli:
        break;  // routed as an unallocated number: an interconnect, unsigned
      case Technique::kInternationalDomestic:
        w_.RouteInternational(route_, row);
        break;
      case Technique::kTwoCells: {
        // The same number on the home network in two provinces within minutes.
        const int k = static_cast<int>(rng_.Below(2));
        row->trunk = "core-2";
        row->attest = events::Attest::kA;
        row->verstat = events::Verstat::kPassed;
        row->international = false;
        row->imsi = sides_[i].imsi[k];
        row->imei = sides_[i].imei[k];
        row->cell_id = sides_[i].cell[k];
        break;
      }
      case Technique::kFailedVerstat:
        // Claims a signing carrier's number; the signature does not verify.
        row->trunk = (route_ & 1) != 0 ? "ic-ct-1" : "ic-cu-1";
        row->international = false;
        row->attest = events::Attest::kA;
        row->verstat = events::Verstat::kFailed;
        break;
    }
    Number callee;
    do {
      callee = RandomSubscriberNumber();
    } while (callee == e.number);
    row->callee = callee;
    Outcome(s.answer_rate, s.talk_s, row);
    Done(row);
  }

 private:
  struct Side {
    uint64_t cell[2] = {0, 0};
    uint64_t imsi[2] = {0, 0};
    uint64_t imei[2] = {0, 0};
  };
  Technique technique_ = Technique::kInvalidCli;
  std::vector<Side> sides_;
  uint64_t route_ = 0;
};

}  // namespace

std::unique_ptr<Source> MakeCampaign(World& world, Campaign* truth) {
  switch (truth->kind) {
    case Kind::kMarketing:
      return std::make_unique<MarketingSource>(world, truth);
    case Kind::kRobocall:
      return std::make_unique<RobocallSource>(world, truth);
    case Kind::kRobocallRotating:
      return std::make_unique<RotatingSource>(world, truth);
    case Kind::kBombing:
      return std::make_unique<BombingSource>(world, truth);
    case Kind::kOneRing:
      return std::make_unique<OneRingSource>(world, truth);
    case Kind::kSimBox:
      return std::make_unique<SimBoxSource>(world, truth);
    case Kind::kSpoofing:
      return std::make_unique<SpoofingSource>(world, truth);
    case Kind::kLegitHighVolume:
      return MakeHighVolume(world, truth);
    case Kind::kLegitBurst:
      return MakeBurst(world, truth);
  }
  return nullptr;
}

}  // namespace quell::sim::internal
