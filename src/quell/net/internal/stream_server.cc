// TCP: one io_context per I/O thread, each with its own acceptor, so a
// connection lives on one thread and needs no locks. A connection is a chain of
// plain callbacks: read into its buffer, serve every complete message the
// framer finds, write all their replies in one write, read again. Not reading
// while a write is pending keeps replies in order and pushes back on a peer
// that does not read them. Idle deadlines are swept by one coarse timer per
// thread rather than a timer per read (as in http_server.cc).
#include "quell/net/internal/stream_server.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "quell/net/asio.h"

namespace quell::net::internal {
namespace {

using boost::system::error_code;
using Clock = std::chrono::steady_clock;

constexpr std::size_t kInitialBuffer = 4096;
// Reads are at least this large (the buffer grows when less is free).
constexpr std::size_t kMinRead = 1024;
// Buffers that grew past this for a burst or a large message are released
// once empty.
constexpr std::size_t kKeepCapacity = 64 << 10;

// What all connections of all threads share; read-only while serving but for
// the counters.
struct Shared {
  const MessageServerOptions& options;
  const MessageHandler& handler;
  const StreamFramer& framer;
  MessageMetrics& metrics;
  std::atomic<std::size_t> connections{0};
  std::atomic<uint64_t> next_id{1};
};

class StreamWorker;

class Connection final : public std::enable_shared_from_this<Connection> {
 public:
  Connection(StreamWorker& worker, tcp::socket socket);
  ~Connection();

  void Start();
  // Closes the socket now; pending operations then end and release the
  // connection. Idempotent.
  void Close();

  // Linked into the worker's list for the connection's whole life.
  Clock::time_point deadline = Clock::time_point::max();
  Connection* prev = nullptr;
  Connection* next = nullptr;

 private:
  void Read();
  void OnRead(const error_code& ec, std::size_t n);
  // Serves every complete message buffered. False when the connection must
  // close (after writing the replies already gathered).
  bool ServeBuffered(Clock::time_point read_at);
  Frame CallFramer(std::string_view buffered);
  void Serve(std::string_view message, Clock::time_point read_at);
  void Drop(metrics::Counter& counter, std::string_view why);
  void Compact();
  void Write();
  void OnWrite(const error_code& ec);

  StreamWorker& worker_;
  Shared& shared_;
  TransportMetrics& metrics_;
  tcp::socket socket_;
  bool closed_ = false;
  bool close_after_write_ = false;
  // Unconsumed input is in_[begin_, end_); in_.size() is the buffer's capacity.
  std::string in_;
  std::size_t begin_ = 0;
  std::size_t end_ = 0;
  std::string out_;    // replies not yet written
  std::string reply_;  // the handler's
  AddressText peer_;
  AddressText local_;
  MessageContext ctx_;
};

// One I/O thread. All methods but the constructor, Listen, local_port and ioc
// run on the worker's thread.
class StreamWorker {
 public:
  explicit StreamWorker(Shared& shared)
      : shared_(shared), ioc_(1), acceptor_(ioc_), sweep_timer_(ioc_), retry_timer_(ioc_) {
    tick_ = std::clamp<Clock::duration>(shared.options.tcp_idle_timeout / 8,
                                        std::chrono::milliseconds(5), std::chrono::seconds(1));
  }

  Shared& shared() { return shared_; }
  asio::io_context& ioc() { return ioc_; }

  Status Listen(const tcp::endpoint& endpoint, bool reuse_port) {
    error_code ec;
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec && reuse_port) {
      acceptor_.set_option(asio::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>(true),
                           ec);
    }
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) return Unavailable(ec.message());
    return Status::Ok();
  }

  uint16_t local_port() const {
    error_code ec;
    return acceptor_.local_endpoint(ec).port();
  }

  void Run() {
    Accept();
    ArmSweep();
    for (;;) {
      try {
        ioc_.run();
        break;
      } catch (const std::exception& e) {
        spdlog::error("message server: TCP I/O thread caught: {}", e.what());
      }
    }
  }

  void Stop() {
    stopping_ = true;
    error_code ec;
    acceptor_.close(ec);
    sweep_timer_.cancel();
    retry_timer_.cancel();
    for (Connection* c = head_; c != nullptr; c = c->next) c->Close();
  }

  void Add(Connection* c) {
    c->next = head_;
    if (head_ != nullptr) head_->prev = c;
    head_ = c;
  }

  void Remove(Connection* c) {
    if (c->prev != nullptr) c->prev->next = c->next;
    if (c->next != nullptr) c->next->prev = c->prev;
    if (head_ == c) head_ = c->next;
  }

 private:
  void Accept() {
    acceptor_.async_accept(
        [this](const error_code& ec, tcp::socket socket) { OnAccept(ec, std::move(socket)); });
  }

  void OnAccept(const error_code& ec, tcp::socket socket) {
    if (stopping_ || ec == asio::error::operation_aborted) return;
    if (ec) {
      // Typically EMFILE: back off instead of spinning on the failing accept.
      if (LogAllowed()) spdlog::warn("message server: TCP accept failed: {}", ec.message());
      retry_timer_.expires_after(std::chrono::milliseconds(50));
      retry_timer_.async_wait([this](const error_code& e) {
        if (!e && !stopping_) Accept();
      });
      return;
    }
    Accept();  // first, so that a failure below never stops this worker accepting
    if (shared_.connections.load(std::memory_order_relaxed) >=
        shared_.options.max_tcp_connections) {
      // Closing at once tells the peer more than leaving it in the backlog.
      shared_.metrics.tcp_rejected.Inc();
      if (LogAllowed()) {
        spdlog::warn(
            "message server: TCP connection refused: already {} open (max_tcp_connections)",
            shared_.options.max_tcp_connections);
      }
      error_code ignored;
      socket.close(ignored);
      return;
    }
    try {
      std::make_shared<Connection>(*this, std::move(socket))->Start();
    } catch (const std::exception& e) {
      spdlog::error("message server: cannot start a TCP connection: {}", e.what());
    }
  }

  void ArmSweep() {
    sweep_timer_.expires_after(tick_);
    sweep_timer_.async_wait([this](const error_code&) { Sweep(); });
  }

  void Sweep() {
    if (stopping_) return;
    const auto now = Clock::now();
    for (Connection* c = head_; c != nullptr; c = c->next) {
      if (c->deadline <= now) c->Close();
    }
    ArmSweep();
  }

  Shared& shared_;
  Clock::duration tick_{};
  bool stopping_ = false;
  Connection* head_ = nullptr;
  // Declared after the list: destroying the io_context destroys pending
  // handlers, hence connections, which unlink themselves from it.
  asio::io_context ioc_;
  tcp::acceptor acceptor_;
  asio::steady_timer sweep_timer_;
  asio::steady_timer retry_timer_;
};

Connection::Connection(StreamWorker& worker, tcp::socket socket)
    : worker_(worker),
      shared_(worker.shared()),
      metrics_(shared_.metrics.tcp),
      socket_(std::move(socket)) {
  worker_.Add(this);
  shared_.connections.fetch_add(1, std::memory_order_relaxed);
  shared_.metrics.tcp_connections.Inc();
  error_code ec;
  socket_.set_option(tcp::no_delay(true), ec);
  const tcp::endpoint remote = socket_.remote_endpoint(ec);
  if (!ec) peer_.Set(remote.data(), static_cast<socklen_t>(remote.size()));
  const tcp::endpoint local = socket_.local_endpoint(ec);
  if (!ec) local_.Set(local.data(), static_cast<socklen_t>(local.size()));
  ctx_.transport = Transport::kTcp;
  ctx_.peer_address = peer_.text();
  ctx_.peer_port = peer_.port();
  ctx_.local_address = local_.text();
  ctx_.local_port = local_.port();
  ctx_.connection_id = shared_.next_id.fetch_add(1, std::memory_order_relaxed);
}

Connection::~Connection() {
  worker_.Remove(this);
  shared_.connections.fetch_sub(1, std::memory_order_relaxed);
  shared_.metrics.tcp_connections.Dec();
}

void Connection::Start() {
  in_.resize(kInitialBuffer);
  deadline = Clock::now() + shared_.options.tcp_idle_timeout;
  Read();
}

void Connection::Close() {
  if (closed_) return;
  closed_ = true;
  deadline = Clock::time_point::max();
  error_code ec;
  socket_.shutdown(tcp::socket::shutdown_both, ec);
  socket_.close(ec);
}

void Connection::Read() {
  // Room for the largest message plus a read's worth: a message of exactly
  // max_message_bytes still fits, and more than that unframed is an error.
  const std::size_t limit = shared_.options.max_message_bytes + kMinRead;
  if (in_.size() - end_ < kMinRead && in_.size() < limit) {
    in_.resize(std::min(in_.size() * 2, limit));
  }
  socket_.async_read_some(
      asio::buffer(in_.data() + end_, in_.size() - end_),
      [self = shared_from_this()](const error_code& ec, std::size_t n) { self->OnRead(ec, n); });
}

void Connection::OnRead(const error_code& ec, std::size_t n) {
  if (closed_) return;
  if (ec) return Close();  // the peer closed or reset; nothing to answer
  end_ += n;
  const auto now = Clock::now();
  deadline = now + shared_.options.tcp_idle_timeout;
  const bool keep = ServeBuffered(now);
  if (!out_.empty()) {
    close_after_write_ = !keep;
    return Write();
  }
  if (!keep) return Close();
  Read();
}

bool Connection::ServeBuffered(Clock::time_point read_at) {
  const std::size_t max = shared_.options.max_message_bytes;
  bool keep = true;
  while (begin_ < end_) {
    const std::string_view buffered(in_.data() + begin_, end_ - begin_);
    const Frame frame = CallFramer(buffered);
    if (frame.kind == Frame::kNeedMore) {
      if (buffered.size() > max) {
        metrics_.received.Inc();
        Drop(metrics_.oversize, "unframed bytes exceed max_message_bytes");
        keep = false;
      }
      break;
    }
    if (frame.kind == Frame::kError) {
      metrics_.received.Inc();
      Drop(metrics_.framing, frame.reason.empty() ? "framing error" : frame.reason);
      keep = false;
      break;
    }
    if ((frame.kind != Frame::kMessage && frame.kind != Frame::kSkip) || frame.length == 0 ||
        frame.length > buffered.size()) {
      metrics_.received.Inc();
      Drop(metrics_.framing, "the framer returned an invalid frame");
      keep = false;
      break;
    }
    begin_ += frame.length;
    if (frame.kind == Frame::kSkip) {
      out_.append(frame.reply);
      continue;
    }
    metrics_.received.Inc();
    if (frame.length > max) {
      Drop(metrics_.oversize, "message exceeds max_message_bytes");
      keep = false;
      break;
    }
    Serve(buffered.substr(0, frame.length), read_at);
  }
  Compact();
  return keep;
}

Frame Connection::CallFramer(std::string_view buffered) {
  try {
    return shared_.framer(buffered);
  } catch (const std::exception& e) {
    if (LogAllowed()) spdlog::error("message server: TCP framer threw: {}", e.what());
  } catch (...) {
    if (LogAllowed()) spdlog::error("message server: TCP framer threw a non-exception");
  }
  return Frame::Error("the framer threw");
}

void Connection::Serve(std::string_view message, Clock::time_point read_at) {
  ctx_.queued_for = std::max<Clock::duration>(Clock::duration::zero(), Clock::now() - read_at);
  reply_.clear();
  CallHandler(shared_.handler, message, ctx_, reply_, metrics_);
  if (reply_.empty()) return;
  if (out_.empty()) {
    out_.swap(reply_);  // the usual case, one message per read: no copy
  } else {
    out_.append(reply_);
  }
}

void Connection::Drop(metrics::Counter& counter, std::string_view why) {
  counter.Inc();
  spdlog::debug("message server: closing TCP connection {} from {}:{}: {}", ctx_.connection_id,
                ctx_.peer_address, ctx_.peer_port, why);
}

void Connection::Compact() {
  if (begin_ == end_) {
    begin_ = end_ = 0;
    if (in_.size() > kKeepCapacity) std::string(kInitialBuffer, '\0').swap(in_);
  } else if (begin_ > 0) {
    std::memmove(in_.data(), in_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
}

void Connection::Write() {
  asio::async_write(
      socket_, asio::buffer(out_),
      [self = shared_from_this()](const error_code& ec, std::size_t) { self->OnWrite(ec); });
}

void Connection::OnWrite(const error_code& ec) {
  if (closed_) return;
  if (ec) {
    metrics_.send_failed.Inc();
    return Close();
  }
  if (out_.capacity() > kKeepCapacity) {
    std::string().swap(out_);
  } else {
    out_.clear();
  }
  if (close_after_write_) return Close();
  // A peer that stops reading our replies stalls the write; the deadline set
  // at the last read then closes it.
  deadline = Clock::now() + shared_.options.tcp_idle_timeout;
  Read();
}

class StreamServerImpl final : public StreamServer {
 public:
  StreamServerImpl(const MessageServerOptions& options, const MessageHandler& handler,
                   const StreamFramer& framer, MessageMetrics& metrics)
      : shared_{options, handler, framer, metrics} {}
  ~StreamServerImpl() override { Stop(); }

  Status Listen(const sockaddr* addr, socklen_t len, int threads) override {
    tcp::endpoint endpoint;
    std::memcpy(endpoint.data(), addr, len);
    endpoint.resize(len);
    const std::string where = "TCP " + FormatEndpoint(addr, len);
    // SO_REUSEPORT would let us join another process's listener on the same
    // port silently; a plain bind first proves the port is free (and picks one
    // for port 0). It stays bound until the listeners are.
    asio::io_context probe_ioc;
    tcp::acceptor probe(probe_ioc);
    if (threads > 1) {
      error_code ec;
      probe.open(endpoint.protocol(), ec);
      if (!ec) probe.set_option(asio::socket_base::reuse_address(true), ec);
      if (!ec) probe.bind(endpoint, ec);
      if (ec) return Unavailable("cannot listen on " + where + ": " + ec.message());
      endpoint.port(probe.local_endpoint(ec).port());
    }
    for (int i = 0; i < threads; ++i) workers_.push_back(std::make_unique<StreamWorker>(shared_));
    for (auto& w : workers_) {
      if (Status s = w->Listen(endpoint, threads > 1); !s.ok()) {
        workers_.clear();
        return Unavailable("cannot listen on " + where + ": " + s.message());
      }
      endpoint.port(w->local_port());
    }
    port_ = endpoint.port();
    return Status::Ok();
  }

  uint16_t port() const override { return port_; }

  Status Start() override {
    try {
      for (auto& w : workers_) threads_.emplace_back([worker = w.get()] { worker->Run(); });
    } catch (const std::system_error& e) {
      Stop();
      return Internal(std::string("cannot start TCP I/O threads: ") + e.what());
    }
    return Status::Ok();
  }

  void Stop() override {
    for (auto& w : workers_) asio::post(w->ioc(), [worker = w.get()] { worker->Stop(); });
    for (auto& t : threads_) t.join();
    threads_.clear();
    workers_.clear();
  }

 private:
  Shared shared_;
  uint16_t port_ = 0;
  std::vector<std::unique_ptr<StreamWorker>> workers_;
  std::vector<std::thread> threads_;
};

}  // namespace

std::unique_ptr<StreamServer> StreamServer::Make(const MessageServerOptions& options,
                                                 const MessageHandler& handler,
                                                 const StreamFramer& framer,
                                                 MessageMetrics& metrics) {
  return std::make_unique<StreamServerImpl>(options, handler, framer, metrics);
}

}  // namespace quell::net::internal
