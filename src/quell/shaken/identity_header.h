// The SIP Identity header field value of RFC 8224 §4 as SHAKEN uses it:
//
//   <header>.<claims>.<signature>;info=<https://cert.example.org/sp.pem>;alg=ES256;ppt=shaken
//
// Building emits exactly that form (unquoted ppt, RFC 8224 §4, ATIS-1000074).
//
// Parsing is tolerant where real traffic is sloppy and strict where a verifier's
// safety depends on it:
//   tolerated: white space around ';' and '=', parameters in any order, parameter
//     names in any case, unknown parameters (ignored), `ppt="shaken"` (quoted, as
//     T-Mobile sends), a missing `alg` (RFC 8224 §4.1: means ES256), quoted `alg`.
//   rejected: a value longer than kMaxIdentityHeaderBytes, a JWS that is not three
//     non-empty base64url segments (the compact form "..sig" is refused, SHAKEN
//     requires the full form; '+', '/' and '=' are refused per errata 6499), a
//     missing `info` or one not of the form <absolute-URI>, `alg` other than
//     ES256, a missing `ppt` or one other than "shaken" or "div" (RFC 8946), a
//     repeated info/alg/ppt, unbalanced quotes or angle brackets.
// Every failure is InvalidArgument with a reason. The PASSporT inside is not
// decoded here (see passport.h). All functions are pure and thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "quell/core/status.h"

namespace quell::shaken {

inline constexpr std::size_t kMaxIdentityHeaderBytes = 8192;

struct IdentityHeader {
  std::string jws;             // full-form compact JWS "h.c.s"
  std::string info;            // the URI inside <>, e.g. "https://cert.example.org/sp.pem"
  std::string alg = "ES256";   // always ES256 after a successful parse
  std::string ppt = "shaken";  // "shaken" or "div" after a successful parse
};

// Which rule a header broke, for a verifier to choose the SIP code (ATIS-1000082
// E4-E13): kBadInfo 436, kUnsupportedAlg 437, the others 438.
enum class IdentityError { kNone, kMalformed, kBadInfo, kUnsupportedAlg, kUnsupportedPpt };

// `jws;info=<info>;alg=ES256;ppt=<ppt>`. InvalidArgument if the JWS is not full
// form base64url, info is empty or holds '<', '>', white space or control
// characters, alg is not ES256 or ppt not shaken or div.
Result<std::string> BuildIdentityHeader(const IdentityHeader& header);

// Parses one Identity header field value (without the "Identity:" name), as
// described above. On failure `*error` (if given) says which rule was broken.
Result<IdentityHeader> ParseIdentityHeader(std::string_view value, IdentityError* error = nullptr);

}  // namespace quell::shaken
