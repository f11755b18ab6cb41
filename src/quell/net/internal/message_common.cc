#include "quell/net/internal/message_common.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <exception>

namespace quell::net::internal {

MessageMetrics& GetMessageMetrics() {
  static MessageMetrics* m = [] {
    auto transport = [](const char* name) {
      auto dropped = [name](const char* reason) {
        return metrics::GetCounter("quell_net_messages_dropped_total",
                                   "Messages received but not answered by the message server",
                                   {{"transport", name}, {"reason", reason}});
      };
      return TransportMetrics{
          metrics::GetCounter("quell_net_messages_received_total",
                              "Messages received by the message server", {{"transport", name}}),
          dropped("oversize"), dropped("framing"), dropped("handler_error"),
          dropped("send_failed")};
    };
    return new MessageMetrics{
        transport("udp"), transport("tcp"),
        metrics::GetGauge("quell_net_tcp_connections", "Open message server TCP connections"),
        metrics::GetCounter("quell_net_tcp_connections_rejected_total",
                            "TCP connections closed on accept: over max_tcp_connections")};
  }();
  return *m;
}

void AddressText::Set(const sockaddr* addr, socklen_t len) {
  last_len_ = std::min<socklen_t>(len, sizeof(last_));
  std::memcpy(&last_, addr, last_len_);
  const char* ok = nullptr;
  if (addr->sa_family == AF_INET && len >= sizeof(sockaddr_in)) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(addr);
    ok = inet_ntop(AF_INET, &in->sin_addr, text_, sizeof(text_));
    port_ = ntohs(in->sin_port);
  } else if (addr->sa_family == AF_INET6 && len >= sizeof(sockaddr_in6)) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(addr);
    if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr)) {
      ok = inet_ntop(AF_INET, &in6->sin6_addr.s6_addr[12], text_, sizeof(text_));
    } else {
      ok = inet_ntop(AF_INET6, &in6->sin6_addr, text_, sizeof(text_));
    }
    port_ = ntohs(in6->sin6_port);
  } else {
    port_ = 0;
  }
  if (ok == nullptr) {
    text_[0] = '?';
    size_ = 1;
  } else {
    size_ = static_cast<uint8_t>(std::strlen(text_));
  }
}

void AddressText::Update(const sockaddr* addr, socklen_t len) {
  if (len == last_len_ && std::memcmp(addr, &last_, len) == 0) return;
  Set(addr, len);
}

std::string FormatEndpoint(const sockaddr* addr, socklen_t len) {
  AddressText text;
  text.Set(addr, len);
  std::string out;
  const bool v6 = text.text().find(':') != std::string_view::npos;
  if (v6) out += '[';
  out += text.text();
  if (v6) out += ']';
  out += ':';
  out += std::to_string(text.port());
  return out;
}

bool LogAllowed() {
  static std::atomic<int64_t> last{0};
  const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::steady_clock::now().time_since_epoch())
                          .count();
  int64_t prev = last.load(std::memory_order_relaxed);
  return (prev == 0 || now - prev >= 1000) &&
         last.compare_exchange_strong(prev, now, std::memory_order_relaxed);
}

bool CallHandler(const MessageHandler& handler, std::string_view message, const MessageContext& ctx,
                 std::string& reply, TransportMetrics& metrics) {
  try {
    handler(message, ctx, reply);
    return true;
  } catch (const std::exception& e) {
    if (LogAllowed())
      spdlog::error("message server: handler threw on a message from {}:{}: {}", ctx.peer_address,
                    ctx.peer_port, e.what());
  } catch (...) {
    if (LogAllowed())
      spdlog::error("message server: handler threw a non-exception on a message from {}:{}",
                    ctx.peer_address, ctx.peer_port);
  }
  reply.clear();
  metrics.handler_error.Inc();
  return false;
}

}  // namespace quell::net::internal
