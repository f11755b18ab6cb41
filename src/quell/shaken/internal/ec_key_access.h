// The EVP_PKEY inside an EcKey, for the X.509 code (certificate.cc, pki.cc),
// which signs certificates and reads certificate keys without a PEM round trip.
// Defined in es256.cc, where EcKey::Impl lives. Included only from .cc files.
#pragma once

#include <openssl/types.h>

#include "quell/core/status.h"
#include "quell/shaken/es256.h"

namespace quell::shaken::internal {

struct EcKeyAccess {
  // Borrowed; valid while `key` lives.
  static EVP_PKEY* Pkey(const EcKey& key);
  // A public EcKey sharing `pkey` (its reference count is raised);
  // InvalidArgument unless it is a P-256 EC key.
  static Result<EcKey> FromPublicPkey(EVP_PKEY* pkey);
};

}  // namespace quell::shaken::internal
