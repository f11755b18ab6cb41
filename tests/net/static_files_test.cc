#include "quell/net/static_files.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

namespace quell::net {
namespace {

class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = ::testing::TempDir() + "quell_static_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    base_ = tmpl;
    root_ = base_ + "/web";
    ASSERT_EQ(mkdir(root_.c_str(), 0755), 0);
    ASSERT_EQ(mkdir((root_ + "/docs").c_str(), 0755), 0);
    Write("/index.html", "<h1>home</h1>");
    Write("/docs/index.html", "<h1>docs</h1>");
    Write("/app.js", "export {};");
    Write("/mod.mjs", "export {};");
    Write("/style.css", "body{}");
    Write("/data.json", "{}");
    Write("/logo.svg", "<svg/>");
    Write("/img.png", "PNG");
    Write("/photo.jpg", "JPG");
    Write("/favicon.ico", "ICO");
    Write("/font.woff2", "WOFF");
    Write("/robots.txt", "User-agent: *");
    Write("/app.js.map", "{}");
    Write("/site.webmanifest", "{}");
    Write("/.env", "SECRET=1");
    std::ofstream(base_ + "/outside.txt") << "outside";
    ASSERT_EQ(symlink((base_ + "/outside.txt").c_str(), (root_ + "/escape.txt").c_str()), 0);
    ASSERT_EQ(symlink((base_).c_str(), (root_ + "/up").c_str()), 0);
    ASSERT_EQ(symlink((root_ + "/app.js").c_str(), (root_ + "/alias.js").c_str()), 0);
  }

  void Write(const std::string& rel, const std::string& content) {
    std::ofstream(root_ + rel, std::ios::binary | std::ios::trunc) << content;
  }

  static HttpRequest Get(const std::string& path, const std::string& method = "GET") {
    HttpRequest req;
    req.method = method;
    req.path = path;
    req.target = path;
    return req;
  }

  bool Serve(const HttpRequest& req, HttpResponse& res) {
    return StaticFiles(root_).Serve(req, res);
  }

  std::string base_, root_;
};

TEST_F(StaticFilesTest, ServesFilesWithContentTypes) {
  const std::pair<const char*, const char*> cases[] = {
      {"/app.js", "text/javascript; charset=utf-8"},
      {"/mod.mjs", "text/javascript; charset=utf-8"},
      {"/style.css", "text/css; charset=utf-8"},
      {"/data.json", "application/json"},
      {"/logo.svg", "image/svg+xml"},
      {"/img.png", "image/png"},
      {"/photo.jpg", "image/jpeg"},
      {"/favicon.ico", "image/x-icon"},
      {"/font.woff2", "font/woff2"},
      {"/robots.txt", "text/plain; charset=utf-8"},
      {"/app.js.map", "application/json"},
      {"/site.webmanifest", "application/manifest+json"},
      {"/index.html", "text/html; charset=utf-8"},
  };
  StaticFiles files(root_);
  for (const auto& [path, type] : cases) {
    HttpResponse res;
    ASSERT_TRUE(files.Serve(Get(path), res)) << path;
    EXPECT_EQ(res.status, 200) << path;
    EXPECT_EQ(res.GetHeader("Content-Type"), type) << path;
    EXPECT_EQ(res.GetHeader("X-Content-Type-Options"), "nosniff");
    EXPECT_FALSE(res.GetHeader("ETag").empty());
    EXPECT_NE(res.GetHeader("Last-Modified").find(" GMT"), std::string::npos);
  }
  EXPECT_EQ(StaticFiles::ContentType("A.PNG"), "image/png");
  EXPECT_EQ(StaticFiles::ContentType("noext"), "application/octet-stream");
}

TEST_F(StaticFilesTest, CacheControlByKind) {
  HttpResponse res;
  ASSERT_TRUE(Serve(Get("/index.html"), res));
  EXPECT_EQ(res.GetHeader("Cache-Control"), "no-cache");
  ASSERT_TRUE(Serve(Get("/app.js"), res));
  EXPECT_EQ(res.GetHeader("Cache-Control"), "public, max-age=3600");
  EXPECT_EQ(res.body, "export {};");
}

TEST_F(StaticFilesTest, DirectoriesMapToIndexHtml) {
  HttpResponse res;
  ASSERT_TRUE(Serve(Get("/"), res));
  EXPECT_EQ(res.body, "<h1>home</h1>");
  EXPECT_EQ(res.GetHeader("Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(res.GetHeader("Cache-Control"), "no-cache");
  ASSERT_TRUE(Serve(Get("/docs/"), res));
  EXPECT_EQ(res.body, "<h1>docs</h1>");
  ASSERT_TRUE(Serve(Get("/docs"), res));
  EXPECT_EQ(res.body, "<h1>docs</h1>");
}

TEST_F(StaticFilesTest, ETagRevalidationGives304) {
  StaticFiles files(root_);
  HttpResponse first;
  ASSERT_TRUE(files.Serve(Get("/style.css"), first));
  const std::string etag(first.GetHeader("ETag"));
  ASSERT_EQ(etag.front(), '"');

  HttpRequest again = Get("/style.css");
  again.headers = {{"if-none-match", "\"other\", " + etag}};
  HttpResponse res;
  ASSERT_TRUE(files.Serve(again, res));
  EXPECT_EQ(res.status, 304);
  EXPECT_TRUE(res.body.empty());
  EXPECT_EQ(res.GetHeader("ETag"), etag);

  again.headers = {{"if-none-match", "W/" + etag}};
  ASSERT_TRUE(files.Serve(again, res));
  EXPECT_EQ(res.status, 304);

  again.headers = {{"if-none-match", "\"stale\""}};
  ASSERT_TRUE(files.Serve(again, res));
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body, "body{}");

  again.headers = {{"if-modified-since", std::string(first.GetHeader("Last-Modified"))}};
  ASSERT_TRUE(files.Serve(again, res));
  EXPECT_EQ(res.status, 304);
}

TEST_F(StaticFilesTest, ChangedFileIsServedFresh) {
  StaticFiles files(root_);
  HttpResponse res;
  ASSERT_TRUE(files.Serve(Get("/data.json"), res));
  const std::string etag(res.GetHeader("ETag"));
  Write("/data.json", R"({"changed":true})");
  ASSERT_TRUE(files.Serve(Get("/data.json"), res));
  EXPECT_EQ(res.body, R"({"changed":true})");
  EXPECT_NE(res.GetHeader("ETag"), etag);
}

TEST_F(StaticFilesTest, HeadIsServedLikeGet) {
  HttpResponse res;
  ASSERT_TRUE(Serve(Get("/app.js", "HEAD"), res));
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body, "export {};");  // the server sends only its length
}

TEST_F(StaticFilesTest, RefusesWhatIsNotAFileUnderTheRoot) {
  const char* refused[] = {
      "/missing.js",
      "/../outside.txt",
      "/docs/../../outside.txt",
      "/.env",
      "/escape.txt",
      "/up/outside.txt",
      "/docs/x/..",
      "/app.js/",
      "relative",
      "/a\\..\\outside.txt",
  };
  for (const char* path : refused) {
    HttpResponse res;
    res.status = 999;
    EXPECT_FALSE(Serve(Get(path), res)) << path;
    EXPECT_EQ(res.status, 999) << "response touched for " << path;
  }
  HttpResponse res;
  EXPECT_FALSE(Serve(Get(std::string("/app.js\0x", 9)), res));
  EXPECT_FALSE(Serve(Get("/app.js", "POST"), res));
  EXPECT_FALSE(StaticFiles(base_ + "/does-not-exist").Serve(Get("/"), res));
}

TEST_F(StaticFilesTest, SymlinkResolvingInsideRootIsServed) {
  HttpResponse res;
  ASSERT_TRUE(Serve(Get("/alias.js"), res));
  EXPECT_EQ(res.body, "export {};");
  ASSERT_TRUE(Serve(Get("/up/web/app.js"), res));  // leaves the root, lands back inside
  EXPECT_EQ(res.body, "export {};");
}

}  // namespace
}  // namespace quell::net
