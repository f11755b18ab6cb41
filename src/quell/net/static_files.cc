#include "quell/net/static_files.h"

#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>

namespace quell::net {
namespace {

constexpr uint64_t kMaxCachedFile = 1 << 20;
constexpr uint64_t kMaxCachedTotal = 64 << 20;

// realpath(3) into a std::string; empty if the path does not resolve.
std::string RealPath(const std::string& path) {
  char buf[PATH_MAX];
  if (realpath(path.c_str(), buf) == nullptr) return {};
  return buf;
}

// Rejects what must never reach the file system: "..", hidden segments, NULs,
// backslashes (no meaning on POSIX, but a classic traversal spelling).
bool IsSafeRequestPath(std::string_view path) {
  if (path.empty() || path.front() != '/') return false;
  if (path.find('\0') != std::string_view::npos || path.find('\\') != std::string_view::npos) {
    return false;
  }
  std::size_t pos = 1;
  while (pos <= path.size()) {
    const std::size_t end = std::min(path.find('/', pos), path.size());
    const std::string_view segment = path.substr(pos, end - pos);
    if (!segment.empty() && segment.front() == '.') return false;
    pos = end + 1;
  }
  return true;
}

bool ReadWhole(int fd, uint64_t size, std::string& out) {
  out.resize(size);
  uint64_t done = 0;
  while (done < size) {
    const ssize_t n = read(fd, out.data() + done, size - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<uint64_t>(n);
  }
  return true;
}

// If-None-Match: a list of entity tags or "*"; weak comparison (W/ ignored), as
// RFC 9110 §13.1.2 asks for GET.
bool ETagMatches(std::string_view header, std::string_view etag) {
  while (!header.empty()) {
    const std::size_t comma = header.find(',');
    std::string_view tag = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    while (!tag.empty() && (tag.front() == ' ' || tag.front() == '\t')) tag.remove_prefix(1);
    while (!tag.empty() && (tag.back() == ' ' || tag.back() == '\t')) tag.remove_suffix(1);
    if (tag == "*") return true;
    if (tag.substr(0, 2) == "W/") tag.remove_prefix(2);
    if (tag == etag) return true;
  }
  return false;
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace

StaticFiles::StaticFiles(std::string root_dir) : root_(std::move(root_dir)) {}

std::string_view StaticFiles::ContentType(std::string_view file_name) {
  const std::size_t slash = file_name.rfind('/');
  const std::string_view base =
      slash == std::string_view::npos ? file_name : file_name.substr(slash + 1);
  const std::size_t dot = base.rfind('.');
  if (dot == std::string_view::npos) return "application/octet-stream";
  std::string ext(base.substr(dot + 1));
  for (char& c : ext) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  }
  static const std::unordered_map<std::string_view, std::string_view> kTypes = {
      {"html", "text/html; charset=utf-8"},
      {"htm", "text/html; charset=utf-8"},
      {"js", "text/javascript; charset=utf-8"},
      {"mjs", "text/javascript; charset=utf-8"},
      {"css", "text/css; charset=utf-8"},
      {"txt", "text/plain; charset=utf-8"},
      {"csv", "text/csv; charset=utf-8"},
      {"json", "application/json"},
      {"map", "application/json"},
      {"webmanifest", "application/manifest+json"},
      {"svg", "image/svg+xml"},
      {"png", "image/png"},
      {"jpg", "image/jpeg"},
      {"jpeg", "image/jpeg"},
      {"gif", "image/gif"},
      {"webp", "image/webp"},
      {"ico", "image/x-icon"},
      {"woff2", "font/woff2"},
      {"woff", "font/woff"},
      {"wasm", "application/wasm"},
  };
  const auto it = kTypes.find(ext);
  return it == kTypes.end() ? std::string_view("application/octet-stream") : it->second;
}

bool StaticFiles::Serve(const HttpRequest& req, HttpResponse& res) const {
  if (req.method != "GET" && req.method != "HEAD") return false;
  if (!IsSafeRequestPath(req.path)) return false;
  const std::string root = RealPath(root_);
  if (root.empty()) return false;

  std::string path = root + req.path;
  if (path.back() == '/') path += "index.html";
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) return false;
  if (S_ISDIR(st.st_mode)) path += "/index.html";

  // Symlinks may point anywhere; only what resolves inside the root is served.
  const std::string resolved = RealPath(path);
  if (resolved.size() <= root.size() || resolved.compare(0, root.size(), root) != 0 ||
      (root != "/" && resolved[root.size()] != '/')) {
    return false;
  }
  const std::shared_ptr<const File> file = Load(resolved);
  if (file == nullptr) return false;

  res.headers.clear();
  res.SetHeader("Content-Type", ContentType(resolved));
  res.SetHeader("ETag", file->etag);
  res.SetHeader("Last-Modified", file->last_modified);
  res.SetHeader("Cache-Control", EndsWith(resolved, ".html") ? "no-cache" : "public, max-age=3600");
  res.SetHeader("X-Content-Type-Options", "nosniff");

  const std::string_view if_none_match = req.Header("if-none-match");
  const bool not_modified = !if_none_match.empty()
                                ? ETagMatches(if_none_match, file->etag)
                                : req.Header("if-modified-since") == file->last_modified;
  if (not_modified) {
    res.status = 304;
    res.body.clear();
  } else {
    res.status = 200;
    res.body = file->content;
  }
  return true;
}

std::shared_ptr<const StaticFiles::File> StaticFiles::Load(const std::string& resolved) const {
  const int fd = open(resolved.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return nullptr;
  struct stat st {};
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    return nullptr;
  }
  const auto size = static_cast<uint64_t>(st.st_size);
  const int64_t mtime_ns =
      static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
  {
    std::lock_guard<std::mutex> lock(mu_);
    const auto it = cache_.find(resolved);
    if (it != cache_.end() && it->second->size == size && it->second->mtime_ns == mtime_ns) {
      close(fd);
      return it->second;
    }
  }
  auto file = std::make_shared<File>();
  file->size = size;
  file->mtime_ns = mtime_ns;
  const bool ok = ReadWhole(fd, size, file->content);
  close(fd);
  if (!ok) return nullptr;
  char etag[64];
  std::snprintf(etag, sizeof(etag), "\"%llx-%llx\"", static_cast<unsigned long long>(size),
                static_cast<unsigned long long>(mtime_ns));
  file->etag = etag;
  file->last_modified = FormatHttpDate(st.st_mtim.tv_sec);

  if (size <= kMaxCachedFile) {
    std::lock_guard<std::mutex> lock(mu_);
    auto& slot = cache_[resolved];
    if (slot != nullptr) cached_bytes_ -= slot->size;
    if (cached_bytes_ + size <= kMaxCachedTotal) {
      slot = file;
      cached_bytes_ += size;
    } else {
      cache_.erase(resolved);
    }
  }
  return file;
}

}  // namespace quell::net
