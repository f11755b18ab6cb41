// Connection and ReaderPool of the SQLite Store. SQLite's C API is used directly:
// it gives the extended result codes the error mapping needs, parameter names for
// binding $N, and the backup API, without exceptions to catch on every call.
#include "quell/store/internal/sqlite_connection.h"

#include <charconv>
#include <system_error>
#include <type_traits>
#include <utility>
#include <variant>

namespace quell::store::internal {
namespace {

using std::chrono::milliseconds;

// Enough for every statement a module issues repeatedly; SQL built on the fly
// past this clears the cache rather than growing it without bound.
constexpr std::size_t kStatementCacheSize = 256;

Row ReadRow(sqlite3_stmt* stmt) {
  const int n = sqlite3_column_count(stmt);
  std::vector<Value> values;
  values.reserve(n);
  for (int i = 0; i < n; ++i) {
    switch (sqlite3_column_type(stmt, i)) {
      case SQLITE_INTEGER:
        values.emplace_back(static_cast<int64_t>(sqlite3_column_int64(stmt, i)));
        break;
      case SQLITE_FLOAT:
        values.emplace_back(sqlite3_column_double(stmt, i));
        break;
      case SQLITE_TEXT: {
        const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt, i));
        values.emplace_back(p ? std::string(p, sqlite3_column_bytes(stmt, i)) : std::string());
        break;
      }
      case SQLITE_BLOB: {
        const auto* p = static_cast<const char*>(sqlite3_column_blob(stmt, i));
        values.push_back(
            Value::MakeBlob(p ? std::string(p, sqlite3_column_bytes(stmt, i)) : std::string()));
        break;
      }
      default:
        values.emplace_back(nullptr);
    }
  }
  return Row(std::move(values));
}

}  // namespace

std::string QuoteSql(std::string_view sql) {
  constexpr std::size_t kShown = 60;
  while (!sql.empty() && (sql.front() == ' ' || sql.front() == '\n' || sql.front() == '\t')) {
    sql.remove_prefix(1);
  }
  std::string s = "'";
  for (char c : sql.substr(0, kShown)) s += (c == '\n' || c == '\t') ? ' ' : c;
  if (sql.size() > kShown) s += "...";
  return s + "'";
}

std::string FormatMillis(milliseconds d) { return std::to_string(d.count()) + " ms"; }

Connection::~Connection() {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  sqlite3_close_v2(db_);
}

Result<int64_t> Connection::Run(std::string_view sql, const Params& params, QueryResult* out) {
  QUELL_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, Prepare(sql));
  return Run(stmt, sql, params, out);
}

Status Connection::Error(int rc, std::string_view sql) const {
  std::string message = sqlite3_errmsg(db_);
  switch (rc & 0xff) {
    case SQLITE_CONSTRAINT:
      if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY ||
          rc == SQLITE_CONSTRAINT_ROWID) {
        return AlreadyExists(message);
      }
      return InvalidArgument(message);
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Unavailable(
          "the store stayed locked by another writer (possibly another process) "
          "for longer than the busy timeout of " +
          FormatMillis(busy_timeout_) + ": " + message);
    default:
      return Internal(message + " (SQLite code " + std::to_string(rc) + ") in " + QuoteSql(sql));
  }
}

Result<std::unique_ptr<Connection>> Connection::Open(const Options& options, Role role) {
  sqlite3* db = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
  if (role == Role::kWriter) flags |= SQLITE_OPEN_CREATE;
  const int rc = sqlite3_open_v2(options.path.c_str(), &db, flags, nullptr);
  // SQLite hands back a handle even when opening fails; the Connection closes it.
  std::unique_ptr<Connection> conn(new Connection(db, options.busy_timeout));
  if (rc != SQLITE_OK) {
    return Internal("cannot open store '" + options.path +
                    "': " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc)));
  }
  Status configured = conn->Configure(options, role);
  if (!configured.ok()) return configured.WithContext("store '" + options.path + "'");
  return conn;
}

Status Connection::Configure(const Options& options, Role role) {
  SetBusyTimeout(options.busy_timeout);
  const std::string synchronous = options.synchronous == "normal" ? "NORMAL" : "FULL";
  QUELL_RETURN_IF_ERROR(
      RunScript("PRAGMA foreign_keys = ON; PRAGMA synchronous = " + synchronous + ";"));
  if (role == Role::kReader) return RunScript("PRAGMA query_only = ON;");
  QueryResult mode;
  QUELL_RETURN_IF_ERROR(Run("PRAGMA journal_mode = WAL", {}, &mode).status());
  const std::string got = mode.empty() ? "" : mode.rows[0].Text(0);
  if (got != "wal") {
    return FailedPrecondition("cannot use WAL mode (journal mode is '" + got +
                              "'); the store needs a local file system");
  }
  return {};
}

Result<sqlite3_stmt*> Connection::Prepare(std::string_view sql) {
  if (auto it = cache_.find(sql); it != cache_.end()) return it->second;
  if (cache_.size() >= kStatementCacheSize) {
    for (auto& [text, stmt] : cache_) sqlite3_finalize(stmt);
    cache_.clear();
    param_index_.clear();
  }
  sqlite3_stmt* stmt = nullptr;
  const char* tail = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &stmt, &tail);
  if (rc != SQLITE_OK) return Error(rc, sql);
  if (stmt == nullptr) return InvalidArgument("empty SQL statement: " + QuoteSql(sql));
  std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> owned(stmt, &sqlite3_finalize);
  // PostgreSQL runs one statement per parameterised call; so does this backend.
  const char* end = sql.data() + sql.size();
  if (tail != nullptr && tail < end) {
    sqlite3_stmt* next = nullptr;
    rc = sqlite3_prepare_v2(db_, tail, static_cast<int>(end - tail), &next, nullptr);
    sqlite3_finalize(next);
    if (rc != SQLITE_OK || next != nullptr) {
      return InvalidArgument("one SQL statement per call (only migrations may hold several): " +
                             QuoteSql(sql));
    }
  }
  cache_.emplace(std::string(sql), stmt);
  return owned.release();
}

Status Connection::Bind(sqlite3_stmt* stmt, std::string_view sql, const Params& params) const {
  const int count = sqlite3_bind_parameter_count(stmt);
  // SQLite reads "$7" as a named parameter; the name says which of `params` it
  // is (0: not a $N name). Read once per cached statement.
  auto read_names = [&] {
    std::vector<uint32_t> index(static_cast<std::size_t>(count));
    for (int i = 1; i <= count; ++i) {
      const char* name = sqlite3_bind_parameter_name(stmt, i);
      const std::string_view n = name ? name : "?";
      uint32_t k = 0;
      auto [end, ec] = std::from_chars(n.data() + 1, n.data() + n.size(), k);
      const bool ok =
          n.size() >= 2 && n[0] == '$' && ec == std::errc() && end == n.data() + n.size() && k > 0;
      index[static_cast<std::size_t>(i - 1)] = ok ? k : 0;
    }
    return index;
  };
  std::vector<uint32_t> uncached;
  const std::vector<uint32_t>* index = &uncached;
  if (auto it = param_index_.find(stmt); it != param_index_.end()) {
    index = &it->second;
  } else if (cache_.find(sql) != cache_.end()) {
    index = &param_index_.emplace(stmt, read_names()).first->second;
  } else {
    uncached = read_names();
  }
  for (int i = 1; i <= count; ++i) {
    const std::size_t k = (*index)[static_cast<std::size_t>(i - 1)];
    if (k == 0) {
      const char* name = sqlite3_bind_parameter_name(stmt, i);
      return InvalidArgument("parameter '" + std::string(name ? name : "?") + "' in " +
                             QuoteSql(sql) + ": write parameters as $1, $2, ...");
    }
    if (k > params.size()) {
      return InvalidArgument(QuoteSql(sql) + " uses $" + std::to_string(k) + " but " +
                             std::to_string(params.size()) + " parameters were given");
    }
    const int rc = std::visit(
        [&](const auto& v) -> int {
          using T = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<T, std::nullptr_t>) {
            return sqlite3_bind_null(stmt, i);
          } else if constexpr (std::is_same_v<T, int64_t>) {
            return sqlite3_bind_int64(stmt, i, v);
          } else if constexpr (std::is_same_v<T, double>) {
            return sqlite3_bind_double(stmt, i, v);
          } else if constexpr (std::is_same_v<T, std::string>) {
            return sqlite3_bind_text64(stmt, i, v.data(), v.size(), SQLITE_STATIC, SQLITE_UTF8);
          } else {
            return sqlite3_bind_blob64(stmt, i, v.bytes.data(), v.bytes.size(), SQLITE_STATIC);
          }
        },
        params[k - 1].variant());
    if (rc != SQLITE_OK) return Error(rc, sql);
  }
  // Each distinct $N is one SQLite parameter, all within 1..size: fewer means some
  // were never used, which PostgreSQL rejects too.
  if (static_cast<std::size_t>(count) != params.size()) {
    return InvalidArgument(std::to_string(params.size()) + " parameters were given but " +
                           QuoteSql(sql) + " uses " + std::to_string(count));
  }
  return {};
}

Result<int64_t> Connection::Run(sqlite3_stmt* stmt, std::string_view sql, const Params& params,
                                QueryResult* out) {
  // Cached statements go back clean: reset, and no pointers into `params` kept.
  struct Reset {
    sqlite3_stmt* stmt;
    ~Reset() {
      sqlite3_reset(stmt);
      sqlite3_clear_bindings(stmt);
    }
  } reset{stmt};
  QUELL_RETURN_IF_ERROR(Bind(stmt, sql, params));
  if (out != nullptr) {
    out->columns.clear();
    for (int i = 0; i < sqlite3_column_count(stmt); ++i) {
      out->columns.emplace_back(sqlite3_column_name(stmt, i));
    }
  }
  const int64_t changes_before = sqlite3_total_changes64(db_);
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    if (out != nullptr) out->rows.push_back(ReadRow(stmt));
  }
  if (rc != SQLITE_DONE) return Error(rc, sql);
  // sqlite3_changes64 keeps the count of the last INSERT/UPDATE/DELETE, so a
  // statement that changed nothing (DDL, a SELECT) must not report it.
  return sqlite3_total_changes64(db_) == changes_before ? 0 : sqlite3_changes64(db_);
}

Status Connection::RunScript(std::string_view sql) {
  const char* p = sql.data();
  const char* const end = p + sql.size();
  while (p < end) {
    sqlite3_stmt* raw = nullptr;
    const char* tail = nullptr;
    int rc = sqlite3_prepare_v2(db_, p, static_cast<int>(end - p), &raw, &tail);
    if (rc != SQLITE_OK) return Error(rc, std::string_view(p, end - p));
    if (raw == nullptr) break;  // only blanks and comments remain
    std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> stmt(raw, &sqlite3_finalize);
    const std::string_view text(p, tail - p);
    if (sqlite3_bind_parameter_count(raw) > 0) {
      return InvalidArgument("a script takes no parameters: " + QuoteSql(text));
    }
    while ((rc = sqlite3_step(raw)) == SQLITE_ROW) {
    }
    if (rc != SQLITE_DONE) return Error(rc, text);
    p = tail;
  }
  return {};
}

Result<ReaderPool::Lease> ReaderPool::Acquire() {
  std::unique_lock lock(mu_);
  const bool free = cv_.wait_for(lock, options_.busy_timeout, [&] {
    return !idle_.empty() || open_ < options_.read_connections;
  });
  if (!free) {
    return Unavailable("all " + std::to_string(options_.read_connections) +
                       " read connections of the store stayed busy for the busy timeout of " +
                       FormatMillis(options_.busy_timeout));
  }
  if (!idle_.empty()) {
    std::unique_ptr<Connection> conn = std::move(idle_.back());
    idle_.pop_back();
    return Lease(this, std::move(conn));
  }
  ++open_;
  lock.unlock();
  auto conn = Connection::Open(options_, Connection::Role::kReader);
  if (!conn.has_value()) {
    lock.lock();
    --open_;
    cv_.notify_one();
    return conn.status();
  }
  return Lease(this, std::move(*conn));
}

void ReaderPool::Release(std::unique_ptr<Connection> conn) {
  if (conn->InTransaction()) (void)conn->Run("ROLLBACK");
  std::lock_guard lock(mu_);
  idle_.push_back(std::move(conn));
  cv_.notify_one();
}

}  // namespace quell::store::internal
