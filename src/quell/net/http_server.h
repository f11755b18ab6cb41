// HttpServer: HTTP/1.1 (and HTTPS) server on Boost.Beast, with keep-alive, size
// limits, timeouts, an access log and graceful shutdown. Boost stays inside
// net/'s .cc files (through net/asio.h); this header is light.
//
//   net::BlockTerminationSignals();  // first thing in main, before any thread starts
//   auto server = net::HttpServer::Create(options, [&](const HttpRequest& req, HttpResponse& res) {
//     res.body = "hello";
//   });
//   QUELL_RETURN_IF_ERROR((*server)->Start());
//   while (net::WaitForSignal(std::chrono::seconds(5)) == 0) { /* housekeeping */ }
//   (*server)->Shutdown(std::chrono::seconds(10));
//
// The handler runs synchronously on one of the server's I/O threads and must be
// thread-safe; it should not block for long, since it holds up every other
// connection of that thread. An exception escaping the handler becomes a 500 with
// ErrorBody("internal", "internal error") (what() goes to the server log, never to
// the client). The server itself answers, without calling the handler, requests
// it cannot pass on: 400 (unparseable, or a malformed target), 413 (body over
// max_body_bytes, sent as soon as the headers announce it), 431 (headers too
// large), 408 (request started but not received within request_timeout), all with
// the standard JSON error body and Connection: close.
//
// Connections: HTTP/1.1 keep-alive and pipelining (answered in order); HTTP/1.0
// closes after each response unless the client asked for keep-alive. Requests
// with "Expect: 100-continue" get an interim 100 before the body is read.
//
// Metrics (quell::metrics): quell_http_requests_total{code="1xx".."5xx"},
// quell_http_request_duration_seconds (first request byte to response written),
// quell_http_connections (open connections).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "quell/core/status.h"
#include "quell/net/http.h"

namespace quell::net {

using HttpHandler = std::function<void(const HttpRequest&, HttpResponse&)>;

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;  // 0 picks a free port (see HttpServer::port)
  int threads = 0;       // I/O threads; 0 = one per core
  std::size_t max_body_bytes = 1 << 20;
  // Paths (exact, without the query) that accept larger bodies than
  // max_body_bytes, e.g. {"/api/v1/dnc/scrub", 256 << 20}.
  std::vector<std::pair<std::string, std::size_t>> large_body_paths;
  std::size_t max_header_bytes = 16 << 10;
  // From the first byte of a request to its last (else 408 and close). Also bounds
  // the TLS handshake and writing one response (else the connection is closed).
  std::chrono::milliseconds request_timeout{30'000};
  // A connection waiting for its next request is closed silently after this (a
  // new connection waits at most request_timeout for its first byte).
  std::chrono::milliseconds idle_timeout{60'000};
  // HTTPS when both are set (PEM files).
  std::string tls_cert_file;
  std::string tls_key_file;
  // Access log file (appended, one line per request); empty = no access log.
  //   remote - principal [06/Nov/1994:08:49:37 +0000] "GET /x HTTP/1.1" 200 60 412
  // (the last two fields: body bytes sent, microseconds from first request byte
  // to response written). Written by a background thread through a bounded
  // queue; under overload the oldest lines are dropped rather than slowing
  // requests. Lines reach the file within about a second and at Shutdown().
  std::string access_log_path;
  std::string server_name = "quell";
};

class HttpServer {
 public:
  virtual ~HttpServer() = default;

  // Validates the options (InvalidArgument on a null handler, negative threads,
  // zero limits or timeouts); does not bind yet.
  static Result<std::unique_ptr<HttpServer>> Create(HttpServerOptions options, HttpHandler handler);

  // Binds and starts serving on background threads; returns once listening.
  // Fails with Unavailable if the address cannot be bound, InvalidArgument if the
  // TLS files cannot be loaded (or only one of them is set) or the access log
  // cannot be opened, FailedPrecondition if called twice. With several threads,
  // each has its own listening socket (SO_REUSEPORT) and the kernel spreads
  // connections across them.
  virtual Status Start() = 0;
  // The bound port (useful with port 0). Valid after Start().
  virtual uint16_t port() const = 0;
  // Stops accepting, lets in-flight requests finish (up to `grace`), closes idle
  // keep-alive connections (busy ones after their current response, which says
  // Connection: close), then force-closes whatever is left and joins the I/O
  // threads. Thread-safe and idempotent; blocks until done. Must not be called
  // from the handler (it would wait for its own thread). The destructor calls
  // Shutdown(0).
  virtual void Shutdown(std::chrono::milliseconds grace) = 0;
};

// Blocks SIGINT, SIGTERM and SIGHUP in the calling thread. Call it in main
// before starting any thread, so that every thread inherits the mask and only
// WaitForSignal() sees those signals.
void BlockTerminationSignals();
// Waits for one of them and returns its number, or 0 when `timeout` passes first
// (the caller's chance to do periodic housekeeping on its own thread).
int WaitForSignal(std::chrono::milliseconds timeout);

}  // namespace quell::net
