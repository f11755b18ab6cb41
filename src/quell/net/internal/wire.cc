#include "quell/net/internal/wire.h"

#include <charconv>
#include <cstdio>
#include <ctime>

namespace quell::net::internal {
namespace {

// RFC 9110 token characters.
bool IsTokenChar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
      return true;
    default:
      return false;
  }
}

bool IsSafeHeader(std::string_view name, std::string_view value) {
  if (name.empty()) return false;
  for (char c : name) {
    if (!IsTokenChar(c)) return false;
  }
  for (char c : value) {
    if (c == '\r' || c == '\n' || c == '\0') return false;
  }
  return true;
}

enum class HeaderRole { kPass, kDrop, kPrincipal };

// Headers the server owns, decided by length first so most names cost one compare.
HeaderRole ClassifyHandlerHeader(std::string_view name) {
  switch (name.size()) {
    case 4:
      return EqualsIgnoreCase(name, "date") ? HeaderRole::kDrop : HeaderRole::kPass;
    case 6:
      return EqualsIgnoreCase(name, "server") ? HeaderRole::kDrop : HeaderRole::kPass;
    case 10:
      return EqualsIgnoreCase(name, "connection") ? HeaderRole::kDrop : HeaderRole::kPass;
    case 14:
      return EqualsIgnoreCase(name, "content-length") ? HeaderRole::kDrop : HeaderRole::kPass;
    case 17:
      if (EqualsIgnoreCase(name, "transfer-encoding")) return HeaderRole::kDrop;
      return EqualsIgnoreCase(name, "x-quell-principal") ? HeaderRole::kPrincipal
                                                         : HeaderRole::kPass;
    default:
      return HeaderRole::kPass;
  }
}

void AppendNumber(std::string& out, uint64_t v) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v);
  out.append(buf, end);
}

void AppendLogField(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c >= 0x7F || c == '"' || c == '\\') {
      const char esc[4] = {'\\', 'x', kHex[c >> 4], kHex[c & 0xF]};
      out.append(esc, sizeof(esc));
    } else {
      out.push_back(ch);
    }
  }
}

struct TimeCache {
  std::time_t second = -1;
  char http_date[32] = {};
  char log_time[32] = {};
  std::size_t http_len = 0;
  std::size_t log_len = 0;

  void Refresh() {
    const std::time_t now = std::time(nullptr);
    if (now == second) return;
    second = now;
    std::tm tm{};
    gmtime_r(&now, &tm);
    // Fixed English names: strftime's %a/%b would follow the process locale.
    static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const char* day = kDays[tm.tm_wday % 7];
    const char* month = kMonths[tm.tm_mon % 12];
    const int year = tm.tm_year + 1900;
    http_len = static_cast<std::size_t>(
        std::snprintf(http_date, sizeof(http_date), "%s, %02d %s %04d %02d:%02d:%02d GMT", day,
                      tm.tm_mday, month, year, tm.tm_hour, tm.tm_min, tm.tm_sec));
    log_len = static_cast<std::size_t>(
        std::snprintf(log_time, sizeof(log_time), "%02d/%s/%04d:%02d:%02d:%02d +0000", tm.tm_mday,
                      month, year, tm.tm_hour, tm.tm_min, tm.tm_sec));
  }
};

thread_local TimeCache time_cache;

}  // namespace

std::string_view ReasonPhrase(int status) {
  switch (status) {
    case 100:
      return "Continue";
    case 101:
      return "Switching Protocols";
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 206:
      return "Partial Content";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 303:
      return "See Other";
    case 304:
      return "Not Modified";
    case 307:
      return "Temporary Redirect";
    case 308:
      return "Permanent Redirect";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 406:
      return "Not Acceptable";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 410:
      return "Gone";
    case 411:
      return "Length Required";
    case 412:
      return "Precondition Failed";
    case 413:
      return "Content Too Large";
    case 414:
      return "URI Too Long";
    case 415:
      return "Unsupported Media Type";
    case 416:
      return "Range Not Satisfiable";
    case 422:
      return "Unprocessable Content";
    case 428:
      return "Precondition Required";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    default:
      return "Unknown";
  }
}

bool StatusHasNoBody(int status) { return status < 200 || status == 204 || status == 304; }

void AppendResponseHead(std::string& out, const HttpResponse& res, std::string_view server_name,
                        ConnectionHeader connection, std::string_view* principal) {
  // An out-of-range status would corrupt the status line; treat it as our bug.
  const int status = (res.status >= 100 && res.status <= 999) ? res.status : 500;
  out.append("HTTP/1.1 ");
  AppendNumber(out, static_cast<uint64_t>(status));
  out.push_back(' ');
  out.append(ReasonPhrase(status));
  out.append("\r\nServer: ");
  out.append(server_name);
  out.append("\r\nDate: ");
  out.append(HttpDateNow());
  if (!StatusHasNoBody(status)) {
    out.append("\r\nContent-Length: ");
    AppendNumber(out, res.body.size());
  }
  if (connection == ConnectionHeader::kClose) {
    out.append("\r\nConnection: close");
  } else if (connection == ConnectionHeader::kKeepAlive) {
    out.append("\r\nConnection: keep-alive");
  }
  for (const auto& [name, value] : res.headers) {
    switch (ClassifyHandlerHeader(name)) {
      case HeaderRole::kDrop:
        continue;
      case HeaderRole::kPrincipal:
        if (principal != nullptr) *principal = value;
        continue;
      case HeaderRole::kPass:
        break;
    }
    if (!IsSafeHeader(name, value)) continue;
    out.append("\r\n");
    out.append(name);
    out.append(": ");
    out.append(value);
  }
  out.append("\r\n\r\n");
}

std::string_view HttpDateNow() {
  time_cache.Refresh();
  return {time_cache.http_date, time_cache.http_len};
}

std::string_view LogTimeNow() {
  time_cache.Refresh();
  return {time_cache.log_time, time_cache.log_len};
}

void AppendAccessLogLine(std::string& out, std::string_view remote, std::string_view principal,
                         std::string_view method, std::string_view target, int http_version,
                         int status, uint64_t body_bytes, uint64_t duration_us) {
  out.append(remote.empty() ? std::string_view("-") : remote);
  out.append(" - ");
  if (principal.empty()) {
    out.push_back('-');
  } else {
    AppendLogField(out, principal);
  }
  out.append(" [");
  out.append(LogTimeNow());
  out.append("] \"");
  if (method.empty()) {
    out.push_back('-');
  } else {
    AppendLogField(out, method);
    out.push_back(' ');
    AppendLogField(out, target);
    out.append(http_version == 10 ? " HTTP/1.0" : " HTTP/1.1");
  }
  out.append("\" ");
  AppendNumber(out, static_cast<uint64_t>(status));
  out.push_back(' ');
  AppendNumber(out, body_bytes);
  out.push_back(' ');
  AppendNumber(out, duration_us);
}

}  // namespace quell::net::internal
