// Demo data for `quell serve --demo`: documented accounts for every role, their
// organisations, an API key for the demo carrier, and a sample of each module's
// data, seeded through the same services the REST API uses. Idempotent: a second
// start on the same data directory reuses what is there.
#pragma once

#include <string>
#include <vector>

#include "quell/access/access.h"
#include "quell/api/app.h"
#include "quell/core/status.h"

namespace quell::notify {
class Notifier;
}

namespace quell::cli {

struct DemoSeed {
  std::vector<api::DemoAccount> accounts;
  std::string carrier_api_key;  // fresh each start (keys are shown once)
};

Result<DemoSeed> SeedDemo(access::Accounts& accounts, notify::Notifier* notifier);

}  // namespace quell::cli
