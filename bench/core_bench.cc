// PhoneNumber costs: parsing is for the edges, the compact form for hot paths.
#include <benchmark/benchmark.h>

#include "quell/core/phone_number.h"

namespace {

void BM_ParseNational(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(quell::PhoneNumber::Parse("138 0013 8000", "CN"));
}
BENCHMARK(BM_ParseNational);

void BM_ParseE164(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(quell::PhoneNumber::Parse("+8613800138000", "CN"));
}
BENCHMARK(BM_ParseE164);

void BM_NationalFormat(benchmark::State& state) {
  auto n = *quell::PhoneNumber::Parse("+8613800138000", "CN");
  for (auto _ : state) benchmark::DoNotOptimize(n.National());
}
BENCHMARK(BM_NationalFormat);

void BM_CompactCompare(benchmark::State& state) {
  auto a = *quell::PhoneNumber::Parse("+8613800138000", "CN");
  auto b = *quell::PhoneNumber::Parse("+8613800138001", "CN");
  for (auto _ : state) benchmark::DoNotOptimize(a < b);
}
BENCHMARK(BM_CompactCompare);

}  // namespace
