// ListReader: splits a list of numbers (a scrub upload, a register import) into
// rows, in any chunks of bytes: lines end with LF or CRLF, a UTF-8 BOM and a
// header row (a first row whose first field has no digit) are skipped, blank
// lines are skipped, fields are comma-separated with RFC 4180 quotes ("a,b"),
// and a line longer than kMaxLineBytes is reported as such rather than kept.
//
// Asio- and store-free (fuzzed: fuzz/dnc_list_fuzz.cc).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "quell/core/clock.h"
#include "quell/core/status.h"
#include "quell/registry/preferences.h"

namespace quell {
class NumberPlan;
}

namespace quell::registry {

struct ListRow {
  int64_t line = 0;                      // 1-based line number in the input
  std::vector<std::string_view> fields;  // trimmed, unquoted; valid during the callback
  bool too_long = false;                 // the line exceeded kMaxLineBytes (fields empty)
};

class ListReader {
 public:
  static constexpr std::size_t kMaxLineBytes = 1024;
  static constexpr std::size_t kMaxFields = 16;  // fields beyond are dropped
  using RowFn = std::function<void(const ListRow&)>;

  // Calls `fn` for each complete row in `bytes`.
  void Feed(std::string_view bytes, const RowFn& fn);
  // The last line, when the input does not end with a newline.
  void Finish(const RowFn& fn);
  int64_t lines() const { return line_; }

 private:
  void Line(std::string_view line, const RowFn& fn);

  std::string partial_;
  bool partial_too_long_ = false;
  int64_t line_ = 0;
  bool first_ = true;
  ListRow row_;
  std::vector<std::string> unquoted_;
};

// One row of an import file (docs/formats/dnc.md "Import"):
//   number,registered_at[,categories[,bands]]
// registered_at is YYYY-MM-DD (midnight UTC) or RFC 3339 (2024-03-01T08:00:00Z,
// offsets allowed); categories and bands are ';'-separated (finance;travel,
// 18-21). InvalidArgument saying what is wrong with the row.
struct ImportRow {
  uint64_t number = 0;
  TimePoint registered_at;
  Preferences preferences;
};
Result<ImportRow> ParseImportRow(const ListRow& row, const NumberPlan& plan);

// "2024-03-01" (midnight at `date_utc_offset_minutes` east of UTC) or an RFC
// 3339 date-time (its own offset); InvalidArgument otherwise.
Result<TimePoint> ParseDateOrTime(std::string_view text, int date_utc_offset_minutes = 0);

}  // namespace quell::registry
