// CdrReader: call detail records in, CallEvents out — the streaming reader of
// the CDR formats of docs/formats/cdr.md (version 1): CSV with a header row, and
// JSON lines (one flat object per line) with the same keys.
//
//   NumberPlan plan("CN");
//   CdrReader reader(plan, CdrFormat::kCsv);
//   std::vector<CallEvent> events;
//   while (read a chunk) {
//     reader.Feed(chunk, events);          // every complete line in the chunk
//     for (const CallEvent& e : events) sink.Publish(e);
//     events.clear();
//   }
//   reader.Finish(events);                 // the last line, if it has no newline
//
// Bytes arrive in chunks of any size (a file, stdin, an HTTP body); the events
// are the same whatever the chunking. Lines end with LF or CRLF; a UTF-8 BOM
// opens the input or is absent; blank lines and lines starting with '#' are
// skipped. Numbers go through NumberPlan::ToCompact. A row that cannot be an
// event (a bad time, a callee that is not a phone number, a bad value in any
// known column) is a *bad row*: counted, and its line number and reason kept
// (the first `max_errors`), never silently dropped. A caller that is not a
// possible number is not a bad row — spoofed and garbage callers are what
// detection looks for — the event keeps caller 0 and stats().invalid_caller
// counts it.
//
// A good row allocates nothing: fields are views into the chunk (or into one
// reused line buffer when a line straddles chunks), times and numbers are
// parsed in place.
//
// Asio-, store- and JSON-library-free (fuzzed: fuzz/cdr_csv_fuzz.cc,
// fuzz/cdr_jsonl_fuzz.cc). Not thread-safe: one reader per stream.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "quell/core/status.h"
#include "quell/events/call_event.h"

namespace quell {
class NumberPlan;
}

namespace quell::events {

enum class CdrFormat : uint8_t {
  kCsv,        // header row, then one record per line
  kJsonLines,  // one JSON object per line ("JSON lines", NDJSON)
};

// "csv" or "jsonl" (also "ndjson"); nullopt for any other name.
std::optional<CdrFormat> CdrFormatFromName(std::string_view name);
std::string_view Name(CdrFormat format);  // "csv", "jsonl"

// The format of an input from its first bytes: JSON lines when the first byte
// that is not blank (nor a BOM) is '{', else CSV. nullopt while `head` holds
// only blanks: read more, or take CSV at the end of the input.
std::optional<CdrFormat> DetectCdrFormat(std::string_view head);

// One bad row (or a bad header): its 1-based line number and why, e.g.
// {17, "callee: not a phone number ('call-me')"}.
struct CdrError {
  uint64_t line = 0;
  std::string reason;
  std::string ToString() const;  // "line 17: callee: not a phone number ('call-me')"
  bool operator==(const CdrError&) const = default;
};

struct CdrStats {
  uint64_t lines = 0;           // lines read: header, comments and blank lines included
  uint64_t events = 0;          // good rows, each an event
  uint64_t bad = 0;             // bad rows (after a bad header: every row)
  uint64_t invalid_caller = 0;  // events whose caller is not a possible number (caller 0)
  bool operator==(const CdrStats&) const = default;
};

struct CdrReaderOptions {
  std::size_t max_errors = 100;  // bad rows whose reasons are kept (all are counted)
  // A longer line is a bad row ("line longer than ... bytes"); its bytes are not kept.
  std::size_t max_line_bytes = 64 * 1024;
};

class CdrReader {
 public:
  CdrReader(const NumberPlan& plan, CdrFormat format, CdrReaderOptions options = {});
  ~CdrReader();
  CdrReader(const CdrReader&) = delete;
  CdrReader& operator=(const CdrReader&) = delete;

  // Parses every complete line in `chunk` (with what earlier chunks left of an
  // unfinished line) and appends its events to `out`. Keeps the unfinished
  // tail for the next call. `plan` must outlive the reader.
  void Feed(std::string_view chunk, std::vector<CallEvent>& out);

  // The end of the input: parses the last line if it had no newline. Further
  // Feed calls start a new line (the header is not read again).
  void Finish(std::vector<CallEvent>& out);

  const CdrStats& stats() const;
  // The first options.max_errors bad rows, in input order.
  const std::vector<CdrError>& errors() const;
  // Not ok when the input cannot be read at all: a CSV header without a
  // required column ("line 1: missing column callee"), a duplicate column, or a
  // format version this reader does not know ("# quell-cdr/2"). From then on
  // every row is counted bad; the error is also in errors().
  const Status& status() const;

  CdrFormat format() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace quell::events
