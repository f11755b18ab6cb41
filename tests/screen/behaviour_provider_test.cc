// Live behaviour in the screening pipeline, on a real detection engine fed by
// the pipeline itself: detection from signalling alone, then the verdicts.
#include "quell/screen/behaviour_provider.h"

#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "quell/core/number_plan.h"
#include "quell/core/phone_number.h"
#include "quell/detect/engine.h"
#include "quell/screen/numbering_provider.h"
#include "quell/screen/pipeline.h"
#include "quell/screen/policy.h"

namespace quell::screen {
namespace {

// 2026-12-01T02:00:00Z = 10:00 in Beijing.
const TimePoint kMorning = FromUnixMillis(1796090400000);

class BehaviourProviderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    clock_.Set(kMorning);
    engine_ = std::make_unique<detect::Engine>(plan_, detect::EngineConfig{}, nullptr);
    std::vector<std::unique_ptr<SignalProvider>> providers;
    providers.push_back(std::make_unique<NumberingProvider>(plan_));
    providers.push_back(std::make_unique<BehaviourProvider>(*engine_));
    // The pipeline's events go to the engine, as in the server.
    pipeline_ = std::make_unique<Pipeline>(PipelineOptions{}, plan_, clock_, std::move(providers),
                                           Policy::Default(), engine_.get());
  }

  Verdict Screen(std::string_view caller, std::string_view callee,
                 events::Direction direction = events::Direction::kTerminating) {
    CallAttempt a;
    a.caller = caller;
    a.callee = callee;
    a.direction = direction;
    Verdict v;
    pipeline_->Screen(a, v);
    return v;
  }

  FakeClock clock_;
  NumberPlan plan_{"CN"};
  std::unique_ptr<detect::Engine> engine_;
  std::unique_ptr<Pipeline> pipeline_;
};

TEST_F(BehaviourProviderTest, CallBombingFoundFromSignallingThenRefused) {
  // Two numbers ring one subscriber twelve times in a minute.
  for (int i = 0; i < 12; ++i) {
    clock_.Set(kMorning + std::chrono::seconds(5 * i));
    const Verdict v = Screen(i % 2 ? "17012345678" : "17012345679", "13900139000");
    EXPECT_NE(v.action, Action::kBlock) << i;  // not yet known
  }
  clock_.Set(kMorning + std::chrono::seconds(65));
  const Verdict v = Screen("17012345678", "13900139000");
  EXPECT_EQ(v.action, Action::kBlock);
  EXPECT_EQ(v.rule_name(), "call-bombing");
  EXPECT_TRUE(v.signals.IsTrue(SignalId::kBehaviourBombingCaller));
  EXPECT_EQ(v.signals.Get(SignalId::kBehaviourFinding).text, "bombing");
  // The attacker's calls to someone else, and others' calls to the victim, go through.
  EXPECT_NE(Screen("17012345678", "13800138000").action, Action::kBlock);
  EXPECT_NE(Screen("13700137000", "13900139000").action, Action::kBlock);
}

TEST_F(BehaviourProviderTest, WangiriCallBackGuardAndOneRingBlock) {
  // Call records show a foreign number ringing many subscribers once.
  const uint64_t source = PhoneNumber::Parse("+2693451234")->compact();
  for (int i = 0; i < 10; ++i) {
    events::CallEvent e;
    e.time_us = (ToUnixMillis(kMorning) - 600'000 + i * 30'000) * 1000;
    e.caller = source;
    e.callee = PhoneNumber::Parse("+861381000" + std::to_string(1000 + i * 37))->compact();
    e.kind = events::EventKind::kCompleted;
    e.ring_ms = 1500;
    e.release_cause = 16;
    e.international = true;
    engine_->Process(e);
  }
  // Its next call is refused; a subscriber calling it back is warned.
  EXPECT_EQ(Screen("+2693451234", "13800138000").rule_name(), "one-ring");
  const Verdict back = Screen("13800138000", "+2693451234", events::Direction::kOriginating);
  EXPECT_EQ(back.rule_name(), "wangiri-call-back");
  EXPECT_EQ(back.action, Action::kLabel);
  EXPECT_TRUE(back.signals.IsTrue(SignalId::kCalleeOneRingSource));
  // Calling back anyone else carries no warning.
  EXPECT_FALSE(Screen("13800138000", "13700137000", events::Direction::kOriginating)
                   .signals.IsTrue(SignalId::kCalleeOneRingSource));
}

}  // namespace
}  // namespace quell::screen
