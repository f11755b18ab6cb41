#include "quell/cli/demo_breach.h"

#include "quell/access/access.h"
#include "quell/enforce/breach.h"

namespace quell::cli {
namespace {

constexpr const char* kController = "Demo Data Controller";

using enforce::BreachNumber;
using enforce::DataCategory;
using enforce::NumberRole;
using std::chrono::hours;
using std::chrono::minutes;

}  // namespace

Status SeedBreaches(access::Accounts& accounts, store::Store& store,
                    const enforce::BreachOptions& options, notify::Notifier* notifier,
                    enforce::LedgerAppender* ledger, Clock& clock) {
  auto org = accounts.FindOrganisation(kController);
  if (!org) {
    QUELL_ASSIGN_OR_RETURN(org, accounts.CreateOrganisation(kController, OrgKind::kDataController));
  }
  // The notices on a clock of their own, set to each step's past.
  FakeClock then(clock.Now());
  QUELL_ASSIGN_OR_RETURN(auto notices,
                         enforce::BreachNotices::Open(store, then, options, notifier, ledger));
  QUELL_ASSIGN_OR_RETURN(auto any, notices->List({.limit = 1}));
  if (!any.empty()) return Status::Ok();
  const TimePoint now = clock.Now();
  const std::string entity = options.entity_types.back().name;  // "processor" by default

  // Closed a month ago: a small mailing-list leak, handled.
  {
    const TimePoint discovered = now - hours(24 * 40);
    then.Set(discovered + hours(2));
    enforce::NewBreach n{
        .org_id = org->id,
        .org_name = org->name,
        .description =
            "A newsletter service misconfiguration exposed a subscriber list "
            "(names and phone numbers) for about six hours.",
        .occurred_at_ms = ToUnixMillis(discovered - hours(6)),
        .discovered_at_ms = ToUnixMillis(discovered),
        .people_affected = 320,
        .categories = {DataCategory::kIdentity, DataCategory::kContact},
        .measures = "Access closed; the service provider's configuration audited.",
        .entity_type = entity,
        .numbers = {BreachNumber{.number = 8613800138000, .role = NumberRole::kAffected}}};
    QUELL_ASSIGN_OR_RETURN(enforce::Breach b, notices->File(n, "controller"));
    then.Set(discovered + hours(26));
    QUELL_RETURN_IF_ERROR(notices->Review(b.id, "analyst", "").status());
    then.Set(discovered + hours(24 * 5));
    QUELL_RETURN_IF_ERROR(
        notices->Close(b.id, "analyst", "Measures adequate; no further action.").status());
  }
  // On time, under review: stolen staff credentials.
  {
    const TimePoint discovered = now - hours(24 * 5);
    then.Set(discovered + minutes(50));
    enforce::NewBreach n{
        .org_id = org->id,
        .org_name = org->name,
        .description =
            "Phished staff credentials were used to read customer accounts in the "
            "support console.",
        .occurred_at_ms = ToUnixMillis(discovered - hours(30)),
        .discovered_at_ms = ToUnixMillis(discovered),
        .people_affected = 18'500,
        .categories = {DataCategory::kContact, DataCategory::kCredentials},
        .measures = "Sessions revoked, passwords reset, two-factor sign-in enforced for staff.",
        .entity_type = entity,
        .numbers = {BreachNumber{.number = 8615800008888, .role = NumberRole::kUsed}}};
    QUELL_ASSIGN_OR_RETURN(enforce::Breach b, notices->File(n, "controller"));
    then.Set(discovered + hours(20));
    QUELL_RETURN_IF_ERROR(
        notices->Review(b.id, "analyst", "Checking the console's logs.").status());
  }
  // Late and escalated: a large leak reported six hours after discovery.
  {
    const TimePoint discovered = now - hours(30);
    then.Set(discovered + hours(6));
    enforce::NewBreach n{
        .org_id = org->id,
        .org_name = org->name,
        .description =
            "A customer database backup (names, ID numbers, phone numbers) was found "
            "for sale on a forum.",
        .occurred_at_ms = ToUnixMillis(discovered - hours(24 * 12)),
        .discovered_at_ms = ToUnixMillis(discovered),
        .people_affected = 1'500'000,
        .categories = {DataCategory::kIdentity, DataCategory::kContact},
        .measures = "Backup storage locked down; police informed.",
        .entity_type = entity,
        .numbers = {BreachNumber{.number = 8613900139000, .role = NumberRole::kAffected},
                    BreachNumber{.number = 8613800138000, .role = NumberRole::kAffected},
                    BreachNumber{.number = 8617000000666, .role = NumberRole::kUsed}}};
    QUELL_RETURN_IF_ERROR(notices->File(n, "controller").status());
  }
  return Status::Ok();
}

}  // namespace quell::cli
