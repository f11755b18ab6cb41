// TNAuthList (RFC 8226 §9): DER decoding and encoding, number coverage and
// delegation (RFC 9060), and the TN-authorisation profiles.
//
// Tagging. RFC 8226's module is "DEFINITIONS EXPLICIT TAGS", so every TNEntry
// alternative is an EXPLICIT context tag wrapped around the full universal
// encoding:
//   spc   [0] -> A0 len 16 len <IA5 chars>            e.g. 30 08 A0 06 16 04 "1234"
//   range [1] -> A1 len 30 len 16 len <start> 02 len <count>
//   one   [2] -> A2 len 16 len <digits>
// Checked against what is deployed: STI-CA certificates and libstirshaken's
// "field1=EXP:0,IA5:1234" carry 30 08 A0 06 16 04 ...; PeculiarVentures'
// asn1-rfc8226 round-trips 3008A00616043730394A ("709J"); the pyasn1-modules
// RFC 8226 vector (SPC "bogus", range 5715551212+788, one 7035551212) encodes
// the range as A1 12 30 10 ... (EXPLICIT, SEQUENCE inside). We found no
// erratum, ATIS text or deployed encoder that uses IMPLICIT tags for the range
// (A1 holding the IA5String and INTEGER directly), so IMPLICIT forms are
// refused with a message that says so, rather than guessed at. Botan once
// read several start/count pairs inside one [1]; RFC 8226 has exactly one, and
// so do we.
//
// Strictness: TelephoneNumberRange is extensible ("..."), but no extension is
// defined, and skipping unknown fields of an authorisation could widen it, so
// a range with fields after `count` is refused. A range start must be digits
// only: "count numbers from start" has no meaning for '*' or '#'.
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "quell/shaken/certificate.h"
#include "quell/shaken/internal/certificate_impl.h"
#include "quell/shaken/internal/der.h"
#include "quell/shaken/internal/quote.h"

namespace quell::shaken {

namespace {

using internal::DerElement;
using internal::DerReader;
using internal::QuoteUntrusted;

constexpr std::size_t kMaxTnDigits = 15;
constexpr std::size_t kQuoteMax = 40;

constexpr uint8_t kSpcTag = internal::kDerContextSpecific | internal::kDerConstructed | 0;
constexpr uint8_t kRangeTag = internal::kDerContextSpecific | internal::kDerConstructed | 1;
constexpr uint8_t kOneTag = internal::kDerContextSpecific | internal::kDerConstructed | 2;

bool AllDigits(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// 10^n for n <= 15.
uint64_t PowerOfTen(std::size_t n) {
  uint64_t v = 1;
  for (std::size_t i = 0; i < n; ++i) v *= 10;
  return v;
}

uint64_t DigitsValue(std::string_view s) {
  uint64_t v = 0;
  for (char c : s) v = v * 10 + static_cast<uint64_t>(c - '0');
  return v;
}

Status CheckTelephoneNumber(std::string_view tn, std::string_view what) {
  if (tn.empty() || tn.size() > kMaxTnDigits) {
    return InvalidArgument(std::string(what) + " " + QuoteUntrusted(tn, kQuoteMax) + " has " +
                           std::to_string(tn.size()) + " characters, must have 1 to 15");
  }
  for (char c : tn) {
    if (!((c >= '0' && c <= '9') || c == '#' || c == '*')) {
      return InvalidArgument(std::string(what) + " " + QuoteUntrusted(tn, kQuoteMax) +
                             " may hold only 0-9, '#' and '*'");
    }
  }
  return Status::Ok();
}

Status CheckSpc(std::string_view spc) {
  if (spc.empty()) return InvalidArgument("SPC is empty");
  for (char c : spc) {
    if (static_cast<unsigned char>(c) >= 0x80) {
      return InvalidArgument("SPC " + QuoteUntrusted(spc, kQuoteMax) + " is not an IA5String");
    }
  }
  return Status::Ok();
}

Status CheckRange(const TnRange& r) {
  QUELL_RETURN_IF_ERROR(CheckTelephoneNumber(r.start, "range start"));
  if (!AllDigits(r.start)) {
    return InvalidArgument("range start " + QuoteUntrusted(r.start, kQuoteMax) +
                           " must be digits only");
  }
  if (r.count < 2) {
    return InvalidArgument("range count " + std::to_string(r.count) + " is below 2");
  }
  const uint64_t limit = PowerOfTen(r.start.size());
  const uint64_t start = DigitsValue(r.start);
  if (r.count > limit - start) {
    return InvalidArgument("range " + r.start + " + " + std::to_string(r.count) +
                           " overflows the number's " + std::to_string(r.start.size()) + " digits");
  }
  return Status::Ok();
}

// The single element inside an EXPLICIT tag.
Result<DerElement> ExplicitInner(const DerElement& outer, uint8_t inner_tag,
                                 std::string_view what) {
  DerReader r = internal::ReaderFor(outer);
  QUELL_ASSIGN_OR_RETURN(DerElement inner, r.Expect(inner_tag, what));
  if (!r.done()) {
    return InvalidArgument("DER byte " + std::to_string(r.offset()) + ": extra data after the " +
                           std::string(what));
  }
  return inner;
}

Status WithOffset(const DerElement& e, const Status& s) {
  return InvalidArgument("DER byte " + std::to_string(e.offset) + ": " + s.message());
}

Status ParseRange(const DerElement& entry, TnAuthList& list) {
  DerReader probe = internal::ReaderFor(entry);
  if (!probe.done()) {
    auto first = probe.Next();
    if (first && first->tag == internal::kDerIa5String) {
      return WithOffset(
          entry, InvalidArgument("range [1] holds start and count directly (IMPLICIT "
                                 "tagging); RFC 8226 tags are EXPLICIT: A1 { SEQUENCE { ... } }"));
    }
  }
  QUELL_ASSIGN_OR_RETURN(DerElement seq,
                         ExplicitInner(entry, internal::kDerSequence, "TelephoneNumberRange"));
  DerReader fields = internal::ReaderFor(seq);
  QUELL_ASSIGN_OR_RETURN(DerElement start, fields.Expect(internal::kDerIa5String, "range start"));
  QUELL_ASSIGN_OR_RETURN(DerElement count, fields.Expect(internal::kDerInteger, "range count"));
  if (!fields.done()) {
    return InvalidArgument("DER byte " + std::to_string(fields.offset()) +
                           ": unknown fields after the range count");
  }
  QUELL_ASSIGN_OR_RETURN(uint64_t n, internal::DecodeDerUnsigned(count));
  TnRange range{std::string(start.content), n};
  Status s = CheckRange(range);
  if (!s.ok()) return WithOffset(entry, s);
  list.ranges.push_back(std::move(range));
  return Status::Ok();
}

Status ParseEntry(const DerElement& entry, TnAuthList& list) {
  const uint8_t number = entry.tag & 0x1F;
  const bool context = (entry.tag & 0xC0) == internal::kDerContextSpecific;
  if (context && number <= 2 && (entry.tag & internal::kDerConstructed) == 0) {
    return WithOffset(entry, InvalidArgument("TNEntry [" + std::to_string(number) +
                                             "] is primitive (IMPLICIT tagging); RFC 8226 "
                                             "tags are EXPLICIT"));
  }
  switch (entry.tag) {
    case kSpcTag: {
      QUELL_ASSIGN_OR_RETURN(DerElement spc,
                             ExplicitInner(entry, internal::kDerIa5String, "SPC IA5String"));
      Status s = CheckSpc(spc.content);
      if (!s.ok()) return WithOffset(entry, s);
      list.spcs.emplace_back(spc.content);
      return Status::Ok();
    }
    case kRangeTag:
      return ParseRange(entry, list);
    case kOneTag: {
      QUELL_ASSIGN_OR_RETURN(DerElement one, ExplicitInner(entry, internal::kDerIa5String,
                                                           "TelephoneNumber IA5String"));
      Status s = CheckTelephoneNumber(one.content, "TN");
      if (!s.ok()) return WithOffset(entry, s);
      list.tns.emplace_back(one.content);
      return Status::Ok();
    }
    default:
      return WithOffset(entry,
                        InvalidArgument("unknown TNEntry tag " + internal::TagName(entry.tag) +
                                        " (expected A0 spc, A1 range or A2 one)"));
  }
}

// Closed intervals of numbers of one length.
struct Interval {
  std::size_t length;
  uint64_t first;
  uint64_t last;
};

// The numeric numbers and ranges of `list`, sorted and with adjacent or
// overlapping intervals of the same length merged.
std::vector<Interval> MergedIntervals(const TnAuthList& list) {
  std::vector<Interval> v;
  for (const auto& tn : list.tns) {
    if (!tn.empty() && tn.size() <= kMaxTnDigits && AllDigits(tn)) {
      const uint64_t n = DigitsValue(tn);
      v.push_back({tn.size(), n, n});
    }
  }
  for (const auto& r : list.ranges) {
    if (CheckRange(r).ok()) {
      const uint64_t first = DigitsValue(r.start);
      v.push_back({r.start.size(), first, first + r.count - 1});
    }
  }
  std::sort(v.begin(), v.end(), [](const Interval& a, const Interval& b) {
    return a.length != b.length ? a.length < b.length : a.first < b.first;
  });
  std::vector<Interval> merged;
  for (const auto& i : v) {
    if (!merged.empty() && merged.back().length == i.length && i.first <= merged.back().last + 1) {
      merged.back().last = std::max(merged.back().last, i.last);
    } else {
      merged.push_back(i);
    }
  }
  return merged;
}

bool IntervalCovered(const std::vector<Interval>& merged, const Interval& want) {
  // The last merged interval of the same length starting at or before want.first.
  auto it = std::upper_bound(
      merged.begin(), merged.end(), want, [](const Interval& w, const Interval& m) {
        return w.length != m.length ? w.length < m.length : w.first < m.first;
      });
  if (it == merged.begin()) return false;
  --it;
  return it->length == want.length && it->first <= want.first && want.last <= it->last;
}

}  // namespace

Result<TnAuthList> ParseTnAuthList(std::string_view der) {
  if (der.empty()) return InvalidArgument("TNAuthList: empty input");
  DerReader top(der);
  auto seq = top.Expect(internal::kDerSequence, "TNAuthorizationList SEQUENCE");
  if (!seq) return seq.status().WithContext("TNAuthList");
  if (!top.done()) {
    return InvalidArgument("TNAuthList: " + std::to_string(der.size() - top.offset()) +
                           " trailing bytes after the SEQUENCE");
  }
  DerReader entries = internal::ReaderFor(*seq);
  if (entries.done()) return InvalidArgument("TNAuthList: the list is empty (SIZE (1..MAX))");
  TnAuthList list;
  while (!entries.done()) {
    auto entry = entries.Next();
    if (!entry) return entry.status().WithContext("TNAuthList");
    Status s = ParseEntry(*entry, list);
    if (!s.ok()) return s.WithContext("TNAuthList");
  }
  return list;
}

Result<std::string> EncodeTnAuthList(const TnAuthList& list) {
  if (list.empty()) return InvalidArgument("TNAuthList: the list is empty (SIZE (1..MAX))");
  std::string entries;
  for (const auto& spc : list.spcs) {
    QUELL_RETURN_IF_ERROR(CheckSpc(spc).WithContext("TNAuthList"));
    std::string inner;
    internal::AppendDer(inner, internal::kDerIa5String, spc);
    internal::AppendDer(entries, kSpcTag, inner);
  }
  for (const auto& r : list.ranges) {
    QUELL_RETURN_IF_ERROR(CheckRange(r).WithContext("TNAuthList"));
    std::string fields;
    internal::AppendDer(fields, internal::kDerIa5String, r.start);
    internal::AppendDer(fields, internal::kDerInteger, internal::DerUnsignedContent(r.count));
    std::string seq;
    internal::AppendDer(seq, internal::kDerSequence, fields);
    internal::AppendDer(entries, kRangeTag, seq);
  }
  for (const auto& tn : list.tns) {
    QUELL_RETURN_IF_ERROR(CheckTelephoneNumber(tn, "TN").WithContext("TNAuthList"));
    std::string inner;
    internal::AppendDer(inner, internal::kDerIa5String, tn);
    internal::AppendDer(entries, kOneTag, inner);
  }
  std::string out;
  internal::AppendDer(out, internal::kDerSequence, entries);
  return out;
}

bool TnAuthListCovers(const TnAuthList& list, std::string_view tn) {
  if (tn.empty()) return false;
  if (std::find(list.tns.begin(), list.tns.end(), tn) != list.tns.end()) return true;
  if (tn.size() > kMaxTnDigits || !AllDigits(tn)) return false;
  const uint64_t n = DigitsValue(tn);
  for (const auto& r : list.ranges) {
    if (r.start.size() != tn.size() || !CheckRange(r).ok()) continue;
    const uint64_t first = DigitsValue(r.start);
    if (n >= first && n - first < r.count) return true;
  }
  return false;
}

bool TnAuthListEncompasses(const TnAuthList& outer, const TnAuthList& inner) {
  // An SPC stands for numbers we cannot see, so it is only encompassed by the
  // same SPC; numbers behind an outer SPC do not encompass inner numbers
  // (fail closed: the header's contract is about numbers the lists show).
  for (const auto& spc : inner.spcs) {
    if (std::find(outer.spcs.begin(), outer.spcs.end(), spc) == outer.spcs.end()) return false;
  }
  const std::vector<Interval> merged = MergedIntervals(outer);
  for (const auto& tn : inner.tns) {
    if (!TnAuthListCovers(outer, tn)) return false;
  }
  for (const auto& r : inner.ranges) {
    if (!CheckRange(r).ok()) return false;
    const uint64_t first = DigitsValue(r.start);
    if (!IntervalCovered(merged, {r.start.size(), first, first + r.count - 1})) return false;
  }
  return true;
}

namespace {

bool IsSpcFormat(std::string_view spc) {
  return !spc.empty() && std::all_of(spc.begin(), spc.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  });
}

std::string Name(const Certificate& c) { return "'" + c.subject() + "'"; }

Status CheckSpcProfile(const Certificate& leaf) {
  const auto& list = leaf.tn_auth_list();
  if (!list) return PermissionDenied("no TNAuthList in certificate " + Name(leaf));
  if (leaf.tn_auth_list_critical()) {
    return PermissionDenied("TNAuthList is critical in certificate " + Name(leaf) +
                            " (ATIS-1000080: not critical)");
  }
  if (!list->tns.empty() || !list->ranges.empty()) {
    return PermissionDenied("TNAuthList of certificate " + Name(leaf) +
                            " lists telephone numbers; a SHAKEN certificate carries one SPC only");
  }
  if (list->spcs.size() != 1) {
    return PermissionDenied("TNAuthList of certificate " + Name(leaf) + " has " +
                            std::to_string(list->spcs.size()) + " SPCs; SHAKEN needs exactly one");
  }
  if (!IsSpcFormat(list->spcs[0])) {
    return PermissionDenied("SPC " + QuoteUntrusted(list->spcs[0], kQuoteMax) +
                            " is not [A-Z0-9]+ (certificate " + Name(leaf) + ")");
  }
  return Status::Ok();
}

Status CheckTnProfile(const CertificateChain& chain, std::string_view orig_tn) {
  const auto& list = chain.leaf.tn_auth_list();
  if (!list) return PermissionDenied("no TNAuthList in certificate " + Name(chain.leaf));
  if (!TnAuthListCovers(*list, orig_tn)) {
    return PermissionDenied("number " + QuoteUntrusted(orig_tn, kQuoteMax) +
                            " is not covered by the certificate " + Name(chain.leaf));
  }
  // RFC 9060: every delegating CA above the leaf must encompass the leaf's list.
  // The bundle is the signer's to choose, and name and key-id matching
  // (X509_check_issued) cannot tell which of two look-alike CAs OpenSSL's path
  // went through; so every CA in the bundle that could be an ancestor is held
  // to it (a decoy can only add constraints, never remove one). A CA without a
  // list constrains nothing but its own issuers are still searched.
  std::vector<const Certificate*> frontier = {&chain.leaf};
  std::vector<bool> seen(chain.intermediates.size(), false);
  while (!frontier.empty()) {
    X509* child = internal::CertificateAccess::X509Of(*frontier.back());
    frontier.pop_back();
    for (std::size_t k = 0; k < chain.intermediates.size(); ++k) {
      if (seen[k]) continue;
      const Certificate& candidate = chain.intermediates[k];
      X509* ca = internal::CertificateAccess::X509Of(candidate);
      if (ca == child || X509_check_issued(ca, child) != X509_V_OK) continue;
      seen[k] = true;
      if (candidate.tn_auth_list() && !TnAuthListEncompasses(*candidate.tn_auth_list(), *list)) {
        ERR_clear_error();
        return PermissionDenied("TNAuthList of CA certificate " + Name(candidate) +
                                " does not encompass that of " + Name(chain.leaf) +
                                " (RFC 9060 delegation)");
      }
      frontier.push_back(&candidate);
    }
  }
  ERR_clear_error();
  return Status::Ok();
}

}  // namespace

Status CheckTnAuthorization(const CertificateChain& chain, TnAuthProfile profile,
                            std::string_view orig_tn) {
  switch (profile) {
    case TnAuthProfile::kSpc:
      return CheckSpcProfile(chain.leaf);
    case TnAuthProfile::kTn:
      return CheckTnProfile(chain, orig_tn);
  }
  return Internal("unknown TNAuthList profile");
}

}  // namespace quell::shaken
