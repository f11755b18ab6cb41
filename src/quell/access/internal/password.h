// Password hashing for portal users: argon2id through libsodium's
// crypto_pwhash_str_alg, at the "interactive" limits (2 passes, 64 MiB). The
// result is a PHC string ("$argon2id$v=19$m=65536,t=2,p=1$<salt>$<hash>") that
// carries its own salt and parameters, so old hashes keep verifying after the
// limits change.
//
// Each hash takes ~64 MiB for tens of milliseconds on the calling thread. At
// most half the cores hash at once (at least one): HashPassword and
// VerifyPassword wait for a free slot; TryVerifyPassword, used by logins on the
// HTTP I/O threads, does not wait but answers Unavailable, so a flood of logins
// cannot stall every I/O thread or exhaust memory.
//
// Thread-safety: all functions are thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "quell/core/status.h"

namespace quell::access::internal {

// Hashes `password` with a fresh random salt. Internal if libsodium fails (it
// only does when memory runs out).
Result<std::string> HashPassword(std::string_view password);

// True if `password` matches `hash` (a string from HashPassword). False for a
// wrong password and for a malformed hash.
bool VerifyPassword(std::string_view hash, std::string_view password);

// As VerifyPassword, but Unavailable at once when every hashing slot is busy.
Result<bool> TryVerifyPassword(std::string_view hash, std::string_view password);

// True if `hash` was made with other parameters than HashPassword uses now, so a
// successful login should store a fresh hash.
bool PasswordNeedsRehash(std::string_view hash);

}  // namespace quell::access::internal
