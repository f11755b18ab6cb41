// The request-target, query and cookie parsing every HTTP request goes through.
#include <cstdlib>
#include <string>
#include <string_view>

#include "quell/net/http.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  quell::net::HttpRequest req;
  if (quell::net::SplitTarget(input, req.path, req.query)) {
    if (req.path.empty() || req.path[0] != '/') std::abort();
    if (req.path.find('\0') != std::string::npos) std::abort();
  }
  std::string decoded;
  (void)quell::net::PercentDecode(input, decoded, true);
  req.query = std::string(input);
  req.headers.emplace_back("cookie", std::string(input));
  (void)req.QueryParam("status");
  (void)req.Cookie("quell_session");
  std::string escaped;
  quell::net::AppendJsonEscaped(escaped, input);
  for (unsigned char c : escaped) {
    if (c < 0x20) std::abort();  // control characters are always escaped
  }
  return 0;
}
