#include "quell/events/call_event.h"

namespace quell::events {

std::string_view Name(EventKind k) { return k == EventKind::kAttempt ? "attempt" : "completed"; }

std::string_view Name(Direction d) {
  switch (d) {
    case Direction::kTerminating:
      return "terminating";
    case Direction::kOriginating:
      return "originating";
    case Direction::kTransit:
      return "transit";
    case Direction::kUnknown:
      break;
  }
  return "unknown";
}

std::string_view Name(Attest a) {
  switch (a) {
    case Attest::kA:
      return "A";
    case Attest::kB:
      return "B";
    case Attest::kC:
      return "C";
    case Attest::kNone:
      break;
  }
  return "";
}

std::string_view Name(Verstat v) {
  switch (v) {
    case Verstat::kPassed:
      return "TN-Validation-Passed";
    case Verstat::kFailed:
      return "TN-Validation-Failed";
    case Verstat::kNoValidation:
      return "No-TN-Validation";
    case Verstat::kUnknown:
      break;
  }
  return "";
}

}  // namespace quell::events
