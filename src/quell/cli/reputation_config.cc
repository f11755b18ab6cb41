#include "quell/cli/reputation_config.h"

namespace quell::cli {
namespace {

Result<double> NonNegative(const Config& s, std::string_view key, double def, double max) {
  QUELL_ASSIGN_OR_RETURN(double v, s.GetDouble(key, def));
  if (!(v >= 0 && v <= max)) {
    return InvalidArgument(s.Where(key) + ": must be between 0 and " + std::to_string(max));
  }
  return v;
}

Result<int> Int(const Config& s, std::string_view key, int def, int min, int max) {
  QUELL_ASSIGN_OR_RETURN(int64_t v, s.GetInt(key, def, min, max));
  return static_cast<int>(v);
}

}  // namespace

Result<reputation::ReputationOptions> ReputationOptionsFrom(const Environment& env) {
  QUELL_ASSIGN_OR_RETURN(Config s, env.config.GetTable("reputation"));
  QUELL_RETURN_IF_ERROR(
      s.CheckKnownKeys({"half_life_days", "legit_weight", "label_score", "marks_per_user_per_day",
                        "min_user_weight", "weights", "ranges", "blocklist"}));
  reputation::ReputationOptions o;
  QUELL_ASSIGN_OR_RETURN(o.half_life_days,
                         NonNegative(s, "half_life_days", o.half_life_days, 3650));
  if (o.half_life_days < 1) return InvalidArgument(s.Where("half_life_days") + ": at least 1");
  QUELL_ASSIGN_OR_RETURN(o.legit_weight, NonNegative(s, "legit_weight", o.legit_weight, 1000));
  QUELL_ASSIGN_OR_RETURN(o.label_score, Int(s, "label_score", o.label_score, 1, 100));
  QUELL_ASSIGN_OR_RETURN(o.marks_per_user_per_day,
                         Int(s, "marks_per_user_per_day", o.marks_per_user_per_day, 1, 1'000'000));
  QUELL_ASSIGN_OR_RETURN(o.min_user_weight,
                         NonNegative(s, "min_user_weight", o.min_user_weight, 1));

  QUELL_ASSIGN_OR_RETURN(Config w, s.GetTable("weights"));
  QUELL_RETURN_IF_ERROR(w.CheckKnownKeys(
      {"mark", "report", "finding", "dnc_violation", "shaken_failure", "sanction"}));
  reputation::Weights& ws = o.weights;
  QUELL_ASSIGN_OR_RETURN(ws.mark, NonNegative(w, "mark", ws.mark, 1000));
  QUELL_ASSIGN_OR_RETURN(ws.report, NonNegative(w, "report", ws.report, 1000));
  QUELL_ASSIGN_OR_RETURN(ws.finding, NonNegative(w, "finding", ws.finding, 1000));
  QUELL_ASSIGN_OR_RETURN(ws.dnc_violation, NonNegative(w, "dnc_violation", ws.dnc_violation, 1000));
  QUELL_ASSIGN_OR_RETURN(ws.shaken_failure,
                         NonNegative(w, "shaken_failure", ws.shaken_failure, 1000));
  QUELL_ASSIGN_OR_RETURN(ws.sanction, NonNegative(w, "sanction", ws.sanction, 1000));

  QUELL_ASSIGN_OR_RETURN(Config r, s.GetTable("ranges"));
  QUELL_RETURN_IF_ERROR(r.CheckKnownKeys({"min_in_10", "min_in_100", "min_blocks_in_100"}));
  QUELL_ASSIGN_OR_RETURN(o.ranges.min_in_10, Int(r, "min_in_10", o.ranges.min_in_10, 2, 10));
  QUELL_ASSIGN_OR_RETURN(o.ranges.min_in_100, Int(r, "min_in_100", o.ranges.min_in_100, 2, 100));
  QUELL_ASSIGN_OR_RETURN(o.ranges.min_blocks_in_100,
                         Int(r, "min_blocks_in_100", o.ranges.min_blocks_in_100, 1, 10));
  return o;
}

Result<reputation::BlocklistOptions> BlocklistOptionsFrom(const Environment& env) {
  QUELL_ASSIGN_OR_RETURN(Config r, env.config.GetTable("reputation"));
  QUELL_ASSIGN_OR_RETURN(Config s, r.GetTable("blocklist"));
  QUELL_RETURN_IF_ERROR(s.CheckKnownKeys({"key_file", "retention_days", "build_interval_s"}));
  reputation::BlocklistOptions o;
  QUELL_ASSIGN_OR_RETURN(o.key_path, s.GetString("key_file", env.data_dir + "/blocklist.key"));
  QUELL_ASSIGN_OR_RETURN(o.retention_days, Int(s, "retention_days", o.retention_days, 1, 3650));
  QUELL_ASSIGN_OR_RETURN(o.build_interval_s,
                         Int(s, "build_interval_s", o.build_interval_s, 5, 86400));
  return o;
}

}  // namespace quell::cli
