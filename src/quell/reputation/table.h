// ReputationTable: every scored number's reputation in memory — what a lookup,
// the screening pipeline and the blocklist read, without touching the store.
// 20 bytes per number plus the hash index (docs/reputation.md "Memory"); the
// store holds the evidence the figures come from (reputation.h).
//
// Ranges: the table also counts, per block of ten numbers (the number without
// its last digit) holding at least two, how many numbers carry a spam label,
// so that a number nobody has reported yet can still be answered "in a
// heavily abused range".
//
// Thread-safety: every member may be called from any thread (a shared lock for
// readers, an exclusive one for writers).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>

#include "quell/core/vocabulary.h"
#include "quell/reputation/labels.h"

namespace quell::reputation {

// One number's reputation, as computed from its evidence (reputation.h).
struct Standing {
  uint64_t number = 0;
  Label label = Label::kNone;
  std::optional<Category> category;  // of a marketing label
  int score = 0;                     // 0..100: Wilson lower bound of the spam share, ×100
  int confidence = 0;                // 0..100: the same bound for the majority side
  int reports = 0;                   // complaint reports counted (saturating at 65535)
  int marks = 0;                     // app marks counted
  int machine = 0;                   // findings, DNC violations, SHAKEN failures, sanctions
  int64_t updated_s = 0;             // day of the latest evidence (Unix seconds, UTC midnight)
  bool spam() const { return IsSpam(label); }
};

// The abuse around a number: its block of ten and block of a hundred.
struct RangeStanding {
  // Spam-labelled numbers in the number's block of ten, and in its hundred,
  // counting only blocks of ten that hold at least two.
  int spam_in_10 = 0;
  int spam_in_100 = 0;
  int blocks_in_100 = 0;  // blocks of ten in the hundred with ≥ 2 of them
  bool flagged = false;   // the range passes the thresholds (RangeRules)
  uint64_t prefix = 0;    // the flagged block as a compact prefix (number / 10 or / 100)
  int prefix_digits = 0;  // 1 (a block of ten) or 2 (a hundred): digits dropped
};

// PhoneBlock's published range rules (docs/reputation.md "Ranges").
struct RangeRules {
  int min_in_10 = 4;          // a block of ten with this many spam numbers is flagged
  int min_in_100 = 8;         // a hundred: this many spam numbers ...
  int min_blocks_in_100 = 4;  // ... spread over this many blocks of ten with ≥ 2 each
};

class ReputationTable {
 public:
  explicit ReputationTable(RangeRules rules = {});
  ~ReputationTable();
  ReputationTable(const ReputationTable&) = delete;
  ReputationTable& operator=(const ReputationTable&) = delete;

  // New range rules apply to the next Range call.
  void SetRules(const RangeRules& rules);
  // Sets a number's standing (label kNone with no counts erases it).
  void Put(const Standing& s);
  void Erase(uint64_t number);
  std::optional<Standing> Get(uint64_t number) const;
  RangeStanding Range(uint64_t number) const;
  std::size_t size() const;
  // Calls f for every standing, in no order, under the shared lock (f must not
  // call back into the table).
  void ForEach(const std::function<void(const Standing&)>& f) const;
  // Counts changes to what a blocklist holds — a labelled number added,
  // relabelled, rescored or removed — so a builder can tell nothing changed
  // without reading the table.
  uint64_t listed_changes() const;
  // Bytes the table holds (records, index and range counts).
  std::size_t MemoryBytes() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace quell::reputation
