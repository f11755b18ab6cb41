// PASSporT (RFC 8225) with the SHAKEN extension (RFC 8588): the signed token that
// carries a caller's number, the called numbers and the signer's attestation.
//
// On the wire a PASSporT is a JWS in compact serialization,
// BASE64URL(header) "." BASE64URL(claims) "." BASE64URL(signature), and the ES256
// signature (see es256.h) covers the ASCII text before the second dot.
//
// Encoding produces the deterministic JSON of RFC 8225 §9 (members sorted by name,
// nested objects too, no white space), byte-identical to RFC 8225 Appendix A and
// to what secsipidx, libstirshaken and OpenSIPS emit.
//
// Decoding is for a verifier: it keeps the received signing input, because the
// signature is checked over the received bytes, never over a re-serialisation
// (peers may order keys differently). It checks structure and types, rejects
// duplicate JSON members, ignores claims and header members it does not know
// (RFC 8225 §5.3 allows extensions), and, when the header says ppt "shaken",
// requires the RFC 8588 claims. Policy (alg must be ES256, typ passport, ppt
// shaken, iat freshness) is separate: ValidateShaken() and the verifier.
//
// Telephone numbers (orig.tn, dest.tn) are carried in canonical form (RFC 8224
// §8.3, as RFC 8225 and ATIS-1000074 use it): the leading '+' and the RFC 3966
// visual separators ('-', '.', '(', ')') dropped, country code kept, only digits,
// '*' and '#' left. Encoding and decoding both canonicalise, so a peer's
// "+12155551212" is read as "12155551212"; anything else (letters, spaces, empty)
// is an error. All functions are pure and thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "quell/core/status.h"

namespace quell::shaken {

// Largest `iat` accepted: 2^53 - 1, the largest integer every JSON peer (including
// JavaScript ones) reads exactly.
inline constexpr int64_t kMaxIat = (int64_t{1} << 53) - 1;

// RFC 8588 §4 attestation level; kNone only for PASSporTs without ppt "shaken".
enum class Attestation : char { kNone = 0, kFull = 'A', kPartial = 'B', kGateway = 'C' };

// The JOSE header (RFC 8225 §4 / RFC 7515 §4).
struct PassportHeader {
  std::string alg = "ES256";
  std::string typ = "passport";
  std::string ppt = "shaken";  // empty: a base PASSporT, no "ppt" member
  std::string x5u;             // HTTPS URL of the signer's certificate
};

// Rich Call Data (RFC 9795 §6): what the called party's phone may show. Carried
// in a ppt "rcd" PASSporT or, as ATIS-1000094 does, beside the SHAKEN claims.
// Empty members are omitted; jCard ("jcd") and the "rcdi" integrity digests are
// not modelled: a decoder ignores them (their content is a separate fetch).
struct RichCallData {
  std::string nam;  // caller's display name, e.g. "Acme Bank 客服"
  std::string apn;  // alternate presentation number
  std::string icn;  // HTTPS URL of the caller's logo
  std::string jcl;  // HTTPS URL of a jCard
  bool empty() const { return nam.empty() && apn.empty() && icn.empty() && jcl.empty(); }
  friend bool operator==(const RichCallData&, const RichCallData&) = default;
};

// The claims (RFC 8225 §5, RFC 8588 §4, RFC 8946 §3, RFC 9795). Unset optional
// claims are omitted.
struct PassportClaims {
  Attestation attest = Attestation::kNone;
  std::vector<std::string> dest_tn;   // "dest":{"tn":[...]}
  std::vector<std::string> dest_uri;  // "dest":{"uri":[...]}, not with ppt shaken
  int64_t iat = 0;                    // NumericDate, seconds since the epoch
  std::string orig_tn;                // "orig":{"tn":...}
  std::string orig_uri;               // "orig":{"uri":...}, base PASSporT only (no tn)
  std::string origid;                 // RFC 8588 opaque (UUID) origination id
  // RFC 8946 "div": the number the call was first placed to, before this
  // retargeting (ppt "div" requires it; as a tn or a uri).
  std::string div_tn;
  std::string div_uri;
  RichCallData rcd;  // "rcd":{...}; empty = absent (ppt "rcd" requires nam)
  std::string crn;   // RFC 9795 call reason, e.g. "Your parcel is arriving"
};

struct Passport {
  PassportHeader header;
  PassportClaims claims;
};

// A decoded compact JWS. `signing_input` is the received "header.claims" text and
// `signature` the decoded signature bytes (64 for ES256, checked by the verifier).
struct DecodedPassport {
  Passport passport;
  std::string signing_input;
  std::string signature;
};

// Canonical form of a telephone number per RFC 8224 §8.3 (see above):
// "+1 (215) 555-1212" is rejected (space), "+1-215-555-1212" gives "12155551212".
// InvalidArgument naming the number and the offending character.
Result<std::string> CanonicalizeTn(std::string_view tn);

// Canonical JSON of the header / claims. Validates what the encoder must not emit:
// empty alg/typ/x5u, iat outside 1..kMaxIat, numbers that do not canonicalise, no
// orig (or both orig.tn and orig.uri) or no dest; with ppt "shaken" also attest
// and origid are required and dest.uri and orig.uri are refused; ppt "div" needs
// div.tn or div.uri; ppt "rcd" needs rcd.nam. Numbers are written canonicalised.
Result<std::string> EncodeHeaderJson(const PassportHeader& header);
Result<std::string> EncodeClaimsJson(const PassportClaims& claims, std::string_view ppt);

// BASE64URL(header JSON) "." BASE64URL(claims JSON): the JWS signing input.
Result<std::string> EncodeSigningInput(const Passport& passport);

// Signing input + "." + BASE64URL(signature): the compact JWS.
Result<std::string> EncodeCompactJws(const Passport& passport, std::string_view signature);

// Decodes a full-form compact JWS "h.c.s". InvalidArgument saying which part is
// wrong: segment count, empty header or claims (compact form, RFC 8225 §7), bad
// base64url, bad JSON, a missing member or one of the wrong type.
Result<DecodedPassport> DecodeCompactJws(std::string_view jws);

// SHAKEN policy on a decoded PASSporT: alg "ES256", typ "passport", ppt "shaken",
// non-empty x5u, attestation A/B/C, non-empty origid, orig.tn and >= 1 dest.tn.
// InvalidArgument naming the first violation.
Status ValidateShaken(const Passport& passport);

// Diversion policy (RFC 8946, SHAKEN profile ATIS-1000085): alg "ES256", typ
// "passport", ppt "div", non-empty x5u, orig.tn, exactly one dest.tn (the new
// target) and div.tn (the number retargeted from). InvalidArgument naming the
// first violation.
Status ValidateDiv(const Passport& passport);

}  // namespace quell::shaken
