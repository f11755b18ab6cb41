// A throwaway STIR/SHAKEN PKI for tests, built with quell/shaken/pki.h: a root,
// an intermediate and SHAKEN leaves, all at fixed times around kT0.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "quell/shaken/certificate.h"
#include "quell/shaken/es256.h"
#include "quell/shaken/pki.h"

namespace quell::shaken::testpki {

inline constexpr int64_t kT0 = 1700000000;  // 2023-11-14T22:13:20Z
inline constexpr int64_t kDay = 86400;
inline constexpr int64_t kYear = 365 * kDay;

// A certificate with its key.
struct Issued {
  EcKey key;
  std::string pem;
  Certificate cert;
  CertificateAuthority ca() const { return CertificateAuthority{cert, key}; }
};

// The value, or the test binary stops: fixtures that cannot be built make
// every later expectation meaningless.
template <typename T>
T Must(Result<T> r) {
  if (!r.has_value()) {
    std::fprintf(stderr, "test PKI: %s\n", r.status().ToString().c_str());
    std::abort();
  }
  return std::move(*r);
}

inline EcKey NewKey() { return Must(EcKey::Generate()); }

inline Issued FromPem(EcKey key, Result<std::string> pem) {
  std::string text = Must(std::move(pem));
  Certificate cert = Must(ParsePemCertificates(text)).front();
  return Issued{std::move(key), std::move(text), std::move(cert)};
}

inline CertificateSubject Subject(std::string cn, std::string org = "Quell Test") {
  return CertificateSubject{
      .country = "US", .organization = std::move(org), .common_name = std::move(cn)};
}

inline Issued MakeRoot(std::string cn = "Test SHAKEN Root", int64_t not_before = kT0 - kYear,
                       int64_t not_after = kT0 + 10 * kYear) {
  EcKey key = NewKey();
  auto pem = IssueRootCa(
      {.subject = Subject(std::move(cn)), .not_before = not_before, .not_after = not_after}, key);
  return FromPem(std::move(key), std::move(pem));
}

inline Issued MakeIntermediate(const Issued& issuer, std::string cn = "Test SHAKEN Intermediate",
                               int64_t not_before = kT0 - kYear,
                               int64_t not_after = kT0 + 5 * kYear,
                               std::optional<TnAuthList> tn_auth_list = std::nullopt) {
  EcKey key = NewKey();
  auto pem = IssueIntermediateCa({.subject = Subject(std::move(cn)),
                                  .not_before = not_before,
                                  .not_after = not_after,
                                  .path_length = 0,
                                  .crl_url = "http://crl.example.test/inter.crl",
                                  .tn_auth_list = std::move(tn_auth_list)},
                                 key, issuer.ca());
  return FromPem(std::move(key), std::move(pem));
}

inline Issued MakeLeaf(const Issued& issuer, TnAuthList list = TnAuthList{.spcs = {"1234"}},
                       int64_t not_before = kT0 - kDay, int64_t not_after = kT0 + kYear,
                       bool critical = false, std::string cn = "SHAKEN 1234") {
  EcKey key = NewKey();
  auto pem = IssueShakenCertificate({.subject = Subject(std::move(cn), "Quell Carrier"),
                                     .not_before = not_before,
                                     .not_after = not_after,
                                     .tn_auth_list = std::move(list),
                                     .tn_auth_list_critical = critical,
                                     .crl_url = "http://crl.example.test/leaf.crl"},
                                    key, issuer.ca());
  return FromPem(std::move(key), std::move(pem));
}

inline std::string MakeCrl(const Issued& ca, std::vector<std::string> revoked_serials,
                           int64_t this_update = kT0 - kDay, int64_t next_update = kT0 + 7 * kDay) {
  CrlOptions options{.this_update = this_update, .next_update = next_update};
  for (auto& s : revoked_serials) {
    options.revoked.push_back({.serial_hex = std::move(s), .revoked_at = this_update});
  }
  return Must(IssueCrl(options, ca.ca()));
}

// root -> intermediate -> leaf (SPC 1234).
struct Pki {
  Issued root = MakeRoot();
  Issued inter = MakeIntermediate(root);
  Issued leaf = MakeLeaf(inter);
  CertificateChain chain() const { return CertificateChain{leaf.cert, {inter.cert}}; }
};

}  // namespace quell::shaken::testpki
