#include "quell/detect/engine.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "quell/core/number_plan.h"
#include "quell/core/phone_number.h"

namespace quell::detect {
namespace {

constexpr int64_t kT0 = 1793584800;  // Monday 2026-11-02 10:00 in Beijing

uint64_t N(const char* text) { return PhoneNumber::Parse(text, "CN")->compact(); }

// A mobile number distinct for each i (all valid in China's plan).
uint64_t Mobile(int i) { return N(("+86138" + std::to_string(10000000 + i)).c_str()); }

struct Recorder : FindingSink {
  void OnFinding(const Finding& f) override { all.push_back(f); }
  std::vector<Finding> New(Detector d) const {
    std::vector<Finding> out;
    for (const Finding& f : all) {
      if (f.detector == d && f.updates == 0) out.push_back(f);
    }
    return out;
  }
  std::vector<Finding> all;
};

events::CallEvent Cdr(int64_t t_s, uint64_t caller, uint64_t callee, bool answered, uint32_t talk_s,
                      uint32_t ring_ms = 8000) {
  events::CallEvent e;
  e.time_us = t_s * 1'000'000;
  e.caller = caller;
  e.callee = callee;
  e.kind = events::EventKind::kCompleted;
  e.answered = answered;
  e.talk_ms = talk_s * 1000;
  e.ring_ms = ring_ms;
  e.release_cause = answered ? 16 : 19;
  return e;
}

class EngineTest : public ::testing::Test {
 protected:
  Engine& Make(EngineConfig c = {}) {
    engine_ = std::make_unique<Engine>(plan_, std::move(c), &rec_);
    return *engine_;
  }
  NumberPlan plan_{"CN"};
  Recorder rec_;
  std::unique_ptr<Engine> engine_;
};

TEST_F(EngineTest, DefaultConfigIsValidAndBadValuesAreNamed) {
  EXPECT_TRUE(EngineConfig{}.Validate().ok());
  EngineConfig c;
  c.marketing.max_asr = 1.5;
  EXPECT_NE(c.Validate().message().find("marketing.max_asr"), std::string::npos);
  c = {};
  c.allow_prefixes = {"86955"};
  EXPECT_NE(c.Validate().message().find("86955"), std::string::npos);
}

TEST_F(EngineTest, OrdinaryCallersRaiseNothing) {
  Engine& e = Make();
  // 2,000 subscribers, each making 8 calls a day to a few contacts, mostly answered.
  for (int round = 0; round < 8; ++round) {
    for (int i = 0; i < 2000; ++i) {
      const int64_t t = kT0 + round * 3000 + i;
      e.Process(Cdr(t, Mobile(i), Mobile((i + 1 + round % 3) % 2000), i % 4 != 0, 120 + i % 200));
    }
  }
  EXPECT_TRUE(rec_.all.empty()) << rec_.all[0].reason;
  EXPECT_EQ(e.stats().events, 16000u);
  EXPECT_EQ(e.stats().active_numbers, 2000u);
}

TEST_F(EngineTest, MarketingBurstIsFoundWithItsFigures) {
  Engine& e = Make();
  const uint64_t caller = N("02161234001");
  // 40 calls in 40 minutes to distinct numbers, 20 % answered for 20 s.
  for (int i = 0; i < 40; ++i) {
    e.Process(Cdr(kT0 + i * 60, caller, Mobile(500 + i * 37), i % 5 == 0, 20));
  }
  auto found = rec_.New(Detector::kMarketing);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].number, caller);
  EXPECT_EQ(found[0].role, Role::kCaller);
  EXPECT_EQ(found[0].window_s, 3600);
  // Found at the 30th call (the hourly threshold), not before.
  EXPECT_EQ(found[0].first_seen_us, (kT0 + 29 * 60) * 1'000'000);
  std::map<std::string, double> fig;
  for (const Figure& f : found[0].figures) fig[f.name] = f.value;
  EXPECT_EQ(fig["attempts_hour"], 30);
  EXPECT_NEAR(fig["distinct_callees"], 30, 10);
  EXPECT_LT(fig["asr"], 0.5);
  e.FlushUpdates();
  uint32_t calls = 0;
  for (const Finding& f : rec_.all) {
    if (f.detector == Detector::kMarketing) calls = f.calls;
  }
  EXPECT_EQ(calls, 11u);  // the finding's call and the 10 after it
}

TEST_F(EngineTest, WindowsSlideRatherThanReset) {
  Engine& e = Make();
  const uint64_t caller = N("02161234002");
  // 20 calls at 10:00-10:19, 20 more at 10:40-10:59: 40 in one sliding hour.
  for (int i = 0; i < 20; ++i) e.Process(Cdr(kT0 + i * 60, caller, Mobile(i * 37), false, 0));
  EXPECT_TRUE(rec_.New(Detector::kMarketing).empty());
  for (int i = 0; i < 20; ++i) {
    e.Process(Cdr(kT0 + 2400 + i * 60, caller, Mobile(1000 + i * 37), false, 0));
  }
  EXPECT_EQ(rec_.New(Detector::kMarketing).size(), 1u);

  // The same 40 calls spread over four hours never fill an hour.
  rec_.all.clear();
  const uint64_t slow = N("02161234003");
  for (int i = 0; i < 40; ++i)
    e.Process(Cdr(kT0 + 10000 + i * 360, slow, Mobile(i * 11), true, 200));
  EXPECT_TRUE(rec_.New(Detector::kMarketing).empty());
}

TEST_F(EngineTest, LegitimateHighVolumeCallersAreRecognisedByBehaviour) {
  Engine& e = Make();
  const uint64_t courier = N("02161234004");
  // 60 calls an hour to distinct numbers, 80 % answered, 2-minute calls.
  for (int i = 0; i < 60; ++i)
    e.Process(Cdr(kT0 + i * 60, courier, Mobile(i * 13), i % 5 != 0, 120));
  EXPECT_TRUE(rec_.all.empty());
}

TEST_F(EngineTest, AllowListedNumbersAndPrefixesAreNeverFlagged) {
  EngineConfig c;
  c.allow_prefixes = {"+86216123"};
  c.allow_numbers = {N("02161234005")};
  Engine& e = Make(c);
  for (int i = 0; i < 40; ++i) {
    e.Process(Cdr(kT0 + i * 30, N("02161234005"), Mobile(i * 13), false, 0));
    e.Process(Cdr(kT0 + i * 30, N("02161239999"), Mobile(i * 17), false, 0));
  }
  EXPECT_TRUE(rec_.all.empty());
}

TEST_F(EngineTest, SequentialDialling) {
  Engine& e = Make();
  const uint64_t caller = N("02161234006");
  for (int i = 0; i < 7; ++i) e.Process(Cdr(kT0 + i * 120, caller, Mobile(2000 + i), false, 0));
  auto found = rec_.New(Detector::kMarketing);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_NE(found[0].reason.find("sequential"), std::string::npos);
}

TEST_F(EngineTest, RobocallShape) {
  Engine& e = Make();
  const uint64_t caller = N("02161234007");
  // One call in three answered, for 5-20 s: an auto-dialler.
  for (int i = 0; i < 60; ++i) {
    e.Process(Cdr(kT0 + i * 90, caller, Mobile(i * 101), i % 3 == 0, 5 + i % 16));
  }
  auto found = rec_.New(Detector::kRobocall);
  ASSERT_EQ(found.size(), 1u);
  std::map<std::string, double> fig;
  for (const Figure& f : found[0].figures) fig[f.name] = f.value;
  EXPECT_GE(fig["answered"], 8);
  EXPECT_LT(fig["acd_s"], 60);
}

TEST_F(EngineTest, AnsweredShortCallsAreNotRobocallsWhenMostAreAnswered) {
  Engine& e = Make();
  // A courier: 40-second calls, nearly all answered.
  for (int i = 0; i < 60; ++i) {
    e.Process(Cdr(kT0 + i * 60, N("02161234012"), Mobile(i * 101), i % 10 != 0, 40));
  }
  EXPECT_TRUE(rec_.all.empty()) << rec_.all[0].reason;
}

TEST_F(EngineTest, CallBombingNamesTheCallers) {
  Engine& e = Make();
  const uint64_t victim = Mobile(42);
  const uint64_t a = N("17012345678"), b = N("17012345679");
  for (int i = 0; i < 12; ++i) e.Process(Cdr(kT0 + i * 10, i % 2 ? a : b, victim, false, 0, 3000));
  auto found = rec_.New(Detector::kBombing);
  ASSERT_EQ(found.size(), 3u);
  EXPECT_EQ(found[0].number, victim);
  EXPECT_EQ(found[0].role, Role::kCallee);
  EXPECT_EQ(found[0].related.size(), 2u);
  EXPECT_TRUE(e.BombingCaller(a, victim));
  EXPECT_FALSE(e.BombingCaller(a, Mobile(45)));
  EXPECT_EQ(found[1].role, Role::kCaller);
  EXPECT_EQ(found[1].related, std::vector<uint64_t>{victim});
}

TEST_F(EngineTest, DistributedBombingFromManyCallersGoingUnanswered) {
  Engine& e = Make();
  const uint64_t victim = Mobile(43);
  // 24 calls in four minutes from 12 numbers, two each, none answered.
  for (int i = 0; i < 24; ++i)
    e.Process(Cdr(kT0 + i * 10, Mobile(5000 + i % 12), victim, false, 0));
  auto found = rec_.New(Detector::kBombing);
  ASSERT_EQ(found.size(), 1u);  // the victim; no caller called often enough to be named
  EXPECT_EQ(found[0].number, victim);
  EXPECT_EQ(found[0].first_seen_us, (kT0 + 23 * 10) * 1'000'000);
}

TEST_F(EngineTest, AllowListedCallersAreNeverNamedAsBombers) {
  EngineConfig c;
  c.allow_numbers = {N("17012345678")};  // a carrier's test line
  Engine& e = Make(c);
  const uint64_t victim = Mobile(44);
  for (int i = 0; i < 12; ++i)
    e.Process(Cdr(kT0 + i * 10, N("17012345678"), victim, false, 0, 3000));
  EXPECT_FALSE(e.BombingCaller(N("17012345678"), victim));
  for (const Finding& f : rec_.New(Detector::kBombing)) EXPECT_TRUE(f.related.empty());
}

TEST_F(EngineTest, AHotlineReceivingManyCallersIsNotBombing) {
  Engine& e = Make();
  const uint64_t hotline = N("02161234008");
  for (int i = 0; i < 60; ++i) e.Process(Cdr(kT0 + i * 5, Mobile(i), hotline, true, 200));
  EXPECT_TRUE(rec_.all.empty());
}

TEST_F(EngineTest, OneRing) {
  Engine& e = Make();
  const uint64_t caller = N("+2693451234");  // Comoros
  for (int i = 0; i < 10; ++i) {
    auto ev = Cdr(kT0 + i * 90, caller, Mobile(i * 31), false, 0, 1500);
    ev.release_cause = 16;  // the caller hung up
    ev.international = true;
    e.Process(ev);
  }
  auto found = rec_.New(Detector::kOneRing);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].severity, 3);
}

TEST_F(EngineTest, UnansweredCallsThatRangOutAreNotOneRing) {
  Engine& e = Make();
  for (int i = 0; i < 20; ++i) {
    auto ev = Cdr(kT0 + i * 90, N("02161234009"), Mobile(i * 31), false, 0, 30000);
    e.Process(ev);
  }
  EXPECT_TRUE(rec_.New(Detector::kOneRing).empty());
}

TEST_F(EngineTest, SimBoxByImeiSharing) {
  Engine& e = Make();
  // Three numbers behind one IMEI placing 22 calls in 22 minutes; the first number's next
  // call comes after the finding.
  for (int i = 0; i < 22; ++i) {
    auto ev = Cdr(kT0 + i * 60, Mobile(7000 + i % 3), Mobile(i * 3), true, 30);
    ev.imei = 358240051111110;
    ev.cell_id = 460001234;
    e.Process(ev);
  }
  auto found = rec_.New(Detector::kSimBox);
  ASSERT_EQ(found.size(), 3u);
  EXPECT_EQ(found[0].first_seen_us, (kT0 + 15 * 60) * 1'000'000);  // the 16th call in the hour
  EXPECT_EQ(found[0].related.size(), 3u);
  // A handset with two SIMs is not a SIM box, however busy.
  rec_.all.clear();
  for (int i = 0; i < 40; ++i) {
    auto ev = Cdr(kT0 + i * 60, Mobile(7100 + i % 2), Mobile(i * 3), true, 30);
    ev.imei = 358240052222220;
    e.Process(ev);
  }
  EXPECT_TRUE(rec_.New(Detector::kSimBox).empty());
  // Nor are three phones sharing a duplicated IMEI that call little.
  for (int i = 0; i < 9; ++i) {
    auto ev = Cdr(kT0 + i * 3600, Mobile(7200 + i % 3), Mobile(i * 3), true, 30);
    ev.imei = 358240053333330;
    e.Process(ev);
  }
  EXPECT_TRUE(rec_.New(Detector::kSimBox).empty());
}

TEST_F(EngineTest, OneNumberFromTwoSimsIsSpoofing) {
  Engine& e = Make();
  for (int i = 0; i < 3; ++i) {
    auto ev = Cdr(kT0 + i * 600, Mobile(9100), Mobile(i), true, 60);
    ev.imsi = i % 2 ? 460001111111111 : 460002222222222;
    e.Process(ev);
  }
  auto found = rec_.New(Detector::kSpoofing);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_NE(found[0].reason.find("SIM"), std::string::npos);
  // A roaming subscriber (its own SIM) calling home from abroad is not.
  rec_.all.clear();
  for (int i = 0; i < 4; ++i) {
    auto ev = Cdr(kT0 + i * 600, Mobile(9200), Mobile(i), true, 60);
    ev.imsi = 460003333333333;
    ev.international = i > 0;
    e.Process(ev);
  }
  EXPECT_TRUE(rec_.New(Detector::kSpoofing).empty());
}

TEST_F(EngineTest, SimBoxByFixedCellOutgoingOnly) {
  Engine& e = Make();
  const uint64_t line = Mobile(8000);
  for (int i = 0; i < 40; ++i) {
    auto ev = Cdr(kT0 + i * 600, line, Mobile(i * 7), true, 90);
    ev.cell_id = 460001234;
    e.Process(ev);
  }
  EXPECT_EQ(rec_.New(Detector::kSimBox).size(), 1u);
}

TEST_F(EngineTest, SpoofingSignals) {
  Engine& e = Make();
  // A caller number not valid in the plan.
  auto bad = Cdr(kT0, N("+8613800138000") / 10 * 10 + 0, Mobile(1), false, 0);
  bad.caller = 86100000000;  // +86 10 0000 0000 is not allocated
  e.Process(bad);
  // A home-network mobile arriving from abroad, twice.
  for (int i = 0; i < 2; ++i) {
    auto ev = Cdr(kT0 + i, Mobile(9000), Mobile(2 + i), false, 0);
    ev.international = true;
    e.Process(ev);
  }
  // Verification failed twice.
  for (int i = 0; i < 2; ++i) {
    auto ev = Cdr(kT0 + i, Mobile(9001), Mobile(4 + i), false, 0);
    ev.verstat = events::Verstat::kFailed;
    e.Process(ev);
  }
  // Beijing then Guangzhou cells a minute apart, twice.
  for (int i = 0; i < 3; ++i) {
    auto ev = Cdr(kT0 + i * 60, Mobile(9002), Mobile(6 + i), true, 30);
    ev.cell_id = i % 2 ? 1100012 : 4400034;
    e.Process(ev);
  }
  auto found = rec_.New(Detector::kSpoofing);
  ASSERT_EQ(found.size(), 4u);
  EXPECT_EQ(found[0].number, 86100000000u);
  EXPECT_EQ(found[1].number, Mobile(9000));
  EXPECT_EQ(found[2].number, Mobile(9001));
  EXPECT_EQ(found[3].number, Mobile(9002));
}

TEST_F(EngineTest, AnAttemptAndItsCdrCountOnce) {
  Engine& e = Make();
  const uint64_t caller = N("02161234010");
  for (int i = 0; i < 29; ++i) {
    events::CallEvent attempt;
    attempt.time_us = (kT0 + i * 60) * 1'000'000;
    attempt.caller = caller;
    attempt.callee = Mobile(i * 19);
    attempt.call_id.Assign("call-" + std::to_string(i));
    e.Process(attempt);
    auto cdr = Cdr(kT0 + i * 60, caller, Mobile(i * 19), false, 0);
    cdr.call_id.Assign("call-" + std::to_string(i));
    e.Process(cdr);
  }
  EXPECT_EQ(e.stats().joined, 29u);
  EXPECT_TRUE(rec_.New(Detector::kMarketing).empty());  // 29 calls, not 58
}

TEST_F(EngineTest, ProfilesScaleThresholdsByHour) {
  EngineConfig c;
  c.hour_factor[10] = 0.5;  // 10:00 local: half the thresholds
  Engine& e = Make(c);
  const uint64_t caller = N("02161234011");
  for (int i = 0; i < 15; ++i) e.Process(Cdr(kT0 + i * 60, caller, Mobile(i * 23), false, 0));
  EXPECT_EQ(rec_.New(Detector::kMarketing).size(), 1u);
}

TEST_F(EngineTest, ReplayIsDeterministic) {
  auto run = [&] {
    Recorder r;
    Engine e(plan_, {}, &r);
    for (int i = 0; i < 5000; ++i) {
      // Ordinary traffic, with one marketer placing every 20th call.
      e.Process(Cdr(kT0 + i * 3, Mobile(i % 20 == 0 ? 99999 : i % 500), Mobile((i * 7919) % 3000),
                    i % 3 == 0, i % 50));
    }
    e.FlushUpdates();
    std::string out;
    for (const Finding& f : r.all) {
      out += std::to_string(f.number) + std::string(Name(f.detector)) +
             std::to_string(f.first_seen_us) + std::to_string(f.calls) + ";";
    }
    return out;
  };
  const std::string a = run();
  EXPECT_FALSE(a.empty());
  EXPECT_EQ(a, run());
}

TEST_F(EngineTest, IdleNumbersAreDropped) {
  Engine& e = Make();
  for (int i = 0; i < 1000; ++i) e.Process(Cdr(kT0 + i, Mobile(i), Mobile(i + 1), true, 60));
  EXPECT_EQ(e.stats().active_numbers, 1001u);
  // Two days later, enough events to trigger a sweep.
  for (int i = 0; i < 70000; ++i) {
    e.Process(
        Cdr(kT0 + 3 * 86400 + i / 100, Mobile(5000 + i % 10), Mobile(6000 + i % 10), true, 60));
  }
  EXPECT_EQ(e.stats().active_numbers, 20u);
}

TEST_F(EngineTest, EventsALittleOutOfOrderDropNothing) {
  Engine& e = Make();
  // A number's later call arrives first; then 70,000 events at the earlier time
  // trigger a sweep, which must not take the number for idle.
  e.Process(Cdr(kT0 + 100, Mobile(1), Mobile(2), true, 60));
  for (int i = 0; i < 70000; ++i) e.Process(Cdr(kT0, Mobile(10 + i % 50), Mobile(100), true, 60));
  EXPECT_EQ(e.stats().active_numbers, 53u);  // 1, 2, 100 and the 50 callers
}

}  // namespace
}  // namespace quell::detect
