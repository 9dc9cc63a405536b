"""Issue 14, settings: one duration parser (CLI, environment, config), the global --show-config
(table and JSON, API keys by name only), run --csv and --portfolio PATH, one message for a missing
data dir, `init`, and malformed base URLs refused at start. docs/CONFIG.md.

Every expected value is worked out by hand from the arguments the test gives.
"""

import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from thdtest import (ERROR_PREFIX, PortfolioTestCase, ThdTestCase, clean_env, validate_report,  # noqa: E402
                     write_file)

RUN_DATE = "20261122"  # thdtest pins THD_NOW to 2026-11-22T12:00:00Z
CSV = ("Position_UUID,Ticker,Strategy_Type,Entry_Timestamp,Exit_Timestamp,PnL,Return,Status\n"
       "AAPL_SMA_1,AAPL,SMA,2026-01-05,2026-02-05,100,0.1,Closed\n"
       "MSFT_SMA_1,MSFT,SMA,2026-03-02,,,,Open\n")
SECRET = "sk-test-9f8e7d6c5b4a3210"  # an API key value that must never be printed


def settings_of(doc):
    return {s["name"]: s for s in doc["settings"]}


class ShowConfigMixin:
    def show_json(self, *args, env=None):
        r = self.thd(*args, env=env)
        self.assert_ok(r)
        doc = json.loads(r.stdout)
        validate_report(doc, "show-config")
        return doc

    def setting(self, *args, name, env=None):
        # The global --report before the subcommand: run's own --report is about its document.
        return settings_of(self.show_json(*(["--show-config", "--report", "json"] + list(args)), env=env))[name]


class DurationTest(ShowConfigMixin, PortfolioTestCase):
    """Item 3: 30s, 15m, 2h, 7d, 1w everywhere; a bare number only where the setting is in seconds."""

    def test_timeout_takes_seconds_bare_or_with_a_unit(self):
        # --timeout and --slow-call are documented in seconds: bare numbers stay valid.
        t = self.setting("run", "--timeout", "45", name="run.timeout")
        self.assertEqual((t["value"], t["origin"], t["where"]), ("45", "command line", "--timeout"))
        self.assertEqual(self.setting("run", "--timeout", "30s", name="run.timeout")["value"], "30")
        self.assertEqual(self.setting("run", "--timeout", "1m", name="run.timeout")["value"], "60")
        self.assertEqual(self.setting("run", "--slow-call", "2.5S", name="run.slow_call")["value"], "2.5")
        env = clean_env(THD_TIMEOUT="1.5m")
        t = self.setting("run", name="run.timeout", env=env)
        self.assertEqual((t["value"], t["origin"], t["where"]), ("90", "environment", "THD_TIMEOUT"))

    def test_config_timeout_30s_is_accepted(self):
        config = write_file(os.path.join(self.tmp, "c.toml"),
                            '[run]\ntimeout = "30s"\nslow_call = "1m"\nno_data_ttl = "6h"\n'
                            '[ttl]\nquote = "15m"\nprofile = 900\n')
        doc = self.show_json("--config", config, "--show-config", "--report", "json")
        s = settings_of(doc)
        self.assertEqual((s["run.timeout"]["value"], s["run.timeout"]["origin"]), ("30", "config file"))
        self.assertTrue(s["run.timeout"]["where"].startswith(config + ":2:"), s["run.timeout"])
        self.assertEqual(s["run.slow_call"]["value"], "60")
        self.assertEqual(s["run.no_data_ttl"]["value"], str(6 * 3600))
        self.assertEqual(s["ttl.quote"]["value"], "900")
        self.assertEqual(s["ttl.profile"]["value"], "900")

    def test_bad_durations_are_usage_errors_naming_where(self):
        r = self.thd("run", "--timeout", "30x", "--show-config")
        self.assert_error(r, 2, "--timeout '30x'", "unknown unit 'x'")
        r = self.thd("run", "--show-config", env=clean_env(THD_SLOW_CALL="-1s"))
        self.assert_error(r, 2, "THD_SLOW_CALL='-1s'", "out of range (expected 0.001 to 3600 seconds)")
        r = self.thd("run", "--no-data-ttl", "soon", "--show-config")
        self.assert_error(r, 2, "--no-data-ttl 'soon'", "not a duration")
        config = write_file(os.path.join(self.tmp, "c.toml"), '[ttl]\nquote = "-5m"\n')
        r = self.thd("--config", config, "--show-config")
        self.assert_error(r, 2, config + ":2:1: ttl.quote '-5m'", "negative")
        config = write_file(os.path.join(self.tmp, "d.toml"), '[run]\ntimeout = "2 fortnights"\n')
        r = self.thd("--config", config, "--show-config")
        self.assert_error(r, 2, config + ":2:1: run.timeout '2 fortnights'", "unknown unit")

    def test_evict_older_than_needs_a_unit(self):
        r = self.thd("cache-optimize", "--cache-dir", self.cache, "--cleanup", "--evict-older-than", "7")
        line = self.assert_error(r, 2)
        self.assertEqual(line, ERROR_PREFIX + "--evict-older-than '7': a duration needs a unit (7d? 7h?): "
                                              "e.g. 7d, 12h, 90m")
        r = self.thd("cache-optimize", "--cache-dir", self.cache, "--cleanup", "--evict-older-than", "junk")
        self.assert_error(r, 2, "--evict-older-than 'junk'", "not a duration")
        for good in ("7d", "1.5h", "2W", "0"):
            self.assert_ok(self.thd("cache-optimize", "--cache-dir", self.cache, "--cleanup",
                                    "--evict-older-than", good))

    def test_no_data_ttl_needs_a_unit_and_empty_evict_is_refused(self):
        # Review 2, item 12: the default is 1d, so a bare 7 is not 7 seconds; a bare 0 stays valid.
        r = self.thd("run", "--show-config", "--no-data-ttl", "7")
        self.assert_error(r, 2, "--no-data-ttl '7': a duration needs a unit (7d? 7h?)")
        self.assert_ok(self.thd("run", "--show-config", "--no-data-ttl", "0"))
        r = self.thd("run", "--show-config", "--no-data-ttl", "5.")
        self.assert_error(r, 2, "(5d? 5h?)")
        r = self.thd("run", "--show-config", "--no-data-ttl", "1e3")
        line = self.assert_error(r, 2, "unknown unit 'e3'")
        self.assertNotIn(")  (", line)
        self.assertNotIn(") (", line)
        # Given but empty: an error, not the option left out (nothing would be evicted, silently).
        r = self.thd("cache-optimize", "--cache-dir", self.cache, "--cleanup", "--evict-older-than", "")
        self.assert_error(r, 2, "--evict-older-than ''", "empty")
        r = self.thd("cache-optimize", "--cache-dir", self.cache, "--cleanup", "--max-size", "")
        self.assert_error(r, 2, "--max-size ''")

    def test_remote_cache_stale_window_needs_a_unit(self):
        r = self.thd("--remote-cache", "redis://127.0.0.1:1|stale-window=7", "--show-config")
        self.assert_error(r, 2, "stale-window", "a duration needs a unit (7d? 7h?)")
        r = self.thd("--remote-cache", "redis://127.0.0.1:1|stale-window=2d", "--show-config")
        self.assert_ok(r)


class ShowConfigTest(ShowConfigMixin, ThdTestCase):
    """Item 9: a global --show-config, table or JSON, keys by name only, resolved directories."""

    def test_without_a_subcommand_as_a_table(self):
        env = clean_env(FMP_API_KEY=SECRET, ALPHA_VANTAGE_API_KEY=None, THD_MAX_CONCURRENT="4")
        r = self.thd("--show-config", env=env)
        self.assert_ok(r)
        self.assertNotIn(SECRET, r.stdout + r.stderr)
        lines = r.stdout.splitlines()
        row = [ln for ln in lines if ln.startswith("run.max_concurrent ")]
        self.assertEqual(len(row), 1, r.stdout)
        self.assertEqual(row[0].split()[1], "4")
        self.assertIn("environment (THD_MAX_CONCURRENT)", row[0])
        fmp = [ln.split() for ln in lines if ln.strip().startswith("FMP_API_KEY:")]
        self.assertEqual(fmp[0][:2], ["FMP_API_KEY:", "set"], r.stdout)
        av = [ln.split() for ln in lines if ln.strip().startswith("ALPHA_VANTAGE_API_KEY:")]
        self.assertEqual(av[0][:3], ["ALPHA_VANTAGE_API_KEY:", "not", "set"], r.stdout)
        self.assertNotIn("", lines)  # no blank line: every line keyed by its first word
        data = [ln.split() for ln in lines if ln.strip().startswith("data dir:")]
        self.assertEqual(data, [["data", "dir:", os.path.join(self.tmp, "data"), "(does", "not", "exist)"]], r.stdout)
        cache = [ln.split() for ln in lines if ln.strip().startswith("cache dir:")]
        self.assertEqual(cache, [["cache", "dir:", os.path.join(self.tmp, "data", "cache"), "(does", "not",
                                  "exist)"]], r.stdout)

    def test_json_names_the_keys_never_their_values(self):
        env = clean_env(FMP_API_KEY=SECRET, FRED_API_KEY="", COINGECKO_API_KEY=None,
                        SEC_EDGAR_USER_AGENT="me me@example.com")
        r = self.thd("--show-config", "--report", "json", env=env)
        self.assert_ok(r)
        self.assertNotIn(SECRET, r.stdout + r.stderr)
        doc = json.loads(r.stdout)
        validate_report(doc, "show-config")
        keys = {k["variable"]: (k["service"], k["set"]) for k in doc["api_keys"]}
        self.assertEqual(keys["FMP_API_KEY"], ("fmp", True))
        self.assertEqual(keys["FRED_API_KEY"], ("fred_economic", False))  # empty counts as not set
        self.assertEqual(keys["COINGECKO_API_KEY"], ("coingecko", False))
        self.assertEqual(keys["SEC_EDGAR_USER_AGENT"], ("sec_edgar", True))
        self.assertIn("ALPHA_VANTAGE_API_KEY", keys)
        self.assertIn("COINGECKO_PRO_API_KEY", keys)
        self.assertEqual(doc["directories"]["data_dir"], {"path": os.path.join(self.tmp, "data"), "exists": False})
        self.assertEqual(doc["directories"]["cache_dir"],
                         {"path": os.path.join(self.tmp, "data", "cache"), "exists": False})
        self.assertIsNone(doc["config_file"])
        s = settings_of(doc)
        self.assertEqual((s["run.max_concurrent"]["value"], s["run.max_concurrent"]["origin"],
                          s["run.max_concurrent"]["where"]), ("5", "default", None))

    def test_after_run_shows_the_command_line_value(self):
        os.makedirs(os.path.join(self.tmp, "d"))
        r = self.thd("run", "--show-config", "--max-concurrent", "3", "--data-dir", "d")
        self.assert_ok(r)
        row = [ln for ln in r.stdout.splitlines() if ln.startswith("run.max_concurrent ")]
        self.assertEqual(row[0].split()[1], "3", r.stdout)
        self.assertIn("command line (--max-concurrent)", row[0])
        data = [ln.split() for ln in r.stdout.splitlines() if ln.strip().startswith("data dir:")]
        self.assertEqual(data, [["data", "dir:", os.path.join(self.tmp, "d")]], r.stdout)

    def test_after_run_report_json(self):
        # run's own --report json (helper C's change to run) is honoured for --show-config.
        doc = self.show_json("run", "--show-config", "--max-concurrent", "3", "--report", "json")
        s = settings_of(doc)["run.max_concurrent"]
        self.assertEqual((s["value"], s["origin"], s["where"]), ("3", "command line", "--max-concurrent"))

    def test_after_inventory_report_json_and_before_the_subcommand(self):
        doc = self.show_json("inventory", "--show-config", "--report", "json")
        self.assertIn("api_keys", doc)
        doc = self.show_json("--show-config", "--report", "json", "inventory", "--stale-days", "9")
        self.assertEqual(settings_of(doc)["stale_days"]["value"], "9")

    def test_report_without_show_config_or_command(self):
        # Review 2, item 19: not "no command given".
        r = self.thd("--report", "json")
        line = self.assert_error(r, 2, "--report before a subcommand is only for --show-config")
        self.assertNotIn("no command", line)

    def test_durations_shown_with_their_unit(self):
        # Review 2, item 12: seconds for scripts, the unit for people.
        r = self.thd("run", "--show-config", "--no-data-ttl", "7d")
        self.assert_ok(r)
        row = [line for line in r.stdout.splitlines() if line.startswith("run.no_data_ttl ")]
        self.assertEqual(len(row), 1, r.stdout)
        self.assertIn("604800 (1w)", row[0])
        self.assertEqual(self.setting("run", "--no-data-ttl", "7d", name="run.no_data_ttl")["value"], "604800")

    def test_bad_format(self):
        r = self.thd("--show-config", "--report", "yaml")
        self.assert_error(r, 2, "yaml")
        # The global --report is for --show-config only; a subcommand's goes after it.
        os.makedirs(os.path.join(self.tmp, "data"))
        r = self.thd("--report", "json", "inventory")
        self.assert_error(r, 2, "only for --show-config", "inventory --report json")

    def test_run_has_no_show_config_of_its_own(self):
        r = self.thd("run", "--help")
        self.assert_ok(r)
        self.assertNotIn("print every setting", r.stdout.split("Global options")[0])


class CsvTest(PortfolioTestCase):
    """Item 10: run --csv FILE, --portfolio PATH, and 'did you mean' for portfolios and config keys."""

    def run_args(self, *args):
        return self.thd("run", "--data-dir", self.data, "--cache-dir", self.cache, "--offline", *args)

    def discovery(self, name):
        return os.path.join(self.data, "outputs", "trade_history", "discovery", name)

    def test_csv_anywhere_named_by_its_stem(self):
        exports = os.path.join(self.tmp, "exports")
        write_file(os.path.join(exports, "paper.csv"), CSV)
        write_file(os.path.join(exports, "live_20261101.csv"), CSV)
        self.assert_ok(self.run_args("--csv", os.path.join(exports, "paper.csv")))
        with open(self.discovery("paper_%s.json" % RUN_DATE)) as f:
            doc = json.load(f)
        self.assertEqual(doc["portfolio"]["name"], "paper")
        self.assertEqual(doc["portfolio"]["file"], os.path.join(exports, "paper.csv"))
        self.assertEqual(doc["portfolio_summary"]["total_trades"], 2)
        self.assert_ok(self.run_args("--csv", os.path.join(exports, "live_20261101.csv")))
        with open(self.discovery("live_%s.json" % RUN_DATE)) as f:
            self.assertEqual(json.load(f)["portfolio"]["name"], "live")

    def test_portfolio_given_a_path(self):
        write_file(os.path.join(self.tmp, "exports", "swing_20261015.csv"), CSV)
        self.assert_ok(self.run_args("--portfolio", os.path.join(self.tmp, "exports", "swing_20261015.csv")))
        self.assertTrue(os.path.exists(self.discovery("swing_%s.json" % RUN_DATE)))
        # A relative .csv name that exists from the current directory is a path too.
        write_file(os.path.join(self.tmp, "here.csv"), CSV)
        self.assert_ok(self.run_args("--portfolio", "here.csv"))
        self.assertTrue(os.path.exists(self.discovery("here_%s.json" % RUN_DATE)))

    def test_exactly_one_of_portfolio_and_csv(self):
        self.assert_error(self.run_args(), 2, "--portfolio NAME or --csv FILE is required")
        write_file(os.path.join(self.tmp, "x.csv"), CSV)
        self.assert_error(self.run_args("--portfolio", "pf", "--csv", os.path.join(self.tmp, "x.csv")), 2,
                          "--portfolio and --csv")

    def test_missing_csv_is_an_input_error_naming_it(self):
        missing = os.path.join(self.tmp, "nowhere", "gone.csv")
        self.assert_error(self.run_args("--csv", missing), 3, missing)
        self.assert_error(self.run_args("--portfolio", missing), 3, missing)

    def test_unknown_portfolio_suggests_the_closest(self):
        self.write_csv(CSV, "live_signals_20261120")
        self.write_csv(CSV, "paper_trades")
        r = self.run_args("--portfolio", "live_signal")
        self.assert_error(r, 3, "no portfolio 'live_signal' in " + os.path.join(self.data, "raw", "trade_history"),
                          "did you mean 'live_signals'?")
        r = self.run_args("--portfolio", "zzz")
        line = self.assert_error(r, 3, "no portfolio 'zzz'", "available: live_signals, paper_trades")
        self.assertNotIn("did you mean", line)

    def test_portfolio_x_csv_is_the_data_dirs_first_and_both_is_a_usage_error(self):
        # Review 2, item 4: "pf_20261120.csv" in the data dir and in the current directory.
        self.write_csv(CSV, "pf_20261120")
        write_file(os.path.join(self.tmp, "pf_20261120.csv"), CSV)
        self.assert_error(self.run_args("--portfolio", "pf_20261120.csv"), 2, "--portfolio 'pf_20261120.csv'",
                          "--csv ./pf_20261120.csv")
        # Only in the data dir: the data dir's, the file here is not read.
        os.remove(os.path.join(self.tmp, "pf_20261120.csv"))
        self.assert_ok(self.run_args("--portfolio", "pf_20261120.csv"))
        with open(self.discovery("pf_%s.json" % RUN_DATE)) as f:
            self.assertEqual(json.load(f)["portfolio"]["file"],
                             os.path.join(self.data, "raw", "trade_history", "pf_20261120.csv"))

    def test_csv_names_that_make_no_portfolio_name(self):
        # Review 2, item 9.
        write_file(os.path.join(self.tmp, "cs", ".csv"), CSV)
        self.assert_error(self.run_args("--csv", os.path.join(self.tmp, "cs", ".csv")), 2, "no portfolio name")
        write_file(os.path.join(self.tmp, "cs", "a\x1b[2Jb.csv"), CSV)
        r = self.run_args("--csv", os.path.join(self.tmp, "cs", "a\x1b[2Jb.csv"))
        self.assert_error(r, 2, "control characters")
        self.assertNotIn("\x1b", r.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.data, "outputs")))
        # The option typed is the one named; the extension in any case is a CSV file.
        self.assert_error(self.run_args("--portfolio", "./"), 3, "--portfolio './': is a directory")
        write_file(os.path.join(self.tmp, "UP.CSV"), CSV)
        self.assert_ok(self.run_args("--portfolio", "UP.CSV"))
        self.assertTrue(os.path.exists(self.discovery("UP_%s.json" % RUN_DATE)))

    def test_a_wrong_date_suggests_the_dated_files(self):
        # Review 2, item 14.
        self.write_csv(CSV, "live_signals_20261120")
        self.write_csv(CSV, "live_signals_20261001")
        self.assert_error(self.run_args("--portfolio", "live_signals_20261002"), 3,
                          "'live_signals' has 'live_signals_20261120', 'live_signals_20261001'")

    def test_unknown_config_key_suggests_the_closest(self):
        config = write_file(os.path.join(self.tmp, "c.toml"), "[run]\nmax_concurent = 3\n")
        r = self.thd("--config", config, "--show-config")
        self.assert_error(r, 2, config + ":2:1", "unknown setting 'run.max_concurent'",
                          "did you mean 'run.max_concurrent'?")
        config = write_file(os.path.join(self.tmp, "d.toml"), "timeout = 30\n")
        r = self.thd("--config", config, "--show-config")
        self.assert_error(r, 2, "unknown setting 'timeout'", "did you mean 'run.timeout'?")
        config = write_file(os.path.join(self.tmp, "e.toml"), '[services.fmp]\nbase_ur = "http://127.0.0.1:1/"\n')
        r = self.thd("--config", config, "--show-config")
        self.assert_error(r, 2, "did you mean 'services.fmp.base_url'?")


class MissingDataDirTest(ThdTestCase):
    """Item 11: one message and exit 3 for run, inventory and cache-optimize, saying where the value came from."""

    COMMANDS = (["run", "--portfolio", "pf"], ["inventory"], ["cache-optimize"])

    def expected(self, path, source):
        # The exact command: init with the same --data-dir, unless the data dir is the default.
        command = "init" if source.startswith("the default") else "--data-dir %s init" % path
        return (ERROR_PREFIX + "data directory %s does not exist (from %s); create it with "
                "'trade-history-discover %s' or pass --data-dir" % (path, source, command))

    def test_a_path_with_spaces_is_quoted_and_init_says_the_exact_next_command(self):
        missing = os.path.join(self.tmp, "two  spaces")
        r = self.thd("inventory", "--data-dir", missing)
        line = self.assert_error(r, 3)
        self.assertIn('data directory "%s" does not exist' % missing, line)
        self.assertIn("""'trade-history-discover --data-dir "%s" init'""" % missing, line)
        r = self.thd("init", "--data-dir", missing)
        self.assert_ok(r)
        self.assertIn('then: trade-history-discover --data-dir "%s" run --portfolio NAME' % missing, r.stdout)
        with open(os.path.join(missing, "README.md")) as f:
            readme = f.read()
        for variable in ("SEC_EDGAR_USER_AGENT", "COINGECKO_PRO_API_KEY", "COINGECKO_API_KEY"):
            self.assertIn(variable, readme)

    def test_from_each_origin_the_same_message(self):
        missing = os.path.join(self.tmp, "no-such-dir")
        config = write_file(os.path.join(self.tmp, "c.toml"), 'stale_days = 3\ndata_dir = "gone"\n')
        cases = [
            (["--data-dir", missing], None, missing, "--data-dir"),
            ([], clean_env(THD_DATA_DIR=missing), missing, "THD_DATA_DIR"),
            (["--config", config], None, os.path.join(self.tmp, "gone"), "config %s:2" % config),
            ([], None, "./data", "the default ./data"),
        ]
        for args, env, path, source in cases:
            for command in self.COMMANDS:
                r = self.thd(*(command + args), env=env)
                line = self.assert_error(r, 3)
                self.assertEqual(line, self.expected(path, source), command + args)

    def test_init_then_the_commands_work(self):
        data = os.path.join(self.tmp, "fresh")
        self.assert_ok(self.thd("init", "--data-dir", data))
        self.assert_ok(self.thd("inventory", "--data-dir", data))
        self.assert_ok(self.thd("cache-optimize", "--data-dir", data))
        r = self.thd("run", "--data-dir", data, "--portfolio", "pf", "--offline")
        self.assert_error(r, 3, "no portfolio 'pf'")


class InitTest(ThdTestCase):
    """Item 11: `init` creates the layout with a README, twice is harmless, never overwrites a file."""

    DIRS = ["raw/trade_history", "outputs/fundamental_analysis", "outputs/sector_analysis",
            "outputs/trade_history/discovery", "cache"]

    def test_a_failure_partway_lists_what_was_created(self):
        # Review 2, item 17: the cache dir cannot be made (a file in the way) after the data dir's folders were.
        data = os.path.join(self.tmp, "d")
        blocker = write_file(os.path.join(self.tmp, "blocker"), "x")
        r = self.thd("init", "--data-dir", data, "--cache-dir", os.path.join(blocker, "cache"))
        line = self.assert_error(r, 3, "already created: ")
        self.assertIn(os.path.join(data, "raw", "trade_history") + "/", line)
        self.assertTrue(os.path.isdir(os.path.join(data, "raw", "trade_history")))

    def test_init_twice(self):
        data = os.path.join(self.tmp, "a", "data")  # its parent does not exist either
        r = self.thd("init", "--data-dir", data)
        self.assert_ok(r)
        for d in self.DIRS:
            self.assertTrue(os.path.isdir(os.path.join(data, d)), d)
            self.assertIn("created %s/" % os.path.join(data, d), r.stdout)
        with open(os.path.join(data, "README.md")) as f:
            readme = f.read()
        for d in ["raw/trade_history/", "outputs/fundamental_analysis/", "outputs/sector_analysis/"]:
            self.assertIn(d, readme)
        self.assertIn("created %s\n" % os.path.join(data, "README.md"), r.stdout)
        r = self.thd("init", "--data-dir", data)
        self.assert_ok(r)
        self.assertNotIn("created", r.stdout)
        self.assertIn("nothing to create", r.stdout)

    def test_keeps_what_exists(self):
        data = os.path.join(self.tmp, "data")
        write_file(os.path.join(data, "README.md"), "my notes\n")
        write_file(os.path.join(data, "raw", "trade_history", "pf.csv"), CSV)
        r = self.thd("init", env=clean_env(THD_DATA_DIR=data))
        self.assert_ok(r)
        with open(os.path.join(data, "README.md")) as f:
            self.assertEqual(f.read(), "my notes\n")
        with open(os.path.join(data, "raw", "trade_history", "pf.csv")) as f:
            self.assertEqual(f.read(), CSV)
        self.assertNotIn("raw/trade_history/", r.stdout)
        self.assertIn("created %s/" % os.path.join(data, "outputs", "sector_analysis"), r.stdout)
        self.assertNotIn("README", r.stdout)

    def test_default_data_dir_and_a_file_in_the_way(self):
        self.assert_ok(self.thd("init"))  # ./data from the current directory
        self.assertTrue(os.path.isdir(os.path.join(self.tmp, "data", "raw", "trade_history")))
        write_file(os.path.join(self.tmp, "blocked", "raw"), "a file where a folder goes")
        r = self.thd("init", "--data-dir", os.path.join(self.tmp, "blocked"))
        self.assert_error(r, 3, os.path.join(self.tmp, "blocked", "raw"), "not a directory")

    def test_report_of_a_file_needs_no_data_dir(self):
        data = os.path.join(self.tmp, "data")
        self.assert_ok(self.thd("init", "--data-dir", data))
        write_file(os.path.join(data, "raw", "trade_history", "pf.csv"), CSV)
        out = os.path.join(self.tmp, "doc.json")
        self.assert_ok(self.thd("run", "--data-dir", data, "--portfolio", "pf", "--offline", "--output", out))
        r = self.thd("report", out, "--data-dir", os.path.join(self.tmp, "missing"))
        self.assert_ok(r)


class BaseUrlTest(ThdTestCase):
    """Item 14: a malformed base URL is exit 2 at start, naming the setting and where it came from."""

    BAD = {
        "http://127.0.0.1:/fmp": "port after ':' is empty",
        "htp://x": "must start with https:// or http://",
        "http://": "no host",
        "http:///fmp": "no host",
        "http://127.0.0.1 :8080/fmp": "spaces",
        "http://127.0.0.1:99999/fmp": "port '99999' is not a number from 1 to 65535",
        "http://127.0.0.1:0/fmp": "port '0'",
        "http://127.0.0.1:8x/fmp": "port '8x'",
    }

    def test_from_the_environment(self):
        os.makedirs(os.path.join(self.tmp, "data"))
        for url, problem in self.BAD.items():
            r = self.thd("inventory", env=clean_env(THD_FMP_BASE_URL=url))
            self.assert_error(r, 2, "THD_FMP_BASE_URL='%s'" % url, problem)
            # --show-config shows the problem in the setting's row and exits 0 (review 2, item 16).
            r = self.thd("--show-config", env=clean_env(THD_FMP_BASE_URL=url))
            self.assert_ok(r)
            row = [line for line in r.stdout.splitlines() if line.startswith("services.fmp.base_url ")]
            self.assertEqual(len(row), 1, r.stdout)
            self.assertIn("(INVALID: ", row[0])
            self.assertIn(problem, row[0])
            doc = json.loads(self.thd("--show-config", "--report", "json",
                                      env=clean_env(THD_FMP_BASE_URL=url)).stdout)
            validate_report(doc, "show-config")
            self.assertIn(problem, settings_of(doc)["services.fmp.base_url"]["problem"])
            self.assertNotIn("problem", settings_of(doc)["services.yahoo_finance.base_url"])
        # Still checked when a run would start (not only for --show-config).
        r = self.thd("inventory", env=clean_env(THD_YAHOO_FINANCE_BASE_URL="http://127.0.0.1:/y"))
        self.assert_error(r, 2, "THD_YAHOO_FINANCE_BASE_URL", "port after ':' is empty")

    def test_from_the_config_file(self):
        config = write_file(os.path.join(self.tmp, "c.toml"),
                            '[services.fred_economic]\nbase_url = "http://127.0.0.1:/fred"\n')
        r = self.thd("--config", config, "inventory")
        self.assert_error(r, 2, config + ":2:1: services.fred_economic.base_url 'http://127.0.0.1:/fred'",
                          "port after ':' is empty")

    def test_good_urls_pass(self):
        for url in ("http://127.0.0.1:8080/fmp", "https://example.com/api/v3", "http://[::1]:9/x",
                    "http://127.0.0.1:8080"):
            r = self.thd("--show-config", "--report", "json", env=clean_env(THD_FMP_BASE_URL=url))
            self.assert_ok(r)
            self.assertEqual(settings_of(json.loads(r.stdout))["services.fmp.base_url"]["value"], url)


if __name__ == "__main__":
    unittest.main()
