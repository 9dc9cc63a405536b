// Whole-or-nothing file writes: a temporary file in the same directory,
// fsync, then rename over the target. Readers never see a torn file.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "core/base/error.hpp"

namespace thd {

Result<void> write_file_atomic(const std::filesystem::path& path, std::string_view content);

// ".<name>.tmp.<pid>.<random hex>" next to `path`.
std::filesystem::path temp_path_for(const std::filesystem::path& path);
bool is_temp_name(std::string_view filename);

// Reads a whole file; fails when it is larger than `max_bytes`.
Result<std::string> read_file(const std::filesystem::path& path, size_t max_bytes);

std::string errno_text(int err);

}  // namespace thd
