#include "quell/sim/internal/cdr_writer.h"

#include "quell/core/civil_time.h"

#include <charconv>
#include <cstring>
#include <ostream>

namespace quell::sim::internal {
namespace {

constexpr std::size_t kFlushAt = 1 << 20;
constexpr std::size_t kMaxLine = 512;

char* PutUint(uint64_t v, char* p) { return std::to_chars(p, p + 20, v).ptr; }
char* Put(std::string_view s, char* p) {
  std::memcpy(p, s.data(), s.size());
  return p + s.size();
}
char* Put2(int v, char* p) {
  p[0] = static_cast<char>('0' + v / 10);
  p[1] = static_cast<char>('0' + v % 10);
  return p + 2;
}

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - (a % b != 0 && (a < 0) != (b < 0)); }

}  // namespace

CdrWriter::CdrWriter(std::ostream& out) : out_(out), buffer_(new char[kFlushAt + kMaxLine]) {}

void CdrWriter::WriteHeader() {
  used_ = static_cast<std::size_t>(Put(kCdrHeader, buffer_.get() + used_) - buffer_.get());
}

void CdrWriter::Flush() {
  if (used_ == 0) return;
  out_.write(buffer_.get(), static_cast<std::streamsize>(used_));
  bytes_ += used_;
  used_ = 0;
}

char* CdrWriter::PutTime(int64_t ms, char* p) {
  const int64_t day = FloorDiv(ms, 86'400'000);
  if (day != cached_day_) {
    const CivilDate date = CivilFromDays(day);
    const int yy = static_cast<int>(date.year);
    char* q = date_;
    q = Put2(yy / 100, q);
    q = Put2(yy % 100, q);
    *q++ = '-';
    q = Put2(date.month, q);
    *q++ = '-';
    Put2(date.day, q);
    cached_day_ = day;
  }
  const int64_t in_day = ms - day * 86'400'000;
  const int secs = static_cast<int>(in_day / 1000);
  const int millis = static_cast<int>(in_day % 1000);
  p = Put(std::string_view(date_, 10), p);
  *p++ = 'T';
  p = Put2(secs / 3600, p);
  *p++ = ':';
  p = Put2(secs / 60 % 60, p);
  *p++ = ':';
  p = Put2(secs % 60, p);
  *p++ = '.';
  *p++ = static_cast<char>('0' + millis / 100);
  p = Put2(millis % 100, p);
  *p++ = 'Z';
  return p;
}

void CdrWriter::Write(const CallRow& r, uint64_t seq) {
  char* const begin = buffer_.get() + used_;
  char* p = PutTime(r.time_ms, begin);
  *p++ = ',';
  p += FormatNumber(r.caller, r.format_draw & 0xffffffff, p);
  *p++ = ',';
  p += FormatNumber(r.callee, r.format_draw >> 32, p);
  p = Put(",completed,", p);
  *p++ = r.answered ? '1' : '0';
  *p++ = ',';
  p = PutUint(r.ring_ms, p);
  *p++ = ',';
  p = PutUint(r.talk_ms, p);
  *p++ = ',';
  p = PutUint(r.release_cause, p);
  p = Put(",sim-", p);
  p = PutUint(seq, p);
  *p++ = ',';
  p = Put(r.trunk.substr(0, 64), p);
  p = Put(",terminating,", p);
  *p++ = r.international ? '1' : '0';
  *p++ = ',';
  if (r.imsi != 0) p = PutUint(r.imsi, p);
  *p++ = ',';
  if (r.imei != 0) p = PutUint(r.imei, p);
  *p++ = ',';
  if (r.cell_id != 0) p = PutUint(r.cell_id, p);
  *p++ = ',';
  p = Put(events::Name(r.attest), p);
  *p++ = ',';
  p = Put(events::Name(r.verstat), p);
  *p++ = '\n';
  used_ += static_cast<std::size_t>(p - begin);
  if (used_ >= kFlushAt) Flush();
}

}  // namespace quell::sim::internal
