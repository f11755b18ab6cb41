#include "quell/sim/scenario.h"

#include <cmath>
#include <map>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "quell/sim/internal/rng.h"

namespace quell::sim {
namespace {

std::map<std::string, double> Values(ScenarioParams p) {
  std::map<std::string, double> out;
  ForEachParameter(p, [&](std::string_view name, double& v) { out[std::string(name)] = v; });
  return out;
}

TEST(Scenario, KindNamesRoundTrip) {
  for (std::size_t k = 0; k < kKindCount; ++k) {
    const auto kind = static_cast<Kind>(k);
    EXPECT_EQ(ParseKind(Name(kind)), kind);
  }
  EXPECT_EQ(Name(Kind::kRobocallRotating), "robocall_rotating");
  EXPECT_EQ(Name(Kind::kLegitHighVolume), "legit_hv");
  EXPECT_FALSE(ParseKind("fraud").has_value());
  EXPECT_TRUE(IsNuisance(Kind::kSpoofing));
  EXPECT_FALSE(IsNuisance(Kind::kLegitBurst));
}

TEST(Scenario, StartTakesTheOffsetAsLocalTime) {
  ScenarioParams p;
  ASSERT_TRUE(SetStart("2026-11-02T00:00:00+08:00", &p).ok());
  EXPECT_EQ(p.start_unix_ms, 1'793'548'800'000);  // 2026-11-01T16:00:00Z
  EXPECT_EQ(p.utc_offset_minutes, 480);
  EXPECT_EQ(ScenarioParams().start_unix_ms, p.start_unix_ms);  // the documented default
  ASSERT_TRUE(SetStart("2026-11-01T16:00:00.250Z", &p).ok());
  EXPECT_EQ(p.start_unix_ms, 1'793'548'800'250);
  EXPECT_EQ(p.utc_offset_minutes, 0);
  ASSERT_TRUE(SetStart("2026-03-08T09:30:00-05:30", &p).ok());
  EXPECT_EQ(p.utc_offset_minutes, -330);
  EXPECT_EQ(p.start_unix_ms % 86'400'000, 15 * 3'600'000);  // 15:00Z
  for (const char* bad : {"", "2026-11-02", "2026-11-02T00:00:00", "2026-13-02T00:00:00Z",
                          "2026-11-02T00:00:00+0800", "2026-11-02 00:00:00Z", "tomorrow"}) {
    EXPECT_FALSE(SetStart(bad, &p).ok()) << bad;
  }
}

TEST(Scenario, DefaultsAreValidAndBadValuesAreNamed) {
  EXPECT_TRUE(Validate(ScenarioParams()).ok());
  ScenarioParams p;
  p.marketing.answer_rate = 1.5;
  const Status s = Validate(p);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("marketing.answer_rate"), std::string::npos) << s.message();
  p = ScenarioParams();
  p.subscribers = 10;
  EXPECT_FALSE(Validate(p).ok());
  p = ScenarioParams();
  p.hours = 0;
  EXPECT_FALSE(Validate(p).ok());
  p = ScenarioParams();
  p.robocall.hours = {.from = 20, .to = 8};
  EXPECT_FALSE(Validate(p).ok());
}

TEST(Scenario, EveryParameterIsVisitedOnceByName) {
  ScenarioParams p;
  std::set<std::string> names;
  int count = 0;
  ForEachParameter(p, [&](std::string_view name, double&) {
    names.insert(std::string(name));
    ++count;
  });
  EXPECT_EQ(static_cast<int>(names.size()), count);
  EXPECT_GT(count, 150);
  EXPECT_TRUE(names.count("ordinary.talk_s.median"));
  EXPECT_TRUE(names.count("robocall_rotating.calls_per_id.median"));
  EXPECT_TRUE(names.count("ordinary.weekday_profile.23"));
  // Writes go to the struct.
  ForEachParameter(p, [](std::string_view name, double& v) {
    if (name == "bombing.min_attempts") v = 7;
  });
  EXPECT_EQ(p.bombing.min_attempts, 7);
}

TEST(Scenario, PerturbScalesEveryParameterWithinTheSpread) {
  ScenarioParams p;
  p.seed = 11;
  const auto base = Values(p);
  auto perturbed = Perturb(p, 0.2);
  ASSERT_TRUE(perturbed.has_value());
  EXPECT_TRUE(Validate(*perturbed).ok());
  const auto got = Values(*perturbed);
  int changed = 0;
  for (const auto& [name, v] : base) {
    const double w = got.at(name);
    if (w != v) ++changed;
    // Ranges may swap ends; shares are capped at 1 (still within the bounds).
    const bool range_end = name.ends_with(".lo") || name.ends_with(".hi");
    if (range_end) continue;
    EXPECT_GE(w, v * 0.8 - 1e-12) << name;
    EXPECT_LE(w, v * 1.2 + 1e-12) << name;
  }
  EXPECT_GT(changed, static_cast<int>(base.size()) * 9 / 10);
  EXPECT_LE(perturbed->marketing.numbers.lo, perturbed->marketing.numbers.hi);
  // The size is not perturbed.
  EXPECT_EQ(perturbed->subscribers, p.subscribers);
  EXPECT_EQ(perturbed->campaigns_per_kind, p.campaigns_per_kind);
  EXPECT_EQ(perturbed->marketing.hours.from, p.marketing.hours.from);

  // Same seed, same world; another seed, another.
  EXPECT_EQ(Values(*Perturb(p, 0.2)), got);
  p.seed = 12;
  EXPECT_NE(Values(*Perturb(p, 0.2)), got);
  EXPECT_EQ(Values(*Perturb(p, 0)), Values(p));
  EXPECT_FALSE(Perturb(p, 0.6).has_value());
  EXPECT_FALSE(Perturb(p, -0.1).has_value());
}

// The engine's sequence is fixed by the C++ standard and the distributions are
// ours: these values hold on every standard library.
TEST(Rng, DrawsAreFixedAcrossStandardLibraries) {
  internal::Rng rng(1);
  EXPECT_EQ(rng.Next(), 0x884fa46695b1825bULL) << std::hex << internal::Rng(1).Next();
  internal::Rng a(99), b(99);
  for (int i = 0; i < 1000; ++i) {
    EXPECT_EQ(a.Below(1000), b.Below(1000));
    const double u = a.Uniform();
    EXPECT_EQ(u, b.Uniform());
    EXPECT_GE(u, 0);
    EXPECT_LT(u, 1);
  }
  // Log-normal median and exponential mean.
  internal::Rng r(5);
  int below = 0;
  double sum = 0;
  for (int i = 0; i < 20000; ++i) {
    below += r.LogNormal(100, 1.2) < 100;
    sum += r.Exponential(3);
  }
  EXPECT_NEAR(below / 20000.0, 0.5, 0.02);
  EXPECT_NEAR(sum / 20000, 3, 0.1);
}

}  // namespace
}  // namespace quell::sim
