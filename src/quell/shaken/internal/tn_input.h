// Checks of the input TnOwnership (tn_ownership.h) takes from carriers: ids,
// names, notes, page sizes and number ranges. Each failure is InvalidArgument
// with a message that says what is wrong and how to put it right. Pure and
// thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "quell/core/status.h"
#include "quell/shaken/internal/quote.h"

namespace quell::shaken::internal {

inline constexpr int kMaxE164Digits = 15;

// Untrusted text inside an error message or an attestation reason.
inline std::string Quote(std::string_view s) { return QuoteUntrusted(s, 64); }

Status CheckOrgId(std::string_view org_id);
Status CheckCustomerId(std::string_view id);
Status CheckName(std::string_view name);
Status CheckNote(std::string_view note);
Status CheckPageSize(int page_size);

struct ParsedNumber {
  uint64_t value = 0;  // compact E.164
  std::size_t digits = 0;
};

// A range bound from user input ('+' and RFC 3966 separators allowed), with the
// reason when it is not an E.164 number.
Result<ParsedNumber> ParseRangeNumber(std::string_view text);

struct ParsedRange {
  uint64_t first = 0;
  uint64_t last = 0;
  std::string note;
};

// `first`..`last` (`last` empty: a single number): same length, first <= last,
// at most kMaxRangeNumbers numbers. The note is left empty.
Result<ParsedRange> ParseRange(std::string_view first_text, std::string_view last_text);

}  // namespace quell::shaken::internal
