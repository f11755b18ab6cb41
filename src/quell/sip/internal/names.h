// The header and method names the parser knows, as compile-time tables.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "quell/sip/internal/chars.h"
#include "quell/sip/message.h"

namespace quell::sip::internal {

struct HeaderName {
  std::string_view full;
  char compact;  // '\0' when none
  HeaderId id;
};

// Order matters only for speed: the common ones first.
inline constexpr HeaderName kHeaderNames[] = {
    {"Via", 'v', HeaderId::kVia},
    {"From", 'f', HeaderId::kFrom},
    {"To", 't', HeaderId::kTo},
    {"Call-ID", 'i', HeaderId::kCallId},
    {"CSeq", '\0', HeaderId::kCSeq},
    {"Contact", 'm', HeaderId::kContact},
    {"Max-Forwards", '\0', HeaderId::kMaxForwards},
    {"Content-Length", 'l', HeaderId::kContentLength},
    {"Content-Type", 'c', HeaderId::kContentType},
    {"Content-Encoding", 'e', HeaderId::kContentEncoding},
    {"Identity", 'y', HeaderId::kIdentity},
    {"Identity-Info", 'n', HeaderId::kIdentityInfo},
    {"P-Asserted-Identity", '\0', HeaderId::kPAssertedIdentity},
    {"P-Preferred-Identity", '\0', HeaderId::kPPreferredIdentity},
    {"Privacy", '\0', HeaderId::kPrivacy},
    {"Diversion", '\0', HeaderId::kDiversion},
    {"History-Info", '\0', HeaderId::kHistoryInfo},
    {"Date", '\0', HeaderId::kDate},
    {"User-Agent", '\0', HeaderId::kUserAgent},
    {"Server", '\0', HeaderId::kServer},
    {"Route", '\0', HeaderId::kRoute},
    {"Record-Route", '\0', HeaderId::kRecordRoute},
    {"Supported", 'k', HeaderId::kSupported},
    {"Require", '\0', HeaderId::kRequire},
    {"Proxy-Require", '\0', HeaderId::kProxyRequire},
    {"Subject", 's', HeaderId::kSubject},
    {"Reason", '\0', HeaderId::kReason},
    {"Accept", '\0', HeaderId::kAccept},
    {"Allow", '\0', HeaderId::kAllow},
    {"Allow-Events", 'u', HeaderId::kAllowEvents},
    {"Event", 'o', HeaderId::kEvent},
    {"Refer-To", 'r', HeaderId::kReferTo},
    {"Referred-By", 'b', HeaderId::kReferredBy},
    {"Accept-Contact", 'a', HeaderId::kAcceptContact},
    {"Reject-Contact", 'j', HeaderId::kRejectContact},
    {"Request-Disposition", 'd', HeaderId::kRequestDisposition},
    {"Session-Expires", 'x', HeaderId::kSessionExpires},
    {"Expires", '\0', HeaderId::kExpires},
    {"Warning", '\0', HeaderId::kWarning},
};

// kHeaderNames by lower-cased first letter, so a lookup compares few names.
struct Bucket {
  uint8_t count = 0;
  std::array<uint8_t, 12> index{};
};

inline constexpr std::array<Bucket, 26> kBuckets = [] {
  std::array<Bucket, 26> buckets{};
  for (std::size_t i = 0; i < std::size(kHeaderNames); ++i) {
    Bucket& b = buckets[ToLower(kHeaderNames[i].full[0]) - 'a'];
    b.index[b.count++] = static_cast<uint8_t>(i);  // a bucket overflow fails to compile
  }
  return buckets;
}();

struct MethodNameEntry {
  std::string_view name;
  Method method;
};

inline constexpr MethodNameEntry kMethodNames[] = {
    {"INVITE", Method::kInvite},   {"ACK", Method::kAck},
    {"BYE", Method::kBye},         {"CANCEL", Method::kCancel},
    {"OPTIONS", Method::kOptions}, {"REGISTER", Method::kRegister},
    {"PRACK", Method::kPrack},     {"UPDATE", Method::kUpdate},
    {"INFO", Method::kInfo},       {"SUBSCRIBE", Method::kSubscribe},
    {"NOTIFY", Method::kNotify},   {"REFER", Method::kRefer},
    {"MESSAGE", Method::kMessage}, {"PUBLISH", Method::kPublish},
};

}  // namespace quell::sip::internal
