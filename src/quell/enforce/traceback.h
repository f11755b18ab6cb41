// Traceback (docs/traceback.md): finding where an illegal call entered the
// network, one carrier at a time, as industry traceback groups do.
//
// Carrier registry: the carriers Quell may ask — each an `access` organisation
// of kind carrier (the caller checks that; the registry keeps its id and name)
// with its roles, contacts, webhook, caller-authentication (STIR/SHAKEN)
// status, the SPC/OCN and certificate subject of its signing certificate, its
// country and the trunk aliases other carriers' CDRs name it by.
//
// Cases: an analyst opens a case from evidence (a complaint case, a finding, a
// DNC violation) with the calling and called numbers, the call time and the
// terminating carrier. When the call carried a verified PASSporT whose
// certificate (SPC or subject name) names a registered carrier, the first
// request goes to that carrier and the case records that the hops before it
// were skipped; otherwise it goes to the terminating carrier.
//
// Hops: each request has a deadline (TracebackOptions::answer_within), is sent
// to the carrier's webhook through `notify` and listed in its queue. The
// carrier answers: upstream (names the registered carrier that handed it the
// call; the next hop goes there), origin (it is the originating carrier and
// names its customer: the case ends "origin_found"), foreign (the call came
// from abroad at this gateway: "foreign_entry"), or not_found (no record:
// "not_found"). A deadline passing unanswered marks the hop missed and ends the
// case "non_responsive" (Sweep). Naming a carrier already on the path is
// rejected (a loop).
//
// Auto-answer: carriers submit their own CDRs (AddCdrs). A request to a carrier
// holding a CDR of the call (same numbers, time within match_window) is
// answered at once, "automatically from CDR <id>", with the carrier the CDR's
// ingress names (by registered name or trunk alias); an unknown ingress leaves
// the request to a person.
//
// Each ended case appends a "traceback" record to the ledger (numbers only as
// the ledger's salted hashes), in the same store transaction as the ending: a
// failed append fails the answer (the carrier may retry) or leaves the deadline
// for the next Sweep.
//
// Thread-safety: every member may be called from any thread.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "quell/core/clock.h"
#include "quell/core/status.h"

namespace quell::store {
class Store;
}
namespace quell::notify {
class Notifier;
}
namespace quell::events {
struct CallEvent;
}

namespace quell::enforce {

class LedgerAppender;
class Scorecards;

// Roles a carrier plays in a call path (a bit set).
enum CarrierRole : uint8_t {
  kRoleOriginating = 1,
  kRoleGateway = 2,
  kRoleTransit = 4,
  kRoleTerminating = 8,
};
// "originating", "gateway", "transit", "terminating".
std::string_view RoleName(CarrierRole r);
std::optional<CarrierRole> ParseCarrierRole(std::string_view name);

// The carrier's STIR/SHAKEN deployment (as in the FCC Robocall Mitigation Database).
enum class AuthStatus : uint8_t { kNone, kPartial, kFull };
std::string_view Name(AuthStatus a);  // "none", "partial", "full"
std::optional<AuthStatus> ParseAuthStatus(std::string_view name);

struct CarrierContact {
  std::string name;
  std::string email;
  std::string phone;
};

struct Carrier {
  int64_t org_id = 0;                    // the `access` organisation (kind carrier)
  std::string name;                      // the organisation's name
  uint8_t roles = 0;                     // CarrierRole bits; at least one
  std::vector<CarrierContact> contacts;  // at most 10
  std::string webhook_url;               // http(s) URL for requests; "" none
  AuthStatus auth = AuthStatus::kNone;
  std::vector<std::string> spcs;  // SPC/OCN codes of its certificate's TNAuthList (upper case)
  std::string cert_subject;       // its signing certificate's subject name (CN)
  std::string country;            // ISO 3166-1 alpha-2, upper case
  // Names other carriers' CDRs give it as ingress ("CT-SH-IGW-01"); matched
  // trimmed and case-insensitively, like its registered name. Unique across carriers.
  std::vector<std::string> trunk_aliases;
  TimePoint created_at;
  TimePoint updated_at;
};

// The outcome of a case: open while a request waits.
enum class CaseState : uint8_t { kOpen, kOriginFound, kForeignEntry, kNotFound, kNonResponsive };
// "open", "origin_found", "foreign_entry", "not_found", "non_responsive".
std::string_view Name(CaseState s);
std::optional<CaseState> ParseCaseState(std::string_view name);

enum class SourceKind : uint8_t { kNone, kComplaint, kFinding, kViolation };
std::string_view Name(SourceKind s);  // "none", "complaint", "finding", "violation"
std::optional<SourceKind> ParseSourceKind(std::string_view name);

enum class AnswerKind : uint8_t { kUpstream, kOrigin, kForeign, kNotFound };
std::string_view Name(AnswerKind a);  // "upstream", "origin", "foreign", "not_found"
std::optional<AnswerKind> ParseAnswerKind(std::string_view name);

enum class HopState : uint8_t { kWaiting, kAnswered, kMissed };
std::string_view Name(HopState s);  // "waiting", "answered", "missed"

struct NewCase {
  SourceKind source = SourceKind::kNone;
  int64_t source_id = 0;           // the complaint case, finding or violation; 0 with kNone
  uint64_t caller = 0;             // compact E.164, required
  uint64_t callee = 0;             // compact E.164, required
  TimePoint call_time;             // UTC; not in the future
  std::string campaign;            // description, 0..2000 bytes
  int64_t terminating_org_id = 0;  // a registered carrier, required
  // From a verified PASSporT, when the call carried one (all optional).
  std::string passport_origid;
  std::string passport_spc;        // the signing certificate's SPC/OCN
  std::string passport_cert_name;  // the signing certificate's subject name
  std::string opened_by;           // the analyst
};

// A carrier's answer to a request.
struct HopAnswer {
  AnswerKind kind = AnswerKind::kNotFound;
  int64_t upstream_org_id = 0;       // kUpstream: a registered carrier not on the path
  std::string customer_name;         // kOrigin: required
  std::string customer_credit_code;  // kOrigin: optional unified social credit code
  std::string customer_account;      // kOrigin: account or trunk id, optional
  std::string foreign_carrier;       // kForeign: required
  std::string foreign_country;       // kForeign: optional ISO code
  std::string note;                  // free text, 0..2000 bytes
  std::string answered_by;           // person or key; set by Traceback for automatic answers
};

struct Hop {
  int64_t id = 0;  // the request id carriers answer
  int64_t case_id = 0;
  int index = 0;  // 1 = first carrier asked
  int64_t org_id = 0;
  std::string org_name;
  HopState state = HopState::kWaiting;
  TimePoint requested_at;
  TimePoint deadline;
  std::optional<TimePoint> answered_at;  // answered, or when it was marked missed
  std::optional<HopAnswer> answer;       // with answered_by
  std::string upstream_name;             // kUpstream: the named carrier's name
  int64_t cdr_id = 0;                    // answered automatically from this CDR
  int64_t notice_id = 0;                 // the webhook notice (0: none sent)
};

struct Case {
  int64_t id = 0;
  SourceKind source = SourceKind::kNone;
  int64_t source_id = 0;
  uint64_t caller = 0;
  uint64_t callee = 0;
  TimePoint call_time;
  std::string campaign;
  int64_t terminating_org_id = 0;
  std::string terminating_name;
  std::string passport_origid;
  std::string passport_spc;
  std::string passport_cert_name;
  // Set when the case started at the PASSporT's signer instead of the
  // terminating carrier: "started at X, which signed the call's PASSporT; the
  // hops between Y and X were skipped".
  std::string start_note;
  CaseState state = CaseState::kOpen;
  std::string outcome_text;  // "origin found at X", "non-responsive carrier X", ...
  std::string opened_by;
  TimePoint opened_at;
  std::optional<TimePoint> closed_at;
  uint64_t ledger_seq = 0;  // the outcome's ledger record (0: none)
  std::vector<Hop> hops;    // in order
};

struct CaseQuery {
  std::optional<CaseState> state;
  int64_t org_id = 0;  // with a hop at this carrier; 0 any
  std::optional<SourceKind> source;
  int64_t source_id = 0;
  int64_t before_id = 0;  // paging: ids below
  int limit = 100;        // 1..1000
};

// A request in a carrier's queue, with what it needs to search its records.
struct Request {
  Hop hop;
  uint64_t caller = 0;
  uint64_t callee = 0;
  TimePoint call_time;
  std::string campaign;
  std::string passport_origid;
};

struct CdrIngest {
  uint64_t stored = 0;
  uint64_t skipped = 0;        // no caller or callee, or no ingress
  uint64_t auto_answered = 0;  // waiting requests answered from these CDRs
};

struct CarrierMisses {
  int64_t org_id = 0;
  std::string name;
  int64_t missed = 0;          // requests whose deadline passed unanswered
  int64_t non_responsive = 0;  // cases that ended there
};

struct TracebackStats {
  int64_t cases = 0;
  std::array<int64_t, 5> by_state{};  // indexed by CaseState
  double hops_per_case = 0;           // mean over all cases
  int max_hops = 0;
  int64_t requests = 0;
  int64_t answered = 0;
  int64_t auto_answered = 0;
  int64_t missed = 0;
  int64_t waiting = 0;
  // Request to answer, over answered requests (automatic ones included), seconds.
  std::optional<double> median_answer_seconds;
  std::optional<double> p90_answer_seconds;
  std::vector<CarrierMisses> non_responsive;  // most missed first
};

// Per carrier, for scorecards: its requests' answer times.
struct ResponseFigures {
  int64_t org_id = 0;
  int64_t requests = 0;  // answered or missed (not waiting)
  int64_t answered = 0;
  int64_t answered_in_time = 0;
  int64_t auto_answered = 0;
  int64_t missed = 0;
  std::optional<double> median_answer_seconds;
};

struct TracebackOptions {
  std::chrono::seconds answer_within{std::chrono::hours(24)};  // each request's deadline
  std::chrono::seconds match_window{60};      // CDR time vs the case's call time, either side
  std::chrono::hours cdr_retention{24 * 30};  // CDRs older (by call time) are purged
  // Prefix of the answer URL in webhook bodies ("https://quell.example"); "" gives
  // a path ("/api/v1/traceback/requests/7/answer").
  std::string public_base_url;
  // Scorecards: carriers with fewer calls seen are listed, unranked.
  int64_t scorecard_min_calls = 1000;
  // Complaints per million calls at which the complaints part of the score is 0.
  double complaints_ceiling_per_million = 1000;
  // Complaints about calls a carrier delivered, from the complaint centre;
  // null: unknown (shown as null, scored neutral).
  std::function<int64_t(int64_t org_id)> complaints_for_carrier;
  // Sanctions against the carrier (see CountSanctionsAgainst in scorecard.h);
  // null: 0.
  std::function<int64_t(int64_t org_id)> sanctions_for_carrier;
};

class Traceback {
 public:
  // Migrates the schema ("traceback") and loads the registry. `notifier` (webhook
  // requests) and `ledger` (outcome records) may be null; the others must
  // outlive the object. InvalidArgument for bad options.
  static Result<std::unique_ptr<Traceback>> Open(store::Store& store, Clock& clock,
                                                 TracebackOptions options,
                                                 notify::Notifier* notifier,
                                                 LedgerAppender* ledger);
  virtual ~Traceback() = default;

  // --- Registry. InvalidArgument naming the field; AlreadyExists for a
  // registered org or an alias/SPC another carrier holds; NotFound.
  virtual Result<Carrier> RegisterCarrier(const Carrier& carrier) = 0;
  // Replaces everything but org_id and created_at.
  virtual Result<Carrier> UpdateCarrier(const Carrier& carrier) = 0;
  // What a carrier may change itself.
  virtual Result<Carrier> UpdateContacts(int64_t org_id,
                                         const std::vector<CarrierContact>& contacts,
                                         const std::string& webhook_url) = 0;
  // FailedPrecondition while it has a waiting request.
  virtual Status RemoveCarrier(int64_t org_id) = 0;
  virtual std::optional<Carrier> GetCarrier(int64_t org_id) const = 0;
  virtual std::vector<Carrier> ListCarriers() const = 0;  // by name
  // The carrier a CDR ingress / trunk names (registered name or alias), 0 none.
  virtual int64_t ResolveIngress(std::string_view ingress) const = 0;

  // --- Cases.
  // Opens a case and its first request (answered at once when a CDR allows,
  // and onward). InvalidArgument naming the field.
  virtual Result<Case> OpenCase(const NewCase& c) = 0;
  virtual Result<std::optional<Case>> GetCase(int64_t id) = 0;
  virtual Result<std::vector<Case>> ListCases(const CaseQuery& q) = 0;  // newest first

  // --- Requests. The queue of `org_id`: waiting requests (oldest first), or
  // all of its requests newest first when `open_only` is false.
  virtual Result<std::vector<Request>> ListRequests(int64_t org_id, bool open_only,
                                                    int limit = 100) = 0;
  virtual Result<std::optional<Request>> GetRequest(int64_t hop_id) = 0;
  // Answers request `hop_id`. `org_id` is the answering carrier: NotFound unless
  // the request is addressed to it (0: staff answering on a carrier's behalf).
  // FailedPrecondition when already answered or missed; InvalidArgument for a
  // bad answer or a loop. Returns the case as it now stands.
  virtual Result<Case> Answer(int64_t hop_id, int64_t org_id, const HopAnswer& answer) = 0;

  // Marks requests past their deadline missed and ends their cases
  // non_responsive. Call every few seconds. Returns how many it marked.
  virtual Result<int> Sweep() = 0;

  // --- CDRs for auto-answer. Stores `events` as CDRs of carrier `org_id`
  // (NotFound unless registered), then answers its waiting requests they match.
  virtual Result<CdrIngest> AddCdrs(int64_t org_id, std::span<const events::CallEvent> events) = 0;
  // Deletes CDRs older than cdr_retention (by call time). Call about hourly.
  virtual Result<int64_t> PurgeCdrs() = 0;

  // --- Statistics over cases opened at or after `since` (all when absent).
  virtual Result<TracebackStats> Stats(std::optional<TimePoint> since = std::nullopt) = 0;
  // Answer-time figures per carrier (all requests).
  virtual Result<std::vector<ResponseFigures>> ResponseTimes() = 0;

  // The carriers' scorecards (league table); its CallEventSink goes into the
  // screening events' fan-out; Flush it now and then.
  virtual Scorecards& scorecard() = 0;
  virtual const TracebackOptions& options() const = 0;
};

}  // namespace quell::enforce
