#include "report/document.hpp"

#include <simdjson.h>

#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <functional>
#include <optional>
#include <set>
#include <vector>

#include "core/base/date.hpp"
#include "core/base/dir_list.hpp"

namespace thd::report {
namespace {

// "live_signals_20261122.json" -> ("live_signals", 2026-11-22).
std::optional<std::pair<std::string, Date>> dated_name(const std::string& file) {
  constexpr std::string_view ext = ".json";
  if (file.size() <= ext.size() + 9 || file.compare(file.size() - ext.size(), ext.size(), ext) != 0)
    return std::nullopt;
  const std::string stem = file.substr(0, file.size() - ext.size());
  const size_t us = stem.rfind('_');
  if (us == std::string::npos || us == 0) return std::nullopt;
  auto date = parse_yyyymmdd(std::string_view(stem).substr(us + 1));
  if (!date) return std::nullopt;
  return std::pair{stem.substr(0, us), *date};
}

}  // namespace

Result<std::filesystem::path> newest_document(const std::filesystem::path& discovery_dir,
                                              const std::string& portfolio) {
  bool exists = false;
  auto listing = list_directory(discovery_dir, &exists);
  if (!listing) return Failure(listing.error());
  std::vector<std::pair<Date, std::string>> candidates;
  std::set<std::string> portfolios;
  for (const DirEntry& e : *listing) {
    if (e.type == EntryType::directory) continue;
    auto named = dated_name(e.name);
    if (!named) continue;
    portfolios.insert(named->first);
    if (named->first == portfolio) candidates.emplace_back(named->second, e.name);
  }
  // The newest by date that is a readable regular file (through a symlink):
  // a dangling link, a directory or a FIFO with a dated name is passed over.
  std::sort(candidates.begin(), candidates.end(), std::greater<>());
  for (const auto& candidate : candidates) {
    const std::filesystem::path file = discovery_dir / candidate.second;
    std::error_code ec;
    if (std::filesystem::is_regular_file(file, ec) && ::access(file.c_str(), R_OK) == 0) return file;
  }
  std::string available;
  for (const std::string& p : portfolios) available += (available.empty() ? "" : ", ") + p;
  return Failure(Error{"no discovery document of portfolio '" + portfolio + "' in " + discovery_dir.string() +
                       (exists ? "" : " (the directory does not exist)") +
                       (available.empty() ? "; make one with `run --portfolio " + portfolio + "`"
                                          : "; documents exist for: " + available)});
}

Result<std::string> read_document(const std::filesystem::path& file) {
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) return Failure(Error{file.string() + " does not exist"});
  if (std::filesystem::is_directory(file, ec))
    return Failure(Error{file.string() + " is a directory, not a discovery document"});
  if (!std::filesystem::is_regular_file(file, ec))
    return Failure(Error{file.string() + " is not a regular file, not a discovery document"});
  const auto size = std::filesystem::file_size(file, ec);
  const std::string too_big = file.string() + " is larger than " + std::to_string(max_document_bytes >> 20) +
                              " MiB, not a discovery document";
  if (!ec && size > max_document_bytes) return Failure(Error{too_big});
  std::ifstream in(file, std::ios::binary);
  if (!in) return Failure(Error{"cannot read " + file.string()});
  std::string text;
  text.reserve((ec ? 0 : size) + simdjson::SIMDJSON_PADDING);
  char buffer[65536];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    text.append(buffer, static_cast<size_t>(in.gcount()));
    if (text.size() > max_document_bytes) return Failure(Error{too_big});  // it grew while read
    if (text.capacity() - text.size() < simdjson::SIMDJSON_PADDING)        // it grew while read
      text.reserve(text.size() + simdjson::SIMDJSON_PADDING);
  }
  if (in.bad()) return Failure(Error{"cannot read " + file.string()});
  return text;
}

}  // namespace thd::report
