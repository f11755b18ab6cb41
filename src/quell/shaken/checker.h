// STI-VS verification of a SHAKEN Identity header, the part that does not depend on
// certificates: header syntax, PASSporT structure and SHAKEN policy, `iat`
// freshness, the ES256 signature under a key the caller supplies, orig/dest
// against the SIP request, and replay. Fetching the `x5u` certificate, checking
// `info` == `x5u`, the chain and TNAuthList are the caller's job (436/437).
//
//   PassportChecker checker(clock, CheckOptions{});
//   CheckResult r = checker.Check(identity_value, from_user, to_user, signer_key);
//   if (r.verstat != Verstat::kPassed) reply(r.sip_code, r.sip_reason);
//
// Each failure maps to one SIP code (RFC 8224 §6.2.2, ATIS-1000074 §5.3.2, and
// the ATIS-1000082 error table E1-E19 as the reference sheet lists it), checked
// in that table's order, cheapest first:
//   Identity header malformed, compact form, ppt not shaken      438 (E4, E5, E13)
//   alg other than ES256 (Identity param or PASSporT header)     437 (E12)
//   PASSporT typ other than "passport"                           437 (E11)
//   PASSporT undecodable, missing/invalid claims, bad attest     438 (E14, E19)
//   iat older than max_age or more than max_future ahead         403 Stale Date (E15)
//   orig.tn != From, To not among dest.tn                        438 (E16)
//   signature does not verify under the key                      438 (E18)
//   same PASSporT seen within its freshness window               438, detail "replayed"
//                                                   (the sheet names no code: case 28)
//   no Identity header (CheckMissing)                            428 Use Identity Header
// Every failure with an Identity header present gives TN-Validation-Failed (as
// ATIS-1000082 pairs 438 with it); a missing header gives No-TN-Validation, and
// whether to answer 428 or let the call through with that verstat is the
// caller's policy (sheet case 8; ATIS does not recommend 428 yet).
//
// Replay: a PASSporT that passed every other check is remembered until its iat
// leaves the window (iat + max_age). The key is a SHA-256 of the signing input
// and the signature's R half, so re-encoding S as n - S (ECDSA malleability)
// does not make a replay look new. The cache holds at most replay_capacity
// entries; when full, expired entries go first, then the oldest inserted, so a
// flood can only push out old entries, never grow memory. Only the injected
// clock is consulted.
//
// PassportChecker is thread-safe: any number of threads may call Check at once.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "quell/core/clock.h"
#include "quell/core/status.h"
#include "quell/shaken/es256.h"
#include "quell/shaken/identity_header.h"
#include "quell/shaken/passport.h"

namespace quell::shaken {

// 3GPP TS 24.229 §7.2A.20 verstat values.
enum class Verstat { kPassed, kFailed, kNoValidation };

// "TN-Validation-Passed", "TN-Validation-Failed", "No-TN-Validation".
std::string_view VerstatName(Verstat v);

struct CheckResult {
  Verstat verstat = Verstat::kNoValidation;
  int sip_code = 0;                  // 0 when passed; else 403, 428, 437 or 438
  std::string sip_reason;            // RFC 8224 reason phrase, e.g. "Stale Date"; empty when passed
  std::string detail;                // why, for logs and the REST reasondesc; empty when passed
  std::optional<Passport> passport;  // set once the PASSporT decoded
};

struct CheckOptions {
  std::chrono::seconds max_age{60};       // now - iat <= max_age passes
  std::chrono::seconds max_future{60};    // iat - now <= max_future passes
  std::size_t replay_capacity = 1 << 20;  // >= 1; smaller values are raised to 1
};

class PassportChecker {
 public:
  // `clock` must outlive the checker.
  PassportChecker(Clock& clock, CheckOptions options);
  ~PassportChecker();
  PassportChecker(const PassportChecker&) = delete;
  PassportChecker& operator=(const PassportChecker&) = delete;

  // Verifies one Identity header field value (without "Identity:") against the
  // request's calling and called numbers (From/PAI and To/R-URI user parts; they
  // are canonicalised, so "+1-215-555-0121" equals "12155550121") and the
  // signer's public key, which the caller has already fetched and trusted.
  // A passing PASSporT is recorded for replay detection. Thread-safe.
  CheckResult Check(std::string_view identity_header_value, std::string_view from_tn,
                    std::string_view to_tn, const EcKey& public_key);

  // The result for a request without an Identity header: 428 Use Identity
  // Header, verstat No-TN-Validation. Thread-safe.
  CheckResult CheckMissing() const;

  // Entries in the replay cache now (<= replay_capacity). Thread-safe.
  std::size_t replay_cache_size() const;

 private:
  class ReplayCache;
  Clock& clock_;
  CheckOptions options_;
  std::unique_ptr<ReplayCache> replay_;
};

// Parses the values of several Identity header fields of one request (RFC 8224
// allows more than one, e.g. shaken plus div). Each element is one field value;
// values are not split at commas (the reference sheet documents no peer that
// folds Identity fields into one comma-separated value). Values that do not
// parse are skipped, so one bad header beside a good one does not fail the
// request (sheet case 7). InvalidArgument if `values` is empty or none parses,
// listing each value's index and reason. Pure and thread-safe.
Result<std::vector<IdentityHeader>> ParseIdentityHeaders(std::span<const std::string_view> values);

}  // namespace quell::shaken
