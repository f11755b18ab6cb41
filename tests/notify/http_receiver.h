// A tiny blocking HTTP/1.1 server on 127.0.0.1 for notify's tests: a real peer
// for the real CurlTransport. It serves one connection at a time, records every
// request, and answers from a script of status codes (then a default), where
// kHang reads the request and never answers until the client gives up.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace quell::notify::testing {

struct ReceivedRequest {
  std::string method;
  std::string target;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;

  std::string Header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

class HttpReceiver {
 public:
  static constexpr int kHang = 0;

  HttpReceiver() {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (listen_fd_ < 0) std::abort();
    int one = 1;
    ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) std::abort();
    if (::listen(listen_fd_, 16) != 0) std::abort();
    socklen_t len = sizeof addr;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }

  ~HttpReceiver() {
    stop_ = true;
    ::shutdown(listen_fd_, SHUT_RDWR);
    thread_.join();
    ::close(listen_fd_);
  }

  HttpReceiver(const HttpReceiver&) = delete;
  HttpReceiver& operator=(const HttpReceiver&) = delete;

  std::string Url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

  // Answers the next requests with these statuses (kHang: no answer), then with
  // the default. `body` is sent with every scripted and default answer.
  void Script(std::vector<int> statuses, std::string body = "") {
    std::lock_guard lock(mu_);
    script_.assign(statuses.begin(), statuses.end());
    answer_body_ = std::move(body);
  }
  void SetDefault(int status) {
    std::lock_guard lock(mu_);
    default_status_ = status;
  }

  std::vector<ReceivedRequest> requests() const {
    std::lock_guard lock(mu_);
    return requests_;
  }
  int connections() const { return connections_.load(); }

  // Waits (real time) until `n` requests have arrived.
  bool WaitForRequests(std::size_t n, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return requests_.size() >= n; });
  }

 private:
  void Serve() {
    while (!stop_) {
      int fd = ::accept(listen_fd_, nullptr, nullptr);
      if (fd < 0) {
        if (stop_) return;
        continue;
      }
      ++connections_;
      Handle(fd);
      ::close(fd);
    }
  }

  // Reads with a short poll so the destructor is never stuck behind a client.
  bool ReadSome(int fd, std::string& buf) {
    for (;;) {
      if (stop_) return false;
      pollfd p{fd, POLLIN, 0};
      int r = ::poll(&p, 1, 50);
      if (r == 0) continue;
      if (r < 0) return false;
      char tmp[4096];
      ssize_t n = ::read(fd, tmp, sizeof tmp);
      if (n <= 0) return false;
      buf.append(tmp, static_cast<std::size_t>(n));
      return true;
    }
  }

  void Handle(int fd) {
    std::string buf;
    std::size_t end;
    while ((end = buf.find("\r\n\r\n")) == std::string::npos) {
      if (!ReadSome(fd, buf)) return;
    }
    ReceivedRequest req;
    std::string head = buf.substr(0, end);
    std::size_t line_end = head.find("\r\n");
    std::string first = head.substr(0, line_end);
    req.method = first.substr(0, first.find(' '));
    std::size_t t = first.find(' ') + 1;
    req.target = first.substr(t, first.find(' ', t) - t);
    std::size_t pos = line_end;
    while (pos != std::string::npos && pos < head.size()) {
      std::size_t next = head.find("\r\n", pos + 2);
      std::string line =
          head.substr(pos + 2, next == std::string::npos ? std::string::npos : next - pos - 2);
      std::size_t colon = line.find(':');
      if (colon != std::string::npos) {
        std::string name = line.substr(0, colon);
        std::transform(name.begin(), name.end(), name.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        std::string value = line.substr(colon + 1);
        value.erase(0, value.find_first_not_of(' '));
        req.headers[name] = value;
      }
      pos = next;
    }
    std::size_t length = std::strtoul(req.Header("content-length").c_str(), nullptr, 10);
    req.body = buf.substr(end + 4);
    while (req.body.size() < length) {
      if (!ReadSome(fd, req.body)) return;
    }
    int status;
    std::string body;
    {
      std::lock_guard lock(mu_);
      requests_.push_back(req);
      if (!script_.empty()) {
        status = script_.front();
        script_.pop_front();
      } else {
        status = default_status_;
      }
      body = answer_body_;
    }
    cv_.notify_all();
    if (status == kHang) {
      std::string ignored;
      while (ReadSome(fd, ignored)) {
      }
      return;
    }
    std::string answer = "HTTP/1.1 " + std::to_string(status) +
                         " Scripted\r\nContent-Length: " + std::to_string(body.size()) +
                         "\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n" + body;
    std::size_t sent = 0;
    while (sent < answer.size()) {
      ssize_t n = ::send(fd, answer.data() + sent, answer.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return;
      sent += static_cast<std::size_t>(n);
    }
  }

  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> connections_{0};
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<int> script_;
  std::string answer_body_;
  int default_status_ = 200;
  std::vector<ReceivedRequest> requests_;
  std::thread thread_;
};

}  // namespace quell::notify::testing
