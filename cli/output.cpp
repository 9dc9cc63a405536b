#include "cli/output.hpp"

#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <iostream>

#include "core/base/atomic_file.hpp"
#include "core/base/error.hpp"
#include "core/base/log.hpp"
#include "core/base/text.hpp"

namespace thd::cli {
namespace {
bool g_reader_gone = false;
constexpr std::int64_t k_stale_temp_seconds = 3600;
}  // namespace

bool stdout_reader_gone() {
  if (g_reader_gone) return true;
  struct stat st {};
  if (::fstat(STDOUT_FILENO, &st) != 0 || !(S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode))) return false;
  struct pollfd p {
    STDOUT_FILENO, 0, 0
  };
  return ::poll(&p, 1, 0) == 1 && (p.revents & POLLERR);
}

bool same_file(const std::filesystem::path& input, const std::filesystem::path& output) {
  std::error_code ec;
  if (std::filesystem::exists(input, ec) && std::filesystem::exists(output, ec)) {
    const bool same = std::filesystem::equivalent(input, output, ec);
    if (!ec) return same;
  }
  const auto a = std::filesystem::weakly_canonical(std::filesystem::absolute(input, ec), ec);
  if (ec) return input.lexically_normal() == output.lexically_normal();
  const auto b = std::filesystem::weakly_canonical(std::filesystem::absolute(output, ec), ec);
  if (ec) return input.lexically_normal() == output.lexically_normal();
  return a == b;
}

std::filesystem::path write_output(const std::filesystem::path& target, const std::string& document) {
  // `document` is JSON from JsonWriter, which redacts every string in it
  // (whatever its origin: a provider, an older cache, a local file); the
  // rendered text is not redacted again, where a secret made of digits could
  // cut into a number.
  if (target == "-") {
    std::cout.flush();
    std::fflush(stdout);
    size_t done = 0;
    while (done < document.size()) {
      ssize_t n = ::write(STDOUT_FILENO, document.data() + done, document.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && errno == EPIPE) {  // SIGPIPE is ignored (main): the reader stopped reading
        g_reader_gone = true;
        break;
      }
      if (n < 0) throw FatalError(ExitCode::failure, "cannot write to standard output: " + errno_text(errno));
      done += static_cast<size_t>(n);
    }
    return {};
  }
  std::filesystem::path output = target;
  std::error_code ec;
  // Through a symlink, the link's target is replaced, not the link; and
  // only a regular file can be replaced atomically.
  if (std::filesystem::is_symlink(output, ec)) output = std::filesystem::weakly_canonical(output, ec);
  if (std::filesystem::exists(output, ec) && !std::filesystem::is_regular_file(output, ec))
    throw FatalError(ExitCode::usage, "--output " + output.string() +
                                          " is not a regular file; use --output - for standard output");
  std::filesystem::create_directories(output.parent_path().empty() ? "." : output.parent_path(), ec);
  if (ec)
    throw FatalError(ExitCode::input, "cannot create " + output.parent_path().string() + ": " + ec.message());
  for (const StaleTemp& t : sweep_stale_temps(output.parent_path().empty() ? "." : output.parent_path(),
                                              k_stale_temp_seconds, true))
    if (t.removed)
      log_info("removed " + printable(t.path.string()) + " (" + format_bytes(t.bytes) +
               "), left by an interrupted write: " + t.why);
  auto written = write_file_atomic(output, document);
  if (!written) throw FatalError(ExitCode::input, written.error().message);
  return output;
}

}  // namespace thd::cli
