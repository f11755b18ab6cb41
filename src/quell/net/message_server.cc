// MessageServer: options, address resolution, and starting and stopping the
// two transports. UDP is in internal/datagram_server.cc, TCP in
// internal/stream_server.cc.
#include "quell/net/message_server.h"

#include <netdb.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <mutex>
#include <thread>

#include "quell/net/internal/datagram_server.h"
#include "quell/net/internal/message_common.h"
#include "quell/net/internal/stream_server.h"

namespace quell::net {
namespace {

using internal::DatagramServer;
using internal::StreamServer;

// Far above any real SIP message; keeps buffer arithmetic clear of overflow.
constexpr std::size_t kMaxMessageBytesLimit = 64 << 20;

struct BindAddress {
  sockaddr_storage addr{};
  socklen_t len = 0;

  const sockaddr* get() const { return reinterpret_cast<const sockaddr*>(&addr); }
  BindAddress WithPort(uint16_t port) const {
    BindAddress out = *this;
    if (addr.ss_family == AF_INET) {
      reinterpret_cast<sockaddr_in*>(&out.addr)->sin_port = htons(port);
    } else {
      reinterpret_cast<sockaddr_in6*>(&out.addr)->sin6_port = htons(port);
    }
    return out;
  }
};

Result<BindAddress> Resolve(const std::string& host) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_DGRAM;
  hints.ai_flags = AI_PASSIVE;
  addrinfo* found = nullptr;
  const int rc = getaddrinfo(host.c_str(), nullptr, &hints, &found);
  if (rc != 0 || found == nullptr) {
    return Unavailable("cannot resolve message server host '" + host + "': " + gai_strerror(rc));
  }
  BindAddress out;
  for (const addrinfo* a = found; a != nullptr; a = a->ai_next) {
    if ((a->ai_family == AF_INET || a->ai_family == AF_INET6) &&
        a->ai_addrlen <= sizeof(out.addr)) {
      std::memcpy(&out.addr, a->ai_addr, a->ai_addrlen);
      out.len = a->ai_addrlen;
      break;
    }
  }
  freeaddrinfo(found);
  if (out.len == 0) return Unavailable("message server host '" + host + "' has no IP address");
  return out;
}

class MessageServerImpl final : public MessageServer {
 public:
  MessageServerImpl(MessageServerOptions options, MessageHandler handler, StreamFramer framer)
      : options_(std::move(options)),
        handler_(std::move(handler)),
        framer_(std::move(framer)),
        metrics_(internal::GetMessageMetrics()) {}
  ~MessageServerImpl() override { Shutdown(); }

  Status Start() override {
    std::lock_guard<std::mutex> lock(mu_);
    if (started_ || shut_down_) return FailedPrecondition("MessageServer::Start called twice");
    const int threads = options_.threads > 0
                            ? options_.threads
                            : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
    QUELL_ASSIGN_OR_RETURN(const BindAddress address, Resolve(options_.host));
    if (options_.enable_udp) {
      udp_ = std::make_unique<DatagramServer>(options_, handler_, metrics_);
      const BindAddress a = address.WithPort(options_.udp_port);
      if (Status s = udp_->Bind(a.get(), a.len); !s.ok()) return Abandon(std::move(s));
    }
    if (options_.enable_tcp) {
      tcp_ = StreamServer::Make(options_, handler_, framer_, metrics_);
      const BindAddress a = address.WithPort(options_.tcp_port);
      if (Status s = tcp_->Listen(a.get(), a.len, threads); !s.ok()) return Abandon(std::move(s));
    }
    if (udp_) {
      if (Status s = udp_->Start(threads); !s.ok()) return Abandon(std::move(s));
    }
    if (tcp_) {
      if (Status s = tcp_->Start(); !s.ok()) return Abandon(std::move(s));
    }
    started_ = true;
    udp_port_ = udp_ ? udp_->port() : 0;
    tcp_port_ = tcp_ ? tcp_->port() : 0;
    spdlog::info("message server: serving on {} (UDP port {}, TCP port {}) with {} thread(s) each",
                 options_.host, udp_port_.load(), tcp_port_.load(), threads);
    return Status::Ok();
  }

  uint16_t udp_port() const override { return udp_port_; }
  uint16_t tcp_port() const override { return tcp_port_; }

  void Shutdown() override {
    std::lock_guard<std::mutex> lock(mu_);
    if (shut_down_) return;
    shut_down_ = true;
    StopAll();
  }

 private:
  // A failed Start leaves nothing bound or running.
  Status Abandon(Status s) {
    StopAll();
    return s;
  }

  void StopAll() {
    if (udp_) udp_->Stop();
    if (tcp_) tcp_->Stop();
    udp_.reset();
    tcp_.reset();
  }

  const MessageServerOptions options_;
  const MessageHandler handler_;
  const StreamFramer framer_;
  internal::MessageMetrics& metrics_;
  std::mutex mu_;
  bool started_ = false;
  bool shut_down_ = false;
  std::atomic<uint16_t> udp_port_{0};
  std::atomic<uint16_t> tcp_port_{0};
  std::unique_ptr<DatagramServer> udp_;
  std::unique_ptr<StreamServer> tcp_;
};

}  // namespace

Result<std::unique_ptr<MessageServer>> MessageServer::Create(MessageServerOptions options,
                                                             MessageHandler handler,
                                                             StreamFramer framer) {
  if (!handler) return InvalidArgument("MessageServer needs a handler");
  if (!options.enable_udp && !options.enable_tcp) {
    return InvalidArgument("MessageServer needs UDP or TCP enabled (both are off)");
  }
  if (options.enable_tcp && !framer) {
    return InvalidArgument("MessageServer needs a stream framer when TCP is enabled");
  }
  if (options.host.empty()) return InvalidArgument("MessageServer host is empty");
  if (options.threads < 0) {
    return InvalidArgument("message server threads must be >= 0, got " +
                           std::to_string(options.threads));
  }
  if (options.max_message_bytes == 0 || options.max_message_bytes > kMaxMessageBytesLimit) {
    return InvalidArgument("message server max_message_bytes must be in [1, " +
                           std::to_string(kMaxMessageBytesLimit) + "], got " +
                           std::to_string(options.max_message_bytes));
  }
  if (options.tcp_idle_timeout.count() <= 0) {
    return InvalidArgument("message server tcp_idle_timeout must be positive");
  }
  if (options.max_tcp_connections == 0) {
    return InvalidArgument("message server max_tcp_connections must be positive");
  }
  if (options.udp_receive_buffer_bytes < 0) {
    return InvalidArgument("message server udp_receive_buffer_bytes must be >= 0");
  }
  return std::unique_ptr<MessageServer>(std::make_unique<MessageServerImpl>(
      std::move(options), std::move(handler), std::move(framer)));
}

}  // namespace quell::net
