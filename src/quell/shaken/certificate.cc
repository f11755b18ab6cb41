#include "quell/shaken/certificate.h"

#include <openssl/objects.h>
#include <openssl/pem.h>

#include <ctime>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "quell/shaken/internal/certificate_impl.h"
#include "quell/shaken/internal/ec_key_access.h"
#include "quell/shaken/internal/openssl_util.h"

namespace quell::shaken {

namespace {

using internal::OpenSslError;

// STI certificates are about 1 KB; anything near these limits is hostile.
constexpr std::size_t kMaxCertificateBytes = 64 * 1024;
constexpr std::size_t kMaxPemBytes = 1024 * 1024;
constexpr std::size_t kMaxChainCertificates = 16;

std::string HexLower(const unsigned char* data, std::size_t n) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * n);
  for (std::size_t i = 0; i < n; ++i) {
    out.push_back(kHex[data[i] >> 4]);
    out.push_back(kHex[data[i] & 0x0F]);
  }
  return out;
}

std::string SerialHex(const X509* x) {
  internal::BnPtr bn(ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), nullptr));
  if (!bn) {
    ERR_clear_error();
    return {};
  }
  char* hex = BN_bn2hex(bn.get());
  if (hex == nullptr) {
    ERR_clear_error();
    return {};
  }
  std::string out(hex);
  OPENSSL_free(hex);
  return out;
}

// Fills the TNAuthList fields of `impl` from the certificate's extension.
Status ReadTnAuthList(X509* x, internal::CertificateAccess::Impl& impl) {
  internal::Asn1ObjectPtr oid(OBJ_txt2obj(std::string(kTnAuthListOid).c_str(), 1));
  if (!oid) return Internal("cannot build the TNAuthList OID: " + OpenSslError());
  const int loc = X509_get_ext_by_OBJ(x, oid.get(), -1);
  if (loc < 0) return Status::Ok();
  if (X509_get_ext_by_OBJ(x, oid.get(), loc) >= 0) {
    return InvalidArgument("certificate has two TNAuthList extensions");
  }
  X509_EXTENSION* ext = X509_get_ext(x, loc);
  const ASN1_OCTET_STRING* value = X509_EXTENSION_get_data(ext);
  if (value == nullptr) return InvalidArgument("TNAuthList extension has no value");
  auto list =
      ParseTnAuthList(std::string_view(reinterpret_cast<const char*>(ASN1_STRING_get0_data(value)),
                                       static_cast<std::size_t>(ASN1_STRING_length(value))));
  if (!list) return list.status().WithContext("certificate extension");
  impl.tn_auth_list = std::move(*list);
  impl.tn_auth_list_critical = X509_EXTENSION_get_critical(ext) > 0;
  return Status::Ok();
}

Result<Certificate> Build(internal::X509Ptr x, std::string der) {
  auto impl = std::make_shared<internal::CertificateAccess::Impl>();
  // Fills OpenSSL's extension cache now, while only this thread sees the X509.
  const uint32_t flags = X509_get_extension_flags(x.get());
  ERR_clear_error();
  QUELL_RETURN_IF_ERROR(ReadTnAuthList(x.get(), *impl));
  impl->subject = internal::NameToString(X509_get_subject_name(x.get()));
  impl->issuer = internal::NameToString(X509_get_issuer_name(x.get()));
  impl->serial_hex = SerialHex(x.get());
  impl->not_before = internal::Asn1TimeToUnix(X509_get0_notBefore(x.get()));
  impl->not_after = internal::Asn1TimeToUnix(X509_get0_notAfter(x.get()));
  impl->is_ca = (flags & EXFLAG_CA) != 0;
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_len = 0;
  if (EVP_Digest(der.data(), der.size(), digest, &digest_len, EVP_sha256(), nullptr) != 1) {
    return Internal("SHA-256 failed: " + OpenSslError());
  }
  impl->fingerprint = HexLower(digest, digest_len);
  impl->der = std::move(der);
  impl->x509 = std::move(x);
  return internal::CertificateAccess::Make(std::move(impl));
}

}  // namespace

Certificate::Certificate(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}

Result<Certificate> Certificate::FromDer(std::string_view der) {
  if (der.empty()) return InvalidArgument("empty certificate");
  if (der.size() > kMaxCertificateBytes) {
    return InvalidArgument("certificate of " + std::to_string(der.size()) +
                           " bytes is larger than " + std::to_string(kMaxCertificateBytes));
  }
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  const unsigned char* const end = p + der.size();
  internal::X509Ptr x(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  if (!x) return InvalidArgument("not a DER X.509 certificate: " + OpenSslError());
  if (p != end) {
    return InvalidArgument(std::to_string(end - p) + " trailing bytes after the certificate");
  }
  return Build(std::move(x), std::string(der));
}

std::string Certificate::ToPem() const {
  // The DER as received, not OpenSSL's re-encoding, so that der(), ToPem() and
  // fingerprint() always describe the same bytes.
  internal::BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio(bio.get(), "CERTIFICATE", "",
                            reinterpret_cast<const unsigned char*>(impl_->der.data()),
                            static_cast<long>(impl_->der.size())) <= 0) {
    ERR_clear_error();
    return {};
  }
  return internal::BioToString(bio.get());
}

std::string_view Certificate::der() const { return impl_->der; }
std::string Certificate::subject() const { return impl_->subject; }
std::string Certificate::issuer() const { return impl_->issuer; }
std::string Certificate::serial_hex() const { return impl_->serial_hex; }
int64_t Certificate::not_before() const { return impl_->not_before; }
int64_t Certificate::not_after() const { return impl_->not_after; }
bool Certificate::is_ca() const { return impl_->is_ca; }
const std::optional<TnAuthList>& Certificate::tn_auth_list() const { return impl_->tn_auth_list; }
bool Certificate::tn_auth_list_critical() const { return impl_->tn_auth_list_critical; }
std::string Certificate::fingerprint() const { return impl_->fingerprint; }

bool Certificate::self_signed() const {
  // Checks the names, AKI/SKI and the signature itself.
  const bool yes = X509_self_signed(impl_->x509.get(), 1) == 1;
  ERR_clear_error();
  return yes;
}

Result<EcKey> Certificate::PublicKey() const {
  auto key = internal::EcKeyAccess::FromPublicPkey(X509_get0_pubkey(impl_->x509.get()));
  if (!key) {
    ERR_clear_error();
    return key.status().WithContext("public key of certificate '" + impl_->subject + "'");
  }
  return key;
}

Status internal::ForEachPemBlock(
    std::string_view pem,
    const std::function<Status(std::string_view name, std::string_view der)>& on_block) {
  if (pem.size() > kMaxPemBytes) {
    return InvalidArgument("PEM text of " + std::to_string(pem.size()) + " bytes is larger than " +
                           std::to_string(kMaxPemBytes));
  }
  BioPtr bio = MemBio(pem);
  if (!bio) return Internal("BIO_new_mem_buf failed");
  ERR_clear_error();
  for (int block = 1;; ++block) {
    char* name = nullptr;
    char* header = nullptr;
    unsigned char* data = nullptr;
    long len = 0;
    if (PEM_read_bio(bio.get(), &name, &header, &data, &len) != 1) {
      const unsigned long err = ERR_peek_last_error();
      if (ERR_GET_LIB(err) == ERR_LIB_PEM && ERR_GET_REASON(err) == PEM_R_NO_START_LINE) {
        ERR_clear_error();
        return Status::Ok();  // no more blocks
      }
      return InvalidArgument("PEM block " + std::to_string(block) +
                             " is malformed: " + OpenSslError());
    }
    std::string block_name(name);
    std::string der(reinterpret_cast<const char*>(data), static_cast<std::size_t>(len));
    OPENSSL_free(name);
    OPENSSL_free(header);
    OPENSSL_free(data);
    QUELL_RETURN_IF_ERROR(on_block(block_name, der));
  }
}

bool internal::MentionsPrivateKey(std::string_view pem) {
  return pem.find("PRIVATE KEY-----") != std::string_view::npos;
}

std::string internal::FormatUnixTime(int64_t t) {
  const std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  if (gmtime_r(&tt, &tm) == nullptr) return std::to_string(t);
  char buf[32];
  if (std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0) return std::to_string(t);
  return buf;
}

Result<std::vector<Certificate>> ParsePemCertificates(std::string_view pem) {
  if (internal::MentionsPrivateKey(pem)) {
    return InvalidArgument("the PEM holds a private key; it must carry certificates only");
  }
  std::vector<Certificate> certs;
  QUELL_RETURN_IF_ERROR(internal::ForEachPemBlock(
      pem, [&certs](std::string_view name, std::string_view der) -> Status {
        if (name != "CERTIFICATE") return Status::Ok();  // e.g. parameters; not ours to judge
        if (certs.size() == kMaxChainCertificates) {
          return InvalidArgument("more than " + std::to_string(kMaxChainCertificates) +
                                 " certificates in the PEM");
        }
        auto cert = Certificate::FromDer(der);
        if (!cert) {
          return cert.status().WithContext("certificate " + std::to_string(certs.size() + 1));
        }
        certs.push_back(std::move(*cert));
        return Status::Ok();
      }));
  if (certs.empty()) return InvalidArgument("no CERTIFICATE block in the PEM");
  return certs;
}

Result<CertificateChain> ParseCertificateChain(std::string_view pem) {
  QUELL_ASSIGN_OR_RETURN(std::vector<Certificate> certs, ParsePemCertificates(pem));
  Certificate leaf = certs.front();
  certs.erase(certs.begin());
  return CertificateChain{std::move(leaf), std::move(certs)};
}

}  // namespace quell::shaken
