// Progress of long work (a file read through) on standard error, for the
// subcommands that stream files: dnc import / scrub, ingest, simulate, eval.
#pragma once

#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <string>

namespace quell::cli {

// Progress of long work on standard error: a redrawn line on a terminal, a
// line every 10 % otherwise (logs stay readable).
class Progress {
 public:
  Progress(std::string what, uint64_t total_bytes)
      : what_(std::move(what)),
        total_(total_bytes),
        tty_(isatty(2) != 0),
        start_(std::chrono::steady_clock::now()) {}

  void Update(uint64_t done_bytes, int64_t items) {
    const int percent = total_ > 0 ? static_cast<int>(100 * done_bytes / total_) : 0;
    const auto now = std::chrono::steady_clock::now();
    if (tty_ ? now - last_ < std::chrono::milliseconds(200) : percent < next_percent_) return;
    last_ = now;
    next_percent_ = (percent / 10 + 1) * 10;
    Print(percent, items, now);
  }
  void Done(int64_t items) {
    if (tty_ || next_percent_ <= 100) Print(100, items, std::chrono::steady_clock::now());
    if (tty_) std::cerr << "\n";
  }

 private:
  void Print(int percent, int64_t items, std::chrono::steady_clock::time_point now) {
    const double secs = std::chrono::duration<double>(now - start_).count();
    char line[160];
    std::snprintf(line, sizeof line, "%s: %3d%%  %lld rows  %.1f s  %.0f rows/s", what_.c_str(),
                  percent, static_cast<long long>(items), secs, secs > 0 ? items / secs : 0.0);
    std::cerr << (tty_ ? "\r" : "") << line << (tty_ ? "" : "\n") << std::flush;
  }

  std::string what_;
  uint64_t total_;
  bool tty_;
  std::chrono::steady_clock::time_point start_, last_{};
  int next_percent_ = 0;
};

// The size of a seekable stream (0 for pipes), read position back at the start.
inline uint64_t FileSize(std::istream& in) {
  in.seekg(0, std::ios::end);
  const auto size = in.tellg();
  in.seekg(0, std::ios::beg);
  return size > 0 ? static_cast<uint64_t>(size) : 0;
}

}  // namespace quell::cli
