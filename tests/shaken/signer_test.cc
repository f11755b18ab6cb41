#include "quell/shaken/signer.h"

#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "quell/core/ids.h"
#include "quell/shaken/certificate.h"
#include "quell/shaken/identity_header.h"
#include "quell/shaken/pki.h"
#include "quell/store/store.h"

namespace quell::shaken {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr char kOrg[] = "carrier-1";
constexpr char kX5u[] = "https://cert.example.org/carrier-1.pem";
constexpr char kX5u2[] = "https://cert.example.org/carrier-1-2027.pem";

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteFile(const std::string& path, std::string_view text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

// Key and certificate files, made once for the whole suite: a P-256 key from
// EcKey::Generate and a self-signed certificate from the openssl command line.
struct KeyPair {
  std::string key_file;
  std::string cert_file;
  std::string key_pem;
  std::string cert_pem;
};

class SignerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::string pattern = ::testing::TempDir() + "quell_signer_XXXXXX";
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = new std::string(pattern);
    pair1_ = new KeyPair(MakeKeyPair("one"));
    pair2_ = new KeyPair(MakeKeyPair("two"));
  }

  static void TearDownTestSuite() {
    std::filesystem::remove_all(*dir_);
    delete pair1_;
    delete pair2_;
    delete dir_;
  }

  static KeyPair MakeKeyPair(const std::string& stem) {
    KeyPair pair;
    pair.key_file = *dir_ + "/" + stem + ".key";
    pair.cert_file = *dir_ + "/" + stem + ".pem";
    auto key = EcKey::Generate();
    EXPECT_TRUE(key);
    auto pem = key->PrivatePem();
    EXPECT_TRUE(pem);
    WriteFile(pair.key_file, *pem);
    const std::string cmd = "openssl req -x509 -new -key '" + pair.key_file + "' -subj /CN=test-" +
                            stem + " -days 1 -out '" + pair.cert_file + "' 2>/dev/null";
    EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
    pair.key_pem = ReadFile(pair.key_file);
    pair.cert_pem = ReadFile(pair.cert_file);
    EXPECT_THAT(pair.cert_pem, StartsWith("-----BEGIN CERTIFICATE-----"));
    return pair;
  }

  void SetUp() override {
    std::string pattern = *dir_ + "/store_XXXXXX";
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    auto store = store::Store::Open({.path = pattern + "/quell.db"});
    ASSERT_TRUE(store) << store.error().ToString();
    store_ = std::move(*store);
    auto tn = TnOwnership::Open(*store_, clock_);
    ASSERT_TRUE(tn) << tn.error().ToString();
    tn_ = std::move(*tn);
    ASSERT_TRUE(tn_->CreateCustomer(kOrg, {.id = "acme", .name = "ACME"}));
    ASSERT_TRUE(tn_->AddRange(kOrg, "acme", {.first = "8613800138000", .last = "8613800138999"}));
    ASSERT_TRUE(registry_.Reload({Config()}).ok());
  }

  static SignerConfig Config(const KeyPair* pair = nullptr, std::string x5u = kX5u,
                             std::string name = "carrier-1-2026", std::string org = kOrg) {
    if (pair == nullptr) pair = pair1_;
    return SignerConfig{.name = std::move(name),
                        .org_id = std::move(org),
                        .key_file = pair->key_file,
                        .cert_file = pair->cert_file,
                        .x5u = std::move(x5u)};
  }

  static SignRequest Request() {
    return SignRequest{
        .orig_tn = "+86-138-0013-8000", .dest_tns = {"8613900139000"}, .customer_id = "acme"};
  }

  // Decodes and verifies `identity` against the certificate in `cert_pem`.
  static DecodedPassport Verify(const std::string& identity, const std::string& cert_pem,
                                const std::string& x5u = kX5u) {
    auto header = ParseIdentityHeader(identity);
    EXPECT_TRUE(header) << header.error().ToString();
    if (!header) return {};
    EXPECT_EQ(header->info, x5u);
    auto decoded = DecodeCompactJws(header->jws);
    EXPECT_TRUE(decoded) << decoded.error().ToString();
    if (!decoded) return {};
    auto key = EcKey::FromPublicPem(cert_pem);
    EXPECT_TRUE(key) << key.error().ToString();
    EXPECT_TRUE(VerifyEs256(*key, decoded->signing_input, decoded->signature).ok());
    EXPECT_TRUE(ValidateShaken(decoded->passport).ok());
    EXPECT_EQ(decoded->passport.header.x5u, x5u);
    return *decoded;
  }

  static std::string* dir_;
  static KeyPair* pair1_;
  static KeyPair* pair2_;

  FakeClock clock_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<TnOwnership> tn_;
  SignerRegistry registry_;
};

std::string* SignerTest::dir_ = nullptr;
KeyPair* SignerTest::pair1_ = nullptr;
KeyPair* SignerTest::pair2_ = nullptr;

// --- signing ----------------------------------------------------------------

TEST_F(SignerTest, SignsAVerifiableShakenPassport) {
  Signer signer(registry_, *tn_, clock_);
  auto result = signer.Sign(kOrg, Request());
  ASSERT_TRUE(result) << result.error().ToString();
  EXPECT_THAT(result->identity,
              ::testing::EndsWith(";info=<" + std::string(kX5u) + ">;alg=ES256;ppt=shaken"));
  EXPECT_EQ(result->signer_name, "carrier-1-2026");
  EXPECT_EQ(result->attestation.level, Attestation::kFull);

  DecodedPassport d = Verify(result->identity, pair1_->cert_pem);
  const PassportClaims& c = d.passport.claims;
  EXPECT_EQ(c.attest, Attestation::kFull);
  EXPECT_EQ(c.orig_tn, "8613800138000");
  EXPECT_EQ(c.dest_tn, std::vector<std::string>{"8613900139000"});
  EXPECT_EQ(c.iat, 1'800'000'000);  // the FakeClock's start
  EXPECT_TRUE(IsUuid(c.origid)) << c.origid;
  EXPECT_EQ(c.origid[14], '4') << "UUID version 4: " << c.origid;
  EXPECT_EQ(d.passport.header.alg, "ES256");
  EXPECT_EQ(d.passport.header.ppt, "shaken");
  EXPECT_EQ(d.passport.header.typ, "passport");
  // The returned PASSporT is what was signed.
  EXPECT_EQ(result->passport.claims.origid, c.origid);
  EXPECT_EQ(result->passport.claims.orig_tn, c.orig_tn);
  auto input = EncodeSigningInput(result->passport);
  ASSERT_TRUE(input);
  EXPECT_EQ(*input, d.signing_input);

  clock_.Advance(std::chrono::seconds(90));
  auto later = signer.Sign(kOrg, Request());
  ASSERT_TRUE(later);
  EXPECT_EQ(later->passport.claims.iat, 1'800'000'090);
  EXPECT_NE(later->passport.claims.origid, c.origid);
}

TEST_F(SignerTest, HonoursGivenOrigidIatAndSeveralDestinations) {
  Signer signer(registry_, *tn_, clock_);
  SignRequest req = Request();
  req.origid = "123e4567-e89b-12d3-a456-426655440000";
  req.iat = 1443208345;
  req.dest_tns = {"+1-215-555-0131", "12155550132"};
  auto result = signer.Sign(kOrg, req);
  ASSERT_TRUE(result) << result.error().ToString();
  DecodedPassport d = Verify(result->identity, pair1_->cert_pem);
  EXPECT_EQ(d.passport.claims.origid, req.origid);
  EXPECT_EQ(d.passport.claims.iat, 1443208345);
  EXPECT_EQ(d.passport.claims.dest_tn, (std::vector<std::string>{"12155550131", "12155550132"}));
}

TEST_F(SignerTest, AttestationComesFromOwnershipData) {
  Signer signer(registry_, *tn_, clock_);
  SignRequest req = Request();
  req.customer_id.clear();
  auto r = signer.Sign(kOrg, req);
  ASSERT_TRUE(r);
  EXPECT_EQ(Verify(r->identity, pair1_->cert_pem).passport.claims.attest, Attestation::kGateway);

  req = Request();
  req.orig_tn = "8613800139000";  // not acme's
  req.attest = Attestation::kFull;
  r = signer.Sign(kOrg, req);
  ASSERT_TRUE(r);
  EXPECT_EQ(Verify(r->identity, pair1_->cert_pem).passport.claims.attest, Attestation::kPartial);
  EXPECT_TRUE(r->attestation.request_downgraded);
  EXPECT_THAT(r->attestation.reason, HasSubstr("downgraded"));

  req = Request();
  req.attest = Attestation::kGateway;
  r = signer.Sign(kOrg, req);
  ASSERT_TRUE(r);
  EXPECT_EQ(Verify(r->identity, pair1_->cert_pem).passport.claims.attest, Attestation::kGateway);
  EXPECT_FALSE(r->attestation.request_downgraded);
}

TEST_F(SignerTest, RefusesBadRequests) {
  Signer signer(registry_, *tn_, clock_);
  struct Case {
    SignRequest req;
    const char* message_part;
  };
  std::vector<Case> cases;
  cases.push_back({Request(), ""});
  cases.back().req.orig_tn = "abc";
  cases.back().message_part = "orig_tn: telephone number";
  cases.push_back({Request(), "dest_tns: at least one"});
  cases.back().req.dest_tns.clear();
  cases.push_back({Request(), "dest_tns[1]: "});
  cases.back().req.dest_tns = {"12155550131", "x"};
  cases.push_back({Request(), "at most 100"});
  cases.back().req.dest_tns.assign(101, "12155550131");
  cases.push_back({Request(), "is not a UUID"});
  cases.back().req.origid = "call-1";
  cases.push_back({Request(), "iat 0 is outside"});
  cases.back().req.iat = 0;
  for (const Case& c : cases) {
    auto r = signer.Sign(kOrg, c.req);
    ASSERT_FALSE(r) << c.message_part;
    EXPECT_EQ(r.error().code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(r.error().message(), HasSubstr(c.message_part));
  }
  auto r = signer.Sign("carrier-9", Request());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(r.error().message(), HasSubstr("no signing identity is configured for org"));
}

TEST_F(SignerTest, OrigidsAreFreshVersion4Uuids) {
  Signer signer(registry_, *tn_, clock_);
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {  // several refills of the per-thread random buffer
    auto r = signer.Sign(kOrg, Request());
    ASSERT_TRUE(r);
    const std::string& id = r->passport.claims.origid;
    ASSERT_TRUE(IsUuid(id)) << id;
    EXPECT_EQ(id[14], '4') << id;
    EXPECT_NE(std::string("89ab").find(id[19]), std::string::npos) << id;
    EXPECT_TRUE(seen.insert(id).second) << "repeated " << id;
  }
  // A forked child does not reuse the parent's buffered random bytes.
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    auto r = signer.Sign(kOrg, Request());
    const std::string id = r ? r->passport.claims.origid : std::string(36, 'x');
    _exit(write(fds[1], id.data(), id.size()) == 36 ? 0 : 1);
  }
  close(fds[1]);
  auto parent = signer.Sign(kOrg, Request());
  ASSERT_TRUE(parent);
  char child_id[36];
  ASSERT_EQ(read(fds[0], child_id, sizeof child_id), 36);
  close(fds[0]);
  int wstatus = 0;
  ASSERT_EQ(waitpid(pid, &wstatus, 0), pid);
  EXPECT_TRUE(WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0);
  EXPECT_TRUE(IsUuid(std::string_view(child_id, 36)));
  EXPECT_NE(std::string(child_id, 36), parent->passport.claims.origid);
  EXPECT_EQ(seen.count(std::string(child_id, 36)), 0u);
}

// --- identities -------------------------------------------------------------

TEST_F(SignerTest, KeyMustMatchCertificate) {
  SignerConfig config = Config();
  config.key_file = pair2_->key_file;
  auto identity = SignerIdentity::Load(config);
  ASSERT_FALSE(identity);
  EXPECT_EQ(identity.error().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(identity.error().message(), HasSubstr("signer \"carrier-1-2026\""));
  EXPECT_THAT(identity.error().message(),
              HasSubstr("the private key in key_file \"" + pair2_->key_file +
                        "\" does not match the public key of the certificate in cert_file \"" +
                        pair1_->cert_file + "\""));

  auto from_pem = SignerIdentity::FromPem("n", kOrg, pair2_->key_pem, pair1_->cert_pem, kX5u, {});
  ASSERT_FALSE(from_pem);
  EXPECT_THAT(from_pem.error().message(), HasSubstr("does not match"));
  from_pem = SignerIdentity::FromPem("n", kOrg, pair1_->key_pem, pair1_->cert_pem, kX5u, {});
  ASSERT_TRUE(from_pem) << from_pem.error().ToString();
  EXPECT_EQ(from_pem->certificate_pem, pair1_->cert_pem);
}

// A chain as STI-CAs issue it (leaf, then intermediate), from the test PKI.
TEST_F(SignerTest, LoadsAShakenChainFromTheTestPki) {
  const int64_t now = std::time(nullptr);
  auto root_key = EcKey::Generate();
  auto mid_key = EcKey::Generate();
  auto leaf_key = EcKey::Generate();
  ASSERT_TRUE(root_key && mid_key && leaf_key);
  auto root_pem = IssueRootCa({.subject = {.common_name = "Test SHAKEN Root"},
                               .not_before = now - 60,
                               .not_after = now + 86400},
                              *root_key);
  ASSERT_TRUE(root_pem) << root_pem.error().ToString();
  auto root = ParsePemCertificates(*root_pem);
  ASSERT_TRUE(root);
  auto mid_pem = IssueIntermediateCa({.subject = {.common_name = "Test SHAKEN CA"},
                                      .not_before = now - 60,
                                      .not_after = now + 86400},
                                     *mid_key, {root->front(), *root_key});
  ASSERT_TRUE(mid_pem) << mid_pem.error().ToString();
  auto mid = ParsePemCertificates(*mid_pem);
  ASSERT_TRUE(mid);
  auto leaf_pem = IssueShakenCertificate({.subject = {.common_name = "SHAKEN 1234"},
                                          .not_before = now - 60,
                                          .not_after = now + 86400,
                                          .tn_auth_list = {.spcs = {"1234"}}},
                                         *leaf_key, {mid->front(), *mid_key});
  ASSERT_TRUE(leaf_pem) << leaf_pem.error().ToString();
  const std::string chain = *leaf_pem + *mid_pem;
  const std::string key_file = *dir_ + "/pki-leaf.key";
  const std::string cert_file = *dir_ + "/pki-chain.pem";
  WriteFile(key_file, leaf_key->PrivatePem().value());
  WriteFile(cert_file, chain);

  SignerConfig config{
      .name = "pki", .org_id = kOrg, .key_file = key_file, .cert_file = cert_file, .x5u = kX5u2};
  ASSERT_TRUE(registry_.Reload({config}).ok());
  EXPECT_EQ(registry_.CertificatePem("pki").value(), chain);
  Signer signer(registry_, *tn_, clock_);
  auto r = signer.Sign(kOrg, Request());
  ASSERT_TRUE(r) << r.error().ToString();
  DecodedPassport d = Verify(r->identity, chain, kX5u2);
  EXPECT_EQ(d.passport.claims.attest, Attestation::kFull);
  auto served = ParseCertificateChain(registry_.CertificatePem("pki").value());
  ASSERT_TRUE(served) << served.error().ToString();
  EXPECT_EQ(served->intermediates.size(), 1u);

  // The intermediate first: its key is not the signer's.
  WriteFile(cert_file, *mid_pem + *leaf_pem);
  Status s = registry_.Reload({config});
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("does not match"));
}

TEST_F(SignerTest, MissingOrWrongFilesAreNamed) {
  SignerConfig config = Config();
  config.key_file = *dir_ + "/no-such.key";
  auto identity = SignerIdentity::Load(config);
  ASSERT_FALSE(identity);
  EXPECT_EQ(identity.error().code(), StatusCode::kNotFound);
  EXPECT_THAT(identity.error().message(), HasSubstr("key_file \"" + config.key_file + "\""));

  config = Config();
  config.cert_file = *dir_ + "/no-such.pem";
  identity = SignerIdentity::Load(config);
  ASSERT_FALSE(identity);
  EXPECT_EQ(identity.error().code(), StatusCode::kNotFound);
  EXPECT_THAT(identity.error().message(), HasSubstr("cert_file \"" + config.cert_file + "\""));

  // Key and certificate swapped.
  config = Config();
  std::swap(config.key_file, config.cert_file);
  identity = SignerIdentity::Load(config);
  ASSERT_FALSE(identity);
  EXPECT_EQ(identity.error().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(identity.error().message(), HasSubstr("key_file \"" + pair1_->cert_file + "\""));

  // A certificate file that also holds the key would publish it.
  const std::string bundle = *dir_ + "/bundle.pem";
  WriteFile(bundle, pair1_->cert_pem + pair1_->key_pem);
  config = Config();
  config.cert_file = bundle;
  identity = SignerIdentity::Load(config);
  ASSERT_FALSE(identity);
  EXPECT_THAT(identity.error().message(), HasSubstr("holds a private key"));

  config = Config();
  config.cert_file = *dir_;
  identity = SignerIdentity::Load(config);
  ASSERT_FALSE(identity);
  EXPECT_THAT(identity.error().message(), HasSubstr("is not a regular file"));

  config = Config();
  config.key_file.clear();
  identity = SignerIdentity::Load(config);
  ASSERT_FALSE(identity);
  EXPECT_THAT(identity.error().message(), HasSubstr("key_file is not set"));
}

TEST_F(SignerTest, X5uMustBeHttps) {
  for (const char* bad : {"http://cert.example.org/a.pem", "ftp://cert.example.org/a.pem",
                          "cert.example.org/a.pem", "https://", "https:///a.pem",
                          "https://cert.example.org/a b.pem", "https://cert.example.org/<a>", ""}) {
    auto identity = SignerIdentity::Load(Config(pair1_, bad));
    ASSERT_FALSE(identity) << bad;
    EXPECT_EQ(identity.error().code(), StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(identity.error().message(), HasSubstr("x5u")) << bad;
  }
  auto http = SignerIdentity::Load(Config(pair1_, "http://cert.example.org/a.pem"));
  ASSERT_FALSE(http);
  EXPECT_THAT(http.error().message(), HasSubstr("must be an https URL"));

  // Allowed for tests with the flag.
  SignerRegistry lab(SignerOptions{.allow_http_x5u = true});
  ASSERT_TRUE(lab.Reload({Config(pair1_, "http://127.0.0.1:8080/cert.pem")}).ok());
  Signer signer(lab, *tn_, clock_);
  auto r = signer.Sign(kOrg, Request());
  ASSERT_TRUE(r) << r.error().ToString();
  Verify(r->identity, pair1_->cert_pem, "http://127.0.0.1:8080/cert.pem");
  EXPECT_TRUE(SignerIdentity::Load(Config(pair1_, "HTTPS://cert.example.org:8443/a.pem")));
}

TEST_F(SignerTest, RegistryIndexesByOrgAndName) {
  ASSERT_TRUE(registry_
                  .Reload({Config(pair1_, kX5u, "one", "carrier-1"),
                           Config(pair2_, kX5u2, "two", "carrier-2")})
                  .ok());
  auto set = registry_.Snapshot();
  ASSERT_EQ(set->identities().size(), 2u);
  ASSERT_NE(set->FindByOrg("carrier-2"), nullptr);
  EXPECT_EQ(set->FindByOrg("carrier-2")->name, "two");
  EXPECT_EQ(set->FindByName("one")->org_id, "carrier-1");
  EXPECT_EQ(set->FindByOrg("carrier-3"), nullptr);
  EXPECT_EQ(registry_.CertificatePem("two").value(), pair2_->cert_pem);
  EXPECT_EQ(registry_.CertificatePem("three").error().code(), StatusCode::kNotFound);

  Status dup_org = registry_.Reload(
      {Config(pair1_, kX5u, "one", "carrier-1"), Config(pair2_, kX5u2, "two", "carrier-1")});
  EXPECT_EQ(dup_org.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(dup_org.message(), HasSubstr("both sign for org \"carrier-1\""));
  Status dup_name = registry_.Reload(
      {Config(pair1_, kX5u, "one", "carrier-1"), Config(pair2_, kX5u2, "one", "carrier-2")});
  EXPECT_THAT(dup_name.message(), HasSubstr("two signers are named \"one\""));
  EXPECT_EQ(registry_.Snapshot()->identities().size(), 2u);  // unchanged

  ASSERT_TRUE(registry_.Reload({}).ok());
  EXPECT_TRUE(registry_.Snapshot()->identities().empty());
}

TEST_F(SignerTest, ReloadKeepsOldSetOnFailureAndSwapsOnSuccess) {
  Signer signer(registry_, *tn_, clock_);
  SignerConfig broken = Config(pair2_, kX5u2, "carrier-1-2027");
  broken.cert_file = *dir_ + "/missing.pem";
  Status s = registry_.Reload({broken});
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_THAT(s.message(), HasSubstr("signer \"carrier-1-2027\""));
  EXPECT_THAT(s.message(), HasSubstr("missing.pem"));
  auto r = signer.Sign(kOrg, Request());
  ASSERT_TRUE(r);
  Verify(r->identity, pair1_->cert_pem, kX5u);
  EXPECT_TRUE(registry_.CertificatePem("carrier-1-2026"));

  ASSERT_TRUE(registry_.Reload({Config(pair2_, kX5u2, "carrier-1-2027")}).ok());
  r = signer.Sign(kOrg, Request());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->signer_name, "carrier-1-2027");
  Verify(r->identity, pair2_->cert_pem, kX5u2);
  EXPECT_EQ(registry_.CertificatePem("carrier-1-2027").value(), pair2_->cert_pem);
  EXPECT_EQ(registry_.CertificatePem("carrier-1-2026").error().code(), StatusCode::kNotFound);
}

TEST_F(SignerTest, SigningContinuesDuringReload) {
  Signer signer(registry_, *tn_, clock_);
  std::atomic<bool> stop{false};
  std::atomic<int> signed_count{0};
  std::atomic<int> failures{0};
  auto key1 = EcKey::FromPublicPem(pair1_->cert_pem);
  auto key2 = EcKey::FromPublicPem(pair2_->cert_pem);
  ASSERT_TRUE(key1 && key2);
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&] {
      while (!stop.load() || signed_count.load() < 50) {
        auto r = signer.Sign(kOrg, Request());
        if (!r) {
          ++failures;
          continue;
        }
        auto header = ParseIdentityHeader(r->identity);
        auto decoded =
            header ? DecodeCompactJws(header->jws) : Result<DecodedPassport>(Internal("no header"));
        if (!decoded) {
          ++failures;
          continue;
        }
        // Each signature verifies under the key of the x5u it names.
        const EcKey& key = header->info == kX5u ? *key1 : *key2;
        if (!VerifyEs256(key, decoded->signing_input, decoded->signature).ok()) ++failures;
        ++signed_count;
      }
    });
  }
  SignerConfig broken = Config(pair2_, kX5u2, "carrier-1-2027");
  broken.key_file = pair1_->key_file;  // does not match cert 2
  for (int i = 0; i < 20; ++i) {
    EXPECT_TRUE(registry_.Reload({Config(pair2_, kX5u2, "carrier-1-2027")}).ok());
    EXPECT_FALSE(registry_.Reload({broken}).ok());
    EXPECT_TRUE(registry_.Reload({Config(pair1_, kX5u, "carrier-1-2026")}).ok());
  }
  stop = true;
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_GE(signed_count.load(), 50);
}

}  // namespace
}  // namespace quell::shaken
