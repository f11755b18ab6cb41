// The [reputation] section of quell.toml: how evidence becomes a number's
// reputation (docs/reputation.md).
#pragma once

#include "quell/cli/common.h"
#include "quell/core/status.h"
#include "quell/reputation/blocklist_store.h"
#include "quell/reputation/reputation.h"

namespace quell::cli {

// Reads [reputation], [reputation.weights] and [reputation.ranges]. Errors name
// the line.
Result<reputation::ReputationOptions> ReputationOptionsFrom(const Environment& env);

// Reads [reputation.blocklist]: key_file (default <data>/blocklist.key),
// retention_days, build_interval_s.
Result<reputation::BlocklistOptions> BlocklistOptionsFrom(const Environment& env);

}  // namespace quell::cli
