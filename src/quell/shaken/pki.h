// A small STIR/SHAKEN PKI for carriers and regulators standing up SHAKEN and
// for tests: a self-signed root CA, intermediate CAs, end-entity SHAKEN
// certificates with the TNAuthList extension, and CRLs. What `quell shaken ca
// init`, `quell shaken cert issue` and `quell shaken ca revoke` run.
//
//   QUELL_ASSIGN_OR_RETURN(EcKey root_key, EcKey::Generate());
//   QUELL_ASSIGN_OR_RETURN(std::string root_pem, IssueRootCa(
//       {.subject = {.country = "US", .organization = "Example STI-PA",
//                    .common_name = "Example SHAKEN Root"},
//        .not_before = now, .not_after = now + 20 * 365 * 86400}, root_key));
//   QUELL_ASSIGN_OR_RETURN(auto roots, ParsePemCertificates(root_pem));
//   QUELL_ASSIGN_OR_RETURN(std::string leaf_pem, IssueShakenCertificate(
//       {.subject = {.country = "US", .organization = "Carrier",
//                    .common_name = "SHAKEN 1234"},
//        .not_before = now, .not_after = now + 365 * 86400,
//        .tn_auth_list = {.spcs = {"1234"}}},
//       carrier_key, CertificateAuthority{roots[0], root_key}));
//
// Profile (ATIS-1000080 §6.4, as linted by martinisecurity/zlint): P-256 keys
// (EcKey holds nothing else), ecdsa-with-SHA256 signatures, X.509 v3, random
// positive 16-byte serials, subject key identifier (SHA-1 of the key) and
// authority key identifier (the issuer's), basicConstraints critical (cA true
// for CAs, with an optional pathLenConstraint; cA false for end entities),
// keyUsage critical (keyCertSign + cRLSign for CAs, digitalSignature for end
// entities), optional certificatePolicies OID and CRL distribution point URL,
// and the TNAuthList (not critical unless asked: tests need a critical one).
// Subject fields are C, O, OU (optional) and CN in that order; ATIS wants the
// end-entity CN to read "SHAKEN <SPC>", which is the caller's to choose.
//
// Times are Unix seconds passed in; nothing here reads a clock. Results are PEM
// text for the caller to write to files. Every function is pure and
// thread-safe. Validity is not clamped to the issuer's: a CA that issues past
// its own notAfter produces certificates that fail verification then, which
// tests rely on.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "quell/core/status.h"
#include "quell/shaken/certificate.h"
#include "quell/shaken/es256.h"

namespace quell::shaken {

struct CertificateSubject {
  std::string country;              // C: two upper-case letters, or empty to leave out
  std::string organization;         // O: or empty to leave out
  std::string organizational_unit;  // OU: or empty to leave out
  std::string common_name;          // CN: required
};

// A CA certificate (root or intermediate).
struct CaOptions {
  CertificateSubject subject;
  int64_t not_before = 0;  // Unix seconds
  int64_t not_after = 0;   // Unix seconds, after not_before
  // basicConstraints pathLenConstraint; nullopt for none.
  std::optional<int> path_length;
  // CRL distribution point (http:// or https://, no commas or spaces); empty for
  // none. Roots usually have none; ATIS wants one on intermediates.
  std::string crl_url;
  // certificatePolicies (not critical), e.g. the US SHAKEN CP OID
  // "2.16.840.1.114569.1.1.3" (CP v1.3) or "...1.1.4" (v1.4); empty for none.
  std::string policy_oid;
  // A TNAuthList on a CA (RFC 9060 delegation); ATIS-1000080 CAs carry none.
  std::optional<TnAuthList> tn_auth_list;
};

// An end-entity STI certificate.
struct ShakenCertificateOptions {
  CertificateSubject subject;
  int64_t not_before = 0;
  int64_t not_after = 0;
  // Must not be empty: one SPC for US SHAKEN, numbers or ranges for RFC 8226.
  TnAuthList tn_auth_list;
  bool tn_auth_list_critical = false;
  std::string crl_url;
  std::string policy_oid;
};

// The CA that signs: its certificate (cA true) and matching private key.
struct CertificateAuthority {
  const Certificate& certificate;
  const EcKey& key;
};

// A self-signed root CA for `key` (which must hold its private half).
// InvalidArgument for bad options; Internal if OpenSSL fails.
Result<std::string> IssueRootCa(const CaOptions& options, const EcKey& key);

// An intermediate CA for the public half of `subject_key`, signed by `issuer`.
// InvalidArgument if `issuer` is not a CA, its key does not match its
// certificate or has no private half, or the options are bad.
Result<std::string> IssueIntermediateCa(const CaOptions& options, const EcKey& subject_key,
                                        const CertificateAuthority& issuer);

// An end-entity SHAKEN certificate for the public half of `subject_key`.
// Same errors as IssueIntermediateCa, and InvalidArgument for a TNAuthList
// EncodeTnAuthList refuses.
Result<std::string> IssueShakenCertificate(const ShakenCertificateOptions& options,
                                           const EcKey& subject_key,
                                           const CertificateAuthority& issuer);

struct RevokedCertificate {
  std::string serial_hex;  // as Certificate::serial_hex() gives it (case-insensitive)
  int64_t revoked_at = 0;  // Unix seconds
};

struct CrlOptions {
  int64_t this_update = 0;  // Unix seconds
  int64_t next_update = 0;  // after this_update; verifiers treat the CRL as stale past it
  uint64_t crl_number = 1;  // increases with every CRL the CA issues
  std::vector<RevokedCertificate> revoked;
};

// A v2 CRL signed by `issuer` (its keyUsage must allow cRLSign, as every CA from
// this file does), with authorityKeyIdentifier and cRLNumber. InvalidArgument
// for a bad serial or times.
Result<std::string> IssueCrl(const CrlOptions& options, const CertificateAuthority& issuer);

}  // namespace quell::shaken
