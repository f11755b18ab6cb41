#include "quell/sip/message.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace quell::sip {
namespace {

constexpr char kSdp[] =
    "v=0\r\n"
    "o=user1 53655765 2353687637 IN IP4 192.168.1.20\r\n"
    "s=-\r\n"
    "c=IN IP4 192.168.1.20\r\n"
    "t=0 0\r\n"
    "m=audio 6000 RTP/AVP 0\r\n"
    "a=rtpmap:0 PCMU/8000\r\n";

// `headers` without the Content-Length, which is added to match `body`.
std::string WithBody(const std::string& headers, const std::string& body) {
  return headers + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

// The INVITE sipp's uac scenario sends.
std::string SippInvite() {
  return WithBody(
      "INVITE sip:service@192.168.1.10:5060 SIP/2.0\r\n"
      "Via: SIP/2.0/UDP 192.168.1.20:5061;branch=z9hG4bK-12345-1-0\r\n"
      "From: sipp <sip:sipp@192.168.1.20:5061>;tag=12345SIPpTag001\r\n"
      "To: service <sip:service@192.168.1.10:5060>\r\n"
      "Call-ID: 1-12345@192.168.1.20\r\n"
      "CSeq: 1 INVITE\r\n"
      "Contact: sip:sipp@192.168.1.20:5061\r\n"
      "Max-Forwards: 70\r\n"
      "Subject: Performance Test\r\n"
      "Content-Type: application/sdp\r\n",
      kSdp);
}

constexpr char kJws[] = "eyJhbGciOiJFUzI1NiJ9.eyJhdHRlc3QiOiJBIn0.c2ln";

// An INVITE as Kamailio forwards it: Record-Route, its own Via on top of the
// caller's (with received/rport), Max-Forwards decremented, PAI and Identity.
std::string KamailioInvite() {
  return WithBody(std::string("INVITE sip:+8613800138000@10.0.0.5:5060;user=phone SIP/2.0\r\n"
                              "Record-Route: <sip:10.0.0.2;lr;ftag=8d2f1c;did=a1b.c2d>\r\n"
                              "Via: SIP/2.0/UDP 10.0.0.2;branch=z9hG4bK2c1a.5e0b1f04.0\r\n"
                              "Via: SIP/2.0/UDP 203.0.113.7:5060;received=203.0.113.7;rport=5060;"
                              "branch=z9hG4bK-524287-1---7a0c\r\n"
                              "Max-Forwards: 69\r\n"
                              "From: \"Zhang San\" <sip:+8613900139000@203.0.113.7;user=phone>;"
                              "tag=8d2f1c\r\n"
                              "To: <sip:+8613800138000@carrier.example.cn;user=phone>\r\n"
                              "Call-ID: 5f1e2d3c4b5a@203.0.113.7\r\n"
                              "CSeq: 102 INVITE\r\n"
                              "Contact: <sip:+8613900139000@203.0.113.7:5060>\r\n"
                              "P-Asserted-Identity: <sip:+8613900139000@carrier.example.cn;"
                              "user=phone>, <tel:+8613900139000>\r\n"
                              "Identity: ") +
                      kJws +
                      ";info=<https://cert.example.org/sp.pem>;alg=ES256;ppt=shaken\r\n"
                      "Diversion: <sip:+8613700137000@carrier.example.cn>;reason=unconditional\r\n"
                      "History-Info: <sip:a@example.cn>;index=1, <sip:b@example.cn>;index=1.1\r\n"
                      "Date: Tue, 02 Jan 2024 08:00:00 GMT\r\n"
                      "User-Agent: Kamailio (5.7.4 (x86_64/linux))\r\n"
                      "Allow: INVITE, ACK, CANCEL, BYE, OPTIONS\r\n"
                      "Content-Type: application/sdp\r\n",
                  kSdp);
}

std::string Minimal(const std::string& method, const std::string& extra = "") {
  return method +
         " sip:bob@example.com SIP/2.0\r\n"
         "Via: SIP/2.0/UDP pc33.example.com;branch=z9hG4bK776asdhds\r\n"
         "From: <sip:alice@example.com>;tag=1928301774\r\n"
         "To: <sip:bob@example.com>\r\n"
         "Call-ID: a84b4c76e66710@pc33.example.com\r\n"
         "CSeq: 314159 " +
         method + "\r\n" + extra + "Content-Length: 0\r\n\r\n";
}

void ExpectKind(const std::string& data, ParseErrorKind want, std::string_view needle) {
  Message m;
  ParseErrorKind kind = ParseErrorKind::kNone;
  Status s = ParseMessage(data, m, &kind);
  EXPECT_EQ(kind, want) << s.ToString() << "\n" << data;
  ASSERT_FALSE(s.ok()) << data;
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find(needle), std::string::npos)
      << "message: " << s.message() << "\nwanted: " << needle;
}

std::string Replace(std::string s, const std::string& from, const std::string& to) {
  const std::size_t at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) s.replace(at, from.size(), to);
  return s;
}

TEST(MessageTest, ParsesSippInvite) {
  const std::string data = SippInvite();
  Message m;
  ParseErrorKind kind = ParseErrorKind::kGarbage;
  ASSERT_TRUE(ParseMessage(data, m, &kind).ok());
  EXPECT_EQ(kind, ParseErrorKind::kNone);
  EXPECT_TRUE(m.is_request);
  EXPECT_EQ(m.method, Method::kInvite);
  EXPECT_EQ(m.method_name, "INVITE");
  EXPECT_EQ(m.version, "SIP/2.0");
  EXPECT_EQ(m.request_uri_text, "sip:service@192.168.1.10:5060");
  EXPECT_EQ(m.request_uri.scheme_id, UriScheme::kSip);
  EXPECT_EQ(m.request_uri.user, "service");
  EXPECT_EQ(m.request_uri.host, "192.168.1.10");
  EXPECT_EQ(m.request_uri.port, 5060);
  ASSERT_EQ(m.via_count, 1u);
  EXPECT_EQ(m.top_via.transport, "UDP");
  EXPECT_EQ(m.top_via.host, "192.168.1.20");
  EXPECT_EQ(m.top_via.port, 5061);
  EXPECT_EQ(m.top_via.branch, "z9hG4bK-12345-1-0");
  EXPECT_EQ(m.from.display_name, "sipp");
  EXPECT_EQ(m.from.uri.user, "sipp");
  EXPECT_EQ(m.from.tag, "12345SIPpTag001");
  EXPECT_EQ(m.to.display_name, "service");
  EXPECT_EQ(m.to.tag, "");
  EXPECT_EQ(m.call_id, "1-12345@192.168.1.20");
  EXPECT_EQ(m.cseq.number, 1u);
  EXPECT_EQ(m.cseq.method, Method::kInvite);
  ASSERT_TRUE(m.has_contact);
  EXPECT_FALSE(m.contact.angle_brackets);
  EXPECT_EQ(m.contact.uri.port, 5061);
  EXPECT_EQ(m.max_forwards, 70);
  EXPECT_EQ(m.content_type, "application/sdp");
  EXPECT_EQ(m.content_length, static_cast<int64_t>(sizeof(kSdp) - 1));
  EXPECT_EQ(m.body, kSdp);
  EXPECT_EQ(m.header_count, 10u);
  EXPECT_EQ(m.Header("Subject"), "Performance Test");
}

TEST(MessageTest, ParsesKamailioForwardedInvite) {
  const std::string data = KamailioInvite();
  auto m = ParseMessage(data);
  ASSERT_TRUE(m.has_value()) << m.status().ToString();
  EXPECT_TRUE(m->request_uri.user_is_phone);
  EXPECT_EQ(m->request_uri.user, "+8613800138000");
  EXPECT_EQ(m->max_forwards, 69);
  ASSERT_EQ(m->via_count, 2u);
  EXPECT_EQ(m->top_via.host, "10.0.0.2");
  EXPECT_EQ(m->top_via.port, 0);
  EXPECT_EQ(m->vias[1],
            "SIP/2.0/UDP 203.0.113.7:5060;received=203.0.113.7;rport=5060;"
            "branch=z9hG4bK-524287-1---7a0c");
  auto caller_via = ParseVia(m->vias[1]);
  ASSERT_TRUE(caller_via.has_value());
  EXPECT_EQ(caller_via->received, "203.0.113.7");
  EXPECT_TRUE(caller_via->has_rport);
  EXPECT_EQ(caller_via->rport, "5060");
  EXPECT_EQ(m->from.display_name, "\"Zhang San\"");
  EXPECT_EQ(m->from.uri.user, "+8613900139000");
  EXPECT_TRUE(m->from.uri.user_is_phone);
  ASSERT_EQ(m->asserted_identity_count, 2u);
  EXPECT_EQ(m->asserted_identities[0].uri.scheme_id, UriScheme::kSip);
  EXPECT_EQ(m->asserted_identities[0].uri.user, "+8613900139000");
  EXPECT_EQ(m->asserted_identities[1].uri.scheme_id, UriScheme::kTel);
  EXPECT_EQ(m->asserted_identities[1].uri.user, "+8613900139000");
  ASSERT_EQ(m->identity_count, 1u);
  EXPECT_EQ(m->identities[0].substr(0, sizeof(kJws) - 1), kJws);
  EXPECT_EQ(m->CountHeaders(HeaderId::kDiversion), 1u);
  EXPECT_EQ(m->Header(HeaderId::kDiversion),
            "<sip:+8613700137000@carrier.example.cn>;reason=unconditional");
  EXPECT_EQ(m->Header(HeaderId::kHistoryInfo),
            "<sip:a@example.cn>;index=1, <sip:b@example.cn>;index=1.1");
  EXPECT_EQ(m->Header(HeaderId::kRecordRoute), "<sip:10.0.0.2;lr;ftag=8d2f1c;did=a1b.c2d>");
  EXPECT_EQ(m->date, "Tue, 02 Jan 2024 08:00:00 GMT");
  EXPECT_EQ(m->user_agent, "Kamailio (5.7.4 (x86_64/linux))");
  EXPECT_EQ(m->body, kSdp);
}

TEST(MessageTest, ParsesEachMethod) {
  const std::pair<const char*, Method> methods[] = {
      {"INVITE", Method::kInvite}, {"ACK", Method::kAck},         {"BYE", Method::kBye},
      {"CANCEL", Method::kCancel}, {"OPTIONS", Method::kOptions}, {"REGISTER", Method::kRegister},
      {"PRACK", Method::kPrack},   {"FOO", Method::kOther}};
  for (const auto& [name, method] : methods) {
    const std::string data = Minimal(name);
    auto m = ParseMessage(data);
    ASSERT_TRUE(m.has_value()) << name << ": " << m.status().ToString();
    EXPECT_EQ(m->method, method);
    EXPECT_EQ(m->cseq.method, method);
    EXPECT_EQ(m->method_name, name);
    EXPECT_EQ(m->body, "");
    EXPECT_EQ(MethodName(method), method == Method::kOther ? "" : std::string_view(name));
  }
  // Method names are case-sensitive (RFC 3261 §7.1).
  EXPECT_EQ(MethodFromName("invite"), Method::kOther);
}

TEST(MessageTest, KeepsEveryViaInOrder) {
  const std::string data =
      Replace(Minimal("OPTIONS"), "Via: SIP/2.0/UDP pc33.example.com;branch=z9hG4bK776asdhds\r\n",
              "Via: SIP/2.0/TCP a.example.com;branch=z9hG4bKa, SIP/2.0/UDP b.example.com:5070;"
              "branch=z9hG4bKb\r\n"
              "v: SIP/2.0/UDP c.example.com;branch=z9hG4bKc\r\n"
              "VIA: SIP/2.0/UDP [2001:db8::1]:5060;branch=z9hG4bKd,SIP/2.0/TLS e.example.com;"
              "branch=z9hG4bKe\r\n");
  auto m = ParseMessage(data);
  ASSERT_TRUE(m.has_value()) << m.status().ToString();
  ASSERT_EQ(m->via_count, 5u);
  EXPECT_EQ(m->vias[0], "SIP/2.0/TCP a.example.com;branch=z9hG4bKa");
  EXPECT_EQ(m->vias[1], "SIP/2.0/UDP b.example.com:5070;branch=z9hG4bKb");
  EXPECT_EQ(m->vias[2], "SIP/2.0/UDP c.example.com;branch=z9hG4bKc");
  EXPECT_EQ(m->vias[3], "SIP/2.0/UDP [2001:db8::1]:5060;branch=z9hG4bKd");
  EXPECT_EQ(m->vias[4], "SIP/2.0/TLS e.example.com;branch=z9hG4bKe");
  EXPECT_EQ(m->top_via.transport, "TCP");
  EXPECT_EQ(m->top_via.branch, "z9hG4bKa");
  auto v6 = ParseVia(m->vias[3]);
  ASSERT_TRUE(v6.has_value());
  EXPECT_EQ(v6->host, "[2001:db8::1]");
  EXPECT_EQ(v6->port, 5060);
}

TEST(MessageTest, AcceptsCompactFormsInAnyCase) {
  const std::string data = WithBody(
      "INVITE sip:bob@example.com SIP/2.0\r\n"
      "v: SIP/2.0/UDP pc33.example.com;branch=z9hG4bK1\r\n"
      "F: Alice <sip:alice@example.com>;tag=1\r\n"
      "t: <sip:bob@example.com>\r\n"
      "I: call-1@pc33\r\n"
      "cSeQ: 7 INVITE\r\n"
      "M: <sip:alice@pc33.example.com>\r\n"
      "k: timer, 100rel\r\n"
      "s: hello\r\n"
      "e: gzip\r\n"
      "y: " +
          std::string(kJws) +
          ";info=<https://a.example/c.pem>\r\n"
          "c: application/sdp\r\n"
          "mAX-forwards: 10\r\n",
      kSdp);
  // Compact Content-Length too.
  const std::string compact = Replace(data, "Content-Length:", "l:");
  for (const std::string& d : {data, compact}) {
    auto m = ParseMessage(d);
    ASSERT_TRUE(m.has_value()) << m.status().ToString();
    EXPECT_EQ(m->top_via.branch, "z9hG4bK1");
    EXPECT_EQ(m->from.tag, "1");
    EXPECT_EQ(m->to.uri.user, "bob");
    EXPECT_EQ(m->call_id, "call-1@pc33");
    EXPECT_EQ(m->cseq.number, 7u);
    EXPECT_EQ(m->contact.uri.host, "pc33.example.com");
    EXPECT_EQ(m->Header(HeaderId::kSupported), "timer, 100rel");
    EXPECT_EQ(m->Header("Supported"), "timer, 100rel");
    EXPECT_EQ(m->Header("subject"), "hello");
    EXPECT_EQ(m->Header(HeaderId::kContentEncoding), "gzip");
    EXPECT_EQ(m->identity_count, 1u);
    EXPECT_EQ(m->content_type, "application/sdp");
    EXPECT_EQ(m->max_forwards, 10);
    EXPECT_EQ(m->body, kSdp);
  }
  EXPECT_EQ(HeaderIdFromName("Q"), HeaderId::kOther);
  EXPECT_EQ(HeaderIdFromName("x"), HeaderId::kSessionExpires);
  EXPECT_EQ(HeaderIdFromName("call-id"), HeaderId::kCallId);
  EXPECT_EQ(CanonicalHeaderName(HeaderId::kCallId), "Call-ID");
}

TEST(MessageTest, AcceptsFoldedValues) {
  const std::string data =
      "INVITE sip:bob@example.com SIP/2.0\r\n"
      "Via: SIP/2.0/UDP\r\n pc33.example.com\r\n\t;branch=z9hG4bK1\r\n"
      "From: \"Alice\r\n Liddell\" <sip:alice@example.com>\r\n ;tag=1\r\n"
      "To:\r\n <sip:bob@example.com>\r\n"
      "Call-ID: call-1\r\n"
      "CSeq: 7\r\n INVITE\r\n"
      "Subject: one\r\n two\r\n"
      "Content-Length:\r\n 0\r\n"
      "\r\n";
  auto m = ParseMessage(data);
  ASSERT_TRUE(m.has_value()) << m.status().ToString();
  EXPECT_EQ(m->top_via.host, "pc33.example.com");
  EXPECT_EQ(m->top_via.branch, "z9hG4bK1");
  EXPECT_EQ(m->from.tag, "1");
  EXPECT_EQ(m->to.uri.user, "bob");
  EXPECT_EQ(m->cseq.method, Method::kInvite);
  EXPECT_EQ(m->content_length, 0);
  EXPECT_EQ(m->Header("Subject"), "one\r\n two");
  std::string unfolded;
  AppendUnfolded(unfolded, m->from_value);
  EXPECT_EQ(unfolded, "\"Alice Liddell\" <sip:alice@example.com> ;tag=1");
}

TEST(MessageTest, AcceptsBareLineFeedsAndLeadingBlankLines) {
  std::string data = Minimal("OPTIONS");
  std::string lf;
  for (char c : data) {
    if (c != '\r') lf.push_back(c);
  }
  for (const std::string& d : {lf, "\r\n\r\n" + data}) {
    auto m = ParseMessage(d);
    ASSERT_TRUE(m.has_value()) << m.status().ToString();
    EXPECT_EQ(m->method, Method::kOptions);
    EXPECT_EQ(m->call_id, "a84b4c76e66710@pc33.example.com");
    EXPECT_EQ(m->body, "");
  }
}

TEST(MessageTest, RequiresTheEmptyLineAfterTheHeaders) {
  std::string data = Minimal("OPTIONS");
  data.resize(data.size() - 2);  // ends after "Content-Length: 0\r\n"
  ExpectKind(data, ParseErrorKind::kBadRequest, "no empty line after the headers");
  data.resize(data.size() - 2);  // ends inside the last header line
  ExpectKind(data, ParseErrorKind::kBadRequest, "ends inside header line");
}

TEST(MessageTest, CollectsSeveralIdentityHeaders) {
  const std::string id1 =
      std::string(kJws) + ";info=<https://a.example/1.pem>;alg=ES256;ppt=shaken";
  const std::string id2 = std::string(kJws) + ";info=<https://a.example/2.pem>;ppt=div";
  const std::string data =
      Minimal("INVITE", "Identity: " + id1 + "\r\ny: " + id2 + "\r\nIDENTITY: a.b.c, d.e.f\r\n");
  auto m = ParseMessage(data);
  ASSERT_TRUE(m.has_value()) << m.status().ToString();
  ASSERT_EQ(m->identity_count, 4u);
  EXPECT_EQ(m->identities[0], id1);
  EXPECT_EQ(m->identities[1], id2);
  EXPECT_EQ(m->identities[2], "a.b.c");
  EXPECT_EQ(m->identities[3], "d.e.f");
  EXPECT_EQ(m->identity_values().size(), 4u);

  std::string many;
  for (int i = 0; i < 9; ++i) many += "Identity: a.b.c\r\n";
  ExpectKind(Minimal("INVITE", many), ParseErrorKind::kBadRequest,
             "too many Identity values (max 8)");
  ExpectKind(Minimal("INVITE", "Identity: a.b.c,\r\n"), ParseErrorKind::kBadRequest,
             "empty Identity value");
}

TEST(MessageTest, ParsesAssertedIdentities) {
  const std::string data =
      Minimal("INVITE",
              "P-Asserted-Identity: \"Alice\" <sip:+15551234567@example.com;user=phone>\r\n"
              "P-Asserted-Identity: tel:+15551234567\r\n");
  auto m = ParseMessage(data);
  ASSERT_TRUE(m.has_value()) << m.status().ToString();
  ASSERT_EQ(m->asserted_identity_count, 2u);
  EXPECT_EQ(m->asserted_identities[0].display_name, "\"Alice\"");
  EXPECT_TRUE(m->asserted_identities[0].uri.user_is_phone);
  EXPECT_EQ(m->asserted_identities[1].uri.scheme_id, UriScheme::kTel);
  EXPECT_EQ(m->asserted_identities[1].uri.user, "+15551234567");

  ExpectKind(Minimal("INVITE", "P-Asserted-Identity: <sip:alice@example.com\r\n"),
             ParseErrorKind::kBadRequest, "P-Asserted-Identity: '<' has no matching '>'");
  ExpectKind(Minimal("INVITE", "P-Asserted-Identity: <tel:>\r\n"), ParseErrorKind::kBadRequest,
             "P-Asserted-Identity");
  ExpectKind(Minimal("INVITE",
                     "P-Asserted-Identity: <tel:1>, <tel:2>, <tel:3>, <tel:4>, "
                     "<tel:5>\r\n"),
             ParseErrorKind::kBadRequest, "too many P-Asserted-Identity values (max 4)");
}

TEST(MessageTest, MissingRequiredHeadersAreGarbage) {
  const std::string base = Minimal("INVITE");
  const std::pair<std::string, std::string> lines[] = {
      {"Via: SIP/2.0/UDP pc33.example.com;branch=z9hG4bK776asdhds\r\n", "missing Via"},
      {"From: <sip:alice@example.com>;tag=1928301774\r\n", "missing From"},
      {"To: <sip:bob@example.com>\r\n", "missing To"},
      {"Call-ID: a84b4c76e66710@pc33.example.com\r\n", "missing Call-ID"},
      {"CSeq: 314159 INVITE\r\n", "missing CSeq"},
  };
  for (const auto& [line, message] : lines) {
    ExpectKind(Replace(base, line, ""), ParseErrorKind::kGarbage, message);
    // An empty value is as good as none.
    const std::string name = line.substr(0, line.find(':') + 1);
    ExpectKind(Replace(base, line, name + " \r\n"), ParseErrorKind::kGarbage, message);
  }
}

TEST(MessageTest, BadRequestsAreAnswerable) {
  const std::string base = Minimal("INVITE");
  struct BadCase {
    std::string from, to, message;
  };
  const BadCase cases[] = {
      {"Content-Length: 0", "Content-Length: 500",
       "Content-Length 500 exceeds the 0 bytes received"},
      {"Content-Length: 0", "Content-Length: abc", "Content-Length 'abc' is not a number"},
      {"Content-Length: 0", "Content-Length: 0\r\nl: 0", "more than one Content-Length header"},
      {"CSeq: 314159 INVITE", "CSeq: 314159 ACK",
       "CSeq method 'ACK' does not match request method 'INVITE'"},
      {"CSeq: 314159 INVITE", "CSeq: 2147483648 INVITE", "below 2^31"},
      {"CSeq: 314159 INVITE", "CSeq: 314159", "is not 'NUMBER METHOD'"},
      {"CSeq: 314159 INVITE", "CSeq: INVITE", "does not start with a number"},
      {"From: <sip:alice@example.com>;tag=1928301774", "From: <sip:alice@example.com;tag=1",
       "From: '<' has no matching '>'"},
      {"From: <sip:alice@example.com>;tag=1928301774", "From: <mailto alice>",
       "From: URI 'mailto alice' has no scheme"},
      {"From: <sip:alice@example.com>;tag=1928301774",
       "From: <sip:alice@example.com>;tag=1\r\nf: <sip:x@y>;tag=2", "more than one From header"},
      {"To: <sip:bob@example.com>", "To: <sip:bob@example.com>;tag=1;tag=2",
       "To: more than one tag parameter"},
      {"Call-ID: a84b4c76e66710@pc33.example.com", "Call-ID: a b", "Call-ID 'a b' holds white"},
      {"Call-ID: a84b4c76e66710@pc33.example.com", std::string("Call-ID: a\x01\0b", 13),
       "Call-ID 'a??b' holds white space, control or non-ASCII"},
      {"From: <sip:alice@example.com>;tag=1928301774", "From: <sip:alice@example.com>;tag=1;x=\x7f",
       "From: empty or malformed parameter"},
      {"Via: SIP/2.0/UDP pc33.example.com;branch=z9hG4bK776asdhds", "Via: SIP/2.0/UDP",
       "top Via 'SIP/2.0/UDP' has no sent-by host"},
      {"Via: SIP/2.0/UDP pc33.example.com;branch=z9hG4bK776asdhds",
       "Via: SIP/2.0/UDP pc33.example.com:99999", "port is not a number from 0 to 65535"},
      {"Via: SIP/2.0/UDP pc33.example.com;branch=z9hG4bK776asdhds",
       "Via: SIP/2.0/UDP pc33.example.com;rport=x", "rport that is not a port number"},
      {"Via: SIP/2.0/UDP pc33.example.com;branch=z9hG4bK776asdhds",
       "Via: HTTP/1.1/TCP pc33.example.com", "is not SIP/2.0"},
      {"INVITE sip:bob@example.com SIP/2.0", "INVITE bob@example.com SIP/2.0",
       "Request-URI: URI 'bob@example.com' has no scheme"},
      {"INVITE sip:bob@example.com SIP/2.0", "INVITE sip:bob@ SIP/2.0", "empty host"},
      {"INVITE sip:bob@example.com SIP/2.0", "INVITE sip:bob@example.com;a=1?Route=x SIP/2.0",
       "carries headers"},
      {"INVITE sip:bob@example.com SIP/2.0", "INVITE sip:b%zzob@example.com SIP/2.0",
       "malformed %-escape"},
      {"Content-Length: 0", "Max-Forwards: 256\r\nContent-Length: 0",
       "Max-Forwards '256' is not a number from 0 to 255"},
      {"Content-Length: 0", "This is not a header\r\nContent-Length: 0",
       "line 7 'This is not a header' is not a header field"},
      {"Content-Length: 0", "Bad Name: x\r\nContent-Length: 0", "is not a header field"},
      {"Content-Length: 0", "Contact: <sip:a@b>, *\r\nContent-Length: 0",
       "Contact '*' mixed with other values"},
      {"Content-Length: 0", "Contact: \"unclosed <sip:a@b>\r\nContent-Length: 0",
       "Contact: display name has no closing"},
  };
  for (const auto& c : cases) {
    ExpectKind(Replace(base, c.from, c.to), ParseErrorKind::kBadRequest, c.message);
  }
  // The Message still holds what the 400 copies.
  Message m;
  ParseErrorKind kind;
  const std::string bad = Replace(base, "CSeq: 314159 INVITE", "CSeq: 1 ACK");
  ASSERT_FALSE(ParseMessage(bad, m, &kind).ok());
  EXPECT_EQ(kind, ParseErrorKind::kBadRequest);
  EXPECT_EQ(m.via_count, 1u);
  EXPECT_EQ(m.call_id, "a84b4c76e66710@pc33.example.com");
  EXPECT_EQ(m.cseq_value, "1 ACK");
  EXPECT_EQ(m.from.tag, "1928301774");
}

TEST(MessageTest, UnsupportedVersionIs505) {
  ExpectKind(Replace(Minimal("OPTIONS"), "SIP/2.0\r\n", "SIP/3.0\r\n"),
             ParseErrorKind::kVersionNotSupported, "SIP version 'SIP/3.0' is not supported");
  ExpectKind(Replace(Minimal("OPTIONS"), "SIP/2.0\r\n", "SIP/x\r\n"), ParseErrorKind::kGarbage,
             "is not 'METHOD URI SIP/2.0'");
  // Version 2.0 in any case is SIP/2.0.
  EXPECT_TRUE(ParseMessage(Replace(Minimal("OPTIONS"), "SIP/2.0\r\n", "sip/2.0\r\n")).has_value());
}

TEST(MessageTest, TooManyHeaders) {
  std::string extra;
  for (int i = 0; i < 60; ++i) extra += "X-Filler-" + std::to_string(i) + ": x\r\n";
  ExpectKind(Minimal("INVITE", extra), ParseErrorKind::kBadRequest, "too many headers (max 64)");
  // Required headers after the 64th line are still found: the error is a 400.
  const std::string late =
      "INVITE sip:bob@example.com SIP/2.0\r\n" + extra + extra +
      "Via: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:b@c>\r\n"
      "Call-ID: x\r\nCSeq: 1 INVITE\r\n\r\n";
  ExpectKind(late, ParseErrorKind::kBadRequest, "too many headers (max 64)");
  std::string fits;
  for (int i = 0; i < 58; ++i) fits += "X-Filler-" + std::to_string(i) + ": x\r\n";
  auto m = ParseMessage(Minimal("INVITE", fits));
  ASSERT_TRUE(m.has_value()) << m.status().ToString();
  EXPECT_EQ(m->header_count, 64u);
}

TEST(MessageTest, TooManyViasIsGarbage) {
  std::string vias = "Via: ";
  for (std::size_t i = 0; i < kMaxVias; ++i) vias += "SIP/2.0/UDP h" + std::to_string(i) + ", ";
  vias += "SIP/2.0/UDP last\r\n";
  ExpectKind(Minimal("INVITE", vias), ParseErrorKind::kGarbage, "too many Via values (max 64)");
}

TEST(MessageTest, GarbageIsDropped) {
  ExpectKind("", ParseErrorKind::kGarbage, "empty message");
  ExpectKind("\r\n\r\n", ParseErrorKind::kGarbage, "empty message");
  ExpectKind("INVITE", ParseErrorKind::kGarbage, "no line break");
  ExpectKind("GET / HTTP/1.1\r\nHost: x\r\n\r\n", ParseErrorKind::kGarbage,
             "is not 'METHOD URI SIP/2.0'");
  ExpectKind(std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\n\n", 13),
             ParseErrorKind::kGarbage, "request line");
  ExpectKind("SIP/2.0 999 Nope\r\n\r\n", ParseErrorKind::kGarbage, "no 3-digit status code");
  std::string binary;
  for (int i = 0; i < 2048; ++i) binary.push_back(static_cast<char>((i * 7919) & 0xff));
  Message m;
  ParseErrorKind kind = ParseErrorKind::kNone;
  EXPECT_FALSE(ParseMessage(binary, m, &kind).ok());
  EXPECT_EQ(kind, ParseErrorKind::kGarbage);
}

TEST(MessageTest, ParsesResponsesAndDropsBadOnes) {
  const std::string ok =
      "SIP/2.0 180 Ringing\r\n"
      "Via: SIP/2.0/UDP pc33.example.com;branch=z9hG4bK1\r\n"
      "From: <sip:alice@example.com>;tag=1\r\n"
      "To: <sip:bob@example.com>;tag=2\r\n"
      "Call-ID: c\r\n"
      "CSeq: 1 INVITE\r\n"
      "Content-Length: 0\r\n\r\n";
  auto m = ParseMessage(ok);
  ASSERT_TRUE(m.has_value()) << m.status().ToString();
  EXPECT_FALSE(m->is_request);
  EXPECT_EQ(m->status_code, 180);
  EXPECT_EQ(m->reason_phrase, "Ringing");
  EXPECT_EQ(m->to.tag, "2");
  // The CSeq method of a response is free; but any error makes it garbage.
  ExpectKind(Replace(ok, "Content-Length: 0", "Content-Length: 9"), ParseErrorKind::kGarbage,
             "Content-Length 9 exceeds");
  ExpectKind(Replace(ok, "Call-ID: c\r\n", ""), ParseErrorKind::kGarbage, "missing Call-ID");
}

TEST(MessageTest, ContentLengthBoundsTheBody) {
  const std::string data = Replace(Minimal("MESSAGE"), "Content-Length: 0\r\n\r\n",
                                   "Content-Length: 5\r\n\r\nhello, and trailing bytes");
  auto m = ParseMessage(data);
  ASSERT_TRUE(m.has_value()) << m.status().ToString();
  EXPECT_EQ(m->body, "hello");
  const std::string none = Replace(Minimal("MESSAGE"), "Content-Length: 0\r\n\r\n", "\r\nhello");
  auto n = ParseMessage(none);
  ASSERT_TRUE(n.has_value()) << n.status().ToString();
  EXPECT_EQ(n->content_length, -1);
  EXPECT_EQ(n->body, "hello");
}

TEST(MessageTest, EveryPrefixIsHandled) {
  for (const std::string& data : {SippInvite(), KamailioInvite()}) {
    Message m;
    for (std::size_t n = 0; n < data.size(); ++n) {
      ParseErrorKind kind = ParseErrorKind::kNone;
      Status s = ParseMessage(std::string_view(data).substr(0, n), m, &kind);
      // A cut message is never accepted: the empty line or body is missing.
      EXPECT_FALSE(s.ok()) << n;
      EXPECT_NE(kind, ParseErrorKind::kNone);
      EXPECT_FALSE(s.message().empty());
    }
    EXPECT_TRUE(ParseMessage(data, m).ok());
  }
}

TEST(MessageTest, ReusedMessageIsReset) {
  Message m;
  ASSERT_TRUE(ParseMessage(KamailioInvite(), m).ok());
  ASSERT_TRUE(ParseMessage(Minimal("OPTIONS"), m).ok());
  EXPECT_EQ(m.via_count, 1u);
  EXPECT_EQ(m.identity_count, 0u);
  EXPECT_EQ(m.asserted_identity_count, 0u);
  EXPECT_EQ(m.max_forwards, -1);
  EXPECT_FALSE(m.has_contact);
}

// --- FrameMessage ------------------------------------------------------------

TEST(FrameTest, FramesOneMessage) {
  const std::string data = SippInvite();
  auto f = FrameMessage(data, 65535);
  ASSERT_TRUE(f.has_value()) << f.status().ToString();
  EXPECT_EQ(f->skip, 0u);
  EXPECT_EQ(f->length, data.size());
}

TEST(FrameTest, NeedsMoreUntilComplete) {
  const std::string data = SippInvite();
  for (std::size_t n = 0; n < data.size(); ++n) {
    auto f = FrameMessage(std::string_view(data).substr(0, n), 65535);
    ASSERT_TRUE(f.has_value()) << n << ": " << f.status().ToString();
    EXPECT_EQ(f->length, 0u) << n;
  }
}

TEST(FrameTest, SplitsBackToBackMessagesAndSkipsKeepAlives) {
  const std::string a = Minimal("OPTIONS");
  const std::string b = SippInvite();
  const std::string stream = "\r\n\r\n" + a + "\r\n" + b + "INVITE sip:x";
  auto f = FrameMessage(stream, 65535);
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->skip, 4u);
  EXPECT_EQ(stream.substr(f->skip, f->length), a);
  std::string_view rest = std::string_view(stream).substr(f->skip + f->length);
  f = FrameMessage(rest, 65535);
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->skip, 2u);
  EXPECT_EQ(rest.substr(f->skip, f->length), b);
  rest = rest.substr(f->skip + f->length);
  f = FrameMessage(rest, 65535);
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->length, 0u);
  // Only keep-alives: all skipped, nothing framed.
  f = FrameMessage("\r\n\r\n", 65535);
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->skip, 4u);
  EXPECT_EQ(f->length, 0u);
}

TEST(FrameTest, ReadsCompactAndFoldedContentLength) {
  const std::string body = "hello";
  const std::string compact =
      Replace(Minimal("MESSAGE"), "Content-Length: 0\r\n\r\n", "l: 5\r\n\r\n" + body + "NEXT");
  auto f = FrameMessage(compact, 65535);
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->length, compact.size() - 4);
  const std::string folded = Replace(Minimal("MESSAGE"), "Content-Length: 0\r\n\r\n",
                                     "content-length:\r\n  5\r\n\r\nhello");
  f = FrameMessage(folded, 65535);
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->length, folded.size());
}

TEST(FrameTest, RejectsUnframeableStreams) {
  auto missing = FrameMessage(Replace(Minimal("OPTIONS"), "Content-Length: 0\r\n", ""), 65535);
  ASSERT_FALSE(missing.has_value());
  EXPECT_NE(missing.status().message().find("no Content-Length"), std::string::npos);
  auto bad =
      FrameMessage(Replace(Minimal("OPTIONS"), "Content-Length: 0", "Content-Length: x"), 65535);
  ASSERT_FALSE(bad.has_value());
  auto twice =
      FrameMessage(Replace(Minimal("OPTIONS"), "Content-Length: 0", "l: 1\r\nl: 2"), 65535);
  ASSERT_FALSE(twice.has_value());
  EXPECT_NE(twice.status().message().find("different values"), std::string::npos);
  auto big = FrameMessage(Replace(Minimal("OPTIONS"), "Content-Length: 0", "l: 60000"), 4096);
  ASSERT_FALSE(big.has_value());
  EXPECT_NE(big.status().message().find("exceeds the limit of 4096"), std::string::npos);
  const std::string endless = "INVITE sip:x SIP/2.0\r\n" + std::string(5000, 'a');
  auto headers = FrameMessage(endless, 4096);
  ASSERT_FALSE(headers.has_value());
  EXPECT_NE(headers.status().message().find("no end of the headers"), std::string::npos);
  // Below the limit, the same is just incomplete.
  auto partial = FrameMessage(std::string_view(endless).substr(0, 1000), 4096);
  ASSERT_TRUE(partial.has_value());
  EXPECT_EQ(partial->length, 0u);
}

}  // namespace
}  // namespace quell::sip
