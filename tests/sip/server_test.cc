// The SIP screening front: stateless UAS behaviour over the pipeline, message by
// message through Handle(), and once over real UDP and TCP sockets.
#include "quell/sip/server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "quell/screen/numbering_provider.h"
#include "quell/screen/pipeline.h"
#include "quell/sip/internal/transaction_cache.h"

namespace quell::sip {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

std::string Invite(std::string_view from_user, std::string_view to_user,
                   std::string_view branch = "z9hG4bK-1", std::string_view extra = "",
                   std::string_view ruri_scheme = "sip", int max_forwards = 70) {
  std::string m;
  m += "INVITE " + std::string(ruri_scheme) + ":" + std::string(to_user) +
       "@carrier.example.net SIP/2.0\r\n";
  m += "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=" + std::string(branch) + "\r\n";
  m += "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK-upstream\r\n";
  m += "Max-Forwards: " + std::to_string(max_forwards) + "\r\n";
  m += "From: <sip:" + std::string(from_user) + "@gw.example.net>;tag=abc\r\n";
  m += "To: <sip:" + std::string(to_user) + "@carrier.example.net>\r\n";
  m += "Call-ID: call-" + std::string(branch) + "@192.0.2.10\r\n";
  m += "CSeq: 1 INVITE\r\n";
  m += "Contact: <sip:caller@192.0.2.10>\r\n";
  m += std::string(extra);
  m += "Content-Length: 0\r\n\r\n";
  return m;
}

std::string Simple(std::string_view method, std::string_view branch = "z9hG4bK-1") {
  std::string m;
  m += std::string(method) + " sip:+8613900139000@carrier.example.net SIP/2.0\r\n";
  m += "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=" + std::string(branch) + "\r\n";
  m += "Max-Forwards: 70\r\n";
  m += "From: <sip:+8613800138000@gw.example.net>;tag=abc\r\n";
  m += "To: <sip:+8613900139000@carrier.example.net>\r\n";
  m += "Call-ID: call-" + std::string(branch) + "@192.0.2.10\r\n";
  m += "CSeq: 1 " + std::string(method) + "\r\n";
  m += "Content-Length: 0\r\n\r\n";
  return m;
}

// Stands in for SHAKEN verification: every call gets the same verstat.
class FixedVerstat final : public screen::SignalProvider {
 public:
  explicit FixedVerstat(std::string verstat) : verstat_(std::move(verstat)) {}
  std::string_view name() const override { return "fixed-verstat"; }
  void Evaluate(const screen::CallAttempt&, screen::Signals& s) const override {
    s.SetText(screen::SignalId::kShakenVerstat, verstat_);
  }

 private:
  std::string verstat_;
};

class SipServerTest : public ::testing::Test {
 protected:
  void SetUp() override { Build(screen::Policy::Default()); }

  void Build(std::shared_ptr<const screen::Policy> policy, SipServerOptions options = {},
             std::string verstat = "") {
    server_.reset();
    std::vector<std::unique_ptr<screen::SignalProvider>> providers;
    providers.push_back(std::make_unique<screen::NumberingProvider>(plan_));
    if (!verstat.empty()) providers.push_back(std::make_unique<FixedVerstat>(verstat));
    pipeline_ = std::make_unique<screen::Pipeline>(screen::PipelineOptions{}, plan_, clock_,
                                                   std::move(providers), policy, nullptr);
    options.transport.host = "127.0.0.1";
    options.transport.udp_port = 0;
    options.transport.tcp_port = 0;
    options.transport.threads = 1;
    options.international_trunks = {"intl-gw"};
    auto server = SipServer::Create(options, *pipeline_, clock_);
    ASSERT_TRUE(server) << server.error().ToString();
    server_ = std::move(*server);
  }

  std::string Answer(std::string_view message,
                     std::chrono::nanoseconds queued = std::chrono::nanoseconds(0)) {
    net::MessageContext ctx;
    ctx.peer_address = "192.0.2.10";
    ctx.peer_port = 5060;
    ctx.queued_for = queued;
    std::string reply;
    server_->Handle(message, ctx, reply);
    return reply;
  }

  FakeClock clock_;
  NumberPlan plan_{"CN"};
  std::unique_ptr<screen::Pipeline> pipeline_;
  std::unique_ptr<SipServer> server_;
};

TEST_F(SipServerTest, CleanCallIsRedirectedToItsOwnTarget) {
  const std::string r = Answer(Invite("+8613800138000", "+8613900139000"));
  EXPECT_THAT(r, StartsWith("SIP/2.0 302 Moved Temporarily\r\n"));
  EXPECT_THAT(r, HasSubstr("\r\nVia: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-1\r\n"
                           "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK-upstream\r\n"));
  EXPECT_THAT(r, HasSubstr("\r\nFrom: <sip:+8613800138000@gw.example.net>;tag=abc\r\n"));
  EXPECT_THAT(r, HasSubstr("\r\nTo: <sip:+8613900139000@carrier.example.net>;tag="));
  EXPECT_THAT(r, HasSubstr("\r\nCall-ID: call-z9hG4bK-1@192.0.2.10\r\nCSeq: 1 INVITE\r\n"));
  EXPECT_THAT(r, HasSubstr("\r\nContact: <sip:+8613900139000@carrier.example.net>\r\n"));
  EXPECT_THAT(r, HasSubstr("\r\nServer: Quell\r\n"));
  EXPECT_THAT(r, HasSubstr("\r\nContent-Length: 0\r\n\r\n"));
  EXPECT_THAT(r, Not(HasSubstr("X-Quell-Label")));
}

TEST_F(SipServerTest, InvalidCallerIsRejectedWith608AndAReason) {
  const std::string r = Answer(Invite("+8612345", "+8613900139000"));
  EXPECT_THAT(r, StartsWith("SIP/2.0 608 Rejected\r\n"));
  EXPECT_THAT(r, HasSubstr("\r\nReason: SIP;cause=608;text=\"主叫号码无效\"\r\n"));
  EXPECT_THAT(r, Not(HasSubstr("Contact:")));
}

TEST_F(SipServerTest, PaiIsTheCallerWhenPresent) {
  // The network asserts a valid number although From shows garbage.
  const std::string r = Answer(Invite("+8612345", "+8613900139000", "z9hG4bK-pai",
                                      "P-Asserted-Identity: <tel:+8613800138000>\r\n"));
  EXPECT_THAT(r, StartsWith("SIP/2.0 302 "));
}

TEST_F(SipServerTest, VerstatGoesOnTheInvitesPaiAndNeverOnAMadeUpOne) {
  Build(screen::Policy::Default(), {}, "no_validation");
  // No PAI in the INVITE, nothing verified: From is not made an asserted identity.
  EXPECT_THAT(Answer(Invite("+8613800138000", "+8613900139000", "z9hG4bK-v1")),
              Not(HasSubstr("P-Asserted-Identity")));
  // The network's PAI carries the verstat.
  EXPECT_THAT(
      Answer(Invite("+8613800138000", "+8613900139000", "z9hG4bK-v2",
                    "P-Asserted-Identity: <sip:+8613800138000@gw.example.net>\r\n")),
      HasSubstr("\r\nP-Asserted-Identity: <tel:+8613800138000;verstat=No-TN-Validation>\r\n"));
  // A number the PASSporT vouched for is asserted even without a PAI.
  Build(screen::Policy::Default(), {}, "passed");
  EXPECT_THAT(
      Answer(Invite("+8613800138000", "+8613900139000", "z9hG4bK-v3")),
      HasSubstr("\r\nP-Asserted-Identity: <tel:+8613800138000;verstat=TN-Validation-Passed>\r\n"));
}

TEST_F(SipServerTest, RetransmissionGetsTheSameAnswerAndCountsOnce) {
  const std::string first = Answer(Invite("+8613800138000", "+8613900139000"));
  const std::string again = Answer(Invite("+8613800138000", "+8613900139000"));
  EXPECT_EQ(first, again);
  EXPECT_EQ(pipeline_->Recent(10).size(), 1u);
  // Another branch is another transaction.
  Answer(Invite("+8613800138000", "+8613900139000", "z9hG4bK-2"));
  EXPECT_EQ(pipeline_->Recent(10).size(), 2u);
  // After 32 s the transaction is forgotten.
  clock_.Advance(std::chrono::seconds(33));
  Answer(Invite("+8613800138000", "+8613900139000"));
  EXPECT_EQ(pipeline_->Recent(10).size(), 3u);
}

TEST_F(SipServerTest, OptionsAckCancelAndOtherMethods) {
  std::string r = Answer(Simple("OPTIONS"));
  EXPECT_THAT(r, StartsWith("SIP/2.0 200 OK\r\n"));
  EXPECT_THAT(r, HasSubstr("\r\nAllow: INVITE, ACK, CANCEL, OPTIONS\r\n"));
  EXPECT_EQ(Answer(Simple("ACK")), "");
  EXPECT_THAT(Answer(Simple("CANCEL", "z9hG4bK-none")),
              StartsWith("SIP/2.0 481 Call/Transaction Does Not Exist\r\n"));
  Answer(Invite("+8613900139000", "+8613900139000", "z9hG4bK-c"));
  std::string cancel = Simple("CANCEL", "z9hG4bK-c");
  EXPECT_THAT(Answer(cancel), StartsWith("SIP/2.0 200 OK\r\n"));
  EXPECT_THAT(Answer(Simple("BYE")), StartsWith("SIP/2.0 405 Method Not Allowed\r\n"));
  EXPECT_TRUE(pipeline_->Recent(10).size() == 1u);  // only the INVITE was screened
}

TEST_F(SipServerTest, MalformedInput) {
  EXPECT_EQ(Answer("\x01\x02garbage"), "");
  EXPECT_EQ(Answer(""), "");
  // A response is never answered.
  EXPECT_EQ(Answer("SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK-x\r\n\r\n"), "");
  std::string bad = Invite("+8613800138000", "+8613900139000");
  bad.replace(bad.find("Max-Forwards: 70"), 16, "Max-Forwards: xx");
  const std::string r = Answer(bad);
  EXPECT_THAT(r, StartsWith("SIP/2.0 400 "));
  EXPECT_THAT(r, HasSubstr("Max-Forwards"));
  // Like every answer: a To tag and Server.
  EXPECT_THAT(r, HasSubstr("\r\nTo: <sip:+8613900139000@carrier.example.net>;tag="));
  EXPECT_THAT(r, HasSubstr("\r\nServer: Quell\r\n"));
  EXPECT_THAT(Answer(Invite("+8613800138000", "+8613900139000", "z9hG4bK-mf", "", "sip", 0)),
              StartsWith("SIP/2.0 483 Too Many Hops\r\n"));
  EXPECT_THAT(Answer(Invite("+8613800138000", "+8613900139000", "z9hG4bK-sc", "", "xmpp")),
              StartsWith("SIP/2.0 416 "));
  // A re-INVITE (To tag) is not a new call: 481, not screened.
  std::string reinvite = Invite("+8613800138000", "+8613900139000", "z9hG4bK-re");
  reinvite.replace(reinvite.find("@carrier.example.net>\r\n"), 23,
                   "@carrier.example.net>;tag=dlg1\r\n");
  const std::string re = Answer(reinvite);
  EXPECT_THAT(re, StartsWith("SIP/2.0 481 "));
  EXPECT_THAT(re, HasSubstr(";tag=dlg1\r\n"));
  std::string v3 = Invite("+8613800138000", "+8613900139000", "z9hG4bK-v3");
  v3.replace(v3.find("SIP/2.0\r\n"), 9, "SIP/3.0\r\n");
  EXPECT_THAT(Answer(v3), StartsWith("SIP/2.0 505 "));
  EXPECT_TRUE(pipeline_->Recent(10).empty());
}

TEST_F(SipServerTest, OverloadAnswers503WithoutScreening) {
  const std::string r =
      Answer(Invite("+8613800138000", "+8613900139000"), std::chrono::milliseconds(500));
  EXPECT_THAT(r, StartsWith("SIP/2.0 503 Service Unavailable\r\n"));
  EXPECT_THAT(r, HasSubstr("\r\nRetry-After: 5\r\n"));
  EXPECT_TRUE(pipeline_->Recent(10).empty());
  // The retransmission, once the server caught up, is screened.
  EXPECT_THAT(Answer(Invite("+8613800138000", "+8613900139000")), StartsWith("SIP/2.0 302 "));
}

TEST_F(SipServerTest, EmergencyCallsPass) {
  Build(*screen::Policy::Parse(R"(
[[screen.rule]]
name = "everything"
when = "caller.present"
action = "block"
)"));
  EXPECT_THAT(Answer(Invite("+8613800138000", "110")), StartsWith("SIP/2.0 302 "));
  EXPECT_THAT(Answer(Invite("+8613800138000", "+8613900139000", "z9hG4bK-e2")),
              StartsWith("SIP/2.0 608 "));
  // An emergency service URN (RFC 5031) rather than a number.
  for (std::string_view urn : {"urn:service:sos", "URN:service:sos.police"}) {
    std::string sos = Invite("+8613800138000", "+8613900139000", "z9hG4bK-sos" + std::string(urn));
    sos.replace(0, sos.find(" SIP/2.0"), "INVITE " + std::string(urn));
    const std::string r = Answer(sos);
    EXPECT_THAT(r, StartsWith("SIP/2.0 302 ")) << urn;
    EXPECT_THAT(r, HasSubstr("\r\nContact: <" + std::string(urn) + ">\r\n"));
  }
  std::string other = Invite("+8613800138000", "+8613900139000", "z9hG4bK-sosx");
  other.replace(0, other.find(" SIP/2.0"), "INVITE urn:service:sosx");
  EXPECT_THAT(Answer(other), StartsWith("SIP/2.0 416 "));
}

TEST(TransactionCacheTest, ConcurrentCopiesOfAnInviteAreScreenedOnce) {
  using Found = internal::TransactionCache::Found;
  internal::TransactionCache cache(64, 32000);
  std::string out;
  EXPECT_EQ(cache.LookupOrClaim(7, 0, out), Found::kClaimed);
  EXPECT_EQ(cache.LookupOrClaim(7, 1, out), Found::kInProgress);  // a copy, meanwhile
  EXPECT_TRUE(cache.Contains(7, 1));
  cache.Insert(7, 2, "SIP/2.0 302 Moved Temporarily\r\n");
  EXPECT_EQ(cache.LookupOrClaim(7, 3, out), Found::kHit);
  EXPECT_EQ(out, "SIP/2.0 302 Moved Temporarily\r\n");
  // A released claim (the server answered 503) leaves nothing behind.
  EXPECT_EQ(cache.LookupOrClaim(8, 0, out), Found::kClaimed);
  cache.Release(8);
  EXPECT_FALSE(cache.Contains(8, 1));
  EXPECT_EQ(cache.LookupOrClaim(8, 1, out), Found::kClaimed);
  // Expired entries are claimed afresh.
  EXPECT_EQ(cache.LookupOrClaim(7, 40000, out), Found::kClaimed);
}

TEST_F(SipServerTest, LabelAndDivertRules) {
  Build(*screen::Policy::Parse(R"toml(
[[screen.rule]]
name = "intl"
when = "caller.international"
action = "label"
label = { en = "International \"call\"", zh = "国际来电" }
[[screen.rule]]
name = "trunk"
when = "call.international_trunk"
action = "divert"
divert_to = "sip:warning@ivr.example.net"
)toml"),
        SipServerOptions{.label_lang = Lang::kEn});
  std::string r = Answer(Invite("+442070313000", "+8613900139000"));
  EXPECT_THAT(r, StartsWith("SIP/2.0 302 "));
  EXPECT_THAT(r, HasSubstr("\r\nX-Quell-Label: \"International \\\"call\\\"\";rule=intl\r\n"));
  EXPECT_THAT(r, HasSubstr("\r\nContact: <sip:+8613900139000@carrier.example.net>\r\n"));
  r = Answer(Invite("+8613800138000", "+8613900139000", "z9hG4bK-t", "X-Quell-Trunk: intl-gw\r\n"));
  EXPECT_THAT(r, HasSubstr("\r\nContact: <sip:warning@ivr.example.net>\r\n"));
}

TEST_F(SipServerTest, RejectsBadOptions) {
  SipServerOptions o;
  o.label_header = "X Label";
  EXPECT_FALSE(SipServer::Create(o, *pipeline_, clock_));
}

// The same over real sockets: a UDP datagram and a TCP stream.
TEST_F(SipServerTest, AnswersOverUdpAndTcp) {
  ASSERT_TRUE(server_->Start().ok());
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);

  const int udp = socket(AF_INET, SOCK_DGRAM, 0);
  timeval tv{5, 0};
  setsockopt(udp, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  addr.sin_port = htons(server_->udp_port());
  const std::string invite = Invite("+8613800138000", "+8613900139000", "z9hG4bK-udp");
  ASSERT_EQ(sendto(udp, invite.data(), invite.size(), 0, reinterpret_cast<sockaddr*>(&addr),
                   sizeof(addr)),
            static_cast<ssize_t>(invite.size()));
  char buf[4096];
  const ssize_t n = recv(udp, buf, sizeof(buf), 0);
  ASSERT_GT(n, 0);
  EXPECT_THAT(std::string(buf, n), StartsWith("SIP/2.0 302 "));
  close(udp);

  const int tcp = socket(AF_INET, SOCK_STREAM, 0);
  setsockopt(tcp, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  addr.sin_port = htons(server_->tcp_port());
  ASSERT_EQ(connect(tcp, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  // An RFC 5626 keep-alive: CRLFCRLF ping, CRLF pong.
  ASSERT_EQ(send(tcp, "\r\n\r\n", 4, 0), 4);
  ASSERT_EQ(recv(tcp, buf, sizeof(buf), 0), 2);
  EXPECT_EQ(std::string_view(buf, 2), "\r\n");
  // Two requests in one write: both answered, in order.
  const std::string two =
      Invite("+8612345", "+8613900139000", "z9hG4bK-tcp1") + Simple("OPTIONS", "z9hG4bK-tcp2");
  ASSERT_EQ(send(tcp, two.data(), two.size(), 0), static_cast<ssize_t>(two.size()));
  std::string got;
  while (got.find("SIP/2.0 200") == std::string::npos) {
    const ssize_t k = recv(tcp, buf, sizeof(buf), 0);
    ASSERT_GT(k, 0) << got;
    got.append(buf, k);
  }
  EXPECT_THAT(got, StartsWith("SIP/2.0 608 "));
  close(tcp);
  server_->Shutdown();
}

}  // namespace
}  // namespace quell::sip
