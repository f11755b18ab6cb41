#include "quell/api/internal/json.h"

#include <charconv>

namespace quell::api {

Result<Json> ParseJsonBody(const Context& ctx) {
  if (ctx.req.body.empty()) return InvalidArgument("a JSON object body is required");
  Json body;
  try {
    body = Json::parse(ctx.req.body);
  } catch (const Json::parse_error& e) {
    // what() reads "[json.exception.parse_error.101] parse error at line 1, column 5: <why>".
    const std::string what = e.what();
    const std::size_t colon = what.find(": ");
    return InvalidArgument("malformed JSON at byte " + std::to_string(e.byte) + ": " +
                           (colon == std::string::npos ? what : what.substr(colon + 2)));
  }
  if (!body.is_object()) return InvalidArgument("the JSON body must be an object");
  return body;
}

Result<std::string> RequireString(const Json& body, std::string_view field) {
  auto it = body.find(field);
  if (it == body.end() || it->is_null()) {
    return InvalidArgument("'" + std::string(field) + "' is required");
  }
  if (!it->is_string()) return InvalidArgument("'" + std::string(field) + "' must be a string");
  return it->get<std::string>();
}

Result<std::string> OptionalString(const Json& body, std::string_view field) {
  auto it = body.find(field);
  if (it == body.end() || it->is_null()) return std::string();
  if (!it->is_string()) return InvalidArgument("'" + std::string(field) + "' must be a string");
  return it->get<std::string>();
}

void WriteJson(Context& ctx, int status, const Json& body) {
  ctx.res.status = status;
  ctx.res.SetHeader("Content-Type", "application/json");
  ctx.res.body = body.dump(-1, ' ', false, Json::error_handler_t::replace);
}

Json TimeJson(TimePoint t) {
  if (t.time_since_epoch().count() == 0) return nullptr;
  return FormatRfc3339(t);
}

Result<int64_t> IdParam(const Context& ctx, std::string_view name) {
  const std::string_view text = ctx.params.Get(name);
  int64_t id = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || p != text.data() + text.size() || id <= 0) {
    return InvalidArgument("'" + std::string(text) + "' is not a valid id");
  }
  return id;
}

Result<int64_t> IntQuery(const Context& ctx, std::string_view name, int64_t def, int64_t min,
                         int64_t max) {
  const std::string text = ctx.req.QueryParam(name);
  if (text.empty()) return def;
  int64_t v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || p != text.data() + text.size() || v < min || v > max) {
    return InvalidArgument("query parameter '" + std::string(name) + "' must be an integer from " +
                           std::to_string(min) + " to " + std::to_string(max));
  }
  return v;
}

}  // namespace quell::api
