// The pieces of a SIP header field value (RFC 3261 §25): URIs, name-addr values
// (From, To, Contact, P-Asserted-Identity...), Via values, parameter lists and
// comma-separated lists.
//
// Zero-copy: every std::string_view points into the caller's buffer, which must
// outlive the parsed value. Nothing here allocates except to build the error
// Status. White space, including the CRLF of a folded line, is accepted wherever
// the grammar allows LWS; views of whole values may therefore span a fold (see
// AppendUnfolded). All functions are pure and thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "quell/core/status.h"

namespace quell::sip {

enum class UriScheme : uint8_t { kSip, kSips, kTel, kOther };

// A URI as SIP carries it. sip/sips URIs are split into their parts (RFC 3261
// §19.1.1); a tel URI (RFC 3966) has its number in `user`; any other scheme
// (RFC 4475 "unkscm", "novelsc") is kept opaque: only `raw`, `scheme` and
// `scheme_id` are set, so a server can answer 416.
struct Uri {
  std::string_view raw;     // the whole URI as received, e.g. "sip:+1555@h;user=phone"
  std::string_view scheme;  // "sip", "SIPS", "tel", ... as received (case kept)
  UriScheme scheme_id = UriScheme::kOther;
  std::string_view user;       // escaped as received; "" when absent
  std::string_view password;   // "" when absent
  std::string_view host;       // hostname, IPv4, or "[IPv6]" with the brackets
  std::string_view port_text;  // "" when absent
  uint16_t port = 0;           // 0 when absent
  std::string_view params;     // uri-parameters after the first ';' (without it), up to '?'
  std::string_view headers;    // after '?' (without it); "" when absent
  bool user_is_phone = false;  // sip/sips with a user=phone parameter
};

// Parses one URI (no surrounding white space or angle brackets). InvalidArgument
// with a reason when it is not a URI: no scheme, white space, control or
// delimiter characters ('<', '>', '"'), a bad %-escape in the user part, an
// empty or malformed host, a port above 65535, an empty parameter.
Result<Uri> ParseUri(std::string_view text);

// A From / To / Contact / P-Asserted-Identity / Diversion value:
//   [display-name] <URI> *(;param)     or     URI *(;param)
// In the second (addr-spec) form the parameters after the URI belong to the
// header field, not to the URI (RFC 3261 §20.10), and the URI may not contain
// ';', ',' or '?' of its own.
struct NameAddr {
  std::string_view display_name;  // as received: quotes and escapes kept; "" when absent
  Uri uri;
  std::string_view tag;     // value of the tag parameter; "" when absent
  std::string_view params;  // header parameters after the first ';' (without it)
  bool angle_brackets = false;
};

// Parses one name-addr / addr-spec value (one element of a list, not a list).
// InvalidArgument when the display name is neither tokens nor a closed quoted
// string, the '<' is not closed, the URI is invalid or has white space inside
// the brackets (RFC 4475 "badaspec"), a parameter is empty or malformed, or
// anything follows the parameters.
Result<NameAddr> ParseNameAddr(std::string_view value);

// One via-parm (one element of a Via header field value).
struct Via {
  std::string_view raw;        // the via-parm exactly as received (trimmed)
  std::string_view protocol;   // "SIP" (protocol-name), case as received
  std::string_view version;    // "2.0"
  std::string_view transport;  // "UDP", "TCP", "TLS", "SCTP", "WS", or other token
  std::string_view host;       // sent-by host; "[IPv6]" with the brackets
  uint16_t port = 0;           // 0 when absent
  std::string_view branch;     // "" when absent
  std::string_view received;   // "" when absent
  std::string_view rport;      // value of rport; "" when absent or valueless
  bool has_rport = false;      // rport present, with or without a value
  std::string_view params;     // all parameters after the first ';' (without it)
};

// Parses one via-parm: sent-protocol (LWS allowed around the slashes, RFC 4475
// "wsinv"), sent-by and parameters. InvalidArgument when the protocol is not
// SIP/2.0, the host is empty or malformed, the port is not 1-65535, a parameter
// is empty (RFC 4475 "badinv01") or rport/branch/received has a bad value.
Result<Via> ParseVia(std::string_view via_parm);

// Iterates over ';'-separated generic parameters `name[=value]` (the `params`
// of the structures above), tolerating LWS around ';' and '='. A value is
// either a quoted string (returned with its quotes) or printable ASCII other
// than ; , " < > =. Next() returns false at the end or, with *malformed set,
// at a parameter that is not a token name followed by an optional value (an
// empty one included, as in "a;;b" or "a;").
class ParamReader {
 public:
  explicit ParamReader(std::string_view params) : rest_(params) {}
  bool Next(std::string_view* name, std::string_view* value, bool* malformed = nullptr);

 private:
  std::string_view rest_;
};

// Finds parameter `name` (case-insensitive) in `params`; sets *value (may be
// "") and returns true when present.
bool FindParam(std::string_view params, std::string_view name, std::string_view* value);

// Splits a comma-separated header value (Via, Contact, P-Asserted-Identity,
// Identity...) at the commas that are outside quoted strings and angle
// brackets. Elements are trimmed of LWS; empty elements are returned as "" so
// that callers can reject them.
class ListReader {
 public:
  explicit ListReader(std::string_view value) : rest_(value), done_(false) {}
  bool Next(std::string_view* element);

 private:
  std::string_view rest_;
  bool done_;
};

// Appends `value` to `out` with every fold (CR / LF) removed: the white space
// that follows a fold remains, so "a\r\n b" becomes "a b". Use it where a
// value is copied into a new message or shown to a person.
void AppendUnfolded(std::string& out, std::string_view value);

}  // namespace quell::sip
