// The in-memory reputation table (docs/benchmarks.md "Reputation lookups"):
//
//   BM_TableMemory/N   fills a ReputationTable with N numbers' standings and
//                      reports bytes_per_number (MemoryBytes() / N) and
//                      rss_per_number (the process's RSS growth / N);
//                      target ≤ 32 bytes per number at 10^7
//   BM_GetPresent      Get() of random numbers the 10^7 table holds
//   BM_GetAbsent       Get() of random numbers it does not
//   BM_Range           Range() of random held numbers (the block-of-ten counts)
//   BM_Find            Get() + Range(): what one lookup (Reputation::Find) reads
//
//   build/release/bench/reputation_bench --benchmark_repetitions=5
//
// Numbers are random in +86 130..199; 0.2 % of them start an abused block of
// ten (five neighbours with a spam label), so the range counts are not empty.
// Memory first: glibc's mmap threshold is fixed at start so that the tables'
// 2 MiB chunks are mapped and unmapped, and RSS growth measures them.
#include <benchmark/benchmark.h>
#include <malloc.h>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "quell/reputation/table.h"

namespace {

using quell::reputation::Label;
using quell::reputation::ReputationTable;
using quell::reputation::Standing;

constexpr uint64_t kFirst = 8613000000000;
constexpr uint64_t kLast = 8619999999999;
constexpr int64_t kNow = 1'796'000'000;  // 2026-11-29
constexpr std::size_t kQueries = 1 << 20;

int64_t RssBytes() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stoll(line.substr(6)) * 1024;
  }
  return 0;
}

Standing RandomStanding(uint64_t number, std::mt19937_64& rng, bool abused) {
  Standing s;
  s.number = number;
  const uint64_t r = rng() % 100;
  if (abused || r < 20) {  // labelled spam
    s.label = static_cast<Label>(1 + rng() % 8);
    s.score = 50 + static_cast<int>(rng() % 50);
  } else if (r < 25) {  // benign
    s.label = static_cast<Label>(9 + rng() % 5);
    s.confidence = 50 + static_cast<int>(rng() % 40);
  } else {
    s.score = static_cast<int>(rng() % 50);
  }
  if (s.label == Label::kMarketing) s.category = quell::Category::kRealEstate;
  s.confidence = std::max(s.confidence, s.score);
  s.marks = static_cast<int>(rng() % 4);
  s.reports = static_cast<int>(rng() % 2);
  s.machine = 1 + static_cast<int>(rng() % 3);
  s.updated_s = kNow - static_cast<int64_t>(rng() % (180 * 86400));
  return s;
}

// Fills `table` with n distinct numbers; returns them.
std::vector<uint64_t> Fill(ReputationTable& table, std::size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<uint64_t> any(kFirst, kLast);
  std::vector<uint64_t> numbers;
  numbers.reserve(n);
  while (numbers.size() < n) {
    const uint64_t number = any(rng);
    if (table.Get(number)) continue;
    if (rng() % 500 == 0) {  // an abused block of ten
      const uint64_t block = number / 10 * 10;
      for (uint64_t m = block; m < block + 5 && numbers.size() < n; ++m) {
        if (table.Get(m)) continue;
        table.Put(RandomStanding(m, rng, true));
        numbers.push_back(m);
      }
      continue;
    }
    table.Put(RandomStanding(number, rng, false));
    numbers.push_back(number);
  }
  return numbers;
}

void BM_TableMemory(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  double bytes = 0, rss = 0;
  for (auto _ : state) {
    const int64_t before = RssBytes();
    auto table = std::make_unique<ReputationTable>();
    const std::vector<uint64_t> numbers = Fill(*table, n, 42);
    // The list of numbers is the benchmark's, not the table's.
    const int64_t after = RssBytes() - static_cast<int64_t>(numbers.capacity() * sizeof(uint64_t));
    bytes = static_cast<double>(table->MemoryBytes());
    rss = static_cast<double>(after - before);
    benchmark::DoNotOptimize(table.get());
  }
  state.counters["bytes_per_number"] = bytes / static_cast<double>(n);
  state.counters["rss_per_number"] = rss / static_cast<double>(n);
  state.counters["MiB"] = bytes / (1 << 20);
  state.SetItemsProcessed(static_cast<int64_t>(n) * state.iterations());
}
BENCHMARK(BM_TableMemory)
    ->Arg(1'000'000)
    ->Arg(10'000'000)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

// One 10^7 table for the lookups, and 2^20 queries of each kind, read in order
// (the query list itself must not add cache misses).
struct Fixture {
  ReputationTable table;
  std::vector<uint64_t> present, absent;
  Fixture() {
    std::vector<uint64_t> numbers = Fill(table, 10'000'000, 7);
    std::mt19937_64 rng(99);
    present.resize(kQueries);
    for (auto& q : present) q = numbers[rng() % numbers.size()];
    std::uniform_int_distribution<uint64_t> any(kFirst, kLast);
    while (absent.size() < kQueries) {
      const uint64_t q = any(rng);
      if (!table.Get(q)) absent.push_back(q);
    }
  }
};
Fixture& Table() {
  static Fixture* f = new Fixture();
  return *f;
}

void BM_GetPresent(benchmark::State& state) {
  Fixture& f = Table();
  std::size_t i = 0, found = 0;
  for (auto _ : state) {
    auto s = f.table.Get(f.present[i++ & (kQueries - 1)]);
    found += s.has_value();
    benchmark::DoNotOptimize(s);
  }
  if (found != static_cast<std::size_t>(state.iterations()))
    state.SkipWithError("a number is missing");
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_GetPresent);

void BM_GetAbsent(benchmark::State& state) {
  Fixture& f = Table();
  std::size_t i = 0, found = 0;
  for (auto _ : state) {
    auto s = f.table.Get(f.absent[i++ & (kQueries - 1)]);
    found += s.has_value();
    benchmark::DoNotOptimize(s);
  }
  if (found != 0) state.SkipWithError("an absent number was found");
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_GetAbsent);

void BM_Range(benchmark::State& state) {
  Fixture& f = Table();
  std::size_t i = 0;
  for (auto _ : state) {
    auto r = f.table.Range(f.present[i++ & (kQueries - 1)]);
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Range);

void BM_Find(benchmark::State& state) {
  Fixture& f = Table();
  std::size_t i = 0;
  for (auto _ : state) {
    const uint64_t q = f.present[i++ & (kQueries - 1)];
    auto s = f.table.Get(q);
    auto r = f.table.Range(q);
    benchmark::DoNotOptimize(s);
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Find);

}  // namespace

int main(int argc, char** argv) {
  // A fixed threshold (no dynamic raising after a free): every 2 MiB chunk is
  // its own mapping, returned to the kernel when freed.
  mallopt(M_MMAP_THRESHOLD, 128 * 1024);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
