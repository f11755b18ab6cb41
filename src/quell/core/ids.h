// Identifiers and secrets.
//
// NewId() gives a random RFC 4122 version-4 UUID in its canonical lower-case text
// form, for records that other systems may quote (cases, notices, keys). Secrets
// (session tokens, API keys, one-time codes) come from RandomToken(), which reads
// the kernel's CSPRNG. All functions are thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace quell {

// Random version-4 UUID, e.g. "3f2b8c1e-9d4a-4f6b-8e2a-1c0d9e8f7a6b".
std::string NewId();

// True if `s` is a UUID in canonical text form (any version).
bool IsUuid(std::string_view s);

// `bytes` random bytes encoded as base64url without padding (43 chars for 32 bytes).
std::string RandomToken(std::size_t bytes = 32);

// Uniform random integer in [0, bound) from the CSPRNG. bound > 0.
uint64_t RandomBelow(uint64_t bound);

// Fills `out` with `n` bytes from the CSPRNG (getrandom(2)); aborts only if the
// kernel refuses, which cannot happen after boot.
void RandomBytes(void* out, std::size_t n);

// Lower-case hex encoding.
std::string HexEncode(std::string_view bytes);

// SHA-256 of `data` as 32 raw bytes.
std::string Sha256(std::string_view data);
// The same into `out` (32 bytes), without an allocation: for hot paths.
void Sha256(std::string_view data, unsigned char* out);

// Compares two strings in time independent of where they first differ.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace quell
