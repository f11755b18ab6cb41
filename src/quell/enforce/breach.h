// BreachNotices: data controllers' notices of personal-data breaches, graded,
// timed against a reporting clock, followed up by the regulator (docs/breach.md).
//
// A data controller (an organisation of kind data controller) files a notice:
// what happened, when it happened and when it was discovered, how many people
// are affected, the categories of data, the measures taken, the controller's
// entity type (say a critical information infrastructure operator, or an
// ordinary personal-information processor) and the phone numbers involved —
// those whose owners are affected, and those that were used in the breach.
//
// - Grade: 一般 general, 较大 major, 重大 serious, 特别重大 especially serious,
//   from the people affected against GradingRules' thresholds — lower ones
//   when a sensitive category of data (biometric, health, financial, location,
//   minors', credentials by default) is involved.
// - Reporting clock: per grade and entity type (EntityType::clocks), counted
//   from discovery. A notice filed after discovered_at + clock is late, by
//   filed_at - deadline; filed exactly at the deadline is on time.
// - Escalation: a late notice is escalated when filed; a notice whose requested
//   information is not supplied within Options::supplement_within is escalated
//   by Sweep(). Each escalation sets `escalated` and sends the regulator a
//   notice through `notify` (Options::escalation_webhook, escalation_sms).
// - Follow-up by the regulator:
//
//     filed --Review--> under_review --Close--> closed
//     filed | under_review --RequestInfo--> info_requested --Supplement--> under_review
//     filed | info_requested --Close--> closed
//
// - Affected people are told by SMS through the notifier (NotifyAffected), each
//   number once; the notice records how many.
// - Complaints: Options::complaints_about, when set, counts the complaints
//   about a number; Get() shows each number with its count, linking the notice
//   to complaint clusters about the same numbers.
// - Ledger: a closed notice is appended to the ledger ("breach" record) with the
//   organisation, grade, counts and dates — no phone numbers.
// - Retention: Purge() deletes the number lists of notices closed more than
//   Options::number_retention ago; the notices themselves are kept.
//
// Store: tables breach_notices, breach_numbers, breach_history, migrations under
// module "breach". Times are Unix milliseconds UTC.
//
// Thread-safety: every member may be called from any thread.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
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

namespace quell::enforce {

class LedgerAppender;  // ledger.h

// In rising severity; the order indexes EntityType::clocks.
enum class BreachGrade : uint8_t { kGeneral, kMajor, kSerious, kEspeciallySerious };
enum class DataCategory : uint8_t {
  kIdentity,        // names, ID card and passport numbers
  kContact,         // phone numbers, addresses, e-mail
  kLocation,        // whereabouts, tracks
  kFinancial,       // bank accounts, cards, transactions
  kHealth,          // medical records
  kBiometric,       // faces, fingerprints, voiceprints
  kCommunications,  // call records, message contents
  kCredentials,     // passwords, keys, verification codes
  kMinors,          // any data of children under 14
};
enum class BreachState : uint8_t { kFiled, kUnderReview, kInfoRequested, kClosed };
// A number whose owner is affected (told by NotifyAffected), or one that was
// used in the breach (a caller ID, a line the attacker used).
enum class NumberRole : uint8_t { kAffected, kUsed };

// Machine names, as in REST, the store and quell.toml: "general", "major",
// "serious", "especially_serious"; "identity", "contact", "location",
// "financial", "health", "biometric", "communications", "credentials",
// "minors"; "filed", "under_review", "info_requested", "closed"; "affected",
// "used". Parse* accept exactly these.
std::string_view Name(BreachGrade g);
std::string_view Name(DataCategory c);
std::string_view Name(BreachState s);
std::string_view Name(NumberRole r);
// The grade's Chinese name: 一般, 较大, 重大, 特别重大.
std::string_view ChineseName(BreachGrade g);
std::optional<BreachGrade> ParseBreachGrade(std::string_view name);
std::optional<DataCategory> ParseDataCategory(std::string_view name);
std::optional<BreachState> ParseBreachState(std::string_view name);
std::optional<NumberRole> ParseNumberRole(std::string_view name);

// People affected at or above which a notice takes a grade: `people` for any
// data, `sensitive_people` when a sensitive category is involved. Each list is
// {major, serious, especially_serious}, rising.
struct GradingRules {
  std::array<int64_t, 3> people = {1'000'000, 10'000'000, 100'000'000};
  std::array<int64_t, 3> sensitive_people = {100'000, 1'000'000, 10'000'000};
  std::vector<DataCategory> sensitive = {DataCategory::kBiometric, DataCategory::kHealth,
                                         DataCategory::kFinancial, DataCategory::kLocation,
                                         DataCategory::kMinors,    DataCategory::kCredentials};
};

// The grade of a breach of `people` people's data of `categories`.
BreachGrade GradeBreach(const GradingRules& rules, int64_t people,
                        const std::vector<DataCategory>& categories);

// A kind of controller, with its reporting clock per grade (index: BreachGrade).
struct EntityType {
  std::string name;  // 1-32 of [a-z0-9_]
  std::array<std::chrono::minutes, 4> clocks{};
};

// The defaults: "cii" (critical information infrastructure operator: 4 h for a
// general breach, 1 h from major up) and "processor" (an ordinary personal
// information processor: 24 h, 4 h, 2 h, 1 h).
std::vector<EntityType> DefaultEntityTypes();

struct BreachOptions {
  GradingRules grading;
  std::vector<EntityType> entity_types = DefaultEntityTypes();
  // How long a controller has to supply information the regulator asked for.
  std::chrono::minutes supplement_within{std::chrono::hours(72)};
  // Number lists of closed notices are deleted this long after closing.
  std::chrono::hours number_retention{std::chrono::hours(24 * 180)};
  // Where escalations go (either may be empty): an http(s) URL receiving a JSON
  // notice, and an E.164 number receiving an SMS.
  std::string escalation_webhook;
  std::string escalation_sms;
  // The SMS sent to affected people; "{org}" and "{id}" are replaced by the
  // controller's name and the notice's id. At most 500 bytes.
  std::string affected_sms_text =
      "{org} has reported a breach of personal data that includes yours (notice {id}). "
      "Watch for calls and messages that use your details; never give codes or payments.";
  // Complaints about a number (the CLI counts reports in the complaint centre
  // over the last 90 days); null: counts not shown. Must be thread-safe.
  std::function<int64_t(uint64_t number)> complaints_about;
};

struct BreachNumber {
  uint64_t number = 0;  // compact E.164
  NumberRole role = NumberRole::kAffected;
  bool notified = false;    // an SMS was enqueued to it
  int64_t complaints = -1;  // from complaints_about; -1 when unknown
};

struct NewBreach {
  int64_t org_id = 0;                    // the controller's organisation
  std::string org_name;                  // its name, kept with the notice
  std::string description;               // what happened, 1..8000 bytes
  int64_t occurred_at_ms = 0;            // when it began (0: unknown)
  int64_t discovered_at_ms = 0;          // when the controller discovered it; not in the future
  int64_t people_affected = 0;           // 0..10^10
  std::vector<DataCategory> categories;  // at least one
  std::string measures;                  // what was done about it, ≤ 8000 bytes
  std::string entity_type;               // one of Options::entity_types
  std::vector<BreachNumber> numbers;     // at most 10000, no duplicates
};

struct Breach {
  int64_t id = 0;
  int64_t org_id = 0;
  std::string org_name;
  std::string filed_by;  // actor
  std::string description;
  std::string measures;
  int64_t occurred_at_ms = 0;
  int64_t discovered_at_ms = 0;
  int64_t filed_at_ms = 0;
  int64_t people_affected = 0;
  std::vector<DataCategory> categories;
  std::string entity_type;
  BreachGrade grade = BreachGrade::kGeneral;
  int64_t clock_minutes = 0;  // the reporting clock applied
  int64_t deadline_ms = 0;    // discovered_at + clock
  bool late = false;          // filed_at > deadline
  int64_t late_by_ms = 0;     // filed_at - deadline when late
  bool escalated = false;
  std::vector<std::string> escalations;  // reasons: "late", "follow_up_overdue"
  int64_t escalated_at_ms = 0;           // the latest escalation
  BreachState state = BreachState::kFiled;
  int64_t updated_at_ms = 0;
  std::string reviewer;      // who took it under review
  std::string info_request;  // the latest question
  int64_t info_requested_at_ms = 0;
  int64_t info_due_ms = 0;         // while info_requested
  bool follow_up_overdue = false;  // info_requested and past info_due (computed)
  std::string supplement;          // the latest answer
  int64_t supplemented_at_ms = 0;
  std::string closing_note;
  std::string closed_by;
  int64_t closed_at_ms = 0;
  int64_t notified = 0;  // affected people told (SMS enqueued)
  int64_t notified_at_ms = 0;
  uint64_t ledger_seq = 0;  // the ledger record of its closing; 0: none
  int64_t numbers_count = 0;
  bool numbers_purged = false;
  std::vector<BreachNumber> numbers;  // filled by Get only
};

struct BreachEvent {
  int64_t at_ms = 0;
  std::string actor;
  std::string action;  // "filed", "escalated", "review", "info_requested", "supplemented",
                       // "closed", "notified", "numbers_purged"
  BreachState from = BreachState::kFiled;
  BreachState to = BreachState::kFiled;
  std::string note;
};

struct BreachQuery {
  int64_t org_id = 0;  // 0 = any
  std::optional<BreachState> state;
  std::optional<BreachGrade> grade;
  std::optional<bool> late;
  std::optional<bool> escalated;
  int64_t before_id = 0;  // paging: ids below this; 0 = newest
  int limit = 100;        // 1..1000
};

struct NotifyOutcome {
  int64_t enqueued = 0;  // SMS enqueued now
  int64_t failed = 0;    // numbers the notifier refused
  int64_t already = 0;   // told before
};

class BreachNotices {
 public:
  // Checks `options` (InvalidArgument naming the field) and migrates the schema.
  // `store`, `clock`, and `notifier` and `ledger` when given, must outlive it.
  // Without a notifier nobody is told (escalations are only recorded, and
  // NotifyAffected is Unavailable); without a ledger, closing appends nothing.
  static Result<std::unique_ptr<BreachNotices>> Open(store::Store& store, Clock& clock,
                                                     BreachOptions options,
                                                     notify::Notifier* notifier,
                                                     LedgerAppender* ledger);
  virtual ~BreachNotices() = default;

  // Files a notice now: grades it, applies the clock, escalates it when late.
  // InvalidArgument for bad fields (an unknown entity type, no category,
  // discovery in the future or before the breach began, too many numbers).
  virtual Result<Breach> File(const NewBreach& notice, std::string_view actor) = 0;

  // With its numbers (and their complaint counts). NotFound.
  virtual Result<Breach> Get(int64_t id) = 0;
  // Oldest first. NotFound.
  virtual Result<std::vector<BreachEvent>> History(int64_t id) = 0;
  // Newest first, without numbers. InvalidArgument for a limit out of range.
  virtual Result<std::vector<Breach>> List(const BreachQuery& query) = 0;

  // The regulator takes a filed notice under review. FailedPrecondition unless filed.
  virtual Result<Breach> Review(int64_t id, std::string_view actor, std::string_view note) = 0;
  // Asks the controller for more (1..4000 bytes); due within supplement_within.
  // FailedPrecondition unless filed or under review.
  virtual Result<Breach> RequestInfo(int64_t id, std::string_view actor,
                                     std::string_view question) = 0;
  // The controller of organisation `org_id` answers (1..8000 bytes) and may add
  // measures (appended). NotFound when the notice is another organisation's;
  // FailedPrecondition unless info_requested.
  virtual Result<Breach> Supplement(int64_t id, int64_t org_id, std::string_view actor,
                                    std::string_view text, std::string_view measures) = 0;
  // Closes the notice with a note (≤ 4000 bytes) and appends its ledger record
  // (when the ledger fails, nothing changes). FailedPrecondition when closed.
  virtual Result<Breach> Close(int64_t id, std::string_view actor, std::string_view note) = 0;

  // Tells the affected numbers not told before, by SMS through the notifier.
  // Unavailable without a notifier; FailedPrecondition when the numbers were
  // purged or there are none.
  virtual Result<NotifyOutcome> NotifyAffected(int64_t id, std::string_view actor) = 0;

  // Escalates notices whose requested information is overdue (once per
  // request). Returns how many. The server calls it periodically.
  virtual Result<int64_t> Sweep() = 0;
  // Deletes number lists past retention; returns how many notices lost theirs.
  virtual Result<int64_t> Purge() = 0;

  // The reporting clock of `grade` for `entity_type`; NotFound for an unknown type.
  virtual Result<std::chrono::minutes> ClockFor(BreachGrade grade,
                                                std::string_view entity_type) const = 0;
  virtual const BreachOptions& options() const = 0;
};

}  // namespace quell::enforce
