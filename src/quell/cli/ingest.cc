// `quell ingest FILE|-`: call records into the detection engine, findings into
// the store. The engine's windows live for the run (a day's file replays in
// seconds, with the findings it would have raised live); the server keeps its
// own windows over what reaches it (screened calls, POST /api/v1/events).
#include <array>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <fstream>
#include <iostream>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>

#include "quell/cli/commands.h"
#include "quell/cli/common.h"
#include "quell/cli/detect_config.h"
#include "quell/cli/progress.h"
#include "quell/core/number_plan.h"
#include "quell/detect/engine.h"
#include "quell/detect/findings.h"
#include "quell/events/cdr_reader.h"
#include "quell/reputation/reputation.h"
#include "quell/screen/shaken_evidence.h"

namespace quell::cli {
namespace {

constexpr std::size_t kChunk = 1 << 20;

struct IngestFlags {
  CommonFlags common;
  std::string in;
  std::string format;  // "" = from the file name or its first bytes
  bool dry_run = false;
};

// Counts new findings per detector on their way to the store.
class CountingSink : public detect::FindingSink {
 public:
  explicit CountingSink(detect::FindingSink* next) : next_(next) {}
  void OnFinding(const detect::Finding& f) override {
    if (f.updates == 0) ++counts_[static_cast<std::size_t>(f.detector)];
    if (next_ != nullptr) next_->OnFinding(f);
  }
  const std::array<uint64_t, detect::kDetectorCount>& counts() const { return counts_; }

 private:
  detect::FindingSink* next_;
  std::array<uint64_t, detect::kDetectorCount> counts_{};
};

// Batches of events from the reading thread to the detecting thread: parsing
// and detection each take about a core, and run side by side.
class BatchQueue {
 public:
  explicit BatchQueue(std::size_t depth) : depth_(depth) {}
  void Push(std::vector<events::CallEvent> batch) {
    std::unique_lock lock(mu_);
    not_full_.wait(lock, [&] { return queue_.size() < depth_; });
    queue_.push_back(std::move(batch));
    not_empty_.notify_one();
  }
  void Close() {
    std::lock_guard lock(mu_);
    closed_ = true;
    not_empty_.notify_all();
  }
  // False once closed and drained.
  bool Pop(std::vector<events::CallEvent>& out) {
    std::unique_lock lock(mu_);
    not_empty_.wait(lock, [&] { return !queue_.empty() || closed_; });
    if (queue_.empty()) return false;
    out = std::move(queue_.front());
    queue_.pop_front();
    not_full_.notify_one();
    return true;
  }

 private:
  const std::size_t depth_;
  std::mutex mu_;
  std::condition_variable not_full_, not_empty_;
  std::deque<std::vector<events::CallEvent>> queue_;
  bool closed_ = false;
};

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

int Ingest(const IngestFlags& f) {
  auto opened = Open(f.common);
  if (!opened) {
    PrintError(opened.status());
    return kExitFailure;
  }
  auto config = DetectConfigFrom(opened->env);
  if (!config) {
    PrintError(config.status());
    return kExitUsage;
  }
  std::optional<events::CdrFormat> format;
  if (!f.format.empty()) {
    format = events::CdrFormatFromName(f.format);
    if (!format) {
      PrintError(InvalidArgument("--format must be csv or jsonl, not '" + f.format + "'"));
      return kExitUsage;
    }
  } else if (EndsWith(f.in, ".jsonl") || EndsWith(f.in, ".ndjson")) {
    format = events::CdrFormat::kJsonLines;
  } else if (EndsWith(f.in, ".csv")) {
    format = events::CdrFormat::kCsv;
  }

  std::ifstream file;
  std::istream* in = &std::cin;
  uint64_t size = 0;
  if (f.in != "-") {
    file.open(f.in, std::ios::binary);
    if (!file) {
      PrintError(NotFound("cannot read " + f.in));
      return kExitFailure;
    }
    size = FileSize(file);
    in = &file;
  }

  // Findings are stored, and become evidence for number reputation, as in the
  // server; so do calls whose caller failed authentication. The server's
  // reputation counts them at its daily rescore or next start.
  std::unique_ptr<reputation::EvidenceRecorder> evidence;
  std::unique_ptr<detect::FindingStore> store;
  if (!f.dry_run) {
    auto r = reputation::EvidenceRecorder::Open(*opened->store, Clock::Real());
    if (!r) {
      PrintError(r.status());
      return kExitFailure;
    }
    evidence = std::move(*r);
    auto s = detect::FindingStore::Open(*opened->store, Clock::Real(), 1 << 20, evidence.get());
    if (!s) {
      PrintError(s.status());
      return kExitFailure;
    }
    store = std::move(*s);
  }
  screen::ShakenEvidence shaken_failures(evidence.get());
  CountingSink sink(store.get());
  NumberPlan plan(opened->env.region, kBulkPlanSlots);
  WarmPlan(plan, opened->env);
  detect::Engine engine(plan, std::move(*config), &sink);

  std::vector<char> buf(kChunk);
  std::vector<events::CallEvent> batch;
  BatchQueue queue(4);
  std::thread detection([&] {
    std::vector<events::CallEvent> b;
    while (queue.Pop(b)) {
      engine.Process(std::span<const events::CallEvent>(b));
      for (const events::CallEvent& e : b) shaken_failures.Publish(e);
    }
  });
  std::unique_ptr<events::CdrReader> reader;
  std::string head;  // bytes held back until the format is known
  uint64_t read = 0;
  const auto start = std::chrono::steady_clock::now();
  Progress progress("ingest " + f.in, size);
  auto hand_over = [&] {
    if (batch.empty()) return;
    queue.Push(std::move(batch));
    batch = {};
  };
  auto feed = [&](std::string_view chunk) {
    reader->Feed(chunk, batch);
    // The numbering plan's verdicts on the callers, which detection needs,
    // are looked up here, on the parsing thread: a number block seen for the
    // first time costs libphonenumber tens of microseconds, and detection
    // then finds it in the plan's (shared) cache.
    for (const events::CallEvent& e : batch) plan.Classify(e.caller);
    hand_over();
  };
  while (*in) {
    in->read(buf.data(), static_cast<std::streamsize>(buf.size()));
    const std::size_t n = static_cast<std::size_t>(in->gcount());
    if (n == 0) break;
    read += n;
    std::string_view chunk(buf.data(), n);
    if (!reader) {
      if (!format) {
        head.append(chunk);
        format = events::DetectCdrFormat(head);
        if (!format) continue;
        chunk = head;
      }
      reader = std::make_unique<events::CdrReader>(plan, *format);
    }
    feed(chunk);
    head.clear();
    progress.Update(read, static_cast<int64_t>(reader->stats().events + reader->stats().bad));
  }
  if (!reader)
    reader = std::make_unique<events::CdrReader>(plan, format.value_or(events::CdrFormat::kCsv));
  if (!head.empty()) feed(head);
  reader->Finish(batch);
  hand_over();
  queue.Close();
  detection.join();
  engine.FlushUpdates();
  const events::CdrStats& st = reader->stats();
  progress.Done(static_cast<int64_t>(st.events + st.bad));
  KeepPlan(plan, opened->env);
  if (store) {
    Status s = store->Flush();
    if (s.ok()) s = evidence->Flush();
    if (!s.ok()) {
      PrintError(s);
      return kExitFailure;
    }
  }
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  for (const events::CdrError& e : reader->errors()) {
    std::cerr << f.in << ": " << e.ToString() << "\n";
  }
  if (st.bad > reader->errors().size()) {
    std::cerr << f.in << ": ... and " << st.bad - reader->errors().size() << " more bad rows\n";
  }
  const auto engine_stats = engine.stats();
  std::printf(
      "ingested %llu events from %s in %.1f s (%.0f rows/s): %llu bad rows, %llu "
      "unknown callers, %llu CDRs joined to their attempt\n",
      static_cast<unsigned long long>(st.events), f.in.c_str(), secs,
      secs > 0 ? (st.events + st.bad) / secs : 0.0, static_cast<unsigned long long>(st.bad),
      static_cast<unsigned long long>(st.invalid_caller),
      static_cast<unsigned long long>(engine_stats.joined));
  std::printf("findings%s:", f.dry_run ? " (not stored: --dry-run)" : "");
  for (std::size_t d = 0; d < detect::kDetectorCount; ++d) {
    std::printf(" %s %llu", std::string(detect::Name(static_cast<detect::Detector>(d))).c_str(),
                static_cast<unsigned long long>(sink.counts()[d]));
  }
  std::printf("\n");
  if (evidence) {
    std::printf("evidence for number reputation: %lld records\n",
                static_cast<long long>(evidence->written()));
  }
  if (!reader->status().ok() || st.events == 0) {
    PrintError(reader->status().ok() ? InvalidArgument(f.in + ": no good row") : reader->status());
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace

void AddIngestCommands(CLI::App& app, Action* action) {
  auto f = std::make_shared<IngestFlags>();
  CLI::App* sub = app.add_subcommand(
      "ingest", "Read call records (CSV or JSON lines) into behavioural detection");
  AddCommon(sub, &f->common);
  sub->add_option("file", f->in, "CDR file (docs/formats/cdr.md), or - for standard input")
      ->required();
  sub->add_option("--format", f->format, "csv or jsonl (default: from the name or the content)");
  sub->add_flag("--dry-run", f->dry_run, "Detect but do not store the findings");
  sub->final_callback([=] { *action = [=] { return Ingest(*f); }; });
}

}  // namespace quell::cli
