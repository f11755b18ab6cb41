// JSON helpers for route handlers (nlohmann). Included only by routes_*.cc, never
// by a header others include: nlohmann is heavy to compile.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "quell/api/internal/routes.h"
#include "quell/core/clock.h"
#include "quell/core/status.h"

namespace quell::api {

using Json = nlohmann::json;

// Parses the request body as a JSON object. InvalidArgument ("malformed JSON at
// byte 12: ...") when it is not one.
Result<Json> ParseJsonBody(const Context& ctx);

// A required string member; InvalidArgument naming the field when absent or not a string.
Result<std::string> RequireString(const Json& body, std::string_view field);
// An optional string member ("" when absent); InvalidArgument when not a string.
Result<std::string> OptionalString(const Json& body, std::string_view field);

// Writes `body` as the response with `status` and Content-Type application/json.
void WriteJson(Context& ctx, int status, const Json& body);

// Path parameter `name` as a positive id; InvalidArgument otherwise.
Result<int64_t> IdParam(const Context& ctx, std::string_view name);
// Query parameter `name` as an integer in [min, max], `def` when absent.
Result<int64_t> IntQuery(const Context& ctx, std::string_view name, int64_t def, int64_t min,
                         int64_t max);

// RFC 3339 string, or null for a missing time.
Json TimeJson(TimePoint t);

}  // namespace quell::api
