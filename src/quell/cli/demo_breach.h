// Demo breach notices (quell serve --demo): docs/breach.md.
#pragma once

#include "quell/core/clock.h"
#include "quell/core/status.h"
#include "quell/enforce/breach.h"

namespace quell::store {
class Store;
}
namespace quell::access {
class Accounts;
}
namespace quell::notify {
class Notifier;
}
namespace quell::enforce {
class LedgerAppender;
}

namespace quell::cli {

// Files three notices of "Demo Data Controller" (created if missing), once —
// nothing is done when any notice exists: one filed late and escalated, one
// filed on time and under review, one closed (appended to `ledger` when given).
// Their numbers include numbers the demo complaints are about. `options` are
// the server's (from BreachOptionsFrom); `notifier` (nullable) receives the late
// notice's escalation when an escalation webhook or SMS is configured.
Status SeedBreaches(access::Accounts& accounts, store::Store& store,
                    const enforce::BreachOptions& options, notify::Notifier* notifier,
                    enforce::LedgerAppender* ledger, Clock& clock);

}  // namespace quell::cli
