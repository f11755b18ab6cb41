// CallAttempt: one call at set-up, as the screening front (SIP or REST) read it.
// Every field is a view into the request being screened; nothing is copied.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "quell/events/call_event.h"

namespace quell::screen {

struct CallAttempt {
  events::Direction direction = events::Direction::kTerminating;
  // Numbers as written: a SIP user part ("+8613800138000", "13800138000") or tel
  // URI number. The pipeline turns them into compact E.164 once.
  std::string_view caller;
  std::string_view callee;
  // Identity header field values (terminating calls), in order.
  std::span<const std::string_view> identities;
  std::string_view call_id;
  std::string_view trunk;  // ingress trunk / peer carrier, for events and policy
  bool international_trunk = false;
  std::string_view customer_id;  // originating calls: the authenticated customer (signing)
  // The request named an emergency service rather than a number (a SIP
  // Request-URI urn:service:sos, RFC 5031): never screened.
  bool emergency_service = false;
  int64_t time_us = 0;  // 0: the pipeline's clock
};

}  // namespace quell::screen
