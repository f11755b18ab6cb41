// Label: what a number is, as people and detectors say it — the nuisance kinds
// of the one vocabulary (core/vocabulary.h) on the spam side, and the benign
// labels apps let their users put on wanted callers (delivery, taxi, bank,
// government, customer service) on the legitimate side.
//
// The numeric codes are part of the blocklist format (docs/formats/blocklist.md)
// and of the store: never renumber, only append (codes fit in 4 bits).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "quell/core/vocabulary.h"

namespace quell::reputation {

enum class Label : uint8_t {
  kNone = 0,
  // spam side: NuisanceKind + 1
  kMarketing = 1,
  kRobocall = 2,
  kFraud = 3,
  kHarassment = 4,
  kCallBombing = 5,
  kOneRing = 6,
  kSimBox = 7,
  kSpoofing = 8,
  // legitimate side
  kDelivery = 9,  // delivery / takeaway (快递送餐)
  kTaxi = 10,
  kBank = 11,
  kGovernment = 12,
  kCustomerService = 13,
};
inline constexpr int kLabelCount = 14;

// The label of a nuisance kind.
constexpr Label LabelOf(NuisanceKind k) { return static_cast<Label>(static_cast<int>(k) + 1); }
// The nuisance kind of a spam-side label; nullopt for kNone and benign labels.
std::optional<NuisanceKind> KindOf(Label l);
constexpr bool IsSpam(Label l) { return l >= Label::kMarketing && l <= Label::kSpoofing; }
constexpr bool IsBenign(Label l) { return l >= Label::kDelivery; }

// Wire names: "" (none), the nuisance kinds' names ("marketing", "call_bombing",
// ...), "delivery", "taxi", "bank", "government", "customer_service".
std::string_view Name(Label l);
std::optional<Label> ParseLabel(std::string_view name);
// English and Chinese for the portal and explanations.
const Term& TermOf(Label l);
std::span<const Label> AllLabels();

}  // namespace quell::reputation
