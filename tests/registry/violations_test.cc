#include "quell/registry/violations.h"

#include <gtest/gtest.h>

#include "quell/registry/registry.h"
#include "quell/store/store.h"
#include "store/store_test_util.h"

namespace quell::registry {
namespace {

using std::chrono::hours;

constexpr int64_t kOrg = 5;

class ViolationsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    clock_.Set(FromUnixMillis(1796090400000));  // 10:00 in Beijing
    QUELL_ASSERT_OK_AND_ASSIGN(store_, store::Store::Open({.path = dir_.File("q.db")}));
    QUELL_ASSERT_OK_AND_ASSIGN(registry_, Registry::Open(*store_, clock_, {}));
    DeclaredRange r{.first = *PhoneNumber::Parse("02161234000", "CN"),
                    .last = *PhoneNumber::Parse("02161234999", "CN"),
                    .categories = 1u << static_cast<int>(Category::kFinance)};
    QUELL_ASSERT_OK(registry_->DeclareRanges(kOrg, {&r, 1}));
    for (const char* n : {"13800138000", "13800138001"}) {
      QUELL_ASSERT_OK(registry_->Register({.number = *PhoneNumber::Parse(n, "CN"),
                                           .registered_at = clock_.Now() - hours(24 * 40)}));
    }
    QUELL_ASSERT_OK(registry_->AddExemption(
        {.org_id = kOrg, .number = *PhoneNumber::Parse("13800138001", "CN")}));
    QUELL_ASSERT_OK_AND_ASSIGN(recorder_, ViolationRecorder::Start(*registry_, *store_, clock_));
  }

  events::CallEvent Call(uint64_t caller, uint64_t callee, const char* call_id) {
    events::CallEvent e;
    e.time_us = ToUnixMillis(clock_.Now()) * 1000;
    e.caller = caller;
    e.callee = callee;
    e.call_id.Assign(call_id);
    return e;
  }

  store::testing::TempDir dir_;
  FakeClock clock_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<Registry> registry_;
  std::unique_ptr<ViolationRecorder> recorder_;
};

TEST_F(ViolationsTest, OneRecordPerCallFromAttemptToCdr) {
  events::CallEvent attempt = Call(862161234567, 8613800138000, "c1");
  recorder_->Publish(attempt);
  events::CallEvent cdr = attempt;
  cdr.kind = events::EventKind::kCompleted;
  cdr.answered = true;
  cdr.talk_ms = 42'000;
  recorder_->Publish(cdr);
  // Not violations: an exempt callee, an undeclared caller, an unregistered callee.
  recorder_->Publish(Call(862161234567, 8613800138001, "c2"));
  recorder_->Publish(Call(8613700137000, 8613800138000, "c3"));
  recorder_->Publish(Call(862161234567, 8613900139000, "c4"));
  // A blocked attempt without a call id.
  events::CallEvent blocked = Call(862161234999, 8613800138000, "");
  blocked.release_cause = 21;
  recorder_->Publish(blocked);
  QUELL_ASSERT_OK(recorder_->Flush());

  QUELL_ASSERT_OK_AND_ASSIGN(auto list, recorder_->List(0, 100));
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].caller.E164(), "+862161234999");
  EXPECT_TRUE(list[0].blocked);
  EXPECT_EQ(list[0].seen, "attempt");
  EXPECT_EQ(list[1].call_id, "c1");
  EXPECT_EQ(list[1].seen, "completed");
  EXPECT_TRUE(list[1].answered);
  EXPECT_EQ(list[1].talk_ms, 42'000);
  EXPECT_EQ(list[1].org_id, kOrg);
  EXPECT_EQ(list[1].category, Category::kFinance);
  QUELL_ASSERT_OK_AND_ASSIGN(auto other, recorder_->List(kOrg + 1, 100));
  EXPECT_TRUE(other.empty());
}

}  // namespace
}  // namespace quell::registry
