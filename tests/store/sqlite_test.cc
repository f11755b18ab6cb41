// What the SQLite backend adds to the Store contract: its pragmas, waiting for
// writers in other Store instances and other processes, its parameter syntax and
// its Open errors.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "quell/store/store.h"
#include "store_test_util.h"

namespace quell::store {
namespace {

using ::quell::store::testing::TempDir;
using std::chrono::milliseconds;
using SteadyClock = std::chrono::steady_clock;

std::unique_ptr<Store> OpenOrDie(Options options) {
  auto store = Store::Open(options);
  EXPECT_TRUE(store.has_value()) << store.status().ToString();
  return store.has_value() ? std::move(*store) : nullptr;
}

Status CreateTable(Store& store) {
  return store.Exec("CREATE TABLE t (id INTEGER PRIMARY KEY, who TEXT)").status();
}

int64_t CountRows(Store& store) {
  auto r = store.Query("SELECT count(*) FROM t");
  EXPECT_TRUE(r.has_value()) << r.status().ToString();
  return r.has_value() ? r->rows[0].Int(0) : -1;
}

TEST(SqliteStore, UsesWalForeignKeysAndTheSynchronousOption) {
  TempDir dir;
  for (const std::string sync : {"full", "normal"}) {
    auto store = OpenOrDie({.path = dir.File(sync + ".db"), .synchronous = sync});
    ASSERT_NE(store, nullptr);
    EXPECT_EQ(store->backend(), "sqlite");
    QUELL_ASSERT_OK_AND_ASSIGN(QueryResult mode, store->Query("PRAGMA journal_mode"));
    EXPECT_EQ(mode.rows.at(0).Text(0), "wal");
    QUELL_ASSERT_OK_AND_ASSIGN(auto tx, store->Begin());
    QUELL_ASSERT_OK_AND_ASSIGN(QueryResult fk, tx->Query("PRAGMA foreign_keys"));
    EXPECT_EQ(fk.rows.at(0).Int(0), 1);
    QUELL_ASSERT_OK_AND_ASSIGN(QueryResult synchronous, tx->Query("PRAGMA synchronous"));
    EXPECT_EQ(synchronous.rows.at(0).Int(0), sync == "full" ? 2 : 1);
    QUELL_ASSERT_OK(tx->Commit());
    QUELL_ASSERT_OK_AND_ASSIGN(QueryResult reader_fk, store->Query("PRAGMA foreign_keys"));
    EXPECT_EQ(reader_fk.rows.at(0).Int(0), 1);
  }
}

TEST(SqliteStore, WriterWaitsForAnotherStoreOnTheSameFile) {
  TempDir dir;
  auto holder = OpenOrDie({.path = dir.File("s.db")});
  auto waiter = OpenOrDie({.path = dir.File("s.db"), .busy_timeout = milliseconds(5000)});
  ASSERT_TRUE(holder && waiter);
  QUELL_ASSERT_OK(CreateTable(*holder));

  QUELL_ASSERT_OK_AND_ASSIGN(auto tx, holder->Begin());
  QUELL_ASSERT_OK(tx->Exec("INSERT INTO t (who) VALUES ('holder')").status());
  Status waited;
  milliseconds elapsed{};
  std::thread other([&] {
    const auto start = SteadyClock::now();
    waited = waiter->Exec("INSERT INTO t (who) VALUES ('waiter')").status();
    elapsed = std::chrono::duration_cast<milliseconds>(SteadyClock::now() - start);
  });
  std::this_thread::sleep_for(milliseconds(300));
  QUELL_EXPECT_OK(tx->Commit());
  other.join();
  QUELL_EXPECT_OK(waited);
  EXPECT_GE(elapsed, milliseconds(200));
  EXPECT_EQ(CountRows(*holder), 2);
}

TEST(SqliteStore, WriterGivesUpAfterTheBusyTimeout) {
  TempDir dir;
  auto holder = OpenOrDie({.path = dir.File("s.db")});
  auto waiter = OpenOrDie({.path = dir.File("s.db"), .busy_timeout = milliseconds(200)});
  ASSERT_TRUE(holder && waiter);
  QUELL_ASSERT_OK(CreateTable(*holder));

  QUELL_ASSERT_OK_AND_ASSIGN(auto tx, holder->Begin());
  const auto start = SteadyClock::now();
  auto busy = waiter->Exec("INSERT INTO t (who) VALUES ('waiter')");
  const auto elapsed = SteadyClock::now() - start;
  EXPECT_EQ(busy.status().code(), StatusCode::kUnavailable) << busy.status().ToString();
  EXPECT_NE(busy.status().message().find("200 ms"), std::string::npos);
  EXPECT_GE(elapsed, milliseconds(150));
  EXPECT_LT(elapsed, milliseconds(3000));
  QUELL_ASSERT_OK(tx->Commit());
  QUELL_EXPECT_OK(waiter->Exec("INSERT INTO t (who) VALUES ('waiter')"));
}

TEST(SqliteStore, WriterInTheSameProcessGivesUpAfterTheBusyTimeout) {
  TempDir dir;
  auto store = OpenOrDie({.path = dir.File("s.db"), .busy_timeout = milliseconds(100)});
  ASSERT_NE(store, nullptr);
  QUELL_ASSERT_OK_AND_ASSIGN(auto tx, store->Begin());
  Status other_status;
  std::thread other([&] { other_status = store->Begin().status(); });
  other.join();
  EXPECT_EQ(other_status.code(), StatusCode::kUnavailable) << other_status.ToString();
}

TEST(SqliteStore, ReadersWaitForAFreeConnectionThenGiveUp) {
  TempDir dir;
  auto store = OpenOrDie(
      {.path = dir.File("s.db"), .busy_timeout = milliseconds(100), .read_connections = 1});
  ASSERT_NE(store, nullptr);
  QUELL_ASSERT_OK_AND_ASSIGN(auto reader, store->Begin(Store::Mode::kRead));
  EXPECT_EQ(store->Query("SELECT 1").status().code(), StatusCode::kUnavailable);
  reader.reset();
  QUELL_EXPECT_OK(store->Query("SELECT 1"));
}

// Another process (the CLI, say) writes while this one holds the write lock: it
// waits for the lock, then its write lands.
TEST(SqliteStore, WriterInAnotherProcessWaitsThenSucceeds) {
  TempDir dir;
  const std::string path = dir.File("s.db");
  int go[2], done[2];
  ASSERT_EQ(pipe(go), 0);
  ASSERT_EQ(pipe(done), 0);
  // Fork before this process opens the store: SQLite connections must not cross fork().
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    char byte;
    if (read(go[0], &byte, 1) != 1) _exit(10);
    auto store = Store::Open({.path = path, .busy_timeout = milliseconds(10000)});
    if (!store.has_value()) _exit(11);
    auto r = (*store)->Exec("INSERT INTO t (who) VALUES ($1)", {"child"});
    const char result = r.has_value() ? 'y' : 'n';
    if (write(done[1], &result, 1) != 1) _exit(12);
    _exit(0);
  }
  auto store = OpenOrDie({.path = path});
  ASSERT_NE(store, nullptr);
  QUELL_ASSERT_OK(CreateTable(*store));
  {
    QUELL_ASSERT_OK_AND_ASSIGN(auto tx, store->Begin());
    QUELL_ASSERT_OK(tx->Exec("INSERT INTO t (who) VALUES ($1)", {"parent"}).status());
    ASSERT_EQ(write(go[1], "g", 1), 1);
    std::this_thread::sleep_for(milliseconds(300));
    EXPECT_EQ(CountRows(*store), 0);  // the child is still waiting
    QUELL_ASSERT_OK(tx->Commit());
  }
  char result = 0;
  EXPECT_EQ(read(done[0], &result, 1), 1);
  EXPECT_EQ(result, 'y');
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  EXPECT_EQ(CountRows(*store), 2);
  for (int fd : {go[0], go[1], done[0], done[1]}) close(fd);
}

TEST(SqliteStore, ParametersMustBeDollarNumbers) {
  TempDir dir;
  auto store = OpenOrDie({.path = dir.File("s.db")});
  ASSERT_NE(store, nullptr);
  QUELL_ASSERT_OK(CreateTable(*store));
  for (const char* sql : {"INSERT INTO t (who) VALUES (?)", "INSERT INTO t (who) VALUES (:who)",
                          "INSERT INTO t (who) VALUES ($0)", "INSERT INTO t (who) VALUES ($who)",
                          "INSERT INTO t (who) VALUES (?1)"}) {
    for (int again = 0; again < 2; ++again) {  // the second time from the statement cache
      auto r = store->Exec(sql, {"x"});
      EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << sql;
      EXPECT_NE(r.status().message().find("$1"), std::string::npos) << r.status().message();
    }
  }
  EXPECT_EQ(CountRows(*store), 0);
}

// A cached statement with many parameters, run again with other values and
// with too few: each parameter still binds by its $N.
TEST(SqliteStore, ManyParametersBindByNumberEveryTime) {
  TempDir dir;
  auto store = OpenOrDie({.path = dir.File("s.db")});
  ASSERT_NE(store, nullptr);
  QUELL_ASSERT_OK(CreateTable(*store));
  std::string sql = "INSERT INTO t (id, who) VALUES ";
  for (int i = 0; i < 150; ++i) {
    // Backwards: $2 before $1, so the order SQLite numbers them in differs.
    sql +=
        (i ? ", ($" : "($") + std::to_string(2 * i + 2) + ", $" + std::to_string(2 * i + 1) + ")";
  }
  for (int round = 0; round < 3; ++round) {
    Params params;
    for (int i = 0; i < 150; ++i) {
      params.emplace_back("who" + std::to_string(round * 1000 + i));
      params.emplace_back(int64_t{round * 1000 + i + 1});
    }
    QUELL_ASSERT_OK(store->Exec(sql, params).status());
  }
  EXPECT_EQ(CountRows(*store), 450);
  auto r = store->Query("SELECT who FROM t WHERE id = 2150");
  ASSERT_TRUE(r.has_value());
  ASSERT_EQ(r->rows.size(), 1u);
  EXPECT_EQ(r->rows[0].Text(0), "who2149");
  EXPECT_EQ(store->Exec(sql, {"too", "few"}).status().code(), StatusCode::kInvalidArgument);
}

TEST(SqliteStore, InternalErrorsNameTheSql) {
  TempDir dir;
  auto store = OpenOrDie({.path = dir.File("s.db")});
  ASSERT_NE(store, nullptr);
  auto r = store->Query("SELECT * FROM missing_table WHERE x = $1", {1});
  EXPECT_EQ(r.status().code(), StatusCode::kInternal);
  EXPECT_NE(r.status().message().find("no such table: missing_table"), std::string::npos);
  EXPECT_NE(r.status().message().find("'SELECT * FROM missing_table"), std::string::npos)
      << r.status().message();
}

TEST(SqliteStore, ManyDistinctStatementsOutgrowTheCache) {
  TempDir dir;
  auto store = OpenOrDie({.path = dir.File("s.db")});
  ASSERT_NE(store, nullptr);
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < 600; ++i) {
      QUELL_ASSERT_OK_AND_ASSIGN(QueryResult r,
                                 store->Query("SELECT $1 + " + std::to_string(i), {int64_t{1000}}));
      ASSERT_EQ(r.rows.at(0).Int(0), 1000 + i);
    }
  }
}

TEST(SqliteStore, DataAndVersionsSurviveReopening) {
  TempDir dir;
  const Migration steps[] = {{1, "t", "CREATE TABLE t (id INTEGER PRIMARY KEY, who TEXT)"}};
  {
    auto store = OpenOrDie({.path = dir.File("s.db")});
    ASSERT_NE(store, nullptr);
    QUELL_ASSERT_OK(store->Migrate("m", steps));
    QUELL_ASSERT_OK(store->Exec("INSERT INTO t (who) VALUES ($1)", {"kept"}));
  }
  auto store = OpenOrDie({.path = dir.File("s.db")});
  ASSERT_NE(store, nullptr);
  QUELL_ASSERT_OK(store->Migrate("m", steps));
  EXPECT_EQ(store->SchemaVersion("m").value_or(-1), 1);
  EXPECT_EQ(CountRows(*store), 1);
}

TEST(SqliteStore, OpenExplainsBadOptionsAndPaths) {
  TempDir dir;
  auto missing = Store::Open({.path = dir.File("no/such/dir/s.db")});
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("no/such/dir"), std::string::npos)
      << missing.status().message();
  EXPECT_NE(missing.status().message().find("does not exist"), std::string::npos);

  auto sync = Store::Open({.path = dir.File("s.db"), .synchronous = "fast"});
  EXPECT_EQ(sync.status().code(), StatusCode::kInvalidArgument);
  auto pool = Store::Open({.path = dir.File("s.db"), .read_connections = 0});
  EXPECT_EQ(pool.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Store::Open({}).status().code(), StatusCode::kInvalidArgument);

  std::ofstream(dir.File("junk.db")) << std::string(8192, 'j');
  auto junk = Store::Open({.path = dir.File("junk.db")});
  ASSERT_FALSE(junk.has_value());
  EXPECT_NE(junk.status().message().find("junk.db"), std::string::npos) << junk.status().message();
  EXPECT_NE(junk.status().message().find("not a database"), std::string::npos)
      << junk.status().message();
}

TEST(SqliteStore, BackupRefusesToOverwriteTheStore) {
  TempDir dir;
  auto store = OpenOrDie({.path = dir.File("s.db")});
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->Backup(dir.File("s.db")).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store->Backup(dir.File("missing/b.db")).code(), StatusCode::kInternal);
}

}  // namespace
}  // namespace quell::store
