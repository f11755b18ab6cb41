// DecodeCompactJws and the JSON reader on arbitrary input: never crash, every
// rejection says why, whatever decodes re-encodes and decodes to the same
// PASSporT, and canonical input re-encodes to the very same bytes.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "quell/shaken/base64url.h"
#include "quell/shaken/internal/json.h"
#include "quell/shaken/passport.h"

namespace {

using quell::shaken::DecodeCompactJws;
using quell::shaken::Passport;

bool SamePassport(const Passport& a, const Passport& b) {
  return a.header.alg == b.header.alg && a.header.typ == b.header.typ &&
         a.header.ppt == b.header.ppt && a.header.x5u == b.header.x5u &&
         a.claims.attest == b.claims.attest && a.claims.dest_tn == b.claims.dest_tn &&
         a.claims.dest_uri == b.claims.dest_uri && a.claims.iat == b.claims.iat &&
         a.claims.orig_tn == b.claims.orig_tn && a.claims.origid == b.claims.origid;
}

void CheckJson(std::string_view input) {
  namespace json = quell::shaken::internal;
  auto v = json::ParseJson(input);
  if (!v) {
    if (v.status().message().empty()) std::abort();
    return;
  }
  const std::string canonical = json::WriteCanonicalJson(*v);
  auto again = json::ParseJson(canonical);
  if (!again || json::WriteCanonicalJson(*again) != canonical) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  CheckJson(input);

  auto decoded = DecodeCompactJws(input);
  if (!decoded) {
    if (decoded.status().message().empty()) std::abort();
    return 0;
  }
  (void)quell::shaken::ValidateShaken(decoded->passport);
  auto encoded = quell::shaken::EncodeCompactJws(decoded->passport, decoded->signature);
  if (!encoded) std::abort();  // what decodes must encode
  auto again = DecodeCompactJws(*encoded);
  if (!again || !SamePassport(again->passport, decoded->passport) ||
      again->signature != decoded->signature) {
    std::abort();
  }
  // Canonical input (same JSON bytes as our encoder's) must come back byte for byte.
  const std::size_t dot = input.find('.');
  auto header = quell::shaken::Base64UrlDecode(input.substr(0, dot));
  auto claims = quell::shaken::Base64UrlDecode(decoded->signing_input.substr(dot + 1));
  auto canon_header = quell::shaken::EncodeHeaderJson(decoded->passport.header);
  auto canon_claims =
      quell::shaken::EncodeClaimsJson(decoded->passport.claims, decoded->passport.header.ppt);
  if (!header || !claims || !canon_header || !canon_claims) std::abort();
  if (*header == *canon_header && *claims == *canon_claims && *encoded != input) std::abort();
  return 0;
}
