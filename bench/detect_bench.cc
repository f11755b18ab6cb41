// The detection engine in memory: ingest rate on one core with 10^6 active
// numbers, and memory per active number.
//
//   build/release/bench/detect_bench                 # events/s (Google Benchmark)
//   build/release/bench/detect_bench --memory        # bytes per active number
//
// Events: 10^6 subscribers calling each other (a call per subscriber per
// ~10 minutes of event time), 70 % answered, each caller with its own IMEI and
// a cell, as a mobile network's CDR feed carries them.
#include <benchmark/benchmark.h>

#include <unistd.h>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "quell/core/number_plan.h"
#include "quell/core/phone_number.h"
#include "quell/detect/engine.h"

namespace {

constexpr int kNumbers = 1'000'000;
constexpr int64_t kT0 = 1793584800;

uint64_t Subscriber(int i) {
  return 8613800000000ULL + static_cast<uint64_t>(i) * 97 % 100'000'000;
}

std::vector<quell::events::CallEvent> MakeEvents(std::size_t count, int64_t start_s,
                                                 uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<quell::events::CallEvent> out(count);
  for (std::size_t i = 0; i < count; ++i) {
    quell::events::CallEvent& e = out[i];
    const int a = static_cast<int>(rng() % kNumbers);
    const int b = static_cast<int>(rng() % kNumbers);
    // ~1,700 calls a second of event time: 10^6 numbers call every ~10 minutes.
    e.time_us = (start_s * 1'000'000) + static_cast<int64_t>(i) * 600;
    e.caller = Subscriber(a);
    e.callee = Subscriber(b);
    e.kind = quell::events::EventKind::kCompleted;
    e.answered = rng() % 10 < 7;
    e.talk_ms = e.answered ? static_cast<uint32_t>(rng() % 300'000) : 0;
    e.ring_ms = static_cast<uint32_t>(rng() % 20'000);
    e.release_cause = 16;
    e.imei = 350000000000000ULL + static_cast<uint64_t>(a);
    e.cell_id = 46000000 + static_cast<uint64_t>(a % 5000);
  }
  return out;
}

long RssBytes() {
  std::ifstream statm("/proc/self/statm");
  long pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * sysconf(_SC_PAGESIZE);
}

void BM_EngineIngest(benchmark::State& state) {
  static quell::NumberPlan plan("CN");
  static quell::detect::Engine* engine = [] {
    auto* e = new quell::detect::Engine(plan, {}, nullptr);
    // Warm: every number active (as caller or callee).
    for (const auto& ev : MakeEvents(2 * kNumbers, kT0, 1)) e->Process(ev);
    return e;
  }();
  const auto events = MakeEvents(1 << 20, kT0 + 1300, 2);
  const int64_t pass_us = events.back().time_us - events.front().time_us + 600;
  static std::size_t i = 0;
  static int64_t offset = 0;  // time moves on across repetitions too
  quell::events::CallEvent e;
  for (auto _ : state) {
    e = events[i];
    e.time_us += offset;
    engine->Process(e);
    if (++i == events.size()) {
      i = 0;
      offset += pass_us;
    }
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["active_numbers"] = static_cast<double>(engine->stats().active_numbers);
}
BENCHMARK(BM_EngineIngest)->MinTime(3.0);

// The same events in batches of 4,096, as `quell ingest` and the API feed them.
void BM_EngineIngestBatch(benchmark::State& state) {
  static quell::NumberPlan plan("CN");
  static quell::detect::Engine* engine = [] {
    auto* e = new quell::detect::Engine(plan, {}, nullptr);
    const auto warm = MakeEvents(2 * kNumbers, kT0, 1);
    e->Process(std::span<const quell::events::CallEvent>(warm));
    return e;
  }();
  const auto events = MakeEvents(1 << 20, kT0 + 1300, 2);
  constexpr std::size_t kBatch = 4096;
  // Each pass over the events is moved on in time (copied with an offset, a
  // cost counted in the figure), so that windows see time pass as in a real
  // feed rather than the same minutes over and over.
  const int64_t pass_us = events.back().time_us - events.front().time_us + 600;
  std::vector<quell::events::CallEvent> batch(kBatch);
  static std::size_t i = 0;
  static int64_t offset = 0;  // time moves on across repetitions too
  for (auto _ : state) {
    for (std::size_t k = 0; k < kBatch; ++k) {
      batch[k] = events[i + k];
      batch[k].time_us += offset;
    }
    engine->Process(std::span<const quell::events::CallEvent>(batch));
    i += kBatch;
    if (i == events.size()) {
      i = 0;
      offset += pass_us;
    }
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
  state.counters["active_numbers"] = static_cast<double>(engine->stats().active_numbers);
}
BENCHMARK(BM_EngineIngestBatch)->MinTime(3.0);

int Memory() {
  quell::NumberPlan plan("CN");
  // Events first, so that their memory is not counted.
  const auto events = MakeEvents(3 * kNumbers / 2, kT0, 3);
  const long before = RssBytes();
  quell::detect::Engine engine(plan, {}, nullptr);
  for (const auto& ev : events) engine.Process(ev);
  const long after = RssBytes();
  const auto stats = engine.stats();
  std::printf("events %zu, active numbers %zu, IMEIs %zu\n", events.size(), stats.active_numbers,
              stats.active_imeis);
  std::printf("RSS growth %.1f MiB = %.1f bytes per active number (IMEIs included)\n",
              (after - before) / 1048576.0,
              double(after - before) / static_cast<double>(stats.active_numbers));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && std::strcmp(argv[1], "--memory") == 0) return Memory();
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
