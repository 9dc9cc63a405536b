// Two tiers of errors: Result<T> for failures that are part of normal life,
// FatalError for a user-facing error that ends the process (caught in main).
#pragma once

#include <expected>
#include <stdexcept>
#include <string>

namespace thd {

enum class ExitCode : int {
  success = 0,
  failure = 1,   // unexpected failure
  usage = 2,     // unknown option, invalid value
  input = 3,     // portfolio not found, malformed CSV, unreadable directory
  resource = 4,  // aborted by a resource guard
};

struct Error {
  std::string message;
};

template <class T>
using Result = std::expected<T, Error>;

inline std::unexpected<Error> fail(std::string message) {
  return std::unexpected<Error>(Error{std::move(message)});
}

class FatalError : public std::runtime_error {
 public:
  FatalError(ExitCode code, const std::string& message) : std::runtime_error(message), m_code(code) {}
  ExitCode code() const { return m_code; }

 private:
  ExitCode m_code;
};

}  // namespace thd
