// HttpServer: HTTP/1.1 (and HTTPS) server on Boost.Beast, with keep-alive, size
// limits, timeouts, an access log and graceful shutdown. Boost stays inside
// http_server.cc; this header is light.
//
//   auto server = net::HttpServer::Create(options, [&](const HttpRequest& req, HttpResponse& res) {
//     res.body = "hello";
//   });
//   QUELL_RETURN_IF_ERROR((*server)->Start());
//   net::WaitForTerminationSignal();
//   (*server)->Shutdown(std::chrono::seconds(10));
//
// The handler runs on one of the server's I/O threads and must be thread-safe. The
// server itself answers, without calling the handler, requests it cannot pass on:
// 400 (unparseable), 413 (body over max_body_bytes), 431 (headers too large),
// 408 (request not received within request_timeout), all with the standard JSON
// error body.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "quell/core/status.h"
#include "quell/net/http.h"

namespace quell::net {

using HttpHandler = std::function<void(const HttpRequest&, HttpResponse&)>;

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;  // 0 picks a free port (see HttpServer::port)
  int threads = 0;       // I/O threads; 0 = one per core
  std::size_t max_body_bytes = 1 << 20;
  std::size_t max_header_bytes = 16 << 10;
  std::chrono::milliseconds request_timeout{30'000};  // to receive one whole request
  std::chrono::milliseconds idle_timeout{60'000};     // keep-alive connection idle
  // HTTPS when both are set (PEM files).
  std::string tls_cert_file;
  std::string tls_key_file;
  // Access log file (one line per request); empty = no access log.
  std::string access_log_path;
  std::string server_name = "quell";
};

class HttpServer {
 public:
  virtual ~HttpServer() = default;

  static Result<std::unique_ptr<HttpServer>> Create(HttpServerOptions options, HttpHandler handler);

  // Binds and starts serving on background threads; returns once listening.
  // Fails with Unavailable if the address cannot be bound, InvalidArgument if the
  // TLS files cannot be loaded.
  virtual Status Start() = 0;
  // The bound port (useful with port 0). Valid after Start().
  virtual uint16_t port() const = 0;
  // Stops accepting, lets in-flight requests finish (up to `grace`), closes idle
  // keep-alive connections, and joins the I/O threads. Idempotent.
  virtual void Shutdown(std::chrono::milliseconds grace) = 0;
};

// Blocks SIGINT, SIGTERM and SIGHUP in the calling thread (call it in main before
// starting threads, so they inherit the mask), then, when called again via
// WaitForSignal(), waits for one and returns its number.
void BlockTerminationSignals();
int WaitForSignal();

}  // namespace quell::net
