// HTTP messages as the rest of Quell sees them: plain structs, no Boost.
//
// The server (http_server.h) parses requests off the wire into HttpRequest, calls
// the one handler the application gave it, and writes the HttpResponse back.
// Routing, authentication and JSON are the `api` module's business.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace quell::net {

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string target;  // as received: "/api/v1/x?y=1"
  std::string path;    // percent-decoded path without the query: "/api/v1/x"
  std::string query;   // raw query string without '?': "y=1"
  // Header names lower-cased; values as received (trimmed).
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string remote_ip;  // client address, "127.0.0.1" / "::1"
  bool tls = false;

  // First value of header `name` (lower-case), or "" if absent.
  std::string_view Header(std::string_view name) const;
  // Value of query parameter `name` (percent-decoded), or "" if absent.
  std::string QueryParam(std::string_view name) const;
  // Value of cookie `name` from the Cookie header, or "" if absent.
  std::string_view Cookie(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;  // besides Content-Length etc.
  std::string body;

  // Replaces any header of that name (case-insensitive).
  void SetHeader(std::string_view name, std::string_view value);
  // Adds a header even if one of that name exists (Set-Cookie).
  void AddHeader(std::string_view name, std::string_view value);
  std::string_view GetHeader(std::string_view name) const;
};

// Percent-decodes `s` ('+' stays '+' unless plus_is_space). Returns false on a
// malformed escape.
bool PercentDecode(std::string_view s, std::string& out, bool plus_is_space = false);

// Splits a target into decoded path and raw query. Returns false when the path
// is malformed (bad escape, NUL byte, not starting with '/').
bool SplitTarget(std::string_view target, std::string& path, std::string& query);

// The standard error body: {"error":{"code":"<code>","message":"<message>"}}.
std::string ErrorBody(std::string_view code, std::string_view message);

// JSON string escaping (RFC 8259) of `s`, without the surrounding quotes.
void AppendJsonEscaped(std::string& out, std::string_view s);

}  // namespace quell::net
