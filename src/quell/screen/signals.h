// Signals: what the providers of the screening pipeline learned about one call,
// in one fixed vocabulary that the policy's conditions name ("caller.valid",
// "shaken.verstat", "reputation.score", ...). docs/policy.md lists every signal,
// its type and the provider that sets it.
//
// A signal is either absent (no provider set it: not configured, not built yet,
// or nothing to say) or present with a value: a boolean, a number or a short
// text. Texts are views of static or provider-owned strings, so filling Signals
// allocates nothing; one Signals object is reused per thread.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace quell::screen {

enum class SignalType : uint8_t { kBool, kNumber, kText };

enum class SignalId : uint8_t {
  // the call itself (set by the pipeline)
  kCallDirection,           // text: terminating | originating
  kCallInternationalTrunk,  // bool: arrived on an international trunk
  // numbering
  kCallerPresent,                   // bool: the call carries a calling number
  kCallerValid,                     // bool: valid in the numbering plan
  kCallerType,                      // text: mobile, fixed_line, toll_free, ...
  kCallerRegion,                    // text: ISO region, "ZZ" unknown
  kCallerInternational,             // bool: a foreign number
  kCallerDomesticViaInternational,  // bool: a home-country number on an international trunk
  kCallerDoNotOriginate,            // bool: on the do-not-originate list
  kCalleeValid,                     // bool
  kCalleeType,                      // text
  // caller authentication (STIR/SHAKEN)
  kShakenVerstat,  // text: passed | failed | no_validation
  kShakenCode,     // number: 0 passed; 403, 428, 436, 437, 438
  kShakenAttest,   // text: A | B | C (of a verified PASSporT)
  kShakenSigned,   // text: A | B | C (originating calls Quell signed)
  // sanctions
  kSanctionListed,  // bool
  // Do-Not-Call registry
  kDncProtected,     // bool: callee refuses this caller's category at this time
  kCallerMarketing,  // bool: a number an organisation declared for marketing
  kCallerCategory,   // text: the category declared for the number
  kDncOutsideHours,  // bool: marketing outside the statutory calling hours
  // reputation
  kReputationLabel,       // text: a nuisance kind (marketing, fraud, ...)
  kReputationScore,       // number: 0..100
  kReputationConfidence,  // number: 0..1
  kReputationRange,       // bool: the number's block of ten or hundred is heavily reported
  // live behaviour (detection engine)
  kBehaviourFinding,        // text: nuisance kind of the caller's strongest active finding
  kBehaviourSeverity,       // number: 0..100
  kBehaviourBombingCaller,  // bool: caller takes part in call bombing of this callee
  kCalleeOneRingSource,     // bool: callee one-rang many numbers (wangiri call-back guard)
  kCount,
};

struct SignalInfo {
  SignalId id;
  std::string_view name;  // "caller.valid"
  SignalType type;
  std::string_view provider;  // "numbering", "shaken", ...
  std::string_view help;
};

// Every signal, in SignalId order.
std::span<const SignalInfo> AllSignals();
const SignalInfo& InfoOf(SignalId id);
std::optional<SignalId> ParseSignal(std::string_view name);

struct SignalValue {
  bool present = false;
  double number = 0;      // kBool: 0 or 1; kNumber: the value
  std::string_view text;  // kText
};

class Signals {
 public:
  void Clear() {
    for (auto& v : values_) v.present = false;
    shaken_detail.clear();
    shaken_signer.clear();
    identity.clear();
  }
  void SetBool(SignalId id, bool b) { values_[Index(id)] = {true, b ? 1.0 : 0.0, {}}; }
  void SetNumber(SignalId id, double n) { values_[Index(id)] = {true, n, {}}; }
  // `text` must outlive the decision (static, or one of the buffers below).
  void SetText(SignalId id, std::string_view text) { values_[Index(id)] = {true, 0, text}; }
  const SignalValue& Get(SignalId id) const { return values_[Index(id)]; }
  bool Has(SignalId id) const { return values_[Index(id)].present; }
  bool IsTrue(SignalId id) const { return Get(id).present && Get(id).number != 0; }

  // The value as text for explanations: "true", "608", "CN", "".
  std::string Format(SignalId id) const;
  // Format's text appended to `out` (no allocation beyond out's own growth).
  void AppendFormat(SignalId id, std::string& out) const;

  // Compact E.164 of the caller and callee (0 = none / not a number).
  uint64_t caller = 0;
  uint64_t callee = 0;
  // The call's time (Unix µs UTC), set by the pipeline before any provider runs.
  int64_t time_us = 0;
  // Buffers providers own for the life of the decision (capacity reused).
  std::string shaken_detail;   // why verification failed
  std::string shaken_signer;   // certificate subject of a verified call
  std::string identity;        // the Identity header Quell signed (originating)
  char caller_region[3] = {};  // storage for the caller.region text

 private:
  static std::size_t Index(SignalId id) { return static_cast<std::size_t>(id); }
  std::array<SignalValue, static_cast<std::size_t>(SignalId::kCount)> values_{};
};

}  // namespace quell::screen
