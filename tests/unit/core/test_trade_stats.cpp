#include <doctest/doctest.h>
#include <fcntl.h>

#include <charconv>
#include <cstring>
#include <random>

#include "core/base/error.hpp"
#include "core/trade_stats.hpp"
#include "tests/unit/core/phase1_reference.hpp"
#include "tests/unit/support.hpp"

using namespace thd;

namespace {

const Date k_run_date{2026, 11, 22};

std::string stats_json(const std::filesystem::path& csv, size_t chunk) {
  TradeStats stats(k_run_date);
  read_trade_history(csv, stats, chunk);
  JsonWriter w;
  w.begin_object();
  write_trade_summary_json(w, stats.summary());
  w.end_object();
  return w.take();
}

const char* k_header =
    "Position_UUID,Ticker,Strategy_Type,Short_Window,Long_Window,Signal_Window,Entry_Timestamp,"
    "Exit_Timestamp,Avg_Entry_Price,Avg_Exit_Price,Position_Size,Direction,PnL,Return,Duration_Days,"
    "Trade_Type,Status,Max_Favourable_Excursion,Max_Adverse_Excursion,MFE_MAE_Ratio,Exit_Efficiency,"
    "Days_Since_Entry,Current_Unrealized_PnL,Current_Excursion_Status,Exit_Efficiency_Fixed,"
    "Trade_Quality,X_Status\n";

}  // namespace

TEST_CASE("numbers as docs/STATISTICS.md defines them") {
  CHECK(parse_trade_number("0.26") == 0.26);
  CHECK(parse_trade_number("-0.0705") == -0.0705);
  CHECK(parse_trade_number("+5") == 5.0);
  CHECK(parse_trade_number("5.") == 5.0);
  CHECK(parse_trade_number(".5") == 0.5);
  CHECK(parse_trade_number("1e3") == 1000.0);
  CHECK(parse_trade_number("2.5E-2") == 0.025);
  for (const char* bad : {"", "abc", "26%", "nan", "inf", "-inf", "0x1A", "1,5", "$12.50", "-", ".", "1e",
                          "+-5", "1e999", " 5", "5 "})
    CHECK_MESSAGE(!parse_trade_number(bad), bad);
}

TEST_CASE("timestamps: date, date and time with a space or a T") {
  CHECK(parse_trade_timestamp("2026-11-22") == Date{2026, 11, 22});
  CHECK(parse_trade_timestamp("2026-11-22 23:59:59") == Date{2026, 11, 22});
  CHECK(parse_trade_timestamp("2026-11-22T00:00:00") == Date{2026, 11, 22});
  for (const char* bad : {"2025-02-30", "2026-11-22 24:00:00", "2026-11-22 12:60:00", "2026-11-22 12:00:60",
                          "2026-11-22 12:00", "22/11/2026", "2026-11-22Z", "2026-11-22 12:00:00Z"})
    CHECK_MESSAGE(!parse_trade_timestamp(bad), bad);
}

TEST_CASE("every chunk size gives the same statistics (every split position of the sample)") {
  const auto sample =
      std::filesystem::path(THD_SOURCE_DIR) / "data/raw/trade_history/live_signals_20261120.csv";
  const std::string expected = stats_json(sample, CsvReader::k_default_chunk);
  CHECK(expected.find("\"total_trades\": 52") != std::string::npos);
  // Chunk size 1 splits at every byte; the others move the boundaries around.
  for (size_t chunk : {1, 2, 3, 5, 7, 13, 64, 100, 333, 4096})
    CHECK_MESSAGE(stats_json(sample, chunk) == expected, "chunk size " << chunk);
}

TEST_CASE("every chunk size on a messy file: quotes, CRLF, BOM, blank lines, bad cells") {
  test::TempDir dir;
  std::string csv = "\xEF\xBB\xBF" + std::string(k_header);
  csv +=
      "A1,aapl,SMA,20,50,,2025-01-02,2025-02-01,100,110,10,Long,100,0.10,30,Long,Closed,,,,,,,,,\"a, "
      "\"\"b\"\"\",\r\n";
  csv += "\r\n";
  csv += "A2,MSFT,EMA,,,,2025-03-02 10:00:00,,200,,5,Long,,,,Long,Open,,,,,10,0.05,,,\"multi\nline\",\n";
  csv += "A3,MSFT,EMA,,,,2025-03-02,2025-04-01,200,190,5,Long,abc,-0.05,30,Long,closed,,,,,,,,,x,\n";
  csv += "A4,NVDA,MACD,,,,2025-02-30,,1,,1,Long,,,,Long,Open,,,,,,,,,,\n";
  csv += "A5,NVDA,MACD,,,,2025-05-01,,1,,1,Long,,,,Long,Pending,,,,,,,,,,\n";
  csv += "too,few,fields\n";
  csv += "A6,TSLA,SMA,,,,2025-06-01,2025-07-01,1,1,1,Long,0,0,30,Long,Closed,,,,,,,,,,";  // no final newline
  test::write_file(dir / "m.csv", csv);
  const std::string expected = stats_json(dir / "m.csv", CsvReader::k_default_chunk);
  for (size_t chunk = 1; chunk <= 64; ++chunk)
    CHECK_MESSAGE(stats_json(dir / "m.csv", chunk) == expected, "chunk size " << chunk);

  TradeStats stats(k_run_date);
  read_trade_history(dir / "m.csv", stats, 7);
  // Rows: A1 win, A2 open, A3 loss (Return -0.05; PnL abc is an issue), A6 breakeven;
  // A4 (impossible date), A5 (unknown status), "too,few,fields" excluded.
  CHECK(stats.rows_read() == 7);
  CHECK(stats.total_trades() == 4);
  CHECK(stats.tickers() == std::vector<std::string>{"AAPL", "MSFT", "TSLA"});
  CHECK(stats.open_tickers() == std::vector<std::string>{"MSFT"});
  // abc (A3), 2025-02-30 (A4), Pending (A5), field count (line 9)
  CHECK(stats.issues_total() == 4);
  CHECK(expected.find("\"line\": 9") != std::string::npos);  // "too,few,fields" after the 2-line A2 record
}

TEST_CASE("at most max_active_positions are kept: the newest entries, file order on ties") {
  test::TempDir dir;
  std::string csv = k_header;
  const char* dates[] = {"2025-01-01", "2025-03-01", "2025-02-01", "2025-03-01", "2024-12-31"};
  for (int i = 0; i < 5; ++i)
    csv += "P" + std::to_string(i) + ",T" + std::to_string(i) + ",SMA,,,," + dates[i] +
           ",,1,,1,Long,,,,Long,Open,,,,,,,,,,\n";
  test::write_file(dir / "a.csv", csv);
  TradeStats stats(k_run_date, {50, 3});
  read_trade_history(dir / "a.csv", stats);
  JsonWriter w;
  w.begin_object();
  write_trade_summary_json(w, stats.summary());
  w.end_object();
  const std::string& j = w.str();
  // Kept: P1 (03-01, line 3), P3 (03-01, line 5), P2 (02-01); dropped: P0, P4.
  size_t p1 = j.find("\"P1\""), p3 = j.find("\"P3\""), p2 = j.find("\"P2\"");
  REQUIRE(p1 != std::string::npos);
  REQUIRE(p3 != std::string::npos);
  REQUIRE(p2 != std::string::npos);
  CHECK(p1 < p3);
  CHECK(p3 < p2);
  CHECK(j.find("\"P0\"") == std::string::npos);
  CHECK(j.find("\"P4\"") == std::string::npos);
  CHECK(j.find("\"active_trades\": 5") != std::string::npos);
}

TEST_CASE("files that are not trade histories are input errors naming file and line") {
  test::TempDir dir;
  auto error_of = [&](const std::string& content) {
    test::write_file(dir / "x.csv", content);
    TradeStats stats(k_run_date);
    try {
      read_trade_history(dir / "x.csv", stats);
    } catch (const FatalError& e) {
      CHECK(e.code() == ExitCode::input);
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK(error_of("").find("x.csv:1: no header line") != std::string::npos);
  CHECK(error_of("\n\n").find("no header line") != std::string::npos);
  CHECK(error_of("Ticker,Entry_Timestamp\nAAPL,2025-01-01\n").find("'Status' is missing") !=
        std::string::npos);
  CHECK(error_of(std::string(k_header) + "A,B\nC,\"open\nstill open\n").find("x.csv:3: unterminated") !=
        std::string::npos);
  CHECK(error_of(k_header) == "no error");  // a header alone is zero trades, not an error
}

TEST_CASE("a refused header leaves nothing behind for the next one (found by the fuzzer)") {
  TradeStats stats(k_run_date);
  CsvRecord wide;
  std::vector<std::string> names = {"A", "B", "C", "D", "E", "Ticker", "Entry_Timestamp"};  // no Status
  for (const auto& n : names) wide.fields.emplace_back(n);
  CHECK_FALSE(stats.header(wide));
  CsvRecord narrow;
  narrow.fields = {"Ticker", "Status", "Entry_Timestamp"};
  REQUIRE(stats.header(narrow));
  CsvRecord row;
  row.line = 2;
  row.fields = {"AAPL", "Open", "2026-01-02"};
  stats.row(row);  // would read column 5 of a 3-field row without the reset
  CHECK(stats.total_trades() == 1);
  CHECK(stats.open_tickers() == std::vector<std::string>{"AAPL"});
}

TEST_CASE("sums beyond the double range are null with an issue naming column and figure") {
  test::TempDir dir;
  test::write_file(dir / "o.csv",
                   "Ticker,Status,Entry_Timestamp,PnL,Return\n"
                   "AAA,Closed,2025-01-01,1e308,0.5\n"
                   "AAA,Closed,2025-01-02,1.5e308,0.25\n"  // line 3: 2.5e308 > DBL_MAX
                   "BBB,Closed,2025-01-03,-4,-0.5\n");
  TradeStats stats(k_run_date);
  read_trade_history(dir / "o.csv", stats);
  const TradeSummary s = stats.summary();
  CHECK_FALSE(s.metrics.total_pnl.has_value());
  CHECK_FALSE(s.metrics.profit_factor.has_value());  // the wins' PnL sum overflowed
  REQUIRE(s.metrics.expectancy.has_value());
  CHECK(*s.metrics.expectancy == doctest::Approx((0.5 + 0.25 - 0.5) / 3));
  REQUIRE(s.tickers.size() == 2);
  CHECK_FALSE(s.tickers[0].total_pnl.has_value());
  CHECK(s.tickers[0].total_return == 0.75);
  CHECK(s.tickers[1].total_pnl == -4.0);
  // total_pnl, profit_factor (wins), AAA's total_pnl: each at line 3, column PnL.
  REQUIRE(s.quality.issues.size() == 3);
  for (const auto& i : s.quality.issues) {
    CHECK(i.line == 3);
    CHECK(i.column == "PnL");
  }
  CHECK(s.quality.issues_total == 3);
  CHECK(s.quality.rows_with_issues == 0);
  CHECK(s.quality.issues[0].issue.find("profit_factor") != std::string::npos);
  CHECK(s.quality.issues[1].issue.find("total_pnl") == 0);
  CHECK(s.quality.issues[2].issue.find("ticker_performance.AAA.total_pnl") == 0);
}

TEST_CASE("the check between batches runs during the reading and can stop it") {
  test::TempDir dir;
  std::string csv = "Ticker,Status,Entry_Timestamp,PnL\n";
  for (int i = 0; i < 20000; ++i) csv += "T" + std::to_string(i) + ",Closed,2025-01-01,1\n";  // > 4,096 rows
  test::write_file(dir / "m.csv", csv);
  int calls = 0;
  TradeStats all(k_run_date);
  read_trade_history(dir / "m.csv", all, CsvReader::k_default_chunk, [&] { ++calls; });
  CHECK(calls >= 5);  // 20,001 records in batches of at most 4,096
  CHECK(all.rows_read() == 20000);

  TradeStats stopped(k_run_date);
  calls = 0;
  try {
    read_trade_history(dir / "m.csv", stopped, CsvReader::k_default_chunk, [&] {
      if (++calls == 2) throw FatalError(ExitCode::resource, "over the limit");
    });
    FAIL("the check did not stop the reading");
  } catch (const FatalError& e) {
    CHECK(e.code() == ExitCode::resource);
  }
  CHECK(stopped.rows_read() < 20000);
}

TEST_CASE("rows with more fields than the limit and tickers that are not symbols are excluded issues") {
  test::TempDir dir;
  test::write_file(dir / "w.csv", "Ticker,Status,Entry_Timestamp\n" + std::string(5000, ',') +
                                      "\nA B,Open,2026-11-01\nok,Open,2026-11-01\n");
  TradeStats stats(k_run_date);
  read_trade_history(dir / "w.csv", stats);
  const TradeSummary s = stats.summary();
  CHECK(s.quality.rows_read == 3);
  CHECK(s.quality.rows_excluded == 2);
  REQUIRE(s.quality.issues.size() == 2);
  CHECK(s.quality.issues[0].line == 2);
  CHECK(s.quality.issues[0].issue == "row has more than 4096 fields, the limit; skipped");
  CHECK(s.quality.issues[1].line == 3);
  CHECK(s.quality.issues[1].column == "Ticker");
  CHECK(s.quality.issues[1].issue.find("not a valid symbol") != std::string::npos);
  CHECK(stats.tickers() == std::vector<std::string>{"OK"});
}

TEST_CASE("the exact fast path of numbers gives what from_chars gives") {
  std::mt19937_64 rng(3);
  for (int i = 0; i < 200000; ++i) {
    std::string s = std::to_string(rng() % (std::uint64_t{1} << (rng() % 60)));
    if (rng() % 3) s.insert(s.size() - std::min<size_t>(s.size(), rng() % 8), ".");
    if (rng() % 4 == 0) s = "-" + s;
    double expected = 0;
    std::string_view body = std::string_view(s).substr(s[0] == '-' ? 1 : 0);
    std::from_chars(body.data(), body.data() + body.size(), expected);
    if (s[0] == '-') expected = -expected;
    auto got = parse_trade_number(s);
    REQUIRE_MESSAGE(got, s);
    CHECK_MESSAGE(std::memcmp(&*got, &expected, sizeof expected) == 0, s);  // to the bit, -0 too
  }
}

namespace {

// Files of every shape: the samples, the messy file, quotes everywhere,
// over-long and over-wide rows, more open positions and issues than listed.
std::vector<std::filesystem::path> phase1_files(const test::TempDir& dir) {
  std::vector<std::filesystem::path> files;
  for (const auto& e :
       std::filesystem::directory_iterator(std::filesystem::path(THD_SOURCE_DIR) / "data/raw/trade_history"))
    files.push_back(e.path());
  std::mt19937 rng(5);
  std::string csv = "\xEF\xBB\xBF" + std::string(k_header);
  const char* tickers[] = {"aapl", "MSFT", "\"NV,DA\"", "x y", "", "T1", "brk.b"};
  const char* statuses[] = {"Closed", "Open", "active", "\"Closed\"", "Pending", ""};
  const char* numbers[] = {"1", "-2.5", "0", "1e308", "abc", "", "\"3.25\"", "-0", ".5", "1e-3"};
  const char* dates[] = {"2025-01-02", "2025-03-02 10:00:00", "2025-02-30", "", "2024-12-31T23:59:59"};
  for (int i = 0; i < 600; ++i) {
    std::string row = "U" + std::to_string(i) + "," + tickers[rng() % 7] + ",\"S\"\"" +
                      std::to_string(rng() % 3) + "\",,,," + dates[rng() % 5] + "," + dates[rng() % 5] +
                      ",1," + numbers[rng() % 10] + ",1,Long," + numbers[rng() % 10] + "," +
                      numbers[rng() % 10] + "," + numbers[rng() % 10] + ",Long," + statuses[rng() % 6] +
                      ",,,,,,," + numbers[rng() % 10] + ",,,\"q\nq\",";
    if (i % 97 == 5) row = "too,few";
    if (i % 131 == 7) row += std::string(300, 'L');  // over the small record limit below
    csv += row + (i % 50 == 3 ? "\r\n" : "\n");
    if (i % 70 == 9) csv += "\n";
  }
  test::write_file(dir / "mixed.csv", csv);
  files.push_back(dir / "mixed.csv");
  test::write_file(dir / "wide.csv", "Ticker,Status,Entry_Timestamp\n" + std::string(5000, ',') +
                                         "\nA,Open,2026-11-01\n" + std::string(4095, ',') + "\n");
  files.push_back(dir / "wide.csv");
  test::write_file(dir / "open_quote.csv", std::string(k_header) + "A,\"B\nC\n");
  files.push_back(dir / "open_quote.csv");
  test::write_file(dir / "no_header.csv", "\n\r\n");
  files.push_back(dir / "no_header.csv");
  return files;
}

}  // namespace

TEST_CASE("Phase 1 gives today's figures for every cut of the input, worker count and scan path") {
  test::TempDir dir;
  std::vector<ScanPath> paths{ScanPath::scalar};
  if (scan_path_available(ScanPath::avx2)) paths.push_back(ScanPath::avx2);
  int compared = 0;
  for (const auto& file : phase1_files(dir)) {
    for (size_t max_record : {size_t{1} << 20, size_t{200}}) {
      for (TradeStatsLimits limits : {TradeStatsLimits{}, TradeStatsLimits{3, 2}}) {
        const std::string expected =
            test::phase1_reference(file, k_run_date, CsvReader::k_default_chunk, max_record, limits);
        for (ScanPath path : paths)
          for (size_t chunk_bytes : {size_t{1}, size_t{150}, size_t{4096}, size_t{1} << 20})
            for (size_t chunk_lines : {size_t{1}, size_t{3}, size_t{4096}})
              for (size_t read_size : {size_t{1}, size_t{61}, CsvReader::k_default_chunk})
                for (unsigned workers : {1u, 3u}) {
                  if (read_size == 1 && chunk_lines != 1) continue;  // slow and adds nothing
                  TradeHistoryReading how;
                  how.path = path, how.chunk_bytes = chunk_bytes, how.chunk_lines = chunk_lines;
                  how.read_size = read_size, how.max_record = max_record, how.workers = workers;
                  ++compared;
                  CHECK_MESSAGE(test::phase1_json(file, k_run_date, how, limits) == expected,
                                file.filename().string()
                                    << " path " << scan_path_name(path) << " chunk " << chunk_bytes << "/"
                                    << chunk_lines << " read " << read_size << " workers " << workers
                                    << " max_record " << max_record);
                }
      }
    }
  }
  CHECK(compared > 1000);
}
