"""Issue 9, items 9-15: every way out of a run keeps what it learned (quota
counts, breakers, cache statistics); the cache is never left through a
symbolic link; a saved breaker cannot disable a service for ever; killed
runs' temporary files are swept; names from files reach the terminal
escaped; Ctrl-C and SIGTERM end cleanly (130, 143); a closed stdout pipe is
not an error."""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from thdtest import BIN, ERROR_PREFIX, SERVICES, FakeServicesTestCase, ThdTestCase, clean_env  # noqa: E402

KEYS = {"FMP_API_KEY": "fmp-test-key", "ALPHA_VANTAGE_API_KEY": "av-test-key", "FRED_API_KEY": "fred-test-key",
        "COINGECKO_API_KEY": "cg-test-key"}
TODAY = "2026-11-22"


class Base(FakeServicesTestCase):
    def setUp(self):
        super().setUp()
        self.discovery = os.path.join(self.data, "outputs", "trade_history", "discovery")

    def env(self, **extra):
        return clean_env(**{**KEYS, **self.service_urls(), "SEC_EDGAR_USER_AGENT": "thd-tests tests@example.com", **extra})

    def args(self, *extra):
        return [BIN, "--data-dir", self.data, "--cache-dir", self.cache, "run", "--portfolio", "live_signals",
                "--no-progress"] + [str(a) for a in extra]

    def network_json(self):
        with open(os.path.join(self.cache, ".meta", "network.json")) as f:
            return json.load(f)

    def stats_json(self):
        with open(os.path.join(self.cache, ".meta", "stats.json")) as f:
            return json.load(f)

    def quota_used(self):
        # A daily quota counts in today's period, CoinGecko's monthly one in this month's.
        return {s: q["used"] for s, q in self.network_json()["quota"].items() if q["date"] in (TODAY, TODAY[:7])}

    def requests(self):
        return {s: n for s, n in self.server.stats()["requests"].items() if s in SERVICES and n}


class EveryExitKeepsWhatWasLearned(Base):
    """Item 9: exit 3 and exit 4 after calls were made."""

    def test_output_that_cannot_be_written_still_saves_quota_and_statistics(self):
        blocker = os.path.join(self.tmp, "not-a-dir")
        with open(blocker, "w") as f:
            f.write("x")
        r = self.thd(*self.args("--output", os.path.join(blocker, "doc.json"))[1:], env=self.env())
        self.assert_error(r, 3, "cannot create", "cache entries already fetched were kept")
        made = self.requests()
        self.assertGreater(sum(made.values()), 0)
        # Every call the fake answered is in the quota count (the run's own services: fmp, yahoo, ...).
        self.assertEqual(self.quota_used(), made)
        # The run's lookups were saved: every entry it stored (the cache was empty) is counted as a store.
        stored = {s: len([n for n in os.listdir(os.path.join(self.cache, s)) if not n.startswith(".")])
                  for s in SERVICES if os.path.isdir(os.path.join(self.cache, s))}
        self.assertGreater(sum(stored.values()), 0)
        counted = {s: c["stores"] for s, c in self.stats_json()["services"].items() if c["stores"]}
        self.assertEqual(counted, {s: n for s, n in stored.items() if n})

    def test_resource_guard_after_calls_still_saves_quota_and_statistics(self):
        # Measure this run's resident memory without the network, then allow a little more than that:
        # the guard trips while (or right after) fetching, once calls were made.
        doc, r = self.thd_json(*self.args("--offline", "--output", "-")[1:], env=self.env())
        peak = doc["discovery_metadata"]["peak_rss_mb"]
        shutil.rmtree(self.cache)
        self.server.reset()
        limit = int(peak) + 1
        r = self.thd(*self.args("--output", "-", "--max-rss-mb", limit)[1:], env=self.env())
        if r.returncode == 0:
            self.skipTest("the network step stayed under %d MB here" % limit)
        self.assert_error(r, 4, "--max-rss-mb", "cache entries already fetched were kept")
        made = self.requests()
        if not made:
            self.skipTest("the guard tripped before any call")
        self.assertEqual(self.quota_used(), made)
        self.assertTrue(os.path.isfile(os.path.join(self.cache, ".meta", "stats.json")))


class Signals(Base):
    """Item 14: SIGINT and SIGTERM during the network step."""
    latency_ms = 400

    def interrupt(self, sig, code):
        out = os.path.join(self.tmp, "doc.json")
        p = subprocess.Popen(self.args("--output", out, "--max-concurrent", 1), env=self.env(), cwd=self.tmp,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.time() + 20
        while time.time() < deadline and sum(self.requests().values()) < 2:
            time.sleep(0.1)
        p.send_signal(sig)
        stdout, stderr = p.communicate(timeout=30)
        self.assertEqual(p.returncode, code, stderr)
        lines = stderr.splitlines()
        self.assertEqual(len(lines), 1, stderr)
        self.assertTrue(lines[0].startswith("trade-history-discover: interrupted"), stderr)
        self.assertIn("cache entries already fetched were kept", lines[0])
        self.assertFalse(os.path.exists(out))
        self.assertEqual([n for n in os.listdir(self.tmp) if ".tmp." in n], [])
        made = self.requests()
        self.assertGreater(sum(made.values()), 0)
        self.assertEqual(self.quota_used(), made)
        self.assertTrue(os.path.isfile(os.path.join(self.cache, ".meta", "stats.json")))

    def test_sigint_is_exit_130_and_saves_state(self):
        self.interrupt(signal.SIGINT, 130)

    def test_sigterm_is_exit_143_and_saves_state(self):
        self.interrupt(signal.SIGTERM, 143)

    def test_ctrl_c_ends_a_wait_for_a_lock_another_run_holds(self):
        # Another run holds the statistics lock: the run waits at its end; Ctrl-C must end the wait and
        # the run (exit 130), not be swallowed until the lock is released.
        import fcntl
        meta = os.path.join(self.cache, ".meta")
        os.makedirs(meta)
        with open(os.path.join(meta, "stats.lock"), "w") as held:
            fcntl.flock(held, fcntl.LOCK_EX)
            out = os.path.join(self.tmp, "doc.json")
            p = subprocess.Popen(self.args("--offline", "--output", out), env=self.env(), cwd=self.tmp,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            time.sleep(1.5)  # an offline run of the sample takes well under that: it is waiting now
            self.assertIsNone(p.poll(), "the run did not wait for the lock")
            p.send_signal(signal.SIGINT)
            try:
                _, stderr = p.communicate(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.communicate()
                self.fail("Ctrl-C did not end a run waiting for a lock")
        self.assertEqual(p.returncode, 130, stderr)
        self.assertIn("trade-history-discover: interrupted", stderr)
        self.assertIn("held by another run; not waited for", stderr)


class Breakers(Base):
    """Item 11: a saved breaker is clamped to one cool-down and can be reset."""

    def write_breaker(self, until):
        os.makedirs(os.path.join(self.cache, ".meta"), exist_ok=True)
        with open(os.path.join(self.cache, ".meta", "network.json"), "w") as f:
            json.dump({"version": 1, "breakers": {"yahoo_finance": {"open_until": until}}, "quota": {}}, f)

    def test_a_far_future_breaker_is_clamped_and_explained(self):
        self.write_breaker("2099-01-01T00:00:00Z")
        r = self.thd(*self.args("--output", "-")[1:], env=self.env())
        self.assert_ok(r)
        # THD_NOW is 12:00:00; the cool-down 60 s: it closes at 12:01:00 at the latest. When it opened is
        # not known (2099 minus 60 s would be a made-up time): the line says it was cut.
        self.assertIn("  yahoo_finance: skipped, breaker saved by an earlier run (to close later than one "
                      "cool-down: cut), closes at 12:01:00 (--reset-breakers to retry now)", r.stderr)
        self.assertNotIn("yahoo_finance", self.requests())
        self.assertEqual(self.network_json()["breakers"]["yahoo_finance"]["open_until"], "2026-11-22T12:01:00Z")

    def test_a_breaker_of_a_moment_ago_says_when_it_opened(self):
        # Saved by a run at 11:59:30 (open for 60 s): closes at 12:00:30, opened at 11:59:30.
        self.write_breaker("2026-11-22T12:00:30Z")
        r = self.thd(*self.args("--output", "-")[1:], env=self.env())
        self.assert_ok(r)
        self.assertIn("  yahoo_finance: skipped, breaker opened by an earlier run at 11:59:30, closes at 12:00:30 "
                      "(--reset-breakers to retry now)", r.stderr)

    def test_reset_breakers_retries_at_once(self):
        self.write_breaker("2099-01-01T00:00:00Z")
        r = self.thd(*self.args("--output", "-", "--reset-breakers")[1:], env=self.env())
        self.assert_ok(r)
        self.assertNotIn("skipped, breaker", r.stderr)
        self.assertGreater(self.requests().get("yahoo_finance", 0), 0)
        self.assertNotIn("yahoo_finance", self.network_json()["breakers"])

    def test_help_documents_reset_breakers(self):
        r = self.thd("run", "--help")
        self.assertIn("--reset-breakers", r.stdout)


class Symlinks(Base):
    """Item 10: nothing is written through a symbolic link inside the cache."""

    def setUp(self):
        super().setUp()
        self.outside = os.path.join(self.tmp, "outside")
        os.makedirs(self.outside)

    def run_online(self):
        return self.thd(*self.args("--output", "-")[1:], env=self.env())

    def test_symlinked_meta_is_refused(self):
        os.makedirs(self.cache)
        os.symlink(self.outside, os.path.join(self.cache, ".meta"))
        r = self.run_online()
        self.assert_ok(r)
        self.assertEqual(os.listdir(self.outside), [])
        self.assertIn(os.path.join(self.cache, ".meta") + " is a symbolic link inside the cache", r.stderr)

    def test_symlinked_service_directory_is_refused(self):
        os.makedirs(self.cache)
        os.symlink(self.outside, os.path.join(self.cache, "yahoo_finance"))
        r = self.run_online()
        self.assert_ok(r)
        self.assertEqual(os.listdir(self.outside), [])
        self.assertIn("not cached: " + os.path.join(self.cache, "yahoo_finance") + " is a symbolic link", r.stderr)

    def test_symlinked_lock_file_is_refused(self):
        os.makedirs(os.path.join(self.cache, ".meta"))
        victim = os.path.join(self.outside, "victim")
        os.symlink(victim, os.path.join(self.cache, ".meta", "stats.lock"))
        r = self.thd(*self.args("--output", "-", "--offline")[1:], env=self.env())
        self.assert_ok(r)
        self.assertFalse(os.path.lexists(victim))
        self.assertIn(os.path.join(self.cache, ".meta", "stats.lock") + " is a symbolic link", r.stderr)

    def test_symlinked_entry_file_is_refused(self):
        self.assert_ok(self.run_online())
        ydir = os.path.join(self.cache, "yahoo_finance")
        name = sorted(os.listdir(ydir))[0]
        victim = os.path.join(self.outside, "victim.json")
        with open(victim, "w") as f:
            f.write("precious")
        os.remove(os.path.join(ydir, name))
        os.symlink(victim, os.path.join(ydir, name))
        self.server.reset()
        r = self.run_online()
        self.assert_ok(r)
        with open(victim) as f:
            self.assertEqual(f.read(), "precious")
        self.assertIn(os.path.join(ydir, name) + " is a symbolic link", r.stderr)

    def test_a_symlinked_cache_root_is_allowed(self):
        real = os.path.join(self.outside, "real-cache")
        os.makedirs(real)
        os.symlink(real, self.cache)
        r = self.run_online()
        self.assert_ok(r)
        self.assertNotIn("symbolic link", r.stderr)
        self.assertTrue(os.path.isfile(os.path.join(real, ".meta", "stats.json")))
        self.assertTrue(os.listdir(os.path.join(real, "yahoo_finance")))


class StaleTemps(Base):
    """Item 12: temporary files of killed runs in the discovery folder."""

    def dead_pid(self):
        p = subprocess.Popen(["true"])
        p.wait()
        return p.pid

    def make_temps(self):
        """A dead writer's temp two hours old (goes); a live writer's two hours old, a dead writer's just
        written (another pid namespace's writer looks dead), and a user's own file of a similar shape (stay)."""
        os.makedirs(self.discovery, exist_ok=True)
        pid = self.dead_pid()
        dead = os.path.join(self.discovery, ".live_signals_20261121.json.tmp.%d.abc123" % pid)
        live = os.path.join(self.discovery, ".live_signals_20261122.json.tmp.%d.def456" % os.getpid())
        fresh = os.path.join(self.discovery, ".live_signals_20261120.json.tmp.%d.fed654" % pid)
        users = os.path.join(self.discovery, ".thesis.odt.tmp.%d.ab" % pid)
        old = time.time() - 7200
        for path in (dead, live, fresh, users):
            with open(path, "w") as f:
                f.write("x" * 1000)
            if path != fresh:
                os.utime(path, (old, old))
        return dead, live, fresh, users

    def test_a_run_removes_a_dead_writers_temp_and_keeps_a_live_ones(self):
        dead, *stay = self.make_temps()
        r = self.thd(*self.args("--offline")[1:], env=self.env())
        self.assert_ok(r)
        self.assertFalse(os.path.exists(dead))
        for path in stay:
            self.assertTrue(os.path.exists(path), path)
        self.assertTrue(os.path.isfile(os.path.join(self.discovery, "live_signals_20261122.json")))

    def test_cache_optimize_cleanup_reports_and_removes_them(self):
        dead, *stay = self.make_temps()
        doc, _ = self.thd_json("--data-dir", self.data, "--cache-dir", self.cache, "cache-optimize", "--cleanup",
                               "--dry-run", "--report", "json")
        self.assertEqual(doc["temporary"]["in_outputs"], 1)
        self.assertTrue(os.path.exists(dead))
        doc, _ = self.thd_json("--data-dir", self.data, "--cache-dir", self.cache, "cache-optimize", "--cleanup",
                               "--report", "json")
        self.assertEqual((doc["temporary"]["in_outputs"], doc["temporary"]["in_outputs_removed"]), (1, 1))
        self.assertIn({"action": "remove-temp", "path": dead,
                       "reason": "its writer (pid %s) is gone and it has not changed for over 60 minutes"
                       % dead.split(".")[-2], "service": None, "key": None}, doc["actions"])
        self.assertFalse(os.path.exists(dead))
        for path in stay:
            self.assertTrue(os.path.exists(path), path)


class Escapes(ThdTestCase):
    """Item 13: a file name cannot drive the terminal."""

    def test_portfolio_list_in_an_error_is_escaped(self):
        data = os.path.join(self.tmp, "data")
        os.makedirs(os.path.join(data, "raw", "trade_history"))
        with open(os.path.join(data, "raw", "trade_history", "evil\x1b[2J.csv"), "w") as f:
            f.write("Ticker\n")
        r = self.thd("--data-dir", data, "run", "--portfolio", "nosuch", "--offline")
        line = self.assert_error(r, 3, "nosuch")
        self.assertNotIn("\x1b", r.stderr)
        self.assertIn("evil\\x1B[2J", line)

    def test_verbose_log_lines_are_escaped(self):
        # The log sink escapes every line: a portfolio named with ESC[2J, logged by -vv.
        data = os.path.join(self.tmp, "data")
        os.makedirs(os.path.join(data, "raw", "trade_history"))
        with open(os.path.join(data, "raw", "trade_history", "ev\x1b[2Jil.csv"), "w") as f:
            f.write("Ticker,Entry_Timestamp,Exit_Timestamp,PnL,Return,Status\n"
                    "AAPL,2026-01-02,2026-01-05,10,0.01,Closed\n")
        r = self.thd("--data-dir", data, "--cache-dir", os.path.join(self.tmp, "c"), "-vv", "run", "--portfolio",
                     "ev\x1b[2Jil", "--offline", "--output", os.path.join(self.tmp, "out.json"))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("ev\\x1B[2Jil", r.stderr)
        self.assertNotIn("\x1b", r.stdout + r.stderr)

    def test_inventory_table_is_escaped(self):
        data = os.path.join(self.tmp, "data")
        fdir = os.path.join(data, "outputs", "fundamental_analysis")
        os.makedirs(fdir)
        with open(os.path.join(fdir, "AB\x1b]0;pwned\x07_20261120.md"), "w") as f:
            f.write("# x\n")
        r = self.thd("--data-dir", data, "inventory")
        self.assert_ok(r)
        self.assertNotIn("\x1b", r.stdout + r.stderr)
        self.assertNotIn("\x07", r.stdout + r.stderr)


class ClosedPipe(Base):
    """Item 15 (middle): `--output - | head` is a reader that stopped: exit 0, no message."""

    def test_run_output_to_a_pipe_closed_early(self):
        p = subprocess.Popen(self.args("--offline", "--output", "-", "-q"), env=self.env(), cwd=self.tmp,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        p.stdout.close()  # before the document is written: its write meets a pipe without a reader
        err = p.stderr.read().decode()
        p.wait(timeout=60)
        self.assertEqual(p.returncode, 0, err)
        self.assertEqual(err, "")
        self.assertTrue(os.path.isfile(os.path.join(self.cache, ".meta", "stats.json")))

    def test_inventory_json_to_a_pipe_closed_early(self):
        p = subprocess.Popen([BIN, "--data-dir", self.data, "--cache-dir", self.cache, "inventory", "--report",
                              "json"], env=self.env(), cwd=self.tmp, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        p.stdout.close()
        err = p.stderr.read().decode()
        p.wait(timeout=60)
        self.assertEqual(p.returncode, 0, err)
        self.assertNotIn(ERROR_PREFIX, err)


if __name__ == "__main__":
    unittest.main()
