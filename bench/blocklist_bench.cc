// The offline apps' blocklist file (docs/formats/blocklist.md): the size and
// build time of a full list of 10 million numbers, its decode time on a phone's
// side, and the daily delta (target: built in under a second).
//
// Numbers are drawn uniformly from the Chinese mobile ranges 86 13x..19x
// xxxx xxxx (8613000000000..8619999999999), labels uniformly from 0..13, scores
// from 0..100: sparse, random numbers are the hard case for delta encoding.
// A day's change: 1 % of entries relabelled or rescored, 0.5 % removed, 0.5 %
// added.
//
// With --server, also the server's side (reputation/blocklist_store.h) at that
// size: the reputation table holds the list, BlocklistStore records the first
// version's 10^7 changes in a SQLite store (once, slow), then the day's change
// is applied to the table and the next Build (diff, changes recorded, full list
// signed) and a Delta from the first version (the fold of the recorded
// changes) are timed, 5 times each on fresh copies of the day.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include <unistd.h>
#include <cstdlib>
#include <random>
#include <vector>

#include <benchmark/benchmark.h>

#include "quell/reputation/blocklist.h"
#include "quell/reputation/blocklist_store.h"
#include "quell/store/store.h"

namespace quell::reputation {
namespace {

constexpr std::size_t kEntries = 10'000'000;
constexpr uint64_t kLowest = 8613000000000;
constexpr uint64_t kHighest = 8619999999999;

BlocklistEntry RandomEntry(std::mt19937_64& rng, uint64_t number) {
  return {.number = number,
          .label = static_cast<uint8_t>(rng() % 14),
          .score = static_cast<uint8_t>(rng() % 101)};
}

std::vector<BlocklistEntry> RandomList(std::size_t count, std::mt19937_64& rng) {
  std::uniform_int_distribution<uint64_t> number(kLowest, kHighest);
  std::vector<uint64_t> numbers;
  numbers.reserve(count);
  while (numbers.size() < count) {
    while (numbers.size() < count) numbers.push_back(number(rng));
    std::sort(numbers.begin(), numbers.end());
    numbers.erase(std::unique(numbers.begin(), numbers.end()), numbers.end());
  }
  std::vector<BlocklistEntry> list;
  list.reserve(count);
  for (uint64_t n : numbers) list.push_back(RandomEntry(rng, n));
  return list;
}

// `from` after a day: 1 % changed, 0.5 % removed, 0.5 % added.
std::vector<BlocklistEntry> NextDay(const std::vector<BlocklistEntry>& from, std::mt19937_64& rng) {
  std::vector<BlocklistEntry> to;
  to.reserve(from.size() + from.size() / 200);
  for (const BlocklistEntry& e : from) {
    const uint64_t dice = rng() % 1000;
    if (dice < 5) continue;  // removed
    BlocklistEntry next = e;
    if (dice < 15) next.score = static_cast<uint8_t>((e.score + 1 + rng() % 100) % 101);
    to.push_back(next);
  }
  std::uniform_int_distribution<uint64_t> number(kLowest, kHighest);
  const std::size_t keep = to.size();
  for (std::size_t added = 0; added < from.size() / 200;) {
    const uint64_t n = number(rng);
    auto at = std::lower_bound(from.begin(), from.end(), n,
                               [](const BlocklistEntry& e, uint64_t v) { return e.number < v; });
    if (at != from.end() && at->number == n) continue;
    to.push_back(RandomEntry(rng, n));
    ++added;
  }
  std::sort(to.begin() + static_cast<std::ptrdiff_t>(keep), to.end(),
            [](const auto& a, const auto& b) { return a.number < b.number; });
  to.erase(std::unique(to.begin() + static_cast<std::ptrdiff_t>(keep), to.end(),
                       [](const auto& a, const auto& b) { return a.number == b.number; }),
           to.end());
  std::inplace_merge(to.begin(), to.begin() + static_cast<std::ptrdiff_t>(keep), to.end(),
                     [](const auto& a, const auto& b) { return a.number < b.number; });
  return to;
}

template <typename T>
T Must(Result<T> r) {
  if (!r) {
    std::fprintf(stderr, "blocklist_bench: %s\n", r.status().ToString().c_str());
    std::abort();
  }
  return std::move(*r);
}

struct Fixture {
  BlocklistKey key = Must(BlocklistKey::Generate());
  std::vector<BlocklistEntry> today;
  std::vector<BlocklistEntry> tomorrow;
  std::string full;   // today, version 1
  std::string delta;  // today -> tomorrow, version 1 -> 2
  std::size_t changed = 0, removed = 0;
};

const Fixture& Data() {
  static const Fixture* f = [] {
    auto* f = new Fixture;
    std::mt19937_64 rng(20240601);
    f->today = RandomList(kEntries, rng);
    f->tomorrow = NextDay(f->today, rng);
    f->full = Must(EncodeFull({.version = 1, .built_at_s = 1767225600}, f->today, f->key));
    std::vector<BlocklistEntry> changed;
    std::vector<uint64_t> removed;
    Diff(f->today, f->tomorrow, changed, removed);
    f->changed = changed.size();
    f->removed = removed.size();
    f->delta = Must(EncodeDelta({.version = 2, .base_version = 1, .built_at_s = 1767312000},
                                changed, removed, f->key));
    return f;
  }();
  return *f;
}

void BM_EncodeFull(benchmark::State& state) {
  const Fixture& f = Data();
  std::size_t bytes = 0;
  for (auto _ : state) {
    std::string file = Must(EncodeFull({.version = 1}, f.today, f.key));
    bytes = file.size();
    benchmark::DoNotOptimize(file.data());
  }
  state.counters["entries"] = static_cast<double>(f.today.size());
  state.counters["bytes"] = static_cast<double>(bytes);
  state.counters["bytes_per_entry"] =
      static_cast<double>(bytes) / static_cast<double>(f.today.size());
  state.counters["entries_per_s"] = benchmark::Counter(
      static_cast<double>(f.today.size()), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_EncodeFull)->Unit(benchmark::kMillisecond);

// What an app does with the download: verify the signature and parse.
void BM_DecodeFull(benchmark::State& state) {
  const Fixture& f = Data();
  for (auto _ : state) {
    Blocklist list = Must(Decode(f.full, f.key.public_key()));
    benchmark::DoNotOptimize(list.entries.data());
  }
  state.counters["bytes"] = static_cast<double>(f.full.size());
  state.counters["MB_per_s"] = benchmark::Counter(static_cast<double>(f.full.size()) / 1e6,
                                                  benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_DecodeFull)->Unit(benchmark::kMillisecond);

// The server's daily job: yesterday's list against today's, signed.
void BM_DayDelta(benchmark::State& state) {
  const Fixture& f = Data();
  std::vector<BlocklistEntry> changed;
  std::vector<uint64_t> removed;
  std::size_t bytes = 0;
  for (auto _ : state) {
    Diff(f.today, f.tomorrow, changed, removed);
    std::string file =
        Must(EncodeDelta({.version = 2, .base_version = 1}, changed, removed, f.key));
    bytes = file.size();
    benchmark::DoNotOptimize(file.data());
  }
  state.counters["changed"] = static_cast<double>(changed.size());
  state.counters["removed"] = static_cast<double>(removed.size());
  state.counters["bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_DayDelta)->Unit(benchmark::kMillisecond);

// The app's daily update: verify and parse the delta, apply it to its list.
void BM_DecodeAndApplyDelta(benchmark::State& state) {
  const Fixture& f = Data();
  for (auto _ : state) {
    state.PauseTiming();
    std::vector<BlocklistEntry> list = f.today;
    state.ResumeTiming();
    Blocklist delta = Must(Decode(f.delta, f.key.public_key()));
    if (!ApplyDelta(list, 1, delta).ok() || list.size() != f.tomorrow.size()) std::abort();
    benchmark::DoNotOptimize(list.data());
  }
}
BENCHMARK(BM_DecodeAndApplyDelta)->Unit(benchmark::kMillisecond);

Standing StandingOf(const BlocklistEntry& e) {
  return {.number = e.number,
          .label = static_cast<Label>(e.label),
          .score = e.score,
          .confidence = e.score,
          .marks = 3};
}

double MsSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

// The server's daily blocklist work at 10^7 numbers (see the top of the file).
void MeasureServer() {
  const Fixture& f = Data();
  for (int run = 0; run < 5; ++run) {
    const auto dir = std::filesystem::temp_directory_path() /
                     ("quell-blocklist-bench-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    auto store = Must(store::Store::Open({.path = (dir / "q.db").string()}));
    ReputationTable table;
    for (const BlocklistEntry& e : f.today) table.Put(StandingOf(e));
    auto lists = Must(BlocklistStore::Open(*store, Clock::Real(), table,
                                           {.key_path = (dir / "bl.key").string()}));
    auto t0 = std::chrono::steady_clock::now();
    const uint64_t v1 = Must(lists->Build());
    const double first_ms = MsSince(t0);
    // The day's change, applied to the table as rescoring would.
    std::vector<BlocklistEntry> changed;
    std::vector<uint64_t> removed;
    Diff(f.today, f.tomorrow, changed, removed);
    for (const BlocklistEntry& e : changed) table.Put(StandingOf(e));
    for (uint64_t n : removed) table.Erase(n);
    t0 = std::chrono::steady_clock::now();
    const uint64_t v2 = Must(lists->Build());
    const double build_ms = MsSince(t0);
    t0 = std::chrono::steady_clock::now();
    BlocklistFile delta = Must(lists->Delta(v1));
    const double delta_ms = MsSince(t0);
    t0 = std::chrono::steady_clock::now();
    BlocklistFile again = Must(lists->Delta(v1));
    const double again_ms = MsSince(t0);
    std::printf(
        "server run %d: first version %llu (%lld entries) built in %.0f ms; the day's Build "
        "(version %llu) %.0f ms; Delta(%llu) %.0f ms (%lld changed, %lld removed, %zu bytes), "
        "again %.0f ms\n",
        run + 1, static_cast<unsigned long long>(v1),
        static_cast<long long>(lists->stats().entries), first_ms,
        static_cast<unsigned long long>(v2), build_ms, static_cast<unsigned long long>(v1),
        delta_ms, static_cast<long long>(delta.entries), static_cast<long long>(delta.removed),
        delta.bytes ? delta.bytes->size() : 0, again_ms);
    std::fflush(stdout);
    benchmark::DoNotOptimize(again.bytes.get());
    lists.reset();
    store.reset();
    std::filesystem::remove_all(dir);
  }
}

}  // namespace
}  // namespace quell::reputation

int main(int argc, char** argv) {
  bool server = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--server") == 0) {
      server = true;
      std::copy(argv + i + 1, argv + argc, argv + i);
      --argc;
      break;
    }
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  const auto& f = quell::reputation::Data();
  std::printf(
      "blocklist sizes: full list of %zu entries = %zu bytes (%.2f MB, %.3f bytes/entry); "
      "a day's delta (%zu changed or added, %zu removed) = %zu bytes (%.1f KB)\n",
      f.today.size(), f.full.size(), static_cast<double>(f.full.size()) / 1e6,
      static_cast<double>(f.full.size()) / static_cast<double>(f.today.size()), f.changed,
      f.removed, f.delta.size(), static_cast<double>(f.delta.size()) / 1e3);
  std::fflush(stdout);
  if (server) quell::reputation::MeasureServer();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
