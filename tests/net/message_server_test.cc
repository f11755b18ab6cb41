#include "quell/net/message_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "quell/core/metrics.h"

namespace quell::net {
namespace {

using namespace std::chrono_literals;

// --- clients --------------------------------------------------------------------

sockaddr_storage Loopback(int family, uint16_t port, socklen_t& len) {
  sockaddr_storage addr{};
  if (family == AF_INET) {
    auto* in = reinterpret_cast<sockaddr_in*>(&addr);
    in->sin_family = AF_INET;
    in->sin_port = htons(port);
    in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    len = sizeof(sockaddr_in);
  } else {
    auto* in6 = reinterpret_cast<sockaddr_in6*>(&addr);
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons(port);
    in6->sin6_addr = in6addr_loopback;
    len = sizeof(sockaddr_in6);
  }
  return addr;
}

uint16_t PortOf(const sockaddr_storage& addr) {
  return ntohs(addr.ss_family == AF_INET ? reinterpret_cast<const sockaddr_in&>(addr).sin_port
                                         : reinterpret_cast<const sockaddr_in6&>(addr).sin6_port);
}

class UdpClient {
 public:
  explicit UdpClient(int family = AF_INET) : family_(family) {
    fd_ = socket(family, SOCK_DGRAM, 0);
    socklen_t len = 0;
    sockaddr_storage addr = Loopback(family, 0, len);
    if (fd_ >= 0 && bind(fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0) {
      close(fd_);
      fd_ = -1;
    }
  }
  ~UdpClient() {
    if (fd_ >= 0) close(fd_);
  }
  UdpClient(const UdpClient&) = delete;
  UdpClient& operator=(const UdpClient&) = delete;

  bool ok() const { return fd_ >= 0; }

  uint16_t port() const {
    sockaddr_storage addr{};
    socklen_t len = sizeof(addr);
    getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    return PortOf(addr);
  }

  bool SendTo(uint16_t port, std::string_view data) {
    socklen_t len = 0;
    sockaddr_storage addr = Loopback(family_, port, len);
    return sendto(fd_, data.data(), data.size(), 0, reinterpret_cast<sockaddr*>(&addr), len) ==
           static_cast<ssize_t>(data.size());
  }

  // The next datagram within `timeout`, and where it came from.
  std::optional<std::string> Receive(std::chrono::milliseconds timeout = 5s,
                                     sockaddr_storage* from = nullptr) {
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return std::nullopt;
    char buf[65536];
    sockaddr_storage source{};
    socklen_t len = sizeof(source);
    const ssize_t n =
        recvfrom(fd_, buf, sizeof(buf), 0, reinterpret_cast<sockaddr*>(&source), &len);
    if (n < 0) return std::nullopt;
    if (from != nullptr) *from = source;
    return std::string(buf, static_cast<std::size_t>(n));
  }

 private:
  int family_;
  int fd_ = -1;
};

class StreamClient {
 public:
  StreamClient() = default;
  ~StreamClient() {
    if (fd_ >= 0) close(fd_);
  }
  StreamClient(const StreamClient&) = delete;
  StreamClient& operator=(const StreamClient&) = delete;

  bool Connect(uint16_t port) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    socklen_t len = 0;
    sockaddr_storage addr = Loopback(AF_INET, port, len);
    if (connect(fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0) return false;
    const int one = 1;
    setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    return true;
  }

  uint16_t port() const {
    sockaddr_storage addr{};
    socklen_t len = sizeof(addr);
    getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    return PortOf(addr);
  }

  bool Send(std::string_view data) {
    while (!data.empty()) {
      const ssize_t n = send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }

  // Up to `n` bytes: fewer on EOF, reset or after `timeout`.
  std::string Read(std::size_t n, std::chrono::milliseconds timeout = 5s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (buf_.size() < n && Fill(deadline)) {
    }
    std::string out = buf_.substr(0, std::min(n, buf_.size()));
    buf_.erase(0, out.size());
    return out;
  }

  // True if the server closes the connection (EOF or reset) within `timeout`
  // without sending anything more.
  bool ClosedByPeer(std::chrono::milliseconds timeout = 5s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    const std::size_t before = buf_.size();
    while (Fill(deadline)) {
    }
    return closed_ && buf_.size() == before;
  }

 private:
  bool Fill(std::chrono::steady_clock::time_point deadline) {
    if (closed_) return false;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
    char chunk[16384];
    const ssize_t n = recv(fd_, chunk, sizeof(chunk), 0);
    if (n <= 0) {
      closed_ = true;
      return false;
    }
    buf_.append(chunk, static_cast<std::size_t>(n));
    return true;
  }

  int fd_ = -1;
  std::string buf_;
  bool closed_ = false;
};

// --- server set-up --------------------------------------------------------------

// Test framing: a message is a line ending in '\n'; a leading '.' is a
// keep-alive byte to skip; a line starting with '!' cannot be framed.
Frame LineFramer(std::string_view buffered) {
  if (buffered.front() == '.') return Frame::Skip(1);
  if (buffered.front() == '!') return Frame::Error("bang");
  const std::size_t end = buffered.find('\n');
  if (end == std::string_view::npos) return Frame::NeedMore();
  return Frame::Message(end + 1);
}

void Echo(std::string_view message, const MessageContext&, std::string& reply) {
  reply.append("echo:").append(message);
}

MessageServerOptions TestOptions() {
  MessageServerOptions o;
  o.host = "127.0.0.1";
  o.udp_port = 0;
  o.tcp_port = 0;
  o.threads = 1;
  o.udp_receive_buffer_bytes = 0;  // the system default: no warning in the test log
  return o;
}

// What a handler saw, copied out of the call.
struct Seen {
  Transport transport = Transport::kUdp;
  std::string peer_address;
  uint16_t peer_port = 0;
  std::string local_address;
  uint16_t local_port = 0;
  std::chrono::nanoseconds queued_for{};
  uint64_t connection_id = 0;
  std::string message;
};

double Dropped(const char* transport, const char* reason) {
  return metrics::GetCounter("quell_net_messages_dropped_total", "",
                             {{"transport", transport}, {"reason", reason}})
      .Value();
}

double Received(const char* transport) {
  return metrics::GetCounter("quell_net_messages_received_total", "", {{"transport", transport}})
      .Value();
}

template <class Pred>
bool WaitFor(Pred pred, std::chrono::milliseconds timeout = 5s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!pred()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

class MessageServerTest : public ::testing::Test {
 protected:
  void Start(MessageServerOptions options, MessageHandler handler = Echo,
             StreamFramer framer = LineFramer) {
    auto server = MessageServer::Create(std::move(options), std::move(handler), std::move(framer));
    ASSERT_TRUE(server.has_value()) << server.status().ToString();
    server_ = std::move(*server);
    const Status s = server_->Start();
    ASSERT_TRUE(s.ok()) << s.ToString();
    udp_port_ = server_->udp_port();
    tcp_port_ = server_->tcp_port();
  }

  // A handler that records what it saw and echoes.
  MessageHandler Recording() {
    return [this](std::string_view message, const MessageContext& ctx, std::string& reply) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        seen_.push_back(Seen{ctx.transport, std::string(ctx.peer_address), ctx.peer_port,
                             std::string(ctx.local_address), ctx.local_port, ctx.queued_for,
                             ctx.connection_id, std::string(message)});
      }
      Echo(message, ctx, reply);
    };
  }

  std::vector<Seen> seen() {
    std::lock_guard<std::mutex> lock(mu_);
    return seen_;
  }

  std::unique_ptr<MessageServer> server_;
  uint16_t udp_port_ = 0;
  uint16_t tcp_port_ = 0;
  std::mutex mu_;
  std::vector<Seen> seen_;
};

// --- UDP ------------------------------------------------------------------------

TEST_F(MessageServerTest, UdpEchoRoundTrip) {
  Start(TestOptions(), Recording());
  ASSERT_NE(udp_port_, 0);
  UdpClient c;
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE(c.SendTo(udp_port_, "hello"));
  sockaddr_storage from{};
  EXPECT_EQ(c.Receive(5s, &from), "echo:hello");
  EXPECT_EQ(PortOf(from), udp_port_);

  const auto s = seen();
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].transport, Transport::kUdp);
  EXPECT_EQ(s[0].message, "hello");
  EXPECT_EQ(s[0].peer_address, "127.0.0.1");
  EXPECT_EQ(s[0].peer_port, c.port());
  EXPECT_EQ(s[0].local_address, "127.0.0.1");
  EXPECT_EQ(s[0].local_port, udp_port_);
  EXPECT_EQ(s[0].connection_id, 0u);
}

TEST_F(MessageServerTest, UdpManyClientsConcurrentlyGetExactlyTheirReplies) {
  MessageServerOptions o = TestOptions();
  o.threads = 2;
  Start(o);
  constexpr int kClients = 6;
  constexpr int kPerClient = 300;
  constexpr int kWindow = 16;  // in flight per client: well inside the socket buffers
  std::vector<std::string> failures(kClients);
  std::vector<std::thread> threads;
  for (int k = 0; k < kClients; ++k) {
    threads.emplace_back([&, k] {
      UdpClient c;
      if (!c.ok()) {
        failures[k] = "no socket";
        return;
      }
      std::set<std::string> expected;
      int sent = 0;
      auto send_next = [&] {
        const std::string m = "c" + std::to_string(k) + "-" + std::to_string(sent++);
        expected.insert("echo:" + m);
        c.SendTo(udp_port_, m);
      };
      while (sent < kWindow) send_next();
      for (int got = 0; got < kPerClient; ++got) {
        const auto reply = c.Receive(5s);
        if (!reply) {
          failures[k] = "timed out after " + std::to_string(got) + " replies";
          return;
        }
        if (expected.erase(*reply) != 1) {
          failures[k] = "unexpected reply '" + *reply + "'";
          return;
        }
        if (sent < kPerClient) send_next();
      }
      if (!expected.empty()) failures[k] = "missing replies";
      if (c.Receive(20ms)) failures[k] = "an extra reply";
    });
  }
  for (auto& t : threads) t.join();
  for (int k = 0; k < kClients; ++k) EXPECT_EQ(failures[k], "") << "client " << k;
}

TEST_F(MessageServerTest, UdpEmptyReplySendsNothing) {
  Start(TestOptions(), [](std::string_view message, const MessageContext& ctx, std::string& reply) {
    if (message != "quiet") Echo(message, ctx, reply);
  });
  UdpClient c;
  ASSERT_TRUE(c.SendTo(udp_port_, "quiet"));
  ASSERT_TRUE(c.SendTo(udp_port_, "loud"));
  // One thread serves them in order: had "quiet" been answered, it would come first.
  EXPECT_EQ(c.Receive(), "echo:loud");
  EXPECT_EQ(c.Receive(20ms), std::nullopt);
}

TEST_F(MessageServerTest, UdpOversizeDatagramIsDroppedAndCounted) {
  MessageServerOptions o = TestOptions();
  o.max_message_bytes = 100;
  std::atomic<int> calls{0};
  Start(o, [&](std::string_view message, const MessageContext& ctx, std::string& reply) {
    ++calls;
    reply = std::to_string(message.size());
  });
  const double oversize = Dropped("udp", "oversize");
  const double received = Received("udp");
  UdpClient c;
  ASSERT_TRUE(c.SendTo(udp_port_, std::string(101, 'x')));
  ASSERT_TRUE(c.SendTo(udp_port_, std::string(100, 'y')));
  EXPECT_EQ(c.Receive(), "100");
  EXPECT_EQ(calls.load(), 1);
  // Counted before the batch's replies are sent.
  EXPECT_EQ(Dropped("udp", "oversize"), oversize + 1);
  EXPECT_EQ(Received("udp"), received + 2);
}

TEST_F(MessageServerTest, UdpHandlerExceptionMeansNoReplyAndIsCounted) {
  Start(TestOptions(), [](std::string_view message, const MessageContext& ctx, std::string& reply) {
    reply = "partial";
    if (message == "boom") throw std::runtime_error("handler failed");
    Echo(message, ctx, reply);
  });
  const double errors = Dropped("udp", "handler_error");
  UdpClient c;
  ASSERT_TRUE(c.SendTo(udp_port_, "boom"));
  ASSERT_TRUE(c.SendTo(udp_port_, "fine"));
  EXPECT_EQ(c.Receive(), "partialecho:fine");
  EXPECT_EQ(Dropped("udp", "handler_error"), errors + 1);
}

TEST_F(MessageServerTest, UdpOnWildcardAnswersFromTheAddressItWasSentTo) {
  MessageServerOptions o = TestOptions();
  o.host = "0.0.0.0";
  o.enable_tcp = false;
  Start(o, Recording());
  UdpClient c;
  ASSERT_TRUE(c.SendTo(udp_port_, "hi"));
  sockaddr_storage from{};
  EXPECT_EQ(c.Receive(5s, &from), "echo:hi");
  ASSERT_EQ(from.ss_family, AF_INET);
  EXPECT_EQ(reinterpret_cast<sockaddr_in&>(from).sin_addr.s_addr, htonl(INADDR_LOOPBACK));
  const auto s = seen();
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].local_address, "127.0.0.1");
  EXPECT_EQ(s[0].local_port, udp_port_);
}

TEST_F(MessageServerTest, UdpOverIpv6) {
  {
    UdpClient probe(AF_INET6);
    if (!probe.ok()) GTEST_SKIP() << "no IPv6 loopback here";
  }
  for (const char* host : {"::1", "::"}) {
    MessageServerOptions o = TestOptions();
    o.host = host;
    Start(o, Recording());
    UdpClient c(AF_INET6);
    ASSERT_TRUE(c.SendTo(udp_port_, "six"));
    EXPECT_EQ(c.Receive(), "echo:six") << host;
    UdpClient four;  // "::" takes IPv4 peers too; "::1" does not
    if (std::string_view(host) == "::") {
      ASSERT_TRUE(four.SendTo(udp_port_, "four"));
      EXPECT_EQ(four.Receive(), "echo:four");
    }
    server_.reset();
    const auto s = seen();
    ASSERT_GE(s.size(), 1u);
    EXPECT_EQ(s[0].peer_address, "::1") << host;
    EXPECT_EQ(s[0].local_address, "::1") << host;
    if (s.size() == 2) {
      EXPECT_EQ(s[1].peer_address, "127.0.0.1");
      EXPECT_EQ(s[1].local_address, "127.0.0.1");
    }
    std::lock_guard<std::mutex> lock(mu_);
    seen_.clear();
  }
}

// --- TCP ------------------------------------------------------------------------

TEST_F(MessageServerTest, TcpOneMessage) {
  Start(TestOptions(), Recording());
  ASSERT_NE(tcp_port_, 0);
  StreamClient c;
  ASSERT_TRUE(c.Connect(tcp_port_));
  ASSERT_TRUE(c.Send("hello\n"));
  EXPECT_EQ(c.Read(11), "echo:hello\n");
  const auto s = seen();
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].transport, Transport::kTcp);
  EXPECT_EQ(s[0].message, "hello\n");
  EXPECT_EQ(s[0].peer_address, "127.0.0.1");
  EXPECT_EQ(s[0].peer_port, c.port());
  EXPECT_EQ(s[0].local_address, "127.0.0.1");
  EXPECT_EQ(s[0].local_port, tcp_port_);
  EXPECT_NE(s[0].connection_id, 0u);
}

TEST_F(MessageServerTest, TcpTwoMessagesInOneWrite) {
  Start(TestOptions(), Recording());
  StreamClient c;
  ASSERT_TRUE(c.Connect(tcp_port_));
  ASSERT_TRUE(c.Send("a\nbb\n"));
  EXPECT_EQ(c.Read(15), "echo:a\necho:bb\n");
  StreamClient other;
  ASSERT_TRUE(other.Connect(tcp_port_));
  ASSERT_TRUE(other.Send("c\n"));
  EXPECT_EQ(other.Read(7), "echo:c\n");
  const auto s = seen();
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s[0].connection_id, s[1].connection_id);
  EXPECT_NE(s[0].connection_id, s[2].connection_id);
}

TEST_F(MessageServerTest, TcpMessageSplitAcrossWritesByteByByte) {
  std::atomic<int> framer_calls{0};
  Start(TestOptions(), Echo, [&](std::string_view buffered) {
    ++framer_calls;
    return LineFramer(buffered);
  });
  StreamClient c;
  ASSERT_TRUE(c.Connect(tcp_port_));
  const std::string message = "split across many segments\n";
  for (char ch : message) {
    ASSERT_TRUE(c.Send(std::string(1, ch)));
    std::this_thread::sleep_for(1ms);  // let most bytes arrive as reads of their own
  }
  EXPECT_EQ(c.Read(5 + message.size()), "echo:" + message);
  EXPECT_GT(framer_calls.load(), 1);
  // The connection goes on after a split message.
  ASSERT_TRUE(c.Send("x"));
  ASSERT_TRUE(c.Send("y\nz\n"));
  EXPECT_EQ(c.Read(15), "echo:xy\necho:z\n");
}

TEST_F(MessageServerTest, TcpManyPipelinedMessagesAreAnsweredInOrder) {
  Start(TestOptions());
  StreamClient c;
  ASSERT_TRUE(c.Connect(tcp_port_));
  std::string burst, expected;
  for (int i = 0; i < 3000; ++i) {
    burst += "m" + std::to_string(i) + "\n";
    expected += "echo:m" + std::to_string(i) + "\n";
  }
  std::thread writer([&] { c.Send(burst); });  // replies flow back while we send
  const std::string got = c.Read(expected.size());
  writer.join();
  EXPECT_EQ(got.size(), expected.size());
  EXPECT_TRUE(got == expected);
}

TEST_F(MessageServerTest, TcpSkippedBytesAreDiscarded) {
  Start(TestOptions(), Recording());
  StreamClient c;
  ASSERT_TRUE(c.Connect(tcp_port_));
  ASSERT_TRUE(c.Send("..hi\n."));
  EXPECT_EQ(c.Read(8), "echo:hi\n");
  ASSERT_TRUE(c.Send(".ho\n"));
  EXPECT_EQ(c.Read(8), "echo:ho\n");
  EXPECT_EQ(seen().size(), 2u);
}

TEST_F(MessageServerTest, TcpFramingErrorClosesAfterEarlierReplies) {
  Start(TestOptions());
  const double framing = Dropped("tcp", "framing");
  StreamClient c;
  ASSERT_TRUE(c.Connect(tcp_port_));
  ASSERT_TRUE(c.Send("ok\n!bad\n"));
  EXPECT_EQ(c.Read(8), "echo:ok\n");
  EXPECT_TRUE(c.ClosedByPeer());
  EXPECT_TRUE(WaitFor([&] { return Dropped("tcp", "framing") == framing + 1; }));
}

TEST_F(MessageServerTest, TcpInvalidFrameLengthClosesConnection) {
  Start(TestOptions(), Echo, [](std::string_view buffered) {
    return Frame::Message(buffered.size() + 1);  // a framer bug: past the buffer
  });
  StreamClient c;
  ASSERT_TRUE(c.Connect(tcp_port_));
  ASSERT_TRUE(c.Send("abc\n"));
  EXPECT_TRUE(c.ClosedByPeer());
}

TEST_F(MessageServerTest, TcpOversizeMessageClosesConnection) {
  MessageServerOptions o = TestOptions();
  o.max_message_bytes = 16;
  Start(o);
  const double oversize = Dropped("tcp", "oversize");
  StreamClient fits;
  ASSERT_TRUE(fits.Connect(tcp_port_));
  ASSERT_TRUE(fits.Send(std::string(15, 'a') + "\n"));  // exactly 16
  EXPECT_EQ(fits.Read(21), "echo:" + std::string(15, 'a') + "\n");

  StreamClient complete;  // framed, but too long
  ASSERT_TRUE(complete.Connect(tcp_port_));
  ASSERT_TRUE(complete.Send(std::string(16, 'b') + "\n"));
  EXPECT_TRUE(complete.ClosedByPeer());

  StreamClient endless;  // never framed: closed once past the limit
  ASSERT_TRUE(endless.Connect(tcp_port_));
  ASSERT_TRUE(endless.Send(std::string(10, 'c')));
  ASSERT_TRUE(endless.Send(std::string(10, 'c')));
  EXPECT_TRUE(endless.ClosedByPeer());
  EXPECT_TRUE(WaitFor([&] { return Dropped("tcp", "oversize") == oversize + 2; }));
}

TEST_F(MessageServerTest, TcpHandlerExceptionKeepsTheConnection) {
  Start(TestOptions(), [](std::string_view message, const MessageContext& ctx, std::string& reply) {
    if (message == "boom\n") throw std::runtime_error("handler failed");
    Echo(message, ctx, reply);
  });
  StreamClient c;
  ASSERT_TRUE(c.Connect(tcp_port_));
  ASSERT_TRUE(c.Send("boom\nfine\n"));
  EXPECT_EQ(c.Read(10), "echo:fine\n");
}

TEST_F(MessageServerTest, TcpIdleConnectionIsClosed) {
  MessageServerOptions o = TestOptions();
  o.tcp_idle_timeout = 100ms;
  Start(o);
  StreamClient c;
  ASSERT_TRUE(c.Connect(tcp_port_));
  ASSERT_TRUE(c.Send("a\n"));
  EXPECT_EQ(c.Read(7), "echo:a\n");
  EXPECT_TRUE(c.ClosedByPeer(5s));
  StreamClient silent;  // never sends a byte
  ASSERT_TRUE(silent.Connect(tcp_port_));
  EXPECT_TRUE(silent.ClosedByPeer(5s));
}

TEST_F(MessageServerTest, TcpConnectionsOverTheCapAreClosed) {
  MessageServerOptions o = TestOptions();
  o.max_tcp_connections = 2;
  Start(o);
  const double rejected =
      metrics::GetCounter("quell_net_tcp_connections_rejected_total", "").Value();
  auto c1 = std::make_unique<StreamClient>();
  StreamClient c2;
  ASSERT_TRUE(c1->Connect(tcp_port_));
  ASSERT_TRUE(c2.Connect(tcp_port_));
  ASSERT_TRUE(c1->Send("1\n"));
  ASSERT_TRUE(c2.Send("2\n"));
  EXPECT_EQ(c1->Read(7), "echo:1\n");
  EXPECT_EQ(c2.Read(7), "echo:2\n");

  StreamClient c3;
  ASSERT_TRUE(c3.Connect(tcp_port_));  // the kernel accepts; the server closes
  EXPECT_TRUE(c3.ClosedByPeer());
  EXPECT_EQ(metrics::GetCounter("quell_net_tcp_connections_rejected_total", "").Value(),
            rejected + 1);

  c1.reset();  // frees a place once the server sees it close
  bool served = false;
  for (int attempt = 0; attempt < 200 && !served; ++attempt) {
    StreamClient c4;
    ASSERT_TRUE(c4.Connect(tcp_port_));
    served = c4.Send("4\n") && c4.Read(7, 1s) == "echo:4\n";
    if (!served) std::this_thread::sleep_for(5ms);
  }
  EXPECT_TRUE(served);
}

TEST_F(MessageServerTest, TcpConnectionGaugeFollowsConnections) {
  Start(TestOptions());
  auto gauge = [] { return metrics::GetGauge("quell_net_tcp_connections", "").Value(); };
  const double before = gauge();
  {
    StreamClient c;
    ASSERT_TRUE(c.Connect(tcp_port_));
    ASSERT_TRUE(c.Send("a\n"));
    EXPECT_EQ(c.Read(7), "echo:a\n");
    EXPECT_EQ(gauge(), before + 1);
  }
  EXPECT_TRUE(WaitFor([&] { return gauge() == before; }));
}

// --- both -----------------------------------------------------------------------

TEST_F(MessageServerTest, QueuedForIsNonNegativeAndGrowsWhileTheServerIsBusy) {
  Start(TestOptions(), [record = Recording()](std::string_view message, const MessageContext& ctx,
                                              std::string& reply) {
    if (message.substr(0, 4) == "slow") std::this_thread::sleep_for(30ms);
    record(message, ctx, reply);
  });
  UdpClient u;
  ASSERT_TRUE(u.SendTo(udp_port_, "slow"));
  ASSERT_TRUE(u.SendTo(udp_port_, "next"));  // waits in the socket behind "slow"
  EXPECT_EQ(u.Receive(), "echo:slow");
  EXPECT_EQ(u.Receive(), "echo:next");
  StreamClient t;
  ASSERT_TRUE(t.Connect(tcp_port_));
  ASSERT_TRUE(t.Send("slow\nnext\n"));  // "next" waits behind "slow" in the same read
  EXPECT_EQ(t.Read(20), "echo:slow\necho:next\n");

  const auto s = seen();
  ASSERT_EQ(s.size(), 4u);
  for (const Seen& x : s) {
    EXPECT_GE(x.queued_for.count(), 0) << x.message;
    EXPECT_LT(x.queued_for, 10s) << x.message;
  }
  // A lower bound only: "next" cannot have been handled before "slow" finished.
  EXPECT_GE(s[1].queued_for, 20ms);
  EXPECT_GE(s[3].queued_for, 20ms);
}

TEST_F(MessageServerTest, ShutdownWhileClientsAreSendingIsPromptAndClean) {
  MessageServerOptions o = TestOptions();
  o.threads = 2;
  Start(o);
  std::atomic<bool> stop{false};
  std::atomic<int> replies{0};
  std::vector<std::thread> clients;
  for (int k = 0; k < 3; ++k) {
    clients.emplace_back([&, k] {
      UdpClient c;
      for (int i = 0; !stop; ++i) {
        c.SendTo(udp_port_, "u" + std::to_string(k) + "-" + std::to_string(i));
        if (i % 8 == 0 && c.Receive(1ms)) ++replies;
      }
    });
  }
  for (int k = 0; k < 2; ++k) {
    clients.emplace_back([&] {
      StreamClient c;
      if (!c.Connect(tcp_port_)) return;
      while (!stop && c.Send("t\n") && c.Read(7, 1s) == "echo:t\n") ++replies;
    });
  }
  ASSERT_TRUE(WaitFor([&] { return replies > 50; }));
  const auto start = std::chrono::steady_clock::now();
  server_->Shutdown();
  const auto took = std::chrono::steady_clock::now() - start;
  stop = true;
  for (auto& t : clients) t.join();
  EXPECT_LT(took, 5s);  // prompt: not waiting on any timeout
  server_->Shutdown();  // idempotent
  EXPECT_FALSE(server_->Start().ok());
}

TEST_F(MessageServerTest, StartFailsWithUnavailableWhenAPortIsTaken) {
  // UDP: a plain socket holds the port.
  UdpClient holder;
  ASSERT_TRUE(holder.ok());
  MessageServerOptions o = TestOptions();
  o.udp_port = holder.port();
  auto server = MessageServer::Create(o, Echo, LineFramer);
  ASSERT_TRUE(server.has_value());
  Status s = (*server)->Start();
  EXPECT_EQ(s.code(), StatusCode::kUnavailable) << s.ToString();
  EXPECT_NE(s.message().find(std::to_string(holder.port())), std::string::npos) << s.message();

  // TCP: another server listens on it; with one thread and with several.
  Start(TestOptions());
  for (int threads : {1, 2}) {
    uint16_t free_udp_port = 0;
    {
      UdpClient probe;
      free_udp_port = probe.port();
    }
    MessageServerOptions o2 = TestOptions();
    o2.threads = threads;
    o2.tcp_port = tcp_port_;
    o2.udp_port = free_udp_port;
    auto second = MessageServer::Create(o2, Echo, LineFramer);
    ASSERT_TRUE(second.has_value());
    s = (*second)->Start();
    EXPECT_EQ(s.code(), StatusCode::kUnavailable) << s.ToString();
    EXPECT_NE(s.message().find(std::to_string(tcp_port_)), std::string::npos) << s.message();
    EXPECT_EQ((*second)->udp_port(), 0);
    // A failed Start leaves nothing bound: the UDP port it had taken is free again.
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    socklen_t len = 0;
    sockaddr_storage addr = Loopback(AF_INET, free_udp_port, len);
    EXPECT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), len), 0) << std::strerror(errno);
    close(fd);
  }
}

TEST_F(MessageServerTest, OneTransportAlone) {
  MessageServerOptions o = TestOptions();
  o.enable_tcp = false;
  Start(o, Echo, nullptr);  // no framer needed without TCP
  EXPECT_NE(udp_port_, 0);
  EXPECT_EQ(tcp_port_, 0);
  UdpClient c;
  ASSERT_TRUE(c.SendTo(udp_port_, "u"));
  EXPECT_EQ(c.Receive(), "echo:u");

  o = TestOptions();
  o.enable_udp = false;
  Start(o);
  EXPECT_EQ(udp_port_, 0);
  StreamClient t;
  ASSERT_TRUE(t.Connect(tcp_port_));
  ASSERT_TRUE(t.Send("t\n"));
  EXPECT_EQ(t.Read(7), "echo:t\n");
}

TEST_F(MessageServerTest, CreateRejectsBadOptions) {
  auto code = [](MessageServerOptions o, MessageHandler h = Echo, StreamFramer f = LineFramer) {
    return MessageServer::Create(std::move(o), std::move(h), std::move(f)).status().code();
  };
  EXPECT_EQ(code(TestOptions(), nullptr), StatusCode::kInvalidArgument);
  EXPECT_EQ(code(TestOptions(), Echo, nullptr), StatusCode::kInvalidArgument);
  MessageServerOptions o = TestOptions();
  o.enable_udp = o.enable_tcp = false;
  EXPECT_EQ(code(o), StatusCode::kInvalidArgument);
  o = TestOptions();
  o.threads = -1;
  EXPECT_EQ(code(o), StatusCode::kInvalidArgument);
  o = TestOptions();
  o.max_message_bytes = 0;
  EXPECT_EQ(code(o), StatusCode::kInvalidArgument);
  o = TestOptions();
  o.tcp_idle_timeout = 0ms;
  EXPECT_EQ(code(o), StatusCode::kInvalidArgument);
  o = TestOptions();
  o.max_tcp_connections = 0;
  EXPECT_EQ(code(o), StatusCode::kInvalidArgument);
  EXPECT_EQ(code(TestOptions()), StatusCode::kOk);
}

TEST_F(MessageServerTest, UnresolvableHostIsUnavailable) {
  MessageServerOptions o = TestOptions();
  o.host = "no-such-host.invalid";
  auto server = MessageServer::Create(o, Echo, LineFramer);
  ASSERT_TRUE(server.has_value());
  EXPECT_EQ((*server)->Start().code(), StatusCode::kUnavailable);
}

TEST_F(MessageServerTest, ShutdownWithoutStartAndDestructorAreSafe) {
  auto server = MessageServer::Create(TestOptions(), Echo, LineFramer);
  ASSERT_TRUE(server.has_value());
  (*server)->Shutdown();
  EXPECT_EQ((*server)->Start().code(), StatusCode::kFailedPrecondition);
  Start(TestOptions());
  StreamClient c;
  ASSERT_TRUE(c.Connect(tcp_port_));
  ASSERT_TRUE(c.Send("a\n"));
  EXPECT_EQ(c.Read(7), "echo:a\n");
  server_.reset();  // the destructor shuts down with a connection open
  EXPECT_TRUE(c.ClosedByPeer(2s));
}

}  // namespace
}  // namespace quell::net
