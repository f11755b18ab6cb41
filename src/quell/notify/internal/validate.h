// Checks shared by OptionsFromConfig, Notifier::Open and Enqueue.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "quell/core/status.h"
#include "quell/notify/notify.h"

namespace quell::notify::internal {

// InvalidArgument for the first inconsistent option. `where(key)` prefixes the
// message (e.g. "quell.toml:12: "); keys are those of the [notify] table.
Status CheckOptions(const Options& options,
                    const std::function<std::string(std::string_view key)>& where);

// True for "+" followed by 7 to 15 digits, the first not 0.
bool IsE164(std::string_view s);

// True if `s` is well-formed UTF-8 (no overlongs, surrogates or values > U+10FFFF).
bool IsValidUtf8(std::string_view s);

// True if `s` holds no byte below 0x20 (tab included) and no DEL: safe in a header.
bool IsHeaderSafe(std::string_view s);

}  // namespace quell::notify::internal
