// STI-AS: signing a call's caller ID with SHAKEN (RFC 8224, RFC 8225, RFC 8588,
// ATIS-1000074), as carriers reach it through SIP or /stir/v1/signing.
//
// A SignerIdentity is what a carrier signs with: its private P-256 key, the
// certificate (chain) whose public key matches it, and the HTTPS URL (x5u) where
// verifiers fetch that certificate. Identities come from PEM files named in
// configuration (SignerConfig, read from quell.toml by the CLI) and live in a
// SignerRegistry, which replaces the whole set atomically on Reload, so keys and
// certificates rotate without a restart and an in-flight signature finishes
// with the identity it started with.
//
// The Signer turns a SignRequest into the Identity header value
//   <header>.<claims>.<signature>;info=<x5u>;alg=ES256;ppt=shaken
// with the attestation computed by TnOwnership from the carrier's data (a
// client's requested level can only lower it):
//
//   SignerRegistry registry;
//   QUELL_RETURN_IF_ERROR(registry.Reload(configs));
//   Signer signer(registry, *ownership, Clock::Real());
//   QUELL_ASSIGN_OR_RETURN(SignResult r, signer.Sign("carrier-1", {.orig_tn = "8613800138000",
//                                                                 .dest_tns = {"8613900139000"},
//                                                                 .customer_id = "acme"}));
//   invite.AddHeader("Identity", r.identity);
//
// Per call the work is one ECDSA signature plus building strings; the PASSporT
// header segment is encoded once per identity, when it is loaded.
//
// Thread-safety: SignerRegistry and Signer are thread-safe; Sign may run on any
// number of threads while Reload swaps the identities.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "quell/core/clock.h"
#include "quell/core/status.h"
#include "quell/shaken/es256.h"
#include "quell/shaken/passport.h"
#include "quell/shaken/tn_ownership.h"

namespace quell::shaken {

// One signing identity as configuration names it.
struct SignerConfig {
  std::string name;       // unique, e.g. "carrier-1-2026"; names its certificate
  std::string org_id;     // the carrier organisation it signs for (one identity per org)
  std::string key_file;   // PEM private key (PKCS#8 or SEC 1), P-256
  std::string cert_file;  // PEM certificate, then any intermediates
  std::string x5u;        // https URL where the certificate file is published
};

struct SignerOptions {
  // Accept http:// x5u URLs (tests and closed labs only; verifiers in the field
  // require https, ATIS-1000074 §5.3.1).
  bool allow_http_x5u = false;
};

// Largest key or certificate file read.
inline constexpr std::size_t kMaxPemFileBytes = 1 << 20;
// Most called numbers one PASSporT carries.
inline constexpr std::size_t kMaxDestTns = 100;

struct SignerIdentity {
  std::string name;
  std::string org_id;
  EcKey key;  // has the private half
  std::string x5u;
  std::string certificate_pem;  // as read: the certificate first, then intermediates
  // Derived once at load, the same for every call: BASE64URL of the PASSporT
  // header JSON for this x5u, and the Identity header's ";info=<x5u>;alg=ES256;ppt=shaken".
  std::string header_segment;
  std::string identity_params;

  // Builds an identity from PEM text. Checks: name and org_id non-empty and
  // printable; the key is a P-256 private key; the certificate text holds at
  // least one certificate and no private key (it is published); the key matches
  // the first certificate's public key; x5u is an absolute https URL (http only
  // with allow_http_x5u) without white space, '<' or '>'. InvalidArgument saying
  // which check failed.
  static Result<SignerIdentity> FromPem(std::string_view name, std::string_view org_id,
                                        std::string_view key_pem, std::string_view cert_pem,
                                        std::string_view x5u, const SignerOptions& options = {});
  // Reads config.key_file and config.cert_file and calls FromPem. Errors name the
  // signer and the file: NotFound if a file does not exist, InvalidArgument if it
  // cannot be read, is larger than kMaxPemFileBytes or its content is wrong.
  static Result<SignerIdentity> Load(const SignerConfig& config, const SignerOptions& options = {});
};

// An immutable set of identities, indexed by org id and by name.
class SignerSet {
 public:
  // InvalidArgument if two identities share a name or an org id.
  static Result<std::shared_ptr<const SignerSet>> Create(std::vector<SignerIdentity> identities);

  // nullptr if none.
  const SignerIdentity* FindByOrg(std::string_view org_id) const;
  const SignerIdentity* FindByName(std::string_view name) const;
  const std::vector<std::shared_ptr<const SignerIdentity>>& identities() const {
    return identities_;
  }

 private:
  SignerSet() = default;
  std::vector<std::shared_ptr<const SignerIdentity>> identities_;
  std::map<std::string, const SignerIdentity*, std::less<>> by_org_;
  std::map<std::string, const SignerIdentity*, std::less<>> by_name_;
};

class SignerRegistry {
 public:
  explicit SignerRegistry(SignerOptions options = {});

  // Loads every identity in `configs`, then swaps them in as one set. If any
  // fails to load (or two share a name or org), the current set stays and the
  // error names the signer and file. An empty list empties the registry.
  Status Reload(const std::vector<SignerConfig>& configs);
  // Swaps in identities already built (e.g. from the test PKI); same checks.
  Status Replace(std::vector<SignerIdentity> identities);

  // The current set; keeps its identities alive for as long as it is held.
  std::shared_ptr<const SignerSet> Snapshot() const;

  // The certificate PEM the certificate repository serves for identity `name`
  // (what its x5u points at). NotFound if no identity has that name.
  Result<std::string> CertificatePem(std::string_view name) const;

 private:
  SignerOptions options_;
  std::atomic<std::shared_ptr<const SignerSet>> set_;
};

struct SignRequest {
  std::string orig_tn;                // calling number, E.164 ('+' and separators allowed)
  std::vector<std::string> dest_tns;  // called numbers, 1..kMaxDestTns
  std::optional<Attestation> attest;  // requested level: may only lower the computed one
  std::string customer_id;            // the authenticated customer; empty: none (C)
  std::string origid;                 // empty: a fresh UUID v4; else must be a UUID
  std::optional<int64_t> iat;         // absent: the clock's now, in seconds
  RichCallData rcd;                   // RFC 9795 caller name / logo; empty: none
  std::string crn;                    // RFC 9795 call reason; empty: none
};

struct SignResult {
  std::string identity;             // the Identity header field value
  Passport passport;                // what was signed (numbers canonical)
  AttestationDecision attestation;  // the level signed and why
  std::string signer_name;          // the identity that signed
};

class Signer {
 public:
  // `registry`, `ownership` and `clock` must outlive the Signer.
  Signer(const SignerRegistry& registry, const TnOwnership& ownership, Clock& clock);

  // Signs a call for carrier `org_id`. InvalidArgument for a bad request (a
  // number that does not canonicalise, no or too many dest numbers, an origid
  // that is not a UUID, iat outside 1..kMaxIat); FailedPrecondition if no
  // identity signs for `org_id`; Internal if signing fails.
  Result<SignResult> Sign(std::string_view org_id, const SignRequest& request) const;

 private:
  const SignerRegistry& registry_;
  const TnOwnership& ownership_;
  Clock& clock_;
};

}  // namespace quell::shaken
