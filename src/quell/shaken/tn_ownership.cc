#include "quell/shaken/tn_ownership.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <mutex>
#include <utility>

#include "quell/shaken/internal/tn_index.h"
#include "quell/shaken/internal/tn_input.h"
#include "quell/store/store.h"

namespace quell::shaken {
namespace {

using internal::CheckCustomerId;
using internal::CheckName;
using internal::CheckNote;
using internal::CheckOrgId;
using internal::CheckPageSize;
using internal::FormatRange;
using internal::kMaxE164Digits;
using internal::OrgTnIndex;
using internal::ParsedRange;
using internal::ParseRange;
using internal::Quote;
using internal::TnIndex;

// --- schema -----------------------------------------------------------------

// Ranges are keyed by (org_id, first_tn): ranges of one carrier are disjoint, so
// a first number identifies a range, and the overlap check (the range with the
// greatest first_tn <= a new range's last) is one index probe.
constexpr std::string_view kV1Sqlite = R"sql(
CREATE TABLE shaken_customers (
  org_id TEXT NOT NULL,
  id TEXT NOT NULL,
  name TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('customer', 'gateway')),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (org_id, id)
);
CREATE TABLE shaken_tn_ranges (
  org_id TEXT NOT NULL,
  customer_id TEXT NOT NULL,
  first_tn INTEGER NOT NULL,
  last_tn INTEGER NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  PRIMARY KEY (org_id, first_tn),
  FOREIGN KEY (org_id, customer_id) REFERENCES shaken_customers (org_id, id) ON DELETE CASCADE,
  CHECK (first_tn > 0 AND first_tn <= last_tn)
);
CREATE INDEX shaken_tn_ranges_customer ON shaken_tn_ranges (org_id, customer_id, first_tn);
)sql";

constexpr std::string_view kV1Postgres = R"sql(
CREATE TABLE shaken_customers (
  org_id TEXT NOT NULL,
  id TEXT NOT NULL,
  name TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('customer', 'gateway')),
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (org_id, id)
);
CREATE TABLE shaken_tn_ranges (
  org_id TEXT NOT NULL,
  customer_id TEXT NOT NULL,
  first_tn BIGINT NOT NULL,
  last_tn BIGINT NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  PRIMARY KEY (org_id, first_tn),
  FOREIGN KEY (org_id, customer_id) REFERENCES shaken_customers (org_id, id) ON DELETE CASCADE,
  CHECK (first_tn > 0 AND first_tn <= last_tn)
);
CREATE INDEX shaken_tn_ranges_customer ON shaken_tn_ranges (org_id, customer_id, first_tn);
)sql";

constexpr std::array<store::Migration, 1> kMigrations = {{
    {1, "TN ownership: customers and their number ranges", kV1Sqlite, kV1Postgres},
}};

// --- rows -------------------------------------------------------------------

constexpr std::string_view kCustomerColumns = "org_id, id, name, kind, created_at, updated_at";
constexpr std::string_view kRangeColumns = "customer_id, first_tn, last_tn, note, created_at";

Result<Customer> ParseCustomerRow(const store::Row& row) {
  Customer c;
  c.org_id = row.Text(0);
  c.id = row.Text(1);
  c.name = row.Text(2);
  std::optional<CustomerKind> kind = ParseCustomerKind(row.Text(3));
  if (!kind) return Internal("customer '" + c.id + "' has unknown kind '" + row.Text(3) + "'");
  c.kind = *kind;
  c.created_at = FromUnixMillis(row.Int(4));
  c.updated_at = FromUnixMillis(row.Int(5));
  return c;
}

NumberRange ParseRangeRow(const store::Row& row) {
  return NumberRange{.customer_id = row.Text(0),
                     .first = std::to_string(row.Int(1)),
                     .last = std::to_string(row.Int(2)),
                     .note = row.Text(3),
                     .created_at = FromUnixMillis(row.Int(4))};
}

std::string NotFoundCustomerMessage(std::string_view org_id, std::string_view customer_id) {
  return "carrier " + Quote(org_id) + " has no customer " + Quote(customer_id);
}

// The customer row through `tx`; NotFound if absent.
Result<Customer> LookUpCustomer(store::Transaction& tx, std::string_view org_id,
                                std::string_view customer_id) {
  QUELL_ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT " + std::string(kCustomerColumns) +
                                                 " FROM shaken_customers WHERE org_id = $1 AND "
                                                 "id = $2",
                                             {org_id, customer_id}));
  if (rows.empty()) return NotFound(NotFoundCustomerMessage(org_id, customer_id));
  return ParseCustomerRow(rows.rows[0]);
}

// The stored range of carrier `org_id` that overlaps [first, last], if any: since
// the stored ranges are disjoint, only the one starting last at or before `last`
// can.
Result<std::optional<NumberRange>> FindOverlap(store::Transaction& tx, std::string_view org_id,
                                               uint64_t first, uint64_t last) {
  QUELL_ASSIGN_OR_RETURN(auto rows,
                         tx.Query("SELECT " + std::string(kRangeColumns) +
                                      " FROM shaken_tn_ranges WHERE org_id = $1 AND first_tn <= $2 "
                                      "ORDER BY first_tn DESC LIMIT 1",
                                  {org_id, last}));
  if (rows.empty() || static_cast<uint64_t>(rows.rows[0].Int(2)) < first) {
    return std::optional<NumberRange>();
  }
  return std::optional<NumberRange>(ParseRangeRow(rows.rows[0]));
}

int Rank(Attestation a) {
  switch (a) {
    case Attestation::kFull:
      return 3;
    case Attestation::kPartial:
      return 2;
    case Attestation::kGateway:
      return 1;
    case Attestation::kNone:
      break;
  }
  return 0;
}

std::string Letter(Attestation a) { return std::string(1, static_cast<char>(a)); }

// --- the implementation -----------------------------------------------------

class TnOwnershipImpl final : public TnOwnership {
 public:
  TnOwnershipImpl(store::Store& store, Clock& clock)
      : store_(store), clock_(clock), index_(std::make_shared<const TnIndex>()) {}

  Status Init() {
    QUELL_RETURN_IF_ERROR(store_.Migrate(kSchemaModule, kMigrations));
    return Reload();
  }

  Result<Customer> CreateCustomer(std::string_view org_id, const CustomerSpec& spec) override;
  Result<Customer> UpdateCustomer(std::string_view org_id, std::string_view customer_id,
                                  const CustomerUpdate& update) override;
  Status DeleteCustomer(std::string_view org_id, std::string_view customer_id) override;
  Result<Customer> GetCustomer(std::string_view org_id, std::string_view customer_id) override;
  Result<CustomerPage> ListCustomers(std::string_view org_id, const ListOptions& options) override;
  Result<std::vector<NumberRange>> AddRanges(std::string_view org_id, std::string_view customer_id,
                                             const std::vector<RangeSpec>& ranges) override;
  Status RemoveRange(std::string_view org_id, std::string_view customer_id, std::string_view first,
                     std::string_view last) override;
  Result<RangePage> ListRanges(std::string_view org_id, std::string_view customer_id,
                               const ListOptions& options) override;
  AttestationDecision Attest(std::string_view org_id, std::string_view customer_id,
                             std::string_view orig_tn,
                             std::optional<Attestation> requested) const override;
  std::optional<std::string> FindOwner(std::string_view org_id, std::string_view tn) const override;
  Status Reload() override;

 private:
  // The carrier's published index, or nullptr.
  std::shared_ptr<const OrgTnIndex> OrgSnapshot(std::string_view org_id) const {
    std::shared_ptr<const TnIndex> index = index_.load(std::memory_order_acquire);
    auto it = index->find(org_id);
    return it == index->end() ? nullptr : it->second;
  }

  // Copies the carrier's index, applies `change` to the copy and publishes it.
  // Called with write_mu_ held, after the store committed the same change.
  template <typename Change>
  void Publish(std::string_view org_id, Change change) {
    std::shared_ptr<const TnIndex> old = index_.load(std::memory_order_acquire);
    auto org = std::make_shared<OrgTnIndex>();
    if (auto it = old->find(org_id); it != old->end()) *org = *it->second;
    change(*org);
    auto next = std::make_shared<TnIndex>(*old);
    if (org->customers.empty()) {
      if (auto it = next->find(org_id); it != next->end()) next->erase(it);
    } else {
      (*next)[std::string(org_id)] = std::move(org);
    }
    index_.store(std::move(next), std::memory_order_release);
  }

  AttestationDecision Compute(std::string_view org_id, std::string_view customer_id,
                              std::string_view orig_tn) const;

  store::Store& store_;
  Clock& clock_;
  // Serialises mutations and reloads, so each published index follows the
  // order in which their transactions committed.
  std::mutex write_mu_;
  std::atomic<std::shared_ptr<const TnIndex>> index_;
};

Result<Customer> TnOwnershipImpl::CreateCustomer(std::string_view org_id,
                                                 const CustomerSpec& spec) {
  QUELL_RETURN_IF_ERROR(CheckOrgId(org_id));
  QUELL_RETURN_IF_ERROR(CheckCustomerId(spec.id));
  QUELL_RETURN_IF_ERROR(CheckName(spec.name));
  const int64_t now_ms = ToUnixMillis(clock_.Now());
  std::lock_guard<std::mutex> lock(write_mu_);
  QUELL_ASSIGN_OR_RETURN(auto tx, store_.Begin());
  QUELL_ASSIGN_OR_RETURN(
      auto existing,
      tx->Query("SELECT 1 FROM shaken_customers WHERE org_id = $1 AND id = $2", {org_id, spec.id}));
  if (!existing.empty()) {
    return AlreadyExists("carrier " + Quote(org_id) + " already has a customer " + Quote(spec.id));
  }
  QUELL_RETURN_IF_ERROR(
      tx->Exec("INSERT INTO shaken_customers (org_id, id, name, kind, created_at, updated_at) "
               "VALUES ($1, $2, $3, $4, $5, $5)",
               {org_id, spec.id, spec.name, CustomerKindName(spec.kind), now_ms})
          .status());
  QUELL_RETURN_IF_ERROR(tx->Commit());
  Publish(org_id, [&](OrgTnIndex& org) { org.PutCustomer(spec.id, spec.kind); });
  return Customer{.org_id = std::string(org_id),
                  .id = spec.id,
                  .name = spec.name,
                  .kind = spec.kind,
                  .created_at = FromUnixMillis(now_ms),
                  .updated_at = FromUnixMillis(now_ms)};
}

Result<Customer> TnOwnershipImpl::UpdateCustomer(std::string_view org_id,
                                                 std::string_view customer_id,
                                                 const CustomerUpdate& update) {
  QUELL_RETURN_IF_ERROR(CheckOrgId(org_id));
  QUELL_RETURN_IF_ERROR(CheckCustomerId(customer_id));
  if (!update.name && !update.kind) return InvalidArgument("the update changes nothing");
  if (update.name) QUELL_RETURN_IF_ERROR(CheckName(*update.name));
  const int64_t now_ms = ToUnixMillis(clock_.Now());
  std::lock_guard<std::mutex> lock(write_mu_);
  QUELL_ASSIGN_OR_RETURN(auto tx, store_.Begin());
  QUELL_ASSIGN_OR_RETURN(Customer customer, LookUpCustomer(*tx, org_id, customer_id));
  if (update.name) customer.name = *update.name;
  if (update.kind) customer.kind = *update.kind;
  customer.updated_at = FromUnixMillis(now_ms);
  QUELL_RETURN_IF_ERROR(
      tx->Exec("UPDATE shaken_customers SET name = $3, kind = $4, updated_at = $5 "
               "WHERE org_id = $1 AND id = $2",
               {org_id, customer_id, customer.name, CustomerKindName(customer.kind), now_ms})
          .status());
  QUELL_RETURN_IF_ERROR(tx->Commit());
  Publish(org_id, [&](OrgTnIndex& org) { org.PutCustomer(customer.id, customer.kind); });
  return customer;
}

Status TnOwnershipImpl::DeleteCustomer(std::string_view org_id, std::string_view customer_id) {
  QUELL_RETURN_IF_ERROR(CheckOrgId(org_id));
  QUELL_RETURN_IF_ERROR(CheckCustomerId(customer_id));
  std::lock_guard<std::mutex> lock(write_mu_);
  QUELL_ASSIGN_OR_RETURN(auto tx, store_.Begin());
  // Ranges first and explicitly, so this holds without relying on ON DELETE CASCADE.
  QUELL_RETURN_IF_ERROR(
      tx->Exec("DELETE FROM shaken_tn_ranges WHERE org_id = $1 AND customer_id = $2",
               {org_id, customer_id})
          .status());
  QUELL_ASSIGN_OR_RETURN(int64_t deleted,
                         tx->Exec("DELETE FROM shaken_customers WHERE org_id = $1 AND id = $2",
                                  {org_id, customer_id}));
  if (deleted == 0) return NotFound(NotFoundCustomerMessage(org_id, customer_id));
  QUELL_RETURN_IF_ERROR(tx->Commit());
  Publish(org_id, [&](OrgTnIndex& org) { org.RemoveCustomer(customer_id); });
  return Status::Ok();
}

Result<Customer> TnOwnershipImpl::GetCustomer(std::string_view org_id,
                                              std::string_view customer_id) {
  QUELL_RETURN_IF_ERROR(CheckOrgId(org_id));
  QUELL_RETURN_IF_ERROR(CheckCustomerId(customer_id));
  QUELL_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::Store::Mode::kRead));
  return LookUpCustomer(*tx, org_id, customer_id);
}

Result<CustomerPage> TnOwnershipImpl::ListCustomers(std::string_view org_id,
                                                    const ListOptions& options) {
  QUELL_RETURN_IF_ERROR(CheckOrgId(org_id));
  QUELL_RETURN_IF_ERROR(CheckPageSize(options.page_size));
  QUELL_ASSIGN_OR_RETURN(
      auto rows,
      store_.Query("SELECT " + std::string(kCustomerColumns) +
                       " FROM shaken_customers WHERE org_id = $1 AND id > $2 ORDER BY id LIMIT $3",
                   {org_id, options.page_token, options.page_size + 1}));
  CustomerPage page;
  for (const store::Row& row : rows.rows) {
    if (page.customers.size() == static_cast<std::size_t>(options.page_size)) {
      page.next_page_token = page.customers.back().id;
      break;
    }
    QUELL_ASSIGN_OR_RETURN(Customer c, ParseCustomerRow(row));
    page.customers.push_back(std::move(c));
  }
  return page;
}

Result<std::vector<NumberRange>> TnOwnershipImpl::AddRanges(std::string_view org_id,
                                                            std::string_view customer_id,
                                                            const std::vector<RangeSpec>& specs) {
  QUELL_RETURN_IF_ERROR(CheckOrgId(org_id));
  QUELL_RETURN_IF_ERROR(CheckCustomerId(customer_id));
  if (specs.empty()) return InvalidArgument("no ranges to add");
  if (specs.size() > kMaxRangesPerCall) {
    return InvalidArgument(std::to_string(specs.size()) + " ranges in one call; at most " +
                           std::to_string(kMaxRangesPerCall));
  }
  const bool several = specs.size() > 1;
  auto where = [&](std::size_t i) {
    return several ? "range #" + std::to_string(i + 1) + ": " : std::string();
  };
  auto in_context = [&](const Status& s, std::size_t i) {
    return several ? s.WithContext("range #" + std::to_string(i + 1)) : s;
  };
  std::vector<ParsedRange> parsed;
  parsed.reserve(specs.size());
  for (std::size_t i = 0; i < specs.size(); ++i) {
    Result<ParsedRange> r = ParseRange(specs[i].first, specs[i].last);
    if (!r) return in_context(r.status(), i);
    Status note = CheckNote(specs[i].note);
    if (!note.ok()) return in_context(note, i);
    r->note = specs[i].note;
    parsed.push_back(std::move(*r));
  }
  // Overlaps within the request, reported by position.
  std::vector<std::size_t> order(parsed.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(),
            [&](std::size_t a, std::size_t b) { return parsed[a].first < parsed[b].first; });
  for (std::size_t k = 1; k < order.size(); ++k) {
    const ParsedRange& a = parsed[order[k - 1]];
    const ParsedRange& b = parsed[order[k]];
    if (b.first <= a.last) {
      return AlreadyExists("ranges #" + std::to_string(std::min(order[k - 1], order[k]) + 1) +
                           " and #" + std::to_string(std::max(order[k - 1], order[k]) + 1) +
                           " of this request overlap (" + FormatRange(a.first, a.last) + " and " +
                           FormatRange(b.first, b.last) + ")");
    }
  }

  const int64_t now_ms = ToUnixMillis(clock_.Now());
  std::lock_guard<std::mutex> lock(write_mu_);
  QUELL_ASSIGN_OR_RETURN(auto tx, store_.Begin());
  QUELL_ASSIGN_OR_RETURN(const Customer customer, LookUpCustomer(*tx, org_id, customer_id));
  std::vector<NumberRange> added;
  added.reserve(parsed.size());
  for (std::size_t i = 0; i < parsed.size(); ++i) {
    const ParsedRange& r = parsed[i];
    QUELL_ASSIGN_OR_RETURN(std::optional<NumberRange> other,
                           FindOverlap(*tx, org_id, r.first, r.last));
    if (other) {
      const std::string holder = other->customer_id == customer_id
                                     ? "this customer"
                                     : "customer " + Quote(other->customer_id);
      const std::string other_range =
          other->first == other->last ? other->first : other->first + "-" + other->last;
      return AlreadyExists(where(i) + FormatRange(r.first, r.last) + " overlaps " + other_range +
                           ", held by " + holder + " of carrier " + Quote(org_id));
    }
    QUELL_RETURN_IF_ERROR(
        tx->Exec("INSERT INTO shaken_tn_ranges (org_id, customer_id, first_tn, last_tn, note, "
                 "created_at) VALUES ($1, $2, $3, $4, $5, $6)",
                 {org_id, customer_id, r.first, r.last, r.note, now_ms})
            .status());
    added.push_back(NumberRange{.customer_id = std::string(customer_id),
                                .first = std::to_string(r.first),
                                .last = std::to_string(r.last),
                                .note = r.note,
                                .created_at = FromUnixMillis(now_ms)});
  }
  QUELL_RETURN_IF_ERROR(tx->Commit());
  std::vector<std::pair<uint64_t, uint64_t>> bounds;
  bounds.reserve(parsed.size());
  for (const ParsedRange& r : parsed) bounds.emplace_back(r.first, r.last);
  Publish(org_id, [&](OrgTnIndex& org) {
    // The customer as the store has it, in case another process made it.
    org.PutCustomer(customer.id, customer.kind);
    org.AddRanges(customer_id, bounds);
  });
  return added;
}

Status TnOwnershipImpl::RemoveRange(std::string_view org_id, std::string_view customer_id,
                                    std::string_view first, std::string_view last) {
  QUELL_RETURN_IF_ERROR(CheckOrgId(org_id));
  QUELL_RETURN_IF_ERROR(CheckCustomerId(customer_id));
  QUELL_ASSIGN_OR_RETURN(ParsedRange r, ParseRange(first, last));
  std::lock_guard<std::mutex> lock(write_mu_);
  QUELL_ASSIGN_OR_RETURN(auto tx, store_.Begin());
  QUELL_RETURN_IF_ERROR(LookUpCustomer(*tx, org_id, customer_id).status());
  QUELL_ASSIGN_OR_RETURN(int64_t deleted,
                         tx->Exec("DELETE FROM shaken_tn_ranges WHERE org_id = $1 AND "
                                  "customer_id = $2 AND first_tn = $3 AND last_tn = $4",
                                  {org_id, customer_id, r.first, r.last}));
  if (deleted == 0) {
    std::string message =
        "customer " + Quote(customer_id) + " has no range " + FormatRange(r.first, r.last);
    QUELL_ASSIGN_OR_RETURN(std::optional<NumberRange> holder,
                           FindOverlap(*tx, org_id, r.first, r.first));
    if (holder && holder->customer_id == customer_id) {
      message += "; its range " + holder->first + "-" + holder->last +
                 " contains that number, and only whole ranges are removed";
    }
    return NotFound(message);
  }
  QUELL_RETURN_IF_ERROR(tx->Commit());
  Publish(org_id, [&](OrgTnIndex& org) { org.RemoveRange(r.first, r.last); });
  return Status::Ok();
}

Result<RangePage> TnOwnershipImpl::ListRanges(std::string_view org_id, std::string_view customer_id,
                                              const ListOptions& options) {
  QUELL_RETURN_IF_ERROR(CheckOrgId(org_id));
  QUELL_RETURN_IF_ERROR(CheckCustomerId(customer_id));
  QUELL_RETURN_IF_ERROR(CheckPageSize(options.page_size));
  uint64_t after = 0;
  if (!options.page_token.empty()) {
    std::optional<uint64_t> token = ParseE164Compact(options.page_token);
    if (!token || options.page_token.front() < '1' || options.page_token.front() > '9') {
      return InvalidArgument("page_token " + Quote(options.page_token) +
                             " is not one this list returned");
    }
    after = *token;
  }
  QUELL_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::Store::Mode::kRead));
  QUELL_RETURN_IF_ERROR(LookUpCustomer(*tx, org_id, customer_id).status());
  QUELL_ASSIGN_OR_RETURN(auto rows, tx->Query("SELECT " + std::string(kRangeColumns) +
                                                  " FROM shaken_tn_ranges WHERE org_id = $1 AND "
                                                  "customer_id = $2 AND first_tn > $3 ORDER BY "
                                                  "first_tn LIMIT $4",
                                              {org_id, customer_id, after, options.page_size + 1}));
  RangePage page;
  for (const store::Row& row : rows.rows) {
    if (page.ranges.size() == static_cast<std::size_t>(options.page_size)) {
      page.next_page_token = page.ranges.back().first;
      break;
    }
    page.ranges.push_back(ParseRangeRow(row));
  }
  return page;
}

AttestationDecision TnOwnershipImpl::Compute(std::string_view org_id, std::string_view customer_id,
                                             std::string_view orig_tn) const {
  if (customer_id.empty()) {
    return {Attestation::kGateway, "no authenticated customer: gateway attestation"};
  }
  std::shared_ptr<const OrgTnIndex> org = OrgSnapshot(org_id);
  const OrgTnIndex::CustomerEntry* customer = org ? org->FindCustomer(customer_id) : nullptr;
  if (customer == nullptr) {
    return {Attestation::kGateway,
            "customer " + Quote(customer_id) + " is not registered with this carrier"};
  }
  const std::string who = "customer " + Quote(customer_id);
  if (customer->kind == CustomerKind::kGateway) {
    return {Attestation::kGateway, who + " is a gateway (traffic from another network)"};
  }
  std::optional<uint64_t> tn = ParseE164Compact(orig_tn);
  if (!tn) {
    return {Attestation::kPartial, who + " is authenticated, but the calling number " +
                                       Quote(orig_tn) + " is not an E.164 number"};
  }
  const OrgTnIndex::Range* range = org->FindRange(*tn);
  if (range == nullptr) {
    return {Attestation::kPartial, who + " is authenticated, but the calling number " +
                                       std::to_string(*tn) + " is not registered to any customer"};
  }
  if (org->customers[range->customer].id != customer_id) {
    return {Attestation::kPartial, who + " is authenticated, but the calling number " +
                                       std::to_string(*tn) + " belongs to another customer"};
  }
  return {Attestation::kFull, who + " holds the calling number " + std::to_string(*tn) +
                                  " (range " + FormatRange(range->first, range->last) + ")"};
}

AttestationDecision TnOwnershipImpl::Attest(std::string_view org_id, std::string_view customer_id,
                                            std::string_view orig_tn,
                                            std::optional<Attestation> requested) const {
  return Decide(requested, Compute(org_id, customer_id, orig_tn));
}

std::optional<std::string> TnOwnershipImpl::FindOwner(std::string_view org_id,
                                                      std::string_view tn) const {
  std::optional<uint64_t> compact = ParseE164Compact(tn);
  if (!compact) return std::nullopt;
  std::shared_ptr<const OrgTnIndex> org = OrgSnapshot(org_id);
  if (!org) return std::nullopt;
  const OrgTnIndex::Range* range = org->FindRange(*compact);
  if (range == nullptr) return std::nullopt;
  return org->customers[range->customer].id;
}

Status TnOwnershipImpl::Reload() {
  std::lock_guard<std::mutex> lock(write_mu_);
  QUELL_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::Store::Mode::kRead));
  QUELL_ASSIGN_OR_RETURN(auto customers,
                         tx->Query("SELECT org_id, id, kind FROM shaken_customers"));
  QUELL_ASSIGN_OR_RETURN(
      auto ranges,
      tx->Query("SELECT org_id, customer_id, first_tn, last_tn FROM shaken_tn_ranges"));
  std::unordered_map<std::string, std::shared_ptr<OrgTnIndex>, internal::StringHash,
                     std::equal_to<>>
      building;
  for (const store::Row& row : customers.rows) {
    std::optional<CustomerKind> kind = ParseCustomerKind(row.Text(2));
    if (!kind) {
      return Internal("customer '" + row.Text(1) + "' of carrier '" + row.Text(0) +
                      "' has unknown kind '" + row.Text(2) + "'");
    }
    auto& org = building[row.Text(0)];
    if (!org) org = std::make_shared<OrgTnIndex>();
    org->PutCustomer(row.Text(1), *kind);
  }
  for (const store::Row& row : ranges.rows) {
    auto it = building.find(row.Text(0));
    const std::string customer_id = row.Text(1);
    if (it == building.end() || it->second->FindCustomer(customer_id) == nullptr) {
      return Internal("range " + FormatRange(row.Int(2), row.Int(3)) + " of carrier '" +
                      row.Text(0) + "' belongs to missing customer '" + customer_id + "'");
    }
    OrgTnIndex& org = *it->second;
    org.ranges.push_back({static_cast<uint64_t>(row.Int(2)), static_cast<uint64_t>(row.Int(3)),
                          org.by_id.find(customer_id)->second});
  }
  auto next = std::make_shared<TnIndex>();
  for (auto& [org_id, org] : building) {
    QUELL_RETURN_IF_ERROR(org->SortAndCheck(org_id));
    next->emplace(org_id, std::move(org));
  }
  index_.store(std::move(next), std::memory_order_release);
  return Status::Ok();
}

}  // namespace

std::string_view CustomerKindName(CustomerKind kind) {
  return kind == CustomerKind::kGateway ? "gateway" : "customer";
}

std::optional<CustomerKind> ParseCustomerKind(std::string_view name) {
  if (name == "customer") return CustomerKind::kCustomer;
  if (name == "gateway") return CustomerKind::kGateway;
  return std::nullopt;
}

uint64_t NumberRange::size() const {
  std::optional<uint64_t> f = ParseE164Compact(first);
  std::optional<uint64_t> l = ParseE164Compact(last);
  return f && l && *l >= *f ? *l - *f + 1 : 0;
}

std::optional<uint64_t> ParseE164Compact(std::string_view tn) {
  uint64_t value = 0;
  int digits = 0;
  for (std::size_t i = 0; i < tn.size(); ++i) {
    const char c = tn[i];
    if (c >= '0' && c <= '9') {
      if (digits == 0 && c == '0') return std::nullopt;
      if (++digits > kMaxE164Digits) return std::nullopt;
      value = value * 10 + static_cast<uint64_t>(c - '0');
    } else if (!((c == '+' && i == 0) || c == '-' || c == '.' || c == '(' || c == ')')) {
      return std::nullopt;
    }
  }
  if (digits == 0) return std::nullopt;
  return value;
}

AttestationDecision Decide(std::optional<Attestation> requested, AttestationDecision computed) {
  if (!requested || *requested == Attestation::kNone) return computed;
  computed.requested = requested;
  const int want = Rank(*requested);
  const int have = Rank(computed.level);
  if (want < have) {
    computed.reason +=
        "; lowered from " + Letter(computed.level) + " to " + Letter(*requested) + " as requested";
    computed.level = *requested;
  } else if (want > have) {
    computed.request_downgraded = true;
    computed.reason += "; the requested " + Letter(*requested) + " was downgraded to " +
                       Letter(computed.level) + " (a request can only lower the attestation)";
  }
  return computed;
}

Result<NumberRange> TnOwnership::AddRange(std::string_view org_id, std::string_view customer_id,
                                          const RangeSpec& range) {
  QUELL_ASSIGN_OR_RETURN(auto added, AddRanges(org_id, customer_id, {range}));
  return std::move(added.front());
}

Result<std::unique_ptr<TnOwnership>> TnOwnership::Open(store::Store& store, Clock& clock) {
  auto ownership = std::make_unique<TnOwnershipImpl>(store, clock);
  QUELL_RETURN_IF_ERROR(ownership->Init());
  return std::unique_ptr<TnOwnership>(std::move(ownership));
}

}  // namespace quell::shaken
