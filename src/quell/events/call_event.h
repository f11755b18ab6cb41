// CallEvent: one call as the network saw it — the one model for a call's set-up
// (an attempt screened at signalling time) and its completion (a CDR). Detection
// reads both; a set-up event and the CDR of the same call share `call_id`, so a
// call counts once.
//
// The struct is flat and fixed-size (numbers as compact E.164 uint64, short
// identifiers inline), so producing one on the screening path allocates nothing
// and it can be queued and copied freely.
//
// CallEventSink is where producers put events: the screening pipeline publishes
// every screened call, CDR ingest every record. Implementations must be
// thread-safe and must not block the caller for long (drop and count rather than
// stall a call).
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace quell::events {

enum class EventKind : uint8_t { kAttempt, kCompleted };

// As seen from the network that reports the event.
enum class Direction : uint8_t {
  kUnknown,
  kTerminating,  // a call arriving for one of the network's subscribers
  kOriginating,  // a call placed by one of the network's subscribers
  kTransit,
};

// SHAKEN attestation carried by the call (RFC 8588), as verified.
enum class Attest : uint8_t { kNone, kA, kB, kC };

// 3GPP TS 24.229 verstat of the call, kUnknown when nobody verified it.
enum class Verstat : uint8_t { kUnknown, kPassed, kFailed, kNoValidation };

std::string_view Name(EventKind k);  // "attempt", "completed"
std::string_view Name(Direction d);  // "unknown", "terminating", ...
std::string_view Name(Attest a);     // "", "A", "B", "C"
std::string_view Name(Verstat v);    // "", "TN-Validation-Passed", ...

// A short string held inline (truncated to N-1 bytes, always NUL-terminated).
template <std::size_t N>
class InlineString {
 public:
  InlineString() { data_[0] = '\0'; }
  explicit InlineString(std::string_view s) { Assign(s); }
  void Assign(std::string_view s) {
    size_ = static_cast<uint8_t>(s.size() < N - 1 ? s.size() : N - 1);
    for (std::size_t i = 0; i < size_; ++i) data_[i] = s[i];
    data_[size_] = '\0';
  }
  std::string_view view() const { return {data_.data(), size_}; }
  bool empty() const { return size_ == 0; }

 private:
  static_assert(N >= 2 && N <= 256);
  std::array<char, N> data_;
  uint8_t size_ = 0;
};

struct CallEvent {
  int64_t time_us = 0;  // set-up time (attempt) or start of the call (CDR), Unix µs UTC
  uint64_t caller = 0;  // compact E.164 (PhoneNumber::compact()); 0 = unknown or invalid
  uint64_t callee = 0;
  EventKind kind = EventKind::kAttempt;
  Direction direction = Direction::kUnknown;
  bool answered = false;
  bool international = false;  // arrived on an international trunk / from abroad
  Attest attest = Attest::kNone;
  Verstat verstat = Verstat::kUnknown;
  uint16_t release_cause = 0;  // Q.850 cause; 0 = unknown
  uint32_t ring_ms = 0;        // from alerting to answer or abandon
  uint32_t talk_ms = 0;        // answered duration
  uint64_t imsi = 0;           // 0 = unknown
  uint64_t imei = 0;
  uint64_t cell_id = 0;
  InlineString<64> call_id;  // SIP Call-ID or the switch's call reference (truncated)
  InlineString<32> trunk;    // ingress trunk or carrier
};

class CallEventSink {
 public:
  virtual ~CallEventSink() = default;
  // Takes a copy of `event`. Thread-safe; never blocks for long.
  virtual void Publish(const CallEvent& event) = 0;
};

}  // namespace quell::events
