#include "quell/screen/shaken_evidence.h"

#include <vector>

#include <gtest/gtest.h>

namespace quell::screen {
namespace {

class Collect final : public events::EvidenceSink {
 public:
  void Publish(const events::Evidence& e) override { items.push_back(e); }
  std::vector<events::Evidence> items;
};

constexpr int64_t kDayUs = 86'400'000'000LL;
constexpr int64_t k20261129 = 20786 * kDayUs;  // 2026-11-29T00:00Z

events::CallEvent Failed(uint64_t caller, int64_t time_us, std::string_view call_id = "") {
  events::CallEvent e;
  e.time_us = time_us;
  e.caller = caller;
  e.callee = 8613900139000;
  e.verstat = events::Verstat::kFailed;
  e.call_id.Assign(call_id);
  return e;
}

TEST(ShakenEvidence, FailuresBecomeEvidencePerNumberAndDay) {
  Collect sink;
  ShakenEvidence shaken(&sink);
  // Passed, unverified and unknown callers are not evidence.
  auto passed = Failed(8613800138000, k20261129);
  passed.verstat = events::Verstat::kPassed;
  shaken.Publish(passed);
  auto none = Failed(8613800138000, k20261129);
  none.verstat = events::Verstat::kNoValidation;
  shaken.Publish(none);
  shaken.Publish(Failed(0, k20261129));
  EXPECT_TRUE(sink.items.empty());

  for (int i = 0; i < 5; ++i) shaken.Publish(Failed(8613800138000, k20261129 + i * 1'000'000));
  // Published on the 1st, 2nd and 4th failure, updating one record.
  ASSERT_EQ(sink.items.size(), 3u);
  for (const auto& e : sink.items) {
    EXPECT_EQ(e.number, 8613800138000u);
    EXPECT_EQ(e.source, events::EvidenceSource::kShakenFailure);
    EXPECT_EQ(e.kind, NuisanceKind::kSpoofing);
    EXPECT_EQ(e.ref, "8613800138000:2026-11-29");
  }
  EXPECT_DOUBLE_EQ(sink.items[0].strength, 1.0);
  EXPECT_GT(sink.items[2].strength, sink.items[1].strength);
  EXPECT_EQ(sink.items[2].detail,
            "4 calls failed caller authentication (TN-Validation-Failed) on 2026-11-29");
  EXPECT_EQ(shaken.FailuresOn(8613800138000, k20261129), 5);

  // The next day is a new record.
  shaken.Publish(Failed(8613800138000, k20261129 + kDayUs));
  ASSERT_EQ(sink.items.size(), 4u);
  EXPECT_EQ(sink.items[3].ref, "8613800138000:2026-11-30");
  EXPECT_EQ(sink.items[3].detail,
            "1 call failed caller authentication (TN-Validation-Failed) on 2026-11-30");
}

TEST(ShakenEvidence, ACallSeenTwiceCountsOnce) {
  Collect sink;
  ShakenEvidence shaken(&sink);
  auto attempt = Failed(8613800138000, k20261129, "abc@host");
  shaken.Publish(attempt);
  auto cdr = attempt;
  cdr.kind = events::EventKind::kCompleted;
  shaken.Publish(cdr);
  EXPECT_EQ(shaken.FailuresOn(8613800138000, k20261129), 1);
  shaken.Publish(Failed(8613800138000, k20261129, "def@host"));
  EXPECT_EQ(shaken.FailuresOn(8613800138000, k20261129), 2);
}

TEST(ShakenEvidence, OldDaysAreForgottenAndMemoryIsBounded) {
  Collect sink;
  ShakenEvidence shaken(&sink, /*max_numbers=*/3);
  for (uint64_t n = 0; n < 5; ++n) shaken.Publish(Failed(8613800138000 + n, k20261129));
  EXPECT_EQ(sink.items.size(), 3u);
  EXPECT_EQ(shaken.dropped(), 2);
  // Two days later the 29th is forgotten; a late event for it is ignored.
  shaken.Publish(Failed(8613800138000, k20261129 + 2 * kDayUs));
  EXPECT_EQ(shaken.FailuresOn(8613800138000, k20261129), 0);
  shaken.Publish(Failed(8613800138001, k20261129));
  EXPECT_EQ(shaken.FailuresOn(8613800138001, k20261129), 0);
  EXPECT_EQ(sink.items.size(), 4u);
}

}  // namespace
}  // namespace quell::screen
