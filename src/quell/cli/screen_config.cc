#include "quell/cli/screen_config.h"

#include <spdlog/spdlog.h>

#include "quell/access/access.h"
#include "quell/cli/shaken_config.h"
#include "quell/core/number_plan.h"
#include "quell/core/phone_number.h"
#include "quell/screen/behaviour_provider.h"
#include "quell/screen/dnc_provider.h"
#include "quell/screen/numbering_provider.h"
#include "quell/screen/pipeline.h"
#include "quell/screen/policy.h"
#include "quell/screen/reputation_provider.h"
#include "quell/screen/sanctions_provider.h"
#include "quell/screen/shaken_provider.h"

namespace quell::cli {

ScreenConfig::ScreenConfig() : pipeline(std::make_unique<screen::PipelineOptions>()) {}
ScreenConfig::~ScreenConfig() = default;
ScreenConfig::ScreenConfig(const ScreenConfig& o)
    : region(o.region),
      pipeline(std::make_unique<screen::PipelineOptions>(*o.pipeline)),
      do_not_originate_file(o.do_not_originate_file),
      signing_org(o.signing_org),
      policy(o.policy) {}
ScreenConfig& ScreenConfig::operator=(const ScreenConfig& o) {
  if (this != &o) {
    region = o.region;
    pipeline = std::make_unique<screen::PipelineOptions>(*o.pipeline);
    do_not_originate_file = o.do_not_originate_file;
    signing_org = o.signing_org;
    policy = o.policy;
  }
  return *this;
}

ScreenServices::ScreenServices() = default;
ScreenServices::~ScreenServices() = default;
ScreenServices::ScreenServices(ScreenServices&&) noexcept = default;
ScreenServices& ScreenServices::operator=(ScreenServices&&) noexcept = default;

Result<ScreenConfig> ScreenConfigFrom(const Config& config) {
  ScreenConfig c;
  QUELL_ASSIGN_OR_RETURN(c.region, config.GetString("region", "CN"));
  QUELL_ASSIGN_OR_RETURN(Config s, config.GetTable("screen"));
  QUELL_RETURN_IF_ERROR(
      s.CheckKnownKeys({"emergency_numbers", "emergency_callers", "emergency_trunks",
                        "do_not_originate_file", "signing_org", "rule"}));
  QUELL_ASSIGN_OR_RETURN(auto extra, s.GetStringList("emergency_numbers"));
  for (const std::string& e : extra) {
    const bool digits =
        !e.empty() && e.size() <= 15 && e.find_first_not_of("0123456789") == std::string::npos;
    if (!digits) {
      return InvalidArgument(s.Where("emergency_numbers") + ": '" + e +
                             "' is not a dialled emergency number (digits only)");
    }
    c.pipeline->emergency_numbers.push_back(e);
  }
  QUELL_ASSIGN_OR_RETURN(auto callers, s.GetStringList("emergency_callers"));
  for (const std::string& e : callers) {
    auto n = PhoneNumber::ParsePossible(e, c.region);
    if (!n) return InvalidArgument(s.Where("emergency_callers") + ": " + n.error().message());
    c.pipeline->emergency_callers.push_back(n->compact());
  }
  QUELL_ASSIGN_OR_RETURN(c.pipeline->emergency_trunks, s.GetStringList("emergency_trunks"));
  QUELL_ASSIGN_OR_RETURN(c.do_not_originate_file, s.GetString("do_not_originate_file", ""));
  QUELL_ASSIGN_OR_RETURN(c.signing_org, s.GetString("signing_org", ""));
  QUELL_ASSIGN_OR_RETURN(c.policy, screen::Policy::FromConfig(s));
  return c;
}

Result<ScreenServices> OpenScreen(const ScreenConfig& config, ShakenServices& shaken,
                                  access::Accounts& accounts, const registry::Registry* dnc,
                                  Clock& clock, events::CallEventSink* sink,
                                  const detect::Engine* detector,
                                  const reputation::Reputation* reputation,
                                  const enforce::Sanctions* sanctions) {
  ScreenServices out;
  out.plan = std::make_unique<NumberPlan>(config.region);
  screen::NumberSet dno;
  if (!config.do_not_originate_file.empty()) {
    QUELL_ASSIGN_OR_RETURN(dno,
                           screen::LoadNumberList(config.do_not_originate_file, config.region));
  }
  std::string org_id;
  if (!config.signing_org.empty()) {
    auto org = accounts.FindOrganisation(config.signing_org);
    if (!org) {
      return org.status().WithContext("[screen] signing_org '" + config.signing_org + "'");
    }
    org_id = std::to_string(org->id);
    out.signing_org_id = org->id;
  }
  std::vector<std::unique_ptr<screen::SignalProvider>> providers;
  auto numbering = std::make_unique<screen::NumberingProvider>(*out.plan, std::move(dno));
  out.numbering = numbering.get();
  providers.push_back(std::move(numbering));
  if (shaken.verifier || (shaken.signer && !org_id.empty())) {
    providers.push_back(std::make_unique<screen::ShakenProvider>(shaken.verifier.get(),
                                                                 shaken.signer.get(), org_id));
  }
  if (sanctions != nullptr) {
    providers.push_back(std::make_unique<screen::SanctionsProvider>(*sanctions));
  }
  if (dnc != nullptr) providers.push_back(std::make_unique<screen::DncProvider>(*dnc));
  if (reputation != nullptr) {
    providers.push_back(std::make_unique<screen::ReputationProvider>(*reputation));
  }
  if (detector != nullptr) {
    providers.push_back(std::make_unique<screen::BehaviourProvider>(*detector));
  }
  out.pipeline = std::make_unique<screen::Pipeline>(*config.pipeline, *out.plan, clock,
                                                    std::move(providers), config.policy, sink);
  out.region = config.region;
  out.signing_org = config.signing_org;
  return out;
}

Status ReloadScreen(const ScreenConfig& config, ScreenServices& services) {
  screen::NumberSet dno;
  if (!config.do_not_originate_file.empty()) {
    QUELL_ASSIGN_OR_RETURN(dno,
                           screen::LoadNumberList(config.do_not_originate_file, config.region));
  }
  services.numbering->SetDoNotOriginate(std::move(dno));
  services.pipeline->SetPolicy(config.policy);
  services.pipeline->SetEmergency(*config.pipeline);
  if (config.region != services.region || config.signing_org != services.signing_org) {
    spdlog::warn(
        "[screen] region and signing_org take effect after a restart (running with "
        "region '{}', signing_org '{}')",
        services.region, services.signing_org);
  }
  return Status::Ok();
}

}  // namespace quell::cli
