// The SQLite backend of Store: transactions, migrations, backup, and Store::Open.
#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <utility>

#include "quell/core/clock.h"
#include "quell/core/status.h"
#include "quell/store/internal/sqlite_connection.h"
#include "quell/store/store.h"

namespace quell::store {
namespace {

using internal::Connection;
using internal::FormatMillis;
using internal::QuoteSql;
using internal::ReaderPool;
using std::chrono::milliseconds;
using SteadyClock = std::chrono::steady_clock;

class SqliteTransaction final : public Transaction {
 public:
  // A write transaction on the writer, which `lock` guards.
  SqliteTransaction(Connection* writer, std::unique_lock<std::timed_mutex> lock,
                    std::atomic<std::thread::id>* writer_thread)
      : conn_(writer), write_lock_(std::move(lock)), writer_thread_(writer_thread) {}
  // A read transaction on a leased read connection.
  explicit SqliteTransaction(ReaderPool::Lease lease)
      : conn_(lease.get()), lease_(std::move(lease)), read_only_(true) {}

  ~SqliteTransaction() override { Finish(); }

  Result<int64_t> Exec(std::string_view sql, const Params& params) override {
    QUELL_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, Prepare(sql));
    return Track(conn_->Run(stmt, sql, params, nullptr));
  }

  Result<QueryResult> Query(std::string_view sql, const Params& params) override {
    QUELL_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, Prepare(sql));
    QueryResult result;
    auto run = Track(conn_->Run(stmt, sql, params, &result));
    if (!run.has_value()) return run.status();
    return result;
  }

  Status Commit() override {
    if (Status usable = Usable(); !usable.ok()) {
      Finish();
      return usable;
    }
    auto committed = conn_->Run("COMMIT");
    Finish();
    if (!committed.has_value()) {
      return committed.status().WithContext("commit failed and the transaction was rolled back");
    }
    return {};
  }

  Status RunScript(std::string_view sql) {
    QUELL_RETURN_IF_ERROR(Usable());
    Status status = conn_->RunScript(sql);
    if (!status.ok()) Fail(status);
    return status;
  }

 private:
  enum class State { kOpen, kFailed, kDone };

  Status Usable() const {
    if (state_ == State::kDone) return FailedPrecondition("the transaction has already ended");
    if (state_ == State::kFailed) {
      // PostgreSQL aborts a transaction at its first error; mirroring that keeps
      // code written against SQLite correct on PostgreSQL.
      return FailedPrecondition("the transaction was aborted by an earlier error (" +
                                failure_.ToString() + ")");
    }
    return {};
  }

  Result<sqlite3_stmt*> Prepare(std::string_view sql) {
    QUELL_RETURN_IF_ERROR(Usable());
    auto stmt = Track(conn_->Prepare(sql));
    if (stmt.has_value() && read_only_ && !sqlite3_stmt_readonly(*stmt)) {
      return Track(Result<sqlite3_stmt*>(FailedPrecondition(
          "a read transaction cannot run a writing statement: " + QuoteSql(sql))));
    }
    return stmt;
  }

  void Fail(const Status& status) {
    if (state_ != State::kOpen) return;
    state_ = State::kFailed;
    failure_ = status;
  }

  template <typename T>
  Result<T> Track(Result<T> result) {
    if (!result.has_value()) Fail(result.status());
    return result;
  }

  // Rolls back unless committed and gives the connection back at once, so a spent
  // transaction object holds no lock.
  void Finish() {
    if (state_ == State::kDone) return;
    state_ = State::kDone;
    if (conn_->InTransaction()) (void)conn_->Run("ROLLBACK");
    if (writer_thread_ != nullptr) writer_thread_->store(std::thread::id());
    if (write_lock_.owns_lock()) write_lock_.unlock();
    lease_.reset();
  }

  Connection* conn_;
  std::unique_lock<std::timed_mutex> write_lock_;
  std::atomic<std::thread::id>* writer_thread_ = nullptr;
  std::optional<ReaderPool::Lease> lease_;
  bool read_only_ = false;
  State state_ = State::kOpen;
  Status failure_;
};

class SqliteStore final : public Store {
 public:
  explicit SqliteStore(const Options& options) : options_(options), readers_(options) {}

  Status Init() {
    QUELL_ASSIGN_OR_RETURN(writer_, Connection::Open(options_, Connection::Role::kWriter));
    QUELL_ASSIGN_OR_RETURN(auto tx, BeginWrite());
    QUELL_RETURN_IF_ERROR(
        tx->RunScript("CREATE TABLE IF NOT EXISTS schema_migrations ("
                      "module TEXT NOT NULL, version INTEGER NOT NULL, description TEXT NOT NULL, "
                      "applied_at INTEGER NOT NULL, PRIMARY KEY (module, version))"));
    return tx->Commit();
  }

  Result<std::unique_ptr<Transaction>> Begin(Mode mode) override {
    if (mode == Mode::kWrite) {
      QUELL_ASSIGN_OR_RETURN(auto tx, BeginWrite());
      return std::unique_ptr<Transaction>(std::move(tx));
    }
    QUELL_ASSIGN_OR_RETURN(auto lease, readers_.Acquire());
    // A deferred BEGIN takes its snapshot at the first read; reading here pins it
    // to the moment Begin returns.
    QUELL_RETURN_IF_ERROR(lease->Run("BEGIN").status());
    auto pin = lease->Run("SELECT count(*) FROM sqlite_schema");
    if (!pin.has_value()) return pin.status();
    return std::unique_ptr<Transaction>(new SqliteTransaction(std::move(lease)));
  }

  Result<int64_t> Exec(std::string_view sql, const Params& params) override {
    QUELL_ASSIGN_OR_RETURN(auto tx, BeginWrite());
    QUELL_ASSIGN_OR_RETURN(int64_t changed, tx->Exec(sql, params));
    QUELL_RETURN_IF_ERROR(tx->Commit());
    return changed;
  }

  Result<QueryResult> Query(std::string_view sql, const Params& params) override {
    {
      QUELL_ASSIGN_OR_RETURN(auto lease, readers_.Acquire());
      QUELL_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, lease->Prepare(sql));
      if (sqlite3_stmt_readonly(stmt)) {
        QueryResult result;
        QUELL_RETURN_IF_ERROR(lease->Run(stmt, sql, params, &result).status());
        return result;
      }
    }
    // INSERT ... RETURNING and the like write, so they run on the writer.
    QUELL_ASSIGN_OR_RETURN(auto tx, BeginWrite());
    QUELL_ASSIGN_OR_RETURN(QueryResult result, tx->Query(sql, params));
    QUELL_RETURN_IF_ERROR(tx->Commit());
    return result;
  }

  Status Migrate(std::string_view module, std::span<const Migration> migrations) override;
  Result<int> SchemaVersion(std::string_view module) override;
  Status Backup(const std::string& dest_path) override;
  std::string_view backend() const override { return "sqlite"; }

 private:
  Result<std::unique_ptr<SqliteTransaction>> BeginWrite();

  const Options options_;
  // Serialises this process's writers; SQLite's lock serialises them with other
  // processes. Held for the whole of a write transaction.
  std::timed_mutex writer_mu_;
  // The thread holding writer_mu_, so that a thread beginning a second write
  // transaction gets an error instead of waiting for itself.
  std::atomic<std::thread::id> writer_thread_;
  std::unique_ptr<Connection> writer_;  // used only while holding writer_mu_
  ReaderPool readers_;
};

Result<std::unique_ptr<SqliteTransaction>> SqliteStore::BeginWrite() {
  if (writer_thread_.load() == std::this_thread::get_id()) {
    return FailedPrecondition(
        "this thread already holds a write transaction on the store; end it before beginning "
        "another");
  }
  const auto deadline = SteadyClock::now() + options_.busy_timeout;
  std::unique_lock lock(writer_mu_, std::defer_lock);
  if (!lock.try_lock_until(deadline)) {
    return Unavailable(
        "another write transaction in this process held the store for longer "
        "than the busy timeout of " +
        FormatMillis(options_.busy_timeout));
  }
  // The wait for the lock counts against the busy timeout too.
  const auto left = std::chrono::duration_cast<milliseconds>(deadline - SteadyClock::now());
  writer_->SetBusyTimeout(std::max(left, milliseconds(0)));
  auto begun = writer_->Run("BEGIN IMMEDIATE");
  writer_->SetBusyTimeout(options_.busy_timeout);
  if (!begun.has_value()) return begun.status();
  writer_thread_.store(std::this_thread::get_id());
  return std::make_unique<SqliteTransaction>(writer_.get(), std::move(lock), &writer_thread_);
}

constexpr std::string_view kRecordedVersion =
    "SELECT COALESCE(MAX(version), 0) FROM schema_migrations WHERE module = $1";

Status SqliteStore::Migrate(std::string_view module, std::span<const Migration> migrations) {
  const std::string name(module);
  for (std::size_t i = 0; i < migrations.size(); ++i) {
    if (migrations[i].version != static_cast<int>(i) + 1) {
      return InvalidArgument("migrations of module '" + name +
                             "' must be numbered 1, 2, 3, ...; entry " + std::to_string(i + 1) +
                             " has version " + std::to_string(migrations[i].version));
    }
  }
  const int newest = static_cast<int>(migrations.size());
  // One transaction per migration, the recorded version read inside it, so that two
  // processes migrating at once apply each step exactly once.
  for (;;) {
    QUELL_ASSIGN_OR_RETURN(auto tx, BeginWrite());
    QUELL_ASSIGN_OR_RETURN(QueryResult recorded, tx->Query(kRecordedVersion, {name}));
    const int current = static_cast<int>(recorded.rows[0].Int(0));
    if (current > newest) {
      return FailedPrecondition("the store holds schema version " + std::to_string(current) +
                                " of module '" + name + "', newer than the newest this build " +
                                "knows (" + std::to_string(newest) +
                                "); refusing to downgrade: run a newer Quell or restore a backup");
    }
    if (current == newest) return {};
    const Migration& m = migrations[current];
    Status status = tx->RunScript(m.sql);
    if (status.ok()) {
      status = tx->Exec(
                     "INSERT INTO schema_migrations (module, version, description, applied_at) "
                     "VALUES ($1, $2, $3, $4)",
                     {name, m.version, m.description, ToUnixMillis(Clock::Real().Now())})
                   .status();
    }
    if (status.ok()) status = tx->Commit();
    if (!status.ok()) {
      return status.WithContext("migration " + std::to_string(m.version) + " of module '" + name +
                                "' (" + std::string(m.description) + ")");
    }
  }
}

Result<int> SqliteStore::SchemaVersion(std::string_view module) {
  QUELL_ASSIGN_OR_RETURN(QueryResult r, Query(kRecordedVersion, {module}));
  return static_cast<int>(r.rows[0].Int(0));
}

Status SqliteStore::Backup(const std::string& dest_path) {
  namespace fs = std::filesystem;
  std::error_code ec, ec2;
  const fs::path dest_abs = fs::weakly_canonical(dest_path, ec);
  const fs::path self_abs = fs::weakly_canonical(options_.path, ec2);
  if (!ec && !ec2 && dest_abs == self_abs) {
    return InvalidArgument("backup destination '" + dest_path + "' is the store itself");
  }
  // Written beside the destination and renamed into place, so a backup file that
  // exists is always whole.
  const std::string partial = dest_path + ".partial";
  fs::remove(partial, ec);
  QUELL_ASSIGN_OR_RETURN(auto source, readers_.Acquire());
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(
      partial.c_str(), &raw,
      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE,
      nullptr);
  std::unique_ptr<sqlite3, int (*)(sqlite3*)> dest(raw, &sqlite3_close_v2);
  if (rc != SQLITE_OK) {
    return Internal("cannot create backup file '" + partial +
                    "': " + (raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
  }
  sqlite3_backup* backup = sqlite3_backup_init(dest.get(), "main", source->db(), "main");
  if (backup == nullptr) {
    return Internal("cannot start backup: " + std::string(sqlite3_errmsg(raw)));
  }
  // One step copies everything under a single read snapshot: consistent, and in
  // WAL mode writers carry on meanwhile.
  rc = sqlite3_backup_step(backup, -1);
  const int finished = sqlite3_backup_finish(backup);
  if (rc != SQLITE_DONE || finished != SQLITE_OK) {
    const int code = rc != SQLITE_DONE ? rc : finished;
    const std::string message = "backup to '" + dest_path + "' failed: " + sqlite3_errstr(code);
    dest.reset();
    fs::remove(partial, ec);
    return (code & 0xff) == SQLITE_BUSY ? Unavailable(message) : Internal(message);
  }
  dest.reset();
  fs::rename(partial, dest_path, ec);
  if (ec) {
    return Internal("cannot move backup into place at '" + dest_path + "': " + ec.message());
  }
  return {};
}

}  // namespace

Result<std::unique_ptr<Store>> Store::Open(const Options& options) {
  if (options.path.empty()) return InvalidArgument("store path is empty");
  if (options.synchronous != "full" && options.synchronous != "normal") {
    return InvalidArgument("store synchronous must be \"full\" or \"normal\", not \"" +
                           options.synchronous + "\"");
  }
  if (options.read_connections < 1) {
    return InvalidArgument("store read_connections must be at least 1");
  }
  if (options.busy_timeout.count() < 0) return InvalidArgument("store busy_timeout is negative");
  const std::filesystem::path dir = std::filesystem::path(options.path).parent_path();
  std::error_code ec;
  if (!dir.empty() && !std::filesystem::is_directory(dir, ec)) {
    return NotFound("the directory of store '" + options.path + "' ('" + dir.string() +
                    "') does not exist; create it first");
  }
  auto store = std::make_unique<SqliteStore>(options);
  QUELL_RETURN_IF_ERROR(store->Init());
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace quell::store
