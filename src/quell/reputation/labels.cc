#include "quell/reputation/labels.h"

#include <array>

namespace quell::reputation {
namespace {

constexpr Term kNone{"", "Unknown", "未知"};
constexpr Term kBenign[] = {
    {"delivery", "Delivery / takeaway", "快递外卖"},
    {"taxi", "Taxi / ride-hailing", "出租车"},
    {"bank", "Bank", "银行"},
    {"government", "Government", "政府机构"},
    {"customer_service", "Customer service", "客服热线"},
};

constexpr std::array<Label, kLabelCount> kAll = {
    Label::kNone,       Label::kMarketing,      Label::kRobocall, Label::kFraud,
    Label::kHarassment, Label::kCallBombing,    Label::kOneRing,  Label::kSimBox,
    Label::kSpoofing,   Label::kDelivery,       Label::kTaxi,     Label::kBank,
    Label::kGovernment, Label::kCustomerService};

}  // namespace

std::optional<NuisanceKind> KindOf(Label l) {
  if (!IsSpam(l)) return std::nullopt;
  return static_cast<NuisanceKind>(static_cast<int>(l) - 1);
}

const Term& TermOf(Label l) {
  if (auto k = KindOf(l)) return quell::TermOf(*k);
  if (IsBenign(l) && static_cast<int>(l) < kLabelCount) {
    return kBenign[static_cast<int>(l) - static_cast<int>(Label::kDelivery)];
  }
  return kNone;
}

std::string_view Name(Label l) { return TermOf(l).name; }

std::optional<Label> ParseLabel(std::string_view name) {
  for (Label l : kAll) {
    if (Name(l) == name) return l;
  }
  return std::nullopt;
}

std::span<const Label> AllLabels() { return kAll; }

}  // namespace quell::reputation
