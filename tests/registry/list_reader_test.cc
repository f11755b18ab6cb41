#include "quell/registry/list_reader.h"

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "quell/core/number_plan.h"

namespace quell::registry {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

struct Seen {
  int64_t line;
  bool too_long;
  std::vector<std::string> fields;
};

std::vector<Seen> ReadAll(std::string_view input, std::size_t chunk) {
  std::vector<Seen> out;
  ListReader reader;
  auto fn = [&](const ListRow& r) {
    Seen s{r.line, r.too_long, {}};
    for (auto f : r.fields) s.fields.emplace_back(f);
    out.push_back(std::move(s));
  };
  for (std::size_t at = 0; at < input.size(); at += chunk) reader.Feed(input.substr(at, chunk), fn);
  reader.Finish(fn);
  return out;
}

TEST(ListReaderTest, SplitsRowsFieldsQuotesAndSkipsHeaderBomAndBlanks) {
  const std::string input =
      "\xEF\xBB\xBFphone,name\r\n"
      "13800138000,Li Lei\r\n"
      "\r\n"
      "\"139 0013 9000\",\"Han, \"\"Meimei\"\"\"\n"
      "  +86-137-0013-7000  ,, x \n"
      "10086";  // no final newline
  for (std::size_t chunk : {std::size_t{1}, std::size_t{3}, std::size_t{1000}}) {
    auto rows = ReadAll(input, chunk);
    ASSERT_EQ(rows.size(), 4u) << chunk;
    EXPECT_EQ(rows[0].line, 2);
    EXPECT_THAT(rows[0].fields, ElementsAre("13800138000", "Li Lei"));
    EXPECT_EQ(rows[1].line, 4);
    EXPECT_THAT(rows[1].fields, ElementsAre("139 0013 9000", "Han, \"Meimei\""));
    EXPECT_THAT(rows[2].fields, ElementsAre("+86-137-0013-7000", "", "x"));
    EXPECT_EQ(rows[3].line, 6);
    EXPECT_THAT(rows[3].fields, ElementsAre("10086"));
  }
}

TEST(ListReaderTest, FirstRowWithDigitsIsData) {
  auto rows = ReadAll("13800138000\n13900139000\n", 5);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].line, 1);
}

TEST(ListReaderTest, OverlongLinesAreReportedNotKept) {
  const std::string input = "13800138000\n" + std::string(5000, '1') + "\n13900139000\n";
  for (std::size_t chunk : {std::size_t{7}, std::size_t{100000}}) {
    auto rows = ReadAll(input, chunk);
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_TRUE(rows[1].too_long);
    EXPECT_TRUE(rows[1].fields.empty());
    EXPECT_EQ(rows[2].line, 3);
    EXPECT_THAT(rows[2].fields, ElementsAre("13900139000"));
  }
}

TEST(ImportRowTest, ParsesNumbersTimesAndPreferences) {
  NumberPlan plan("CN");
  ListRow row{
      .line = 7,
      .fields = {"+86 138-0013-8000", "2024-03-01T08:00:00+08:00", "finance;travel", "18-21"}};
  auto r = ParseImportRow(row, plan);
  ASSERT_TRUE(r.has_value()) << r.status().ToString();
  EXPECT_EQ(r->number, 8613800138000u);
  EXPECT_EQ(FormatRfc3339(r->registered_at), "2024-03-01T00:00:00.000Z");
  EXPECT_THAT(r->preferences.CategoryNames(), ElementsAre("finance", "travel"));
  EXPECT_THAT(r->preferences.BandNames(), ElementsAre("18-21"));

  row.fields = {"13800138000", "2024-02-30"};
  EXPECT_THAT(ParseImportRow(row, plan).status().message(), HasSubstr("not a date"));
  row.fields = {"1380013", "2024-02-01"};
  EXPECT_FALSE(ParseImportRow(row, plan).has_value());
  row.fields = {"13800138000"};
  EXPECT_THAT(ParseImportRow(row, plan).status().message(), HasSubstr("number,registered_at"));
  row.fields = {"13800138000", "2024-02-01", "gambling"};
  EXPECT_THAT(ParseImportRow(row, plan).status().message(), HasSubstr("gambling"));
  EXPECT_EQ(FormatRfc3339(*ParseDateOrTime("2024-02-29")), "2024-02-29T00:00:00.000Z");
  EXPECT_EQ(FormatRfc3339(*ParseDateOrTime("2024-02-29 23:59:59Z")), "2024-02-29T23:59:59.000Z");
  EXPECT_FALSE(ParseDateOrTime("2023-02-29").has_value());
  EXPECT_FALSE(ParseDateOrTime("2024-01-01T25:00:00Z").has_value());
}

}  // namespace
}  // namespace quell::registry
