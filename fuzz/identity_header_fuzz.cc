// ParseIdentityHeader on arbitrary input: never crashes, every rejection says
// why, and what it accepts rebuilds into a header that parses to the same value.
// The JWS inside is decoded too, as a verifier would.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "quell/shaken/identity_header.h"
#include "quell/shaken/passport.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  auto parsed = quell::shaken::ParseIdentityHeader(input);
  if (!parsed) {
    if (parsed.status().message().empty()) std::abort();
    return 0;
  }
  if (parsed->alg != "ES256" || (parsed->ppt != "shaken" && parsed->ppt != "div") ||
      parsed->info.empty()) {
    std::abort();
  }
  auto built = quell::shaken::BuildIdentityHeader(*parsed);
  if (!built) std::abort();
  auto again = quell::shaken::ParseIdentityHeader(*built);
  if (!again || again->jws != parsed->jws || again->info != parsed->info ||
      again->ppt != parsed->ppt) {
    std::abort();
  }
  auto passport = quell::shaken::DecodeCompactJws(parsed->jws);
  if (!passport && passport.status().message().empty()) std::abort();
  return 0;
}
