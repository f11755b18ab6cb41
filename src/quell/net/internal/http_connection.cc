// One client connection as a chain of plain callbacks (cheaper than coroutines
// on Boost 1.74). The request is parsed by a basic_parser subclass straight
// into a per-connection HttpRequest whose strings keep their capacity across
// requests; the response head is serialised into a reused string and written
// with the body in one gather write.
#include <spdlog/spdlog.h>

#include <optional>
#include <string>

#include "quell/net/asio.h"
#include "quell/net/internal/http_worker.h"
#include "quell/net/internal/wire.h"

namespace quell::net::internal {
namespace {

namespace http = beast::http;
using boost::system::error_code;
using TlsStream = beast::ssl_stream<tcp::socket>;

constexpr std::size_t kReadChunk = 8192;
// Buffers that grew past this for one large request are released afterwards.
constexpr std::size_t kKeepCapacity = 64 << 10;
// Access-log lines go to the async logger in batches of about this size: one
// queue hand-off (and logger-thread wake-up) per line cost more than the rest
// of the request.
constexpr std::size_t kAccessLogBatchBytes = 64 << 10;

// Parses one request into a caller-owned HttpRequest without Beast's field
// container (which allocates per field). Header strings are assigned into the
// existing vector elements so a client repeating the same headers costs no
// allocation.
class RequestParser final : public http::basic_parser<true> {
 public:
  explicit RequestParser(HttpRequest& req) : req_(req) {}

  int version() const { return version_; }
  bool is_head() const { return head_; }
  bool expect_continue() const { return expect_continue_; }

 private:
  void on_request_impl(http::verb verb, beast::string_view method, beast::string_view target,
                       int version, error_code&) override {
    req_.method.assign(method.data(), method.size());
    req_.target.assign(target.data(), target.size());
    version_ = version;
    head_ = verb == http::verb::head;
  }
  void on_response_impl(int, beast::string_view, int, error_code&) override {}
  void on_field_impl(http::field name, beast::string_view name_string, beast::string_view value,
                     error_code&) override {
    auto& headers = req_.headers;
    if (count_ == headers.size()) headers.emplace_back();
    auto& [k, v] = headers[count_++];
    k.assign(name_string.data(), name_string.size());
    for (char& c : k) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
    }
    v.assign(value.data(), value.size());
    if (name == http::field::expect && beast::iequals(value, "100-continue") && version_ >= 11) {
      expect_continue_ = true;
    }
  }
  void on_header_impl(error_code&) override { req_.headers.resize(count_); }
  void on_body_init_impl(const boost::optional<std::uint64_t>& length, error_code&) override {
    // Beast has already checked the length against body_limit; reserve no more
    // than a little anyway, so idle clients announcing big bodies cost nothing.
    if (length) req_.body.reserve(static_cast<std::size_t>(std::min<uint64_t>(*length, 64 << 10)));
  }
  std::size_t on_body_impl(beast::string_view body, error_code&) override {
    req_.body.append(body.data(), body.size());
    return body.size();
  }
  void on_chunk_header_impl(std::uint64_t, beast::string_view, error_code&) override {}
  std::size_t on_chunk_body_impl(std::uint64_t, beast::string_view body, error_code&) override {
    req_.body.append(body.data(), body.size());
    return body.size();
  }
  void on_finish_impl(error_code&) override {}

  HttpRequest& req_;
  std::size_t count_ = 0;
  int version_ = 11;
  bool head_ = false;
  bool expect_continue_ = false;
};

template <class Stream>
class Connection final : public ConnectionBase,
                         public std::enable_shared_from_this<Connection<Stream>> {
  static constexpr bool kTls = !std::is_same_v<Stream, tcp::socket>;

 public:
  template <class... StreamArgs>
  Connection(Worker& worker, std::string remote, StreamArgs&&... args)
      : worker_(worker),
        ctx_(worker.ctx()),
        remote_(std::move(remote)),
        stream_(std::forward<StreamArgs>(args)...) {
    worker_.Add(this);
  }
  ~Connection() override { worker_.Remove(this); }

  void Start() {
    if constexpr (kTls) {
      state_ = State::kHandshake;
      deadline = Clock::now() + ctx_.options.request_timeout;
      stream_.async_handshake(asio::ssl::stream_base::server,
                              [self = this->shared_from_this()](const error_code& ec) {
                                if (self->state_ == State::kClosed) return;
                                if (ec) return self->Close();
                                self->BeginRequest();
                              });
    } else {
      BeginRequest();
    }
  }

  void OnDeadline() override {
    if (state_ == State::kReading) {
      // Cancel the pending read; its handler answers 408 (one operation at a time).
      timed_out_ = true;
      error_code ec;
      Socket().cancel(ec);
    } else {
      Close();
    }
  }

  void OnStop() override {
    // Busy connections finish their request; the response then says close.
    if (state_ == State::kHandshake || state_ == State::kIdle) Close();
  }

  void Close() override {
    if (state_ == State::kClosed) return;
    state_ = State::kClosed;
    deadline = Clock::time_point::max();
    error_code ec;
    Socket().close(ec);
  }

 private:
  enum class State { kHandshake, kIdle, kReading, kContinue, kWriting, kLingering, kClosed };

  tcp::socket& Socket() {
    if constexpr (kTls) {
      return stream_.next_layer();
    } else {
      return stream_;
    }
  }

  void BeginRequest() {
    parser_.emplace(req_);
    parser_->header_limit(static_cast<std::uint32_t>(
        std::min<std::size_t>(ctx_.options.max_header_bytes, UINT32_MAX)));
    // With larger limits for some paths, the parser stops after the header so
    // that the path's own limit applies (CheckBodyLimit) before any body byte.
    std::size_t limit = ctx_.options.max_body_bytes;
    for (const auto& [path, bytes] : ctx_.options.large_body_paths) limit = std::max(limit, bytes);
    parser_->body_limit(limit);
    parser_->eager(ctx_.options.large_body_paths.empty());
    body_limit_checked_ = ctx_.options.large_body_paths.empty();
    continue_sent_ = false;
    linger_ = false;
    req_.method.clear();
    if (req_.body.capacity() > kKeepCapacity) std::string().swap(req_.body);
    req_.body.clear();
    if (buffer_.capacity() > kKeepCapacity && buffer_.size() == 0) buffer_.shrink_to_fit();
    if (buffer_.size() > 0) {  // pipelined request already buffered
      StartRequestClock();
      Parse();
      return;
    }
    state_ = State::kIdle;
    deadline =
        Clock::now() + (served_ == 0 ? ctx_.options.request_timeout : ctx_.options.idle_timeout);
    Read();
  }

  void StartRequestClock() {
    state_ = State::kReading;
    request_start_ = Clock::now();
    deadline = request_start_ + ctx_.options.request_timeout;
  }

  void Read() {
    stream_.async_read_some(buffer_.prepare(kReadChunk),
                            [self = this->shared_from_this()](const error_code& ec, std::size_t n) {
                              self->OnRead(ec, n);
                            });
  }

  void OnRead(const error_code& ec, std::size_t n) {
    if (state_ == State::kClosed) return;
    if (timed_out_) {
      timed_out_ = false;
      return SendError(408, "deadline_exceeded", "request not received in time");
    }
    if (ec) return Close();  // peer closed or failed; nothing to answer
    buffer_.commit(n);
    if (state_ == State::kIdle) StartRequestClock();
    Parse();
  }

  void Parse() {
    for (;;) {
      if (buffer_.size() == 0) return Read();
      error_code ec;
      const std::size_t used = parser_->put(buffer_.data(), ec);
      buffer_.consume(used);
      if (ec == http::error::need_more) return Read();
      if (ec) return OnParseError(ec);
      if (!body_limit_checked_ && parser_->is_header_done() && !CheckBodyLimit()) return;
      if (parser_->is_done()) return HandleRequest();
      if (parser_->is_header_done() && parser_->expect_continue() && !continue_sent_) {
        return SendContinue();
      }
      if (used == 0) return Read();
    }
  }

  // The body limit of the request's path; false (413 sent) if its announced
  // length exceeds it.
  bool CheckBodyLimit() {
    body_limit_checked_ = true;
    const std::size_t limit = BodyLimit();
    const auto length = parser_->content_length();
    if (length && *length > limit) {
      SendError(413, "payload_too_large",
                "request body exceeds " + std::to_string(limit) + " bytes");
      return false;
    }
    parser_->body_limit(limit);  // chunked bodies are counted as they arrive
    parser_->eager(true);
    return true;
  }

  // The body limit of the request whose header was parsed.
  std::size_t BodyLimit() const {
    const std::string_view target = req_.target;
    const std::string_view path = target.substr(0, target.find('?'));
    for (const auto& [p, bytes] : ctx_.options.large_body_paths) {
      if (p == path) return bytes;
    }
    return ctx_.options.max_body_bytes;
  }

  void OnParseError(const error_code& ec) {
    if (ec == http::error::header_limit) {
      return SendError(
          431, "payload_too_large",
          "request headers exceed " + std::to_string(ctx_.options.max_header_bytes) + " bytes");
    }
    if (ec == http::error::body_limit) {
      return SendError(413, "payload_too_large",
                       "request body exceeds " + std::to_string(BodyLimit()) + " bytes");
    }
    SendError(400, "invalid_argument", "malformed HTTP request: " + ec.message());
  }

  void SendContinue() {
    static constexpr std::string_view k100 = "HTTP/1.1 100 Continue\r\n\r\n";
    state_ = State::kContinue;
    continue_sent_ = true;
    asio::async_write(stream_, asio::buffer(k100.data(), k100.size()),
                      [self = this->shared_from_this()](const error_code& ec, std::size_t) {
                        if (self->state_ == State::kClosed) return;
                        if (ec) return self->Close();
                        self->state_ = State::kReading;
                        self->Parse();
                      });
  }

  void HandleRequest() {
    ++served_;
    req_.remote_ip = remote_;
    req_.tls = kTls;
    res_.status = 200;
    res_.headers.clear();
    res_.body.clear();
    if (!SplitTarget(OriginForm(req_.target), req_.path, req_.query)) {
      return SendError(400, "invalid_argument", "malformed request target");
    }
    try {
      ctx_.handler(req_, res_);
    } catch (const std::exception& e) {
      spdlog::error("http: handler threw on {} {}: {}", req_.method, req_.path, e.what());
      SetInternalError();
    } catch (...) {
      spdlog::error("http: handler threw a non-exception on {} {}", req_.method, req_.path);
      SetInternalError();
    }
    keep_alive_ = parser_->keep_alive() && !Stopping();
    Send(parser_->is_head());
  }

  // Absolute-form targets ("http://host/x?y", RFC 9112 §3.2.2) carry the path
  // after the authority.
  static std::string_view OriginForm(std::string_view target) {
    if (target.empty() || target.front() == '/') return target;
    const std::size_t scheme_end = target.find("://");
    if (scheme_end == std::string_view::npos) return target;
    const std::size_t path = target.find_first_of("/?", scheme_end + 3);
    if (path == std::string_view::npos) return "/";
    return target[path] == '/' ? target.substr(path) : target;
  }

  void SetInternalError() {
    res_.status = 500;
    res_.headers.clear();
    res_.SetHeader("Content-Type", "application/json");
    res_.body = ErrorBody("internal", "internal error");
  }

  void SendError(int status, std::string_view code, std::string_view message) {
    // The request may be partly unread: drain before closing (see CloseAfterResponse).
    linger_ = true;
    res_.status = status;
    res_.headers.clear();
    res_.SetHeader("Content-Type", "application/json");
    res_.body = ErrorBody(code, message);
    keep_alive_ = false;
    Send(parser_->is_head());
  }

  void Send(bool head) {
    const int version = parser_->version();
    auto connection = internal::ConnectionHeader::kNone;
    if (!keep_alive_) {
      connection = internal::ConnectionHeader::kClose;
    } else if (version < 11) {
      connection = internal::ConnectionHeader::kKeepAlive;
    }
    out_.clear();
    principal_ = {};
    internal::AppendResponseHead(out_, res_, ctx_.options.server_name, connection, &principal_);
    const bool send_body = !head && !internal::StatusHasNoBody(res_.status);
    body_bytes_ = send_body ? res_.body.size() : 0;
    // Over TLS, one buffer: Boost 1.74's ssl::stream stalls writing a
    // two-buffer sequence whose second buffer exceeds one TLS record (16 KiB),
    // and TLS copies the bytes to encrypt them anyway.
    if constexpr (kTls) out_.append(res_.body, 0, body_bytes_);
    std::array<asio::const_buffer, 2> buffers = {
        asio::buffer(out_), asio::buffer(res_.body.data(), kTls ? 0 : body_bytes_)};
    state_ = State::kWriting;
    deadline = Clock::now() + ctx_.options.request_timeout;
    asio::async_write(stream_, buffers,
                      [self = this->shared_from_this()](const error_code& ec, std::size_t) {
                        self->OnWrite(ec);
                      });
  }

  void OnWrite(const error_code& ec) {
    if (state_ == State::kClosed) return;
    Record();
    if (ec) return Close();
    if (!keep_alive_ || Stopping()) return CloseAfterResponse(linger_ || buffer_.size() > 0);
    BeginRequest();
  }

  bool Stopping() const {
    return worker_.stopping() || ctx_.stopping.load(std::memory_order_relaxed);
  }

  void Record() {
    const auto elapsed = Clock::now() - request_start_;
    ctx_.metrics->Count(res_.status, elapsed);
    if (ctx_.access_log_fd < 0) return;
    const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count();
    std::string& batch = worker_.access_log_batch();
    internal::AppendAccessLogLine(batch, remote_, principal_, req_.method, req_.target,
                                  parser_->version(), res_.status, body_bytes_,
                                  static_cast<uint64_t>(micros));
    batch.push_back('\n');
    if (batch.size() >= kAccessLogBatchBytes) worker_.FlushAccessLog();
  }

  // Closing with unread request bytes makes the kernel send RST, which can
  // destroy the response before the client reads it. So when the request may
  // not have been read whole (`linger`), half-close and drain until the client
  // closes or the linger deadline passes; otherwise half-close and close.
  void CloseAfterResponse(bool linger) {
    state_ = State::kLingering;
    deadline = Clock::now() + ctx_.linger;
    if constexpr (kTls) {
      // Send close_notify without waiting for the client's: marking it as
      // received makes SSL_shutdown complete in one step.
      SSL_set_shutdown(stream_.native_handle(), SSL_RECEIVED_SHUTDOWN);
      stream_.async_shutdown([self = this->shared_from_this(), linger](const error_code& ec) {
        if (self->state_ == State::kClosed) return;
        if (ec) return self->Close();
        self->HalfClose(linger);
      });
    } else {
      HalfClose(linger);
    }
  }

  void HalfClose(bool linger) {
    error_code ec;
    Socket().shutdown(tcp::socket::shutdown_send, ec);
    if (!linger) return Close();
    buffer_.clear();
    Drain();
  }

  void Drain() {
    Socket().async_read_some(buffer_.prepare(kReadChunk),
                             [self = this->shared_from_this()](const error_code& ec, std::size_t) {
                               if (self->state_ == State::kClosed) return;
                               if (ec) return self->Close();
                               self->Drain();
                             });
  }

  Worker& worker_;
  ServerContext& ctx_;
  const std::string remote_;
  Stream stream_;
  State state_ = State::kIdle;
  bool timed_out_ = false;
  bool continue_sent_ = false;
  bool body_limit_checked_ = true;
  bool keep_alive_ = false;
  bool linger_ = false;
  uint64_t served_ = 0;
  Clock::time_point request_start_{};
  beast::flat_buffer buffer_;
  HttpRequest req_;
  HttpResponse res_;
  std::optional<RequestParser> parser_;
  std::string out_;
  std::string_view principal_;
  std::size_t body_bytes_ = 0;
};

std::string FormatRemote(const tcp::endpoint& endpoint) {
  asio::ip::address address = endpoint.address();
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    address = asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6());
  }
  return address.to_string();
}

}  // namespace

void StartConnection(Worker& worker, tcp::socket socket) {
  error_code ignored;
  socket.set_option(tcp::no_delay(true), ignored);
  std::string remote = FormatRemote(socket.remote_endpoint(ignored));
  if (worker.ctx().tls) {
    std::make_shared<Connection<TlsStream>>(worker, std::move(remote), std::move(socket),
                                            *worker.ctx().tls)
        ->Start();
  } else {
    std::make_shared<Connection<tcp::socket>>(worker, std::move(remote), std::move(socket))
        ->Start();
  }
}

}  // namespace quell::net::internal
