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
  // Value of the first query parameter `name`, or "" if absent. Names and
  // values are form-decoded ('+' is a space, %XX escapes); malformed pairs are
  // skipped.
  std::string QueryParam(std::string_view name) const;
  // Value of cookie `name` from the Cookie header(s), or "" if absent
  // (surrounding double quotes removed).
  std::string_view Cookie(std::string_view name) const;
};

// The handler fills status, headers and body; the server adds Date, Server,
// Content-Length and Connection itself (handler headers of those names, and of
// Transfer-Encoding, are ignored). For HEAD the handler may fill the body as for
// GET: the server sends its length but not its bytes. A header
// "X-Quell-Principal" is never sent: the server writes its value to the access
// log as the request's principal.
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

// ASCII case-insensitive comparison (header names, cookie names).
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

// Percent-decodes `s` into `out` (replacing its contents; '+' stays '+' unless
// plus_is_space). Returns false on a malformed escape ('%' not followed by two
// hex digits); `out` is then unspecified.
bool PercentDecode(std::string_view s, std::string& out, bool plus_is_space = false);

// Splits an origin-form target ("/a%20b?x=1") into the decoded path ("/a b") and
// the raw query ("x=1"). Returns false when the path is malformed (bad escape,
// NUL byte, not starting with '/').
bool SplitTarget(std::string_view target, std::string& path, std::string& query);

// The standard error body: {"error":{"code":"<code>","message":"<message>"}}.
std::string ErrorBody(std::string_view code, std::string_view message);

// Appends the JSON string escaping (RFC 8259) of `s` to `out`, without the
// surrounding quotes: '"' and '\\' are backslash-escaped, control characters
// become \b \f \n \r \t or \u00XX, and bytes that are not valid UTF-8 become
// U+FFFD, so the result is always valid JSON whatever `s` holds.
void AppendJsonEscaped(std::string& out, std::string_view s);

// Formats `unix_seconds` as an HTTP date (IMF-fixdate, RFC 9110 §5.6.7):
// "Sun, 06 Nov 1994 08:49:37 GMT". For Date, Last-Modified and Expires headers.
std::string FormatHttpDate(int64_t unix_seconds);

}  // namespace quell::net
