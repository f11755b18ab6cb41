// Sanctions (联合惩戒): measures the regulator takes against an organisation or
// its numbers — a warning, a suspension of marketing calls, a block of numbers,
// or a listing for joint punishment — each with its entity (named by its
// unified social credit code, 统一社会信用代码, where it has one), the numbers and
// number ranges it covers, a start, an optional end, its legal basis, and the
// ledger record behind it (docs/sanctions.md).
//
// A sanction is scheduled until its start, active until its end, then expired;
// lifting ends it early and records who lifted it, when and why. Creating and
// lifting each append a "sanction" record to the ledger (numbers only as salted
// hashes); the sanction is stored only when that append succeeds (the store
// write and the append share one transaction: the row is inserted, the record
// appended, its sequence number written, then the transaction commits — a
// failed append rolls the insert back).
//
// The call path asks the in-memory index (rebuilt at Open, updated on create and
// lift, time-aware): IsListed / Find take a compact E.164 number and answer
// without touching the store or allocating. Carriers ask Check before granting
// numbers or trunks to an entity.
//
// Sanctions with a screening effect (marketing_suspension, number_block,
// joint_punishment) are published as evidence (source "sanction") for each of
// their numbers when they become active, once.
//
// Thread-safety: every member may be called from any thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
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

namespace quell::enforce {

class LedgerAppender;

// Ordered by severity: a number under several sanctions answers with the most
// severe.
enum class Measure : uint8_t {
  kWarning,              // "warning": on record; no effect on calls
  kMarketingSuspension,  // "marketing_suspension": no marketing calls (evidence only)
  kNumberBlock,          // "number_block": calls from its numbers are refused
  kJointPunishment,      // "joint_punishment": listed for 联合惩戒; calls refused
};
std::string_view Name(Measure m);
std::optional<Measure> ParseMeasure(std::string_view name);
const Term& TermOf(Measure m);  // labels in English and Chinese
// Whether calls from the sanction's numbers are refused (block, joint punishment).
bool BlocksCalls(Measure m);
// The nuisance kind a sanction's evidence shows when none is given: fraud for
// number_block and joint_punishment, marketing otherwise.
NuisanceKind DefaultKind(Measure m);

enum class SanctionState : uint8_t { kScheduled, kActive, kExpired, kLifted };
std::string_view Name(SanctionState s);  // "scheduled", "active", "expired", "lifted"
std::optional<SanctionState> ParseSanctionState(std::string_view name);

// Unified social credit codes (GB 32100-2015): 18 characters of
// "0123456789ABCDEFGHJKLMNPQRTUWXY", the last a check character over the first 17.
// The check character for `first17` (nullopt if it is not 17 valid characters).
std::optional<char> CreditCodeCheckChar(std::string_view first17);
// OK, or InvalidArgument naming what is wrong ("check character is '3', expected 'R'").
// Expects upper case (see NormaliseCreditCode).
Status CheckCreditCode(std::string_view code);
// Trims and upper-cases.
std::string NormaliseCreditCode(std::string_view code);
// The key entity names are matched on: trimmed, ASCII lower-cased, runs of
// spaces as one, full-width parentheses and spaces as ASCII.
std::string NormaliseEntityName(std::string_view name);

// What a new sanction says.
struct NewSanction {
  Measure measure = Measure::kWarning;
  std::optional<NuisanceKind> kind;  // default: DefaultKind(measure)
  std::string entity_name;           // required, 1..200 bytes
  std::string credit_code;           // "" or a valid unified social credit code
  int64_t org_id = 0;                // the entity's organisation in `access`, 0 none
  std::vector<uint64_t> numbers;     // compact E.164, at most 10,000
  // Whole ranges, as E.164 digit prefixes of 6..14 digits: 862161234 covers
  // +86 21 6123 4xxx. At most 1,000.
  std::vector<uint64_t> ranges;
  std::optional<TimePoint> start;  // default: now
  std::optional<TimePoint> end;    // none: until lifted; must be after start
  std::string legal_basis;         // required, 1..1000 bytes
  bool is_public = false;          // shown on the public list
  std::string reason;              // 0..2000 bytes
  std::string created_by;          // the analyst (user or key name)
};

struct Sanction {
  int64_t id = 0;
  Measure measure = Measure::kWarning;
  NuisanceKind kind = NuisanceKind::kMarketing;
  std::string entity_name;
  std::string credit_code;  // "" none
  int64_t org_id = 0;
  std::vector<uint64_t> numbers;  // sorted
  std::vector<uint64_t> ranges;   // sorted
  TimePoint start;
  std::optional<TimePoint> end;
  std::string legal_basis;
  bool is_public = false;
  std::string reason;
  std::string created_by;
  TimePoint created_at;
  uint64_t ledger_seq = 0;  // the ledger record of its creation (0: no ledger configured)
  std::optional<TimePoint> lifted_at;
  std::string lifted_by;
  std::string lift_reason;
  uint64_t lift_ledger_seq = 0;

  SanctionState StateAt(TimePoint now) const;
  // Whether it covers `number` (one of its numbers or inside one of its ranges).
  bool Covers(uint64_t number) const;
};

struct SanctionQuery {
  std::optional<SanctionState> state;  // as of now
  std::optional<Measure> measure;
  std::string credit_code;  // exact (normalised)
  std::string name;         // part of the normalised entity name
  uint64_t number = 0;      // covering this number (its numbers or ranges); 0 any
  int64_t org_id = 0;       // 0 any
  bool public_only = false;
  int64_t before_id = 0;  // paging: ids below this
  int limit = 100;        // 1..1000
};

// What the call path learns about a number.
struct Listing {
  int64_t sanction_id = 0;
  Measure measure = Measure::kWarning;
};

struct SanctionStats {
  uint64_t indexed_sanctions = 0;  // not lifted, not expired at the last rebuild
  uint64_t indexed_numbers = 0;
  uint64_t indexed_ranges = 0;
};

class Sanctions {
 public:
  // Migrates the schema and builds the index from the store. `ledger` (records
  // of creations and lifts) and `evidence` may be null; the others must outlive
  // the object. Publishes evidence for sanctions that became active since the
  // last run (scheduled ones whose start has passed).
  static Result<std::unique_ptr<Sanctions>> Open(store::Store& store, Clock& clock,
                                                 LedgerAppender* ledger,
                                                 events::EvidenceSink* evidence);
  virtual ~Sanctions() = default;

  // Records a sanction: checks it (InvalidArgument naming the field), appends its
  // ledger record, stores it, indexes it and, when it is active, publishes its
  // evidence. The ledger's error when the append fails (nothing is stored).
  virtual Result<Sanction> Create(const NewSanction& sanction) = 0;
  // Lifts a sanction that is not lifted yet (scheduled, active or expired —
  // lifting an expired one corrects the record). NotFound; FailedPrecondition when
  // already lifted; InvalidArgument for an empty reason. Appends a ledger record
  // first, as Create does.
  virtual Result<Sanction> Lift(int64_t id, const std::string& by, const std::string& reason) = 0;
  virtual Result<std::optional<Sanction>> Get(int64_t id) = 0;
  // Newest first.
  virtual Result<std::vector<Sanction>> List(const SanctionQuery& query) = 0;
  // Sanctions active or scheduled now against the entity with `credit_code` (when
  // given) or named `name` (normalised, exact), newest first. InvalidArgument
  // when both are empty or the code is malformed.
  virtual Result<std::vector<Sanction>> Check(std::string_view credit_code,
                                              std::string_view name) = 0;
  // Sanctions active or scheduled now covering `number` (from the index).
  virtual Result<std::vector<Sanction>> CheckNumber(uint64_t number) = 0;

  // The call path: the most severe sanction in force at `now` covering `number`
  // (compact E.164), from memory, without allocating.
  virtual std::optional<Listing> Find(uint64_t number, TimePoint now) const = 0;
  // Whether calls from `number` are refused at `now`: a number_block or
  // joint_punishment sanction in force covers it.
  virtual bool IsListed(uint64_t number, TimePoint now) const = 0;

  // Publishes evidence for sanctions whose start has passed since the last call
  // (Create and Open call it; a server may call it now and then so scheduled
  // sanctions reach reputation when they start). Idempotent.
  virtual Status PublishDue() = 0;
  virtual SanctionStats stats() const = 0;
};

}  // namespace quell::enforce
