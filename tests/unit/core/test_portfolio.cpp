// Portfolio resolution (SPEC §3) and the Ticker column of a trade-history CSV.
#include "core/portfolio.hpp"

#include <doctest/doctest.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "../support.hpp"

namespace thd {
namespace {

using thd::test::set_mtime;
using thd::test::TempDir;
using thd::test::write_file;

const std::string k_csv = "Ticker,Status,Entry_Timestamp\nAAPL,Closed,2026-01-02\n";

std::filesystem::path th(const TempDir& d) {
  return d.path() / "raw" / "trade_history";
}

// Runs resolve_portfolio and returns the FatalError it throws.
FatalError resolve_error(const std::filesystem::path& data, const std::string& name) {
  try {
    resolve_portfolio(data, name);
  } catch (const FatalError& e) {
    return e;
  }
  FAIL("resolve_portfolio('" << name << "') did not throw");
  return FatalError(ExitCode::success, "");
}

FatalError tickers_error(const std::filesystem::path& csv) {
  try {
    read_portfolio_tickers(csv);
  } catch (const FatalError& e) {
    return e;
  }
  FAIL("read_portfolio_tickers(" << csv.string() << ") did not throw");
  return FatalError(ExitCode::success, "");
}

}  // namespace

TEST_CASE("portfolio: trade_history_dir") {
  CHECK(trade_history_dir("/data") == std::filesystem::path("/data/raw/trade_history"));
}

TEST_CASE("portfolio: newest by the date in the name, never by mtime") {
  TempDir d;
  write_file(th(d) / "live_signals_20261001.csv", k_csv);
  write_file(th(d) / "live_signals_20261115.csv", k_csv);
  write_file(th(d) / "live_signals_20260930.csv", k_csv);
  write_file(th(d) / "live_signals.csv", k_csv);
  // The oldest-dated file has by far the newest mtime.
  set_mtime(th(d) / "live_signals_20261001.csv", 1900000000);
  set_mtime(th(d) / "live_signals_20261115.csv", 1600000000);
  set_mtime(th(d) / "live_signals_20260930.csv", 1700000000);
  set_mtime(th(d) / "live_signals.csv", 1950000000);
  REQUIRE(thd::test::mtime_of(th(d) / "live_signals_20261001.csv") == 1900000000);

  PortfolioFile p = resolve_portfolio(d.path(), "live_signals");
  CHECK(p.path == th(d) / "live_signals_20261115.csv");
  CHECK(p.name == "live_signals");
  REQUIRE(p.date.has_value());
  CHECK(*p.date == Date{2026, 11, 15});
}

TEST_CASE("portfolio: dates compare as dates across years and months") {
  TempDir d;
  write_file(th(d) / "p_20251231.csv", k_csv);
  write_file(th(d) / "p_20260101.csv", k_csv);
  write_file(th(d) / "p_20250901.csv", k_csv);
  PortfolioFile p = resolve_portfolio(d.path(), "p");
  CHECK(p.path == th(d) / "p_20260101.csv");
}

TEST_CASE("portfolio: a name with a date is an exact file") {
  TempDir d;
  write_file(th(d) / "live_signals_20261001.csv", k_csv);
  write_file(th(d) / "live_signals_20261115.csv", k_csv);
  PortfolioFile p = resolve_portfolio(d.path(), "live_signals_20261001");
  CHECK(p.path == th(d) / "live_signals_20261001.csv");
  CHECK(p.name == "live_signals");
  REQUIRE(p.date.has_value());
  CHECK(*p.date == Date{2026, 10, 1});
  // With the extension too.
  CHECK(resolve_portfolio(d.path(), "live_signals_20261001.csv").path == th(d) / "live_signals_20261001.csv");
  // A dated name that does not exist does not fall back to another date.
  FatalError e = resolve_error(d.path(), "live_signals_20261002");
  CHECK(e.code() == ExitCode::input);
}

TEST_CASE("portfolio: <name>.csv when there is no dated file") {
  TempDir d;
  write_file(th(d) / "manual.csv", k_csv);
  write_file(th(d) / "other_20261101.csv", k_csv);
  PortfolioFile p = resolve_portfolio(d.path(), "manual");
  CHECK(p.path == th(d) / "manual.csv");
  CHECK(p.name == "manual");
  CHECK_FALSE(p.date.has_value());
}

TEST_CASE("portfolio: a longer name sharing the prefix does not match") {
  TempDir d;
  write_file(th(d) / "live_signals_extra_20261101.csv", k_csv);
  write_file(th(d) / "live_signals_20261001.csv", k_csv);
  PortfolioFile p = resolve_portfolio(d.path(), "live_signals");
  CHECK(p.path == th(d) / "live_signals_20261001.csv");

  TempDir only_extra;
  write_file(th(only_extra) / "live_signals_extra_20261101.csv", k_csv);
  FatalError e = resolve_error(only_extra.path(), "live_signals");
  CHECK(e.code() == ExitCode::input);

  TempDir with_plain;
  write_file(th(with_plain) / "live_signals_extra_20261101.csv", k_csv);
  write_file(th(with_plain) / "live_signals.csv", k_csv);
  CHECK(resolve_portfolio(with_plain.path(), "live_signals").path == th(with_plain) / "live_signals.csv");
}

TEST_CASE("portfolio: names with '/', '..' or NUL are usage errors") {
  TempDir d;
  write_file(th(d) / "good_20261101.csv", k_csv);
  write_file(d.path() / "raw" / "secret_20261101.csv", k_csv);
  for (const std::string& bad :
       {std::string("../secret"), std::string("a/b"), std::string(".."), std::string("/etc/passwd"),
        std::string("good..x"), std::string("../../raw/secret"), std::string("good\0x", 6)}) {
    INFO("name: " << bad);
    FatalError e = resolve_error(d.path(), bad);
    CHECK(e.code() == ExitCode::usage);
  }
}

TEST_CASE("portfolio: unknown name is an input error listing what exists") {
  TempDir d;
  write_file(th(d) / "alpha_20261001.csv", k_csv);
  write_file(th(d) / "alpha_20261101.csv", k_csv);
  write_file(th(d) / "beta.csv", k_csv);
  write_file(th(d) / "gamma_fund_20261101.csv", k_csv);
  write_file(th(d) / "notes.txt", "not a portfolio");
  FatalError e = resolve_error(d.path(), "delta");
  CHECK(e.code() == ExitCode::input);
  const std::string msg = e.what();
  INFO("message: " << msg);
  CHECK(msg.find("delta") != std::string::npos);
  CHECK(msg.find("alpha") != std::string::npos);
  CHECK(msg.find("beta") != std::string::npos);
  CHECK(msg.find("gamma_fund") != std::string::npos);
  CHECK(msg.find("notes") == std::string::npos);
  CHECK(msg.find("alpha_20261001") == std::string::npos);  // names, not files

  CHECK(list_portfolios(d.path()) == std::vector<std::string>{"alpha", "beta", "gamma_fund"});
}

TEST_CASE("portfolio: missing trade-history directory is an input error") {
  TempDir d;
  FatalError e = resolve_error(d.path(), "anything");
  CHECK(e.code() == ExitCode::input);
  CHECK(list_portfolios(d.path()).empty());
}

TEST_CASE("portfolio: tickers from a header found case-insensitively in any column") {
  TempDir d;
  write_file(d / "a.csv",
             "Position_UUID,Strategy_Type,TICKER,Status\n"
             "u1,SMA,MSFT,Open\n"
             "u2,EMA,AAPL,Closed\n"
             "u3,SMA,MSFT,Closed\n"
             "u4,SMA,\"BRK.B\",Open\n"
             "u5,SMA,,Open\n"
             "u6,EMA,AAPL,Open\n"
             "u7,EMA,BTC-USD,Open\n");
  CHECK(read_portfolio_tickers(d / "a.csv").tickers ==
        std::vector<std::string>{"MSFT", "AAPL", "BRK.B", "BTC-USD"});

  write_file(d / "b.csv", "status,ticker\nOpen,NVDA\nOpen,TSLA\nOpen,NVDA\n");
  CHECK(read_portfolio_tickers(d / "b.csv").tickers == std::vector<std::string>{"NVDA", "TSLA"});
}

TEST_CASE("portfolio: tickers with a BOM, a quoted header and CRLF") {
  TempDir d;
  write_file(d / "bom.csv", "\xEF\xBB\xBF\"Ticker\",Status\r\nAAPL,Open\r\nMSFT,Closed\r\nAAPL,Closed\r\n");
  CHECK(read_portfolio_tickers(d / "bom.csv").tickers == std::vector<std::string>{"AAPL", "MSFT"});
  write_file(d / "bom2.csv", "\xEF\xBB\xBFTicker\nZ\n");
  CHECK(read_portfolio_tickers(d / "bom2.csv").tickers == std::vector<std::string>{"Z"});
}

TEST_CASE("portfolio: a CSV without a Ticker column is an input error") {
  TempDir d;
  write_file(d / "no_ticker.csv", "Symbol,Status\nAAPL,Open\n");
  FatalError e = tickers_error(d / "no_ticker.csv");
  CHECK(e.code() == ExitCode::input);
  CHECK(std::string(e.what()).find("no_ticker.csv") != std::string::npos);
  CHECK(std::string(e.what()).find("Ticker") != std::string::npos);

  write_file(d / "tickers.csv", "Tickers,Status\nAAPL,Open\n");  // not the same column
  CHECK(tickers_error(d / "tickers.csv").code() == ExitCode::input);

  write_file(d / "empty.csv", "");
  CHECK(tickers_error(d / "empty.csv").code() == ExitCode::input);

  CHECK(tickers_error(d / "missing.csv").code() == ExitCode::input);
}

TEST_CASE("portfolio: an unterminated quote in the ticker file is an input error with its line") {
  TempDir d;
  write_file(d / "bad.csv", "Ticker,Status\nAAPL,Open\n\"MSFT,Open\nNVDA,Open\n");
  FatalError e = tickers_error(d / "bad.csv");
  CHECK(e.code() == ExitCode::input);
  CHECK(std::string(e.what()).find("bad.csv:3") != std::string::npos);
}

TEST_CASE("portfolio: --csv FILE, named by its stem without a trailing date (issue 14)") {
  TempDir d;
  write_file(d.path() / "exports" / "paper.csv", k_csv);
  write_file(d.path() / "exports" / "live_20261101.csv", k_csv);
  write_file(d.path() / "exports" / "q3_report.csv", k_csv);
  PortfolioFile paper = portfolio_from_csv(d.path() / "exports" / "paper.csv");
  CHECK(paper.name == "paper");
  CHECK(paper.path == d.path() / "exports" / "paper.csv");
  CHECK_FALSE(paper.date);
  PortfolioFile live = portfolio_from_csv(d.path() / "exports" / "live_20261101.csv");
  CHECK(live.name == "live");
  REQUIRE(live.date);
  CHECK(format_date(*live.date) == "2026-11-01");
  CHECK(portfolio_from_csv(d.path() / "exports" / "q3_report.csv").name == "q3_report");  // no date: kept
  try {
    portfolio_from_csv(d.path() / "exports" / "gone.csv");
    FAIL("no throw");
  } catch (const FatalError& e) {
    CHECK(e.code() == ExitCode::input);
    CHECK(std::string(e.what()).find((d.path() / "exports" / "gone.csv").string()) != std::string::npos);
  }
  CHECK(portfolio_from_csv(d.path() / "exports" / "paper.csv", "--portfolio").name == "paper");
}

// Runs f and returns the FatalError it throws.
template <class F>
FatalError error_of(F f) {
  try {
    f();
  } catch (const FatalError& e) {
    return e;
  }
  FAIL("did not throw");
  return FatalError(ExitCode::success, "");
}

bool has(const FatalError& e, const std::string& part) {
  return std::string(e.what()).find(part) != std::string::npos;
}

// The current directory for one test case, restored after.
struct InDirectory {
  std::filesystem::path before = std::filesystem::current_path();
  explicit InDirectory(const std::filesystem::path& p) { std::filesystem::current_path(p); }
  ~InDirectory() { std::filesystem::current_path(before); }
};

TEST_CASE("portfolio: --portfolio x.csv is the data dir's portfolio first; both places is exit 2") {
  TempDir d;
  write_file(th(d) / "pf_20261120.csv", k_csv);
  write_file(d.path() / "cwd" / "pf_20261120.csv", k_csv);  // the same name in the current directory
  write_file(d.path() / "cwd" / "only_here.csv", k_csv);
  write_file(d.path() / "cwd" / "UP.CSV", k_csv);
  write_file(th(d) / "live.csv", k_csv);
  InDirectory in(d.path() / "cwd");
  FatalError both = error_of([&] { resolve_portfolio_argument(d.path(), "pf_20261120.csv"); });
  CHECK(both.code() == ExitCode::usage);
  CHECK(has(both, "--csv ./pf_20261120.csv"));
  CHECK(has(both, "--portfolio pf"));
  // only in the data dir, or only here
  CHECK(resolve_portfolio_argument(d.path(), "live.csv").path == th(d) / "live.csv");
  PortfolioFile here = resolve_portfolio_argument(d.path(), "only_here.csv");
  CHECK(here.name == "only_here");
  CHECK(here.path == "only_here.csv");
  // the extension in any case, and a path with '/'
  CHECK(resolve_portfolio_argument(d.path(), "UP.CSV").name == "UP");
  CHECK(resolve_portfolio_argument(d.path(), "./pf_20261120.csv").path == "./pf_20261120.csv");
  CHECK(resolve_portfolio_argument(d.path(), "live").path == th(d) / "live.csv");
  // a path that is no CSV: the option typed is named
  FatalError dir = error_of([&] { resolve_portfolio_argument(d.path(), "./"); });
  CHECK(dir.code() == ExitCode::input);
  CHECK(has(dir, "--portfolio './'"));
  CHECK_FALSE(has(dir, "--csv"));
  CHECK(error_of([&] { resolve_portfolio_argument(d.path(), "a/b"); }).code() == ExitCode::usage);
}

TEST_CASE("portfolio: a CSV file name that makes no portfolio name is refused (exit 2)") {
  TempDir d;
  write_file(d.path() / "cs" / ".csv", k_csv);
  write_file(d.path() / "cs" / ".hidden.csv", k_csv);
  write_file(d.path() / "cs" / "a\x1b[2Jb.csv", k_csv);
  write_file(d.path() / "cs" / "bad\xff.csv", k_csv);
  for (const char* name : {".csv", ".hidden.csv", "a\x1b[2Jb.csv", "bad\xff.csv"}) {
    CAPTURE(name);
    FatalError e = error_of([&] { portfolio_from_csv(d.path() / "cs" / name); });
    CHECK(e.code() == ExitCode::usage);
    CHECK(has(e, "--csv"));
    CHECK(std::string(e.what()).find('\x1b') == std::string::npos);
  }
}

TEST_CASE("portfolio: an unreadable trade-history directory says why, not that it does not exist") {
  if (::geteuid() == 0) return;  // root reads anything
  TempDir d;
  write_file(th(d) / "pf.csv", k_csv);
  std::filesystem::permissions(d.path() / "raw", std::filesystem::perms::none);
  FatalError e = resolve_error(d.path(), "pf");
  std::filesystem::permissions(d.path() / "raw", std::filesystem::perms::owner_all);
  CHECK(e.code() == ExitCode::input);
  CHECK(has(e, "Permission denied"));
  CHECK_FALSE(has(e, "does not exist"));
}

TEST_CASE("portfolio: a wrong date suggests the portfolio's dated files") {
  TempDir d;
  write_file(th(d) / "live_signals_20261120.csv", k_csv);
  write_file(th(d) / "live_signals_20261001.csv", k_csv);
  write_file(th(d) / "paper_trades.csv", k_csv);
  FatalError e = resolve_error(d.path(), "live_signals_20261002");
  CHECK(e.code() == ExitCode::input);
  CHECK(has(e, "'live_signals' has 'live_signals_20261120', 'live_signals_20261001'"));
}

TEST_CASE("portfolio: an unknown name suggests the closest one") {
  TempDir d;
  write_file(th(d) / "live_signals_20261120.csv", k_csv);
  write_file(th(d) / "paper_trades.csv", k_csv);
  FatalError e = resolve_error(d.path(), "live_signal");
  CHECK(e.code() == ExitCode::input);
  CHECK(std::string(e.what()) ==
        "no portfolio 'live_signal' in " + th(d).string() +
            "; did you mean 'live_signals'? (available: live_signals, paper_trades)");
  CHECK(std::string(resolve_error(d.path(), "paper_trade_20261120").what())
            .find("did you mean 'paper_trades'?") != std::string::npos);
  CHECK(std::string(resolve_error(d.path(), "qqq").what()).find("did you mean") == std::string::npos);
}

}  // namespace thd
