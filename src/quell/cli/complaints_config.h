// The [complaints] section of quell.toml: the complaint centre's service
// clocks, limits, retention, routing and webhooks, and its working-day
// calendar ([complaints.calendar]); docs/complaints.md "Configuration".
#pragma once

#include "quell/cli/common.h"
#include "quell/core/status.h"
#include "quell/reputation/calendar.h"
#include "quell/reputation/complaints.h"

namespace quell::access {
class Accounts;
}

namespace quell::cli {

struct ComplaintsConfig {
  reputation::ComplaintOptions options;
  reputation::CalendarOptions calendar;
};

// Organisations in routing and webhooks are named or given by id; names are
// looked up in `accounts`. Errors name the line.
Result<ComplaintsConfig> ComplaintsConfigFrom(const Environment& env, access::Accounts& accounts);

}  // namespace quell::cli
