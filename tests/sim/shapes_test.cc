// The shapes of the simulated traffic against the published figures the model
// is built on (docs/simulation.md).
#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <gtest/gtest.h>

#include "quell/core/number_plan.h"
#include "quell/sim/scenario.h"
#include "sim_test_util.h"

namespace quell::sim {
namespace {

using testing::CdrRow;
using testing::Output;

constexpr int64_t kMinute = 60'000;
constexpr int64_t kHour = 60 * kMinute;

struct Member {
  std::string campaign, kind, variant;
};

// The small run, split by campaign.
class Shapes : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const Output& out = testing::Small();
    callers_ = new std::unordered_map<uint64_t, Member>;
    victims_ = new std::unordered_map<uint64_t, std::string>;
    by_campaign_ = new std::map<std::string, std::vector<const CdrRow*>>;
    ordinary_ = new std::vector<const CdrRow*>;
    campaign_variant_ = new std::map<std::string, std::string>;
    for (const auto& t : out.truth_rows) {
      if (t.role == "victim") {
        (*victims_)[t.e164] = t.campaign;
      } else {
        (*callers_)[t.e164] = {t.campaign, t.kind, t.variant};
        if (t.variant != "spoofed_subscriber") (*campaign_variant_)[t.campaign] = t.variant;
      }
    }
    for (const auto& r : out.rows) {
      const auto it = callers_->find(r.caller);
      if (it == callers_->end()) {
        ordinary_->push_back(&r);
      } else if (it->second.variant != "spoofed_subscriber") {
        (*by_campaign_)[it->second.campaign].push_back(&r);
      }
    }
  }

  // Calls of every campaign of `kind` (keyed by campaign).
  static std::map<std::string, std::vector<const CdrRow*>> OfKind(const std::string& kind) {
    std::map<std::string, std::vector<const CdrRow*>> out;
    for (const auto& [campaign, rows] : *by_campaign_) {
      if (campaign.starts_with(kind + "-")) out[campaign] = rows;
    }
    return out;
  }
  static const std::string& Variant(const std::string& campaign) {
    return (*campaign_variant_)[campaign];
  }

  static std::unordered_map<uint64_t, Member>* callers_;
  static std::unordered_map<uint64_t, std::string>* victims_;
  static std::map<std::string, std::vector<const CdrRow*>>* by_campaign_;
  static std::vector<const CdrRow*>* ordinary_;
  static std::map<std::string, std::string>* campaign_variant_;
};
std::unordered_map<uint64_t, Member>* Shapes::callers_;
std::unordered_map<uint64_t, std::string>* Shapes::victims_;
std::map<std::string, std::vector<const CdrRow*>>* Shapes::by_campaign_;
std::vector<const CdrRow*>* Shapes::ordinary_;
std::map<std::string, std::string>* Shapes::campaign_variant_;

struct Talk {
  int64_t calls = 0, answered = 0, under_60 = 0, over_120 = 0, silent = 0;
  double talk_s = 0;
  void Add(const CdrRow& r) {
    ++calls;
    if (!r.answered) return;
    ++answered;
    talk_s += r.talk_ms / 1000.0;
    under_60 += r.talk_ms < 60'000;
    over_120 += r.talk_ms > 120'000;
    silent += r.talk_ms <= 6'000;
  }
  double asr() const { return calls ? static_cast<double>(answered) / calls : 0; }
  double acd() const { return answered ? talk_s / answered : 0; }
  double share_under_60() const { return answered ? static_cast<double>(under_60) / answered : 0; }
  double share_over_120() const { return answered ? static_cast<double>(over_120) / answered : 0; }
};

double LocalHour(int64_t ms) {
  return static_cast<double>((ms + 8 * kHour) % (24 * kHour)) / kHour;
}

// Most calls in any window of `width` ms.
int64_t MaxInWindow(std::vector<int64_t> times, int64_t width) {
  std::sort(times.begin(), times.end());
  int64_t best = 0;
  for (std::size_t i = 0, j = 0; i < times.size(); ++i) {
    while (times[i] - times[j] >= width) ++j;
    best = std::max<int64_t>(best, static_cast<int64_t>(i - j + 1));
  }
  return best;
}

TEST_F(Shapes, OrdinaryPeopleTalkAndCallLikePeople) {
  Talk t;
  std::unordered_map<uint64_t, std::vector<uint64_t>> callees;
  double night = 0, late_morning = 0;
  for (const CdrRow* r : *ordinary_) {
    t.Add(*r);
    callees[r->caller].push_back(r->callee);
    const double h = LocalHour(r->ms);
    if (h >= 2 && h < 5) night += 1.0 / 3;
    if (h >= 10 && h < 12) late_morning += 1.0 / 2;
  }
  EXPECT_GE(t.asr(), 0.70);
  EXPECT_LE(t.asr(), 0.80);
  EXPECT_GE(t.acd(), 170);  // conversational: ACD >= 3 min (legalcallsonly)
  EXPECT_GE(t.share_over_120(), 0.20);
  EXPECT_LT(night, 0.15 * late_morning);
  // ~3-6 calls a day per person, with a heavy tail.
  const ScenarioParams p = testing::SmallScenario();
  const double people = p.subscribers * (1 + p.ordinary.offnet_people);
  EXPECT_GE(static_cast<double>(ordinary_->size()) / people, 3);
  EXPECT_LE(static_cast<double>(ordinary_->size()) / people, 6);
  std::size_t most = 0, repeats = 0, calls = 0;
  for (auto& [caller, list] : callees) {
    most = std::max(most, list.size());
    if (list.size() < 4) continue;
    std::set<uint64_t> seen;
    for (uint64_t c : list) repeats += !seen.insert(c).second;
    calls += list.size();
  }
  EXPECT_GE(most, 20u);
  EXPECT_GT(static_cast<double>(repeats) / calls, 0.2);  // a personal contact set
}

TEST(ShapesWeek, WeekendsAreQuieterAndStartLater) {
  auto run = [](const char* start) {
    ScenarioParams p = testing::SmallScenario(3);
    p.subscribers = 10'000;
    p.campaigns_per_kind = 0;
    p.hv_callers = 0;
    p.legit_bursts = 0;
    EXPECT_TRUE(SetStart(start, &p).ok());
    return testing::Run(p);
  };
  const Output monday = run("2026-11-02T00:00:00+08:00");
  const Output saturday = run("2026-11-07T00:00:00+08:00");
  auto early = [](const Output& o) {
    double n = 0;
    for (const auto& r : o.rows) n += LocalHour(r.ms) >= 7 && LocalHour(r.ms) < 9;
    return n / static_cast<double>(o.rows.size());
  };
  EXPECT_LT(saturday.rows.size(), monday.rows.size() * 0.93);
  EXPECT_LT(early(saturday), early(monday) * 0.8);
}

TEST_F(Shapes, HighVolumeCallersAreBusyAndAnswered) {
  const auto campaigns = OfKind("legit_hv");
  ASSERT_EQ(campaigns.size(), 20u);
  std::set<std::string> types;
  for (const auto& [campaign, rows] : campaigns) {
    Talk t;
    std::set<uint64_t> callees;
    for (const CdrRow* r : rows) t.Add(*r), callees.insert(r->callee);
    EXPECT_GE(rows.size(), 60u) << campaign;  // hundreds a day (median 250)
    EXPECT_GE(t.asr(), 0.6) << campaign;
    EXPECT_GE(static_cast<double>(callees.size()) / rows.size(), 0.8) << campaign;
    types.insert(Variant(campaign));
  }
  EXPECT_EQ(types,
            (std::set<std::string>{"courier", "hospital", "bank_callback", "service_centre"}));
}

TEST_F(Shapes, LegitBurstsAreShortAnsweredAndDense) {
  const auto campaigns = OfKind("legit_burst");
  ASSERT_EQ(campaigns.size(), 3u);
  for (const auto& [campaign, rows] : campaigns) {
    Talk t;
    for (const CdrRow* r : rows) t.Add(*r);
    EXPECT_GE(rows.size(), 250u) << campaign;
    EXPECT_LE(rows.back()->ms - rows.front()->ms, 25 * kMinute) << campaign;
    EXPECT_GE(t.asr(), 0.7) << campaign;
    EXPECT_LT(t.acd(), 60) << campaign;
  }
}

TEST_F(Shapes, MarketingIsBurstyUnansweredAndShort) {
  Talk t;
  std::map<std::string, int> variants;
  for (const auto& [campaign, rows] : OfKind("marketing")) {
    const std::string& variant = Variant(campaign);
    ++variants[variant];
    std::map<uint64_t, std::vector<int64_t>> times;
    std::vector<uint64_t> callees;
    for (const CdrRow* r : rows) {
      t.Add(*r);
      times[r->caller].push_back(r->ms);
      callees.push_back(r->callee);
    }
    int64_t busiest = 0;
    for (auto& [number, ts] : times) busiest = std::max(busiest, MaxInWindow(ts, kHour));
    if (variant == "low_and_slow") {
      EXPECT_LE(busiest, 15) << campaign;  // a few calls an hour
    } else if (rows.back()->ms - rows.front()->ms > kHour) {
      EXPECT_GE(busiest, 25) << campaign;  // many calls an hour
    }
    const std::set<uint64_t> distinct(callees.begin(), callees.end());
    EXPECT_GE(static_cast<double>(distinct.size()) / callees.size(), 0.9) << campaign;
    if (variant == "sequential") {
      std::size_t up = 0;
      for (std::size_t i = 1; i < callees.size(); ++i) up += callees[i] > callees[i - 1];
      EXPECT_GE(static_cast<double>(up) / (callees.size() - 1), 0.9) << campaign;
    }
  }
  EXPECT_LT(t.asr(), 0.4);
  EXPECT_LT(t.acd(), 60);
  EXPECT_GT(variants["low_and_slow"], 0);
  EXPECT_GT(variants["sequential"], 0);
}

TEST_F(Shapes, RobocallsAreShortAndOftenSilentUnlessMimicking) {
  Talk plain, mimicry;
  for (const std::string kind : {"robocall", "robocall_rotating"}) {
    for (const auto& [campaign, rows] : OfKind(kind)) {
      Talk& t = Variant(campaign) == "mimicry" ? mimicry : plain;
      for (const CdrRow* r : rows) t.Add(*r);
    }
  }
  // Dialer shape: ACD < 1 min and >= 90 % of calls < 60 s (legalcallsonly).
  EXPECT_LT(plain.acd(), 60);
  EXPECT_GE(plain.share_under_60(), 0.9);
  // Up to ~60 % short/silent (Prasad et al.; legalcallsonly Robocall Radar #3).
  EXPECT_GE(static_cast<double>(plain.silent) / plain.answered, 0.5);
  EXPECT_GE(mimicry.answered, 50);
  EXPECT_GE(mimicry.acd(), 120);
}

TEST_F(Shapes, RotatingCampaignsUseEachCallerIdForAFewCalls) {
  std::map<uint64_t, int64_t> per_id;
  std::size_t campaigns = 0;
  for (const auto& [campaign, rows] : OfKind("robocall_rotating")) {
    ++campaigns;
    std::set<uint64_t> ids;
    for (const CdrRow* r : rows) ++per_id[r->caller], ids.insert(r->caller);
    EXPECT_GE(ids.size(), rows.size() / 40) << campaign;  // many caller IDs
  }
  ASSERT_EQ(campaigns, 10u);
  std::vector<int64_t> counts;
  for (auto& [id, n] : per_id) counts.push_back(n);
  std::sort(counts.begin(), counts.end());
  double mean = 0;
  for (int64_t n : counts) mean += static_cast<double>(n) / counts.size();
  // Average campaign caller ID 13 calls, 95 % < 27 (Prasad et al., USENIX Sec 2020).
  EXPECT_GE(mean, 10);
  EXPECT_LE(mean, 16);
  EXPECT_LT(counts[counts.size() * 95 / 100], 27);
  EXPECT_GE(counts.size(), 100u);
}

TEST_F(Shapes, BombingHitsOneVictimManyTimesInMinutes) {
  const ScenarioParams p = testing::SmallScenario();
  std::map<std::string, uint64_t> victim_of;
  for (const auto& [number, campaign] : *victims_) victim_of[campaign] = number;
  const auto campaigns = OfKind("bombing");
  ASSERT_EQ(campaigns.size(), 10u);
  for (const auto& [campaign, rows] : campaigns) {
    ASSERT_TRUE(victim_of.count(campaign)) << campaign;
    std::vector<int64_t> times;
    for (const CdrRow* r : rows) {
      EXPECT_EQ(r->callee, victim_of[campaign]);
      times.push_back(r->ms);
    }
    EXPECT_GE(MaxInWindow(times, p.bombing.window_min.hi * kMinute + kMinute),
              p.bombing.min_attempts)
        << campaign;
  }
}

TEST_F(Shapes, OneRingRingsBrieflyFromAbroadAndHangsUp) {
  std::size_t campaigns = 0, domestic = 0;
  for (const auto& [campaign, rows] : OfKind("one_ring")) {
    ++campaigns;
    const bool home = Variant(campaign) == "domestic";
    domestic += home;
    std::set<uint64_t> callees;
    for (const CdrRow* r : rows) {
      EXPECT_FALSE(r->answered);
      EXPECT_GE(r->ring_ms, 1000);
      EXPECT_LE(r->ring_ms, 3000);
      EXPECT_TRUE(r->cause == 16 || r->cause == 31) << r->cause;
      EXPECT_EQ(r->international, !home);
      EXPECT_EQ(r->caller_text().starts_with("+86") || r->caller_text().starts_with("86") ||
                    r->caller_text().starts_with("1"),
                home)
          << r->caller_text();
      callees.insert(r->callee);
    }
    EXPECT_GE(static_cast<double>(callees.size()) / rows.size(), 0.9) << campaign;
  }
  EXPECT_EQ(campaigns, 10u);
  EXPECT_GE(domestic, 1u);
  EXPECT_LE(domestic, 2u);  // mostly international
}

TEST_F(Shapes, SimBoxesShareImeisAndStayInOneCell) {
  for (const auto& [campaign, rows] : OfKind("simbox")) {
    std::map<uint64_t, std::set<uint64_t>> numbers_of_imei;
    std::set<uint64_t> cells, callees;
    for (const CdrRow* r : rows) {
      numbers_of_imei[r->imei].insert(r->caller);
      cells.insert(r->cell_id);
      callees.insert(r->callee);
      EXPECT_EQ(r->trunk().substr(0, 5), "core-");
    }
    EXPECT_LE(numbers_of_imei.size(), 3u) << campaign;
    for (const auto& [imei, numbers] : numbers_of_imei) {
      EXPECT_NE(imei, 0u);
      EXPECT_GE(numbers.size(), 3u) << campaign;
    }
    EXPECT_EQ(cells.size(), 1u) << campaign;
    EXPECT_GE(static_cast<double>(callees.size()) / rows.size(), 0.9) << campaign;
  }
}

TEST_F(Shapes, SpoofingShowsEachTechnique) {
  const NumberPlan plan("CN");
  std::set<std::string> techniques;
  bool spoofed_subscriber = false;
  for (const auto& [number, m] : *callers_) spoofed_subscriber |= m.variant == "spoofed_subscriber";
  EXPECT_TRUE(spoofed_subscriber);
  for (const auto& [campaign, rows] : OfKind("spoofing")) {
    const std::string& technique = Variant(campaign);
    techniques.insert(technique);
    std::map<uint64_t, std::vector<std::pair<int64_t, uint64_t>>> places;
    for (const CdrRow* r : rows) {
      if (technique == "invalid_cli") {
        EXPECT_FALSE(plan.Classify(r->caller).valid) << r->caller_text();
      } else if (technique == "international_domestic") {
        EXPECT_TRUE(r->international);
        EXPECT_EQ(r->caller / 100'000'000'000ULL, 86u) << r->caller_text();
        EXPECT_EQ(plan.Classify(r->caller).type, NumberType::kMobile);
      } else if (technique == "failed_verstat") {
        EXPECT_EQ(r->verstat(), "TN-Validation-Failed");
        EXPECT_EQ(r->attest(), "A");
      } else if (technique == "two_cells") {
        places[r->caller].push_back({r->ms, r->cell_id / 10'000'000});
      }
    }
    if (technique == "two_cells") {
      // Some number shows up in two provinces within half an hour.
      bool both = false;
      for (auto& [number, seen] : places) {
        for (std::size_t i = 1; i < seen.size(); ++i) {
          both |= seen[i].second != seen[i - 1].second &&
                  seen[i].first - seen[i - 1].first < 30 * kMinute;
        }
      }
      EXPECT_TRUE(both) << campaign;
    }
  }
  EXPECT_EQ(techniques, (std::set<std::string>{"invalid_cli", "international_domestic", "two_cells",
                                               "failed_verstat"}));
}

TEST_F(Shapes, CampaignsStartAcrossThePeriod) {
  std::set<int> hours;
  for (const auto& [campaign, rows] : *by_campaign_) {
    hours.insert(static_cast<int>(LocalHour(rows.front()->ms)));
  }
  EXPECT_GE(hours.size(), 16u);
}

TEST_F(Shapes, AttestationFollowsTheCallersNetwork) {
  std::map<std::string, std::map<std::string, int>> attest;
  for (const auto& [campaign, rows] : *by_campaign_) {
    const std::string kind = campaign.substr(0, campaign.rfind('-'));
    for (const CdrRow* r : rows) ++attest[kind][r->attest()];
  }
  for (const CdrRow* r : *ordinary_) ++attest["ordinary"][r->attest()];
  EXPECT_EQ(attest["one_ring"]["A"] + attest["one_ring"]["B"] + attest["one_ring"]["C"],
            attest["one_ring"]["B"]);  // domestic virtual-operator lures may carry B
  EXPECT_EQ(attest["robocall"]["A"], 0);
  EXPECT_EQ(attest["robocall"]["B"], 0);
  EXPECT_GT(attest["robocall"]["C"], 0);
  // Rotation through owned numbers still earns A (NCLC/EPIC 2024).
  EXPECT_GT(attest["robocall_rotating"]["A"], attest["robocall_rotating"][""]);
  EXPECT_GT(attest["ordinary"]["A"], attest["ordinary"][""]);
}

}  // namespace
}  // namespace quell::sim
