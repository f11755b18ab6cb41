#include "quell/shaken/passport.h"

#include "quell/shaken/base64url.h"
#include "quell/shaken/internal/json.h"
#include "quell/shaken/internal/quote.h"

namespace quell::shaken {
namespace {

using internal::JsonValue;

constexpr std::string_view kShaken = "shaken";
constexpr std::string_view kDiv = "div";
constexpr std::string_view kRcd = "rcd";

std::string Quote(std::string_view s) { return internal::QuoteUntrusted(s, 40); }

Status CheckIat(int64_t iat) {
  if (iat < 1 || iat > kMaxIat) {
    return InvalidArgument("iat " + std::to_string(iat) + " is outside 1.." +
                           std::to_string(kMaxIat));
  }
  return Status::Ok();
}

Result<Attestation> ParseAttestation(std::string_view s) {
  if (s == "A") return Attestation::kFull;
  if (s == "B") return Attestation::kPartial;
  if (s == "C") return Attestation::kGateway;
  return InvalidArgument("attest " + Quote(s) + " is not \"A\", \"B\" or \"C\"");
}

// Shared by encoder and decoder so that whatever decodes also encodes.
Status CheckClaimsShape(const PassportClaims& c, std::string_view ppt) {
  QUELL_RETURN_IF_ERROR(CheckIat(c.iat));
  if (c.orig_tn.empty() && c.orig_uri.empty()) {
    return InvalidArgument("orig has neither a tn nor a uri");
  }
  if (!c.orig_tn.empty() && !c.orig_uri.empty()) {
    return InvalidArgument("orig has both a tn and a uri; RFC 8225 §5.2.1 allows one");
  }
  if (c.dest_tn.empty() && c.dest_uri.empty()) {
    return InvalidArgument("dest has neither a tn nor a uri");
  }
  if (!c.div_tn.empty() && !c.div_uri.empty()) {
    return InvalidArgument("div has both a tn and a uri; RFC 8946 §3 allows one");
  }
  if (ppt == kShaken) {
    if (c.attest == Attestation::kNone) return InvalidArgument("attest is required for ppt shaken");
    if (c.origid.empty()) return InvalidArgument("origid is required for ppt shaken");
    if (c.orig_tn.empty()) return InvalidArgument("orig.tn is required for ppt shaken");
  }
  if (ppt == kDiv && c.div_tn.empty() && c.div_uri.empty()) {
    return InvalidArgument("div is required for ppt div");
  }
  if (ppt == kRcd && c.rcd.nam.empty()) return InvalidArgument("rcd.nam is required for ppt rcd");
  return Status::Ok();
}

// --- decoding helpers -------------------------------------------------------

Result<const JsonValue*> Member(const JsonValue& obj, std::string_view where, std::string_view name,
                                JsonValue::Type type, bool required) {
  const JsonValue* v = obj.Find(name);
  if (v == nullptr) {
    if (required)
      return InvalidArgument(std::string(where) + ": \"" + std::string(name) + "\" is missing");
    return static_cast<const JsonValue*>(nullptr);
  }
  if (v->type != type) {
    return InvalidArgument(std::string(where) + ": \"" + std::string(name) + "\" must be a " +
                           std::string(internal::JsonTypeName(type)) + ", not a " +
                           std::string(internal::JsonTypeName(v->type)));
  }
  return v;
}

Result<std::vector<std::string>> StringArray(const JsonValue& array, std::string_view where,
                                             bool telephone_numbers) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < array.items.size(); ++i) {
    const JsonValue& item = array.items[i];
    const std::string at = std::string(where) + "[" + std::to_string(i) + "]";
    if (item.type != JsonValue::Type::kString) {
      return InvalidArgument(at + " must be a string, not a " +
                             std::string(internal::JsonTypeName(item.type)));
    }
    if (telephone_numbers) {
      auto tn = CanonicalizeTn(item.text);
      if (!tn) return tn.status().WithContext(at);
      out.push_back(std::move(*tn));
    } else {
      out.push_back(item.text);
    }
  }
  return out;
}

Result<JsonValue> DecodeSegment(std::string_view segment, std::string_view what) {
  auto bytes = Base64UrlDecode(segment);
  if (!bytes) return bytes.status().WithContext(std::string(what));
  auto json = internal::ParseJson(*bytes);
  if (!json) return json.status().WithContext(std::string(what));
  if (json->type != JsonValue::Type::kObject) {
    return InvalidArgument(std::string(what) + ": must be a JSON object, not a " +
                           std::string(internal::JsonTypeName(json->type)));
  }
  return std::move(*json);
}

Result<PassportHeader> DecodeHeader(const JsonValue& h) {
  constexpr std::string_view kWhere = "PASSporT header";
  PassportHeader out;
  out.ppt.clear();
  QUELL_ASSIGN_OR_RETURN(auto alg, Member(h, kWhere, "alg", JsonValue::Type::kString, true));
  QUELL_ASSIGN_OR_RETURN(auto typ, Member(h, kWhere, "typ", JsonValue::Type::kString, true));
  QUELL_ASSIGN_OR_RETURN(auto x5u, Member(h, kWhere, "x5u", JsonValue::Type::kString, true));
  QUELL_ASSIGN_OR_RETURN(auto ppt, Member(h, kWhere, "ppt", JsonValue::Type::kString, false));
  out.alg = alg->text;
  out.typ = typ->text;
  out.x5u = x5u->text;
  if (ppt != nullptr) {
    if (ppt->text.empty()) return InvalidArgument("PASSporT header: \"ppt\" is empty");
    out.ppt = ppt->text;
  }
  if (out.alg.empty() || out.typ.empty() || out.x5u.empty()) {
    return InvalidArgument("PASSporT header: \"alg\", \"typ\" and \"x5u\" must not be empty");
  }
  return out;
}

// RFC 8946 "div" and RFC 9795 "rcd" / "crn"; all optional here, required by ppt
// in CheckClaimsShape.
Status DecodeDivAndRcd(const JsonValue& c, PassportClaims* out) {
  constexpr std::string_view kWhere = "PASSporT claims";
  QUELL_ASSIGN_OR_RETURN(auto div, Member(c, kWhere, "div", JsonValue::Type::kObject, false));
  if (div != nullptr) {
    QUELL_ASSIGN_OR_RETURN(auto tn, Member(*div, "div", "tn", JsonValue::Type::kString, false));
    QUELL_ASSIGN_OR_RETURN(auto uri, Member(*div, "div", "uri", JsonValue::Type::kString, false));
    if (tn == nullptr && uri == nullptr) {
      return InvalidArgument("PASSporT claims: div has neither a tn nor a uri");
    }
    if (tn != nullptr) {
      auto canonical = CanonicalizeTn(tn->text);
      if (!canonical) return canonical.status().WithContext("PASSporT claims: div.tn");
      out->div_tn = std::move(*canonical);
    }
    if (uri != nullptr) out->div_uri = uri->text;
  }
  QUELL_ASSIGN_OR_RETURN(auto rcd, Member(c, kWhere, "rcd", JsonValue::Type::kObject, false));
  if (rcd != nullptr) {
    struct Field {
      std::string_view name;
      std::string* target;
    };
    for (const Field& f : {Field{"nam", &out->rcd.nam}, Field{"apn", &out->rcd.apn},
                           Field{"icn", &out->rcd.icn}, Field{"jcl", &out->rcd.jcl}}) {
      QUELL_ASSIGN_OR_RETURN(auto v, Member(*rcd, "rcd", f.name, JsonValue::Type::kString, false));
      if (v != nullptr) *f.target = v->text;
    }
  }
  QUELL_ASSIGN_OR_RETURN(auto crn, Member(c, kWhere, "crn", JsonValue::Type::kString, false));
  if (crn != nullptr) out->crn = crn->text;
  return Status::Ok();
}

Result<PassportClaims> DecodeClaims(const JsonValue& c, std::string_view ppt) {
  constexpr std::string_view kWhere = "PASSporT claims";
  PassportClaims out;
  const JsonValue* iat = c.Find("iat");
  if (iat == nullptr) return InvalidArgument("PASSporT claims: \"iat\" is missing");
  if (iat->type != JsonValue::Type::kInt) {
    return InvalidArgument("PASSporT claims: \"iat\" must be an integer NumericDate, not a " +
                           std::string(internal::JsonTypeName(iat->type)));
  }
  out.iat = iat->integer;

  QUELL_ASSIGN_OR_RETURN(auto orig, Member(c, kWhere, "orig", JsonValue::Type::kObject, true));
  QUELL_ASSIGN_OR_RETURN(auto orig_tn,
                         Member(*orig, "orig", "tn", JsonValue::Type::kString, false));
  QUELL_ASSIGN_OR_RETURN(auto orig_uri,
                         Member(*orig, "orig", "uri", JsonValue::Type::kString, false));
  if (orig_tn != nullptr) {
    auto tn = CanonicalizeTn(orig_tn->text);
    if (!tn) return tn.status().WithContext("PASSporT claims: orig.tn");
    out.orig_tn = std::move(*tn);
  }
  if (orig_uri != nullptr) {
    if (orig_uri->text.empty()) return InvalidArgument("PASSporT claims: orig.uri is empty");
    out.orig_uri = orig_uri->text;
  }

  QUELL_ASSIGN_OR_RETURN(auto dest, Member(c, kWhere, "dest", JsonValue::Type::kObject, true));
  QUELL_ASSIGN_OR_RETURN(auto dest_tn, Member(*dest, "dest", "tn", JsonValue::Type::kArray, false));
  QUELL_ASSIGN_OR_RETURN(auto dest_uri,
                         Member(*dest, "dest", "uri", JsonValue::Type::kArray, false));
  if (dest_tn != nullptr) {
    QUELL_ASSIGN_OR_RETURN(out.dest_tn, StringArray(*dest_tn, "PASSporT claims: dest.tn", true));
  }
  if (dest_uri != nullptr) {
    QUELL_ASSIGN_OR_RETURN(out.dest_uri,
                           StringArray(*dest_uri, "PASSporT claims: dest.uri", false));
  }

  QUELL_ASSIGN_OR_RETURN(auto attest, Member(c, kWhere, "attest", JsonValue::Type::kString, false));
  if (attest != nullptr) {
    auto level = ParseAttestation(attest->text);
    if (!level) return level.status().WithContext(std::string(kWhere));
    out.attest = *level;
  }
  QUELL_ASSIGN_OR_RETURN(auto origid, Member(c, kWhere, "origid", JsonValue::Type::kString, false));
  if (origid != nullptr) out.origid = origid->text;
  QUELL_RETURN_IF_ERROR(DecodeDivAndRcd(c, &out));

  Status shape = CheckClaimsShape(out, ppt);
  if (!shape.ok()) return shape.WithContext(std::string(kWhere));
  return out;
}

}  // namespace

Result<std::string> CanonicalizeTn(std::string_view tn) {
  std::string out;
  out.reserve(tn.size());
  for (std::size_t i = 0; i < tn.size(); ++i) {
    const char c = tn[i];
    if ((c >= '0' && c <= '9') || c == '*' || c == '#') {
      out.push_back(c);
    } else if (c == '+' && i == 0) {
      continue;
    } else if (c == '-' || c == '.' || c == '(' || c == ')') {
      continue;  // RFC 3966 visual separators
    } else {
      return InvalidArgument("telephone number " + Quote(tn) + ": character " +
                             Quote(tn.substr(i, 1)) + " at offset " + std::to_string(i) +
                             " is not a digit, '*', '#', a leading '+' or a visual separator");
    }
  }
  if (out.empty()) return InvalidArgument("telephone number " + Quote(tn) + " has no digits");
  return out;
}

Result<std::string> EncodeHeaderJson(const PassportHeader& header) {
  if (header.alg.empty() || header.typ.empty() || header.x5u.empty()) {
    return InvalidArgument("PASSporT header: alg, typ and x5u must not be empty");
  }
  JsonValue h = JsonValue::Object();
  h.Add("alg", JsonValue::String(header.alg));
  if (!header.ppt.empty()) h.Add("ppt", JsonValue::String(header.ppt));
  h.Add("typ", JsonValue::String(header.typ));
  h.Add("x5u", JsonValue::String(header.x5u));
  return internal::WriteCanonicalJson(h);
}

Result<std::string> EncodeClaimsJson(const PassportClaims& claims, std::string_view ppt) {
  Status shape = CheckClaimsShape(claims, ppt);
  if (!shape.ok()) return shape.WithContext("PASSporT claims");
  JsonValue c = JsonValue::Object();
  if (claims.attest != Attestation::kNone) {
    c.Add("attest", JsonValue::String(std::string(1, static_cast<char>(claims.attest))));
  }
  JsonValue dest = JsonValue::Object();
  if (!claims.dest_tn.empty()) {
    JsonValue tns = JsonValue::Array({});
    for (const auto& raw : claims.dest_tn) {
      auto tn = CanonicalizeTn(raw);
      if (!tn) return tn.status().WithContext("PASSporT claims: dest.tn");
      tns.items.push_back(JsonValue::String(std::move(*tn)));
    }
    dest.Add("tn", std::move(tns));
  }
  if (!claims.dest_uri.empty()) {
    JsonValue uris = JsonValue::Array({});
    for (const auto& uri : claims.dest_uri) uris.items.push_back(JsonValue::String(uri));
    dest.Add("uri", std::move(uris));
  }
  c.Add("dest", std::move(dest));
  c.Add("iat", JsonValue::Int(claims.iat));
  JsonValue orig = JsonValue::Object();
  if (!claims.orig_tn.empty()) {
    auto orig_tn = CanonicalizeTn(claims.orig_tn);
    if (!orig_tn) return orig_tn.status().WithContext("PASSporT claims: orig.tn");
    orig.Add("tn", JsonValue::String(std::move(*orig_tn)));
  } else {
    orig.Add("uri", JsonValue::String(claims.orig_uri));
  }
  c.Add("orig", std::move(orig));
  if (!claims.origid.empty()) c.Add("origid", JsonValue::String(claims.origid));
  if (!claims.div_tn.empty() || !claims.div_uri.empty()) {
    JsonValue div = JsonValue::Object();
    if (!claims.div_tn.empty()) {
      auto div_tn = CanonicalizeTn(claims.div_tn);
      if (!div_tn) return div_tn.status().WithContext("PASSporT claims: div.tn");
      div.Add("tn", JsonValue::String(std::move(*div_tn)));
    } else {
      div.Add("uri", JsonValue::String(claims.div_uri));
    }
    c.Add("div", std::move(div));
  }
  if (!claims.rcd.empty()) {
    JsonValue rcd = JsonValue::Object();
    if (!claims.rcd.nam.empty()) rcd.Add("nam", JsonValue::String(claims.rcd.nam));
    if (!claims.rcd.apn.empty()) rcd.Add("apn", JsonValue::String(claims.rcd.apn));
    if (!claims.rcd.icn.empty()) rcd.Add("icn", JsonValue::String(claims.rcd.icn));
    if (!claims.rcd.jcl.empty()) rcd.Add("jcl", JsonValue::String(claims.rcd.jcl));
    c.Add("rcd", std::move(rcd));
  }
  if (!claims.crn.empty()) c.Add("crn", JsonValue::String(claims.crn));
  return internal::WriteCanonicalJson(c);
}

Result<std::string> EncodeSigningInput(const Passport& passport) {
  QUELL_ASSIGN_OR_RETURN(std::string header, EncodeHeaderJson(passport.header));
  QUELL_ASSIGN_OR_RETURN(std::string claims,
                         EncodeClaimsJson(passport.claims, passport.header.ppt));
  return Base64UrlEncode(header) + "." + Base64UrlEncode(claims);
}

Result<std::string> EncodeCompactJws(const Passport& passport, std::string_view signature) {
  if (signature.empty()) return InvalidArgument("JWS: empty signature");
  QUELL_ASSIGN_OR_RETURN(std::string input, EncodeSigningInput(passport));
  return input + "." + Base64UrlEncode(signature);
}

Result<DecodedPassport> DecodeCompactJws(std::string_view jws) {
  const std::size_t first = jws.find('.');
  const std::size_t second = first == std::string_view::npos ? first : jws.find('.', first + 1);
  if (second == std::string_view::npos || jws.find('.', second + 1) != std::string_view::npos) {
    std::size_t dots = 0;
    for (char c : jws) dots += c == '.';
    return InvalidArgument("JWS has " + std::to_string(dots + 1) +
                           " segments, expected 3 (header.claims.signature)");
  }
  const std::string_view h = jws.substr(0, first);
  const std::string_view c = jws.substr(first + 1, second - first - 1);
  const std::string_view s = jws.substr(second + 1);
  if (h.empty() || c.empty()) {
    return InvalidArgument(
        "JWS in compact form (empty header or claims) is not accepted: SHAKEN requires the full "
        "form (ATIS-1000074 §5.3.3)");
  }
  if (s.empty()) return InvalidArgument("JWS: empty signature segment");

  DecodedPassport out;
  QUELL_ASSIGN_OR_RETURN(JsonValue header_json, DecodeSegment(h, "PASSporT header"));
  QUELL_ASSIGN_OR_RETURN(JsonValue claims_json, DecodeSegment(c, "PASSporT claims"));
  QUELL_ASSIGN_OR_RETURN(out.passport.header, DecodeHeader(header_json));
  QUELL_ASSIGN_OR_RETURN(out.passport.claims, DecodeClaims(claims_json, out.passport.header.ppt));
  auto sig = Base64UrlDecode(s);
  if (!sig) return sig.status().WithContext("JWS signature");
  out.signature = std::move(*sig);
  out.signing_input = std::string(jws.substr(0, second));
  return out;
}

namespace {

Status ValidateAlgTyp(const Passport& p) {
  if (p.header.alg != "ES256") {
    return InvalidArgument("PASSporT alg " + Quote(p.header.alg) +
                           " is not supported; SHAKEN uses ES256");
  }
  if (p.header.typ != "passport") {
    return InvalidArgument("PASSporT typ " + Quote(p.header.typ) + " is not \"passport\"");
  }
  return Status::Ok();
}

}  // namespace

Status ValidateDiv(const Passport& p) {
  QUELL_RETURN_IF_ERROR(ValidateAlgTyp(p));
  if (p.header.ppt != kDiv) {
    return InvalidArgument("PASSporT ppt " + Quote(p.header.ppt) + " is not \"div\"");
  }
  if (p.header.x5u.empty()) return InvalidArgument("PASSporT x5u is empty");
  if (p.claims.orig_tn.empty()) return InvalidArgument("div PASSporT orig.tn is missing");
  if (p.claims.dest_tn.size() != 1) {
    return InvalidArgument("div PASSporT must have exactly one dest.tn, has " +
                           std::to_string(p.claims.dest_tn.size()));
  }
  if (p.claims.div_tn.empty()) return InvalidArgument("div PASSporT div.tn is missing");
  return Status::Ok();
}

Status ValidateShaken(const Passport& p) {
  QUELL_RETURN_IF_ERROR(ValidateAlgTyp(p));
  if (p.header.ppt != kShaken) {
    return InvalidArgument("PASSporT ppt " + Quote(p.header.ppt) + " is not \"shaken\"");
  }
  if (p.header.x5u.empty()) return InvalidArgument("PASSporT x5u is empty");
  if (p.claims.attest == Attestation::kNone) return InvalidArgument("PASSporT attest is missing");
  if (p.claims.origid.empty()) return InvalidArgument("PASSporT origid is missing");
  if (p.claims.orig_tn.empty()) return InvalidArgument("PASSporT orig.tn is missing");
  if (p.claims.dest_tn.empty()) return InvalidArgument("PASSporT dest.tn is missing or empty");
  return Status::Ok();
}

}  // namespace quell::shaken
