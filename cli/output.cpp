#include "cli/output.hpp"

#include <iostream>

#include "core/base/atomic_file.hpp"
#include "core/base/error.hpp"
#include "core/base/secrets.hpp"

namespace thd::cli {

std::filesystem::path write_output(const std::filesystem::path& target, const std::string& unsafe) {
  // The document holds nothing from a provider unredacted (the engine saw to
  // it); what came from a cache written by an older version or another
  // machine, or from local files, passes the same redaction here.
  std::string redacted;
  if (contains_secret(unsafe)) redacted = redact(unsafe);
  const std::string& document = redacted.empty() ? unsafe : redacted;
  if (target == "-") {
    std::cout << document;
    std::cout.flush();
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
  auto written = write_file_atomic(output, document);
  if (!written) throw FatalError(ExitCode::input, written.error().message);
  return output;
}

}  // namespace thd::cli
