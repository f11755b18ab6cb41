// What both CDR fuzz targets check (fuzz/cdr_csv_fuzz.cc, fuzz/cdr_jsonl_fuzz.cc):
// the reader (events/cdr_reader.h) never crashes on arbitrary bytes, reads the
// same events, counts and errors whatever the chunking, and keeps its
// promises — every event has a callee, every error a line and a reason, the
// error list stays bounded, and every row is either an event or counted bad.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "quell/core/number_plan.h"
#include "quell/events/cdr_reader.h"

namespace quell::fuzz {

inline bool SameEvent(const events::CallEvent& a, const events::CallEvent& b) {
  return a.time_us == b.time_us && a.caller == b.caller && a.callee == b.callee &&
         a.kind == b.kind && a.direction == b.direction && a.answered == b.answered &&
         a.international == b.international && a.attest == b.attest && a.verstat == b.verstat &&
         a.release_cause == b.release_cause && a.ring_ms == b.ring_ms && a.talk_ms == b.talk_ms &&
         a.imsi == b.imsi && a.imei == b.imei && a.cell_id == b.cell_id &&
         a.call_id.view() == b.call_id.view() && a.trunk.view() == b.trunk.view();
}

struct CdrRead {
  std::vector<events::CallEvent> events;
  events::CdrStats stats;
  std::vector<events::CdrError> errors;
  bool ok = true;
};

inline CdrRead ReadCdr(events::CdrFormat format, std::string_view input, std::size_t chunk) {
  static const NumberPlan plan("CN");
  constexpr std::size_t kMaxErrors = 8;
  events::CdrReader reader(plan, format, {.max_errors = kMaxErrors, .max_line_bytes = 512});
  CdrRead r;
  for (std::size_t at = 0; at < input.size(); at += chunk) {
    reader.Feed(input.substr(at, chunk), r.events);
  }
  reader.Finish(r.events);
  r.stats = reader.stats();
  r.errors = reader.errors();
  r.ok = reader.status().ok();
  if (!r.ok && reader.status().message().empty()) std::abort();
  if (r.stats.events != r.events.size()) std::abort();
  if (r.stats.events + r.stats.bad > r.stats.lines) std::abort();
  if (r.errors.size() > kMaxErrors) std::abort();
  if (r.errors.size() > r.stats.bad + (r.ok ? 0 : 1)) std::abort();
  uint64_t last_line = 0;
  for (const events::CdrError& e : r.errors) {
    if (e.line == 0 || e.line < last_line || e.line > r.stats.lines || e.reason.empty()) {
      std::abort();
    }
    last_line = e.line;
  }
  for (const events::CallEvent& e : r.events) {
    if (e.callee == 0 || e.time_us < 0) std::abort();
    if (r.stats.invalid_caller == 0 && e.caller == 0) std::abort();
  }
  return r;
}

inline void CheckCdr(events::CdrFormat format, const uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const CdrRead whole = ReadCdr(format, input, input.size() + 1);
  for (std::size_t chunk : {std::size_t{1}, std::size_t{7}}) {
    const CdrRead r = ReadCdr(format, input, chunk);
    if (r.stats != whole.stats || r.errors != whole.errors || r.ok != whole.ok ||
        r.events.size() != whole.events.size()) {
      std::abort();
    }
    for (std::size_t i = 0; i < r.events.size(); ++i) {
      if (!SameEvent(r.events[i], whole.events[i])) std::abort();
    }
  }
}

}  // namespace quell::fuzz
