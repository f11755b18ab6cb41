// Pipeline: the call decision pipeline (DESIGN.md "One call, end to end").
//
//   CallAttempt -> emergency check -> signal providers -> policy -> Verdict
//                                                          \-> CallEvent to the sink
//
// Calls to emergency numbers (110, 112, 119, 120, 122 and any configured) and
// call-backs from them are allowed before anything else runs: no provider is
// asked, no rule applies, nothing delays them. A call-back is a terminating call
// from a configured emergency caller number, or from a short code as caller on a
// trunk emergency services use: one listed in `emergency_trunks`, or — when that
// list is empty — any domestic trunk. A "110" arriving on an international trunk,
// or as the caller of a subscriber's own (originating) call, is spoofed and is
// screened like any other call.
//
//   Pipeline pipeline(options, plan, clock, std::move(providers), Policy::Default(), &sink);
//   thread_local Verdict verdict;
//   pipeline.Screen(attempt, verdict);
//
// Thread-safe: Screen may run on any number of threads; SetPolicy swaps the
// policy atomically (calls in flight finish with the policy they started with).
// Screen allocates nothing once `verdict` has been used (providers that verify
// signatures excepted).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "quell/core/clock.h"
#include "quell/core/metrics.h"
#include "quell/core/number_plan.h"
#include "quell/events/call_event.h"
#include "quell/screen/call_attempt.h"
#include "quell/screen/policy.h"
#include "quell/screen/provider.h"
#include "quell/screen/verdict.h"

namespace quell::screen {

struct PipelineOptions {
  // Emergency numbers as dialled (digits), never screened.
  std::vector<std::string> emergency_numbers = {"110", "112", "119", "120", "122"};
  // Numbers emergency services call back from (compact E.164), never screened.
  std::vector<uint64_t> emergency_callers;
  // Trunks (as CallAttempt::trunk names them) on which a short code as the
  // caller is an emergency call-back. Empty: any domestic trunk.
  std::vector<std::string> emergency_trunks;
  std::size_t recent_capacity = 4096;  // verdicts kept for the live view
};

// One entry of the live view's log.
struct RecentVerdict {
  int64_t time_us = 0;
  uint64_t caller = 0;
  uint64_t callee = 0;
  std::string caller_text;  // as received, when it did not parse
  Action action = Action::kAllow;
  int sip_code = 0;
  bool emergency = false;
  events::Direction direction = events::Direction::kTerminating;
  events::Verstat verstat = events::Verstat::kUnknown;
  std::string rule;
  std::string explain;
  int64_t elapsed_ns = 0;
};

// Calls per second by action over the last minutes, for the live view.
struct ActivitySecond {
  int64_t second = 0;                   // Unix seconds
  std::array<uint32_t, 4> by_action{};  // indexed by Action
};

class Pipeline {
 public:
  Pipeline(PipelineOptions options, const NumberPlan& plan, Clock& clock,
           std::vector<std::unique_ptr<SignalProvider>> providers,
           std::shared_ptr<const Policy> policy, events::CallEventSink* sink);
  ~Pipeline();

  void Screen(const CallAttempt& attempt, Verdict& verdict) const;

  void SetPolicy(std::shared_ptr<const Policy> policy);
  // Swaps in the emergency numbers, callers and trunks of `options` (the rest of
  // it is fixed at construction), atomically like SetPolicy.
  void SetEmergency(const PipelineOptions& options);
  std::shared_ptr<const Policy> policy() const { return policy_.load(); }
  const NumberPlan& plan() const { return plan_; }

  // The newest verdicts first, at most `limit`; `number` (compact, 0 = any)
  // matches caller or callee; `action` filters when set.
  std::vector<RecentVerdict> Recent(std::size_t limit, uint64_t number = 0,
                                    std::optional<Action> action = std::nullopt) const;
  // The last `seconds` seconds (at most 300), oldest first.
  std::vector<ActivitySecond> Activity(int seconds) const;

  std::vector<std::string_view> provider_names() const;

 private:
  struct Emergency {
    std::vector<std::string> numbers;
    std::vector<uint64_t> callers;  // sorted
    std::vector<std::string> trunks;
  };
  static std::shared_ptr<const Emergency> MakeEmergency(const PipelineOptions& options);

  static bool IsEmergency(const Emergency& e, std::string_view home_cc, const CallAttempt& attempt,
                          uint64_t caller);
  void Record(const CallAttempt& attempt, const Verdict& verdict) const;

  std::atomic<std::shared_ptr<const Emergency>> emergency_list_;
  const NumberPlan& plan_;
  std::string home_cc_;  // the plan's country code, as digits
  Clock& clock_;
  std::vector<std::unique_ptr<SignalProvider>> providers_;
  std::atomic<std::shared_ptr<const Policy>> policy_;
  events::CallEventSink* sink_;

  struct Entry {
    int64_t time_us = 0;
    uint64_t caller = 0, callee = 0;
    events::InlineString<24> caller_text;
    Action action = Action::kAllow;
    int sip_code = 0;
    bool emergency = false;
    events::Direction direction = events::Direction::kTerminating;
    events::Verstat verstat = events::Verstat::kUnknown;
    events::InlineString<48> rule;
    events::InlineString<160> explain;
    int64_t elapsed_ns = 0;
  };
  mutable std::mutex mu_;
  mutable std::vector<Entry> ring_;  // GUARDED_BY(mu_)
  mutable std::size_t next_ = 0;     // GUARDED_BY(mu_)
  mutable std::size_t filled_ = 0;   // GUARDED_BY(mu_)
  static constexpr int kSeconds = 300;
  mutable std::array<ActivitySecond, kSeconds> seconds_{};  // GUARDED_BY(mu_)

  mutable std::array<metrics::Counter, 4> decisions_;
  mutable metrics::Counter emergency_;
};

}  // namespace quell::screen
