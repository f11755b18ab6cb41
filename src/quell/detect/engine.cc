#include "quell/detect/engine.h"

#include <absl/container/flat_hash_map.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <mutex>
#include <new>
#include <span>
#include <type_traits>

#include "quell/core/internal/record_table.h"
#include "quell/core/number_plan.h"

namespace quell::detect {
namespace {

using internal::Mix;
template <typename State>
using Table = internal::RecordTable<State>;

constexpr std::array<std::string_view, kDetectorCount> kDetectorNames = {
    "marketing", "robocall", "bombing", "one_ring", "simbox", "spoofing"};

// Ring geometry: bucket length in seconds and bucket count.
constexpr uint32_t kMinuteBucket = 10, kMinuteN = 6;  // a minute
constexpr uint32_t kHourBucket = 600, kHourN = 6;     // an hour
constexpr uint32_t kDayBucket = 21600, kDayN = 4;     // a day
constexpr uint32_t kCalleeBucket = 60, kCalleeN = 5;  // five minutes, callee side
constexpr uint32_t kHalfHour = 1800;                  // distinct-callee bitmaps
constexpr uint32_t kIdleDrop = 86400 + kDayBucket;    // state idle this long is dropped
constexpr uint32_t kSweepEvery = 1u << 16;
constexpr std::size_t kJoinSlots = 1u << 20;  // attempts awaiting their CDR (8 MiB)

struct HourBucket {
  uint16_t attempts, completed, answered, under60, talk4, abandoned;
};
struct CalleeBucket {
  uint8_t attempts;    // calls received
  uint8_t unanswered;  // ... that a call record shows were not answered
};
struct DayBucket {
  uint16_t attempts, completed, answered;
};

// One number's windows, as a caller and as a callee. Keep it small: the
// memory target is per active number.
struct NumberState {
  uint64_t number;       // compact E.164; 0 = free slot
  uint32_t last_callee;  // low 32 bits (ascending steps are differences)
  uint32_t imsi;         // tag of the last IMSI seen calling from the number, 0 none
  uint64_t bits[2];      // distinct callees, per half hour (linear counting)
  uint64_t cell;         // last cell id seen as a caller
  uint32_t last_s;       // last event, engine seconds
  uint32_t cell_s;       // when `cell` was seen
  HourBucket hour[kHourN];
  DayBucket day[kDayN];
  uint8_t minute[kMinuteN];
  CalleeBucket callee[kCalleeN];  // calls received, five minutes
  uint8_t seq[2];                 // ascending callee steps, per half hour
  uint8_t incoming;               // calls received (saturating), halved every half hour
  uint8_t fired;                  // bit per Detector: a finding is active
  uint8_t cell_moves;             // cell changes; these three decay every 6 h
  uint8_t region_conflicts;
  uint8_t sim_changes;  // the IMSI behind the number changed
  uint8_t intl_failed;  // low nibble: from abroad; high nibble: failed verification
};

struct ImeiState {
  uint64_t imei;
  uint32_t last;     // engine seconds of the last call (31 bits); top bit: a SIM box,
                     // every number calling from it is one
  uint16_t bits;     // numbers seen behind the IMEI today (hash bits)
  uint8_t calls[2];  // calls through it per half hour (saturating)
  static constexpr uint32_t kFlagged = 0x80000000u;
  uint32_t last_s() const { return last & ~kFlagged; }
  bool flagged() const { return (last & kFlagged) != 0; }
  int CallsLastHour() const { return calls[0] + calls[1]; }
};

// RecordTable keeps the key in each record's first 8 bytes.
static_assert(offsetof(NumberState, number) == 0 && offsetof(ImeiState, imei) == 0);
static_assert(std::is_trivially_copyable_v<NumberState> && std::is_trivially_copyable_v<ImeiState>);
static_assert(sizeof(NumberState) <= 168 && sizeof(ImeiState) == 16);

template <typename T>
void Inc(T& v, uint32_t by = 1) {
  constexpr uint32_t kMax = std::numeric_limits<T>::max();
  v = static_cast<T>(std::min<uint32_t>(kMax, uint32_t{v} + by));
}

// Zeroes the buckets a ring passes over when time moves from bucket `from` to `to`.
template <typename T, std::size_t N>
void AdvanceRing(T (&ring)[N], uint32_t from, uint32_t to) {
  if (to <= from) return;
  if (to - from >= N) {
    std::memset(ring, 0, sizeof(ring));
    return;
  }
  for (uint32_t b = from + 1; b <= to; ++b) std::memset(&ring[b % N], 0, sizeof(T));
}

// Seconds from `from` to `to`; 0 when `to` is not later (events may arrive a
// little out of order, and unsigned differences must not wrap).
uint32_t Elapsed(uint32_t from, uint32_t to) { return to > from ? to - from : 0; }

int DistinctEstimate(uint64_t bits) {
  const int zeros = 64 - std::popcount(bits);
  if (zeros == 0) return 266;  // saturated: 64 ln 64
  return static_cast<int>(std::lround(-64.0 * std::log(zeros / 64.0)));
}

// Callees under attack, and IMEIs with several numbers: who is involved.
struct Involved {
  static constexpr std::size_t kMax = 16;
  std::array<uint64_t, kMax> numbers{};
  std::array<uint16_t, kMax> counts{};
  uint8_t n = 0;
  uint32_t last_s = 0;
  uint64_t bits = 0;  // every number involved, for a distinct count beyond kMax
  int distinct() const { return std::max<int>(n, DistinctEstimate(bits)); }
  void Add(uint64_t number) {
    bits |= uint64_t{1} << (Mix(number) >> 58);
    for (uint8_t i = 0; i < n; ++i) {
      if (numbers[i] == number) {
        Inc(counts[i]);
        return;
      }
    }
    if (n < kMax) {
      numbers[n] = number;
      counts[n] = 1;
      ++n;
    }
  }
};

struct ActiveFinding {
  Finding finding;
  uint32_t last_emit_s = 0;
  bool dirty = false;
};

uint64_t FindingKey(uint64_t number, Detector d) {
  return number * kDetectorCount + static_cast<uint64_t>(d);
}

}  // namespace

std::string_view Name(Detector d) { return kDetectorNames[static_cast<std::size_t>(d)]; }

std::optional<Detector> ParseDetector(std::string_view name) {
  for (std::size_t i = 0; i < kDetectorCount; ++i) {
    if (kDetectorNames[i] == name) return static_cast<Detector>(i);
  }
  return std::nullopt;
}

std::string_view Name(Role r) { return r == Role::kCaller ? "caller" : "callee"; }

Status EngineConfig::Validate() const {
  auto positive = [](int v, const char* name) -> Status {
    if (v < 1) return InvalidArgument(std::string(name) + " must be at least 1");
    return Status::Ok();
  };
  auto share = [](double v, const char* name) -> Status {
    if (!(v >= 0 && v <= 1)) return InvalidArgument(std::string(name) + " must be in 0..1");
    return Status::Ok();
  };
  QUELL_RETURN_IF_ERROR(positive(marketing.per_minute, "marketing.per_minute"));
  QUELL_RETURN_IF_ERROR(positive(marketing.per_hour, "marketing.per_hour"));
  QUELL_RETURN_IF_ERROR(positive(marketing.distinct_per_hour, "marketing.distinct_per_hour"));
  QUELL_RETURN_IF_ERROR(share(marketing.max_asr, "marketing.max_asr"));
  QUELL_RETURN_IF_ERROR(positive(marketing.sequential, "marketing.sequential"));
  QUELL_RETURN_IF_ERROR(positive(marketing.per_day, "marketing.per_day"));
  QUELL_RETURN_IF_ERROR(share(marketing.day_max_asr, "marketing.day_max_asr"));
  QUELL_RETURN_IF_ERROR(positive(robocall.answered, "robocall.answered"));
  if (!(robocall.max_acd_s > 0)) return InvalidArgument("robocall.max_acd_s must be positive");
  QUELL_RETURN_IF_ERROR(share(robocall.short_share, "robocall.short_share"));
  QUELL_RETURN_IF_ERROR(positive(bombing.attempts, "bombing.attempts"));
  if (!(bombing.min_repeat >= 1)) return InvalidArgument("bombing.min_repeat must be at least 1");
  QUELL_RETURN_IF_ERROR(positive(bombing.caller_attempts, "bombing.caller_attempts"));
  QUELL_RETURN_IF_ERROR(share(bombing.unanswered_share, "bombing.unanswered_share"));
  QUELL_RETURN_IF_ERROR(positive(one_ring.abandoned, "one_ring.abandoned"));
  QUELL_RETURN_IF_ERROR(positive(one_ring.max_ring_ms, "one_ring.max_ring_ms"));
  QUELL_RETURN_IF_ERROR(positive(one_ring.distinct, "one_ring.distinct"));
  QUELL_RETURN_IF_ERROR(share(one_ring.min_share, "one_ring.min_share"));
  QUELL_RETURN_IF_ERROR(positive(simbox.numbers_per_imei, "simbox.numbers_per_imei"));
  if (simbox.numbers_per_imei > 32) return InvalidArgument("simbox.numbers_per_imei must be ≤ 32");
  QUELL_RETURN_IF_ERROR(positive(simbox.per_day, "simbox.per_day"));
  QUELL_RETURN_IF_ERROR(positive(simbox.imei_calls_per_hour, "simbox.imei_calls_per_hour"));
  if (simbox.imei_calls_per_hour > 510) {
    return InvalidArgument("simbox.imei_calls_per_hour must be ≤ 510");
  }
  QUELL_RETURN_IF_ERROR(
      positive(spoofing.domestic_on_international, "spoofing.domestic_on_international"));
  QUELL_RETURN_IF_ERROR(positive(spoofing.failed_verification, "spoofing.failed_verification"));
  QUELL_RETURN_IF_ERROR(positive(spoofing.region_conflicts, "spoofing.region_conflicts"));
  QUELL_RETURN_IF_ERROR(positive(spoofing.sim_changes, "spoofing.sim_changes"));
  if (spoofing.domestic_on_international > 15 || spoofing.failed_verification > 15) {
    return InvalidArgument(
        "spoofing.domestic_on_international and failed_verification must be ≤ 15");
  }
  QUELL_RETURN_IF_ERROR(positive(spoofing.travel_s, "spoofing.travel_s"));
  if (spoofing.region_divisor == 0) return InvalidArgument("spoofing.region_divisor must be > 0");
  QUELL_RETURN_IF_ERROR(positive(legitimate.answered, "legitimate.answered"));
  QUELL_RETURN_IF_ERROR(share(legitimate.min_asr, "legitimate.min_asr"));
  for (double f : hour_factor) {
    if (!(f > 0 && f <= 100)) return InvalidArgument("hour_factor entries must be in (0, 100]");
  }
  if (!(weekend_factor > 0 && weekend_factor <= 100)) {
    return InvalidArgument("weekend_factor must be in (0, 100]");
  }
  if (utc_offset_minutes < -14 * 60 || utc_offset_minutes > 14 * 60) {
    return InvalidArgument("utc_offset must be within ±14 hours");
  }
  for (const std::string& p : allow_prefixes) {
    if (p.size() < 2 || p[0] != '+' ||
        !std::all_of(p.begin() + 1, p.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return InvalidArgument("allow prefix '" + p + "' must be '+' and digits");
    }
  }
  if (update_interval_s < 0) return InvalidArgument("update_interval_s must be ≥ 0");
  return Status::Ok();
}

struct Engine::Impl {
  Impl(const NumberPlan& p, EngineConfig c, FindingSink* s) : plan(p), sink(s) {
    SetConfig(std::move(c));
  }

  void SetConfig(EngineConfig c) {
    config = std::move(c);
    allow.clear();
    for (uint64_t n : config.allow_numbers) allow.emplace(n, true);
    allow_prefix_values.clear();
    for (const std::string& p : config.allow_prefixes) {
      allow_prefix_values.emplace_back(std::stoull(p.substr(1)), static_cast<int>(p.size() - 1));
    }
  }

  bool Allowed(uint64_t number) const {
    if (allow.contains(number)) return true;
    if (allow_prefix_values.empty()) return false;
    int digits = 0;
    for (uint64_t v = number; v != 0; v /= 10) ++digits;
    for (const auto& [prefix, len] : allow_prefix_values) {
      if (len > digits) continue;
      uint64_t head = number;
      for (int i = 0; i < digits - len; ++i) head /= 10;
      if (head == prefix) return true;
    }
    return false;
  }

  uint32_t Seconds(int64_t time_us) {
    const int64_t s = time_us / 1'000'000;
    if (!based) {
      // Two days of room for events older than the first one seen.
      base_s = s - 2 * 86400;
      based = true;
    }
    const int64_t rel = s - base_s;
    if (rel < 0) return 0;
    return static_cast<uint32_t>(std::min<int64_t>(rel, 0xffffffffLL));
  }

  double Factor(int64_t time_us) const {
    const int64_t local_s = time_us / 1'000'000 + int64_t{config.utc_offset_minutes} * 60;
    const int64_t day = local_s >= 0 ? local_s / 86400 : (local_s - 86399) / 86400;
    const int hour = static_cast<int>((local_s - day * 86400) / 3600);
    const int weekday = static_cast<int>(((day % 7) + 7 + 4) % 7);  // 1970-01-01 was a Thursday
    double f = config.hour_factor[static_cast<std::size_t>(hour)];
    if (weekday == 0 || weekday == 6) f *= config.weekend_factor;
    return f;
  }

  static int Scaled(int threshold, double factor) {
    return std::max(1, static_cast<int>(std::lround(threshold * factor)));
  }

  // Moves every window of `s` forward to time t (no-op when t is not later).
  static void Advance(NumberState& s, uint32_t t) {
    const uint32_t from = s.last_s;
    if (t <= from) return;
    AdvanceRing(s.minute, from / kMinuteBucket, t / kMinuteBucket);
    AdvanceRing(s.hour, from / kHourBucket, t / kHourBucket);
    AdvanceRing(s.day, from / kDayBucket, t / kDayBucket);
    AdvanceRing(s.callee, from / kCalleeBucket, t / kCalleeBucket);
    const uint32_t h0 = from / kHalfHour, h1 = t / kHalfHour;
    if (h1 > h0) {
      if (h1 - h0 >= 2) {
        s.bits[0] = s.bits[1] = 0;
        s.seq[0] = s.seq[1] = 0;
      } else {
        s.bits[h1 & 1] = 0;
        s.seq[h1 & 1] = 0;
      }
      const uint32_t halves = std::min<uint32_t>(h1 - h0, 16);
      s.incoming = static_cast<uint8_t>(s.incoming >> std::min<uint32_t>(halves, 8));
    }
    const uint32_t d0 = from / kDayBucket, d1 = t / kDayBucket;
    if (d1 > d0) {
      const uint32_t shift = std::min<uint32_t>(d1 - d0, 8);
      s.cell_moves = static_cast<uint8_t>(s.cell_moves >> shift);
      s.region_conflicts = static_cast<uint8_t>(s.region_conflicts >> shift);
      s.sim_changes = static_cast<uint8_t>(s.sim_changes >> shift);
      const unsigned n = shift >= 4 ? 4 : shift;
      s.intl_failed = static_cast<uint8_t>(((IntlDomestic(s) >> n) & 0xf) |
                                           (((FailedVerstat(s) >> n) & 0xf) << 4));
    }
    s.last_s = t;
  }

  // The number's record, created at time t; null when the table is full
  // (counted: the event then updates nothing for that number).
  NumberState* State(uint64_t number, uint32_t t) {
    bool created;
    NumberState* s = numbers.Get(number, &created);
    if (s == nullptr) {
      ++stats.dropped;
      return nullptr;
    }
    if (created) s->last_s = t;
    return s;
  }

  struct HourSums {
    int attempts = 0, completed = 0, answered = 0, under60 = 0, abandoned = 0;
    double talk_s = 0;
  };
  static HourSums Hour(const NumberState& s) {
    HourSums h;
    for (const HourBucket& b : s.hour) {
      h.attempts += b.attempts;
      h.completed += b.completed;
      h.answered += b.answered;
      h.under60 += b.under60;
      h.abandoned += b.abandoned;
      h.talk_s += b.talk4 * 4.0;
    }
    return h;
  }

  void Process(const events::CallEvent& e) {
    ++stats.events;
    const uint32_t t = Seconds(e.time_us);
    const bool completed = e.kind == events::EventKind::kCompleted;
    bool joined = false;
    if (!e.call_id.empty()) {
      if (joins.empty()) joins.assign(kJoinSlots, 0);  // only feeds with call ids need it
      const uint64_t h = Mix(std::hash<std::string_view>{}(e.call_id.view())) | 1;
      uint64_t& slot = joins[h & (joins.size() - 1)];
      if (!completed) {
        slot = h;
      } else if (slot == h) {
        joined = true;
        slot = 0;
        ++stats.joined;
      }
    }
    const double factor = Factor(e.time_us);
    if (e.caller == 0) {
      ++stats.unknown_callers;
    } else {
      CallerSide(e, t, completed, joined, factor);
    }
    if (e.callee != 0 && !joined) CalleeSide(e, t, factor);
    if (++since_sweep >= kSweepEvery) Sweep(t);
  }

  // Processes events in order, loading the records of the events a few places
  // ahead meanwhile, so that the cache misses of several events overlap.
  void ProcessBatch(std::span<const events::CallEvent> batch) {
    constexpr std::size_t kSlotsAhead = 16, kRecordsAhead = 8;
    const std::size_t n = batch.size();
    for (std::size_t i = 0; i < n; ++i) {
      if (i + kSlotsAhead < n) {
        const events::CallEvent& f = batch[i + kSlotsAhead];
        numbers.PrefetchSlot(f.caller);
        numbers.PrefetchSlot(f.callee);
        if (f.imei != 0) imeis.PrefetchSlot(f.imei);
      }
      if (i + kRecordsAhead < n) {
        const events::CallEvent& f = batch[i + kRecordsAhead];
        numbers.PrefetchRecord(f.caller);
        numbers.PrefetchRecord(f.callee);
        if (f.imei != 0) imeis.PrefetchRecord(f.imei);
        plan.Prefetch(f.caller);
      }
      Process(batch[i]);
    }
  }

  void CallerSide(const events::CallEvent& e, uint32_t t, bool completed, bool joined,
                  double factor) {
    NumberState* sp = State(e.caller, t);
    if (sp == nullptr) return;
    NumberState& s = *sp;
    Advance(s, t);
    if (!joined) {
      Inc(s.minute[(t / kMinuteBucket) % kMinuteN]);
      Inc(s.hour[(t / kHourBucket) % kHourN].attempts);
      Inc(s.day[(t / kDayBucket) % kDayN].attempts);
      const unsigned half = (t / kHalfHour) & 1;
      s.bits[half] |= uint64_t{1} << (Mix(e.callee) >> 58);
      const uint32_t callee_low = static_cast<uint32_t>(e.callee);
      if (s.last_callee != 0 && callee_low - s.last_callee - 1 < 10) Inc(s.seq[half]);
      s.last_callee = callee_low;
    }
    if (completed) {
      HourBucket& hb = s.hour[(t / kHourBucket) % kHourN];
      DayBucket& db = s.day[(t / kDayBucket) % kDayN];
      Inc(hb.completed);
      Inc(db.completed);
      if (e.answered) {
        Inc(hb.answered);
        Inc(db.answered);
        if (e.talk_ms < 60'000) Inc(hb.under60);
        Inc(hb.talk4, (e.talk_ms + 2000) / 4000);
      } else if (e.ring_ms > 0 && e.ring_ms <= static_cast<uint32_t>(config.one_ring.max_ring_ms) &&
                 (e.release_cause == 0 || e.release_cause == 16 || e.release_cause == 31)) {
        Inc(hb.abandoned);
      }
    }
    // One SIM per number: another IMSI is a cloned SIM or a spoofed number.
    const uint32_t imsi = e.imsi == 0 ? 0 : static_cast<uint32_t>(Mix(e.imsi)) | 1;
    const bool other_sim = imsi != 0 && s.imsi != 0 && imsi != s.imsi;
    if (other_sim) Inc(s.sim_changes);
    if (e.cell_id != 0) {
      if (s.cell != 0 && s.cell != e.cell_id) {
        Inc(s.cell_moves);
        // Two distant regions sooner than travel allows — unless the same SIM
        // made both calls (a phone on a border, a handover).
        const uint64_t r0 = s.cell / config.spoofing.region_divisor;
        const uint64_t r1 = e.cell_id / config.spoofing.region_divisor;
        const bool same_sim = imsi != 0 && imsi == s.imsi;
        if (r0 != r1 && !same_sim &&
            Elapsed(s.cell_s, t) < static_cast<uint32_t>(config.spoofing.travel_s)) {
          Inc(s.region_conflicts);
        }
      }
      s.cell = e.cell_id;
      s.cell_s = t;
    }
    if (e.verstat == events::Verstat::kFailed && FailedVerstat(s) < 15) s.intl_failed += 0x10;
    bool invalid = false;
    if (e.international || config.spoofing.invalid_caller) {
      const NumberInfo info = plan.Classify(e.caller);
      invalid = !info.valid;
      // A home-network number from abroad is spoofed unless it is our roaming
      // subscriber, whose calls carry the SIM (IMSI) the number calls with.
      const bool roaming = imsi != 0 && imsi == s.imsi;
      if (e.international && info.valid && info.Region() == plan.home_region() && !roaming &&
          IntlDomestic(s) < 15) {
        ++s.intl_failed;
      }
    }
    if (imsi != 0) s.imsi = imsi;
    if (e.imei != 0) Imei(e, t, s);
    if (s.fired != 0) Touch(s, e, Role::kCaller);
    if (Allowed(e.caller)) return;
    EvaluateCaller(s, e, invalid, factor);
  }

  // Numbers sharing one IMEI (a handset holds one or two SIMs; a SIM box
  // dozens). The numbers seen once the IMEI has two are named in the finding;
  // any earlier one is flagged at its next call.
  void Imei(const events::CallEvent& e, uint32_t t, NumberState& s) {
    bool created;
    ImeiState* imp = imeis.Get(e.imei, &created);
    if (imp == nullptr) return;
    ImeiState& im = *imp;
    const uint32_t last = im.last_s();
    if (!created && t > last && t - last > 86400) {
      im.bits = 0;
      im.last = last;  // not a SIM box any more
    }
    if (!created && t > last) {
      const uint32_t h0 = last / kHalfHour, h1 = t / kHalfHour;
      if (h1 - h0 >= 2) {
        im.calls[0] = im.calls[1] = 0;
      } else if (h1 > h0) {
        im.calls[h1 & 1] = 0;
      }
    }
    if (created || t > last) im.last = (im.last & ImeiState::kFlagged) | t;
    im.bits = static_cast<uint16_t>(im.bits | (1u << (Mix(e.caller) >> 60)));
    Inc(im.calls[(t / kHalfHour) & 1]);
    const int n = std::popcount(im.bits);
    if (n < 2) return;
    Involved& inv = imei_numbers[e.imei];
    inv.Add(e.caller);
    inv.last_s = t;
    // Several SIMs in one device, and busy: a SIM box's outgoing volume and
    // velocity (handsets sharing a duplicated IMEI, which counterfeit phones
    // have, call a few times a day each).
    if (!im.flagged() && (n < config.simbox.numbers_per_imei ||
                          im.CallsLastHour() < config.simbox.imei_calls_per_hour)) {
      return;
    }
    im.last |= ImeiState::kFlagged;
    const std::vector<uint64_t> related(inv.numbers.begin(), inv.numbers.begin() + inv.n);
    for (uint8_t i = 0; i < inv.n; ++i) {
      const uint64_t other = inv.numbers[i];
      if (Allowed(other)) continue;
      NumberState* os = other == e.caller ? &s : numbers.Find(other);
      if (os == nullptr || (os->fired & Bit(Detector::kSimBox))) continue;
      Raise(*os, e, Detector::kSimBox, Role::kCaller,
            n >= 2 * config.simbox.numbers_per_imei ? 3 : 2, 86400,
            "about " + std::to_string(n) + " numbers behind one IMEI (" + std::to_string(e.imei) +
                "), " + std::to_string(im.CallsLastHour()) + " calls through it within an hour",
            {{"numbers_on_imei", double(n)},
             {"calls_on_imei_hour", double(im.CallsLastHour())},
             {"imei", double(e.imei)}},
            related);
    }
  }

  // The upper end of the one-sided 95 % Wilson interval of an answer rate.
  static double AsrUpper(int answered, int completed) {
    if (completed <= 0) return 1;
    constexpr double z = 1.645;
    const double n = completed, p = answered / n;
    const double centre = p + z * z / (2 * n);
    const double spread = z * std::sqrt(p * (1 - p) / n + z * z / (4 * n * n));
    return (centre + spread) / (1 + z * z / n);
  }

  static unsigned IntlDomestic(const NumberState& s) { return s.intl_failed & 0xf; }
  static unsigned FailedVerstat(const NumberState& s) { return s.intl_failed >> 4; }

  static uint8_t Bit(Detector d) { return static_cast<uint8_t>(1u << static_cast<unsigned>(d)); }

  void EvaluateCaller(NumberState& s, const events::CallEvent& e, bool invalid, double factor) {
    const EngineConfig& c = config;
    auto fired = [&](Detector d) { return (s.fired & Bit(d)) != 0; };
    if (invalid && !fired(Detector::kSpoofing)) {
      Raise(s, e, Detector::kSpoofing, Role::kCaller, 3, 0,
            "caller number is not valid in the numbering plan", {}, {});
    }
    if (!fired(Detector::kSpoofing)) {
      if (IntlDomestic(s) >= static_cast<unsigned>(c.spoofing.domestic_on_international)) {
        Raise(s, e, Detector::kSpoofing, Role::kCaller, 3, 86400,
              std::to_string(IntlDomestic(s)) +
                  " calls from a home-network number arrived from abroad",
              {{"domestic_on_international", double(IntlDomestic(s))}}, {});
      } else if (FailedVerstat(s) >= static_cast<unsigned>(c.spoofing.failed_verification)) {
        Raise(s, e, Detector::kSpoofing, Role::kCaller, 2, 86400,
              std::to_string(FailedVerstat(s)) + " calls failed caller verification",
              {{"failed_verification", double(FailedVerstat(s))}}, {});
      } else if (s.sim_changes >= c.spoofing.sim_changes) {
        Raise(s, e, Detector::kSpoofing, Role::kCaller, 3, 86400,
              "calls from one number through " + std::to_string(s.sim_changes) +
                  " changes of SIM (IMSI): a cloned SIM or a spoofed number",
              {{"sim_changes", double(s.sim_changes)}}, {});
      } else if (s.region_conflicts >= c.spoofing.region_conflicts) {
        Raise(s, e, Detector::kSpoofing, Role::kCaller, 2, 86400,
              "calls from distant regions closer in time than travel allows",
              {{"region_conflicts", double(s.region_conflicts)}}, {});
      }
    }
    // Cheap exit for ordinary callers.
    int minute = 0;
    for (uint8_t m : s.minute) minute += m;
    int day_attempts = 0, day_completed = 0, day_answered = 0;
    for (const DayBucket& b : s.day) {
      day_attempts += b.attempts;
      day_completed += b.completed;
      day_answered += b.answered;
    }
    if (day_attempts < 6) return;
    const HourSums h = Hour(s);
    const double asr = h.completed > 0 ? double(h.answered) / h.completed : 0;
    const double acd = h.answered > 0 ? h.talk_s / h.answered : 0;
    const bool legitimate = h.answered >= c.legitimate.answered && asr >= c.legitimate.min_asr &&
                            acd >= c.legitimate.min_acd_s;
    const int distinct = DistinctEstimate(s.bits[0] | s.bits[1]);
    const int seq = s.seq[0] + s.seq[1];
    if (!legitimate && !fired(Detector::kMarketing)) {
      // Unwanted marketing is seldom answered and short when it is (dialler
      // traffic: ACD under a minute): where the feed reports outcomes (CDRs),
      // they must show it with confidence (the answer rate's 95 % upper bound
      // under the threshold: ten calls of a caller answering 75 % of the time
      // show 50 % often enough); where it does not (signalling only), volume
      // decides.
      const bool asr_low =
          h.completed == 0 ||
          (h.completed >= 10 && AsrUpper(h.answered, h.completed) <= c.marketing.max_asr &&
           acd < c.robocall.max_acd_s);
      std::string reason;
      int window = 3600;
      if (minute >= Scaled(c.marketing.per_minute, factor) &&
          distinct >= Scaled(c.marketing.per_minute, factor) && asr_low) {
        reason = std::to_string(minute) + " calls within a minute";
        window = 60;
      } else if (h.attempts >= Scaled(c.marketing.per_hour, factor) &&
                 distinct >= Scaled(c.marketing.distinct_per_hour, factor) && asr_low) {
        reason = std::to_string(h.attempts) + " calls to about " + std::to_string(distinct) +
                 " numbers within an hour";
      } else if (seq >= c.marketing.sequential) {
        reason = std::to_string(seq) + " calls to ascending numbers (sequential dialling)";
      } else if (day_attempts >= Scaled(c.marketing.per_day, factor) && day_completed >= 10 &&
                 double(day_answered) / day_completed <= c.marketing.day_max_asr) {
        reason = std::to_string(day_attempts) + " calls within a day, few answered";
        window = 86400;
      }
      if (!reason.empty()) {
        const double ratio = double(h.attempts) / Scaled(c.marketing.per_hour, factor);
        Raise(s, e, Detector::kMarketing, Role::kCaller, ratio >= 2 ? 3 : 2, window, reason,
              {{"attempts_minute", double(minute)},
               {"attempts_hour", double(h.attempts)},
               {"distinct_callees", double(distinct)},
               {"asr", asr},
               {"acd_s", acd},
               {"sequential", double(seq)},
               {"attempts_day", double(day_attempts)}},
              {});
      }
    }
    if (!legitimate && !fired(Detector::kRobocall) &&
        h.answered >= Scaled(c.robocall.answered, factor) &&
        AsrUpper(h.answered, h.completed) <= c.robocall.max_asr && acd < c.robocall.max_acd_s &&
        double(h.under60) / h.answered >= c.robocall.short_share) {
      Raise(s, e, Detector::kRobocall, Role::kCaller, 2, 3600,
            std::to_string(h.answered) + " answered calls averaging " +
                std::to_string(static_cast<int>(acd)) + " s (auto-dialler shape)",
            {{"answered", double(h.answered)},
             {"acd_s", acd},
             {"under60_share", double(h.under60) / h.answered},
             {"asr", asr}},
            {});
    }
    // Wangiri rings and drops nearly every call; a caller whose calls are
    // mostly answered (an alerting burst) leaves some short rings too.
    if (!fired(Detector::kOneRing) && h.abandoned >= Scaled(c.one_ring.abandoned, factor) &&
        distinct >= c.one_ring.distinct &&
        h.abandoned >= c.one_ring.min_share * std::max(h.completed, 1)) {
      Raise(s, e, Detector::kOneRing, Role::kCaller, e.international ? 3 : 2, 3600,
            std::to_string(h.abandoned) + " calls rung briefly and dropped by the caller",
            {{"abandoned", double(h.abandoned)},
             {"distinct_callees", double(distinct)},
             {"international", e.international ? 1.0 : 0.0}},
            {});
    }
    if (!fired(Detector::kSimBox) && day_attempts >= Scaled(c.simbox.per_day, factor) &&
        s.incoming == 0 && s.cell != 0 && s.cell_moves == 0) {
      Raise(s, e, Detector::kSimBox, Role::kCaller, 2, 86400,
            std::to_string(day_attempts) +
                " outgoing calls within a day from one cell, none received",
            {{"attempts_day", double(day_attempts)}, {"cell", double(s.cell)}}, {});
    }
  }

  void CalleeSide(const events::CallEvent& e, uint32_t t, double factor) {
    NumberState* sp = State(e.callee, t);
    if (sp == nullptr) return;
    NumberState& s = *sp;
    Advance(s, t);
    CalleeBucket& cb = s.callee[(t / kCalleeBucket) % kCalleeN];
    Inc(cb.attempts);
    if (e.kind == events::EventKind::kCompleted && !e.answered) Inc(cb.unanswered);
    Inc(s.incoming);
    if (s.fired != 0) Touch(s, e, Role::kCallee);
    int received = 0, unanswered = 0;
    for (const CalleeBucket& b : s.callee) {
      received += b.attempts;
      unanswered += b.unanswered;
    }
    const int threshold = Scaled(config.bombing.attempts, factor);
    if (received * 2 < threshold) return;
    Involved& inv = hot_callees[e.callee];
    if (Elapsed(inv.last_s, t) > 5 * 60) inv = Involved{};
    inv.Add(e.caller);
    inv.last_s = t;
    if (received < threshold || Allowed(e.callee)) return;
    const int callers_seen = std::max(1, inv.distinct());
    const double repeat = double(received) / callers_seen;
    // Few callers ringing again and again; or, spread over many callers (a
    // distributed attack defeats per-caller limits), twice the volume with the
    // victim answering almost none — a hotline answers most of its calls.
    const bool distributed =
        received >= 2 * threshold && unanswered >= config.bombing.unanswered_share * received;
    if (repeat < config.bombing.min_repeat && !distributed) return;
    std::vector<uint64_t> callers;
    for (uint8_t i = 0; i < inv.n; ++i) {
      // Allow-listed callers are never named (nor refused) as bombers.
      if (inv.counts[i] >= config.bombing.caller_attempts && !Allowed(inv.numbers[i])) {
        callers.push_back(inv.numbers[i]);
      }
    }
    if ((s.fired & Bit(Detector::kBombing)) == 0) {
      Raise(s, e, Detector::kBombing, Role::kCallee, received >= 2 * threshold ? 3 : 2, 300,
            std::to_string(received) + " calls to this number within five minutes from " +
                std::to_string(callers_seen) + " callers",
            {{"attempts", double(received)},
             {"callers", double(callers_seen)},
             {"repeat", repeat},
             {"unanswered", double(unanswered)}},
            callers);
    }
    for (uint64_t caller : callers) {
      if (caller == 0) continue;
      NumberState* cs = numbers.Find(caller);
      if (cs == nullptr || (cs->fired & Bit(Detector::kBombing))) continue;
      Raise(*cs, e, Detector::kBombing, Role::kCaller, 3, 300,
            "repeated calls to one number under call bombing",
            {{"attempts_to_victim", double(received)}}, {e.callee});
    }
  }

  void Raise(NumberState& s, const events::CallEvent& e, Detector d, Role role, uint8_t severity,
             int32_t window_s, std::string reason, std::vector<Figure> figures,
             std::vector<uint64_t> related) {
    s.fired |= Bit(d);
    ActiveFinding& a = active[FindingKey(Key(s), d)];
    a.finding = Finding{};
    Finding& f = a.finding;
    f.number = Key(s);
    f.detector = d;
    f.role = role;
    f.severity = severity;
    f.first_seen_us = f.last_seen_us = e.time_us;
    f.window_s = window_s;
    f.calls = 1;
    f.reason = std::move(reason);
    f.figures = std::move(figures);
    f.related = std::move(related);
    a.last_emit_s = s.last_s;
    a.dirty = false;
    ++stats.findings;
    if (sink != nullptr) sink->OnFinding(f);
  }

  static uint64_t Key(const NumberState& s) { return s.number; }

  // An event from (or to) a number with active findings: they move on.
  void Touch(NumberState& s, const events::CallEvent& e, Role role) {
    for (std::size_t d = 0; d < kDetectorCount; ++d) {
      if ((s.fired & (1u << d)) == 0) continue;
      auto it = active.find(FindingKey(s.number, static_cast<Detector>(d)));
      if (it == active.end() || it->second.finding.role != role) continue;
      ActiveFinding& a = it->second;
      a.finding.last_seen_us = std::max(a.finding.last_seen_us, e.time_us);
      ++a.finding.calls;
      a.dirty = true;
      if (Elapsed(a.last_emit_s, s.last_s) >= static_cast<uint32_t>(config.update_interval_s))
        Emit(a, s.last_s);
    }
  }

  void Emit(ActiveFinding& a, uint32_t t) {
    ++a.finding.updates;
    a.last_emit_s = t;
    a.dirty = false;
    if (sink != nullptr) sink->OnFinding(a.finding);
  }

  // Drops numbers idle for more than a day (their findings end: a last update
  // goes out if one is pending), and involvement lists gone cold.
  void Sweep(uint32_t t) {
    since_sweep = 0;
    if (t < last_sweep_s + kHourBucket) return;
    last_sweep_s = t;
    std::vector<uint64_t> idle;
    numbers.ForEach([&](NumberState& s) {
      if (Elapsed(s.last_s, t) > kIdleDrop) idle.push_back(s.number);
    });
    for (uint64_t n : idle) {
      NumberState* s = numbers.Find(n);
      if (s->fired != 0) {
        for (std::size_t d = 0; d < kDetectorCount; ++d) {
          auto it = active.find(FindingKey(n, static_cast<Detector>(d)));
          if (it == active.end()) continue;
          if (it->second.dirty) Emit(it->second, t);
          active.erase(it);
        }
      }
      numbers.Erase(n);
    }
    std::vector<uint64_t> idle_imeis;
    imeis.ForEach([&](ImeiState& s) {
      if (Elapsed(s.last_s(), t) > kIdleDrop) idle_imeis.push_back(s.imei);
    });
    for (uint64_t i : idle_imeis) imeis.Erase(i);
    absl::erase_if(hot_callees, [&](const auto& kv) { return Elapsed(kv.second.last_s, t) > 600; });
    absl::erase_if(imei_numbers,
                   [&](const auto& kv) { return Elapsed(kv.second.last_s, t) > 86400; });
  }

  // Flushes pending finding updates (end of a replay).
  void FlushUpdates() {
    for (auto& [key, a] : active) {
      if (a.dirty) Emit(a, a.last_emit_s);
    }
  }

  const NumberPlan& plan;
  FindingSink* sink;
  EngineConfig config;
  absl::flat_hash_map<uint64_t, bool> allow;
  std::vector<std::pair<uint64_t, int>> allow_prefix_values;
  bool based = false;
  int64_t base_s = 0;
  std::vector<uint64_t> joins;  // recent attempts' call-id hashes (direct-mapped)
  Table<NumberState> numbers;
  Table<ImeiState> imeis;
  absl::flat_hash_map<uint64_t, Involved> hot_callees;
  absl::flat_hash_map<uint64_t, Involved> imei_numbers;
  absl::flat_hash_map<uint64_t, ActiveFinding> active;
  uint32_t since_sweep = 0;
  uint32_t last_sweep_s = 0;
  EngineStats stats;
  mutable std::mutex mu;
};

Engine::Engine(const NumberPlan& plan, EngineConfig config, FindingSink* sink)
    : impl_(std::make_unique<Impl>(plan, std::move(config), sink)) {}

Engine::~Engine() = default;

void Engine::Process(const events::CallEvent& event) { impl_->Process(event); }

void Engine::Process(std::span<const events::CallEvent> events) { impl_->ProcessBatch(events); }

void Engine::Publish(const events::CallEvent& event) {
  std::lock_guard lock(impl_->mu);
  impl_->Process(event);
}

Status Engine::Reconfigure(EngineConfig config) {
  QUELL_RETURN_IF_ERROR(config.Validate());
  std::lock_guard lock(impl_->mu);
  impl_->SetConfig(std::move(config));
  return Status::Ok();
}

void Engine::FlushUpdates() {
  std::lock_guard lock(impl_->mu);
  impl_->FlushUpdates();
}

Engine::Live Engine::LiveFindings(uint64_t number) const {
  static constexpr std::array<Detector, kDetectorCount> kByHarm = {
      Detector::kBombing, Detector::kOneRing,  Detector::kSpoofing,
      Detector::kSimBox,  Detector::kRobocall, Detector::kMarketing};
  Live live;
  std::lock_guard lock(impl_->mu);
  const NumberState* s = impl_->numbers.Find(number);
  if (s == nullptr || s->fired == 0) return live;
  live.detectors = s->fired;
  for (Detector d : kByHarm) {
    if (!live.has(d)) continue;
    auto it = impl_->active.find(FindingKey(number, d));
    if (it == impl_->active.end()) continue;
    if (it->second.finding.severity > live.severity) {
      live.severity = it->second.finding.severity;
      live.strongest = d;
    }
  }
  return live;
}

bool Engine::BombingCaller(uint64_t caller, uint64_t callee) const {
  std::lock_guard lock(impl_->mu);
  auto named = [&](uint64_t subject, uint64_t other) {
    const NumberState* s = impl_->numbers.Find(subject);
    if (s == nullptr || (s->fired & Impl::Bit(Detector::kBombing)) == 0) return false;
    auto it = impl_->active.find(FindingKey(subject, Detector::kBombing));
    if (it == impl_->active.end()) return false;
    const auto& related = it->second.finding.related;
    return std::find(related.begin(), related.end(), other) != related.end();
  };
  return named(callee, caller) || named(caller, callee);
}

EngineStats Engine::stats() const {
  std::lock_guard lock(impl_->mu);
  EngineStats s = impl_->stats;
  s.active_numbers = impl_->numbers.size();
  s.active_imeis = impl_->imeis.size();
  return s;
}

}  // namespace quell::detect
