// Strict parsing of the http(s) URLs notify sends to.
//
// Strict on purpose: the host we check against Options::allowed_webhook_hosts must
// be the host libcurl connects to, so anything two URL parsers might read
// differently (credentials, backslashes, whitespace, control bytes, percent-encoded
// hosts) is rejected rather than interpreted.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "quell/core/status.h"

namespace quell::notify::internal {

struct HttpUrl {
  std::string scheme;  // "http" or "https", lower-case
  std::string host;    // lower-case; IPv6 without brackets
  int port = 0;        // explicit port, or 80 / 443
};

// Parses "http(s)://host[:port][/path][?query]". InvalidArgument saying what is
// wrong, without quoting more than the scheme and host of `url`.
Result<HttpUrl> ParseHttpUrl(std::string_view url);

// True if `patterns` is empty or `host` equals one of them (case-insensitive),
// or a pattern "*.example.com" matches a subdomain of example.com.
bool HostAllowed(std::string_view host, const std::vector<std::string>& patterns);

// "host:port" for messages ("[::1]:8080" for IPv6).
std::string PeerName(const HttpUrl& url);

}  // namespace quell::notify::internal
