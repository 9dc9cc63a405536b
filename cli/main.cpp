// The one catch: user-facing errors become one line on stderr and an exit code.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <iostream>
#include <string>

#include "cli/app.hpp"
#include "core/base/error.hpp"
#include "core/base/secrets.hpp"

namespace {
int report(const char* message, thd::ExitCode code) {
  std::string line = "trade-history-discover: error: " + thd::redact(message);
  for (char& c : line)
    if (c == '\n' || c == '\r') c = ' ';
  std::fprintf(stderr, "%s\n", line.c_str());
  return static_cast<int>(code);
}
}  // namespace

int main(int argc, char** argv) {
  try {
    int code = thd::cli::main(argc, argv);
    // A report cut short (full disk, closed pipe) must not look like success.
    std::cout.flush();
    if (std::fflush(stdout) != 0 || std::ferror(stdout) || !std::cout)
      return report(("cannot write to standard output: " + std::string(std::strerror(errno))).c_str(),
                    thd::ExitCode::failure);
    return code;
  } catch (const thd::FatalError& e) {
    return report(e.what(), e.code());
  } catch (const std::exception& e) {
    return report(e.what(), thd::ExitCode::failure);
  }
}
