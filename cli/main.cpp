// The one catch: user-facing errors become one line on stderr and an exit code.
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <exception>
#include <iostream>
#include <string>

#include "cli/app.hpp"
#include "cli/output.hpp"
#include "core/base/error.hpp"
#include "core/base/secrets.hpp"
#include "core/base/text.hpp"

namespace {
int report(const char* message, thd::ExitCode code) {
  std::string text = thd::redact(message);
  for (char& c : text)
    if (c == '\n' || c == '\r') c = ' ';
  // A signal is not an error: "trade-history-discover: interrupted; ...".
  const bool signal = code == thd::ExitCode::interrupted || code == thd::ExitCode::terminated;
  // Names from files and the filesystem reach this line: escaped, so a file name cannot drive the terminal.
  std::string line =
      std::string("trade-history-discover: ") + (signal ? "" : "error: ") + thd::printable(text);
  std::fprintf(stderr, "%s\n", line.c_str());
  return static_cast<int>(code);
}
}  // namespace

int main(int argc, char** argv) {
  // A closed pipe (`--output - | head`) is seen as EPIPE and handled, not a silent death by SIGPIPE.
  std::signal(SIGPIPE, SIG_IGN);
  try {
    int code = thd::cli::main(argc, argv);
    // A report cut short (full disk) must not look like success; a reader
    // that stopped reading (`| head`) chose to: that is not an error.
    std::cout.flush();
    if (std::fflush(stdout) != 0 || std::ferror(stdout) || !std::cout) {
      const int err = errno;
      if (err == EPIPE || thd::cli::stdout_reader_gone()) return code;
      return report(("cannot write to standard output: " + std::string(std::strerror(err))).c_str(),
                    thd::ExitCode::failure);
    }
    return code;
  } catch (const thd::FatalError& e) {
    return report(e.what(), e.code());
  } catch (const std::exception& e) {
    return report(e.what(), thd::ExitCode::failure);
  }
}
