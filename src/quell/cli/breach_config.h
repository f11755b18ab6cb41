// The [breach] section of quell.toml: breach notices' grading thresholds,
// reporting clocks per entity type and grade, follow-up deadline, retention of
// number lists and where escalations go (docs/breach.md "Configuration").
#pragma once

#include "quell/cli/common.h"
#include "quell/core/status.h"
#include "quell/enforce/breach.h"

namespace quell::cli {

// Reads [breach] (every key optional; the defaults are BreachOptions'). Errors
// name the file, line and key. `complaints_about` is left empty: the caller
// wires it to the complaint centre.
Result<enforce::BreachOptions> BreachOptionsFrom(const Environment& env);
// The same from the [breach] table itself (tests).
Result<enforce::BreachOptions> BreachOptionsFromSection(const Config& section);

}  // namespace quell::cli
