// The [sip] section of quell.toml: the SIP screening front of `quell serve`.
#pragma once

#include <string_view>

#include "quell/core/config.h"
#include "quell/core/status.h"
#include "quell/sip/server.h"

namespace quell::cli {

// Reads and checks [sip]; `listen_flag` (--sip HOST:PORT) overrides sip.listen.
Result<sip::SipServerOptions> SipOptionsFrom(const Config& config, std::string_view listen_flag);

}  // namespace quell::cli
