#include "quell/sip/response.h"

#include <charconv>

#include "quell/sip/internal/chars.h"

namespace quell::sip {
namespace {

struct Phrase {
  int code;
  std::string_view text;
};

constexpr Phrase kPhrases[] = {
    {100, "Trying"},
    {180, "Ringing"},
    {181, "Call Is Being Forwarded"},
    {182, "Queued"},
    {183, "Session Progress"},
    {200, "OK"},
    {202, "Accepted"},
    {300, "Multiple Choices"},
    {301, "Moved Permanently"},
    {302, "Moved Temporarily"},
    {305, "Use Proxy"},
    {380, "Alternative Service"},
    {400, "Bad Request"},
    {401, "Unauthorized"},
    {402, "Payment Required"},
    {403, "Forbidden"},
    {404, "Not Found"},
    {405, "Method Not Allowed"},
    {406, "Not Acceptable"},
    {407, "Proxy Authentication Required"},
    {408, "Request Timeout"},
    {410, "Gone"},
    {413, "Request Entity Too Large"},
    {414, "Request-URI Too Long"},
    {415, "Unsupported Media Type"},
    {416, "Unsupported URI Scheme"},
    {420, "Bad Extension"},
    {421, "Extension Required"},
    {423, "Interval Too Brief"},
    {428, "Use Identity Header"},
    {429, "Provide Referrer Identity"},
    {433, "Anonymity Disallowed"},
    {436, "Bad Identity Info"},
    {437, "Unsupported Credential"},
    {438, "Invalid Identity Header"},
    {480, "Temporarily Unavailable"},
    {481, "Call/Transaction Does Not Exist"},
    {482, "Loop Detected"},
    {483, "Too Many Hops"},
    {484, "Address Incomplete"},
    {485, "Ambiguous"},
    {486, "Busy Here"},
    {487, "Request Terminated"},
    {488, "Not Acceptable Here"},
    {491, "Request Pending"},
    {493, "Undecipherable"},
    {500, "Server Internal Error"},
    {501, "Not Implemented"},
    {502, "Bad Gateway"},
    {503, "Service Unavailable"},
    {504, "Server Time-out"},
    {505, "Version Not Supported"},
    {513, "Message Too Large"},
    {600, "Busy Everywhere"},
    {603, "Decline"},
    {604, "Does Not Exist Anywhere"},
    {606, "Not Acceptable"},
    {607, "Unwanted"},
    {608, "Rejected"},
};

constexpr std::size_t kMaxReasonBytes = 200;

bool IsControl(char c) {
  const auto u = static_cast<unsigned char>(c);
  return (u < 0x20 && c != '\t') || u == 0x7f;
}

// Copies `value` with folds removed and any other control character (a bare
// CR or LF included) turned into SP, so that it stays inside one line.
void AppendOneLine(std::string& out, std::string_view value, std::size_t max = std::string::npos) {
  std::size_t written = 0;
  std::size_t i = 0;
  for (; i < value.size() && written < max; ++i) {
    const char c = value[i];
    if ((c == '\r' || c == '\n') && i + 1 < value.size() &&
        (value[i + 1] == ' ' || value[i + 1] == '\t' ||
         (c == '\r' && value[i + 1] == '\n' && i + 2 < value.size() &&
          (value[i + 2] == ' ' || value[i + 2] == '\t')))) {
      continue;  // part of a fold: the SP/HT after it remains
    }
    out.push_back(IsControl(c) ? ' ' : c);
    ++written;
  }
  if (i < value.size()) {
    // Cut short: do not leave half a UTF-8 sequence behind.
    while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xC0) == 0x80) out.pop_back();
    if (!out.empty() && static_cast<unsigned char>(out.back()) >= 0xC0) out.pop_back();
  }
}

void AppendHeader(std::string& out, std::string_view name, std::string_view value) {
  out.append(name);
  out.append(": ");
  AppendOneLine(out, value);
  out.append("\r\n");
}

void AppendCode(std::string& out, int code) {
  out.push_back(static_cast<char>('0' + code / 100));
  out.push_back(static_cast<char>('0' + code / 10 % 10));
  out.push_back(static_cast<char>('0' + code % 10));
}

}  // namespace

std::string_view ReasonPhrase(int status_code) {
  for (const auto& p : kPhrases) {
    if (p.code == status_code) return p.text;
  }
  switch (status_code / 100) {
    case 1:
      return "Trying";
    case 2:
      return "OK";
    case 3:
      return "Multiple Choices";
    case 4:
      return "Bad Request";
    case 5:
      return "Server Internal Error";
    case 6:
      return "Busy Everywhere";
    default:
      return "Unknown";
  }
}

void BuildResponse(const Message& request, int status_code, std::string_view reason_phrase,
                   std::string_view to_tag, std::span<const HeaderField> extra_headers,
                   std::string& out) {
  out.clear();
  if (status_code < 100 || status_code > 699) status_code = 500;
  out.append("SIP/2.0 ");
  AppendCode(out, status_code);
  out.push_back(' ');
  AppendOneLine(out, reason_phrase.empty() ? ReasonPhrase(status_code) : reason_phrase,
                kMaxReasonBytes);
  out.append("\r\n");
  for (std::string_view via : request.via_values()) AppendHeader(out, "Via", via);
  AppendHeader(out, "From", request.from_value);
  out.append("To: ");
  AppendOneLine(out, request.to_value);
  if (request.to.tag.empty() && status_code != 100) {
    const std::size_t mark = out.size();
    out.append(";tag=");
    const std::size_t before = out.size();
    for (char c : to_tag) {
      if (internal::IsTokenChar(c)) out.push_back(c);
    }
    if (out.size() == before) out.resize(mark);  // nothing usable: no tag rather than "tag="
  }
  out.append("\r\n");
  AppendHeader(out, "Call-ID", request.call_id);
  AppendHeader(out, "CSeq", request.cseq_value);
  for (const HeaderField& h : extra_headers) {
    if (!internal::IsToken(h.name)) continue;
    AppendHeader(out, h.name, h.value);
  }
  out.append("Content-Length: 0\r\n\r\n");
}

void AppendQuoted(std::string& out, std::string_view text) {
  out.push_back('"');
  for (char c : text) {
    if (IsControl(c)) continue;
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
}

void AppendReasonValue(std::string& out, std::string_view protocol, int cause,
                       std::string_view text) {
  for (char c : protocol) {
    if (internal::IsTokenChar(c)) out.push_back(c);
  }
  out.append(";cause=");
  char digits[12];
  const auto end = std::to_chars(digits, digits + sizeof(digits), cause < 0 ? 0 : cause).ptr;
  out.append(digits, end);
  if (!text.empty()) {
    out.append(";text=");
    AppendQuoted(out, text);
  }
}

void AppendRedirectContact(std::string& out, const Message& request) {
  out.push_back('<');
  out.append(request.request_uri_text);
  out.push_back('>');
}

}  // namespace quell::sip
