// STI-VS verification of SHAKEN Identity headers: header syntax, PASSporT
// structure and SHAKEN policy, `iat` freshness, orig/dest against the SIP
// request, the ES256 signature under the signer's key, and replay. The key comes
// from a CredentialSource, called only once every cheaper check has passed (so
// garbage never triggers a certificate fetch): the Verifier's source fetches the
// `x5u`, checks `info` == `x5u`, the chain and TNAuthList (436/437); tests and
// the CLI may pass a fixed key.
//
//   PassportChecker checker(clock, CheckOptions{});
//   CheckResult r = checker.CheckAll(identity_values, from_user, to_user, source);
//   if (r.verstat != Verstat::kPassed) reply(r.sip_code, r.sip_reason);
//
// Diversion (RFC 8946, ATIS-1000085): when a call was retargeted, the request
// carries the original "shaken" PASSporT (dest = the number first dialled) and one
// "div" PASSporT per retargeting (dest = the new target, div = the number it was
// retargeted from). CheckAll follows that chain from the request's To back to a
// shaken PASSporT, up to kMaxDiversions hops, verifying each div PASSporT like a
// shaken one (freshness, orig, signature, replay).
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
  int sip_code = 0;                  // 0 when passed; else 403, 428, 436, 437 or 438
  std::string sip_reason;            // RFC 8224 reason phrase, e.g. "Stale Date"; empty when passed
  std::string detail;                // why, for logs and the REST reasondesc; empty when passed
  std::optional<Passport> passport;  // the shaken PASSporT, set once it decoded
  std::string signer;                // the signing certificate's subject, when the source gave one
  // Numbers the call was retargeted from, newest first (verified div PASSporTs).
  std::vector<std::string> diverted_from;
};

inline constexpr int kMaxDiversions = 5;

// What a CredentialSource gives: the key (kept alive by `owner`), or a failure.
struct Credential {
  std::shared_ptr<const void> owner;  // keeps `key` alive while the check runs
  const EcKey* key = nullptr;         // nullptr: failed, see below
  int sip_code = 0;                   // 436, 437 or 438 when key is nullptr
  std::string sip_reason;
  std::string detail;
  std::string signer;  // certificate subject, for results and traceback
};

// Resolves the key that must have signed a PASSporT. Implementations must be
// thread-safe: the checker calls Resolve from any thread.
class CredentialSource {
 public:
  virtual ~CredentialSource() = default;
  // `header` is the parsed Identity header, `passport` the decoded PASSporT
  // (ppt "shaken" or "div"); every check but the signature and replay has passed.
  virtual Credential Resolve(const IdentityHeader& header, const Passport& passport) = 0;
};

// A source that answers every request with one key (tests, `quell shaken verify
// --key`). The key must outlive the source.
class FixedKeySource final : public CredentialSource {
 public:
  explicit FixedKeySource(const EcKey& key) : key_(key) {}
  Credential Resolve(const IdentityHeader&, const Passport&) override {
    return Credential{.key = &key_};
  }

 private:
  const EcKey& key_;
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

  // Verifies the Identity header field values of one request (without
  // "Identity:") against its calling and called numbers (From/PAI and To/R-URI
  // user parts; they are canonicalised, so "+1-215-555-0121" equals
  // "12155550121"), following div PASSporTs as described above. Values that do
  // not parse are skipped when another one passes. Passes if a shaken PASSporT
  // passes; otherwise reports the first shaken PASSporT's failure (or the first
  // parse failure: 436 for a bad `info`, 437 for an unsupported alg, else 438).
  // No values: CheckMissing(). Passing PASSporTs are recorded for replay
  // detection. Thread-safe.
  CheckResult CheckAll(std::span<const std::string_view> identity_header_values,
                       std::string_view from_tn, std::string_view to_tn,
                       CredentialSource& credentials);

  // One shaken Identity header value. Thread-safe.
  CheckResult Check(std::string_view identity_header_value, std::string_view from_tn,
                    std::string_view to_tn, CredentialSource& credentials);
  // As above with a key the caller has already fetched and trusted.
  CheckResult Check(std::string_view identity_header_value, std::string_view from_tn,
                    std::string_view to_tn, const EcKey& public_key);

  // The result for a request without an Identity header: 428 Use Identity
  // Header, verstat No-TN-Validation. Thread-safe.
  CheckResult CheckMissing() const;

  // Entries in the replay cache now (<= replay_capacity). Thread-safe.
  std::size_t replay_cache_size() const;

 private:
  class ReplayCache;
  // One parsed header of ppt `header.ppt` ("shaken" or "div").
  CheckResult CheckParsed(const IdentityHeader& header, std::string_view from_tn,
                          std::string_view to_tn, CredentialSource& credentials);
  Clock& clock_;
  CheckOptions options_;
  std::unique_ptr<ReplayCache> replay_;
};

}  // namespace quell::shaken
