#include "quell/screen/pipeline.h"

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <new>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "quell/screen/numbering_provider.h"

// Counts heap allocations on the current thread, to hold the pipeline to "no
// allocation per decision".
namespace {
thread_local long g_allocations = 0;
}
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void* operator new(std::size_t n) {
  ++g_allocations;
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
#pragma GCC diagnostic pop

namespace quell::screen {
namespace {

using ::testing::HasSubstr;

// Sets whatever signals a test gives it, and counts its calls.
class FakeProvider final : public SignalProvider {
 public:
  std::string_view name() const override { return "fake"; }
  void Evaluate(const CallAttempt&, Signals& s) const override {
    ++calls;
    if (one_ring_caller) s.SetText(SignalId::kBehaviourFinding, "one_ring");
    if (one_ring_callee) s.SetBool(SignalId::kCalleeOneRingSource, true);
    if (marketing_category) {
      s.SetBool(SignalId::kCallerMarketing, true);
      s.SetText(SignalId::kCallerCategory, marketing_category);
    }
  }
  mutable std::atomic<int> calls{0};
  bool one_ring_caller = false;
  bool one_ring_callee = false;
  const char* marketing_category = nullptr;
};

class RecordingSink final : public events::CallEventSink {
 public:
  void Publish(const events::CallEvent& e) override { events.push_back(e); }
  std::vector<events::CallEvent> events;
};

class PipelineTest : public ::testing::Test {
 protected:
  std::unique_ptr<Pipeline> Make(PipelineOptions options = {}, NumberSet dno = {}) {
    std::vector<std::unique_ptr<SignalProvider>> providers;
    auto numbering = std::make_unique<NumberingProvider>(plan_, std::move(dno));
    numbering_ = numbering.get();
    providers.push_back(std::move(numbering));
    auto fake = std::make_unique<FakeProvider>();
    fake_ = fake.get();
    providers.push_back(std::move(fake));
    return std::make_unique<Pipeline>(std::move(options), plan_, clock_, std::move(providers),
                                      Policy::Default(), &sink_);
  }

  Verdict Screen(Pipeline& p, std::string_view caller, std::string_view callee,
                 events::Direction dir = events::Direction::kTerminating, bool intl = false) {
    CallAttempt a;
    a.caller = caller;
    a.callee = callee;
    a.direction = dir;
    a.international_trunk = intl;
    a.call_id = "call-1@example.net";
    a.trunk = "trunk-7";
    Verdict v;
    p.Screen(a, v);
    return v;
  }

  NumberPlan plan_{"CN"};
  FakeClock clock_;
  RecordingSink sink_;
  NumberingProvider* numbering_ = nullptr;
  FakeProvider* fake_ = nullptr;
};

TEST_F(PipelineTest, CleanCallIsAllowed) {
  auto p = Make();
  Verdict v = Screen(*p, "+8613800138000", "+8613900139000");
  EXPECT_EQ(v.action, Action::kAllow);
  EXPECT_EQ(v.sip_code, 302);
  EXPECT_EQ(v.rule, nullptr);
  EXPECT_TRUE(v.signals.IsTrue(SignalId::kCallerValid));
  EXPECT_EQ(v.signals.Get(SignalId::kCallerType).text, "mobile");
  EXPECT_EQ(v.signals.Get(SignalId::kCallerRegion).text, "CN");
  EXPECT_EQ(v.Explain(), "no rule matched");
}

TEST_F(PipelineTest, InvalidCallerIsBlockedWith608AndExplained) {
  auto p = Make();
  Verdict v = Screen(*p, "+8612345", "+8613900139000");
  EXPECT_EQ(v.action, Action::kBlock);
  EXPECT_EQ(v.sip_code, 608);
  EXPECT_EQ(v.rule_name(), "invalid-caller");
  EXPECT_EQ(v.Explain(), "rule invalid-caller: caller.present=true caller.valid=false");
  EXPECT_EQ(v.Label(Lang::kZh), "主叫号码无效");
  // Anonymous callers are not invalid ones...
  EXPECT_EQ(Screen(*p, "anonymous", "+8613900139000").action, Action::kAllow);
  EXPECT_EQ(Screen(*p, "Unknown", "+8613900139000").action, Action::kAllow);
  EXPECT_EQ(Screen(*p, "", "+8613900139000").action, Action::kAllow);
  // ...but a caller that names no number is not withholding one.
  for (std::string_view caller : {"+12", "alice", "8"}) {
    Verdict x = Screen(*p, caller, "+8613900139000");
    EXPECT_EQ(x.action, Action::kBlock) << caller;
    EXPECT_EQ(x.rule_name(), "invalid-caller") << caller;
  }
}

TEST_F(PipelineTest, EmergencyCallsAreNeverScreened) {
  PipelineOptions options;
  options.emergency_numbers.push_back("999");
  options.emergency_callers = {861012110110};
  auto p = Make(std::move(options));
  fake_->one_ring_caller = true;  // would be blocked
  for (std::string_view callee : {"110", "112", "119", "120", "122", "999", "+86110", "+86-120"}) {
    Verdict v = Screen(*p, "+8612345", callee);  // an invalid caller, too
    EXPECT_TRUE(v.emergency) << callee;
    EXPECT_EQ(v.action, Action::kAllow) << callee;
    EXPECT_EQ(v.rule_name(), "emergency");
  }
  // Call-backs: from a short code, or from a configured number.
  EXPECT_TRUE(Screen(*p, "110", "+8613900139000").emergency);
  EXPECT_TRUE(Screen(*p, "+86 10 12110110", "+8613900139000").emergency);
  EXPECT_EQ(fake_->calls.load(), 0);  // no provider was even asked
  // "110" calling from abroad is police impersonation, not a call-back.
  Verdict spoofed = Screen(*p, "110", "+8613900139000", events::Direction::kTerminating, true);
  EXPECT_FALSE(spoofed.emergency);
  EXPECT_EQ(spoofed.action, Action::kBlock);  // one_ring_caller is set
  // A call *to* 110 from abroad still goes through.
  EXPECT_TRUE(Screen(*p, "+442070313000", "110", events::Direction::kTerminating, true).emergency);
  EXPECT_FALSE(Screen(*p, "+8613800138000", "1100").emergency);
  EXPECT_FALSE(Screen(*p, "+8613800138000", "+1110").emergency);
}

TEST_F(PipelineTest, ShortCodeCallBacksOnlyWhereEmergencyServicesCallFrom) {
  {
    auto p = Make();
    fake_->one_ring_caller = true;  // any screened call would be blocked
    // A subscriber's own call "from 110" is spoofed: screened.
    EXPECT_FALSE(Screen(*p, "110", "+8613900139000", events::Direction::kOriginating).emergency);
    // Calls to 110 are emergency calls in either direction.
    EXPECT_TRUE(Screen(*p, "+8613800138000", "110", events::Direction::kOriginating).emergency);
  }
  PipelineOptions options;
  options.emergency_trunks = {"psap-trunk"};
  auto p = Make(std::move(options));
  fake_->one_ring_caller = true;
  CallAttempt a;
  a.caller = "110";
  a.callee = "+8613900139000";
  a.trunk = "trunk-7";  // a domestic trunk, but not the emergency services' one
  Verdict v;
  p->Screen(a, v);
  EXPECT_FALSE(v.emergency);
  EXPECT_EQ(v.action, Action::kBlock);
  a.trunk = "psap-trunk";
  p->Screen(a, v);
  EXPECT_TRUE(v.emergency);
  // A request for an emergency service (urn:service:sos) rather than a number.
  CallAttempt sos;
  sos.caller = "+8612345";
  sos.emergency_service = true;
  p->Screen(sos, v);
  EXPECT_TRUE(v.emergency);
  EXPECT_EQ(v.action, Action::kAllow);
}

TEST_F(PipelineTest, EmergencyListsReloadWithoutARestart) {
  auto p = Make();
  fake_->one_ring_caller = true;
  EXPECT_FALSE(Screen(*p, "+8613800138000", "999").emergency);
  EXPECT_FALSE(Screen(*p, "+8613912345678", "+8613900139000").emergency);
  PipelineOptions next;
  next.emergency_numbers.push_back("999");
  next.emergency_callers = {8613912345678};
  p->SetEmergency(next);
  EXPECT_TRUE(Screen(*p, "+8613800138000", "999").emergency);
  EXPECT_TRUE(Screen(*p, "+8613912345678", "+8613900139000").emergency);
  EXPECT_TRUE(Screen(*p, "+8613800138000", "110").emergency);  // the defaults stay
}

TEST_F(PipelineTest, DomesticNumberOnAnInternationalTrunkIsBlocked) {
  auto p = Make();
  EXPECT_EQ(Screen(*p, "+8613800138000", "+8613900139000", events::Direction::kTerminating, true)
                .rule_name(),
            "domestic-via-international");
  Verdict foreign =
      Screen(*p, "+442070313000", "+8613900139000", events::Direction::kTerminating, true);
  EXPECT_EQ(foreign.action, Action::kAllow);
  EXPECT_TRUE(foreign.signals.IsTrue(SignalId::kCallerInternational));
}

TEST_F(PipelineTest, DoNotOriginateNumbersCannotCall) {
  const std::string path = ::testing::TempDir() + "/dno.txt";
  std::ofstream(path) << "# government hotlines\n+86 10 12345678\n\n400 810 8888  # a bank\n";
  auto list = LoadNumberList(path, "CN");
  ASSERT_TRUE(list) << list.error().ToString();
  EXPECT_EQ(list->size(), 2u);
  auto p = Make({}, *list);
  EXPECT_EQ(Screen(*p, "010-12345678", "+8613900139000").rule_name(), "do-not-originate");
  // ... but may be called.
  EXPECT_EQ(Screen(*p, "+8613900139000", "01012345678").action, Action::kAllow);

  std::ofstream(path) << "+8613800138000\nnot a number\n";
  auto bad = LoadNumberList(path, "CN");
  ASSERT_FALSE(bad);
  EXPECT_THAT(bad.error().message(), HasSubstr("dno.txt:2: 'not a number'"));
}

TEST_F(PipelineTest, BehaviourSignalsDriveTheDefaults) {
  auto p = Make();
  fake_->one_ring_caller = true;
  EXPECT_EQ(Screen(*p, "+8613800138000", "+8613900139000").rule_name(), "one-ring");
  fake_->one_ring_caller = false;
  // The wangiri call-back guard: a subscriber calling a one-ring number back is warned.
  fake_->one_ring_callee = true;
  Verdict v = Screen(*p, "+8613900139000", "+8613800138000", events::Direction::kOriginating);
  EXPECT_EQ(v.action, Action::kLabel);
  EXPECT_EQ(v.rule_name(), "wangiri-call-back");
  fake_->one_ring_callee = false;
  fake_->marketing_category = "insurance";
  v = Screen(*p, "+8613800138000", "+8613900139000");
  EXPECT_EQ(v.action, Action::kLabel);
  EXPECT_EQ(v.Label(Lang::kEn), "Marketing: Insurance");
}

TEST_F(PipelineTest, EveryScreenedCallBecomesACallEvent) {
  auto p = Make();
  Screen(*p, "+8613800138000", "13900139000");
  Screen(*p, "+8612345", "+8613900139000");
  ASSERT_EQ(sink_.events.size(), 2u);
  const events::CallEvent& e = sink_.events[0];
  EXPECT_EQ(e.caller, 8613800138000u);
  EXPECT_EQ(e.callee, 8613900139000u);
  EXPECT_EQ(e.kind, events::EventKind::kAttempt);
  EXPECT_EQ(e.direction, events::Direction::kTerminating);
  EXPECT_EQ(e.call_id.view(), "call-1@example.net");
  EXPECT_EQ(e.trunk.view(), "trunk-7");
  EXPECT_EQ(e.release_cause, 0);
  EXPECT_EQ(e.time_us,
            std::chrono::duration_cast<std::chrono::microseconds>(clock_.Now().time_since_epoch())
                .count());
  EXPECT_EQ(sink_.events[1].release_cause, 21);  // blocked: call rejected
}

TEST_F(PipelineTest, PolicySwapsAtomicallyAndOldVerdictsKeepTheirRule) {
  auto p = Make();
  Verdict before = Screen(*p, "+8612345", "+8613900139000");
  auto strict = Policy::Parse(R"(
[[screen.rule]]
name = "everything"
when = "caller.present"
action = "block"
code = 603
)");
  ASSERT_TRUE(strict);
  p->SetPolicy(*strict);
  Verdict after = Screen(*p, "+8613800138000", "+8613900139000");
  EXPECT_EQ(after.rule_name(), "everything");
  EXPECT_EQ(after.sip_code, 603);
  EXPECT_EQ(before.rule_name(), "invalid-caller");  // still readable
}

TEST_F(PipelineTest, RecentLogAndActivityForTheLiveView) {
  auto p = Make();
  Screen(*p, "+8613800138000", "+8613900139000");
  Screen(*p, "+8612345", "+8613900139001");
  clock_.Advance(std::chrono::seconds(1));
  Screen(*p, "+8613800138002", "+8613900139000");
  auto all = p->Recent(10);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].caller, 8613800138002u);  // newest first
  EXPECT_EQ(all[1].rule, "invalid-caller");
  EXPECT_EQ(all[1].explain, "rule invalid-caller: caller.present=true caller.valid=false");
  EXPECT_EQ(p->Recent(10, 8613900139001).size(), 1u);
  EXPECT_EQ(p->Recent(10, 0, Action::kBlock).size(), 1u);
  EXPECT_EQ(p->Recent(1).size(), 1u);
  auto activity = p->Activity(5);
  ASSERT_EQ(activity.size(), 5u);
  EXPECT_EQ(activity[3].by_action[static_cast<int>(Action::kAllow)], 1u);
  EXPECT_EQ(activity[3].by_action[static_cast<int>(Action::kBlock)], 1u);
  EXPECT_EQ(activity[4].by_action[static_cast<int>(Action::kAllow)], 1u);
}

TEST_F(PipelineTest, NoAllocationPerDecision) {
  auto p = Make();
  sink_.events.reserve(4000);
  const char* callers[] = {"+8613800138000", "+8612345",  "13800138001",
                           "+442070313000",  "anonymous", "110"};
  constexpr int kKinds = std::size(callers);
  std::vector<CallAttempt> attempts(kKinds);
  for (int i = 0; i < kKinds; ++i) {
    attempts[i].caller = callers[i];
    attempts[i].callee = "+8613900139000";
    attempts[i].call_id = "abc";
  }
  Verdict v;
  for (const auto& a : attempts) p->Screen(a, v);  // warm the number cache
  {
    const long probe = g_allocations;  // the counter does count
    auto x = std::make_unique<int>(1);
    ASSERT_EQ(g_allocations, probe + 1);
  }
  const long before = g_allocations;
  for (int i = 0; i < 1000; ++i) p->Screen(attempts[i % kKinds], v);
  EXPECT_EQ(g_allocations - before, 0);
}

}  // namespace
}  // namespace quell::screen
