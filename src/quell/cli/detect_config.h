// The [detect] section of quell.toml: the behavioural detection engine's
// thresholds, profiles and allow-list.
#pragma once

#include "quell/cli/common.h"
#include "quell/core/status.h"
#include "quell/detect/engine.h"

namespace quell::cli {

// Reads [detect] and its tables ([detect.marketing], [detect.robocall],
// [detect.bombing], [detect.one_ring], [detect.simbox], [detect.spoofing],
// [detect.legitimate], [detect.profile]); `allow` lists numbers and prefixes
// ("+86955*"), `allow_file` a file of them, one per line. Errors name the line.
Result<detect::EngineConfig> DetectConfigFrom(const Environment& env);

}  // namespace quell::cli
