// ES256 (ECDSA on P-256 with SHA-256, RFC 7518 §3.4) for PASSporT signatures.
//
// A JWS ES256 signature is the raw 64-byte R || S, each a 32-byte big-endian
// integer, not the DER of OpenSSL and X.509. SignEs256 and VerifyEs256 convert.
// Only P-256 keys are accepted: loading another curve or key type fails, so a
// P-384 certificate behind an x5u cannot be used to verify an "ES256" token.
//
//   QUELL_ASSIGN_OR_RETURN(EcKey key, EcKey::FromPrivatePem(pem));
//   QUELL_ASSIGN_OR_RETURN(std::string sig, SignEs256(key, signing_input));
//   QUELL_RETURN_IF_ERROR(VerifyEs256(key, signing_input, sig));
//
// EcKey is move-only; a loaded key is immutable and may be used by any number of
// threads at once. OpenSSL types stay in the .cc.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "quell/core/status.h"

namespace quell::shaken {

namespace internal {
struct EcKeyAccess;  // internal/ec_key_access.h: the EVP_PKEY, for the X.509 code
}  // namespace internal

class EcKey {
 public:
  // Private key in PEM: PKCS#8 ("BEGIN PRIVATE KEY") or SEC 1 ("BEGIN EC PRIVATE KEY").
  static Result<EcKey> FromPrivatePem(std::string_view pem);
  // Public key in PEM: SubjectPublicKeyInfo ("BEGIN PUBLIC KEY") or the first
  // X.509 certificate ("BEGIN CERTIFICATE") in `pem`.
  static Result<EcKey> FromPublicPem(std::string_view pem);
  // From JWK coordinates (RFC 7518 §6.2.1), already base64url-decoded: `x` and `y`
  // 32 bytes each, `d` 32 bytes or empty for a public key. The point must lie on
  // the curve and `d` must match it.
  static Result<EcKey> FromCoordinates(std::string_view x, std::string_view y, std::string_view d);
  // A fresh random P-256 key pair.
  static Result<EcKey> Generate();

  EcKey(EcKey&&) noexcept;
  EcKey& operator=(EcKey&&) noexcept;
  ~EcKey();

  bool has_private_key() const;
  // SubjectPublicKeyInfo PEM of the public half.
  Result<std::string> PublicPem() const;
  // PKCS#8 PEM of the private key (unencrypted); FailedPrecondition for a public key.
  Result<std::string> PrivatePem() const;

 private:
  struct Impl;
  friend Result<std::string> SignEs256(const EcKey&, std::string_view);
  friend Status VerifyEs256(const EcKey&, std::string_view, std::string_view);
  friend struct internal::EcKeyAccess;

  explicit EcKey(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Signs `signing_input` and returns the 64-byte raw R || S. FailedPrecondition if
// `key` has no private half; Internal if OpenSSL fails. Randomised (not RFC 6979).
Result<std::string> SignEs256(const EcKey& key, std::string_view signing_input);

// OK if `raw_signature` (64 bytes R || S) is a valid ES256 signature of
// `signing_input` under `key`. InvalidArgument for a wrong length (e.g. a DER
// signature) and for a signature that does not verify.
Status VerifyEs256(const EcKey& key, std::string_view signing_input,
                   std::string_view raw_signature);

}  // namespace quell::shaken
