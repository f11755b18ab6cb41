#include "quell/events/internal/cdr_fields.h"

#include <cstring>
#include <tuple>

#include "quell/core/civil_time.h"
#include "quell/core/number_plan.h"

namespace quell::events::internal {
namespace {

constexpr std::string_view kNames[kFieldCount] = {
    "time",   "caller", "callee",        "kind",    "answered", "ring_ms",   "talk_ms",
    "ring_s", "talk_s", "release_cause", "call_id", "trunk",    "direction", "international",
    "imsi",   "imei",   "cell_id",       "attest",  "verstat"};

char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// `text` equals the lower-case `word`, ignoring ASCII case.
bool Is(std::string_view text, std::string_view word) {
  if (text.size() != word.size()) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (Lower(text[i]) != word[i]) return false;
  }
  return true;
}

// The value of a decimal digit, or a value above 9 for any other byte.
unsigned Digit(char c) { return static_cast<unsigned>(static_cast<unsigned char>(c)) - '0'; }

bool TwoDigits(std::string_view s, std::size_t at, int* v) {
  const unsigned a = Digit(s[at]), b = Digit(s[at + 1]);
  *v = static_cast<int>(a * 10 + b);
  return a <= 9 && b <= 9;
}

constexpr int64_t kMaxUnixSeconds = 253'402'300'799;  // 9999-12-31T23:59:59Z
constexpr const char* kBadTime = "expected RFC 3339 or Unix seconds";

// The digits at *at as a fraction of a second in microseconds (beyond six
// digits truncated); *at moves past them. False when there is no digit.
bool Fraction(std::string_view s, std::size_t* at, int64_t* us) {
  std::size_t i = *at;
  int64_t v = 0;
  int n = 0;
  while (i < s.size() && Digit(s[i]) <= 9) {
    if (n < 6) v = v * 10 + Digit(s[i]);
    ++n;
    ++i;
  }
  if (n == 0) return false;
  for (int k = n; k < 6; ++k) v *= 10;
  *us = v;
  *at = i;
  return true;
}

const char* ParseRfc3339(std::string_view s, int64_t* us) {
  // YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM); 'T' may be 't' or a space.
  if (s.size() < 19 || s[4] != '-' || s[7] != '-' || s[13] != ':' || s[16] != ':' ||
      (s[10] != 'T' && s[10] != 't' && s[10] != ' ')) {
    return kBadTime;
  }
  int y1 = 0, y2 = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  if (!TwoDigits(s, 0, &y1) || !TwoDigits(s, 2, &y2) || !TwoDigits(s, 5, &mo) ||
      !TwoDigits(s, 8, &d) || !TwoDigits(s, 11, &h) || !TwoDigits(s, 14, &mi) ||
      !TwoDigits(s, 17, &sec)) {
    return kBadTime;
  }
  const int y = y1 * 100 + y2;
  std::size_t i = 19;
  int64_t frac = 0;
  if (i < s.size() && s[i] == '.') {
    ++i;
    if (!Fraction(s, &i, &frac)) return kBadTime;
  }
  int offset_min = 0;
  if (i == s.size()) return "no UTC offset (end it with Z or +08:00)";
  if ((s[i] == 'Z' || s[i] == 'z') && i + 1 == s.size()) {
    offset_min = 0;
  } else if ((s[i] == '+' || s[i] == '-') && i + 6 == s.size() && s[i + 3] == ':') {
    int oh = 0, om = 0;
    if (!TwoDigits(s, i + 1, &oh) || !TwoDigits(s, i + 4, &om)) return kBadTime;
    if (oh > 23 || om > 59) return "not a valid date or time";
    offset_min = (s[i] == '-' ? -1 : 1) * (oh * 60 + om);
  } else {
    return kBadTime;
  }
  if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > DaysInMonth(y, mo) || h > 23 || mi > 59 ||
      sec > 60) {
    return y < 1970 ? "before 1970" : "not a valid date or time";
  }
  const int64_t secs = DaysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec -
                       static_cast<int64_t>(offset_min) * 60;
  if (secs < 0) return "before 1970";
  *us = secs * 1'000'000 + frac;
  return nullptr;
}

const char* ParseUnixSeconds(std::string_view s, int64_t* us) {
  std::size_t i = 0;
  int64_t secs = 0;
  while (i < s.size() && Digit(s[i]) <= 9) {
    if (i == 12) return "out of range (after 9999)";
    secs = secs * 10 + Digit(s[i]);
    ++i;
  }
  if (i == 0) return kBadTime;
  int64_t frac = 0;
  if (i < s.size() && s[i] == '.') {
    ++i;
    if (!Fraction(s, &i, &frac)) return kBadTime;
  }
  if (i != s.size()) return kBadTime;
  if (secs > kMaxUnixSeconds) return "out of range (after 9999)";
  *us = secs * 1'000'000 + frac;
  return nullptr;
}

// Digits only, at most `max_digits` of them (<= 19, so the value fits).
bool ParseDigits(std::string_view s, std::size_t max_digits, uint64_t* v) {
  if (s.empty() || s.size() > max_digits) return false;
  uint64_t x = 0;
  for (char c : s) {
    const unsigned d = Digit(c);
    if (d > 9) return false;
    x = x * 10 + d;
  }
  *v = x;
  return true;
}

const char* ParseMillis(std::string_view s, uint32_t* ms) {
  uint64_t v = 0;
  if (!ParseDigits(s, 19, &v)) return "expected whole milliseconds";
  if (v > UINT32_MAX) return "out of range (at most 4294967295)";
  *ms = static_cast<uint32_t>(v);
  return nullptr;
}

// Decimal seconds ("12", "12.5", "0.250") as milliseconds, rounded to the nearest.
const char* ParseSecondsAsMillis(std::string_view s, uint32_t* ms) {
  std::size_t i = 0;
  uint64_t secs = 0;
  while (i < s.size() && Digit(s[i]) <= 9) {
    if (i == 10) return "out of range (at most 4294967 seconds)";
    secs = secs * 10 + Digit(s[i]);
    ++i;
  }
  if (i == 0) return "expected decimal seconds";
  uint64_t frac = 0;  // thousandths
  if (i < s.size() && s[i] == '.') {
    ++i;
    int n = 0;
    bool round_up = false;
    while (i < s.size() && Digit(s[i]) <= 9) {
      if (n < 3) frac = frac * 10 + Digit(s[i]);
      if (n == 3) round_up = Digit(s[i]) >= 5;
      ++n;
      ++i;
    }
    if (n == 0) return "expected decimal seconds";
    for (int k = n; k < 3; ++k) frac *= 10;
    frac += round_up ? 1 : 0;
  }
  if (i != s.size()) return "expected decimal seconds";
  const uint64_t v = secs * 1000 + frac;
  if (v > UINT32_MAX) return "out of range (at most 4294967 seconds)";
  *ms = static_cast<uint32_t>(v);
  return nullptr;
}

bool ParseBool(std::string_view s, bool* b) {
  if (Is(s, "1") || Is(s, "true") || Is(s, "yes")) {
    *b = true;
    return true;
  }
  if (Is(s, "0") || Is(s, "false") || Is(s, "no")) {
    *b = false;
    return true;
  }
  return false;
}

constexpr const char* kBadBool = "expected 1, 0, true, false, yes or no";

}  // namespace

std::string_view FieldName(Field f) {
  return f < Field::kCount ? kNames[static_cast<std::size_t>(f)] : std::string_view("row");
}

Field FieldOf(std::string_view name) {
  // Called for every key of every JSON line: compare only the names of the
  // same length and first letter (at most two).
  static constexpr std::size_t kMaxName = 13;
  struct Index {
    uint8_t fields[kMaxName + 1][8];
    uint8_t count[kMaxName + 1];
  };
  static constexpr Index kIndex = [] {
    Index index{};
    for (std::size_t i = 0; i < kFieldCount; ++i) {
      const std::size_t len = kNames[i].size();
      index.fields[len][index.count[len]++] = static_cast<uint8_t>(i);
    }
    return index;
  }();
  if (name.empty() || name.size() > kMaxName) return Field::kNone;
  const char first = Lower(name[0]);
  const std::size_t len = name.size();
  for (uint8_t k = 0; k < kIndex.count[len]; ++k) {
    const std::string_view candidate = kNames[kIndex.fields[len][k]];
    // Names are mostly written in lower case already: memcmp first.
    if (candidate[0] == first &&
        (std::memcmp(name.data(), candidate.data(), len) == 0 || Is(name, candidate))) {
      return static_cast<Field>(kIndex.fields[len][k]);
    }
  }
  return Field::kNone;
}

const char* ParseTimeUs(std::string_view s, int64_t* us) {
  if (s.size() >= 5 && s[4] == '-') return ParseRfc3339(s, us);
  return ParseUnixSeconds(s, us);
}

bool BuildEvent(const RowValues& row, const NumberPlan& plan, CallEvent* e, RowProblem* problem,
                bool* invalid_caller) {
  auto fail = [&](Field f, const char* reason, std::string_view text = {}) {
    *problem = RowProblem{f, reason, text};
    return false;
  };
  // The required fields first: a row without them is not worth reading on.
  for (Field f : {Field::kTime, Field::kCaller, Field::kCallee}) {
    if (!row.Has(f)) return fail(f, "missing");
  }
  const std::string_view time = row.Get(Field::kTime);
  if (time.empty()) return fail(Field::kTime, "empty");
  if (const char* why = ParseTimeUs(time, &e->time_us)) return fail(Field::kTime, why, time);
  const std::string_view callee = row.Get(Field::kCallee);
  if (callee.empty()) return fail(Field::kCallee, "empty");
  e->callee = plan.ToCompact(callee);
  if (e->callee == 0) return fail(Field::kCallee, "not a phone number", callee);
  const std::string_view caller = row.Get(Field::kCaller);
  e->caller = caller.empty() ? 0 : plan.ToCompact(caller);
  *invalid_caller = e->caller == 0;

  if (const std::string_view v = row.Get(Field::kKind); v.empty() || Is(v, "completed")) {
    e->kind = EventKind::kCompleted;
  } else if (Is(v, "attempt")) {
    e->kind = EventKind::kAttempt;
  } else {
    return fail(Field::kKind, "expected attempt or completed", v);
  }
  for (auto [ms_field, s_field, out] : {std::tuple{Field::kRingMs, Field::kRingS, &e->ring_ms},
                                        std::tuple{Field::kTalkMs, Field::kTalkS, &e->talk_ms}}) {
    *out = 0;
    if (const std::string_view v = row.Get(ms_field); !v.empty()) {
      if (const char* why = ParseMillis(v, out)) return fail(ms_field, why, v);
    } else if (const std::string_view s = row.Get(s_field); !s.empty()) {
      if (const char* why = ParseSecondsAsMillis(s, out)) return fail(s_field, why, s);
    }
  }
  if (const std::string_view v = row.Get(Field::kAnswered); !v.empty()) {
    if (!ParseBool(v, &e->answered)) return fail(Field::kAnswered, kBadBool, v);
  } else {
    e->answered = e->talk_ms > 0;
  }
  e->international = false;
  if (const std::string_view v = row.Get(Field::kInternational); !v.empty()) {
    if (!ParseBool(v, &e->international)) return fail(Field::kInternational, kBadBool, v);
  }
  e->release_cause = 0;
  if (const std::string_view v = row.Get(Field::kReleaseCause); !v.empty()) {
    uint64_t cause = 0;
    if (!ParseDigits(v, 3, &cause) || cause > 127) {
      return fail(Field::kReleaseCause, "expected a Q.850 cause (0-127)", v);
    }
    e->release_cause = static_cast<uint16_t>(cause);
  }
  e->call_id.Assign(row.Get(Field::kCallId));
  e->trunk.Assign(row.Get(Field::kTrunk));
  if (const std::string_view v = row.Get(Field::kDirection); v.empty() || Is(v, "unknown")) {
    e->direction = Direction::kUnknown;
  } else if (Is(v, "terminating")) {
    e->direction = Direction::kTerminating;
  } else if (Is(v, "originating")) {
    e->direction = Direction::kOriginating;
  } else if (Is(v, "transit")) {
    e->direction = Direction::kTransit;
  } else {
    return fail(Field::kDirection, "expected terminating, originating, transit or unknown", v);
  }
  for (auto [field, max_digits, out] : {std::tuple{Field::kImsi, std::size_t{15}, &e->imsi},
                                        std::tuple{Field::kImei, std::size_t{16}, &e->imei},
                                        std::tuple{Field::kCellId, std::size_t{19}, &e->cell_id}}) {
    *out = 0;
    const std::string_view v = row.Get(field);
    if (!v.empty() && !ParseDigits(v, max_digits, out)) {
      return fail(field,
                  max_digits == 15   ? "expected up to 15 digits"
                  : max_digits == 16 ? "expected up to 16 digits"
                                     : "expected up to 19 digits",
                  v);
    }
  }
  if (const std::string_view v = row.Get(Field::kAttest); v.empty()) {
    e->attest = Attest::kNone;
  } else if (v.size() == 1 && Lower(v[0]) >= 'a' && Lower(v[0]) <= 'c') {
    e->attest = static_cast<Attest>(static_cast<int>(Attest::kA) + (Lower(v[0]) - 'a'));
  } else {
    return fail(Field::kAttest, "expected A, B, C or empty", v);
  }
  if (const std::string_view v = row.Get(Field::kVerstat); v.empty()) {
    e->verstat = Verstat::kUnknown;
  } else if (Is(v, "tn-validation-passed")) {
    e->verstat = Verstat::kPassed;
  } else if (Is(v, "tn-validation-failed")) {
    e->verstat = Verstat::kFailed;
  } else if (Is(v, "no-tn-validation")) {
    e->verstat = Verstat::kNoValidation;
  } else {
    return fail(Field::kVerstat,
                "expected TN-Validation-Passed, TN-Validation-Failed, No-TN-Validation or empty",
                v);
  }
  return true;
}

}  // namespace quell::events::internal
