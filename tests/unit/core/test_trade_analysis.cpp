// Issue 13's statistics (docs/STATISTICS.md, "Exact sums" and "Trade
// analysis") against values worked out by hand. The every-cut equivalence
// of these figures is in test_trade_stats.cpp (its files include days.csv).
#include <doctest/doctest.h>

#include <cmath>
#include <random>

#include "core/base/date.hpp"
#include "core/trade_stats.hpp"
#include "tests/unit/support.hpp"

using namespace thd;

namespace {

const Date k_run_date{2026, 11, 22};

}  // namespace

namespace {

TradeSummary summary_of_text(const test::TempDir& dir, const std::string& name, const std::string& csv) {
  test::write_file(dir / name, csv);
  TradeStats stats(k_run_date);
  read_trade_history(dir / name, stats);
  return stats.summary();
}

// Eleven rows worked out by hand in the test below (docs/STATISTICS.md, "Trade analysis").
const char* k_hand_csv =
    "Ticker,Strategy_Type,Status,Entry_Timestamp,Exit_Timestamp,PnL,Return,Duration_Days,"
    "Max_Favourable_Excursion,Max_Adverse_Excursion,Exit_Efficiency\n"
    "A,S1,Closed,2025-01-01,2025-01-10,100,0.05,9,0.2,0.01,0.25\n"  // 1 win
    "B,S1,Closed,2025-01-02,2025-01-20,-50,-0.05,18,0.01,0.06,\n"   // 2 loss
    "A,S2,Closed,2025-01-03,2025-01-20 16:00:00,-80,-0.08,17,,,\n"  // 3 loss
    "B,S2,Closed,2025-01-05,2025-02-05,200,0.15,31,0.3,,0.9\n"      // 4 win
    "C,S1,Closed,2025-01-06,2025-02-10,0,0,35,,,\n"                 // 5 breakeven
    "C,S1,Closed,2025-02-01,2025-02-10,30.1,0.1,9,0.3,,\n"          // 6 win
    "A,S2,Closed,2025-02-02,2025-03-01,0.2,0.01,27,,,\n"            // 7 win
    "A,S1,Closed,2025-02-03,,10,0.02,5,,,\n"                        // 8 win, no exit date
    "B,S1,Open,2025-03-01,,,,,,,\n"                                 // 9 open
    "C,S2,Closed,2025-03-01,2025-03-15,-150.3,-0.2,14,,,\n"         // 10 loss
    "B,S2,Closed,2025-03-02,2025-04-30,40,0.04,59,,,\n";            // 11 win

}  // namespace

TEST_CASE("trade analysis: every figure of a small file worked out by hand") {
  test::TempDir dir;
  const TradeSummary s = summary_of_text(dir, "hand.csv", k_hand_csv);
  const TradeSummary::Analysis& a = s.analysis;

  // Exit order: 9 closed trades with an exit date (rows 1-7, 10, 11); row 8 has none.
  CHECK(a.exit_trades == 9);
  CHECK(a.without_exit_date == 1);

  // The curve, per exit date (PnL summed per date, cumulative from 0):
  //   01-10 +100 -> 100; 01-20 -50-80 -> -30; 02-05 +200 -> 170; 02-10 0+30.1 -> 200.1;
  //   03-01 +0.2 -> 200.3; 03-15 -150.3 -> 50; 04-30 +40 -> 90.
  CHECK(a.curve_trades == 9);
  CHECK(a.points_total == 7);
  CHECK_FALSE(a.downsampled);
  REQUIRE(a.points.size() == 7);
  const std::pair<const char*, double> points[] = {
      {"2025-01-10", 100},   {"2025-01-20", -30}, {"2025-02-05", 170}, {"2025-02-10", 200.1},
      {"2025-03-01", 200.3}, {"2025-03-15", 50},  {"2025-04-30", 90}};
  for (size_t i = 0; i < 7; ++i) {
    CHECK(a.points[i].date == points[i].first);
    CHECK(a.points[i].cumulative == points[i].second);  // the nearest double of the exact sum
  }

  // Drawdown: running peak 0 -> 100 (01-10); 01-20: 100 - (-30) = 130; the peak becomes 170
  // (02-05), 200.1 (02-10), 200.3 (03-01); 03-15: 200.3 - 50 = 150.3, the largest; 04-30:
  // 200.3 - 90 = 110.3 (current). Never back to 200.3: no recovery.
  const auto& dd = a.drawdown;
  CHECK(dd.max == 150.3);  // exactly the double of 150.3 (the float difference 200.3 - 50 is not)
  CHECK(dd.peak_date == "2025-03-01");
  CHECK(dd.trough_date == "2025-03-15");
  CHECK_FALSE(dd.recovery_date.has_value());
  CHECK(dd.current == 110.3);
  // Relative: 130 / 100 = 1.3 on 01-20; 150.3 / 200.3 = 0.75 and 110.3 / 200.3 = 0.55 later.
  CHECK(dd.max_relative == 1.3);
  CHECK_FALSE(dd.max_relative_reason.has_value());
  // Under water: 01-10 (peak) -> 02-05 (170 >= 100) = 26 days, recovered; 03-01 (peak) ->
  // 04-30 (the last date, never recovered) = 31 + 29 = 60 days: the longest.
  CHECK(dd.longest_days == 60);
  CHECK(dd.longest_start == "2025-03-01");
  CHECK(dd.longest_end == "2025-04-30");
  CHECK(dd.longest_recovered == false);

  // Streaks in exit order (date, then file order): W(1) L(2) L(3) W(4) B(5) W(6) W(7) L(10)
  // W(11); row 8 has no exit date. The breakeven ends the run W(4): longest winning 2 (6, 7),
  // not 3; longest losing 2 (2, 3); the last is a win of 1.
  CHECK(a.longest_winning == 2);
  CHECK(a.longest_losing == 2);
  CHECK(a.current_kind == "win");
  CHECK(a.current_length == 1);

  // Excursions: rows 1, 2, 4, 6 have at least one of the three cells.
  // MFE (0.2 + 0.01 + 0.3 + 0.3) / 4 = 0.81 / 4 = 0.2025; MAE (0.01 + 0.06) / 2 = 0.035;
  // efficiency (0.25 + 0.9) / 2 = 0.575. Winners with MFE > 0 and a Return: 1, 4, 6; gave back
  // more than half: 1 (0.05 < 0.2 / 2), 6 (0.1 < 0.15); not 4 (0.15 is not < 0.3 / 2 = 0.15).
  CHECK(a.excursion_trades == 4);
  CHECK(a.average_mfe == 0.81 / 4);
  CHECK(a.average_mae == 0.07 / 2);
  CHECK(a.average_exit_efficiency == 1.15 / 2);
  CHECK(a.winners_with_mfe == 3);
  CHECK(a.winners_gave_back_half == 2);
  CHECK(a.gave_back_half_share == 2.0 / 3);

  // Months: 01: 100 - 50 - 80 = -30 (3); 02: 200 + 0 + 30.1 = 230.1 (3);
  // 03: 0.2 - 150.3 = -150.1 (2); 04: 40 (1).
  REQUIRE(a.monthly_pnl.size() == 4);
  CHECK(a.monthly_pnl[0].month == "2025-01");
  CHECK(a.monthly_pnl[0].pnl == -30.0);
  CHECK(a.monthly_pnl[0].trades == 3);
  CHECK(a.monthly_pnl[1].pnl == 230.1);
  CHECK(a.monthly_pnl[2].month == "2025-03");
  CHECK(a.monthly_pnl[2].pnl == -150.1);
  CHECK(a.monthly_pnl[2].trades == 2);
  CHECK(a.monthly_pnl[3].pnl == 40.0);

  // SQN over the 10 Returns (rows 1-8, 10, 11): sum 0.04, mean 0.004; squares sum to 0.086;
  // variance (0.086 - 0.04^2 / 10) / 9 = 0.08584 / 9; stdev 0.0976614..; SQN
  // sqrt(10) * 0.004 / 0.0976614.. = 0.129520..
  CHECK(a.sqn_trades == 10);
  CHECK(a.mean_return == 0.04 / 10);  // the nearest double of the exact sum, over N
  REQUIRE(a.stdev_return.has_value());
  CHECK(*a.stdev_return == doctest::Approx(std::sqrt(0.08584 / 9)).epsilon(1e-12));
  REQUIRE(a.sqn.has_value());
  CHECK(*a.sqn == doctest::Approx(std::sqrt(10.0) * 0.004 / std::sqrt(0.08584 / 9)).epsilon(1e-12));
  CHECK(*a.sqn == doctest::Approx(0.129520).epsilon(1e-5));
  CHECK_FALSE(a.sqn_reason.has_value());

  // Bins, floor(Return / 0.05) on the decimal: -0.2 -> -4; -0.08 -> -2; -0.05 -> -1 (an edge);
  // 0, 0.01, 0.02, 0.04 -> 0; 0.05 -> 1 (an edge); 0.1 -> 2; 0.15 -> 3 (an edge: in doubles
  // 0.15 / 0.05 is 2.9999999999999996).
  CHECK(a.binned_trades == 10);
  REQUIRE(a.bins.size() == 7);
  struct Want {
    double from, to;
    std::uint64_t wins, losses, breakevens;
  };
  const Want bins[] = {{-0.2, -0.15, 0, 1, 0}, {-0.1, -0.05, 0, 1, 0}, {-0.05, 0, 0, 1, 0},
                       {0, 0.05, 3, 0, 1},     {0.05, 0.1, 1, 0, 0},   {0.1, 0.15, 1, 0, 0},
                       {0.15, 0.2, 1, 0, 0}};
  for (size_t i = 0; i < 7; ++i) {
    CAPTURE(i);
    CHECK(a.bins[i].from == bins[i].from);
    CHECK(a.bins[i].to == bins[i].to);
    CHECK(a.bins[i].wins == bins[i].wins);
    CHECK(a.bins[i].losses == bins[i].losses);
    CHECK(a.bins[i].breakevens == bins[i].breakevens);
  }

  // Winners' durations 9, 31, 9, 27, 5, 59 -> 140 / 6; losers' 18, 17, 14 -> 49 / 3.
  CHECK(s.metrics.average_win_duration_days == 140.0 / 6);
  CHECK(s.metrics.average_loss_duration_days == 49.0 / 3);
  // 100 - 50 - 80 + 200 + 0 + 30.1 + 0.2 + 10 - 150.3 + 40 = 100.
  CHECK(s.metrics.total_pnl == 100.0);

  // Per strategy. S1: rows 1 (W 100), 2 (L -50), 5 (B 0), 6 (W 30.1), 8 (W 10); row 9 is open.
  //   win rate 3/5; profit factor 140.1 / 50 = 2.802; expectancy (0.05 - 0.05 + 0 + 0.1 + 0.02)
  //   / 5 = 0.024; total 90.1; duration (9 + 18 + 35 + 9 + 5) / 5 = 15.2.
  // S2: rows 3 (L -80), 4 (W 200), 7 (W 0.2), 10 (L -150.3), 11 (W 40).
  //   profit factor 240.2 / 230.3; expectancy -0.08 / 5 = -0.016; total 9.9 (in doubles
  //   240.2 - 230.3 is 9.899999999999977); duration 148 / 5 = 29.6.
  REQUIRE(s.strategy_performance.size() == 2);
  const auto& s1 = s.strategy_performance[0];
  CHECK(s1.name == "S1");
  CHECK(s1.closed_trades == 5);
  CHECK(s1.wins == 3);
  CHECK(s1.losses == 1);
  CHECK(s1.breakevens == 1);
  CHECK(s1.win_rate == 0.6);
  CHECK(s1.profit_factor == 140.1 / 50);
  CHECK(s1.expectancy == 0.12 / 5);
  CHECK(s1.total_pnl == 90.1);
  CHECK(s1.average_duration_days == 76.0 / 5);
  const auto& s2 = s.strategy_performance[1];
  CHECK(s2.name == "S2");
  CHECK(s2.closed_trades == 5);
  CHECK(s2.wins == 3);
  CHECK(s2.losses == 2);
  CHECK(s2.profit_factor == 240.2 / 230.3);
  CHECK(s2.expectancy == -0.08 / 5);
  CHECK(s2.total_pnl == 9.9);
  CHECK(s2.average_duration_days == 148.0 / 5);
}

TEST_CASE("the sample's total PnL is 52018.19: sums of cents are exact") {
  const auto sample =
      std::filesystem::path(THD_SOURCE_DIR) / "data/raw/trade_history/live_signals_20261120.csv";
  TradeStats stats(k_run_date);
  read_trade_history(sample, stats);
  const TradeSummary s = stats.summary();
  // The 36 closed PnL cells add up to 52018.19 exactly (in file order in doubles: 52018.189999999995).
  CHECK(s.metrics.total_pnl == 52018.19);
  JsonWriter w;
  w.begin_object();
  write_trade_summary_json(w, s);
  w.end_object();
  CHECK(w.str().find("\"total_pnl\": 52018.19,") != std::string::npos);
  CHECK(w.str().find("52018.189999999995") == std::string::npos);
}

TEST_CASE("exact terms: the shortest decimal with at most 8 decimals below 2^53 at scale 1e8") {
  auto scaled = [](double v) -> std::optional<std::int64_t> {
    const Num n = num_of(v);
    if (!n.exact) return std::nullopt;
    return n.scaled;
  };
  CHECK(scaled(0.001) == 100000);  // to_chars writes 0.001 or 1e-03: an exponent
  CHECK(scaled(1e-8) == 1);        // 1e-08
  CHECK(scaled(2.5e-2) == 2500000);
  CHECK(scaled(-0.05) == -5000000);
  CHECK(scaled(1e7) == 1000000000000000);
  CHECK(scaled(0.0) == 0);
  CHECK(scaled(-0.0) == 0);
  CHECK_FALSE(scaled(1e-9));  // 9 decimals
  CHECK_FALSE(scaled(0.123456789));
  CHECK_FALSE(scaled(1.0000000000000002));
  CHECK_FALSE(scaled(1e20));               // beyond 2^53 / 1e8
  CHECK_FALSE(scaled(90071992.54740992));  // 2^53 at scale 1e8: not below it
  CHECK(scaled(90071992.5474099) == 9007199254740990);
  // 17 digits: its double's shortest decimal is 90071992.5474099 (the ulp there is 1.5e-8)
  CHECK(scaled(90071992.54740991) == 9007199254740990);
  // The cells, converted once: the same answer on the inline path and the long one.
  for (const char* cell : {"0.05", "-12.34", "1e-3", "+0.3", ".25", "7.", "0.1000000000", "1234567.12345678",
                           "0.123456789", "12345678901234567890", "3.999999999999999e1"}) {
    CAPTURE(cell);
    const double v = *parse_trade_number(cell);
    CHECK(num_of(v).exact == scaled(v).has_value());
  }
  // The nearest double of a scaled sum, small and beyond 2^53.
  CHECK(scaled_to_double(5201819000000) == 52018.19);
  CHECK(scaled_to_double(-1) == -1e-8);
  CHECK(scaled_to_double(Int128{1} << 80) == 12089258196146291.74706176);
  CHECK(scaled_to_double(-(Int128{1} << 80)) == -12089258196146291.74706176);
}

TEST_CASE("sums that meet a term that is not a short decimal fall back to Neumaier from the exact sum") {
  Sum s;
  s.add(num_of(0.1), 1);
  s.add(num_of(0.2), 2);
  CHECK(s.exact_only);
  CHECK(s.value() == 0.3);  // in doubles 0.1 + 0.2 = 0.30000000000000004
  s.add(num_of(1e-9), 3);
  CHECK_FALSE(s.exact_only);
  CHECK(s.value() == 0.3 + 1e-9);  // Neumaier from 0.3 (the exact sum so far) and 1e-9
  Sum big;
  big.add(num_of(1e308), 7);
  big.add(num_of(1e308), 8);
  CHECK(big.overflow_line == 8);
}

TEST_CASE("streaks: the monoid of a day gives the plain count for any split") {
  std::mt19937 rng(3);
  for (int round = 0; round < 300; ++round) {
    std::vector<std::int8_t> kinds(rng() % 30);
    for (auto& k : kinds) k = static_cast<std::int8_t>(static_cast<int>(rng() % 3) - 1);
    // The plain count: a breakeven ends both streaks.
    std::uint64_t win = 0, loss = 0, max_win = 0, max_loss = 0;
    for (std::int8_t k : kinds) {
      win = k > 0 ? win + 1 : 0;
      loss = k < 0 ? loss + 1 : 0;
      max_win = std::max(max_win, win), max_loss = std::max(max_loss, loss);
    }
    // Cut anywhere, each piece appended in order, pieces combined in order.
    Streak whole;
    size_t i = 0;
    while (i < kinds.size()) {
      const size_t n = 1 + rng() % 5;
      Streak piece;
      for (size_t j = i; j < std::min(kinds.size(), i + n); ++j)
        piece = Streak::combine(piece, Streak::of(kinds[j]));
      whole = Streak::combine(whole, piece);
      i += n;
    }
    CAPTURE(round);
    CHECK(whole.max_win == max_win);
    CHECK(whole.max_loss == max_loss);
    CHECK(whole.n == kinds.size());
    if (!kinds.empty())
      CHECK(whole.suffix == (kinds.back() > 0 ? win : kinds.back() < 0 ? loss : whole.suffix));
  }
}

TEST_CASE("drawdown: a curve that never rises above 0, and one with no exit dates") {
  test::TempDir dir;
  // -10 on 01-02 then -5 more on 01-03: the peak is the start (0); max 15 on 01-03 with no
  // peak date; no relative figure (the peak is never above 0); under water from the first
  // exit date 01-02 to the last, 01-03: 1 day, not recovered.
  TradeSummary s = summary_of_text(dir, "down.csv",
                                   "Ticker,Status,Entry_Timestamp,Exit_Timestamp,PnL\n"
                                   "A,Closed,2025-01-01,2025-01-02,-10\n"
                                   "A,Closed,2025-01-01,2025-01-03,-5\n");
  CHECK(s.analysis.drawdown.max == 15.0);
  CHECK_FALSE(s.analysis.drawdown.peak_date.has_value());
  CHECK(s.analysis.drawdown.trough_date == "2025-01-03");
  CHECK_FALSE(s.analysis.drawdown.max_relative.has_value());
  CHECK(s.analysis.drawdown.max_relative_reason.has_value());
  CHECK(s.analysis.drawdown.longest_days == 1);
  CHECK(s.analysis.drawdown.longest_recovered == false);
  CHECK(s.analysis.current_kind == "loss");
  CHECK(s.analysis.current_length == 2);
  CHECK(s.analysis.sqn_reason.has_value());  // no Return column
  s = summary_of_text(dir, "none.csv",
                      "Ticker,Status,Entry_Timestamp,PnL,Return\nA,Closed,2025-01-01,5,0.1\n");
  CHECK(s.analysis.points_total == 0);
  CHECK_FALSE(s.analysis.drawdown.max.has_value());
  CHECK(s.analysis.without_exit_date == 1);
  CHECK_FALSE(s.analysis.current_kind.has_value());
  CHECK(s.analysis.sqn_reason == "fewer than 2 closed trades with a Return");
}

TEST_CASE("the equity curve keeps every k-th of more than 2,000 dates, the last, the peak and the trough") {
  test::TempDir dir;
  // 2,500 days from 2020-01-01, PnL +1 a day except -1000 on day 1234: the peak is day 1233
  // (cumulative 1234), the trough day 1234 (234), back to 1234 on day 2234. k = ceil(2500 / 2000) = 2.
  std::string csv = "Ticker,Status,Entry_Timestamp,Exit_Timestamp,PnL\n";
  for (int i = 0; i < 2500; ++i)
    csv += "A,Closed,2019-01-01," + format_date(civil_from_days(days_from_civil(Date{2020, 1, 1}) + i)) +
           "," + (i == 1234 ? "-1000" : "1") + "\n";
  const TradeSummary s = summary_of_text(dir, "long.csv", csv);
  const auto& a = s.analysis;
  CHECK(a.points_total == 2500);
  CHECK(a.downsampled);
  // Even days 0..2498 (1,250), the last (2499), the peak 1233 (odd); the trough 1234 is even.
  CHECK(a.points.size() == 1252);
  CHECK(a.drawdown.max == 1000.0);
  CHECK(a.drawdown.peak_date == format_date(civil_from_days(days_from_civil(Date{2020, 1, 1}) + 1233)));
  CHECK(a.points.back().cumulative == 1499.0);  // 2,499 days of +1 and one of -1000
  bool has_peak = false;
  for (const auto& p : a.points) has_peak |= p.date == *a.drawdown.peak_date;
  CHECK(has_peak);
}

TEST_CASE("SQN: squares beyond the double range are null with that reason, not 'do not vary'") {
  test::TempDir dir;
  // 1e155 and -1e155 are not exact (beyond 2^53 / 1e8): Welford from the first
  // term: mean 1e155, M2 0; then delta -2e155, mean 0, M2 += -2e155 * -1e155 =
  // 2e310, infinite; so the variance is not finite.
  const TradeSummary s = summary_of_text(dir, "sq.csv",
                                         "Ticker,Status,Entry_Timestamp,Exit_Timestamp,PnL,Return\n"
                                         "A,Closed,2025-01-01,2025-01-02,1,1e155\n"
                                         "A,Closed,2025-01-01,2025-01-03,1,-1e155\n"
                                         "A,Closed,2025-01-01,2025-01-04,1,0.5\n");
  CHECK(s.analysis.sqn_trades == 3);
  CHECK_FALSE(s.analysis.stdev_return.has_value());
  CHECK_FALSE(s.analysis.sqn.has_value());
  CHECK(s.analysis.sqn_reason == "the squares of the Returns are beyond the range of a double");
}

TEST_CASE("SQN: equal Returns that are not short decimals do not vary (no cancellation)") {
  test::TempDir dir;
  // 0.123456789 has 9 decimals: not exact. Welford: mean = r after the first,
  // every later delta = r - r = 0, so M2 = 0 and the stdev is exactly 0.
  std::string csv = "Ticker,Status,Entry_Timestamp,Exit_Timestamp,PnL,Return\n";
  for (int i = 0; i < 5; ++i)
    csv += "A,Closed,2025-01-01,2025-01-0" + std::to_string(2 + i) + ",1,0.123456789\n";
  const TradeSummary s = summary_of_text(dir, "eq.csv", csv);
  CHECK(s.analysis.sqn_trades == 5);
  REQUIRE(s.analysis.stdev_return.has_value());
  CHECK(*s.analysis.stdev_return == 0.0);
  CHECK_FALSE(s.analysis.sqn.has_value());
  CHECK(s.analysis.sqn_reason == "the Returns do not vary (their standard deviation is 0)");
  // Exact Returns 0.1, 0.2 then an inexact 0.3000000001 (10 decimals): from the
  // exact state n 2, mean 0.15, M2 = (2 * 0.05 - 0.09) / 2 = 0.005; then
  // delta 0.1500000001, mean 0.2000000000333.., M2 += 0.1500000001 * 0.1000000000666..
  // = 0.0150000000199.. -> 0.0200000000200..; var = M2 / 2 = 0.01000000001,
  // stdev ~ 0.1000000000500 (sample stdev of 0.1, 0.2, 0.3000000001).
  const TradeSummary t = summary_of_text(dir, "mix.csv",
                                         "Ticker,Status,Entry_Timestamp,Exit_Timestamp,PnL,Return\n"
                                         "A,Closed,2025-01-01,2025-01-02,1,0.1\n"
                                         "A,Closed,2025-01-01,2025-01-03,1,0.2\n"
                                         "A,Closed,2025-01-01,2025-01-04,1,0.3000000001\n");
  REQUIRE(t.analysis.stdev_return.has_value());
  CHECK(*t.analysis.stdev_return == doctest::Approx(0.10000000005).epsilon(1e-12));
}

TEST_CASE("SQN: equal exact Returns whose N * sum of squares passes 2^127 do not vary (no cancellation)") {
  test::TempDir dir;
  // 1,500 Returns 89999999.99999999: s = 8999999999999999 at scale 1e8, s^2 ~ 8.1e31,
  // sum of squares ~ 1.215e35 < 2^127 ~ 1.70e38 (still exact), but N * sum ~ 1.8e38 >= 2^127.
  // Exactly: q, r = divmod(1500 s, 1500) = s, 0; M2 * 1e16 = (1500 s^2 - s * 1500 s) - 0 = 0,
  // so the stdev is 0. The old fallback sum/1e16 - b * (b / N) gave 1.1688644757948559.
  std::string csv = "Ticker,Status,Entry_Timestamp,Exit_Timestamp,PnL,Return\n";
  for (int i = 0; i < 1500; ++i) csv += "A,Closed,2025-01-01,2025-01-02,1,89999999.99999999\n";
  const TradeSummary s = summary_of_text(dir, "bigeq.csv", csv);
  CHECK(s.analysis.sqn_trades == 1500);
  REQUIRE(s.analysis.stdev_return.has_value());
  CHECK(*s.analysis.stdev_return == 0.0);
  CHECK_FALSE(s.analysis.sqn.has_value());
  CHECK(s.analysis.sqn_reason == "the Returns do not vary (their standard deviation is 0)");
  // Alternating 89999999.99999997 / ...99 (s - 2, s; ...98 is the same double as ...99), 750
  // each: mean s - 1 (scale 1e8), every (s_i - mean)^2 = 1, so M2 = 1500 / 1e16 = 1.5e-13,
  // var = 1.5e-13 / 1499, stdev = sqrt(1.5e-13 / 1499) = 1.00033...e-8.
  std::string alt = "Ticker,Status,Entry_Timestamp,Exit_Timestamp,PnL,Return\n";
  for (int i = 0; i < 1500; ++i) {
    alt += "A,Closed,2025-01-01,2025-01-02,1,";
    alt += i % 2 ? "89999999.99999999\n" : "89999999.99999997\n";
  }
  const TradeSummary t = summary_of_text(dir, "bigalt.csv", alt);
  REQUIRE(t.analysis.stdev_return.has_value());
  CHECK(*t.analysis.stdev_return == doctest::Approx(std::sqrt(1.5e-13 / 1499)).epsilon(1e-12));
  // 1,499 x s then one s - 2: sum 1500 s - 2, divmod by 1500 = (s - 1, 1498), not exact division.
  // mean s - 2/1500; M2 * 1e16 = 1499 (2/1500)^2 + (2998/1500)^2 = 8994000 / 2250000 = 3.99733..
  // (the integer part alone, 1498 s + 2 - (1498 s - 1498 * 2/1500), would cancel in doubles).
  std::string odd = "Ticker,Status,Entry_Timestamp,Exit_Timestamp,PnL,Return\n";
  for (int i = 0; i < 1499; ++i) odd += "A,Closed,2025-01-01,2025-01-02,1,89999999.99999999\n";
  odd += "A,Closed,2025-01-01,2025-01-02,1,89999999.99999997\n";
  const TradeSummary u = summary_of_text(dir, "bigodd.csv", odd);
  REQUIRE(u.analysis.stdev_return.has_value());
  CHECK(*u.analysis.stdev_return ==
        doctest::Approx(std::sqrt(8994000.0 / 2250000.0 / 1e16 / 1499)).epsilon(1e-12));
}

TEST_CASE(
    "drawdown: beyond the double range between finite cumulative values is null with a reason and an issue") {
  test::TempDir dir;
  // Cumulative PnL (not exact: beyond 2^53 / 1e8, so Neumaier): 01-02 1.7e308, 01-03
  // 1.7e308 - 1.7e308 = 0, 01-04 -1.7e308, each finite. The peak 1.7e308; the drawdown
  // on 01-04 is 1.7e308 - (-1.7e308) = 3.4e308, infinite; so is current. max_relative is
  // then 1 - c / peak = 1 - (-1.7e308 / 1.7e308) = 2, not null.
  const TradeSummary s = summary_of_text(dir, "ddinf.csv",
                                         "Ticker,Status,Entry_Timestamp,Exit_Timestamp,PnL\n"
                                         "A,Closed,2025-01-01,2025-01-02,1.7e308\n"
                                         "A,Closed,2025-01-01,2025-01-03,-1.7e308\n"
                                         "A,Closed,2025-01-01,2025-01-04,-1.7e308\n");
  CHECK(s.analysis.points_total == 3);
  CHECK_FALSE(s.analysis.drawdown.max.has_value());
  CHECK_FALSE(s.analysis.drawdown.current.has_value());
  CHECK(s.analysis.drawdown.max_relative == 2.0);
  CHECK_FALSE(s.analysis.drawdown.max_relative_reason.has_value());
  int found = 0;
  for (const auto& i : s.quality.issues)
    if (i.issue.find("trade_analysis.drawdown") == 0) {
      ++found;
      CHECK(i.line == 4);  // the last row of 01-04, the first date with an infinite drawdown
      CHECK(i.column == "PnL");
    }
  CHECK(found == 1);
}

TEST_CASE("drawdown: max_relative when the drawdown overflows but its ratio to the peak does not") {
  test::TempDir dir;
  // Cumulative (Neumaier): 01-02 1e308 (peak), 01-03 -0.5e308, 01-04 -1.5e308, 01-05 0.
  // On 01-04 d = 1e308 - (-1.5e308) = 2.5e308, infinite: max null; its ratio
  // 1 - (-1.5e308 / 1e308) = 2.5 (was null). current = 1e308 - 0 = 1e308.
  const TradeSummary s = summary_of_text(dir, "ddov.csv",
                                         "Ticker,Status,Entry_Timestamp,Exit_Timestamp,PnL\n"
                                         "A,Closed,2025-01-01,2025-01-02,1e308\n"
                                         "A,Closed,2025-01-01,2025-01-03,-1.5e308\n"
                                         "A,Closed,2025-01-01,2025-01-04,-1.0e308\n"
                                         "A,Closed,2025-01-01,2025-01-05,1.5e308\n");
  CHECK_FALSE(s.analysis.drawdown.max.has_value());
  REQUIRE(s.analysis.drawdown.max_relative.has_value());
  CHECK(*s.analysis.drawdown.max_relative == doctest::Approx(2.5).epsilon(1e-15));
  CHECK_FALSE(s.analysis.drawdown.max_relative_reason.has_value());
  CHECK(s.analysis.drawdown.current == 1e308);
}

TEST_CASE("drawdown: the overflow issue names the last row of the first date beyond the range") {
  test::TempDir dir;
  // Curve dates: 01-01 0 (line 5), 01-02 1.7e308 (line 2), 01-03 0 (line 3), 01-04 -1.7e308
  // (line 4): the drawdown 3.4e308 is infinite first on 01-04, whose last row is line 4. Line 6
  // has a PnL but no exit date (on no curve date): it was named before (the file's last PnL row).
  const TradeSummary s =
      summary_of_text(dir, "ddline.csv",
                      "Ticker,Strategy_Type,Status,Entry_Timestamp,Exit_Timestamp,PnL,Return\n"
                      "A,S,Closed,2025-01-01,2025-01-02,1.7e308,0.1\n"
                      "A,S,Closed,2025-01-01,2025-01-03,-1.7e308,-0.1\n"
                      "A,S,Closed,2025-01-01,2025-01-04,-1.7e308,-0.1\n"
                      "B,S,Closed,2025-01-01,2025-01-01,0,0\n"
                      "C,S,Closed,2025-01-01,,5,0.1\n");
  CHECK_FALSE(s.analysis.drawdown.max.has_value());
  int found = 0;
  for (const auto& i : s.quality.issues)
    if (i.issue.find("trade_analysis.drawdown") == 0) {
      ++found;
      CHECK(i.line == 4);
      CHECK(i.column == "PnL");
    }
  CHECK(found == 1);
}

TEST_CASE("drawdown: an under-water period after a tie with the peak starts at the tie") {
  test::TempDir dir;
  // Cumulative: 01-01 10 (peak), 01-02 5 (under since 01-01), 01-10 10 (= peak: recovered,
  // 9 days), 01-20 0 (under since 01-10, the last date at the peak), 01-21 15 (recovered,
  // 11 days). Longest: 11 days, 01-10 -> 01-21. The max drawdown 10 on 01-20; its
  // peak_date stays the first date reaching 10, 01-01.
  const TradeSummary s = summary_of_text(dir, "tie.csv",
                                         "Ticker,Status,Entry_Timestamp,Exit_Timestamp,PnL\n"
                                         "A,Closed,2025-01-01,2025-01-01,10\n"
                                         "A,Closed,2025-01-01,2025-01-02,-5\n"
                                         "A,Closed,2025-01-01,2025-01-10,5\n"
                                         "A,Closed,2025-01-01,2025-01-20,-10\n"
                                         "A,Closed,2025-01-01,2025-01-21,15\n");
  CHECK(s.analysis.drawdown.longest_days == 11);
  CHECK(s.analysis.drawdown.longest_start == "2025-01-10");
  CHECK(s.analysis.drawdown.longest_end == "2025-01-21");
  CHECK(s.analysis.drawdown.longest_recovered == true);
  CHECK(s.analysis.drawdown.max == 10.0);
  CHECK(s.analysis.drawdown.peak_date == "2025-01-01");
  CHECK(s.analysis.drawdown.trough_date == "2025-01-20");
  CHECK(s.analysis.drawdown.recovery_date == "2025-01-21");
}
