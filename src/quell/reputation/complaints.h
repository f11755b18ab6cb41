// ComplaintCentre: citizens' reports of nuisance calls and SMS, handled as
// cases with service clocks, like China's 12321 (docs/complaints.md).
//
// A report names the number that called (or texted), the number called, when,
// the kind of nuisance and its category. Every report is a case:
//
//   received --Forward--> forwarded --Answer--> answered --Close--> closed
//   forwarded --Forward--> forwarded      (re-forwarded to another organisation)
//   received | forwarded --Close--> closed  (say, a duplicate, before any answer)
//
// - Duplicates: a second report by the same reporter about the same number for
//   a call on the same local day merges into the first (its submission count
//   goes up, its description becomes the latest one); no new case is opened.
// - Each reporter may file ComplaintOptions::daily_limit reports (merged ones
//   included) per local day; beyond that Submit is ResourceExhausted.
// - Each reporter has a reliability, (confirmed + 1) / (confirmed + unfounded + 2),
//   moved by the outcomes analysts give its cases; a new reporter's is 0.5.
// - Service clocks, in working days of the WorkingCalendar (calendar.h): forward
//   within forward_days of receipt, the organisation answers within answer_days
//   of forwarding, the case is closed (the reporter told) within inform_days of
//   the answer. Every case read carries its current deadline and whether, and by
//   how many working days, it is overdue.
// - Routing: a new report whose number starts with a ComplaintOptions::routing
//   prefix is forwarded at receipt to that rule's organisation (longest prefix wins).
// - Evidence: every new report (not a merged duplicate) of a nuisance kind is
//   published to the EvidenceSink with the reporter's reliability as its
//   strength; a case closed as confirmed republishes it with strength 1.
// - Retention: Purge() deletes cases retention_days after they closed, or after
//   they were received when they never closed.
//
// Store: tables complaint_reports, complaint_history and complaint_reporters,
// migrations under module "complaints". Times are Unix milliseconds UTC; days
// are local dates at the calendar's UTC offset.
//
// Thread-safety: every member may be called from any thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "quell/core/clock.h"
#include "quell/core/status.h"
#include "quell/core/vocabulary.h"

namespace quell::store {
class Store;
}
namespace quell::events {
class EvidenceSink;
}
namespace quell::notify {
class Notifier;
}

namespace quell::reputation {

class WorkingCalendar;  // calendar.h

// What a report says the number did: one of core's nuisance kinds (same order,
// same names) or kOther.
enum class ReportKind : uint8_t {
  kMarketing,
  kRobocall,
  kFraud,
  kHarassment,
  kCallBombing,
  kOneRing,
  kSimBox,
  kSpoofing,
  kOther,
};
enum class ReportChannel : uint8_t { kCall, kSms };
enum class CaseState : uint8_t { kReceived, kForwarded, kAnswered, kClosed };
enum class Outcome : uint8_t { kConfirmed, kUnfounded, kDuplicate };

// Machine names, as in REST and the store: "fraud", "other"; "call", "sms";
// "received", "forwarded", "answered", "closed"; "confirmed", "unfounded",
// "duplicate". Parse* accept exactly these.
std::string_view Name(ReportKind k);
std::string_view Name(ReportChannel c);
std::string_view Name(CaseState s);
std::string_view Name(Outcome o);
std::optional<ReportKind> ParseReportKind(std::string_view name);
std::optional<ReportChannel> ParseReportChannel(std::string_view name);
std::optional<CaseState> ParseCaseState(std::string_view name);
std::optional<Outcome> ParseOutcome(std::string_view name);
// The nuisance kind of a report kind; nullopt for kOther.
std::optional<NuisanceKind> NuisanceKindOf(ReportKind k);

// Who reports: a stable id of the authenticated principal ("user:12" for a
// person's account, "org:3" for an organisation's API keys) and, for a principal
// that files reports for others (an app for its users, a hotline agent for
// callers), that person's id within it. Duplicates, the daily limit and the
// reliability are per Reporter.
struct Reporter {
  std::string principal;     // 1..64 bytes
  std::string on_behalf_of;  // "" or 1..128 bytes
  friend bool operator==(const Reporter&, const Reporter&) = default;
};

// Where numbers go at receipt: reports about numbers starting with `prefix`
// ("+86134": "+" and 1-15 digits) are forwarded to organisation `org_id`.
struct RoutingRule {
  std::string prefix;
  int64_t org_id = 0;
};

// Where an organisation is told of the cases forwarded to it: a webhook URL
// (http or https), delivered by the Notifier given to Open.
struct OrgWebhook {
  int64_t org_id = 0;
  std::string url;
};

struct ComplaintOptions {
  // Service clocks, in working days (1..365).
  int forward_days = 3;  // receipt -> forwarded
  int answer_days = 15;  // forwarded -> answered
  int inform_days = 3;   // answered -> closed (the reporter told)
  // Reports (merged duplicates included) per reporter per local day, 1..100000.
  int daily_limit = 20;
  // Cases are purged this many days after closing, or after receipt when never
  // closed (30..36500).
  int retention_days = 730;
  // How old a call may be when it is reported, in days (1..retention_days).
  int max_age_days = 180;
  std::vector<RoutingRule> routing;
  std::vector<OrgWebhook> webhooks;
};

struct NewReport {
  Reporter reporter;
  uint64_t caller = 0;         // compact E.164 of the number that called or texted
  uint64_t callee = 0;         // compact E.164 of the number called
  int64_t occurred_at_ms = 0;  // when the call or SMS came
  ReportKind kind = ReportKind::kOther;
  std::optional<Category> category;
  ReportChannel channel = ReportChannel::kCall;
  std::string description;  // ≤ 2000 bytes
  std::string transcript;   // ≤ 8000 bytes (an SMS's text, what the caller said)
};

struct Case {
  int64_t id = 0;
  Reporter reporter;
  double reliability = 0.5;  // the reporter's, now
  uint64_t caller = 0;
  uint64_t callee = 0;
  ReportChannel channel = ReportChannel::kCall;
  ReportKind kind = ReportKind::kOther;
  std::optional<Category> category;
  int64_t occurred_at_ms = 0;
  std::string description;  // the latest submission's
  std::string transcript;
  int64_t submissions = 1;  // 1 + the duplicates merged into it
  int64_t received_at_ms = 0;
  int64_t updated_at_ms = 0;

  CaseState state = CaseState::kReceived;
  int64_t org_id = 0;     // forwarded to; 0 = not (yet)
  std::string routed_by;  // the routing prefix that forwarded it at receipt, or ""
  int64_t forwarded_at_ms = 0;
  std::string answer;  // the organisation's answer
  int64_t answered_at_ms = 0;
  std::optional<Outcome> outcome;
  std::string note;  // the analyst's closing note: what the reporter is told
  int64_t closed_at_ms = 0;

  // The running service clock of the current state (none once closed):
  int64_t deadline_ms = 0;  // 24:00 local time of its last working day; 0 when closed
  bool overdue = false;     // now >= deadline
  // Working days past the deadline: WorkingDaysBetween(clock start, now) - n
  // when positive (0 on a weekend or holiday right after the deadline).
  int64_t overdue_days = 0;
};

// One transition (or merged duplicate) of a case.
struct CaseEvent {
  int64_t id = 0;
  int64_t at_ms = 0;
  std::string actor;   // who: a username, "key:<prefix>", or "routing"
  std::string action;  // "received", "merged", "forwarded", "answered", "closed"
  CaseState from = CaseState::kReceived;
  CaseState to = CaseState::kReceived;
  int64_t org_id = 0;  // forwarded: to whom
  std::string detail;  // closed: the outcome; merged: the submission count; routed: the rule
};

struct SubmitResult {
  Case report;
  bool merged = false;  // a duplicate: merged into an existing report
};

struct CaseQuery {
  std::optional<CaseState> state;
  std::optional<bool> overdue;  // true: deadline passed; false: on time or closed
  int64_t org_id = 0;           // forwarded to; 0 = any
  std::optional<ReportKind> kind;
  uint64_t caller = 0;  // the reported number; 0 = any
  // Only this principal's reports ("" = anyone's); and of them only those filed
  // on behalf of `on_behalf_of` ("" = all of the principal's).
  std::string reporter;
  std::string on_behalf_of;
  int64_t since_ms = 0;   // received at or after; 0 = any
  int64_t until_ms = 0;   // received before; 0 = any
  int64_t before_id = 0;  // paging: ids below this; 0 = newest
  int limit = 100;        // 1..1000
};

struct ReporterStanding {
  int64_t confirmed = 0;
  int64_t unfounded = 0;
  double reliability = 0.5;
  int reports_today = 0;  // counted against the daily limit
};

// Counts of the cases received in [from_ms, to_ms), for the centre's
// statistics. Each list holds only non-zero counts, sorted by key (enums in
// their order, "no category" last).
struct ComplaintStats {
  int64_t from_ms = 0;
  int64_t to_ms = 0;
  int64_t reports = 0;      // cases
  int64_t submissions = 0;  // cases plus merged duplicates
  std::vector<std::pair<ReportKind, int64_t>> by_kind;
  std::vector<std::pair<std::optional<Category>, int64_t>> by_category;  // nullopt: none given
  std::vector<std::pair<ReportChannel, int64_t>> by_channel;
  // Local day of receipt, as days since 1970-01-01 (CivilDate::FromDays).
  std::vector<std::pair<int64_t, int64_t>> by_day;
  std::vector<std::pair<int64_t, int64_t>> by_carrier;  // org id; 0 = not forwarded
  std::vector<std::pair<CaseState, int64_t>> by_state;  // state now
  std::vector<std::pair<Outcome, int64_t>> by_outcome;  // of the closed ones
  int64_t overdue = 0;                                  // open and overdue now
};

class ComplaintCentre {
 public:
  // Checks `options` (InvalidArgument naming the field), migrates the schema and
  // recomputes the deadlines of open cases (the calendar or the clocks may have
  // changed since the last run). `store` and `clock` must outlive the centre, as
  // must `evidence` and `notifier` when set: evidence receives the new reports,
  // notifier (with options.webhooks) tells organisations of forwarded cases.
  static Result<std::unique_ptr<ComplaintCentre>> Open(store::Store& store, Clock& clock,
                                                       WorkingCalendar calendar,
                                                       ComplaintOptions options,
                                                       events::EvidenceSink* evidence,
                                                       notify::Notifier* notifier = nullptr);
  virtual ~ComplaintCentre() = default;

  // Files a report received now; `actor` (a username or key name) goes into the
  // case history. A duplicate is merged (SubmitResult::merged). InvalidArgument
  // for a missing number or reporter, a call in the future or older than
  // max_age_days, or a text too long; ResourceExhausted when the reporter has
  // used up the day's limit (nothing is written then).
  virtual Result<SubmitResult> Submit(const NewReport& report, std::string_view actor) = 0;

  // NotFound when there is no case `id`.
  virtual Result<Case> Get(int64_t id) = 0;
  // Oldest first. NotFound when there is no case `id`.
  virtual Result<std::vector<CaseEvent>> History(int64_t id) = 0;
  // Newest first (by id). InvalidArgument for a limit out of range.
  virtual Result<std::vector<Case>> List(const CaseQuery& query) = 0;

  // Forwards a received case, or re-forwards a forwarded one to another
  // organisation (its answer clock starts again). The caller checks that
  // `org_id` names a carrier or agency. NotFound; FailedPrecondition when the
  // case is answered or closed, or already with `org_id`.
  virtual Result<Case> Forward(int64_t id, int64_t org_id, std::string_view actor) = 0;
  // The answer of organisation `org_id` to a case forwarded to it (1..4000
  // bytes). NotFound also when the case is not with `org_id` (an organisation
  // learns nothing of others' cases); FailedPrecondition when it was answered
  // or closed already.
  virtual Result<Case> Answer(int64_t id, int64_t org_id, std::string_view text,
                              std::string_view actor) = 0;
  // Closes an open case in any state, with the note the reporter is shown
  // (≤ 2000 bytes). Confirmed and unfounded move the reporter's reliability.
  // NotFound; FailedPrecondition when it is closed already.
  virtual Result<Case> Close(int64_t id, Outcome outcome, std::string_view note,
                             std::string_view actor) = 0;

  virtual Result<ReporterStanding> StandingOf(const Reporter& reporter) = 0;

  // Counts of the cases received in [from_ms, to_ms). InvalidArgument unless
  // from_ms < to_ms.
  virtual Result<ComplaintStats> Statistics(int64_t from_ms, int64_t to_ms) = 0;

  // Deletes the cases (and their history) past retention; returns how many.
  // The server calls it periodically (say hourly).
  virtual Result<int64_t> Purge() = 0;

  virtual const WorkingCalendar& calendar() const = 0;
  virtual const ComplaintOptions& options() const = 0;
};

}  // namespace quell::reputation
