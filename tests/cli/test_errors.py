"""Exit codes, one-line error messages, help/version and option precedence (SPEC 2)."""

import json
import os
import re
import shutil
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from thdtest import DAY, HOUR, NOW, ThdTestCase, clean_env, write_entry, write_file  # noqa: E402

NOBODY = 65534


class UsageErrorTest(ThdTestCase):
    """Exit 2: the command line, environment or config file is wrong."""

    def setUp(self):
        super().setUp()
        self.data = os.path.join(self.tmp, "data")
        os.makedirs(self.data)

    def test_unknown_option(self):
        self.assert_error(self.thd("inventory", "--data-dir", self.data, "--bogus"), 2, "--bogus")
        self.assert_error(self.thd("--bogus", "inventory"), 2, "--bogus")

    def test_no_subcommand(self):
        self.assert_error(self.thd(), 2)

    def test_unknown_report_format(self):
        line = self.assert_error(self.thd("inventory", "--data-dir", self.data, "--report", "xml"), 2, "--report")
        self.assertIn("xml", line)
        self.assert_error(self.thd("cache-optimize", "--data-dir", self.data, "--report", "xml"), 2, "--report")

    def test_max_concurrent_zero(self):
        self.assert_error(self.thd("run", "--max-concurrent", "0", "--show-config"), 2, "--max-concurrent")

    def test_bad_size(self):
        self.assert_error(self.thd("cache-optimize", "--data-dir", self.data, "--cleanup", "--max-size", "5XB"),
                          2, "--max-size", "5XB")

    def test_bad_duration(self):
        self.assert_error(self.thd("cache-optimize", "--data-dir", self.data, "--cleanup",
                                   "--evict-older-than", "soon"), 2, "--evict-older-than", "soon")

    def test_bad_stale_days(self):
        self.assert_error(self.thd("inventory", "--data-dir", self.data, "--stale-days", "abc"), 2, "--stale-days")

    def test_portfolio_and_tickers_exclude_each_other(self):
        r = self.thd("inventory", "--data-dir", self.data, "--portfolio", "x", "--tickers", "AAPL")
        self.assert_error(r, 2)

    def test_bad_environment_value(self):
        r = self.thd("run", "--show-config", env=clean_env(THD_MAX_CONCURRENT="abc"))
        self.assert_error(r, 2, "THD_MAX_CONCURRENT", "abc")

    def test_unknown_key_in_config_file(self):
        path = write_file(os.path.join(self.tmp, "thd.toml"), "[run]\nmax_concurent = 4\n")
        line = self.assert_error(self.thd("--config", path, "run", "--show-config"), 2, "max_concurent")
        # file:line:col of the key (column 1) or of its value (column 17)
        self.assertRegex(line, re.escape(path) + r":2:(1|17)\b")

    def test_config_file_syntax_error(self):
        path = write_file(os.path.join(self.tmp, "thd.toml"), "[run]\nmax_concurrent = = 4\n")
        line = self.assert_error(self.thd("--config", path, "run", "--show-config"), 2)
        self.assertRegex(line, re.escape(path) + r":2:\d+")

    def test_bad_value_in_config_file(self):
        path = write_file(os.path.join(self.tmp, "thd.toml"), "[run]\n\nmax_concurrent = 0\n")
        line = self.assert_error(self.thd("--config", path, "run", "--show-config"), 2, "max_concurrent")
        self.assertRegex(line, re.escape(path) + r":3:\d+")

    def test_missing_config_file(self):
        missing = os.path.join(self.tmp, "nope.toml")
        self.assert_error(self.thd("--config", missing, "run", "--show-config"), 2, missing)


class InputErrorTest(ThdTestCase):
    """Exit 3: the data is missing or malformed."""

    def setUp(self):
        super().setUp()
        self.data = os.path.join(self.tmp, "data")
        self.trades = os.path.join(self.data, "raw", "trade_history")
        write_file(os.path.join(self.trades, "live_signals_20261120.csv"),
                   "Ticker,Status,Entry_Timestamp\nAAPL,Open,2026-11-01\n")
        write_file(os.path.join(self.trades, "paper_trades.csv"),
                   "Ticker,Status,Entry_Timestamp\nMSFT,Closed,2026-10-01\n")

    def test_missing_data_dir(self):
        missing = os.path.join(self.tmp, "no-such-dir")
        self.assert_error(self.thd("inventory", "--data-dir", missing), 3, missing)
        self.assert_error(self.thd("inventory", env=clean_env(THD_DATA_DIR=missing)), 3, missing)

    def test_unknown_portfolio_lists_the_available_ones(self):
        r = self.thd("inventory", "--data-dir", self.data, "--portfolio", "live_signal")
        self.assert_error(r, 3, "live_signal", "live_signals", "paper_trades")

    def test_csv_without_ticker_column(self):
        write_file(os.path.join(self.trades, "bad_20261120.csv"),
                   "Symbol,Status,Entry_Timestamp\nAAPL,Open,2026-11-01\n")
        r = self.thd("inventory", "--data-dir", self.data, "--portfolio", "bad")
        self.assert_error(r, 3, "bad_20261120.csv", "Ticker")

    def test_csv_with_unterminated_quote(self):
        write_file(os.path.join(self.trades, "open_20261120.csv"),
                   'Ticker,Status,Entry_Timestamp\nAAPL,Open,2026-11-01\n"MSFT,Open,2026-11-02\n')
        r = self.thd("inventory", "--data-dir", self.data, "--portfolio", "open")
        self.assert_error(r, 3, "open_20261120.csv")

    def test_known_portfolio_is_fine(self):
        for name in ["live_signals", "paper_trades", "live_signals_20261120"]:
            r = self.thd("inventory", "--data-dir", self.data, "--portfolio", name, "--report", "json")
            self.assert_ok(r)
            self.assertEqual(json.loads(r.stdout)["coverage"]["tickers"], 1, name)


class UnwritableCacheTest(ThdTestCase):
    @unittest.skipUnless(shutil.which("setpriv"), "setpriv is not available to drop root privileges")
    def test_cleanup_of_a_read_only_cache_dir(self):
        if os.geteuid() != 0:
            self.skipTest("needs root to switch to user nobody with setpriv")
        data = os.path.join(self.tmp, "data")
        cache = os.path.join(data, "cache")
        expired = write_entry(cache, "fmp", "quote:AAPL", NOW - 2 * HOUR, 900)
        fresh = write_entry(cache, "fmp", "profile:AAPL", NOW - HOUR, DAY)
        for path in [self.tmp, data, os.path.join(cache, "fmp")]:
            os.chmod(path, 0o755)
        for path in [expired, fresh]:
            os.chmod(path, 0o644)
        os.chmod(cache, 0o555)
        self.assertTrue(os.access(cache, os.R_OK))

        r = self.thd("cache-optimize", "--data-dir", data, "--cleanup", user=NOBODY)
        line = self.assert_error(r, 3, cache)
        self.assertRegex(line.lower(), r"writ|permission")
        self.assertTrue(os.path.exists(expired), "an entry was deleted although the run failed")

        # Reading it is fine.
        r = self.thd("cache-optimize", "--data-dir", data, "--report", "json", user=NOBODY)
        self.assert_ok(r)
        self.assertEqual(json.loads(r.stdout)["by_service"]["fmp"]["expired"], 1)


class HelpAndVersionTest(ThdTestCase):
    SUBCOMMANDS = {"run": "--max-concurrent", "inventory": "--stale-days", "cache-optimize": "--max-size",
                   "report": "--format"}

    def test_version(self):
        for args in [[]] + [[s] for s in self.SUBCOMMANDS]:
            r = self.thd(*args, "--version")
            self.assert_ok(r)
            self.assertRegex(r.stdout, r"trade-history-discover \d+\.\d+", args)
            self.assertEqual(r.stderr, "")

    def test_help(self):
        r = self.thd("--help")
        self.assert_ok(r)
        for sub in self.SUBCOMMANDS:
            self.assertIn(sub, r.stdout)
        for sub, option in self.SUBCOMMANDS.items():
            r = self.thd(sub, "--help")
            self.assert_ok(r)
            self.assertIn(option, r.stdout, sub)
            self.assertEqual(r.stderr, "", sub)


class PrecedenceTest(ThdTestCase):
    """command line > environment > config file > default, seen in `run --show-config`."""

    def setUp(self):
        super().setUp()
        self.config = write_file(os.path.join(self.tmp, "conf", "thd.toml"), "[run]\nmax_concurrent = 4\n")

    def shown(self, *args, env=None, cwd=None, setting="run.max_concurrent"):
        r = self.thd(*args, env=env, cwd=cwd)
        self.assert_ok(r)
        for line in r.stdout.splitlines():
            parts = line.split()
            if parts and parts[0] == setting:
                return parts[1], " ".join(parts[2:])
        self.fail("%s not in --show-config output\n%s" % (setting, self.describe(r)))

    def test_default(self):
        value, origin = self.shown("run", "--show-config")
        self.assertEqual(value, "5")
        self.assertTrue(origin.startswith("default"), origin)

    def test_config_file(self):
        value, origin = self.shown("--config", self.config, "run", "--show-config")
        self.assertEqual(value, "4")
        self.assertTrue(origin.startswith("config file"), origin)
        value, origin = self.shown("run", "--show-config", env=clean_env(THD_CONFIG=self.config))
        self.assertEqual(value, "4")
        self.assertTrue(origin.startswith("config file"), origin)

    def test_default_config_file_in_working_directory(self):
        value, origin = self.shown("run", "--show-config", cwd=os.path.dirname(self.config))
        self.assertEqual(value, "5")  # thd.toml is not the default name
        shutil.copy(self.config, os.path.join(self.tmp, "trade-history-discover.toml"))
        value, origin = self.shown("run", "--show-config", cwd=self.tmp)
        self.assertEqual(value, "4")
        self.assertTrue(origin.startswith("config file"), origin)

    def test_environment_over_config_file(self):
        value, origin = self.shown("--config", self.config, "run", "--show-config",
                                   env=clean_env(THD_MAX_CONCURRENT="6"))
        self.assertEqual(value, "6")
        self.assertTrue(origin.startswith("environment"), origin)

    def test_command_line_over_environment_and_config_file(self):
        value, origin = self.shown("--config", self.config, "run", "--show-config", "--max-concurrent", "7",
                                   env=clean_env(THD_MAX_CONCURRENT="6"))
        self.assertEqual(value, "7")
        self.assertTrue(origin.startswith("command line"), origin)

    def test_global_options_after_the_subcommand(self):
        value, _ = self.shown("run", "--show-config", "--config", self.config)
        self.assertEqual(value, "4")
        there = os.path.join(self.tmp, "there")
        value, origin = self.shown("run", "--show-config", "--data-dir", there,
                                   env=clean_env(THD_DATA_DIR=os.path.join(self.tmp, "elsewhere")),
                                   setting="data_dir")
        self.assertEqual(value, there)
        self.assertTrue(origin.startswith("command line"), origin)

        data = os.path.join(self.tmp, "data")
        os.makedirs(data)
        doc, r = self.thd_json("inventory", "--data-dir", data, "--report", "json")
        self.assertEqual(doc["data_dir"], data)
        self.assertNotEqual(r.stderr, "")  # no outputs/ directories: warnings
        r = self.thd("inventory", "--data-dir", data, "-q")
        self.assert_ok(r)
        self.assertEqual(r.stderr, "")
        cache = os.path.join(self.tmp, "cache")
        doc, _ = self.thd_json("cache-optimize", "--cache-dir", cache, "--report", "json")
        self.assertEqual(doc["directory"], cache)

    def test_stale_days_precedence_in_inventory(self):
        data = os.path.join(self.tmp, "data")
        write_file(os.path.join(data, "outputs", "fundamental_analysis", "AAPL_20261101.md"), "x\n")
        config = write_file(os.path.join(self.tmp, "stale.toml"), "stale_days = 10\n")

        def stale_days(*args, env=None):
            doc, _ = self.thd_json("inventory", "--data-dir", data, "--report", "json", *args, env=env)
            return doc["stale_days"], doc["fundamental_analysis"]["by_ticker"]["AAPL"]["stale"]

        self.assertEqual(stale_days(), (30, False))  # 21 days old
        self.assertEqual(stale_days("--config", config), (10, True))
        self.assertEqual(stale_days("--config", config, env=clean_env(THD_STALE_DAYS="25")), (25, False))
        self.assertEqual(stale_days("--config", config, "--stale-days", "20",
                                    env=clean_env(THD_STALE_DAYS="25")), (20, True))


if __name__ == "__main__":
    unittest.main()
