#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <string>
#include <string_view>

#include "quell/store/store.h"

namespace quell::store {
namespace {

// SQL's CAST of text to a number reads the longest numeric prefix after leading
// spaces and yields 0 when there is none; these follow it.
std::string_view TrimLeadingSpace(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n')) {
    s.remove_prefix(1);
  }
  return s;
}

int64_t ParseIntPrefix(std::string_view s) {
  s = TrimLeadingSpace(s);
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  int64_t v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

double ParseDoublePrefix(std::string_view s) {
  s = TrimLeadingSpace(s);
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  double v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

// A plain static_cast of an out-of-range or NaN double is undefined behaviour.
int64_t SaturatingDoubleToInt(double d) {
  if (std::isnan(d)) return 0;
  constexpr double kMax = 9223372036854775807.0;  // rounds to 2^63
  if (d >= kMax) return std::numeric_limits<int64_t>::max();
  if (d <= -kMax) return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(d);
}

template <class... Fs>
struct Overloaded : Fs... {
  using Fs::operator()...;
};
template <class... Fs>
Overloaded(Fs...) -> Overloaded<Fs...>;

}  // namespace

int64_t Value::AsInt() const {
  return std::visit(Overloaded{
                        [](std::nullptr_t) -> int64_t { return 0; },
                        [](int64_t v) { return v; },
                        [](double v) { return SaturatingDoubleToInt(v); },
                        [](const std::string& v) { return ParseIntPrefix(v); },
                        [](const Blob& v) { return ParseIntPrefix(v.bytes); },
                    },
                    v_);
}

double Value::AsDouble() const {
  return std::visit(Overloaded{
                        [](std::nullptr_t) { return 0.0; },
                        [](int64_t v) { return static_cast<double>(v); },
                        [](double v) { return v; },
                        [](const std::string& v) { return ParseDoublePrefix(v); },
                        [](const Blob& v) { return ParseDoublePrefix(v.bytes); },
                    },
                    v_);
}

std::string Value::AsText() const {
  return std::visit(Overloaded{
                        [](std::nullptr_t) { return std::string(); },
                        [](int64_t v) { return std::to_string(v); },
                        [](double v) {
                          // Shortest text that reads back as the same double.
                          char buf[32];
                          auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v);
                          return std::string(buf, ec == std::errc() ? end : buf);
                        },
                        [](const std::string& v) { return v; },
                        [](const Blob& v) { return v.bytes; },
                    },
                    v_);
}

const Value& Row::at(std::size_t i) const {
  if (i >= values_.size()) {
    // A wrong column index is a bug in the calling code, never bad input.
    std::fprintf(stderr, "quell::store::Row::at: column %zu requested from a row of %zu\n", i,
                 values_.size());
    std::abort();
  }
  return values_[i];
}

}  // namespace quell::store
