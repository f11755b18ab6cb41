// TN ownership: which numbers each of a carrier's customers may call from, so that
// the signer (STI-AS) derives the SHAKEN attestation from data, never from what
// the caller claims (RFC 8588 §4, ATIS-1000074 §5.2.3).
//
// A carrier (an organisation, named by `org_id`: one Quell may serve several
// carriers, and each sees only its own customers) registers its customers:
//   - kind "customer": a subscriber or enterprise the carrier has authenticated;
//   - kind "gateway": traffic handed over by another network, always attested C.
// and the number ranges each customer may use. A single number is a range of one.
//
// Attestation (Attest):
//   A  the customer is known, of kind customer, and the calling number is one of its;
//   B  the customer is known, of kind customer, but the number is not one of its
//      (another customer's, nobody's, or not an E.164 number at all);
//   C  no customer given, a customer this carrier does not know, or a gateway.
// A level the client requests can only lower the result, never raise it (Decide).
//
// Numbers are E.164 digits without '+' (as PASSporT orig.tn carries them), held
// as the compact uint64 of core/phone_number.h: 1 to 15 digits, no leading 0.
// A range's first and last have the same number of digits, first <= last, and it
// holds at most kMaxRangeNumbers numbers (10^8: one whole mobile number segment
// such as +86 138, the largest block a carrier is assigned at once). Ranges of
// one carrier never overlap, whichever customers hold them: adding one that
// overlaps fails with AlreadyExists naming the customer that holds the other.
//
// Storage: tables `shaken_customers` and `shaken_tn_ranges`, migrated under
// module kSchemaModule. Every mutation runs in one write transaction. The call
// path never touches the store: an in-memory index per carrier (ranges sorted by
// first number, binary search) is built at Open, and after each committed
// mutation a new index is published with one atomic shared_ptr swap, so Attest
// is a snapshot load, a hash look-up and a binary search. Mutations made by
// another process (the CLI) become visible in this one on Reload().
//
// Errors: InvalidArgument (malformed input, saying what and why), NotFound (no
// such customer or range), AlreadyExists (duplicate customer id, overlapping
// range); the store's Unavailable/Internal pass through.
//
// Thread-safety: all methods are thread-safe. Mutations are serialised with one
// another; Attest and FindOwner never wait for them.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "quell/core/clock.h"
#include "quell/core/status.h"
#include "quell/shaken/passport.h"

namespace quell::store {
class Store;
}

namespace quell::shaken {

// The store module name of the shaken schema.
inline constexpr std::string_view kSchemaModule = "shaken";

// Largest range (numbers from first to last inclusive) one entry may hold.
inline constexpr uint64_t kMaxRangeNumbers = 100'000'000;
// Most ranges one AddRanges call may add (bounds one transaction).
inline constexpr std::size_t kMaxRangesPerCall = 100'000;
// Page size bounds of the List calls.
inline constexpr int kDefaultPageSize = 100;
inline constexpr int kMaxPageSize = 1000;

enum class CustomerKind {
  kCustomer,  // authenticated subscriber or enterprise: A or B
  kGateway,   // another network's traffic: always C
};

// "customer" / "gateway".
std::string_view CustomerKindName(CustomerKind kind);
std::optional<CustomerKind> ParseCustomerKind(std::string_view name);

struct Customer {
  std::string org_id;
  std::string id;  // chosen by the carrier, e.g. "acme-callcentre"
  std::string name;
  CustomerKind kind = CustomerKind::kCustomer;
  TimePoint created_at;
  TimePoint updated_at;
};

// What CreateCustomer takes. `id`: 1-64 of [A-Za-z0-9._:@-], starting with a letter
// or digit, unique within the carrier. `name`: 1-200 bytes of printable text
// (UTF-8 allowed), not starting or ending with a space.
struct CustomerSpec {
  std::string id;
  std::string name;
  CustomerKind kind = CustomerKind::kCustomer;
};

// What UpdateCustomer changes; unset members stay as they are.
struct CustomerUpdate {
  std::optional<std::string> name;
  std::optional<CustomerKind> kind;
};

// A range to add. `first` and `last` are E.164 numbers with or without '+' and
// RFC 3966 visual separators ("+86-138-0013-8000"); `last` empty means a single
// number. `note` is free text up to 500 bytes (e.g. "DIDs for the Shenzhen office").
struct RangeSpec {
  std::string first;
  std::string last;
  std::string note;
};

// A stored range: first and last as E.164 digits without '+'.
struct NumberRange {
  std::string customer_id;
  std::string first;
  std::string last;
  std::string note;
  TimePoint created_at;
  uint64_t size() const;  // numbers in the range
};

// Keyset paging: pass the previous page's next_page_token to continue.
struct ListOptions {
  int page_size = kDefaultPageSize;  // 1..kMaxPageSize
  std::string page_token;            // empty: from the start
};

struct CustomerPage {
  std::vector<Customer> customers;  // ordered by id
  std::string next_page_token;      // empty on the last page
};

struct RangePage {
  std::vector<NumberRange> ranges;  // ordered by first number
  std::string next_page_token;      // empty on the last page
};

// The attestation to sign with and why, in words for logs, the API and an
// analyst ("A: customer 'acme' holds 8613800138000 (range ...)").
struct AttestationDecision {
  Attestation level = Attestation::kGateway;
  std::string reason;
  // Set when the client asked for a level: what it asked for, and whether the
  // request was refused because it was higher than the data supports.
  std::optional<Attestation> requested;
  bool request_downgraded = false;
};

// Combines the level computed from data with the one a client requested: the
// result is the lower of the two (A > B > C). No request (nullopt or kNone)
// returns `computed` unchanged. A lower request is honoured and says so in the
// reason; a higher one is downgraded to `computed` and the reason says that.
// Pure and thread-safe.
AttestationDecision Decide(std::optional<Attestation> requested, AttestationDecision computed);

// Parses an E.164 number (leading '+' and visual separators allowed) into its
// compact form: 1-15 digits, no leading 0. nullopt for anything else. No
// allocation; for the call path.
std::optional<uint64_t> ParseE164Compact(std::string_view tn);

class TnOwnership {
 public:
  virtual ~TnOwnership() = default;

  // Migrates the shaken schema in `store` and builds the index from it.
  // `store` and `clock` must outlive the returned object. FailedPrecondition if
  // the stored ranges of a carrier overlap (only a hand edit of the database can
  // do that), naming both.
  static Result<std::unique_ptr<TnOwnership>> Open(store::Store& store, Clock& clock);

  // --- customers ---
  // AlreadyExists if `spec.id` is taken within the carrier.
  virtual Result<Customer> CreateCustomer(std::string_view org_id, const CustomerSpec& spec) = 0;
  // NotFound if there is no such customer; an empty update is InvalidArgument.
  virtual Result<Customer> UpdateCustomer(std::string_view org_id, std::string_view customer_id,
                                          const CustomerUpdate& update) = 0;
  // Deletes the customer and all its ranges. NotFound if there is no such customer.
  virtual Status DeleteCustomer(std::string_view org_id, std::string_view customer_id) = 0;
  virtual Result<Customer> GetCustomer(std::string_view org_id, std::string_view customer_id) = 0;
  // The carrier's customers ordered by id. An unknown carrier has none.
  virtual Result<CustomerPage> ListCustomers(std::string_view org_id,
                                             const ListOptions& options = {}) = 0;

  // --- ranges ---
  // Adds ranges to a customer, all or none (one transaction). NotFound if the
  // customer does not exist; InvalidArgument for a malformed range (naming its
  // position when there are several), more than kMaxRangesPerCall or none;
  // AlreadyExists if one overlaps a range of this carrier (naming the customer
  // holding it) or another range of the same call. Returns the stored ranges.
  virtual Result<std::vector<NumberRange>> AddRanges(std::string_view org_id,
                                                     std::string_view customer_id,
                                                     const std::vector<RangeSpec>& ranges) = 0;
  Result<NumberRange> AddRange(std::string_view org_id, std::string_view customer_id,
                               const RangeSpec& range);
  // Removes the range with exactly these bounds (`last` empty: a single number).
  // NotFound if the customer has no such range; the message names the range of
  // the customer that contains `first`, if any, since only whole ranges are removed.
  virtual Status RemoveRange(std::string_view org_id, std::string_view customer_id,
                             std::string_view first, std::string_view last = {}) = 0;
  // The customer's ranges ordered by first number. NotFound if no such customer.
  virtual Result<RangePage> ListRanges(std::string_view org_id, std::string_view customer_id,
                                       const ListOptions& options = {}) = 0;

  // --- call path (memory only) ---
  // The attestation for a call from `orig_tn` (E.164, '+' and separators
  // allowed) by `customer_id` (empty: the caller is not an authenticated
  // customer) of carrier `org_id`, lowered to `requested` if that is lower (see
  // Decide). Never fails: bad input only lowers the level.
  virtual AttestationDecision Attest(std::string_view org_id, std::string_view customer_id,
                                     std::string_view orig_tn,
                                     std::optional<Attestation> requested = std::nullopt) const = 0;
  // The id of the carrier's customer whose range holds `tn`, if any.
  virtual std::optional<std::string> FindOwner(std::string_view org_id,
                                               std::string_view tn) const = 0;

  // Rebuilds the whole index from the store (for changes made by another
  // process) and publishes it atomically. On error the old index stays.
  virtual Status Reload() = 0;
};

}  // namespace quell::shaken
