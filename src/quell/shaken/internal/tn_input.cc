#include "quell/shaken/internal/tn_input.h"

#include <algorithm>

#include "quell/shaken/internal/tn_index.h"
#include "quell/shaken/passport.h"

namespace quell::shaken::internal {
namespace {

constexpr std::size_t kMaxOrgIdBytes = 200;
constexpr std::size_t kMaxCustomerIdBytes = 64;
constexpr std::size_t kMaxNameBytes = 200;
constexpr std::size_t kMaxNoteBytes = 500;
bool HasControlChars(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
  });
}

bool IsAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

}  // namespace

Status CheckOrgId(std::string_view org_id) {
  if (org_id.empty()) return InvalidArgument("carrier organisation id must not be empty");
  if (org_id.size() > kMaxOrgIdBytes || HasControlChars(org_id)) {
    return InvalidArgument("carrier organisation id " + Quote(org_id) +
                           " must be at most 200 bytes without control characters");
  }
  return Status::Ok();
}

Status CheckCustomerId(std::string_view id) {
  if (id.empty()) return InvalidArgument("customer id must not be empty");
  bool ok = id.size() <= kMaxCustomerIdBytes && IsAlnum(id.front());
  for (char c : id) {
    ok = ok && (IsAlnum(c) || c == '.' || c == '_' || c == ':' || c == '@' || c == '-');
  }
  if (!ok) {
    return InvalidArgument("customer id " + Quote(id) +
                           " must be 1 to 64 of letters, digits and . _ : @ -, starting with a "
                           "letter or digit");
  }
  return Status::Ok();
}

Status CheckName(std::string_view name) {
  if (name.empty()) return InvalidArgument("customer name must not be empty");
  if (name.size() > kMaxNameBytes) {
    return InvalidArgument("customer name is longer than " + std::to_string(kMaxNameBytes) +
                           " bytes");
  }
  if (HasControlChars(name)) {
    return InvalidArgument("customer name must not contain control characters");
  }
  if (name.front() == ' ' || name.back() == ' ') {
    return InvalidArgument("customer name must not start or end with a space");
  }
  return Status::Ok();
}

Status CheckPageSize(int page_size) {
  if (page_size < 1 || page_size > kMaxPageSize) {
    return InvalidArgument("page_size must be 1 to " + std::to_string(kMaxPageSize) + ", not " +
                           std::to_string(page_size));
  }
  return Status::Ok();
}

Result<ParsedNumber> ParseRangeNumber(std::string_view text) {
  Result<std::string> canonical = CanonicalizeTn(text);
  if (!canonical) return canonical.status();
  const std::string& d = *canonical;
  if (d.find_first_of("*#") != std::string::npos) {
    return InvalidArgument("number " + Quote(text) +
                           " holds '*' or '#'; ranges hold E.164 numbers");
  }
  if (d.front() == '0') {
    return InvalidArgument("number " + Quote(text) +
                           " is not in E.164 form: it starts with 0 (write the country code "
                           "first, e.g. 8613800138000)");
  }
  if (d.size() > static_cast<std::size_t>(kMaxE164Digits)) {
    return InvalidArgument("number " + Quote(text) + " has " + std::to_string(d.size()) +
                           " digits; E.164 allows at most 15");
  }
  return ParsedNumber{std::stoull(d), d.size()};
}

Result<ParsedRange> ParseRange(std::string_view first_text, std::string_view last_text) {
  QUELL_ASSIGN_OR_RETURN(ParsedNumber first, ParseRangeNumber(first_text));
  ParsedNumber last = first;
  if (!last_text.empty()) {
    QUELL_ASSIGN_OR_RETURN(last, ParseRangeNumber(last_text));
  }
  const std::string shown = FormatRange(first.value, last.value);
  if (first.digits != last.digits) {
    return InvalidArgument("range " + shown + ": first and last must have the same number of " +
                           "digits (" + std::to_string(first.digits) + " and " +
                           std::to_string(last.digits) + ")");
  }
  if (first.value > last.value) {
    return InvalidArgument("range " + shown + ": first is greater than last");
  }
  if (last.value - first.value >= kMaxRangeNumbers) {
    return InvalidArgument("range " + shown + " holds " +
                           std::to_string(last.value - first.value + 1) +
                           " numbers; at most 100000000 (10^8) per range, split it");
  }
  return ParsedRange{first.value, last.value, {}};
}

Status CheckNote(std::string_view note) {
  if (note.size() > kMaxNoteBytes || HasControlChars(note)) {
    return InvalidArgument("note must be at most 500 bytes without control characters");
  }
  return Status::Ok();
}

}  // namespace quell::shaken::internal
