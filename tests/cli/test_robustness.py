"""Messy real-world trees: special files, symlinks, foreign files in the cache,
concurrent cleanups, full disks, odd settings. Each must end in a clear answer,
never a hang, a crash, lost data or a silent wrong count."""

import json
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from thdtest import (BIN, DAY, NOW, ThdTestCase, clean_env, md5_name, write_entry, write_file)  # noqa: E402

HEADER = ("Position_UUID,Ticker,Strategy_Type,Entry_Timestamp,Exit_Timestamp,PnL,Return,Duration_Days,"
          "Status,Current_Unrealized_PnL\n")


class Robustness(ThdTestCase):
    def setUp(self):
        super().setUp()
        self.data = os.path.join(self.tmp, "data")
        self.cache = os.path.join(self.tmp, "cache")
        os.makedirs(os.path.join(self.data, "outputs", "fundamental_analysis"))
        os.makedirs(self.cache)

    def test_boolean_flags_parse_and_show_their_origin(self):
        r = self.thd("run", "--offline", "--full-market-data", "--show-config")
        self.assert_ok(r)
        rows = {line.split()[0]: line for line in r.stdout.splitlines()}
        self.assertIn("true", rows["run.offline"])
        self.assertIn("command line (--offline)", rows["run.offline"])
        self.assertIn("true", rows["run.full_market_data"])
        r = self.thd("run", "--help")
        self.assertIn("no network: local files and cache only", r.stdout)

    def test_fifo_in_cache_and_fundamentals_does_not_hang(self):
        os.makedirs(os.path.join(self.cache, "fmp"))
        os.mkfifo(os.path.join(self.cache, "fmp", md5_name("fmp", "profile:A")))
        os.mkfifo(os.path.join(self.cache, md5_name("", "x")))
        os.makedirs(os.path.join(self.cache, ".meta"))
        os.mkfifo(os.path.join(self.cache, ".meta", "stats.json"))
        os.mkfifo(os.path.join(self.data, "outputs", "fundamental_analysis", "ZZZ_20261101.md"))
        for args in (["inventory", "--report", "json"], ["cache-optimize", "--cleanup", "--report", "json"]):
            r = self.thd("--data-dir", self.data, "--cache-dir", self.cache, *args, timeout=20)
            self.assertIn(r.returncode, (0, 1), self.describe(r))  # answered, no hang
        self.assertTrue(os.path.exists(os.path.join(self.cache, "fmp", md5_name("fmp", "profile:A"))))

    def test_endless_fundamental_file_is_bounded(self):
        os.symlink("/dev/zero", os.path.join(self.data, "outputs", "fundamental_analysis", "ZZZ_20261101.md"))
        doc, _ = self.thd_json("--data-dir", self.data, "--cache-dir", self.cache, "inventory", "--report", "json",
                               timeout=20)
        self.assertIn("ZZZ_20261101.md", [f["file"] for f in doc["fundamental_analysis"]["ignored"]])

    def test_foreign_files_in_the_cache_root_survive_cleanup(self):
        write_file(os.path.join(self.cache, "package.json"), '{"name": "x"}')
        write_file(os.path.join(self.cache, "tsconfig.json"), "{}")
        legacy = os.path.join(self.cache, md5_name("", "whatever"))
        write_file(legacy, json.dumps({"timestamp": "2026-11-22T11:00:00Z", "data": 1}))
        doc, _ = self.thd_json("--cache-dir", self.cache, "cache-optimize", "--cleanup", "--report", "json")
        self.assertTrue(os.path.exists(os.path.join(self.cache, "package.json")))
        self.assertTrue(os.path.exists(os.path.join(self.cache, "tsconfig.json")))
        self.assertFalse(os.path.exists(legacy))  # an unattributable legacy entry
        self.assertEqual(doc["legacy"]["total"], 1)
        self.assertIn("package.json", doc["unknown"])

    def test_symlinked_entries_are_never_followed_or_deleted(self):
        outside = write_file(os.path.join(self.tmp, "outside.json"), "precious")
        os.makedirs(os.path.join(self.cache, "fmp"))
        link = os.path.join(self.cache, "fmp", md5_name("fmp", "profile:A"))
        os.symlink(outside, link)
        os.utime(outside, (NOW - 9 * DAY, NOW - 9 * DAY))
        doc, _ = self.thd_json("--cache-dir", self.cache, "cache-optimize", "--cleanup", "--evict-older-than", "1d",
                               "--report", "json")
        self.assertTrue(os.path.islink(link))
        with open(outside) as f:
            self.assertEqual(f.read(), "precious")
        self.assertEqual(os.stat(outside).st_mtime, NOW - 9 * DAY)
        self.assertTrue(any(u.startswith("fmp/") and "symlink" in u for u in doc["unknown"]), doc["unknown"])

    def test_huge_ttl_is_fresh_not_an_overflow(self):
        write_entry(self.cache, "fmp", "profile:A", NOW - DAY, 9223372036854775807)
        doc, _ = self.thd_json("--cache-dir", self.cache, "cache-optimize", "--cleanup", "--report", "json")
        self.assertEqual(doc["by_service"]["fmp"]["fresh"], 1)
        self.assertEqual(doc["by_service"]["fmp"]["deleted"], 0)

    def test_full_stdout_is_an_error(self):
        with open("/dev/full", "w") as full:
            r = subprocess.run([BIN, "--data-dir", self.data, "--cache-dir", self.cache, "inventory", "--report",
                                "json"], stdout=full, stderr=subprocess.PIPE, text=True, env=clean_env(), cwd=self.tmp)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("cannot write to standard output", r.stderr)

    def test_concurrent_cleanups_count_each_eviction_once(self):
        n = 400
        for i in range(n):
            write_entry(self.cache, "fmp", "profile:T%d" % i, NOW - 60, 7 * DAY, {"pad": "x" * 200},
                        mtime=NOW - DAY - i)
        size = os.path.getsize(os.path.join(self.cache, "fmp", md5_name("fmp", "profile:T0")))
        keep = 100
        argv = [BIN, "--cache-dir", self.cache, "cache-optimize", "--cleanup", "--max-size",
                str(size * keep), "--report", "json"]
        procs = [subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=clean_env(), cwd=self.tmp)
                 for _ in range(2)]
        reports = []
        for p in procs:
            out, err = p.communicate(timeout=60)
            self.assertEqual(p.returncode, 0, err)
            reports.append(json.loads(out))
        left = len(os.listdir(os.path.join(self.cache, "fmp")))
        self.assertLessEqual(left, keep)
        evicted = sum(r["by_service"]["fmp"]["evicted"] for r in reports)
        self.assertEqual(evicted, n - left)
        with open(os.path.join(self.cache, ".meta", "stats.json")) as f:
            self.assertEqual(json.load(f)["services"]["fmp"]["evictions"], n - left)

    def test_future_dated_analysis_is_ignored(self):
        fa = os.path.join(self.data, "outputs", "fundamental_analysis")
        write_file(os.path.join(fa, "AAPL_20991231.md"), "Recommendation: SELL\n")
        write_file(os.path.join(fa, "AAPL_20261101.md"), "Recommendation: BUY\n")
        doc, _ = self.thd_json("--data-dir", self.data, "--cache-dir", self.cache, "inventory", "--report", "json")
        self.assertEqual(doc["fundamental_analysis"]["by_ticker"]["AAPL"]["recommendation"], "BUY")
        self.assertIn("AAPL_20991231.md", [f["file"] for f in doc["fundamental_analysis"]["ignored"]])

    def test_show_config_redacts_secrets_in_base_urls(self):
        env = clean_env(THD_FMP_BASE_URL="https://user:SECRET123@example.test/api?apikey=SECRET456")
        r = self.thd("run", "--show-config", env=env)
        self.assert_ok(r)
        self.assertNotIn("SECRET", r.stdout + r.stderr)
        env = clean_env(THD_FMP_BASE_URL="ftp://user:SECRET789@example.test/?apikey=SECRET000")
        r = self.thd("run", "--show-config", env=env)  # shown with its problem, not refused
        self.assert_ok(r)
        self.assertIn("INVALID", r.stdout)
        self.assertNotIn("SECRET", r.stdout + r.stderr)
        r = self.thd("inventory", env=env)  # any other command refuses it
        self.assertEqual(r.returncode, 2)
        self.assertNotIn("SECRET", r.stdout + r.stderr)

    def test_unreadable_config_is_an_input_error(self):
        cfg = write_file(os.path.join(self.tmp, "c.toml"), "stale_days = 3\n")
        os.chmod(cfg, 0o000)
        os.chmod(self.tmp, 0o755)
        r = self.thd("--config", cfg, "inventory", user=65534)
        self.assert_error(r, 3, "cannot read config file", "c.toml")
        self.assertNotIn(":0:0", r.stderr)

    def test_empty_environment_variables_are_unset(self):
        r = self.thd("run", "--show-config", env=clean_env(THD_DATA_DIR="", THD_STALE_DAYS="", THD_MAX_CONCURRENT=""))
        self.assert_ok(r)
        rows = {line.split()[0]: line for line in r.stdout.splitlines()}
        self.assertIn("default", rows["run.max_concurrent"])
        self.assertIn("./data", rows["data_dir"])

    def test_subcommand_help_lists_the_global_options(self):
        for sub in ("run", "inventory", "cache-optimize", "report"):
            out = self.thd(sub, "--help").stdout
            for opt in ("--data-dir", "--cache-dir", "--config", "--verbose", "--quiet"):
                self.assertIn(opt, out, sub)

    def test_garbage_tickers_do_not_reach_coverage_or_needs(self):
        th = os.path.join(self.data, "raw", "trade_history")
        write_file(os.path.join(th, "p.csv"), HEADER +
                   "u1,AAPL,SMA,2026-01-02,2026-02-02,10,0.1,31,Closed,\n"
                   "u2,<script>,SMA,2026-01-02,,,,,Open,0.01\n")
        doc, _ = self.thd_json("--data-dir", self.data, "--cache-dir", self.cache, "inventory", "--portfolio", "p",
                               "--report", "json")
        self.assertEqual(doc["coverage"]["tickers"], 1)
        doc, _ = self.thd_json("--data-dir", self.data, "--cache-dir", self.cache, "-q", "run", "--portfolio", "p",
                               "--offline", "--output", "-")
        # Not a symbol: an issue, and the row is excluded like one without a ticker (docs/STATISTICS.md).
        self.assertEqual(doc["portfolio_summary"]["total_trades"], 1)
        self.assertNotIn("<SCRIPT>", json.dumps(doc["market_context"]))
        self.assertNotIn("<script>", doc["tickers"])
        self.assertNotIn("<SCRIPT>", doc["tickers"])
        self.assertTrue(any(i["line"] == 3 and i["column"] == "Ticker" and "not a valid symbol" in i["issue"]
                            for i in doc["data_quality_assessment"]["issues"]))

    def test_output_through_a_symlink_replaces_its_target(self):
        th = os.path.join(self.data, "raw", "trade_history")
        write_file(os.path.join(th, "p.csv"), HEADER + "u1,AAPL,SMA,2026-01-02,,,,,Open,0.01\n")
        target = write_file(os.path.join(self.tmp, "target.json"), "old")
        link = os.path.join(self.tmp, "link.json")
        os.symlink(target, link)
        r = self.thd("--data-dir", self.data, "--cache-dir", self.cache, "-q", "run", "--portfolio", "p", "--offline",
                     "--output", link)
        self.assert_ok(r)
        self.assertTrue(os.path.islink(link))
        with open(target) as f:
            self.assertEqual(json.load(f)["portfolio"]["name"], "p")
        r = self.thd("--data-dir", self.data, "--cache-dir", self.cache, "run", "--portfolio", "p", "--offline",
                     "--output", "/dev/null")
        self.assert_error(r, 2, "--output", "not a regular file")

    def test_a_directory_named_like_a_portfolio_is_not_one(self):
        th = os.path.join(self.data, "raw", "trade_history")
        os.makedirs(os.path.join(th, "p_20261120.csv"))
        write_file(os.path.join(th, "p_20261101.csv"), HEADER + "u1,AAPL,SMA,2026-01-02,,,,,Open,0.01\n")
        doc, _ = self.thd_json("--data-dir", self.data, "--cache-dir", self.cache, "-q", "run", "--portfolio", "p",
                               "--offline", "--output", "-")
        self.assertTrue(doc["portfolio"]["file"].endswith("p_20261101.csv"))


if __name__ == "__main__":
    unittest.main()
