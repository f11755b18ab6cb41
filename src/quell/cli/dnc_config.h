// The [dnc] section of quell.toml: the Do-Not-Call register's options.
#pragma once

#include <memory>

#include "quell/cli/common.h"
#include "quell/core/status.h"
#include "quell/registry/registry.h"

namespace quell::cli {

// Reads [dnc]: grace_period ("31d"), utc_offset ("+08:00"), calling_hours
// ("08:00-21:00"), purchase_exemption ("548d"), enquiry_exemption ("92d"),
// snapshot_every_changes. Snapshots live in <data>/dnc. Errors name the line.
Result<registry::Options> DncOptionsFrom(const Environment& env);

// The register on `store` with the [dnc] options.
Result<std::unique_ptr<registry::Registry>> OpenRegistry(const Environment& env,
                                                         store::Store& store, Clock& clock);

}  // namespace quell::cli
