// The [traceback] section of quell.toml: each request's deadline, the CDR match
// window and retention, the base URL of answer links in webhooks, and the
// league table's thresholds (docs/traceback.md "Configuration").
#pragma once

#include "quell/cli/common.h"
#include "quell/core/status.h"
#include "quell/enforce/traceback.h"

namespace quell::cli {

// Reads [traceback] (every key optional; the defaults are TracebackOptions').
// Errors name the file, line and key. The callbacks (complaints_for_carrier,
// sanctions_for_carrier) are left empty: the caller wires them.
Result<enforce::TracebackOptions> TracebackOptionsFrom(const Environment& env);
// The same from the [traceback] table itself (tests).
Result<enforce::TracebackOptions> TracebackOptionsFromSection(const Config& section);

}  // namespace quell::cli
