// A tiny blocking HTTP/1.1 client over POSIX sockets (and OpenSSL for HTTPS), so
// the server tests talk to it the way real clients do, without Asio.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>

namespace quell::net::testing {

struct ParsedResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string head;  // raw status line + headers

  std::string Header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
};

class TestClient {
 public:
  TestClient() = default;
  TestClient(const TestClient&) = delete;
  TestClient& operator=(const TestClient&) = delete;
  ~TestClient() { Close(); }

  // Connects to 127.0.0.1:port; false if refused. With `tls`, also runs the TLS
  // handshake (certificate not verified: the tests use a self-signed one).
  bool Connect(uint16_t port, bool tls = false) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    if (fd_ < 0) return false;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
      Close();
      return false;
    }
    int one = 1;
    setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    timeval tv{10, 0};  // a blocking SSL_read must not hang a test forever
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    if (!tls) return true;
    ctx_ = SSL_CTX_new(TLS_client_method());
    ssl_ = SSL_new(ctx_);
    SSL_set_fd(ssl_, fd_);
    if (SSL_connect(ssl_) != 1) {
      Close();
      return false;
    }
    return true;
  }

  bool Send(std::string_view data) {
    while (!data.empty()) {
      const ssize_t n = ssl_ != nullptr
                            ? SSL_write(ssl_, data.data(), static_cast<int>(data.size()))
                            : send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }

  // Reads one response (Content-Length framed; no body for HEAD/1xx/204/304).
  // Returns status 0 on EOF, error or after `timeout`.
  ParsedResponse ReadResponse(bool head_request = false,
                              std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    ParsedResponse r;
    std::size_t end;
    while ((end = buf_.find("\r\n\r\n")) == std::string::npos) {
      if (!Fill(timeout)) return r;
    }
    r.head = buf_.substr(0, end);
    buf_.erase(0, end + 4);
    std::size_t line_end = r.head.find("\r\n");
    const std::string status_line = r.head.substr(0, line_end);
    if (status_line.size() < 12) return r;
    r.status = std::atoi(status_line.c_str() + 9);
    while (line_end != std::string::npos) {
      const std::size_t start = line_end + 2;
      line_end = r.head.find("\r\n", start);
      std::string line = r.head.substr(
          start, line_end == std::string::npos ? std::string::npos : line_end - start);
      const std::size_t colon = line.find(':');
      if (colon == std::string::npos) continue;
      std::string name = line.substr(0, colon);
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      std::string value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.erase(0, 1);
      r.headers[name] = value;
    }
    const bool no_body = head_request || r.status < 200 || r.status == 204 || r.status == 304;
    const std::size_t length =
        no_body ? 0 : static_cast<std::size_t>(std::atoll(r.Header("content-length").c_str()));
    while (buf_.size() < length) {
      if (!Fill(timeout)) return ParsedResponse{};
    }
    r.body = buf_.substr(0, length);
    buf_.erase(0, length);
    return r;
  }

  // True if the server closes the connection (EOF or reset) within `timeout`
  // without sending anything more.
  bool ClosedByPeer(std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    const std::size_t before = buf_.size();
    while (Fill(timeout)) {
    }
    return eof_ && buf_.size() == before;
  }

  // Everything until EOF (or timeout).
  std::string ReadAll(std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    while (Fill(timeout)) {
    }
    std::string out;
    out.swap(buf_);
    return out;
  }

  bool eof() const { return eof_; }

  void Close() {
    if (ssl_ != nullptr) SSL_free(ssl_);
    if (ctx_ != nullptr) SSL_CTX_free(ctx_);
    ssl_ = nullptr;
    ctx_ = nullptr;
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
  }

 private:
  // Appends what arrives within `timeout` to buf_; false on EOF/error/timeout.
  bool Fill(std::chrono::milliseconds timeout) {
    if (fd_ < 0 || eof_) return false;
    if (ssl_ == nullptr || SSL_pending(ssl_) == 0) {
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return false;
    }
    char chunk[16384];
    const ssize_t n =
        ssl_ != nullptr ? SSL_read(ssl_, chunk, sizeof(chunk)) : recv(fd_, chunk, sizeof(chunk), 0);
    if (n <= 0) {
      eof_ = true;
      return false;
    }
    buf_.append(chunk, static_cast<std::size_t>(n));
    return true;
  }

  int fd_ = -1;
  SSL_CTX* ctx_ = nullptr;
  SSL* ssl_ = nullptr;
  std::string buf_;
  bool eof_ = false;
};

}  // namespace quell::net::testing
