#include "quell/screen/numbering_provider.h"

#include <algorithm>
#include <fstream>

namespace quell::screen {
namespace {

// Callers that withhold their number (RFC 3323 "anonymous", and what switches
// write for it): no number at all, rather than an invalid one.
bool Withheld(std::string_view user) {
  if (user.empty()) return true;
  for (std::string_view w :
       {"anonymous", "unknown", "unavailable", "restricted", "private", "withheld"}) {
    if (user.size() != w.size()) continue;
    bool same = true;
    for (std::size_t i = 0; i < w.size() && same; ++i) {
      const char c = user[i] >= 'A' && user[i] <= 'Z' ? static_cast<char>(user[i] + 32) : user[i];
      same = c == w[i];
    }
    if (same) return true;
  }
  return false;
}

}  // namespace

Result<NumberSet> LoadNumberList(const std::string& path, std::string_view region) {
  std::ifstream in(path);
  if (!in) return NotFound("cannot read number list " + path);
  NumberSet numbers;
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    std::string_view v = line;
    if (const auto hash = v.find('#'); hash != std::string_view::npos) v = v.substr(0, hash);
    while (!v.empty() && (v.back() == ' ' || v.back() == '\t' || v.back() == '\r')) {
      v.remove_suffix(1);
    }
    while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
    if (v.empty()) continue;
    auto n = PhoneNumber::ParsePossible(v, region);
    if (!n)
      return InvalidArgument(path + ":" + std::to_string(line_no) + ": " + n.status().message());
    numbers.push_back(n->compact());
  }
  std::sort(numbers.begin(), numbers.end());
  numbers.erase(std::unique(numbers.begin(), numbers.end()), numbers.end());
  return numbers;
}

NumberingProvider::NumberingProvider(const NumberPlan& plan, NumberSet do_not_originate)
    : plan_(plan) {
  SetDoNotOriginate(std::move(do_not_originate));
}

void NumberingProvider::SetDoNotOriginate(NumberSet numbers) {
  std::sort(numbers.begin(), numbers.end());
  dno_.store(std::make_shared<const NumberSet>(std::move(numbers)));
}

std::size_t NumberingProvider::do_not_originate_size() const { return dno_.load()->size(); }

void NumberingProvider::Prefetch(const Signals& s) const {
  plan_.Prefetch(s.caller);
  plan_.Prefetch(s.callee);
}

void NumberingProvider::Evaluate(const CallAttempt& attempt, Signals& s) const {
  // Anonymous callers ("anonymous", an empty user) carry no number at all; any
  // other caller that is not a number ("+12", "alice") is present and invalid.
  const bool present = s.caller != 0 || !Withheld(attempt.caller);
  s.SetBool(SignalId::kCallerPresent, present);
  if (present) {
    const NumberInfo info = plan_.Classify(s.caller);
    s.SetBool(SignalId::kCallerValid, info.valid);
    if (s.caller != 0) {
      s.SetText(SignalId::kCallerType, NumberTypeName(info.type));
      s.caller_region[0] = info.region[0];
      s.caller_region[1] = info.region[1];
      s.SetText(SignalId::kCallerRegion, std::string_view(s.caller_region, 2));
      const bool foreign = info.Region() != plan_.home_region() && info.Region() != "ZZ";
      s.SetBool(SignalId::kCallerInternational, foreign);
      s.SetBool(SignalId::kCallerDomesticViaInternational,
                attempt.international_trunk && info.valid && info.Region() == plan_.home_region());
      const auto dno = dno_.load(std::memory_order_acquire);
      s.SetBool(SignalId::kCallerDoNotOriginate,
                std::binary_search(dno->begin(), dno->end(), s.caller));
    }
  }
  if (s.callee != 0) {
    const NumberInfo info = plan_.Classify(s.callee);
    s.SetBool(SignalId::kCalleeValid, info.valid);
    s.SetText(SignalId::kCalleeType, NumberTypeName(info.type));
  }
}

}  // namespace quell::screen
