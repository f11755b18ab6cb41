// The Do-Not-Call register in memory: list lookups (a scrub's core) and whole
// scrubs of a mixed-format list, against a full-size register.
//
//   build/release/bench/dnc_tool snapshot --dir /tmp/dnc1e8 --numbers 100000000
//   build/release/bench/dnc_tool list --out /tmp/list1m.csv --count 1000000
//   DNC_DIR=/tmp/dnc1e8 DNC_LIST=/tmp/list1m.csv build/release/bench/dnc_bench
// (bench/load/dnc.sh does all of it.)
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <sstream>
#include <vector>

#include "quell/core/number_plan.h"
#include "quell/core/phone_number.h"
#include "quell/registry/registry.h"
#include "quell/registry/scrub.h"
#include "quell/store/store.h"

namespace {

struct Env {
  std::unique_ptr<quell::store::Store> store;
  std::unique_ptr<quell::registry::Registry> registry;
  std::string list;
  std::string error;
};

Env& Setup() {
  static Env env = [] {
    Env e;
    const char* dir = std::getenv("DNC_DIR");
    if (dir == nullptr) {
      e.error = "set DNC_DIR to a directory made by `dnc_tool snapshot`";
      return e;
    }
    auto store = quell::store::Store::Open({.path = std::string(dir) + "/quell.db"});
    if (!store) {
      e.error = store.status().message();
      return e;
    }
    e.store = std::move(*store);
    quell::registry::Options o;
    o.snapshot_dir = std::string(dir) + "/dnc";
    auto reg = quell::registry::Registry::Open(*e.store, quell::Clock::Real(), o);
    if (!reg) {
      e.error = reg.status().message();
      return e;
    }
    e.registry = std::move(*reg);
    if (const char* list = std::getenv("DNC_LIST")) {
      std::ifstream in(list, std::ios::binary);
      std::ostringstream buf;
      buf << in.rdbuf();
      e.list = std::move(buf).str();
    }
    return e;
  }();
  return env;
}

// Random numbers of the register's space, checked state.range(0) at a time
// (a scrub checks its list in batches of 2^20).
void BM_CheckList(benchmark::State& state) {
  Env& env = Setup();
  if (!env.error.empty()) return state.SkipWithError(env.error.c_str());
  std::mt19937_64 rng(11);
  std::uniform_int_distribution<uint64_t> dist(8613000000000, 8619999999999);
  const auto kBatch = static_cast<std::size_t>(state.range(0));
  std::vector<uint64_t> numbers(kBatch);
  std::vector<quell::registry::ListAnswer> answers(kBatch);
  uint64_t protected_count = 0;
  for (auto _ : state) {
    state.PauseTiming();
    for (auto& n : numbers) n = dist(rng);
    state.ResumeTiming();
    env.registry->CheckList(1, 0, numbers, quell::Clock::Real().Now(), answers.data());
    for (const auto& a : answers) {
      protected_count += a.kind == quell::registry::ListAnswer::Kind::kProtected;
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kBatch));
  state.counters["protected_share"] = benchmark::Counter(
      static_cast<double>(protected_count) / static_cast<double>(state.iterations() * kBatch));
}
BENCHMARK(BM_CheckList)->Arg(1 << 13)->Arg(1 << 20)->Unit(benchmark::kMicrosecond)->MinTime(2.0);

// A whole list scrubbed in memory: parsing every format, the numbering plan
// (warm), the register, since-dates from the store, the result CSV, the hashes.
void BM_Scrub(benchmark::State& state) {
  Env& env = Setup();
  if (!env.error.empty()) return state.SkipWithError(env.error.c_str());
  if (env.list.empty())
    return state.SkipWithError("set DNC_LIST to a list made by `dnc_tool list`");
  // A server's numbering-plan cache is warm; the first scrub of a process
  // pays ~1 s to fill it for China's 70,000 mobile blocks (bench/load/dnc.sh
  // measures the cold end-to-end case with the CLI).
  quell::NumberPlan plan("CN");
  int64_t rows = 0;
  std::string out;
  {
    quell::registry::Scrubber warm(*env.registry, plan, 1, quell::Clock::Real().Now());
    if (!warm.Feed(env.list, &out).ok()) return state.SkipWithError("scrub failed");
  }
  for (auto _ : state) {
    quell::registry::Scrubber scrubber(*env.registry, plan, 1, quell::Clock::Real().Now());
    out.clear();
    if (!scrubber.Feed(env.list, &out).ok() || !scrubber.Finish(&out).ok()) {
      return state.SkipWithError("scrub failed");
    }
    rows += scrubber.counts().total;
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(rows);
}
BENCHMARK(BM_Scrub)->Unit(benchmark::kMillisecond)->Iterations(4);

// Durable registrations: each returns once committed, from many threads at
// once as a server's HTTP threads would call it; concurrent registrations share
// a commit. BM_RegisterDurable: SQLite WAL with synchronous = full (the default:
// a commit is on disk and survives power loss); BM_RegisterCrashSafe: synchronous
// = normal ([store] synchronous: a commit is in the log and survives kill -9 of
// the process, the definition; the last commits may be lost on power loss).
void RegisterBench(benchmark::State& state, const char* synchronous) {
  static std::unique_ptr<quell::store::Store> store;
  static std::unique_ptr<quell::registry::Registry> registry;
  static std::string dir;
  if (state.thread_index() == 0) {
    char tmpl[] = "/tmp/quell-dnc-reg-XXXXXX";
    dir = mkdtemp(tmpl);
    store = std::move(
        *quell::store::Store::Open({.path = dir + "/quell.db", .synchronous = synchronous}));
    registry = std::move(*quell::registry::Registry::Open(*store, quell::Clock::Real(), {}));
  }
  std::vector<double> latencies;
  uint64_t n = 8613000000000 + static_cast<uint64_t>(state.thread_index()) * 100'000'000;
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    auto r = registry->Register({.number = *quell::PhoneNumber::FromCompact(n++),
                                 .channel = quell::registry::Channel::kRest,
                                 .verification = "bench"});
    latencies.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
            .count());
    if (!r) {
      state.SkipWithError(r.status().message().c_str());
      break;
    }
  }
  std::sort(latencies.begin(), latencies.end());
  if (!latencies.empty()) {
    state.counters["p50_ms"] =
        benchmark::Counter(latencies[latencies.size() / 2], benchmark::Counter::kAvgThreads);
    state.counters["p99_ms"] =
        benchmark::Counter(latencies[latencies.size() * 99 / 100], benchmark::Counter::kAvgThreads);
  }
  state.SetItemsProcessed(state.iterations());
  if (state.thread_index() == 0) {
    registry.reset();
    store.reset();
    std::filesystem::remove_all(dir);
  }
}
void BM_RegisterDurable(benchmark::State& state) { RegisterBench(state, "full"); }
void BM_RegisterCrashSafe(benchmark::State& state) { RegisterBench(state, "normal"); }
BENCHMARK(BM_RegisterDurable)
    ->Threads(1)
    ->Threads(16)
    ->Threads(64)
    ->Threads(128)
    ->UseRealTime()
    ->MinTime(3.0);
BENCHMARK(BM_RegisterCrashSafe)->Threads(1)->Threads(16)->Threads(64)->UseRealTime()->MinTime(3.0);

}  // namespace
