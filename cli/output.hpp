// Where a command's document goes: a file replaced atomically, or standard output.
#pragma once

#include <filesystem>
#include <string>

namespace thd::cli {

// `target` "-" writes to standard output and returns an empty path.
// Through a symlink the link's target is replaced; anything but a regular
// file is refused (exit 2), and a directory that cannot be made is exit 3.
// Before a file is written, temporary files that killed runs left in its
// folder are removed (sweep_stale_temps; a live writer's never).
std::filesystem::path write_output(const std::filesystem::path& target, const std::string& document);

// True when writing `output` would replace `input`: the same file (through
// a symlink, a hard link or another spelling of the path) when both exist,
// else the same normalised absolute path.
bool same_file(const std::filesystem::path& input, const std::filesystem::path& output);

// Standard output is a pipe whose reader has gone (`| head`): not an error,
// the reader chose to stop (README, exit codes).
bool stdout_reader_gone();

}  // namespace thd::cli
