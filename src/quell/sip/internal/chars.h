// Character classes and small scanners of the RFC 3261 grammar, shared by the
// SIP parsers. Header-only so that they inline into the hot loops.
//
// Inside a header field value, CR and LF can only appear as part of a fold
// (the line splitter ends a field at any line break not followed by SP/HT), so
// the scanners treat CR and LF as white space: parsed sub-fields are robust to
// folding without copying the value.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace quell::sip::internal {

// Character classes as bits of one 256-entry table: one load per byte in the
// hot loops.
enum CharClassBit : uint8_t {
  kTokenBit = 1,         // token (RFC 3261 §25.1)
  kUserBit = 2,          // user part of a SIP URI, '%' included (escapes checked apart)
  kHostBit = 4,          // hostname: alphanum, '-', '.', and '_' (seen in real traffic)
  kLwsBit = 8,           // SP, HT, and CR/LF of a fold
  kUriBit = 16,          // may appear in a URI: printable ASCII but < > "
  kListSpecialBit = 32,  // stops the comma-list scanner: , " < > and backslash
  kValueBit = 64,        // unquoted parameter value: printable ASCII but ; , " < > =
};

inline constexpr std::array<uint8_t, 256> kCharClass = [] {
  std::array<uint8_t, 256> t{};
  auto set = [&t](std::string_view chars, uint8_t bit) {
    for (char c : chars) t[static_cast<unsigned char>(c)] |= bit;
  };
  for (int c = 0; c < 256; ++c) {
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (alnum) t[c] |= kTokenBit | kUserBit | kHostBit;
    if (c > 0x20 && c < 0x7f) t[c] |= kUriBit | kValueBit;
  }
  set("-.!%*_+`'~", kTokenBit);
  set("-_.!~*'()&=+$,;?/%", kUserBit);
  set("-._", kHostBit);
  set(" \t\r\n", kLwsBit);
  for (char c : std::string_view("<>\"")) t[static_cast<unsigned char>(c)] &= ~kUriBit;
  for (char c : std::string_view(";,\"<>=")) t[static_cast<unsigned char>(c)] &= ~kValueBit;
  set(",\"<>\\", kListSpecialBit);
  return t;
}();

inline bool HasClass(char c, uint8_t bits) {
  return (kCharClass[static_cast<unsigned char>(c)] & bits) != 0;
}

inline bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
inline bool IsDigit(char c) { return c >= '0' && c <= '9'; }
inline bool IsAlnum(char c) { return IsAlpha(c) || IsDigit(c); }
inline bool IsHex(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// SP / HT, plus CR and LF of a fold (see above).
inline bool IsLws(char c) { return HasClass(c, kLwsBit); }

// token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~")
inline bool IsTokenChar(char c) { return HasClass(c, kTokenBit); }

inline bool IsToken(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!IsTokenChar(c)) return false;
  }
  return true;
}

constexpr char ToLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

inline bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ToLower(a[i]) != ToLower(b[i])) return false;
  }
  return true;
}

inline std::string_view TrimLws(std::string_view s) {
  while (!s.empty() && IsLws(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsLws(s.back())) s.remove_suffix(1);
  return s;
}

inline std::size_t SkipLws(std::string_view s, std::size_t i) {
  while (i < s.size() && IsLws(s[i])) ++i;
  return i;
}

inline std::size_t SkipToken(std::string_view s, std::size_t i) {
  while (i < s.size() && IsTokenChar(s[i])) ++i;
  return i;
}

// With s[i] == '"', returns the index just past the closing quote of the
// quoted-string, or npos if it is not closed. quoted-pair ("\" + any byte but
// CR/LF) is honoured, so "\"" does not close the string.
inline std::size_t SkipQuotedString(std::string_view s, std::size_t i) {
  for (++i; i < s.size(); ++i) {
    if (s[i] == '\\') {
      if (i + 1 >= s.size() || s[i + 1] == '\r' || s[i + 1] == '\n') return std::string_view::npos;
      ++i;
    } else if (s[i] == '"') {
      return i + 1;
    }
  }
  return std::string_view::npos;
}

// Parses 1*DIGIT into *value; false if empty, not all digits, or above `max`.
inline bool ParseDecimal(std::string_view s, uint64_t max, uint64_t* value) {
  if (s.empty() || s.size() > 20) return false;
  uint64_t v = 0;
  for (char c : s) {
    if (!IsDigit(c)) return false;
    const auto d = static_cast<uint64_t>(c - '0');
    if (v > (max - d) / 10) return false;
    v = v * 10 + d;
  }
  *value = v;
  return true;
}

// For error messages: at most `max` bytes of untrusted input in single quotes,
// with bytes outside printable ASCII shown as '?', so that a reason built from
// it is safe in a SIP reason phrase or a log line.
inline std::string Shown(std::string_view s, std::size_t max = 40) {
  std::string out = "'";
  const bool cut = s.size() > max;
  if (cut) s = s.substr(0, max);
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    out.push_back(u >= 0x20 && u < 0x7f ? c : '?');
  }
  out += cut ? "...'" : "'";
  return out;
}

}  // namespace quell::sip::internal
