#include "quell/cli/complaints_config.h"

#include <charconv>

#include "quell/access/access.h"

namespace quell::cli {
namespace {

Result<int> Int(const Config& s, std::string_view key, int def, int min, int max) {
  QUELL_ASSIGN_OR_RETURN(int64_t v, s.GetInt(key, def, min, max));
  return static_cast<int>(v);
}

// An organisation by name, or by id written as digits.
Result<int64_t> OrgId(const Config& s, access::Accounts& accounts) {
  QUELL_ASSIGN_OR_RETURN(std::string org, s.GetString("org", ""));
  if (org.empty()) return InvalidArgument(s.Where("org") + ": name the organisation");
  int64_t id = 0;
  if (std::from_chars(org.data(), org.data() + org.size(), id).ptr == org.data() + org.size()) {
    return id;
  }
  auto found = accounts.FindOrganisation(org);
  if (!found) return InvalidArgument(s.Where("org") + ": no organisation '" + org + "'");
  return found->id;
}

}  // namespace

Result<ComplaintsConfig> ComplaintsConfigFrom(const Environment& env, access::Accounts& accounts) {
  QUELL_ASSIGN_OR_RETURN(Config s, env.config.GetTable("complaints"));
  QUELL_RETURN_IF_ERROR(
      s.CheckKnownKeys({"forward_days", "answer_days", "inform_days", "daily_limit",
                        "retention_days", "max_age_days", "calendar", "routing", "webhooks"}));
  ComplaintsConfig c;
  reputation::ComplaintOptions& o = c.options;
  QUELL_ASSIGN_OR_RETURN(o.forward_days, Int(s, "forward_days", o.forward_days, 1, 365));
  QUELL_ASSIGN_OR_RETURN(o.answer_days, Int(s, "answer_days", o.answer_days, 1, 365));
  QUELL_ASSIGN_OR_RETURN(o.inform_days, Int(s, "inform_days", o.inform_days, 1, 365));
  QUELL_ASSIGN_OR_RETURN(o.daily_limit, Int(s, "daily_limit", o.daily_limit, 1, 100000));
  QUELL_ASSIGN_OR_RETURN(o.retention_days, Int(s, "retention_days", o.retention_days, 30, 36500));
  QUELL_ASSIGN_OR_RETURN(o.max_age_days, Int(s, "max_age_days", o.max_age_days, 1, 36500));

  QUELL_ASSIGN_OR_RETURN(Config cal, s.GetTable("calendar"));
  QUELL_RETURN_IF_ERROR(cal.CheckKnownKeys({"region", "utc_offset", "holidays", "workdays"}));
  QUELL_ASSIGN_OR_RETURN(c.calendar.region, cal.GetString("region", "CN"));
  QUELL_ASSIGN_OR_RETURN(std::string offset, cal.GetString("utc_offset", "+08:00"));
  auto minutes = ParseUtcOffset(offset);
  if (!minutes) return InvalidArgument(cal.Where("utc_offset") + ": " + minutes.error().message());
  c.calendar.utc_offset_minutes = *minutes;
  QUELL_ASSIGN_OR_RETURN(c.calendar.holidays, cal.GetStringList("holidays", {}));
  QUELL_ASSIGN_OR_RETURN(c.calendar.workdays, cal.GetStringList("workdays", {}));

  QUELL_ASSIGN_OR_RETURN(auto routing, s.GetTableArray("routing"));
  for (const Config& r : routing) {
    QUELL_RETURN_IF_ERROR(r.CheckKnownKeys({"prefix", "org"}));
    reputation::RoutingRule rule;
    QUELL_ASSIGN_OR_RETURN(rule.prefix, r.GetString("prefix", ""));
    QUELL_ASSIGN_OR_RETURN(rule.org_id, OrgId(r, accounts));
    o.routing.push_back(std::move(rule));
  }
  QUELL_ASSIGN_OR_RETURN(auto hooks, s.GetTableArray("webhooks"));
  for (const Config& w : hooks) {
    QUELL_RETURN_IF_ERROR(w.CheckKnownKeys({"org", "url"}));
    reputation::OrgWebhook hook;
    QUELL_ASSIGN_OR_RETURN(hook.url, w.GetString("url", ""));
    QUELL_ASSIGN_OR_RETURN(hook.org_id, OrgId(w, accounts));
    o.webhooks.push_back(std::move(hook));
  }
  return c;
}

}  // namespace quell::cli
