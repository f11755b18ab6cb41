// Untrusted text shown inside error messages: quoted, cut to `max` bytes, and
// with control and non-ASCII bytes replaced by '?', so a hostile header cannot
// forge log lines or flood a message.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace quell::shaken::internal {

inline std::string QuoteUntrusted(std::string_view s, std::size_t max) {
  std::string out = "\"";
  for (std::size_t i = 0; i < s.size() && i < max; ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    out.push_back(c >= 0x20 && c < 0x7f ? s[i] : '?');
  }
  if (s.size() > max) out += "...";
  return out + "\"";
}

}  // namespace quell::shaken::internal
