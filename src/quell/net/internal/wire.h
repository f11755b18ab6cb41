// Asio-free pieces of the HTTP server's wire format: the response head, cached
// date strings and access-log lines. Kept apart from http_server.cc so they can
// be tested and fuzzed without Boost.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "quell/net/http.h"

namespace quell::net::internal {

// Standard reason phrase of `status` ("Not Found"), or "Unknown".
std::string_view ReasonPhrase(int status);

// True for statuses that never carry a body (1xx, 204, 304).
bool StatusHasNoBody(int status);

// How the server frames the connection after this response.
enum class ConnectionHeader {
  kNone,       // HTTP/1.1 keep-alive: nothing to say
  kKeepAlive,  // HTTP/1.0 client that asked for keep-alive
  kClose,      // the server closes after this response
};

// Appends the status line and headers of `res` (ending with the blank line) to
// `out`: Server, Date, Content-Length (unless the status has no body), Connection
// as given, then the handler's headers. Handler headers named Content-Length,
// Transfer-Encoding, Connection, Date or Server are dropped, as are headers
// whose name or value could split the response (CR, LF, NUL, bad name bytes).
// "X-Quell-Principal" is dropped too and its value returned in `principal`.
void AppendResponseHead(std::string& out, const HttpResponse& res, std::string_view server_name,
                        ConnectionHeader connection, std::string_view* principal);

// The current time as an HTTP date ("Sun, 06 Nov 1994 08:49:37 GMT") and in the
// common log format ("06/Nov/1994:08:49:37 +0000"). Formatted once per second
// per thread; the views stay valid until the calling thread calls again.
std::string_view HttpDateNow();
std::string_view LogTimeNow();

// One access-log line (without newline):
//   remote - principal [time] "METHOD target HTTP/1.x" status bytes duration_us
// Empty method/principal print as "-"; quotes, backslashes and control bytes in
// the request fields are escaped as \xHH so a client cannot forge log lines.
void AppendAccessLogLine(std::string& out, std::string_view remote, std::string_view principal,
                         std::string_view method, std::string_view target, int http_version,
                         int status, uint64_t body_bytes, uint64_t duration_us);

}  // namespace quell::net::internal
