// Evidence: what one domain learned about a number, published for the others
// (DESIGN.md "Modules": data crosses between domains through `events`). The
// detection engine publishes its findings, the Do-Not-Call register its
// violations, the complaint centre its reports; reputation consumes them all
// without linking any.
//
// EvidenceSink is where producers put evidence; EvidenceBus hands every record
// to each subscriber (in process; a stream in scale-out). Publish must not
// block the producer for long: subscribers that write queue and return.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "quell/core/vocabulary.h"

namespace quell::events {

enum class EvidenceSource : uint8_t {
  kFinding,        // behavioural detection (detect)
  kDncViolation,   // a marketing call to a protected number (registry)
  kShakenFailure,  // calls from the number failed caller authentication (screen)
  kSanction,       // the number's holder is under joint punishment (enforce)
  kReport,         // a complaint about the number (reputation's complaint centre)
};
inline constexpr int kEvidenceSourceCount = 5;

std::string_view Name(EvidenceSource s);  // "finding", "dnc_violation", ...
std::optional<EvidenceSource> ParseEvidenceSource(std::string_view name);

struct Evidence {
  uint64_t number = 0;  // compact E.164 of the number the evidence is about
  EvidenceSource source = EvidenceSource::kFinding;
  NuisanceKind kind = NuisanceKind::kMarketing;  // what it shows the number doing
  std::optional<Category> category;              // the marketing category, when known
  double strength = 1;  // the source's own measure (a finding's severity 1..3); ≥ 0
  int64_t time_us = 0;  // when it happened (last seen), Unix µs UTC
  std::string ref;      // the source's id, unique per source: "42"; updates reuse it
  std::string detail;   // one line for people: "63 calls in an hour to 60 numbers"
};

class EvidenceSink {
 public:
  virtual ~EvidenceSink() = default;
  // Thread-safe; must not block for long.
  virtual void Publish(const Evidence& evidence) = 0;
};

class EvidenceBus final : public EvidenceSink {
 public:
  // `sink` must outlive the bus. Subscribe before publishing starts.
  void Subscribe(EvidenceSink* sink) {
    std::lock_guard lock(mu_);
    sinks_.push_back(sink);
  }
  void Publish(const Evidence& evidence) override {
    std::vector<EvidenceSink*> sinks;
    {
      std::lock_guard lock(mu_);
      sinks = sinks_;
    }
    for (EvidenceSink* s : sinks) s->Publish(evidence);
  }

 private:
  std::mutex mu_;
  std::vector<EvidenceSink*> sinks_;
};

}  // namespace quell::events
