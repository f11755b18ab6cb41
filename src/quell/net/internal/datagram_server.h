// The UDP side of MessageServer: one bound socket read by several threads with
// blocking recvmmsg, replies sent with sendmmsg. Plain POSIX sockets: a
// dedicated thread blocked in one syscall per batch is cheaper than an event
// loop, and Asio has no recvmmsg.
#pragma once

#include <sys/socket.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "quell/core/status.h"
#include "quell/net/internal/message_common.h"
#include "quell/net/message_server.h"

namespace quell::net::internal {

class DatagramWorker;

class DatagramServer {
 public:
  // Keeps references to all three; they must outlive the server.
  DatagramServer(const MessageServerOptions& options, const MessageHandler& handler,
                 MessageMetrics& metrics);
  ~DatagramServer();  // Stop()
  DatagramServer(const DatagramServer&) = delete;
  DatagramServer& operator=(const DatagramServer&) = delete;

  // Creates the socket and binds it to `addr` (its port taken as is; 0 picks
  // one). Unavailable if that fails. Call once.
  Status Bind(const sockaddr* addr, socklen_t len);
  uint16_t port() const { return port_; }

  // Starts `threads` receive threads. Internal if a thread cannot be started
  // (those started are stopped again).
  Status Start(int threads);

  // Wakes and joins the threads (each after finishing its current batch) and
  // closes the socket. Idempotent. Not thread-safe: MessageServer serialises.
  void Stop();

 private:
  const MessageServerOptions& options_;
  const MessageHandler& handler_;
  MessageMetrics& metrics_;
  int fd_ = -1;
  uint16_t port_ = 0;
  int family_ = AF_INET;
  bool wildcard_ = false;      // bound to 0.0.0.0 / ::, so replies need IP(V6)_PKTINFO
  AddressText bound_address_;  // the local address when not a wildcard
  std::atomic<bool> stopping_{false};
  std::vector<std::unique_ptr<DatagramWorker>> workers_;
  std::vector<std::thread> threads_;

  friend class DatagramWorker;
};

}  // namespace quell::net::internal
