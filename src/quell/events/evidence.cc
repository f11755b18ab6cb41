#include "quell/events/evidence.h"

#include <array>

namespace quell::events {
namespace {
constexpr std::array<std::string_view, kEvidenceSourceCount> kNames = {
    "finding", "dnc_violation", "shaken_failure", "sanction", "report"};
}

std::string_view Name(EvidenceSource s) { return kNames[static_cast<int>(s)]; }

std::optional<EvidenceSource> ParseEvidenceSource(std::string_view name) {
  for (int i = 0; i < kEvidenceSourceCount; ++i) {
    if (kNames[i] == name) return static_cast<EvidenceSource>(i);
  }
  return std::nullopt;
}

}  // namespace quell::events
