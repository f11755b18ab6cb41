// The in-memory TN-ownership index behind TnOwnership (tn_ownership.h): per
// carrier, its customers and their number ranges sorted by first number.
//
// A published OrgTnIndex is immutable and shared by readers through a
// shared_ptr; writers copy it, change the copy with the mutators below and
// publish the copy. Mutators assume the store already accepted the change (the
// store is the authority for ids and overlaps), so they only keep the structure
// consistent.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "quell/core/status.h"
#include "quell/shaken/tn_ownership.h"

namespace quell::shaken::internal {

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
};

struct OrgTnIndex {
  struct Range {
    uint64_t first = 0;
    uint64_t last = 0;
    uint32_t customer = 0;  // index into `customers`
  };
  struct CustomerEntry {
    std::string id;
    CustomerKind kind = CustomerKind::kCustomer;
  };

  std::vector<Range> ranges;  // sorted by first, disjoint
  std::vector<CustomerEntry> customers;
  std::unordered_map<std::string, uint32_t, StringHash, std::equal_to<>> by_id;

  // nullptr if absent.
  const CustomerEntry* FindCustomer(std::string_view id) const;
  // The range holding `tn`, or nullptr. Binary search.
  const Range* FindRange(uint64_t tn) const;

  // --- for building a copy ---
  // Adds a customer, or changes its kind if it exists.
  void PutCustomer(std::string_view id, CustomerKind kind);
  // Removes a customer and all its ranges. No-op if absent.
  void RemoveCustomer(std::string_view id);
  // Adds ranges of an existing customer; they must not overlap existing ones.
  void AddRanges(std::string_view customer_id, std::span<const std::pair<uint64_t, uint64_t>> add);
  // Removes the range with exactly these bounds. No-op if absent.
  void RemoveRange(uint64_t first, uint64_t last);
  // Sorts `ranges` and checks they are disjoint: FailedPrecondition naming the
  // two customers and ranges that overlap (for an index built from the store).
  Status SortAndCheck(std::string_view org_id);
};

using TnIndex =
    std::unordered_map<std::string, std::shared_ptr<const OrgTnIndex>, StringHash, std::equal_to<>>;

// "8613800138000" or "8613800138000-8613800138999".
std::string FormatRange(uint64_t first, uint64_t last);

}  // namespace quell::shaken::internal
