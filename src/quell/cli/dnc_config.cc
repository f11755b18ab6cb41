#include "quell/cli/dnc_config.h"

namespace quell::cli {
Result<registry::Options> DncOptionsFrom(const Environment& env) {
  QUELL_ASSIGN_OR_RETURN(Config s, env.config.GetTable("dnc"));
  QUELL_RETURN_IF_ERROR(
      s.CheckKnownKeys({"grace_period", "utc_offset", "calling_hours", "purchase_exemption",
                        "enquiry_exemption", "snapshot_every_changes"}));
  registry::Options o;
  QUELL_ASSIGN_OR_RETURN(o.grace_period, s.GetDuration("grace_period", o.grace_period));
  QUELL_ASSIGN_OR_RETURN(std::string offset, s.GetString("utc_offset", "+08:00"));
  auto minutes = ParseUtcOffset(offset);
  if (!minutes) return InvalidArgument(s.Where("utc_offset") + ": " + minutes.error().message());
  o.utc_offset_minutes = *minutes;
  QUELL_ASSIGN_OR_RETURN(std::string hours, s.GetString("calling_hours", "08:00-21:00"));
  auto calling = registry::ParseCallingHours(hours);
  if (!calling) {
    return InvalidArgument(s.Where("calling_hours") + ": " + calling.error().message());
  }
  o.calling_hours = *calling;
  QUELL_ASSIGN_OR_RETURN(o.purchase_exemption,
                         s.GetDuration("purchase_exemption", o.purchase_exemption));
  QUELL_ASSIGN_OR_RETURN(o.enquiry_exemption,
                         s.GetDuration("enquiry_exemption", o.enquiry_exemption));
  QUELL_ASSIGN_OR_RETURN(
      o.snapshot_every_changes,
      s.GetInt("snapshot_every_changes", o.snapshot_every_changes, 1, int64_t{1} << 40));
  o.snapshot_dir = env.data_dir + "/dnc";
  return o;
}

Result<std::unique_ptr<registry::Registry>> OpenRegistry(const Environment& env,
                                                         store::Store& store, Clock& clock) {
  QUELL_ASSIGN_OR_RETURN(registry::Options options, DncOptionsFrom(env));
  return registry::Registry::Open(store, clock, std::move(options));
}

}  // namespace quell::cli
