#include "quell/cli/demo.h"

#include "quell/notify/notify.h"

namespace quell::cli {
namespace {

struct DemoOrg {
  const char* name;
  OrgKind kind;
};

constexpr DemoOrg kOrgs[] = {
    {"Demo Telecom", OrgKind::kCarrier},
    {"Demo Finance Ltd", OrgKind::kBusiness},
    {"Demo Caller ID App", OrgKind::kAppVendor},
    {"Demo Communications Authority", OrgKind::kAgency},
    {"Demo Data Controller", OrgKind::kDataController},
};

struct DemoUser {
  const char* username;
  Role role;
  const char* org;
  const char* display_name;
};

// Documented in README.md and docs/operations.md; the password of each is
// "<username>-demo-pass".
constexpr DemoUser kUsers[] = {
    {"admin", Role::kAdmin, "", "Demo Administrator"},
    {"analyst", Role::kAnalyst, "Demo Communications Authority", "Demo Analyst"},
    {"carrier", Role::kCarrier, "Demo Telecom", "Demo Carrier Operator"},
    {"business", Role::kBusiness, "Demo Finance Ltd", "Demo Business User"},
    {"app", Role::kApp, "Demo Caller ID App", "Demo App Vendor"},
    {"controller", Role::kDataController, "Demo Data Controller", "Demo Data Controller"},
    {"citizen", Role::kCitizen, "", "Demo Citizen"},
};

constexpr const char* kDemoKeyLabel = "demo carrier key";

}  // namespace

Result<DemoSeed> SeedDemo(access::Accounts& accounts, notify::Notifier* notifier) {
  DemoSeed seed;
  for (const DemoOrg& o : kOrgs) {
    if (!accounts.FindOrganisation(o.name)) {
      QUELL_RETURN_IF_ERROR(accounts.CreateOrganisation(o.name, o.kind).status());
    }
  }
  for (const DemoUser& u : kUsers) {
    const std::string password = std::string(u.username) + "-demo-pass";
    if (!accounts.FindUser(u.username)) {
      QUELL_RETURN_IF_ERROR(
          accounts.CreateUser(u.username, password, u.role, u.org, u.display_name).status());
    }
    seed.accounts.push_back({u.username, password, std::string(Name(u.role))});
  }
  // Keys are shown once: revoke the previous start's demo key and make a new one.
  QUELL_ASSIGN_OR_RETURN(auto keys, accounts.ListApiKeys());
  for (const auto& k : keys) {
    if (k.label == kDemoKeyLabel && !k.revoked_at)
      QUELL_RETURN_IF_ERROR(accounts.RevokeApiKey(k.id));
  }
  QUELL_ASSIGN_OR_RETURN(auto key,
                         accounts.CreateApiKey(Role::kCarrier, "Demo Telecom", kDemoKeyLabel));
  seed.carrier_api_key = key.key;

  // A first notice in the demo outbox, so the admin's outbox page has content.
  if (notifier) {
    QUELL_ASSIGN_OR_RETURN(auto stats, notifier->GetStats());
    if (stats.held + stats.pending + stats.sent + stats.failed == 0) {
      QUELL_RETURN_IF_ERROR(
          notifier
              ->Enqueue(notify::Channel::kSms, "+8613800138000", "Welcome",
                        "Quell demo: notices to citizens and carriers appear in this outbox.",
                        "demo")
              .status());
    }
  }
  return seed;
}

}  // namespace quell::cli
