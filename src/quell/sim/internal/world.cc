#include "quell/sim/internal/world.h"

#include <algorithm>
#include <cmath>

namespace quell::sim::internal {
namespace {

constexpr int64_t kDayMs = 24 * kHourMs;

constexpr std::string_view kCoreTrunks[] = {"core-1", "core-2", "core-3", "core-4"};
constexpr std::string_view kIntlTrunks[] = {"intl-gw-1", "intl-gw-2"};

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - (a % b != 0 && (a < 0) != (b < 0)); }

}  // namespace

uint32_t ToMs(double seconds) {
  const double ms = std::round(seconds * 1000);
  if (!(ms > 0)) return 0;
  return ms >= 4e9 ? 4'000'000'000U : static_cast<uint32_t>(ms);
}

int64_t DrawCount(Rng& rng, const Range& r, int64_t min) {
  const int64_t v = std::llround(rng.Uniform(r.lo, r.hi));
  return std::max(v, min);
}

World::World(const ScenarioParams& params, int64_t offnet_people)
    : params_(params),
      numbering_(params.subscribers, params.seed),
      start_ms_(params.start_unix_ms),
      end_ms_(params.start_unix_ms + std::llround(params.hours * kHourMs)),
      offset_ms_(params.utc_offset_minutes * 60'000LL),
      offnet_people_(offnet_people),
      // Ordinary off-net people hold indices [0, offnet_people) of these spaces.
      next_other_(static_cast<uint64_t>(offnet_people)),
      next_landline_(static_cast<uint64_t>(offnet_people)),
      next_mvno_(static_cast<uint64_t>(offnet_people)) {}

double World::LocalHour(int64_t ms) const {
  const int64_t local = ms + offset_ms_;
  return static_cast<double>(local - FloorDiv(local, kDayMs) * kDayMs) / kHourMs;
}

bool World::Weekend(int64_t ms) const {
  const int64_t day = FloorDiv(ms + offset_ms_, kDayMs);
  const int64_t weekday = ((day + 4) % 7 + 7) % 7;  // 1970-01-01 was a Thursday; 0 = Sunday
  return weekday == 0 || weekday == 6;
}

bool World::InWindow(const HourWindow& w, int64_t ms) const {
  const double h = LocalHour(ms);
  return h >= w.from && h < w.to;
}

int64_t World::SampleStart(Rng& rng, const HourWindow& w, int64_t latest_ms) const {
  const int64_t latest = std::min(latest_ms, end_ms_);
  if (latest <= start_ms_ + 1) return start_ms_;
  const uint64_t span = static_cast<uint64_t>(latest - start_ms_);
  const double top = std::max(1.0, w.outside_weight);
  int64_t t = start_ms_;
  for (int attempt = 0; attempt < 10'000; ++attempt) {
    t = start_ms_ + static_cast<int64_t>(rng.Below(span));
    const double weight = InWindow(w, t) ? 1.0 : w.outside_weight;
    if (rng.Uniform() * top < weight) break;
  }
  return t;
}

int64_t World::RandomSubscriber(Rng& rng) const {
  return static_cast<int64_t>(rng.Below(static_cast<uint64_t>(params_.subscribers)));
}

double World::Stratified(Kind kind, int index, int count, Rng& rng) {
  std::vector<uint32_t>& slots = slots_[static_cast<std::size_t>(kind)];
  if (slots.size() != static_cast<std::size_t>(count)) {
    slots.resize(static_cast<std::size_t>(count));
    for (uint32_t i = 0; i < slots.size(); ++i) slots[i] = i;
    Rng shuffle(Mix(params_.seed, static_cast<uint64_t>(kind), 0x736c6f74ULL));  // "slot"
    for (std::size_t i = slots.size(); i > 1; --i) std::swap(slots[i - 1], slots[shuffle.Below(i)]);
  }
  const auto i = static_cast<std::size_t>(index - 1);
  if (i >= slots.size()) return rng.Uniform();
  return (slots[i] + rng.Uniform()) / count;
}

Number World::NewOtherMobile() {
  Number n = numbering_.OtherMobile(next_other_++);
  Claim(n.e164);
  return n;
}
Number World::NewMvno() {
  Number n = numbering_.Mvno(next_mvno_++);
  Claim(n.e164);
  return n;
}
Number World::NewLandline() {
  Number n = numbering_.Landline(next_landline_++);
  Claim(n.e164);
  return n;
}
Number World::NewHomeExtra() {
  Number n = numbering_.HomeExtra(next_extra_++);
  Claim(n.e164);
  return n;
}
uint64_t World::NewSimImsi() {
  return numbering_.SubscriberImsi(params_.subscribers + static_cast<int64_t>(next_sim_++));
}

Number World::NewForeign(Rng& rng, const ForeignRange* ranges, std::size_t count) {
  for (;;) {
    Number n = Numbering::Foreign(ranges[rng.Below(count)], rng.Next());
    if (Claim(n.e164)) return n;
  }
}

Number World::NewUnallocated(Rng& rng) {
  for (;;) {
    Number n = Numbering::Unallocated(rng.Next());
    if (Claim(n.e164)) return n;
  }
}

int64_t World::ClaimSubscriber(Rng& rng) {
  for (int attempt = 0;; ++attempt) {
    const int64_t i = RandomSubscriber(rng);
    // With few subscribers and many campaigns, sharing beats looping forever.
    if (Claim(numbering_.Subscriber(i).e164) || attempt > 100) return i;
  }
}

void World::RouteInternational(uint64_t hash, CallRow* row) const {
  row->trunk = kIntlTrunks[hash % std::size(kIntlTrunks)];
  row->international = true;
  row->attest = events::Attest::kNone;
  row->verstat = events::Verstat::kNoValidation;
}

void World::Route(const Number& caller, CallRow* row) const {
  const uint64_t h = Mix(params_.seed, caller.e164, 0x726f757465ULL);  // "route"
  row->international = false;
  switch (caller.cls) {
    case NumberClass::kForeign:
      RouteInternational(h, row);
      return;
    case NumberClass::kUnallocated:
      row->trunk = (h & 1) != 0 ? "ic-ct-1" : "ic-cu-1";
      row->attest = events::Attest::kNone;
      row->verstat = events::Verstat::kNoValidation;
      return;
    case NumberClass::kMobile:
      if (Numbering::IsHomeMobile(caller.e164)) {
        row->trunk = kCoreTrunks[h % std::size(kCoreTrunks)];
        row->attest = events::Attest::kA;
        row->verstat = events::Verstat::kPassed;
        return;
      }
      break;
    case NumberClass::kLandline:
      break;
  }
  const bool mvno = caller.cls == NumberClass::kMobile && Numbering::IsMvno(caller.e164);
  const bool unicom =
      caller.cls == NumberClass::kMobile ? Numbering::IsUnicomLike(caller.e164) : (h >> 8 & 1) != 0;
  const bool legacy = !mvno && UnitFromHash(Mix(h, 1)) < params_.attestation.legacy_share;
  const bool signs = UnitFromHash(Mix(h, 2)) < params_.attestation.signed_share;
  row->trunk = mvno     ? "ic-mvno-1"
               : unicom ? (legacy ? "ic-cu-2" : "ic-cu-1")
                        : (legacy ? "ic-ct-2" : "ic-ct-1");
  if (legacy) {
    row->attest = events::Attest::kNone;
    row->verstat = events::Verstat::kUnknown;
  } else if (signs) {
    // The carrier knows its own mobile customers (A); a landline behind a PBX
    // or a virtual operator's customer is only partly known (B).
    row->attest =
        caller.cls == NumberClass::kMobile && !mvno ? events::Attest::kA : events::Attest::kB;
    row->verstat = events::Verstat::kPassed;
  } else {
    row->attest = events::Attest::kNone;
    row->verstat = events::Verstat::kNoValidation;
  }
}

void World::Answer(double talk_s, double ring_s, CallRow* row) const {
  row->answered = true;
  row->release_cause = 16;
  row->ring_ms = ToMs(std::clamp(ring_s, 0.5, 60.0));
  row->talk_ms = std::max<uint32_t>(ToMs(std::min(talk_s, 4 * 3600.0)), 500);
}

void World::NoAnswer(Rng& rng, CallRow* row) const {
  const OrdinaryParams& o = params_.ordinary;
  row->answered = false;
  row->talk_ms = 0;
  const double u = rng.Uniform();
  if (u < o.busy_share) {
    row->release_cause = 17;
    row->ring_ms = 0;
  } else if (u < o.busy_share + o.abandon_share) {
    row->release_cause = 16;  // the caller gave up
    row->ring_ms = ToMs(rng.Uniform(o.abandon_ring_s.lo, o.abandon_ring_s.hi));
  } else {
    row->release_cause = 19;
    row->ring_ms = ToMs(rng.Uniform(o.no_answer_ring_s.lo, o.no_answer_ring_s.hi));
  }
}

}  // namespace quell::sim::internal
