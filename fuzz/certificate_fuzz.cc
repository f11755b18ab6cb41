// The X.509 layer on arbitrary input: ParseTnAuthList (our own DER reader),
// Certificate::FromDer and PEM chains. Never crash; every rejection says why;
// whatever TNAuthList decodes re-encodes and decodes to the same list, and a
// certificate that parses re-parses from its own DER and PEM.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "quell/shaken/certificate.h"

namespace {

using quell::shaken::Certificate;

void CheckTnAuthList(std::string_view input) {
  auto list = quell::shaken::ParseTnAuthList(input);
  if (!list) {
    if (list.status().message().empty()) std::abort();
    return;
  }
  if (list->empty()) std::abort();
  auto der = quell::shaken::EncodeTnAuthList(*list);
  if (!der) std::abort();  // what decodes must encode
  auto again = quell::shaken::ParseTnAuthList(*der);
  if (!again || !(*again == *list)) std::abort();
  for (const auto& tn : list->tns) {
    if (!quell::shaken::TnAuthListCovers(*list, tn)) std::abort();
  }
  for (const auto& r : list->ranges) {
    if (!quell::shaken::TnAuthListCovers(*list, r.start)) std::abort();
  }
  if (!quell::shaken::TnAuthListEncompasses(*list, *list)) std::abort();
}

void CheckCertificate(const Certificate& cert) {
  auto again = Certificate::FromDer(cert.der());
  if (!again || again->fingerprint() != cert.fingerprint()) std::abort();
  auto from_pem = quell::shaken::ParsePemCertificates(cert.ToPem());
  if (!from_pem || from_pem->front().fingerprint() != cert.fingerprint()) std::abort();
  (void)cert.subject();
  (void)cert.issuer();
  (void)cert.serial_hex();
  (void)cert.self_signed();
  (void)cert.PublicKey();
  if (cert.tn_auth_list() && cert.tn_auth_list()->empty()) std::abort();
}

void CheckChain(std::string_view input) {
  auto chain = quell::shaken::ParseCertificateChain(input);
  if (!chain) {
    if (chain.status().message().empty()) std::abort();
    return;
  }
  CheckCertificate(chain->leaf);
  for (auto profile : {quell::shaken::TnAuthProfile::kSpc, quell::shaken::TnAuthProfile::kTn}) {
    (void)quell::shaken::CheckTnAuthorization(*chain, profile, "12025550100");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  CheckTnAuthList(input);
  auto cert = Certificate::FromDer(input);
  if (cert) {
    CheckCertificate(*cert);
  } else if (cert.status().message().empty()) {
    std::abort();
  }
  CheckChain(input);
  return 0;
}
