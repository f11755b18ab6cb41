// Scrubbing against a real register: verdicts for numbers written every way
// people write them agree with libphonenumber's on a 100,000-number sample.
#include "quell/registry/scrub.h"

#include <random>
#include <sstream>

#include <gtest/gtest.h>

#include "quell/core/number_plan.h"
#include "quell/core/phone_number.h"
#include "quell/store/store.h"
#include "store/store_test_util.h"

namespace quell::registry {
namespace {

using std::chrono::hours;

// One number written as a person or a CRM might.
std::string Written(uint64_t national, std::mt19937_64& rng) {
  const std::string d = std::to_string(national);
  switch (rng() % 6) {
    case 0:
      return "+86" + d;
    case 1:
      return "+86 " + d.substr(0, 3) + " " + d.substr(3, 4) + " " + d.substr(7);
    case 2:
      return d.substr(0, 3) + "-" + d.substr(3, 4) + "-" + d.substr(7);
    case 3:
      return "0086" + d;
    case 4:
      return "(" + d.substr(0, 3) + ") " + d.substr(3);
    default:
      return d;
  }
}

TEST(ScrubTest, HundredThousandMixedNumbersAgreeWithLibphonenumber) {
  store::testing::TempDir dir;
  FakeClock clock(FromUnixMillis(1796090400000));
  auto store = store::Store::Open({.path = dir.File("q.db")});
  ASSERT_TRUE(store.has_value());
  auto reg = Registry::Open(**store, clock, {});
  ASSERT_TRUE(reg.has_value());
  std::mt19937_64 rng(42);
  // Mobile numbers of every segment (some unallocated, so invalid), fixed lines,
  // short and long garbage; every 10th registered long ago.
  std::vector<std::string> lines;
  std::vector<RegisterRequest> registrations;
  for (int i = 0; i < 100'000; ++i) {
    uint64_t national;
    switch (rng() % 10) {
      case 0:
        national = 1000000000 + rng() % 9000000000;  // 10 digits starting 1
        break;
      case 1:
        national = 2000000000 + rng() % 100000000;  // 021 xxxx xxxx written without 0
        break;
      default:
        national = 10000000000 + rng() % 10000000000;  // 11 digits starting 1
    }
    lines.push_back(Written(national, rng));
    if (i % 10 == 0) {
      auto n = PhoneNumber::Parse(lines.back(), "CN");
      if (n)
        registrations.push_back({.number = *n, .registered_at = clock.Now() - hours(24 * 100)});
    }
  }
  ASSERT_TRUE((*reg)->RegisterMany(registrations).has_value());
  std::string input = "number\n";
  for (const auto& l : lines) input += l + "\n";

  NumberPlan plan("CN");
  Scrubber scrubber(**reg, plan, 1, clock.Now());
  std::string out;
  ASSERT_TRUE(scrubber.Feed(input, &out).ok());
  ASSERT_TRUE(scrubber.Finish(&out).ok());
  std::istringstream result(out);
  std::string row;
  std::getline(result, row);
  ASSERT_EQ(row, "number,status,detail");
  int64_t disagree = 0, protected_rows = 0;
  for (const auto& l : lines) {
    ASSERT_TRUE(std::getline(result, row));
    auto reference = PhoneNumber::Parse(l, "CN");
    const bool invalid = row.find(",invalid,") != std::string::npos;
    if (invalid == reference.has_value()) ++disagree;
    if (reference && !invalid &&
        row.rfind("+" + std::to_string(reference->compact()) + ",", 0) != 0) {
      ++disagree;
    }
    protected_rows += row.find(",protected,") != std::string::npos;
  }
  EXPECT_EQ(disagree, 0);
  EXPECT_EQ(protected_rows, static_cast<int64_t>(registrations.size()));
  EXPECT_EQ(scrubber.counts().total, 100'000);
  EXPECT_EQ(scrubber.counts().protected_numbers, protected_rows);
  auto receipt = scrubber.Record("test");
  ASSERT_TRUE(receipt.has_value());
  EXPECT_EQ(receipt->list_sha256.size(), 64u);
  auto again = (*reg)->GetReceipt(receipt->id);
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->counts.total, 100'000);

  // In three parts at once, fed in uneven chunks: the same rows, counts and hashes.
  Scrubber parallel(**reg, plan, 1, clock.Now(), /*threads=*/3);
  std::string parallel_out;
  for (std::size_t at = 0; at < input.size(); at += 77'777) {
    ASSERT_TRUE(parallel.Feed(std::string_view(input).substr(at, 77'777), &parallel_out).ok());
  }
  ASSERT_TRUE(parallel.Finish(&parallel_out).ok());
  EXPECT_TRUE(parallel_out == out);
  EXPECT_EQ(parallel.counts().invalid, scrubber.counts().invalid);
  EXPECT_EQ(parallel.counts().callable, scrubber.counts().callable);
  EXPECT_EQ(parallel.counts().protected_numbers, protected_rows);
  auto parallel_receipt = parallel.Record("test");
  ASSERT_TRUE(parallel_receipt.has_value());
  EXPECT_EQ(parallel_receipt->list_sha256, receipt->list_sha256);
  EXPECT_EQ(parallel_receipt->result_sha256, receipt->result_sha256);
}

}  // namespace
}  // namespace quell::registry
