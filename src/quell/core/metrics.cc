#include "quell/core/metrics.h"

#include <memory>
#include <mutex>
#include <unordered_map>

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

namespace quell::metrics {
namespace {

struct Global {
  std::mutex mu;
  std::shared_ptr<prometheus::Registry> registry = std::make_shared<prometheus::Registry>();
  std::unordered_map<std::string, prometheus::Family<prometheus::Counter>*> counters;
  std::unordered_map<std::string, prometheus::Family<prometheus::Gauge>*> gauges;
  std::unordered_map<std::string, prometheus::Family<prometheus::Histogram>*> histograms;
};

Global& G() {
  static Global* g = new Global();  // never destroyed: handles may be used during exit
  return *g;
}

}  // namespace

void Counter::Inc(double v) { c_->Increment(v); }
double Counter::Value() const { return c_->Value(); }
void Gauge::Set(double v) { g_->Set(v); }
void Gauge::Inc(double v) { g_->Increment(v); }
void Gauge::Dec(double v) { g_->Decrement(v); }
double Gauge::Value() const { return g_->Value(); }
void Histogram::Observe(double v) { h_->Observe(v); }

Counter GetCounter(std::string_view name, std::string_view help, const Labels& labels) {
  Global& g = G();
  std::lock_guard lock(g.mu);
  auto& fam = g.counters[std::string(name)];
  if (!fam) {
    fam = &prometheus::BuildCounter()
               .Name(std::string(name))
               .Help(std::string(help))
               .Register(*g.registry);
  }
  return Counter(&fam->Add(labels));
}

Gauge GetGauge(std::string_view name, std::string_view help, const Labels& labels) {
  Global& g = G();
  std::lock_guard lock(g.mu);
  auto& fam = g.gauges[std::string(name)];
  if (!fam) {
    fam = &prometheus::BuildGauge()
               .Name(std::string(name))
               .Help(std::string(help))
               .Register(*g.registry);
  }
  return Gauge(&fam->Add(labels));
}

Histogram GetHistogram(std::string_view name, std::string_view help,
                       const std::vector<double>& buckets, const Labels& labels) {
  Global& g = G();
  std::lock_guard lock(g.mu);
  auto& fam = g.histograms[std::string(name)];
  if (!fam) {
    fam = &prometheus::BuildHistogram()
               .Name(std::string(name))
               .Help(std::string(help))
               .Register(*g.registry);
  }
  return Histogram(&fam->Add(labels, prometheus::Histogram::BucketBoundaries(buckets)));
}

std::string SerializeText() {
  prometheus::TextSerializer serializer;
  return serializer.Serialize(G().registry->Collect());
}

}  // namespace quell::metrics
