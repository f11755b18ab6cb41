// Reputation: one explained reputation per number, from everything Quell
// knows about it — marks from phone apps, complaint reports, and the evidence
// the other domains publish (detection findings, DNC violations, failed caller
// authentication, sanctions; events/evidence.h).
//
// The model (docs/reputation.md, after PhoneBlock's published one):
//   - every item of evidence counts on the spam side (a nuisance label) or the
//     legitimate side ("not spam", or a benign label such as delivery), with a
//     weight: its source's weight × its own strength × the reliability of the
//     app user who gave it, decayed with a half-life (default 125 days);
//   - legitimate votes weigh `legit_weight` times a spam vote (default 5);
//   - score = 100 × the 95 % Wilson lower bound of the spam share S / (S + L):
//     two unanimous marks give 34, four 51, a thousand 99 — one report never
//     labels a number; confidence = the same bound for the majority side;
//   - the label is the spam side's heaviest nuisance kind once the score
//     reaches `label_score` (default 50), or the legitimate side's heaviest
//     benign label once its own bound does;
//   - one vote per app user per number (a new mark replaces the old); a user
//     whose marks went against a clear consensus counts for less;
//   - when a carrier reports that a number changed hands, evidence from before
//     stops counting.
//
// Evidence and marks live in the store; the figures of every number live in a
// ReputationTable in memory (rebuilt from the store at start-up, refreshed as
// evidence arrives and once a day for the decay), so lookups never wait on disk.
//
// Thread-safety: every member may be called from any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "quell/core/clock.h"
#include "quell/core/status.h"
#include "quell/events/evidence.h"
#include "quell/reputation/labels.h"
#include "quell/reputation/table.h"

namespace quell::store {
class Store;
}

namespace quell::reputation {

struct Weights {
  double mark = 1.0;
  double report = 1.0;   // × the reporter's reliability
  double finding = 1.0;  // × the finding's severity (1..3)
  double dnc_violation = 1.0;
  double shaken_failure = 0.25;
  double sanction = 10.0;
};

struct ReputationOptions {
  double half_life_days = 125;
  double legit_weight = 5;
  int label_score = 50;
  Weights weights;
  RangeRules ranges;
  int marks_per_user_per_day = 100;  // an app user's marks beyond this are refused
  double min_user_weight = 0.1;      // floor of an unreliable user's weight
};

// An app user's mark on a number.
struct Mark {
  uint64_t number = 0;  // compact E.164
  int64_t app_org_id = 0;
  std::string user;                  // the app's pseudonymous user id (1..128 bytes)
  Label label = Label::kNone;        // kNone = "not spam" without a label
  std::optional<Category> category;  // for marketing
  TimePoint at;
};

struct MarkResult {
  bool replaced = false;  // the user had marked the number before
  double weight = 1;      // the user's weight as this mark counts
  Standing standing;      // the number after the mark
};

// One item of evidence behind a number, for people (GET .../evidence).
struct EvidenceItem {
  std::string source;  // "mark", "report", "finding", "dnc_violation", ...
  Label label = Label::kNone;
  std::optional<Category> category;
  bool legit = false;
  double weight = 0;  // as it counts now (decayed)
  TimePoint at;
  std::string ref;
  std::string detail;
};

// A lookup's answer: the number's own standing (if any) and its range's.
struct Lookup {
  std::optional<Standing> own;
  RangeStanding range;
};

// Pure scoring, exposed for tests and documentation: items with their
// undecayed weights (legit weights already × legit_weight) at their times.
struct ScoredItem {
  Label label = Label::kNone;
  std::optional<Category> category;
  bool legit = false;
  double weight = 0;
  int64_t at_s = 0;
};
struct Score {
  double spam = 0, legit = 0;  // decayed sums
  int score = 0, confidence = 0;
  Label label = Label::kNone;
  std::optional<Category> category;
};
Score ComputeScore(const std::vector<ScoredItem>& items, int64_t now_s,
                   const ReputationOptions& options);
// The one-sided 95 % Wilson lower bound of k successes in n trials (n may be fractional).
double WilsonLower(double k, double n);

// A labelled number found by the hash of its E.164 form (privacy-preserving
// lookups: the app sends only the first hex digits of the SHA-256).
struct HashMatch {
  std::string sha256_hex;  // of "+8613800138000"
  Standing standing;
};
// The SHA-256 of a compact number's E.164 form, in lowercase hex.
std::string NumberHash(uint64_t number);

struct ReputationStats {
  std::size_t numbers = 0;       // in the table
  std::size_t memory_bytes = 0;  // the table's
  int64_t evidence = 0;          // evidence records received since start
  int64_t evidence_dropped = 0;  // ... dropped because the queue was full
  int64_t marks = 0;             // marks accepted since start
};

class Reputation : public events::EvidenceSink {
 public:
  // Migrates the schema, loads every number's standing, starts the evidence
  // writer. `store` and `clock` must outlive it.
  static Result<std::unique_ptr<Reputation>> Open(store::Store& store, Clock& clock,
                                                  ReputationOptions options);
  ~Reputation() override = default;

  // Publish (events::EvidenceSink): evidence from other domains is queued; a
  // background thread stores it (one row per source and ref: an update
  // replaces) and rescores the number.
  // Waits until everything published so far is applied; the last write error.
  virtual Status Flush() = 0;

  // InvalidArgument (bad user or number), ResourceExhausted (the user's daily
  // marks are used up).
  virtual Result<MarkResult> AddMark(const Mark& mark) = 0;
  // Memory only.
  virtual Lookup Find(uint64_t number) const = 0;
  // Every labelled number whose NumberHash starts with `hex_prefix` (4 or 5
  // hex digits: one in 65,536 or 1,048,576 of all numbers — k-anonymity for
  // the asker). InvalidArgument for another prefix. Memory only.
  virtual Result<std::vector<HashMatch>> ByHashPrefix(std::string_view hex_prefix) const = 0;
  // Newest first, at most `limit`, with their current weights.
  virtual Result<std::vector<EvidenceItem>> EvidenceOf(uint64_t number, int limit) = 0;
  // The number changed hands at `at`: evidence and marks from before, and from
  // that very millisecond, stop counting. Returns the new standing. (Clearing
  // a number on appeal does the same: appeals.h.)
  virtual Result<std::optional<Standing>> Reassign(uint64_t number, TimePoint at) = 0;
  // Rescores every number (decay moves scores without new evidence); the
  // server runs it daily. Returns the numbers rescored.
  virtual Result<int64_t> RescoreAll() = 0;
  virtual const ReputationTable& table() const = 0;
  virtual void Reconfigure(const ReputationOptions& options) = 0;
  virtual ReputationStats stats() const = 0;
};

// Evidence written straight to the store, without the in-memory table or its
// load: for offline tools (`quell ingest` stores its detection findings as
// evidence). A running server's reputation picks the rows up at its daily
// rescore, or at its next start.
class EvidenceRecorder : public events::EvidenceSink {
 public:
  // Migrates the reputation schema. `store` and `clock` must outlive it.
  static Result<std::unique_ptr<EvidenceRecorder>> Open(store::Store& store, Clock& clock);
  ~EvidenceRecorder() override = default;
  // Publish merges what arrives under one (source, ref) — a finding republished
  // as it grows — as the store's upsert would, and writes synchronously every
  // 8,192 distinct rows (one transaction); Flush writes the rest and returns the
  // first write error since the start, if any. written(): rows written.
  virtual Status Flush() = 0;
  virtual int64_t written() const = 0;
};

}  // namespace quell::reputation
