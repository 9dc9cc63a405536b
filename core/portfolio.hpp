// Portfolio resolution (SPEC §3): which trade-history CSV a name means.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/base/date.hpp"
#include "core/base/error.hpp"

namespace thd {

struct PortfolioFile {
  std::string name;  // the portfolio, without date or extension
  std::filesystem::path path;
  std::optional<Date> date;  // from the file name
};

std::filesystem::path trade_history_dir(const std::filesystem::path& data_dir);

// Portfolio names that exist in the trade-history directory, sorted.
std::vector<std::string> list_portfolios(const std::filesystem::path& data_dir);

// A name with an 8-digit date is an exact file; otherwise the newest
// <name>_<YYYYMMDD>.csv by the date in the name, else <name>.csv.
// Throws FatalError: usage (2) for a name with '/', '..' or NUL; input (3)
// when nothing matches, listing the portfolios that exist.
PortfolioFile resolve_portfolio(const std::filesystem::path& data_dir, const std::string& name);

// `run --csv FILE`: any CSV file, its portfolio name from the file name (the
// stem, a trailing _<YYYYMMDD> taken off as for a name: live_20261101.csv ->
// live). Throws FatalError naming `option` (the option the user typed) and
// the file: input (3) when it is a directory or cannot be read; usage (2)
// when its name makes no portfolio name (empty, starting with '.', control
// bytes or bytes that are not UTF-8: the output file is named after it).
PortfolioFile portfolio_from_csv(const std::filesystem::path& csv, std::string_view option = "--csv");

// `run --portfolio VALUE`: a value holding '/' is a CSV file; "x.csv" (any
// case) is the portfolio x of the data dir first, a file in the current
// directory only when x is no portfolio, and exit 2 when it is both.
// Otherwise resolve_portfolio().
PortfolioFile resolve_portfolio_argument(const std::filesystem::path& data_dir, const std::string& value);

struct PortfolioTickers {
  std::vector<std::string> tickers;  // valid symbols, de-duplicated, first-seen order
  std::vector<std::string> notes;    // about the header (a duplicate column name), for the warnings
};

// The Ticker column of a trade-history CSV, for coverage, found by the same
// header rule as Phase 1 (read_header). Throws FatalError(input) when the
// file is not a CSV with a Ticker column.
PortfolioTickers read_portfolio_tickers(const std::filesystem::path& csv);

}  // namespace thd
