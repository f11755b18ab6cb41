#include "quell/sip/syntax.h"

#include "quell/sip/internal/chars.h"

namespace quell::sip {
namespace {

using internal::EqualsIgnoreCase;
using internal::IsAlnum;
using internal::IsAlpha;
using internal::IsDigit;
using internal::IsHex;
using internal::IsLws;
using internal::IsTokenChar;
using internal::Shown;
using internal::SkipLws;
using internal::SkipQuotedString;
using internal::SkipToken;
using internal::TrimLws;

constexpr std::size_t npos = std::string_view::npos;

// user = 1*( unreserved / escaped / user-unreserved ), RFC 3261 §25.1.
bool IsUserChar(char c) { return internal::HasClass(c, internal::kUserBit); }

bool IsHostnameChar(char c) { return internal::HasClass(c, internal::kHostBit); }

bool ValidEscapes(std::string_view s) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') continue;
    if (i + 2 >= s.size() || !IsHex(s[i + 1]) || !IsHex(s[i + 2])) return false;
    i += 2;
  }
  return true;
}

// Parses `host [":" port]` where the port may be surrounded by LWS when
// `lws_around_colon` (Via sent-by). Returns the index after what it consumed,
// or npos on error with *why set.
std::size_t ParseHostPort(std::string_view s, std::size_t i, bool lws_around_colon,
                          std::string_view* host, std::string_view* port_text, uint16_t* port,
                          const char** why) {
  const std::size_t start = i;
  if (i < s.size() && s[i] == '[') {
    const std::size_t close = s.find(']', i);
    if (close == npos) {
      *why = "IPv6 reference has no ']'";
      return npos;
    }
    for (std::size_t k = i + 1; k < close; ++k) {
      if (!IsHex(s[k]) && s[k] != ':' && s[k] != '.') {
        *why = "IPv6 reference holds a character other than hex digits, ':' and '.'";
        return npos;
      }
    }
    if (close == i + 1) {
      *why = "empty IPv6 reference";
      return npos;
    }
    i = close + 1;
  } else {
    while (i < s.size() && IsHostnameChar(s[i])) ++i;
  }
  if (i == start) {
    *why = "empty host";
    return npos;
  }
  *host = s.substr(start, i - start);
  std::size_t j = lws_around_colon ? SkipLws(s, i) : i;
  if (j < s.size() && s[j] == ':') {
    j = lws_around_colon ? SkipLws(s, j + 1) : j + 1;
    const std::size_t digits = j;
    while (j < s.size() && IsDigit(s[j])) ++j;
    uint64_t value = 0;
    if (!internal::ParseDecimal(s.substr(digits, j - digits), 65535, &value)) {
      *why = "port is not a number from 0 to 65535";
      return npos;
    }
    *port_text = s.substr(digits, j - digits);
    *port = static_cast<uint16_t>(value);
    i = j;
  }
  return i;
}

// `params` follows a ';', so it may not be empty; every parameter must be
// well formed.
bool ValidParams(std::string_view params) {
  if (TrimLws(params).empty()) return false;
  ParamReader reader(params);
  std::string_view name, value;
  bool malformed = false;
  while (reader.Next(&name, &value, &malformed)) {
  }
  return !malformed;
}

}  // namespace

Result<Uri> ParseUri(std::string_view text) {
  if (text.empty()) return InvalidArgument("empty URI");
  Uri uri;
  uri.raw = text;
  std::size_t i = 0;
  if (!IsAlpha(text[0])) return InvalidArgument("URI " + Shown(text) + " has no scheme");
  while (i < text.size() &&
         (IsAlnum(text[i]) || text[i] == '+' || text[i] == '-' || text[i] == '.'))
    ++i;
  if (i >= text.size() || text[i] != ':') {
    return InvalidArgument("URI " + Shown(text) + " has no scheme");
  }
  for (char c : text) {
    if (!internal::HasClass(c, internal::kUriBit)) {
      return InvalidArgument("URI " + Shown(text) +
                             " holds white space, a control character or one of < > \"");
    }
  }
  uri.scheme = text.substr(0, i);
  if (EqualsIgnoreCase(uri.scheme, "sip")) {
    uri.scheme_id = UriScheme::kSip;
  } else if (EqualsIgnoreCase(uri.scheme, "sips")) {
    uri.scheme_id = UriScheme::kSips;
  } else if (EqualsIgnoreCase(uri.scheme, "tel")) {
    uri.scheme_id = UriScheme::kTel;
  }
  std::string_view rest = text.substr(i + 1);
  if (rest.empty()) return InvalidArgument("URI " + Shown(text) + " is empty after the scheme");

  if (uri.scheme_id == UriScheme::kOther) return uri;  // opaque

  if (uri.scheme_id == UriScheme::kTel) {
    const std::size_t semi = rest.find(';');
    uri.user = rest.substr(0, semi);
    if (uri.user.empty()) return InvalidArgument("tel URI " + Shown(text) + " has no number");
    for (char c : uri.user) {
      if (!IsAlnum(c) && std::string_view("+-.()*#").find(c) == npos) {
        return InvalidArgument("tel URI " + Shown(text) +
                               " has a character not allowed in a number");
      }
    }
    if (semi != npos) {
      uri.params = rest.substr(semi + 1);
      if (!ValidParams(uri.params)) {
        return InvalidArgument("tel URI " + Shown(text) + ": empty or malformed parameter");
      }
    }
    return uri;
  }

  // sip / sips. The user part may hold ';', '?' and ',' (RFC 4475 "semiuri",
  // "intmeth"), but no '@', which appears nowhere else in a valid SIP URI.
  std::size_t host_start = 0;
  const std::size_t at = rest.find('@');
  if (at != npos) {
    const std::string_view userinfo = rest.substr(0, at);
    const std::size_t colon = userinfo.find(':');
    uri.user = userinfo.substr(0, colon);
    if (colon != npos) uri.password = userinfo.substr(colon + 1);
    if (uri.user.empty()) return InvalidArgument("SIP URI " + Shown(text) + " has an empty user");
    for (char c : uri.user) {
      if (!IsUserChar(c)) {
        return InvalidArgument("SIP URI " + Shown(text) +
                               " has a character not allowed in the user part");
      }
    }
    if (!ValidEscapes(uri.user) || !ValidEscapes(uri.password)) {
      return InvalidArgument("SIP URI " + Shown(text) + " has a malformed %-escape");
    }
    host_start = at + 1;
  }
  const char* why = nullptr;
  std::size_t j =
      ParseHostPort(rest, host_start, false, &uri.host, &uri.port_text, &uri.port, &why);
  if (j == npos) return InvalidArgument("SIP URI " + Shown(text) + ": " + why);
  if (j < rest.size() && rest[j] == ';') {
    const std::size_t q = rest.find('?', j);
    uri.params = rest.substr(j + 1, q == npos ? npos : q - j - 1);
    if (!ValidParams(uri.params)) {
      return InvalidArgument("SIP URI " + Shown(text) + ": empty or malformed parameter");
    }
    std::string_view user_param;
    uri.user_is_phone =
        FindParam(uri.params, "user", &user_param) && EqualsIgnoreCase(user_param, "phone");
    j = q == npos ? rest.size() : q;
  }
  if (j < rest.size() && rest[j] == '?') {
    uri.headers = rest.substr(j + 1);
    j = rest.size();
  }
  if (j != rest.size()) {
    return InvalidArgument("SIP URI " + Shown(text) + " has " + Shown(rest.substr(j), 10) +
                           " after the host");
  }
  return uri;
}

bool ParamReader::Next(std::string_view* name, std::string_view* value, bool* malformed) {
  if (malformed != nullptr) *malformed = false;
  std::string_view s = rest_;
  if (s.empty()) return false;
  auto fail = [&] {
    rest_ = {};
    if (malformed != nullptr) *malformed = true;
    return false;
  };
  std::size_t i = SkipLws(s, 0);
  const std::size_t name_start = i;
  i = SkipToken(s, i);
  if (i == name_start) return fail();
  *name = s.substr(name_start, i - name_start);
  *value = {};
  i = SkipLws(s, i);
  if (i < s.size() && s[i] == '=') {
    i = SkipLws(s, i + 1);
    const std::size_t value_start = i;
    if (i < s.size() && s[i] == '"') {
      i = SkipQuotedString(s, i);
      if (i == npos) return fail();
    } else {
      while (i < s.size() && !IsLws(s[i]) && s[i] != ';' && s[i] != ',' && s[i] != '"' &&
             s[i] != '<' && s[i] != '>' && s[i] != '=') {
        // Unquoted values are printable ASCII (token / host / URI characters).
        if (!internal::HasClass(s[i], internal::kValueBit)) return fail();
        ++i;
      }
    }
    if (i == value_start) return fail();
    *value = s.substr(value_start, i - value_start);
    i = SkipLws(s, i);
  }
  if (i == s.size()) {
    rest_ = {};
    return true;
  }
  if (s[i] != ';') return fail();
  rest_ = s.substr(i + 1);
  // A trailing ';' announces a parameter that is not there.
  if (SkipLws(rest_, 0) == rest_.size()) {
    rest_ = " ";  // makes the next call fail on the empty name
  }
  return true;
}

bool FindParam(std::string_view params, std::string_view name, std::string_view* value) {
  ParamReader reader(params);
  std::string_view n, v;
  while (reader.Next(&n, &v)) {
    if (EqualsIgnoreCase(n, name)) {
      *value = v;
      return true;
    }
  }
  return false;
}

bool ListReader::Next(std::string_view* element) {
  if (done_) return false;
  bool in_quotes = false;
  bool in_angle = false;
  for (std::size_t i = 0; i < rest_.size(); ++i) {
    const char c = rest_[i];
    if (!internal::HasClass(c, internal::kListSpecialBit)) continue;
    if (in_quotes) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_quotes = false;
      }
    } else if (c == '"') {
      in_quotes = true;
    } else if (c == '<') {
      in_angle = true;
    } else if (c == '>') {
      in_angle = false;
    } else if (c == ',' && !in_angle) {
      *element = TrimLws(rest_.substr(0, i));
      rest_ = rest_.substr(i + 1);
      return true;
    }
  }
  *element = TrimLws(rest_);
  done_ = true;
  return true;
}

Result<NameAddr> ParseNameAddr(std::string_view value) {
  const std::string_view v = TrimLws(value);
  if (v.empty()) return InvalidArgument("empty value");
  NameAddr out;
  std::size_t i = 0;
  bool angle = false;
  if (v[0] == '"') {
    const std::size_t end = SkipQuotedString(v, 0);
    if (end == npos) return InvalidArgument("display name has no closing '\"'");
    out.display_name = v.substr(0, end);
    i = SkipLws(v, end);
    if (i >= v.size() || v[i] != '<') {
      return InvalidArgument("display name is not followed by '<'");
    }
    angle = true;
  } else if (v[0] == '<') {
    angle = true;
  } else {
    // Either `token *(LWS token) <uri>` or a bare addr-spec.
    std::size_t j = 0;
    while (j < v.size() && (IsTokenChar(v[j]) || IsLws(v[j]))) ++j;
    if (j < v.size() && v[j] == '<') {
      out.display_name = TrimLws(v.substr(0, j));
      i = j;
      angle = true;
    }
  }
  std::string_view rest;
  if (angle) {
    const std::size_t close = v.find('>', i + 1);
    if (close == npos) return InvalidArgument("'<' has no matching '>'");
    const std::string_view inner = v.substr(i + 1, close - i - 1);
    if (!inner.empty() && (IsLws(inner.front()) || IsLws(inner.back()))) {
      return InvalidArgument("white space inside <" + Shown(inner) + ">");
    }
    auto uri = ParseUri(inner);
    if (!uri) return uri.status();
    out.uri = *uri;
    out.angle_brackets = true;
    rest = v.substr(close + 1);
  } else {
    std::size_t end = 0;
    while (end < v.size() && v[end] != ';' && v[end] != ',' && !IsLws(v[end])) ++end;
    auto uri = ParseUri(v.substr(0, end));
    if (!uri) return uri.status();
    if (!uri->headers.empty() || uri->raw.find(',') != npos) {
      return InvalidArgument("URI " + Shown(uri->raw) +
                             " holds '?' or ',' and must be enclosed in <>");
    }
    out.uri = *uri;
    rest = v.substr(end);
  }
  const std::size_t p = SkipLws(rest, 0);
  if (p == rest.size()) return out;
  if (rest[p] != ';') {
    return InvalidArgument("unexpected " + Shown(rest.substr(p), 20) + " after the URI");
  }
  out.params = TrimLws(rest.substr(p + 1));
  if (out.params.empty()) return InvalidArgument("empty or malformed parameter after the URI");
  ParamReader reader(out.params);
  std::string_view name, param_value;
  bool malformed = false;
  bool tag_seen = false;
  while (reader.Next(&name, &param_value, &malformed)) {
    if (EqualsIgnoreCase(name, "tag")) {
      if (tag_seen) return InvalidArgument("more than one tag parameter");
      if (!internal::IsToken(param_value)) return InvalidArgument("tag is not a token");
      out.tag = param_value;
      tag_seen = true;
    }
  }
  if (malformed) return InvalidArgument("empty or malformed parameter after the URI");
  return out;
}

Result<Via> ParseVia(std::string_view via_parm) {
  const std::string_view v = TrimLws(via_parm);
  if (v.empty()) return InvalidArgument("empty Via value");
  Via via;
  via.raw = v;
  std::string_view* parts[3] = {&via.protocol, &via.version, &via.transport};
  std::size_t i = 0;
  for (int k = 0; k < 3; ++k) {
    if (k > 0) {
      i = SkipLws(v, i);
      if (i >= v.size() || v[i] != '/') {
        return InvalidArgument("Via " + Shown(v) + " does not start with SIP/2.0/<transport>");
      }
      i = SkipLws(v, i + 1);
    }
    const std::size_t start = i;
    i = SkipToken(v, i);
    if (i == start) {
      return InvalidArgument("Via " + Shown(v) + " does not start with SIP/2.0/<transport>");
    }
    *parts[k] = v.substr(start, i - start);
  }
  if (!EqualsIgnoreCase(via.protocol, "SIP") || via.version != "2.0") {
    return InvalidArgument("Via " + Shown(v) + " is not SIP/2.0");
  }
  const std::size_t host_start = SkipLws(v, i);
  if (host_start == i) return InvalidArgument("Via " + Shown(v) + " has no sent-by host");
  std::string_view port_text;
  const char* why = nullptr;
  i = ParseHostPort(v, host_start, true, &via.host, &port_text, &via.port, &why);
  if (i == npos) return InvalidArgument("Via " + Shown(v) + ": " + why);
  if (!port_text.empty() && via.port == 0) {
    return InvalidArgument("Via " + Shown(v) + ": port 0");
  }
  i = SkipLws(v, i);
  if (i == v.size()) return via;
  if (v[i] != ';') {
    return InvalidArgument("Via " + Shown(v) + " has " + Shown(v.substr(i), 10) +
                           " after the sent-by");
  }
  via.params = TrimLws(v.substr(i + 1));
  if (via.params.empty()) {
    return InvalidArgument("Via " + Shown(v) + " has an empty or malformed parameter");
  }
  ParamReader reader(via.params);
  std::string_view name, value;
  bool malformed = false;
  while (reader.Next(&name, &value, &malformed)) {
    if (EqualsIgnoreCase(name, "branch")) {
      if (value.empty()) return InvalidArgument("Via " + Shown(v) + " has an empty branch");
      via.branch = value;
    } else if (EqualsIgnoreCase(name, "received")) {
      if (value.empty()) return InvalidArgument("Via " + Shown(v) + " has an empty received");
      via.received = value;
    } else if (EqualsIgnoreCase(name, "rport")) {
      uint64_t port = 0;
      if (!value.empty() && !internal::ParseDecimal(value, 65535, &port)) {
        return InvalidArgument("Via " + Shown(v) + " has an rport that is not a port number");
      }
      via.has_rport = true;
      via.rport = value;
    }
  }
  if (malformed) return InvalidArgument("Via " + Shown(v) + " has an empty or malformed parameter");
  return via;
}

void AppendUnfolded(std::string& out, std::string_view value) {
  std::size_t run_start = 0;
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (value[i] == '\r' || value[i] == '\n') {
      out.append(value.data() + run_start, i - run_start);
      run_start = i + 1;
    }
  }
  out.append(value.data() + run_start, value.size() - run_start);
}

}  // namespace quell::sip
