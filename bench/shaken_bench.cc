// ES256 as Quell does it (raw R||S per RFC 7518, DER conversion included)
// against raw OpenSSL EVP signing and verifying (DER signatures) of the same
// PASSporT signing input with the same P-256 key, in one binary. Issue target:
// Quell >= 0.9 x raw for both. `openssl speed ecdsap256` gives a reference.
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "quell/shaken/es256.h"

namespace {

// A typical SHAKEN signing input (header.claims, base64url).
const std::string kSigningInput =
    "eyJhbGciOiJFUzI1NiIsInBwdCI6InNoYWtlbiIsInR5cCI6InBhc3Nwb3J0IiwieDV1IjoiaHR0cHM6Ly9jZXJ0LmV4"
    "YW1wbGUub3JnL3Bhc3Nwb3J0LmNlciJ9.eyJhdHRlc3QiOiJBIiwiZGVzdCI6eyJ0biI6WyIxMjEyNTU1MTIxMyJdfSwi"
    "aWF0IjoxNDQzMjA4MzQ1LCJvcmlnIjp7InRuIjoiMTIxNTU1NTEyMTIifSwib3JpZ2lkIjoiMTIzZTQ1NjctZTg5Yi0x"
    "MmQzLWE0NTYtNDI2NjU1NDQwMDAwIn0";

struct Keys {
  quell::shaken::EcKey quell_key;
  EVP_PKEY* raw_key = nullptr;
};

Keys& TheKeys() {
  static Keys* keys = [] {
    auto generated = quell::shaken::EcKey::Generate();
    auto pem = generated->PrivatePem();
    auto* k = new Keys{std::move(*generated), nullptr};
    BIO* bio = BIO_new_mem_buf(pem->data(), static_cast<int>(pem->size()));
    k->raw_key = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
    BIO_free(bio);
    return k;
  }();
  return *keys;
}

std::vector<unsigned char> RawSign(EVP_PKEY* key, const std::string& input) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  size_t len = 0;
  EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, key);
  EVP_DigestSign(ctx, nullptr, &len, reinterpret_cast<const unsigned char*>(input.data()),
                 input.size());
  std::vector<unsigned char> sig(len);
  EVP_DigestSign(ctx, sig.data(), &len, reinterpret_cast<const unsigned char*>(input.data()),
                 input.size());
  sig.resize(len);
  EVP_MD_CTX_free(ctx);
  return sig;
}

void BM_RawOpenSslSign(benchmark::State& state) {
  EVP_PKEY* key = TheKeys().raw_key;
  for (auto _ : state) benchmark::DoNotOptimize(RawSign(key, kSigningInput));
}
BENCHMARK(BM_RawOpenSslSign);

void BM_QuellSignEs256(benchmark::State& state) {
  const auto& key = TheKeys().quell_key;
  for (auto _ : state) benchmark::DoNotOptimize(quell::shaken::SignEs256(key, kSigningInput));
}
BENCHMARK(BM_QuellSignEs256);

void BM_RawOpenSslVerify(benchmark::State& state) {
  EVP_PKEY* key = TheKeys().raw_key;
  const auto sig = RawSign(key, kSigningInput);
  for (auto _ : state) {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, key);
    const int ok = EVP_DigestVerify(ctx, sig.data(), sig.size(),
                                    reinterpret_cast<const unsigned char*>(kSigningInput.data()),
                                    kSigningInput.size());
    EVP_MD_CTX_free(ctx);
    if (ok != 1) state.SkipWithError("raw verify failed");
  }
}
BENCHMARK(BM_RawOpenSslVerify);

void BM_QuellVerifyEs256(benchmark::State& state) {
  const auto& key = TheKeys().quell_key;
  const auto sig = quell::shaken::SignEs256(key, kSigningInput);
  for (auto _ : state) {
    if (!quell::shaken::VerifyEs256(key, kSigningInput, *sig).ok()) {
      state.SkipWithError("verify failed");
    }
  }
}
BENCHMARK(BM_QuellVerifyEs256);

}  // namespace
