// The RFC 4475 torture messages in tests/testdata/sip/rfc4475 (see the README
// there): each parses to the classification this parser documents, and the
// valid ones to the right fields.
#include <fstream>
#include <iterator>
#include <string>

#include <gtest/gtest.h>

#include "quell/sip/message.h"
#include "quell/sip/response.h"

namespace quell::sip {
namespace {

std::string ReadTorture(const std::string& name) {
  const std::string path = std::string(QUELL_SOURCE_DIR) + "/tests/testdata/sip/rfc4475/" + name;
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << path;
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

struct Case {
  const char* name;
  ParseErrorKind kind;
  const char* error = "";  // part of the expected message
};

std::ostream& operator<<(std::ostream& os, const Case& c) { return os << c.name; }

class TortureTest : public testing::TestWithParam<Case> {};

TEST_P(TortureTest, Classifies) {
  const Case& c = GetParam();
  const std::string data = ReadTorture(std::string(c.name) + ".sip");
  ASSERT_FALSE(data.empty());
  Message m;
  ParseErrorKind kind = ParseErrorKind::kGarbage;
  Status s = ParseMessage(data, m, &kind);
  EXPECT_EQ(kind, c.kind) << s.ToString();
  EXPECT_EQ(s.ok(), c.kind == ParseErrorKind::kNone) << s.ToString();
  if (!s.ok()) {
    EXPECT_NE(s.message().find(c.error), std::string::npos)
        << "message: " << s.message() << "\nwanted: " << c.error;
  }
  if (m.is_request && kind != ParseErrorKind::kGarbage) {
    // Whatever is answerable gets a response; for a valid request it is a
    // well-formed message with the same dialog identifiers.
    std::string out;
    BuildResponse(m, 400, s.message(), "t1", {}, out);
    EXPECT_EQ(out.substr(0, 12), "SIP/2.0 400 ");
    if (kind == ParseErrorKind::kNone) {
      auto r = ParseMessage(out);
      ASSERT_TRUE(r.has_value()) << r.status().ToString() << "\n" << out;
      EXPECT_EQ(r->via_count, m.via_count);
      EXPECT_EQ(r->call_id, m.call_id);
      EXPECT_EQ(r->to.tag, m.to.tag.empty() ? "t1" : m.to.tag);
    }
  }
  // Every prefix is handled without crashing (ASan in `make test-asan`).
  for (std::size_t n = 0; n < data.size(); ++n) {
    const std::string prefix = data.substr(0, n);
    (void)ParseMessage(prefix, m, nullptr);
  }
}

constexpr auto kOk = ParseErrorKind::kNone;
constexpr auto kBad = ParseErrorKind::kBadRequest;
constexpr auto kDrop = ParseErrorKind::kGarbage;

INSTANTIATE_TEST_SUITE_P(
    Rfc4475, TortureTest,
    testing::Values(
        // 3.1.1 valid messages.
        Case{"wsinv", kOk}, Case{"intmeth", kOk}, Case{"esc01", kOk}, Case{"escnull", kOk},
        Case{"esc02", kOk}, Case{"lwsdisp", kOk}, Case{"longreq", kOk},
        // Content-Length 0, then a second message: over UDP the rest is discarded.
        Case{"dblreq", kOk}, Case{"semiuri", kOk}, Case{"transports", kOk}, Case{"mpart01", kOk},
        Case{"unreason", kOk}, Case{"noreason", kOk},
        // 3.1.2 invalid messages.
        Case{"badinv01", kBad, "empty Via value"},
        Case{"clerr", kBad, "Content-Length 9999 exceeds the 154 bytes received"},
        Case{"ncl", kBad, "Content-Length '-999' is not a number"},
        Case{"scalar02", kBad, "Max-Forwards '300' is not a number from 0 to 255"},
        Case{"scalarlg", kDrop, "CSeq"},  // a response: never answered
        Case{"quotbal", kBad, "To: display name has no closing"},
        Case{"ltgtruri", kBad, "Request-URI: URI '<sip:user@example.com>' has no scheme"},
        Case{"lwsruri", kBad, "more than three elements"},
        // Tolerated, as RFC 4475 allows a robust element to.
        Case{"lwsstart", kOk}, Case{"trws", kOk}, Case{"escruri", kBad, "carries headers"},
        // The Date is not interpreted here (the STIR verifier reads it).
        Case{"baddate", kOk}, Case{"regbadct", kBad, "must be enclosed in <>"},
        Case{"badaspec", kBad, "To: white space inside <' sip:t.watson@example.org '>"},
        Case{"baddn", kBad, "From: URI 'Bell' has no scheme"},
        Case{"badvers", ParseErrorKind::kVersionNotSupported, "SIP version 'SIP/7.0'"},
        Case{"mismatch01", kBad, "CSeq method 'INVITE' does not match request method 'OPTIONS'"},
        Case{"mismatch02", kBad, "CSeq method 'INVITE' does not match request method 'NEWMETHOD'"},
        Case{"bigcode", kDrop, "no 3-digit status code"},
        // 3.2 transaction layer: a branch of only the magic cookie parses.
        Case{"badbranch", kOk},
        // 3.3 application layer: the server, not the parser, answers 416/420/483.
        Case{"insuf", kDrop, "missing From"}, Case{"unkscm", kOk}, Case{"novelsc", kOk},
        Case{"unksm2", kOk}, Case{"bext01", kOk}, Case{"invut", kOk}, Case{"regaut01", kOk},
        Case{"multi01", kBad, "more than one CSeq header"},
        Case{"mcl01", kBad, "more than one Content-Length header"}, Case{"bcast", kOk},
        Case{"zeromf", kOk}, Case{"cparam01", kOk}, Case{"cparam02", kOk}, Case{"regescrt", kOk},
        Case{"sdp01", kOk},
        // 3.4 RFC 2543 syntax: no branch, no From tag, no Content-Length.
        Case{"inv2543", kOk}),
    [](const testing::TestParamInfo<Case>& info) { return std::string(info.param.name); });

TEST(TortureFieldsTest, Wsinv) {
  const std::string data = ReadTorture("wsinv.sip");
  auto m = ParseMessage(data);
  ASSERT_TRUE(m.has_value()) << m.status().ToString();
  EXPECT_EQ(m->method, Method::kInvite);
  EXPECT_EQ(m->request_uri.user, "vivekg");
  EXPECT_EQ(m->request_uri.host, "chair-dnrc.example.com");
  EXPECT_EQ(m->request_uri.params, "unknownparam");
  EXPECT_EQ(m->to.uri.user, "vivekg");
  EXPECT_EQ(m->to.tag, "1918181833n");
  EXPECT_EQ(m->from.display_name, R"("J Rosenberg \\\"")");
  EXPECT_EQ(m->from.uri.user, "jdrosen");
  EXPECT_EQ(m->from.tag, "98asjd8");
  EXPECT_EQ(m->max_forwards, 68);
  EXPECT_EQ(m->call_id, "wsinv.ndaksdj@192.0.2.1");
  EXPECT_EQ(m->content_length, 150);
  EXPECT_EQ(m->cseq.number, 9u);
  EXPECT_EQ(m->cseq.method, Method::kInvite);
  ASSERT_EQ(m->via_count, 3u);
  EXPECT_EQ(m->top_via.transport, "UDP");
  EXPECT_EQ(m->top_via.host, "192.0.2.2");
  EXPECT_EQ(m->top_via.branch, "390skdjuw");
  auto second = ParseVia(m->vias[1]);
  ASSERT_TRUE(second.has_value()) << second.status().ToString();
  EXPECT_EQ(second->transport, "TCP");
  EXPECT_EQ(second->host, "spindle.example.com");
  EXPECT_EQ(second->branch, "z9hG4bK9ikj8");
  auto third = ParseVia(m->vias[2]);
  ASSERT_TRUE(third.has_value()) << third.status().ToString();
  EXPECT_EQ(third->host, "192.168.255.111");
  EXPECT_EQ(third->branch, "z9hG4bK30239");
  ASSERT_TRUE(m->has_contact);
  EXPECT_EQ(m->contact.display_name, R"("Quoted string \"\"")");
  std::string_view q;
  ASSERT_TRUE(FindParam(m->contact.params, "q", &q));
  EXPECT_EQ(q, "0.33");
  ASSERT_TRUE(FindParam(m->contact.params, "newparam", &q));
  EXPECT_EQ(q, "newvalue");
  EXPECT_EQ(m->Header("Subject"), "");
  EXPECT_EQ(m->Header("s"), "");
  EXPECT_EQ(m->Header("UnknownHeaderWithUnusualValue"), ";;,,;;,;");
  EXPECT_EQ(m->Header("newfangledheader"), "newfangled value\r\n continued newfangled value");
  EXPECT_EQ(m->body.size(), 150u);
  EXPECT_EQ(m->body.substr(0, 5), "v=0\r\n");
}

TEST(TortureFieldsTest, Intmeth) {
  const std::string data = ReadTorture("intmeth.sip");
  auto m = ParseMessage(data);
  ASSERT_TRUE(m.has_value()) << m.status().ToString();
  EXPECT_EQ(m->method, Method::kOther);
  EXPECT_EQ(m->method_name, "!interesting-Method0123456789_*+`.%indeed'~");
  EXPECT_EQ(m->request_uri.user, "1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*");
  EXPECT_EQ(m->request_uri.password, "&it+has=1,weird!*pas$wo~d_too.(doesn't-it)");
  EXPECT_EQ(m->request_uri.host, "example.com");
  EXPECT_EQ(m->top_via.branch, "z9hG4bK-.!%66*_+`'~");
  EXPECT_EQ(m->to.uri.user, "1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*");
  EXPECT_EQ(m->from.display_name, "token1~` token2'+_ token3*%!.-");
  EXPECT_EQ(m->from.tag, "_token~1'+`*%!-.");
  EXPECT_EQ(m->call_id, "intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{");
  EXPECT_EQ(m->cseq.number, 139122385u);
  EXPECT_EQ(m->max_forwards, 255);
}

TEST(TortureFieldsTest, EscapesAndSemicolonsInUsers) {
  auto esc01 = ReadTorture("esc01.sip");
  auto m = ParseMessage(esc01);
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->request_uri.user, "sips%3Auser%40example.com");
  EXPECT_EQ(m->request_uri.host, "example.net");
  EXPECT_EQ(m->from.uri.user, "I%20have%20spaces");
  EXPECT_EQ(m->contact.uri.params, "%6C%72;n%61me=v%61lue%25%34%31");
  EXPECT_EQ(m->content_type, "application/sdp");  // compact `C`

  auto semiuri = ReadTorture("semiuri.sip");
  auto s = ParseMessage(semiuri);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->request_uri.user, "user;par=u%40example.net");
  EXPECT_EQ(s->request_uri.host, "example.com");
  EXPECT_EQ(s->request_uri.params, "");

  auto esc02 = ReadTorture("esc02.sip");
  auto e = ParseMessage(esc02);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->method_name, "RE%47IST%45R");
  EXPECT_EQ(e->method, Method::kOther);
  EXPECT_EQ(e->contact.uri.user, "alias1");
  EXPECT_EQ(e->CountHeaders(HeaderId::kContact), 2u);  // C%6Fntact is another header
}

TEST(TortureFieldsTest, LongRequestKeepsAllVias) {
  auto data = ReadTorture("longreq.sip");
  auto m = ParseMessage(data);
  ASSERT_TRUE(m.has_value()) << m.status().ToString();
  ASSERT_EQ(m->via_count, 34u);
  EXPECT_EQ(m->top_via.host, "sip33.example.com");
  EXPECT_EQ(m->vias[33].substr(0, 33), "SIP/2.0/TCP host.example.com;rece");
  EXPECT_EQ(m->to.uri.port, 6000);
  EXPECT_EQ(m->from.uri.host, "example.net");
  EXPECT_FALSE(m->from.tag.empty());
}

TEST(TortureFieldsTest, Dblreq) {
  auto data = ReadTorture("dblreq.sip");
  auto m = ParseMessage(data);
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->method, Method::kRegister);
  EXPECT_EQ(m->body, "");
  EXPECT_EQ(m->call_id, "dblreq.0ha0isndaksdj99sdfafnl3lk233412");  // compact `I`
}

TEST(TortureFieldsTest, SchemesTheServerMustJudge) {
  const std::string unkscm_data = ReadTorture("unkscm.sip");
  const std::string novelsc_data = ReadTorture("novelsc.sip");
  const std::string unksm2_data = ReadTorture("unksm2.sip");
  const std::string zeromf_data = ReadTorture("zeromf.sip");
  auto unkscm = ParseMessage(unkscm_data);
  ASSERT_TRUE(unkscm.has_value());
  EXPECT_EQ(unkscm->request_uri.scheme, "nobodyKnowsThisScheme");
  EXPECT_EQ(unkscm->request_uri.scheme_id, UriScheme::kOther);
  auto novelsc = ParseMessage(novelsc_data);
  ASSERT_TRUE(novelsc.has_value());
  EXPECT_EQ(novelsc->request_uri.scheme, "soap.beep");
  auto unksm2 = ParseMessage(unksm2_data);
  ASSERT_TRUE(unksm2.has_value());
  EXPECT_EQ(unksm2->to.uri.scheme, "isbn");
  EXPECT_EQ(unksm2->from.uri.scheme, "http");
  EXPECT_EQ(unksm2->contact.uri.scheme, "name");
  auto zeromf = ParseMessage(zeromf_data);
  ASSERT_TRUE(zeromf.has_value());
  EXPECT_EQ(zeromf->max_forwards, 0);
}

TEST(TortureFieldsTest, Rfc2543Invite) {
  const std::string data = ReadTorture("inv2543.sip");
  auto m = ParseMessage(data);
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->content_length, -1);
  EXPECT_EQ(m->body.substr(0, 4), "v=0\r");
  EXPECT_EQ(m->body.size(), data.size() - data.find("\r\n\r\n") - 4);
  EXPECT_EQ(m->from.tag, "");
  EXPECT_EQ(m->top_via.branch, "");
  EXPECT_TRUE(m->from.uri.user_is_phone);
  EXPECT_EQ(m->max_forwards, -1);
}

TEST(TortureFieldsTest, Responses) {
  const std::string unreason_data = ReadTorture("unreason.sip");
  const std::string noreason_data = ReadTorture("noreason.sip");
  auto unreason = ParseMessage(unreason_data);
  ASSERT_TRUE(unreason.has_value());
  EXPECT_FALSE(unreason->is_request);
  EXPECT_EQ(unreason->status_code, 200);
  EXPECT_EQ(unreason->reason_phrase.substr(0, 14), "= 2**3 * 5**2 ");
  auto noreason = ParseMessage(noreason_data);
  ASSERT_TRUE(noreason.has_value());
  EXPECT_EQ(noreason->status_code, 100);
  EXPECT_EQ(noreason->reason_phrase, "");
}

TEST(TortureFieldsTest, MultipartWithIdentity) {
  const std::string data = ReadTorture("mpart01.sip");
  auto m = ParseMessage(data);
  ASSERT_TRUE(m.has_value()) << m.status().ToString();
  EXPECT_EQ(m->method, Method::kMessage);
  EXPECT_TRUE(m->top_via.has_rport);
  EXPECT_EQ(m->top_via.rport, "");
  EXPECT_EQ(m->top_via.port, 5070);
  ASSERT_EQ(m->identity_count, 1u);
  EXPECT_EQ(m->identities[0].substr(0, 10), "r5mwreLuyD");
  EXPECT_EQ(m->date, "Sat, 15 Oct 2005 04:44:56 GMT");
  EXPECT_EQ(m->user_agent, "SIPimp.org/0.2.5 (curses)");
  EXPECT_EQ(m->body.size(), 553u);
}

}  // namespace
}  // namespace quell::sip
