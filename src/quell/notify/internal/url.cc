#include "quell/notify/internal/url.h"

#include <algorithm>
#include <cctype>

namespace quell::notify::internal {
namespace {

char Lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

std::string ToLower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), Lower);
  return out;
}

bool IsHostNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

bool IsIpv6Char(char c) {
  return (c >= 'a' && c <= 'f') || (c >= '0' && c <= '9') || c == ':' || c == '.';
}

Result<int> ParsePort(std::string_view s) {
  if (s.empty() || s.size() > 5) return InvalidArgument("URL port must be 1-65535");
  int port = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return InvalidArgument("URL port must be 1-65535");
    port = port * 10 + (c - '0');
  }
  if (port < 1 || port > 65535) return InvalidArgument("URL port must be 1-65535");
  return port;
}

}  // namespace

Result<HttpUrl> ParseHttpUrl(std::string_view url) {
  for (char c : url) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f || c == '\\') {
      return InvalidArgument(
          "URL contains whitespace, a control byte, a backslash or a non-ASCII byte");
    }
  }
  HttpUrl out;
  std::size_t sep = url.find("://");
  if (sep == std::string_view::npos)
    return InvalidArgument("URL must start with http:// or https://");
  out.scheme = ToLower(url.substr(0, sep));
  if (out.scheme != "http" && out.scheme != "https") {
    return InvalidArgument("URL scheme '" + out.scheme + "' is not http or https");
  }
  std::string_view rest = url.substr(sep + 3);
  std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  if (authority.find('@') != std::string_view::npos) {
    return InvalidArgument("URL must not carry credentials (user@host)");
  }
  if (authority.find('%') != std::string_view::npos) {
    return InvalidArgument("URL host must not be percent-encoded");
  }
  std::string_view host;
  std::string_view port_text;
  bool has_port = false;
  if (!authority.empty() && authority.front() == '[') {
    std::size_t close = authority.find(']');
    if (close == std::string_view::npos)
      return InvalidArgument("URL has an unclosed '[' in its host");
    host = authority.substr(1, close - 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return InvalidArgument("URL has text after its IPv6 host");
      has_port = true;
      port_text = after.substr(1);
    }
    out.host = ToLower(host);
    if (out.host.empty() || !std::all_of(out.host.begin(), out.host.end(), IsIpv6Char)) {
      return InvalidArgument("URL has a malformed IPv6 host");
    }
  } else {
    std::size_t colon = authority.find(':');
    host = authority.substr(0, colon);
    if (colon != std::string_view::npos) {
      has_port = true;
      port_text = authority.substr(colon + 1);
    }
    out.host = ToLower(host);
    if (out.host.empty()) return InvalidArgument("URL has no host");
    if (out.host.size() > 253 || out.host.front() == '.' || out.host.front() == '-' ||
        !std::all_of(out.host.begin(), out.host.end(), IsHostNameChar)) {
      return InvalidArgument("URL host '" + out.host +
                             "' is not a host name or IPv4 address (letters, digits, '-', '.')");
    }
  }
  if (has_port) {
    QUELL_ASSIGN_OR_RETURN(out.port, ParsePort(port_text));
  } else {
    out.port = out.scheme == "https" ? 443 : 80;
  }
  return out;
}

bool HostAllowed(std::string_view host, const std::vector<std::string>& patterns) {
  if (patterns.empty()) return true;
  std::string h = ToLower(host);
  while (!h.empty() && h.back() == '.') h.pop_back();
  for (const std::string& raw : patterns) {
    std::string p = ToLower(raw);
    if (p.size() > 2 && p[0] == '*' && p[1] == '.') {
      std::string_view suffix = std::string_view(p).substr(1);  // ".example.com"
      if (h.size() > suffix.size() && std::string_view(h).ends_with(suffix)) return true;
    } else if (h == p) {
      return true;
    }
  }
  return false;
}

std::string PeerName(const HttpUrl& url) {
  bool ipv6 = url.host.find(':') != std::string::npos;
  return (ipv6 ? "[" + url.host + "]" : url.host) + ":" + std::to_string(url.port);
}

}  // namespace quell::notify::internal
