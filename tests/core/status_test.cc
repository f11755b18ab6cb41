#include "quell/core/status.h"

#include <gtest/gtest.h>

namespace quell {
namespace {

Result<int> Half(int x) {
  if (x % 2 != 0) return InvalidArgument(std::to_string(x) + " is odd");
  return x / 2;
}

Result<int> Quarter(int x) {
  QUELL_ASSIGN_OR_RETURN(int h, Half(x));
  QUELL_ASSIGN_OR_RETURN(int q, Half(h));
  return q;
}

Status CheckEven(int x) {
  QUELL_RETURN_IF_ERROR(Half(x).status());
  return Status::Ok();
}

TEST(StatusTest, OkAndErrors) {
  EXPECT_TRUE(Status().ok());
  Status s = NotFound("user 'bob' does not exist");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_EQ(s.ToString(), "not_found: user 'bob' does not exist");
  EXPECT_EQ(s.WithContext("login").message(), "login: user 'bob' does not exist");
  EXPECT_EQ(StatusCodeName(StatusCode::kResourceExhausted), "rate_limited");
}

TEST(StatusTest, ResultPropagates) {
  EXPECT_EQ(*Quarter(8), 2);
  auto r = Quarter(6);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(), "3 is odd");
  EXPECT_TRUE(CheckEven(4).ok());
  EXPECT_EQ(CheckEven(5).code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(Quarter(8).status().ok());
}

}  // namespace
}  // namespace quell
