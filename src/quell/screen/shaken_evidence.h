// ShakenEvidence: calls whose caller failed authentication become evidence
// about the calling number (events::EvidenceSource::kShakenFailure), which
// reputation weighs with the rest (docs/reputation.md).
//
// It sits among the sinks of the call events — every screened call and every
// call record posted — and looks only at those with verstat
// TN-Validation-Failed (a SHAKEN signature that did not verify, or claims for a
// number the signer may not vouch for). Failures are counted per calling number
// and UTC day; a number's evidence for a day is published on its 1st, 2nd, 4th,
// 8th, ... failure (one evidence record per number and day, updated in place:
// ref "<E.164 digits>:<YYYY-MM-DD>", strength 1 + log10(failures), at most 3).
// A call seen twice — its screened attempt and its CDR, with the same call id —
// counts once.
//
// Memory is bounded: at most `max_numbers` numbers a day are tracked (further
// failing numbers that day are dropped and counted in `dropped()`); days before
// yesterday are forgotten.
//
// Thread-safe: Publish may be called from any thread.
#pragma once

#include <cstdint>
#include <mutex>
#include <unordered_map>
#include <unordered_set>

#include "quell/events/call_event.h"
#include "quell/events/evidence.h"

namespace quell::screen {

class ShakenEvidence final : public events::CallEventSink {
 public:
  // `sink` must outlive this object.
  explicit ShakenEvidence(events::EvidenceSink* sink, std::size_t max_numbers = 1 << 20);

  void Publish(const events::CallEvent& event) override;

  // Failures counted for `number` on the UTC day of `time_us` (0 if none).
  int64_t FailuresOn(uint64_t number, int64_t time_us) const;
  int64_t dropped() const;

 private:
  struct Key {
    uint64_t number;
    int64_t day;
    bool operator==(const Key&) const = default;
  };
  struct KeyHash {
    std::size_t operator()(const Key& k) const {
      return static_cast<std::size_t>((k.number * 0x9E3779B97F4A7C15ULL) ^
                                      static_cast<uint64_t>(k.day));
    }
  };
  void ForgetBefore(int64_t day);  // REQUIRES(mu_)

  events::EvidenceSink* sink_;
  const std::size_t max_numbers_;
  mutable std::mutex mu_;
  std::unordered_map<Key, int64_t, KeyHash> failures_;  // GUARDED_BY(mu_)
  std::unordered_set<uint64_t> seen_calls_;             // GUARDED_BY(mu_): hashes of call ids
  int64_t newest_day_ = INT64_MIN;                      // GUARDED_BY(mu_)
  int64_t dropped_ = 0;                                 // GUARDED_BY(mu_)
};

}  // namespace quell::screen
