#include "quell/cli/demo_traffic.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <random>

#include <spdlog/spdlog.h>

namespace quell::cli {
namespace {

struct DemoCall {
  const char* caller;
  const char* callee;
  const char* extra;  // header lines, CRLF-terminated
  int weight;
};

// Mostly ordinary calls, with each kind the default policy acts on.
constexpr DemoCall kCalls[] = {
    {"+8613912345678", "+8613800138005", "", 30},
    {"13700137000", "+8613600136000", "", 20},
    {"+862088881234", "+8613500135000", "", 10},
    {"+8612345", "+8613800138005", "", 8},  // invalid caller: 608
    {"+8613912345678", "+8613800138005", "X-Quell-Trunk: demo-intl-gw\r\n", 6},  // spoofed: 608
    {"+442070313000", "+8613800138005", "X-Quell-Trunk: demo-intl-gw\r\n", 6},   // foreign: allowed
    {"+8613912345678", "110", "", 3},     // emergency: never screened
    {"+8613912345678", "+8613800138005",  // a forged PASSporT: labelled
     "Identity: eyJhbGciOiJFUzI1NiIsInBwdCI6InNoYWtlbiIsInR5cCI6InBhc3Nwb3J0In0.e30.c2ln"
     ";info=<https://cr.example.net/sp.pem>;alg=ES256;ppt=shaken\r\n",
     6},
    {"+8613800138001", "+8613900139000",
     "X-Quell-Direction: originating\r\nX-Quell-Customer: demo-finance\r\n", 10},  // signed A
    {"+8613700137000", "+8613900139000",
     "X-Quell-Direction: originating\r\nX-Quell-Customer: demo-finance\r\n", 5},  // signed B
    // Demo Finance's marketing range (SeedDnc): to a Do-Not-Call number (608),
    // to one that refuses only real estate (labelled with its category).
    {"+862161234567", "+8613800138005", "", 6},
    {"+862161234567", "+8613600136000", "", 4},
};

}  // namespace

void DemoTraffic::Start(const std::string& host, uint16_t port, double per_second) {
  Stop();
  {
    std::lock_guard lock(mu_);
    stop_ = false;
  }
  thread_ = std::thread([this, host, port, per_second] { Run(host, port, per_second); });
}

void DemoTraffic::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void DemoTraffic::Run(std::string host, uint16_t port, double per_second) {
  const int fd = socket(AF_INET, SOCK_DGRAM, 0);
  if (fd < 0) return;
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(port);
  if (inet_pton(AF_INET, host.c_str(), &to.sin_addr) != 1) {
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  }
  sockaddr_in local{};
  local.sin_family = AF_INET;
  local.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof(local));
  socklen_t len = sizeof(local);
  getsockname(fd, reinterpret_cast<sockaddr*>(&local), &len);
  const uint16_t local_port = ntohs(local.sin_port);

  int total = 0;
  for (const DemoCall& c : kCalls) total += c.weight;
  std::mt19937 rng(std::random_device{}());
  const auto interval = std::chrono::microseconds(static_cast<int64_t>(1e6 / per_second));
  char reply[4096];
  for (uint64_t n = 1;; ++n) {
    {
      std::unique_lock lock(mu_);
      if (cv_.wait_for(lock, interval, [this] { return stop_; })) break;
    }
    int pick = static_cast<int>(rng() % static_cast<unsigned>(total));
    const DemoCall* call = &kCalls[0];
    for (const DemoCall& c : kCalls) {
      if (pick < c.weight) {
        call = &c;
        break;
      }
      pick -= c.weight;
    }
    const std::string id = std::to_string(n) + "-" + std::to_string(rng());
    std::string m = "INVITE sip:" + std::string(call->callee) + "@demo.quell SIP/2.0\r\n";
    m += "Via: SIP/2.0/UDP 127.0.0.1:" + std::to_string(local_port) + ";branch=z9hG4bK-demo-" + id +
         "\r\n";
    m += "Max-Forwards: 70\r\n";
    m += "From: <sip:" + std::string(call->caller) + "@demo.quell>;tag=" + id + "\r\n";
    m += "To: <sip:" + std::string(call->callee) + "@demo.quell>\r\n";
    m += "Call-ID: demo-" + id + "@127.0.0.1\r\nCSeq: 1 INVITE\r\n";
    m += call->extra;
    m += "Content-Length: 0\r\n\r\n";
    sendto(fd, m.data(), m.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof(to));
    // Drain answers without waiting for them.
    while (recv(fd, reply, sizeof(reply), MSG_DONTWAIT) > 0) {
    }
  }
  close(fd);
}

}  // namespace quell::cli
