#include "core/portfolio.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <set>

#include "core/base/dir_list.hpp"
#include "core/base/text.hpp"
#include "core/csv_reader.hpp"
#include "core/inventory.hpp"
#include "core/trade_columns.hpp"

namespace thd {
namespace {

// "<stem>_<YYYYMMDD>" -> date; nullopt when the name carries no date.
std::optional<Date> trailing_date(std::string_view stem, std::string_view* base = nullptr) {
  size_t us = stem.rfind('_');
  if (us == std::string_view::npos) return std::nullopt;
  auto d = parse_yyyymmdd(stem.substr(us + 1));
  if (d && base) *base = stem.substr(0, us);
  return d;
}

bool contains_eight_digits(std::string_view s) {
  int run = 0;
  for (char c : s) {
    run = (c >= '0' && c <= '9') ? run + 1 : 0;
    if (run == 8) return true;
  }
  return false;
}

// "x.csv", "X.CSV": the extension in any case.
bool ends_in_csv(std::string_view s) {
  return s.size() > 4 && to_lower(s.substr(s.size() - 4)) == ".csv";
}

std::vector<std::string> csv_files(const std::filesystem::path& dir) {
  std::vector<std::string> out;
  auto entries = list_directory(dir);
  if (!entries) return out;
  for (const DirEntry& e : *entries) {
    std::string_view name = e.name;
    if (name.size() <= 4 || name.substr(name.size() - 4) != ".csv" || name[0] == '.') continue;
    EntryType type = e.type == EntryType::symlink ? resolve_type(dir / e.name) : e.type;
    if (type == EntryType::file) out.push_back(e.name);
  }
  return out;
}

}  // namespace

std::filesystem::path trade_history_dir(const std::filesystem::path& data_dir) {
  return data_dir / "raw" / "trade_history";
}

std::vector<std::string> list_portfolios(const std::filesystem::path& data_dir) {
  std::set<std::string> names;
  for (const std::string& file : csv_files(trade_history_dir(data_dir))) {
    std::string_view stem = std::string_view(file).substr(0, file.size() - 4);
    std::string_view base = stem;
    trailing_date(stem, &base);
    names.emplace(base);
  }
  return {names.begin(), names.end()};
}

PortfolioFile resolve_portfolio(const std::filesystem::path& data_dir, const std::string& name) {
  if (name.empty() || name.find('/') != std::string::npos || name.find("..") != std::string::npos ||
      name.find('\0') != std::string::npos)
    throw FatalError(
        ExitCode::usage,
        "--portfolio: '" + name +
            "' is not a portfolio name (no '/', '..' or NUL allowed) nor a file (a CSV file: --csv FILE)");
  const auto dir = trade_history_dir(data_dir);
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    if (ec && ec != std::errc::no_such_file_or_directory && ec != std::errc::not_a_directory)
      throw FatalError(ExitCode::input, "cannot read trade-history directory '" + printable(dir.string()) +
                                            "': " + ec.message());
    throw FatalError(ExitCode::input, "trade-history directory '" + printable(dir.string()) +
                                          "' does not exist; put <portfolio>_<YYYYMMDD>.csv files "
                                          "there or pass --data-dir");
  }
  std::string stem = name;
  if (ends_in_csv(stem)) stem.resize(stem.size() - 4);

  PortfolioFile found;
  if (contains_eight_digits(stem)) {
    auto path = dir / (stem + ".csv");
    if (std::filesystem::is_regular_file(path, ec)) {
      std::string_view base = stem;
      found.date = trailing_date(stem, &base);
      found.name = std::string(base);
      found.path = path;
      return found;
    }
  } else {
    for (const std::string& file : csv_files(dir)) {
      std::string_view fstem = std::string_view(file).substr(0, file.size() - 4);
      std::string_view base;
      auto date = trailing_date(fstem, &base);
      if (date && base == stem && (!found.date || *date > *found.date)) {
        found = {stem, dir / file, date};
      }
    }
    if (found.date) return found;
    auto plain = dir / (stem + ".csv");
    if (std::filesystem::is_regular_file(plain, ec)) return {stem, plain, std::nullopt};
  }
  auto names = list_portfolios(data_dir);
  std::string available;
  for (const auto& n : names) available += (available.empty() ? "" : ", ") + n;
  std::string base(stem);
  std::string_view b;
  const bool dated = trailing_date(stem, &b).has_value();
  if (dated) base = std::string(b);
  std::string hint;
  if (dated && std::find(names.begin(), names.end(), base) != names.end()) {
    // A portfolio that exists, on a date it does not have: its dated files, newest first.
    std::vector<std::string> stems;
    for (const std::string& file : csv_files(dir)) {
      std::string_view fstem = std::string_view(file).substr(0, file.size() - 4);
      std::string_view fbase;
      if (trailing_date(fstem, &fbase) && fbase == base) stems.emplace_back(fstem);
    }
    std::sort(stems.rbegin(), stems.rend());
    if (stems.size() > 5) stems.resize(5);
    for (const auto& st : stems) hint += (hint.empty() ? "" : ", ") + ("'" + st + "'");
    if (!hint.empty()) hint = "; '" + base + "' has " + hint + " (or '" + base + "' for the newest)";
  } else if (const auto guess = closest_match(base, names)) {
    hint = "; did you mean '" + *guess + "'?";
  }
  throw FatalError(ExitCode::input, "no portfolio '" + printable(name) + "' in " + printable(dir.string()) +
                                        hint + " (available: " + (available.empty() ? "none" : available) +
                                        ")");
}

PortfolioFile portfolio_from_csv(const std::filesystem::path& csv, std::string_view option) {
  const std::string shown = std::string(option) + " '" + printable(csv.string()) + "'";
  std::error_code ec;
  if (std::filesystem::is_directory(csv, ec))
    throw FatalError(ExitCode::input, shown + ": is a directory, not a CSV file");
  // The portfolio's name, and the output file's, come from the file name: it must make one.
  const std::string stem = csv.stem().string();
  if (stem.empty() || stem[0] == '.')
    throw FatalError(ExitCode::usage, shown + ": the file name gives no portfolio name (it " +
                                          (stem.empty() ? "is empty" : "starts with '.'") +
                                          "); rename or copy the file to NAME.csv");
  if (printable(stem) != stem)
    throw FatalError(ExitCode::usage, shown +
                                          ": the file name holds control characters or bytes that are not "
                                          "UTF-8, unfit for the output file's name; rename or copy the file");
  if (::access(csv.c_str(), R_OK) != 0)
    throw FatalError(ExitCode::input,
                     "cannot read CSV file '" + printable(csv.string()) + "': " + std::strerror(errno));
  std::string_view base = stem;
  PortfolioFile out;
  out.date = trailing_date(stem, &base);
  out.name = std::string(base);
  if (out.name.empty()) out.name = stem;
  out.path = csv;
  return out;
}

PortfolioFile resolve_portfolio_argument(const std::filesystem::path& data_dir, const std::string& value) {
  // A '/' makes a path (a name never holds one).
  std::error_code ec;
  if (value.find('/') != std::string::npos) {
    if (ends_in_csv(value) || std::filesystem::exists(value, ec))
      return portfolio_from_csv(value, "--portfolio");
    return resolve_portfolio(data_dir, value);  // refused as a name, saying so
  }
  const bool here = ends_in_csv(value) && std::filesystem::is_regular_file(value, ec);
  if (!here) return resolve_portfolio(data_dir, value);
  // "x.csv" names the portfolio x first; the file in the current directory only when x is not one.
  std::optional<PortfolioFile> named;
  try {
    named = resolve_portfolio(data_dir, value);
  } catch (const FatalError& e) {
    if (e.code() != ExitCode::input) throw;
  }
  if (!named) return portfolio_from_csv(value, "--portfolio");
  throw FatalError(ExitCode::usage, "--portfolio '" + printable(value) + "' is both the portfolio '" +
                                        named->name + "' (" + printable(named->path.string()) +
                                        ") and a file in the current directory; write " + "--portfolio " +
                                        named->name + " for the portfolio, or --csv ./" + printable(value) +
                                        " for the file");
}

PortfolioTickers read_portfolio_tickers(const std::filesystem::path& csv) {
  auto reader = CsvReader::open(csv);
  if (!reader) throw FatalError(ExitCode::input, reader.error().message);
  CsvRecord record;
  CsvStatus status = (*reader)->next(record);
  auto at_line = [&](std::uint64_t line) { return csv.string() + ":" + std::to_string(line) + ": "; };
  if (status == CsvStatus::record_too_long)
    throw FatalError(ExitCode::input,
                     at_line((*reader)->error_line()) + "header longer than the 1 MiB limit");
  if (status == CsvStatus::too_many_fields)
    throw FatalError(ExitCode::input, at_line((*reader)->error_line()) + "header has more than " +
                                          std::to_string(CsvReader::k_default_max_fields) +
                                          " columns, the limit");
  if (status != CsvStatus::record)
    throw FatalError(ExitCode::input, csv.string() + ": no header line; expected a trade-history CSV");
  const HeaderColumns header = read_header(record.fields);
  if (header.index_of(Col::ticker) < 0)
    throw FatalError(ExitCode::input,
                     at_line(record.line) + "required column 'Ticker' is missing from the header");
  const auto ticker_col = static_cast<size_t>(header.index_of(Col::ticker));
  PortfolioTickers out;
  for (const HeaderColumns::Duplicate& d : header.duplicates)
    out.notes.push_back(at_line(record.line) + header.note(d));
  std::set<std::string> seen;
  while (true) {
    status = (*reader)->next(record);
    if (status == CsvStatus::end) break;
    if (status == CsvStatus::record_too_long || status == CsvStatus::too_many_fields) continue;
    if (status == CsvStatus::unterminated_quote)
      throw FatalError(ExitCode::input, at_line((*reader)->error_line()) +
                                            "unterminated quoted field (the quote opened here never closes)");
    if (status == CsvStatus::io_error) throw FatalError(ExitCode::input, (*reader)->error_text());
    if (ticker_col >= record.fields.size()) continue;
    std::string t(trim(record.fields[ticker_col]));
    // Coverage counts real symbols only; garbage in the column is Phase 1's business.
    if (is_valid_ticker(t) && seen.insert(t).second) out.tickers.push_back(std::move(t));
  }
  return out;
}

}  // namespace thd
