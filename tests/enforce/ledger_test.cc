#include "quell/enforce/ledger.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "quell/enforce/internal/ledger_format.h"
#include "store/store_test_util.h"

namespace quell::enforce {
namespace {

constexpr int64_t kNowMs = 1793584800000;  // 2026-11-02

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}
void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

// Offsets of each record's frame in a ledger file.
std::vector<std::size_t> FrameOffsets(const std::string& file) {
  std::vector<std::size_t> out;
  std::size_t pos = internal::kFileMagic.size();
  std::string_view body;
  std::string reason;
  while (true) {
    std::size_t at = pos;
    if (internal::NextFrame(file, pos, body, reason) != internal::FrameResult::kOk) break;
    out.push_back(at);
  }
  return out;
}

class LedgerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    clock_.Set(FromUnixMillis(kNowMs));
    Reopen();
  }
  void Reopen() {
    ledger_.reset();
    QUELL_ASSERT_OK_AND_ASSIGN(ledger_, Ledger::Open({.dir = dir_.File("ledger")}, clock_));
  }
  std::string LedgerFile() const { return dir_.File("ledger") + "/ledger.qlg"; }
  // An organisation's key, registered in the ledger.
  SigningKey AddOrg(const std::string& org) {
    SigningKey k = SigningKey::Generate(org + "/1");
    auto r = ledger_->AddKey(k.key_id(), org, k.public_key());
    EXPECT_TRUE(r.has_value()) << r.status().message();
    return k;
  }
  LedgerEntry Violation(const SigningKey& k, int i) {
    return k.Sign("violation",
                  R"({"number_hash":")" + ledger_->HashNumber("+8613800138000") +
                      R"(","rule":"dnc","n":)" + std::to_string(i) + "}",
                  kNowMs);
  }

  FakeClock clock_;
  store::testing::TempDir dir_;
  std::unique_ptr<Ledger> ledger_;
};

TEST_F(LedgerTest, NewLedgerStartsWithItsGenesis) {
  EXPECT_EQ(ledger_->head().seq, 1u);
  QUELL_ASSERT_OK_AND_ASSIGN(LedgerRecord g, ledger_->Get(1));
  EXPECT_EQ(g.entry.kind, "genesis");
  EXPECT_EQ(g.prev, Hash{});
  EXPECT_TRUE(VerifySignature(g.entry, ledger_->operator_key()));
  EXPECT_NE(g.entry.payload.find(EncodeKey(ledger_->operator_key())), std::string::npos);
  ASSERT_EQ(ledger_->Keys().size(), 1u);
  EXPECT_EQ(ledger_->Keys()[0].key_id, "operator/1");
  // Reopening keeps it and does not write a second genesis.
  PublicKey op = ledger_->operator_key();
  Reopen();
  EXPECT_EQ(ledger_->head().seq, 1u);
  EXPECT_EQ(ledger_->operator_key(), op);
}

TEST_F(LedgerTest, AppendsOrganisationSignedRecordsChained) {
  SigningKey carrier = AddOrg("carrier-a");
  QUELL_ASSERT_OK_AND_ASSIGN(LedgerRecord r, ledger_->Append(Violation(carrier, 1), "carrier-a"));
  EXPECT_EQ(r.seq, 3u);
  QUELL_ASSERT_OK_AND_ASSIGN(LedgerRecord key_rec, ledger_->Get(2));
  EXPECT_EQ(r.prev, key_rec.hash);
  EXPECT_EQ(r.hash, internal::HashBody(r.body));
  EXPECT_EQ(ledger_->head().hash, r.hash);
  QUELL_ASSERT_OK_AND_ASSIGN(auto page, ledger_->Read(1, 10));
  ASSERT_EQ(page.size(), 2u);
  EXPECT_EQ(page[0].entry.kind, "key");
  EXPECT_EQ(page[1].entry.payload, r.entry.payload);
  EXPECT_EQ(page[1].frame, internal::Frame(page[1].body));
  Reopen();
  EXPECT_EQ(ledger_->head().seq, 3u);
  EXPECT_EQ(ledger_->head().hash, r.hash);
}

TEST_F(LedgerTest, RejectsWhatItMustNotTake) {
  SigningKey carrier = AddOrg("carrier-a");
  SigningKey stranger = SigningKey::Generate("stranger/1");
  auto code = [&](const LedgerEntry& e, std::optional<std::string_view> org = {}) {
    auto r = ledger_->Append(e, org);
    return r.has_value() ? StatusCode::kOk : r.status().code();
  };
  EXPECT_EQ(code(Violation(stranger, 1)), StatusCode::kPermissionDenied);  // unknown key
  EXPECT_EQ(code(Violation(carrier, 1), "carrier-b"), StatusCode::kPermissionDenied);
  LedgerEntry forged = Violation(carrier, 1);
  forged.payload[forged.payload.size() - 2] = '9';
  EXPECT_EQ(code(forged), StatusCode::kInvalidArgument);  // signature
  EXPECT_EQ(code(carrier.Sign("violation", R"({"caller":"+86 138 0013 8000"})", kNowMs)),
            StatusCode::kInvalidArgument);  // a phone number in clear
  EXPECT_EQ(code(carrier.Sign("violation", R"({"callee_number":13800138000})", kNowMs)),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(code(carrier.Sign("violation", "[1,2]", kNowMs)), StatusCode::kInvalidArgument);
  EXPECT_EQ(code(carrier.Sign("violation", R"({"numbers":5,"n":1})", kNowMs)), StatusCode::kOk);
  EXPECT_EQ(code(carrier.Sign("gossip", "{}", kNowMs)), StatusCode::kInvalidArgument);
  EXPECT_EQ(code(carrier.Sign("violation", "{}", kNowMs - 10 * 60 * 1000)),
            StatusCode::kInvalidArgument);  // stale: outside the clock skew
  std::string big = R"({"x":")" + std::string(17000, 'a') + "\"}";
  EXPECT_EQ(code(carrier.Sign("violation", big, kNowMs)), StatusCode::kPayloadTooLarge);
  EXPECT_EQ(
      code(carrier.Sign(
          "key", R"({"key_id":"x/1","public_key":")" + EncodeKey(carrier.public_key()) + "\"}",
          kNowMs)),
      StatusCode::kPermissionDenied);  // only the operator adds keys
  LedgerEntry ok = Violation(carrier, 2);
  EXPECT_EQ(code(ok), StatusCode::kOk);
  EXPECT_EQ(code(ok), StatusCode::kAlreadyExists);  // a replay
  EXPECT_EQ(ledger_->head().seq, 4u);
  EXPECT_EQ(ledger_->stats().rejected, 11u);
  // Dates and credit codes are not phone numbers.
  EXPECT_EQ(code(carrier.Sign("violation",
                              R"({"date":"2026-11-29","credit_code":"91350100M000100Y43",)"
                              R"("start_ms":1793584800000,"count":1200000})",
                              kNowMs)),
            StatusCode::kOk);
}

TEST_F(LedgerTest, RevokedKeysSignNoMore) {
  SigningKey carrier = AddOrg("carrier-a");
  ASSERT_TRUE(ledger_->Append(Violation(carrier, 1)).has_value());
  EXPECT_EQ(ledger_->AddKey("carrier-a/1", "carrier-a", carrier.public_key()).status().code(),
            StatusCode::kAlreadyExists);
  QUELL_ASSERT_OK_AND_ASSIGN(LedgerRecord rev, ledger_->RevokeKey("carrier-a/1", "laptop lost"));
  EXPECT_EQ(ledger_->Append(Violation(carrier, 2)).status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(ledger_->RevokeKey("operator/1", "x").status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(ledger_->RevokeKey("nobody/1", "x").status().code(), StatusCode::kNotFound);
  Reopen();  // the revocation is in the ledger itself
  EXPECT_EQ(ledger_->Append(Violation(carrier, 3)).status().code(), StatusCode::kPermissionDenied);
  auto keys = ledger_->Keys();
  ASSERT_EQ(keys.size(), 2u);
  EXPECT_EQ(keys[1].revoked_seq, rev.seq);
}

TEST_F(LedgerTest, ConcurrentAppendsShareSyncsAndStayContiguous) {
  SigningKey carrier = AddOrg("carrier-a");
  constexpr int kThreads = 8, kEach = 50;
  std::vector<std::vector<LedgerEntry>> entries(kThreads);
  for (int t = 0; t < kThreads; ++t)
    for (int i = 0; i < kEach; ++i) entries[t].push_back(Violation(carrier, t * 1000 + i));
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  std::mutex mu;
  std::set<uint64_t> seqs;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (const LedgerEntry& e : entries[t]) {
        auto r = ledger_->Append(e);
        if (!r.has_value()) {
          ++failures;
          continue;
        }
        std::lock_guard lock(mu);
        seqs.insert(r->seq);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  ASSERT_EQ(seqs.size(), static_cast<std::size_t>(kThreads * kEach));
  EXPECT_EQ(*seqs.begin(), 3u);
  EXPECT_EQ(*seqs.rbegin(), 2u + kThreads * kEach);
  Ledger::Stats st = ledger_->stats();
  EXPECT_EQ(st.appends, static_cast<uint64_t>(kThreads * kEach + 1));
  // Every append was durable on return; most shared an fdatasync with others.
  EXPECT_LE(st.syncs, st.appends + 1);
  QUELL_ASSERT_OK_AND_ASSIGN(VerifyReport v, VerifyLedgerFile(LedgerFile(), {}));
  EXPECT_TRUE(v.ok) << v.reason;
  EXPECT_EQ(v.records, 2u + kThreads * kEach);
  EXPECT_EQ(v.head.hash, ledger_->head().hash);
}

TEST_F(LedgerTest, HashNumberIsKeyedByTheLedgersSalt) {
  std::string h = ledger_->HashNumber("+8613800138000");
  EXPECT_EQ(h.size(), 32u);
  EXPECT_EQ(h, ledger_->HashNumber("+8613800138000"));
  EXPECT_NE(h, ledger_->HashNumber("+8613800138001"));
  Reopen();
  EXPECT_EQ(h, ledger_->HashNumber("+8613800138000"));  // the salt is kept
  store::testing::TempDir other;
  QUELL_ASSERT_OK_AND_ASSIGN(auto l2, Ledger::Open({.dir = other.File("l")}, clock_));
  EXPECT_NE(h, l2->HashNumber("+8613800138000"));  // and secret to each ledger
}

TEST_F(LedgerTest, ATornFinalFrameIsCutOnOpen) {
  SigningKey carrier = AddOrg("carrier-a");
  ASSERT_TRUE(ledger_->Append(Violation(carrier, 1)).has_value());
  LedgerHead head = ledger_->head();
  ledger_.reset();
  std::string file = ReadFile(LedgerFile());
  std::string torn = internal::Frame(std::string(300, 'x')).substr(0, 100);
  WriteFile(LedgerFile(), file + torn);
  // An append still being written is not damage: verify checks the rest.
  QUELL_ASSERT_OK_AND_ASSIGN(VerifyReport during, VerifyLedgerFile(LedgerFile(), {}));
  EXPECT_TRUE(during.ok) << during.reason;
  EXPECT_TRUE(during.torn_tail);
  EXPECT_EQ(during.records, head.seq);
  Reopen();
  EXPECT_EQ(ledger_->head().seq, head.seq);
  EXPECT_EQ(ReadFile(LedgerFile()).size(), file.size());
  ASSERT_TRUE(ledger_->Append(Violation(carrier, 2)).has_value());
  QUELL_ASSERT_OK_AND_ASSIGN(VerifyReport v, VerifyLedgerFile(LedgerFile(), {}));
  EXPECT_TRUE(v.ok) << v.reason;
}

TEST_F(LedgerTest, VerifyNamesTheFirstBadRecord) {
  SigningKey carrier = AddOrg("carrier-a");
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(ledger_->Append(Violation(carrier, i)).has_value());
  ledger_.reset();
  std::string good = ReadFile(LedgerFile());
  QUELL_ASSERT_OK_AND_ASSIGN(VerifyReport ok, VerifyLedgerFile(LedgerFile(), {}));
  EXPECT_TRUE(ok.ok);
  EXPECT_EQ(ok.records, 12u);

  std::vector<std::size_t> at = FrameOffsets(good);
  ASSERT_EQ(at.size(), 12u);

  // A flipped byte inside record 7's payload: its CRC.
  std::string flipped = good;
  flipped[at[6] + 120] ^= 0x01;
  WriteFile(LedgerFile(), flipped);
  QUELL_ASSERT_OK_AND_ASSIGN(VerifyReport v1, VerifyLedgerFile(LedgerFile(), {}));
  EXPECT_FALSE(v1.ok);
  EXPECT_EQ(v1.first_bad, 7u);
  EXPECT_NE(v1.reason.find("CRC"), std::string::npos) << v1.reason;
  EXPECT_EQ(v1.records, 6u);
  // Open refuses a damaged ledger, naming the record.
  auto opened = Ledger::Open({.dir = dir_.File("ledger")}, clock_);
  ASSERT_FALSE(opened.has_value());
  EXPECT_NE(opened.status().message().find("record 7"), std::string::npos)
      << opened.status().message();

  // Record 5 rewritten by whoever holds the file (new payload, CRC fixed, the
  // chain recomputed after it): the organisation's signature gives it away.
  std::string rewritten = good.substr(0, at[4]);
  Hash prev;
  {
    LedgerRecord r4;
    std::string_view body4 = std::string_view(good).substr(at[3] + 8, at[4] - at[3] - 8);
    ASSERT_FALSE(internal::DecodeBody(body4, r4));
    prev = r4.hash;
  }
  for (std::size_t i = 4; i < at.size(); ++i) {
    std::size_t end = i + 1 < at.size() ? at[i + 1] : good.size();
    LedgerRecord r;
    ASSERT_FALSE(
        internal::DecodeBody(std::string_view(good).substr(at[i] + 8, end - at[i] - 8), r));
    if (i == 4) r.entry.payload = R"({"rule":"nothing to see"})";
    std::string body = internal::EncodeBody(r.seq, r.appended_ms, prev, r.entry);
    prev = internal::HashBody(body);
    rewritten += internal::Frame(body);
  }
  WriteFile(LedgerFile(), rewritten);
  QUELL_ASSERT_OK_AND_ASSIGN(VerifyReport v2, VerifyLedgerFile(LedgerFile(), {}));
  EXPECT_FALSE(v2.ok);
  EXPECT_EQ(v2.first_bad, 5u);
  EXPECT_EQ(v2.reason, "bad signature");
  EXPECT_EQ(v2.records, 4u);
  // Without signatures, only the chain is checked: consistent.
  QUELL_ASSERT_OK_AND_ASSIGN(VerifyReport v3,
                             VerifyLedgerFile(LedgerFile(), {.signatures = false}));
  EXPECT_TRUE(v3.ok);

  // A record dropped from the middle: the sequence.
  std::string dropped = good.substr(0, at[8]) + good.substr(at[9]);
  WriteFile(LedgerFile(), dropped);
  QUELL_ASSERT_OK_AND_ASSIGN(VerifyReport v4, VerifyLedgerFile(LedgerFile(), {}));
  EXPECT_EQ(v4.first_bad, 9u);
  EXPECT_NE(v4.reason.find("sequence"), std::string::npos) << v4.reason;

  // A pinned operator key that is not the genesis's.
  WriteFile(LedgerFile(), good);
  VerifyOptions pinned;
  pinned.operator_key = SigningKey::Generate("x/1").public_key();
  QUELL_ASSERT_OK_AND_ASSIGN(VerifyReport v5, VerifyLedgerFile(LedgerFile(), pinned));
  EXPECT_EQ(v5.first_bad, 1u);
}

TEST_F(LedgerTest, SigningKeyFilesRoundTrip) {
  SigningKey k = SigningKey::Generate("carrier-a/7");
  std::string path = dir_.File("k.key");
  QUELL_ASSERT_OK(k.Save(path));
  EXPECT_EQ(std::filesystem::status(path).permissions() & std::filesystem::perms::group_read,
            std::filesystem::perms::none);
  QUELL_ASSERT_OK_AND_ASSIGN(SigningKey back, SigningKey::Load(path));
  EXPECT_EQ(back.key_id(), "carrier-a/7");
  EXPECT_EQ(back.public_key(), k.public_key());
  LedgerEntry e = back.Sign("violation", "{}", 1);
  EXPECT_TRUE(VerifySignature(e, k.public_key()));
  WriteFile(path, "not a key\n");
  EXPECT_EQ(SigningKey::Load(path).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParsePublicKey(EncodeKey(k.public_key())), k.public_key());
  EXPECT_FALSE(ParsePublicKey("short").has_value());
}

}  // namespace
}  // namespace quell::enforce
