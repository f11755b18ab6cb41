// The TCP side of MessageServer: I/O threads with an io_context and a listening
// socket each (SO_REUSEPORT when there are several), framing each connection's
// byte stream with the StreamFramer. Asio lives in stream_server.cc; this
// header stays Boost-free so message_server.cc does not compile Asio.
#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <memory>

#include "quell/core/status.h"
#include "quell/net/internal/message_common.h"
#include "quell/net/message_server.h"

namespace quell::net::internal {

class StreamServer {
 public:
  // Keeps references to all four; they must outlive the server.
  static std::unique_ptr<StreamServer> Make(const MessageServerOptions& options,
                                            const MessageHandler& handler,
                                            const StreamFramer& framer, MessageMetrics& metrics);
  virtual ~StreamServer() = default;  // Stop()

  // Opens `threads` listening sockets on `addr` (port 0 picks one).
  // Unavailable if the address cannot be bound. Call once.
  virtual Status Listen(const sockaddr* addr, socklen_t len, int threads) = 0;
  virtual uint16_t port() const = 0;
  // Starts the I/O threads. Internal if one cannot be started.
  virtual Status Start() = 0;
  // Closes the listeners and every connection, then joins the threads.
  // Idempotent. Not thread-safe: MessageServer serialises.
  virtual void Stop() = 0;
};

}  // namespace quell::net::internal
