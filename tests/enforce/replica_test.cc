#include "quell/enforce/replica.h"

#include <gtest/gtest.h>

#include <fstream>

#include "quell/enforce/internal/ledger_format.h"
#include "store/store_test_util.h"

namespace quell::enforce {
namespace {

constexpr int64_t kNowMs = 1793584800000;

// The primary as a replica sees it over REST: pages from LedgerPageJson, or
// from a tampered copy of its file.
class ReplicaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    clock_.Set(FromUnixMillis(kNowMs));
    QUELL_ASSERT_OK_AND_ASSIGN(primary_, Ledger::Open({.dir = dir_.File("primary")}, clock_));
    carrier_ = SigningKey::Generate("carrier-a/1");
    ASSERT_TRUE(primary_->AddKey("carrier-a/1", "carrier-a", carrier_.public_key()).has_value());
    OpenReplica();
  }
  void OpenReplica(std::optional<PublicKey> pin = {}) {
    follower_.reset();
    replica_.reset();
    Ledger::Options o{.dir = dir_.File("replica"), .replica = true, .operator_key_pin = pin};
    QUELL_ASSERT_OK_AND_ASSIGN(replica_, Ledger::Open(o, clock_));
    follower_ = std::make_unique<Follower>(
        *replica_, "http://primary.test",
        [this](const std::string& q) -> Result<std::string> {
          ++fetches_;
          // "/api/v1/ledger?after=N&limit=L"
          auto a = q.find("after="), l = q.find("&limit=");
          uint64_t after = std::stoull(q.substr(a + 6, l - a - 6));
          int limit = std::stoi(q.substr(l + 7));
          return LedgerPageJson(*primary_, after, limit);
        },
        clock_);
  }
  void AppendViolations(int n) {
    for (int i = 0; i < n; ++i) {
      auto r = primary_->Append(carrier_.Sign(
          "violation", R"({"rule":"dnc","n":)" + std::to_string(next_++) + "}", kNowMs));
      ASSERT_TRUE(r.has_value()) << r.status().message();
    }
  }
  std::string PrimaryFile() const { return dir_.File("primary") + "/ledger.qlg"; }

  FakeClock clock_;
  store::testing::TempDir dir_;
  std::unique_ptr<Ledger> primary_, replica_;
  std::unique_ptr<Follower> follower_;
  SigningKey carrier_ = SigningKey::Generate("x/1");
  int next_ = 0;
  int fetches_ = 0;
};

TEST_F(ReplicaTest, FollowsThePrimaryAndVerifiesIndependently) {
  AppendViolations(25);
  QUELL_ASSERT_OK_AND_ASSIGN(uint64_t n, follower_->Sync(10));
  EXPECT_EQ(n, 27u);
  EXPECT_EQ(replica_->head().seq, primary_->head().seq);
  EXPECT_EQ(replica_->head().hash, primary_->head().hash);
  AppendViolations(3);
  QUELL_ASSERT_OK_AND_ASSIGN(n, follower_->Sync(10));
  EXPECT_EQ(n, 3u);
  QUELL_ASSERT_OK_AND_ASSIGN(n, follower_->Sync(10));
  EXPECT_EQ(n, 0u);
  QUELL_ASSERT_OK_AND_ASSIGN(uint64_t audited, follower_->Audit(7));
  EXPECT_EQ(audited, 30u);
  EXPECT_FALSE(follower_->status().diverged);
  // The replica's own file verifies, keys learnt from the ledger itself.
  QUELL_ASSERT_OK_AND_ASSIGN(VerifyReport v,
                             VerifyLedgerFile(dir_.File("replica") + "/ledger.qlg",
                                              {.operator_key = primary_->operator_key()}));
  EXPECT_TRUE(v.ok) << v.reason;
  EXPECT_EQ(v.records, 30u);
  // A replica refuses appends of its own.
  EXPECT_EQ(replica_->AppendOwn("sanction", "{}").status().code(), StatusCode::kFailedPrecondition);
  // And survives a restart.
  OpenReplica(primary_->operator_key());
  EXPECT_EQ(replica_->head().seq, 30u);
}

TEST_F(ReplicaTest, APinnedOperatorKeyMustMatch) {
  OpenReplica(SigningKey::Generate("other/1").public_key());
  auto r = follower_->Sync();
  EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
  ASSERT_TRUE(follower_->status().diverged);
  EXPECT_EQ(follower_->status().diverged->seq, 1u);
  EXPECT_EQ(replica_->head().seq, 0u);
}

TEST_F(ReplicaTest, DetectsAPrimaryThatRewroteRecordKAndRechainedTheRest) {
  AppendViolations(20);
  ASSERT_TRUE(follower_->Sync().has_value());
  // The primary's operator rewrites its own record 2 (the key record, which it
  // can re-sign) and re-chains everything after it.
  primary_.reset();
  std::string file;
  {
    std::ifstream in(PrimaryFile(), std::ios::binary);
    file.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  QUELL_ASSERT_OK_AND_ASSIGN(SigningKey op,
                             SigningKey::Load(dir_.File("primary") + "/operator.key"));
  std::string out(internal::kFileMagic);
  std::size_t pos = internal::kFileMagic.size();
  std::string_view body;
  std::string reason;
  Hash prev{};
  while (internal::NextFrame(file, pos, body, reason) == internal::FrameResult::kOk) {
    LedgerRecord r;
    ASSERT_FALSE(internal::DecodeBody(body, r));
    if (r.seq == 2) {
      r.entry = op.Sign("key",
                        R"({"key_id":"carrier-a/1","organisation":"carrier-a","public_key":")" +
                            EncodeKey(carrier_.public_key()) + R"(","note":"rewritten"})",
                        r.entry.signed_ms);
    }
    std::string b = internal::EncodeBody(r.seq, r.appended_ms, prev, r.entry);
    prev = internal::HashBody(b);
    out += internal::Frame(b);
  }
  {
    std::ofstream o(PrimaryFile(), std::ios::binary | std::ios::trunc);
    o << out;
  }
  // The rewritten primary is self-consistent: it opens and verifies alone...
  QUELL_ASSERT_OK_AND_ASSIGN(primary_, Ledger::Open({.dir = dir_.File("primary")}, clock_));
  QUELL_ASSERT_OK_AND_ASSIGN(VerifyReport v, VerifyLedgerFile(PrimaryFile(), {}));
  EXPECT_TRUE(v.ok);
  // ...but the replica sees its history changed, and names record 2.
  AppendViolations(1);
  auto r = follower_->Sync();
  EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
  ASSERT_TRUE(follower_->status().diverged);
  EXPECT_EQ(follower_->status().diverged->seq, 2u);
  EXPECT_EQ(replica_->head().seq, 22u);  // took nothing from the rewritten history
  // Sticky: later syncs refuse too.
  EXPECT_EQ(follower_->Sync().status().code(), StatusCode::kFailedPrecondition);
}

TEST_F(ReplicaTest, AuditFindsAByteFlippedOnThePrimarysDisk) {
  AppendViolations(12);
  ASSERT_TRUE(follower_->Sync().has_value());
  // Flip a byte in record 5 while the primary runs (it serves what is on disk).
  QUELL_ASSERT_OK_AND_ASSIGN(LedgerRecord r5, primary_->Get(5));
  QUELL_ASSERT_OK_AND_ASSIGN(LedgerRecord r4, primary_->Get(4));
  std::size_t offset = internal::kFileMagic.size();
  for (uint64_t s = 1; s < 5; ++s) offset += primary_->Get(s)->frame.size();
  {
    std::fstream f(PrimaryFile(), std::ios::binary | std::ios::in | std::ios::out);
    f.seekp(static_cast<std::streamoff>(offset + r5.frame.size() - 70));
    char c = r5.frame[r5.frame.size() - 70] ^ 0x20;
    f.write(&c, 1);
  }
  (void)r4;
  // Sync alone sees nothing wrong (record 14 is the anchor), the audit does.
  EXPECT_TRUE(follower_->Sync().has_value());
  auto a = follower_->Audit();
  EXPECT_EQ(a.status().code(), StatusCode::kFailedPrecondition);
  ASSERT_TRUE(follower_->status().diverged);
  EXPECT_EQ(follower_->status().diverged->seq, 5u);
}

TEST_F(ReplicaTest, ABadRecordFromThePrimaryIsNotTaken) {
  AppendViolations(3);
  ASSERT_TRUE(follower_->Sync().has_value());
  // A frame whose signature does not verify (forged by a man in the middle).
  LedgerEntry e = carrier_.Sign("violation", R"({"n":99})", kNowMs);
  e.payload = R"({"n":98})";
  std::string body = internal::EncodeBody(6, kNowMs, replica_->head().hash, e);
  EXPECT_EQ(replica_->AppendReplicated(internal::Frame(body)).code(), StatusCode::kInvalidArgument);
  // Not the next record.
  std::string body7 = internal::EncodeBody(7, kNowMs, replica_->head().hash,
                                           carrier_.Sign("violation", "{}", kNowMs));
  EXPECT_EQ(replica_->AppendReplicated(internal::Frame(body7)).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(replica_->head().seq, 5u);
}

}  // namespace
}  // namespace quell::enforce

namespace quell::enforce {
namespace {

TEST_F(ReplicaTest, APrimaryWhoseLedgerGotShorterIsCaught) {
  AppendViolations(6);
  ASSERT_TRUE(follower_->Sync().has_value());
  // The primary's ledger replaced by an older copy of itself.
  primary_.reset();
  std::string file;
  {
    std::ifstream in(PrimaryFile(), std::ios::binary);
    file.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  std::size_t pos = internal::kFileMagic.size();
  std::string_view body;
  std::string reason;
  for (int i = 0; i < 4; ++i)
    ASSERT_EQ(internal::NextFrame(file, pos, body, reason), internal::FrameResult::kOk);
  {
    std::ofstream o(PrimaryFile(), std::ios::binary | std::ios::trunc);
    o << file.substr(0, pos);
  }
  QUELL_ASSERT_OK_AND_ASSIGN(primary_, Ledger::Open({.dir = dir_.File("primary")}, clock_));
  EXPECT_EQ(primary_->head().seq, 4u);
  EXPECT_EQ(follower_->Sync().status().code(), StatusCode::kFailedPrecondition);
  ASSERT_TRUE(follower_->status().diverged);
  EXPECT_EQ(follower_->status().diverged->seq, 5u);
}

}  // namespace
}  // namespace quell::enforce
