// dnc_tool: builds full-size Do-Not-Call scenarios for bench/load/dnc.sh.
//
//   dnc_tool snapshot --dir D --numbers N [--seed S]
//       a data directory whose register holds N protected numbers spread at
//       random over China's allocated mobile segments in +86 13x-19x, as
//       an index snapshot (D/dnc/dnc-snapshot.bin) at change version N, and a
//       store whose change feed continues after it.
//   dnc_tool memory --dir D
//       opens that register and prints the process's memory growth, bytes per
//       protected number and the load time.
//   dnc_tool changes --dir D --count M
//       appends M registrations and removals to the change feed after the
//       snapshot (what a crash would leave to replay).
//   dnc_tool list --out F --count N [--invalid 0.01] [--seed S]
//       a scrub list of N valid mobile numbers in mixed formats, and a share of
//       invalid rows (1 %).
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include "quell/core/clock.h"
#include "quell/core/number_plan.h"
#include "quell/registry/internal/index.h"
#include "quell/registry/registry.h"
#include "quell/store/store.h"

namespace {

using quell::registry::internal::Index;

constexpr uint64_t kFirst = 8613000000000;  // +86 130 0000 0000
constexpr uint64_t kLast = 8619999999999;   // +86 199 9999 9999

int64_t RssKiB() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stoll(line.substr(6));
  }
  return 0;
}

std::string Arg(int argc, char** argv, const char* name, const char* def = "") {
  for (int i = 2; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], name) == 0) return argv[i + 1];
  }
  return def;
}

int Snapshot(const std::string& dir, uint64_t numbers, uint64_t seed) {
  std::filesystem::create_directories(dir + "/dnc");
  Index index;
  std::mt19937_64 rng(seed);
  // Each number of the space is registered with probability p: a Bernoulli
  // walk by geometric gaps, added in sorted runs.
  quell::NumberPlan plan("CN", 1 << 20);
  uint64_t valid_slots = 0;
  for (uint64_t b = kFirst / 100000; b <= kLast / 100000; ++b) {
    if (plan.Classify(b * 100000).valid) valid_slots += 100000;
  }
  const double p = std::min(1.0, static_cast<double>(numbers) / static_cast<double>(valid_slots));
  std::geometric_distribution<uint64_t> gap(p);
  std::vector<uint64_t> run;
  run.reserve(1 << 20);
  uint64_t n = kFirst + gap(rng), count = 0;
  const auto start = std::chrono::steady_clock::now();
  // Only allocated segments (valid in the numbering plan, by 10^5-number block).
  uint64_t block = 0;
  bool block_valid = false;
  while (n <= kLast && count < numbers) {
    if (n / 100000 != block) {
      block = n / 100000;
      block_valid = plan.Classify(n).valid;
    }
    if (!block_valid) {
      n = (block + 1) * 100000 + gap(rng);
      continue;
    }
    run.push_back(n);
    ++count;
    if (run.size() == run.capacity()) {
      index.protected_now.AddMany(run);
      run.clear();
    }
    n += 1 + gap(rng);
  }
  index.protected_now.AddMany(run);
  index.protected_now.Optimize();
  index.version = static_cast<int64_t>(count);
  const std::string path = dir + "/dnc/dnc-snapshot.bin";
  if (auto s = quell::registry::internal::WriteSnapshot(index, path); !s.ok()) {
    std::cerr << s.message() << "\n";
    return 1;
  }
  // The store: the registry schema and a change feed that continues after the
  // snapshot's version.
  auto store = quell::store::Store::Open({.path = dir + "/quell.db"});
  if (!store) return std::cerr << store.status().message() << "\n", 1;
  quell::FakeClock clock;
  {
    quell::registry::Options o;
    auto reg = quell::registry::Registry::Open(**store, clock, o);
    if (!reg) return std::cerr << reg.status().message() << "\n", 1;
  }
  auto s = (*store)->Exec(
      "INSERT INTO dnc_history (version, number, kind, at, effective_at, channel, verification, "
      "actor, categories, allowed_hours) VALUES ($1, 8613000000000, 'preferences', 0, 0, 'import', "
      "'', 'generated snapshot', 0, 0)",
      {static_cast<int64_t>(count)});
  if (!s) return std::cerr << s.status().message() << "\n", 1;
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("snapshot: %llu numbers, %llu bytes of bitmaps, %.1f s, %s\n",
              static_cast<unsigned long long>(count),
              static_cast<unsigned long long>(index.protected_now.BytesInMemory()), secs,
              path.c_str());
  return 0;
}

int Memory(const std::string& dir) {
  auto store = quell::store::Store::Open({.path = dir + "/quell.db"});
  if (!store) return std::cerr << store.status().message() << "\n", 1;
  const int64_t before = RssKiB();
  const auto start = std::chrono::steady_clock::now();
  quell::registry::Options o;
  o.snapshot_dir = dir + "/dnc";
  auto reg = quell::registry::Registry::Open(**store, quell::Clock::Real(), o);
  if (!reg) return std::cerr << reg.status().message() << "\n", 1;
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const int64_t after = RssKiB();
  const auto stats = (*reg)->GetStats();
  const double bytes = static_cast<double>(after - before) * 1024.0;
  std::printf(
      "memory: %llu protected numbers, RSS growth %.1f MiB (%.3f bytes/number; bitmaps %.1f MiB), "
      "load %.2f s\n",
      static_cast<unsigned long long>(stats.protected_numbers), bytes / (1 << 20),
      bytes / static_cast<double>(stats.protected_numbers),
      static_cast<double>(stats.index_bytes) / (1 << 20), secs);
  return 0;
}

int Changes(const std::string& dir, int64_t count) {
  auto store = quell::store::Store::Open({.path = dir + "/quell.db", .synchronous = "normal"});
  if (!store) return std::cerr << store.status().message() << "\n", 1;
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<uint64_t> dist(kFirst, kLast);
  const int64_t now = quell::ToUnixMillis(quell::Clock::Real().Now());
  auto tx = (*store)->Begin();
  if (!tx) return std::cerr << tx.status().message() << "\n", 1;
  for (int64_t i = 0; i < count; ++i) {
    const bool remove = i % 4 == 3;
    auto s = (*tx)->Exec(
        "INSERT INTO dnc_history (number, kind, at, effective_at, channel, verification, actor, "
        "categories, allowed_hours) VALUES ($1, $2, $3, $4, 'carrier', 'carrier:bench', 'bench', "
        "0, 0)",
        {static_cast<int64_t>(dist(rng)), remove ? "remove" : "register", now - 86'400'000LL * 40,
         now - 86'400'000LL * 9});
    if (!s) return std::cerr << s.status().message() << "\n", 1;
  }
  if (auto s = (*tx)->Commit(); !s.ok()) return std::cerr << s.message() << "\n", 1;
  std::printf("changes: %lld appended after the snapshot\n", static_cast<long long>(count));
  return 0;
}

int List(const std::string& out, uint64_t count, double invalid, uint64_t seed) {
  quell::NumberPlan plan("CN", 1 << 20);
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<uint64_t> dist(13000000000, 19999999999);
  std::uniform_real_distribution<double> u(0, 1);
  std::ofstream f(out, std::ios::binary);
  f << "phone\n";
  std::string line;
  for (uint64_t i = 0; i < count; ++i) {
    line.clear();
    if (u(rng) < invalid) {
      line = std::to_string(rng() % 1000000);  // too short: invalid
    } else {
      uint64_t national = dist(rng);
      while (!plan.Classify(8600000000000 + national).valid) national = dist(rng);
      const std::string d = std::to_string(national);
      switch (rng() % 4) {
        case 0:
          line = "+86" + d;
          break;
        case 1:
          line = "+86 " + d.substr(0, 3) + " " + d.substr(3, 4) + " " + d.substr(7);
          break;
        case 2:
          line = d.substr(0, 3) + "-" + d.substr(3, 4) + "-" + d.substr(7);
          break;
        default:
          line = d;
      }
    }
    line.push_back('\n');
    f << line;
  }
  return f ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string cmd = argc > 1 ? argv[1] : "";
  const std::string dir = Arg(argc, argv, "--dir");
  if (cmd == "snapshot") {
    return Snapshot(dir, std::stoull(Arg(argc, argv, "--numbers", "100000000")),
                    std::stoull(Arg(argc, argv, "--seed", "1")));
  }
  if (cmd == "memory") return Memory(dir);
  if (cmd == "changes") return Changes(dir, std::stoll(Arg(argc, argv, "--count", "1000000")));
  if (cmd == "list") {
    return List(Arg(argc, argv, "--out"), std::stoull(Arg(argc, argv, "--count", "10000000")),
                std::stod(Arg(argc, argv, "--invalid", "0.01")),
                std::stoull(Arg(argc, argv, "--seed", "3")));
  }
  std::cerr << "usage: dnc_tool snapshot|memory|changes|list ... (see the source)\n";
  return 2;
}
