#include "quell/reputation/table.h"

#include <absl/container/flat_hash_map.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <shared_mutex>

#include "quell/core/internal/record_table.h"

namespace quell::reputation {
namespace {

// 20 bytes, 4-byte aligned. The key first (RecordTable keeps it there), as
// two halves so that the record needs no 8-byte alignment.
struct Record {
  uint32_t number_lo, number_hi;
  uint8_t label;
  uint8_t category;  // Category + 1; 0 none
  uint8_t score;
  uint8_t confidence;
  uint16_t reports, marks, machine;
  uint16_t updated_day;  // days since kEpoch
  uint64_t number() const { return uint64_t{number_hi} << 32 | number_lo; }
};
static_assert(sizeof(Record) == 20 && alignof(Record) == 4);

constexpr int64_t kEpoch = 1577836800;  // 2020-01-01T00:00:00Z

uint16_t Sat16(int v) { return static_cast<uint16_t>(std::clamp(v, 0, 65535)); }

Standing FromRecord(const Record& r) {
  Standing s;
  s.number = r.number();
  s.label = static_cast<Label>(r.label);
  if (r.category != 0) s.category = static_cast<Category>(r.category - 1);
  s.score = r.score;
  s.confidence = r.confidence;
  s.reports = r.reports;
  s.marks = r.marks;
  s.machine = r.machine;
  s.updated_s = kEpoch + int64_t{r.updated_day} * 86400;
  return s;
}

}  // namespace

struct ReputationTable::Impl {
  RangeRules rules;
  mutable std::shared_mutex mu;
  internal::RecordTable<Record> records;
  absl::flat_hash_map<uint64_t, uint8_t> spam_by_block;  // number / 10 -> spam numbers (≥ 2)
  std::atomic<uint64_t> listed_changes{0};

  // Recounts the spam numbers of `number`'s block of ten (ten probes, on
  // writes only). Blocks with fewer than two are not kept: every rule needs
  // at least two in a block, and random numbers rarely share one, so the
  // map stays small.
  void Recount(uint64_t number) {
    const uint64_t block = number / 10;
    int n = 0;
    for (uint64_t m = block * 10; m < block * 10 + 10; ++m) {
      const Record* r = records.Find(m);
      if (r != nullptr && IsSpam(static_cast<Label>(r->label))) ++n;
    }
    if (n >= 2) {
      spam_by_block[block] = static_cast<uint8_t>(n);
    } else {
      spam_by_block.erase(block);
    }
  }
  int SpamIn(uint64_t block) const {
    auto it = spam_by_block.find(block);
    return it == spam_by_block.end() ? 0 : it->second;
  }
};

ReputationTable::ReputationTable(RangeRules rules) : impl_(std::make_unique<Impl>()) {
  impl_->rules = rules;
}
ReputationTable::~ReputationTable() = default;

void ReputationTable::SetRules(const RangeRules& rules) {
  std::unique_lock lock(impl_->mu);
  impl_->rules = rules;
}

void ReputationTable::Put(const Standing& s) {
  if (s.number == 0) return;
  if (s.label == Label::kNone && s.reports == 0 && s.marks == 0 && s.machine == 0) {
    Erase(s.number);
    return;
  }
  std::unique_lock lock(impl_->mu);
  bool created = false;
  Record* r = impl_->records.Get(s.number, &created);
  if (r == nullptr) return;  // 2^27 numbers: the partition must be split
  const bool was_spam = !created && IsSpam(static_cast<Label>(r->label));
  const uint8_t old_label = created ? 0 : r->label, old_score = created ? 0 : r->score;
  r->label = static_cast<uint8_t>(s.label);
  r->category = s.category ? static_cast<uint8_t>(static_cast<int>(*s.category) + 1) : 0;
  r->score = static_cast<uint8_t>(std::clamp(s.score, 0, 100));
  r->confidence = static_cast<uint8_t>(std::clamp(s.confidence, 0, 100));
  r->reports = Sat16(s.reports);
  r->marks = Sat16(s.marks);
  r->machine = Sat16(s.machine);
  r->updated_day =
      static_cast<uint16_t>(std::clamp<int64_t>((s.updated_s - kEpoch) / 86400, 0, 65535));
  if (was_spam != s.spam()) impl_->Recount(s.number);
  // What a blocklist holds (labelled numbers, their label and score) changed.
  if ((old_label != 0 || r->label != 0) && (old_label != r->label || old_score != r->score)) {
    impl_->listed_changes.fetch_add(1, std::memory_order_relaxed);
  }
}

void ReputationTable::Erase(uint64_t number) {
  std::unique_lock lock(impl_->mu);
  const Record* r = impl_->records.Find(number);
  if (r == nullptr) return;
  const bool was_spam = IsSpam(static_cast<Label>(r->label));
  if (r->label != 0) impl_->listed_changes.fetch_add(1, std::memory_order_relaxed);
  impl_->records.Erase(number);
  if (was_spam) impl_->Recount(number);
}

std::optional<Standing> ReputationTable::Get(uint64_t number) const {
  std::shared_lock lock(impl_->mu);
  const Record* r = impl_->records.Find(number);
  if (r == nullptr) return std::nullopt;
  return FromRecord(*r);
}

RangeStanding ReputationTable::Range(uint64_t number) const {
  RangeStanding out;
  std::shared_lock lock(impl_->mu);
  if (impl_->spam_by_block.empty()) return out;
  const uint64_t block = number / 10;
  out.spam_in_10 = impl_->SpamIn(block);
  const uint64_t hundred = number / 100;
  for (uint64_t b = hundred * 10; b < hundred * 10 + 10; ++b) {
    const int n = impl_->SpamIn(b);
    out.spam_in_100 += n;
    if (n >= 2) ++out.blocks_in_100;
  }
  const RangeRules& rules = impl_->rules;
  if (out.spam_in_10 >= rules.min_in_10) {
    out.flagged = true;
    out.prefix = block;
    out.prefix_digits = 1;
  } else if (out.spam_in_100 >= rules.min_in_100 && out.blocks_in_100 >= rules.min_blocks_in_100) {
    out.flagged = true;
    out.prefix = hundred;
    out.prefix_digits = 2;
  }
  return out;
}

std::size_t ReputationTable::size() const {
  std::shared_lock lock(impl_->mu);
  return impl_->records.size();
}

void ReputationTable::ForEach(const std::function<void(const Standing&)>& f) const {
  std::shared_lock lock(impl_->mu);
  impl_->records.ForEach([&](const Record& r) { f(FromRecord(r)); });
}

uint64_t ReputationTable::listed_changes() const {
  return impl_->listed_changes.load(std::memory_order_relaxed);
}

std::size_t ReputationTable::MemoryBytes() const {
  std::shared_lock lock(impl_->mu);
  return impl_->records.bytes() +
         impl_->spam_by_block.capacity() * (sizeof(std::pair<uint64_t, uint8_t>) + 1);
}

}  // namespace quell::reputation
