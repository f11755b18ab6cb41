// The ledger's load tool (bench/load/ledger.sh):
//
//   ledger_tool append --dir D [--rate 5000] [--seconds 60] [--threads 32]
//       Appends pre-signed organisation records at a steady rate (open loop: each
//       record has its scheduled time, and its latency counts from then, so a
//       stall is not hidden), each acknowledged durably. Prints the achieved rate,
//       p50/p99/max acknowledgement latency and records per fdatasync.
//   ledger_tool ceiling --dir D [--seconds 10] [--threads 64]
//       As fast as it goes: the ceiling rate.
//   ledger_tool fill --dir D --records N
//       Writes a ledger of N signed records straight to disk (for verify runs).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "quell/core/clock.h"
#include "quell/enforce/internal/ledger_format.h"
#include "quell/enforce/ledger.h"

using namespace quell;
using namespace quell::enforce;
using Steady = std::chrono::steady_clock;

namespace {

struct Args {
  std::string mode, dir;
  double rate = 5000;
  int seconds = 60;
  int threads = 32;
  long records = 0;
};

Args Parse(int argc, char** argv) {
  Args a;
  if (argc < 2) {
    std::fprintf(stderr, "usage: ledger_tool append|ceiling|fill --dir D [...]\n");
    std::exit(2);
  }
  a.mode = argv[1];
  for (int i = 2; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--dir")
      a.dir = v;
    else if (k == "--rate")
      a.rate = std::stod(v);
    else if (k == "--seconds")
      a.seconds = std::stoi(v);
    else if (k == "--threads")
      a.threads = std::stoi(v);
    else if (k == "--records")
      a.records = std::stol(v);
    else {
      std::fprintf(stderr, "unknown flag %s\n", k.c_str());
      std::exit(2);
    }
  }
  if (a.dir.empty()) {
    std::fprintf(stderr, "--dir is required\n");
    std::exit(2);
  }
  return a;
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             Clock::Real().Now().time_since_epoch())
      .count();
}

// A violation record of about the size real ones have (~300 bytes of payload).
std::string Payload(long i) {
  char buf[512];
  std::snprintf(buf, sizeof buf,
                R"({"type":"dnc_violation","caller_hash":"%032lx","callee_hash":"%032lx",)"
                R"("category":"real_estate","at":"2026-11-29T02:14:00Z","calls":%ld,)"
                R"("note":"marketing call to a number on the Do-Not-Call register, seen in CDRs"})",
                i * 7919, i * 104729, i % 97);
  return buf;
}

std::vector<LedgerEntry> PreSign(const SigningKey& key, long n, int64_t signed_ms) {
  std::vector<LedgerEntry> out(n);
  unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      for (long i = t; i < n; i += threads) out[i] = key.Sign("violation", Payload(i), signed_ms);
    });
  for (auto& th : pool) th.join();
  return out;
}

double Percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  std::size_t k = static_cast<std::size_t>(p * (v.size() - 1));
  std::nth_element(v.begin(), v.begin() + k, v.end());
  return v[k];
}

int Append(const Args& a, bool paced) {
  std::filesystem::remove_all(a.dir);
  auto ledger = Ledger::Open({.dir = a.dir}, Clock::Real());
  if (!ledger) {
    std::fprintf(stderr, "%s\n", ledger.status().message().c_str());
    return 1;
  }
  SigningKey key = SigningKey::Generate("bench-carrier/1");
  if (!(*ledger)->AddKey(key.key_id(), "bench-carrier", key.public_key()).has_value()) return 1;
  long n = paced ? static_cast<long>(a.rate * a.seconds) : static_cast<long>(60000 * a.seconds);
  std::fprintf(stderr, "signing %ld records...\n", n);
  std::vector<LedgerEntry> entries = PreSign(key, n, NowMs());
  std::vector<double> latency_ms(n, -1);
  std::atomic<long> next{0};
  std::atomic<long> failures{0};
  Ledger::Stats before = (*ledger)->stats();
  auto start = Steady::now() + std::chrono::milliseconds(100);
  auto deadline = start + std::chrono::seconds(a.seconds);
  std::vector<std::thread> pool;
  for (int t = 0; t < a.threads; ++t) {
    pool.emplace_back([&] {
      for (;;) {
        long i = next.fetch_add(1);
        if (i >= n) return;
        Steady::time_point due =
            paced ? start + std::chrono::nanoseconds(static_cast<int64_t>(i * 1e9 / a.rate))
                  : Steady::now();
        if (!paced && due >= deadline) return;
        std::this_thread::sleep_until(due);
        auto r = (*ledger)->Append(entries[i]);
        if (!r.has_value()) ++failures;
        latency_ms[i] = std::chrono::duration<double, std::milli>(Steady::now() - due).count();
      }
    });
  }
  for (auto& th : pool) th.join();
  double elapsed = std::chrono::duration<double>(Steady::now() - start).count();
  Ledger::Stats after = (*ledger)->stats();
  std::vector<double> done;
  for (double l : latency_ms)
    if (l >= 0) done.push_back(l);
  uint64_t appended = after.appends - before.appends;
  uint64_t syncs = after.syncs - before.syncs;
  double p50 = Percentile(done, 0.5), p99 = Percentile(done, 0.99);
  double max = done.empty() ? 0 : *std::max_element(done.begin(), done.end());
  std::printf(
      "%s: %lu records in %.2f s = %.0f records/s (target %s), failures %ld\n"
      "  acknowledgement latency (durable): p50 %.2f ms, p99 %.2f ms, max %.2f ms\n"
      "  fdatasync calls %lu: %.1f records per sync; ledger %lu bytes (%.0f B/record)\n",
      paced ? "steady" : "ceiling", static_cast<unsigned long>(appended), elapsed,
      appended / elapsed, paced ? (std::to_string(static_cast<int>(a.rate)) + "/s").c_str() : "max",
      failures.load(), p50, p99, max, static_cast<unsigned long>(syncs),
      syncs ? static_cast<double>(appended) / syncs : 0.0, static_cast<unsigned long>(after.bytes),
      appended ? static_cast<double>(after.bytes) / (appended + 2) : 0.0);
  return failures.load() == 0 ? 0 : 1;
}

// A ledger file of N records written directly (the same bytes the ledger would
// write), for verification runs: genesis, one organisation key, N-2 records.
int Fill(const Args& a) {
  std::filesystem::remove_all(a.dir);
  std::filesystem::create_directories(a.dir);
  SigningKey op = SigningKey::Generate("operator/1");
  SigningKey org = SigningKey::Generate("bench-carrier/1");
  int64_t now = NowMs();
  std::vector<LedgerEntry> entries;
  entries.push_back(op.Sign("genesis",
                            R"({"key_id":"operator/1","organisation":"bench","public_key":")" +
                                EncodeKey(op.public_key()) + "\"}",
                            now));
  entries.push_back(
      op.Sign("key",
              R"({"key_id":"bench-carrier/1","organisation":"bench-carrier","public_key":")" +
                  EncodeKey(org.public_key()) + "\"}",
              now));
  std::fprintf(stderr, "signing %ld records...\n", a.records);
  std::vector<LedgerEntry> rest = PreSign(org, std::max(0L, a.records - 2), now);
  entries.insert(entries.end(), std::make_move_iterator(rest.begin()),
                 std::make_move_iterator(rest.end()));
  std::ofstream out(a.dir + "/ledger.qlg", std::ios::binary | std::ios::trunc);
  out << internal::kFileMagic;
  Hash prev{};
  for (std::size_t i = 0; i < entries.size(); ++i) {
    std::string body = internal::EncodeBody(i + 1, now, prev, entries[i]);
    prev = internal::HashBody(body);
    out << internal::Frame(body);
  }
  out.close();
  std::printf("wrote %zu records to %s/ledger.qlg (%ju bytes); operator key %s\n", entries.size(),
              a.dir.c_str(),
              static_cast<uintmax_t>(std::filesystem::file_size(a.dir + "/ledger.qlg")),
              EncodeKey(op.public_key()).c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Args a = Parse(argc, argv);
  if (a.mode == "append") return Append(a, true);
  if (a.mode == "ceiling") return Append(a, false);
  if (a.mode == "fill") return Fill(a);
  std::fprintf(stderr, "unknown mode %s\n", a.mode.c_str());
  return 2;
}
