// Router: maps (method, path) to a route, with path parameters.
//
// Patterns are literal segments and `{name}` parameters, one segment each:
//   "/api/v1/admin/keys/{id}". Matching is exact (no prefixes, no trailing slash
// folding) and independent of the order routes were added: literal segments win
// over parameters. Asio-free (fuzzed with clang).
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace quell::api {

// Path parameters of a matched route, in pattern order.
class PathParams {
 public:
  void Add(std::string_view name, std::string value) {
    items_.emplace_back(name, std::move(value));
  }
  // Value of parameter `name`, or "" if the pattern has none of that name.
  std::string_view Get(std::string_view name) const;
  std::size_t size() const { return items_.size(); }
  void clear() { items_.clear(); }

 private:
  std::vector<std::pair<std::string_view, std::string>> items_;
};

class Router {
 public:
  // What a lookup found.
  enum class Match { kFound, kNoPath, kNoMethod };

  Router();
  ~Router();
  Router(Router&&) noexcept;
  Router& operator=(Router&&) noexcept;

  // Adds a route; `id` is returned by Find. A second route with the same method
  // and an equivalent pattern is a programming error (QUELL_CHECK-style abort).
  void Add(std::string_view method, std::string_view pattern, std::size_t id);

  // Finds the route for `method` and `path` (decoded, without query). On kFound
  // sets *id and fills params; on kNoMethod fills *allowed with the methods the
  // path does accept (for the 405 Allow header).
  Match Find(std::string_view method, std::string_view path, std::size_t* id, PathParams* params,
             std::string* allowed) const;

 private:
  struct Node;
  std::unique_ptr<Node> root_;
};

}  // namespace quell::api
