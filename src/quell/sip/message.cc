#include "quell/sip/message.h"

#include <algorithm>
#include <string>

#include "quell/sip/internal/chars.h"
#include "quell/sip/internal/lines.h"
#include "quell/sip/internal/names.h"

namespace quell::sip {
namespace {

using internal::Bucket;
using internal::EqualsIgnoreCase;
using internal::HeaderName;
using internal::IsDigit;
using internal::kBuckets;
using internal::kHeaderNames;
using internal::kMethodNames;
using internal::Shown;
using internal::TrimLws;

constexpr std::size_t npos = std::string_view::npos;

// Collects the first error of each severity while the parse goes on, so that
// the required headers are still found after a bad line.
class Errors {
 public:
  void Garbage(std::string message) { Set(garbage_, std::move(message)); }
  void Version(std::string message) { Set(version_, std::move(message)); }
  void Bad(std::string message) { Set(bad_, std::move(message)); }
  void AllGarbage() {
    if (garbage_.ok()) garbage_ = !version_.ok() ? version_ : bad_;
  }

  // Garbage wins over an unsupported version, which wins over a bad request.
  Status Finish(ParseErrorKind* kind) const {
    ParseErrorKind k = ParseErrorKind::kNone;
    Status s;
    if (!garbage_.ok()) {
      k = ParseErrorKind::kGarbage;
      s = garbage_;
    } else if (!version_.ok()) {
      k = ParseErrorKind::kVersionNotSupported;
      s = version_;
    } else if (!bad_.ok()) {
      k = ParseErrorKind::kBadRequest;
      s = bad_;
    }
    if (kind != nullptr) *kind = k;
    return s;
  }

 private:
  static void Set(Status& slot, std::string message) {
    if (slot.ok()) slot = InvalidArgument(std::move(message));
  }
  Status garbage_;
  Status version_;
  Status bad_;
};

bool IsSipVersion(std::string_view v) {
  return v.size() == 7 && EqualsIgnoreCase(v.substr(0, 4), "SIP/") && v.substr(4) == "2.0";
}

// "SIP/" 1*DIGIT "." 1*DIGIT, any version.
bool LooksLikeSipVersion(std::string_view v) {
  if (v.size() < 7 || !EqualsIgnoreCase(v.substr(0, 4), "SIP/")) return false;
  const std::string_view num = v.substr(4);
  const std::size_t dot = num.find('.');
  if (dot == npos || dot == 0 || dot + 1 == num.size()) return false;
  for (std::size_t i = 0; i < num.size(); ++i) {
    if (i != dot && !IsDigit(num[i])) return false;
  }
  return true;
}

// Message{} would clear ~6 KB per datagram; the fixed arrays need no clearing
// since nothing reads them past their counts.
void Reset(Message& m) {
  m.is_request = false;
  m.method = Method::kOther;
  m.method_name = {};
  m.request_uri_text = {};
  m.request_uri = {};
  m.version = {};
  m.status_code = 0;
  m.reason_phrase = {};
  m.header_count = 0;
  m.via_count = 0;
  m.top_via = {};
  m.from_value = {};
  m.to_value = {};
  m.call_id = {};
  m.cseq_value = {};
  m.from = {};
  m.to = {};
  m.cseq = {};
  m.has_contact = false;
  m.contact_is_star = false;
  m.contact = {};
  m.max_forwards = -1;
  m.content_length = -1;
  m.content_type = {};
  m.date = {};
  m.user_agent = {};
  m.identity_count = 0;
  m.asserted_identity_count = 0;
  m.body = {};
}

class Parser {
 public:
  Parser(std::string_view data, Message& out) : data_(data), m_(out) {}

  Status Run(ParseErrorKind* kind) {
    std::size_t pos = 0;
    while (pos < data_.size() && (data_[pos] == '\r' || data_[pos] == '\n')) ++pos;
    if (pos == data_.size()) {
      errors_.Garbage("empty message");
      return errors_.Finish(kind);
    }
    const std::size_t nl = data_.find('\n', pos);
    if (nl == npos) {
      errors_.Garbage("no line break after the start line");
      return errors_.Finish(kind);
    }
    std::string_view start = data_.substr(pos, nl - pos);
    if (!start.empty() && start.back() == '\r') start.remove_suffix(1);
    if (!StartLine(start)) return errors_.Finish(kind);
    pos = nl + 1;
    const std::size_t body_start = Headers(pos);
    Body(body_start);
    CheckFields();
    // A UAS never answers a response: any error in one is garbage.
    if (!m_.is_request) errors_.AllGarbage();
    return errors_.Finish(kind);
  }

 private:
  // Returns false when the line is not a SIP start line at all.
  bool StartLine(std::string_view line) {
    if (line.size() >= 4 && EqualsIgnoreCase(line.substr(0, 4), "SIP/")) return StatusLine(line);
    // Request-Line = Method SP Request-URI SP SIP-Version. Runs of SP and
    // trailing SP/HT are tolerated (RFC 4475 lwsstart, trws).
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
    std::string_view first, second, last;
    std::size_t count = 0;
    std::size_t i = 0;
    while (i < line.size()) {
      while (i < line.size() && line[i] == ' ') ++i;
      if (i == line.size()) break;
      const std::size_t start = i;
      while (i < line.size() && line[i] != ' ') ++i;
      const std::string_view part = line.substr(start, i - start);
      if (count == 0) first = part;
      if (count == 1) second = part;
      last = part;
      ++count;
    }
    if (count < 3 || !internal::IsToken(first) || last.size() < 4 ||
        !EqualsIgnoreCase(last.substr(0, 4), "SIP/")) {
      errors_.Garbage("request line " + Shown(line) + " is not 'METHOD URI SIP/2.0'");
      return false;
    }
    m_.is_request = true;
    m_.method_name = first;
    m_.method = MethodFromName(first);
    m_.version = last;
    if (!IsSipVersion(last)) {
      if (!LooksLikeSipVersion(last)) {
        errors_.Garbage("request line " + Shown(line) + " is not 'METHOD URI SIP/2.0'");
        return false;
      }
      errors_.Version("SIP version " + Shown(last) + " is not supported");
    }
    if (count != 3) {
      errors_.Bad("request line " + Shown(line) +
                  " has more than three elements (white space in the Request-URI?)");
      return true;
    }
    m_.request_uri_text = second;
    auto uri = ParseUri(second);
    if (!uri) {
      errors_.Bad("Request-URI: " + uri.status().message());
    } else if (!uri->headers.empty()) {
      // A 302 Contact echoes the Request-URI: headers in it would reach the
      // next request built from the redirect.
      errors_.Bad("Request-URI " + Shown(second) + " carries headers ('?')");
    } else {
      m_.request_uri = *uri;
    }
    return true;
  }

  // Status-Line = SIP-Version SP Status-Code SP Reason-Phrase. Any problem in
  // a response is garbage: a UAS never answers a response.
  bool StatusLine(std::string_view line) {
    const std::size_t sp = line.find(' ');
    const std::string_view version = line.substr(0, sp);
    if (sp == npos || !IsSipVersion(version)) {
      errors_.Garbage("status line " + Shown(line) + " is not 'SIP/2.0 CODE REASON'");
      return false;
    }
    const std::string_view rest = line.substr(sp + 1);
    if (rest.size() < 3 || !IsDigit(rest[0]) || !IsDigit(rest[1]) || !IsDigit(rest[2]) ||
        rest[0] < '1' || rest[0] > '6' || (rest.size() > 3 && rest[3] != ' ')) {
      errors_.Garbage("status line " + Shown(line) + " has no 3-digit status code");
      return false;
    }
    m_.version = version;
    m_.status_code = (rest[0] - '0') * 100 + (rest[1] - '0') * 10 + (rest[2] - '0');
    m_.reason_phrase = rest.size() > 4 ? rest.substr(4) : std::string_view();
    return true;
  }

  // Reads the header fields from `pos`; returns where the body starts.
  std::size_t Headers(std::size_t pos) {
    std::size_t line_number = 1;
    bool too_many_reported = false;
    while (true) {
      internal::Line line;
      const internal::LineKind kind = internal::NextLine(data_, &pos, &line);
      if (kind == internal::LineKind::kEnd) {
        errors_.Bad("no empty line after the headers");
        return data_.size();
      }
      if (kind == internal::LineKind::kBlank) return pos;
      ++line_number;
      if (!line.terminated) {
        errors_.Bad("the message ends inside header line " + std::to_string(line_number));
      }
      HeaderField field;
      if (!internal::SplitField(line.text, &field.name, &field.value)) {
        errors_.Bad("line " + std::to_string(line_number) + " " + Shown(line.text) +
                    " is not a header field");
        continue;
      }
      field.id = HeaderIdFromName(field.name);
      if (m_.header_count < kMaxHeaders) {
        m_.header_fields[m_.header_count++] = field;
      } else if (!too_many_reported) {
        errors_.Bad("too many headers (max " + std::to_string(kMaxHeaders) + ")");
        too_many_reported = true;
      }
      Field(field);
    }
  }

  void Once(std::string_view* slot, const HeaderField& f) {
    if (seen(f.id)) {
      errors_.Bad("more than one " + std::string(CanonicalHeaderName(f.id)) + " header");
      return;
    }
    mark(f.id);
    *slot = f.value;
  }

  void Field(const HeaderField& f) {
    switch (f.id) {
      case HeaderId::kVia:
        Vias(f.value);
        break;
      case HeaderId::kFrom:
        Once(&m_.from_value, f);
        break;
      case HeaderId::kTo:
        Once(&m_.to_value, f);
        break;
      case HeaderId::kCallId:
        Once(&m_.call_id, f);
        break;
      case HeaderId::kCSeq:
        Once(&m_.cseq_value, f);
        break;
      case HeaderId::kContentType:
        Once(&m_.content_type, f);
        break;
      case HeaderId::kMaxForwards: {
        if (seen(f.id)) {
          errors_.Bad("more than one Max-Forwards header");
          break;
        }
        mark(f.id);
        uint64_t v = 0;
        if (internal::ParseDecimal(f.value, 255, &v)) {
          m_.max_forwards = static_cast<int>(v);
        } else {
          errors_.Bad("Max-Forwards " + Shown(f.value) + " is not a number from 0 to 255");
        }
        break;
      }
      case HeaderId::kContentLength: {
        if (seen(f.id)) {
          errors_.Bad("more than one Content-Length header");
          break;
        }
        mark(f.id);
        uint64_t v = 0;
        if (internal::ParseDecimal(f.value, 0x7fffffff, &v)) {
          m_.content_length = static_cast<int64_t>(v);
        } else {
          errors_.Bad("Content-Length " + Shown(f.value) + " is not a number");
        }
        break;
      }
      case HeaderId::kContact:
        Contacts(f.value);
        break;
      case HeaderId::kIdentity:
        Identities(f.value);
        break;
      case HeaderId::kPAssertedIdentity:
        AssertedIdentities(f.value);
        break;
      case HeaderId::kDate:
        if (m_.date.empty()) m_.date = f.value;
        break;
      case HeaderId::kUserAgent:
        if (m_.user_agent.empty()) m_.user_agent = f.value;
        break;
      default:
        break;
    }
  }

  void Vias(std::string_view value) {
    ListReader list(value);
    std::string_view element;
    while (list.Next(&element)) {
      if (element.empty()) {
        errors_.Bad("empty Via value");
        continue;
      }
      if (m_.via_count == kMaxVias) {
        errors_.Garbage("too many Via values (max " + std::to_string(kMaxVias) + ")");
        return;
      }
      m_.vias[m_.via_count++] = element;
    }
  }

  void Contacts(std::string_view value) {
    ListReader list(value);
    std::string_view element;
    while (list.Next(&element)) {
      if (element == "*") {
        if (m_.has_contact) errors_.Bad("Contact '*' mixed with other values");
        m_.contact_is_star = true;
        m_.has_contact = true;
        continue;
      }
      if (m_.contact_is_star) errors_.Bad("Contact '*' mixed with other values");
      auto parsed = ParseNameAddr(element);
      if (!parsed) {
        errors_.Bad("Contact: " + parsed.status().message());
        continue;
      }
      if (!m_.has_contact) m_.contact = *parsed;
      m_.has_contact = true;
    }
  }

  void Identities(std::string_view value) {
    ListReader list(value);
    std::string_view element;
    while (list.Next(&element)) {
      if (element.empty()) {
        errors_.Bad("empty Identity value");
      } else if (m_.identity_count == kMaxIdentities) {
        errors_.Bad("too many Identity values (max " + std::to_string(kMaxIdentities) + ")");
        return;
      } else {
        m_.identities[m_.identity_count++] = element;
      }
    }
  }

  void AssertedIdentities(std::string_view value) {
    ListReader list(value);
    std::string_view element;
    while (list.Next(&element)) {
      auto parsed = ParseNameAddr(element);
      if (!parsed) {
        errors_.Bad("P-Asserted-Identity: " + parsed.status().message());
      } else if (m_.asserted_identity_count == kMaxAssertedIdentities) {
        errors_.Bad("too many P-Asserted-Identity values (max " +
                    std::to_string(kMaxAssertedIdentities) + ")");
        return;
      } else {
        m_.asserted_identities[m_.asserted_identity_count++] = *parsed;
      }
    }
  }

  void Body(std::size_t body_start) {
    const std::size_t received = data_.size() - body_start;
    if (m_.content_length < 0) {
      m_.body = data_.substr(body_start);
      return;
    }
    const auto length = static_cast<std::size_t>(m_.content_length);
    if (length > received) {
      errors_.Bad("Content-Length " + std::to_string(length) + " exceeds the " +
                  std::to_string(received) + " bytes received");
      m_.body = data_.substr(body_start);
      return;
    }
    m_.body = data_.substr(body_start, length);
  }

  void CheckFields() {
    // Without these a response cannot be built (RFC 3261 §8.2.6.2).
    const char* missing = nullptr;
    if (m_.via_count == 0) {
      missing = "Via";
    } else if (m_.from_value.empty()) {
      missing = "From";
    } else if (m_.to_value.empty()) {
      missing = "To";
    } else if (m_.call_id.empty()) {
      missing = "Call-ID";
    } else if (m_.cseq_value.empty()) {
      missing = "CSeq";
    }
    if (missing != nullptr) {
      errors_.Garbage(std::string("missing ") + missing);
      return;
    }

    auto via = ParseVia(m_.vias[0]);
    if (via) {
      m_.top_via = *via;
    } else {
      errors_.Bad("top " + via.status().message());
    }
    auto from = ParseNameAddr(m_.from_value);
    if (from) {
      m_.from = *from;
    } else {
      errors_.Bad("From: " + from.status().message());
    }
    auto to = ParseNameAddr(m_.to_value);
    if (to) {
      m_.to = *to;
    } else {
      errors_.Bad("To: " + to.status().message());
    }
    // Call-ID = word ["@" word]: printable ASCII, copied into every response.
    for (char c : m_.call_id) {
      const auto u = static_cast<unsigned char>(c);
      if (u < 0x21 || u > 0x7e) {
        errors_.Bad("Call-ID " + Shown(m_.call_id) +
                    " holds white space, control or non-ASCII characters");
        break;
      }
    }
    CSeqField();
  }

  void CSeqField() {
    const std::string_view v = m_.cseq_value;
    std::size_t i = 0;
    while (i < v.size() && IsDigit(v[i])) ++i;
    uint64_t number = 0;
    if (!internal::ParseDecimal(v.substr(0, i), 0x7fffffff, &number)) {
      errors_.Bad("CSeq " + Shown(v) + " does not start with a number below 2^31");
      return;
    }
    const std::size_t method_start = internal::SkipLws(v, i);
    const std::string_view method = v.substr(method_start);
    if (method_start == i || !internal::IsToken(method)) {
      errors_.Bad("CSeq " + Shown(v) + " is not 'NUMBER METHOD'");
      return;
    }
    m_.cseq.number = static_cast<uint32_t>(number);
    m_.cseq.method_name = method;
    m_.cseq.method = MethodFromName(method);
    if (m_.is_request && method != m_.method_name) {
      errors_.Bad("CSeq method " + Shown(method) + " does not match request method " +
                  Shown(m_.method_name));
    }
  }

  bool seen(HeaderId id) const { return (seen_ >> static_cast<unsigned>(id)) & 1u; }
  void mark(HeaderId id) { seen_ |= uint64_t{1} << static_cast<unsigned>(id); }

  std::string_view data_;
  Message& m_;
  Errors errors_;
  uint64_t seen_ = 0;
};

}  // namespace

Method MethodFromName(std::string_view name) {
  for (const auto& e : kMethodNames) {
    if (e.name == name) return e.method;
  }
  return Method::kOther;
}

std::string_view MethodName(Method method) {
  for (const auto& e : kMethodNames) {
    if (e.method == method) return e.name;
  }
  return {};
}

HeaderId HeaderIdFromName(std::string_view name) {
  if (name.empty()) return HeaderId::kOther;
  const char first = internal::ToLower(name[0]);
  if (name.size() == 1) {
    for (const auto& h : kHeaderNames) {
      if (h.compact == first) return h.id;
    }
    return HeaderId::kOther;
  }
  if (first < 'a' || first > 'z') return HeaderId::kOther;
  const Bucket& bucket = kBuckets[first - 'a'];
  for (uint8_t k = 0; k < bucket.count; ++k) {
    const HeaderName& h = kHeaderNames[bucket.index[k]];
    if (h.full.size() == name.size() && EqualsIgnoreCase(h.full, name)) return h.id;
  }
  return HeaderId::kOther;
}

std::string_view CanonicalHeaderName(HeaderId id) {
  for (const auto& h : kHeaderNames) {
    if (h.id == id) return h.full;
  }
  return {};
}

std::string_view Message::Header(HeaderId id) const {
  for (const auto& f : headers()) {
    if (f.id == id) return f.value;
  }
  return {};
}

std::string_view Message::Header(std::string_view name) const {
  const HeaderId id = HeaderIdFromName(name);
  if (id != HeaderId::kOther) return Header(id);
  for (const auto& f : headers()) {
    if (f.id == HeaderId::kOther && EqualsIgnoreCase(f.name, name)) return f.value;
  }
  return {};
}

std::size_t Message::CountHeaders(HeaderId id) const {
  std::size_t n = 0;
  for (const auto& f : headers()) n += f.id == id;
  return n;
}

Status ParseMessage(std::string_view datagram, Message& out, ParseErrorKind* kind) {
  Reset(out);
  Parser parser(datagram, out);
  return parser.Run(kind);
}

Result<Message> ParseMessage(std::string_view datagram, ParseErrorKind* kind) {
  Message m;
  Status s = ParseMessage(datagram, m, kind);
  if (!s.ok()) return s;
  return m;
}

Result<Frame> FrameMessage(std::string_view stream, std::size_t max_message_bytes) {
  Frame frame;
  while (frame.skip < stream.size() && (stream[frame.skip] == '\r' || stream[frame.skip] == '\n')) {
    ++frame.skip;
  }
  const std::string_view s = stream.substr(frame.skip);
  // The end of the headers: the first empty line (CRLF CRLF, or bare LFs).
  std::size_t headers_end = std::string_view::npos;
  const std::size_t limit = std::min(s.size(), max_message_bytes);
  for (std::size_t i = s.find('\n'); i != std::string_view::npos && i < limit;
       i = s.find('\n', i + 1)) {
    if (i + 1 < s.size() && s[i + 1] == '\n') {
      headers_end = i + 2;
      break;
    }
    if (i + 2 < s.size() && s[i + 1] == '\r' && s[i + 2] == '\n') {
      headers_end = i + 3;
      break;
    }
  }
  if (headers_end == std::string_view::npos || headers_end > max_message_bytes) {
    if (s.size() >= max_message_bytes) {
      return InvalidArgument("no end of the headers within the first " +
                             std::to_string(max_message_bytes) + " bytes");
    }
    return frame;  // need more
  }
  // Content-Length, in full or compact form, possibly folded.
  const std::size_t first_nl = s.find('\n');
  std::size_t pos = first_nl + 1;
  const std::string_view head = s.substr(0, headers_end);
  int64_t content_length = -1;
  while (true) {
    internal::Line line;
    const internal::LineKind kind = internal::NextLine(head, &pos, &line);
    if (kind != internal::LineKind::kField) break;
    std::string_view name, value;
    if (!internal::SplitField(line.text, &name, &value)) continue;
    if (HeaderIdFromName(name) != HeaderId::kContentLength) continue;
    uint64_t v = 0;
    if (!internal::ParseDecimal(value, 0x7fffffff, &v)) {
      return InvalidArgument("Content-Length " + internal::Shown(value) + " is not a number");
    }
    if (content_length >= 0 && static_cast<uint64_t>(content_length) != v) {
      return InvalidArgument("two Content-Length headers with different values");
    }
    content_length = static_cast<int64_t>(v);
  }
  if (content_length < 0) {
    return InvalidArgument(
        "no Content-Length: required on a stream transport (RFC 3261 section 18.3)");
  }
  const std::size_t total = headers_end + static_cast<std::size_t>(content_length);
  if (total > max_message_bytes) {
    return InvalidArgument("message of " + std::to_string(total) + " bytes exceeds the limit of " +
                           std::to_string(max_message_bytes));
  }
  if (s.size() >= total) frame.length = total;
  return frame;
}

}  // namespace quell::sip
