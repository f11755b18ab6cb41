#include "quell/sip/syntax.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace quell::sip {
namespace {

void ExpectUriError(std::string_view text, std::string_view needle) {
  auto r = ParseUri(text);
  ASSERT_FALSE(r.has_value()) << "accepted: " << text;
  EXPECT_NE(r.status().message().find(needle), std::string::npos)
      << "message: " << r.status().message() << "\nwanted: " << needle;
}

TEST(UriTest, ParsesSipUris) {
  auto u = ParseUri("sip:+8613800138000:secret@[2001:db8::5]:5080;user=phone;lr?Subject=x");
  ASSERT_TRUE(u.has_value()) << u.status().ToString();
  EXPECT_EQ(u->scheme, "sip");
  EXPECT_EQ(u->scheme_id, UriScheme::kSip);
  EXPECT_EQ(u->user, "+8613800138000");
  EXPECT_EQ(u->password, "secret");
  EXPECT_EQ(u->host, "[2001:db8::5]");
  EXPECT_EQ(u->port_text, "5080");
  EXPECT_EQ(u->port, 5080);
  EXPECT_EQ(u->params, "user=phone;lr");
  EXPECT_EQ(u->headers, "Subject=x");
  EXPECT_TRUE(u->user_is_phone);

  auto plain = ParseUri("SIPS:example.com");
  ASSERT_TRUE(plain.has_value());
  EXPECT_EQ(plain->scheme_id, UriScheme::kSips);
  EXPECT_EQ(plain->user, "");
  EXPECT_EQ(plain->host, "example.com");
  EXPECT_EQ(plain->port, 0);
  EXPECT_FALSE(plain->user_is_phone);

  auto phone_case = ParseUri("sip:1@h;USER=Phone");
  ASSERT_TRUE(phone_case.has_value());
  EXPECT_TRUE(phone_case->user_is_phone);
  auto ip = ParseUri("sip:alice@192.0.2.4:5060");
  ASSERT_TRUE(ip.has_value());
  EXPECT_EQ(ip->host, "192.0.2.4");
}

TEST(UriTest, ParsesTelAndOpaqueUris) {
  auto tel = ParseUri("tel:+1-201-555-0123;phone-context=example.com");
  ASSERT_TRUE(tel.has_value()) << tel.status().ToString();
  EXPECT_EQ(tel->scheme_id, UriScheme::kTel);
  EXPECT_EQ(tel->user, "+1-201-555-0123");
  EXPECT_EQ(tel->params, "phone-context=example.com");
  EXPECT_EQ(tel->host, "");
  auto urn = ParseUri("urn:service:sos");
  ASSERT_TRUE(urn.has_value());
  EXPECT_EQ(urn->scheme_id, UriScheme::kOther);
  EXPECT_EQ(urn->scheme, "urn");
  EXPECT_EQ(urn->raw, "urn:service:sos");
}

TEST(UriTest, RejectsMalformedUris) {
  ExpectUriError("", "empty URI");
  ExpectUriError("example.com", "has no scheme");
  ExpectUriError("1sip:a@b", "has no scheme");
  ExpectUriError("sip:", "empty after the scheme");
  ExpectUriError("sip:a b@c", "white space");
  ExpectUriError("sip:a@b\r\n", "white space");
  ExpectUriError("sip:<a@b>", "one of < > \"");
  ExpectUriError("sip:@example.com", "empty user");
  ExpectUriError("sip:a%2@example.com", "malformed %-escape");
  ExpectUriError("sip:a[1]@example.com", "not allowed in the user part");
  ExpectUriError("sip:a@", "empty host");
  ExpectUriError("sip:a@[2001:db8::1", "no ']'");
  ExpectUriError("sip:a@[]", "empty IPv6");
  ExpectUriError("sip:a@[xyz]", "IPv6 reference holds");
  ExpectUriError("sip:a@host:", "port is not a number");
  ExpectUriError("sip:a@host:70000", "port is not a number");
  ExpectUriError("sip:a@host;", "empty or malformed parameter");
  ExpectUriError("sip:a@host;;lr", "empty or malformed parameter");
  ExpectUriError("sip:a@ho/st", "after the host");
  ExpectUriError("tel:", "empty after the scheme");
  ExpectUriError("tel:;x=1", "has no number");
  ExpectUriError("tel:+1@2", "not allowed in a number");
  // Non-ASCII bytes must be %-escaped in a URI.
  ExpectUriError("sip:\xe5\xbc\xa0@example.com", "white space, a control character");
}

TEST(NameAddrTest, ParsesAllForms) {
  struct Case {
    std::string text, display, user, tag, params;
    bool angle;
  };
  const Case cases[] = {
      {"\"Alice \\\"A\\\"\" <sip:alice@example.com>;tag=1", "\"Alice \\\"A\\\"\"", "alice", "1",
       "tag=1", true},
      {"Alice Liddell <sip:alice@example.com>", "Alice Liddell", "alice", "", "", true},
      {"<sip:alice@example.com;user=phone>;tag=x;foo", "", "alice", "x", "tag=x;foo", true},
      // Bare addr-spec: the parameters belong to the header (RFC 3261 §20.10).
      {"sip:alice@example.com;tag=9;user=phone", "", "alice", "9", "tag=9;user=phone", false},
      {"  sip:alice@example.com  ", "", "alice", "", "", false},
      {"tel:+15551234567", "", "+15551234567", "", "", false},
      {"caller<sip:caller@example.com>;tag=323", "caller", "caller", "323", "tag=323", true},
      {"<sip:a@b> ; tag = 7 ; x", "", "a", "7", "tag = 7 ; x", true},
      {"\"\" <sip:a@b>", "\"\"", "a", "", "", true},
      {"<urn:service:sos>", "", "", "", "", true},
  };
  for (const auto& c : cases) {
    auto n = ParseNameAddr(c.text);
    ASSERT_TRUE(n.has_value()) << c.text << ": " << n.status().ToString();
    EXPECT_EQ(n->display_name, c.display) << c.text;
    EXPECT_EQ(n->uri.user, c.user) << c.text;
    EXPECT_EQ(n->tag, c.tag) << c.text;
    EXPECT_EQ(n->params, c.params) << c.text;
    EXPECT_EQ(n->angle_brackets, c.angle) << c.text;
  }
  auto bare = ParseNameAddr("sip:alice@example.com;user=phone");
  ASSERT_TRUE(bare.has_value());
  EXPECT_FALSE(bare->uri.user_is_phone);  // user=phone is a header parameter here
  EXPECT_EQ(bare->uri.raw, "sip:alice@example.com");
}

TEST(NameAddrTest, RejectsMalformedValues) {
  const std::pair<const char*, const char*> cases[] = {
      {"", "empty value"},
      {"\"Alice <sip:a@b>", "no closing"},
      {"\"Alice\" sip:a@b", "not followed by '<'"},
      {"<sip:a@b", "no matching '>'"},
      {"< sip:a@b>", "white space inside"},
      {"Bell, Alexander <sip:a@b>", "has no scheme"},
      {"<sip:a@b> junk", "unexpected"},
      {"<sip:a@b>;", "empty or malformed parameter"},
      {"<sip:a@b>;;tag=1", "empty or malformed parameter"},
      {"<sip:a@b>;tag=", "empty or malformed parameter"},
      {"<sip:a@b>;tag=\"q\"", "tag is not a token"},
      {"<sip:a@b>;tag=1;TAG=2", "more than one tag"},
      {"sip:a@b?Route=x", "must be enclosed in <>"},
      {"sip:a@b, sip:c@d", "unexpected"},
  };
  for (const auto& [text, needle] : cases) {
    auto n = ParseNameAddr(text);
    ASSERT_FALSE(n.has_value()) << "accepted: " << text;
    EXPECT_NE(n.status().message().find(needle), std::string::npos)
        << text << " -> " << n.status().message() << "\nwanted: " << needle;
  }
}

TEST(ViaTest, ParsesViaParms) {
  auto v =
      ParseVia("SIP/2.0/UDP 203.0.113.7:5060;received=198.51.100.1;rport=5061;branch=z9hG4bKx");
  ASSERT_TRUE(v.has_value()) << v.status().ToString();
  EXPECT_EQ(v->protocol, "SIP");
  EXPECT_EQ(v->version, "2.0");
  EXPECT_EQ(v->transport, "UDP");
  EXPECT_EQ(v->host, "203.0.113.7");
  EXPECT_EQ(v->port, 5060);
  EXPECT_EQ(v->received, "198.51.100.1");
  EXPECT_TRUE(v->has_rport);
  EXPECT_EQ(v->rport, "5061");
  EXPECT_EQ(v->branch, "z9hG4bKx");
  EXPECT_EQ(v->params, "received=198.51.100.1;rport=5061;branch=z9hG4bKx");

  // LWS around the slashes, ':' and ';' (RFC 4475 wsinv), received with IPv6.
  auto lws = ParseVia(
      " sip /\r\n 2.0 / tcp  host.example.com : 5070 ;\r\n branch = z9hG4bK1 ;"
      "rport;received=2001:db8::9 ");
  ASSERT_TRUE(lws.has_value()) << lws.status().ToString();
  EXPECT_EQ(lws->transport, "tcp");
  EXPECT_EQ(lws->host, "host.example.com");
  EXPECT_EQ(lws->port, 5070);
  EXPECT_EQ(lws->branch, "z9hG4bK1");
  EXPECT_TRUE(lws->has_rport);
  EXPECT_EQ(lws->rport, "");
  EXPECT_EQ(lws->received, "2001:db8::9");

  auto no_params = ParseVia("SIP/2.0/WS df7jal23ls0d.invalid");
  ASSERT_TRUE(no_params.has_value());
  EXPECT_EQ(no_params->branch, "");
  EXPECT_FALSE(no_params->has_rport);
}

TEST(ViaTest, RejectsMalformedViaParms) {
  const std::pair<const char*, const char*> cases[] = {
      {"", "empty Via value"},
      {"SIP/2.0", "does not start with SIP/2.0/<transport>"},
      {"SIP/2.0/", "does not start with SIP/2.0/<transport>"},
      {"SIP/3.0/UDP h", "is not SIP/2.0"},
      {"SIP/2.0/UDP", "no sent-by host"},
      {"SIP/2.0/UDPh", "no sent-by host"},
      {"SIP/2.0/UDP h:0", "port 0"},
      {"SIP/2.0/UDP h:x", "port is not a number"},
      {"SIP/2.0/UDP h junk", "after the sent-by"},
      {"SIP/2.0/UDP 192.0.2.15;;", "empty or malformed parameter"},
      {"SIP/2.0/UDP h;branch=", "empty or malformed parameter"},
      {"SIP/2.0/UDP h;branch", "empty branch"},
      {"SIP/2.0/UDP h;received", "empty received"},
      {"SIP/2.0/UDP h;rport=99999", "not a port number"},
      {"SIP/2.0/UDP h;branch=z9hG4bK\x01", "empty or malformed parameter"},
      {"SIP/2.0/UDP h;branch=z9hG4bK\xc3\xa9", "empty or malformed parameter"},
  };
  for (const auto& [text, needle] : cases) {
    auto v = ParseVia(text);
    ASSERT_FALSE(v.has_value()) << "accepted: " << text;
    EXPECT_NE(v.status().message().find(needle), std::string::npos)
        << text << " -> " << v.status().message() << "\nwanted: " << needle;
  }
}

TEST(ParamReaderTest, ReadsGenericParams) {
  ParamReader reader(" a = 1 ;b; c=\"x;y\" ;d=[2001:db8::1]");
  std::vector<std::pair<std::string, std::string>> got;
  std::string_view n, v;
  bool malformed = true;
  while (reader.Next(&n, &v, &malformed)) got.emplace_back(n, v);
  EXPECT_FALSE(malformed);
  const std::vector<std::pair<std::string, std::string>> want = {
      {"a", "1"}, {"b", ""}, {"c", "\"x;y\""}, {"d", "[2001:db8::1]"}};
  EXPECT_EQ(got, want);
  std::string_view value;
  EXPECT_TRUE(FindParam("tag=1;Lr", "lr", &value));
  EXPECT_EQ(value, "");
  EXPECT_FALSE(FindParam("tag=1", "branch", &value));
  EXPECT_FALSE(FindParam("", "tag", &value));
  ParamReader bad("a=1;=2");
  EXPECT_TRUE(bad.Next(&n, &v, &malformed));
  EXPECT_FALSE(bad.Next(&n, &v, &malformed));
  EXPECT_TRUE(malformed);
}

TEST(ListReaderTest, SplitsAtTopLevelCommas) {
  ListReader list(" <sip:a@b;x=1,2>;p=\"c,d\" , \"E, F\" <sip:e@f>,,sip:g@h ");
  std::vector<std::string> got;
  std::string_view e;
  while (list.Next(&e)) got.emplace_back(e);
  const std::vector<std::string> want = {"<sip:a@b;x=1,2>;p=\"c,d\"", "\"E, F\" <sip:e@f>", "",
                                         "sip:g@h"};
  EXPECT_EQ(got, want);
  ListReader empty("");
  ASSERT_TRUE(empty.Next(&e));
  EXPECT_EQ(e, "");
  EXPECT_FALSE(empty.Next(&e));
}

TEST(UnfoldTest, RemovesLineBreaksOfFolds) {
  std::string out = "x:";
  AppendUnfolded(out, "a\r\n b\n\tc");
  EXPECT_EQ(out, "x:a b\tc");
}

}  // namespace
}  // namespace quell::sip
