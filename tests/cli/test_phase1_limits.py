"""Phase 1 hardening (issue 9, items 4-8 and the analysis-file part of 15).

Overflowing sums, tickers that are not symbols, duplicate header names, memory while reading a
CSV of very wide records, and analysis files cut at 1 MiB. Every expected figure is worked out by
hand from the CSV the test writes; docs/STATISTICS.md and docs/INVENTORY.md state the rules.
Every document these tests read is validated against its schema and checked for duplicate keys
(thdtest.thd_json and thdtest's json.loads).
"""

import json
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from thdtest import BIN, NOW, DAY, PortfolioTestCase, clean_env, validate_report, write_file  # noqa: E402


class Phase1TestCase(PortfolioTestCase):
    def run_doc(self, *extra):
        doc, _ = self.thd_json("run", "--data-dir", self.data, "--cache-dir", self.cache, "--portfolio", "pf",
                               "--offline", "--output", "-", *extra)
        return doc

    def issues(self, doc, column=None, line=None):
        return [i for i in doc["data_quality_assessment"]["issues"]
                if (column is None or i["column"] == column) and (line is None or i["line"] == line)]


# --------------------------------------------------------------------------------------------
# Item 4: sums that overflow are null, with an issue naming the column; the document validates.
# --------------------------------------------------------------------------------------------

class OverflowTest(Phase1TestCase):

    def test_two_1e308_pnl_rows(self):
        self.write_csv("Ticker,Status,Entry_Timestamp,PnL,Return\n"
                       "AAA,Closed,2025-01-01,1e308,0.1\n"     # line 2
                       "AAA,Closed,2025-01-02,1e308,0.2\n")    # line 3: 1e308 + 1e308 > DBL_MAX
        doc = self.run_doc()  # validates against schemas/discovery.schema.json
        pm = doc["performance_metrics"]
        self.assertIsNone(pm["total_pnl"])
        self.assertEqual((pm["wins"], pm["losses"]), (2, 0))
        self.assertAlmostEqual(pm["expectancy"], (0.1 + 0.2) / 2, places=12)  # Return is fine
        t = doc["ticker_performance"]["AAA"]
        self.assertIsNone(t["total_pnl"])
        self.assertAlmostEqual(t["total_return"], 0.3, places=12)
        pnl = self.issues(doc, column="PnL")
        self.assertTrue(pnl, doc["data_quality_assessment"])
        self.assertTrue(all(i["line"] == 3 for i in pnl), pnl)  # the row at which the sum overflowed
        text = " ".join(i["issue"] for i in pnl)
        self.assertIn("total_pnl", text)
        self.assertIn("ticker_performance.AAA.total_pnl", text)
        self.assertEqual(doc["data_quality_assessment"]["issues_total"], len(pnl))
        self.assertEqual(doc["data_quality_assessment"]["rows_with_issues"], 0)  # no row is wrong

    def test_every_sum_mean_and_ratio(self):
        self.write_csv("Ticker,Status,Entry_Timestamp,PnL,Return,Duration_Days\n"
                       "AAA,Closed,2025-01-01,1e308,1e308,1e308\n"     # line 2: a win
                       "AAA,Closed,2025-01-02,1e308,1e308,1e308\n"     # line 3: sums overflow here
                       "BBB,Closed,2025-01-03,-1,-1e308,2\n"           # line 4: a loss
                       "BBB,Closed,2025-01-04,-1,-1e308,2\n")          # line 5: loss Return sum overflows
        doc = self.run_doc()
        pm = doc["performance_metrics"]
        self.assertIsNone(pm["total_pnl"])             # 2e308 - 2
        self.assertIsNone(pm["average_win_return"])    # (1e308 + 1e308) / 2: the sum overflows
        self.assertIsNone(pm["average_loss_return"])   # (-1e308 - 1e308) / 2
        self.assertIsNone(pm["expectancy"])            # inf + -inf
        self.assertIsNone(pm["profit_factor"])         # 2e308 / 2
        self.assertIsNone(pm["average_duration_days"])  # (1e308 + 1e308 + 2 + 2) / 4
        self.assertEqual(pm["best_trade"]["return"], 1e308)   # single values are finite
        self.assertEqual(pm["worst_trade"]["return"], -1e308)
        self.assertIsNone(doc["ticker_performance"]["AAA"]["total_pnl"])
        self.assertIsNone(doc["ticker_performance"]["AAA"]["total_return"])
        self.assertIsNone(doc["ticker_performance"]["BBB"]["total_return"])
        self.assertEqual(doc["ticker_performance"]["BBB"]["total_pnl"], -2)
        columns = {i["column"] for i in doc["data_quality_assessment"]["issues"]}
        self.assertEqual(columns, {"PnL", "Return", "Duration_Days"})
        text = " ".join(i["issue"] for i in doc["data_quality_assessment"]["issues"])
        for figure in ("total_pnl", "profit_factor", "average_win_return", "average_loss_return", "expectancy",
                       "average_duration_days", "ticker_performance.AAA.total_return",
                       "ticker_performance.BBB.total_return", "ticker_performance.AAA.total_pnl"):
            self.assertIn(figure, text)

    def test_profit_factor_quotient_overflow(self):
        self.write_csv("Ticker,Status,Entry_Timestamp,PnL\n"
                       "AAA,Closed,2025-01-01,1e300\n"
                       "AAA,Closed,2025-01-02,-1e-300\n")  # 1e300 / 1e-300 = 1e600 > DBL_MAX
        doc = self.run_doc()
        pm = doc["performance_metrics"]
        self.assertIsNone(pm["profit_factor"])
        self.assertEqual(pm["total_pnl"], 1e300 - 1e-300)
        issues = self.issues(doc, column="PnL")
        # performance_metrics' and the one strategy's (strategy_performance.unspecified)
        self.assertEqual(len(issues), 2, issues)
        self.assertTrue(issues[0]["issue"].startswith("profit_factor"))
        self.assertTrue(issues[1]["issue"].startswith("strategy_performance.unspecified.profit_factor"))
        self.assertIsNone(doc["strategy_performance"]["unspecified"]["profit_factor"])

    def test_profit_factor_is_the_documented_ratio(self):
        # Outcome by Return; the PnL of a win can be negative and that of a loss positive.
        # profit_factor = sum(PnL of wins) / |sum(PnL of losses)| = -5 / |2| (docs/STATISTICS.md).
        self.write_csv("Ticker,Status,Entry_Timestamp,PnL,Return\n"
                       "AAA,Closed,2025-01-01,-5,0.1\n"
                       "AAA,Closed,2025-01-02,2,-0.1\n")
        doc = self.run_doc()
        self.assertEqual(doc["performance_metrics"]["profit_factor"], -2.5)

    def test_overflow_issue_listed_even_when_the_list_is_full(self):
        rows = ["Ticker,Status,Entry_Timestamp,PnL,Return"]
        rows += ["AAA,Closed,2025-01-01,x,0.1"] * 60  # one issue each ('x' is not a number), lines 2..61
        rows += ["AAA,Closed,2025-01-02,1e308,0.1", "AAA,Closed,2025-01-03,1e308,0.1"]  # lines 62, 63
        self.write_csv("\n".join(rows) + "\n")
        doc = self.run_doc()
        dq = doc["data_quality_assessment"]
        self.assertEqual(dq["issues_listed"], 50)
        # total_pnl, strategy_performance.unspecified.total_pnl and AAA's total_pnl
        self.assertEqual(dq["issues_total"], 60 + 3)
        self.assertEqual([i["line"] for i in dq["issues"][-3:]], [63, 63, 63])


# --------------------------------------------------------------------------------------------
# Items 5 and 6: tickers that are not symbols are issues, never keys, never planned.
# --------------------------------------------------------------------------------------------

class InvalidTickerTest(Phase1TestCase):

    def test_invalid_utf8_tickers_are_not_keys(self):
        self.write_csv(b"Ticker,Status,Entry_Timestamp,PnL\n"
                       b"A\xffB,Closed,2025-01-01,5\n"     # line 2
                       b"A\xfeB,Closed,2025-01-02,7\n"     # line 3: both were "A\\uFFFDB"
                       b"GOOD,Closed,2025-01-03,11\n")     # line 4
        doc = self.run_doc()  # json.loads refuses a repeated key
        self.assertEqual(list(doc["ticker_performance"]), ["GOOD"])
        self.assertEqual(list(doc["tickers"]), ["GOOD"])
        self.assertEqual(doc["portfolio_summary"]["total_trades"], 1)
        self.assertEqual(doc["performance_metrics"]["total_pnl"], 11)  # the invalid rows are excluded
        dq = doc["data_quality_assessment"]
        self.assertEqual((dq["rows_read"], dq["rows_excluded"], dq["rows_with_issues"]), (3, 2, 2))
        for line in (2, 3):
            found = self.issues(doc, column="Ticker", line=line)
            self.assertEqual(len(found), 1, dq["issues"])
            self.assertIn("not a valid symbol", found[0]["issue"])

    def test_symbol_rule(self):
        twenty = "ABCDEFGHIJKLMNOPQRST"
        self.write_csv("Ticker,Status,Entry_Timestamp\n"
                       "A B,Open,2026-11-01\n"                 # line 2: a space
                       + twenty + "U,Open,2026-11-01\n"         # line 3: 21 bytes
                       + twenty + ",Open,2026-11-01\n"          # line 4: 20 bytes: a symbol
                       "BRK.B,Open,2026-11-01\n"               # line 5
                       "^VIX,Open,2026-11-01\n"                # line 6
                       "EURUSD=X,Open,2026-11-01\n"            # line 7
                       "BTC-USD,Open,2026-11-01\n"             # line 8
                       "A/B,Open,2026-11-01\n"                 # line 9
                       "\"A,B\",Open,2026-11-01\n")            # line 10
        doc = self.run_doc()
        self.assertEqual(sorted(doc["ticker_performance"]),
                         sorted([twenty, "BRK.B", "^VIX", "EURUSD=X", "BTC-USD"]))
        self.assertEqual(sorted(doc["tickers"]), sorted(doc["ticker_performance"]))
        self.assertEqual([i["line"] for i in self.issues(doc, column="Ticker")], [2, 3, 9, 10])

    def test_invalid_ticker_gets_a_true_reason_and_no_need(self):
        self.write_csv("Ticker,Status,Entry_Timestamp\n"
                       "A B,Open,2026-11-01\n"
                       "MSFT,Open,2026-11-01\n")
        doc = self.run_doc()
        self.assertNotIn("A B", doc["tickers"])
        self.assertNotIn("A B", json.dumps(doc["market_context"]))
        self.assertNotIn("A B", doc["fundamental_integration"]["coverage"]["missing"])
        issue = self.issues(doc, column="Ticker", line=2)
        self.assertEqual(len(issue), 1)
        self.assertIn("not a valid symbol", issue[0]["issue"])
        self.assertNotIn("crypto", json.dumps(doc["tickers"]["MSFT"]))
        # The plan names no need for it either.
        r = self.thd("run", "--data-dir", self.data, "--cache-dir", self.cache, "--portfolio", "pf",
                     "--offline", "--dry-run")
        self.assert_ok(r)
        self.assertNotIn("A B", r.stdout)


# --------------------------------------------------------------------------------------------
# Item 7: duplicate header names: the first wins everywhere, with a note.
# --------------------------------------------------------------------------------------------

class DuplicateHeaderTest(Phase1TestCase):

    def write_dup(self):
        self.write_csv("Ticker,Status,Entry_Timestamp,PnL, ticker ,pnl\n"
                       "AAA,Closed,2025-01-01,5,BBB,7\n"
                       "CCC,Closed,2025-01-02,-3,DDD,9\n")

    def test_run_uses_the_first_and_notes_the_duplicates(self):
        self.write_dup()
        doc = self.run_doc()
        self.assertEqual(sorted(doc["ticker_performance"]), ["AAA", "CCC"])
        self.assertEqual(doc["performance_metrics"]["total_pnl"], 5 + -3)
        notes = self.issues(doc, line=1)
        self.assertEqual(sorted(i["column"] for i in notes), ["PnL", "Ticker"], notes)
        for i in notes:
            self.assertIn("duplicate", i["issue"])
        self.assertEqual(list(doc["data_quality_assessment"]["completeness"]),
                         ["Ticker", "Status", "Entry_Timestamp", "PnL"])

    def test_inventory_uses_the_first_and_warns(self):
        self.write_dup()
        doc, r = self.thd_json("inventory", "--data-dir", self.data, "--report", "json", "--portfolio", "pf")
        self.assertEqual(doc["coverage"]["missing"], ["AAA", "CCC"])
        dup = [w for w in doc["warnings"] if "duplicate" in w]
        self.assertEqual(len(dup), 2, doc["warnings"])
        self.assertTrue(any("'ticker'" in w for w in dup), dup)

    def test_header_names_equal_once_written(self):
        # Two unknown columns whose names differ only in invalid bytes: one JSON key, one column.
        self.write_csv(b"Ticker,Status,Entry_Timestamp,X\xffY,X\xfeY\nAAA,Open,2026-11-01,1,2\n")
        doc = self.run_doc()
        self.assertEqual(len(doc["data_quality_assessment"]["completeness"]), 4)
        self.assertEqual(len(self.issues(doc, line=1)), 1)


# --------------------------------------------------------------------------------------------
# Item 8: memory while reading a CSV of very wide records.
# --------------------------------------------------------------------------------------------

def run_measured(test, *args):
    """(exit code, peak RSS in MB of the binary, stdout, stderr), peak via wait4 (see test_run.py)."""
    out_path = os.path.join(test.tmp, "stdout.txt")
    err_path = os.path.join(test.tmp, "stderr.txt")
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        p = subprocess.Popen([BIN] + [str(a) for a in args], env=clean_env(), cwd=test.tmp, stdout=out,
                             stderr=err, preexec_fn=lambda: None)
        _, status, usage = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(status)
    with open(out_path) as f:
        stdout = f.read()
    with open(err_path) as f:
        stderr = f.read()
    return p.returncode, usage.ru_maxrss / 1024.0, stdout, stderr


class WideRecordTest(Phase1TestCase):
    COLUMNS = 400000
    ROWS = 200

    def test_400000_empty_columns_by_200_rows(self):
        with open(self.csv_path(), "wb") as f:
            f.write(b"Ticker,Status,Entry_Timestamp,PnL\n")
            f.write(b"AAA,Closed,2025-01-01,5\n")                      # line 2
            wide = b"," * (self.COLUMNS - 1) + b"\n"                     # 400,000 empty fields
            for _ in range(self.ROWS):                                  # lines 3..202
                f.write(wide)
            f.write(b"BBB,Open,2026-11-01,\n")                         # line 203
        self.assertGreater(os.path.getsize(self.csv_path()), 80_000_000)
        code, rss, stdout, stderr = run_measured(
            self, "run", "--data-dir", self.data, "--cache-dir", self.cache, "--portfolio", "pf", "--offline",
            "--max-rss-mb", "200", "--output", "-")
        self.assertEqual(code, 0, stderr)
        doc = json.loads(stdout)
        validate_report(doc, "discovery")
        if not os.environ.get("THD_TEST_SANITIZED"):
            self.assertLess(rss, 64, "peak RSS %.1f MB" % rss)
            self.assertLess(doc["discovery_metadata"]["peak_rss_mb"], 64)
        dq = doc["data_quality_assessment"]
        self.assertEqual((dq["rows_read"], dq["rows_excluded"], dq["issues_total"]),
                         (self.ROWS + 2, self.ROWS, self.ROWS))
        first = dq["issues"][0]
        self.assertEqual((first["line"], first["column"]), (3, None))
        self.assertIn("more than 4096 fields", first["issue"])
        self.assertEqual(doc["portfolio_summary"]["total_trades"], 2)

    def test_header_with_too_many_fields_is_exit_3(self):
        with open(self.csv_path(), "wb") as f:
            f.write(b"Ticker,Status,Entry_Timestamp" + b"," * 5000 + b"\n")
            f.write(b"AAA,Closed,2025-01-01" + b"," * 5000 + b"\n")
        r = self.thd("run", "--data-dir", self.data, "--cache-dir", self.cache, "--portfolio", "pf", "--offline",
                     "--output", "-")
        self.assert_error(r, 3, "pf.csv:1", "4096")

    def test_rss_guard_samples_while_reading(self):
        # 600,000 distinct tickers: Phase 1's statistics grow past 60 MB (about 110 MB by its end)
        # while Phase 0 stays far below it. The guard must stop the reading itself, not wait for
        # the end of the phase; exit 4, nothing written.
        with open(self.csv_path(), "w") as f:
            f.write("Ticker,Status,Entry_Timestamp,PnL\n")
            f.writelines("T%d,Closed,2025-01-01,1\n" % i for i in range(600000))
        r = self.thd("run", "--data-dir", self.data, "--cache-dir", self.cache, "--portfolio", "pf", "--offline",
                     "--max-rss-mb", "60", timeout=120)
        needles = ["--max-rss-mb 60", "no document was written"]
        if not os.environ.get("THD_TEST_SANITIZED"):  # sanitizer shadow memory can trip it in Phase 0
            needles.append("(while reading the trade history)")
        self.assert_error(r, 4, *needles)
        self.assertFalse(os.path.exists(os.path.join(self.data, "outputs", "trade_history")))


# --------------------------------------------------------------------------------------------
# Item 15 (last part): an analysis file cut at 1 MiB is named in the notes.
# --------------------------------------------------------------------------------------------

class CutAnalysisTest(Phase1TestCase):

    def test_cut_file_is_named(self):
        fdir = os.path.join(self.data, "outputs", "fundamental_analysis")
        prose = ("Lorem ipsum dolor sit amet. " * 4 + "\n").encode()
        body = prose * (1536 * 1024 // len(prose))  # 1.5 MiB without the facts
        write_file(os.path.join(fdir, "BIGF_20261120.md"), body + b"Recommendation: BUY\n")
        # Big as well, but the facts come first: nothing was lost.
        write_file(os.path.join(fdir, "TOPF_20261120.md"),
                   b"Recommendation: HOLD\nConviction: 0.7\nFair Value Range: $10 - $20\n" + body)
        write_file(os.path.join(fdir, "SMAL_20261120.md"), b"Recommendation: SELL\n")
        doc, _ = self.thd_json("inventory", "--data-dir", self.data, "--report", "json")
        cut = [w for w in doc["warnings"] if "1 MiB" in w]
        self.assertEqual(len(cut), 1, doc["warnings"])
        self.assertIn("BIGF_20261120.md", cut[0])
        self.assertIsNone(doc["fundamental_analysis"]["by_ticker"]["BIGF"]["recommendation"])
        self.assertEqual(doc["fundamental_analysis"]["by_ticker"]["TOPF"]["recommendation"], "HOLD")
        # The discovery document carries the same note in its local_data_inventory.
        self.write_csv("Ticker,Status,Entry_Timestamp\nBIGF,Open,2026-11-01\n")
        run = self.run_doc()
        self.assertTrue(any("BIGF_20261120.md" in w and "1 MiB" in w
                            for w in run["local_data_inventory"]["warnings"]), run["local_data_inventory"])


if __name__ == "__main__":
    unittest.main()
