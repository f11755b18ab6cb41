#include "quell/cli/traceback_config.h"

#include <chrono>

namespace quell::cli {
namespace {

using std::chrono::milliseconds;

Result<milliseconds> Duration(const Config& s, std::string_view key, milliseconds def,
                              milliseconds min, milliseconds max, std::string_view example) {
  QUELL_ASSIGN_OR_RETURN(milliseconds v, s.GetDuration(key, def));
  if (v < min || v > max) {
    return InvalidArgument(s.Where(key) + ": '" + std::string(key) + "' must be " +
                           std::string(example));
  }
  return v;
}

}  // namespace

Result<enforce::TracebackOptions> TracebackOptionsFromSection(const Config& s) {
  QUELL_RETURN_IF_ERROR(
      s.CheckKnownKeys({"answer_within", "match_window", "cdr_retention", "public_base_url",
                        "scorecard_min_calls", "complaints_ceiling_per_million"}));
  enforce::TracebackOptions o;
  QUELL_ASSIGN_OR_RETURN(
      milliseconds answer,
      Duration(s, "answer_within", o.answer_within, std::chrono::minutes(1),
               std::chrono::hours(24 * 90), "between a minute and 90 days (\"24h\", \"3d\")"));
  if (answer % std::chrono::seconds(1) != milliseconds(0)) {
    return InvalidArgument(s.Where("answer_within") +
                           ": 'answer_within' must be a whole number of seconds");
  }
  o.answer_within = std::chrono::duration_cast<std::chrono::seconds>(answer);
  QUELL_ASSIGN_OR_RETURN(milliseconds window,
                         Duration(s, "match_window", o.match_window, milliseconds(0),
                                  std::chrono::hours(1), "between 0 s and an hour (\"60s\")"));
  o.match_window = std::chrono::duration_cast<std::chrono::seconds>(window);
  QUELL_ASSIGN_OR_RETURN(
      milliseconds retention,
      Duration(s, "cdr_retention", o.cdr_retention, std::chrono::hours(24),
               std::chrono::hours(24 * 3660), "between a day and 10 years (\"30d\")"));
  if (retention % std::chrono::hours(1) != milliseconds(0)) {
    return InvalidArgument(s.Where("cdr_retention") +
                           ": 'cdr_retention' must be a whole number of hours (\"30d\")");
  }
  o.cdr_retention = std::chrono::duration_cast<std::chrono::hours>(retention);
  QUELL_ASSIGN_OR_RETURN(o.public_base_url, s.GetString("public_base_url", ""));
  if (!o.public_base_url.empty() && !o.public_base_url.starts_with("https://") &&
      !o.public_base_url.starts_with("http://")) {
    return InvalidArgument(s.Where("public_base_url") + ": '" + o.public_base_url.substr(0, 80) +
                           "' is not an http(s) URL (\"https://quell.example\")");
  }
  QUELL_ASSIGN_OR_RETURN(
      o.scorecard_min_calls,
      s.GetInt("scorecard_min_calls", o.scorecard_min_calls, 0, 1'000'000'000'000));
  QUELL_ASSIGN_OR_RETURN(
      o.complaints_ceiling_per_million,
      s.GetDouble("complaints_ceiling_per_million", o.complaints_ceiling_per_million));
  if (!(o.complaints_ceiling_per_million > 0) || o.complaints_ceiling_per_million > 1e6) {
    return InvalidArgument(s.Where("complaints_ceiling_per_million") +
                           ": 'complaints_ceiling_per_million' must be more than 0 and at most "
                           "1000000");
  }
  return o;
}

Result<enforce::TracebackOptions> TracebackOptionsFrom(const Environment& env) {
  QUELL_ASSIGN_OR_RETURN(Config s, env.config.GetTable("traceback"));
  return TracebackOptionsFromSection(s);
}

}  // namespace quell::cli
