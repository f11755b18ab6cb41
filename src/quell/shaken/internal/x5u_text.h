// ASCII helpers shared by the x5u fetch layer (x5u_policy.cc, x5u_fetch.cc,
// credential_cache.cc). Header-only, pure.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "quell/shaken/internal/quote.h"

namespace quell::shaken::internal {

inline char AsciiLower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

inline std::string AsciiToLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = AsciiLower(c);
  return out;
}

inline bool AsciiIEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (AsciiLower(a[i]) != AsciiLower(b[i])) return false;
  }
  return true;
}

// Without surrounding spaces and tabs (and a trailing CR LF).
inline std::string_view TrimHttpSpace(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

inline bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }

// An x5u URL inside an error message: quoted, cut, control bytes replaced.
inline std::string QuoteX5u(std::string_view url) { return QuoteUntrusted(url, 160); }

}  // namespace quell::shaken::internal
