#include "quell/shaken/checker.h"

#include <array>
#include <atomic>
#include <chrono>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "quell/shaken/base64url.h"

namespace quell::shaken {
namespace {

using std::chrono::seconds;

constexpr char kOrig[] = "12155550121";
constexpr char kDest[] = "12155550131";
constexpr char kX5u[] = "https://cert.example.org/passport.cer";

int64_t UnixNow(const Clock& clock) {
  return std::chrono::duration_cast<seconds>(clock.Now().time_since_epoch()).count();
}

class CheckerTest : public ::testing::Test {
 protected:
  CheckerTest() : key_(MustGenerate()), other_key_(MustGenerate()) {}

  static EcKey MustGenerate() {
    auto k = EcKey::Generate();
    EXPECT_TRUE(k.has_value());
    return std::move(*k);
  }

  Passport Make(int64_t iat_offset = 0,
                std::string origid = "123e4567-e89b-12d3-a456-426655440000") {
    Passport p;
    p.header.x5u = kX5u;
    p.claims.attest = Attestation::kFull;
    p.claims.dest_tn = {kDest};
    p.claims.iat = UnixNow(clock_) + iat_offset;
    p.claims.orig_tn = kOrig;
    p.claims.origid = std::move(origid);
    return p;
  }

  // The Identity header value for `p` signed by `key`, with Identity alg `alg`.
  std::string Sign(const Passport& p, const EcKey* key = nullptr, std::string alg = "ES256") {
    auto input = EncodeSigningInput(p);
    EXPECT_TRUE(input.has_value()) << input.status().ToString();
    auto sig = SignEs256(key ? *key : key_, *input);
    EXPECT_TRUE(sig.has_value()) << sig.status().ToString();
    auto jws = EncodeCompactJws(p, *sig);
    EXPECT_TRUE(jws.has_value()) << jws.status().ToString();
    if (alg != "ES256") return *jws + ";info=<" + kX5u + ">;alg=" + alg + ";ppt=shaken";
    auto v = BuildIdentityHeader({.jws = *jws, .info = kX5u});
    EXPECT_TRUE(v.has_value()) << v.status().ToString();
    return *v;
  }

  CheckResult Check(PassportChecker& c, const std::string& value, std::string_view from = kOrig,
                    std::string_view to = kDest) {
    return c.Check(value, from, to, key_);
  }

  FakeClock clock_;
  EcKey key_;
  EcKey other_key_;
};

void ExpectPassed(const CheckResult& r) {
  EXPECT_EQ(r.verstat, Verstat::kPassed) << r.sip_code << " " << r.detail;
  EXPECT_EQ(r.sip_code, 0);
  EXPECT_TRUE(r.sip_reason.empty());
  EXPECT_TRUE(r.passport.has_value());
}

void ExpectFailed(const CheckResult& r, int code, std::string_view reason,
                  std::string_view detail_needle) {
  EXPECT_EQ(r.verstat, Verstat::kFailed);
  EXPECT_EQ(r.sip_code, code) << r.detail;
  EXPECT_EQ(r.sip_reason, reason);
  EXPECT_NE(r.detail.find(detail_needle), std::string::npos)
      << "detail: " << r.detail << "\nwanted: " << detail_needle;
}

TEST_F(CheckerTest, PassesValidPassport) {
  PassportChecker c(clock_, {});
  const CheckResult r = Check(c, Sign(Make()));
  ExpectPassed(r);
  EXPECT_EQ(r.passport->claims.orig_tn, kOrig);
  EXPECT_EQ(r.passport->claims.attest, Attestation::kFull);
}

TEST_F(CheckerTest, CanonicalisesRequestNumbersAndSearchesAllDest) {
  PassportChecker c(clock_, {});
  Passport p = Make();
  p.claims.dest_tn = {"12155550100", kDest};
  ExpectPassed(Check(c, Sign(p), "+1-215-555-0121", "+1(215)555.0131"));
}

TEST_F(CheckerTest, VerstatNames) {
  EXPECT_EQ(VerstatName(Verstat::kPassed), "TN-Validation-Passed");
  EXPECT_EQ(VerstatName(Verstat::kFailed), "TN-Validation-Failed");
  EXPECT_EQ(VerstatName(Verstat::kNoValidation), "No-TN-Validation");
}

TEST_F(CheckerTest, StaleIatIs403) {
  PassportChecker c(clock_, {});
  ExpectFailed(Check(c, Sign(Make(-61))), 403, "Stale Date", "61 s old");
}

TEST_F(CheckerTest, FutureIatIs403) {
  PassportChecker c(clock_, {});
  ExpectFailed(Check(c, Sign(Make(61))), 403, "Stale Date", "61 s in the future");
}

TEST_F(CheckerTest, IatExactlyAtTheEdgesPasses) {
  PassportChecker c(clock_, {});
  ExpectPassed(Check(c, Sign(Make(-60))));
  ExpectPassed(Check(c, Sign(Make(60))));
}

TEST_F(CheckerTest, HonoursConfiguredWindow) {
  PassportChecker c(clock_, {.max_age = seconds(15), .max_future = seconds(5)});
  ExpectPassed(Check(c, Sign(Make(-15))));
  ExpectFailed(Check(c, Sign(Make(-16))), 403, "Stale Date", "16 s old");
  ExpectPassed(Check(c, Sign(Make(5))));
  ExpectFailed(Check(c, Sign(Make(6))), 403, "Stale Date", "in the future");
}

TEST_F(CheckerTest, TamperedClaimsAre438) {
  PassportChecker c(clock_, {});
  const std::string good = Sign(Make());
  Passport tampered = Make();
  tampered.claims.attest = Attestation::kGateway;
  auto claims_json = EncodeClaimsJson(tampered.claims, "shaken");
  ASSERT_TRUE(claims_json.has_value());
  // Swap the claims segment, keep header and signature.
  const auto dot1 = good.find('.');
  const auto dot2 = good.find('.', dot1 + 1);
  const std::string forged =
      good.substr(0, dot1 + 1) + Base64UrlEncode(*claims_json) + good.substr(dot2);
  const CheckResult r = Check(c, forged);
  ExpectFailed(r, 438, "Invalid Identity Header", "signature validation failed");
  ASSERT_TRUE(r.passport.has_value());
  EXPECT_EQ(r.passport->claims.attest, Attestation::kGateway);
}

TEST_F(CheckerTest, WrongKeyIs438) {
  PassportChecker c(clock_, {});
  ExpectFailed(Check(c, Sign(Make(), &other_key_)), 438, "Invalid Identity Header",
               "signature validation failed");
}

TEST_F(CheckerTest, OrigMismatchIs438WithDetail) {
  PassportChecker c(clock_, {});
  ExpectFailed(Check(c, Sign(Make()), "12155550199"), 438, "Invalid Identity Header",
               "orig mismatch");
  ExpectFailed(Check(c, Sign(Make()), "anonymous"), 438, "Invalid Identity Header",
               "orig mismatch");
}

TEST_F(CheckerTest, DestMismatchIs438WithDetail) {
  PassportChecker c(clock_, {});
  ExpectFailed(Check(c, Sign(Make()), kOrig, "12155550199"), 438, "Invalid Identity Header",
               "dest mismatch: called number 12155550199 is not among PASSporT dest.tn "
               "[12155550131]");
}

TEST_F(CheckerTest, ReplayRejectedThenStaleAfterWindow) {
  PassportChecker c(clock_, {});
  const std::string value = Sign(Make());
  ExpectPassed(Check(c, value));
  ExpectFailed(Check(c, value), 438, "Invalid Identity Header", "replayed");
  clock_.Advance(seconds(59));
  ExpectFailed(Check(c, value), 438, "Invalid Identity Header", "replayed");
  clock_.Advance(seconds(2));
  ExpectFailed(Check(c, value), 403, "Stale Date", "61 s old");
  ExpectPassed(Check(c, Sign(Make())));  // a different PASSporT, fresh iat
}

TEST_F(CheckerTest, SameClaimsSignedTwiceAreDistinct) {
  // Two calls A->B in one second carry the same claims; each signature is new.
  PassportChecker c(clock_, {});
  const Passport p = Make();
  ExpectPassed(Check(c, Sign(p)));
  ExpectPassed(Check(c, Sign(p)));
}

TEST_F(CheckerTest, MalleatedSignatureIsStillAReplay) {
  PassportChecker c(clock_, {});
  const std::string value = Sign(Make());
  ExpectPassed(Check(c, value));
  // (R, n - S) is also a valid ES256 signature of the same token.
  const auto dot2 = value.rfind('.', value.find(';'));
  const auto semi = value.find(';');
  auto sig = Base64UrlDecode(value.substr(dot2 + 1, semi - dot2 - 1));
  ASSERT_TRUE(sig.has_value());
  ASSERT_EQ(sig->size(), 64u);
  constexpr std::array<uint8_t, 32> kN = {0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00,
                                          0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
                                          0xBC, 0xE6, 0xFA, 0xAD, 0xA7, 0x17, 0x9E, 0x84,
                                          0xF3, 0xB9, 0xCA, 0xC2, 0xFC, 0x63, 0x25, 0x51};
  int borrow = 0;
  for (int i = 31; i >= 0; --i) {
    int d = kN[i] - static_cast<uint8_t>((*sig)[32 + i]) - borrow;
    borrow = d < 0;
    (*sig)[32 + i] = static_cast<char>(d & 0xFF);
  }
  const std::string malleated =
      value.substr(0, dot2 + 1) + Base64UrlEncode(*sig) + value.substr(semi);
  ASSERT_NE(malleated, value);
  ExpectFailed(Check(c, malleated), 438, "Invalid Identity Header", "replayed");
}

TEST_F(CheckerTest, MissingHeaderIs428NoValidation) {
  PassportChecker c(clock_, {});
  const CheckResult r = c.CheckMissing();
  EXPECT_EQ(r.verstat, Verstat::kNoValidation);
  EXPECT_EQ(r.sip_code, 428);
  EXPECT_EQ(r.sip_reason, "Use Identity Header");
  EXPECT_FALSE(r.passport.has_value());
}

TEST_F(CheckerTest, MalformedHeaderIs438) {
  PassportChecker c(clock_, {});
  ExpectFailed(Check(c, ""), 438, "Invalid Identity Header", "no JWS");
  ExpectFailed(Check(c, "a.b;info=<https://x.example/c>;ppt=shaken"), 438,
               "Invalid Identity Header", "2 segments");
  ExpectFailed(Check(c, "..c2ln;info=<https://x.example/c>;ppt=shaken"), 438,
               "Invalid Identity Header", "compact form");
  std::string no_ppt = Sign(Make());
  no_ppt.resize(no_ppt.find(";ppt="));
  ExpectFailed(Check(c, no_ppt), 438, "Invalid Identity Header", "'ppt' parameter is missing");
  // Parses as an Identity header, but the JWS inside is not JSON.
  ExpectFailed(Check(c, "YQ.Yg.Yw;info=<https://x.example/c>;ppt=shaken"), 438,
               "Invalid Identity Header", "JSON");
}

TEST_F(CheckerTest, MissingShakenClaimIs438) {
  PassportChecker c(clock_, {});
  Passport p = Make();
  p.header.ppt = "";  // a base PASSporT: encodes without attest/origid checks
  p.claims.attest = Attestation::kNone;
  ExpectFailed(Check(c, Sign(p)), 438, "Invalid Identity Header", "ppt");
}

TEST_F(CheckerTest, UnsupportedAlgIs437) {
  PassportChecker c(clock_, {});
  // In the Identity header's alg parameter.
  ExpectFailed(Check(c, Sign(Make(), nullptr, "ES384")), 437, "Unsupported Credential", "ES384");
  // In the PASSporT header, Identity alg=ES256.
  Passport p = Make();
  p.header.alg = "ES384";
  ExpectFailed(Check(c, Sign(p)), 437, "Unsupported Credential", "PASSporT alg \"ES384\"");
}

TEST_F(CheckerTest, WrongTypIs437) {
  PassportChecker c(clock_, {});
  Passport p = Make();
  p.header.typ = "JWT";
  ExpectFailed(Check(c, Sign(p)), 437, "Unsupported Credential", "typ \"JWT\"");
}

TEST_F(CheckerTest, ReplayCacheIsBounded) {
  PassportChecker c(clock_, {.replay_capacity = 4});
  std::vector<std::string> values;
  for (int i = 0; i < 10; ++i) {
    values.push_back(Sign(Make(0, "00000000-0000-0000-0000-00000000000" + std::to_string(i))));
    ExpectPassed(Check(c, values.back()));
    EXPECT_LE(c.replay_cache_size(), 4u);
  }
  EXPECT_EQ(c.replay_cache_size(), 4u);
  for (int i = 6; i < 10; ++i) {
    ExpectFailed(Check(c, values[i]), 438, "Invalid Identity Header", "replayed");
  }
  // The price of the bound: the oldest entry was pushed out, so it is not caught.
  ExpectPassed(Check(c, values[0]));
  EXPECT_LE(c.replay_cache_size(), 4u);
}

TEST_F(CheckerTest, ReplayCacheDropsExpiredEntries) {
  PassportChecker c(clock_, {});
  ExpectPassed(Check(c, Sign(Make())));
  ExpectPassed(Check(c, Sign(Make())));
  EXPECT_EQ(c.replay_cache_size(), 2u);
  clock_.Advance(seconds(61));
  ExpectPassed(Check(c, Sign(Make())));
  EXPECT_EQ(c.replay_cache_size(), 1u);
}

TEST_F(CheckerTest, ConcurrentChecks) {
  PassportChecker c(clock_, {});
  constexpr int kThreads = 4;
  constexpr int kPerThread = 50;
  std::vector<std::vector<std::string>> values(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kPerThread; ++i) values[t].push_back(Sign(Make()));
  }
  std::atomic<int> passed{0};
  std::atomic<int> replayed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (const auto& v : values[t]) {
        if (c.Check(v, kOrig, kDest, key_).verstat == Verstat::kPassed) ++passed;
      }
      // Each thread then replays a neighbour's tokens, racing with its owner.
      for (const auto& v : values[(t + 1) % kThreads]) {
        if (c.Check(v, kOrig, kDest, key_).detail.starts_with("replayed")) ++replayed;
      }
    });
  }
  for (auto& th : threads) th.join();
  // Every token is accepted exactly once, whichever thread got there first.
  EXPECT_EQ(passed.load() + (kThreads * kPerThread - replayed.load()), kThreads * kPerThread);
  EXPECT_EQ(c.replay_cache_size(), static_cast<std::size_t>(kThreads * kPerThread));
}

// A div PASSporT (RFC 8946) signed by `key`: the call to `from_number` was
// retargeted to `to_number`.
std::string SignDiv(const EcKey& key, int64_t iat, std::string from_number, std::string to_number) {
  Passport p;
  p.header.ppt = "div";
  p.header.x5u = kX5u;
  p.claims.dest_tn = {std::move(to_number)};
  p.claims.div_tn = std::move(from_number);
  p.claims.iat = iat;
  p.claims.orig_tn = kOrig;
  auto input = EncodeSigningInput(p);
  EXPECT_TRUE(input.has_value()) << input.status().ToString();
  auto sig = SignEs256(key, *input);
  auto jws = EncodeCompactJws(p, *sig);
  return BuildIdentityHeader({.jws = *jws, .info = kX5u, .ppt = "div"}).value();
}

TEST_F(CheckerTest, CheckAllSkipsBadHeadersBesideAGoodOne) {
  PassportChecker c(clock_, {});
  FixedKeySource source(key_);
  const std::string good = Sign(Make());
  const std::array<std::string_view, 3> values = {"garbage", good, "YQ.Yg.Yw;ppt=shaken"};
  ExpectPassed(c.CheckAll(values, kOrig, kDest, source));
  EXPECT_EQ(c.CheckAll({}, kOrig, kDest, source).sip_code, 428);
}

TEST_F(CheckerTest, CheckAllMapsParseFailuresToTheirCodes) {
  PassportChecker c(clock_, {});
  FixedKeySource source(key_);
  const std::string jws = Sign(Make()).substr(0, Sign(Make()).find(';'));
  const std::string without_info = jws + ";ppt=shaken";
  const std::array<std::string_view, 1> no_info = {without_info};
  ExpectFailed(c.CheckAll(no_info, kOrig, kDest, source), 436, "Bad Identity Info", "'info'");
  const std::string rs = jws + ";info=<" + kX5u + ">;alg=RS256;ppt=shaken";
  const std::array<std::string_view, 1> bad_alg = {rs};
  ExpectFailed(c.CheckAll(bad_alg, kOrig, kDest, source), 437, "Unsupported Credential", "RS256");
  const std::array<std::string_view, 1> garbage = {"garbage"};
  ExpectFailed(c.CheckAll(garbage, kOrig, kDest, source), 438, "Invalid Identity Header", "JWS");
}

// Alice (kOrig) calls kDest, which forwards to 12155550199: shaken + div.
TEST_F(CheckerTest, CheckAllFollowsDiversion) {
  PassportChecker c(clock_, {});
  FixedKeySource source(key_);
  const std::string shaken = Sign(Make());
  const std::string div = SignDiv(other_key_, UnixNow(clock_), kDest, "12155550199");
  // The div PASSporT is signed by another carrier: a source that knows both keys.
  struct TwoKeys final : CredentialSource {
    const EcKey* shaken_key;
    const EcKey* div_key;
    Credential Resolve(const IdentityHeader& h, const Passport&) override {
      return Credential{.key = h.ppt == "div" ? div_key : shaken_key};
    }
  } both;
  both.shaken_key = &key_;
  both.div_key = &other_key_;
  const std::array<std::string_view, 2> values = {div, shaken};
  CheckResult r = c.CheckAll(values, kOrig, "12155550199", both);
  ExpectPassed(r);
  ASSERT_EQ(r.diverted_from.size(), 1u);
  EXPECT_EQ(r.diverted_from[0], kDest);

  // Without the div PASSporT the new target is not in dest: 438.
  const std::string direct = Sign(Make(0, "another-origid"));
  const std::array<std::string_view, 1> only_shaken = {direct};
  ExpectFailed(c.CheckAll(only_shaken, kOrig, "12155550199", both), 438, "Invalid Identity Header",
               "dest mismatch");
  // A div PASSporT with a bad signature does not extend the chain.
  const std::string forged = SignDiv(key_, UnixNow(clock_) - 1, kDest, "12155550198");
  const std::string shaken2 = Sign(Make(0, "third-origid"));
  const std::array<std::string_view, 2> forged_values = {forged, shaken2};
  ExpectFailed(c.CheckAll(forged_values, kOrig, "12155550198", both), 438,
               "Invalid Identity Header", "dest mismatch");
  // A lone div PASSporT is not enough.
  const std::array<std::string_view, 1> lone_div = {div};
  ExpectFailed(c.CheckAll(lone_div, kOrig, "12155550199", both), 438, "Invalid Identity Header",
               "no shaken PASSporT");
}

// ATIS-1000082 E10 comes before freshness: a stale token whose info differs from
// its x5u is 436, not 403. And a request may not bring more headers than a
// shaken PASSporT and its diversions.
TEST_F(CheckerTest, InfoMismatchBeforeFreshnessAndHeaderCountCapped) {
  PassportChecker c(clock_, {});
  std::string stale = Sign(Make(-600));
  stale.replace(stale.find(kX5u), std::strlen(kX5u), "https://other.example.org/x.cer");
  ExpectFailed(Check(c, stale), 436, "Bad Identity Info", "differs from the PASSporT x5u");
  FixedKeySource source(key_);
  const std::string good = Sign(Make());
  std::vector<std::string_view> many(1 + kMaxDiversions + 1, good);
  ExpectFailed(c.CheckAll(many, kOrig, kDest, source), 438, "Invalid Identity Header",
               "Identity headers; at most 6");
}

TEST_F(CheckerTest, CredentialFailureIsReportedWithItsCode) {
  PassportChecker c(clock_, {});
  struct Refusing final : CredentialSource {
    Credential Resolve(const IdentityHeader&, const Passport&) override {
      return Credential{.sip_code = 437,
                        .sip_reason = "Unsupported Credential",
                        .detail = "untrusted root",
                        .signer = "CN=x"};
    }
  } refusing;
  const std::string header = Sign(Make());
  CheckResult r = c.Check(header, kOrig, kDest, refusing);
  ExpectFailed(r, 437, "Unsupported Credential", "untrusted root");
  EXPECT_EQ(r.signer, "CN=x");
  // Not recorded for replay: the same header passes once the credential is good.
  ExpectPassed(Check(c, header));
}

}  // namespace
}  // namespace quell::shaken
