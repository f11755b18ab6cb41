// Base64url (RFC 4648 §5) without padding, as JWS (RFC 7515 §2) and the SIP Identity
// header (RFC 8224, errata 6499) use it.
//
// Decoding is strict so that every byte string has exactly one accepted text form:
// padding ('='), characters outside [A-Za-z0-9_-] (including '+', '/' and white
// space), a length of 1 mod 4, and non-zero unused trailing bits are all rejected.
// A verifier that signs over the received text therefore cannot be fed two texts
// that decode to the same bytes. All functions are pure and thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "quell/core/status.h"

namespace quell::shaken {

// Encodes `bytes` as base64url without padding: 4 characters per 3 bytes, 2 or 3 for
// a trailing 1 or 2 bytes.
std::string Base64UrlEncode(std::string_view bytes);

// Decodes unpadded base64url `text`. The empty string decodes to empty bytes.
// InvalidArgument, naming the offending position, for any non-canonical input.
Result<std::string> Base64UrlDecode(std::string_view text);

// True if every character of `text` is in the base64url alphabet.
bool IsBase64UrlAlphabet(std::string_view text);

}  // namespace quell::shaken
