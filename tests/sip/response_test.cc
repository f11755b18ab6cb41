#include "quell/sip/response.h"

#include <string>

#include <gtest/gtest.h>

namespace quell::sip {
namespace {

// As Kamailio forwards it: two Vias (one a comma list would give the same).
constexpr char kInvite[] =
    "INVITE sip:+8613800138000@carrier.example.cn;user=phone SIP/2.0\r\n"
    "Via: SIP/2.0/UDP 10.0.0.2;branch=z9hG4bK2c1a.0\r\n"
    "Via: SIP/2.0/UDP 203.0.113.7:5060;received=203.0.113.7;rport=5060;branch=z9hG4bK-1\r\n"
    "Max-Forwards: 69\r\n"
    "f: \"Zhang San\" <sip:+8613900139000@203.0.113.7;user=phone>;tag=8d2f1c\r\n"
    "t: <sip:+8613800138000@carrier.example.cn;user=phone>\r\n"
    "i: 5f1e2d3c4b5a@203.0.113.7\r\n"
    "CSeq: 102 INVITE\r\n"
    "Content-Length: 0\r\n"
    "\r\n";

constexpr char kVias[] =
    "Via: SIP/2.0/UDP 10.0.0.2;branch=z9hG4bK2c1a.0\r\n"
    "Via: SIP/2.0/UDP 203.0.113.7:5060;received=203.0.113.7;rport=5060;branch=z9hG4bK-1\r\n";
constexpr char kFrom[] =
    "From: \"Zhang San\" <sip:+8613900139000@203.0.113.7;user=phone>;tag=8d2f1c\r\n";
constexpr char kTo[] = "To: <sip:+8613800138000@carrier.example.cn;user=phone>";
constexpr char kCallIdCSeq[] = "Call-ID: 5f1e2d3c4b5a@203.0.113.7\r\nCSeq: 102 INVITE\r\n";

Message Parse(std::string_view data) {
  Message m;
  ParseErrorKind kind;
  Status s = ParseMessage(data, m, &kind);
  EXPECT_TRUE(s.ok() || kind == ParseErrorKind::kBadRequest) << s.ToString();
  return m;
}

TEST(ResponseTest, Redirect302) {
  const Message request = Parse(kInvite);
  std::string contact;
  AppendRedirectContact(contact, request);
  EXPECT_EQ(contact, "<sip:+8613800138000@carrier.example.cn;user=phone>");
  const std::string pai =
      "<sip:+8613900139000@carrier.example.cn;user=phone;verstat=TN-Validation-Passed>";
  const HeaderField extra[] = {
      {"Contact", contact},
      {"P-Asserted-Identity", pai},
      {"X-Quell-Label", "Telemarketing"},
      {"Server", "Quell/0.1"},
  };
  std::string out;
  BuildResponse(request, 302, "", "q7f3a9", extra, out);
  EXPECT_EQ(out, std::string("SIP/2.0 302 Moved Temporarily\r\n") + kVias + kFrom + kTo +
                     ";tag=q7f3a9\r\n" + kCallIdCSeq +
                     "Contact: <sip:+8613800138000@carrier.example.cn;user=phone>\r\n"
                     "P-Asserted-Identity: " +
                     pai +
                     "\r\n"
                     "X-Quell-Label: Telemarketing\r\n"
                     "Server: Quell/0.1\r\n"
                     "Content-Length: 0\r\n\r\n");
  // The response parses back to the same dialog identifiers.
  auto back = ParseMessage(out);
  ASSERT_TRUE(back.has_value()) << back.status().ToString();
  EXPECT_EQ(back->status_code, 302);
  EXPECT_EQ(back->to.tag, "q7f3a9");
  EXPECT_EQ(back->via_count, 2u);
  EXPECT_EQ(back->contact.uri.raw, request.request_uri_text);
}

TEST(ResponseTest, Decline603AndRejected608WithReason) {
  const Message request = Parse(kInvite);
  std::string out;
  BuildResponse(request, 603, "", "t1", {}, out);
  EXPECT_EQ(out, std::string("SIP/2.0 603 Decline\r\n") + kVias + kFrom + kTo + ";tag=t1\r\n" +
                     kCallIdCSeq + "Content-Length: 0\r\n\r\n");

  std::string reason;
  AppendReasonValue(reason, "SIP", 608, "Rejected as \"fraud\"");
  EXPECT_EQ(reason, R"(SIP;cause=608;text="Rejected as \"fraud\"")");
  const HeaderField extra[] = {{"Reason", reason}};
  BuildResponse(request, 608, "", "t1", extra, out);
  EXPECT_EQ(out, std::string("SIP/2.0 608 Rejected\r\n") + kVias + kFrom + kTo + ";tag=t1\r\n" +
                     kCallIdCSeq + "Reason: " + reason + "\r\nContent-Length: 0\r\n\r\n");
  reason.clear();
  AppendReasonValue(reason, "Q.850", 21, "");
  EXPECT_EQ(reason, "Q.850;cause=21");
}

TEST(ResponseTest, BadRequestCarriesTheParserReason) {
  const std::string bad = std::string(kInvite).replace(
      std::string(kInvite).find("CSeq: 102 INVITE"), 16, "CSeq: 102 ACK");
  Message request;
  ParseErrorKind kind;
  Status s = ParseMessage(bad, request, &kind);
  ASSERT_EQ(kind, ParseErrorKind::kBadRequest);
  std::string out;
  BuildResponse(request, 400, s.message(), "t2", {}, out);
  EXPECT_EQ(out, std::string("SIP/2.0 400 CSeq method 'ACK' does not match request method "
                             "'INVITE'\r\n") +
                     kVias + kFrom + kTo +
                     ";tag=t2\r\nCall-ID: 5f1e2d3c4b5a@203.0.113.7\r\n"
                     "CSeq: 102 ACK\r\nContent-Length: 0\r\n\r\n");
}

TEST(ResponseTest, AddsToTagOnlyWhenAbsent) {
  std::string with_tag = kInvite;
  with_tag.replace(with_tag.find("user=phone>\r\ni:"), 11, "user=phone>;tag=abc");
  const Message request = Parse(with_tag);
  ASSERT_EQ(request.to.tag, "abc");
  std::string out;
  BuildResponse(request, 200, "", "ignored", {}, out);
  EXPECT_NE(out.find(std::string(kTo) + ";tag=abc\r\n"), std::string::npos) << out;
  EXPECT_EQ(out.find("ignored"), std::string::npos);
  // 100 Trying never gets a tag; neither does an empty/unusable one.
  const Message no_tag = Parse(kInvite);
  BuildResponse(no_tag, 100, "", "t", {}, out);
  EXPECT_NE(out.find(std::string(kTo) + "\r\n"), std::string::npos) << out;
  BuildResponse(no_tag, 480, "", "\r\n;<>", {}, out);
  EXPECT_NE(out.find(std::string(kTo) + "\r\n"), std::string::npos) << out;
  BuildResponse(no_tag, 480, "", "a\r\nX-Evil: 1", {}, out);
  EXPECT_NE(out.find(std::string(kTo) + ";tag=aX-Evil1\r\n"), std::string::npos) << out;
}

TEST(ResponseTest, CopiesFoldedAndCompactFieldsOnOneLine) {
  const std::string data =
      "OPTIONS sip:quell.example.com SIP/2.0\r\n"
      "v: SIP/2.0/UDP a.example.com;branch=z9hG4bKa,\r\n SIP/2.0/TCP b.example.com\r\n"
      "f: <sip:a@example.com>\r\n ;tag=1\r\n"
      "t: <sip:quell.example.com>\r\n"
      "i: opt-1\r\n"
      "CSeq: 9\r\n OPTIONS\r\n"
      "l: 0\r\n\r\n";
  const Message request = Parse(data);
  std::string out;
  BuildResponse(request, 200, "", "ok1", {}, out);
  EXPECT_EQ(out,
            "SIP/2.0 200 OK\r\n"
            "Via: SIP/2.0/UDP a.example.com;branch=z9hG4bKa\r\n"
            "Via: SIP/2.0/TCP b.example.com\r\n"
            "From: <sip:a@example.com> ;tag=1\r\n"
            "To: <sip:quell.example.com>;tag=ok1\r\n"
            "Call-ID: opt-1\r\n"
            "CSeq: 9 OPTIONS\r\n"
            "Content-Length: 0\r\n\r\n");
}

TEST(ResponseTest, NeutralisesHeaderInjection) {
  const Message request = Parse(kInvite);
  std::string label;
  AppendQuoted(label, "Spam\"\r\nX-Injected: yes\\");
  EXPECT_EQ(label, R"("Spam\"X-Injected: yes\\")");
  std::string reason;
  AppendReasonValue(reason, "SIP\r\nX: 1", 607, "Unwanted\r\nVia: SIP/2.0/UDP evil");
  EXPECT_EQ(reason, R"(SIPX1;cause=607;text="UnwantedVia: SIP/2.0/UDP evil")");
  const HeaderField extra[] = {
      {"X-Label", "fraud\r\nX-Injected: yes"},
      {"Bad Name\r\nX-Injected", "v"},
      {"X-Quoted", label},
      {"Reason", reason},
  };
  std::string out;
  BuildResponse(request, 607, "Unwanted\r\nX-Injected: yes", "t", extra, out);
  EXPECT_EQ(out.find("\r\nX-Injected"), std::string::npos) << out;
  EXPECT_NE(out.find("SIP/2.0 607 Unwanted  X-Injected: yes\r\n"), std::string::npos) << out;
  EXPECT_NE(out.find("X-Label: fraud  X-Injected: yes\r\n"), std::string::npos) << out;
  // The result is one well-formed message with exactly the headers we wrote.
  auto back = ParseMessage(out);
  ASSERT_TRUE(back.has_value()) << back.status().ToString() << "\n" << out;
  EXPECT_EQ(back->header_count, 2u + 5u + 3u);
}

TEST(ResponseTest, ReasonPhrases) {
  const std::pair<int, const char*> phrases[] = {
      {100, "Trying"},
      {180, "Ringing"},
      {200, "OK"},
      {302, "Moved Temporarily"},
      {400, "Bad Request"},
      {403, "Forbidden"},
      {404, "Not Found"},
      {408, "Request Timeout"},
      {413, "Request Entity Too Large"},
      {416, "Unsupported URI Scheme"},
      {420, "Bad Extension"},
      {428, "Use Identity Header"},
      {436, "Bad Identity Info"},
      {437, "Unsupported Credential"},
      {438, "Invalid Identity Header"},
      {480, "Temporarily Unavailable"},
      {481, "Call/Transaction Does Not Exist"},
      {482, "Loop Detected"},
      {483, "Too Many Hops"},
      {486, "Busy Here"},
      {500, "Server Internal Error"},
      {503, "Service Unavailable"},
      {505, "Version Not Supported"},
      {513, "Message Too Large"},
      {603, "Decline"},
      {607, "Unwanted"},
      {608, "Rejected"},
      {499, "Bad Request"},
      {699, "Busy Everywhere"},
      {42, "Unknown"},
  };
  for (const auto& [code, text] : phrases) EXPECT_EQ(ReasonPhrase(code), text) << code;
  const Message request = Parse(kInvite);
  std::string out;
  BuildResponse(request, 1000, "", "t", {}, out);
  EXPECT_EQ(out.substr(0, 34), "SIP/2.0 500 Server Internal Error\r");
}

TEST(ResponseTest, LongReasonIsCutOnACharacterBoundary) {
  const Message request = Parse(kInvite);
  std::string reason;
  for (int i = 0; i < 100; ++i) reason += "\xe9\x98\xbb";  // U+963B, three bytes
  std::string out;
  BuildResponse(request, 400, reason, "t", {}, out);
  const std::string line = out.substr(0, out.find("\r\n"));
  EXPECT_LE(line.size(), 12u + 200u);
  EXPECT_EQ((line.size() - 12) % 3, 0u) << line.size();
}

TEST(ResponseTest, ReusesTheBuffer) {
  const Message request = Parse(kInvite);
  std::string out;
  out.reserve(4096);
  const char* data = out.data();
  for (int i = 0; i < 100; ++i) BuildResponse(request, 302, "", "t", {}, out);
  EXPECT_EQ(out.data(), data);
}

}  // namespace
}  // namespace quell::sip
