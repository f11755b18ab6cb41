// Status and Result<T>: Quell's one error model.
//
// Every fallible function returns a Status (no value) or a Result<T> (a value or a
// Status). No exceptions cross a module boundary; library exceptions are caught in
// the adapter that calls the library. Messages are written for the person who has
// to act on them: "line 1043: '+86 1380013' is not a valid number for region CN",
// not "parse error".
//
//   Result<PhoneNumber> n = PhoneNumber::Parse(text, "CN");
//   if (!n) return n.status();
//   QUELL_ASSIGN_OR_RETURN(auto user, users.Find(id));
//
// Status codes are few and map once to HTTP (api) and SIP (sip).
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include <tl/expected.hpp>

namespace quell {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,     // the caller sent something wrong; retrying the same will fail
  kNotFound,            // the thing named does not exist
  kAlreadyExists,       // a create collided with an existing thing
  kUnauthenticated,     // no or bad credentials
  kPermissionDenied,    // credentials fine, not allowed
  kResourceExhausted,   // rate limit or quota; retry later
  kFailedPrecondition,  // the system is not in a state where this can run
  kPayloadTooLarge,     // the input exceeds a configured size limit
  kUnavailable,         // transient: a peer or resource is down; retry
  kDeadlineExceeded,    // took too long
  kInternal,            // our bug or an environment failure; never leaks details to clients
};

// Short stable name of a code ("invalid_argument"), used in REST error bodies.
std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // "invalid_argument: line 3: ..." — for logs and the CLI.
  std::string ToString() const;

  // Returns a copy whose message is prefixed with `context: `.
  Status WithContext(std::string_view context) const;

  friend bool operator==(const Status& a, const Status& b) {
    return a.code_ == b.code_ && a.message_ == b.message_;
  }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

inline Status InvalidArgument(std::string m) {
  return {StatusCode::kInvalidArgument, std::move(m)};
}
inline Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
inline Status AlreadyExists(std::string m) { return {StatusCode::kAlreadyExists, std::move(m)}; }
inline Status Unauthenticated(std::string m) {
  return {StatusCode::kUnauthenticated, std::move(m)};
}
inline Status PermissionDenied(std::string m) {
  return {StatusCode::kPermissionDenied, std::move(m)};
}
inline Status ResourceExhausted(std::string m) {
  return {StatusCode::kResourceExhausted, std::move(m)};
}
inline Status FailedPrecondition(std::string m) {
  return {StatusCode::kFailedPrecondition, std::move(m)};
}
inline Status PayloadTooLarge(std::string m) {
  return {StatusCode::kPayloadTooLarge, std::move(m)};
}
inline Status Unavailable(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
inline Status DeadlineExceeded(std::string m) {
  return {StatusCode::kDeadlineExceeded, std::move(m)};
}
inline Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

// A value or an error Status. Construct from a T for success or from a non-OK
// Status for failure. `status()` is OK when a value is held.
template <typename T>
class [[nodiscard]] Result : public tl::expected<T, Status> {
  using Base = tl::expected<T, Status>;

 public:
  using Base::Base;
  Result(Status s) : Base(tl::unexpect, std::move(s)) {}  // NOLINT: implicit by design
  Result(const Result&) = default;
  Result(Result&&) = default;
  Result& operator=(const Result&) = default;
  Result& operator=(Result&&) = default;

  Status status() const { return this->has_value() ? Status() : this->error(); }
};

}  // namespace quell

#define QUELL_CONCAT_INNER_(a, b) a##b
#define QUELL_CONCAT_(a, b) QUELL_CONCAT_INNER_(a, b)

// Returns the Status from the enclosing function if `expr` is not OK.
#define QUELL_RETURN_IF_ERROR(expr)                \
  do {                                             \
    ::quell::Status quell_status_ = (expr);        \
    if (!quell_status_.ok()) return quell_status_; \
  } while (0)

// `QUELL_ASSIGN_OR_RETURN(auto x, F());` declares x from F()'s value or returns its error.
#define QUELL_ASSIGN_OR_RETURN(lhs, expr) \
  QUELL_ASSIGN_OR_RETURN_IMPL_(QUELL_CONCAT_(quell_result_, __LINE__), lhs, expr)
#define QUELL_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                 \
  if (!tmp.has_value()) return tmp.error();          \
  lhs = std::move(*tmp)
