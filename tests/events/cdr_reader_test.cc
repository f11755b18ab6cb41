// The CDR reader (docs/formats/cdr.md): every column in both formats, times and
// offsets, bad rows with their line numbers and reasons, header errors, chunk
// boundaries anywhere, CRLF / BOM / quotes, and 100,000 numbers written every
// way CDRs write them read with libphonenumber's verdicts.
#include "quell/events/cdr_reader.h"

#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "quell/core/number_plan.h"
#include "quell/core/phone_number.h"

namespace quell::events {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr int64_t k20261129T08 = 1'795'939'200'000'000;  // 2026-11-29T08:00:00Z in µs

const NumberPlan& Plan() {
  static const NumberPlan* plan = new NumberPlan("CN");
  return *plan;
}

struct Read {
  std::vector<CallEvent> events;
  CdrStats stats;
  std::vector<CdrError> errors;
  Status status;
};

Read ReadAll(CdrFormat format, std::string_view input, std::size_t chunk = 0,
             CdrReaderOptions options = {}) {
  if (chunk == 0) chunk = input.size() + 1;
  CdrReader reader(Plan(), format, options);
  Read r;
  for (std::size_t at = 0; at < input.size(); at += chunk) {
    reader.Feed(input.substr(at, chunk), r.events);
  }
  reader.Finish(r.events);
  r.stats = reader.stats();
  r.errors = reader.errors();
  r.status = reader.status();
  return r;
}

Read Csv(std::string_view input, std::size_t chunk = 0) {
  return ReadAll(CdrFormat::kCsv, input, chunk);
}
Read Jsonl(std::string_view input, std::size_t chunk = 0) {
  return ReadAll(CdrFormat::kJsonLines, input, chunk);
}

// Every field of an event, for comparisons with readable failures.
std::string Dump(const CallEvent& e) {
  char buf[512];
  std::snprintf(buf, sizeof(buf),
                "t=%lld caller=%llu callee=%llu kind=%s dir=%s answered=%d intl=%d attest=%s "
                "verstat=%s cause=%u ring=%u talk=%u imsi=%llu imei=%llu cell=%llu id=%s trunk=%s",
                static_cast<long long>(e.time_us), static_cast<unsigned long long>(e.caller),
                static_cast<unsigned long long>(e.callee), std::string(Name(e.kind)).c_str(),
                std::string(Name(e.direction)).c_str(), e.answered, e.international,
                std::string(Name(e.attest)).c_str(), std::string(Name(e.verstat)).c_str(),
                e.release_cause, e.ring_ms, e.talk_ms, static_cast<unsigned long long>(e.imsi),
                static_cast<unsigned long long>(e.imei), static_cast<unsigned long long>(e.cell_id),
                std::string(e.call_id.view()).c_str(), std::string(e.trunk.view()).c_str());
  return buf;
}

std::vector<std::string> Dumps(const std::vector<CallEvent>& events) {
  std::vector<std::string> out;
  for (const CallEvent& e : events) out.push_back(Dump(e));
  return out;
}

std::vector<std::string> Reasons(const Read& r) {
  std::vector<std::string> out;
  for (const CdrError& e : r.errors) out.push_back(e.ToString());
  return out;
}

TEST(CdrFormatTest, NamesAndDetection) {
  EXPECT_EQ(CdrFormatFromName("csv"), CdrFormat::kCsv);
  EXPECT_EQ(CdrFormatFromName("jsonl"), CdrFormat::kJsonLines);
  EXPECT_EQ(CdrFormatFromName("ndjson"), CdrFormat::kJsonLines);
  EXPECT_EQ(CdrFormatFromName("xml"), std::nullopt);
  EXPECT_EQ(Name(CdrFormat::kCsv), "csv");
  EXPECT_EQ(Name(CdrFormat::kJsonLines), "jsonl");
  EXPECT_EQ(DetectCdrFormat("{\"time\":1}"), CdrFormat::kJsonLines);
  EXPECT_EQ(DetectCdrFormat("\xEF\xBB\xBF \r\n\t{"), CdrFormat::kJsonLines);
  EXPECT_EQ(DetectCdrFormat("time,caller,callee\n"), CdrFormat::kCsv);
  EXPECT_EQ(DetectCdrFormat("# quell-cdr/1\n{"), CdrFormat::kCsv);  // comments are CSV's
  EXPECT_EQ(DetectCdrFormat("  \n\n"), std::nullopt);
  EXPECT_EQ(DetectCdrFormat("\xEF\xBB"), std::nullopt);  // a BOM cut short: read more
  EXPECT_EQ(DetectCdrFormat(""), std::nullopt);
}

TEST(CdrReaderTest, CsvReadsEveryColumnInAnyOrderAndCase) {
  const std::string input =
      "Callee,TIME,caller,kind,answered,ring_ms,talk_ms,release_cause,call_id,trunk,direction,"
      "international,imsi,imei,cell_id,attest,verstat,switch_name\n"
      "+86 138 0013 8000,2026-11-29T08:00:00Z,010 6552 9988,attempt,no,4500,0,17,abc@10.0.0.1,"
      "TRUNK-BJ-01,originating,true,460001234567890,356938035643809,123456789,B,"
      "TN-Validation-Passed,sw7\n";
  const Read r = Csv(input);
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  ASSERT_EQ(r.events.size(), 1u) << testing::PrintToString(Reasons(r));
  const CallEvent& e = r.events[0];
  EXPECT_EQ(e.time_us, k20261129T08);
  EXPECT_EQ(e.caller, 861065529988u);
  EXPECT_EQ(e.callee, 8613800138000u);
  EXPECT_EQ(e.kind, EventKind::kAttempt);
  EXPECT_FALSE(e.answered);
  EXPECT_EQ(e.ring_ms, 4500u);
  EXPECT_EQ(e.talk_ms, 0u);
  EXPECT_EQ(e.release_cause, 17);
  EXPECT_EQ(e.call_id.view(), "abc@10.0.0.1");
  EXPECT_EQ(e.trunk.view(), "TRUNK-BJ-01");
  EXPECT_EQ(e.direction, Direction::kOriginating);
  EXPECT_TRUE(e.international);
  EXPECT_EQ(e.imsi, 460001234567890u);
  EXPECT_EQ(e.imei, 356938035643809u);
  EXPECT_EQ(e.cell_id, 123456789u);
  EXPECT_EQ(e.attest, Attest::kB);
  EXPECT_EQ(e.verstat, Verstat::kPassed);
  EXPECT_EQ(r.stats, (CdrStats{.lines = 2, .events = 1, .bad = 0, .invalid_caller = 0}));
}

TEST(CdrReaderTest, JsonLinesReadEveryKeyAsStringsOrNumbers) {
  const std::string input =
      R"({"time":"2026-11-29T16:00:00.250+08:00","caller":8613800138000,"callee":"138-0013-8001",)"
      R"("kind":"completed","answered":true,"ring_s":"3.5","talk_s":61.25,"release_cause":16,)"
      R"("call_id":"c\"1\"\u4e2d","trunk":"\u5317\u4eac","direction":"terminating",)"
      R"("international":0,"imsi":"460001234567890","imei":356938035643809,"cell_id":"42",)"
      R"("attest":"a","verstat":"tn-validation-failed","vendor":{"x":[1,{"y":"}"}]},"n":null})"
      "\n"
      R"({"time":1795939200.25,"caller":"+8613800138000","callee":"+8613800138002"})"
      "\n";
  const Read r = Jsonl(input);
  ASSERT_EQ(r.events.size(), 2u) << testing::PrintToString(Reasons(r));
  const CallEvent& e = r.events[0];
  EXPECT_EQ(e.time_us, k20261129T08 + 250'000);
  EXPECT_EQ(e.caller, 8613800138000u);
  EXPECT_EQ(e.callee, 8613800138001u);
  EXPECT_EQ(e.kind, EventKind::kCompleted);
  EXPECT_TRUE(e.answered);
  EXPECT_EQ(e.ring_ms, 3500u);
  EXPECT_EQ(e.talk_ms, 61250u);
  EXPECT_EQ(e.release_cause, 16);
  EXPECT_EQ(e.call_id.view(), "c\"1\"\xE4\xB8\xAD");
  EXPECT_EQ(e.trunk.view(), "\xE5\x8C\x97\xE4\xBA\xAC");
  EXPECT_EQ(e.direction, Direction::kTerminating);
  EXPECT_FALSE(e.international);
  EXPECT_EQ(e.imsi, 460001234567890u);
  EXPECT_EQ(e.imei, 356938035643809u);
  EXPECT_EQ(e.cell_id, 42u);
  EXPECT_EQ(e.attest, Attest::kA);
  EXPECT_EQ(e.verstat, Verstat::kFailed);
  EXPECT_EQ(r.events[1].time_us, k20261129T08 + 250'000);
  EXPECT_EQ(r.events[1].callee, 8613800138002u);
}

TEST(CdrReaderTest, DefaultsForOptionalColumns) {
  const Read r =
      Csv("time,caller,callee,talk_ms,answered,kind,direction,attest,verstat\n"
          "1795939200,13800138000,13800138001,,,,,,\n"
          "1795939200,13800138000,13800138001,2000,,,,,\n"
          "1795939200,13800138000,13800138001,2000,0,,unknown,,\n");
  ASSERT_EQ(r.events.size(), 3u) << testing::PrintToString(Reasons(r));
  const CallEvent& e = r.events[0];
  EXPECT_EQ(e.kind, EventKind::kCompleted);  // a CDR is a completed call unless it says otherwise
  EXPECT_FALSE(e.answered);
  EXPECT_EQ(e.direction, Direction::kUnknown);
  EXPECT_EQ(e.attest, Attest::kNone);
  EXPECT_EQ(e.verstat, Verstat::kUnknown);
  EXPECT_EQ(e.release_cause, 0);
  EXPECT_TRUE(e.call_id.empty());
  EXPECT_TRUE(r.events[1].answered) << "answered defaults to talk > 0";
  EXPECT_FALSE(r.events[2].answered) << "unless the row says so";
  // Only the three required columns.
  const Read minimal = Jsonl(R"({"time":"2026-11-29T08:00:00Z","caller":"","callee":"10086"})");
  ASSERT_EQ(minimal.events.size(), 1u) << testing::PrintToString(Reasons(minimal));
  EXPECT_EQ(minimal.events[0].caller, 0u);
  EXPECT_EQ(minimal.stats.invalid_caller, 1u);
}

TEST(CdrReaderTest, DurationsInMillisecondsOrDecimalSeconds) {
  const Read r =
      Csv("time,caller,callee,ring_s,talk_s,ring_ms\n"
          "1795939200,13800138000,13800138001,1.2345,0.0005,\n"
          "1795939200,13800138000,13800138001,2,61,\n"
          "1795939200,13800138000,13800138001,2,4294967.295,700\n"
          "1795939200,13800138000,13800138001,1.,,\n"
          "1795939200,13800138000,13800138001,,4294967.296,\n"
          "1795939200,13800138000,13800138001,,,-5\n"
          "1795939200,13800138000,13800138001,,,4294967296\n");
  ASSERT_EQ(r.events.size(), 3u);
  EXPECT_EQ(r.events[0].ring_ms, 1235u);  // rounded to the nearest millisecond
  EXPECT_EQ(r.events[0].talk_ms, 1u);
  EXPECT_TRUE(r.events[0].answered);
  EXPECT_EQ(r.events[1].ring_ms, 2000u);
  EXPECT_EQ(r.events[1].talk_ms, 61000u);
  EXPECT_EQ(r.events[2].ring_ms, 700u) << "ring_ms wins over ring_s";
  EXPECT_EQ(r.events[2].talk_ms, 4294967295u);
  EXPECT_THAT(Reasons(r), ElementsAre("line 5: ring_s: expected decimal seconds ('1.')",
                                      "line 6: talk_s: out of range (at most 4294967 seconds) "
                                      "('4294967.296')",
                                      "line 7: ring_ms: expected whole milliseconds ('-5')",
                                      "line 8: ring_ms: out of range (at most 4294967295) "
                                      "('4294967296')"));
}

TEST(CdrReaderTest, TimesInRfc3339WithOffsetsOrUnixSeconds) {
  struct Case {
    const char* text;
    int64_t us;
  };
  const Case good[] = {
      {"2026-11-29T08:00:00Z", k20261129T08},
      {"2026-11-29t08:00:00z", k20261129T08},
      {"2026-11-29 08:00:00Z", k20261129T08},
      {"2026-11-29T16:00:00+08:00", k20261129T08},
      {"2026-11-29T16:00:00.250+08:00", k20261129T08 + 250'000},
      {"2026-11-29T03:30:00-04:30", k20261129T08},
      {"2026-11-29T08:00:00.123456789Z", k20261129T08 + 123'456},  // beyond µs: truncated
      {"2026-11-29T08:00:00.1Z", k20261129T08 + 100'000},
      {"2026-11-30T00:00:00+16:00", k20261129T08},
      {"2024-02-29T23:59:59Z", 1'709'251'199'000'000},
      {"1970-01-01T00:00:00Z", 0},
      {"1795939200", k20261129T08},
      {"1795939200.25", k20261129T08 + 250'000},
      {"1795939200.000001", k20261129T08 + 1},
      {"0", 0},
      {"253402300799", 253'402'300'799'000'000},
  };
  for (const Case& c : good) {
    const Read r = Csv(std::string("time,caller,callee\n") + c.text + ",13800138000,10086\n");
    ASSERT_EQ(r.events.size(), 1u) << c.text << " " << testing::PrintToString(Reasons(r));
    EXPECT_EQ(r.events[0].time_us, c.us) << c.text;
  }
  struct Bad {
    const char* text;
    const char* reason;
  };
  const Bad bad[] = {
      {"2026-11-29T08:00:00", "no UTC offset (end it with Z or +08:00)"},
      {"2026-11-29 08:00:00.5", "no UTC offset (end it with Z or +08:00)"},
      {"2026-02-30T08:00:00Z", "not a valid date or time"},
      {"2026-11-29T24:00:00Z", "not a valid date or time"},
      {"2026-11-29T08:00:00+24:00", "not a valid date or time"},
      {"1969-12-31T23:59:59Z", "before 1970"},
      {"1970-01-01T00:00:00+01:00", "before 1970"},
      {"2026-11-29T08:00Z", "expected RFC 3339 or Unix seconds"},
      {"2026-11-29T08:00:00+0800", "expected RFC 3339 or Unix seconds"},
      {"2026-11-29T08:00:00.Z", "expected RFC 3339 or Unix seconds"},
      {"29/11/2026 08:00", "expected RFC 3339 or Unix seconds"},
      {"-1795939200", "expected RFC 3339 or Unix seconds"},
      {"1795939200.", "expected RFC 3339 or Unix seconds"},
      {"1.7e9", "expected RFC 3339 or Unix seconds"},
      {"253402300800", "out of range (after 9999)"},
      {"99999999999999", "out of range (after 9999)"},
  };
  for (const Bad& c : bad) {
    const Read r = Csv(std::string("time,caller,callee\n") + c.text + ",13800138000,10086\n");
    EXPECT_TRUE(r.events.empty()) << c.text;
    EXPECT_THAT(Reasons(r),
                ElementsAre(std::string("line 2: time: ") + c.reason + " ('" + c.text + "')"));
  }
}

TEST(CdrReaderTest, BadRowsAreCountedWithLineNumbersAndReasons) {
  const std::string input =
      "# exported by switch 7\n"
      "time,caller,callee,kind,answered,release_cause,direction,international,imsi,imei,"
      "cell_id,attest,verstat\n"
      "2026-11-29T08:00:00Z,13800138000,13800138001,,,,,,,,,,\n"
      "2026-11-29T08:00:00Z,anonymous,13800138001,,,,,,,,,,\n"
      "yesterday,13800138000,13800138001,,,,,,,,,,\n"
      "2026-11-29T08:00:00Z,13800138000,call-me,,,,,,,,,,\n"
      "2026-11-29T08:00:00Z,13800138000,,,,,,,,,,,\n"
      ",13800138000,13800138001,,,,,,,,,,\n"
      "2026-11-29T08:00:00Z,13800138000,13800138001,setup,,,,,,,,,\n"
      "2026-11-29T08:00:00Z,13800138000,13800138001,,maybe,,,,,,,,\n"
      "2026-11-29T08:00:00Z,13800138000,13800138001,,,128,,,,,,,\n"
      "2026-11-29T08:00:00Z,13800138000,13800138001,,,,inbound,,,,,,\n"
      "2026-11-29T08:00:00Z,13800138000,13800138001,,,,,2,,,,,\n"
      "2026-11-29T08:00:00Z,13800138000,13800138001,,,,,,4600012345678901,,,,\n"
      "2026-11-29T08:00:00Z,13800138000,13800138001,,,,,,,35-693803-564380,,,\n"
      "2026-11-29T08:00:00Z,13800138000,13800138001,,,,,,,,12345678901234567890,,\n"
      "2026-11-29T08:00:00Z,13800138000,13800138001,,,,,,,,,D,\n"
      "2026-11-29T08:00:00Z,13800138000,13800138001,,,,,,,,,,passed\n"
      "2026-11-29T08:00:00Z,13800138000\n"
      "2026-11-29T08:00:00Z,13800138000,13800138001,,,,,,,,,,,,extra\n"
      "2026-11-29T08:00:00Z,13800138000,13800138001,,,,,,,,,,,,\n";
  const Read r = Csv(input);
  ASSERT_TRUE(r.status.ok());
  EXPECT_THAT(
      Reasons(r),
      ElementsAre(
          "line 5: time: expected RFC 3339 or Unix seconds ('yesterday')",
          "line 6: callee: not a phone number ('call-me')", "line 7: callee: empty",
          "line 8: time: empty", "line 9: kind: expected attempt or completed ('setup')",
          "line 10: answered: expected 1, 0, true, false, yes or no ('maybe')",
          "line 11: release_cause: expected a Q.850 cause (0-127) ('128')",
          "line 12: direction: expected terminating, originating, transit or unknown "
          "('inbound')",
          "line 13: international: expected 1, 0, true, false, yes or no ('2')",
          "line 14: imsi: expected up to 15 digits ('4600012345678901')",
          "line 15: imei: expected up to 16 digits ('35-693803-564380')",
          "line 16: cell_id: expected up to 19 digits ('12345678901234567890')",
          "line 17: attest: expected A, B, C or empty ('D')",
          "line 18: verstat: expected TN-Validation-Passed, TN-Validation-Failed, "
          "No-TN-Validation or empty ('passed')",
          "line 19: callee: missing",
          "line 20: 15 fields, the header has 13 (a comma inside a value that is not quoted?)"));
  ASSERT_EQ(r.events.size(), 3u);
  EXPECT_EQ(r.events[1].caller, 0u) << "an invalid caller is kept as 0, not a bad row";
  EXPECT_EQ(r.stats, (CdrStats{.lines = 21, .events = 3, .bad = 16, .invalid_caller = 1}));
}

TEST(CdrReaderTest, JsonLinesBadRows) {
  const std::string input =
      R"({"time":"2026-11-29T08:00:00Z","caller":"13800138000","callee":"13800138001"})"
      "\n"
      R"({"time":"2026-11-29T08:00:00Z","caller":"13800138000"})"
      "\n"
      R"({"caller":"13800138000","callee":"13800138001"})"
      "\n"
      R"({"time":"2026-11-29T08:00:00Z","caller":"13800138000","callee":["13800138001"]})"
      "\n"
      R"({"time":"2026-11-29T08:00:00Z" "caller":"1"})"
      "\n"
      R"({"time":"2026-11-29T08:00:00Z","caller":"13800138000","callee":"13800138001"} x)"
      "\n"
      "time,caller,callee\n"
      R"({"time":"2026-11-29T08:00:00Z","caller":"\x"})"
      "\n"
      R"({"time":"2026-11-29T08:00:00Z","caller":tru})"
      "\n"
      R"({"time":"2026-11-29T08:00:00Z","caller":"13800138000)"
      "\n"
      R"({"time":"2026-11-29T08:00:00Z","caller":null,"callee":"13800138001","x":{"a":[})"
      "\n"
      R"({"time":true,"caller":null,"callee":"13800138001"})"
      "\n"
      "  \t \n"
      R"({ "time" : 1795939200 , "caller" : null , "callee" : 10086 } )"
      "\n"
      "{}\n";
  const Read r = Jsonl(input);
  EXPECT_THAT(Reasons(r),
              ElementsAre("line 2: callee: missing", "line 3: time: missing",
                          "line 4: callee: expected a string, a number, true, false or null",
                          "line 5: malformed JSON at column 32: expected ',' or '}'",
                          "line 6: malformed JSON at column 79: text after the object (one "
                          "object per line)",
                          "line 7: not a JSON object (expected '{') ('time,caller,callee')",
                          "line 8: malformed JSON at column 41: bad escape in a string",
                          "line 9: malformed JSON at column 41: expected a value",
                          "line 10: malformed JSON at column 41: unterminated string",
                          "line 11: malformed JSON at column 80: unterminated object or array",
                          "line 12: time: expected RFC 3339 or Unix seconds ('true')",
                          "line 15: time: missing"));
  ASSERT_EQ(r.events.size(), 2u);
  EXPECT_EQ(r.events[1].callee, 8610086u);
  EXPECT_EQ(r.stats, (CdrStats{.lines = 15, .events = 2, .bad = 12, .invalid_caller = 1}));
}

TEST(CdrReaderTest, HeaderErrorsStopTheInput) {
  {
    const Read r =
        Csv("# quell-cdr/1\ntime,caller,to\n1795939200,13800138000,10086\n\n"
            "1795939200,13800138000,10086\n");
    EXPECT_EQ(r.status.code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(r.status.message(), "line 2: missing column callee");
    EXPECT_THAT(Reasons(r), ElementsAre("line 2: missing column callee"));
    EXPECT_TRUE(r.events.empty());
    EXPECT_EQ(r.stats, (CdrStats{.lines = 5, .events = 0, .bad = 2, .invalid_caller = 0}));
  }
  EXPECT_EQ(Csv("TIME,Time,caller,callee\n").status.message(), "line 1: duplicate column time");
  EXPECT_EQ(Csv("a,caller\n").status.message(), "line 1: missing columns time, callee");
  EXPECT_THAT(std::string(Csv("1795939200,13800138000,10086\n").status.message()),
              HasSubstr("line 1: missing columns time, caller, callee (the first line that is "
                        "not blank or a comment is the header"));
  EXPECT_EQ(Csv("\"time,caller,callee\n").status.message(),
            "line 1: the header: unterminated quote (a quoted value cannot span lines)");
  // A version this reader does not know.
  const Read v2 = Csv("# quell-cdr/2 produced by x\ntime,caller,callee\n1,2,3\n");
  EXPECT_EQ(v2.status.message(),
            "line 1: format version '2' is not supported (this reader knows quell-cdr/1)");
  EXPECT_EQ(v2.stats.bad, 2u) << "the header and the row: nothing after the bad version is read";
  const Read jv2 = Jsonl("#quell-cdr/1.5\n{}\n");
  EXPECT_FALSE(jv2.status.ok());
  EXPECT_EQ(jv2.stats.bad, 1u);
  // An empty input is no error: there is nothing to read.
  EXPECT_TRUE(Csv("").status.ok());
  EXPECT_TRUE(Csv("# only a comment\n\n").status.ok());
}

TEST(CdrReaderTest, CrlfBomQuotesAndComments) {
  const std::string input =
      "\xEF\xBB\xBF# quell-cdr/1\r\n"
      "\"time\", \"caller\" ,callee,call_id,trunk\r\n"
      "\r\n"
      "  # an indented comment\r\n"
      "2026-11-29T08:00:00Z,\"+86 138-0013-8000\",\"13800138001\",\"a,b\",\"say \"\"hi\"\"\"\r\n"
      "2026-11-29T08:00:00Z , 13800138000 ,\t13800138001\t,\"\",  \"x\"  \r\n"
      "2026-11-29T08:00:00Z,13800138000,13800138001,\"open,\r\n"
      "2026-11-29T08:00:00Z,13800138000,13800138001,\"closed\"x,\r\n"
      "2026-11-29T08:00:00Z,13800138000,13800138001,a\"b,";  // no final newline
  const Read r = Csv(input);
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  ASSERT_EQ(r.events.size(), 3u) << testing::PrintToString(Reasons(r));
  EXPECT_EQ(r.events[0].caller, 8613800138000u);
  EXPECT_EQ(r.events[0].call_id.view(), "a,b");
  EXPECT_EQ(r.events[0].trunk.view(), "say \"hi\"");
  EXPECT_EQ(r.events[1].callee, 8613800138001u);
  EXPECT_TRUE(r.events[1].call_id.empty());
  EXPECT_EQ(r.events[1].trunk.view(), "x");
  EXPECT_EQ(r.events[2].call_id.view(), "a\"b") << "a quote inside an unquoted value is kept";
  EXPECT_THAT(Reasons(r),
              ElementsAre("line 7: unterminated quote (a quoted value cannot span lines)",
                          "line 8: text after a closing quote ('x,')"));
  EXPECT_EQ(r.stats.lines, 9u);
}

TEST(CdrReaderTest, LongValuesAreTruncatedAndLongLinesRejected) {
  const std::string id(100, 'i'), trunk(40, 't');
  const Read r = Csv("time,caller,callee,call_id,trunk\n1795939200,13800138000,10086," + id + "," +
                     trunk + "\n1795939200,13800138000,10086," + std::string(70000, 'x') +
                     ",\n1795939200,13800138000,10086,,\n");
  ASSERT_EQ(r.events.size(), 2u);
  EXPECT_EQ(r.events[0].call_id.view(), id.substr(0, 63));
  EXPECT_EQ(r.events[0].trunk.view(), trunk.substr(0, 31));
  EXPECT_THAT(Reasons(r), ElementsAre("line 3: line longer than 65536 bytes"));
  // The same, fed in small pieces.
  const Read pieces =
      Csv("time,caller,callee\n" + std::string(70000, '1') + "\n1,10086,10086\n", 1000);
  EXPECT_THAT(Reasons(pieces), ElementsAre("line 2: line longer than 65536 bytes"));
  EXPECT_EQ(pieces.events.size(), 1u);
  // A header that long cannot be read.
  EXPECT_EQ(Csv(std::string(70000, 'h') + "\n").status.message(),
            "line 1: the header: line longer than 65536 bytes");
}

TEST(CdrReaderTest, ErrorListIsBoundedButEveryBadRowCounted) {
  std::string input = "time,caller,callee\n";
  for (int i = 0; i < 10; ++i) input += "never,13800138000,10086\n";
  const Read r = ReadAll(CdrFormat::kCsv, input, 0, {.max_errors = 3});
  EXPECT_EQ(r.errors.size(), 3u);
  EXPECT_EQ(r.errors[2].line, 4u);
  EXPECT_EQ(r.stats.bad, 10u);
}

TEST(CdrReaderTest, ErrorSnippetsAreShortAndPrintable) {
  const Read r = Csv("time,caller,callee\n1795939200,1,\x01" + std::string(60, 'z') + "\n");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].reason, "callee: not a phone number ('?" + std::string(39, 'z') + "...')");
  // Not cut inside a UTF-8 sequence: 39 bytes of 'a' then a 3-byte character.
  const Read u = Csv("time,caller,callee\n1795939200,1," + std::string(39, 'a') +
                     "\xE4\xB8\xAD\xE4\xB8\xAD\n");
  ASSERT_EQ(u.errors.size(), 1u);
  EXPECT_EQ(u.errors[0].reason, "callee: not a phone number ('" + std::string(39, 'a') + "...')");
}

// A varied input — comments, blank lines, CRLF, quotes, bad rows, a long line,
// escapes — read whole, byte by byte and in odd chunks: the same events,
// counts and errors.
TEST(CdrReaderTest, ChunkBoundariesDoNotMatter) {
  const std::string csv =
      "\xEF\xBB\xBF# quell-cdr/1\r\n"
      "time,caller,callee,kind,ring_s,talk_ms,call_id,trunk\r\n"
      "2026-11-29T08:00:00Z,+86 138 0013 8000,010 6552 9988,attempt,1.5,,\"x,y\",t1\r\n"
      "\n"
      "1795939200.5,anonymous,138-0013-8000,,,30000,\"q\"\"q\",\r\n"
      "bad,13800138000,13800138001,,,,,\n"
      "2026-11-29 16:00:00+08:00,8613800138000,13800138001,completed,,,," +
      std::string(300, 'T') +
      "\n"
      "# trailing comment\n"
      "2026-11-29T08:00:00Z,13800138000,13800138001,,,,\"open\n"
      "2026-11-29T08:00:00Z,13800138000,13800138001";
  const std::string jsonl =
      "\xEF\xBB\xBF{\"time\":\"2026-11-29T08:00:00Z\",\"caller\":\"+86 138 0013 8000\","
      "\"callee\":\"010 6552 9988\",\"trunk\":\"\\u5317\\ud83d\\ude00\",\"skip\":[{\"}\":1}]}\r\n"
      "\n"
      "{\"time\":1795939200,\"caller\":8613800138000,\"callee\":\"1\",\"talk_s\":2.5}\n"
      "not json\n"
      "{\"time\":1795939200,\"caller\":null,\"callee\":\"13800138001\"}";
  for (const auto& [format, input] :
       {std::pair{CdrFormat::kCsv, csv}, std::pair{CdrFormat::kJsonLines, jsonl}}) {
    const Read whole = ReadAll(format, input);
    ASSERT_GE(whole.events.size(), 3u) << testing::PrintToString(Reasons(whole));
    ASSERT_GE(whole.errors.size(), 1u);
    for (std::size_t chunk : {std::size_t{1}, std::size_t{2}, std::size_t{3}, std::size_t{7},
                              std::size_t{64}, std::size_t{1000}}) {
      const Read r = ReadAll(format, input, chunk);
      EXPECT_EQ(Dumps(r.events), Dumps(whole.events)) << Name(format) << " chunk " << chunk;
      EXPECT_EQ(r.stats, whole.stats) << Name(format) << " chunk " << chunk;
      EXPECT_EQ(r.errors, whole.errors) << Name(format) << " chunk " << chunk;
    }
    // Every split into two chunks.
    for (std::size_t at = 0; at <= input.size(); ++at) {
      CdrReader reader(Plan(), format);
      std::vector<CallEvent> events;
      reader.Feed(std::string_view(input).substr(0, at), events);
      reader.Feed(std::string_view(input).substr(at), events);
      reader.Finish(events);
      ASSERT_EQ(Dumps(events), Dumps(whole.events)) << Name(format) << " split at " << at;
      ASSERT_EQ(reader.errors(), whole.errors) << Name(format) << " split at " << at;
    }
  }
}

uint64_t Pow10(std::size_t n) {
  uint64_t v = 1;
  while (n-- > 0) v *= 10;
  return v;
}

// The examples of docs/formats/cdr.md read as the document says.
TEST(CdrReaderTest, TheSpecExamplesRead) {
  std::ifstream in(std::string(QUELL_SOURCE_DIR) + "/docs/formats/cdr.md");
  ASSERT_TRUE(in.good());
  std::stringstream doc;
  doc << in.rdbuf();
  auto block = [&](std::string_view fence) {
    const std::string text = doc.str();
    const std::size_t start = text.find(std::string(fence) + "\n");
    if (start == std::string::npos) return std::string();
    const std::size_t body = start + fence.size() + 1;
    return text.substr(body, text.find("```", body) - body);
  };
  const Read csv = Csv(block("```csv"));
  EXPECT_TRUE(csv.errors.empty()) << testing::PrintToString(Reasons(csv));
  ASSERT_EQ(csv.events.size(), 3u);
  EXPECT_EQ(Dump(csv.events[0]),
            "t=1795939200250000 caller=8613800138000 callee=861065529988 kind=completed "
            "dir=terminating answered=1 intl=0 attest= verstat= cause=16 ring=3200 talk=61000 "
            "imsi=0 imei=0 cell=0 id=a84b4c76e66710@sbc1 trunk=TRUNK-BJ-01");
  EXPECT_EQ(csv.events[1].caller, 0u);
  EXPECT_EQ(csv.events[1].kind, EventKind::kAttempt);
  EXPECT_EQ(csv.events[2].callee, 8613800138002u);
  EXPECT_EQ(csv.events[2].trunk.view(), "TRUNK-SH-02");
  const Read jsonl = Jsonl(block("```json"));
  EXPECT_TRUE(jsonl.errors.empty()) << testing::PrintToString(Reasons(jsonl));
  ASSERT_EQ(jsonl.events.size(), 2u);
  EXPECT_EQ(Dump(jsonl.events[0]), Dump(csv.events[0]));
  EXPECT_EQ(jsonl.events[1].ring_ms, 4500u);
  EXPECT_EQ(jsonl.events[1].verstat, Verstat::kNoValidation);
  EXPECT_EQ(jsonl.stats.invalid_caller, 1u);
}

// One number written as a switch, a CRM or a person might.
std::string Written(const std::string& nsn, bool fixed, std::mt19937_64& rng) {
  const std::string national = fixed ? "0" + nsn : nsn;
  const std::size_t a = fixed ? (nsn[0] == '1' || nsn[0] == '2' ? 2 : 3) : 3;
  const std::string spaced = nsn.substr(0, a) + " " + nsn.substr(a, 4) + " " + nsn.substr(a + 4);
  switch (rng() % 8) {
    case 0:
      return "+86" + nsn;  // E.164
    case 1:
      return "+86 " + spaced;
    case 2:
      return "86" + nsn;  // E.164 without '+'
    case 3:
      return "0086" + nsn;
    case 4:  // 138-0013-8000, 010-6552-9988
      return (fixed ? "0" : "") + nsn.substr(0, a) + "-" + nsn.substr(a, 4) + "-" +
             nsn.substr(a + 4);
    case 5:  // 010 6552 9988
      return (fixed ? "0" : "") + spaced;
    case 6:
      return "+86-" + nsn;
    default:
      return national;
  }
}

// 100,000 numbers — mobile numbers of every segment (some unallocated, so
// invalid), fixed lines of many areas, and garbage — as callers and callees,
// in every written form: the reader's verdicts are libphonenumber's
// (PhoneNumber::Parse for validity and the number; ParsePossible for the
// numbers a caller keeps).
TEST(CdrReaderTest, HundredThousandMixedNumbersAgreeWithLibphonenumber) {
  std::mt19937_64 rng(20261129);
  static const char* kAreas[] = {"10",  "20",  "21",  "22",  "23",  "24",  "25",  "27",  "28",
                                 "29",  "311", "351", "371", "431", "451", "471", "512", "571",
                                 "591", "731", "755", "757", "769", "871", "898", "535"};
  static const char* kGarbage[] = {
      "anonymous",         "",  "unknown", "12", "+0", "+86 1", "call-me", "999999999999999999999",
      "+1 (650) 253-0000", "00"};
  std::vector<std::string> numbers;
  for (int i = 0; i < 100'000; ++i) {
    const int kind = static_cast<int>(rng() % 20);
    if (kind == 0) {
      numbers.push_back(kGarbage[rng() % std::size(kGarbage)]);
    } else if (kind <= 4) {
      const std::string area = kAreas[rng() % std::size(kAreas)];
      std::string rest = std::to_string(2 + rng() % 7);
      const std::size_t len = area.size() == 2 ? 7 : 6 + rng() % 2;
      while (rest.size() < len) rest.push_back(static_cast<char>('0' + rng() % 10));
      numbers.push_back(Written(area + rest, true, rng));
    } else {
      numbers.push_back(
          Written(std::to_string(10'000'000'000ULL + rng() % 10'000'000'000ULL), false, rng));
    }
  }
  // Row i: caller numbers[i], callee numbers[(i + 1) % n]; call_id i.
  std::string input = "time,caller,callee,call_id\n";
  auto quoted = [](const std::string& s) { return "\"" + s + "\""; };
  for (std::size_t i = 0; i < numbers.size(); ++i) {
    input += "1795939200," + quoted(numbers[i]) + "," + quoted(numbers[(i + 1) % numbers.size()]) +
             "," + std::to_string(i) + "\n";
  }
  const Read r = ReadAll(CdrFormat::kCsv, input, 1 << 16, {.max_errors = 200'000});
  ASSERT_TRUE(r.status.ok());
  std::vector<const CallEvent*> by_row(numbers.size(), nullptr);
  for (const CallEvent& e : r.events) by_row[std::stoul(std::string(e.call_id.view()))] = &e;
  int64_t valid = 0, validity_disagree = 0, value_disagree = 0, possible_lost = 0;
  int64_t callee_rejected = 0, invalid_callers = 0, invalid_read_as_national = 0;
  for (std::size_t i = 0; i < numbers.size(); ++i) {
    const CallEvent* e = by_row[i];
    const std::string& callee_text = numbers[(i + 1) % numbers.size()];
    if (e == nullptr) {
      // Only a callee that is no number at all makes a bad row.
      if (PhoneNumber::Parse(callee_text, "CN")) ++validity_disagree;
      if (PhoneNumber::ParsePossible(callee_text, "CN")) ++possible_lost;
      ++callee_rejected;
      continue;
    }
    for (bool is_caller : {true, false}) {
      const std::string& text = is_caller ? numbers[i] : callee_text;
      const auto reference = PhoneNumber::Parse(text, "CN");
      const auto possible = PhoneNumber::ParsePossible(text, "CN");
      const uint64_t got = is_caller ? e->caller : e->callee;
      if (is_caller && got == 0) ++invalid_callers;
      const bool got_valid = got != 0 && Plan().Classify(got).valid;
      valid += reference ? 1 : 0;
      if (got_valid != reference.has_value()) ++validity_disagree;
      if (reference && got != reference->compact()) ++value_disagree;
      if (possible && got != possible->compact()) {
        // NumberPlan reads digits without '+' as national unless they make a
        // valid E.164 number; libphonenumber strips a leading 86 from an
        // invalid one too. Both call it invalid; only the value differs.
        const bool e164_without_plus =
            text.starts_with("86") && text.find_first_not_of("0123456789") == std::string::npos;
        if (!reference && e164_without_plus && got == 86 * Pow10(text.size()) + std::stoull(text)) {
          ++invalid_read_as_national;
        } else {
          ++possible_lost;
        }
      }
    }
  }
  std::printf(
      "cdr reader vs libphonenumber on %zu rows (%lld valid numbers): validity %lld, value %lld "
      "disagreements; %lld possible numbers not kept, %lld invalid ones without '+' read as "
      "national; %lld rows rejected for the callee, %lld invalid callers\n",
      numbers.size(), static_cast<long long>(valid), static_cast<long long>(validity_disagree),
      static_cast<long long>(value_disagree), static_cast<long long>(possible_lost),
      static_cast<long long>(invalid_read_as_national), static_cast<long long>(callee_rejected),
      static_cast<long long>(invalid_callers));
  EXPECT_GT(valid, 50'000);
  EXPECT_EQ(validity_disagree, 0);
  EXPECT_EQ(value_disagree, 0);
  EXPECT_EQ(possible_lost, 0);
  EXPECT_EQ(r.stats.events + r.stats.bad, numbers.size());
  EXPECT_EQ(r.stats.bad, static_cast<uint64_t>(callee_rejected));
  EXPECT_EQ(r.stats.invalid_caller, static_cast<uint64_t>(invalid_callers));
  EXPECT_GT(callee_rejected, 0);
  EXPECT_GT(invalid_callers, 0);
}

}  // namespace
}  // namespace quell::events
