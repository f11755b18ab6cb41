#include "quell/shaken/pki.h"

#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

#include <string>
#include <string_view>

#include "quell/shaken/internal/certificate_impl.h"
#include "quell/shaken/internal/ec_key_access.h"
#include "quell/shaken/internal/openssl_util.h"

namespace quell::shaken {

namespace {

using internal::CertificateAccess;
using internal::EcKeyAccess;
using internal::OpenSslError;

constexpr std::size_t kSerialBytes = 16;
constexpr std::size_t kMaxSerialHexDigits = 40;  // RFC 5280: at most 20 octets

Status CheckValidity(int64_t not_before, int64_t not_after, std::string_view what) {
  if (not_after <= not_before) {
    return InvalidArgument(std::string(what) + ": not_after (" + std::to_string(not_after) +
                           ") must be after not_before (" + std::to_string(not_before) + ")");
  }
  return Status::Ok();
}

bool Printable(std::string_view s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return false;
  }
  return true;
}

Result<internal::X509NamePtr> BuildName(const CertificateSubject& subject) {
  if (subject.common_name.empty()) return InvalidArgument("subject common name is empty");
  if (!subject.country.empty() &&
      (subject.country.size() != 2 || subject.country[0] < 'A' || subject.country[0] > 'Z' ||
       subject.country[1] < 'A' || subject.country[1] > 'Z')) {
    return InvalidArgument("subject country '" + subject.country +
                           "' is not two upper-case letters");
  }
  internal::X509NamePtr name(X509_NAME_new());
  if (!name) return Internal("X509_NAME_new failed");
  const std::pair<const char*, const std::string*> fields[] = {{"C", &subject.country},
                                                               {"O", &subject.organization},
                                                               {"OU", &subject.organizational_unit},
                                                               {"CN", &subject.common_name}};
  for (const auto& [field, value] : fields) {
    if (value->empty()) continue;
    if (!Printable(*value) || value->size() > 64) {
      return InvalidArgument(std::string("subject ") + field +
                             " must be 1 to 64 characters without control characters");
    }
    if (X509_NAME_add_entry_by_txt(name.get(), field, MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char*>(value->data()),
                                   static_cast<int>(value->size()), -1, 0) != 1) {
      return InvalidArgument(std::string("subject ") + field + ": " + OpenSslError());
    }
  }
  return name;
}

Status CheckUrl(std::string_view url) {
  const bool scheme = url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0;
  if (!scheme || url.find_first_of(", \t\r\n") != std::string_view::npos || !Printable(url)) {
    return InvalidArgument("CRL distribution point '" + std::string(url) +
                           "' must be an http:// or https:// URL without commas or spaces");
  }
  return Status::Ok();
}

Status CheckPolicyOid(std::string_view oid) {
  internal::Asn1ObjectPtr obj(OBJ_txt2obj(std::string(oid).c_str(), 1));
  if (!obj || oid.find(',') != std::string_view::npos) {
    ERR_clear_error();
    return InvalidArgument("policy OID '" + std::string(oid) + "' is not a dotted OID");
  }
  return Status::Ok();
}

Result<internal::Asn1IntegerPtr> RandomSerial() {
  unsigned char bytes[kSerialBytes];
  if (RAND_bytes(bytes, sizeof(bytes)) != 1) return Internal("RAND_bytes: " + OpenSslError());
  // Positive, and a non-zero first octet so the serial is exactly 16 bytes.
  bytes[0] = static_cast<unsigned char>((bytes[0] & 0x7F) | 0x01);
  internal::BnPtr bn(BN_bin2bn(bytes, sizeof(bytes), nullptr));
  internal::Asn1IntegerPtr serial(bn ? BN_to_ASN1_INTEGER(bn.get(), nullptr) : nullptr);
  if (!serial) return Internal("building a serial: " + OpenSslError());
  return serial;
}

Status AddExtension(X509* x, X509V3_CTX* ctx, int nid, const std::string& value) {
  internal::X509ExtPtr ext(X509V3_EXT_nconf_nid(nullptr, ctx, nid, value.c_str()));
  if (!ext || X509_add_ext(x, ext.get(), -1) != 1) {
    return Internal(std::string("adding extension ") + OBJ_nid2sn(nid) + ": " + OpenSslError());
  }
  return Status::Ok();
}

Status AddTnAuthList(X509* x, const TnAuthList& list, bool critical) {
  QUELL_ASSIGN_OR_RETURN(std::string der, EncodeTnAuthList(list));
  internal::Asn1ObjectPtr oid(OBJ_txt2obj(std::string(kTnAuthListOid).c_str(), 1));
  internal::Asn1OctetStringPtr value(ASN1_OCTET_STRING_new());
  if (!oid || !value ||
      ASN1_OCTET_STRING_set(value.get(), reinterpret_cast<const unsigned char*>(der.data()),
                            static_cast<int>(der.size())) != 1) {
    return Internal("building the TNAuthList extension: " + OpenSslError());
  }
  internal::X509ExtPtr ext(
      X509_EXTENSION_create_by_OBJ(nullptr, oid.get(), critical ? 1 : 0, value.get()));
  if (!ext || X509_add_ext(x, ext.get(), -1) != 1) {
    return Internal("adding the TNAuthList extension: " + OpenSslError());
  }
  return Status::Ok();
}

// certificatePolicies with one policy OID and no qualifiers, not critical (the
// "OID" string form of X509V3_EXT_nconf needs a config database).
Status AddPolicy(X509* x, const std::string& oid) {
  using PoliciesPtr =
      std::unique_ptr<CERTIFICATEPOLICIES,
                      internal::OsslDeleter<CERTIFICATEPOLICIES, CERTIFICATEPOLICIES_free>>;
  PoliciesPtr policies(CERTIFICATEPOLICIES_new());
  POLICYINFO* info = POLICYINFO_new();
  if (!policies || info == nullptr) {
    POLICYINFO_free(info);
    return Internal("allocating certificatePolicies");
  }
  if (sk_POLICYINFO_push(policies.get(), info) <= 0) {
    POLICYINFO_free(info);
    return Internal("building certificatePolicies");
  }
  ASN1_OBJECT_free(info->policyid);
  info->policyid = OBJ_txt2obj(oid.c_str(), 1);
  if (info->policyid == nullptr ||
      X509_add1_ext_i2d(x, NID_certificate_policies, policies.get(), 0, X509V3_ADD_APPEND) != 1) {
    return Internal("adding certificatePolicies: " + OpenSslError());
  }
  return Status::Ok();
}

// What distinguishes the three kinds of certificate.
struct Profile {
  bool ca = false;
  std::optional<int> path_length;
  const std::string* crl_url = nullptr;
  const std::string* policy_oid = nullptr;
  const TnAuthList* tn_auth_list = nullptr;
  bool tn_auth_list_critical = false;
};

Status CheckIssuer(const CertificateAuthority& issuer) {
  if (!issuer.certificate.is_ca()) {
    return InvalidArgument("issuer '" + issuer.certificate.subject() + "' is not a CA certificate");
  }
  if (!issuer.key.has_private_key()) {
    return InvalidArgument("issuer key has no private half");
  }
  if (X509_check_private_key(CertificateAccess::X509Of(issuer.certificate),
                             EcKeyAccess::Pkey(issuer.key)) != 1) {
    ERR_clear_error();
    return InvalidArgument("issuer key does not match the certificate of '" +
                           issuer.certificate.subject() + "'");
  }
  return Status::Ok();
}

// Builds and signs one certificate. `issuer_cert` null means self-signed.
Result<std::string> Issue(const CertificateSubject& subject, int64_t not_before, int64_t not_after,
                          const Profile& profile, EVP_PKEY* subject_key, X509* issuer_cert,
                          EVP_PKEY* issuer_key) {
  QUELL_RETURN_IF_ERROR(CheckValidity(not_before, not_after, "validity"));
  QUELL_ASSIGN_OR_RETURN(internal::X509NamePtr name, BuildName(subject));
  if (profile.path_length && *profile.path_length < 0) {
    return InvalidArgument("path length must not be negative");
  }
  if (profile.crl_url && !profile.crl_url->empty())
    QUELL_RETURN_IF_ERROR(CheckUrl(*profile.crl_url));
  if (profile.policy_oid && !profile.policy_oid->empty()) {
    QUELL_RETURN_IF_ERROR(CheckPolicyOid(*profile.policy_oid));
  }
  internal::X509Ptr x(X509_new());
  QUELL_ASSIGN_OR_RETURN(internal::Asn1IntegerPtr serial, RandomSerial());
  if (!x || X509_set_version(x.get(), X509_VERSION_3) != 1 ||
      X509_set_serialNumber(x.get(), serial.get()) != 1 ||
      X509_set_subject_name(x.get(), name.get()) != 1 ||
      X509_set_issuer_name(
          x.get(), issuer_cert != nullptr ? X509_get_subject_name(issuer_cert) : name.get()) != 1 ||
      ASN1_TIME_set(X509_getm_notBefore(x.get()), static_cast<time_t>(not_before)) == nullptr ||
      ASN1_TIME_set(X509_getm_notAfter(x.get()), static_cast<time_t>(not_after)) == nullptr ||
      X509_set_pubkey(x.get(), subject_key) != 1) {
    return Internal("building the certificate: " + OpenSslError());
  }
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer_cert != nullptr ? issuer_cert : x.get(), x.get(), nullptr, nullptr,
                 0);
  if (X509V3_set_issuer_pkey(&ctx, issuer_key) != 1) {
    return Internal("X509V3_set_issuer_pkey: " + OpenSslError());
  }
  std::string basic = profile.ca ? "critical,CA:TRUE" : "critical,CA:FALSE";
  if (profile.ca && profile.path_length)
    basic += ",pathlen:" + std::to_string(*profile.path_length);
  QUELL_RETURN_IF_ERROR(AddExtension(x.get(), &ctx, NID_basic_constraints, basic));
  QUELL_RETURN_IF_ERROR(
      AddExtension(x.get(), &ctx, NID_key_usage,
                   profile.ca ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature"));
  // The SKI first: the AKI of a self-signed certificate is read from it.
  QUELL_RETURN_IF_ERROR(AddExtension(x.get(), &ctx, NID_subject_key_identifier, "hash"));
  QUELL_RETURN_IF_ERROR(AddExtension(x.get(), &ctx, NID_authority_key_identifier, "keyid:always"));
  if (profile.policy_oid && !profile.policy_oid->empty()) {
    QUELL_RETURN_IF_ERROR(AddPolicy(x.get(), *profile.policy_oid));
  }
  if (profile.crl_url && !profile.crl_url->empty()) {
    QUELL_RETURN_IF_ERROR(
        AddExtension(x.get(), &ctx, NID_crl_distribution_points, "URI:" + *profile.crl_url));
  }
  if (profile.tn_auth_list != nullptr) {
    QUELL_RETURN_IF_ERROR(
        AddTnAuthList(x.get(), *profile.tn_auth_list, profile.tn_auth_list_critical));
  }
  if (X509_sign(x.get(), issuer_key, EVP_sha256()) <= 0) {
    return Internal("signing the certificate: " + OpenSslError());
  }
  internal::BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), x.get()) != 1) {
    return Internal("writing certificate PEM: " + OpenSslError());
  }
  return internal::BioToString(bio.get());
}

Profile CaProfile(const CaOptions& o) {
  Profile p;
  p.ca = true;
  p.path_length = o.path_length;
  p.crl_url = &o.crl_url;
  p.policy_oid = &o.policy_oid;
  p.tn_auth_list = o.tn_auth_list ? &*o.tn_auth_list : nullptr;
  return p;
}

Result<internal::Asn1IntegerPtr> SerialFromHex(std::string_view hex) {
  if (hex.empty() || hex.size() > kMaxSerialHexDigits ||
      hex.find_first_not_of("0123456789abcdefABCDEF") != std::string_view::npos) {
    return InvalidArgument("serial '" + std::string(hex.substr(0, kMaxSerialHexDigits)) +
                           "' is not 1 to 40 hex digits");
  }
  BIGNUM* raw = nullptr;
  if (BN_hex2bn(&raw, std::string(hex).c_str()) == 0) {
    return InvalidArgument("serial '" + std::string(hex) + "': " + OpenSslError());
  }
  internal::BnPtr bn(raw);
  internal::Asn1IntegerPtr serial(BN_to_ASN1_INTEGER(bn.get(), nullptr));
  if (!serial) return Internal("serial conversion: " + OpenSslError());
  return serial;
}

}  // namespace

Result<std::string> IssueRootCa(const CaOptions& options, const EcKey& key) {
  if (!key.has_private_key()) return InvalidArgument("root CA key has no private half");
  EVP_PKEY* pkey = EcKeyAccess::Pkey(key);
  return Issue(options.subject, options.not_before, options.not_after, CaProfile(options), pkey,
               nullptr, pkey);
}

Result<std::string> IssueIntermediateCa(const CaOptions& options, const EcKey& subject_key,
                                        const CertificateAuthority& issuer) {
  QUELL_RETURN_IF_ERROR(CheckIssuer(issuer));
  return Issue(options.subject, options.not_before, options.not_after, CaProfile(options),
               EcKeyAccess::Pkey(subject_key), CertificateAccess::X509Of(issuer.certificate),
               EcKeyAccess::Pkey(issuer.key));
}

Result<std::string> IssueShakenCertificate(const ShakenCertificateOptions& options,
                                           const EcKey& subject_key,
                                           const CertificateAuthority& issuer) {
  QUELL_RETURN_IF_ERROR(CheckIssuer(issuer));
  if (options.tn_auth_list.empty()) {
    return InvalidArgument("a SHAKEN certificate needs a TNAuthList (one SPC for US SHAKEN)");
  }
  Profile p;
  p.crl_url = &options.crl_url;
  p.policy_oid = &options.policy_oid;
  p.tn_auth_list = &options.tn_auth_list;
  p.tn_auth_list_critical = options.tn_auth_list_critical;
  return Issue(options.subject, options.not_before, options.not_after, p,
               EcKeyAccess::Pkey(subject_key), CertificateAccess::X509Of(issuer.certificate),
               EcKeyAccess::Pkey(issuer.key));
}

Result<std::string> IssueCrl(const CrlOptions& options, const CertificateAuthority& issuer) {
  QUELL_RETURN_IF_ERROR(CheckIssuer(issuer));
  QUELL_RETURN_IF_ERROR(CheckValidity(options.this_update, options.next_update, "CRL"));
  X509* ca = CertificateAccess::X509Of(issuer.certificate);
  internal::X509CrlPtr crl(X509_CRL_new());
  internal::Asn1TimePtr this_update(
      ASN1_TIME_set(nullptr, static_cast<time_t>(options.this_update)));
  internal::Asn1TimePtr next_update(
      ASN1_TIME_set(nullptr, static_cast<time_t>(options.next_update)));
  if (!crl || !this_update || !next_update ||
      X509_CRL_set_version(crl.get(), X509_CRL_VERSION_2) != 1 ||
      X509_CRL_set_issuer_name(crl.get(), X509_get_subject_name(ca)) != 1 ||
      X509_CRL_set1_lastUpdate(crl.get(), this_update.get()) != 1 ||
      X509_CRL_set1_nextUpdate(crl.get(), next_update.get()) != 1) {
    return Internal("building the CRL: " + OpenSslError());
  }
  for (const auto& r : options.revoked) {
    QUELL_ASSIGN_OR_RETURN(internal::Asn1IntegerPtr serial, SerialFromHex(r.serial_hex));
    internal::Asn1TimePtr when(ASN1_TIME_set(nullptr, static_cast<time_t>(r.revoked_at)));
    internal::X509RevokedPtr entry(X509_REVOKED_new());
    if (!when || !entry || X509_REVOKED_set_serialNumber(entry.get(), serial.get()) != 1 ||
        X509_REVOKED_set_revocationDate(entry.get(), when.get()) != 1 ||
        X509_CRL_add0_revoked(crl.get(), entry.get()) != 1) {
      return Internal("adding a revoked serial: " + OpenSslError());
    }
    entry.release();  // owned by the CRL now
  }
  X509_CRL_sort(crl.get());
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, ca, nullptr, nullptr, crl.get(), 0);
  internal::X509ExtPtr aki(
      X509V3_EXT_nconf_nid(nullptr, &ctx, NID_authority_key_identifier, "keyid:always"));
  internal::Asn1IntegerPtr number(ASN1_INTEGER_new());
  if (!aki || !number || X509_CRL_add_ext(crl.get(), aki.get(), -1) != 1 ||
      ASN1_INTEGER_set_uint64(number.get(), options.crl_number) != 1 ||
      X509_CRL_add1_ext_i2d(crl.get(), NID_crl_number, number.get(), 0, 0) != 1) {
    return Internal("adding CRL extensions: " + OpenSslError());
  }
  if (X509_CRL_sign(crl.get(), EcKeyAccess::Pkey(issuer.key), EVP_sha256()) <= 0) {
    return Internal("signing the CRL: " + OpenSslError());
  }
  internal::BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509_CRL(bio.get(), crl.get()) != 1) {
    return Internal("writing CRL PEM: " + OpenSslError());
  }
  return internal::BioToString(bio.get());
}

}  // namespace quell::shaken
