// An acknowledged write survives kill -9: a child process commits rows one
// transaction at a time and acknowledges each after Commit returns; the parent
// kills it mid-stream and checks that every acknowledged row is in the store.
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "quell/store/store.h"
#include "store_test_util.h"

namespace quell::store {
namespace {

using ::quell::store::testing::TempDir;

constexpr std::size_t kAcknowledgements = 200;

// Reads one acknowledged id; false at end of stream.
bool ReadAck(int fd, int64_t* id) {
  char* p = reinterpret_cast<char*>(id);
  std::size_t got = 0;
  while (got < sizeof *id) {
    const ssize_t n = read(fd, p + got, sizeof *id - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    got += static_cast<std::size_t>(n);
  }
  return true;
}

[[noreturn]] void WriteUntilKilled(const std::string& path, const std::string& synchronous,
                                   int ack_fd) {
  prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive a failed test
  auto store = Store::Open({.path = path, .synchronous = synchronous});
  if (!store.has_value()) _exit(2);
  const std::string payload(200, 'p');
  for (int64_t id = 1;; ++id) {
    auto tx = (*store)->Begin();
    if (!tx.has_value()) _exit(3);
    if (!(*tx)->Exec("INSERT INTO acked (id, payload) VALUES ($1, $2)", {id, payload})) _exit(4);
    if (!(*tx)->Commit().ok()) _exit(5);
    if (write(ack_fd, &id, sizeof id) != sizeof id) _exit(6);
  }
}

class Durability : public ::testing::TestWithParam<std::string> {};

TEST_P(Durability, AcknowledgedWritesSurviveKill9) {
  TempDir dir;
  const std::string path = dir.File("durable.db");
  {
    // Created and closed before fork(): SQLite connections must not cross it.
    QUELL_ASSERT_OK_AND_ASSIGN(auto store, Store::Open({.path = path}));
    QUELL_ASSERT_OK(
        store->Exec("CREATE TABLE acked (id INTEGER PRIMARY KEY, payload TEXT NOT NULL)"));
  }
  int acks[2];
  ASSERT_EQ(pipe(acks), 0);
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    close(acks[0]);
    WriteUntilKilled(path, GetParam(), acks[1]);
  }
  close(acks[1]);

  std::vector<int64_t> acknowledged;
  int64_t id = 0;
  while (acknowledged.size() < kAcknowledgements && ReadAck(acks[0], &id)) {
    acknowledged.push_back(id);
  }
  kill(pid, SIGKILL);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_EQ(acknowledged.size(), kAcknowledgements)
      << "the writer stopped early, status " << status;
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << status;
  // Acknowledgements already in the pipe were given before the kill: they count.
  while (ReadAck(acks[0], &id)) acknowledged.push_back(id);
  close(acks[0]);

  QUELL_ASSERT_OK_AND_ASSIGN(auto store, Store::Open({.path = path}));
  QUELL_ASSERT_OK_AND_ASSIGN(QueryResult rows, store->Query("SELECT id FROM acked"));
  std::set<int64_t> present;
  for (const Row& row : rows.rows) present.insert(row.Int(0));
  for (int64_t acked : acknowledged) {
    ASSERT_TRUE(present.count(acked)) << "acknowledged row " << acked << " was lost";
  }
  EXPECT_GE(present.size(), acknowledged.size());
}

INSTANTIATE_TEST_SUITE_P(Synchronous, Durability, ::testing::Values("normal", "full"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace quell::store
