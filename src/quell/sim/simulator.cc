#include "quell/sim/simulator.h"

#include <cmath>
#include <cstdio>
#include <deque>
#include <memory>
#include <ostream>
#include <queue>
#include <string>
#include <vector>

#include "quell/sim/internal/cdr_writer.h"
#include "quell/sim/internal/sources.h"
#include "quell/sim/internal/world.h"

namespace quell::sim {
namespace {

using internal::Campaign;
using internal::Source;

constexpr int64_t kProgressEvery = 100'000;

std::string CampaignId(const Campaign& c) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%s-%04d", std::string(Name(c.kind)).c_str(), c.index);
  return buf;
}

uint64_t WriteTruth(const std::deque<Campaign>& campaigns, std::ostream& out, int64_t* rows) {
  std::string text = "campaign,kind,role,number,variant\n";
  char number[32];
  for (const Campaign& c : campaigns) {
    if (c.calls == 0) continue;
    const std::string id = CampaignId(c);
    for (const internal::TruthEntry& e : c.entries) {
      if (e.calls == 0) continue;
      text += id;
      text += ',';
      text += Name(c.kind);
      text += e.role == internal::Role::kVictim ? ",victim," : ",caller,";
      text.append(number, internal::FormatE164(e.number, number));
      text += ',';
      text += e.variant;
      text += '\n';
      ++*rows;
    }
  }
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  return text.size();
}

}  // namespace

Result<SimulationSummary> Simulate(const ScenarioParams& params, std::ostream& cdr,
                                   std::ostream& truth, const ProgressFn& progress) {
  QUELL_RETURN_IF_ERROR(Validate(params));
  const auto offnet = static_cast<int64_t>(
      std::llround(static_cast<double>(params.subscribers) * params.ordinary.offnet_people));
  internal::World world(params, offnet);

  // Campaigns live in a deque: sources keep pointers to theirs.
  std::deque<Campaign> campaigns;
  std::vector<std::unique_ptr<Source>> sources;
  sources.push_back(internal::MakeOrdinary(world));
  auto add = [&](Kind kind, int count) {
    for (int i = 1; i <= count; ++i) {
      campaigns.push_back({.kind = kind, .index = i});
      sources.push_back(internal::MakeCampaign(world, &campaigns.back()));
    }
  };
  for (std::size_t k = 0; k < kNuisanceKindCount; ++k) {
    add(static_cast<Kind>(k), params.campaigns_per_kind);
  }
  add(Kind::kLegitHighVolume, params.hv_callers);
  add(Kind::kLegitBurst, params.legit_bursts);

  // Merge by next call time; ties go to the lower source index.
  using Entry = std::pair<int64_t, uint32_t>;
  std::priority_queue<Entry, std::vector<Entry>, std::greater<>> heap;
  for (uint32_t i = 0; i < sources.size(); ++i) {
    if (sources[i]->next_ms() < world.end_ms()) heap.emplace(sources[i]->next_ms(), i);
  }
  internal::CdrWriter writer(cdr);
  writer.WriteHeader();
  SimulationSummary summary;
  internal::CallRow row;
  const double span = static_cast<double>(world.end_ms() - world.start_ms());
  while (!heap.empty()) {
    const uint32_t i = heap.top().second;
    heap.pop();
    Source& source = *sources[i];
    source.Emit(&row);
    writer.Write(row, static_cast<uint64_t>(++summary.rows));
    if (i == 0) ++summary.ordinary_calls;
    if (source.next_ms() < world.end_ms()) heap.emplace(source.next_ms(), i);
    if (progress && summary.rows % kProgressEvery == 0) {
      progress(static_cast<double>(row.time_ms - world.start_ms()) / span, summary.rows);
    }
  }
  writer.Flush();
  summary.cdr_bytes = writer.bytes();
  if (!cdr) return Internal("writing the CDR failed");
  if (progress) progress(1.0, summary.rows);

  for (const Campaign& c : campaigns) {
    if (c.calls == 0) continue;
    ++summary.campaigns[static_cast<std::size_t>(c.kind)];
    summary.calls[static_cast<std::size_t>(c.kind)] += c.calls;
  }
  summary.truth_bytes = WriteTruth(campaigns, truth, &summary.truth_rows);
  truth.flush();
  if (!truth) return Internal("writing the truth file failed");
  return summary;
}

}  // namespace quell::sim
