#include "quell/core/clock.h"

#include "quell/core/civil_time.h"


namespace quell {
namespace {

class RealClock final : public Clock {
 public:
  TimePoint Now() const override { return std::chrono::system_clock::now(); }
  std::chrono::steady_clock::time_point Steady() const override {
    return std::chrono::steady_clock::now();
  }
};

}  // namespace

Clock& Clock::Real() {
  static RealClock clock;
  return clock;
}

std::string FormatRfc3339(TimePoint t) {
  const int64_t ms = ToUnixMillis(t);
  // Floor division so times before 1970 format correctly too.
  int64_t days = ms / 86'400'000;
  int64_t in_day = ms % 86'400'000;
  if (in_day < 0) {
    in_day += 86'400'000;
    days -= 1;
  }
  const CivilDate date = CivilFromDays(days);
  // "YYYY-MM-DDTHH:MM:SS.mmmZ", written digit by digit: this is on the path of
  // every answer that carries a time. (A TimePoint counts nanoseconds in 64
  // bits: its years are 1677-2262, always four digits.)
  std::string out = "0000-00-00T00:00:00.000Z";
  const auto put = [&out](std::size_t end, int64_t v, int digits) {
    for (int i = 0; i < digits; ++i, v /= 10) out[end - i] = static_cast<char>('0' + v % 10);
  };
  put(3, date.year, 4);
  put(6, date.month, 2);
  put(9, date.day, 2);
  put(12, in_day / 3'600'000, 2);
  put(15, in_day / 60'000 % 60, 2);
  put(18, in_day / 1000 % 60, 2);
  put(22, in_day % 1000, 3);
  return out;
}

}  // namespace quell
