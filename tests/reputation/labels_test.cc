#include "quell/reputation/labels.h"

#include <gtest/gtest.h>

namespace quell::reputation {
namespace {

TEST(Labels, NamesRoundTripAndCodesAreStable) {
  // The codes are part of the blocklist format: they never move.
  EXPECT_EQ(static_cast<int>(Label::kFraud), 3);
  EXPECT_EQ(static_cast<int>(Label::kSpoofing), 8);
  EXPECT_EQ(static_cast<int>(Label::kCustomerService), 13);
  for (Label l : AllLabels()) {
    EXPECT_EQ(ParseLabel(Name(l)), l) << Name(l);
    EXPECT_FALSE(TermOf(l).zh.empty());
  }
  EXPECT_EQ(AllLabels().size(), static_cast<std::size_t>(kLabelCount));
  EXPECT_FALSE(ParseLabel("spam").has_value());
}

TEST(Labels, SpamSideIsTheNuisanceKinds) {
  EXPECT_EQ(LabelOf(NuisanceKind::kOneRing), Label::kOneRing);
  EXPECT_EQ(KindOf(Label::kCallBombing), NuisanceKind::kCallBombing);
  EXPECT_FALSE(KindOf(Label::kDelivery).has_value());
  EXPECT_FALSE(KindOf(Label::kNone).has_value());
  EXPECT_TRUE(IsSpam(Label::kMarketing));
  EXPECT_FALSE(IsSpam(Label::kBank));
  EXPECT_TRUE(IsBenign(Label::kGovernment));
  EXPECT_FALSE(IsBenign(Label::kNone));
  EXPECT_EQ(Name(Label::kDelivery), "delivery");
  EXPECT_EQ(TermOf(Label::kFraud).zh, "诈骗");
}

}  // namespace
}  // namespace quell::reputation
