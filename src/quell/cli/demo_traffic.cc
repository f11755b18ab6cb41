#include "quell/cli/demo_traffic.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <random>
#include <string>
#include <string_view>

#include <spdlog/spdlog.h>

namespace quell::cli {
namespace {

struct DemoCall {
  const char* caller;
  const char* callee;
  const char* extra;  // header lines, CRLF-terminated
  int weight;
};

// Mostly ordinary calls, with each kind the default policy acts on. A '#' in
// a number is a random digit, and "dnc" one of the numbers the demo register
// protects (every 7th of +86 138 0013 8100-8499): callers and callees vary as
// in a real network, so that behavioural detection sees ordinary traffic and
// not one number ringing another every second (call bombing).
constexpr DemoCall kCalls[] = {
    {"+861391234####", "+861380013####", "", 30},
    {"1370013####", "+861360013####", "", 20},
    {"+8620888812##", "+861350013####", "", 10},
    {"+8612345", "+861380013####", "", 8},  // invalid caller: 608
    {"+861391234####", "+861380013####", "X-Quell-Trunk: demo-intl-gw\r\n", 6},  // spoofed: 608
    {"+4420703130##", "+861380013####", "X-Quell-Trunk: demo-intl-gw\r\n", 6},   // foreign: allowed
    {"+861391234####", "110", "", 3},     // emergency: never screened
    {"+861391234####", "+861380013####",  // a forged PASSporT: labelled
     "Identity: eyJhbGciOiJFUzI1NiIsInBwdCI6InNoYWtlbiIsInR5cCI6InBhc3Nwb3J0In0.e30.c2ln"
     ";info=<https://cr.example.net/sp.pem>;alg=ES256;ppt=shaken\r\n",
     6},
    {"+8613800138001", "+861390013####",
     "X-Quell-Direction: originating\r\nX-Quell-Customer: demo-finance\r\n", 10},  // signed A
    {"+8613700137000", "+861390013####",
     "X-Quell-Direction: originating\r\nX-Quell-Customer: demo-finance\r\n", 5},  // signed B
    // Demo Finance's marketing range (SeedDnc): to a Do-Not-Call number (608),
    // to one that refuses only real estate (labelled with its category).
    {"+8621612345##", "dnc", "", 6},
    {"+8621612345##", "+8613600136000", "", 4},
    // Numbers the demo app's users marked (SeedReputation): heavily reported
    // fraud (608), and a reported number (labelled).
    {"+8617000000666", "+861380013####", "", 3},
    {"+8616500001234", "+861390013####", "", 3},
};

// The number to dial for a pattern of kCalls.
std::string Fill(std::string_view pattern, std::mt19937& rng) {
  if (pattern == "dnc") return "+" + std::to_string(8613800138100 + 7 * (rng() % 58));
  std::string out(pattern);
  for (char& c : out) {
    if (c == '#') c = static_cast<char>('0' + rng() % 10);
  }
  return out;
}

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
    const std::string caller = Fill(call->caller, rng), callee = Fill(call->callee, rng);
    std::string m = "INVITE sip:" + callee + "@demo.quell SIP/2.0\r\n";
    m += "Via: SIP/2.0/UDP 127.0.0.1:" + std::to_string(local_port) + ";branch=z9hG4bK-demo-" + id +
         "\r\n";
    m += "Max-Forwards: 70\r\n";
    m += "From: <sip:" + caller + "@demo.quell>;tag=" + id + "\r\n";
    m += "To: <sip:" + callee + "@demo.quell>\r\n";
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
