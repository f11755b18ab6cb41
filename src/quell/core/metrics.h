// Metrics: the process-wide registry any module counts into, exposed by `api` as
// GET /metrics in the Prometheus text format.
//
//   static metrics::Counter rows_bad = metrics::GetCounter(
//       "quell_ingest_rows_bad_total", "CDR rows rejected", {{"reason", "bad_number"}});
//   rows_bad.Inc();
//
// Families and series are created on first use and live for the process. Handles
// are cheap to copy and thread-safe to use; creating them takes a lock, so keep
// handles rather than looking them up per call on hot paths.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace prometheus {
class Counter;
class Gauge;
class Histogram;
}  // namespace prometheus

namespace quell::metrics {

using Labels = std::map<std::string, std::string>;

class Counter {
 public:
  void Inc(double v = 1.0);
  double Value() const;
  prometheus::Counter* raw() const { return c_; }

 private:
  friend Counter GetCounter(std::string_view, std::string_view, const Labels&);
  explicit Counter(prometheus::Counter* c) : c_(c) {}
  prometheus::Counter* c_;
};

class Gauge {
 public:
  void Set(double v);
  void Inc(double v = 1.0);
  void Dec(double v = 1.0);
  double Value() const;

 private:
  friend Gauge GetGauge(std::string_view, std::string_view, const Labels&);
  explicit Gauge(prometheus::Gauge* g) : g_(g) {}
  prometheus::Gauge* g_;
};

class Histogram {
 public:
  void Observe(double v);

 private:
  friend Histogram GetHistogram(std::string_view, std::string_view, const std::vector<double>&,
                                const Labels&);
  explicit Histogram(prometheus::Histogram* h) : h_(h) {}
  prometheus::Histogram* h_;
};

// Returns the series `name{labels}`, creating family and series on first use.
// All series of one family must be of one type.
Counter GetCounter(std::string_view name, std::string_view help, const Labels& labels = {});
Gauge GetGauge(std::string_view name, std::string_view help, const Labels& labels = {});
Histogram GetHistogram(std::string_view name, std::string_view help,
                       const std::vector<double>& buckets, const Labels& labels = {});

// Every metric in the Prometheus text exposition format (version 0.0.4).
std::string SerializeText();

}  // namespace quell::metrics
