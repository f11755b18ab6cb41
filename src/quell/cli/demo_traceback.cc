#include "quell/cli/demo_traceback.h"

#include <chrono>
#include <vector>

#include "quell/access/access.h"
#include "quell/core/phone_number.h"
#include "quell/enforce/scorecard.h"
#include "quell/events/call_event.h"
#include "quell/store/store.h"

namespace quell::cli {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

struct DemoCarrier {
  const char* name;
  uint8_t roles;
  enforce::AuthStatus auth;
  const char* spc;
  const char* cert_subject;
  const char* alias;
  const char* webhook;
  enforce::ScorecardCounts counts;
};

const DemoCarrier kCarriers[] = {
    {"Demo Telecom",
     enforce::kRoleOriginating | enforce::kRoleTerminating,
     enforce::AuthStatus::kFull,
     "DEMO1",
     "SHAKEN DEMO1",
     "DT-SH-01",
     "https://demo-telecom.example/quell/traceback",
     {1'250'000, 1'150'000, 70'000, 30'000}},
    {"Demo Mobile",
     enforce::kRoleOriginating | enforce::kRoleTerminating,
     enforce::AuthStatus::kFull,
     "DEMO2",
     "SHAKEN DEMO2",
     "DM-GW-01",
     "",
     {830'000, 506'000, 250'000, 74'000}},
    {"Demo Transit Networks",
     enforce::kRoleTransit,
     enforce::AuthStatus::kPartial,
     "",
     "",
     "DTN-CORE-3",
     "",
     {2'400'000, 912'000, 600'000, 888'000}},
    {"Demo International Gateway",
     enforce::kRoleGateway | enforce::kRoleTransit,
     enforce::AuthStatus::kNone,
     "",
     "",
     "DIG-IGW-1",
     "",
     {310'000, 12'400, 0, 297'600}},
};

Result<uint64_t> Number(std::string_view text) {
  auto n = PhoneNumber::Parse(text, "CN");
  if (!n) return n.status().WithContext("demo traceback");
  return n->compact();
}

Result<int64_t> RegisterDemoCarriers(access::Accounts& accounts, enforce::Traceback& tb) {
  for (const DemoCarrier& d : kCarriers) {
    auto org = accounts.FindOrganisation(d.name);
    if (!org) {
      QUELL_ASSIGN_OR_RETURN(org, accounts.CreateOrganisation(d.name, OrgKind::kCarrier));
    }
    if (tb.GetCarrier(org->id)) continue;
    enforce::Carrier c{
        .org_id = org->id,
        .name = org->name,
        .roles = d.roles,
        .contacts = {{.name = std::string(d.name) + " traceback desk",
                      .email = "traceback@" + std::string(d.alias) + ".example",
                      .phone = "+86 21 5555 0100"}},
        .webhook_url = d.webhook,
        .auth = d.auth,
        .spcs = *d.spc ? std::vector<std::string>{d.spc} : std::vector<std::string>{},
        .cert_subject = d.cert_subject,
        .country = "CN",
        .trunk_aliases = {d.alias}};
    QUELL_RETURN_IF_ERROR(tb.RegisterCarrier(c).status());
    QUELL_RETURN_IF_ERROR(tb.scorecard().AddCounts(org->id, d.counts));
  }
  return int64_t{0};
}

int64_t Org(enforce::Traceback& tb, const char* name) { return tb.ResolveIngress(name); }

}  // namespace

Status SeedTraceback(store::Store& store, access::Accounts& accounts, Clock& clock,
                     const enforce::TracebackOptions& options, notify::Notifier* notifier,
                     enforce::LedgerAppender* ledger) {
  const TimePoint now = clock.Now();
  FakeClock past(now - hours(72));
  // Only the registry needs the options' callbacks; none here.
  enforce::TracebackOptions o = options;
  o.complaints_for_carrier = nullptr;
  o.sanctions_for_carrier = nullptr;
  QUELL_ASSIGN_OR_RETURN(auto tb, enforce::Traceback::Open(store, past, o, notifier, ledger));
  QUELL_RETURN_IF_ERROR(RegisterDemoCarriers(accounts, *tb).status());
  QUELL_ASSIGN_OR_RETURN(auto existing, tb->ListCases({.limit = 1}));
  if (!existing.empty()) return Status::Ok();

  const int64_t telecom = Org(*tb, "Demo Telecom");
  const int64_t mobile = Org(*tb, "Demo Mobile");
  const int64_t transit = Org(*tb, "Demo Transit Networks");
  const int64_t gateway = Org(*tb, "Demo International Gateway");
  QUELL_ASSIGN_OR_RETURN(uint64_t fraud, Number("+8617099990001"));
  QUELL_ASSIGN_OR_RETURN(uint64_t victim, Number("+8613800138000"));
  QUELL_ASSIGN_OR_RETURN(uint64_t spoofed, Number("+862161234567"));
  QUELL_ASSIGN_OR_RETURN(uint64_t victim2, Number("+8613900139000"));
  QUELL_ASSIGN_OR_RETURN(uint64_t robo, Number("+8617188880042"));
  QUELL_ASSIGN_OR_RETURN(uint64_t victim3, Number("+8615000150000"));

  // 1. Origin found through three hops, the transit hop answered from its CDRs.
  const TimePoint call1 = past.Now() - hours(1);
  events::CallEvent cdr;
  cdr.time_us =
      std::chrono::duration_cast<std::chrono::microseconds>(call1.time_since_epoch()).count() +
      12'000'000;
  cdr.caller = fraud;
  cdr.callee = victim;
  cdr.kind = events::EventKind::kCompleted;
  cdr.trunk.Assign("DM-GW-01");
  QUELL_RETURN_IF_ERROR(tb->AddCdrs(transit, std::span(&cdr, 1)).status());
  QUELL_ASSIGN_OR_RETURN(auto c1,
                         tb->OpenCase({.caller = fraud,
                                       .callee = victim,
                                       .call_time = call1,
                                       .campaign = "Impersonated bank staff offering loans (demo)",
                                       .terminating_org_id = telecom,
                                       .opened_by = "analyst"}));
  past.Advance(hours(3) + minutes(20));
  QUELL_RETURN_IF_ERROR(tb->Answer(c1.hops.back().id, telecom,
                                   {.kind = enforce::AnswerKind::kUpstream,
                                    .upstream_org_id = transit,
                                    .note = "Arrived on our interconnect with Demo Transit",
                                    .answered_by = "carrier"})
                            .status());
  QUELL_ASSIGN_OR_RETURN(auto c1b, tb->GetCase(c1.id));
  if (!c1b || c1b->hops.size() != 3) return Internal("demo traceback: the CDR did not answer");
  past.Advance(hours(9) + minutes(5));
  QUELL_RETURN_IF_ERROR(
      tb->Answer(
            c1b->hops.back().id, mobile,
            {.kind = enforce::AnswerKind::kOrigin,
             .customer_name = "深圳市演示信息咨询有限公司 (Demo Shenzhen Consulting Co., Ltd.)",
             .customer_credit_code = "91440300MA5FDEM01B",
             .customer_account = "SIP trunk DM-ENT-0042",
             .note = "Enterprise SIP trunk; customer notified and trunk suspended",
             .answered_by = "demo-mobile-noc"})
          .status());

  // 2. A gateway that never answered.
  past.Set(now - hours(50));
  QUELL_ASSIGN_OR_RETURN(
      auto c2, tb->OpenCase({.caller = spoofed,
                             .callee = victim2,
                             .call_time = past.Now() - hours(2),
                             .campaign = "Spoofed Shanghai landline, parcel-customs scam (demo)",
                             .terminating_org_id = telecom,
                             .opened_by = "analyst"}));
  past.Advance(hours(2));
  QUELL_RETURN_IF_ERROR(tb->Answer(c2.hops.back().id, telecom,
                                   {.kind = enforce::AnswerKind::kUpstream,
                                    .upstream_org_id = gateway,
                                    .note = "International trunk DIG-IGW-1",
                                    .answered_by = "carrier"})
                            .status());
  past.Advance(o.answer_within + minutes(1));
  QUELL_RETURN_IF_ERROR(tb->Sweep().status());

  // 3. Waiting in Demo Telecom's queue now.
  past.Set(now - hours(5));
  QUELL_RETURN_IF_ERROR(tb->OpenCase({.caller = robo,
                                      .callee = victim3,
                                      .call_time = past.Now() - hours(20),
                                      .campaign = "Prerecorded education-course robocalls (demo)",
                                      .terminating_org_id = telecom,
                                      .opened_by = "analyst"})
                            .status());
  return Status::Ok();
}

}  // namespace quell::cli
