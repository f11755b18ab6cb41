#include "quell/reputation/blocklist_store.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <limits>
#include <mutex>
#include <optional>
#include <vector>

#include "quell/core/metrics.h"
#include "quell/store/store.h"

namespace quell::reputation {
namespace {

constexpr std::string_view kSchemaModule = "blocklist";

constexpr std::string_view kV1 = R"sql(
CREATE TABLE rep_blocklist_versions (
  version INTEGER PRIMARY KEY,
  built_at INTEGER NOT NULL,
  entries INTEGER NOT NULL,
  changed INTEGER NOT NULL,
  removed INTEGER NOT NULL
);
CREATE TABLE rep_blocklist_changes (
  version INTEGER NOT NULL,
  number INTEGER NOT NULL,
  label INTEGER NOT NULL,
  score INTEGER NOT NULL,
  removed INTEGER NOT NULL,
  PRIMARY KEY (number, version)
);
CREATE INDEX rep_blocklist_changes_by_version ON rep_blocklist_changes (version);
)sql";

constexpr std::string_view kV1Postgres = R"sql(
CREATE TABLE rep_blocklist_versions (
  version BIGINT PRIMARY KEY,
  built_at BIGINT NOT NULL,
  entries BIGINT NOT NULL,
  changed BIGINT NOT NULL,
  removed BIGINT NOT NULL
);
CREATE TABLE rep_blocklist_changes (
  version BIGINT NOT NULL,
  number BIGINT NOT NULL,
  label INTEGER NOT NULL,
  score INTEGER NOT NULL,
  removed INTEGER NOT NULL,
  PRIMARY KEY (number, version)
);
CREATE INDEX rep_blocklist_changes_by_version ON rep_blocklist_changes (version);
)sql";

constexpr std::array<store::Migration, 1> kMigrations = {{
    {1, "blocklist versions and their changes", kV1, kV1Postgres},
}};

constexpr int64_t kPage = 50000;
constexpr std::size_t kInsertBatch = 20000;

// A number's state at some version: listed with label and score, or not.
struct State {
  bool listed = false;
  uint8_t label = 0;
  uint8_t score = 0;
  bool operator==(const State&) const = default;
};

class BlocklistStoreImpl final : public BlocklistStore {
 public:
  BlocklistStoreImpl(store::Store& store, Clock& clock, const ReputationTable& table,
                     BlocklistOptions options, BlocklistKey key)
      : store_(store),
        clock_(clock),
        table_(table),
        options_(std::move(options)),
        key_(std::move(key)),
        versions_(
            metrics::GetCounter("quell_blocklist_versions_total", "Blocklist versions built")) {}

  // The current list: the fold of every recorded change, paged by number.
  Status Load() {
    QUELL_ASSIGN_OR_RETURN(auto v, store_.Query("SELECT version, built_at, entries FROM "
                                                "rep_blocklist_versions ORDER BY version DESC "
                                                "LIMIT 1"));
    if (v.empty()) return Status::Ok();
    const uint64_t version = static_cast<uint64_t>(v.rows[0].Int(0));
    std::vector<BlocklistEntry> list;
    list.reserve(static_cast<std::size_t>(v.rows[0].Int(2)));
    int64_t lo = 0;
    for (;;) {
      QUELL_ASSIGN_OR_RETURN(auto bound, store_.Query("SELECT number FROM rep_blocklist_changes "
                                                      "WHERE number > $1 ORDER BY number LIMIT 1 "
                                                      "OFFSET $2",
                                                      {lo, kPage}));
      const int64_t hi = bound.empty() ? std::numeric_limits<int64_t>::max() : bound.rows[0].Int(0);
      QUELL_ASSIGN_OR_RETURN(auto rows, store_.Query("SELECT number, label, score, removed FROM "
                                                     "rep_blocklist_changes WHERE number > $1 "
                                                     "AND number <= $2 ORDER BY number, version",
                                                     {lo, hi}));
      for (std::size_t i = 0; i < rows.rows.size(); ++i) {
        const auto& row = rows.rows[i];
        const bool last_of_number =
            i + 1 == rows.rows.size() || rows.rows[i + 1].Int(0) != row.Int(0);
        if (last_of_number && row.Int(3) == 0) {
          list.push_back({static_cast<uint64_t>(row.Int(0)), static_cast<uint8_t>(row.Int(1)),
                          static_cast<uint8_t>(row.Int(2))});
        }
      }
      if (hi == std::numeric_limits<int64_t>::max()) break;
      lo = hi;
    }
    return Publish(version, v.rows[0].Int(1), list);
  }

  Result<uint64_t> Build() override {
    std::lock_guard build(build_mu_);
    // Reading, sorting and diffing 10^7 numbers takes seconds: skipped when no
    // labelled number changed since the last build (the counter is read before
    // the table, so a change during the read is seen by the next build).
    const uint64_t changes = table_.listed_changes();
    if (built_once_ && changes == built_changes_) {
      std::lock_guard lock(mu_);
      return version_;
    }
    std::vector<BlocklistEntry> next;
    next.reserve(table_.size());
    table_.ForEach([&](const Standing& s) {
      if (s.label != Label::kNone) {
        next.push_back({s.number, static_cast<uint8_t>(s.label),
                        static_cast<uint8_t>(std::clamp(s.score, 0, 100))});
      }
    });
    std::sort(next.begin(), next.end(),
              [](const BlocklistEntry& a, const BlocklistEntry& b) { return a.number < b.number; });
    std::shared_ptr<const std::string> current;
    uint64_t version;
    {
      std::lock_guard lock(mu_);
      current = full_;
      version = version_;
    }
    std::vector<BlocklistEntry> previous;
    if (current) {
      QUELL_ASSIGN_OR_RETURN(Blocklist decoded, Decode(*current, key_.public_key()));
      previous = std::move(decoded.entries);
    }
    std::vector<BlocklistEntry> changed;
    std::vector<uint64_t> removed;
    Diff(previous, next, changed, removed);
    if (changed.empty() && removed.empty()) {
      built_once_ = true;
      built_changes_ = changes;
      return version;
    }

    const uint64_t next_version = version + 1;
    const int64_t now_s = ToUnixMillis(clock_.Now()) / 1000;
    QUELL_RETURN_IF_ERROR(Record(next_version, now_s, next.size(), changed, removed));
    QUELL_RETURN_IF_ERROR(Publish(next_version, now_s, next));
    built_once_ = true;
    built_changes_ = changes;
    versions_.Inc();
    if (Status s = Prune(now_s); !s.ok()) spdlog::warn("blocklist: pruning: {}", s.message());
    return next_version;
  }

  Result<BlocklistFile> Full() override {
    std::lock_guard lock(mu_);
    if (!full_) return NotFound("no blocklist has been built yet");
    return BlocklistFile{.version = version_, .entries = entries_, .bytes = full_};
  }

  Result<BlocklistFile> Delta(uint64_t since) override {
    uint64_t version, oldest;
    {
      std::lock_guard lock(mu_);
      version = version_;
      oldest = oldest_base_;
    }
    if (since == 0 || since > version || since < oldest) {
      return FailedPrecondition("no delta from version " + std::to_string(since) +
                                " (deltas are kept from version " + std::to_string(oldest) +
                                " to " + std::to_string(version) + "): take the full list");
    }
    if (since == version) return BlocklistFile{.version = version, .base_version = since};
    {
      std::lock_guard lock(mu_);
      for (const auto& d : deltas_) {
        if (d.base_version == since && d.version == version) return d;
      }
    }
    // Every change of every number touched after `since`, with its history.
    QUELL_ASSIGN_OR_RETURN(
        auto rows, store_.Query("SELECT number, version, label, score, removed FROM "
                                "rep_blocklist_changes WHERE number IN (SELECT number FROM "
                                "rep_blocklist_changes WHERE version > $1) AND version <= $2 "
                                "ORDER BY number, version",
                                {since, version}));
    std::vector<BlocklistEntry> changed;
    std::vector<uint64_t> removed;
    for (std::size_t i = 0; i < rows.rows.size();) {
      const int64_t number = rows.rows[i].Int(0);
      State then, now;
      for (; i < rows.rows.size() && rows.rows[i].Int(0) == number; ++i) {
        const auto& row = rows.rows[i];
        const State s{row.Int(4) == 0, static_cast<uint8_t>(row.Int(2)),
                      static_cast<uint8_t>(row.Int(3))};
        if (static_cast<uint64_t>(row.Int(1)) <= since) then = s;
        now = s;
      }
      if (now == then) continue;
      if (now.listed) {
        changed.push_back({static_cast<uint64_t>(number), now.label, now.score});
      } else if (then.listed) {
        removed.push_back(static_cast<uint64_t>(number));
      }
    }
    const int64_t now_s = ToUnixMillis(clock_.Now()) / 1000;
    QUELL_ASSIGN_OR_RETURN(
        std::string bytes,
        EncodeDelta({.version = version, .base_version = since, .built_at_s = now_s}, changed,
                    removed, key_));
    BlocklistFile file{.version = version,
                       .base_version = since,
                       .entries = static_cast<int64_t>(changed.size()),
                       .removed = static_cast<int64_t>(removed.size()),
                       .bytes = std::make_shared<const std::string>(std::move(bytes))};
    std::lock_guard lock(mu_);
    if (version_ == version) {
      // Apps ask for the same few deltas: keep the latest of each base.
      if (deltas_.size() >= kDeltaCache) deltas_.erase(deltas_.begin());
      deltas_.push_back(file);
    }
    return file;
  }

  const BlocklistKey& key() const override { return key_; }

  BlocklistStats stats() const override {
    std::lock_guard lock(mu_);
    return {.version = version_,
            .built_at_s = built_at_s_,
            .entries = entries_,
            .oldest_delta_base = oldest_base_,
            .full_bytes = full_ ? static_cast<int64_t>(full_->size()) : 0};
  }

  Status LoadOldest() {
    QUELL_ASSIGN_OR_RETURN(auto r, store_.Query("SELECT MIN(version) FROM rep_blocklist_versions"));
    std::lock_guard lock(mu_);
    oldest_base_ = r.empty() || r.rows[0].IsNull(0) ? 0 : static_cast<uint64_t>(r.rows[0].Int(0));
    return Status::Ok();
  }

 private:
  static constexpr std::size_t kDeltaCache = 8;

  Status Record(uint64_t version, int64_t now_s, std::size_t entries,
                const std::vector<BlocklistEntry>& changed, const std::vector<uint64_t>& removed) {
    QUELL_ASSIGN_OR_RETURN(auto tx, store_.Begin());
    QUELL_RETURN_IF_ERROR(
        tx->Exec("INSERT INTO rep_blocklist_versions (version, built_at, entries, changed, "
                 "removed) VALUES ($1, $2, $3, $4, $5)",
                 {version, now_s, entries, changed.size(), removed.size()})
            .status());
    // Multi-row inserts: one statement per kInsertBatch / 64 rows.
    auto insert = [&](const std::vector<store::Params>& rows) -> Status {
      for (std::size_t i = 0; i < rows.size(); i += 64) {
        const std::size_t n = std::min<std::size_t>(64, rows.size() - i);
        std::string sql =
            "INSERT INTO rep_blocklist_changes (version, number, label, score, removed) VALUES ";
        store::Params params;
        for (std::size_t j = 0; j < n; ++j) {
          const std::size_t b = params.size();
          sql += (j ? ", (" : "(") + Param(b + 1) + ", " + Param(b + 2) + ", " + Param(b + 3) +
                 ", " + Param(b + 4) + ", " + Param(b + 5) + ")";
          params.insert(params.end(), rows[i + j].begin(), rows[i + j].end());
        }
        QUELL_RETURN_IF_ERROR(tx->Exec(sql, params).status());
      }
      return Status::Ok();
    };
    std::vector<store::Params> rows;
    rows.reserve(kInsertBatch);
    auto flush = [&]() -> Status {
      QUELL_RETURN_IF_ERROR(insert(rows));
      rows.clear();
      return Status::Ok();
    };
    for (const BlocklistEntry& e : changed) {
      rows.push_back({version, e.number, int64_t{e.label}, int64_t{e.score}, 0});
      if (rows.size() == kInsertBatch) QUELL_RETURN_IF_ERROR(flush());
    }
    for (uint64_t n : removed) {
      rows.push_back({version, n, 0, 0, 1});
      if (rows.size() == kInsertBatch) QUELL_RETURN_IF_ERROR(flush());
    }
    QUELL_RETURN_IF_ERROR(flush());
    return tx->Commit();
  }

  static std::string Param(std::size_t i) { return "$" + std::to_string(i); }

  // Signs the full file of `list` at `version` and makes it current.
  Status Publish(uint64_t version, int64_t built_at_s, const std::vector<BlocklistEntry>& list) {
    QUELL_ASSIGN_OR_RETURN(std::string bytes,
                           EncodeFull({.version = version, .built_at_s = built_at_s}, list, key_));
    std::lock_guard lock(mu_);
    full_ = std::make_shared<const std::string>(std::move(bytes));
    version_ = version;
    built_at_s_ = built_at_s;
    entries_ = static_cast<int64_t>(list.size());
    deltas_.clear();
    if (oldest_base_ == 0) oldest_base_ = version;
    return Status::Ok();
  }

  // Drops the versions older than the retention, folding their changes: a
  // number keeps its latest change at or before the new oldest version (its
  // state there), unless that change removed it.
  Status Prune(int64_t now_s) {
    const int64_t cutoff = now_s - int64_t{options_.retention_days} * 86400;
    QUELL_ASSIGN_OR_RETURN(auto r, store_.Query("SELECT MIN(version) FROM rep_blocklist_versions "
                                                "WHERE built_at >= $1",
                                                {cutoff}));
    if (r.empty() || r.rows[0].IsNull(0)) return Status::Ok();
    const int64_t oldest = r.rows[0].Int(0);
    QUELL_ASSIGN_OR_RETURN(auto tx, store_.Begin());
    QUELL_RETURN_IF_ERROR(
        tx->Exec("DELETE FROM rep_blocklist_changes WHERE version < $1 AND EXISTS (SELECT 1 FROM "
                 "rep_blocklist_changes later WHERE later.number = rep_blocklist_changes.number "
                 "AND later.version > rep_blocklist_changes.version AND later.version <= $1)",
                 {oldest})
            .status());
    QUELL_RETURN_IF_ERROR(
        tx->Exec("DELETE FROM rep_blocklist_changes WHERE version < $1 AND removed = 1", {oldest})
            .status());
    QUELL_RETURN_IF_ERROR(
        tx->Exec("DELETE FROM rep_blocklist_versions WHERE version < $1", {oldest}).status());
    QUELL_RETURN_IF_ERROR(tx->Commit());
    std::lock_guard lock(mu_);
    oldest_base_ = static_cast<uint64_t>(oldest);
    return Status::Ok();
  }

  store::Store& store_;
  Clock& clock_;
  const ReputationTable& table_;
  const BlocklistOptions options_;
  const BlocklistKey key_;
  metrics::Counter versions_;
  std::mutex build_mu_;
  bool built_once_ = false;     // guarded by build_mu_
  uint64_t built_changes_ = 0;  // table_.listed_changes() at the last build; by build_mu_
  mutable std::mutex mu_;
  std::shared_ptr<const std::string> full_;
  uint64_t version_ = 0;
  int64_t built_at_s_ = 0;
  int64_t entries_ = 0;
  uint64_t oldest_base_ = 0;
  std::vector<BlocklistFile> deltas_;
};

}  // namespace

Result<std::unique_ptr<BlocklistStore>> BlocklistStore::Open(store::Store& store, Clock& clock,
                                                             const ReputationTable& table,
                                                             BlocklistOptions options) {
  if (options.key_path.empty()) return InvalidArgument("blocklist: no key file path");
  if (options.retention_days < 1) return InvalidArgument("blocklist: retention_days ≥ 1");
  QUELL_RETURN_IF_ERROR(store.Migrate(kSchemaModule, kMigrations));
  QUELL_ASSIGN_OR_RETURN(BlocklistKey key, BlocklistKey::LoadOrCreate(options.key_path));
  auto impl =
      std::make_unique<BlocklistStoreImpl>(store, clock, table, std::move(options), std::move(key));
  QUELL_RETURN_IF_ERROR(impl->LoadOldest());
  QUELL_RETURN_IF_ERROR(impl->Load());
  return std::unique_ptr<BlocklistStore>(std::move(impl));
}

}  // namespace quell::reputation
