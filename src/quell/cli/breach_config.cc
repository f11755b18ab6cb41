#include "quell/cli/breach_config.h"

#include <chrono>
#include <set>

namespace quell::cli {
namespace {

constexpr std::string_view kGrades[] = {"general", "major", "serious", "especially_serious"};

Result<std::chrono::minutes> Minutes(const Config& s, std::string_view key,
                                     std::chrono::minutes def) {
  QUELL_ASSIGN_OR_RETURN(std::chrono::milliseconds ms, s.GetDuration(key, def));
  if (ms < std::chrono::minutes(1) ||
      ms % std::chrono::minutes(1) != std::chrono::milliseconds(0)) {
    return InvalidArgument(s.Where(key) + ": '" + std::string(key) +
                           "' must be a whole number of minutes (\"90m\", \"4h\")");
  }
  return std::chrono::duration_cast<std::chrono::minutes>(ms);
}

}  // namespace

Result<enforce::BreachOptions> BreachOptionsFromSection(const Config& s) {
  QUELL_RETURN_IF_ERROR(
      s.CheckKnownKeys({"supplement_within", "number_retention", "escalation_webhook",
                        "escalation_sms", "affected_sms_text", "grading", "entity_types"}));
  enforce::BreachOptions o;
  QUELL_ASSIGN_OR_RETURN(o.supplement_within, Minutes(s, "supplement_within", o.supplement_within));
  QUELL_ASSIGN_OR_RETURN(
      std::chrono::milliseconds retention,
      s.GetDuration("number_retention",
                    std::chrono::duration_cast<std::chrono::milliseconds>(o.number_retention)));
  if (retention < std::chrono::hours(24)) {
    return InvalidArgument(s.Where("number_retention") +
                           ": 'number_retention' must be at least a day (\"180d\")");
  }
  o.number_retention = std::chrono::duration_cast<std::chrono::hours>(retention);
  QUELL_ASSIGN_OR_RETURN(o.escalation_webhook, s.GetString("escalation_webhook", ""));
  QUELL_ASSIGN_OR_RETURN(o.escalation_sms, s.GetString("escalation_sms", ""));
  QUELL_ASSIGN_OR_RETURN(o.affected_sms_text,
                         s.GetString("affected_sms_text", o.affected_sms_text));

  QUELL_ASSIGN_OR_RETURN(Config g, s.GetTable("grading"));
  QUELL_RETURN_IF_ERROR(
      g.CheckKnownKeys({"major", "serious", "especially_serious", "sensitive_major",
                        "sensitive_serious", "sensitive_especially_serious", "sensitive"}));
  constexpr int64_t kMaxPeople = 10'000'000'000;
  for (std::size_t i = 0; i < 3; ++i) {
    const std::string name(kGrades[i + 1]);
    QUELL_ASSIGN_OR_RETURN(o.grading.people[i], g.GetInt(name, o.grading.people[i], 1, kMaxPeople));
    QUELL_ASSIGN_OR_RETURN(
        o.grading.sensitive_people[i],
        g.GetInt("sensitive_" + name, o.grading.sensitive_people[i], 1, kMaxPeople));
  }
  for (const auto* t : {&o.grading.people, &o.grading.sensitive_people}) {
    if ((*t)[0] > (*t)[1] || (*t)[1] > (*t)[2]) {
      return InvalidArgument(g.Where(t == &o.grading.people ? "major" : "sensitive_major") +
                             ": breach grading thresholds must rise: major <= serious <= "
                             "especially_serious");
    }
  }
  if (g.Has("sensitive")) {
    QUELL_ASSIGN_OR_RETURN(auto names, g.GetStringList("sensitive", {}));
    o.grading.sensitive.clear();
    for (const std::string& n : names) {
      auto c = enforce::ParseDataCategory(n);
      if (!c) {
        return InvalidArgument(g.Where("sensitive") + ": '" + n.substr(0, 40) +
                               "' is not a data category (identity, contact, location, "
                               "financial, health, biometric, communications, credentials, "
                               "minors)");
      }
      o.grading.sensitive.push_back(*c);
    }
  }

  QUELL_ASSIGN_OR_RETURN(auto types, s.GetTableArray("entity_types"));
  if (!types.empty()) {
    // Listed types replace the defaults; a type's missing clocks take the
    // default "processor" clocks.
    const enforce::EntityType base = enforce::DefaultEntityTypes()[1];
    o.entity_types.clear();
    std::set<std::string> seen;
    for (const Config& t : types) {
      QUELL_RETURN_IF_ERROR(
          t.CheckKnownKeys({"name", "general", "major", "serious", "especially_serious"}));
      enforce::EntityType e = base;
      QUELL_ASSIGN_OR_RETURN(e.name, t.GetString("name", ""));
      if (e.name.empty() || e.name.size() > 32 ||
          e.name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") != std::string::npos) {
        return InvalidArgument(t.Where("name") + ": entity type name '" + e.name.substr(0, 40) +
                               "' must be 1-32 of a-z, 0-9 and _");
      }
      if (!seen.insert(e.name).second) {
        return InvalidArgument(t.Where("name") + ": entity type '" + e.name + "' is listed twice");
      }
      for (std::size_t i = 0; i < 4; ++i) {
        QUELL_ASSIGN_OR_RETURN(e.clocks[i], Minutes(t, kGrades[i], base.clocks[i]));
      }
      o.entity_types.push_back(std::move(e));
    }
  }
  return o;
}

Result<enforce::BreachOptions> BreachOptionsFrom(const Environment& env) {
  QUELL_ASSIGN_OR_RETURN(Config s, env.config.GetTable("breach"));
  return BreachOptionsFromSection(s);
}

}  // namespace quell::cli
