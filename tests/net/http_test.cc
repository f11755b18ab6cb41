#include "quell/net/http.h"

#include <gtest/gtest.h>

#include "quell/net/internal/wire.h"

namespace quell::net {
namespace {

TEST(PercentDecodeTest, DecodesEscapesAndPlus) {
  std::string out;
  ASSERT_TRUE(PercentDecode("a%20b%2Fc%41", out));
  EXPECT_EQ(out, "a b/cA");
  ASSERT_TRUE(PercentDecode("a+b", out));
  EXPECT_EQ(out, "a+b");
  ASSERT_TRUE(PercentDecode("a+b%2B", out, /*plus_is_space=*/true));
  EXPECT_EQ(out, "a b+");
  ASSERT_TRUE(PercentDecode("%e4%b8%ad", out));
  EXPECT_EQ(out, "\xE4\xB8\xAD");
  ASSERT_TRUE(PercentDecode("", out));
  EXPECT_EQ(out, "");
}

TEST(PercentDecodeTest, RejectsMalformedEscapes) {
  std::string out;
  EXPECT_FALSE(PercentDecode("%", out));
  EXPECT_FALSE(PercentDecode("abc%4", out));
  EXPECT_FALSE(PercentDecode("%zz", out));
  EXPECT_FALSE(PercentDecode("%g0", out));
  EXPECT_FALSE(PercentDecode("ok%", out));
}

TEST(SplitTargetTest, SplitsPathAndQuery) {
  std::string path, query;
  ASSERT_TRUE(SplitTarget("/api/v1/x?y=1&z=%20", path, query));
  EXPECT_EQ(path, "/api/v1/x");
  EXPECT_EQ(query, "y=1&z=%20");
  ASSERT_TRUE(SplitTarget("/a%20b", path, query));
  EXPECT_EQ(path, "/a b");
  EXPECT_EQ(query, "");
  ASSERT_TRUE(SplitTarget("/?", path, query));
  EXPECT_EQ(path, "/");
  EXPECT_EQ(query, "");
  ASSERT_TRUE(SplitTarget("/a+b", path, query));
  EXPECT_EQ(path, "/a+b");  // '+' is only a space in queries
}

TEST(SplitTargetTest, RejectsMalformedPaths) {
  std::string path, query;
  EXPECT_FALSE(SplitTarget("", path, query));
  EXPECT_FALSE(SplitTarget("api", path, query));
  EXPECT_FALSE(SplitTarget("*", path, query));
  EXPECT_FALSE(SplitTarget("/a%zz", path, query));
  EXPECT_FALSE(SplitTarget("/a%00b", path, query));
  EXPECT_FALSE(SplitTarget(std::string_view("/a\0b", 4), path, query));
}

TEST(HttpRequestTest, HeaderLookup) {
  HttpRequest req;
  req.headers = {{"host", "x"}, {"x-a", "1"}, {"x-a", "2"}};
  EXPECT_EQ(req.Header("x-a"), "1");
  EXPECT_EQ(req.Header("X-A"), "1");
  EXPECT_EQ(req.Header("missing"), "");
}

TEST(HttpRequestTest, QueryParam) {
  HttpRequest req;
  req.query = "a=1&b=hello+world&c=%E4%B8%AD&d&e=&a=2&bad=%zz&f%20g=h&&";
  EXPECT_EQ(req.QueryParam("a"), "1");
  EXPECT_EQ(req.QueryParam("b"), "hello world");
  EXPECT_EQ(req.QueryParam("c"), "\xE4\xB8\xAD");
  EXPECT_EQ(req.QueryParam("d"), "");
  EXPECT_EQ(req.QueryParam("e"), "");
  EXPECT_EQ(req.QueryParam("bad"), "");
  EXPECT_EQ(req.QueryParam("f g"), "h");
  EXPECT_EQ(req.QueryParam("zzz"), "");
  req.query = "";
  EXPECT_EQ(req.QueryParam("a"), "");
}

TEST(HttpRequestTest, Cookie) {
  HttpRequest req;
  req.headers = {{"cookie", "a=1; session=abc.def;quoted=\"q v\"; empty=; flag"},
                 {"cookie", "later=2"}};
  EXPECT_EQ(req.Cookie("a"), "1");
  EXPECT_EQ(req.Cookie("session"), "abc.def");
  EXPECT_EQ(req.Cookie("quoted"), "q v");
  EXPECT_EQ(req.Cookie("empty"), "");
  EXPECT_EQ(req.Cookie("flag"), "");
  EXPECT_EQ(req.Cookie("later"), "2");
  EXPECT_EQ(req.Cookie("sess"), "");
}

TEST(HttpResponseTest, SetAddGetHeader) {
  HttpResponse res;
  res.SetHeader("Content-Type", "text/plain");
  res.SetHeader("content-type", "application/json");
  EXPECT_EQ(res.headers.size(), 1u);
  EXPECT_EQ(res.GetHeader("CONTENT-TYPE"), "application/json");
  res.AddHeader("Set-Cookie", "a=1");
  res.AddHeader("Set-Cookie", "b=2");
  EXPECT_EQ(res.headers.size(), 3u);
  res.SetHeader("set-cookie", "c=3");
  EXPECT_EQ(res.headers.size(), 2u);
  EXPECT_EQ(res.GetHeader("Set-Cookie"), "c=3");
  EXPECT_EQ(res.GetHeader("missing"), "");
}

TEST(JsonTest, AppendJsonEscaped) {
  std::string out = "x";
  AppendJsonEscaped(out, "plain");
  EXPECT_EQ(out, "xplain");
  out.clear();
  AppendJsonEscaped(out, "q\"b\\s/");
  EXPECT_EQ(out, R"(q\"b\\s/)");
  out.clear();
  AppendJsonEscaped(out, std::string_view("\n\r\t\b\f\x01\x1f\0", 8));
  EXPECT_EQ(out, R"(\n\r\t\b\f\u0001\u001f\u0000)");
  out.clear();
  AppendJsonEscaped(out, "\xE4\xB8\xAD \xF0\x9F\x93\x9E");  // valid UTF-8 passes through
  EXPECT_EQ(out, "\xE4\xB8\xAD \xF0\x9F\x93\x9E");
  out.clear();
  AppendJsonEscaped(out,
                    "a\xFF"
                    "b\xC0\xAF"
                    "c\xE4\xB8");  // invalid bytes -> U+FFFD
  EXPECT_EQ(out,
            "a\xEF\xBF\xBD"
            "b\xEF\xBF\xBD\xEF\xBF\xBD"
            "c\xEF\xBF\xBD\xEF\xBF\xBD");
  out.clear();
  AppendJsonEscaped(out, "\xED\xA0\x80");  // a UTF-16 surrogate is not valid UTF-8
  EXPECT_EQ(out.find("\xED"), std::string::npos);
}

TEST(JsonTest, ErrorBody) {
  EXPECT_EQ(ErrorBody("not_found", "no \"x\""),
            R"({"error":{"code":"not_found","message":"no \"x\""}})");
}

TEST(HttpDateTest, FormatsImfFixdate) {
  EXPECT_EQ(FormatHttpDate(784111777), "Sun, 06 Nov 1994 08:49:37 GMT");
  EXPECT_EQ(FormatHttpDate(0), "Thu, 01 Jan 1970 00:00:00 GMT");
  EXPECT_EQ(internal::HttpDateNow().size(), 29u);
}

TEST(WireTest, ResponseHead) {
  HttpResponse res;
  res.status = 404;
  res.SetHeader("Content-Type", "application/json");
  res.SetHeader("X-Quell-Principal", "user:7");
  res.SetHeader("Date", "bogus");
  res.SetHeader("Bad Name", "v");
  res.SetHeader("X-Split", "a\nb");
  res.body = "{}";
  std::string out;
  std::string_view principal;
  internal::AppendResponseHead(out, res, "quell", internal::ConnectionHeader::kClose, &principal);
  EXPECT_EQ(principal, "user:7");
  EXPECT_EQ(out.rfind("HTTP/1.1 404 Not Found\r\nServer: quell\r\nDate: ", 0), 0u) << out;
  EXPECT_NE(
      out.find(
          "\r\nContent-Length: 2\r\nConnection: close\r\nContent-Type: application/json\r\n\r\n"),
      std::string::npos)
      << out;
  EXPECT_EQ(out.find("bogus"), std::string::npos);
  EXPECT_EQ(out.find("Principal"), std::string::npos);
  EXPECT_EQ(out.find("Bad Name"), std::string::npos);
  EXPECT_EQ(out.find("X-Split"), std::string::npos);

  res = HttpResponse();
  res.status = 304;
  out.clear();
  internal::AppendResponseHead(out, res, "quell", internal::ConnectionHeader::kNone, nullptr);
  EXPECT_EQ(out.find("Content-Length"), std::string::npos);
  EXPECT_EQ(out.find("Connection"), std::string::npos);
}

TEST(WireTest, AccessLogLineEscapesRequestFields) {
  std::string line;
  internal::AppendAccessLogLine(line, "10.0.0.1", "", "GET", "/x\"y\n", 11, 200, 60, 123);
  EXPECT_EQ(line.rfind("10.0.0.1 - - [", 0), 0u) << line;
  EXPECT_NE(line.find("] \"GET /x\\x22y\\x0a HTTP/1.1\" 200 60 123"), std::string::npos) << line;
  line.clear();
  internal::AppendAccessLogLine(line, "::1", "bob", "", "", 11, 400, 0, 5);
  EXPECT_NE(line.find("::1 - bob ["), std::string::npos) << line;
  EXPECT_NE(line.find("] \"-\" 400 0 5"), std::string::npos) << line;
}

}  // namespace
}  // namespace quell::net
