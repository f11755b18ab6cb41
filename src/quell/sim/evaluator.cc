#include "quell/sim/evaluator.h"

#include <absl/container/flat_hash_map.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>

#include "quell/core/number_plan.h"
#include "quell/core/phone_number.h"
#include "quell/events/cdr_reader.h"

namespace quell::sim {
namespace {

constexpr std::array<std::string_view, 7> kNuisanceKinds = {
    "marketing", "robocall", "robocall_rotating", "bombing", "one_ring", "simbox", "spoofing"};
constexpr int64_t kNever = std::numeric_limits<int64_t>::max();

struct Campaign {
  int kind = -1;  // index into kNuisanceKinds; -1 legitimate (legit_hv, legit_burst)
  std::vector<int64_t> call_times;
  int64_t first_finding_us = kNever;
  int64_t numbers = 0;
};

struct NumberTruth {
  int campaign = -1;
  bool victim = false;
};

struct Flag {
  int64_t first_us = kNever;  // first caller-role finding (blocks its calls)
  uint8_t detectors = 0;      // bit per detector
  std::string first_reason;
};

double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

std::vector<std::string_view> Split(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (;;) {
    const std::size_t comma = line.find(',', start);
    out.push_back(line.substr(start, comma == std::string_view::npos ? comma : comma - start));
    if (comma == std::string_view::npos) return out;
    start = comma + 1;
  }
}

class Scorer : public detect::FindingSink {
 public:
  Scorer(std::vector<Campaign>& campaigns, absl::flat_hash_map<uint64_t, NumberTruth>& truth,
         absl::flat_hash_map<uint64_t, Flag>& flags)
      : campaigns_(campaigns), truth_(truth), flags_(flags) {}

  void OnFinding(const detect::Finding& f) override {
    if (f.updates != 0) return;
    Flag& flag = flags_[f.number];
    flag.detectors |= static_cast<uint8_t>(1u << static_cast<unsigned>(f.detector));
    if (f.role == detect::Role::kCaller && f.first_seen_us < flag.first_us) {
      flag.first_us = f.first_seen_us;
      flag.first_reason = std::string(detect::Name(f.detector)) + ": " + f.reason;
    }
    if (flag.first_reason.empty())
      flag.first_reason = std::string(detect::Name(f.detector)) + ": " + f.reason;
    auto it = truth_.find(f.number);
    if (it == truth_.end()) return;
    Campaign& c = campaigns_[static_cast<std::size_t>(it->second.campaign)];
    if (c.kind >= 0) c.first_finding_us = std::min(c.first_finding_us, f.first_seen_us);
  }

 private:
  std::vector<Campaign>& campaigns_;
  absl::flat_hash_map<uint64_t, NumberTruth>& truth_;
  absl::flat_hash_map<uint64_t, Flag>& flags_;
};

}  // namespace

Result<EvalReport> Evaluate(std::istream& cdr, std::istream& truth, const NumberPlan& plan,
                            const detect::EngineConfig& config, const EvalProgressFn& progress) {
  const auto start = std::chrono::steady_clock::now();
  EvalReport report;
  // The truth: numbers -> campaign.
  std::vector<Campaign> campaigns;
  absl::flat_hash_map<std::string, int> campaign_ids;
  absl::flat_hash_map<uint64_t, NumberTruth> numbers;
  std::vector<uint64_t> hv_numbers;
  std::string line;
  if (!std::getline(truth, line) || line.rfind("campaign,kind,role,number", 0) != 0) {
    return InvalidArgument("truth: the header must start campaign,kind,role,number");
  }
  for (int n = 2; std::getline(truth, line); ++n) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    const auto fields = Split(line);
    if (fields.size() < 4)
      return InvalidArgument("truth line " + std::to_string(n) + ": too few columns");
    const std::string id(fields[0]);
    auto [it, inserted] = campaign_ids.emplace(id, static_cast<int>(campaigns.size()));
    if (inserted) {
      Campaign c;
      const auto k = std::find(kNuisanceKinds.begin(), kNuisanceKinds.end(), fields[1]);
      c.kind = k == kNuisanceKinds.end() ? -1 : static_cast<int>(k - kNuisanceKinds.begin());
      if (c.kind < 0 && fields[1].rfind("legit", 0) != 0) {
        return InvalidArgument("truth line " + std::to_string(n) + ": unknown kind '" +
                               std::string(fields[1]) + "'");
      }
      campaigns.push_back(std::move(c));
    }
    const uint64_t number = plan.ToCompact(fields[3]);
    Campaign& c = campaigns[static_cast<std::size_t>(it->second)];
    ++c.numbers;
    if (number == 0) {
      if (c.kind >= 0) ++report.unattributed_campaign_numbers;
      continue;
    }
    numbers[number] = NumberTruth{it->second, fields[2] == "victim"};
    if (c.kind < 0) hv_numbers.push_back(number);
  }

  absl::flat_hash_map<uint64_t, Flag> flags;
  Scorer scorer(campaigns, numbers, flags);
  detect::Engine engine(plan, config, &scorer);

  // The replay: a batch through the engine, then each call of the batch is
  // attributed and checked against the flags raised so far (by time).
  std::vector<events::CallEvent> batch;
  auto attribute = [&] {
    engine.Process(std::span<const events::CallEvent>(batch));
    for (const events::CallEvent& e : batch) {
      // A campaign's calls are its callers' (a bombing campaign's callers are
      // listed; others' calls to its victim are not the campaign's).
      int campaign = -1;
      if (auto it = numbers.find(e.caller); it != numbers.end() && !it->second.victim) {
        campaign = it->second.campaign;
      }
      if (campaign >= 0 && campaigns[static_cast<std::size_t>(campaign)].kind >= 0) {
        campaigns[static_cast<std::size_t>(campaign)].call_times.push_back(e.time_us);
        continue;
      }
      ++report.legit_calls;
      if (auto f = flags.find(e.caller); f != flags.end() && e.time_us > f->second.first_us) {
        ++report.fp_calls;
      }
    }
    batch.clear();
  };
  std::optional<events::CdrReader> reader;
  reader.emplace(plan, events::CdrFormat::kCsv);
  std::vector<char> buf(1 << 20);
  uint64_t read = 0;
  while (cdr) {
    cdr.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    const std::size_t n = static_cast<std::size_t>(cdr.gcount());
    if (n == 0) break;
    read += n;
    reader->Feed(std::string_view(buf.data(), n), batch);
    attribute();
    if (progress) progress(read, static_cast<int64_t>(reader->stats().events));
  }
  reader->Finish(batch);
  attribute();
  engine.FlushUpdates();
  if (!reader->status().ok()) return reader->status();
  report.events = static_cast<int64_t>(reader->stats().events);
  report.bad_rows = static_cast<int64_t>(reader->stats().bad);

  // Scores per kind.
  std::vector<std::vector<double>> to_calls(kNuisanceKinds.size()), to_secs(kNuisanceKinds.size());
  report.kinds.resize(kNuisanceKinds.size());
  for (std::size_t k = 0; k < kNuisanceKinds.size(); ++k) report.kinds[k].kind = kNuisanceKinds[k];
  for (Campaign& c : campaigns) {
    if (c.kind < 0 || c.call_times.empty()) continue;
    KindScore& s = report.kinds[static_cast<std::size_t>(c.kind)];
    std::sort(c.call_times.begin(), c.call_times.end());
    ++s.campaigns;
    s.calls += static_cast<int64_t>(c.call_times.size());
    if (c.first_finding_us == kNever) continue;
    ++s.detected;
    const auto after =
        std::upper_bound(c.call_times.begin(), c.call_times.end(), c.first_finding_us);
    s.calls_after += c.call_times.end() - after;
    to_calls[static_cast<std::size_t>(c.kind)].push_back(double(after - c.call_times.begin()));
    to_secs[static_cast<std::size_t>(c.kind)].push_back(
        double(c.first_finding_us - c.call_times.front()) / 1e6);
  }
  for (const auto& [number, t] : numbers) {
    const Campaign& c = campaigns[static_cast<std::size_t>(t.campaign)];
    if (c.kind < 0) continue;
    KindScore& s = report.kinds[static_cast<std::size_t>(c.kind)];
    ++s.numbers;
    if (flags.contains(number)) ++s.numbers_flagged;
  }
  for (std::size_t k = 0; k < kNuisanceKinds.size(); ++k) {
    KindScore& s = report.kinds[k];
    s.calls_stopped = s.calls > 0 ? double(s.calls_after) / s.calls : 0;
    s.number_recall = s.numbers > 0 ? double(s.numbers_flagged) / s.numbers : 0;
    s.median_calls_to_detect = Median(to_calls[k]);
    s.median_seconds_to_detect = Median(to_secs[k]);
  }

  // Precision, per detector and overall.
  report.detectors.resize(detect::kDetectorCount);
  for (std::size_t d = 0; d < detect::kDetectorCount; ++d) {
    report.detectors[d].detector = detect::Name(static_cast<detect::Detector>(d));
  }
  for (const auto& [number, flag] : flags) {
    auto t = numbers.find(number);
    const bool nuisance =
        t != numbers.end() && campaigns[static_cast<std::size_t>(t->second.campaign)].kind >= 0;
    const bool hv = t != numbers.end() && !nuisance;
    ++report.flagged;
    if (nuisance) ++report.true_positive;
    for (std::size_t d = 0; d < detect::kDetectorCount; ++d) {
      if ((flag.detectors & (1u << d)) == 0) continue;
      ++report.detectors[d].flagged;
      if (nuisance) ++report.detectors[d].true_positive;
      if (hv) ++report.detectors[d].hv_flagged;
    }
    if (!nuisance && report.false_positives.size() < 200) {
      auto n = PhoneNumber::FromCompact(number);
      report.false_positives.push_back((n ? n->E164() : std::to_string(number)) + " " +
                                       flag.first_reason);
    }
  }
  for (DetectorScore& d : report.detectors) {
    d.precision = d.flagged > 0 ? double(d.true_positive) / d.flagged : 1.0;
  }
  report.precision = report.flagged > 0 ? double(report.true_positive) / report.flagged : 1.0;
  report.fp_per_million_calls =
      report.legit_calls > 0 ? 1e6 * double(report.fp_calls) / report.legit_calls : 0;
  report.hv_callers = static_cast<int64_t>(hv_numbers.size());
  for (uint64_t n : hv_numbers) {
    if (flags.contains(n)) ++report.hv_flagged;
  }
  report.hv_fp_rate = report.hv_callers > 0 ? double(report.hv_flagged) / report.hv_callers : 0;
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

std::string EvalReport::ToTable() const {
  std::ostringstream o;
  char line[256];
  std::snprintf(line, sizeof line, "%-18s %9s %8s %10s %8s %10s %12s %12s\n", "kind", "campaigns",
                "detected", "calls", "stopped", "num.recall", "calls-to-det", "secs-to-det");
  o << line;
  for (const KindScore& k : kinds) {
    std::snprintf(line, sizeof line, "%-18s %9lld %8lld %10lld %8.3f %10.3f %12.1f %12.0f\n",
                  k.kind.c_str(), static_cast<long long>(k.campaigns),
                  static_cast<long long>(k.detected), static_cast<long long>(k.calls),
                  k.calls_stopped, k.number_recall, k.median_calls_to_detect,
                  k.median_seconds_to_detect);
    o << line;
  }
  o << "\n";
  std::snprintf(line, sizeof line, "%-10s %10s %10s %10s %10s\n", "detector", "flagged", "true-pos",
                "hv-flagged", "precision");
  o << line;
  for (const DetectorScore& d : detectors) {
    std::snprintf(line, sizeof line, "%-10s %10lld %10lld %10lld %10.4f\n", d.detector.c_str(),
                  static_cast<long long>(d.flagged), static_cast<long long>(d.true_positive),
                  static_cast<long long>(d.hv_flagged), d.precision);
    o << line;
  }
  std::snprintf(line, sizeof line,
                "\nflagged numbers %lld, precision %.4f\nfalse positives: %lld legitimate calls "
                "of %lld after a wrong finding = %.2f per million\nhigh-volume legitimate "
                "callers flagged: %lld of %lld = %.3f %%\n",
                static_cast<long long>(flagged), precision, static_cast<long long>(fp_calls),
                static_cast<long long>(legit_calls), fp_per_million_calls,
                static_cast<long long>(hv_flagged), static_cast<long long>(hv_callers),
                100 * hv_fp_rate);
  o << line;
  std::snprintf(line, sizeof line, "events %lld, bad rows %lld, replayed in %.1f s\n",
                static_cast<long long>(events), static_cast<long long>(bad_rows), seconds);
  o << line;
  if (unattributed_campaign_numbers > 0) {
    o << "campaign numbers that are not possible numbers (cannot be flagged): "
      << unattributed_campaign_numbers << "\n";
  }
  if (!false_positives.empty()) {
    o << "first false positives:\n";
    for (const std::string& f : false_positives) o << "  " << f << "\n";
  }
  return o.str();
}

std::string EvalReport::ToJson() const {
  nlohmann::json j;
  j["events"] = events;
  j["bad_rows"] = bad_rows;
  j["unattributed_campaign_numbers"] = unattributed_campaign_numbers;
  for (const KindScore& k : kinds) {
    j["kinds"][k.kind] = {{"campaigns", k.campaigns},
                          {"detected", k.detected},
                          {"calls", k.calls},
                          {"calls_after_first_finding", k.calls_after},
                          {"calls_stopped", k.calls_stopped},
                          {"numbers", k.numbers},
                          {"numbers_flagged", k.numbers_flagged},
                          {"number_recall", k.number_recall},
                          {"median_calls_to_detect", k.median_calls_to_detect},
                          {"median_seconds_to_detect", k.median_seconds_to_detect}};
  }
  for (const DetectorScore& d : detectors) {
    j["detectors"][d.detector] = {{"flagged", d.flagged},
                                  {"true_positive", d.true_positive},
                                  {"hv_flagged", d.hv_flagged},
                                  {"precision", d.precision}};
  }
  j["flagged"] = flagged;
  j["true_positive"] = true_positive;
  j["precision"] = precision;
  j["legit_calls"] = legit_calls;
  j["fp_calls"] = fp_calls;
  j["fp_per_million_calls"] = fp_per_million_calls;
  j["hv_callers"] = hv_callers;
  j["hv_flagged"] = hv_flagged;
  j["hv_fp_rate"] = hv_fp_rate;
  j["false_positives"] = false_positives;
  j["seconds"] = seconds;
  return j.dump(2);
}

}  // namespace quell::sim
