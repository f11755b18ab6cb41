#include "quell/core/metrics.h"

#include <gtest/gtest.h>

namespace quell::metrics {
namespace {

TEST(MetricsTest, CountersAppearInTextFormat) {
  Counter c = GetCounter("quell_test_things_total", "Things counted in a test", {{"kind", "a"}});
  c.Inc();
  c.Inc(2);
  EXPECT_DOUBLE_EQ(c.Value(), 3);
  // The same series is returned again.
  EXPECT_DOUBLE_EQ(GetCounter("quell_test_things_total", "", {{"kind", "a"}}).Value(), 3);
  Gauge g = GetGauge("quell_test_level", "A level");
  g.Set(7);
  GetHistogram("quell_test_seconds", "Durations", {0.1, 1}).Observe(0.5);
  const std::string text = SerializeText();
  EXPECT_NE(text.find("# TYPE quell_test_things_total counter"), std::string::npos) << text;
  EXPECT_NE(text.find("quell_test_things_total{kind=\"a\"} 3"), std::string::npos) << text;
  EXPECT_NE(text.find("quell_test_level 7"), std::string::npos) << text;
  EXPECT_NE(text.find("quell_test_seconds_bucket{le=\"1\"} 1"), std::string::npos) << text;
}

}  // namespace
}  // namespace quell::metrics
