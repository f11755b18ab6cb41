// PhoneNumber::Parse on arbitrary input: never crashes, and what it accepts
// round-trips through the compact form.
#include <cstdlib>
#include <string_view>

#include "quell/core/phone_number.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  for (const char* region : {"CN", "US", "ZZ"}) {
    auto n = quell::PhoneNumber::Parse(input, region);
    if (n) {
      auto back = quell::PhoneNumber::FromCompact(n->compact());
      if (!back || back->E164() != n->E164() || !back->IsValid()) std::abort();
      (void)n->National();
      (void)n->Type();
    } else if (n.status().message().empty()) {
      std::abort();  // every rejection says why
    }
    (void)quell::PhoneNumber::ParsePossible(input, region);
  }
  return 0;
}
