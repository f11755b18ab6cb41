// Decimal digits and powers of ten of 64-bit integers (compact E.164 numbers
// and their prefixes), without a division or loop per digit.
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>

namespace quell {

// 10^0 .. 10^19 (the largest power of ten a uint64_t holds).
inline constexpr std::array<uint64_t, 20> kPowersOfTen = [] {
  std::array<uint64_t, 20> p{};
  p[0] = 1;
  for (std::size_t i = 1; i < p.size(); ++i) p[i] = p[i - 1] * 10;
  return p;
}();

// 10^n for n in 0..19.
constexpr uint64_t Pow10(int n) { return kPowersOfTen[static_cast<std::size_t>(n)]; }

// Decimal digits of v (1 for 0, 20 at most): a guess from the bit width,
// corrected by one comparison.
constexpr int DigitCount(uint64_t v) {
  const uint64_t w = v | 1;                            // the same digits, and 0 counts as one
  const int guess = (std::bit_width(w) * 1233) >> 12;  // 1233 / 4096 ~ log10(2)
  return guess + (w >= Pow10(guess) ? 1 : 0);
}

}  // namespace quell
