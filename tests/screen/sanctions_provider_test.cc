// Sanctions in the screening pipeline, on a real sanctions store and the default
// policy: a blocked or jointly punished number is refused with 603 by the
// "sanctioned" rule at the call's time; a marketing suspension is not; lifting
// frees the number at once.
#include "quell/screen/sanctions_provider.h"

#include <memory>

#include <gtest/gtest.h>

#include "quell/core/number_plan.h"
#include "quell/enforce/sanctions.h"
#include "quell/screen/numbering_provider.h"
#include "quell/screen/pipeline.h"
#include "quell/screen/policy.h"
#include "quell/store/store.h"
#include "store/store_test_util.h"

namespace quell::screen {
namespace {

using std::chrono::hours;

class SanctionsProviderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    QUELL_ASSERT_OK_AND_ASSIGN(store_, store::Store::Open({.path = dir_.File("q.db")}));
    QUELL_ASSERT_OK_AND_ASSIGN(sanctions_,
                               enforce::Sanctions::Open(*store_, clock_, nullptr, nullptr));
    std::vector<std::unique_ptr<SignalProvider>> providers;
    providers.push_back(std::make_unique<NumberingProvider>(plan_));
    providers.push_back(std::make_unique<SanctionsProvider>(*sanctions_));
    pipeline_ = std::make_unique<Pipeline>(PipelineOptions{}, plan_, clock_, std::move(providers),
                                           Policy::Default(), nullptr);
  }

  enforce::Sanction Impose(enforce::Measure measure, std::vector<uint64_t> numbers,
                           std::vector<uint64_t> ranges = {}) {
    auto s = sanctions_->Create({.measure = measure,
                                 .entity_name = "Pushy Marketing Ltd",
                                 .numbers = std::move(numbers),
                                 .ranges = std::move(ranges),
                                 .end = clock_.Now() + hours(24),
                                 .legal_basis = "test",
                                 .created_by = "analyst"});
    EXPECT_TRUE(s.has_value()) << s.status().ToString();
    return s.value_or(enforce::Sanction{});
  }

  Verdict Screen(std::string_view caller, std::string_view callee = "+8613900139000",
                 int64_t time_us = 0) {
    CallAttempt a;
    a.caller = caller;
    a.callee = callee;
    a.time_us = time_us;
    Verdict v;
    pipeline_->Screen(a, v);
    return v;
  }

  store::testing::TempDir dir_;
  FakeClock clock_;
  NumberPlan plan_{"CN"};
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<enforce::Sanctions> sanctions_;
  std::unique_ptr<Pipeline> pipeline_;
};

TEST_F(SanctionsProviderTest, BlockedNumberIsRefusedBySanctionedRule) {
  Impose(enforce::Measure::kNumberBlock, {8613800138000});
  const Verdict v = Screen("+8613800138000");
  EXPECT_EQ(v.action, Action::kBlock) << v.Explain();
  EXPECT_EQ(v.sip_code, 603);
  EXPECT_EQ(v.rule_name(), "sanctioned");
  EXPECT_TRUE(v.signals.IsTrue(SignalId::kSanctionListed));

  const Verdict other = Screen("+8613800138001");
  EXPECT_EQ(other.action, Action::kAllow) << other.Explain();
  EXPECT_TRUE(other.signals.Has(SignalId::kSanctionListed)) << "set false, not left absent";
  EXPECT_FALSE(other.signals.IsTrue(SignalId::kSanctionListed));
}

TEST_F(SanctionsProviderTest, NationalFormAndRangesMatch) {
  Impose(enforce::Measure::kJointPunishment, {}, {862161234});
  EXPECT_EQ(Screen("02161234567").rule_name(), "sanctioned");
  EXPECT_EQ(Screen("+86 21 6123 4000").rule_name(), "sanctioned");
  EXPECT_EQ(Screen("02161235000").action, Action::kAllow);
}

TEST_F(SanctionsProviderTest, UsesTheCallsTimeNotOnlyTheClock) {
  Impose(enforce::Measure::kNumberBlock, {8613800138000});
  const int64_t now_us = ToUnixMillis(clock_.Now()) * 1000;
  EXPECT_EQ(Screen("+8613800138000", "+8613900139000", now_us).action, Action::kBlock);
  const int64_t after_end = now_us + int64_t{25} * 3600 * 1'000'000;
  EXPECT_EQ(Screen("+8613800138000", "+8613900139000", after_end).action, Action::kAllow);
  clock_.Advance(hours(25));
  EXPECT_EQ(Screen("+8613800138000").action, Action::kAllow);
}

TEST_F(SanctionsProviderTest, MarketingSuspensionAndWarningDoNotListTheCaller) {
  Impose(enforce::Measure::kMarketingSuspension, {8613800138000});
  Impose(enforce::Measure::kWarning, {8613800138001});
  for (const char* caller : {"+8613800138000", "+8613800138001"}) {
    const Verdict v = Screen(caller);
    EXPECT_EQ(v.action, Action::kAllow) << caller << ": " << v.Explain();
    EXPECT_FALSE(v.signals.IsTrue(SignalId::kSanctionListed)) << caller;
  }
}

TEST_F(SanctionsProviderTest, LiftingFreesTheNumberAtOnce) {
  const enforce::Sanction s = Impose(enforce::Measure::kNumberBlock, {8613800138000});
  ASSERT_EQ(Screen("+8613800138000").action, Action::kBlock);
  ASSERT_TRUE(sanctions_->Lift(s.id, "analyst", "paid the fine").has_value());
  EXPECT_EQ(Screen("+8613800138000").action, Action::kAllow);
}

TEST_F(SanctionsProviderTest, NoCallerNoSignal) {
  Impose(enforce::Measure::kNumberBlock, {8613800138000});
  const Verdict v = Screen("anonymous");
  EXPECT_FALSE(v.signals.Has(SignalId::kSanctionListed));
}

}  // namespace
}  // namespace quell::screen
