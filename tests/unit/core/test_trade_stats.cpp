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
  // profit_factor (wins), total_pnl, the same two of the one strategy ("unspecified": no
  // Strategy_Type column), AAA's total_pnl: each at line 3, column PnL.
  REQUIRE(s.quality.issues.size() == 5);
  for (const auto& i : s.quality.issues) {
    CHECK(i.line == 3);
    CHECK(i.column == "PnL");
  }
  CHECK(s.quality.issues_total == 5);
  CHECK(s.quality.rows_with_issues == 0);
  CHECK(s.quality.issues[0].issue.find("profit_factor") != std::string::npos);
  CHECK(s.quality.issues[1].issue.find("total_pnl") == 0);
  CHECK(s.quality.issues[2].issue.find("strategy_performance.unspecified.profit_factor (wins)") == 0);
  CHECK(s.quality.issues[3].issue.find("strategy_performance.unspecified.total_pnl") == 0);
  CHECK(s.quality.issues[4].issue.find("ticker_performance.AAA.total_pnl") == 0);
  REQUIRE(s.strategy_performance.size() == 1);
  CHECK_FALSE(s.strategy_performance[0].total_pnl.has_value());
  CHECK_FALSE(s.strategy_performance[0].profit_factor.has_value());
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

TEST_CASE("numbers: the inline fast path and what must fall back to the exact path") {
  auto bits = [](std::optional<double> v) {
    std::uint64_t b = 0;
    if (v) std::memcpy(&b, &*v, sizeof b);
    return b;
  };
  // Fast: [-] digits [. digits], at most 19 digits, their integer at most 2^53.
  CHECK(parse_trade_number("193.79") == 193.79);
  CHECK(parse_trade_number("-534.06") == -534.06);
  CHECK(parse_trade_number("-.5") == -0.5);
  CHECK(bits(parse_trade_number("-0")) == bits(-0.0));
  CHECK(bits(parse_trade_number("-0.000")) == bits(-0.0));
  CHECK(parse_trade_number("9007199254740992") == 9007199254740992.0);  // 2^53, the last fast integer
  CHECK(parse_trade_number("0.000000000000000001") == 1e-18);           // 19 digits
  // Exact path: 2^53 + 1 rounds to even (2^53); 20 digits; a '+'; exponents; 22 digits of leading zeros.
  CHECK(parse_trade_number("9007199254740993") == 9007199254740992.0);
  CHECK(parse_trade_number("9007199254740995") == 9007199254740996.0);
  CHECK(parse_trade_number("12345678901234567890") == 12345678901234567890.0);
  CHECK(parse_trade_number("1234567890123456789") == 1234567890123456768.0);  // the nearest double
  CHECK(parse_trade_number("0.0000000000000000001") == 1e-19);                // 20 digits
  CHECK(parse_trade_number("+0.5") == 0.5);
  CHECK(parse_trade_number("-2.5e-1") == -0.25);
  CHECK(parse_trade_number("0000000000000000000001") == 1.0);
  CHECK(parse_trade_number(std::string(400, '9') + ".5") == std::nullopt);  // over the double range
  for (const char* bad : {"1.2.3", "--1", "-+1", "1-", "1e", "1e+", ".", "-.", "+.", "1 ", " 1", "1\t",
                          "0x10", "1_000", "\xB5"}) {
    CHECK_MESSAGE(!parse_trade_number(bad), bad);
    CHECK_MESSAGE(!is_trade_number(bad), bad);
  }
  for (const char* good : {"0", "+1", "-1", "1.", ".1", "1e5", "1E-5", "-1.5e+3", "99999999999999999999999"})
    CHECK_MESSAGE(is_trade_number(good), good);
  // 5 to 8 bytes: checked eight at a time.
  for (const char* good :
       {"+1234", "-12.34", "1234567.", ".1234567", "12345678", "-.00001", "00000", "+9.999"})
    CHECK_MESSAGE(is_trade_number(good), good);
  for (const char* bad :
       {"12.34.5", "12-34", "+-123", "1234+", "-....", "+....", "12 34", "1234e", "\xB1\xB2\xB3\xB4\xB5",
        "1\xAE"
        "234",
        "9999:"})
    CHECK_MESSAGE(!is_trade_number(bad), bad);
  CHECK(!is_trade_number(std::string("1234\0", 5)));
  CHECK(is_trade_number("1.5e10"));              // a shape the eight-byte check does not take: the exact path
  CHECK(is_trade_number(std::string(40, '7')));  // over the quick check's 32 bytes
  CHECK(!is_trade_number(std::string(40, '7') + "x"));
  CHECK(!is_trade_number("1e999"));
}

TEST_CASE("timestamps: the inline fast path and what must fall back to the exact path") {
  CHECK(parse_trade_timestamp("2024-01-31") == Date{2024, 1, 31});
  CHECK(parse_trade_timestamp("2024-04-30 09:05:07") == Date{2024, 4, 30});
  CHECK(parse_trade_timestamp("0001-01-01") == Date{1, 1, 1});
  CHECK(parse_trade_timestamp("9999-12-31T23:59:59") == Date{9999, 12, 31});
  CHECK(parse_trade_timestamp("2024-02-29") == Date{2024, 2, 29});  // the exact path: a leap day
  CHECK(parse_trade_timestamp("2000-02-29 00:00:00") == Date{2000, 2, 29});
  for (const char* bad :
       {"2023-02-29",          "1900-02-29",           "0000-01-01",          "2024-13-01",
        "2024-00-10",          "2024-01-00",           "2024-04-31",          "2024-01-32",
        "2024-1-31",           "2024/01/31",           "2024-01-3a",          "+024-01-01",
        " 2024-01-01",         "2024-01-01 ",          "2024-01-31 24:00:00", "2024-01-31 23:60:00",
        "2024-01-31 23:59:60", "2024-01-31x12:00:00",  "2024-01-31 12:00:0",  "2024-01-31 12-00-00",
        "2024-01-31 1a:00:00", "2024-01-31T12:00:00.5"})
    CHECK_MESSAGE(!parse_trade_timestamp(bad), bad);
}

namespace {

// The exact rules as they were before the inline fast paths (commit bd99be4),
// written out again: the fast paths must agree with them on every input.
std::optional<double> reference_number(std::string_view s) {
  size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  size_t digits = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++digits;
  }
  if (digits == 0) return std::nullopt;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    size_t exp_digits = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++exp_digits;
    if (exp_digits == 0) return std::nullopt;
  }
  if (i != s.size()) return std::nullopt;
  const bool negative = s[0] == '-';
  std::string_view body = s.substr(s[0] == '+' || s[0] == '-' ? 1 : 0);
  double v = 0;
  auto [p, ec] = std::from_chars(body.data(), body.data() + body.size(), v);
  if (ec != std::errc() || p != body.data() + body.size()) return std::nullopt;
  return negative ? -v : v;
}

std::optional<Date> reference_timestamp(std::string_view s) {
  auto date = parse_iso_date(s.substr(0, 10));
  if (!date || s.size() == 10) return date;
  if (s.size() != 19 || (s[10] != ' ' && s[10] != 'T') || s[13] != ':' || s[16] != ':') return std::nullopt;
  for (size_t i : {11, 12, 14, 15, 17, 18})
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
  if ((s[11] - '0') * 10 + (s[12] - '0') > 23 || (s[14] - '0') * 10 + (s[15] - '0') > 59 ||
      (s[17] - '0') * 10 + (s[18] - '0') > 59)
    return std::nullopt;
  return date;
}

}  // namespace

TEST_CASE("the inline fast paths agree with the exact rules on random cells") {
  std::mt19937_64 rng(11);
  const std::string number_bytes = "0123456789000111999..--+eE x";
  for (int i = 0; i < 300000; ++i) {
    std::string s;
    const size_t len = rng() % 24;
    for (size_t k = 0; k < len; ++k) s += number_bytes[rng() % number_bytes.size()];
    const auto got = parse_trade_number(s), want = reference_number(s);
    REQUIRE_MESSAGE(got.has_value() == want.has_value(), s);
    if (got) CHECK_MESSAGE(std::memcmp(&*got, &*want, sizeof(double)) == 0, s);
    REQUIRE_MESSAGE(is_trade_number(s) == want.has_value(), s);
  }
  const std::string date_bytes = "0123456789012345678901239--:: T";
  for (int i = 0; i < 300000; ++i) {
    // A valid date-time with a few bytes changed, or a random day of a random month.
    std::string s = rng() % 2 ? "2024-02-29 23:59:59" : "1999-12-31T00:00:00";
    const std::string month = std::to_string(rng() % 14), day = std::to_string(rng() % 33);
    s.replace(5, 2, std::string(2 - std::min<size_t>(2, month.size()), '0') + month.substr(0, 2));
    s.replace(8, 2, std::string(2 - std::min<size_t>(2, day.size()), '0') + day.substr(0, 2));
    if (rng() % 3 == 0) s.resize(10);
    for (int k = static_cast<int>(rng() % 3); k > 0; --k)
      s[rng() % s.size()] = date_bytes[rng() % date_bytes.size()];
    CHECK_MESSAGE(parse_trade_timestamp(s) == reference_timestamp(s), s);
  }
}

TEST_CASE("a header in SPEC order and any other header count the same cells the same way") {
  // The SPEC order takes the steps chosen when compiling; one more column
  // at the end takes the per-column plan. Every figure but that column's
  // completeness must be the same, issues (and their order) included.
  std::mt19937 rng(17);
  const char* cells[] = {"1",
                         "-2.5",
                         "0",
                         "1e308",
                         "abc",
                         "",
                         " 7 ",
                         "\t8",
                         "+3",
                         "1e999",
                         "2024-02-29",
                         "2023-02-29",
                         "2024-01-31 10:00:00",
                         "AAPL",
                         "brk.b",
                         "x y",
                         "Closed",
                         "open",
                         "Active",
                         "Pending",
                         "12345678901234567890",
                         "-0"};
  std::string spec = k_header, other = std::string(k_header).insert(std::strlen(k_header) - 1, ",Note");
  for (int r = 0; r < 3000; ++r) {
    std::string row;
    for (size_t c = 0; c < k_trade_columns.size(); ++c) {
      if (c) row += ',';
      const Col col = k_trade_columns[c].id;
      if (col == Col::ticker && rng() % 4)
        row += rng() % 2 ? "AAPL" : "MSFT";
      else if (col == Col::status && rng() % 4)
        row += rng() % 2 ? "Closed" : "Open";
      else if (col == Col::entry_timestamp && rng() % 4)
        row += "2025-03-0" + std::to_string(1 + rng() % 9);
      else
        row += cells[rng() % std::size(cells)];
    }
    spec += row + "\n";
    other += row + ",n\n";
  }
  test::TempDir dir;
  test::write_file(dir / "spec.csv", spec);
  test::write_file(dir / "other.csv", other);
  auto summary_of = [](const std::filesystem::path& csv) {
    TradeStats stats(k_run_date, TradeStatsLimits{100000, 100000});
    read_trade_history(csv, stats);
    return stats.summary();
  };
  TradeSummary a = summary_of(dir / "spec.csv"), b = summary_of(dir / "other.csv");
  REQUIRE(b.quality.completeness.size() == a.quality.completeness.size() + 1);
  CHECK(b.quality.completeness.back() == std::pair<std::string, std::optional<double>>{"Note", 1.0});
  b.quality.completeness.pop_back();
  auto json = [](const TradeSummary& s) {
    JsonWriter w;
    w.begin_object();
    write_trade_summary_json(w, s);
    w.end_object();
    return w.take();
  };
  CHECK(a.quality.issues_total > 1000);
  CHECK(json(a) == json(b));
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
  // Many exit days and months, excursions, returns on bin edges; from row 500
  // on some terms are not short decimals: those sums fall back to Neumaier in
  // file order, across the cuts.
  std::string days =
      "Ticker,Strategy_Type,Status,Entry_Timestamp,Exit_Timestamp,PnL,Return,Duration_Days,"
      "Max_Favourable_Excursion,Max_Adverse_Excursion,Exit_Efficiency\n";
  const char* exact[] = {"0.05", "-0.05", "0.15", "0", "-12.34", "56.78", "0.1", "-0.2", "1e-3", ""};
  const char* inexact[] = {"0.123456789", "1.0000000000000002", "3.999999999999999e1", "-0.049999999"};
  for (int i = 0; i < 700; ++i) {
    auto cell = [&] {
      return std::string(i >= 500 && rng() % 4 == 0 ? inexact[rng() % 4] : exact[rng() % 10]);
    };
    const int day = static_cast<int>(rng() % 60);
    const bool has_exit = rng() % 20 != 0;
    char date[16];
    std::snprintf(date, sizeof date, "2025-%02d-%02d", 1 + day / 28, 1 + day % 28);
    days += std::string(i % 3 ? "AA" : "BB") + ",S" + std::to_string(rng() % 3) + "," +
            (rng() % 10 ? "Closed" : "Open") + ",2024-12-01," + (has_exit ? date : "") + "," + cell() + "," +
            cell() + "," + std::to_string(rng() % 90) + "," + cell() + "," + cell() + "," + cell() + "\n";
  }
  test::write_file(dir / "days.csv", days);
  files.push_back(dir / "days.csv");
  // An inexact term in row 1 (the first chunk, counted into the whole), then
  // exact rows over several chunks: their sums must not be lost.
  std::string first_inexact =
      "Ticker,Status,Entry_Timestamp,Exit_Timestamp,PnL,Return\n"
      "A,Closed,2025-01-01,2025-01-02,0.123456789,0.1\n";  // PnL not exact, Return exact
  for (int i = 0; i < 40; ++i)
    first_inexact += "A,Closed,2025-01-01,2025-0" + std::to_string(1 + i % 3) + "-0" +
                     std::to_string(2 + i % 7) + ",1,0.01\n";
  test::write_file(dir / "first_inexact.csv", first_inexact);
  files.push_back(dir / "first_inexact.csv");
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

TEST_CASE("an inexact term in the first chunk does not drop the next chunks' exact sums") {
  test::TempDir dir;
  std::string csv =
      "Ticker,Status,Entry_Timestamp,Exit_Timestamp,PnL,Return\n"
      "A,Closed,2025-01-01,2025-01-02,0.123456789,0.1\n";  // 9 decimals: not exact
  for (int i = 0; i < 9; ++i) csv += "A,Closed,2025-01-01,2025-01-03,1,0.1\n";
  test::write_file(dir / "f.csv", csv);
  for (size_t lines : {size_t{1}, size_t{2}, size_t{4096}}) {
    TradeStats stats(k_run_date);
    TradeHistoryReading how;
    how.chunk_lines = lines, how.workers = 1, how.read_size = 64;
    read_trade_history(dir / "f.csv", stats, how);
    const TradeSummary s = stats.summary();
    // 0.123456789 + 9 * 1 = 9.123456789
    REQUIRE(s.metrics.total_pnl);
    CHECK(*s.metrics.total_pnl == doctest::Approx(9.123456789).epsilon(1e-15));
  }
}

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
