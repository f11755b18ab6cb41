// Rng: the simulator's random numbers — std::mt19937_64 (whose output sequence
// the C++ standard fixes) with our own distributions, because libstdc++'s and
// libc++'s std::*_distribution may map the same engine output to different
// values. Same seed -> same draws on every standard library; results that go
// through std::log/std::exp/std::cos may still differ in the last bit between
// libm implementations, so byte-identical output is promised for one platform.
//
// Not thread-safe: each generation stream owns its Rng.
#pragma once

#include <cmath>
#include <cstdint>
#include <random>

namespace quell::sim::internal {

// SplitMix64: a good 64-bit mixer, used to derive stream seeds and per-entity
// hashes (a subscriber's IMEI, contacts, cells) without storing them.
inline uint64_t Mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}
inline uint64_t Mix(uint64_t a, uint64_t b) { return Mix(Mix(a) ^ (b * 0xd6e8feb86659fd93ULL)); }
inline uint64_t Mix(uint64_t a, uint64_t b, uint64_t c) { return Mix(Mix(a, b), c); }

// A uniform double in [0, 1) from a 64-bit hash.
inline double UnitFromHash(uint64_t h) { return static_cast<double>(h >> 11) * 0x1.0p-53; }

class Rng {
 public:
  explicit Rng(uint64_t seed) : engine_(Mix(seed)) {}

  uint64_t Next() { return engine_(); }
  // Uniform in [0, 1).
  double Uniform() { return UnitFromHash(engine_()); }
  // Uniform in [lo, hi).
  double Uniform(double lo, double hi) { return lo + (hi - lo) * Uniform(); }
  // Uniform integer in [0, n); n > 0. Lemire's multiply-shift (bias < n / 2^64).
  uint64_t Below(uint64_t n) {
    return static_cast<uint64_t>((static_cast<unsigned __int128>(engine_()) * n) >> 64);
  }
  // Uniform integer in [lo, hi].
  int64_t Between(int64_t lo, int64_t hi) {
    return hi <= lo ? lo : lo + static_cast<int64_t>(Below(static_cast<uint64_t>(hi - lo) + 1));
  }
  bool Chance(double p) { return Uniform() < p; }
  // Exponential with the given mean.
  double Exponential(double mean) { return -mean * std::log1p(-Uniform()); }
  // Standard normal (Box-Muller; the second value of each pair is kept).
  double Normal() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    double u1 = Uniform();
    while (u1 <= 0) u1 = Uniform();
    const double u2 = Uniform();
    const double r = std::sqrt(-2.0 * std::log(u1));
    spare_ = r * std::sin(6.283185307179586 * u2);
    has_spare_ = true;
    return r * std::cos(6.283185307179586 * u2);
  }
  // Log-normal with the given median and sigma of its logarithm.
  double LogNormal(double median, double sigma) { return median * std::exp(sigma * Normal()); }

 private:
  std::mt19937_64 engine_;
  double spare_ = 0;
  bool has_spare_ = false;
};

}  // namespace quell::sim::internal
