#include "quell/screen/signals.h"

#include <charconv>
#include <cmath>

namespace quell::screen {
namespace {

using T = SignalType;
using S = SignalId;

constexpr SignalInfo kSignals[] = {
    {S::kCallDirection, "call.direction", T::kText, "pipeline",
     "terminating (arriving for a subscriber) or originating (placed by one)"},
    {S::kCallInternationalTrunk, "call.international_trunk", T::kBool, "pipeline",
     "the call arrived on a trunk configured as international"},
    {S::kCallerPresent, "caller.present", T::kBool, "numbering",
     "the call names a caller (not withheld: \"anonymous\", \"unknown\", empty)"},
    {S::kCallerValid, "caller.valid", T::kBool, "numbering",
     "the calling number is valid in the numbering plan"},
    {S::kCallerType, "caller.type", T::kText, "numbering",
     "mobile, fixed_line, fixed_line_or_mobile, toll_free, premium_rate, voip, ..."},
    {S::kCallerRegion, "caller.region", T::kText, "numbering",
     "ISO 3166 region of the calling number (ZZ when none)"},
    {S::kCallerInternational, "caller.international", T::kBool, "numbering",
     "the calling number belongs to another country"},
    {S::kCallerDomesticViaInternational, "caller.domestic_via_international", T::kBool, "numbering",
     "a home-country calling number arriving on an international trunk"},
    {S::kCallerDoNotOriginate, "caller.do_not_originate", T::kBool, "numbering",
     "the calling number only ever receives calls (do-not-originate list)"},
    {S::kCalleeValid, "callee.valid", T::kBool, "numbering",
     "the called number is valid in the numbering plan"},
    {S::kCalleeType, "callee.type", T::kText, "numbering", "type of the called number"},
    {S::kShakenVerstat, "shaken.verstat", T::kText, "shaken",
     "passed, failed or no_validation (terminating calls)"},
    {S::kShakenCode, "shaken.code", T::kNumber, "shaken",
     "0 when verified; else the SIP code 403, 428, 436, 437 or 438"},
    {S::kShakenAttest, "shaken.attest", T::kText, "shaken",
     "attestation A, B or C of the verified PASSporT"},
    {S::kShakenSigned, "shaken.signed", T::kText, "shaken",
     "attestation A, B or C Quell signed (originating calls)"},
    {S::kSanctionListed, "sanction.listed", T::kBool, "sanctions",
     "the calling number belongs to an entity under sanction"},
    {S::kDncProtected, "dnc.protected", T::kBool, "dnc",
     "the called number refuses marketing of this caller's category at this time"},
    {S::kCallerMarketing, "caller.marketing", T::kBool, "dnc",
     "an organisation declared the calling number for marketing"},
    {S::kCallerCategory, "caller.category", T::kText, "dnc",
     "the category declared for the calling number (finance, insurance, ...)"},
    {S::kDncOutsideHours, "dnc.outside_hours", T::kBool, "dnc",
     "a marketing call outside the statutory calling hours"},
    {S::kReputationLabel, "reputation.label", T::kText, "reputation",
     "the number's label: a nuisance kind (marketing, fraud, ...)"},
    {S::kReputationScore, "reputation.score", T::kNumber, "reputation", "0 (clean) to 100"},
    {S::kReputationConfidence, "reputation.confidence", T::kNumber, "reputation",
     "0 to 1 (Wilson lower bound of the evidence)"},
    {S::kReputationRange, "reputation.range", T::kBool, "reputation",
     "the number's block of ten or hundred holds many spam-labelled numbers"},
    {S::kBehaviourFinding, "behaviour.finding", T::kText, "behaviour",
     "nuisance kind of the caller's strongest active finding"},
    {S::kBehaviourSeverity, "behaviour.severity", T::kNumber, "behaviour", "0 to 100"},
    {S::kBehaviourBombingCaller, "behaviour.bombing_caller", T::kBool, "behaviour",
     "the caller takes part in call bombing of this called number"},
    {S::kCalleeOneRingSource, "callee.one_ring_source", T::kBool, "behaviour",
     "the called number just one-rang many people (wangiri call-back)"},
};
static_assert(std::size(kSignals) == static_cast<std::size_t>(SignalId::kCount));

}  // namespace

std::span<const SignalInfo> AllSignals() { return kSignals; }

const SignalInfo& InfoOf(SignalId id) { return kSignals[static_cast<std::size_t>(id)]; }

std::optional<SignalId> ParseSignal(std::string_view name) {
  for (const auto& s : kSignals) {
    if (s.name == name) return s.id;
  }
  return std::nullopt;
}

std::string Signals::Format(SignalId id) const {
  std::string s;
  AppendFormat(id, s);
  return s;
}

void Signals::AppendFormat(SignalId id, std::string& out) const {
  const SignalValue& v = Get(id);
  if (!v.present) return;
  switch (InfoOf(id).type) {
    case SignalType::kBool:
      out.append(v.number != 0 ? "true" : "false");
      return;
    case SignalType::kText:
      out.append(v.text);
      return;
    case SignalType::kNumber:
      break;
  }
  char buf[64];
  std::to_chars_result r{};
  if (v.number == std::floor(v.number) && std::abs(v.number) < 1e15) {
    r = std::to_chars(buf, buf + sizeof(buf), static_cast<int64_t>(v.number));
  } else {
    r = std::to_chars(buf, buf + sizeof(buf), v.number, std::chars_format::fixed, 6);
    if (r.ec == std::errc()) {
      while (r.ptr > buf + 1 && r.ptr[-1] == '0') --r.ptr;
      if (r.ptr[-1] == '.') --r.ptr;
    }
  }
  if (r.ec == std::errc()) out.append(buf, static_cast<std::size_t>(r.ptr - buf));
}

}  // namespace quell::screen
