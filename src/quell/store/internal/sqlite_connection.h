// SQLite connections for the SQLite Store: one connection with its statement
// cache, $N parameter binding and error mapping, and the pool of read connections.
// Private to the store module.
#pragma once

#include <sqlite3.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "quell/core/status.h"
#include "quell/store/store.h"

namespace quell::store::internal {

// `sql`'s first 60 characters, quoted, for error messages.
std::string QuoteSql(std::string_view sql);

// "5000 ms".
std::string FormatMillis(std::chrono::milliseconds d);

// One SQLite connection. Not thread-safe: one thread uses it at a time.
class Connection {
 public:
  enum class Role {
    kWriter,  // creates the file; sets WAL mode
    kReader,  // query_only
  };

  // Opens options.path with foreign keys on, options.synchronous and
  // options.busy_timeout.
  static Result<std::unique_ptr<Connection>> Open(const Options& options, Role role);

  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  sqlite3* db() const { return db_; }
  bool InTransaction() const { return sqlite3_get_autocommit(db_) == 0; }
  void SetBusyTimeout(std::chrono::milliseconds d) {
    sqlite3_busy_timeout(db_, static_cast<int>(d.count()));
  }

  // Prepares exactly one statement, or returns it from the connection's cache.
  // The statement stays owned by the connection.
  Result<sqlite3_stmt*> Prepare(std::string_view sql);

  // Binds `params` to `stmt` (prepared from `sql`) by the names $1..$N, steps it to
  // the end and resets it, appending its rows to `out` when given. Returns the
  // number of rows the statement changed.
  Result<int64_t> Run(sqlite3_stmt* stmt, std::string_view sql, const Params& params,
                      QueryResult* out);
  Result<int64_t> Run(std::string_view sql, const Params& params = {}, QueryResult* out = nullptr);

  // Runs every statement of a script (migrations, pragmas), uncached and without
  // parameters.
  Status RunScript(std::string_view sql);

  // The Status for SQLite result code `rc` from running `sql`: unique or primary
  // key violations are AlreadyExists, other constraint violations InvalidArgument,
  // lock timeouts Unavailable, anything else Internal.
  Status Error(int rc, std::string_view sql) const;

 private:
  Connection(sqlite3* db, std::chrono::milliseconds busy_timeout)
      : db_(db), busy_timeout_(busy_timeout) {}
  Status Configure(const Options& options, Role role);
  Status Bind(sqlite3_stmt* stmt, std::string_view sql, const Params& params) const;

  struct SqlHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

  sqlite3* db_;
  std::chrono::milliseconds busy_timeout_;
  std::unordered_map<std::string, sqlite3_stmt*, SqlHash, std::equal_to<>> cache_;
  // Per cached statement, which of the params ($k) each SQLite parameter is.
  // sqlite3_bind_parameter_name walks a list, so asking it for every parameter
  // of every call is quadratic (a 320-parameter multi-row insert spent most of
  // its time there); asked once per statement instead.
  mutable std::unordered_map<sqlite3_stmt*, std::vector<uint32_t>> param_index_;
};

// Read connections, opened on demand up to Options::read_connections and kept.
// Thread-safe.
class ReaderPool {
 public:
  // A connection on loan; it goes back to the pool (rolled back if need be) when
  // the lease is destroyed.
  class Lease {
   public:
    Lease(ReaderPool* pool, std::unique_ptr<Connection> conn)
        : pool_(pool), conn_(std::move(conn)) {}
    Lease(Lease&&) = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
      if (conn_) pool_->Release(std::move(conn_));
    }
    Connection* operator->() const { return conn_.get(); }
    Connection* get() const { return conn_.get(); }

   private:
    ReaderPool* pool_;
    std::unique_ptr<Connection> conn_;
  };

  explicit ReaderPool(const Options& options) : options_(options) {}

  // Lends an idle connection, opening one if fewer than read_connections exist.
  // Waits up to busy_timeout for one to come back, then returns Unavailable.
  Result<Lease> Acquire();

 private:
  void Release(std::unique_ptr<Connection> conn);

  const Options options_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Connection>> idle_;  // guarded by mu_
  int open_ = 0;                                   // guarded by mu_; idle and on loan
};

}  // namespace quell::store::internal
