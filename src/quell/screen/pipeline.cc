#include "quell/screen/pipeline.h"

#include <algorithm>
#include <charconv>
#include <chrono>

namespace quell::screen {
namespace {

std::array<metrics::Counter, 4> DecisionCounters() {
  auto make = [](Action a) {
    return metrics::GetCounter("quell_screen_decisions_total", "Calls screened, by action",
                               {{"action", std::string(Name(a))}});
  };
  return {make(Action::kAllow), make(Action::kLabel), make(Action::kBlock), make(Action::kDivert)};
}

// The digits of a dialled number without '+' and separators ("" if anything else).
std::string_view Digits(std::string_view text, char (&buf)[24]) {
  std::size_t n = 0;
  for (char c : text) {
    if (c == ';') break;  // tel URI parameters
    if (c >= '0' && c <= '9') {
      if (n == sizeof(buf)) return {};
      buf[n++] = c;
    } else if (c != '+' && c != '-' && c != ' ' && c != '.') {
      return {};
    }
  }
  return {buf, n};
}

events::Verstat VerstatOf(const Signals& s) {
  const SignalValue& v = s.Get(SignalId::kShakenVerstat);
  if (!v.present) return events::Verstat::kUnknown;
  if (v.text == "passed") return events::Verstat::kPassed;
  if (v.text == "failed") return events::Verstat::kFailed;
  return events::Verstat::kNoValidation;
}

events::Attest AttestOf(const Signals& s) {
  const SignalValue& v = s.Has(SignalId::kShakenAttest) ? s.Get(SignalId::kShakenAttest)
                                                        : s.Get(SignalId::kShakenSigned);
  if (!v.present || v.text.empty()) return events::Attest::kNone;
  switch (v.text[0]) {
    case 'A':
      return events::Attest::kA;
    case 'B':
      return events::Attest::kB;
    case 'C':
      return events::Attest::kC;
    default:
      return events::Attest::kNone;
  }
}

// "rule invalid-caller: caller.valid=false caller.present=true" into a fixed buffer.
template <std::size_t N>
void ExplainInto(const Verdict& v, events::InlineString<N>& out) {
  char buf[N];
  std::size_t n = 0;
  auto put = [&](std::string_view s) {
    const std::size_t k = std::min(s.size(), N - 1 - n);
    std::copy_n(s.data(), k, buf + n);
    n += k;
  };
  if (v.emergency) {
    put("emergency call: never screened");
  } else if (!v.rule) {
    put("no rule matched");
  } else {
    put("rule ");
    put(v.rule->name);
    put(":");
    for (const Condition& c : v.rule->when) {
      put(" ");
      put(InfoOf(c.signal).name);
      put("=");
      const SignalValue& sv = v.signals.Get(c.signal);
      switch (InfoOf(c.signal).type) {
        case SignalType::kBool:
          put(sv.number != 0 ? "true" : "false");
          break;
        case SignalType::kText:
          put(sv.text);
          break;
        case SignalType::kNumber: {
          char num[32];
          const auto r = std::to_chars(num, num + sizeof(num), sv.number);
          put(std::string_view(num, static_cast<std::size_t>(r.ptr - num)));
          break;
        }
      }
    }
  }
  out.Assign(std::string_view(buf, n));
}

}  // namespace

Pipeline::Pipeline(PipelineOptions options, const NumberPlan& plan, Clock& clock,
                   std::vector<std::unique_ptr<SignalProvider>> providers,
                   std::shared_ptr<const Policy> policy, events::CallEventSink* sink)
    : emergency_list_(MakeEmergency(options)),
      plan_(plan),
      home_cc_(std::to_string(plan.home_country_code())),
      clock_(clock),
      providers_(std::move(providers)),
      policy_(policy ? std::move(policy) : Policy::Default()),
      sink_(sink),
      decisions_(DecisionCounters()),
      emergency_(metrics::GetCounter("quell_screen_emergency_total",
                                     "Emergency calls and call-backs passed unscreened", {})) {
  ring_.resize(std::max<std::size_t>(options.recent_capacity, 1));
}

std::shared_ptr<const Pipeline::Emergency> Pipeline::MakeEmergency(const PipelineOptions& options) {
  auto e = std::make_shared<Emergency>();
  e->numbers = options.emergency_numbers;
  e->callers = options.emergency_callers;
  std::sort(e->callers.begin(), e->callers.end());
  e->trunks = options.emergency_trunks;
  return e;
}

void Pipeline::SetEmergency(const PipelineOptions& options) {
  emergency_list_.store(MakeEmergency(options));
}

Pipeline::~Pipeline() = default;

void Pipeline::SetPolicy(std::shared_ptr<const Policy> policy) {
  if (policy) policy_.store(std::move(policy));
}

std::vector<std::string_view> Pipeline::provider_names() const {
  std::vector<std::string_view> names;
  for (const auto& p : providers_) names.push_back(p->name());
  return names;
}

bool Pipeline::IsEmergency(const Emergency& list, std::string_view home_cc,
                           const CallAttempt& attempt, uint64_t caller) {
  if (attempt.emergency_service) return true;
  char buf[24];
  const std::string_view callee = Digits(attempt.callee, buf);
  char buf2[24];
  const std::string_view from = Digits(attempt.caller, buf2);
  const std::string_view cc = home_cc;
  // A short code as the caller is an emergency service calling back — on a
  // trunk such call-backs use. From abroad "110" can only be spoofed
  // (impersonating the police is a classic fraud), and a subscriber's own call
  // never comes from one: such calls are screened like any other.
  const bool terminating = attempt.direction == events::Direction::kTerminating;
  bool callback_trunk = false;
  if (terminating) {
    if (list.trunks.empty()) {
      callback_trunk = !attempt.international_trunk;
    } else {
      for (const std::string& t : list.trunks) callback_trunk |= t == attempt.trunk;
    }
  }
  for (const std::string& e : list.numbers) {
    if (callee == e || (callback_trunk && from == e)) return true;
    // "+86 110" and "86110": the same short code with the country code before it.
    if (callee.size() == cc.size() + e.size() && callee.starts_with(cc) && callee.ends_with(e)) {
      return true;
    }
  }
  return terminating && caller != 0 &&
         std::binary_search(list.callers.begin(), list.callers.end(), caller);
}

void Pipeline::Screen(const CallAttempt& attempt, Verdict& verdict) const {
  const auto start = std::chrono::steady_clock::now();
  verdict.signals.Clear();
  verdict.rule = nullptr;
  verdict.emergency = false;
  verdict.action = Action::kAllow;
  verdict.sip_code = 302;
  verdict.time_us =
      attempt.time_us != 0
          ? attempt.time_us
          : std::chrono::duration_cast<std::chrono::microseconds>(clock_.Now().time_since_epoch())
                .count();
  Signals& s = verdict.signals;
  s.time_us = verdict.time_us;
  s.caller = attempt.caller.empty() ? 0 : plan_.ToCompact(attempt.caller);
  s.callee = attempt.callee.empty() ? 0 : plan_.ToCompact(attempt.callee);

  if (IsEmergency(*emergency_list_.load(), home_cc_, attempt, s.caller)) {
    verdict.emergency = true;
    verdict.policy.reset();
    emergency_.Inc();
  } else {
    s.SetText(SignalId::kCallDirection,
              attempt.direction == events::Direction::kOriginating ? "originating" : "terminating");
    s.SetBool(SignalId::kCallInternationalTrunk, attempt.international_trunk);
    for (const auto& p : providers_) p->Prefetch(s);
    for (const auto& p : providers_) p->Evaluate(attempt, s);
    verdict.policy = policy_.load();
    verdict.rule = verdict.policy->Match(s);
    if (verdict.rule) {
      verdict.action = verdict.rule->action;
      verdict.sip_code = verdict.rule->sip_code;
      if (verdict.rule->hits) verdict.rule->hits->Inc();
    }
  }
  decisions_[static_cast<std::size_t>(verdict.action)].Inc();
  verdict.elapsed_ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start)
          .count();
  Record(attempt, verdict);
}

void Pipeline::Record(const CallAttempt& attempt, const Verdict& verdict) const {
  const Signals& s = verdict.signals;
  if (sink_ != nullptr) {
    events::CallEvent ev;
    ev.time_us = verdict.time_us;
    ev.caller = s.caller;
    ev.callee = s.callee;
    ev.kind = events::EventKind::kAttempt;
    ev.direction = attempt.direction;
    ev.international = attempt.international_trunk;
    ev.attest = AttestOf(s);
    ev.verstat = VerstatOf(s);
    // A blocked call never rings: record its release like a switch would
    // (Q.850 21 call rejected).
    ev.release_cause = verdict.action == Action::kBlock ? 21 : 0;
    ev.call_id.Assign(attempt.call_id);
    ev.trunk.Assign(attempt.trunk);
    sink_->Publish(ev);
  }
  Entry e;
  e.time_us = verdict.time_us;
  e.caller = s.caller;
  e.callee = s.callee;
  if (s.caller == 0) e.caller_text.Assign(attempt.caller);
  e.action = verdict.action;
  e.sip_code = verdict.sip_code;
  e.emergency = verdict.emergency;
  e.direction = attempt.direction;
  e.verstat = VerstatOf(s);
  e.rule.Assign(verdict.rule_name());
  ExplainInto(verdict, e.explain);
  e.elapsed_ns = verdict.elapsed_ns;
  const int64_t second = verdict.time_us / 1'000'000;
  std::lock_guard lock(mu_);
  ring_[next_] = e;
  next_ = (next_ + 1) % ring_.size();
  filled_ = std::min(filled_ + 1, ring_.size());
  ActivitySecond& bucket = seconds_[static_cast<std::size_t>(second % kSeconds)];
  if (bucket.second != second) {
    bucket.second = second;
    bucket.by_action = {};
  }
  ++bucket.by_action[static_cast<std::size_t>(verdict.action)];
}

std::vector<RecentVerdict> Pipeline::Recent(std::size_t limit, uint64_t number,
                                            std::optional<Action> action) const {
  // Copy the matching entries under the lock (plain bytes), build the strings
  // after it: the screening threads wait on this lock.
  std::vector<Entry> picked;
  picked.reserve(std::min(limit, ring_.size()));
  {
    std::lock_guard lock(mu_);
    for (std::size_t i = 0; i < filled_ && picked.size() < limit; ++i) {
      const Entry& e = ring_[(next_ + ring_.size() - 1 - i) % ring_.size()];
      if (number != 0 && e.caller != number && e.callee != number) continue;
      if (action && e.action != *action) continue;
      picked.push_back(e);
    }
  }
  std::vector<RecentVerdict> out;
  out.reserve(picked.size());
  for (const Entry& e : picked) {
    RecentVerdict r;
    r.time_us = e.time_us;
    r.caller = e.caller;
    r.callee = e.callee;
    r.caller_text = std::string(e.caller_text.view());
    r.action = e.action;
    r.sip_code = e.sip_code;
    r.emergency = e.emergency;
    r.direction = e.direction;
    r.verstat = e.verstat;
    r.rule = std::string(e.rule.view());
    r.explain = std::string(e.explain.view());
    r.elapsed_ns = e.elapsed_ns;
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<ActivitySecond> Pipeline::Activity(int seconds) const {
  seconds = std::clamp(seconds, 1, kSeconds);
  const int64_t now =
      std::chrono::duration_cast<std::chrono::seconds>(clock_.Now().time_since_epoch()).count();
  std::vector<ActivitySecond> out;
  std::lock_guard lock(mu_);
  for (int64_t t = now - seconds + 1; t <= now; ++t) {
    const ActivitySecond& b =
        seconds_[static_cast<std::size_t>(((t % kSeconds) + kSeconds) % kSeconds)];
    ActivitySecond a;
    a.second = t;
    if (b.second == t) a.by_action = b.by_action;
    out.push_back(a);
  }
  return out;
}

}  // namespace quell::screen
