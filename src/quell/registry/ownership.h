// Ownership: a person proves they hold a number by a one-time code sent to it
// by SMS (through notify), before they may register, inspect, change or remove
// that number's registration (India's web OTP; DESIGN.md "Non-negotiables").
//
//   SendCode(number, client)      -> a 6-digit code goes to the number
//   Confirm(number, code, client) -> a token proving the number for token_ttl
//   NumberOf(token)               -> the number the token proves
//
// No enumeration oracle: SendCode answers the same whether the number is
// registered or not (it never looks), and Confirm fails with one message for a
// wrong, expired or never-sent code. Limits: codes expire after code_ttl; a code
// allows max_attempts guesses, then it is void; codes per number and per client
// (IP address) are limited per window (ResourceExhausted -> 429); failed
// confirmations count against the client too.
//
// Codes and tokens are stored as salted SHA-256, never in clear; the SMS holds
// the code. Tables: dnc_codes, dnc_code_events, dnc_tokens (module "registry").
//
// Thread-safety: all methods are thread-safe.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "quell/core/clock.h"
#include "quell/core/phone_number.h"
#include "quell/core/status.h"

namespace quell::store {
class Store;
}
namespace quell::notify {
class Notifier;
}

namespace quell::registry {

struct OwnershipOptions {
  std::chrono::seconds code_ttl{std::chrono::minutes(10)};
  int max_attempts = 5;  // guesses per code
  std::chrono::seconds window{std::chrono::hours(1)};
  int max_codes_per_number = 3;      // per window
  int max_codes_per_client = 10;     // per window
  int max_failures_per_client = 20;  // wrong codes per window
  std::chrono::seconds token_ttl{std::chrono::minutes(15)};
};

class Ownership {
 public:
  virtual ~Ownership() = default;
  // Needs the registry schema (Registry::Open migrates it) on `store`.
  static Result<std::unique_ptr<Ownership>> Open(store::Store& store, Clock& clock,
                                                 notify::Notifier& notifier,
                                                 OwnershipOptions options = {});

  // Sends a new code to `number` (replacing any earlier one). ResourceExhausted
  // when the number or the client asked too often in the window.
  virtual Status SendCode(PhoneNumber number, std::string_view client) = 0;
  // A token for `number` when `code` is its current code. Unauthenticated
  // ("wrong or expired code") otherwise; ResourceExhausted for a client with
  // too many failures.
  virtual Result<std::string> Confirm(PhoneNumber number, std::string_view code,
                                      std::string_view client) = 0;
  // How long a token from Confirm stays valid.
  virtual std::chrono::seconds token_ttl() const = 0;
  // Unauthenticated for an unknown or expired token.
  virtual Result<PhoneNumber> NumberOf(std::string_view token) = 0;
  // Ends a token (logout). Unknown tokens are fine.
  virtual Status Revoke(std::string_view token) = 0;
  // Deletes expired codes, tokens and old rate-limit events.
  virtual Status Purge() = 0;
};

}  // namespace quell::registry
