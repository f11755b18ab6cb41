#include "quell/shaken/internal/tn_index.h"

#include <algorithm>

namespace quell::shaken::internal {
namespace {

bool ByFirst(const OrgTnIndex::Range& a, const OrgTnIndex::Range& b) { return a.first < b.first; }

}  // namespace

std::string FormatRange(uint64_t first, uint64_t last) {
  if (first == last) return std::to_string(first);
  return std::to_string(first) + "-" + std::to_string(last);
}

const OrgTnIndex::CustomerEntry* OrgTnIndex::FindCustomer(std::string_view id) const {
  auto it = by_id.find(id);
  return it == by_id.end() ? nullptr : &customers[it->second];
}

const OrgTnIndex::Range* OrgTnIndex::FindRange(uint64_t tn) const {
  // The candidate is the last range starting at or before tn.
  auto it = std::upper_bound(ranges.begin(), ranges.end(), tn,
                             [](uint64_t v, const Range& r) { return v < r.first; });
  if (it == ranges.begin()) return nullptr;
  --it;
  return tn <= it->last ? &*it : nullptr;
}

void OrgTnIndex::PutCustomer(std::string_view id, CustomerKind kind) {
  auto it = by_id.find(id);
  if (it != by_id.end()) {
    customers[it->second].kind = kind;
    return;
  }
  const auto index = static_cast<uint32_t>(customers.size());
  customers.push_back({std::string(id), kind});
  by_id.emplace(std::string(id), index);
}

void OrgTnIndex::RemoveCustomer(std::string_view id) {
  auto it = by_id.find(id);
  if (it == by_id.end()) return;
  const uint32_t gone = it->second;
  const auto moved = static_cast<uint32_t>(customers.size() - 1);
  by_id.erase(it);
  std::erase_if(ranges, [gone](const Range& r) { return r.customer == gone; });
  // Keep `customers` dense: the last entry takes the removed one's slot.
  if (gone != moved) {
    customers[gone] = std::move(customers[moved]);
    by_id[customers[gone].id] = gone;
    for (Range& r : ranges) {
      if (r.customer == moved) r.customer = gone;
    }
  }
  customers.pop_back();
}

void OrgTnIndex::AddRanges(std::string_view customer_id,
                           std::span<const std::pair<uint64_t, uint64_t>> add) {
  auto it = by_id.find(customer_id);
  if (it == by_id.end()) return;
  const auto middle = static_cast<std::ptrdiff_t>(ranges.size());
  for (const auto& [first, last] : add) ranges.push_back({first, last, it->second});
  std::sort(ranges.begin() + middle, ranges.end(), ByFirst);
  std::inplace_merge(ranges.begin(), ranges.begin() + middle, ranges.end(), ByFirst);
}

void OrgTnIndex::RemoveRange(uint64_t first, uint64_t last) {
  auto it = std::lower_bound(ranges.begin(), ranges.end(), Range{first, 0, 0}, ByFirst);
  if (it != ranges.end() && it->first == first && it->last == last) ranges.erase(it);
}

Status OrgTnIndex::SortAndCheck(std::string_view org_id) {
  std::sort(ranges.begin(), ranges.end(), ByFirst);
  for (std::size_t i = 1; i < ranges.size(); ++i) {
    const Range& a = ranges[i - 1];
    const Range& b = ranges[i];
    if (b.first <= a.last) {
      return FailedPrecondition(
          "carrier '" + std::string(org_id) + "': stored range " + FormatRange(a.first, a.last) +
          " of customer '" + customers[a.customer].id + "' overlaps range " +
          FormatRange(b.first, b.last) + " of customer '" + customers[b.customer].id +
          "'; remove one of them (shaken_tn_ranges) and restart");
    }
  }
  return Status::Ok();
}

}  // namespace quell::shaken::internal
