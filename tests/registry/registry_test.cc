#include "quell/registry/registry.h"

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "quell/core/ids.h"
#include "quell/registry/number_set.h"

#include "quell/store/store.h"
#include "store/store_test_util.h"

namespace quell::registry {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using ::testing::HasSubstr;

constexpr int64_t kOrg = 7;
constexpr int64_t kOtherOrg = 8;

PhoneNumber Num(const char* text) { return *PhoneNumber::Parse(text, "CN"); }

// 2026-12-01T02:00:00Z = 10:00 in Beijing.
TimePoint Morning() { return FromUnixMillis(1796090400000); }

class RegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    clock_.Set(Morning());
    QUELL_ASSERT_OK_AND_ASSIGN(store_, store::Store::Open({.path = dir_.File("quell.db")}));
    options_.snapshot_dir = dir_.File("dnc");
    Reopen();
  }

  void Reopen() {
    registry_.reset();
    QUELL_ASSERT_OK_AND_ASSIGN(registry_, Registry::Open(*store_, clock_, options_));
  }

  Change MustRegister(const char* number, Preferences prefs = {}) {
    auto c = registry_->Register({.number = Num(number),
                                  .channel = Channel::kWeb,
                                  .verification = "sms-code",
                                  .actor = "citizen",
                                  .preferences = prefs});
    EXPECT_TRUE(c.has_value()) << c.status().ToString();
    return c.has_value() ? *c : Change{};
  }

  void DeclareMarketing(int64_t org, const char* first, const char* last, Category c) {
    DeclaredRange r;
    r.first = Num(first);
    r.last = Num(last);
    r.categories = static_cast<uint16_t>(1u << static_cast<int>(c));
    QUELL_ASSERT_OK(registry_->DeclareRanges(org, {&r, 1}));
  }

  store::testing::TempDir dir_;
  FakeClock clock_;
  Options options_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<Registry> registry_;
};

TEST_F(RegistryTest, ProtectedOnlyAfterTheGracePeriodAndUntilRemoved) {
  const uint64_t n = Num("13800138000").compact();
  const Change c = MustRegister("13800138000");
  EXPECT_EQ(c.kind, ChangeKind::kRegister);
  EXPECT_EQ(c.effective_at, Morning() + hours(24 * 31));
  EXPECT_FALSE(registry_->IsProtected(n, Category::kFinance, clock_.Now()));
  EXPECT_FALSE(
      registry_->IsProtected(n, Category::kFinance, clock_.Now() + hours(24 * 31) - minutes(1)));
  EXPECT_TRUE(registry_->IsProtected(n, Category::kFinance, clock_.Now() + hours(24 * 31)));

  clock_.Advance(hours(24 * 31));
  QUELL_ASSERT_OK(registry_->Maintain());
  EXPECT_EQ(registry_->GetStats().protected_numbers, 1u) << "promoted out of the grace period";
  EXPECT_EQ(registry_->GetStats().pending_numbers, 0u);
  EXPECT_TRUE(registry_->IsProtected(n, Category::kFinance, clock_.Now()));

  QUELL_ASSERT_OK(registry_->Remove(Num("13800138000"), Channel::kWeb, "citizen"));
  EXPECT_FALSE(registry_->IsProtected(n, Category::kFinance, clock_.Now()));
  EXPECT_EQ(registry_->Remove(Num("13800138000"), Channel::kWeb, "citizen").status().code(),
            StatusCode::kNotFound);

  QUELL_ASSERT_OK_AND_ASSIGN(Registration r, registry_->Get(Num("13800138000")));
  EXPECT_FALSE(r.registered);
  ASSERT_TRUE(r.removed_at.has_value());
  EXPECT_EQ(*r.removed_at, clock_.Now());
  EXPECT_EQ(registry_->Get(Num("13900139000")).status().code(), StatusCode::kNotFound);
}

TEST_F(RegistryTest, ReRegisteringKeepsTheGracePeriodAndOnlyChangesPreferences) {
  const Change first = MustRegister("13800138000");
  clock_.Advance(hours(24 * 10));
  const Change same = MustRegister("13800138000");
  EXPECT_EQ(same.version, first.version) << "nothing changed";
  auto prefs = ParsePreferences({"finance"}, {});
  const Change second = MustRegister("13800138000", *prefs);
  EXPECT_EQ(second.kind, ChangeKind::kPreferences);
  QUELL_ASSERT_OK_AND_ASSIGN(Registration r, registry_->Get(Num("13800138000")));
  EXPECT_EQ(r.protected_from, first.effective_at);
  EXPECT_EQ(r.preferences, *prefs);
  QUELL_ASSERT_OK_AND_ASSIGN(auto history, registry_->History(Num("13800138000")));
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[0].kind, ChangeKind::kRegister);
  EXPECT_EQ(history[0].verification, "sms-code");
  EXPECT_EQ(history[1].kind, ChangeKind::kPreferences);
}

TEST_F(RegistryTest, PreferencesDecideByCategoryAndHour) {
  auto prefs = ParsePreferences({"finance"}, {"18-21"});
  MustRegister("13800138000", *prefs);
  clock_.Advance(hours(24 * 31));
  const uint64_t n = Num("13800138000").compact();
  const TimePoint ten = clock_.Now();         // 10:00 local
  const TimePoint seven_pm = ten + hours(9);  // 19:00 local
  EXPECT_TRUE(registry_->IsProtected(n, Category::kFinance, ten));
  EXPECT_FALSE(registry_->IsProtected(n, Category::kFood, ten));
  EXPECT_FALSE(registry_->IsProtected(n, Category::kFinance, seven_pm));
  QUELL_ASSERT_OK(registry_->SetPreferences(Num("13800138000"), {}, Channel::kRest, "citizen"));
  EXPECT_TRUE(registry_->IsProtected(n, Category::kFood, ten));
  EXPECT_TRUE(registry_->IsProtected(n, Category::kFinance, seven_pm));
  EXPECT_EQ(registry_->SetPreferences(Num("13900139000"), {}, Channel::kRest, "x").status().code(),
            StatusCode::kNotFound);
}

TEST_F(RegistryTest, HistoryAnswersForAnyPastTime) {
  const TimePoint t0 = clock_.Now();
  MustRegister("13800138000");
  clock_.Advance(hours(24 * 40));
  QUELL_ASSERT_OK(registry_->Remove(Num("13800138000"), Channel::kWeb, "citizen"));
  clock_.Advance(hours(24));
  auto was = [&](TimePoint at) {
    auto r = registry_->WasProtected(Num("13800138000"), Category::kTravel, at);
    EXPECT_TRUE(r.has_value());
    return r.has_value() && *r;
  };
  EXPECT_FALSE(was(t0 - hours(1)));
  EXPECT_FALSE(was(t0 + hours(24 * 30)));
  EXPECT_TRUE(was(t0 + hours(24 * 31)));
  EXPECT_TRUE(was(t0 + hours(24 * 39)));
  EXPECT_FALSE(was(t0 + hours(24 * 40)));
}

TEST_F(RegistryTest, ChangeFeedPagesInVersionOrder) {
  MustRegister("13800138000");
  MustRegister("13800138001");
  QUELL_ASSERT_OK(registry_->Remove(Num("13800138000"), Channel::kWeb, "citizen"));
  QUELL_ASSERT_OK_AND_ASSIGN(ChangePage p1, registry_->Changes(0, 2));
  ASSERT_EQ(p1.changes.size(), 2u);
  EXPECT_EQ(p1.latest, 3);
  EXPECT_EQ(p1.changes[0].number, Num("13800138000"));
  QUELL_ASSERT_OK_AND_ASSIGN(ChangePage p2, registry_->Changes(p1.next, 2));
  ASSERT_EQ(p2.changes.size(), 1u);
  EXPECT_EQ(p2.changes[0].kind, ChangeKind::kRemove);
  QUELL_ASSERT_OK_AND_ASSIGN(ChangePage p3, registry_->Changes(p2.next, 2));
  EXPECT_TRUE(p3.changes.empty());
  EXPECT_EQ(p3.next, 3);
  EXPECT_FALSE(registry_->Changes(-1, 10).has_value());
  EXPECT_FALSE(registry_->Changes(0, 0).has_value());
}

TEST_F(RegistryTest, ImportKeepsOriginalTimesAndReportsBadRowsAlone) {
  std::vector<RegisterRequest> rows = {
      {.number = Num("13800138000"),
       .channel = Channel::kImport,
       .verification = "import",
       .actor = "import",
       .registered_at = Morning() - hours(24 * 365)},
      {.number = Num("13800138001"),
       .channel = Channel::kImport,
       .verification = "import",
       .actor = "import",
       .registered_at = Morning() + hours(1)},  // future: rejected
      {.number = Num("13800138002"),
       .channel = Channel::kImport,
       .verification = "import",
       .actor = "import",
       .registered_at = Morning() - hours(24)},
  };
  QUELL_ASSERT_OK_AND_ASSIGN(auto results, registry_->RegisterMany(rows));
  ASSERT_EQ(results.size(), 3u);
  EXPECT_TRUE(results[0].has_value());
  EXPECT_THAT(results[1].status().message(), HasSubstr("in the future"));
  EXPECT_TRUE(results[2].has_value());
  EXPECT_TRUE(registry_->IsProtected(Num("13800138000").compact(), Category::kOther, clock_.Now()));
  EXPECT_FALSE(
      registry_->IsProtected(Num("13800138002").compact(), Category::kOther, clock_.Now()));
}

TEST_F(RegistryTest, RestartLoadsTheSnapshotAndReplaysChangesAfterIt) {
  MustRegister("13800138000", *ParsePreferences({"finance"}, {"18-21"}));
  MustRegister("13800138001");
  clock_.Advance(hours(24 * 31));
  QUELL_ASSERT_OK(registry_->Maintain(/*force_snapshot=*/true));
  EXPECT_EQ(registry_->GetStats().snapshot_version, 2);
  // After the snapshot: one removal and one new registration.
  QUELL_ASSERT_OK(registry_->Remove(Num("13800138001"), Channel::kWeb, "citizen"));
  MustRegister("13800138002");

  Reopen();
  const Stats s = registry_->GetStats();
  EXPECT_EQ(s.snapshot_version, 2);
  EXPECT_EQ(s.version, 4);
  EXPECT_EQ(s.protected_numbers, 1u);
  EXPECT_EQ(s.pending_numbers, 1u);
  const TimePoint now = clock_.Now();
  EXPECT_TRUE(registry_->IsProtected(Num("13800138000").compact(), Category::kFinance, now));
  EXPECT_FALSE(registry_->IsProtected(Num("13800138000").compact(), Category::kFood, now))
      << "preferences survive the snapshot";
  EXPECT_FALSE(registry_->IsProtected(Num("13800138001").compact(), Category::kFinance, now));
  EXPECT_FALSE(registry_->IsProtected(Num("13800138002").compact(), Category::kFinance, now));
}

TEST_F(RegistryTest, ADamagedSnapshotIsIgnoredAndTheHistoryReplayed) {
  MustRegister("13800138000");
  clock_.Advance(hours(24 * 31));
  QUELL_ASSERT_OK(registry_->Maintain(true));
  registry_.reset();
  const std::string path = dir_.File("dnc") + "/dnc-snapshot.bin";
  {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(20);
    f.put('\x7f');
  }
  Reopen();
  EXPECT_EQ(registry_->GetStats().snapshot_version, 0);
  EXPECT_TRUE(
      registry_->IsProtected(Num("13800138000").compact(), Category::kFinance, clock_.Now()));
}

TEST_F(RegistryTest, AVersionOneSnapshotIsStillRead) {
  // Version 1 held the set in CRoaring's portable format (docs/formats/dnc.md).
  MustRegister("13800138000");
  clock_.Advance(hours(24 * 31));
  QUELL_ASSERT_OK(registry_->Maintain(true));
  const int64_t version = registry_->GetStats().version;
  registry_.reset();
  auto put = [](std::string* out, uint64_t v, int bytes) {
    for (int i = 0; i < bytes; ++i) out->push_back(static_cast<char>(v >> (8 * i)));
  };
  NumberSet set;
  set.Add(Num("13800138000").compact());
  std::string portable;
  set.Serialize(&portable);
  std::string file = "QDNCSNAP";
  put(&file, 1, 4);
  put(&file, static_cast<uint64_t>(version), 8);
  put(&file, portable.size(), 8);
  file += portable;
  put(&file, 0, 8);  // pending
  put(&file, 0, 8);  // preferences
  file += Sha256(file);
  {
    std::ofstream f(dir_.File("dnc") + "/dnc-snapshot.bin", std::ios::binary | std::ios::trunc);
    f << file;
  }
  Reopen();
  EXPECT_EQ(registry_->GetStats().snapshot_version, version);
  EXPECT_TRUE(
      registry_->IsProtected(Num("13800138000").compact(), Category::kFinance, clock_.Now()));
}

TEST_F(RegistryTest, AnotherProcessChangesAreSeenOnSync) {
  // The CLI writes through its own Registry on the same store.
  QUELL_ASSERT_OK_AND_ASSIGN(auto cli, Registry::Open(*store_, clock_, Options{}));
  QUELL_ASSERT_OK(cli->Register({.number = Num("13800138000"),
                                 .channel = Channel::kImport,
                                 .registered_at = Morning() - hours(24 * 100)}));
  const uint64_t n = Num("13800138000").compact();
  EXPECT_FALSE(registry_->IsProtected(n, Category::kFinance, clock_.Now()));
  QUELL_ASSERT_OK(registry_->Sync());
  EXPECT_TRUE(registry_->IsProtected(n, Category::kFinance, clock_.Now()));
}

TEST_F(RegistryTest, CallCheckInsideAndOutsideTheCitizensBand) {
  DeclareMarketing(kOrg, "02161234000", "02161234999", Category::kRealEstate);
  MustRegister("13800138000", *ParsePreferences({}, {"18-21"}));
  clock_.Advance(hours(24 * 31));
  const uint64_t caller = Num("02161234567").compact(), callee = Num("13800138000").compact();

  const CallCheck at_ten = registry_->CheckCall(caller, callee, clock_.Now());
  EXPECT_TRUE(at_ten.caller.declared);
  EXPECT_EQ(at_ten.caller.org_id, kOrg);
  EXPECT_EQ(at_ten.caller.primary_category(), Category::kRealEstate);
  EXPECT_TRUE(at_ten.protected_callee);
  EXPECT_FALSE(at_ten.outside_hours);

  const CallCheck at_seven = registry_->CheckCall(caller, callee, clock_.Now() + hours(9));
  EXPECT_FALSE(at_seven.protected_callee) << "the citizen accepts marketing 18-21";
  EXPECT_FALSE(at_seven.outside_hours);

  const CallCheck at_night = registry_->CheckCall(caller, Num("13900139000").compact(),
                                                  clock_.Now() + hours(12));  // 22:00
  EXPECT_FALSE(at_night.protected_callee) << "not registered";
  EXPECT_TRUE(at_night.outside_hours) << "statutory hours bind every number";

  const CallCheck undeclared =
      registry_->CheckCall(Num("13700137000").compact(), callee, clock_.Now());
  EXPECT_FALSE(undeclared.caller.declared);
  EXPECT_FALSE(undeclared.protected_callee);
}

TEST_F(RegistryTest, ExemptionsLiftProtectionForTheirOrganisationOnly) {
  DeclareMarketing(kOrg, "02161234000", "02161234999", Category::kFinance);
  DeclareMarketing(kOtherOrg, "02162000000", "02162000999", Category::kFinance);
  MustRegister("13800138000");
  clock_.Advance(hours(24 * 31));
  const uint64_t callee = Num("13800138000").compact();
  Exemption e{.org_id = kOrg, .number = Num("13800138000"), .basis = ExemptionBasis::kEnquiry};
  QUELL_ASSERT_OK_AND_ASSIGN(Exemption added, registry_->AddExemption(e));
  ASSERT_TRUE(added.expires_at.has_value());
  EXPECT_EQ(*added.expires_at, clock_.Now() + hours(24 * 92));

  const CallCheck mine = registry_->CheckCall(Num("02161234567").compact(), callee, clock_.Now());
  EXPECT_TRUE(mine.exempt);
  EXPECT_FALSE(mine.protected_callee);
  EXPECT_TRUE(registry_->ExemptionFor(kOrg, callee, clock_.Now()).has_value());
  const CallCheck theirs = registry_->CheckCall(Num("02162000001").compact(), callee, clock_.Now());
  EXPECT_TRUE(theirs.protected_callee);

  const CallCheck later =
      registry_->CheckCall(Num("02161234567").compact(), callee, clock_.Now() + hours(24 * 93));
  EXPECT_TRUE(later.protected_callee) << "an enquiry exempts for 3 months";

  QUELL_ASSERT_OK(registry_->RevokeExemption(kOrg, added.id));
  EXPECT_TRUE(
      registry_->CheckCall(Num("02161234567").compact(), callee, clock_.Now()).protected_callee);
  EXPECT_EQ(registry_->RevokeExemption(kOrg, added.id).code(), StatusCode::kNotFound);
}

TEST_F(RegistryTest, RegisteringAgainNeverRestartsProtection) {
  // Another process (the command line) registered the number long ago; this
  // registry has not synced. Registering it here, and many times at once, finds
  // it registered: protection is not restarted and the feed gets no new change.
  QUELL_ASSERT_OK_AND_ASSIGN(auto cli, Registry::Open(*store_, clock_, Options{}));
  const TimePoint long_ago = clock_.Now() - hours(24 * 100);
  QUELL_ASSERT_OK(cli->Register(
      {.number = Num("13800138000"), .channel = Channel::kImport, .registered_at = long_ago}));
  auto again = registry_->Register({.number = Num("13800138000"), .verification = "sms"});
  QUELL_ASSERT_OK(again.status());
  EXPECT_TRUE(again->unchanged);
  EXPECT_EQ(again->at, long_ago);
  std::vector<std::thread> threads;
  std::atomic<int> restarted{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10; ++i) {
        auto r = registry_->Register({.number = Num("13900139000"), .verification = "sms"});
        auto o = registry_->Register({.number = Num("13800138000"), .verification = "sms"});
        if (!o || !o->unchanged) ++restarted;
        if (!r) ++restarted;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(restarted.load(), 0);
  QUELL_ASSERT_OK_AND_ASSIGN(ChangePage page, registry_->Changes(0, 10000));
  EXPECT_EQ(page.changes.size(), 2u) << "one registration each";
  EXPECT_TRUE(
      registry_->IsProtected(Num("13800138000").compact(), Category::kFinance, clock_.Now()));
}

TEST_F(RegistryTest, ConcurrentRegistrationsShareCommitsAndAllLand) {
  constexpr int kThreads = 8, kEach = 40;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  std::vector<std::vector<int64_t>> versions(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        auto n = PhoneNumber::FromCompact(8613800000000 + static_cast<uint64_t>(t * 1000 + i));
        auto c = registry_->Register({.number = *n, .verification = "test"});
        if (!c) {
          ++failures;
        } else {
          versions[t].push_back(c->version);
        }
      }
      // A bad request in a group fails alone.
      auto bad = registry_->Register(
          {.number = Num("13900139000"), .registered_at = clock_.Now() + hours(1)});
      if (bad.has_value()) ++failures;
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  std::set<int64_t> all;
  for (const auto& v : versions) all.insert(v.begin(), v.end());
  EXPECT_EQ(all.size(), static_cast<std::size_t>(kThreads * kEach)) << "one version per change";
  EXPECT_EQ(registry_->GetStats().pending_numbers, static_cast<uint64_t>(kThreads * kEach));
  QUELL_ASSERT_OK_AND_ASSIGN(ChangePage page, registry_->Changes(0, 10000));
  EXPECT_EQ(page.changes.size(), static_cast<std::size_t>(kThreads * kEach));
}

TEST_F(RegistryTest, DeclaredRangesNeverOverlap) {
  DeclareMarketing(kOrg, "02161234000", "02161234999", Category::kFinance);
  DeclaredRange clash{.first = Num("02161234500"), .last = Num("02161235500"), .categories = 1};
  auto r = registry_->DeclareRanges(kOtherOrg, {&clash, 1});
  EXPECT_EQ(r.status().code(), StatusCode::kAlreadyExists);
  EXPECT_THAT(r.status().message(), HasSubstr("another organisation"));
  DeclaredRange no_category{.first = Num("02163000000"), .last = Num("02163000000")};
  EXPECT_EQ(registry_->DeclareRanges(kOrg, {&no_category, 1}).status().code(),
            StatusCode::kInvalidArgument);
  QUELL_ASSERT_OK_AND_ASSIGN(auto mine, registry_->ListRanges(kOrg));
  ASSERT_EQ(mine.size(), 1u);
  QUELL_ASSERT_OK(registry_->RemoveRange(kOrg, mine[0].id));
  EXPECT_FALSE(registry_->LookupCaller(Num("02161234567").compact()).declared);
  EXPECT_EQ(registry_->RemoveRange(kOrg, mine[0].id).code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace quell::registry
