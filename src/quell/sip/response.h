// Stateless UAS responses (RFC 3261 §8.2.6, §8.2.7): what the screening server
// sends back for a request — 302 with the original Request-URI as Contact, 603
// / 607 / 608 with a Reason (RFC 3326), 200 to OPTIONS, 400 for a bad request.
//
//   std::string out;  // reused: no allocation once its capacity suffices
//   contact.clear();
//   sip::AppendRedirectContact(contact, request);
//   const sip::HeaderField extra[] = {{"Contact", contact}, {"P-Asserted-Identity", pai}};
//   sip::BuildResponse(request, 302, "", to_tag, extra, out);
//
// Untrusted text cannot inject header fields or break the message: CR, LF and
// other control characters in the reason phrase, extra header values and the
// tag are replaced (by SP) or dropped, and AppendQuoted escapes '"' and '\' of
// user-provided labels. All functions are pure and thread-safe.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "quell/sip/message.h"

namespace quell::sip {

// The RFC phrase of the codes Quell sends (100 180 200 302 400 403 404 408
// 413 416 420 428 436 437 438 480 481 482 483 486 500 503 505 513 603 607 608,
// and the other RFC 3261 codes); for any other code the phrase of its class
// (x00), "Unknown" outside 100-699.
std::string_view ReasonPhrase(int status_code);

// Writes into `out` (cleared first) the response to `request`:
//   SIP/2.0 <status_code> <reason_phrase, or ReasonPhrase(status_code) if empty>
//   Via: <each via-parm of the request, in order, as received>
//   From: <as received>
//   To: <as received>[;tag=<to_tag>]   (tag added when the To has none, except on 100)
//   Call-ID: <as received>
//   CSeq: <as received>
//   <extra_headers, in order>
//   Content-Length: 0
// Folds in copied values are removed. `to_tag` should be stable for a request
// (e.g. derived from Call-ID and branch) so that retransmissions get the same
// response; non-token characters in it are dropped. An extra header whose name
// is not a token is skipped. `status_code` outside 100-699 is sent as 500.
// `request` must have parsed OK or as kBadRequest / kVersionNotSupported
// (ParseMessage), so that the copied fields are present.
void BuildResponse(const Message& request, int status_code, std::string_view reason_phrase,
                   std::string_view to_tag, std::span<const HeaderField> extra_headers,
                   std::string& out);

// Appends `text` as a quoted-string: '"' ... '"' with '"' and '\' escaped and
// CR, LF and other control characters (HT aside) dropped. For display names
// and Reason text= built from labels.
void AppendQuoted(std::string& out, std::string_view text);

// Appends a Reason header value (RFC 3326): `SIP;cause=608;text="Rejected"`
// (text= omitted when `text` is empty). `protocol` is "SIP" or "Q.850".
void AppendReasonValue(std::string& out, std::string_view protocol, int cause,
                       std::string_view text);

// Appends the Contact value of a redirect to the request's own target:
// '<' + Request-URI as received + '>'. For a request that parsed OK (the
// Request-URI then holds no '<', '>', white space or headers).
void AppendRedirectContact(std::string& out, const Message& request);

}  // namespace quell::sip
