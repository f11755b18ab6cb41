#include "sim_test_util.h"

#include <sstream>

#include <gtest/gtest.h>

#include "quell/core/number_plan.h"

namespace quell::sim::testing {

ScenarioParams SmallScenario(uint64_t seed) {
  ScenarioParams p;
  p.subscribers = 20'000;
  p.hours = 24;
  p.seed = seed;
  p.campaigns_per_kind = 10;
  p.hv_callers = 20;
  p.legit_bursts = 3;
  return p;
}

std::vector<std::string> SplitCsv(std::string_view line) {
  std::vector<std::string> out;
  std::size_t at = 0;
  for (;;) {
    const std::size_t comma = line.find(',', at);
    out.emplace_back(line.substr(at, comma == std::string_view::npos ? comma : comma - at));
    if (comma == std::string_view::npos) return out;
    at = comma + 1;
  }
}

int64_t ParseTimeMs(std::string_view s) {
  auto num = [&](std::size_t at, std::size_t n) {
    return std::stoll(std::string(s.substr(at, n)));
  };
  int64_t y = num(0, 4);
  const int64_t m = num(5, 2), d = num(8, 2);
  y -= m <= 2;
  const int64_t era = y / 400, yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t days = era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
  return ((days * 24 + num(11, 2)) * 60 + num(14, 2)) * 60000 + num(17, 2) * 1000 + num(20, 3);
}

Output Run(const ScenarioParams& params) {
  static const NumberPlan plan("CN");
  Output out;
  std::ostringstream cdr, truth;
  auto summary = Simulate(params, cdr, truth);
  EXPECT_TRUE(summary.has_value()) << summary.error().message();
  if (!summary) return out;
  out.summary = *summary;
  out.cdr = cdr.str();
  out.truth = truth.str();
  std::istringstream lines(out.cdr);
  std::string line;
  std::getline(lines, line);  // header
  while (std::getline(lines, line)) {
    CdrRow r;
    r.fields = SplitCsv(line);
    if (r.fields.size() != 17) {
      ADD_FAILURE() << "row with " << r.fields.size() << " fields: " << line;
      continue;
    }
    const auto& f = r.fields;
    r.ms = ParseTimeMs(f[0]);
    r.caller = plan.ToCompact(f[1]);
    r.callee = plan.ToCompact(f[2]);
    r.answered = f[4] == "1";
    r.ring_ms = std::stoll(f[5]);
    r.talk_ms = std::stoll(f[6]);
    r.cause = std::stoi(f[7]);
    r.international = f[11] == "1";
    r.imei = f[13].empty() ? 0 : std::stoull(f[13]);
    r.cell_id = f[14].empty() ? 0 : std::stoull(f[14]);
    out.rows.push_back(std::move(r));
  }
  std::istringstream tl(out.truth);
  std::getline(tl, line);
  while (std::getline(tl, line)) {
    const auto f = SplitCsv(line);
    if (f.size() != 5) {
      ADD_FAILURE() << "truth row with " << f.size() << " fields: " << line;
      continue;
    }
    out.truth_rows.push_back({f[0], f[1], f[2], f[3], f[4], std::stoull(f[3].substr(1))});
  }
  return out;
}

const Output& Small() {
  static const Output* out = new Output(Run(SmallScenario()));
  return *out;
}

}  // namespace quell::sim::testing
