// TrustStore: STI-CA roots and CRLs in one X509_STORE, shared read-only by all
// verifying threads; each Verify builds its own X509_STORE_CTX.
#include <openssl/pem.h>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "quell/shaken/certificate.h"
#include "quell/shaken/internal/certificate_impl.h"
#include "quell/shaken/internal/openssl_util.h"

namespace quell::shaken {

namespace {

using internal::CertificateAccess;
using internal::OpenSslError;

// Root -> intermediate(s) -> leaf; delegate certificates (RFC 9060) add a level
// or two. Deeper chains are refused before any signature is checked.
constexpr int kMaxChainDepth = 8;
constexpr std::uintmax_t kMaxTrustFileBytes = 4 * 1024 * 1024;

// Roots and CRLs gathered before the X509_STORE is built.
struct Collected {
  std::vector<Certificate> roots;
  std::set<std::string> root_fingerprints;
  std::vector<internal::X509CrlPtr> crls;
};

Status AddRoot(Collected& out, Certificate cert) {
  if (!cert.is_ca() || !cert.self_signed()) {
    return InvalidArgument("certificate '" + cert.subject() +
                           "' is not a self-signed CA certificate; only STI-CA roots belong in "
                           "the trust store (intermediates travel with the x5u chain)");
  }
  if (out.root_fingerprints.insert(cert.fingerprint()).second) {
    out.roots.push_back(std::move(cert));
  }
  return Status::Ok();
}

Status AddCrlDer(Collected& out, std::string_view der) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  const unsigned char* const end = p + der.size();
  internal::X509CrlPtr crl(d2i_X509_CRL(nullptr, &p, static_cast<long>(der.size())));
  if (!crl) return InvalidArgument("not a DER X.509 CRL: " + OpenSslError());
  if (p != end) return InvalidArgument("trailing bytes after the CRL");
  out.crls.push_back(std::move(crl));
  return Status::Ok();
}

Status AddPem(Collected& out, std::string_view pem) {
  if (internal::MentionsPrivateKey(pem)) {
    return InvalidArgument("holds a private key; the trust store takes certificates and CRLs");
  }
  return internal::ForEachPemBlock(pem, [&out](std::string_view name, std::string_view der) {
    if (name == "CERTIFICATE") {
      QUELL_ASSIGN_OR_RETURN(Certificate cert, Certificate::FromDer(der));
      return AddRoot(out, std::move(cert));
    }
    if (name == "X509 CRL") return AddCrlDer(out, der);
    return InvalidArgument("unexpected PEM block '" + std::string(name) +
                           "' (want CERTIFICATE or X509 CRL)");
  });
}

// One file of the trust directory: PEM, or DER as CAs publish CRLs and roots.
Status AddFile(Collected& out, const std::filesystem::path& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) return InvalidArgument("cannot read: " + ec.message());
  if (size > kMaxTrustFileBytes) return InvalidArgument("larger than 4 MiB");
  std::ifstream in(path, std::ios::binary);
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in && !in.eof()) return InvalidArgument("cannot read");
  if (data.find("-----BEGIN ") != std::string::npos) return AddPem(out, data);
  if (path.extension() == ".crl") return AddCrlDer(out, data);
  QUELL_ASSIGN_OR_RETURN(Certificate cert, Certificate::FromDer(data));
  return AddRoot(out, std::move(cert));
}

bool IsTrustFile(const std::filesystem::path& p) {
  std::string ext = p.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext == ".pem" || ext == ".crt" || ext == ".cer" || ext == ".crl";
}

// What the verify callback saw first, for the error message.
struct VerifyState {
  const TrustOptions* options = nullptr;
  int error = X509_V_OK;
  int depth = 0;
  std::string subject;
  std::string issuer;
  bool is_ca = false;
  int64_t not_before = 0;
  int64_t not_after = 0;
};

// True if every critical extension of `x` that OpenSSL does not handle is the
// TNAuthList, which CheckTnAuthorization handles.
bool OnlyTnAuthListUnhandled(X509* x) {
  internal::Asn1ObjectPtr tn_oid(OBJ_txt2obj(std::string(kTnAuthListOid).c_str(), 1));
  if (!tn_oid) return false;
  for (int i = 0; i < X509_get_ext_count(x); ++i) {
    X509_EXTENSION* ext = X509_get_ext(x, i);
    if (X509_EXTENSION_get_critical(ext) <= 0 || X509_supported_extension(ext)) continue;
    if (OBJ_cmp(X509_EXTENSION_get_object(ext), tn_oid.get()) != 0) return false;
  }
  return true;
}

int VerifyCallback(int ok, X509_STORE_CTX* ctx) {
  if (ok == 1) return 1;
  auto* state = static_cast<VerifyState*>(X509_STORE_CTX_get_app_data(ctx));
  const int err = X509_STORE_CTX_get_error(ctx);
  X509* cert = X509_STORE_CTX_get_current_cert(ctx);
  const bool crl_missing = err == X509_V_ERR_UNABLE_TO_GET_CRL ||
                           err == X509_V_ERR_CRL_HAS_EXPIRED || err == X509_V_ERR_CRL_NOT_YET_VALID;
  // Without require_crl a missing or stale CRL is no failure. A stale CRL is
  // still read: what it lists stays revoked.
  if (crl_missing && !state->options->require_crl) return 1;
  if (err == X509_V_ERR_UNHANDLED_CRITICAL_EXTENSION && cert != nullptr &&
      OnlyTnAuthListUnhandled(cert)) {
    return 1;
  }
  if (state->error == X509_V_OK) {
    state->error = err;
    state->depth = X509_STORE_CTX_get_error_depth(ctx);
    if (cert != nullptr) {
      state->subject = internal::NameToString(X509_get_subject_name(cert));
      state->issuer = internal::NameToString(X509_get_issuer_name(cert));
      state->is_ca = (X509_get_extension_flags(cert) & EXFLAG_CA) != 0;
      state->not_before = internal::Asn1TimeToUnix(X509_get0_notBefore(cert));
      state->not_after = internal::Asn1TimeToUnix(X509_get0_notAfter(cert));
    }
  }
  return 0;
}

Status Failure(const VerifyState& s, int64_t at) {
  const std::string who = "'" + s.subject + "'";
  const std::string when = internal::FormatUnixTime(at);
  switch (s.error) {
    case X509_V_ERR_CERT_HAS_EXPIRED:
      return PermissionDenied("certificate expired: " + who + " (notAfter " +
                              internal::FormatUnixTime(s.not_after) + ", checked at " + when + ")");
    case X509_V_ERR_CERT_NOT_YET_VALID:
      return PermissionDenied("certificate not yet valid: " + who + " (notBefore " +
                              internal::FormatUnixTime(s.not_before) + ", checked at " + when +
                              ")");
    case X509_V_ERR_CERT_REVOKED:
      return PermissionDenied("certificate revoked: " + who + " is listed in its issuer's CRL");
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
      // A leaf whose issuer is absent is missing its intermediate; a CA whose
      // issuer is absent most likely chains to a root we do not trust.
      if (s.depth == 0 && !s.is_ca) {
        return PermissionDenied("missing intermediate: unable to get issuer '" + s.issuer +
                                "' of " + who + "; it is neither in the x5u chain nor a root");
      }
      return PermissionDenied("untrusted root: issuer '" + s.issuer + "' of " + who +
                              " is not a trusted root (or an intermediate is missing)");
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
      return PermissionDenied("untrusted root: self-signed " + who + " is not in the trust store");
    case X509_V_ERR_CERT_SIGNATURE_FAILURE:
    case X509_V_ERR_UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY:
      return PermissionDenied("bad signature on certificate " + who);
    case X509_V_ERR_INVALID_CA:
      return PermissionDenied("not a CA: " + who + " issues certificates but is not marked cA");
    case X509_V_ERR_KEYUSAGE_NO_CERTSIGN:
      return PermissionDenied("CA certificate " + who + " lacks keyUsage keyCertSign");
    case X509_V_ERR_PATH_LENGTH_EXCEEDED:
    case X509_V_ERR_CERT_CHAIN_TOO_LONG:
      return PermissionDenied("certificate chain too long at " + who);
    case X509_V_ERR_UNABLE_TO_GET_CRL:
      return PermissionDenied("certificate revocation unknown: no CRL from issuer '" + s.issuer +
                              "' of " + who + " (require_crl)");
    case X509_V_ERR_CRL_HAS_EXPIRED:
    case X509_V_ERR_CRL_NOT_YET_VALID:
      return PermissionDenied("certificate revocation unknown: the CRL from issuer '" + s.issuer +
                              "' of " + who + " is not valid at " + when + " (require_crl)");
    case X509_V_ERR_CRL_SIGNATURE_FAILURE:
    case X509_V_ERR_UNABLE_TO_GET_CRL_ISSUER:
    case X509_V_ERR_KEYUSAGE_NO_CRL_SIGN:
      return PermissionDenied("the CRL covering " + who +
                              " cannot be verified: " + X509_verify_cert_error_string(s.error));
    case X509_V_ERR_UNHANDLED_CRITICAL_EXTENSION:
      return PermissionDenied("certificate " + who + " has an unhandled critical extension");
    default:
      return PermissionDenied("certificate chain invalid at " + who + ": " +
                              X509_verify_cert_error_string(s.error));
  }
}

}  // namespace

struct TrustStore::Impl {
  TrustOptions options;
  internal::X509StorePtr store;
  std::size_t root_count = 0;
  std::size_t crl_count = 0;

  static Result<std::unique_ptr<Impl>> Build(Collected c, TrustOptions options);
};

Result<std::unique_ptr<TrustStore::Impl>> TrustStore::Impl::Build(Collected c,
                                                                  TrustOptions options) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->store.reset(X509_STORE_new());
  if (!impl->store) return Internal("X509_STORE_new failed: " + OpenSslError());
  for (const auto& root : c.roots) {
    if (X509_STORE_add_cert(impl->store.get(), CertificateAccess::X509Of(root)) != 1) {
      return Internal("adding root '" + root.subject() + "': " + OpenSslError());
    }
  }
  for (const auto& crl : c.crls) {
    if (X509_STORE_add_crl(impl->store.get(), crl.get()) != 1) {
      return Internal("adding a CRL: " + OpenSslError());
    }
  }
  impl->root_count = c.roots.size();
  impl->crl_count = c.crls.size();
  return impl;
}

TrustStore::TrustStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TrustStore::~TrustStore() = default;

std::size_t TrustStore::root_count() const { return impl_->root_count; }
std::size_t TrustStore::crl_count() const { return impl_->crl_count; }

Result<std::shared_ptr<const TrustStore>> TrustStore::FromPem(std::string_view roots_pem,
                                                              std::string_view crls_pem,
                                                              TrustOptions options) {
  Collected c;
  QUELL_RETURN_IF_ERROR(AddPem(c, roots_pem).WithContext("trust roots"));
  QUELL_RETURN_IF_ERROR(AddPem(c, crls_pem).WithContext("CRLs"));
  if (c.roots.empty()) {
    return InvalidArgument(
        "no root certificate in the trust roots; a verifier with no roots "
        "trusts nothing");
  }
  QUELL_ASSIGN_OR_RETURN(auto impl, Impl::Build(std::move(c), options));
  return std::shared_ptr<const TrustStore>(new TrustStore(std::move(impl)));
}

Result<std::shared_ptr<const TrustStore>> TrustStore::LoadDirectory(const std::string& dir,
                                                                    TrustOptions options) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return NotFound("trust directory '" + dir + "' does not exist");
  std::vector<fs::path> files;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code file_ec;
    if (it->is_regular_file(file_ec) && IsTrustFile(it->path())) files.push_back(it->path());
  }
  if (ec) return InvalidArgument("cannot list trust directory '" + dir + "': " + ec.message());
  std::sort(files.begin(), files.end());
  Collected c;
  for (const auto& f : files) {
    QUELL_RETURN_IF_ERROR(AddFile(c, f).WithContext("file " + f.string()));
  }
  if (c.roots.empty()) {
    return InvalidArgument("trust directory '" + dir +
                           "' holds no root certificate (*.pem, *.crt, *.cer); a verifier with "
                           "no roots trusts nothing");
  }
  QUELL_ASSIGN_OR_RETURN(auto impl, Impl::Build(std::move(c), options));
  return std::shared_ptr<const TrustStore>(new TrustStore(std::move(impl)));
}

Status TrustStore::Verify(const CertificateChain& chain, int64_t at) const {
  internal::X509StackPtr untrusted(sk_X509_new_null());
  if (!untrusted) return Internal("sk_X509_new_null failed");
  for (const auto& c : chain.intermediates) {
    // Borrowed: the stack is freed without freeing its certificates.
    if (sk_X509_push(untrusted.get(), CertificateAccess::X509Of(c)) <= 0) {
      return Internal("sk_X509_push failed");
    }
  }
  internal::X509StoreCtxPtr ctx(X509_STORE_CTX_new());
  if (!ctx || X509_STORE_CTX_init(ctx.get(), impl_->store.get(),
                                  CertificateAccess::X509Of(chain.leaf), untrusted.get()) != 1) {
    return Internal("X509_STORE_CTX_init failed: " + OpenSslError());
  }
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
  X509_VERIFY_PARAM_set_time(param, static_cast<time_t>(at));
  X509_VERIFY_PARAM_set_depth(param, kMaxChainDepth);
  // Trust only whole chains to a root: never stop at a trusted intermediate.
  X509_VERIFY_PARAM_clear_flags(param, X509_V_FLAG_PARTIAL_CHAIN);
  if (impl_->crl_count > 0 || impl_->options.require_crl) {
    X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL);
  }
  VerifyState state;
  state.options = &impl_->options;
  X509_STORE_CTX_set_app_data(ctx.get(), &state);
  X509_STORE_CTX_set_verify_cb(ctx.get(), VerifyCallback);
  const int rc = X509_verify_cert(ctx.get());
  ERR_clear_error();
  if (rc == 1) return Status::Ok();
  if (state.error == X509_V_OK) {
    // Failed without reaching the callback (e.g. out of memory).
    state.error = X509_STORE_CTX_get_error(ctx.get());
    state.subject = chain.leaf.subject();
    state.issuer = chain.leaf.issuer();
    if (state.error == X509_V_OK) return Internal("certificate verification failed");
  }
  return Failure(state, at);
}

}  // namespace quell::shaken
