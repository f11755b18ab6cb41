// X.509 certificates for STIR/SHAKEN: parsing, the TNAuthList extension
// (RFC 8226 §9, OID 1.3.6.1.5.5.7.1.26), a trust store of STI-CA roots with CRLs,
// chain validation, and the TN-authorisation profiles a verifier applies.
//
//   QUELL_ASSIGN_OR_RETURN(CertificateChain chain, ParseCertificateChain(x5u_body));
//   QUELL_ASSIGN_OR_RETURN(auto trust, TrustStore::LoadDirectory("/etc/quell/sti-ca"));
//   QUELL_RETURN_IF_ERROR(trust->Verify(chain, now_unix));
//   QUELL_RETURN_IF_ERROR(CheckTnAuthorization(chain, TnAuthProfile::kSpc, orig_tn));
//
// Profiles:
//   kSpc (US SHAKEN, ATIS-1000080 §6.4.1): the end-entity certificate carries a
//        TNAuthList with exactly one SPC matching ^[A-Z0-9]+$ and no TNs or ranges;
//        the extension is not critical. The calling number is not checked (an SPC
//        says nothing about numbers).
//   kTn  (RFC 8226 TN / TN-range, delegate certificates RFC 9060): the end-entity
//        certificate's TNAuthList lists numbers or ranges, and the calling number
//        must be one of them; every CA certificate in the chain that carries a
//        TNAuthList must encompass its child's.
//
// Certificate is an immutable value, cheap to copy (shared ownership of the
// parsed X509), safe to use from any number of threads. OpenSSL types stay in the
// .cc files.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "quell/core/status.h"
#include "quell/shaken/es256.h"

namespace quell::shaken {

// "1.3.6.1.5.5.7.1.26"
inline constexpr std::string_view kTnAuthListOid = "1.3.6.1.5.5.7.1.26";

// A range of numbers: `count` (>= 2) consecutive numbers starting at `start`
// (canonical digits, 1..15), all of the same length as `start`.
struct TnRange {
  std::string start;
  uint64_t count = 0;
  friend bool operator==(const TnRange&, const TnRange&) = default;
};

// TNAuthorizationList: SEQUENCE OF TNEntry, each [0] SPC, [1] range or [2] one TN.
struct TnAuthList {
  std::vector<std::string> spcs;  // service provider codes (IA5String)
  std::vector<TnRange> ranges;
  std::vector<std::string> tns;  // single numbers, canonical digits
  bool empty() const { return spcs.empty() && ranges.empty() && tns.empty(); }
  friend bool operator==(const TnAuthList&, const TnAuthList&) = default;
};

// Parses the DER of the extension's value (the TNAuthorizationList SEQUENCE).
// InvalidArgument saying what is wrong (tag, length, empty list, TN not 1..15 of
// 0-9*#, range count < 2 or overflowing the number's length). Never crashes on
// any input; pure and thread-safe.
Result<TnAuthList> ParseTnAuthList(std::string_view der);

// DER of `list`, for issuing certificates. InvalidArgument for an empty list or a
// value ParseTnAuthList would refuse.
Result<std::string> EncodeTnAuthList(const TnAuthList& list);

// True if canonical number `tn` is one of list.tns or inside one of list.ranges
// (same length as the range's start and start <= tn <= start + count - 1).
bool TnAuthListCovers(const TnAuthList& list, std::string_view tn);

// True if every number `inner` covers is covered by `outer` (RFC 9060 delegation).
bool TnAuthListEncompasses(const TnAuthList& outer, const TnAuthList& inner);

namespace internal {
struct CertificateAccess;  // internal/certificate_impl.h: the X509, for the .cc files
}  // namespace internal

class Certificate {
 public:
  // One DER-encoded X.509 certificate. InvalidArgument if it does not parse or
  // its TNAuthList extension is present but malformed.
  static Result<Certificate> FromDer(std::string_view der);

  std::string ToPem() const;
  std::string_view der() const;
  std::string subject() const;  // one line, RFC 2253, e.g. "CN=SHAKEN 1234,O=Carrier,C=US"
  std::string issuer() const;
  std::string serial_hex() const;  // upper-case hex, no leading zeros
  int64_t not_before() const;      // Unix seconds
  int64_t not_after() const;
  bool is_ca() const;        // basicConstraints cA
  bool self_signed() const;  // subject == issuer and the signature verifies
  // The TNAuthList extension, if present.
  const std::optional<TnAuthList>& tn_auth_list() const;
  bool tn_auth_list_critical() const;
  // SHA-256 of the DER, lower-case hex.
  std::string fingerprint() const;
  // The subject public key; InvalidArgument unless it is a P-256 EC key.
  Result<EcKey> PublicKey() const;

 private:
  struct Impl;
  explicit Certificate(std::shared_ptr<const Impl> impl);
  friend struct internal::CertificateAccess;
  std::shared_ptr<const Impl> impl_;
};

// Every certificate in PEM text, in order. InvalidArgument if there is none, if a
// CERTIFICATE block does not parse, or if the text holds a private key (an x5u
// body must never carry one).
Result<std::vector<Certificate>> ParsePemCertificates(std::string_view pem);

// What an x5u URL serves: the signer's certificate first, then any intermediates
// (peers often bundle them). Intermediates are kept: a verifier needs them.
struct CertificateChain {
  Certificate leaf;
  std::vector<Certificate> intermediates;
};

// The chain in PEM text: the first certificate is the leaf, the rest intermediates.
Result<CertificateChain> ParseCertificateChain(std::string_view pem);

struct TrustOptions {
  // Fail a certificate whose issuer has no CRL in the store. Off by default: CRLs
  // are checked when the store holds one for the issuer.
  bool require_crl = false;
};

// STI-CA roots and CRLs. Immutable once built; reload by building a new one and
// swapping the shared_ptr. Thread-safe.
class TrustStore {
 public:
  // Every *.pem, *.crt, *.cer and *.crl file in `dir` (not recursive; PEM, or
  // DER as CAs publish them): CERTIFICATE blocks that are self-signed CA
  // certificates become roots; X509 CRL blocks are CRLs, whose signatures are
  // checked against the roots and intermediates they name when used.
  // InvalidArgument naming the file for anything unreadable, for a certificate
  // that is not a self-signed CA (intermediates travel in the x5u chain, never
  // in the trust store) and for a private key; NotFound for a missing
  // directory; a directory without roots is an error (a verifier with no roots
  // trusts nothing).
  static Result<std::shared_ptr<const TrustStore>> LoadDirectory(const std::string& dir,
                                                                 TrustOptions options = {});
  // Roots and CRLs from PEM text (tests, and roots embedded in configuration).
  static Result<std::shared_ptr<const TrustStore>> FromPem(std::string_view roots_pem,
                                                           std::string_view crls_pem,
                                                           TrustOptions options = {});
  ~TrustStore();

  std::size_t root_count() const;
  std::size_t crl_count() const;

  // OK if `chain` leads from its leaf, through its intermediates, to one of the
  // roots, with every signature valid, every certificate valid at `at` (Unix
  // seconds), the CA certificates marked CA, and none revoked by a CRL in the
  // store (a CRL past its nextUpdate at `at` counts as missing, but what it
  // lists stays revoked). Validity is OpenSSL's: notBefore <= at < notAfter
  // (RFC 5280 includes the notAfter second itself). A critical TNAuthList is
  // left to CheckTnAuthorization; any other unknown critical extension fails.
  // Otherwise PermissionDenied with the reason: "untrusted root", "certificate
  // expired", "certificate not yet valid", "certificate revoked", "missing
  // intermediate" ... naming the certificate's subject.
  Status Verify(const CertificateChain& chain, int64_t at) const;

 private:
  struct Impl;
  explicit TrustStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

enum class TnAuthProfile { kSpc, kTn };

// The profile check (see the top of this file) for the calling number `orig_tn`
// (canonical). PermissionDenied with the reason ("no TNAuthList", "TNAuthList is
// critical", "SPC 'x' is not [A-Z0-9]+", "number 861380013800 is not covered by
// the certificate", ...). Pure and thread-safe.
Status CheckTnAuthorization(const CertificateChain& chain, TnAuthProfile profile,
                            std::string_view orig_tn);

}  // namespace quell::shaken
