// SIP messages as the screening server sees them (RFC 3261 §7): a zero-copy
// parser for one datagram, and the framer that cuts messages out of a TCP
// stream.
//
//   sip::Message msg;                       // reuse one per thread/socket
//   sip::ParseErrorKind kind;
//   Status s = sip::ParseMessage(datagram, msg, &kind);
//   if (!s.ok()) {
//     if (kind == sip::ParseErrorKind::kBadRequest) Reply400(msg, s.message());
//     return;                                // kGarbage: drop silently
//   }
//
// Zero-copy and allocation-free: every std::string_view in a Message points into
// the datagram, which must outlive it; headers live in fixed-capacity arrays
// (kMaxHeaders header fields, kMaxVias Via values). Only a failed parse
// allocates, to build its Status. No regex, no iostreams.
//
// Leniency (real traffic is sloppy; RFC 4475 allows a robust element these):
// compact header names, any header-name case, LWS around ':' ';' '=' '/',
// folded lines (views then span the fold; the parsed sub-fields are immune and
// AppendUnfolded copies a value without it), bare LF line ends, CRLFs before
// the start line, runs of SP in the request line and SP/HT at its end (RFC 4475
// "lwsstart", "trws"), no Content-Length on a datagram (the body is the rest),
// bytes beyond Content-Length (discarded, RFC 3261 §18.3). Not tolerated: a
// missing empty line after the headers (a cut datagram must not pass for a
// body-less request).
//
// Classification of a failed parse (ParseErrorKind), for a stateless UAS:
//   kGarbage     — drop without answering: not a SIP start line; a response
//                  (never answered); a request without Via, From, To, Call-ID
//                  or CSeq (a response must copy them, §8.2.6); more than
//                  kMaxVias Via values (a response must copy them all).
//   kVersionNotSupported — a request whose version is SIP/x.y other than 2.0,
//                  with those five headers: answer 505.
//   kBadRequest  — a request with those five headers that is otherwise wrong:
//                  answer 400 with the Status message as the reason. E.g. a
//                  request line with more than three elements, an invalid
//                  Request-URI or one with headers ('?'), a header line without
//                  ':' or with an invalid name, more than kMaxHeaders header
//                  fields, no empty line after the headers, a second From /
//                  To / Call-ID / CSeq / Max-Forwards / Content-Length /
//                  Content-Type, an invalid top Via, From, To, Contact or
//                  P-Asserted-Identity, a Call-ID with anything but printable
//                  ASCII, a CSeq number not below 2^31 or whose method differs
//                  from the request's, Max-Forwards not 0-255, Content-Length
//                  not a number or larger than the bytes received, too many
//                  Identity or P-Asserted-Identity values.
//   The Message then still holds what a 400 needs (vias, from/to values,
//   call_id, cseq_value, request line), so BuildResponse works on it.
// Unknown URI schemes in the Request-URI parse as opaque URIs (scheme_id
// kOther): deciding on 416 is the server's business, as is Max-Forwards 0.
//
// All functions are pure and thread-safe; a Message is a plain value.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "quell/core/status.h"
#include "quell/sip/syntax.h"

namespace quell::sip {

inline constexpr std::size_t kMaxHeaders = 64;            // header field lines
inline constexpr std::size_t kMaxVias = 64;               // via-parms, over all Via fields
inline constexpr std::size_t kMaxIdentities = 8;          // Identity values
inline constexpr std::size_t kMaxAssertedIdentities = 4;  // P-Asserted-Identity values

enum class Method : uint8_t {
  kOther,
  kInvite,
  kAck,
  kBye,
  kCancel,
  kOptions,
  kRegister,
  kPrack,
  kUpdate,
  kInfo,
  kSubscribe,
  kNotify,
  kRefer,
  kMessage,
  kPublish,
};

// Method names are case-sensitive (RFC 3261 §7.1): "invite" is kOther.
Method MethodFromName(std::string_view name);
// "INVITE", ...; "" for kOther.
std::string_view MethodName(Method method);

// Headers the parser knows, by full or compact name (RFC 3261 §7.3.3 and the
// IANA registry: a c d e f i j k l m n o r s t u v x y b).
enum class HeaderId : uint8_t {
  kOther,
  kVia,
  kFrom,
  kTo,
  kCallId,
  kCSeq,
  kContact,
  kMaxForwards,
  kContentLength,
  kContentType,
  kContentEncoding,
  kIdentity,
  kIdentityInfo,
  kPAssertedIdentity,
  kPPreferredIdentity,
  kPrivacy,
  kDiversion,
  kHistoryInfo,
  kDate,
  kUserAgent,
  kServer,
  kRoute,
  kRecordRoute,
  kSupported,
  kRequire,
  kProxyRequire,
  kSubject,
  kReason,
  kAccept,
  kAllow,
  kAllowEvents,
  kEvent,
  kReferTo,
  kReferredBy,
  kAcceptContact,
  kRejectContact,
  kRequestDisposition,
  kSessionExpires,
  kExpires,
  kWarning,
};

// Case-insensitive, full or compact form; kOther when unknown.
HeaderId HeaderIdFromName(std::string_view name);
// The full name ("Call-ID"); "" for kOther.
std::string_view CanonicalHeaderName(HeaderId id);

// One header field: name as received, value trimmed of LWS (a folded value
// keeps its inner CRLF; see AppendUnfolded). Also the type of the extra
// headers given to BuildResponse, where `id` is not needed.
struct HeaderField {
  std::string_view name;
  std::string_view value;
  HeaderId id = HeaderId::kOther;
};

struct CSeq {
  uint32_t number = 0;  // below 2^31
  Method method = Method::kOther;
  std::string_view method_name;
};

// The parsed message. The fixed arrays are valid up to their counts; entries
// past them are unspecified (a reused Message keeps stale ones).
struct Message {
  // Start line. A request sets is_request, method*, request_uri*; a response
  // sets status_code and reason_phrase. `version` is "SIP/2.0" (any case).
  bool is_request = false;
  Method method = Method::kOther;
  std::string_view method_name;       // as received, e.g. "INVITE"
  std::string_view request_uri_text;  // as received
  Uri request_uri;
  std::string_view version;
  int status_code = 0;
  std::string_view reason_phrase;

  // Every header field in order of arrival (the first kMaxHeaders).
  std::array<HeaderField, kMaxHeaders> header_fields;
  std::size_t header_count = 0;

  // Every via-parm, in order, over all Via fields and their comma lists, each
  // exactly as received (trimmed); the first one parsed.
  std::array<std::string_view, kMaxVias> vias;
  std::size_t via_count = 0;
  Via top_via;

  // Raw values (trimmed, as received) of the fields a response copies, and
  // their parsed forms.
  std::string_view from_value;
  std::string_view to_value;
  std::string_view call_id;
  std::string_view cseq_value;
  NameAddr from;
  NameAddr to;
  CSeq cseq;

  // Contact: the first value; `contact_is_star` for "Contact: *".
  bool has_contact = false;
  bool contact_is_star = false;
  NameAddr contact;

  int max_forwards = -1;        // -1 when absent
  int64_t content_length = -1;  // -1 when absent
  std::string_view content_type;
  std::string_view date;
  std::string_view user_agent;

  // Identity values (RFC 8224; compact `y`), one per field or comma element.
  std::array<std::string_view, kMaxIdentities> identities;
  std::size_t identity_count = 0;
  // P-Asserted-Identity values (RFC 3325), over all fields and comma lists.
  std::array<NameAddr, kMaxAssertedIdentities> asserted_identities;
  std::size_t asserted_identity_count = 0;

  // The body: Content-Length bytes after the empty line, or the rest of the
  // datagram when Content-Length is absent.
  std::string_view body;

  std::span<const HeaderField> headers() const { return {header_fields.data(), header_count}; }
  std::span<const std::string_view> via_values() const { return {vias.data(), via_count}; }
  std::span<const std::string_view> identity_values() const {
    return {identities.data(), identity_count};
  }
  std::span<const NameAddr> asserted_identity_values() const {
    return {asserted_identities.data(), asserted_identity_count};
  }

  // Value of the first header field with that id / that name (full or compact,
  // any case; unknown names compared case-insensitively); "" when absent.
  std::string_view Header(HeaderId id) const;
  std::string_view Header(std::string_view name) const;
  // Number of header fields with that id (e.g. Diversion, History-Info; their
  // values are then read from headers()).
  std::size_t CountHeaders(HeaderId id) const;
};

enum class ParseErrorKind : uint8_t {
  kNone,
  kGarbage,              // drop silently
  kVersionNotSupported,  // answer 505
  kBadRequest,           // answer 400 with the Status message
};

// Parses one complete message (a datagram, or a frame cut by FrameMessage)
// into `out`, which is reset first. Returns OK, or InvalidArgument whose
// message says what is wrong ("missing Call-ID", "CSeq method INVITE does not
// match request method ACK", "Content-Length 500 exceeds the 120 bytes
// received", "too many headers (max 64)"); *kind (if given) classifies it as
// described above. Quoted input in messages is cut short and printable ASCII
// only. Safe on any input.
Status ParseMessage(std::string_view datagram, Message& out, ParseErrorKind* kind = nullptr);

// The same, returning the Message (about 6 KB) by value. For tests and tools;
// the server reuses a Message with the form above.
Result<Message> ParseMessage(std::string_view datagram, ParseErrorKind* kind = nullptr);

// A message's place in a stream-transport buffer.
struct Frame {
  std::size_t skip = 0;    // leading CR/LF bytes to discard (RFC 5626 keep-alives);
                           // 4 or more of them were a CRLFCRLF ping, owed a CRLF pong
  std::size_t length = 0;  // length of the complete message after them; 0: need more bytes
};

// Finds the first message in `stream` (bytes read from a TCP/TLS connection):
// the headers up to the empty line plus Content-Length bytes of body.
// Content-Length is required on stream transports (RFC 3261 §18.3, §20.14): a
// message without one cannot be framed. Returns InvalidArgument — the
// connection should then be closed — when the headers have no end within
// `max_message_bytes`, the message would exceed it, or Content-Length is
// missing, not a number, or given twice with different values. Otherwise the
// Frame; length 0 means read more. The frame is then given to ParseMessage.
Result<Frame> FrameMessage(std::string_view stream, std::size_t max_message_bytes);

}  // namespace quell::sip
