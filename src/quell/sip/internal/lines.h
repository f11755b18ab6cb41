// Cuts the header section of a SIP message into logical header lines (a line
// plus its folded continuations), for the parser and the stream framer.
#pragma once

#include <cstddef>
#include <string_view>

#include "quell/sip/internal/chars.h"

namespace quell::sip::internal {

enum class LineKind { kField, kBlank, kEnd };

struct Line {
  std::string_view text;   // without the final line break; inner folds kept
  bool terminated = true;  // false when the data ended before a line break
};

// Reads the logical line at *pos and advances *pos past it. Lines end in CRLF
// or a bare LF; a line that starts with SP or HT continues the previous one.
// kBlank: an empty line (the end of the headers); kEnd: no data left.
inline LineKind NextLine(std::string_view d, std::size_t* pos, Line* line) {
  const std::size_t p = *pos;
  if (p >= d.size()) return LineKind::kEnd;
  std::size_t nl = d.find('\n', p);
  if (nl == std::string_view::npos) {
    line->text = d.substr(p);
    line->terminated = false;
    *pos = d.size();
    return LineKind::kField;
  }
  std::size_t content_end = (nl > p && d[nl - 1] == '\r') ? nl - 1 : nl;
  if (content_end == p) {
    *pos = nl + 1;
    return LineKind::kBlank;
  }
  line->terminated = true;
  std::size_t next = nl + 1;
  while (next < d.size() && (d[next] == ' ' || d[next] == '\t')) {
    nl = d.find('\n', next);
    if (nl == std::string_view::npos) {
      content_end = d.size();
      next = d.size();
      line->terminated = false;
      break;
    }
    content_end = d[nl - 1] == '\r' ? nl - 1 : nl;
    next = nl + 1;
  }
  line->text = d.substr(p, content_end - p);
  *pos = next;
  return LineKind::kField;
}

// Splits `name HCOLON value`: name is a token, optionally followed by SP/HT
// before the ':'; the value is trimmed of LWS. False when there is no ':' or
// the name is not a token.
inline bool SplitField(std::string_view text, std::string_view* name, std::string_view* value) {
  const std::size_t colon = text.find(':');
  if (colon == std::string_view::npos) return false;
  std::string_view n = text.substr(0, colon);
  while (!n.empty() && (n.back() == ' ' || n.back() == '\t')) n.remove_suffix(1);
  if (!IsToken(n)) return false;
  *name = n;
  *value = TrimLws(text.substr(colon + 1));
  return true;
}

}  // namespace quell::sip::internal
