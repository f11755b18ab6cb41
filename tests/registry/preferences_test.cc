#include "quell/registry/preferences.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace quell::registry {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(PreferencesTest, DefaultRefusesEverythingAtEveryHour) {
  Preferences p;
  EXPECT_TRUE(p.IsDefault());
  for (int h = 0; h < 24; ++h) EXPECT_TRUE(p.Refuses(Category::kFinance, h));
  EXPECT_EQ(p.Describe(), "all marketing");
}

TEST(PreferencesTest, CategoriesAndBands) {
  auto p = ParsePreferences({"finance", "real_estate"}, {"18-21", "22-02"});
  ASSERT_TRUE(p.has_value()) << p.status().ToString();
  EXPECT_TRUE(p->Refuses(Category::kFinance, 10));
  EXPECT_FALSE(p->Refuses(Category::kFood, 10)) << "a category not chosen";
  EXPECT_FALSE(p->Refuses(Category::kFinance, 18)) << "inside an accepted band";
  EXPECT_FALSE(p->Refuses(Category::kFinance, 20));
  EXPECT_TRUE(p->Refuses(Category::kFinance, 21)) << "bands end exclusive";
  EXPECT_FALSE(p->Refuses(Category::kFinance, 23));
  EXPECT_FALSE(p->Refuses(Category::kFinance, 1));
  EXPECT_TRUE(p->Refuses(Category::kFinance, 2));
  EXPECT_THAT(p->CategoryNames(), ElementsAre("finance", "real_estate"));
  EXPECT_THAT(p->BandNames(), ElementsAre("18-21", "22-02"));
  EXPECT_EQ(p->Describe(), "finance, real_estate; accepts 18-21, 22-02");

  auto all = ParsePreferences({"all"}, {"00-24"});
  ASSERT_TRUE(all.has_value());
  EXPECT_TRUE(all->RefusesAll());
  EXPECT_THAT(all->BandNames(), ElementsAre("00-24"));
  auto late = ParsePreferences({}, {"20-24"});
  ASSERT_TRUE(late.has_value());
  EXPECT_THAT(late->BandNames(), ElementsAre("20-24"));
}

TEST(PreferencesTest, RejectsWhatItCannotRead) {
  EXPECT_THAT(ParsePreferences({"gambling"}, {}).status().message(), HasSubstr("'gambling'"));
  EXPECT_FALSE(ParsePreferences({"all", "finance"}, {}).has_value());
  for (const char* band : {"18", "18-18", "25-26", "a-b", "18:00-21:00", "-1-3"}) {
    EXPECT_FALSE(ParsePreferences({}, {band}).has_value()) << band;
  }
}

TEST(CallingHoursTest, ParsesAndWraps) {
  auto h = ParseCallingHours("08:00-21:00");
  ASSERT_TRUE(h.has_value());
  EXPECT_FALSE(h->Contains(7 * 60 + 59));
  EXPECT_TRUE(h->Contains(8 * 60));
  EXPECT_TRUE(h->Contains(20 * 60 + 59));
  EXPECT_FALSE(h->Contains(21 * 60));
  auto night = ParseCallingHours("22:00-06:00");
  ASSERT_TRUE(night.has_value());
  EXPECT_TRUE(night->Contains(23 * 60));
  EXPECT_TRUE(night->Contains(60));
  EXPECT_FALSE(night->Contains(12 * 60));
  auto always = ParseCallingHours("00:00-24:00");
  ASSERT_TRUE(always.has_value());
  EXPECT_TRUE(always->Contains(0));
  EXPECT_TRUE(always->Contains(1439));
  for (const char* bad : {"8-21", "08:00", "08:60-21:00", "24:00-08:00", "08:00-25:00"}) {
    EXPECT_FALSE(ParseCallingHours(bad).has_value()) << bad;
  }
}

TEST(CallingHoursTest, LocalMinuteAtAnOffset) {
  // 2026-11-30T13:30:00Z is 21:30 in Beijing.
  const TimePoint t = FromUnixMillis(1796045400000);
  EXPECT_EQ(LocalMinute(t, 0), 13 * 60 + 30);
  EXPECT_EQ(LocalMinute(t, 8 * 60), 21 * 60 + 30);
  EXPECT_EQ(LocalMinute(t, -14 * 60), 23 * 60 + 30);
}

}  // namespace
}  // namespace quell::registry
