// The call decision pipeline in process, signatures excluded (issue target:
// >= 1 million decisions/s on one core, no allocation per decision):
//   - BM_Decision: Pipeline::Screen of a terminating call between random mobile
//     numbers (10^6 distinct callers, written as SIP carries them), with the
//     numbering provider (numbering-plan cache, do-not-originate list of 10^5),
//     the default policy, and a CallEvent published per decision;
//   - BM_SipInvite: the SIP front's whole answer to one INVITE (parse, screen,
//     transaction cache, 302 assembly), as SipServer::Handle does it per datagram.
// The DNC, reputation and behaviour providers are not built yet; when they
// land they join BM_Decision with their full-size tables.
#include <atomic>
#include <random>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "quell/core/clock.h"
#include "quell/core/number_plan.h"
#include "quell/screen/numbering_provider.h"
#include "quell/screen/pipeline.h"
#include "quell/sip/server.h"

namespace {

using namespace quell;

// Counts events; a real sink queues them (a copy of the fixed-size event).
class CountingSink final : public events::CallEventSink {
 public:
  void Publish(const events::CallEvent& e) override {
    last_ = e;
    count_.fetch_add(1, std::memory_order_relaxed);
  }

 private:
  events::CallEvent last_;
  std::atomic<uint64_t> count_{0};
};

std::vector<std::string> RandomMobiles(std::size_t n, uint32_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<std::string> v;
  v.reserve(n);
  static constexpr const char* kPrefixes[] = {"138", "139", "136", "150", "186", "177"};
  for (std::size_t i = 0; i < n; ++i) {
    char buf[24];
    std::snprintf(buf, sizeof(buf), "+86%s%08llu", kPrefixes[rng() % 6],
                  static_cast<unsigned long long>(rng() % 100'000'000ULL));
    v.emplace_back(buf);
  }
  return v;
}

struct World {
  World() : plan("CN", 1 << 20) {
    screen::NumberSet dno;
    std::mt19937_64 rng(7);
    for (int i = 0; i < 100'000; ++i) dno.push_back(8610'0000'0000ULL + rng() % 1'0000'0000ULL);
    std::vector<std::unique_ptr<screen::SignalProvider>> providers;
    providers.push_back(std::make_unique<screen::NumberingProvider>(plan, std::move(dno)));
    pipeline = std::make_unique<screen::Pipeline>(screen::PipelineOptions{}, plan, clock,
                                                  std::move(providers), screen::Policy::Default(),
                                                  &sink);
    callers = RandomMobiles(1'000'000, 1);
    callees = RandomMobiles(1'000'000, 2);
    // Warm the numbering-plan cache as live traffic would.
    screen::Verdict v;
    for (std::size_t i = 0; i < callers.size(); i += 97) {
      screen::CallAttempt a{.caller = callers[i], .callee = callees[i]};
      pipeline->Screen(a, v);
    }
  }
  FakeClock clock;
  NumberPlan plan;
  CountingSink sink;
  std::unique_ptr<screen::Pipeline> pipeline;
  std::vector<std::string> callers, callees;
};

World& TheWorld() {
  static World* w = new World();
  return *w;
}

void BM_Decision(benchmark::State& state) {
  World& w = TheWorld();
  screen::Verdict v;
  std::size_t i = 0;
  for (auto _ : state) {
    screen::CallAttempt a{.caller = w.callers[i], .callee = w.callees[(i * 7919) % w.callees.size()]};
    a.call_id = "bench-call@127.0.0.1";
    w.pipeline->Screen(a, v);
    benchmark::DoNotOptimize(v.action);
    if (++i == w.callers.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Decision);

void BM_SipInvite(benchmark::State& state) {
  World& w = TheWorld();
  sip::SipServerOptions options;
  auto server = sip::SipServer::Create(options, *w.pipeline, w.clock);
  std::vector<std::string> invites;
  for (int i = 0; i < 4096; ++i) {
    const std::string& from = w.callers[static_cast<std::size_t>(i) * 131];
    const std::string& to = w.callees[static_cast<std::size_t>(i) * 173];
    invites.push_back(
        "INVITE sip:" + to + "@carrier.example.net SIP/2.0\r\n"
        "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-" + std::to_string(i) + "-" +
        std::to_string(state.thread_index()) + ";rport\r\n"
        "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK-upstream" + std::to_string(i) + "\r\n"
        "Record-Route: <sip:192.0.2.10;lr>\r\nMax-Forwards: 69\r\n"
        "From: <sip:" + from + "@gw.example.net>;tag=abc" + std::to_string(i) + "\r\n"
        "To: <sip:" + to + "@carrier.example.net>\r\n"
        "Call-ID: " + std::to_string(i) + "-bench@192.0.2.10\r\nCSeq: 1 INVITE\r\n"
        "Contact: <sip:caller@192.0.2.10:5060>\r\nUser-Agent: bench\r\n"
        "Content-Type: application/sdp\r\nContent-Length: 0\r\n\r\n");
  }
  net::MessageContext ctx;
  ctx.peer_address = "192.0.2.10";
  std::string reply;
  std::size_t i = 0;
  for (auto _ : state) {
    // Advance the clock past the transaction cache's 32 s now and then, so that
    // most INVITEs are new transactions rather than retransmissions.
    if ((i & 4095) == 0) w.clock.Advance(std::chrono::seconds(40));
    (*server)->Handle(invites[i & 4095], ctx, reply);
    benchmark::DoNotOptimize(reply.data());
    ++i;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SipInvite);

}  // namespace
