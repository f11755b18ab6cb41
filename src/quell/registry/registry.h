// Registry: the national Do-Not-Call register (谢绝来电) — registrations with their
// full history, the change feed, organisations' declared calling numbers and
// their exemptions, and the in-memory index every call and scrub is answered from.
//
// Registrations. A number is on the register from its registration until its
// removal, and *protected* from registered_at + grace_period (default 31 days)
// until its removal, for the marketing its Preferences refuse. Each change — a
// registration, a removal, new preferences — is one row of the history with a
// version (1, 2, 3, ...): the history is the change feed (Changes(since)).
//
// Businesses. An organisation (access::Organisation of kind business) declares
// its calling numbers and ranges, each with the categories of the marketing it
// places from them; that is how a call's category is known. Exemptions let it
// call a protected number anyway: an existing relationship (a purchase: 18
// months by default; an enquiry: 3 months) or the owner's consent (until its
// expiry, if any).
//
// Index. The call path and scrubs never touch the store: numbers protected now
// are a NumberSet (CRoaring bitmaps), numbers still in their grace period a hash
// map of when protection starts, non-default preferences a hash map beside them,
// declared ranges a sorted vector and exemptions a hash map. At Open the index
// is rebuilt from the newest snapshot (docs/formats/dnc.md) plus the changes
// after it; Sync() applies changes committed since (by this process at once, by
// others — the CLI — when Sync runs), and Maintain() writes a new snapshot when
// enough changes have accumulated.
//
// Errors: InvalidArgument (bad input, saying what), NotFound, AlreadyExists
// (a range that overlaps another organisation's), PermissionDenied (the
// organisation is not a business); the store's errors pass through.
//
// Thread-safety: all methods are thread-safe. Queries on the index take a
// shared lock; applying changes takes it exclusively for microseconds.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "quell/core/clock.h"
#include "quell/core/phone_number.h"
#include "quell/core/status.h"
#include "quell/core/vocabulary.h"
#include "quell/registry/preferences.h"

namespace quell::store {
class Store;
}

namespace quell::registry {

class ListScratch;  // number_set.h

inline constexpr std::string_view kSchemaModule = "registry";

// How a change reached the register.
enum class Channel { kWeb, kRest, kCarrier, kImport, kAdmin };
std::string_view Name(Channel c);  // "web", "rest", "carrier", "import", "admin"
std::optional<Channel> ParseChannel(std::string_view name);

enum class ChangeKind { kRegister, kRemove, kPreferences };
std::string_view Name(ChangeKind k);  // "register", "remove", "preferences"

struct Options {
  std::chrono::milliseconds grace_period{std::chrono::hours(24 * 31)};
  // Local time of preferences' bands and of the calling hours (China: +08:00).
  int utc_offset_minutes = 8 * 60;
  CallingHours calling_hours;  // statutory: 08:00-21:00 by default
  // Exemption lengths when an exemption gives no expiry.
  std::chrono::milliseconds purchase_exemption{std::chrono::hours(24 * 548)};  // 18 months
  std::chrono::milliseconds enquiry_exemption{std::chrono::hours(24 * 92)};    // 3 months
  // Where snapshots go; empty: none (Open replays the whole history).
  std::string snapshot_dir;
  // Maintain() writes a snapshot once this many changes came after the last one.
  int64_t snapshot_every_changes = 1'000'000;
};

// What one registration is now.
struct Registration {
  PhoneNumber number;
  bool registered = false;   // on the register now (false: removed)
  TimePoint registered_at;   // of the current or last registration
  TimePoint protected_from;  // registered_at + grace period
  std::optional<TimePoint> removed_at;
  Channel channel = Channel::kWeb;  // of the registration
  std::string verification;         // how ownership was proven ("sms-code", "carrier", ...)
  Preferences preferences;
  int64_t version = 0;  // of the last change
};

// One row of the history (and of the change feed).
struct Change {
  int64_t version = 0;
  PhoneNumber number;
  ChangeKind kind = ChangeKind::kRegister;
  TimePoint at;            // when it was recorded (registration: registered_at)
  TimePoint effective_at;  // registration: protected_from; otherwise == at
  Channel channel = Channel::kWeb;
  std::string verification;
  std::string actor;  // who made it: a user, "key:<prefix>", "carrier:<org>", "import"
  Preferences preferences;
  // Register / RegisterMany only: the number was already registered with these
  // preferences, nothing was recorded (the fields describe its registration).
  bool unchanged = false;
};

struct RegisterRequest {
  PhoneNumber number;
  Channel channel = Channel::kWeb;
  std::string verification;
  std::string actor;
  Preferences preferences;
  // Imports only: the original registration time (default: now). Not in the future.
  std::optional<TimePoint> registered_at;
};

// Purpose of a declared number: marketing calls, or service calls only (not
// subject to the register, but their declared category still labels calls).
enum class Purpose { kMarketing, kService };
std::string_view Name(Purpose p);
std::optional<Purpose> ParsePurpose(std::string_view name);

struct DeclaredRange {
  int64_t id = 0;
  int64_t org_id = 0;
  PhoneNumber first, last;  // same length, first <= last; one number: first == last
  Purpose purpose = Purpose::kMarketing;
  uint16_t categories = 0;  // bit per Category; at least one
  TimePoint created_at;
};

enum class ExemptionBasis { kPurchase, kEnquiry, kConsent };
std::string_view Name(ExemptionBasis b);
std::optional<ExemptionBasis> ParseExemptionBasis(std::string_view name);

struct Exemption {
  int64_t id = 0;
  int64_t org_id = 0;
  PhoneNumber number;
  ExemptionBasis basis = ExemptionBasis::kConsent;
  TimePoint starts_at;
  std::optional<TimePoint> expires_at;  // none: until revoked (consent only)
  std::string note;
  std::optional<TimePoint> revoked_at;
};

// Who is calling, as the register knows: the declared range the caller is in.
struct CallerInfo {
  bool declared = false;
  int64_t org_id = 0;
  Purpose purpose = Purpose::kMarketing;
  uint16_t categories = 0;
  // The first declared category (what a call is labelled with).
  Category primary_category() const;
};

// The register's answer for one call.
struct CallCheck {
  CallerInfo caller;
  bool protected_callee = false;  // refuses this marketing now, and no exemption applies
  bool exempt = false;            // would be protected but an exemption applies
  bool outside_hours = false;     // marketing outside the statutory calling hours
};

// What the register says about one number of a scrubbed list.
struct ListAnswer {
  enum class Kind {
    kNotRegistered,
    kPending,    // registered, protection starts at protected_from
    kAccepts,    // protected, but its preferences accept these categories at every hour
    kProtected,  // refuses at least one of the categories at some hour
    kExempt,     // would be protected; an exemption of the organisation applies
  };
  Kind kind = Kind::kNotRegistered;
  TimePoint protected_from;  // kPending only
  Preferences preferences;   // kAccepts, kProtected, kExempt
};

struct ScrubCounts {
  int64_t total = 0, callable = 0, protected_numbers = 0, exempt = 0, invalid = 0;
};

struct ScrubReceipt {
  std::string id;  // "scrub_<32 hex>"
  int64_t org_id = 0;
  std::string actor;
  TimePoint at;
  ScrubCounts counts;
  std::string list_sha256;    // hex SHA-256 of the list's bytes
  std::string result_sha256;  // hex SHA-256 of the result file's bytes
};

struct Stats {
  int64_t version = 0;  // last change applied to the index
  uint64_t protected_numbers = 0;
  uint64_t pending_numbers = 0;  // registered, still in the grace period
  uint64_t custom_preferences = 0;
  std::size_t index_bytes = 0;   // protected set's bitmaps
  int64_t snapshot_version = 0;  // version of the last snapshot written or loaded
};

struct ChangePage {
  std::vector<Change> changes;
  int64_t next = 0;    // pass as `since` for the next page
  int64_t latest = 0;  // newest version in the store
};

class Registry {
 public:
  virtual ~Registry() = default;

  // Migrates the schema and builds the index (snapshot + changes after it).
  // `store` and `clock` must outlive the Registry.
  static Result<std::unique_ptr<Registry>> Open(store::Store& store, Clock& clock, Options options);

  virtual const Options& options() const = 0;

  // --- registrations ---
  // Registers a number (again, after a removal: a new registration with a new
  // grace period). Registering a number already on the register changes only
  // its preferences (a kPreferences change, or nothing when they are equal) —
  // re-registering never restarts the grace period.
  virtual Result<Change> Register(const RegisterRequest& request) = 0;
  // Many registrations in one transaction (carrier bulk, imports): one result
  // per request, in order; a bad request fails alone. The outer error is the
  // store's.
  virtual Result<std::vector<Result<Change>>> RegisterMany(
      std::span<const RegisterRequest> requests) = 0;
  // NotFound unless the number is on the register.
  virtual Result<Change> Remove(PhoneNumber number, Channel channel, std::string_view actor) = 0;
  // NotFound unless the number is on the register.
  virtual Result<Change> SetPreferences(PhoneNumber number, const Preferences& preferences,
                                        Channel channel, std::string_view actor) = 0;
  // NotFound if the number was never registered.
  virtual Result<Registration> Get(PhoneNumber number) = 0;
  // Every change of one number, oldest first.
  virtual Result<std::vector<Change>> History(PhoneNumber number) = 0;
  // Changes with version > since, oldest first, at most `limit` (1..10000).
  virtual Result<ChangePage> Changes(int64_t since, int limit) = 0;
  // From the history: was `number` protected from marketing of `category` at
  // `at` (any time, past included), by its registration and preferences?
  virtual Result<bool> WasProtected(PhoneNumber number, Category category, TimePoint at) = 0;

  // --- the call path (memory only) ---
  // The callee refuses marketing of `category` at `at` (a time near now: the
  // index holds the present register).
  virtual bool IsProtected(uint64_t callee, Category category, TimePoint at) const = 0;
  // Everything the register says about a call from `caller` to `callee` at `at`.
  virtual CallCheck CheckCall(uint64_t caller, uint64_t callee, TimePoint at) const = 0;
  virtual CallerInfo LookupCaller(uint64_t caller) const = 0;
  // Non-default preferences of a protected or pending number, as the index has them.
  virtual Preferences PreferencesOf(uint64_t number) const = 0;
  // True when an exemption of `org_id` for `number` is in force at `at`.
  virtual std::optional<Exemption> ExemptionFor(int64_t org_id, uint64_t number,
                                                TimePoint at) const = 0;

  // Answers for a whole list at once (a scrub), for an organisation calling in
  // `categories` (bit per Category; 0 = every category) at `at`. Sorted input
  // is fastest. out[i] answers numbers[i]. `scratch` (optional): working
  // memory kept by a caller that checks list after list.
  virtual void CheckList(int64_t org_id, uint16_t categories, std::span<const uint64_t> numbers,
                         TimePoint at, ListAnswer* out, ListScratch* scratch = nullptr) const = 0;
  // The numbers protected at `at` (a time near now) whose E.164 digits start
  // with `digits`, ascending, with their preferences; InvalidArgument when more
  // than kMaxSnapshotNumbers match (a longer prefix is needed).
  static constexpr std::size_t kMaxSnapshotNumbers = 1'000'000;
  struct PrefixSnapshot {
    int64_t version = 0;  // the change version the snapshot reflects
    std::vector<std::pair<uint64_t, Preferences>> numbers;
  };
  virtual Result<PrefixSnapshot> SnapshotPrefix(std::string_view digits, TimePoint at) const = 0;
  // The categories of the organisation's declared marketing ranges (0: none declared).
  virtual uint16_t MarketingCategoriesOf(int64_t org_id) const = 0;
  // When protection of each registered number began (numbers not on the register
  // are left out), from the store.
  virtual Result<std::vector<std::pair<uint64_t, TimePoint>>> ProtectedSince(
      std::span<const uint64_t> numbers) = 0;

  // Scrub receipts (scrub.h). GetReceipt: NotFound for an unknown id.
  virtual Status StoreReceipt(const ScrubReceipt& receipt) = 0;
  virtual Result<ScrubReceipt> GetReceipt(std::string_view id) = 0;
  // Newest first; org_id 0: every organisation's.
  virtual Result<std::vector<ScrubReceipt>> ListReceipts(int64_t org_id, int limit) = 0;

  // --- businesses ---
  virtual Result<std::vector<DeclaredRange>> DeclareRanges(
      int64_t org_id, std::span<const DeclaredRange> ranges) = 0;
  virtual Status RemoveRange(int64_t org_id, int64_t range_id) = 0;
  virtual Result<std::vector<DeclaredRange>> ListRanges(int64_t org_id) = 0;
  // starts_at defaults to now; expires_at to starts_at + the basis' default
  // length (consent: none).
  virtual Result<Exemption> AddExemption(const Exemption& exemption) = 0;
  virtual Status RevokeExemption(int64_t org_id, int64_t exemption_id) = 0;
  // In force and past ones; newest first, at most `limit`.
  virtual Result<std::vector<Exemption>> ListExemptions(int64_t org_id, int limit) = 0;

  // --- maintenance ---
  // Applies changes committed by other processes since the index's version and
  // reloads declared ranges and exemptions if they changed. Cheap when nothing did.
  virtual Status Sync() = 0;
  // Sync, then a snapshot when snapshot_every_changes have accumulated (or
  // `force`). The server calls it every few seconds and at shutdown.
  virtual Status Maintain(bool force_snapshot = false) = 0;
  virtual Stats GetStats() const = 0;
};

}  // namespace quell::registry
