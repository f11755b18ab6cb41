// The call decision pipeline in process, signatures excluded (issue target:
// >= 1 million decisions/s on one core, no allocation per decision):
//   - BM_Decision: Pipeline::Screen of a terminating call between random mobile
//     numbers (10^6 distinct callers, written as SIP carries them), with the
//     numbering provider (numbering-plan cache, do-not-originate list of 10^5),
//     the default policy, and a CallEvent published per decision;
//   - BM_SipInvite: the SIP front's whole answer to one INVITE (parse, screen,
//     transaction cache, 302 assembly), as SipServer::Handle does it per datagram.
//   - BM_DecisionFullSize: BM_Decision with three more providers holding tables
//     of the sizes the issue names — a 10^8-number DNC set, a 10^7-number
//     reputation table and 10^6 active behaviour windows (~200 bytes each) —
//     probed for every call with random numbers. The DNC, reputation and
//     detection modules are not built yet: these providers are stand-ins that do
//     what theirs must do per call (one hash probe each into a table of that
//     size, the window's counters read) so that the pipeline's cost with
//     realistic memory traffic is measured now; the real providers replace them
//     here when they land. Building the tables takes ~2.5 GB and a minute.
#include <sys/mman.h>

#include <atomic>
#include <random>
#include <string>
#include <vector>

#include <absl/container/flat_hash_map.h>
#include <absl/container/flat_hash_set.h>
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
    pipeline =
        std::make_unique<screen::Pipeline>(screen::PipelineOptions{}, plan, clock,
                                           std::move(providers), screen::Policy::Default(), &sink);
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
    screen::CallAttempt a{.caller = w.callers[i],
                          .callee = w.callees[(i * 7919) % w.callees.size()]};
    a.call_id = "bench-call@127.0.0.1";
    w.pipeline->Screen(a, v);
    benchmark::DoNotOptimize(v.action);
    if (++i == w.callers.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Decision);

// --- Full-size stand-ins (see the top of this file) ---

// Tables of hundreds of megabytes probed at random miss the TLB on every probe
// with 4 KiB pages; an index of that size is kept on transparent huge pages
// (madvise), as the real modules' tables will be.
template <typename T>
struct HugePageAllocator {
  using value_type = T;
  HugePageAllocator() = default;
  template <typename U>
  HugePageAllocator(const HugePageAllocator<U>&) {}
  T* allocate(std::size_t n) {
    const std::size_t bytes = n * sizeof(T);
    if (bytes < (2u << 20)) return std::allocator<T>().allocate(n);
    void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
    madvise(p, bytes, MADV_HUGEPAGE);
    return static_cast<T*>(p);
  }
  void deallocate(T* p, std::size_t n) {
    const std::size_t bytes = n * sizeof(T);
    if (bytes < (2u << 20)) return std::allocator<T>().deallocate(p, n);
    munmap(p, bytes);
  }
  template <typename U>
  bool operator==(const HugePageAllocator<U>&) const {
    return true;
  }
};
template <typename V>
using HugeMap = absl::flat_hash_map<uint64_t, V, absl::Hash<uint64_t>, std::equal_to<>,
                                    HugePageAllocator<std::pair<const uint64_t, V>>>;
using HugeSet = absl::flat_hash_set<uint64_t, absl::Hash<uint64_t>, std::equal_to<>,
                                    HugePageAllocator<uint64_t>>;

// Is the called number on the Do-Not-Call register?
class TableDncProvider final : public screen::SignalProvider {
 public:
  explicit TableDncProvider(HugeSet numbers) : numbers_(std::move(numbers)) {}
  std::string_view name() const override { return "dnc (bench stand-in)"; }
  void Prefetch(const screen::Signals& s) const override { numbers_.prefetch(s.callee); }
  void Evaluate(const screen::CallAttempt&, screen::Signals& s) const override {
    if (s.callee != 0) s.SetBool(screen::SignalId::kDncProtected, numbers_.contains(s.callee));
  }

 private:
  HugeSet numbers_;
};

struct Reputation {
  float score = 0, confidence = 0;
  uint8_t label = 0;  // index into kLabels
};
constexpr std::string_view kLabels[] = {"", "marketing", "fraud", "harassment"};

class TableReputationProvider final : public screen::SignalProvider {
 public:
  explicit TableReputationProvider(HugeMap<Reputation> table) : table_(std::move(table)) {}
  std::string_view name() const override { return "reputation (bench stand-in)"; }
  void Prefetch(const screen::Signals& s) const override { table_.prefetch(s.caller); }
  void Evaluate(const screen::CallAttempt&, screen::Signals& s) const override {
    const auto it = table_.find(s.caller);
    if (it == table_.end()) return;
    s.SetNumber(screen::SignalId::kReputationScore, it->second.score);
    s.SetNumber(screen::SignalId::kReputationConfidence, it->second.confidence);
    if (it->second.label != 0)
      s.SetText(screen::SignalId::kReputationLabel, kLabels[it->second.label]);
  }

 private:
  HugeMap<Reputation> table_;
};

// One active number's sliding windows: per-minute attempts over an hour, and
// the figures detection keeps (192 bytes).
struct Window {
  uint16_t attempts_per_minute[60] = {};
  uint32_t distinct_callees = 0, answered = 0, short_calls = 0, talk_seconds = 0;
  uint32_t sequential_runs = 0, first_seen = 0, last_seen = 0;
  uint8_t finding = 0;  // index into kLabels; 0 = none
  uint8_t severity = 0;
  uint8_t pad[42] = {};
};
static_assert(sizeof(Window) == 192);

class TableBehaviourProvider final : public screen::SignalProvider {
 public:
  explicit TableBehaviourProvider(HugeMap<Window> windows) : windows_(std::move(windows)) {}
  std::string_view name() const override { return "behaviour (bench stand-in)"; }
  void Prefetch(const screen::Signals& s) const override { windows_.prefetch(s.caller); }
  void Evaluate(const screen::CallAttempt&, screen::Signals& s) const override {
    const auto it = windows_.find(s.caller);
    if (it == windows_.end()) return;
    const Window& w = it->second;
    uint32_t last_ten = 0;
    for (int m = 0; m < 10; ++m) last_ten += w.attempts_per_minute[(w.last_seen + 60 - m) % 60];
    if (w.finding != 0 || last_ten > 300) {
      s.SetText(screen::SignalId::kBehaviourFinding, kLabels[w.finding != 0 ? w.finding : 1]);
      s.SetNumber(screen::SignalId::kBehaviourSeverity, w.severity);
    }
  }

 private:
  HugeMap<Window> windows_;
};

uint64_t RandomMobile(std::mt19937_64& rng) {
  static constexpr uint64_t kPrefixes[] = {138, 139, 136, 150, 186, 177};
  return (86'000ULL + kPrefixes[rng() % 6]) * 100'000'000ULL + rng() % 100'000'000ULL;
}

struct FullWorld {
  FullWorld() : plan("CN", 1 << 20) {
    std::mt19937_64 rng(11);
    HugeSet dnc;
    dnc.reserve(100'000'000);
    while (dnc.size() < 100'000'000) dnc.insert(RandomMobile(rng));
    HugeMap<Reputation> reputation;
    reputation.reserve(10'000'000);
    std::vector<uint64_t> reputed, active;
    while (reputation.size() < 10'000'000) {
      const uint64_t n = RandomMobile(rng);
      reputation[n] = Reputation{static_cast<float>(rng() % 100) / 100.0f, 0.5f,
                                 static_cast<uint8_t>(rng() % 4)};
      if (reputed.size() < 1'000'000) reputed.push_back(n);
    }
    HugeMap<Window> windows;
    windows.reserve(1'000'000);
    while (windows.size() < 1'000'000) {
      const uint64_t n = RandomMobile(rng);
      Window w;
      for (auto& a : w.attempts_per_minute) a = static_cast<uint16_t>(rng() % 40);
      w.last_seen = static_cast<uint32_t>(rng() % 60);
      w.finding = rng() % 50 == 0 ? 1 : 0;
      windows[n] = w;
      active.push_back(n);
    }
    std::vector<std::unique_ptr<screen::SignalProvider>> providers;
    providers.push_back(std::make_unique<screen::NumberingProvider>(plan));
    providers.push_back(std::make_unique<TableDncProvider>(std::move(dnc)));
    providers.push_back(std::make_unique<TableReputationProvider>(std::move(reputation)));
    providers.push_back(std::make_unique<TableBehaviourProvider>(std::move(windows)));
    pipeline =
        std::make_unique<screen::Pipeline>(screen::PipelineOptions{}, plan, clock,
                                           std::move(providers), screen::Policy::Default(), &sink);
    // Callers: a third with a reputation, a third in an active window, a third
    // anyone; callees: anyone. Written as SIP carries them.
    char buf[24];
    for (std::size_t i = 0; i < 3'000'000; ++i) {
      const uint64_t n = i % 3 == 0   ? reputed[rng() % reputed.size()]
                         : i % 3 == 1 ? active[rng() % active.size()]
                                      : RandomMobile(rng);
      std::snprintf(buf, sizeof(buf), "+%llu", static_cast<unsigned long long>(n));
      callers.emplace_back(buf);
      std::snprintf(buf, sizeof(buf), "+%llu", static_cast<unsigned long long>(RandomMobile(rng)));
      callees.emplace_back(buf);
    }
    screen::Verdict v;
    for (std::size_t i = 0; i < callers.size(); i += 31) {
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

void BM_DecisionFullSize(benchmark::State& state) {
  static FullWorld* w = new FullWorld();
  screen::Verdict v;
  std::size_t i = 0;
  for (auto _ : state) {
    screen::CallAttempt a{.caller = w->callers[i], .callee = w->callees[i]};
    a.call_id = "bench-call@127.0.0.1";
    w->pipeline->Screen(a, v);
    benchmark::DoNotOptimize(v.action);
    if (++i == w->callers.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DecisionFullSize)->MinTime(3.0);

void BM_SipInvite(benchmark::State& state) {
  World& w = TheWorld();
  sip::SipServerOptions options;
  auto server = sip::SipServer::Create(options, *w.pipeline, w.clock);
  std::vector<std::string> invites;
  for (int i = 0; i < 4096; ++i) {
    const std::string& from = w.callers[static_cast<std::size_t>(i) * 131];
    const std::string& to = w.callees[static_cast<std::size_t>(i) * 173];
    invites.push_back("INVITE sip:" + to +
                      "@carrier.example.net SIP/2.0\r\n"
                      "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-" +
                      std::to_string(i) + "-" + std::to_string(state.thread_index()) +
                      ";rport\r\n"
                      "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK-upstream" +
                      std::to_string(i) +
                      "\r\n"
                      "Record-Route: <sip:192.0.2.10;lr>\r\nMax-Forwards: 69\r\n"
                      "From: <sip:" +
                      from + "@gw.example.net>;tag=abc" + std::to_string(i) +
                      "\r\n"
                      "To: <sip:" +
                      to +
                      "@carrier.example.net>\r\n"
                      "Call-ID: " +
                      std::to_string(i) +
                      "-bench@192.0.2.10\r\nCSeq: 1 INVITE\r\n"
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
