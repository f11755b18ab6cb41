// Sanctions for `quell serve --demo` (docs/sanctions.md "Demo"): a telemarketing
// company whose two calling numbers are blocked (so screening refuses them with
// the "sanctioned" rule), a public joint-punishment listing of a fraud call
// centre with a range of numbers, and a warning that expired last month.
#pragma once

#include "quell/core/clock.h"
#include "quell/core/status.h"

namespace quell::enforce {
class Sanctions;
}

namespace quell::cli {

// Once per data directory: does nothing when any sanction exists. Goes through
// Sanctions::Create, so each sanction is in the ledger (when the Sanctions was
// opened with one) and its evidence published. `clock`: now, for the dates.
Status SeedSanctions(enforce::Sanctions& sanctions, Clock& clock);

}  // namespace quell::cli
