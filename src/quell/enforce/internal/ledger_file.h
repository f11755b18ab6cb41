// Reading and writing the ledger file: a sequential frame scanner (bounded memory
// whatever the file's size) and small-file helpers for keys and the salt.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "quell/core/status.h"

namespace quell::enforce::internal {

struct ScanEnd {
  enum Kind { kClean, kTorn, kBad } kind = kClean;
  uint64_t offset = 0;  // where the good frames end (the torn or bad frame's offset)
  std::string reason;   // kBad: why
};

// Reads the frames of the ledger file open at `fd` from its header on. Calls
// `on_frame(offset, body)` for each good frame; a false return stops the scan
// (the result is then kClean at the next offset). `progress` (optional) gets the
// bytes read now and then. Errors: I/O, or a file that is not a ledger.
Result<ScanEnd> ScanFrames(int fd, const std::function<bool(uint64_t, std::string_view)>& on_frame,
                           const std::function<void(uint64_t)>& progress = {});

// Writes `bytes` to `path` atomically (temporary file, fsync, rename) with `mode`.
Status WriteFileAtomic(const std::string& path, std::string_view bytes, unsigned mode);
Result<std::string> ReadSmallFile(const std::string& path);

}  // namespace quell::enforce::internal
