// What lies behind Certificate: the parsed X509 and the values read from it
// once. Shared by certificate.cc, trust_store.cc, tn_auth_list.cc and pki.cc;
// included only from .cc files.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "quell/shaken/certificate.h"
#include "quell/shaken/internal/openssl_util.h"

namespace quell::shaken {

// Immutable after construction. OpenSSL's extension cache is filled in FromDer,
// so later reads of the X509 from several threads do not write to it.
struct Certificate::Impl {
  internal::X509Ptr x509;
  std::string der;
  std::string subject;
  std::string issuer;
  std::string serial_hex;
  std::string fingerprint;
  int64_t not_before = 0;
  int64_t not_after = 0;
  bool is_ca = false;
  std::optional<TnAuthList> tn_auth_list;
  bool tn_auth_list_critical = false;
};

namespace internal {

struct CertificateAccess {
  using Impl = Certificate::Impl;
  static Certificate Make(std::shared_ptr<const Impl> impl) { return Certificate(std::move(impl)); }
  // Borrowed; valid while `c` (or a copy) lives.
  static X509* X509Of(const Certificate& c) { return c.impl_->x509.get(); }
};

// Calls `on_block(name, der)` for every PEM block in `pem`, in order ("CERTIFICATE",
// "X509 CRL", ...). InvalidArgument for malformed PEM (bad base64, a BEGIN
// without END). Stops at the first error `on_block` returns.
Status ForEachPemBlock(
    std::string_view pem,
    const std::function<Status(std::string_view name, std::string_view der)>& on_block);

// True if `pem` holds anything that looks like a private key block.
bool MentionsPrivateKey(std::string_view pem);

// 2024-05-01T12:00:00Z
std::string FormatUnixTime(int64_t t);

}  // namespace internal
}  // namespace quell::shaken
