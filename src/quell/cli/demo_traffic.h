// Simulated calls for `quell serve --demo`: a background thread sends SIP
// INVITEs to the server's own screening front (UDP, loopback), a few a second —
// clean calls, invalid and spoofed callers, calls on an international trunk,
// emergency calls, originating calls Quell signs — so the live screening view
// has traffic the moment the demo starts.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

namespace quell::cli {

// The trunk name the demo's SIP front treats as international.
inline constexpr char kDemoInternationalTrunk[] = "demo-intl-gw";

class DemoTraffic {
 public:
  DemoTraffic() = default;
  ~DemoTraffic() { Stop(); }
  // Starts sending to host:port (IPv4 loopback in the demo), `per_second` calls.
  void Start(const std::string& host, uint16_t port, double per_second = 3.0);
  void Stop();

 private:
  void Run(std::string host, uint16_t port, double per_second);

  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;  // GUARDED_BY(mu_)
};

}  // namespace quell::cli
