// Internals of MessageServer shared by its UDP side (internal/datagram_server.cc),
// its TCP side (internal/stream_server.cc) and message_server.cc: metric
// handles, formatting socket addresses into fixed buffers, and the one error
// path around the handler. POSIX only, no Asio.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "quell/core/metrics.h"
#include "quell/net/message_server.h"

namespace quell::net::internal {

struct TransportMetrics {
  metrics::Counter received;
  metrics::Counter oversize;
  metrics::Counter framing;
  metrics::Counter handler_error;
  metrics::Counter send_failed;
};

struct MessageMetrics {
  TransportMetrics udp;
  TransportMetrics tcp;
  metrics::Gauge tcp_connections;
  metrics::Counter tcp_rejected;
};

// The process-wide series, looked up once.
MessageMetrics& GetMessageMetrics();

// An IP address as text in a fixed buffer, and its port: formatting one costs
// no allocation, and AddressText::Update skips the work when the address is
// the same as last time (the usual case: one carrier proxy sends everything).
class AddressText {
 public:
  // Formats an AF_INET or AF_INET6 address (IPv4-mapped IPv6 as IPv4); anything
  // else becomes "?".
  void Set(const sockaddr* addr, socklen_t len);
  // Set, unless `addr` is byte-for-byte what was set last.
  void Update(const sockaddr* addr, socklen_t len);

  std::string_view text() const { return {text_, size_}; }
  uint16_t port() const { return port_; }

 private:
  sockaddr_storage last_{};
  socklen_t last_len_ = 0;
  char text_[INET6_ADDRSTRLEN] = {'?'};
  uint8_t size_ = 1;
  uint16_t port_ = 0;
};

// "127.0.0.1:5060", "[::1]:5060" — for log lines and error messages.
std::string FormatEndpoint(const sockaddr* addr, socklen_t len);

// True at most once a second (process-wide): for log lines that a flood of bad
// input would otherwise repeat per message; the metrics count every one.
bool LogAllowed();

// Calls the handler; an exception escaping it is logged (with `ctx`'s peer, at
// most once a second) and counted, and leaves `reply` empty. Returns false then.
bool CallHandler(const MessageHandler& handler, std::string_view message, const MessageContext& ctx,
                 std::string& reply, TransportMetrics& metrics);

}  // namespace quell::net::internal
