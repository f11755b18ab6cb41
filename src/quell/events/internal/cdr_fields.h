// The columns of a CDR (docs/formats/cdr.md) and the parsers of their values,
// shared by the CSV and JSON-lines readers. Internal to `events`.
//
// Every parser takes the field's text as written (trimmed, unquoted or
// unescaped) and returns nullptr on success or a static reason ("expected
// digits"), so a good row allocates nothing and a bad one is described only
// when its reason is kept.
#pragma once

#include <cstdint>
#include <string_view>

#include "quell/events/call_event.h"

namespace quell {
class NumberPlan;
}

namespace quell::events::internal {

enum class Field : uint8_t {
  kTime,
  kCaller,
  kCallee,
  kKind,
  kAnswered,
  kRingMs,
  kTalkMs,
  kRingS,
  kTalkS,
  kReleaseCause,
  kCallId,
  kTrunk,
  kDirection,
  kInternational,
  kImsi,
  kImei,
  kCellId,
  kAttest,
  kVerstat,
  kCount,
  kNone = kCount,  // an unknown column or key: ignored
};
inline constexpr std::size_t kFieldCount = static_cast<std::size_t>(Field::kCount);

// The column name ("time", "talk_ms"), lower case.
std::string_view FieldName(Field f);
// The field named `name`, ignoring ASCII case; kNone for names the format does not know.
Field FieldOf(std::string_view name);

// The values of one row, by field; `present` has bit f set when the row has the
// column (CSV) or the key (JSON; null counts as present and empty).
struct RowValues {
  std::string_view value[kFieldCount];
  uint32_t present = 0;

  void Clear() { present = 0; }
  void Set(Field f, std::string_view v) {
    value[static_cast<std::size_t>(f)] = v;
    present |= 1u << static_cast<unsigned>(f);
  }
  bool Has(Field f) const { return (present >> static_cast<unsigned>(f)) & 1u; }
  std::string_view Get(Field f) const {
    return Has(f) ? value[static_cast<std::size_t>(f)] : std::string_view();
  }
};

// Why a row is bad: the field (kNone for the row as a whole), a static reason,
// and the offending text (quoted in the message when not empty).
struct RowProblem {
  Field field = Field::kNone;
  const char* reason = nullptr;
  std::string_view text;
};

// The event of a row, or false with `problem` set. `*invalid_caller` is set
// when the caller is not a possible number (the event keeps caller 0).
bool BuildEvent(const RowValues& row, const NumberPlan& plan, CallEvent* event, RowProblem* problem,
                bool* invalid_caller);

// RFC 3339 ("2026-11-29T08:00:00Z", "2026-11-29 16:00:00.250+08:00") or Unix
// seconds with an optional fraction ("1795939200.25") as Unix microseconds
// (fractions beyond µs are truncated).
const char* ParseTimeUs(std::string_view text, int64_t* us);

}  // namespace quell::events::internal
