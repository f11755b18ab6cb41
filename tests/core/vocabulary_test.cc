#include "quell/core/vocabulary.h"

#include <set>

#include <gtest/gtest.h>

namespace quell {
namespace {

void ExpectComplete(std::span<const Term> terms) {
  std::set<std::string_view> names;
  for (const Term& t : terms) {
    EXPECT_FALSE(t.name.empty());
    EXPECT_FALSE(t.en.empty()) << t.name;
    EXPECT_FALSE(t.zh.empty()) << t.name;
    EXPECT_NE(t.en, t.zh) << t.name << " is not translated";
    EXPECT_TRUE(names.insert(t.name).second) << "duplicate " << t.name;
  }
}

TEST(VocabularyTest, EveryTermNamedAndTranslated) {
  ExpectComplete(Categories());
  ExpectComplete(NuisanceKinds());
  ExpectComplete(Roles());
  ExpectComplete(OrgKinds());
  EXPECT_EQ(Categories().size(), 10u);
  EXPECT_EQ(NuisanceKinds().size(), 8u);
  EXPECT_EQ(Roles().size(), 7u);
  EXPECT_EQ(OrgKinds().size(), 5u);
}

TEST(VocabularyTest, RoundTrips) {
  for (std::size_t i = 0; i < Roles().size(); ++i) {
    auto r = static_cast<Role>(i);
    EXPECT_EQ(ParseRole(Name(r)), r);
  }
  EXPECT_EQ(ParseCategory("real_estate"), Category::kRealEstate);
  EXPECT_EQ(TermOf(NuisanceKind::kCallBombing).zh, "呼死你");
  EXPECT_FALSE(ParseRole("root").has_value());
  EXPECT_EQ(OrgKindForRole(Role::kAnalyst), OrgKind::kAgency);
  EXPECT_FALSE(OrgKindForRole(Role::kCitizen).has_value());
}

}  // namespace
}  // namespace quell
