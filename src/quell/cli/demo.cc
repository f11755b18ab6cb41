#include "quell/cli/demo.h"

#include <filesystem>
#include <sstream>
#include <vector>

#include "quell/cli/shaken_pki.h"
#include "quell/events/cdr_reader.h"
#include "quell/notify/notify.h"
#include "quell/registry/registry.h"
#include "quell/reputation/calendar.h"
#include "quell/reputation/complaints.h"
#include "quell/reputation/reputation.h"
#include "quell/shaken/tn_ownership.h"
#include "quell/sim/simulator.h"

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
  QUELL_ASSIGN_OR_RETURN(auto app_key,
                         accounts.CreateApiKey(Role::kApp, "Demo Caller ID App", kDemoKeyLabel));
  seed.app_api_key = app_key.key;

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

namespace {

constexpr const char* kDemoCarrier = "Demo Telecom";

std::string DemoPkiDir(const std::string& data_dir) { return data_dir + "/shaken-demo"; }

}  // namespace

Status PrepareShakenDemo(const std::string& data_dir, ShakenConfig* config) {
  const std::string dir = DemoPkiDir(data_dir);
  if (!std::filesystem::exists(dir + "/ca/trust/root.pem")) {
    QUELL_RETURN_IF_ERROR(CaInit(dir + "/ca", "Quell Demo STI-CA", "CN", 3650, /*force=*/true));
    QUELL_RETURN_IF_ERROR(GenerateKeyFile(dir + "/demo.key", /*force=*/true));
    QUELL_RETURN_IF_ERROR(IssueLeaf(dir + "/ca", dir + "/demo.key", {.spcs = {"DEMO1"}},
                                    kDemoCarrier, "SHAKEN DEMO1", 365, "", dir + "/demo.pem",
                                    /*force=*/true));
  }
  if (!config->trust_dir.empty()) return Status::Ok();  // the operator's own trust: no relaxing
  config->trust_dir = dir + "/ca/trust";
  // The demo's x5u is this server on loopback, over HTTP.
  config->allow_http = true;
  config->allow_private_addresses = true;
  config->allow_any_port = true;
  config->allow_http_x5u = true;
  return Status::Ok();
}

SignerEntry DemoSigner(const std::string& data_dir, const std::string& base_url) {
  const std::string dir = DemoPkiDir(data_dir);
  return SignerEntry{.name = "demo",
                     .org = kDemoCarrier,
                     .key_file = dir + "/demo.key",
                     .cert_file = dir + "/demo.pem",
                     .x5u = base_url + "sti-cr/demo.pem"};
}

Status SeedShakenCustomers(access::Accounts& accounts, shaken::TnOwnership& ownership) {
  QUELL_ASSIGN_OR_RETURN(access::Organisation org, accounts.FindOrganisation(kDemoCarrier));
  const std::string org_id = std::to_string(org.id);
  struct DemoCustomer {
    const char* id;
    const char* name;
    shaken::CustomerKind kind;
    const char* first;
    const char* last;
    const char* note;
  };
  const DemoCustomer customers[] = {
      {"demo-finance", "Demo Finance Ltd", shaken::CustomerKind::kCustomer, "+8613800138000",
       "+8613800138999", "customer service lines"},
      {"demo-callcentre", "Guangzhou Demo Call Centre", shaken::CustomerKind::kCustomer,
       "+862088880000", "+862088889999", "outbound campaign numbers"},
      {"intl-gateway", "International gateway (Hong Kong)", shaken::CustomerKind::kGateway, "", "",
       ""},
  };
  for (const DemoCustomer& c : customers) {
    if (ownership.GetCustomer(org_id, c.id)) continue;
    QUELL_RETURN_IF_ERROR(
        ownership.CreateCustomer(org_id, {.id = c.id, .name = c.name, .kind = c.kind}).status());
    if (*c.first != '\0') {
      QUELL_RETURN_IF_ERROR(
          ownership.AddRange(org_id, c.id, {.first = c.first, .last = c.last, .note = c.note})
              .status());
    }
  }
  return Status::Ok();
}

Status SeedDnc(access::Accounts& accounts, registry::Registry& registry, Clock& clock) {
  QUELL_ASSIGN_OR_RETURN(access::Organisation org, accounts.FindOrganisation("Demo Finance Ltd"));
  QUELL_ASSIGN_OR_RETURN(auto ranges, registry.ListRanges(org.id));
  if (!ranges.empty()) return Status::Ok();  // seeded by an earlier start
  auto number = [](const char* text) { return *PhoneNumber::Parse(text, "CN"); };
  const uint16_t finance = 1u << static_cast<int>(Category::kFinance);
  const uint16_t insurance = 1u << static_cast<int>(Category::kInsurance);
  registry::DeclaredRange range{.first = number("+862161234000"),
                                .last = number("+862161234999"),
                                .categories = static_cast<uint16_t>(finance | insurance)};
  registry::DeclaredRange service{.first = number("+862161235000"),
                                  .last = number("+862161235000"),
                                  .purpose = registry::Purpose::kService,
                                  .categories = finance};
  const registry::DeclaredRange both[] = {range, service};
  QUELL_RETURN_IF_ERROR(registry.DeclareRanges(org.id, both).status());

  const TimePoint now = clock.Now();
  const auto days = [](int d) { return std::chrono::hours(24 * d); };
  std::vector<registry::RegisterRequest> rows = {
      // The demo traffic calls this number from the marketing range: blocked.
      {.number = number("+8613800138005"),
       .channel = registry::Channel::kWeb,
       .verification = "sms-code",
       .actor = "demo",
       .registered_at = now - days(90)},
      // Refuses finance, except in the evening.
      {.number = number("+8613500135000"),
       .channel = registry::Channel::kWeb,
       .verification = "sms-code",
       .actor = "demo",
       .preferences = *registry::ParsePreferences({"finance"}, {"18-21"}),
       .registered_at = now - days(60)},
      // Refuses only real estate: Demo Finance may call.
      {.number = number("+8613600136000"),
       .channel = registry::Channel::kCarrier,
       .verification = "carrier:Demo Telecom",
       .actor = "demo",
       .preferences = *registry::ParsePreferences({"real_estate"}, {}),
       .registered_at = now - days(45)},
      // Registered five days ago: protected in 26 days.
      {.number = number("+8613900139000"),
       .channel = registry::Channel::kWeb,
       .verification = "sms-code",
       .actor = "demo",
       .registered_at = now - days(5)},
      // Gave Demo Finance its consent (below).
      {.number = number("+8613800138006"),
       .channel = registry::Channel::kWeb,
       .verification = "sms-code",
       .actor = "demo",
       .registered_at = now - days(200)},
  };
  // Every seventh number of +86 138 0013 8100-8499, registered a year ago.
  for (uint64_t n = 8613800138100; n < 8613800138500; n += 7) {
    rows.push_back({.number = *PhoneNumber::FromCompact(n),
                    .channel = registry::Channel::kImport,
                    .verification = "import",
                    .actor = "demo",
                    .registered_at = now - days(365)});
  }
  QUELL_ASSIGN_OR_RETURN(auto done, registry.RegisterMany(rows));
  for (const auto& r : done) QUELL_RETURN_IF_ERROR(r.status());
  registry::Exemption consent{.org_id = org.id,
                              .number = number("+8613800138006"),
                              .basis = registry::ExemptionBasis::kConsent,
                              .starts_at = now - days(30),
                              .note = "signed consent form (demo)"};
  QUELL_RETURN_IF_ERROR(registry.AddExemption(consent).status());
  return registry.Maintain(/*force_snapshot=*/true);
}

Status SeedDetection(events::CallEventSink& sink, const NumberPlan& plan, Clock& clock) {
  sim::ScenarioParams p;
  p.subscribers = 20'000;
  p.hours = 3;
  p.campaigns_per_kind = 3;
  p.hv_callers = 20;
  p.legit_bursts = 1;
  p.seed = 7;
  p.start_unix_ms = ToUnixMillis(clock.Now()) - 3 * 3'600'000;
  p.utc_offset_minutes = 480;
  std::ostringstream cdr, truth;
  QUELL_RETURN_IF_ERROR(sim::Simulate(p, cdr, truth).status());
  events::CdrReader reader(plan, events::CdrFormat::kCsv);
  std::vector<events::CallEvent> calls;
  reader.Feed(cdr.str(), calls);
  reader.Finish(calls);
  QUELL_RETURN_IF_ERROR(reader.status());
  for (const events::CallEvent& e : calls) sink.Publish(e);
  return Status::Ok();
}

}  // namespace quell::cli

namespace quell::cli {

Status SeedReputation(access::Accounts& accounts, reputation::Reputation& reputation,
                      Clock& clock) {
  using reputation::Label;
  QUELL_ASSIGN_OR_RETURN(access::Organisation app, accounts.FindOrganisation("Demo Caller ID App"));
  struct Marked {
    uint64_t number;
    Label label;
    std::optional<Category> category;
    int users;
    int not_spam = 0;
  };
  const Marked kMarked[] = {
      {8617000000666, Label::kFraud, std::nullopt, 60},  // blocked by the "fraud" rule
      {8616500001234, Label::kFraud, std::nullopt, 12},  // labelled "Reported: fraud"
      {8615800008888, Label::kMarketing, Category::kRealEstate, 14},
      {8613300133000, Label::kHarassment, std::nullopt, 8, 2},  // disputed
      {8613500135000, Label::kDelivery, std::nullopt, 6},       // a delivery rider
      // A block of ten abused numbers: +86 171 0000 0019 is in a flagged range.
      {8617100000010, Label::kFraud, std::nullopt, 5},
      {8617100000011, Label::kFraud, std::nullopt, 5},
      {8617100000013, Label::kFraud, std::nullopt, 6},
      {8617100000014, Label::kFraud, std::nullopt, 5},
      {8617100000016, Label::kOneRing, std::nullopt, 7},
  };
  const TimePoint now = clock.Now();
  int user = 0;
  for (const Marked& m : kMarked) {
    for (int i = 0; i < m.users + m.not_spam; ++i) {
      const bool spam = i < m.users;
      // Spread over the last month, the older the fewer.
      const auto age = std::chrono::hours((i * 37) % (24 * 30));
      QUELL_RETURN_IF_ERROR(reputation
                                .AddMark({.number = m.number,
                                          .app_org_id = app.id,
                                          .user = "demo-user-" + std::to_string(user++ % 97),
                                          .label = spam ? m.label : Label::kNone,
                                          .category = spam ? m.category : std::nullopt,
                                          .at = now - age})
                                .status());
    }
  }
  return Status::Ok();
}

}  // namespace quell::cli

namespace quell::cli {

Status SeedComplaints(access::Accounts& accounts, store::Store& store,
                      const reputation::WorkingCalendar& calendar,
                      const reputation::ComplaintOptions& options, events::EvidenceSink* evidence,
                      Clock& clock) {
  using reputation::ReportKind;
  QUELL_ASSIGN_OR_RETURN(access::User citizen, accounts.FindUser("citizen"));
  QUELL_ASSIGN_OR_RETURN(access::Organisation carrier, accounts.FindOrganisation("Demo Telecom"));
  // The centre on a clock of its own, set to each report's past.
  FakeClock then(clock.Now());
  QUELL_ASSIGN_OR_RETURN(
      auto centre, reputation::ComplaintCentre::Open(store, then, calendar, options, evidence));
  QUELL_ASSIGN_OR_RETURN(auto any, centre->List({.limit = 1}));
  if (!any.empty()) return Status::Ok();
  struct Seeded {
    int days_ago;
    uint64_t caller;
    ReportKind kind;
    std::optional<Category> category;
    const char* description;
    int forwarded_after_days;  // -1 never
    int answered_after_days;   // -1 never
  };
  const Seeded kReports[] = {
      {14, 8615800008888, ReportKind::kMarketing, Category::kRealEstate,
       "Third call this week offering flats; I never gave them my number.", 1, 5},
      {9, 8617000000666, ReportKind::kFraud, std::nullopt,
       "Claimed to be the police and asked me to move my savings to a 'safe account'.", 2, -1},
      {20, 8613300133000, ReportKind::kHarassment, std::nullopt,
       "Calls at night and hangs up when I answer.", -1, -1},
      {0, 8616500001234, ReportKind::kFraud, std::nullopt,
       "Said my parcel was held at customs and asked for a fee.", -1, -1},
  };
  const TimePoint now = clock.Now();
  const std::string reporter = "user:" + std::to_string(citizen.id);
  for (const Seeded& r : kReports) {
    const TimePoint received = now - std::chrono::hours(24 * r.days_ago) - std::chrono::hours(1);
    then.Set(received);
    reputation::NewReport report{
        .reporter = {.principal = reporter},
        .caller = r.caller,
        .callee = 8613800138000,
        .occurred_at_ms = ToUnixMillis(received - std::chrono::minutes(20)),
        .kind = r.kind,
        .category = r.category,
        .description = r.description};
    QUELL_ASSIGN_OR_RETURN(reputation::SubmitResult s, centre->Submit(report, citizen.username));
    if (r.forwarded_after_days < 0) continue;
    then.Set(received + std::chrono::hours(24 * r.forwarded_after_days));
    QUELL_RETURN_IF_ERROR(centre->Forward(s.report.id, carrier.id, "analyst").status());
    if (r.answered_after_days < 0) continue;
    then.Set(received + std::chrono::hours(24 * r.answered_after_days));
    QUELL_RETURN_IF_ERROR(
        centre
            ->Answer(s.report.id, carrier.id,
                     "The caller is a reseller's line on our network; it has been warned and its "
                     "marketing suspended for 30 days.",
                     "carrier")
            .status());
  }
  return Status::Ok();
}

}  // namespace quell::cli
