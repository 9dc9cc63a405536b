// Phase 0 (SPEC §4.1): the local research files under the data directory,
// newest per ticker and per sector by the date in the file name.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/base/clock.hpp"
#include "core/base/date.hpp"
#include "core/base/error.hpp"
#include "core/fundamental.hpp"

namespace thd {

struct IgnoredFile {
  std::string file;
  std::string reason;
};

struct TickerAnalysis {
  std::string ticker;  // as written in the newest file name
  std::string file;    // file name of the newest file
  Date date;
  std::int64_t age_days = 0;
  bool stale = false;
  int files = 0;  // dated files for this ticker
  FundamentalFacts facts;
  std::string read_error;  // set when the newest file could not be read
  bool cut = false;        // read only up to k_max_analysis_read, facts still missing
};

// A sector file, or a theme file (a subject that is not one of the 11
// sectors: quantum_computing_20250805.md); a theme has no alias.
struct SectorAnalysis {
  std::string sector;  // canonical name; for a theme, its name in lower case
  std::string file;
  std::string alias;  // the name used in the file, when it differs
  Date date;
  std::int64_t age_days = 0;
  bool stale = false;
  int files = 0;
};

struct LocalInventory {
  std::filesystem::path fundamental_dir;
  bool fundamental_dir_exists = false;
  std::uint64_t fundamental_files = 0;              // files with a valid name
  std::map<std::string, TickerAnalysis> by_ticker;  // key: ticker_match_key()
  std::vector<IgnoredFile> fundamental_ignored;

  std::filesystem::path sector_dir;
  bool sector_dir_exists = false;
  std::uint64_t sector_files = 0;
  std::map<std::string, SectorAnalysis> by_sector;  // key: canonical sector
  std::uint64_t theme_files = 0;
  std::map<std::string, SectorAnalysis> by_theme;  // key: the theme in lower case
  std::vector<IgnoredFile> sector_ignored;

  const TickerAnalysis* find_ticker(std::string_view ticker) const;
};

// Tickers match case-insensitively, and '.' and '-' match each other
// (BRK.B = brk-b); this is the map key for that.
std::string ticker_match_key(std::string_view ticker);
// A symbol the tool may key and ask a provider about (docs/STATISTICS.md),
// the one rule for trade histories, --tickers and analysis file names:
// 1 to 20 bytes of [A-Za-z0-9.^=-], at least one a letter or a digit.
inline constexpr size_t k_max_ticker_bytes = 20;
bool is_valid_ticker(std::string_view ticker);
// A theme's name in a sector file name: 1 to 64 bytes of [A-Za-z0-9_-], one a letter.
bool is_valid_theme(std::string_view name);

struct InventoryOptions {
  std::int64_t stale_days = 30;
};

// Missing directories are empty (and reported); unreadable ones are errors.
Result<LocalInventory> scan_local_inventory(const std::filesystem::path& data_dir, UnixTime now,
                                            const InventoryOptions& options);

struct Coverage {
  std::vector<std::string> tickers;  // as given, de-duplicated
  std::vector<std::string> covered;
  std::vector<std::string> missing;
  std::vector<std::string> stale;
  std::optional<double> ratio;  // covered / tickers, none without tickers
};

Coverage compute_coverage(const LocalInventory& inventory, const std::vector<std::string>& tickers);

}  // namespace thd
