// CDR ingest (events/cdr_reader.h): rows per second on one core for CSV and
// JSON lines, 100,000 generated rows of a typical shape, numbers written in
// mixed forms (E.164, "+86 138 0013 8000", "138-0013-8000", "010 6552 9988"),
// 1 % bad rows. `quell ingest` aims at 10^6 rows/s end to end with detection,
// so the reader alone should do well over 2 * 10^6.
#include <random>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "quell/core/number_plan.h"
#include "quell/events/cdr_reader.h"

namespace {

using quell::events::CallEvent;
using quell::events::CdrFormat;
using quell::events::CdrReader;

constexpr int kRows = 100'000;
constexpr std::size_t kChunk = 64 * 1024;

const quell::NumberPlan& Plan() {
  static const quell::NumberPlan* plan = new quell::NumberPlan("CN");
  return *plan;
}

// A number as switches write them: a mobile of a few busy segments, or a
// Beijing or Shanghai fixed line.
std::string Number(std::mt19937_64& rng) {
  static const char* kSegments[] = {"138", "139", "135", "186", "150", "177", "199", "131"};
  const uint64_t pick = rng() % 10;
  if (pick < 2) {
    const char* area = pick == 0 ? "10" : "21";
    const std::string rest = std::to_string(20'000'000 + rng() % 70'000'000);
    switch (rng() % 3) {
      case 0:
        return std::string("0") + area + " " + rest.substr(0, 4) + " " + rest.substr(4);
      case 1:
        return std::string("+86") + area + rest;
      default:
        return std::string("0") + area + "-" + rest;
    }
  }
  const std::string nsn =
      kSegments[rng() % std::size(kSegments)] + std::to_string(10'000'000 + rng() % 90'000'000);
  switch (rng() % 4) {
    case 0:
      return "+86" + nsn;
    case 1:
      return "+86 " + nsn.substr(0, 3) + " " + nsn.substr(3, 4) + " " + nsn.substr(7);
    case 2:
      return nsn.substr(0, 3) + "-" + nsn.substr(3, 4) + "-" + nsn.substr(7);
    default:
      return nsn;
  }
}

struct Row {
  std::string time, caller, callee, kind, answered, ring_ms, talk_ms, cause, call_id, trunk;
};

std::vector<Row> Rows() {
  std::mt19937_64 rng(7);
  std::vector<Row> rows;
  int64_t t = 1'795'939'200;
  for (int i = 0; i < kRows; ++i) {
    t += static_cast<int64_t>(rng() % 3);
    Row r;
    const int64_t local = t + 8 * 3600;  // written in Beijing time, +08:00
    const int64_t days = local / 86400, secs = local % 86400;
    // 2026-11-29 is day 20,786; rows span a few days of November and December.
    const int day = 29 + static_cast<int>(days - 20'786);
    char buf[64];
    std::snprintf(buf, sizeof(buf), "2026-%s-%02dT%02d:%02d:%02d.%03d+08:00",
                  day > 30 ? "12" : "11", day > 30 ? day - 30 : day, static_cast<int>(secs / 3600),
                  static_cast<int>(secs / 60 % 60), static_cast<int>(secs % 60),
                  static_cast<int>(rng() % 1000));
    r.time = buf;
    r.caller = Number(rng);
    r.callee = Number(rng);
    const bool answered = rng() % 3 != 0;
    r.kind = "completed";
    r.answered = answered ? "1" : "0";
    r.ring_ms = std::to_string(1000 + rng() % 20'000);
    r.talk_ms = answered ? std::to_string(rng() % 600'000) : "0";
    r.cause = answered ? "16" : "19";
    r.call_id = std::to_string(rng()) + "@sbc1.example.net";
    r.trunk = "TRUNK-BJ-0" + std::to_string(rng() % 8);
    if (i % 100 == 50) {  // 1 % bad rows, of three kinds
      switch (i / 100 % 3) {
        case 0:
          r.time = "2026-11-29 08:00";
          break;
        case 1:
          r.callee = "unknown";
          break;
        default:
          r.kind = "setup";
          break;
      }
    }
    rows.push_back(std::move(r));
  }
  return rows;
}

const std::string& CsvInput() {
  static const std::string* input = [] {
    auto* s = new std::string(
        "time,caller,callee,kind,answered,ring_ms,talk_ms,release_cause,call_id,trunk\n");
    for (const Row& r : Rows()) {
      *s += r.time + "," + r.caller + "," + r.callee + "," + r.kind + "," + r.answered + "," +
            r.ring_ms + "," + r.talk_ms + "," + r.cause + "," + r.call_id + "," + r.trunk + "\n";
    }
    return s;
  }();
  return *input;
}

const std::string& JsonlInput() {
  static const std::string* input = [] {
    auto* s = new std::string();
    for (const Row& r : Rows()) {
      *s += "{\"time\":\"" + r.time + "\",\"caller\":\"" + r.caller + "\",\"callee\":\"" +
            r.callee + "\",\"kind\":\"" + r.kind + "\",\"answered\":" + r.answered +
            ",\"ring_ms\":" + r.ring_ms + ",\"talk_ms\":" + r.talk_ms +
            ",\"release_cause\":" + r.cause + ",\"call_id\":\"" + r.call_id + "\",\"trunk\":\"" +
            r.trunk + "\"}\n";
    }
    return s;
  }();
  return *input;
}

// One pass over the input in 64 KiB chunks, as `quell ingest` reads stdin.
uint64_t ReadOnce(CdrFormat format, std::string_view input, std::vector<CallEvent>& events) {
  CdrReader reader(Plan(), format);
  for (std::size_t at = 0; at < input.size(); at += kChunk) {
    reader.Feed(input.substr(at, kChunk), events);
    benchmark::DoNotOptimize(events.data());
    events.clear();
  }
  reader.Finish(events);
  events.clear();
  if (reader.stats().bad != kRows / 100) std::abort();  // the input is what we meant
  return reader.stats().events + reader.stats().bad;
}

void Run(benchmark::State& state, CdrFormat format, const std::string& input) {
  std::vector<CallEvent> events;
  events.reserve(kChunk / 64);
  ReadOnce(format, input, events);  // fills the number plan's cache, as a running node has
  uint64_t rows = 0;
  for (auto _ : state) rows += ReadOnce(format, input, events);
  state.SetItemsProcessed(static_cast<int64_t>(rows));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * input.size()));
  state.counters["rows/s"] =
      benchmark::Counter(static_cast<double>(rows), benchmark::Counter::kIsRate);
}

void BM_CdrCsv(benchmark::State& state) { Run(state, CdrFormat::kCsv, CsvInput()); }
BENCHMARK(BM_CdrCsv)->Unit(benchmark::kMillisecond);

void BM_CdrJsonl(benchmark::State& state) { Run(state, CdrFormat::kJsonLines, JsonlInput()); }
BENCHMARK(BM_CdrJsonl)->Unit(benchmark::kMillisecond);

}  // namespace
