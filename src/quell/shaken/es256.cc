#include "quell/shaken/es256.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include <mutex>
#include <vector>

#include "quell/shaken/internal/ec_key_access.h"
#include "quell/shaken/internal/openssl_util.h"

namespace quell::shaken {

struct EcKey::Impl {
  EVP_PKEY* pkey = nullptr;
  bool has_private = false;

  // Contexts set up for signing or verifying with this key, kept for reuse:
  // setting one up (provider look-ups, locks, key checks) costs a third of a
  // signature, and `openssl speed` does it once. A short free list per key.
  enum Op { kSign, kVerify };
  static constexpr std::size_t kMaxIdle = 16;
  mutable std::mutex mu;
  mutable std::vector<EVP_PKEY_CTX*> idle[2];  // guarded by mu

  // A context initialised for `op`, or nullptr if OpenSSL fails.
  EVP_PKEY_CTX* Acquire(Op op) const {
    {
      std::lock_guard lock(mu);
      if (!idle[op].empty()) {
        EVP_PKEY_CTX* ctx = idle[op].back();
        idle[op].pop_back();
        return ctx;
      }
    }
    EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_pkey(nullptr, pkey, nullptr);
    if (ctx == nullptr) return nullptr;
    if ((op == kSign ? EVP_PKEY_sign_init(ctx) : EVP_PKEY_verify_init(ctx)) != 1) {
      EVP_PKEY_CTX_free(ctx);
      return nullptr;
    }
    return ctx;
  }
  void Release(Op op, EVP_PKEY_CTX* ctx) const {
    {
      std::lock_guard lock(mu);
      if (idle[op].size() < kMaxIdle) {
        idle[op].push_back(ctx);
        return;
      }
    }
    EVP_PKEY_CTX_free(ctx);
  }

  ~Impl() {
    for (auto& list : idle) {
      for (EVP_PKEY_CTX* ctx : list) EVP_PKEY_CTX_free(ctx);
    }
    EVP_PKEY_free(pkey);
  }
};

namespace {

constexpr std::size_t kCoordinateBytes = 32;
constexpr std::size_t kSignatureBytes = 2 * kCoordinateBytes;

using internal::BioPtr;
using internal::BnPtr;
using internal::OsslDeleter;
using internal::PkeyPtr;
using internal::X509Ptr;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, OsslDeleter<EVP_PKEY_CTX, EVP_PKEY_CTX_free>>;
using SigPtr = std::unique_ptr<ECDSA_SIG, OsslDeleter<ECDSA_SIG, ECDSA_SIG_free>>;
using ParamBldPtr =
    std::unique_ptr<OSSL_PARAM_BLD, OsslDeleter<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free>>;
using ParamPtr = std::unique_ptr<OSSL_PARAM, OsslDeleter<OSSL_PARAM, OSSL_PARAM_free>>;

// The OpenSSL error queue is per thread; draining it keeps one failure from
// being reported against a later call.
std::string OpenSslError() {
  unsigned long code = ERR_get_error();
  std::string out = code == 0 ? "unknown OpenSSL error"
                    : ERR_reason_error_string(code) != nullptr
                        ? ERR_reason_error_string(code)
                        : "OpenSSL error " + std::to_string(code);
  ERR_clear_error();
  return out;
}

// Only P-256 keys may be used for ES256.
Status CheckP256(EVP_PKEY* pkey) {
  if (EVP_PKEY_get_base_id(pkey) != EVP_PKEY_EC) {
    return InvalidArgument("key is not an EC key; ES256 needs P-256");
  }
  char group[64] = {};
  std::size_t len = 0;
  if (EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group),
                                     &len) != 1) {
    ERR_clear_error();
    return InvalidArgument("EC key has no named curve; ES256 needs P-256");
  }
  if (std::string_view(group, len) != "prime256v1") {
    return InvalidArgument("EC key is on curve " + std::string(group, len) + ", ES256 needs P-256");
  }
  return Status::Ok();
}

BioPtr MemBio(std::string_view pem) {
  return BioPtr(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
}

Result<std::string> BioContents(BIO* bio) {
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  if (n <= 0 || data == nullptr) return Internal("empty PEM output");
  return std::string(data, static_cast<std::size_t>(n));
}

// Left-pads a big-endian integer to 32 bytes; false if it does not fit.
bool AppendPadded(const BIGNUM* bn, std::string& out) {
  unsigned char buf[kCoordinateBytes];
  if (BN_bn2binpad(bn, buf, sizeof(buf)) != static_cast<int>(sizeof(buf))) return false;
  out.append(reinterpret_cast<const char*>(buf), sizeof(buf));
  return true;
}

}  // namespace

EcKey::EcKey(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
EcKey::EcKey(EcKey&&) noexcept = default;
EcKey& EcKey::operator=(EcKey&&) noexcept = default;
EcKey::~EcKey() = default;

bool EcKey::has_private_key() const { return impl_->has_private; }

Result<EcKey> EcKey::FromPrivatePem(std::string_view pem) {
  if (pem.size() > (1u << 20)) return InvalidArgument("private key PEM larger than 1 MiB");
  BioPtr bio = MemBio(pem);
  PkeyPtr pkey(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!pkey) return InvalidArgument("cannot read a private key from PEM: " + OpenSslError());
  QUELL_RETURN_IF_ERROR(CheckP256(pkey.get()));
  auto impl = std::make_unique<Impl>();
  impl->pkey = pkey.release();
  impl->has_private = true;
  return EcKey(std::move(impl));
}

Result<EcKey> EcKey::FromPublicPem(std::string_view pem) {
  if (pem.size() > (1u << 20)) return InvalidArgument("public key PEM larger than 1 MiB");
  PkeyPtr pkey;
  if (pem.find("-----BEGIN CERTIFICATE-----") != std::string_view::npos) {
    BioPtr bio = MemBio(pem);
    X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (!cert) return InvalidArgument("cannot read a certificate from PEM: " + OpenSslError());
    pkey.reset(X509_get_pubkey(cert.get()));
    if (!pkey)
      return InvalidArgument("cannot read the certificate's public key: " + OpenSslError());
  } else {
    BioPtr bio = MemBio(pem);
    pkey.reset(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
    if (!pkey) return InvalidArgument("cannot read a public key from PEM: " + OpenSslError());
  }
  QUELL_RETURN_IF_ERROR(CheckP256(pkey.get()));
  auto impl = std::make_unique<Impl>();
  impl->pkey = pkey.release();
  return EcKey(std::move(impl));
}

Result<EcKey> EcKey::FromCoordinates(std::string_view x, std::string_view y, std::string_view d) {
  if (x.size() != kCoordinateBytes || y.size() != kCoordinateBytes) {
    return InvalidArgument("P-256 coordinates must be 32 bytes each, got " +
                           std::to_string(x.size()) + " and " + std::to_string(y.size()));
  }
  if (!d.empty() && d.size() != kCoordinateBytes) {
    return InvalidArgument("P-256 private scalar must be 32 bytes, got " +
                           std::to_string(d.size()));
  }
  std::string point = "\x04";
  point.append(x);
  point.append(y);
  ParamBldPtr bld(OSSL_PARAM_BLD_new());
  BnPtr priv;
  if (!bld ||
      OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) !=
          1 ||
      OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                       point.size()) != 1) {
    return Internal("building EC key parameters: " + OpenSslError());
  }
  if (!d.empty()) {
    priv.reset(BN_bin2bn(reinterpret_cast<const unsigned char*>(d.data()),
                         static_cast<int>(d.size()), nullptr));
    if (!priv || OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY, priv.get()) != 1) {
      return Internal("building EC key parameters: " + OpenSslError());
    }
  }
  ParamPtr params(OSSL_PARAM_BLD_to_param(bld.get()));
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
  EVP_PKEY* raw = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, d.empty() ? EVP_PKEY_PUBLIC_KEY : EVP_PKEY_KEYPAIR,
                        params.get()) != 1) {
    return InvalidArgument("invalid P-256 key coordinates: " + OpenSslError());
  }
  PkeyPtr pkey(raw);
  // fromdata does not check that the point is on the curve or matches d.
  PkeyCtxPtr check(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey.get(), nullptr));
  const int ok = check && (d.empty() ? EVP_PKEY_public_check(check.get())
                                     : EVP_PKEY_pairwise_check(check.get()));
  if (ok != 1) return InvalidArgument("P-256 key check failed: " + OpenSslError());
  auto impl = std::make_unique<Impl>();
  impl->pkey = pkey.release();
  impl->has_private = !d.empty();
  return EcKey(std::move(impl));
}

Result<EcKey> EcKey::Generate() {
  EVP_PKEY* raw = EVP_EC_gen("prime256v1");
  if (raw == nullptr) return Internal("generating a P-256 key: " + OpenSslError());
  auto impl = std::make_unique<Impl>();
  impl->pkey = raw;
  impl->has_private = true;
  return EcKey(std::move(impl));
}

Result<std::string> EcKey::PublicPem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), impl_->pkey) != 1) {
    return Internal("writing public key PEM: " + OpenSslError());
  }
  return BioContents(bio.get());
}

Result<std::string> EcKey::PrivatePem() const {
  if (!impl_->has_private) return FailedPrecondition("key has no private half");
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PrivateKey(bio.get(), impl_->pkey, nullptr, nullptr, 0, nullptr,
                                       nullptr) != 1) {
    return Internal("writing private key PEM: " + OpenSslError());
  }
  return BioContents(bio.get());
}

Result<std::string> SignEs256(const EcKey& key, std::string_view signing_input) {
  if (!key.has_private_key()) return FailedPrecondition("ES256 signing needs a private key");
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size(),
         digest);
  unsigned char der[80];  // DER ECDSA-Sig-Value for P-256 is at most 72 bytes
  std::size_t der_len = sizeof(der);
  const EcKey::Impl& impl = *key.impl_;
  EVP_PKEY_CTX* ctx = impl.Acquire(EcKey::Impl::kSign);
  const bool signed_ok =
      ctx != nullptr && EVP_PKEY_sign(ctx, der, &der_len, digest, sizeof(digest)) == 1;
  if (ctx != nullptr) impl.Release(EcKey::Impl::kSign, ctx);
  if (!signed_ok) return Internal("ES256 signing failed: " + OpenSslError());
  const unsigned char* p = der;
  SigPtr sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der_len)));
  if (!sig) return Internal("ES256 signing produced unreadable DER: " + OpenSslError());
  std::string raw;
  raw.reserve(kSignatureBytes);
  if (!AppendPadded(ECDSA_SIG_get0_r(sig.get()), raw) ||
      !AppendPadded(ECDSA_SIG_get0_s(sig.get()), raw)) {
    return Internal("ES256 signature component wider than 32 bytes");
  }
  return raw;
}

Status VerifyEs256(const EcKey& key, std::string_view signing_input,
                   std::string_view raw_signature) {
  if (raw_signature.size() != kSignatureBytes) {
    return InvalidArgument("ES256 signature must be 64 bytes (raw R||S), got " +
                           std::to_string(raw_signature.size()));
  }
  const auto* bytes = reinterpret_cast<const unsigned char*>(raw_signature.data());
  BnPtr r(BN_bin2bn(bytes, kCoordinateBytes, nullptr));
  BnPtr s(BN_bin2bn(bytes + kCoordinateBytes, kCoordinateBytes, nullptr));
  SigPtr sig(ECDSA_SIG_new());
  if (!r || !s || !sig || ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1) {
    return Internal("ES256 signature conversion failed: " + OpenSslError());
  }
  r.release();  // owned by sig now
  s.release();
  // i2d writes minimal INTEGERs, so leading zero bytes of R and S are handled here.
  unsigned char der[80];
  unsigned char* out = der;
  const int der_len = i2d_ECDSA_SIG(sig.get(), &out);
  if (der_len <= 0 || der_len > static_cast<int>(sizeof(der))) {
    return Internal("ES256 signature conversion failed: " + OpenSslError());
  }
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size(),
         digest);
  const EcKey::Impl& impl = *key.impl_;
  EVP_PKEY_CTX* ctx = impl.Acquire(EcKey::Impl::kVerify);
  if (ctx == nullptr) return Internal("ES256 verification setup failed: " + OpenSslError());
  const int rc =
      EVP_PKEY_verify(ctx, der, static_cast<std::size_t>(der_len), digest, sizeof(digest));
  impl.Release(EcKey::Impl::kVerify, ctx);
  if (rc != 1) {
    ERR_clear_error();
    return InvalidArgument("ES256 signature does not verify");
  }
  return Status::Ok();
}

EVP_PKEY* internal::EcKeyAccess::Pkey(const EcKey& key) { return key.impl_->pkey; }

Result<EcKey> internal::EcKeyAccess::FromPublicPkey(EVP_PKEY* pkey) {
  if (pkey == nullptr) return InvalidArgument("no public key");
  QUELL_RETURN_IF_ERROR(CheckP256(pkey));
  if (EVP_PKEY_up_ref(pkey) != 1) return Internal("EVP_PKEY_up_ref failed: " + OpenSslError());
  auto impl = std::make_unique<EcKey::Impl>();
  impl->pkey = pkey;
  return EcKey(std::move(impl));
}

}  // namespace quell::shaken
