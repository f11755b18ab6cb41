// Scrubber: one organisation's call list checked against the register — the
// "upload and wash" of Australia's register, as an API (docs/dnc.md "Scrub").
//
// Feed it the list's bytes in any chunks; it reads one number per line (the
// first CSV field, as ListReader splits rows: quotes, a UTF-8 BOM, CRLF, blank
// lines and a header line without digits are handled), in any format people write numbers (E.164,
// national, spaces, dashes), and appends one result row per number to the
// output in input order:
//
//   number,status,detail
//   +8613800138000,protected,since 2026-01-01; refuses all marketing
//   +8613900139000,callable,
//   +8613700137000,exempt,consent until 2027-03-01
//   138-0013,invalid,not a phone number
//
// status: callable / protected / exempt / invalid (docs/formats/dnc.md); dates
// are local dates at the register's UTC offset. A
// number is protected when it refuses marketing of at least one of the
// organisation's declared categories (all categories if it declared none) at
// some hour; a number still in its grace period is callable, with the date its
// protection starts. Finish() closes the list and Record() writes the receipt:
// id, time, organisation, counts and the SHA-256 of the list as uploaded, so a
// business can prove it scrubbed and a regulator can check.
//
// Not thread-safe: one Scrubber per list. With `threads` > 1 it parses, checks
// and formats each batch of lines in that many parts at once (the command line
// uses every core; a server, busy with other requests, one).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "quell/core/clock.h"
#include "quell/core/status.h"
#include "quell/registry/registry.h"

namespace quell {
class NumberPlan;
}

namespace quell::registry {

class Scrubber {
 public:
  Scrubber(Registry& registry, const NumberPlan& plan, int64_t org_id, TimePoint at,
           int threads = 1);
  ~Scrubber();
  Scrubber(const Scrubber&) = delete;
  Scrubber& operator=(const Scrubber&) = delete;

  // Reads `bytes` of the list and appends the result rows of the complete lines
  // (the header row first). Errors are the store's (since-dates are read from it).
  Status Feed(std::string_view bytes, std::string* out);
  // The last line (without a newline) and anything pending.
  Status Finish(std::string* out);
  // Stores the receipt (after Finish).
  Result<ScrubReceipt> Record(std::string_view actor);

  const ScrubCounts& counts() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace quell::registry
