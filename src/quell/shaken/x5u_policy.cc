// The pure half of x5u_fetch.h: the URL policy, address classes and cache
// headers. The libcurl fetcher is in x5u_fetch.cc.
#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <string>

#include "quell/shaken/internal/x5u_text.h"
#include "quell/shaken/x5u_fetch.h"

namespace quell::shaken {

using internal::AsciiIEquals;
using internal::AsciiLower;
using internal::AsciiToLower;
using internal::IsAsciiDigit;
using internal::QuoteX5u;
using internal::TrimHttpSpace;

namespace {

bool IsHexDigit(char c) {
  return IsAsciiDigit(c) || (AsciiLower(c) >= 'a' && AsciiLower(c) <= 'f');
}

// A label that resolvers (inet_aton) may read as a number: "127", "0x7f", "0x".
bool NumericLabel(std::string_view label) {
  if (label.size() >= 2 && label[0] == '0' && AsciiLower(label[1]) == 'x') {
    return std::all_of(label.begin() + 2, label.end(), IsHexDigit);
  }
  return !label.empty() && std::all_of(label.begin(), label.end(), IsAsciiDigit);
}

// Checks a reg-name host: LDH labels (and '_', which real DNS names carry).
// Returns an error reason, or "" when fine.
std::string CheckHostName(std::string_view host) {
  if (host.size() > 253) return "host name longer than 253 bytes";
  std::size_t start = 0;
  while (true) {
    std::size_t dot = host.find('.', start);
    std::string_view label =
        host.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (label.empty()) return "host has an empty label";
    if (label.size() > 63) return "host label longer than 63 bytes";
    for (char c : label) {
      if (!(IsAsciiDigit(c) || (c >= 'a' && c <= 'z') || c == '-' || c == '_')) {
        return "host contains a character other than letters, digits, '-', '_' and '.'";
      }
    }
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return "";
}

uint32_t Ipv4At(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}

bool InV4(uint32_t a, uint32_t net, int bits) {
  uint32_t mask = bits == 0 ? 0 : ~uint32_t{0} << (32 - bits);
  return (a & mask) == net;
}

}  // namespace

// --- URL policy ----------------------------------------------------------------

bool HostMatches(std::string_view host, const std::vector<std::string>& patterns) {
  for (const std::string& p : patterns) {
    if (p.size() > 2 && p[0] == '*' && p[1] == '.') {
      std::string_view suffix = std::string_view(p).substr(1);  // ".example.net"
      if (host.size() > suffix.size() &&
          AsciiIEquals(host.substr(host.size() - suffix.size()), suffix)) {
        return true;
      }
    } else if (AsciiIEquals(host, p)) {
      return true;
    }
  }
  return false;
}

Result<X5uUrl> CheckX5uUrl(std::string_view url, const X5uPolicy& policy) {
  auto invalid = [&](std::string_view why) {
    return InvalidArgument("x5u " + QuoteX5u(url) + ": " + std::string(why));
  };
  auto refused = [&](std::string_view why) {
    return PermissionDenied("x5u " + QuoteX5u(url) + " refused: " + std::string(why));
  };
  if (url.empty()) return InvalidArgument("x5u is empty");
  if (url.size() > policy.max_url_length) {
    return invalid("longer than " + std::to_string(policy.max_url_length) + " bytes");
  }
  // Bytes that URL parsers disagree about (curl, browsers, WHATWG) are refused
  // rather than interpreted: the host we check must be the host curl connects to.
  for (char ch : url) {
    const auto c = static_cast<unsigned char>(ch);
    if (c <= 0x20 || c >= 0x7f || ch == '\\') {
      return invalid("contains a space, control byte, backslash or non-ASCII byte");
    }
  }
  const std::size_t sep = url.find("://");
  if (sep == std::string_view::npos || sep == 0) return invalid("not an absolute http(s) URL");
  X5uUrl out;
  out.scheme = AsciiToLower(url.substr(0, sep));
  if (out.scheme != "https" && out.scheme != "http") {
    return invalid("scheme \"" + out.scheme.substr(0, 16) + "\" is not https");
  }
  if (out.scheme == "http" && !policy.allow_http) return refused("http:// (https only)");

  std::string_view rest = url.substr(sep + 3);
  const std::size_t authority_end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, authority_end);
  std::string_view tail =
      authority_end == std::string_view::npos ? std::string_view() : rest.substr(authority_end);

  const std::size_t at = authority.rfind('@');
  if (at != std::string_view::npos) {
    if (authority.find('@') != at) return invalid("more than one '@' in the authority");
    if (!policy.allow_userinfo) return refused("userinfo (user:password@) in the URL");
    authority = authority.substr(at + 1);
  }
  if (authority.empty()) return invalid("no host");

  std::string_view host;
  std::string_view after_host;
  if (authority.front() == '[') {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return invalid("unterminated IPv6 literal");
    host = authority.substr(1, close - 1);
    after_host = authority.substr(close + 1);
    if (host.find('%') != std::string_view::npos) return invalid("IPv6 zone id in the host");
    in6_addr a6{};
    const std::string h(host);
    if (inet_pton(AF_INET6, h.c_str(), &a6) != 1) return invalid("malformed IPv6 literal");
    out.host_is_ip = true;
  } else {
    const std::size_t colon = authority.find(':');
    host = authority.substr(0, colon);
    after_host = colon == std::string_view::npos ? std::string_view() : authority.substr(colon);
  }
  if (host.empty()) return invalid("no host");
  out.host = AsciiToLower(host);

  if (!after_host.empty()) {
    std::string_view digits = after_host.substr(1);
    if (after_host.front() != ':' || digits.empty() || digits.size() > 5 ||
        !std::all_of(digits.begin(), digits.end(), IsAsciiDigit)) {
      return invalid("malformed port");
    }
    const int port = std::stoi(std::string(digits));
    if (port < 1 || port > 65535) return invalid("port out of range");
    out.port = static_cast<uint16_t>(port);
    out.explicit_port = true;
  } else {
    out.port = out.scheme == "https" ? 443 : 80;
  }

  if (!out.host_is_ip) {
    if (std::string why = CheckHostName(out.host); !why.empty()) return invalid(why);
    // "127.1", "0x7f000001" or "2130706433" reach loopback through inet_aton;
    // only the canonical dotted quad is accepted as an address.
    const std::size_t last_dot = out.host.rfind('.');
    std::string_view last_label =
        std::string_view(out.host).substr(last_dot == std::string::npos ? 0 : last_dot + 1);
    if (NumericLabel(last_label)) {
      in_addr a4{};
      if (inet_pton(AF_INET, out.host.c_str(), &a4) != 1) {
        return invalid("numeric host that is not a dotted-quad IPv4 address");
      }
      out.host_is_ip = true;
    }
  }

  const std::size_t query = tail.find('?');
  const std::size_t fragment = tail.find('#');
  if (fragment != std::string_view::npos && !policy.allow_fragment) {
    return refused("fragment (#...) in the URL");
  }
  if (query != std::string_view::npos && query < fragment && !policy.allow_query) {
    return refused("query (?...) in the URL");
  }

  if (HostMatches(out.host, policy.denied_hosts)) {
    return refused("host \"" + out.host + "\" is on the deny list");
  }
  if (!policy.allowed_hosts.empty() && !HostMatches(out.host, policy.allowed_hosts)) {
    return refused("host \"" + out.host + "\" is not on the allow list");
  }
  if (out.host_is_ip && !policy.allow_private_addresses) {
    std::optional<AddressClass> cls = ClassifyIpAddress(out.host);
    if (cls && *cls != AddressClass::kPublic) {
      return refused("address " + out.host + " is " + std::string(AddressClassName(*cls)) +
                     " (only public addresses are fetched from)");
    }
  }
  if (out.explicit_port && !policy.allowed_ports.empty() &&
      std::find(policy.allowed_ports.begin(), policy.allowed_ports.end(), out.port) ==
          policy.allowed_ports.end()) {
    return refused("port " + std::to_string(out.port) + " is not an allowed x5u port");
  }
  return out;
}

// --- Addresses -----------------------------------------------------------------

std::string_view AddressClassName(AddressClass c) {
  switch (c) {
    case AddressClass::kPublic:
      return "public";
    case AddressClass::kLoopback:
      return "loopback";
    case AddressClass::kPrivate:
      return "private";
    case AddressClass::kLinkLocal:
      return "link-local";
    case AddressClass::kUnspecified:
      return "unspecified";
    case AddressClass::kMulticast:
      return "multicast";
    case AddressClass::kCarrierGradeNat:
      return "carrier-grade NAT";
    case AddressClass::kReserved:
      return "reserved";
  }
  return "reserved";
}

AddressClass ClassifyIpv4(uint32_t a) {
  if (InV4(a, 0x00000000, 8)) return AddressClass::kUnspecified;  // 0/8 "this network"
  if (InV4(a, 0x7f000000, 8)) return AddressClass::kLoopback;
  if (InV4(a, 0x0a000000, 8) || InV4(a, 0xac100000, 12) || InV4(a, 0xc0a80000, 16)) {
    return AddressClass::kPrivate;
  }
  if (InV4(a, 0xa9fe0000, 16)) return AddressClass::kLinkLocal;
  if (InV4(a, 0x64400000, 10)) return AddressClass::kCarrierGradeNat;
  if (InV4(a, 0xe0000000, 4)) return AddressClass::kMulticast;
  if (InV4(a, 0xf0000000, 4) || InV4(a, 0xc0000000, 24) || InV4(a, 0xc6120000, 15)) {
    return AddressClass::kReserved;  // 240/4 (with broadcast), 192.0.0/24, 198.18/15
  }
  return AddressClass::kPublic;
}

AddressClass ClassifyIpv6(const uint8_t (&a)[16]) {
  auto zero = [&](int from, int to) {
    return std::all_of(a + from, a + to, [](uint8_t b) { return b == 0; });
  };
  if (zero(0, 16)) return AddressClass::kUnspecified;
  if (zero(0, 15) && a[15] == 1) return AddressClass::kLoopback;
  if (zero(0, 10) && a[10] == 0xff && a[11] == 0xff) return ClassifyIpv4(Ipv4At(a + 12));
  if (a[0] == 0x00 && a[1] == 0x64 && a[2] == 0xff && a[3] == 0x9b && zero(4, 12)) {
    return ClassifyIpv4(Ipv4At(a + 12));  // NAT64 well-known prefix
  }
  if (a[0] == 0x20 && a[1] == 0x02) return ClassifyIpv4(Ipv4At(a + 2));  // 6to4
  if (zero(0, 12)) return AddressClass::kReserved;  // IPv4-compatible (deprecated)
  if (a[0] == 0x01 && a[1] == 0x00 && zero(2, 8)) return AddressClass::kReserved;  // 100::/64
  if ((a[0] & 0xfe) == 0xfc) return AddressClass::kPrivate;                        // fc00::/7
  if (a[0] == 0xfe && (a[1] & 0xc0) == 0x80) return AddressClass::kLinkLocal;      // fe80::/10
  if (a[0] == 0xfe && (a[1] & 0xc0) == 0xc0) return AddressClass::kPrivate;        // fec0::/10
  if (a[0] == 0xff) return AddressClass::kMulticast;
  return AddressClass::kPublic;
}

std::optional<AddressClass> ClassifyIpAddress(std::string_view literal) {
  if (literal.empty() || literal.size() > 45) return std::nullopt;
  const std::string s(literal);
  in_addr a4{};
  if (inet_pton(AF_INET, s.c_str(), &a4) == 1) return ClassifyIpv4(ntohl(a4.s_addr));
  uint8_t a6[16];
  if (inet_pton(AF_INET6, s.c_str(), a6) == 1) return ClassifyIpv6(a6);
  return std::nullopt;
}

// --- Cache headers -------------------------------------------------------------

void ParseCacheControl(std::string_view value, CacheDirectives& out) {
  // 2^31 - 1 seconds, RFC 9111 §1.2.2's "greatest positive integer" for delta-seconds.
  constexpr int64_t kMaxDelta = 2147483647;
  while (!value.empty()) {
    const std::size_t comma = value.find(',');
    std::string_view item = TrimHttpSpace(value.substr(0, comma));
    value = comma == std::string_view::npos ? std::string_view() : value.substr(comma + 1);
    const std::size_t eq = item.find('=');
    std::string_view name = TrimHttpSpace(item.substr(0, eq));
    std::string_view arg =
        eq == std::string_view::npos ? std::string_view() : TrimHttpSpace(item.substr(eq + 1));
    if (arg.size() >= 2 && arg.front() == '"' && arg.back() == '"') {
      arg = arg.substr(1, arg.size() - 2);
    }
    if (AsciiIEquals(name, "no-store")) {
      out.no_store = true;
    } else if (AsciiIEquals(name, "no-cache")) {
      out.no_cache = true;
    } else if (AsciiIEquals(name, "max-age")) {
      int64_t seconds = 0;
      if (!arg.empty() && std::all_of(arg.begin(), arg.end(), IsAsciiDigit)) {
        for (char c : arg) {
          seconds = std::min<int64_t>(kMaxDelta, seconds * 10 + (c - '0'));
        }
      }
      // Two max-age directives contradict each other: keep the shorter.
      std::chrono::seconds age(seconds);
      out.max_age = out.max_age ? std::min(*out.max_age, age) : age;
    }
  }
}

std::optional<TimePoint> ParseHttpDate(std::string_view value) {
  value = TrimHttpSpace(value);
  if (value.empty() || value.size() > 64) return std::nullopt;
  const std::string s(value);
  const time_t t = curl_getdate(s.c_str(), nullptr);
  if (t == -1) return std::nullopt;
  // Clamped like certificate times (credential_cache.cc): a header may name any year.
  constexpr int64_t kLimit = int64_t{1} << 32;
  return TimePoint(std::chrono::seconds(std::clamp(static_cast<int64_t>(t), -kLimit, kLimit)));
}

}  // namespace quell::shaken
