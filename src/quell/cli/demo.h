// Demo data for `quell serve --demo`: documented accounts for every role, their
// organisations, an API key for the demo carrier, and a sample of each module's
// data, seeded through the same services the REST API uses. Idempotent: a second
// start on the same data directory reuses what is there.
#pragma once

#include <string>
#include <vector>

#include "quell/access/access.h"
#include "quell/api/app.h"
#include "quell/cli/shaken_config.h"
#include "quell/core/status.h"

namespace quell::notify {
class Notifier;
}
namespace quell::registry {
class Registry;
}
namespace quell::events {
class CallEventSink;
}
namespace quell {
class NumberPlan;
}
namespace quell::reputation {
class Reputation;
class WorkingCalendar;
struct ComplaintOptions;
}  // namespace quell::reputation
namespace quell::store {
class Store;
}
namespace quell::events {
class EvidenceSink;
}

namespace quell::cli {

struct DemoSeed {
  std::vector<api::DemoAccount> accounts;
  std::string carrier_api_key;  // fresh each start (keys are shown once)
  std::string app_api_key;      // the demo caller-ID app's, likewise
};

Result<DemoSeed> SeedDemo(access::Accounts& accounts, notify::Notifier* notifier);

// STIR/SHAKEN for the demo: a test PKI under <data_dir>/shaken-demo (made once),
// and `config` set to trust it, sign for "Demo Telecom" with it, and fetch x5u
// from this very server over plain HTTP on loopback (a demo-only relaxation).
// The signer's x5u is known only once the server listens: `base_url` is filled
// in by DemoSigner. Returns the signer entry to load.
Status PrepareShakenDemo(const std::string& data_dir, ShakenConfig* config);
SignerEntry DemoSigner(const std::string& data_dir, const std::string& base_url);

// The demo carrier's customers and numbers, so attestation A, B and C can all be
// tried: a bank's service lines (A), a call centre (A for its numbers, B for any
// other), an international gateway (C).
Status SeedShakenCustomers(access::Accounts& accounts, shaken::TnOwnership& ownership);

// The Do-Not-Call register's demo: Demo Finance Ltd's declared marketing range
// (+86 21 6123 4000-4999: finance, insurance) and a consent, numbers protected
// with every kind of preference, one still in its grace period, and a few
// hundred more registered long ago so a scrub finds some (docs/dnc.md "Demo").
Status SeedDnc(access::Accounts& accounts, registry::Registry& registry, Clock& clock);

// Behavioural detection's demo: the last three hours of a small simulated
// network (20,000 subscribers, three campaigns of every nuisance kind, a few
// legitimate high-volume callers; docs/simulation.md) published to `sink` as
// call records, so the analyst's findings page has findings from the start.
Status SeedDetection(events::CallEventSink& sink, const NumberPlan& plan, Clock& clock);

// Number reputation's demo: marks from the demo caller-ID app's users over the
// last month — fraud numbers (one heavily marked, so the screening policy
// blocks it), a real-estate marketer, a disputed number, a delivery rider's
// number, and a block of ten abused numbers (docs/reputation.md "Demo").
// Once per data directory (when no marks exist yet).
Status SeedReputation(access::Accounts& accounts, reputation::Reputation& reputation, Clock& clock);

// The complaint centre's demo: the demo citizen's reports of the last two
// weeks, as if received then — one forwarded to Demo Telecom and answered, one
// forwarded and waiting, one received more than ten working days ago and never
// forwarded (overdue), and a fresh one. Once per data directory (when no case
// exists yet). Their evidence goes to `evidence`.
Status SeedComplaints(access::Accounts& accounts, store::Store& store,
                      const reputation::WorkingCalendar& calendar,
                      const reputation::ComplaintOptions& options, events::EvidenceSink* evidence,
                      Clock& clock);

}  // namespace quell::cli
