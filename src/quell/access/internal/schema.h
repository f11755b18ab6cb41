// The `access` schema: organisations, users, sessions, API keys and the audit
// log, as store migrations. Times are Unix milliseconds, booleans 0/1.
#pragma once

#include <span>

#include "quell/store/store.h"

namespace quell::access::internal {

// The module name the migrations are recorded under.
inline constexpr std::string_view kSchemaModule = "access";

std::span<const store::Migration> AccessMigrations();

}  // namespace quell::access::internal
