#include "quell/sim/simulator.h"

#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

#include <gtest/gtest.h>

#include "quell/core/number_plan.h"
#include "quell/core/phone_number.h"
#include "quell/events/cdr_reader.h"
#include "quell/sim/internal/numbering.h"
#include "sim_test_util.h"

namespace quell::sim {
namespace {

using testing::Output;
using testing::Small;

TEST(Simulate, WritesCdrCsvV1) {
  const Output& out = Small();
  ASSERT_GT(out.rows.size(), 100'000u);
  EXPECT_TRUE(out.cdr.starts_with(
      "time,caller,callee,kind,answered,ring_ms,talk_ms,release_cause,call_id,trunk,direction,"
      "international,imsi,imei,cell_id,attest,verstat\n"));
  EXPECT_TRUE(out.truth.starts_with("campaign,kind,role,number,variant\n"));
  const std::regex time(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)");
  const std::regex digits(R"(\d*)");
  const std::set<std::string> attests = {"", "A", "B", "C"};
  const std::set<std::string> verstats = {"", "TN-Validation-Passed", "TN-Validation-Failed",
                                          "No-TN-Validation"};
  std::unordered_set<std::string> call_ids;
  for (std::size_t i = 0; i < out.rows.size(); ++i) {
    const auto& r = out.rows[i];
    const auto& f = r.fields;
    if (i % 50 == 0) {
      ASSERT_TRUE(std::regex_match(f[0], time)) << f[0];
    }
    ASSERT_EQ(f[3], "completed");
    ASSERT_TRUE(f[4] == "0" || f[4] == "1");
    ASSERT_TRUE(r.cause == 16 || r.cause == 17 || r.cause == 19 || r.cause == 31) << r.cause;
    ASSERT_EQ(f[8], "sim-" + std::to_string(i + 1));  // no label in the call id
    ASSERT_TRUE(call_ids.insert(f[8]).second);
    ASSERT_FALSE(f[9].empty());
    ASSERT_EQ(f[10], "terminating");
    ASSERT_TRUE(f[11] == "0" || f[11] == "1");
    if (i % 50 == 0) {
      for (int c : {12, 13, 14}) ASSERT_TRUE(std::regex_match(f[c], digits)) << f[c];
    }
    ASSERT_TRUE(attests.count(f[15])) << f[15];
    ASSERT_TRUE(verstats.count(f[16])) << f[16];
    if (r.answered) {
      ASSERT_GT(r.talk_ms, 0);
      ASSERT_EQ(r.cause, 16);
    } else {
      ASSERT_EQ(r.talk_ms, 0);
    }
  }
  EXPECT_EQ(out.summary.rows, static_cast<int64_t>(out.rows.size()));
  EXPECT_EQ(out.summary.cdr_bytes, out.cdr.size());
  EXPECT_EQ(out.summary.truth_rows, static_cast<int64_t>(out.truth_rows.size()));
  EXPECT_EQ(out.summary.truth_bytes, out.truth.size());
}

TEST(Simulate, RowsAreSortedAndInsideThePeriod) {
  const Output& out = Small();
  const ScenarioParams p = testing::SmallScenario();
  int64_t last = p.start_unix_ms;
  for (const auto& r : out.rows) {
    ASSERT_GE(r.ms, last);
    last = r.ms;
  }
  EXPECT_LT(last, p.start_unix_ms + static_cast<int64_t>(p.hours * 3'600'000));
  EXPECT_EQ(out.rows.front().fields[0].substr(0, 13), "2026-11-01T16");  // 00:00 at +08:00
}

TEST(Simulate, SameSeedSameBytesOtherSeedOtherBytes) {
  ScenarioParams p = testing::SmallScenario(7);
  p.subscribers = 5000;
  p.hours = 6;
  p.campaigns_per_kind = 4;
  std::ostringstream c1, t1, c2, t2, c3, t3;
  ASSERT_TRUE(Simulate(p, c1, t1).has_value());
  ASSERT_TRUE(Simulate(p, c2, t2).has_value());
  EXPECT_EQ(c1.str(), c2.str());
  EXPECT_EQ(t1.str(), t2.str());
  p.seed = 8;
  ASSERT_TRUE(Simulate(p, c3, t3).has_value());
  EXPECT_NE(c1.str(), c3.str());
  EXPECT_NE(t1.str(), t3.str());
}

TEST(Simulate, RejectsBadParameters) {
  ScenarioParams p = testing::SmallScenario();
  p.ordinary.answer_rate = -1;
  std::ostringstream cdr, truth;
  auto r = Simulate(p, cdr, truth);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(cdr.str().empty());
}

TEST(Simulate, EveryKindHasItsCampaignsInTheTruth) {
  const Output& out = Small();
  const ScenarioParams p = testing::SmallScenario();
  std::map<std::string, std::set<std::string>> campaigns;
  for (const auto& t : out.truth_rows) {
    campaigns[t.kind].insert(t.campaign);
    EXPECT_TRUE(t.campaign.starts_with(t.kind + "-")) << t.campaign;
    EXPECT_TRUE(t.role == "caller" || t.role == "victim") << t.role;
    EXPECT_TRUE(t.number.starts_with("+"));
  }
  for (std::size_t k = 0; k < kNuisanceKindCount; ++k) {
    const std::string kind(Name(static_cast<Kind>(k)));
    EXPECT_EQ(campaigns[kind].size(), static_cast<std::size_t>(p.campaigns_per_kind)) << kind;
    EXPECT_EQ(out.summary.campaigns[k], p.campaigns_per_kind) << kind;
  }
  EXPECT_EQ(campaigns["legit_hv"].size(), static_cast<std::size_t>(p.hv_callers));
  EXPECT_EQ(campaigns["legit_burst"].size(), static_cast<std::size_t>(p.legit_bursts));
  EXPECT_EQ(campaigns.size(), kKindCount);
}

TEST(Simulate, TruthNumbersAreTheCampaignsOwnAndPlaceTheirCalls) {
  const Output& out = Small();
  const ScenarioParams p = testing::SmallScenario();
  const internal::Numbering numbering(p.subscribers, p.seed);
  std::unordered_map<uint64_t, int64_t> placed, received;
  for (const auto& r : out.rows) {
    ++placed[r.caller];
    ++received[r.callee];
  }
  std::unordered_map<uint64_t, std::string> owner;
  for (const auto& t : out.truth_rows) {
    // One number, one campaign.
    auto [it, fresh] = owner.emplace(t.e164, t.campaign);
    EXPECT_TRUE(fresh) << t.number << " in " << it->second << " and " << t.campaign;
    if (t.role == "victim") {
      EXPECT_EQ(t.kind, "bombing");
      EXPECT_GE(received[t.e164], p.bombing.min_attempts) << t.number;
      EXPECT_GE(numbering.SubscriberIndex(t.e164), 0) << t.number;
      continue;
    }
    EXPECT_GT(placed[t.e164], 0) << t.number << " of " << t.campaign << " placed no call";
    // Campaign numbers are nobody's phone, except subscribers' numbers spoofed on purpose.
    if (t.variant == "spoofed_subscriber") {
      EXPECT_EQ(t.kind, "spoofing");
      EXPECT_GE(numbering.SubscriberIndex(t.e164), 0) << t.number;
    } else {
      EXPECT_EQ(numbering.SubscriberIndex(t.e164), -1) << t.number << " of " << t.campaign;
    }
    // Nuisance numbers never receive calls (they are not subscribers).
    if (t.variant != "spoofed_subscriber") {
      EXPECT_EQ(received[t.e164], 0) << t.number;
    }
  }
}

TEST(Simulate, EveryNumberWrittenIsAPhoneNumber) {
  const Output& out = Small();
  const NumberPlan plan("CN");
  std::unordered_set<uint64_t> invalid_by_design;
  for (const auto& t : out.truth_rows) {
    if (t.variant == "invalid_cli") invalid_by_design.insert(t.e164);
  }
  ASSERT_FALSE(invalid_by_design.empty());
  std::map<std::string, int> forms;
  int64_t invalid_seen = 0;
  for (std::size_t i = 0; i < out.rows.size(); ++i) {
    const auto& r = out.rows[i];
    ASSERT_NE(r.caller, 0u) << r.caller_text();
    ASSERT_NE(r.callee, 0u) << r.fields[2];
    ASSERT_TRUE(plan.Classify(r.callee).valid) << r.fields[2];
    if (invalid_by_design.count(r.caller)) {
      ++invalid_seen;
      ASSERT_FALSE(plan.Classify(r.caller).valid) << r.caller_text();
    } else {
      ASSERT_TRUE(plan.Classify(r.caller).valid) << r.caller_text();
    }
    const std::string& c = r.caller_text();
    forms[c.starts_with("+")    ? (c.find(' ') != std::string::npos ? "+cc spaced" : "+e164")
          : c.starts_with("00") ? "00"
          : c.starts_with("0")  ? "trunk prefix"
          : c.find('-') != std::string::npos ? "dashed"
          : c.starts_with("86")              ? "cc no plus"
                                             : "national"] += 1;
    // libphonenumber agrees with the fast path on a sample.
    if (i % 97 == 0) {
      for (int col : {1, 2}) {
        auto parsed = PhoneNumber::ParsePossible(r.fields[col]);
        ASSERT_TRUE(parsed.has_value()) << r.fields[col];
        EXPECT_EQ(parsed->compact(), col == 1 ? r.caller : r.callee) << r.fields[col];
      }
    }
  }
  EXPECT_GT(invalid_seen, 0);
  for (const char* form :
       {"+e164", "+cc spaced", "00", "trunk prefix", "dashed", "cc no plus", "national"}) {
    EXPECT_GT(forms[form], 0) << form;
  }
  // Mostly E.164.
  EXPECT_GT(forms["+e164"], static_cast<int>(out.rows.size()) / 2);
}

TEST(Simulate, TheCdrReaderReadsEveryRow) {
  const Output& out = Small();
  const NumberPlan plan("CN");
  events::CdrReader reader(plan, events::CdrFormat::kCsv);
  std::vector<events::CallEvent> events;
  for (std::size_t at = 0; at < out.cdr.size(); at += 65536) {
    reader.Feed(std::string_view(out.cdr).substr(at, 65536), events);
  }
  reader.Finish(events);
  ASSERT_TRUE(reader.status().ok()) << reader.status().message();
  EXPECT_EQ(reader.stats().bad, 0u)
      << (reader.errors().empty() ? "" : reader.errors()[0].ToString());
  EXPECT_EQ(reader.stats().invalid_caller, 0u);
  ASSERT_EQ(events.size(), out.rows.size());
  for (std::size_t i = 0; i < events.size(); i += 101) {
    const auto& e = events[i];
    const auto& r = out.rows[i];
    EXPECT_EQ(e.time_us, r.ms * 1000);
    EXPECT_EQ(e.caller, r.caller);
    EXPECT_EQ(e.callee, r.callee);
    EXPECT_EQ(e.answered, r.answered);
    EXPECT_EQ(e.international, r.international);
    EXPECT_EQ(e.ring_ms, static_cast<uint32_t>(r.ring_ms));
    EXPECT_EQ(e.talk_ms, static_cast<uint32_t>(r.talk_ms));
    EXPECT_EQ(e.release_cause, r.cause);
    EXPECT_EQ(e.imei, r.imei);
    EXPECT_EQ(e.cell_id, r.cell_id);
    EXPECT_EQ(e.call_id.view(), r.fields[8]);
    EXPECT_EQ(e.trunk.view(), r.trunk());
    EXPECT_EQ(events::Name(e.attest), r.attest());
    EXPECT_EQ(events::Name(e.verstat), r.verstat());
    EXPECT_EQ(e.direction, events::Direction::kTerminating);
    EXPECT_EQ(e.kind, events::EventKind::kCompleted);
  }
}

TEST(Simulate, PerturbedWorldsDifferButKeepTheirShapes) {
  ScenarioParams base = testing::SmallScenario(5);
  base.subscribers = 10'000;
  base.campaigns_per_kind = 6;
  auto perturbed = Perturb(base, 0.3);
  ASSERT_TRUE(perturbed.has_value());
  const Output a = testing::Run(base);
  const Output b = testing::Run(*perturbed);
  EXPECT_NE(a.cdr, b.cdr);
  std::map<std::string, std::string> kind, variant;
  for (const auto& t : b.truth_rows) {
    if (t.role == "caller")
      kind[std::to_string(t.e164)] = t.kind, variant[std::to_string(t.e164)] = t.variant;
  }
  int64_t ordinary = 0, ordinary_answered = 0, robo_answered = 0, robo_short = 0;
  for (const auto& r : b.rows) {
    const std::string key = std::to_string(r.caller);
    const auto k = kind.find(key);
    if (k == kind.end()) {
      ++ordinary;
      ordinary_answered += r.answered;
    } else if (k->second == "one_ring") {
      ASSERT_FALSE(r.answered);
      ASSERT_LE(r.ring_ms, 5000);  // within "< ~5 s" even perturbed by 30 %
    } else if ((k->second == "robocall" && variant[key] != "mimicry") ||
               k->second == "robocall_rotating") {
      if (r.answered) ++robo_answered, robo_short += r.talk_ms < 60'000;
    }
  }
  ASSERT_GT(ordinary, 0);
  EXPECT_GT(static_cast<double>(ordinary_answered) / ordinary, 0.5);
  EXPECT_GT(static_cast<double>(robo_short) / robo_answered, 0.85);
  for (std::size_t k = 0; k < kNuisanceKindCount; ++k) EXPECT_EQ(b.summary.campaigns[k], 6);
}

}  // namespace
}  // namespace quell::sim
