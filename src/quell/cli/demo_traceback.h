// Traceback for `quell serve --demo` (docs/traceback.md "Demo"): four
// registered carriers (Demo Telecom, which the demo already has, and Demo
// Mobile, Demo Transit Networks and Demo International Gateway, created as
// carrier organisations when missing), and three cases of the last days as if
// worked then — one that found its origin through three hops (the middle one
// answered automatically from the transit carrier's CDRs), one that ended at a
// gateway that never answered, and one waiting now in Demo Telecom's queue (so
// the demo carrier user has a request to answer) — plus scorecard counts.
#pragma once

#include "quell/core/clock.h"
#include "quell/core/status.h"
#include "quell/enforce/traceback.h"

namespace quell::access {
class Accounts;
}
namespace quell::store {
class Store;
}
namespace quell::notify {
class Notifier;
}
namespace quell::enforce {
class LedgerAppender;
}

namespace quell::cli {

// Call BEFORE opening the server's Traceback (it works through an instance of
// its own on a clock set in the past, and the server's instance loads the
// registry and scorecard counts at Open). Once per data directory: carriers
// already registered are kept, and no case is added when any case exists.
// `options`: the server's (TracebackOptionsFrom), for the deadlines.
// `notifier` (the demo outbox) and `ledger` may be null; with them the waiting
// request's webhook is in the outbox and the ended cases are in the ledger.
Status SeedTraceback(store::Store& store, access::Accounts& accounts, Clock& clock,
                     const enforce::TracebackOptions& options, notify::Notifier* notifier,
                     enforce::LedgerAppender* ledger);

}  // namespace quell::cli
