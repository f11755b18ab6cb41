// ParseMessage and FrameMessage on arbitrary bytes: never crash, every view
// points into the input, every rejection says why and how to answer, and the
// responses built for what parses are well-formed messages that parse back to
// the same dialog identifiers.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "quell/sip/message.h"
#include "quell/sip/response.h"

namespace {

using quell::sip::Message;
using quell::sip::ParseErrorKind;

std::string_view g_input;

bool Inside(std::string_view v) {
  return v.empty() ||
         (v.data() >= g_input.data() && v.data() + v.size() <= g_input.data() + g_input.size());
}

void Check(bool ok) {
  if (!ok) std::abort();
}

void CheckViews(const Message& m) {
  Check(Inside(m.method_name) && Inside(m.request_uri_text) && Inside(m.request_uri.raw) &&
        Inside(m.reason_phrase) && Inside(m.from_value) && Inside(m.to_value) &&
        Inside(m.call_id) && Inside(m.cseq_value) && Inside(m.body) && Inside(m.from.tag) &&
        Inside(m.to.tag) && Inside(m.top_via.branch) && Inside(m.content_type));
  for (const auto& h : m.headers()) Check(Inside(h.name) && Inside(h.value));
  for (std::string_view v : m.via_values()) Check(Inside(v));
  for (std::string_view v : m.identity_values()) Check(Inside(v));
  Check(m.header_count <= quell::sip::kMaxHeaders && m.via_count <= quell::sip::kMaxVias);
}

// A response to a request that parsed OK must itself parse, with the same
// Call-ID, Vias and a To tag.
void CheckResponse(const Message& request, const std::string& out, int code) {
  Message response;
  Check(quell::sip::ParseMessage(out, response).ok());
  Check(!response.is_request && response.status_code == code);
  Check(response.via_count == request.via_count);
  Check(response.call_id == request.call_id);
  Check(response.cseq.number == request.cseq.number);
  Check(!response.to.tag.empty());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  g_input = input;

  auto frame = quell::sip::FrameMessage(input, 65535);
  if (frame) {
    Check(frame->skip + frame->length <= size);
  } else {
    Check(!frame.status().message().empty());
  }

  static Message m;  // ~6 KB: reused, as the server does
  ParseErrorKind kind = ParseErrorKind::kNone;
  const quell::Status s = quell::sip::ParseMessage(input, m, &kind);
  Check(s.ok() == (kind == ParseErrorKind::kNone));
  if (!s.ok()) Check(!s.message().empty());
  CheckViews(m);
  if (kind == ParseErrorKind::kGarbage || !m.is_request) return 0;

  static std::string out;
  static std::string contact;
  if (kind == ParseErrorKind::kNone) {
    contact.clear();
    quell::sip::AppendRedirectContact(contact, m);
    const quell::sip::HeaderField redirect[] = {
        {"Contact", contact}, {"Reason", "SIP;cause=608;text=\"x\""}, {"Server", "fuzz"}};
    quell::sip::BuildResponse(m, 302, "", "fz1", redirect, out);
    CheckResponse(m, out, 302);
    Message response;
    Check(quell::sip::ParseMessage(out, response).ok());
    Check(response.has_contact && response.contact.uri.raw == m.request_uri_text);
  }
  quell::sip::BuildResponse(m, 400, s.message(), "fz2", {}, out);
  if (kind == ParseErrorKind::kNone) CheckResponse(m, out, 400);
  // Even for a bad request, the response stays one message: nothing injected
  // after the status line can start a body or a second message early.
  Check(out.find("\r\n\r\n") == out.size() - 4);
  return 0;
}
