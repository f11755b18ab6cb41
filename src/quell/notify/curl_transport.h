// CurlTransport: the production Transport, on libcurl (kept out of this header).
//
// Each Post uses its own easy handle, so one transport serves many threads.
// Redirects are not followed (a 3xx is a permanent failure), only http and https
// are allowed, and the system CA store verifies HTTPS peers. The proxy settings
// of the environment (https_proxy, no_proxy, ...) apply, as for any libcurl
// client. Error messages quote at most 200 bytes of the peer's answer.
#pragma once

#include <memory>

#include "quell/notify/notify.h"

namespace quell::notify {

// A new libcurl-backed transport. Initialises libcurl once per process.
std::unique_ptr<Transport> NewCurlTransport();

}  // namespace quell::notify
