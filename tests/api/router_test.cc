#include "quell/api/router.h"

#include <gtest/gtest.h>

namespace quell::api {
namespace {

class RouterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router_.Add("GET", "/healthz", 0);
    router_.Add("GET", "/api/v1/admin/keys", 1);
    router_.Add("POST", "/api/v1/admin/keys", 2);
    router_.Add("DELETE", "/api/v1/admin/keys/{id}", 3);
    router_.Add("GET", "/api/v1/admin/keys/active", 4);
    router_.Add("POST", "/api/v1/admin/notices/{id}/retry", 5);
    router_.Add("GET", "/", 6);
  }

  Router::Match Find(std::string_view method, std::string_view path) {
    return router_.Find(method, path, &id_, &params_, &allowed_);
  }

  Router router_;
  std::size_t id_ = 99;
  PathParams params_;
  std::string allowed_;
};

TEST_F(RouterTest, LiteralsAndParameters) {
  ASSERT_EQ(Find("GET", "/healthz"), Router::Match::kFound);
  EXPECT_EQ(id_, 0u);
  ASSERT_EQ(Find("DELETE", "/api/v1/admin/keys/42"), Router::Match::kFound);
  EXPECT_EQ(id_, 3u);
  EXPECT_EQ(params_.Get("id"), "42");
  ASSERT_EQ(Find("POST", "/api/v1/admin/notices/7/retry"), Router::Match::kFound);
  EXPECT_EQ(id_, 5u);
  EXPECT_EQ(params_.Get("id"), "7");
  ASSERT_EQ(Find("GET", "/"), Router::Match::kFound);
  EXPECT_EQ(id_, 6u);
}

TEST_F(RouterTest, LiteralWinsOverParameter) {
  ASSERT_EQ(Find("GET", "/api/v1/admin/keys/active"), Router::Match::kFound);
  EXPECT_EQ(id_, 4u);
  EXPECT_EQ(params_.size(), 0u);
}

TEST_F(RouterTest, MethodNotAllowedListsAllowed) {
  EXPECT_EQ(Find("PUT", "/api/v1/admin/keys"), Router::Match::kNoMethod);
  EXPECT_EQ(allowed_, "GET, POST");
  EXPECT_EQ(Find("GET", "/api/v1/admin/keys/42"), Router::Match::kNoMethod);
  EXPECT_EQ(allowed_, "DELETE");
}

TEST_F(RouterTest, HeadFallsBackToGet) {
  ASSERT_EQ(Find("HEAD", "/healthz"), Router::Match::kFound);
  EXPECT_EQ(id_, 0u);
}

TEST_F(RouterTest, NoPath) {
  EXPECT_EQ(Find("GET", "/healthz/"), Router::Match::kNoPath);
  EXPECT_EQ(Find("GET", "/api/v1/admin"), Router::Match::kNoPath);           // inner node, no route
  EXPECT_EQ(Find("DELETE", "/api/v1/admin/keys/"), Router::Match::kNoPath);  // empty parameter
  EXPECT_EQ(Find("GET", "/nope"), Router::Match::kNoPath);
  EXPECT_EQ(Find("GET", ""), Router::Match::kNoPath);
}

}  // namespace
}  // namespace quell::api
