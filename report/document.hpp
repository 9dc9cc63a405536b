// Where the report's input comes from: a file named on the command line, or
// the newest discovery document of a portfolio.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "core/base/error.hpp"

namespace thd::report {

// The largest document read_document accepts (docs/REPORT.md).
inline constexpr std::uintmax_t max_document_bytes = std::uintmax_t{256} << 20;

// The newest <portfolio>_<YYYYMMDD>.json in `discovery_dir` by the date in
// its name (never by mtime) that is a readable regular file. A failure names the directory and the
// portfolios that have documents there.
Result<std::filesystem::path> newest_document(const std::filesystem::path& discovery_dir,
                                              const std::string& portfolio);

// The file's bytes, with room for simdjson's padding (read_report_model
// parses them in place); a failure names the file and why (missing, a
// directory or another non-regular file such as a FIFO or /dev/zero,
// larger than max_document_bytes, unreadable).
Result<std::string> read_document(const std::filesystem::path& file);

}  // namespace thd::report
