#include "quell/sim/scenario.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "quell/core/civil_time.h"
#include "quell/sim/internal/rng.h"

namespace quell::sim {
namespace {

constexpr std::array<std::string_view, kKindCount> kKindNames = {
    "marketing", "robocall", "robocall_rotating", "bombing",    "one_ring",
    "simbox",    "spoofing", "legit_hv",          "legit_burst"};

// What values a parameter may take; Perturb caps shares at 1.
enum class Domain { kPositive, kNonNegative, kShare };

// Walks every model parameter with its name and domain. One list, so
// ForEachParameter, Perturb and Validate cannot disagree.
class Walker {
 public:
  using Fn = std::function<void(const std::string&, double&, Domain)>;
  explicit Walker(Fn fn) : fn_(std::move(fn)) {}

  void Walk(ScenarioParams& p) {
    Ordinary("ordinary.", p.ordinary);
    HighVolume("high_volume.", p.high_volume);
    Burst("burst.", p.burst);
    Marketing("marketing.", p.marketing);
    Robocall("robocall.", p.robocall);
    Rotating("robocall_rotating.", p.rotating);
    Bombing("bombing.", p.bombing);
    OneRing("one_ring.", p.one_ring);
    SimBox("simbox.", p.simbox);
    Spoofing("spoofing.", p.spoofing);
    S("attestation.signed_share", p.attestation.signed_share);
    S("attestation.legacy_share", p.attestation.legacy_share);
  }

 private:
  void V(const std::string& name, double& v, Domain d) { fn_(name, v, d); }
  void R(const std::string& name, Range& r, Domain d = Domain::kPositive) {
    V(name + ".lo", r.lo, d);
    V(name + ".hi", r.hi, d);
  }
  void L(const std::string& name, LogNormal& l) {
    V(name + ".median", l.median, Domain::kPositive);
    V(name + ".sigma", l.sigma, Domain::kNonNegative);
  }
  void W(const std::string& name, HourWindow& w) {
    V(name + ".outside_weight", w.outside_weight, Domain::kNonNegative);
  }
  void S(const std::string& name, double& v) { V(name, v, Domain::kShare); }
  void P(const std::string& name, double& v) { V(name, v, Domain::kPositive); }

  void Ordinary(const std::string& n, OrdinaryParams& o) {
    P(n + "calls_per_day", o.calls_per_day);
    V(n + "rate_sigma", o.rate_sigma, Domain::kNonNegative);
    P(n + "weekend_factor", o.weekend_factor);
    for (std::size_t h = 0; h < 24; ++h) {
      V(n + "weekday_profile." + std::to_string(h), o.weekday_profile[h], Domain::kNonNegative);
    }
    for (std::size_t h = 0; h < 24; ++h) {
      V(n + "weekend_profile." + std::to_string(h), o.weekend_profile[h], Domain::kNonNegative);
    }
    V(n + "offnet_people", o.offnet_people, Domain::kNonNegative);
    S(n + "offnet_landline_share", o.offnet_landline_share);
    S(n + "offnet_foreign_share", o.offnet_foreign_share);
    S(n + "offnet_mvno_share", o.offnet_mvno_share);
    S(n + "roaming_share", o.roaming_share);
    S(n + "travel_share", o.travel_share);
    S(n + "mobility", o.mobility);
    P(n + "contacts", o.contacts);
    S(n + "contact_share", o.contact_share);
    S(n + "answer_rate", o.answer_rate);
    S(n + "busy_share", o.busy_share);
    S(n + "abandon_share", o.abandon_share);
    L(n + "talk_s", o.talk_s);
    L(n + "ring_s", o.ring_s);
    R(n + "no_answer_ring_s", o.no_answer_ring_s);
    R(n + "abandon_ring_s", o.abandon_ring_s);
  }
  void HvType(const std::string& n, HighVolumeType& t) {
    V(n + "share", t.share, Domain::kNonNegative);
    S(n + "answer_rate", t.answer_rate);
    L(n + "talk_s", t.talk_s);
  }
  void HighVolume(const std::string& n, HighVolumeParams& h) {
    HvType(n + "courier.", h.courier);
    HvType(n + "hospital.", h.hospital);
    HvType(n + "bank_callback.", h.bank_callback);
    HvType(n + "service_centre.", h.service_centre);
    L(n + "calls_per_day", h.calls_per_day);
    P(n + "weekend_factor", h.weekend_factor);
    S(n + "repeat_share", h.repeat_share);
    W(n + "hours", h.hours);
  }
  void Burst(const std::string& n, BurstParams& b) {
    R(n + "numbers", b.numbers);
    R(n + "callees", b.callees);
    R(n + "window_min", b.window_min);
    S(n + "answer_rate", b.answer_rate);
    L(n + "talk_s", b.talk_s);
    W(n + "hours", b.hours);
  }
  void Talk(const std::string& n, RobocallTalk& t) {
    S(n + "answer_rate", t.answer_rate);
    S(n + "silent_share", t.silent_share);
    R(n + "silent_talk_s", t.silent_talk_s);
    L(n + "message_talk_s", t.message_talk_s);
    L(n + "mimicry_talk_s", t.mimicry_talk_s);
  }
  void Marketing(const std::string& n, MarketingParams& m) {
    R(n + "numbers", m.numbers);
    R(n + "calls_per_hour", m.calls_per_hour);
    R(n + "duration_h", m.duration_h);
    S(n + "answer_rate", m.answer_rate);
    L(n + "talk_s", m.talk_s);
    S(n + "landline_share", m.landline_share);
    S(n + "mvno_share", m.mvno_share);
    S(n + "sequential_share", m.sequential_share);
    S(n + "low_and_slow_share", m.low_and_slow_share);
    R(n + "low_and_slow_calls_per_hour", m.low_and_slow_calls_per_hour);
    R(n + "low_and_slow_duration_h", m.low_and_slow_duration_h);
    W(n + "hours", m.hours);
  }
  void Robocall(const std::string& n, RobocallParams& r) {
    R(n + "numbers", r.numbers);
    R(n + "calls_per_hour", r.calls_per_hour);
    R(n + "duration_h", r.duration_h);
    Talk(n + "talk.", r.talk);
    S(n + "mimicry_share", r.mimicry_share);
    W(n + "hours", r.hours);
  }
  void Rotating(const std::string& n, RotatingParams& r) {
    R(n + "calls_per_hour", r.calls_per_hour);
    R(n + "duration_h", r.duration_h);
    L(n + "calls_per_id", r.calls_per_id);
    S(n + "reuse_share", r.reuse_share);
    S(n + "neighbour_share", r.neighbour_share);
    Talk(n + "talk.", r.talk);
    W(n + "hours", r.hours);
  }
  void Bombing(const std::string& n, BombingParams& b) {
    R(n + "callers", b.callers);
    L(n + "attempts", b.attempts);
    P(n + "min_attempts", b.min_attempts);
    R(n + "window_min", b.window_min);
    S(n + "answer_rate", b.answer_rate);
    R(n + "talk_s", b.talk_s);
    S(n + "busy_share", b.busy_share);
    R(n + "ring_s", b.ring_s);
    W(n + "hours", b.hours);
  }
  void OneRing(const std::string& n, OneRingParams& o) {
    R(n + "numbers", o.numbers);
    R(n + "calls_per_hour", o.calls_per_hour);
    R(n + "duration_h", o.duration_h);
    R(n + "ring_ms", o.ring_ms);
    S(n + "cause31_share", o.cause31_share);
    S(n + "domestic_share", o.domestic_share);
    S(n + "sequential_share", o.sequential_share);
    S(n + "low_and_slow_share", o.low_and_slow_share);
    R(n + "low_and_slow_calls_per_hour", o.low_and_slow_calls_per_hour);
    R(n + "low_and_slow_duration_h", o.low_and_slow_duration_h);
    W(n + "hours", o.hours);
  }
  void SimBox(const std::string& n, SimBoxParams& s) {
    R(n + "imeis", s.imeis);
    R(n + "sims_per_imei", s.sims_per_imei);
    R(n + "calls_per_hour", s.calls_per_hour);
    R(n + "duration_h", s.duration_h);
    S(n + "answer_rate", s.answer_rate);
    L(n + "talk_s", s.talk_s);
    L(n + "ring_s", s.ring_s);
    W(n + "hours", s.hours);
  }
  void Spoofing(const std::string& n, SpoofingParams& s) {
    R(n + "numbers", s.numbers);
    R(n + "calls", s.calls);
    R(n + "duration_h", s.duration_h);
    S(n + "answer_rate", s.answer_rate);
    L(n + "talk_s", s.talk_s);
    S(n + "subscriber_share", s.subscriber_share);
    for (std::size_t i = 0; i < s.technique_weights.size(); ++i) {
      V(n + "technique_weights." + std::to_string(i), s.technique_weights[i], Domain::kNonNegative);
    }
    W(n + "hours", s.hours);
  }

  Fn fn_;
};

void OrderRanges(ScenarioParams& p) {
  for (Range* r : {&p.ordinary.no_answer_ring_s,
                   &p.ordinary.abandon_ring_s,
                   &p.burst.numbers,
                   &p.burst.callees,
                   &p.burst.window_min,
                   &p.marketing.numbers,
                   &p.marketing.calls_per_hour,
                   &p.marketing.duration_h,
                   &p.marketing.low_and_slow_calls_per_hour,
                   &p.marketing.low_and_slow_duration_h,
                   &p.robocall.numbers,
                   &p.robocall.calls_per_hour,
                   &p.robocall.duration_h,
                   &p.robocall.talk.silent_talk_s,
                   &p.rotating.calls_per_hour,
                   &p.rotating.duration_h,
                   &p.rotating.talk.silent_talk_s,
                   &p.bombing.callers,
                   &p.bombing.window_min,
                   &p.bombing.talk_s,
                   &p.bombing.ring_s,
                   &p.one_ring.numbers,
                   &p.one_ring.calls_per_hour,
                   &p.one_ring.duration_h,
                   &p.one_ring.ring_ms,
                   &p.one_ring.low_and_slow_calls_per_hour,
                   &p.one_ring.low_and_slow_duration_h,
                   &p.simbox.imeis,
                   &p.simbox.sims_per_imei,
                   &p.simbox.calls_per_hour,
                   &p.simbox.duration_h,
                   &p.spoofing.numbers,
                   &p.spoofing.calls,
                   &p.spoofing.duration_h}) {
    if (r->lo > r->hi) std::swap(r->lo, r->hi);
  }
}

Status CheckWindow(std::string_view name, const HourWindow& w) {
  if (w.from < 0 || w.to > 24 || w.from >= w.to) {
    return InvalidArgument(std::string(name) + ": hours must satisfy 0 <= from < to <= 24");
  }
  return Status::Ok();
}

int ParseDigits(std::string_view s, std::size_t at, std::size_t n, bool* ok) {
  int v = 0;
  if (at + n > s.size()) {
    *ok = false;
    return 0;
  }
  for (std::size_t i = at; i < at + n; ++i) {
    if (s[i] < '0' || s[i] > '9') *ok = false;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

}  // namespace

std::string_view Name(Kind k) { return kKindNames[static_cast<std::size_t>(k)]; }

std::optional<Kind> ParseKind(std::string_view name) {
  for (std::size_t i = 0; i < kKindCount; ++i) {
    if (kKindNames[i] == name) return static_cast<Kind>(i);
  }
  return std::nullopt;
}

Status SetStart(std::string_view s, ScenarioParams* params) {
  // YYYY-MM-DDTHH:MM:SS[.fff](Z|+HH:MM|-HH:MM)
  const auto bad = [&] {
    return InvalidArgument("'" + std::string(s.substr(0, 64)) +
                           "' is not an RFC 3339 time like 2026-11-02T00:00:00+08:00");
  };
  bool ok = s.size() >= 20 && s[4] == '-' && s[7] == '-' && (s[10] == 'T' || s[10] == 't') &&
            s[13] == ':' && s[16] == ':';
  if (!ok) return bad();
  const int year = ParseDigits(s, 0, 4, &ok), month = ParseDigits(s, 5, 2, &ok),
            day = ParseDigits(s, 8, 2, &ok), hour = ParseDigits(s, 11, 2, &ok),
            minute = ParseDigits(s, 14, 2, &ok), second = ParseDigits(s, 17, 2, &ok);
  std::size_t at = 19;
  int millis = 0;
  if (at < s.size() && s[at] == '.') {
    ++at;
    int digits = 0;
    while (at < s.size() && s[at] >= '0' && s[at] <= '9') {
      if (digits < 3) millis = millis * 10 + (s[at] - '0');
      ++digits;
      ++at;
    }
    if (digits == 0) return bad();
    for (; digits < 3; ++digits) millis *= 10;
  }
  int offset = 0;
  if (at < s.size() && (s[at] == 'Z' || s[at] == 'z') && at + 1 == s.size()) {
    offset = 0;
  } else if (at + 6 == s.size() && (s[at] == '+' || s[at] == '-') && s[at + 3] == ':') {
    offset = ParseDigits(s, at + 1, 2, &ok) * 60 + ParseDigits(s, at + 4, 2, &ok);
    if (s[at] == '-') offset = -offset;
  } else {
    return bad();
  }
  if (!ok || month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 ||
      second > 60 || offset < -14 * 60 || offset > 14 * 60) {
    return bad();
  }
  const int64_t local_s =
      DaysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second;
  params->start_unix_ms = (local_s - offset * 60LL) * 1000 + millis;
  params->utc_offset_minutes = offset;
  return Status::Ok();
}

void ForEachParameter(ScenarioParams& params,
                      const std::function<void(std::string_view name, double& value)>& visit) {
  Walker([&](const std::string& name, double& v, Domain) { visit(name, v); }).Walk(params);
}

Result<ScenarioParams> Perturb(const ScenarioParams& params, double spread) {
  if (!(spread >= 0 && spread <= 0.5)) {
    char text[64];
    std::snprintf(text, sizeof text, "perturbation must be between 0 and 0.5, got %g", spread);
    return InvalidArgument(text);
  }
  ScenarioParams out = params;
  internal::Rng rng(internal::Mix(params.seed, 0x7065727475726bULL));  // "perturb"
  Walker([&](const std::string&, double& v, Domain d) {
    v *= rng.Uniform(1 - spread, 1 + spread);
    if (d == Domain::kShare) v = std::min(v, 1.0);
  }).Walk(out);
  OrderRanges(out);
  return out;
}

Status Validate(const ScenarioParams& p) {
  if (p.subscribers < 100 || p.subscribers > 100'000'000) {
    return InvalidArgument("subscribers must be between 100 and 100,000,000");
  }
  if (!(p.hours > 0 && p.hours <= 24 * 31)) {
    return InvalidArgument("hours must be more than 0 and at most 744 (31 days)");
  }
  if (p.campaigns_per_kind < 0 || p.campaigns_per_kind > 100'000) {
    return InvalidArgument("campaigns must be between 0 and 100,000 per kind");
  }
  if (p.hv_callers < 0 || p.hv_callers > 1'000'000) {
    return InvalidArgument("hv-callers must be between 0 and 1,000,000");
  }
  if (p.legit_bursts < 0 || p.legit_bursts > 100'000) {
    return InvalidArgument("legit bursts must be between 0 and 100,000");
  }
  if (p.utc_offset_minutes < -14 * 60 || p.utc_offset_minutes > 14 * 60) {
    return InvalidArgument("UTC offset must be within +-14:00");
  }
  Status status;
  ScenarioParams copy = p;
  Walker([&](const std::string& name, double& v, Domain d) {
    if (!status.ok()) return;
    const bool good = d == Domain::kPositive      ? v > 0
                      : d == Domain::kNonNegative ? v >= 0
                                                  : v >= 0 && v <= 1;
    if (!good || !std::isfinite(v)) {
      status = InvalidArgument(name + " = " + std::to_string(v) + " is out of range (" +
                               (d == Domain::kPositive      ? "must be > 0"
                                : d == Domain::kNonNegative ? "must be >= 0"
                                                            : "must be within [0, 1]") +
                               ")");
    }
  }).Walk(copy);
  if (!status.ok()) return status;
  for (const auto& [name, w] :
       {std::pair<std::string_view, const HourWindow*>{"high_volume.hours", &p.high_volume.hours},
        {"burst.hours", &p.burst.hours},
        {"marketing.hours", &p.marketing.hours},
        {"robocall.hours", &p.robocall.hours},
        {"robocall_rotating.hours", &p.rotating.hours},
        {"bombing.hours", &p.bombing.hours},
        {"one_ring.hours", &p.one_ring.hours},
        {"simbox.hours", &p.simbox.hours},
        {"spoofing.hours", &p.spoofing.hours}}) {
    QUELL_RETURN_IF_ERROR(CheckWindow(name, *w));
  }
  double weekday = 0, weekend = 0, types = 0, techniques = 0;
  for (double v : p.ordinary.weekday_profile) weekday += v;
  for (double v : p.ordinary.weekend_profile) weekend += v;
  for (const HighVolumeType* t : {&p.high_volume.courier, &p.high_volume.hospital,
                                  &p.high_volume.bank_callback, &p.high_volume.service_centre}) {
    types += t->share;
  }
  for (double v : p.spoofing.technique_weights) techniques += v;
  if (weekday <= 0 || weekend <= 0) {
    return InvalidArgument("ordinary.weekday_profile and weekend_profile need a positive hour");
  }
  if (types <= 0) return InvalidArgument("high_volume: the type shares sum to 0");
  if (p.ordinary.offnet_people > 0.5) {
    // Landline numbers stay unique for 6 * 10^7 people (internal/numbering.h).
    return InvalidArgument("ordinary.offnet_people must be at most 0.5");
  }
  if (techniques <= 0) return InvalidArgument("spoofing.technique_weights sum to 0");
  return Status::Ok();
}

}  // namespace quell::sim
