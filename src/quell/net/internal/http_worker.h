// Internals of HttpServer shared by http_server.cc (threads, acceptors, shutdown)
// and internal/http_connection.cc (one client connection). Included only by
// those two net/ sources: it pulls in Asio through quell/net/asio.h.
//
// Shape: one io_context per I/O thread, each with its own acceptor (SO_REUSEPORT
// when there are several), so a connection lives on one thread for its whole
// life and needs no locks. Timeouts are deadlines on the connections, swept by
// one coarse timer per thread instead of a timer operation per read.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <string>

#include "quell/core/metrics.h"
#include "quell/net/asio.h"
#include "quell/net/http_server.h"

namespace quell::net::internal {

using Clock = std::chrono::steady_clock;

struct HttpMetrics {
  std::array<metrics::Counter, 5> requests;  // by status class, 1xx..5xx
  metrics::Histogram duration;
  metrics::Gauge connections;

  void Count(int status, Clock::duration elapsed) {
    const int cls = status / 100;
    requests[(cls >= 1 && cls <= 5) ? cls - 1 : 4].Inc();
    duration.Observe(std::chrono::duration<double>(elapsed).count());
  }
};

// The process-wide series, looked up once.
HttpMetrics& GetHttpMetrics();

// What the connections of all threads share; immutable while serving except
// `stopping`.
struct ServerContext {
  HttpServerOptions options;
  HttpHandler handler;
  std::unique_ptr<asio::ssl::context> tls;  // null: plain HTTP
  // The access log, opened O_APPEND: each I/O thread writes its own batches of
  // whole lines with one write(2) (as nginx's buffered log does), so no other
  // thread wakes per batch. -1: no access log.
  int access_log_fd = -1;
  std::atomic<uint64_t> access_log_lost{0};  // lines a failed write dropped
  HttpMetrics* metrics = nullptr;
  Clock::duration linger{};  // how long to drain a client before closing
  // Set by Shutdown() before it wakes the workers, so a response being built
  // right now already says Connection: close.
  std::atomic<bool> stopping{false};
};

// What the sweep and shutdown see of a connection. Linked into its worker's list
// for its whole life; touched only on the worker's thread. Never destroyed
// synchronously by these calls: pending operations own the connection.
class ConnectionBase {
 public:
  virtual ~ConnectionBase() = default;
  virtual void OnDeadline() = 0;  // `deadline` passed
  virtual void OnStop() = 0;      // graceful shutdown began: close if idle
  virtual void Close() = 0;       // force-close now

  Clock::time_point deadline = Clock::time_point::max();
  ConnectionBase* prev = nullptr;
  ConnectionBase* next = nullptr;
};

// One I/O thread: its io_context, acceptor, connections and sweep timer. All
// methods but the constructor, Listen, local_port, done and ioc run on the
// worker's own thread (Shutdown posts BeginStop/ForceStop to it).
class Worker {
 public:
  explicit Worker(ServerContext& ctx);
  ~Worker();

  ServerContext& ctx() { return ctx_; }
  asio::io_context& ioc() { return ioc_; }
  bool stopping() const { return stopping_; }
  std::future<void> done() { return done_.get_future(); }  // call once

  Status Listen(const tcp::endpoint& endpoint, bool reuse_port);
  uint16_t local_port() const;

  // The thread body: accepts and serves until stopped and out of connections.
  void Run();
  void BeginStop();
  void ForceStop();

  void Add(ConnectionBase* c);
  void Remove(ConnectionBase* c);

  // Access-log lines of this thread not yet written, each ending in '\n'.
  // FlushAccessLog writes them; the sweep does so every tick, Record when they
  // reach 64 KiB.
  std::string& access_log_batch() { return log_batch_; }
  void FlushAccessLog();

 private:
  void Accept();
  void OnAccept(const boost::system::error_code& ec, tcp::socket socket);
  void ArmSweep();
  void Sweep();

  ServerContext& ctx_;
  Clock::duration tick_{};
  bool stopping_ = false;
  bool destroying_ = false;  // the timers are gone; connections may still unlink
  ConnectionBase* head_ = nullptr;
  std::string log_batch_;
  std::promise<void> done_;
  // Declared after the list: destroying the io_context destroys pending
  // handlers, hence connections, which unlink themselves from it.
  asio::io_context ioc_;
  tcp::acceptor acceptor_;
  asio::steady_timer sweep_timer_;
  asio::steady_timer retry_timer_;
};

// Takes over an accepted socket (TLS if the context has it) and serves it on
// `worker`'s thread until it closes. Call on that thread.
void StartConnection(Worker& worker, tcp::socket socket);

}  // namespace quell::net::internal
