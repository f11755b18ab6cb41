// Legitimate traffic: ordinary people, high-volume callers and alerting bursts.
#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

#include "quell/sim/internal/sources.h"

namespace quell::sim::internal {
namespace {

constexpr int64_t kDayMs = 24 * kHourMs;
constexpr int kProvinceCells = 200'000;

// A standard normal from a hash (Box-Muller on two hash-derived uniforms):
// a person's rate must not depend on the order anything else is drawn in.
double NormalFromHash(uint64_t h) {
  const double u1 = std::max(UnitFromHash(h), 1e-300);
  const double u2 = UnitFromHash(Mix(h));
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
}

class OrdinarySource final : public Source {
 public:
  explicit OrdinarySource(World& world)
      : w_(world),
        o_(world.params().ordinary),
        rng_(Mix(world.seed(), 0x6f7264ULL)),  // "ord"
        subscribers_(world.params().subscribers),
        people_(subscribers_ + world.offnet_people()) {
    BuildAlias();
    BuildProfiles();
    BuildContacts();
    t_ = static_cast<double>(w_.start_ms());
    Advance();
  }

  void Emit(CallRow* row) override {
    row->time_ms = next_ms_;
    const int64_t person = SamplePerson();
    const uint64_t seed = w_.seed();
    row->imsi = row->imei = row->cell_id = 0;
    if (person < subscribers_) {
      const Numbering& n = w_.numbering();
      row->caller = n.Subscriber(person);
      row->imsi = n.SubscriberImsi(person);
      if (rng_.Chance(o_.roaming_share)) {
        w_.RouteInternational(rng_.Next(), row);  // a subscriber calling home from abroad
      } else {
        w_.Route(row->caller, row);
        row->imei = n.SubscriberImei(person);
        row->cell_id = Cell(person);
      }
    } else {
      const uint64_t q = static_cast<uint64_t>(person - subscribers_);
      const double u = UnitFromHash(Mix(seed, q, 0x74797065ULL));  // "type"
      if (u < o_.offnet_foreign_share) {
        const uint64_t h = Mix(seed, q, 0x666f72ULL);
        row->caller = Numbering::Foreign(kLegitForeign[h % kLegitForeignCount], Mix(h));
      } else if (u < o_.offnet_foreign_share +
                         (1 - o_.offnet_foreign_share) * o_.offnet_landline_share) {
        row->caller = w_.numbering().Landline(q);
      } else if (UnitFromHash(Mix(seed, q, 0x6d766e6fULL)) < o_.offnet_mvno_share) {
        row->caller = w_.numbering().Mvno(q);
      } else {
        row->caller = w_.numbering().OtherMobile(q);
      }
      w_.Route(row->caller, row);
    }
    row->callee = w_.numbering().Subscriber(Callee(person));
    if (rng_.Chance(o_.answer_rate)) {
      w_.Answer(rng_.LogNormal(o_.talk_s.median, o_.talk_s.sigma),
                rng_.LogNormal(o_.ring_s.median, o_.ring_s.sigma), row);
    } else {
      w_.NoAnswer(rng_, row);
    }
    row->format_draw = rng_.Next();
    Advance();
  }

 private:
  // Vose's alias method over people's rates: O(1) per draw, 8 bytes a person
  // (prob_ holds the scaled weights while the table is built).
  void BuildAlias() {
    const auto n = static_cast<std::size_t>(people_);
    prob_.resize(n);
    alias_.resize(n);
    double total = 0;
    for (std::size_t p = 0; p < n; ++p) {
      const double w = std::exp(o_.rate_sigma * NormalFromHash(Mix(w_.seed(), p, 0x72617465ULL)));
      prob_[p] = static_cast<float>(w);
      total += prob_[p];
    }
    std::vector<uint32_t> small, large;
    for (std::size_t p = 0; p < n; ++p) {
      prob_[p] = static_cast<float>(prob_[p] * static_cast<double>(n) / total);
      alias_[p] = static_cast<uint32_t>(p);
      (prob_[p] < 1 ? small : large).push_back(static_cast<uint32_t>(p));
    }
    while (!small.empty() && !large.empty()) {
      const uint32_t s = small.back(), l = large.back();
      small.pop_back();
      alias_[s] = l;  // prob_[s] stays: the chance of keeping s
      prob_[l] -= 1 - prob_[s];
      if (prob_[l] < 1) {
        large.pop_back();
        small.push_back(l);
      }
    }
    for (uint32_t p : small) prob_[p] = 1;  // rounding leftovers
    for (uint32_t p : large) prob_[p] = 1;
  }

  int64_t SamplePerson() {
    const uint64_t p = rng_.Below(prob_.size());
    return rng_.Uniform() < prob_[p] ? static_cast<int64_t>(p) : alias_[p];
  }

  void BuildProfiles() {
    double wd = 0, we = 0;
    for (int h = 0; h < 24; ++h) wd += o_.weekday_profile[h], we += o_.weekend_profile[h];
    double top = 0;
    for (int h = 0; h < 24; ++h) {
      weekday_[h] = o_.weekday_profile[h] * 24 / wd;
      weekend_[h] = o_.weekend_profile[h] * 24 / we * o_.weekend_factor;
      top = std::max({top, weekday_[h], weekend_[h]});
    }
    weekday_[24] = weekday_[0];
    weekend_[24] = weekend_[0];
    base_per_ms_ = o_.calls_per_day * static_cast<double>(people_) / kDayMs;
    top_ = top;
  }

  double Profile(int64_t ms) const {
    const double h = w_.LocalHour(ms);
    const int i = std::min(static_cast<int>(h), 23);
    const double* p = w_.Weekend(ms) ? weekend_ : weekday_;
    return p[i] + (p[i + 1] - p[i]) * (h - i);
  }

  // Thinning: candidates at the peak rate, kept in proportion to the profile.
  void Advance() {
    const double mean_gap = 1.0 / (base_per_ms_ * top_);
    for (;;) {
      t_ += rng_.Exponential(mean_gap);
      if (t_ >= static_cast<double>(w_.end_ms())) {
        next_ms_ = kNever;
        return;
      }
      const auto ms = static_cast<int64_t>(t_);
      if (rng_.Uniform() * top_ < Profile(ms)) {
        next_ms_ = ms;
        return;
      }
    }
  }

  void BuildContacts() {
    const int k = std::max(1, static_cast<int>(std::lround(o_.contacts)));
    double total = 0;
    for (int i = 0; i < k; ++i) total += 1.0 / (i + 1);
    double acc = 0;
    for (int i = 0; i < k; ++i) contact_cdf_.push_back(acc += 1.0 / (i + 1) / total);
  }

  int64_t Callee(int64_t person) {
    int64_t callee;
    if (rng_.Chance(o_.contact_share)) {
      const double u = rng_.Uniform();
      const auto k = static_cast<uint64_t>(
          std::lower_bound(contact_cdf_.begin(), contact_cdf_.end(), u) - contact_cdf_.begin());
      callee = static_cast<int64_t>(Mix(w_.seed(), static_cast<uint64_t>(person), k + 0x636f6eULL) %
                                    static_cast<uint64_t>(subscribers_));
    } else {
      callee = w_.RandomSubscriber(rng_);
    }
    return callee == person ? (callee + 1) % subscribers_ : callee;
  }

  uint64_t Cell(int64_t person) {
    const Numbering& n = w_.numbering();
    const double u = rng_.Uniform();
    if (u < o_.travel_share) {
      const uint64_t trip = Mix(w_.seed(), static_cast<uint64_t>(person), 0x74726970ULL);
      return Numbering::Cell(Numbering::OtherProvince(trip), Mix(trip) % kProvinceCells);
    }
    if (u < o_.travel_share + o_.mobility) {
      return Numbering::Cell(Numbering::kHomeProvince, rng_.Below(kProvinceCells));
    }
    const double h = w_.LocalHour(next_ms_);
    const bool at_work = !w_.Weekend(next_ms_) && h >= 9 && h < 18;
    return at_work ? n.SubscriberWorkCell(person) : n.SubscriberHomeCell(person);
  }

  World& w_;
  const OrdinaryParams& o_;
  Rng rng_;
  int64_t subscribers_;
  int64_t people_;
  std::vector<float> prob_;
  std::vector<uint32_t> alias_;
  std::vector<double> contact_cdf_;
  double weekday_[25] = {}, weekend_[25] = {};
  double base_per_ms_ = 0, top_ = 1;
  double t_ = 0;
};

enum class HvType { kCourier, kHospital, kBankCallback, kServiceCentre };
constexpr std::string_view kHvVariants[] = {"courier", "hospital", "bank_callback",
                                            "service_centre"};

class HighVolumeSource final : public Source {
 public:
  HighVolumeSource(World& world, Campaign* truth)
      : w_(world),
        h_(world.params().high_volume),
        truth_(truth),
        rng_(StreamSeed(world.seed(), truth->kind, truth->index)) {
    const std::array<const HighVolumeType*, 4> types = {&h_.courier, &h_.hospital,
                                                        &h_.bank_callback, &h_.service_centre};
    double total = 0;
    for (const auto* t : types) total += t->share;
    double u = w_.Stratified(truth->kind, truth->index, w_.params().hv_callers, rng_) * total;
    std::size_t i = 0;
    while (i + 1 < types.size() && u >= types[i]->share) u -= types[i++]->share;
    type_ = static_cast<HvType>(i);
    spec_ = types[i];
    if (type_ == HvType::kCourier) {
      number_ = w_.NewHomeExtra();
      imsi_ = w_.NewSimImsi();
      imei_ = Numbering::Imei(rng_.Next());
    } else {
      number_ = w_.NewLandline();
    }
    truth_->Add(number_, Role::kCaller, kHvVariants[i]);
    const double per_day = rng_.LogNormal(h_.calls_per_day.median, h_.calls_per_day.sigma);
    const double window_h = h_.hours.to - h_.hours.from;
    const double outside = h_.hours.outside_weight;
    // Calls per ms inside the working hours, so that a weekday has `per_day`.
    rate_ = per_day / ((window_h + (24 - window_h) * outside) * kHourMs);
    top_ = rate_ * std::max(1.0, outside);
    t_ = static_cast<double>(w_.start_ms());
    Advance();
  }

  void Emit(CallRow* row) override {
    row->time_ms = next_ms_;
    row->caller = number_;
    w_.Route(number_, row);
    // An outsourced call centre dials through a provider's gateway.
    if (type_ == HvType::kServiceCentre && row->attest != events::Attest::kNone) {
      row->attest = events::Attest::kC;
    }
    row->imsi = imsi_;
    row->imei = imei_;
    row->cell_id = imsi_ != 0 ? Numbering::Cell(Numbering::kHomeProvince, rng_.Below(200'000)) : 0;
    int64_t callee;
    if (recent_count_ > 0 && rng_.Chance(h_.repeat_share)) {
      callee = recent_[rng_.Below(std::min<uint64_t>(recent_count_, recent_.size()))];
    } else {
      callee = w_.RandomSubscriber(rng_);
      recent_[recent_count_++ % recent_.size()] = callee;
    }
    row->callee = w_.numbering().Subscriber(callee);
    if (rng_.Chance(spec_->answer_rate)) {
      w_.Answer(rng_.LogNormal(spec_->talk_s.median, spec_->talk_s.sigma), rng_.LogNormal(8, 0.5),
                row);
    } else {
      w_.NoAnswer(rng_, row);
    }
    row->format_draw = rng_.Next();
    ++truth_->entries[0].calls;
    ++truth_->calls;
    Advance();
  }

 private:
  void Advance() {
    const double mean_gap = 1.0 / top_;
    for (;;) {
      t_ += rng_.Exponential(mean_gap);
      if (t_ >= static_cast<double>(w_.end_ms())) {
        next_ms_ = kNever;
        return;
      }
      const auto ms = static_cast<int64_t>(t_);
      double rate = w_.InWindow(h_.hours, ms) ? rate_ : rate_ * h_.hours.outside_weight;
      if (w_.Weekend(ms)) rate *= h_.weekend_factor;
      if (rng_.Uniform() * top_ < rate) {
        next_ms_ = ms;
        return;
      }
    }
  }

  World& w_;
  const HighVolumeParams& h_;
  Campaign* truth_;
  Rng rng_;
  HvType type_ = HvType::kCourier;
  const HighVolumeType* spec_ = nullptr;
  Number number_;
  uint64_t imsi_ = 0, imei_ = 0;
  double rate_ = 0, top_ = 1, t_ = 0;
  std::array<int64_t, 8> recent_ = {};
  uint64_t recent_count_ = 0;
};

class BurstSource final : public Source {
 public:
  BurstSource(World& world, Campaign* truth)
      : w_(world),
        b_(world.params().burst),
        truth_(truth),
        rng_(StreamSeed(world.seed(), truth->kind, truth->index)) {
    const std::string_view variant = rng_.Chance(0.5) ? "school_alert" : "utility_alert";
    const int64_t numbers = DrawCount(rng_, b_.numbers);
    for (int64_t i = 0; i < numbers; ++i) truth_->Add(w_.NewLandline(), Role::kCaller, variant);
    const int64_t callees = DrawCount(rng_, b_.callees);
    const double window_ms = rng_.Uniform(b_.window_min.lo, b_.window_min.hi) * 60'000;
    const int64_t start =
        w_.SampleStart(rng_, b_.hours, w_.end_ms() - static_cast<int64_t>(window_ms));
    schedule_ = Schedule(start, w_.end_ms(), window_ms / static_cast<double>(callees), callees);
    next_ms_ = schedule_.First();
  }

  void Emit(CallRow* row) override {
    row->time_ms = next_ms_;
    TruthEntry& e = truth_->entries[rng_.Below(truth_->entries.size())];
    row->caller = e.number;
    w_.Route(e.number, row);
    // Alerting platforms dial through a gateway.
    if (row->attest != events::Attest::kNone) row->attest = events::Attest::kC;
    row->imsi = row->imei = row->cell_id = 0;
    row->callee = w_.numbering().Subscriber(w_.RandomSubscriber(rng_));
    if (rng_.Chance(b_.answer_rate)) {
      w_.Answer(rng_.LogNormal(b_.talk_s.median, b_.talk_s.sigma), rng_.LogNormal(6, 0.5), row);
    } else {
      w_.NoAnswer(rng_, row);
    }
    row->format_draw = rng_.Next();
    ++e.calls;
    ++truth_->calls;
    next_ms_ = schedule_.Next(rng_);
  }

 private:
  World& w_;
  const BurstParams& b_;
  Campaign* truth_;
  Rng rng_;
  Schedule schedule_;
};

}  // namespace

std::unique_ptr<Source> MakeOrdinary(World& world) {
  return std::make_unique<OrdinarySource>(world);
}
std::unique_ptr<Source> MakeHighVolume(World& world, Campaign* truth) {
  return std::make_unique<HighVolumeSource>(world, truth);
}
std::unique_ptr<Source> MakeBurst(World& world, Campaign* truth) {
  return std::make_unique<BurstSource>(world, truth);
}

}  // namespace quell::sim::internal
