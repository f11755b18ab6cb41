// STIR/SHAKEN in process against raw OpenSSL EVP signing and verifying (DER
// signatures) of the same PASSporT signing input with a P-256 key, in one binary:
//   - ES256 as Quell does it (raw R||S per RFC 7518, DER conversion included);
//   - the whole STI-VS: Verifier::Verify of an Identity header with a warm
//     certificate cache (parse, decode, freshness, orig/dest, cache look-up,
//     trust memo, TNAuthList, signature, replay record);
//   - the whole STI-AS: Signer::Sign (numbers, attestation from the TN-ownership
//     index, PASSporT, signature, Identity header).
// Issue target: Quell >= 0.9 x raw for both. Run with
// --benchmark_enable_random_interleaving=true --benchmark_repetitions=5 (as
// scripts/run-bench does). `openssl speed ecdsap256` gives a reference.
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "quell/core/clock.h"
#include "quell/shaken/credential_cache.h"
#include "quell/shaken/es256.h"
#include "quell/shaken/pki.h"
#include "quell/shaken/signer.h"
#include "quell/shaken/tn_ownership.h"
#include "quell/shaken/verifier.h"
#include "quell/shaken/x5u_fetch.h"
#include "quell/store/store.h"

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

// --- the whole STI-VS and STI-AS -------------------------------------------

constexpr char kX5u[] = "https://cr.example.net/sti-cr/bench.pem";
constexpr char kOrg[] = "1";

class NoFetcher final : public quell::shaken::CertificateFetcher {
 public:
  quell::Result<quell::shaken::FetchedDocument> Fetch(std::string_view) override {
    return quell::Unavailable("the benchmark preloads its certificate");
  }
};

// A PKI, a signer for org kOrg with a customer owning the calling number, and a
// verifier whose cache holds the signer's certificate.
struct Services {
  Services() {
    using namespace quell::shaken;
    char tmpl[] = "/tmp/quell-bench-XXXXXX";
    dir = mkdtemp(tmpl);
    const int64_t now =
        std::chrono::duration_cast<std::chrono::seconds>(clock.Now().time_since_epoch()).count();
    auto root_key = *EcKey::Generate();
    auto leaf_key = *EcKey::Generate();
    const std::string root_pem = *IssueRootCa(
        {.subject = {.common_name = "Root"}, .not_before = now - 86400, .not_after = now + 86400},
        root_key);
    auto root = (*ParsePemCertificates(root_pem))[0];
    const std::string leaf_pem = *IssueShakenCertificate({.subject = {.common_name = "SHAKEN 1234"},
                                                          .not_before = now - 86400,
                                                          .not_after = now + 86400,
                                                          .tn_auth_list = {.spcs = {"1234"}}},
                                                         leaf_key, {root, root_key});
    std::ofstream(dir + "/k.pem") << *leaf_key.PrivatePem();
    std::ofstream(dir + "/c.pem") << leaf_pem;
    store = *quell::store::Store::Open({.path = dir + "/quell.db"});
    ownership = *TnOwnership::Open(*store, clock);
    (void)ownership->CreateCustomer(kOrg, {.id = "bank", .name = "Bank"});
    (void)ownership->AddRange(kOrg, "bank", {.first = "8613800138000", .last = "8613800138999"});
    (void)registry.Reload({{.name = "bench",
                            .org_id = kOrg,
                            .key_file = dir + "/k.pem",
                            .cert_file = dir + "/c.pem",
                            .x5u = kX5u}});
    signer = std::make_unique<Signer>(registry, *ownership, clock);
    cache = *CredentialCache::Create({}, std::make_unique<NoFetcher>(), clock);
    (void)cache->Preload(kX5u, leaf_pem);
    VerifierOptions options;
    options.check.replay_capacity = 1 << 22;
    verifier =
        std::make_unique<Verifier>(clock, *cache, *TrustStore::FromPem(root_pem, ""), options);
  }
  ~Services() { std::filesystem::remove_all(dir); }

  quell::shaken::SignRequest Request() const {
    return {.orig_tn = "8613800138001", .dest_tns = {"8613900139000"}, .customer_id = "bank"};
  }

  quell::FakeClock clock;
  std::string dir;
  std::unique_ptr<quell::store::Store> store;
  std::unique_ptr<quell::shaken::TnOwnership> ownership;
  quell::shaken::SignerRegistry registry;
  std::unique_ptr<quell::shaken::Signer> signer;
  std::unique_ptr<quell::shaken::CredentialCache> cache;
  std::unique_ptr<quell::shaken::Verifier> verifier;
};

Services& TheServices() {
  static Services* s = new Services();
  return *s;
}

void BM_QuellSignPassport(benchmark::State& state) {
  Services& s = TheServices();
  const auto request = s.Request();
  for (auto _ : state) {
    auto r = s.signer->Sign(kOrg, request);
    if (!r) state.SkipWithError("sign failed");
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_QuellSignPassport);

// Distinct PASSporTs (fresh origid each), so the replay cache records each one
// instead of answering "replayed" early; signed before the timed loop.
void BM_QuellVerifyIdentity(benchmark::State& state) {
  Services& s = TheServices();
  std::vector<std::string> identities;
  for (int i = 0; i < 4096; ++i) identities.push_back(s.signer->Sign(kOrg, s.Request())->identity);
  std::size_t i = 0;
  int64_t passed = 0;
  for (auto _ : state) {
    const std::string_view value = identities[i++ % identities.size()];
    auto r = s.verifier->Verify({&value, 1}, "8613800138001", "8613900139000");
    passed += r.verstat == quell::shaken::Verstat::kPassed;
  }
  // Past the first 4096, a token is a replay: refused only after the same work
  // (signature first, then the replay record).
  state.counters["passed"] = static_cast<double>(passed);
}
BENCHMARK(BM_QuellVerifyIdentity);

}  // namespace
