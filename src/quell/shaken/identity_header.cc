#include "quell/shaken/identity_header.h"

#include <optional>

#include "quell/shaken/base64url.h"
#include "quell/shaken/internal/quote.h"

namespace quell::shaken {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// RFC 3261 token characters.
bool IsTokenChar(char c) {
  return IsAlpha(c) || (c >= '0' && c <= '9') ||
         std::string_view("-.!%*_+`'~").find(c) != std::string_view::npos;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string Shown(std::string_view s) { return internal::QuoteUntrusted(s, 60); }

Status CheckJws(std::string_view jws) {
  std::size_t segments = 1;
  for (char c : jws) segments += c == '.';
  if (segments != 3) {
    return InvalidArgument("Identity: JWS has " + std::to_string(segments) +
                           " segments, expected 3 (header.claims.signature)");
  }
  const std::size_t first = jws.find('.');
  const std::size_t second = jws.find('.', first + 1);
  if (first == 0 || second == first + 1) {
    return InvalidArgument(
        "Identity: compact form (empty header or claims) is not accepted; SHAKEN requires the full "
        "form");
  }
  if (second + 1 == jws.size()) return InvalidArgument("Identity: empty signature segment");
  for (std::size_t i = 0; i < jws.size(); ++i) {
    if (jws[i] != '.' && !IsBase64UrlAlphabet(jws.substr(i, 1))) {
      return InvalidArgument("Identity: character " + Shown(jws.substr(i, 1)) + " at offset " +
                             std::to_string(i) +
                             " of the JWS is not base64url (RFC 8224 errata 6499)");
    }
  }
  return Status::Ok();
}

// absolute-URI of RFC 3986: scheme ":" something, no white space or controls.
Status CheckInfoUri(std::string_view uri) {
  std::size_t i = 0;
  while (i < uri.size() &&
         (IsAlpha(uri[i]) || (i > 0 && ((uri[i] >= '0' && uri[i] <= '9') || uri[i] == '+' ||
                                        uri[i] == '-' || uri[i] == '.')))) {
    ++i;
  }
  if (i == 0 || i >= uri.size() || uri[i] != ':' || i + 1 == uri.size()) {
    return InvalidArgument("Identity: info " + Shown(uri) + " is not an absolute URI");
  }
  for (char c : uri) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f || c == '<' || c == '>' || c == '"') {
      return InvalidArgument("Identity: info " + Shown(uri) +
                             " contains a character not allowed in a URI");
    }
  }
  return Status::Ok();
}

class ParamReader {
 public:
  explicit ParamReader(std::string_view s) : s_(s) {}

  bool AtEnd() const { return pos_ >= s_.size(); }
  void SkipSpace() {
    while (pos_ < s_.size() && IsSpace(s_[pos_])) ++pos_;
  }
  char Peek() const { return s_[pos_]; }
  void Advance() { ++pos_; }
  std::size_t pos() const { return pos_; }

  std::string_view Token() {
    const std::size_t start = pos_;
    while (pos_ < s_.size() && IsTokenChar(s_[pos_])) ++pos_;
    return s_.substr(start, pos_ - start);
  }

  // After '<': the text up to '>'.
  Result<std::string_view> Bracketed() {
    const std::size_t start = ++pos_;
    const std::size_t end = s_.find('>', start);
    if (end == std::string_view::npos)
      return InvalidArgument("Identity: '<' without a closing '>'");
    pos_ = end + 1;
    return s_.substr(start, end - start);
  }

  // After '"': a quoted-string (RFC 3261 §25.1) without the quotes, escapes undone.
  Result<std::string> Quoted() {
    ++pos_;
    std::string out;
    while (pos_ < s_.size()) {
      const char c = s_[pos_++];
      if (c == '"') return out;
      if (c == '\\') {
        if (pos_ >= s_.size()) break;
        out.push_back(s_[pos_++]);
      } else {
        out.push_back(c);
      }
    }
    return InvalidArgument("Identity: unterminated quoted string");
  }

 private:
  std::string_view s_;
  std::size_t pos_ = 0;
};

struct RawParams {
  std::optional<std::string> info;
  bool info_bracketed = false;
  std::optional<std::string> alg;
  std::optional<std::string> ppt;
};

Status ReadParams(ParamReader& r, RawParams& out) {
  while (!r.AtEnd()) {
    // At ';' here.
    r.Advance();
    r.SkipSpace();
    if (r.AtEnd()) break;  // a trailing ';' carries nothing
    if (r.Peek() == ';') continue;
    const std::size_t name_pos = r.pos();
    const std::string name = Lower(r.Token());
    if (name.empty()) {
      return InvalidArgument("Identity: expected a parameter name at offset " +
                             std::to_string(name_pos));
    }
    r.SkipSpace();
    std::string value;
    bool bracketed = false;
    bool has_value = false;
    if (!r.AtEnd() && r.Peek() == '=') {
      r.Advance();
      r.SkipSpace();
      has_value = true;
      if (r.AtEnd() || r.Peek() == ';')
        return InvalidArgument("Identity: parameter '" + name + "' has '=' but no value");
      if (r.Peek() == '<') {
        QUELL_ASSIGN_OR_RETURN(std::string_view v, r.Bracketed());
        value = std::string(v);
        bracketed = true;
      } else if (r.Peek() == '"') {
        QUELL_ASSIGN_OR_RETURN(value, r.Quoted());
      } else {
        // Any run up to ';' or white space: the check below decides if it is acceptable.
        while (!r.AtEnd() && r.Peek() != ';' && !IsSpace(r.Peek())) {
          value.push_back(r.Peek());
          r.Advance();
        }
      }
    }
    r.SkipSpace();
    if (!r.AtEnd() && r.Peek() != ';') {
      const char c = r.Peek();
      return InvalidArgument("Identity: unexpected character " + Shown(std::string_view(&c, 1)) +
                             " at offset " + std::to_string(r.pos()) + " after parameter '" + name +
                             "'");
    }
    std::optional<std::string>* slot = nullptr;
    if (name == "info") slot = &out.info;
    if (name == "alg") slot = &out.alg;
    if (name == "ppt") slot = &out.ppt;
    if (slot == nullptr) continue;  // unknown generic-param
    if (slot->has_value())
      return InvalidArgument("Identity: parameter '" + name + "' appears twice");
    if (!has_value) return InvalidArgument("Identity: parameter '" + name + "' has no value");
    *slot = std::move(value);
    if (name == "info") out.info_bracketed = bracketed;
  }
  return Status::Ok();
}

}  // namespace

Result<std::string> BuildIdentityHeader(const IdentityHeader& header) {
  QUELL_RETURN_IF_ERROR(CheckJws(header.jws));
  QUELL_RETURN_IF_ERROR(CheckInfoUri(header.info));
  if (header.alg != "ES256")
    return InvalidArgument("Identity: alg " + Shown(header.alg) + " is not ES256");
  if (header.ppt != "shaken" && header.ppt != "div")
    return InvalidArgument("Identity: ppt " + Shown(header.ppt) + " is not shaken or div");
  return header.jws + ";info=<" + header.info + ">;alg=ES256;ppt=" + header.ppt;
}

Result<IdentityHeader> ParseIdentityHeader(std::string_view value, IdentityError* error) {
  IdentityError ignored;
  IdentityError& why = error != nullptr ? *error : ignored;
  why = IdentityError::kMalformed;
  if (value.size() > kMaxIdentityHeaderBytes) {
    return InvalidArgument("Identity: header of " + std::to_string(value.size()) +
                           " bytes exceeds " + std::to_string(kMaxIdentityHeaderBytes));
  }
  ParamReader r(value);
  r.SkipSpace();
  const std::size_t start = r.pos();
  while (!r.AtEnd() && r.Peek() != ';' && !IsSpace(r.Peek())) r.Advance();
  IdentityHeader out;
  out.jws = std::string(value.substr(start, r.pos() - start));
  if (out.jws.empty()) return InvalidArgument("Identity: no JWS before the parameters");
  QUELL_RETURN_IF_ERROR(CheckJws(out.jws));
  r.SkipSpace();
  if (!r.AtEnd() && r.Peek() != ';') {
    return InvalidArgument("Identity: unexpected character at offset " + std::to_string(r.pos()) +
                           " after the JWS");
  }
  RawParams params;
  QUELL_RETURN_IF_ERROR(ReadParams(r, params));

  why = IdentityError::kBadInfo;
  if (!params.info) return InvalidArgument("Identity: 'info' parameter is missing");
  if (!params.info_bracketed) {
    return InvalidArgument("Identity: info " + Shown(*params.info) +
                           " must be enclosed in angle brackets (RFC 8224 §4)");
  }
  QUELL_RETURN_IF_ERROR(CheckInfoUri(*params.info));
  out.info = std::move(*params.info);
  why = IdentityError::kUnsupportedAlg;
  if (params.alg && *params.alg != "ES256") {
    return InvalidArgument("Identity: alg " + Shown(*params.alg) +
                           " is not supported; SHAKEN uses ES256");
  }
  why = IdentityError::kUnsupportedPpt;
  if (!params.ppt)
    return InvalidArgument("Identity: 'ppt' parameter is missing; SHAKEN requires ppt=shaken");
  if (*params.ppt != "shaken" && *params.ppt != "div") {
    return InvalidArgument("Identity: ppt " + Shown(*params.ppt) +
                           " is not supported; expected shaken or div");
  }
  out.ppt = std::move(*params.ppt);
  why = IdentityError::kNone;
  return out;
}

}  // namespace quell::shaken
