#include "quell/api/router.h"

#include <cstdio>
#include <cstdlib>
#include <map>

namespace quell::api {

std::string_view PathParams::Get(std::string_view name) const {
  for (const auto& [n, v] : items_) {
    if (n == name) return v;
  }
  return {};
}

struct Router::Node {
  std::map<std::string, std::unique_ptr<Node>, std::less<>> literal;
  std::unique_ptr<Node> param;
  std::string param_name;
  std::map<std::string, std::size_t, std::less<>> methods;  // method -> route id
};

Router::Router() : root_(std::make_unique<Node>()) {}
Router::~Router() = default;
Router::Router(Router&&) noexcept = default;
Router& Router::operator=(Router&&) noexcept = default;

namespace {

// Splits "/a/b/c" into segments; the root path "/" has none.
std::vector<std::string_view> Segments(std::string_view path) {
  std::vector<std::string_view> out;
  if (path.empty() || path == "/") return out;
  std::string_view rest = path.substr(path[0] == '/' ? 1 : 0);
  while (true) {
    const std::size_t j = rest.find('/');
    if (j == std::string_view::npos) {
      out.push_back(rest);
      return out;
    }
    out.push_back(rest.substr(0, j));
    rest.remove_prefix(j + 1);
  }
}

}  // namespace

void Router::Add(std::string_view method, std::string_view pattern, std::size_t id) {
  Node* n = root_.get();
  for (std::string_view seg : Segments(pattern)) {
    if (seg.size() >= 2 && seg.front() == '{' && seg.back() == '}') {
      const std::string name(seg.substr(1, seg.size() - 2));
      if (!n->param) {
        n->param = std::make_unique<Node>();
        n->param_name = name;
      } else if (n->param_name != name) {
        std::fprintf(stderr, "router: conflicting parameter names at %.*s\n",
                     static_cast<int>(pattern.size()), pattern.data());
        std::abort();
      }
      n = n->param.get();
    } else {
      auto it = n->literal.find(seg);
      if (it == n->literal.end()) {
        it = n->literal.emplace(std::string(seg), std::make_unique<Node>()).first;
      }
      n = it->second.get();
    }
  }
  if (!n->methods.emplace(std::string(method), id).second) {
    std::fprintf(stderr, "router: duplicate route %.*s %.*s\n", static_cast<int>(method.size()),
                 method.data(), static_cast<int>(pattern.size()), pattern.data());
    std::abort();
  }
}

Router::Match Router::Find(std::string_view method, std::string_view path, std::size_t* id,
                           PathParams* params, std::string* allowed) const {
  params->clear();
  if (path.empty() || path[0] != '/') return Match::kNoPath;
  const Node* n = root_.get();
  // (param owner, value), without an allocation: routes have few parameters.
  constexpr std::size_t kMaxParams = 8;
  std::pair<const Node*, std::string_view> bound[kMaxParams];
  std::size_t bound_count = 0;
  // The segments of "/a/b/c" one by one; the root path "/" has none.
  std::string_view rest = path.substr(1);
  for (bool more = path != "/"; more;) {
    const std::size_t j = rest.find('/');
    const std::string_view seg = rest.substr(0, j);
    more = j != std::string_view::npos;
    if (more) rest.remove_prefix(j + 1);
    auto it = n->literal.find(seg);
    if (it != n->literal.end()) {
      n = it->second.get();
    } else if (n->param && !seg.empty() && bound_count < kMaxParams) {
      bound[bound_count++] = {n, seg};
      n = n->param.get();
    } else {
      return Match::kNoPath;
    }
  }
  if (n->methods.empty()) return Match::kNoPath;
  auto m = n->methods.find(method);
  if (m == n->methods.end() && method == "HEAD") m = n->methods.find("GET");
  if (m == n->methods.end()) {
    allowed->clear();
    for (const auto& [name, unused] : n->methods) {
      if (!allowed->empty()) *allowed += ", ";
      *allowed += name;
    }
    return Match::kNoMethod;
  }
  for (std::size_t i = 0; i < bound_count; ++i) {
    params->Add(bound[i].first->param_name, std::string(bound[i].second));
  }
  *id = m->second;
  return Match::kFound;
}

}  // namespace quell::api
