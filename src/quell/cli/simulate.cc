// `quell simulate`: labelled synthetic call records for evaluating detection
// (docs/simulation.md); `quell eval`: replays them through the detection
// engine with the [detect] thresholds and scores its findings against the truth.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "quell/cli/commands.h"
#include "quell/cli/common.h"
#include "quell/cli/detect_config.h"
#include "quell/cli/progress.h"
#include "quell/core/number_plan.h"
#include "quell/sim/evaluator.h"
#include "quell/sim/scenario.h"
#include "quell/sim/simulator.h"

namespace quell::cli {
namespace {

struct SimulateFlags {
  int64_t subscribers = 1'000'000;
  double hours = 24;
  uint64_t seed = 1;
  std::string start = "2026-11-02T00:00:00+08:00";
  double perturb = 0;
  int campaigns = 200;
  int hv_callers = 1000;
  int bursts = 20;
  std::string out, truth;
};

std::string WithCommas(uint64_t v) {
  std::string s = std::to_string(v);
  for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3)
    s.insert(static_cast<std::size_t>(i), ",");
  return s;
}

int Run(const SimulateFlags& f) {
  sim::ScenarioParams p;
  p.subscribers = f.subscribers;
  p.hours = f.hours;
  p.seed = f.seed;
  p.campaigns_per_kind = f.campaigns;
  p.hv_callers = f.hv_callers;
  p.legit_bursts = f.bursts;
  if (Status s = sim::SetStart(f.start, &p); !s.ok()) {
    PrintError(s.WithContext("--start"));
    return kExitUsage;
  }
  if (f.perturb != 0) {
    auto perturbed = sim::Perturb(p, f.perturb);
    if (!perturbed) {
      PrintError(perturbed.status());
      return kExitUsage;
    }
    p = *perturbed;
  }
  if (Status s = sim::Validate(p); !s.ok()) {
    PrintError(s);
    return kExitUsage;
  }
  std::ofstream cdr_file, truth_file;
  std::ostream* cdr = &std::cout;
  if (f.out != "-") {
    cdr_file.open(f.out, std::ios::binary | std::ios::trunc);
    if (!cdr_file) return PrintError(InvalidArgument("cannot write " + f.out)), kExitFailure;
    cdr = &cdr_file;
  }
  truth_file.open(f.truth, std::ios::binary | std::ios::trunc);
  if (!truth_file) return PrintError(InvalidArgument("cannot write " + f.truth)), kExitFailure;

  // Progress in thousandths of the simulated period.
  Progress progress("simulate", 1000);
  int64_t rows_done = 0;
  auto summary = sim::Simulate(p, *cdr, truth_file, [&](double done, int64_t rows) {
    progress.Update(static_cast<uint64_t>(done * 1000), rows);
    rows_done = rows;
  });
  if (!summary) {
    PrintError(summary.status());
    return kExitFailure;
  }
  progress.Done(rows_done);
  cdr_file.close();
  truth_file.close();
  if ((f.out != "-" && !cdr_file) || !truth_file) {
    PrintError(Internal("closing the output files failed"));
    return kExitFailure;
  }
  // With the CDR on standard output the summary goes to standard error.
  std::ostream& report = f.out == "-" ? std::cerr : std::cout;
  report << "simulated " << WithCommas(static_cast<uint64_t>(p.subscribers)) << " subscribers, "
         << p.hours << " h from " << f.start << " (seed " << p.seed
         << (f.perturb != 0 ? ", perturbed " + std::to_string(f.perturb) : std::string()) << ")\n"
         << "cdr:   " << WithCommas(static_cast<uint64_t>(summary->rows)) << " rows, "
         << WithCommas(summary->cdr_bytes) << " bytes -> " << f.out << "\n"
         << "truth: " << WithCommas(static_cast<uint64_t>(summary->truth_rows)) << " numbers, "
         << WithCommas(summary->truth_bytes) << " bytes -> " << f.truth << "\n"
         << "  ordinary                 "
         << WithCommas(static_cast<uint64_t>(summary->ordinary_calls)) << " calls\n";
  for (std::size_t k = 0; k < sim::kKindCount; ++k) {
    char line[120];
    std::snprintf(
        line, sizeof line, "  %-18s %6lld %s  %s calls\n",
        std::string(sim::Name(static_cast<sim::Kind>(k))).c_str(),
        static_cast<long long>(summary->campaigns[k]),
        k == static_cast<std::size_t>(sim::Kind::kLegitHighVolume) ? "callers  " : "campaigns",
        WithCommas(static_cast<uint64_t>(summary->calls[k])).c_str());
    report << line;
  }
  return kExitOk;
}

}  // namespace

struct EvalFlags {
  CommonFlags common;
  std::string cdr, truth, json;
};

int Eval(const EvalFlags& f) {
  auto env = LoadEnvironment(f.common);
  if (!env) {
    PrintError(env.status());
    return kExitUsage;
  }
  auto config = DetectConfigFrom(*env);
  if (!config) {
    PrintError(config.status());
    return kExitUsage;
  }
  std::ifstream cdr(f.cdr, std::ios::binary), truth(f.truth, std::ios::binary);
  if (!cdr || !truth) {
    PrintError(NotFound("cannot read " + (!cdr ? f.cdr : f.truth)));
    return kExitFailure;
  }
  const uint64_t size = FileSize(cdr);
  NumberPlan plan(env->region);
  Progress progress("eval " + f.cdr, size);
  auto report = sim::Evaluate(cdr, truth, plan, *config,
                              [&](uint64_t read, int64_t rows) { progress.Update(read, rows); });
  if (!report) {
    PrintError(report.status());
    return kExitFailure;
  }
  progress.Done(report->events + report->bad_rows);
  std::cout << report->ToTable();
  if (!f.json.empty()) {
    std::ofstream out(f.json);
    out << report->ToJson() << "\n";
    if (!out) {
      PrintError(Internal("cannot write " + f.json));
      return kExitFailure;
    }
  }
  return kExitOk;
}

void AddSimCommands(CLI::App& app, Action* action) {
  {
    auto f = std::make_shared<EvalFlags>();
    CLI::App* sub = app.add_subcommand(
        "eval", "Replay simulated call records through detection and score it against the truth");
    AddCommon(sub, &f->common);
    sub->add_option("--cdr", f->cdr, "CDR CSV written by quell simulate")->required();
    sub->add_option("--truth", f->truth, "Truth CSV written by quell simulate")->required();
    sub->add_option("--json", f->json, "Also write the scores as JSON to this file");
    sub->final_callback([=] { *action = [=] { return Eval(*f); }; });
  }

  auto f = std::make_shared<SimulateFlags>();
  CLI::App* sub = app.add_subcommand(
      "simulate", "Generate labelled call records (CDR CSV) and their truth file for evaluation");
  sub->add_option("--subscribers", f->subscribers, "Subscribers of the simulated network")
      ->capture_default_str();
  sub->add_option("--hours", f->hours, "Length of the simulated period")->capture_default_str();
  sub->add_option("--seed", f->seed, "Random seed: same seed and flags, same bytes")
      ->capture_default_str();
  sub->add_option("--start", f->start, "Start time, RFC 3339; its offset is the local time")
      ->capture_default_str();
  sub->add_option("--perturb", f->perturb,
                  "Scale every model parameter by a factor in [1-F, 1+F] drawn from the seed")
      ->capture_default_str();
  sub->add_option("--campaigns", f->campaigns, "Campaigns of each nuisance kind")
      ->capture_default_str();
  sub->add_option("--hv-callers", f->hv_callers, "Legitimate high-volume callers")
      ->capture_default_str();
  sub->add_option("--bursts", f->bursts, "Legitimate alerting bursts (school, utility)")
      ->capture_default_str();
  sub->add_option("--out", f->out, "CDR CSV to write, or - for standard output")->required();
  sub->add_option("--truth", f->truth, "Truth CSV to write")->required();
  sub->final_callback([=] { *action = [=] { return Run(*f); }; });
}

}  // namespace quell::cli
