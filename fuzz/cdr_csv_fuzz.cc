// The CSV CDR reader (events/cdr_reader.h) on arbitrary bytes; see cdr_fuzz_common.h.
#include "cdr_fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  quell::fuzz::CheckCdr(quell::events::CdrFormat::kCsv, data, size);
  return 0;
}
