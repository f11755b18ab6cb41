// Store: Quell's durable store, behind one interface that SQLite (the embedded
// default) implements now and PostgreSQL (scale-out) can implement later without
// touching callers.
//
// The interface is SQL in the portable subset of both engines:
//   - parameters are written $1, $2, ... (PostgreSQL's form; the SQLite backend
//     binds them by name), never interpolated into the text;
//   - INSERT ... RETURNING, ON CONFLICT ... DO, CTEs; integers are 64-bit; times
//     are integer Unix milliseconds; booleans are 0/1 integers;
//   - DDL that differs between engines lives in Migration::postgres_sql;
//   - one statement per Exec/Query call (a migration's script may hold several);
//     no BEGIN/COMMIT/SAVEPOINT/PRAGMA in statements: transactions come from Begin;
//   - an error inside a transaction aborts it, as PostgreSQL does: write
//     INSERT ... ON CONFLICT instead of catching AlreadyExists and carrying on.
// tests/store/conformance_test.cc is the contract: any backend passes it.
//
// Errors: a unique or primary-key violation is AlreadyExists; any other constraint
// violation (foreign key, CHECK, NOT NULL) and misuse of parameters are
// InvalidArgument; a lock held by another writer past Options::busy_timeout is
// Unavailable (retry); misuse of a transaction is FailedPrecondition; anything
// else is Internal, whose message names the SQL and is for logs, not clients.
//
// Durability: a Commit() that returns OK is in the write-ahead log, so a process
// killed with SIGKILL right after loses none of it (tested); with synchronous =
// "full" (the default) it has also been flushed to disk and survives power loss.
//
//   QUELL_ASSIGN_OR_RETURN(auto store, store::Store::Open({.path = "var/quell.db"}));
//   QUELL_RETURN_IF_ERROR(store->Migrate("access", kAccessMigrations));
//   QUELL_ASSIGN_OR_RETURN(auto tx, store->Begin());
//   QUELL_ASSIGN_OR_RETURN(auto rows, tx->Query("SELECT id FROM users WHERE name = $1", {name}));
//   QUELL_RETURN_IF_ERROR(tx->Commit());
//
// Thread-safety: Store is thread-safe. A Transaction belongs to the thread that
// began it. Write transactions are serialised (one writer at a time, across
// processes too: the CLI may write while the server runs); reads run concurrently.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "quell/core/status.h"

namespace quell::store {

// One SQL value: NULL, 64-bit integer, double, text, or blob.
class Value {
 public:
  struct Blob {
    std::string bytes;
    friend bool operator==(const Blob&, const Blob&) = default;
  };
  using Variant = std::variant<std::nullptr_t, int64_t, double, std::string, Blob>;

  Value() : v_(nullptr) {}
  Value(std::nullptr_t) : v_(nullptr) {}                        // NOLINT
  Value(int v) : v_(static_cast<int64_t>(v)) {}                 // NOLINT
  Value(long v) : v_(static_cast<int64_t>(v)) {}                // NOLINT
  Value(long long v) : v_(static_cast<int64_t>(v)) {}           // NOLINT
  Value(unsigned v) : v_(static_cast<int64_t>(v)) {}            // NOLINT
  Value(unsigned long v) : v_(static_cast<int64_t>(v)) {}       // NOLINT: caller keeps < 2^63
  Value(unsigned long long v) : v_(static_cast<int64_t>(v)) {}  // NOLINT: caller keeps < 2^63
  Value(bool v) : v_(static_cast<int64_t>(v ? 1 : 0)) {}        // NOLINT
  Value(double v) : v_(v) {}                                    // NOLINT
  Value(std::string v) : v_(std::move(v)) {}                    // NOLINT
  Value(std::string_view v) : v_(std::string(v)) {}             // NOLINT
  Value(const char* v) : v_(std::string(v)) {}                  // NOLINT
  Value(Blob b) : v_(std::move(b)) {}                           // NOLINT

  static Value MakeBlob(std::string bytes) { return Value(Blob{std::move(bytes)}); }

  bool is_null() const { return std::holds_alternative<std::nullptr_t>(v_); }
  const Variant& variant() const { return v_; }

  // Conversions are lenient the way SQL is: NULL reads as 0 / "" .
  int64_t AsInt() const;
  double AsDouble() const;
  std::string AsText() const;  // text or blob bytes; integers and doubles formatted

  friend bool operator==(const Value&, const Value&) = default;

 private:
  Variant v_;
};

using Params = std::vector<Value>;

// One result row. Column indexes are checked: a wrong index aborts the process
// (it is our bug, not bad input).
class Row {
 public:
  explicit Row(std::vector<Value> values) : values_(std::move(values)) {}
  std::size_t size() const { return values_.size(); }
  const Value& at(std::size_t i) const;
  bool IsNull(std::size_t i) const { return at(i).is_null(); }
  int64_t Int(std::size_t i) const { return at(i).AsInt(); }
  double Double(std::size_t i) const { return at(i).AsDouble(); }
  std::string Text(std::size_t i) const { return at(i).AsText(); }

 private:
  std::vector<Value> values_;
};

struct QueryResult {
  std::vector<std::string> columns;
  std::vector<Row> rows;
  bool empty() const { return rows.empty(); }
};

// A transaction. Destroying it without Commit() rolls it back. It must be
// destroyed before the Store that began it. Not thread-safe: it belongs to the
// thread that began it.
//
// The first failing statement aborts the transaction: later Exec, Query and Commit
// return FailedPrecondition naming that error, and nothing is written.
class Transaction {
 public:
  virtual ~Transaction() = default;
  // Runs one statement; returns the number of rows it inserted, updated or deleted
  // (0 for DDL). Rows it returns are discarded: use Query for ... RETURNING.
  virtual Result<int64_t> Exec(std::string_view sql, const Params& params = {}) = 0;
  // Runs one statement and returns all its rows.
  virtual Result<QueryResult> Query(std::string_view sql, const Params& params = {}) = 0;
  // Makes the transaction's writes durable and releases its lock. After Commit,
  // successful or not, the transaction is spent (a failed Commit rolled back).
  virtual Status Commit() = 0;
};

// One step of a module's schema. Versions start at 1 and increase by 1. `sql` may
// hold several statements, run in one transaction; PRAGMAs that do nothing inside a
// transaction (foreign_keys, journal_mode) do nothing here either.
struct Migration {
  int version;
  std::string_view description;
  std::string_view sql;             // portable DDL, or SQLite's when postgres_sql is set
  std::string_view postgres_sql{};  // PostgreSQL's DDL where it differs
};

struct Options {
  // SQLite: path of the database file (its directory must exist).
  std::string path;
  // How long a writer waits for another writer (another process included), and a
  // reader for a free read connection, before Unavailable.
  std::chrono::milliseconds busy_timeout{5000};
  // "full" (default: a committed write also survives power loss) or "normal"
  // (survives a process crash, may lose the last commits on power loss).
  std::string synchronous = "full";
  // Read connections kept open for concurrent readers.
  int read_connections = 4;
};

class Store {
 public:
  virtual ~Store() = default;

  // Opens (creating if needed) the SQLite store at options.path, in WAL mode with
  // foreign keys on and the busy timeout set. Errors: InvalidArgument for bad
  // options, NotFound if the file's directory does not exist, FailedPrecondition
  // if the file system cannot hold a WAL database, Internal otherwise.
  static Result<std::unique_ptr<Store>> Open(const Options& options);

  // Begins a transaction.
  //
  // kWrite takes the write lock at once (BEGIN IMMEDIATE), so it never fails
  // half-way for a lock upgrade; it waits up to busy_timeout for other writers,
  // then returns Unavailable. One write transaction at a time per thread: a thread
  // that holds one gets FailedPrecondition (instead of waiting for itself) from
  // Begin(kWrite), Exec, and Query of a writing statement.
  //
  // kRead sees one consistent snapshot of the store, taken when Begin returns,
  // whatever writers commit meanwhile, and never blocks them; a writing statement
  // in it fails with FailedPrecondition.
  enum class Mode { kRead, kWrite };
  virtual Result<std::unique_ptr<Transaction>> Begin(Mode mode = Mode::kWrite) = 0;

  // One statement in a write transaction of its own.
  virtual Result<int64_t> Exec(std::string_view sql, const Params& params = {}) = 0;
  // One statement on a read connection; a statement that writes
  // (INSERT ... RETURNING) runs in a write transaction of its own instead.
  virtual Result<QueryResult> Query(std::string_view sql, const Params& params = {}) = 0;

  // Applies the migrations of `module` newer than its recorded version, each in its
  // own transaction together with the version record, in order. Idempotent.
  // Safe against another process migrating at the same time. Fails with
  // InvalidArgument if the versions are not 1, 2, 3, ...; with the failing
  // migration's error, naming the module and version, if one fails (those before it
  // stay applied, nothing of it does); with FailedPrecondition if the recorded
  // version is newer than the newest migration given (a downgrade).
  virtual Status Migrate(std::string_view module, std::span<const Migration> migrations) = 0;
  // The recorded schema version of `module` (0 if none).
  virtual Result<int> SchemaVersion(std::string_view module) = 0;

  // Writes a consistent copy of the whole store to `dest_path` while it stays
  // online (SQLite's backup API; writers carry on meanwhile). The copy is written
  // to `dest_path` + ".partial" and renamed into place, replacing any file there.
  virtual Status Backup(const std::string& dest_path) = 0;

  // "sqlite" or "postgres": for migrations and diagnostics only.
  virtual std::string_view backend() const = 0;
};

}  // namespace quell::store
