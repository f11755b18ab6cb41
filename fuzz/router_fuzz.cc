// Route lookup on arbitrary method and path.
#include <cstdlib>
#include <string>
#include <string_view>

#include "quell/api/router.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const quell::api::Router* router = [] {
    auto* r = new quell::api::Router();
    r->Add("GET", "/", 0);
    r->Add("GET", "/healthz", 1);
    r->Add("GET", "/api/v1/admin/keys", 2);
    r->Add("DELETE", "/api/v1/admin/keys/{id}", 3);
    r->Add("POST", "/api/v1/admin/notices/{id}/retry", 4);
    r->Add("GET", "/api/v1/admin/keys/{id}/uses", 5);
    return r;
  }();
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t split = input.find(' ');
  const std::string_view method = split == std::string_view::npos ? "GET" : input.substr(0, split);
  const std::string_view path = split == std::string_view::npos ? input : input.substr(split + 1);
  std::size_t id = 99;
  quell::api::PathParams params;
  std::string allowed;
  const auto m = router->Find(method, path, &id, &params, &allowed);
  if (m == quell::api::Router::Match::kFound && id > 5) std::abort();
  if (m == quell::api::Router::Match::kNoMethod && allowed.empty()) std::abort();
  return 0;
}
