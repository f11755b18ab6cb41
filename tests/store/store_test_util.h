// Helpers shared by the store tests: a scratch directory per test, and assertions
// on Status / Result that print the error when they fail.
#pragma once

#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <system_error>
#include <utility>

#include <gtest/gtest.h>

#include "quell/core/status.h"

namespace quell::store::testing {

// A fresh directory under the system temp dir, removed with its contents when the
// object goes out of scope.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "quell-store-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) std::abort();
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

inline Status StatusOf(const Status& s) { return s; }
template <typename T>
Status StatusOf(const Result<T>& r) {
  return r.status();
}

}  // namespace quell::store::testing

#define QUELL_EXPECT_OK(expr)                                                 \
  do {                                                                        \
    const ::quell::Status quell_s_ = ::quell::store::testing::StatusOf(expr); \
    EXPECT_TRUE(quell_s_.ok()) << quell_s_.ToString();                        \
  } while (0)

#define QUELL_ASSERT_OK(expr)                                                 \
  do {                                                                        \
    const ::quell::Status quell_s_ = ::quell::store::testing::StatusOf(expr); \
    ASSERT_TRUE(quell_s_.ok()) << quell_s_.ToString();                        \
  } while (0)

// `QUELL_ASSERT_OK_AND_ASSIGN(auto x, F());` in a test body (or a void function).
#define QUELL_ASSERT_OK_AND_ASSIGN(lhs, expr) \
  QUELL_ASSERT_OK_AND_ASSIGN_IMPL_(QUELL_CONCAT_(quell_r_, __LINE__), lhs, expr)
#define QUELL_ASSERT_OK_AND_ASSIGN_IMPL_(tmp, lhs, expr)   \
  auto tmp = (expr);                                       \
  ASSERT_TRUE(tmp.has_value()) << tmp.status().ToString(); \
  lhs = std::move(*tmp)
