// CallRow and CdrWriter: one simulated call and its line in the CDR CSV v1
// (docs/simulation.md "Output"). Formatting is by hand into a reused buffer:
// a day of a million subscribers is ~6 million lines.
//
// Not thread-safe: one writer per output stream.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <memory>
#include <string_view>

#include "quell/events/call_event.h"
#include "quell/sim/internal/numbering.h"

namespace quell::sim::internal {

struct CallRow {
  int64_t time_ms = 0;  // start of the call, Unix ms UTC
  Number caller;
  Number callee;
  uint64_t format_draw = 0;  // picks the written forms of caller (low bits) and callee
  bool answered = false;
  bool international = false;
  uint16_t release_cause = 16;
  uint32_t ring_ms = 0;
  uint32_t talk_ms = 0;
  std::string_view trunk;
  uint64_t imsi = 0;  // 0 = empty
  uint64_t imei = 0;
  uint64_t cell_id = 0;
  events::Attest attest = events::Attest::kNone;
  events::Verstat verstat = events::Verstat::kUnknown;
};

inline constexpr std::string_view kCdrHeader =
    "time,caller,callee,kind,answered,ring_ms,talk_ms,release_cause,call_id,trunk,direction,"
    "international,imsi,imei,cell_id,attest,verstat\n";

class CdrWriter {
 public:
  explicit CdrWriter(std::ostream& out);
  ~CdrWriter() { Flush(); }

  void WriteHeader();
  // Appends the row with call_id "sim-<seq>".
  void Write(const CallRow& row, uint64_t seq);
  void Flush();
  uint64_t bytes() const { return bytes_ + used_; }

 private:
  char* PutTime(int64_t ms, char* p);

  std::ostream& out_;
  std::unique_ptr<char[]> buffer_;
  std::size_t used_ = 0;
  uint64_t bytes_ = 0;
  int64_t cached_day_ = INT64_MIN;
  char date_[11] = {};  // "YYYY-MM-DD"
};

}  // namespace quell::sim::internal
