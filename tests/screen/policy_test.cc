#include "quell/screen/policy.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace quell::screen {
namespace {

using ::testing::HasSubstr;

std::shared_ptr<const Policy> MustParse(std::string_view toml) {
  auto p = Policy::Parse(toml, "test.toml");
  EXPECT_TRUE(p) << p.error().ToString();
  return p ? *p : nullptr;
}

std::string ParseError(std::string_view toml) {
  auto p = Policy::Parse(toml, "test.toml");
  EXPECT_FALSE(p) << "parsed: " << toml;
  return p ? "" : p.error().message();
}

TEST(Policy, DefaultsLoadAndAreDocumented) {
  auto p = Policy::Default();
  ASSERT_NE(p, nullptr);
  EXPECT_TRUE(p->is_default());
  std::vector<std::string> names;
  for (const Rule& r : p->rules()) names.push_back(r.name);
  // What the issue asks the defaults to do, at least.
  EXPECT_THAT(names, ::testing::IsSupersetOf({"invalid-caller", "sanctioned", "verification-failed",
                                              "call-bombing", "one-ring", "declared-marketing",
                                              "suspected-marketing"}));
  EXPECT_EQ(p->rules()[0].sip_code, 608);
  // The default text parses as an ordinary policy too.
  EXPECT_EQ(MustParse(DefaultPolicyToml())->rules().size(), p->rules().size());
}

TEST(Policy, FirstMatchingRuleDecides) {
  auto p = MustParse(R"(
[[screen.rule]]
name = "a"
when = "caller.valid == false"
action = "block"
code = 607
[[screen.rule]]
name = "b"
when = "caller.present"
action = "label"
label = { en = "B" }
)");
  Signals s;
  EXPECT_EQ(p->Match(s), nullptr);  // nothing set: nothing matches
  s.SetBool(SignalId::kCallerPresent, true);
  s.SetBool(SignalId::kCallerValid, false);
  ASSERT_NE(p->Match(s), nullptr);
  EXPECT_EQ(p->Match(s)->name, "a");
  EXPECT_EQ(p->Match(s)->sip_code, 607);
  s.SetBool(SignalId::kCallerValid, true);
  EXPECT_EQ(p->Match(s)->name, "b");
}

TEST(Policy, ConditionsOnEveryType) {
  auto p = MustParse(R"(
[[screen.rule]]
name = "n"
when = "reputation.score >= 80 and reputation.label == fraud and not caller.international and shaken.code != 0"
action = "block"
)");
  const Rule& r = p->rules()[0];
  ASSERT_EQ(r.when.size(), 4u);
  EXPECT_EQ(r.when[0].ToString(), "reputation.score >= 80");
  EXPECT_EQ(r.when[2].ToString(), "not caller.international");
  Signals s;
  s.SetNumber(SignalId::kReputationScore, 85);
  s.SetText(SignalId::kReputationLabel, "fraud");
  s.SetBool(SignalId::kCallerInternational, false);
  s.SetNumber(SignalId::kShakenCode, 437);
  EXPECT_TRUE(r.Matches(s));
  s.SetNumber(SignalId::kReputationScore, 79.5);
  EXPECT_FALSE(r.Matches(s));
  s.SetNumber(SignalId::kReputationScore, 80);
  s.SetNumber(SignalId::kShakenCode, 0);
  EXPECT_FALSE(r.Matches(s));
}

TEST(Policy, AbsentSignalsNeverMatchWhateverTheOperator) {
  auto p = MustParse(R"(
[[screen.rule]]
name = "n"
when = "not sanction.listed"
action = "allow"
[[screen.rule]]
name = "m"
when = "reputation.score < 10"
action = "allow"
)");
  Signals s;
  EXPECT_EQ(p->Match(s), nullptr);
}

TEST(Policy, ErrorsNameTheLineAndTheReason) {
  EXPECT_THAT(
      ParseError("[[screen.rule]]\nname = \"x\"\nwhen = \"caller.vaild\"\naction = \"block\"\n"),
      HasSubstr("test.toml:3: rule 'x': unknown signal 'caller.vaild'"));
  EXPECT_THAT(
      ParseError("[[screen.rule]]\nname = \"x\"\nwhen = \"caller.valid\"\naction = \"drop\"\n"),
      HasSubstr("test.toml:4: rule 'x': action must be allow, label, block or divert"));
  EXPECT_THAT(ParseError("[[screen.rule]]\nname = \"x\"\nwhen = \"caller.valid\"\naction = "
                         "\"block\"\ncode = 503\n"),
              HasSubstr("test.toml:5"));
  EXPECT_THAT(ParseError("[[screen.rule]]\nname = \"x\"\nwhen = \"shaken.verstat == failled\"\n"
                         "action = \"label\"\nlabel.en = \"x\"\n"),
              HasSubstr("'failled' is not a value of 'shaken.verstat' (one of: passed, failed, "
                        "no_validation)"));
  EXPECT_THAT(
      ParseError(
          "[[screen.rule]]\nname = \"x\"\nwhen = \"reputation.score\"\naction = \"block\"\n"),
      HasSubstr("is a number: compare it"));
  EXPECT_THAT(ParseError("[[screen.rule]]\nname = \"x\"\nwhen = \"reputation.score > "
                         "high\"\naction = \"block\"\n"),
              HasSubstr("is a number, not 'high'"));
  EXPECT_THAT(
      ParseError(
          "[[screen.rule]]\nname = \"x\"\nwhen = \"caller.valid == maybe\"\naction = \"block\"\n"),
      HasSubstr("true or false"));
  EXPECT_THAT(
      ParseError("[[screen.rule]]\nname = \"x\"\nwhen = \"caller.valid\"\naction = \"label\"\n"),
      HasSubstr("a label rule needs label.en"));
  EXPECT_THAT(
      ParseError("[[screen.rule]]\nname = \"x\"\nwhen = \"caller.valid\"\naction = \"divert\"\n"),
      HasSubstr("divert_to"));
  EXPECT_THAT(
      ParseError("[[screen.rule]]\nname = \"x\"\nwhen = \"caller.valid\"\naction = \"label\"\n"
                 "label.en = \"{caller.colour}\"\n"),
      HasSubstr("unknown signal '{caller.colour}'"));
  EXPECT_THAT(
      ParseError("[[screen.rule]]\nname = \"x\"\nwhen = \"caller.valid\"\naction = \"allow\"\n"
                 "[[screen.rule]]\nname = \"x\"\nwhen = \"caller.valid\"\naction = \"allow\"\n"),
      HasSubstr("test.toml:6: rule 'x': a rule of that name exists already"));
  EXPECT_THAT(
      ParseError("[[screen.rule]]\nname = \"x\"\nwhen = \"caller.valid\"\naction = \"allow\"\n"
                 "colour = 1\n"),
      HasSubstr("colour"));
  EXPECT_THAT(ParseError("[[screen.rule]]\nname = \"x\"\naction = \"allow\"\n"),
              HasSubstr("at least one condition"));
}

TEST(Policy, LabelsFillSignalsInTheirLanguage) {
  auto p = MustParse(R"toml(
[[screen.rule]]
name = "m"
when = "caller.category"
action = "label"
label = { en = "Marketing: {caller.category} ({reputation.score})", zh = "营销：{caller.category}" }
)toml");
  Signals s;
  s.SetText(SignalId::kCallerCategory, "real_estate");
  s.SetNumber(SignalId::kReputationScore, 72);
  std::string en, zh;
  ExpandLabel(p->rules()[0].label_en, s, Lang::kEn, en);
  ExpandLabel(p->rules()[0].label_zh, s, Lang::kZh, zh);
  EXPECT_EQ(en, "Marketing: Real estate (72)");
  EXPECT_EQ(zh, "营销：房产");
}

TEST(Policy, DivertTakesABareUri) {
  auto p = MustParse(R"(
[[screen.rule]]
name = "w"
when = "callee.one_ring_source"
action = "divert"
divert_to = "sip:announcement@ivr.example.net"
)");
  EXPECT_EQ(p->rules()[0].divert_uri, "sip:announcement@ivr.example.net");
  EXPECT_EQ(p->rules()[0].sip_code, 302);
  EXPECT_THAT(
      ParseError("[[screen.rule]]\nname = \"w\"\nwhen = \"caller.valid\"\naction = \"divert\"\n"
                 "divert_to = \"sip:a@b>\\r\\nX: y\"\n"),
      HasSubstr("bare URI"));
}

TEST(Policy, EmptyConfigMeansDefaults) {
  auto p = Policy::FromConfig(Config());
  ASSERT_TRUE(p);
  EXPECT_TRUE((*p)->is_default());
}

}  // namespace
}  // namespace quell::screen
