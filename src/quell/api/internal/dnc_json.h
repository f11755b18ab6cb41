// JSON shared by the DNC route files (routes_dnc.cc, routes_dnc_citizen.cc).
// Internal to `api`.
#pragma once

#include "quell/api/internal/json.h"
#include "quell/registry/preferences.h"

namespace quell::api {

// Preferences from the optional "categories" and "accepted_bands" arrays of a
// request body; InvalidArgument naming the bad field or entry.
Result<registry::Preferences> DncPreferencesFrom(const Json& body);

}  // namespace quell::api
