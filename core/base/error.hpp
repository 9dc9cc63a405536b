// Two tiers of errors: Result<T> for failures that are part of normal life,
// FatalError for a user-facing error that ends the process (caught in main).
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#if __has_include(<expected>)
#include <expected>
#endif

namespace thd {

enum class ExitCode : int {
  success = 0,
  failure = 1,        // unexpected failure
  usage = 2,          // unknown option, invalid value
  input = 3,          // portfolio not found, malformed CSV, unreadable directory
  resource = 4,       // aborted by a resource guard
  incomplete = 5,     // run --strict: the run served none of its market needs (the document is written)
  interrupted = 130,  // SIGINT (Ctrl-C): 128 + the signal, as shells report it
  terminated = 143,   // SIGTERM
};

// What went wrong, as a kind callers can branch on; the message is for people.
enum class FailureKind : std::uint8_t {
  other,
  no_data,    // the provider is fine and has nothing for this request
  transport,  // DNS, connect, reset, truncated body
  timeout,
  http_status,      // an HTTP error status
  bad_body,         // an answer that is not what was asked for (an error in disguise)
  too_large,        // a body over the cap
  rate_limited,     // not sent: the rate limit would make it wait too long
  quota_exhausted,  // not sent: the daily quota is used up
  auth_rejected,    // the provider refused the key
  not_on_plan,      // the key's plan does not include it
  circuit_open,     // not sent: the service's breaker is open
  budget_spent,     // not sent: --max-api-calls reached
  refused,          // not sent: plain HTTP to a host that is not loopback
  cancelled,
  disabled,     // the service is not enabled for this run
  no_provider,  // every provider of a chain failed or was skipped
};
std::string_view failure_kind_name(FailureKind k);

struct Error {
  std::string message;
  FailureKind kind = FailureKind::other;
};

#if defined(__cpp_lib_expected) && __cpp_lib_expected >= 202202L
template <class T>
using Result = std::expected<T, Error>;
using Failure = std::unexpected<Error>;
#else
// clang 14 with libstdc++ 12 (the fuzzing build) has no std::expected: this
// is the subset of it the project uses, with the same meaning.
class Failure {
 public:
  explicit Failure(Error e) : m_error(std::move(e)) {}
  const Error& error() const { return m_error; }

 private:
  Error m_error;
};

template <class T>
class Result {
 public:
  template <class U = T>
  Result(U&& value)
      : m_v(std::in_place_index<0>, std::forward<U>(value)) {}   // NOLINT: implicit like expected
  Result(Failure f) : m_v(std::in_place_index<1>, f.error()) {}  // NOLINT
  bool has_value() const { return m_v.index() == 0; }
  explicit operator bool() const { return has_value(); }
  T& operator*() { return std::get<0>(m_v); }
  const T& operator*() const { return std::get<0>(m_v); }
  T* operator->() { return &std::get<0>(m_v); }
  const T* operator->() const { return &std::get<0>(m_v); }
  const Error& error() const { return std::get<1>(m_v); }
  template <class U>
  T value_or(U&& fallback) const& {
    return has_value() ? std::get<0>(m_v) : static_cast<T>(std::forward<U>(fallback));
  }

 private:
  std::variant<T, Error> m_v;
};

template <>
class Result<void> {
 public:
  Result() = default;
  Result(Failure f) : m_error(f.error()) {}  // NOLINT
  bool has_value() const { return !m_error; }
  explicit operator bool() const { return has_value(); }
  const Error& error() const { return *m_error; }

 private:
  std::optional<Error> m_error;
};
#endif

inline Failure fail(std::string message) {
  return Failure(Error{std::move(message)});
}
inline Failure fail(FailureKind kind, std::string message) {
  return Failure(Error{std::move(message), kind});
}
inline Failure fail(const Error& error) {
  return Failure(error);
}

class FatalError : public std::runtime_error {
 public:
  FatalError(ExitCode code, const std::string& message) : std::runtime_error(message), m_code(code) {}
  ExitCode code() const { return m_code; }

 private:
  ExitCode m_code;
};

}  // namespace thd
