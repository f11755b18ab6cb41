#include "quell/access/internal/password.h"

#include <sodium.h>

#include <algorithm>
#include <semaphore>
#include <thread>

namespace quell::access::internal {
namespace {

constexpr unsigned long long kOpsLimit = crypto_pwhash_OPSLIMIT_INTERACTIVE;
constexpr size_t kMemLimit = crypto_pwhash_MEMLIMIT_INTERACTIVE;
constexpr int kAlgorithm = crypto_pwhash_ALG_ARGON2ID13;

bool SodiumReady() {
  static const bool ready = sodium_init() >= 0;
  return ready;
}

// Bounds the memory held by concurrent hashes (kMemLimit each).
std::counting_semaphore<>& HashSlots() {
  static std::counting_semaphore<> slots(
      static_cast<std::ptrdiff_t>(std::clamp(std::thread::hardware_concurrency() / 2, 1u, 8u)));
  return slots;
}

class SlotGuard {
 public:
  SlotGuard() { HashSlots().acquire(); }
  ~SlotGuard() { HashSlots().release(); }
  SlotGuard(const SlotGuard&) = delete;
  SlotGuard& operator=(const SlotGuard&) = delete;
};

}  // namespace

Result<std::string> HashPassword(std::string_view password) {
  if (!SodiumReady()) return Internal("libsodium failed to initialise");
  char out[crypto_pwhash_STRBYTES];
  SlotGuard slot;
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), kOpsLimit, kMemLimit,
                            kAlgorithm) != 0) {
    return Internal("password hashing failed (out of memory)");
  }
  return std::string(out);
}

bool VerifyPassword(std::string_view hash, std::string_view password) {
  if (!SodiumReady() || hash.empty() || hash.size() >= crypto_pwhash_STRBYTES) return false;
  // libsodium reads the hash as a NUL-terminated string.
  std::string terminated(hash);
  SlotGuard slot;
  return crypto_pwhash_str_verify(terminated.c_str(), password.data(), password.size()) == 0;
}

Result<bool> TryVerifyPassword(std::string_view hash, std::string_view password) {
  if (!SodiumReady() || hash.empty() || hash.size() >= crypto_pwhash_STRBYTES) return false;
  std::string terminated(hash);
  if (!HashSlots().try_acquire()) {
    return Unavailable("the server is busy checking other logins; try again in a moment");
  }
  const bool ok =
      crypto_pwhash_str_verify(terminated.c_str(), password.data(), password.size()) == 0;
  HashSlots().release();
  return ok;
}

bool PasswordNeedsRehash(std::string_view hash) {
  if (!SodiumReady() || hash.size() >= crypto_pwhash_STRBYTES) return true;
  std::string terminated(hash);
  return crypto_pwhash_str_needs_rehash(terminated.c_str(), kOpsLimit, kMemLimit) != 0;
}

}  // namespace quell::access::internal
