// The Do-Not-Call register in the screening pipeline, on a real register.
#include "quell/screen/dnc_provider.h"

#include <memory>

#include <gtest/gtest.h>

#include "quell/core/number_plan.h"
#include "quell/registry/registry.h"
#include "quell/screen/numbering_provider.h"
#include "quell/screen/pipeline.h"
#include "quell/screen/policy.h"
#include "quell/store/store.h"
#include "store/store_test_util.h"

namespace quell::screen {
namespace {

using std::chrono::hours;

constexpr int64_t kOrg = 3;
// 2026-12-01T02:00:00Z = 10:00 in Beijing.
const TimePoint kMorning = FromUnixMillis(1796090400000);

class DncProviderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    clock_.Set(kMorning - hours(24 * 40));
    QUELL_ASSERT_OK_AND_ASSIGN(store_, store::Store::Open({.path = dir_.File("q.db")}));
    QUELL_ASSERT_OK_AND_ASSIGN(registry_, registry::Registry::Open(*store_, clock_, {}));
    registry::DeclaredRange range{.first = *PhoneNumber::Parse("02161234000", "CN"),
                                  .last = *PhoneNumber::Parse("02161234999", "CN"),
                                  .categories = 1u << static_cast<int>(Category::kRealEstate)};
    QUELL_ASSERT_OK(registry_->DeclareRanges(kOrg, {&range, 1}));
    auto prefs = registry::ParsePreferences({}, {"18-21"});
    QUELL_ASSERT_OK(registry_->Register({.number = *PhoneNumber::Parse("13800138000", "CN"),
                                         .verification = "sms-code",
                                         .preferences = *prefs}));
    clock_.Set(kMorning);
    std::vector<std::unique_ptr<SignalProvider>> providers;
    providers.push_back(std::make_unique<NumberingProvider>(plan_));
    providers.push_back(std::make_unique<DncProvider>(*registry_));
    pipeline_ = std::make_unique<Pipeline>(PipelineOptions{}, plan_, clock_, std::move(providers),
                                           Policy::Default(), nullptr);
  }

  Verdict Screen(std::string_view caller, std::string_view callee) {
    CallAttempt a;
    a.caller = caller;
    a.callee = callee;
    Verdict v;
    pipeline_->Screen(a, v);
    return v;
  }

  store::testing::TempDir dir_;
  FakeClock clock_;
  NumberPlan plan_{"CN"};
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<registry::Registry> registry_;
  std::unique_ptr<Pipeline> pipeline_;
};

TEST_F(DncProviderTest, SameCallBlockedOutsideTheCitizensBandAndAllowedInside) {
  const Verdict morning = Screen("+862161234567", "+8613800138000");
  EXPECT_EQ(morning.action, Action::kBlock);
  EXPECT_EQ(morning.sip_code, 608);
  EXPECT_EQ(morning.rule_name(), "do-not-call");
  EXPECT_TRUE(morning.signals.IsTrue(SignalId::kDncProtected));
  EXPECT_EQ(morning.signals.Get(SignalId::kCallerCategory).text, "real_estate");

  clock_.Advance(hours(9));  // 19:00 in Beijing: inside the citizen's 18-21 band
  const Verdict evening = Screen("+862161234567", "+8613800138000");
  EXPECT_NE(evening.action, Action::kBlock) << evening.Explain();
  EXPECT_FALSE(evening.signals.IsTrue(SignalId::kDncProtected));
  EXPECT_TRUE(evening.signals.IsTrue(SignalId::kCallerMarketing));
  EXPECT_EQ(evening.rule_name(), "declared-marketing") << "labelled with its category";
}

TEST_F(DncProviderTest, StatutoryHoursBindUnregisteredNumbers) {
  clock_.Advance(hours(12));  // 22:00 in Beijing
  const Verdict v = Screen("+862161234567", "+8613900139000");
  EXPECT_EQ(v.action, Action::kBlock);
  EXPECT_EQ(v.rule_name(), "marketing-outside-hours");
}

TEST_F(DncProviderTest, UndeclaredCallersGetNoDncSignals) {
  const Verdict v = Screen("+8613700137000", "+8613800138000");
  EXPECT_EQ(v.action, Action::kAllow);
  EXPECT_FALSE(v.signals.Has(SignalId::kDncProtected));
  EXPECT_FALSE(v.signals.Has(SignalId::kCallerMarketing));
}

}  // namespace
}  // namespace quell::screen
