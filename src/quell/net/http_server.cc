// HttpServer: options, TLS and access-log set-up, the I/O threads and their
// acceptors, and shutdown. A connection's life is in internal/http_connection.cc.
#include "quell/net/http_server.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

#include "quell/net/asio.h"
#include "quell/net/internal/http_worker.h"

namespace quell::net {
namespace internal {

using boost::system::error_code;

HttpMetrics& GetHttpMetrics() {
  static HttpMetrics* m = [] {
    auto counter = [](const char* code) {
      return metrics::GetCounter("quell_http_requests_total", "HTTP requests answered",
                                 {{"code", code}});
    };
    return new HttpMetrics{
        {counter("1xx"), counter("2xx"), counter("3xx"), counter("4xx"), counter("5xx")},
        metrics::GetHistogram("quell_http_request_duration_seconds",
                              "HTTP request latency, first request byte to response written",
                              {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                               0.1, 0.25, 0.5, 1, 2.5, 5, 10}),
        metrics::GetGauge("quell_http_connections", "Open HTTP connections")};
  }();
  return *m;
}

Worker::Worker(ServerContext& ctx)
    : ctx_(ctx), ioc_(1), acceptor_(ioc_), sweep_timer_(ioc_), retry_timer_(ioc_) {
  const auto shortest = std::min(ctx.options.request_timeout, ctx.options.idle_timeout);
  tick_ = std::clamp<Clock::duration>(shortest / 8, std::chrono::milliseconds(5),
                                      std::chrono::milliseconds(250));
}

// Connections still queued in the io_context (only after a forced stop) are
// destroyed with it, after the timers: Remove must not touch them then.
Worker::~Worker() { destroying_ = true; }

Status Worker::Listen(const tcp::endpoint& endpoint, bool reuse_port) {
  error_code ec;
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec && reuse_port) {
    acceptor_.set_option(asio::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>(true), ec);
  }
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return Unavailable(ec.message());
  return Status::Ok();
}

uint16_t Worker::local_port() const {
  error_code ec;
  return acceptor_.local_endpoint(ec).port();
}

void Worker::Run() {
  Accept();
  ArmSweep();
  for (;;) {
    try {
      ioc_.run();
      break;
    } catch (const std::exception& e) {
      spdlog::error("http: I/O thread caught: {}", e.what());
    }
  }
  FlushAccessLog();
  done_.set_value();
}

void Worker::BeginStop() {
  stopping_ = true;
  error_code ec;
  acceptor_.close(ec);
  retry_timer_.cancel();
  for (ConnectionBase* c = head_; c != nullptr;) {
    ConnectionBase* next = c->next;
    c->OnStop();
    c = next;
  }
  if (head_ == nullptr) sweep_timer_.cancel();
}

void Worker::ForceStop() {
  BeginStop();
  for (ConnectionBase* c = head_; c != nullptr; c = c->next) c->Close();
  sweep_timer_.cancel();
}

void Worker::Add(ConnectionBase* c) {
  c->next = head_;
  if (head_ != nullptr) head_->prev = c;
  head_ = c;
  ctx_.metrics->connections.Inc();
}

void Worker::Remove(ConnectionBase* c) {
  if (c->prev != nullptr) c->prev->next = c->next;
  if (c->next != nullptr) c->next->prev = c->prev;
  if (head_ == c) head_ = c->next;
  ctx_.metrics->connections.Dec();
  if (stopping_ && head_ == nullptr && !destroying_) sweep_timer_.cancel();
}

void Worker::FlushAccessLog() {
  if (log_batch_.empty() || ctx_.access_log_fd < 0) return;
  // Whole lines in one write: O_APPEND keeps the threads' batches apart.
  std::string_view rest = log_batch_;
  while (!rest.empty()) {
    const ssize_t n = ::write(ctx_.access_log_fd, rest.data(), rest.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const auto lines = static_cast<uint64_t>(std::count(rest.begin(), rest.end(), '\n'));
      if (ctx_.access_log_lost.fetch_add(lines) == 0) {
        spdlog::warn("http: cannot write the access log: {} (lines are dropped until it works)",
                     std::strerror(errno));
      }
      break;
    }
    rest.remove_prefix(static_cast<std::size_t>(n));
  }
  log_batch_.clear();
}

void Worker::Accept() {
  acceptor_.async_accept(
      [this](const error_code& ec, tcp::socket socket) { OnAccept(ec, std::move(socket)); });
}

void Worker::OnAccept(const error_code& ec, tcp::socket socket) {
  if (stopping_ || ec == asio::error::operation_aborted) return;
  if (ec) {
    // Typically EMFILE: back off instead of spinning on the failing accept.
    spdlog::warn("http: accept failed: {}", ec.message());
    retry_timer_.expires_after(std::chrono::milliseconds(50));
    retry_timer_.async_wait([this](const error_code& e) {
      if (!e && !stopping_) Accept();
    });
    return;
  }
  Accept();  // first, so that a failure below never stops this worker accepting
  try {
    StartConnection(*this, std::move(socket));
  } catch (const std::exception& e) {
    spdlog::error("http: cannot start a connection: {}", e.what());
  }
}

void Worker::ArmSweep() {
  sweep_timer_.expires_after(tick_);
  sweep_timer_.async_wait([this](const error_code&) { Sweep(); });
}

void Worker::Sweep() {
  if (stopping_ && head_ == nullptr) return;
  const auto now = Clock::now();
  for (ConnectionBase* c = head_; c != nullptr;) {
    ConnectionBase* next = c->next;
    if (c->deadline <= now) {
      c->deadline = Clock::time_point::max();
      c->OnDeadline();
    }
    c = next;
  }
  FlushAccessLog();
  ArmSweep();
}

}  // namespace internal

namespace {

using boost::system::error_code;
using internal::Clock;
using internal::GetHttpMetrics;
using internal::ServerContext;
using internal::Worker;

Result<tcp::endpoint> ResolveEndpoint(const std::string& host, uint16_t port) {
  error_code ec;
  const auto address = asio::ip::make_address(host, ec);
  if (!ec) return tcp::endpoint(address, port);
  asio::io_context ioc;
  tcp::resolver resolver(ioc);
  const auto results = resolver.resolve(host, std::to_string(port), ec);
  if (ec || results.empty()) {
    return Unavailable("cannot resolve HTTP listen host '" + host + "': " + ec.message());
  }
  return results.begin()->endpoint();
}

Result<std::unique_ptr<asio::ssl::context>> LoadTls(const HttpServerOptions& o) {
  std::unique_ptr<asio::ssl::context> tls;
  try {
    tls = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
  } catch (const std::exception& e) {
    return Internal(std::string("cannot create TLS context: ") + e.what());
  }
  tls->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                   asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                   asio::ssl::context::no_tlsv1_1 | asio::ssl::context::no_compression |
                   asio::ssl::context::single_dh_use);
  error_code ec;
  tls->use_certificate_chain_file(o.tls_cert_file, ec);
  if (ec) {
    return InvalidArgument("tls_cert_file '" + o.tls_cert_file +
                           "': cannot load PEM certificate chain: " + ec.message());
  }
  tls->use_private_key_file(o.tls_key_file, asio::ssl::context::pem, ec);
  if (ec) {
    return InvalidArgument("tls_key_file '" + o.tls_key_file +
                           "': cannot load PEM private key: " + ec.message());
  }
  if (SSL_CTX_check_private_key(tls->native_handle()) != 1) {
    return InvalidArgument("tls_key_file '" + o.tls_key_file +
                           "' does not match the certificate in tls_cert_file '" + o.tls_cert_file +
                           "'");
  }
  return tls;
}

Status OpenAccessLog(ServerContext& ctx) {
  const std::string& path = ctx.options.access_log_path;
  ctx.access_log_fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
  if (ctx.access_log_fd < 0) {
    return InvalidArgument("access_log_path '" + path + "': cannot open: " + std::strerror(errno));
  }
  return Status::Ok();
}

class HttpServerImpl final : public HttpServer {
 public:
  HttpServerImpl(HttpServerOptions options, HttpHandler handler) {
    ctx_.options = std::move(options);
    ctx_.handler = std::move(handler);
    ctx_.metrics = &GetHttpMetrics();
    ctx_.linger = std::min<Clock::duration>(ctx_.options.request_timeout, std::chrono::seconds(2));
  }
  ~HttpServerImpl() override {
    Shutdown(std::chrono::milliseconds(0));
    if (ctx_.access_log_fd >= 0) ::close(ctx_.access_log_fd);  // a Start that failed
  }

  Status Start() override {
    std::lock_guard<std::mutex> lock(mu_);
    if (started_ || shut_down_) return FailedPrecondition("HttpServer::Start called twice");
    const HttpServerOptions& o = ctx_.options;
    QUELL_ASSIGN_OR_RETURN(tcp::endpoint endpoint, ResolveEndpoint(o.host, o.port));
    if (o.tls_cert_file.empty() != o.tls_key_file.empty()) {
      return InvalidArgument("HTTPS needs both tls_cert_file and tls_key_file");
    }
    if (!o.tls_cert_file.empty()) {
      QUELL_ASSIGN_OR_RETURN(ctx_.tls, LoadTls(o));
    }
    if (!o.access_log_path.empty()) QUELL_RETURN_IF_ERROR(OpenAccessLog(ctx_));

    const int threads = o.threads > 0
                            ? o.threads
                            : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
    const std::string where = o.host + ":" + std::to_string(o.port);
    if (threads > 1) {
      // SO_REUSEPORT would let us join another process's listener on the same
      // port silently; a plain bind first proves the port is free (and picks one
      // for port 0).
      asio::io_context probe_ioc;
      tcp::acceptor probe(probe_ioc);
      error_code ec;
      probe.open(endpoint.protocol(), ec);
      if (!ec) probe.set_option(asio::socket_base::reuse_address(true), ec);
      if (!ec) probe.bind(endpoint, ec);
      if (ec) return Unavailable("cannot listen on " + where + ": " + ec.message());
      endpoint.port(probe.local_endpoint(ec).port());
    }
    for (int i = 0; i < threads; ++i) {
      workers_.push_back(std::make_unique<Worker>(ctx_));
    }
    for (auto& w : workers_) {
      if (Status s = w->Listen(endpoint, threads > 1); !s.ok()) {
        workers_.clear();
        return Unavailable("cannot listen on " + where + ": " + s.message());
      }
      endpoint.port(w->local_port());
    }
    port_ = endpoint.port();
    started_ = true;
    try {
      for (auto& w : workers_) {
        done_.push_back(w->done());
        threads_.emplace_back([worker = w.get()] { worker->Run(); });
      }
    } catch (const std::system_error& e) {
      workers_.resize(threads_.size());
      done_.resize(threads_.size());
      ShutdownLocked(std::chrono::milliseconds(0));
      return Internal(std::string("cannot start HTTP I/O threads: ") + e.what());
    }
    return Status::Ok();
  }

  uint16_t port() const override { return port_; }

  void Shutdown(std::chrono::milliseconds grace) override {
    std::lock_guard<std::mutex> lock(mu_);
    ShutdownLocked(grace);
  }

 private:
  void ShutdownLocked(std::chrono::milliseconds grace) {
    if (shut_down_) return;
    shut_down_ = true;
    if (!started_) return;
    const auto deadline = Clock::now() + grace;
    ctx_.stopping = true;
    for (auto& w : workers_) asio::post(w->ioc(), [worker = w.get()] { worker->BeginStop(); });
    bool all_done = true;
    for (auto& f : done_) {
      all_done = f.wait_until(deadline) == std::future_status::ready && all_done;
    }
    if (!all_done) {
      for (auto& w : workers_) asio::post(w->ioc(), [worker = w.get()] { worker->ForceStop(); });
      for (std::size_t i = 0; i < workers_.size(); ++i) {
        if (done_[i].wait_for(std::chrono::seconds(1)) != std::future_status::ready) {
          workers_[i]->ioc().stop();
        }
      }
    }
    for (auto& t : threads_) t.join();  // each wrote its last lines on the way out
    if (ctx_.access_log_fd >= 0) {
      ::close(ctx_.access_log_fd);
      ctx_.access_log_fd = -1;
    }
  }

  ServerContext ctx_;
  std::mutex mu_;
  bool started_ = false;
  bool shut_down_ = false;
  std::atomic<uint16_t> port_{0};
  std::vector<std::unique_ptr<Worker>> workers_;
  std::vector<std::future<void>> done_;
  std::vector<std::thread> threads_;
};

}  // namespace

Result<std::unique_ptr<HttpServer>> HttpServer::Create(HttpServerOptions options,
                                                       HttpHandler handler) {
  if (!handler) return InvalidArgument("HttpServer needs a handler");
  if (options.threads < 0) {
    return InvalidArgument("http threads must be >= 0, got " + std::to_string(options.threads));
  }
  if (options.max_body_bytes == 0 || options.max_header_bytes == 0) {
    return InvalidArgument("http max_body_bytes and max_header_bytes must be positive");
  }
  if (options.request_timeout.count() <= 0 || options.idle_timeout.count() <= 0) {
    return InvalidArgument("http request_timeout and idle_timeout must be positive");
  }
  return std::unique_ptr<HttpServer>(
      std::make_unique<HttpServerImpl>(std::move(options), std::move(handler)));
}

}  // namespace quell::net
