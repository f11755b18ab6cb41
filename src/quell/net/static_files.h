// StaticFiles: serves the portal's files (web/) from a directory, for the `api`
// module's catch-all route.
//
//   net::StaticFiles files("/usr/share/quell/web");
//   if (!files.Serve(req, res)) NotFound(res);  // the app answers 404 in JSON
//
// GET and HEAD only. "/" and directory paths map to their index.html. A path
// with a ".." segment, a segment starting with '.' (".git", ".env"), a NUL byte,
// or that resolves (through symlinks) outside the root is not served. Responses
// carry Content-Type by extension (text types with charset=utf-8), ETag (size and
// mtime), Last-Modified, X-Content-Type-Options: nosniff and Cache-Control:
// "no-cache" for .html (always revalidated), "public, max-age=3600" otherwise.
// If-None-Match matching the ETag (or If-Modified-Since equal to Last-Modified)
// yields 304 without a body.
//
// Files up to 1 MiB are cached in memory, keyed by resolved path and revalidated
// against size and mtime on every request, so edits show up at once.
// Thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "quell/net/http.h"

namespace quell::net {

class StaticFiles {
 public:
  // `root_dir` need not exist yet; nothing is served while it does not.
  explicit StaticFiles(std::string root_dir);

  // Fills `res` (status 200 or 304, headers, body) and returns true if `req` is a
  // GET/HEAD for a file under the root; otherwise leaves `res` untouched and
  // returns false.
  bool Serve(const HttpRequest& req, HttpResponse& res) const;

  // Content-Type for a file name by its extension ("app.js" ->
  // "text/javascript; charset=utf-8"); "application/octet-stream" if unknown.
  static std::string_view ContentType(std::string_view file_name);

 private:
  struct File {
    uint64_t size = 0;
    int64_t mtime_ns = 0;
    std::string etag;
    std::string last_modified;
    std::string content;
  };

  std::shared_ptr<const File> Load(const std::string& resolved_path) const;

  std::string root_;
  mutable std::mutex mu_;
  mutable std::unordered_map<std::string, std::shared_ptr<const File>> cache_;  // by resolved path
  mutable uint64_t cached_bytes_ = 0;
};

}  // namespace quell::net
