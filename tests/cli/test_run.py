"""`run --offline`: Phase 1 statistics, bad input, output files and cache-only market data.

SPEC 2 (exit codes), 3 (layout), 4.2 (Phase 1), 4.5 (the document); docs/STATISTICS.md;
issue 3 ("Bad input" table). Every expected figure below is worked out by hand from the
CSV the test writes; none is taken from the program's output.
"""

import json
import time
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from thdtest import (BIN, DAY, HOUR, NOW, NOW_ISO, PortfolioTestCase, clean_env, iso,  # noqa: E402
                     md5_name, write_entry, write_file)

RUN_DATE = "20261122"  # NOW = 2026-11-22T12:00:00Z

TOP_LEVEL_KEYS = [
    "portfolio", "discovery_metadata", "portfolio_summary", "strategy_distribution", "ticker_performance",
    "performance_metrics", "strategy_performance", "trade_analysis", "active_positions", "market_context", "tickers",
    "fundamental_integration", "sector_context", "data_quality_assessment", "local_data_inventory",
]

# The header most bad-input tests use: 12 columns, in a different order from SPEC 4.2's.
HEADER = ("Position_UUID,Ticker,Strategy_Type,Entry_Timestamp,Exit_Timestamp,Avg_Exit_Price,"
          "PnL,Return,Duration_Days,Status,Current_Unrealized_PnL,Trade_Quality\n")


class RunTestCase(PortfolioTestCase):
    def run_thd(self, *extra, portfolio="pf", offline=True, **kw):
        args = ["run", "--data-dir", self.data, "--cache-dir", self.cache, "--portfolio", portfolio]
        if offline:
            args.append("--offline")
        return self.thd(*(args + list(extra)), **kw)

    def run_doc(self, *extra, portfolio="pf"):
        """Runs with --output - and returns the parsed document."""
        r = self.run_thd("--output", "-", *extra, portfolio=portfolio)
        self.assert_ok(r)
        try:
            doc = json.loads(r.stdout)
        except ValueError as e:
            self.fail("stdout is not JSON (%s)\n%s" % (e, self.describe(r)))
        return doc

    def issues_at(self, doc, line):
        return [i for i in doc["data_quality_assessment"]["issues"] if i["line"] == line]

    def assert_issue(self, doc, line, column):
        """At least one issue on `line` with `column` (None: a row-level issue)."""
        found = self.issues_at(doc, line)
        self.assertTrue(any(i["column"] == column for i in found),
                        "no issue at line %d column %r; issues: %s" % (
                            line, column, json.dumps(doc["data_quality_assessment"]["issues"], indent=1)))

    def assert_close(self, actual, expected, what=""):
        self.assertIsNotNone(actual, what)
        self.assertAlmostEqual(actual, expected, places=12, msg=what)


# --------------------------------------------------------------------------------------------
# 1. Golden test
# --------------------------------------------------------------------------------------------

GOLDEN_CSV = (
    # Columns in their own order, plus an unknown column (Comment) that must be ignored.
    "Position_UUID,Ticker,Strategy_Type,Entry_Timestamp,Exit_Timestamp,PnL,Return,Duration_Days,"
    "Status,Current_Unrealized_PnL,Comment,Trade_Quality\n"
    "U1,AAPL,SMA,2025-01-10,2025-01-20,100,0.10,10,Closed,,x,Excellent\n"                     # line 2
    "U2,AAPL,EMA,2025-02-01 09:30:00,2025-02-15,-50,-0.05,14,Closed,,,\"Poor, \"\"bad\"\" exit\"\n"  # 3
    "U3,MSFT,SMA,2025-03-01,2025-03-31,300,0.30,30,Closed,,,Good\n"                           # line 4
    "U4,msft,EMA,2025-04-01,2025-04-05,0,0,4,Closed,,,\n"                                     # line 5
    "U5,NVDA,SMA,2025-05-01,2025-05-10,-150,-0.15,9,Closed,,,Poor\n"                          # line 6
    "U6,NVDA,EMA,2025-06-01,2025-06-03,200,,,Closed,,,\n"                                     # line 7
    "U7,AAPL,SMA,2026-11-01,,,,,Open,0.05,,\n"                                                # line 8
    "U8,msft,EMA,2026-10-15,,,,,open,-0.02,,\n"                                               # line 9
    "U9,NVDA,SMA,2026-11-20 10:00:00,,,,,Active,,,\n"                                         # line 10
    "U10,MSFT,SMA,2025-07-01,2025-07-21,120,0.12,20,Closed,,,Good\n"                          # line 11
)


class GoldenTest(RunTestCase):

    def setUp(self):
        super().setUp()
        self.write_csv(GOLDEN_CSV)
        self.doc = self.run_doc()

    def test_portfolio_summary(self):
        self.assertEqual(self.doc["portfolio_summary"], {
            "total_trades": 10,          # U1..U10, none excluded
            "closed_trades": 7,          # U1 U2 U3 U4 U5 U6 U10
            "active_trades": 3,          # U7 (Open), U8 (open), U9 (Active)
            "unique_tickers": 3,         # AAPL, MSFT (= msft), NVDA
            "first_entry_date": "2025-01-10",  # U1
            "last_entry_date": "2026-11-20",   # U9 (time of day dropped)
        })

    def test_strategy_distribution(self):
        self.assertEqual(self.doc["strategy_distribution"], {
            # SMA: U1 U3 U5 U10 closed, U7 U9 open
            "SMA": {"total": 6, "closed": 4, "active": 2},
            # EMA: U2 U4 U6 closed, U8 open
            "EMA": {"total": 4, "closed": 3, "active": 1},
        })

    def test_ticker_performance(self):
        tp = self.doc["ticker_performance"]
        self.assertEqual(sorted(tp), ["AAPL", "MSFT", "NVDA"])  # msft is MSFT, no lower-case key
        expected = {
            # AAPL: U1 win 0.10/100, U2 loss -0.05/-50, U7 open
            "AAPL": dict(trades=3, closed=2, active=1, wins=1, losses=1, breakevens=0,
                         total_return=0.10 + -0.05, total_pnl=100 + -50, win_rate=1 / 2),
            # MSFT: U3 win 0.30/300, U4 breakeven 0/0, U8 open, U10 win 0.12/120
            "MSFT": dict(trades=4, closed=3, active=1, wins=2, losses=0, breakevens=1,
                         total_return=0.30 + 0 + 0.12, total_pnl=300 + 0 + 120, win_rate=2 / 3),
            # NVDA: U5 loss -0.15/-150, U6 win by PnL 200 (no Return), U9 open
            "NVDA": dict(trades=3, closed=2, active=1, wins=1, losses=1, breakevens=0,
                         total_return=-0.15, total_pnl=-150 + 200, win_rate=1 / 2),
        }
        for ticker, exp in expected.items():
            for field, value in exp.items():
                with self.subTest(ticker=ticker, field=field):
                    if isinstance(value, float):
                        self.assert_close(tp[ticker][field], value)
                    else:
                        self.assertEqual(tp[ticker][field], value)

    def test_performance_metrics(self):
        pm = self.doc["performance_metrics"]
        self.assertEqual(pm["closed_trades"], 7)
        self.assertEqual(pm["wins"], 4)        # U1 0.10, U3 0.30, U6 PnL 200, U10 0.12
        self.assertEqual(pm["losses"], 2)      # U2 -0.05, U5 -0.15
        self.assertEqual(pm["breakevens"], 1)  # U4 0
        self.assert_close(pm["win_rate"], 4 / 7, "win_rate")                          # 4 / (4 + 2 + 1)
        self.assert_close(pm["average_win_return"], (0.10 + 0.30 + 0.12) / 3, "avg win")  # U6 has no Return
        self.assert_close(pm["average_loss_return"], (-0.05 + -0.15) / 2, "avg loss")    # -0.10
        self.assert_close(pm["profit_factor"], (100 + 300 + 200 + 120) / abs(-50 + -150), "pf")  # 720/200 = 3.6
        self.assert_close(pm["expectancy"], (0.10 - 0.05 + 0.30 + 0 - 0.15 + 0.12) / 6, "expectancy")  # 0.32/6
        self.assert_close(pm["total_pnl"], 100 - 50 + 300 + 0 - 150 + 200 + 120, "total_pnl")  # 520
        self.assertEqual(pm["best_trade"]["uuid"], "U3")
        self.assertEqual(pm["best_trade"]["ticker"], "MSFT")
        self.assert_close(pm["best_trade"]["return"], 0.30)
        self.assertEqual(pm["worst_trade"]["uuid"], "U5")
        self.assertEqual(pm["worst_trade"]["ticker"], "NVDA")
        self.assert_close(pm["worst_trade"]["return"], -0.15)
        # U1..U5, U10 have Duration_Days; U6 does not
        self.assert_close(pm["average_duration_days"], (10 + 14 + 30 + 4 + 9 + 20) / 6, "duration")  # 14.5

    def test_active_positions(self):
        ap = self.doc["active_positions"]
        self.assertEqual(len(ap), 3)
        # newest entry first: U9 2026-11-20, U7 2026-11-01, U8 2026-10-15
        self.assertEqual([p["uuid"] for p in ap], ["U9", "U7", "U8"])
        self.assertEqual([p["ticker"] for p in ap], ["NVDA", "AAPL", "MSFT"])
        self.assertEqual([p["strategy"] for p in ap], ["SMA", "SMA", "EMA"])
        self.assertEqual([p["entry_date"] for p in ap], ["2026-11-20", "2026-11-01", "2026-10-15"])
        self.assertEqual([p["days_held"] for p in ap], [
            22 - 20,         # Nov 20 -> Nov 22
            22 - 1,          # Nov 1 -> Nov 22
            (31 - 15) + 22,  # Oct 15 -> Oct 31 is 16, + 22 days of November = 38
        ])
        self.assertIsNone(ap[0]["current_unrealized_return"])  # empty cell: missing, not 0
        self.assert_close(ap[1]["current_unrealized_return"], 0.05)
        self.assert_close(ap[2]["current_unrealized_return"], -0.02)

    def test_data_quality_clean(self):
        dq = self.doc["data_quality_assessment"]
        self.assertEqual(dq["rows_read"], 10)
        self.assertEqual(dq["rows_excluded"], 0)
        self.assertEqual(dq["rows_with_issues"], 0)
        self.assertEqual(dq["issues_total"], 0)
        self.assertEqual(dq["issues"], [])
        c = dq["completeness"]
        self.assert_close(c["Position_UUID"], 10 / 10)
        self.assert_close(c["Exit_Timestamp"], 7 / 10)          # the closed rows
        self.assert_close(c["PnL"], 7 / 10)                     # U1..U6, U10
        self.assert_close(c["Return"], 6 / 10)                  # U6 has none
        self.assert_close(c["Duration_Days"], 6 / 10)
        self.assert_close(c["Current_Unrealized_PnL"], 2 / 10)  # U7, U8
        self.assert_close(c["Trade_Quality"], 5 / 10)           # U1 U2 U3 U5 U10

    def test_document_shape(self):
        for key in TOP_LEVEL_KEYS:
            self.assertIn(key, self.doc)
        md = self.doc["discovery_metadata"]
        self.assertEqual(md["api_calls"]["attempts"], 0)
        self.assertEqual(md["generated_at"], NOW_ISO)
        self.assertEqual(md["data_source"], self.csv_path())
        self.assertEqual(self.doc["portfolio"]["name"], "pf")
        self.assertEqual(sorted(self.doc["tickers"]), ["AAPL", "MSFT", "NVDA"])
        # Empty cache, offline: every market figure is null with a reason.
        for ticker in ("AAPL", "MSFT", "NVDA"):
            market = self.doc["tickers"][ticker]["market"]
            self.assertIsNone(market["price"])
            self.assertEqual(market["provenance"]["source"], "missing")
            self.assertIn("offline", market["provenance"]["reason"])

    def test_crlf_and_bom_give_the_same_statistics(self):
        """The same file with a UTF-8 BOM and CRLF line endings."""
        write_file(self.csv_path("pf2"), b"\xef\xbb\xbf" + GOLDEN_CSV.replace("\n", "\r\n").encode())
        doc = self.run_doc(portfolio="pf2")
        for key in ("portfolio_summary", "strategy_distribution", "ticker_performance", "performance_metrics",
                    "active_positions"):
            self.assertEqual(doc[key], self.doc[key], key)
        self.assertIn("Position_UUID", doc["data_quality_assessment"]["completeness"])


class AnalysisVariantsTest(RunTestCase):
    """The local facts of tests/fixtures/analysis_variants reach the discovery document."""

    def setUp(self):
        super().setUp()
        import shutil
        from thdtest import validate_report
        src = os.path.join(os.environ.get("THD_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", "..")),
                           "tests", "fixtures", "analysis_variants", "outputs")
        shutil.copytree(src, os.path.join(self.data, "outputs"))
        self.write_csv("Position_UUID,Ticker,Strategy_Type,Entry_Timestamp,Exit_Timestamp,PnL,Return,Status\n"
                       "V1,NVDA,SMA,2026-01-02,2026-02-01,100,0.10,Closed\n"
                       "V2,SOFI,SMA,2026-01-02,2026-02-01,10,0.01,Closed\n"
                       "V3,GME,SMA,2026-01-02,2026-02-01,-10,-0.01,Closed\n"
                       "V4,RIVN,SMA,2026-01-02,2026-02-01,-5,-0.02,Closed\n"
                       "V5,CSL.AX,SMA,2026-01-02,2026-02-01,7,0.03,Closed\n"
                       "V6,KO,SMA,2026-01-02,2026-02-01,1,0.01,Closed\n")
        self.doc = self.run_doc()
        validate_report(self.doc, "discovery")

    def test_fundamentals_carry_label_currency_source_and_notes(self):
        t = self.doc["tickers"]
        nvda = t["NVDA"]["fundamentals"]
        self.assertEqual((nvda["recommendation"], nvda["recommendation_label"], nvda["currency"]),
                         ("BUY", "STRONG BUY", "USD"))
        self.assertEqual((nvda["fair_value_low"], nvda["fair_value_high"]), (1185.5, 1320))
        sofi = t["SOFI"]["fundamentals"]
        self.assertEqual((sofi["fair_value_low"], sofi["fair_value_high"], sofi["fair_value_source"]),
                         (32, 36, "recommendation_target"))
        gme = t["GME"]["fundamentals"]
        self.assertEqual((gme["recommendation"], gme["recommendation_label"]), ("SELL", "REDUCE"))
        self.assertIsNone(gme["fair_value_low"])
        self.assertEqual(len(gme["notes"]), 1)
        self.assertIn("has no amounts", gme["notes"][0])
        self.assertEqual(t["CSL.AX"]["fundamentals"]["currency"], "AUD")
        rivn = t["RIVN"]["fundamentals"]
        self.assertEqual((rivn["recommendation"], rivn["recommendation_label"]), (None, "CAUTIOUSLY OPTIMISTIC"))
        # No local analysis: every local fact null, no notes.
        ko = t["KO"]["fundamentals"]
        self.assertEqual((ko["recommendation_label"], ko["currency"], ko["fair_value_source"], ko["notes"]),
                         (None, None, None, []))

    def test_counts_use_the_normalised_verdict_and_themes_are_listed(self):
        # NVDA STRONG BUY and SOFI BUY are BUY; CSL.AX HOLD; GME REDUCE is SELL; RIVN's verdict is unknown.
        self.assertEqual(self.doc["fundamental_integration"]["recommendations"],
                         {"BUY": 2, "HOLD": 1, "SELL": 1, "none": 1})
        themes = self.doc["sector_context"]["themes"]
        self.assertEqual(themes, {"quantum_computing": {"file": "Quantum_Computing_20261105.md",
                                                        "date": "2026-11-05", "age_days": 17, "stale": False}})
        self.assertNotIn("quantum_computing", self.doc["sector_context"]["by_sector"])
        self.assertEqual(self.doc["local_data_inventory"]["sector_analysis"]["theme_files"], 2)


# --------------------------------------------------------------------------------------------
# 2. Bad input (issue 3's table)
# --------------------------------------------------------------------------------------------

class FatalInputTest(RunTestCase):
    """Files that are not a trade history of this kind: exit 3, one line, no output."""

    def assert_no_output(self):
        out_dir = os.path.join(self.data, "outputs", "trade_history", "discovery")
        self.assertEqual(os.listdir(out_dir) if os.path.isdir(out_dir) else [], [])

    def test_missing_required_column(self):
        rows = {"Ticker": "AAPL", "Status": "Closed", "Entry_Timestamp": "2025-01-01", "PnL": "10",
                "Return": "0.1"}
        for missing in ("Ticker", "Status", "Entry_Timestamp"):
            with self.subTest(missing=missing):
                cols = [c for c in rows if c != missing]
                path = self.write_csv(",".join(cols) + "\n" + ",".join(rows[c] for c in cols) + "\n",
                                      name="no_" + missing.lower())
                r = self.run_thd(portfolio="no_" + missing.lower())
                self.assert_error(r, 3, missing, path)
                self.assert_no_output()

    def test_required_column_found_case_insensitively_and_trimmed(self):
        self.write_csv(" ticker ,STATUS,entry_timestamp,return\nAAPL,Closed,2025-01-01,0.1\n")
        doc = self.run_doc()
        self.assertEqual(doc["portfolio_summary"]["total_trades"], 1)
        self.assertEqual(doc["performance_metrics"]["wins"], 1)

    def test_empty_file(self):
        path = self.write_csv("")
        self.assert_error(self.run_thd(), 3, path)
        self.assert_no_output()

    def test_only_blank_lines(self):
        path = self.write_csv("\n\r\n\n")
        self.assert_error(self.run_thd(), 3, path)
        self.assert_no_output()

    def test_unterminated_quote_names_the_line_it_opened(self):
        path = self.write_csv(
            HEADER +
            "F1,AAPL,SMA,2025-01-01,2025-01-02,,10,0.1,1,Closed,,ok\n"          # line 2
            "F2,AAPL,SMA,2025-01-03,2025-01-04,,10,0.1,1,Closed,,\"fine,\"\"x\"\"\"\n"  # line 3
            "F3,AAPL,SMA,2025-01-05,2025-01-06,,10,0.1,1,Closed,,ok\n"          # line 4
            "F4,AAPL,SMA,2025-01-07,2025-01-08,,10,0.1,1,Closed,,\"never closed\n"  # line 5: opens
            "still inside the quote\n"                                          # line 6
            "and so is this\n")                                                 # line 7: EOF
        line = self.assert_error(self.run_thd(), 3, path, ":5:")
        self.assertNotIn(":7:", line)
        self.assert_no_output()


class HeaderOnlyTest(RunTestCase):
    """Decided: a header without rows is a valid document with zero trades (exit 0)."""

    def check(self, content):
        self.write_csv(content)
        doc = self.run_doc()
        for key in TOP_LEVEL_KEYS:
            self.assertIn(key, doc)
        self.assertEqual(doc["portfolio_summary"], {
            "total_trades": 0, "closed_trades": 0, "active_trades": 0, "unique_tickers": 0,
            "first_entry_date": None, "last_entry_date": None})
        pm = doc["performance_metrics"]
        self.assertIsNone(pm["win_rate"])
        self.assertEqual((pm["wins"], pm["losses"], pm["breakevens"]), (0, 0, 0))
        for key in ("average_win_return", "average_loss_return", "profit_factor", "expectancy", "best_trade",
                    "worst_trade", "average_duration_days"):
            self.assertIsNone(pm[key], key)
        self.assertEqual(pm["total_pnl"], 0)
        self.assertEqual(doc["strategy_distribution"], {})
        self.assertEqual(doc["ticker_performance"], {})
        self.assertEqual(doc["active_positions"], [])
        self.assertEqual(doc["tickers"], {})
        self.assertEqual(doc["data_quality_assessment"]["rows_read"], 0)
        self.assertEqual(doc["data_quality_assessment"]["issues"], [])
        self.assertIsNone(doc["data_quality_assessment"]["completeness"]["Ticker"])

    def test_header_with_newline(self):
        self.check(HEADER)

    def test_header_without_newline(self):
        self.check(HEADER.rstrip("\n"))

    def test_header_crlf_and_trailing_blank_lines(self):
        self.check(HEADER.replace("\n", "\r\n") + "\r\n\n")

    def test_default_output_written(self):
        self.write_csv(HEADER)
        self.assert_ok(self.run_thd())
        path = os.path.join(self.data, "outputs", "trade_history", "discovery", "pf_%s.json" % RUN_DATE)
        with open(path) as f:
            self.assertEqual(json.load(f)["portfolio_summary"]["total_trades"], 0)


class RowIssuesTest(RunTestCase):
    """Row problems are data-quality issues with their line; the run goes on (exit 0)."""

    def test_wrong_number_of_fields(self):
        self.write_csv(
            HEADER +
            "E1,AAPL,SMA,2025-01-01,2025-01-02,,10,0.1,1,Closed,,\"two\nlines\"\n"  # lines 2-3, 12 fields
            "E2,AAPL,SMA,2025-01-03,2025-01-04,,10,0.1,1,Closed\n"                  # line 4: 10 fields
            "E3,AAPL,SMA,2025-01-05,2025-01-06,,10,0.1,1,Closed,,ok,extra\n"        # line 5: 13 fields
            "E4,MSFT,SMA,2025-01-07,2025-01-08,,-10,-0.1,1,Closed,,ok\n")           # line 6
        doc = self.run_doc()
        dq = doc["data_quality_assessment"]
        self.assertEqual(dq["rows_read"], 4)
        self.assertEqual(dq["rows_excluded"], 2)
        self.assertEqual(dq["rows_with_issues"], 2)
        self.assertEqual(dq["issues_total"], 2)  # exactly one issue per malformed row
        self.assertEqual([i["line"] for i in dq["issues"]], [4, 5])
        self.assertEqual([i["column"] for i in dq["issues"]], [None, None])
        # The two well-formed rows count: E1 win, E4 loss.
        self.assertEqual(doc["portfolio_summary"]["total_trades"], 2)
        self.assertEqual(doc["portfolio_summary"]["unique_tickers"], 2)
        pm = doc["performance_metrics"]
        self.assertEqual((pm["wins"], pm["losses"]), (1, 1))
        self.assert_close(pm["total_pnl"], 10 + -10)  # E2, E3 (PnL 10 each) not counted
        self.assert_close(dq["completeness"]["Trade_Quality"], 2 / 2)  # only E1, E4 are well formed

    def test_non_numeric_cell_is_missing_not_zero(self):
        self.write_csv(
            HEADER +
            # line 2: Return abc -> missing; PnL 50 decides: a win. Duration abc -> missing.
            "B1,AAPL,SMA,2025-01-10,2025-01-20,,50,abc,abc,Closed,,ok\n"
            # line 3: PnL abc and no Return: two issues, a closed trade without outcome
            "B2,AAPL,SMA,2025-01-11,2025-01-21,,abc,,,Closed,,\n"
            # line 4: open, unrealized abc -> null, not 0; also 26%, nan, inf are not numbers
            "B3,MSFT,EMA,2026-11-02,,,,,,Open,abc,\n"
            "B4,MSFT,EMA,2025-03-01,2025-03-02,,26%,nan,inf,Closed,,\n")  # line 5
        doc = self.run_doc()
        self.assert_issue(doc, 2, "Return")
        self.assert_issue(doc, 2, "Duration_Days")
        self.assertEqual(len(self.issues_at(doc, 2)), 2)
        self.assert_issue(doc, 3, "PnL")
        self.assert_issue(doc, 3, None)  # Closed row without Return or PnL
        self.assertEqual(len(self.issues_at(doc, 3)), 2)
        self.assert_issue(doc, 4, "Current_Unrealized_PnL")
        self.assert_issue(doc, 5, "PnL")
        self.assert_issue(doc, 5, "Return")
        self.assert_issue(doc, 5, "Duration_Days")
        self.assert_issue(doc, 5, None)
        self.assertEqual(len(self.issues_at(doc, 5)), 4)
        dq = doc["data_quality_assessment"]
        self.assertEqual(dq["rows_excluded"], 0)
        self.assertEqual(dq["rows_with_issues"], 4)
        self.assertEqual(dq["issues_total"], 2 + 2 + 1 + 4)
        self.assertEqual(doc["portfolio_summary"]["closed_trades"], 3)  # B1, B2, B4
        self.assertEqual(doc["portfolio_summary"]["active_trades"], 1)  # B3
        pm = doc["performance_metrics"]
        self.assertEqual((pm["wins"], pm["losses"], pm["breakevens"]), (1, 0, 0))  # only B1 has an outcome
        self.assertEqual(pm["win_rate"], 1.0)                 # 1 / (1 + 0 + 0)
        self.assertIsNone(pm["average_win_return"])           # B1's Return is missing
        self.assertIsNone(pm["expectancy"])                   # no closed trade has a Return
        self.assertIsNone(pm["best_trade"])
        self.assertIsNone(pm["average_duration_days"])        # abc, inf: missing, not 0
        self.assertIsNone(pm["profit_factor"])                # no losses
        self.assert_close(pm["total_pnl"], 50)                # B1 only
        self.assertEqual(doc["ticker_performance"]["AAPL"]["wins"], 1)
        self.assertEqual(doc["ticker_performance"]["MSFT"]["breakevens"], 0)
        ap = doc["active_positions"]
        self.assertEqual(len(ap), 1)
        self.assertIsNone(ap[0]["current_unrealized_return"])
        self.assertEqual(ap[0]["days_held"], 20)  # 2026-11-02 -> 2026-11-22

    def test_impossible_date_and_unknown_status(self):
        self.write_csv(
            HEADER +
            "C1,AAPL,SMA,2025-02-30,2025-03-10,,10,0.1,5,Closed,,\n"     # line 2: bad entry -> excluded
            "C2,AAPL,SMA,2025-02-01,2025-02-30,,20,0.2,5,Closed,,\n"     # line 3: bad exit -> missing, counts
            "C3,MSFT,SMA,2025-12-28,,,,,,Pending,,\n"                    # line 4: unknown Status -> excluded
            "C4,MSFT,SMA,2024-02-29,2024-03-01,,-5,-0.05,1,Closed,,\n"   # line 5: leap day, valid
            "C5,NVDA,SMA,2025-01-01 25:00:00,,,,,,Open,,\n")             # line 6: hour 25 -> excluded
        doc = self.run_doc()
        self.assert_issue(doc, 2, "Entry_Timestamp")
        self.assert_issue(doc, 3, "Exit_Timestamp")
        self.assert_issue(doc, 4, "Status")
        self.assert_issue(doc, 6, "Entry_Timestamp")
        self.assertEqual(self.issues_at(doc, 5), [])
        dq = doc["data_quality_assessment"]
        self.assertEqual(dq["rows_read"], 5)
        self.assertEqual(dq["rows_excluded"], 3)  # C1, C3, C5
        s = doc["portfolio_summary"]
        self.assertEqual(s["total_trades"], 2)    # C2, C4
        self.assertEqual(s["closed_trades"], 2)
        self.assertEqual(s["active_trades"], 0)   # C5 was excluded
        self.assertEqual(s["unique_tickers"], 2)  # AAPL (C2), MSFT (C4); NVDA only in an excluded row
        self.assertEqual(s["first_entry_date"], "2024-02-29")  # C4
        self.assertEqual(s["last_entry_date"], "2025-02-01")   # C2; excluded C3 (2025-12-28) does not count
        self.assertNotIn("NVDA", doc["ticker_performance"])
        pm = doc["performance_metrics"]
        self.assertEqual((pm["wins"], pm["losses"]), (1, 1))    # C2 +0.2, C4 -0.05
        self.assert_close(pm["expectancy"], (0.2 + -0.05) / 2)
        self.assert_close(pm["total_pnl"], 20 + -5)
        self.assertEqual(doc["strategy_distribution"], {"SMA": {"total": 2, "closed": 2, "active": 0}})

    def test_closed_without_outcome_and_open_with_exit(self):
        self.write_csv(
            HEADER +
            "D1,AAPL,SMA,2025-01-01,,,,,,Closed,,\n"                 # line 2: Closed, no Return, no PnL
            "D2,MSFT,SMA,2026-11-01,2026-11-10,,,,,Open,0.01,\n"     # line 3: Open with Exit_Timestamp
            "D3,NVDA,SMA,2026-11-02,,123.4,,,,Open,,\n"              # line 4: Open with Avg_Exit_Price
            "D4,NVDA,SMA,2026-11-03,,,,,,Open,,\n")                  # line 5: fine
        doc = self.run_doc()
        for line in (2, 3, 4):
            with self.subTest(line=line):
                self.assertEqual(len(self.issues_at(doc, line)), 1)
                self.assert_issue(doc, line, None)
        self.assertEqual(self.issues_at(doc, 5), [])
        dq = doc["data_quality_assessment"]
        self.assertEqual((dq["rows_excluded"], dq["rows_with_issues"], dq["issues_total"]), (0, 3, 3))
        s = doc["portfolio_summary"]
        self.assertEqual((s["total_trades"], s["closed_trades"], s["active_trades"]), (4, 1, 3))
        pm = doc["performance_metrics"]
        self.assertEqual(pm["closed_trades"], 1)
        self.assertEqual((pm["wins"], pm["losses"], pm["breakevens"]), (0, 0, 0))
        self.assertIsNone(pm["win_rate"])
        self.assertEqual(pm["total_pnl"], 0)
        # D4 2026-11-03, D3 2026-11-02, D2 2026-11-01: newest first
        self.assertEqual([p["uuid"] for p in doc["active_positions"]], ["D4", "D3", "D2"])
        self.assertEqual([p["days_held"] for p in doc["active_positions"]], [19, 20, 21])

    def test_invalid_utf8_in_text_cells(self):
        self.write_csv(
            HEADER.encode() +
            # line 2: Strategy_Type and Trade_Quality carry invalid bytes
            b"G1,AAPL,SM\xff\xfeA,2025-01-01,2025-01-02,,10,0.1,1,Closed,,q\xff\xfe\n"
            # line 3: an overlong encoding, a truncated sequence, a lone continuation byte
            b"G2,AAPL,\xc0\xafB,2025-01-03,2025-01-04,,-5,-0.05,1,Closed,,\"x\xe2\x82\"\n"
            b"G3\x80,MSFT,SMA,2026-11-01,,,,,,Open,,\x80\n")  # line 4: invalid bytes in the uuid
        out = os.path.join(self.tmp, "out.json")
        r = self.run_thd("--output", out)
        self.assert_ok(r)
        with open(out, "rb") as f:
            raw = f.read()
        text = raw.decode("utf-8", errors="strict")  # raises if the output is not valid UTF-8
        doc = json.loads(text)
        self.assertIn("\ufffd", text)
        self.assertEqual(doc["portfolio_summary"]["total_trades"], 3)
        self.assertEqual(doc["performance_metrics"]["wins"], 1)
        self.assertEqual(doc["performance_metrics"]["losses"], 1)
        strategies = sorted(doc["strategy_distribution"])
        self.assertEqual(len(strategies), 3)
        weird = [s for s in strategies if s != "SMA" and s.startswith("SM") and s.endswith("A")]
        self.assertEqual(len(weird), 1, strategies)
        self.assertIn("\ufffd", weird[0])
        self.assertIn("\ufffd", doc["active_positions"][0]["uuid"])
        self.assertTrue(doc["active_positions"][0]["uuid"].startswith("G3"))

    def test_invalid_utf8_in_ticker(self):
        self.write_csv(HEADER.encode() + b"H1,B\xffX,SMA,2026-11-01,,,,,,Open,,\n")
        out = os.path.join(self.tmp, "out.json")
        self.assert_ok(self.run_thd("--output", out))
        with open(out, "rb") as f:
            doc = json.loads(f.read().decode("utf-8", errors="strict"))
        # Not a symbol (issue 9, item 5): an issue naming it as written, the row excluded, no key.
        self.assertEqual(doc["portfolio_summary"]["total_trades"], 0)
        self.assertEqual(doc["ticker_performance"], {})
        self.assertEqual(doc["tickers"], {})
        self.assert_issue(doc, 2, "Ticker")
        self.assertIn("\ufffd", self.issues_at(doc, 2)[0]["issue"])


class HugeLineTest(RunTestCase):
    """A 10 MB single line: the row is an issue, the rest counts, memory stays bounded."""

    def run_measured(self, *args):
        """Runs the binary itself and returns (exit code, peak RSS in MB, stderr) via wait4."""
        err_path = os.path.join(self.tmp, "stderr.txt")
        with open(err_path, "wb") as err:
            # Linux carries the peak RSS of the pre-exec image into ru_maxrss, and with vfork
            # that image is this Python process at its own peak. A preexec_fn forces a real fork,
            # whose child starts from Python's *current* RSS (a few MB: the big cell is never held
            # in memory here, see check()), so what is measured is the binary.
            p = subprocess.Popen([BIN] + list(args), env=clean_env(), cwd=self.tmp,
                                 stdout=subprocess.DEVNULL, stderr=err, preexec_fn=lambda: None)
            _, status, usage = os.wait4(p.pid, 0)
            p.returncode = os.waitstatus_to_exitcode(status)  # reaped here: keep Popen from waiting again
        with open(err_path) as f:
            stderr = f.read()
        return p.returncode, usage.ru_maxrss / 1024.0, stderr  # ru_maxrss is in KiB on Linux

    def check(self, cell_chunk, cell_size, prefix=b"", suffix=b""):
        """Writes the file in pieces so that no 10 MB object lives in this process."""
        with open(self.csv_path(), "wb") as f:
            f.write(HEADER.encode())
            f.write(b"H1,AAPL,SMA,2025-01-01,2025-01-02,,10,0.1,1,Closed,,ok\n")       # line 2
            f.write(b"H2,AAPL,SMA,2025-01-03,2025-01-04,,999,0.9,1,Closed,," + prefix)  # line 3: 10 MB
            for _ in range(cell_size // len(cell_chunk)):
                f.write(cell_chunk)
            f.write(suffix + b"\n")
            f.write(b"H3,MSFT,SMA,2025-01-05,2025-01-06,,-20,-0.2,1,Closed,,ok\n")     # line 4
            f.write(b"H4,MSFT,SMA,2026-11-01,,,,,,Open,,ok\n")                         # line 5
        self.assertGreater(os.path.getsize(self.csv_path()), 10 * 1024 * 1024)
        out = os.path.join(self.tmp, "out.json")
        code, rss_mb, stderr = self.run_measured("run", "--data-dir", self.data, "--cache-dir", self.cache,
                                                 "--portfolio", "pf", "--offline", "--output", out)
        self.assertEqual(code, 0, stderr)
        # The bound is the tool's, not AddressSanitizer's shadow memory: .ci/run's sanitizer pass sets this.
        if not os.environ.get("THD_TEST_SANITIZED"):
            self.assertLess(rss_mb, 64, "peak RSS %.1f MB" % rss_mb)
        with open(out, "rb") as f:
            doc = json.loads(f.read().decode("utf-8"))
        dq = doc["data_quality_assessment"]
        self.assertEqual(dq["rows_read"], 4)
        self.assertEqual(dq["rows_excluded"], 1)
        self.assertEqual(len(self.issues_at(doc, 3)), 1)
        self.assertEqual(dq["issues_total"], 1)
        s = doc["portfolio_summary"]
        self.assertEqual((s["total_trades"], s["closed_trades"], s["active_trades"]), (3, 2, 1))  # H1 H3 H4
        pm = doc["performance_metrics"]
        self.assertEqual((pm["wins"], pm["losses"]), (1, 1))
        self.assert_close(pm["total_pnl"], 10 + -20)  # H2's 999 is not counted
        self.assertEqual(pm["best_trade"]["uuid"], "H1")  # not H2's 0.9

    def test_10mb_unquoted_cell(self):
        self.check(b"x" * 65536, 10 * 1024 * 1024)

    def test_10mb_quoted_cell_with_commas_and_quotes(self):
        self.check(b'a,""b"" ' * 8192, 10 * 1024 * 1024, prefix=b'"', suffix=b'"')


# --------------------------------------------------------------------------------------------
# 3. Output
# --------------------------------------------------------------------------------------------

class OutputTest(RunTestCase):

    GOOD = HEADER + "O1,AAPL,SMA,2025-01-01,2025-01-02,,10,0.1,1,Closed,,ok\n"

    def discovery_dir(self):
        return os.path.join(self.data, "outputs", "trade_history", "discovery")

    def test_default_path(self):
        self.write_csv(self.GOOD)
        r = self.run_thd()
        self.assert_ok(r)
        path = os.path.join(self.discovery_dir(), "pf_%s.json" % RUN_DATE)
        self.assertEqual(os.listdir(self.discovery_dir()), ["pf_%s.json" % RUN_DATE])
        with open(path) as f:
            doc = json.load(f)
        self.assertEqual(doc["portfolio_summary"]["total_trades"], 1)
        self.assertEqual(r.stdout, "")

    def test_default_path_for_dated_portfolio_file(self):
        """`--portfolio pf` resolving to pf_20261101.csv writes pf_<run date>.json."""
        self.write_csv(self.GOOD, name="pf_20261101")
        self.assert_ok(self.run_thd())
        self.assertEqual(os.listdir(self.discovery_dir()), ["pf_%s.json" % RUN_DATE])

    def test_output_dash_prints_to_stdout(self):
        self.write_csv(self.GOOD)
        r = self.run_thd("--output", "-")
        self.assert_ok(r)
        doc = json.loads(r.stdout)
        for key in TOP_LEVEL_KEYS:
            self.assertIn(key, doc)
        self.assertEqual(doc["portfolio_summary"]["total_trades"], 1)
        self.assertFalse(os.path.exists(self.discovery_dir()) and os.listdir(self.discovery_dir()))

    def test_existing_output_survives_a_failing_run(self):
        self.write_csv(self.GOOD)
        out_dir = os.path.join(self.tmp, "out")
        out = os.path.join(out_dir, "report.json")
        self.assert_ok(self.run_thd("--output", out))
        with open(out, "rb") as f:
            before = f.read()
        self.assertEqual(json.loads(before)["portfolio_summary"]["total_trades"], 1)
        for bad in ("Ticker,Entry_Timestamp\nAAPL,2025-01-01\n",              # Status missing
                    "",                                                       # empty
                    self.GOOD + "O2,AAPL,SMA,2025-01-01,,,,,,Closed,,\"open\n"):  # unterminated quote
            with self.subTest(bad=bad[:30]):
                self.write_csv(bad)
                self.assert_error(self.run_thd("--output", out), 3)
                with open(out, "rb") as f:
                    self.assertEqual(f.read(), before)
                self.assertEqual(sorted(os.listdir(out_dir)), ["report.json"])
                self.assertEqual([n for n in os.listdir(out_dir) if n.startswith(".report.json.tmp")], [])

    def test_bad_portfolio_names(self):
        self.write_csv(self.GOOD)
        for name in ("../x", "a/b", ".."):
            with self.subTest(name=name):
                self.assert_error(self.run_thd(portfolio=name), 2, "--portfolio")

    def test_portfolio_not_found(self):
        self.write_csv(self.GOOD, name="alpha")
        self.assert_error(self.run_thd(portfolio="beta"), 3, "beta", "alpha")


# --------------------------------------------------------------------------------------------
# 4. Offline market data from the cache
# --------------------------------------------------------------------------------------------

MARKET_CSV = (
    HEADER +
    "P1,AAPL,SMA,2026-11-01,,,,,,Open,0.05,\n"                    # open: market need for AAPL
    "P2,JPM,SMA,2025-01-01,2025-02-01,,10,0.1,31,Closed,,\n"       # closed: profile only
    "P3,BTC-USD,SMA,2025-03-01,2025-03-02,,5,0.05,1,Closed,,\n")   # crypto: coingecko price:bitcoin


def market(price):
    return {"price": price, "previous_close": price - 1, "fifty_two_week_high": price + 50,
            "fifty_two_week_low": price - 50, "ytd_return": 0.12, "volatility": 0.25, "currency": "USD"}


class CacheMarketTest(RunTestCase):

    def setUp(self):
        super().setUp()
        self.write_csv(MARKET_CSV)

    def assert_provenance(self, obj, source, service, created_at):
        p = obj["provenance"]
        self.assertEqual(p["source"], source)
        self.assertEqual(p["service"], service)
        self.assertEqual(p["fetched_at"], iso(created_at))
        self.assertEqual(p["age_seconds"], NOW - created_at)

    def assert_missing(self, obj, *needles):
        p = obj["provenance"]
        self.assertEqual(p["source"], "missing", json.dumps(obj))
        self.assertIsNone(p["fetched_at"])
        self.assertTrue(p["reason"])
        for needle in needles:
            self.assertIn(needle, p["reason"])

    def write_full_cache(self):
        c = self.cache
        self.spy_at = NOW - 300
        write_entry(c, "yahoo_finance", "chart:SPY:1y:1d", self.spy_at, 900, market(600.5))
        self.fed_at = NOW - 600
        write_entry(c, "fred_economic", "series:FEDFUNDS", self.fed_at, 7200, {"value": 4.33, "date": "2026-10-01"})
        self.aapl_at = NOW - 2 * HOUR  # ttl 900: expired
        write_entry(c, "yahoo_finance", "chart:AAPL:1y:1d", self.aapl_at, 900, market(230.25))
        self.prof_at = NOW - DAY
        write_entry(c, "fmp", "profile:AAPL", self.prof_at, 7 * DAY,
                    {"name": "Apple Inc.", "sector": "Technology", "industry": "Consumer Electronics",
                     "market_cap": 3.5e12})
        write_entry(c, "fmp", "profile:JPM", self.prof_at, 7 * DAY,
                    {"name": "JPMorgan Chase & Co.", "sector": "Financial Services", "industry": "Banks",
                     "market_cap": 6.0e11})
        self.vix_at = NOW - 60
        write_entry(c, "yahoo_finance", "chart:^VIX:1y:1d", self.vix_at, 900, market(25.0))
        self.imf_at = NOW - HOUR
        write_entry(c, "imf_data", "imf:v2:NGDP_RPCH:USA", self.imf_at, DAY,
                    {"value": 2.1, "year": 2025, "current_year": {"year": 2026, "value": 1.9, "projection": True}})
        self.btc_at = NOW - 100
        write_entry(c, "coingecko", "price:bitcoin", self.btc_at, 900,
                    {"usd": 97000.5, "change_24h": -1.5, "market_cap": 1.9e12})
        # Corrupt entries, never served:
        # VTI: truncated JSON under the right name
        write_file(os.path.join(c, "yahoo_finance", md5_name("yahoo_finance", "chart:VTI:1y:1d")),
                   '{"service": "yahoo_finance", "key": "chart:VTI:1y:1d", "created_at": ')
        # DGS10: created_at a day in the future
        write_entry(c, "fred_economic", "series:DGS10", NOW + DAY, 7200, {"value": 4.1, "date": "2026-11-20"})
        # UNRATE: the file says another service than its directory
        write_file(os.path.join(c, "fred_economic", md5_name("fred_economic", "series:UNRATE")),
                   json.dumps({"service": "fmp", "key": "series:UNRATE", "created_at": iso(NOW - 60),
                               "ttl_seconds": 7200, "data": {"value": 4.4, "date": "2026-10-01"}}))
        # CPIAUCSL: the key inside does not hash to the file name
        write_file(os.path.join(c, "fred_economic", md5_name("fred_economic", "series:CPIAUCSL")),
                   json.dumps({"service": "fred_economic", "key": "series:CPI", "created_at": iso(NOW - 60),
                               "ttl_seconds": 7200, "data": {"value": 320.0, "date": "2026-10-01"}}))
        # PCPIPCH: ttl_seconds 0
        write_entry(c, "imf_data", "imf:v2:PCPIPCH:USA", NOW - 60, 0,
                    {"value": 2.9, "year": 2025, "current_year": None})

    def test_cache_entries_served_with_provenance(self):
        self.write_full_cache()
        doc = self.run_doc()
        mc = doc["market_context"]

        spy = mc["benchmarks"]["SPY"]
        self.assertEqual(spy["price"], 600.5)
        self.assertEqual(spy["previous_close"], 599.5)
        self.assertEqual(spy["fifty_two_week_high"], 650.5)
        self.assertEqual(spy["fifty_two_week_low"], 550.5)
        self.assertEqual(spy["ytd_return"], 0.12)
        self.assertEqual(spy["volatility"], 0.25)
        self.assertEqual(spy["currency"], "USD")
        self.assert_provenance(spy, "cache", "yahoo_finance", self.spy_at)  # age 300
        self.assertIsNone(spy["provenance"]["reason"])

        fed = mc["economic_indicators"]["FEDFUNDS"]
        self.assertEqual((fed["value"], fed["date"]), (4.33, "2026-10-01"))
        self.assert_provenance(fed, "cache", "fred_economic", self.fed_at)  # age 600

        imf = mc["imf"]["NGDP_RPCH"]
        self.assertEqual((imf["value"], imf["year"]), (2.1, 2025))
        self.assertEqual(imf["current_year"], {"year": 2026, "value": 1.9, "projection": True})
        self.assert_provenance(imf, "cache", "imf_data", self.imf_at)

        btc = mc["crypto"]["bitcoin"]
        self.assertEqual((btc["usd"], btc["change_24h"]), (97000.5, -1.5))
        self.assert_provenance(btc, "cache", "coingecko", self.btc_at)

        aapl = doc["tickers"]["AAPL"]["market"]
        self.assertEqual(aapl["price"], 230.25)
        self.assert_provenance(aapl, "stale_cache", "yahoo_finance", self.aapl_at)  # age 7200 > ttl 900

        vix = mc["volatility"]["VIX"]
        self.assertEqual(vix["value"], 25.0)
        self.assertEqual(vix["regime"], "elevated")  # 20 <= 25 < 30
        self.assert_provenance(vix, "cache", "yahoo_finance", self.vix_at)

        prof = doc["tickers"]["JPM"]["profile"]
        self.assertEqual(prof["sector"], "Financial Services")
        self.assertEqual(prof["name"], "JPMorgan Chase & Co.")
        self.assert_provenance(prof, "cache", "fmp", self.prof_at)
        by_sector = doc["sector_context"]["by_sector"]
        self.assertIn("JPM", by_sector["financials"]["tickers"])
        self.assertIn("AAPL", by_sector["technology"]["tickers"])
        self.assertNotIn("JPM", doc["sector_context"]["unclassified_tickers"])

        # Absent: missing, reason mentions offline.
        qqq = mc["benchmarks"]["QQQ"]
        self.assertIsNone(qqq["price"])
        self.assert_missing(qqq, "offline")

        # Corrupt: never served.
        self.assertIsNone(mc["benchmarks"]["VTI"]["price"])
        self.assert_missing(mc["benchmarks"]["VTI"])
        for series in ("DGS10", "UNRATE", "CPIAUCSL"):
            with self.subTest(series=series):
                self.assertIsNone(mc["economic_indicators"][series]["value"])
                self.assert_missing(mc["economic_indicators"][series])
        self.assertIsNone(mc["imf"]["PCPIPCH"]["value"])
        self.assertIsNone(mc["imf"]["PCPIPCH"]["current_year"])
        self.assert_missing(mc["imf"]["PCPIPCH"])

        md = doc["discovery_metadata"]
        self.assertEqual(md["api_calls"]["attempts"], 0)
        self.assertEqual(md["cache"]["stale_served"], 1)  # AAPL's chart

    def test_imf_entries_from_before_projections_were_kept_apart_are_not_observations(self):
        """Old entries hold the current year's projection as `value`: under the old key they are
        never read, not even as stale; the old shape under the new key is unusable."""
        write_entry(self.cache, "imf_data", "imf:NGDP_RPCH:USA", NOW - 60, DAY, {"value": 2.1, "year": 2026})
        write_entry(self.cache, "imf_data", "imf:PCPIPCH:USA", NOW - 2 * DAY, DAY, {"value": 2.9, "year": 2026})
        write_entry(self.cache, "imf_data", "imf:v2:PCPIPCH:USA", NOW - 60, DAY, {"value": 2.9, "year": 2026})
        imf = self.run_doc()["market_context"]["imf"]
        for indicator in ("NGDP_RPCH", "PCPIPCH"):
            with self.subTest(indicator=indicator):
                self.assertIsNone(imf[indicator]["value"])
                self.assertIsNone(imf[indicator]["year"])
                self.assertIsNone(imf[indicator]["current_year"])
        self.assert_missing(imf["NGDP_RPCH"])
        self.assert_missing(imf["PCPIPCH"], "imf_data cache entry unusable")

    def test_vix_regime_boundaries(self):
        for value, regime in ((19.99, "low"), (20.0, "elevated"), (29.99, "elevated"), (30.0, "high"),
                              (45.0, "high")):
            with self.subTest(value=value):
                write_entry(self.cache, "yahoo_finance", "chart:^VIX:1y:1d", NOW - 60, 900, market(value))
                vix = self.run_doc()["market_context"]["volatility"]["VIX"]
                self.assertEqual(vix["value"], value)
                self.assertEqual(vix["regime"], regime)

    def test_vix_absent(self):
        vix = self.run_doc()["market_context"]["volatility"]["VIX"]
        self.assertIsNone(vix["value"])
        self.assertIsNone(vix["regime"])
        self.assertEqual(vix["provenance"]["source"], "missing")
        self.assertIn("offline", vix["provenance"]["reason"])

    def test_vix_from_fred_when_yahoo_absent(self):
        at = NOW - 120
        write_entry(self.cache, "fred_economic", "series:VIXCLS", at, 7200, {"value": 31.5, "date": "2026-11-20"})
        vix = self.run_doc()["market_context"]["volatility"]["VIX"]
        self.assertEqual((vix["value"], vix["regime"]), (31.5, "high"))
        self.assert_provenance(vix, "cache", "fred_economic", at)

    def test_fresh_fallback_preferred_over_stale_first_provider(self):
        """Chain order, fresh before stale: an expired yahoo chart loses to a fresh fmp quote."""
        write_entry(self.cache, "yahoo_finance", "chart:AAPL:1y:1d", NOW - 2 * HOUR, 900, market(100.0))
        at = NOW - 30
        write_entry(self.cache, "fmp", "quote:AAPL", at, 900, market(200.0))
        aapl = self.run_doc()["tickers"]["AAPL"]["market"]
        self.assertEqual(aapl["price"], 200.0)
        self.assert_provenance(aapl, "cache", "fmp", at)

    def test_corrupt_entry_falls_through_to_next_provider(self):
        write_file(os.path.join(self.cache, "yahoo_finance", md5_name("yahoo_finance", "chart:AAPL:1y:1d")),
                   "not json at all")
        at = NOW - 30
        write_entry(self.cache, "fmp", "quote:AAPL", at, 900, market(201.0))
        aapl = self.run_doc()["tickers"]["AAPL"]["market"]
        self.assertEqual(aapl["price"], 201.0)
        self.assert_provenance(aapl, "cache", "fmp", at)

    def test_services_restricts_what_is_served(self):
        self.write_full_cache()
        doc = self.run_doc("--services", "fred_economic")
        mc = doc["market_context"]
        spy = mc["benchmarks"]["SPY"]
        self.assertIsNone(spy["price"])
        self.assert_missing(spy)
        self.assertIsNone(mc["volatility"]["VIX"]["value"])         # yahoo excluded, no VIXCLS entry
        self.assertIsNone(doc["tickers"]["AAPL"]["market"]["price"])  # stale yahoo entry not served either
        self.assertIsNone(doc["tickers"]["JPM"]["profile"]["sector"])  # fmp excluded
        self.assertNotIn("JPM", doc["sector_context"]["by_sector"].get("financials", {}).get("tickers", []))
        fed = mc["economic_indicators"]["FEDFUNDS"]
        self.assertEqual(fed["value"], 4.33)
        self.assert_provenance(fed, "cache", "fred_economic", self.fed_at)


# --------------------------------------------------------------------------------------------
# 5. Document shape, network mode
# --------------------------------------------------------------------------------------------

class ModeTest(RunTestCase):

    def test_every_top_level_key(self):
        self.write_csv(MARKET_CSV)
        doc = self.run_doc()
        self.assertEqual(sorted(doc), sorted(TOP_LEVEL_KEYS))
        md = doc["discovery_metadata"]
        self.assertEqual(md["api_calls"]["attempts"], 0)
        for key in ("generated_at", "tool_version", "data_source", "duration_ms", "api_calls", "cache",
                    "peak_rss_mb", "services"):
            self.assertIn(key, md)
        self.assertIn("total", md["duration_ms"])
        for key in ("hits", "misses", "stale_served", "stores", "hit_ratio"):
            self.assertIn(key, md["cache"])

    def test_run_online_with_the_network_down_still_writes_an_honest_document(self):
        self.write_csv(MARKET_CSV)
        env = clean_env(FMP_API_KEY="k", ALPHA_VANTAGE_API_KEY="k", FRED_API_KEY="k")
        for s in ("yahoo_finance", "fmp", "alpha_vantage", "fred_economic", "sec_edgar", "coingecko", "imf_data"):
            env["THD_%s_BASE_URL" % s.upper()] = "http://127.0.0.1:1/" + s  # port 1: refused at once, never the internet
        env["THD_SEC_EDGAR_TICKERS_URL"] = "http://127.0.0.1:1/sec_edgar/files/company_tickers.json"
        start = time.monotonic()
        r = self.run_thd("--output", "-", offline=False, env=env)
        self.assert_ok(r)
        self.assertLess(time.monotonic() - start, 30)  # breakers open, nothing hangs
        doc = json.loads(r.stdout)
        spy = doc["market_context"]["benchmarks"]["SPY"]
        self.assertEqual(spy["provenance"]["source"], "missing")
        self.assertIsNone(spy["price"])
        self.assertTrue(spy["provenance"]["reason"])
        self.assertEqual(doc["discovery_metadata"]["mode"], "online")
        self.assertGreater(doc["discovery_metadata"]["api_calls"]["attempts"], 0)
        self.assertEqual(doc["discovery_metadata"]["api_calls"]["succeeded"], 0)

if __name__ == "__main__":
    unittest.main()
