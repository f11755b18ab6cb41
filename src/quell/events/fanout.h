// FanOut: one CallEventSink that hands every event to several (the screening
// pipeline and CDR ingest publish once; the DNC violation check and the
// detection engine both see it).
#pragma once

#include <vector>

#include "quell/events/call_event.h"

namespace quell::events {

class FanOut final : public CallEventSink {
 public:
  // Null sinks are skipped; the sinks must outlive the fan-out.
  explicit FanOut(std::vector<CallEventSink*> sinks) {
    for (CallEventSink* s : sinks) {
      if (s != nullptr) sinks_.push_back(s);
    }
  }
  void Publish(const CallEvent& event) override {
    for (CallEventSink* s : sinks_) s->Publish(event);
  }

 private:
  std::vector<CallEventSink*> sinks_;
};

}  // namespace quell::events
