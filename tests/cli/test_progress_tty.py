"""Issue 14, item 6: the progress line on a real terminal (tmux). While a run
against a slow fake is fetching, the pane shows "[ n/N needs] ... network, ...
cache" with N every need of the run; once the run is over the line is gone;
NO_COLOR takes the colour away from the summary's status words, not the
progress; --no-progress and -q show none. Skipped (exit 0, with the reason) when
tmux is absent."""

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from thdtest import BIN, FakeServicesTestCase, clean_env  # noqa: E402

KEYS = {"FMP_API_KEY": "fmp-test-key", "ALPHA_VANTAGE_API_KEY": "av-test-key", "FRED_API_KEY": "fred-test-key",
        "COINGECKO_API_KEY": "cg-test-key", "SEC_EDGAR_USER_AGENT": "thd-tests tests@example.com"}
PROGRESS = re.compile(r"^\[ *(\d+)/(\d+) needs\] (\d+) network, (\d+) cache")


class ProgressOnATerminal(FakeServicesTestCase):
    latency_ms = 250  # every answer late: the run takes a few seconds, the line is seen redrawn

    def setUp(self):
        super().setUp()
        self.socket = "thd-progress-%d-%d" % (os.getpid(), int(time.time() * 1000) % 100000)
        self.addCleanup(self.kill_tmux)

    def kill_tmux(self):
        """Ends this test's tmux server and removes its socket file (kill-server leaves it)."""
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        path = os.path.join(os.environ.get("TMUX_TMPDIR", "/tmp"), "tmux-%d" % os.getuid(), self.socket)
        if os.path.exists(path):
            os.remove(path)

    def env(self, **extra):
        return clean_env(**{**KEYS, **self.service_urls(), **extra})

    def needs_total(self):
        """Every need of the run, from its dry run (no call made)."""
        r = self.thd("--data-dir", self.data, "--cache-dir", self.cache, "run", "--portfolio", "live_signals",
                     "--dry-run", "--report", "json", env=self.env())
        self.assert_ok(r)
        return len(json.loads(r.stdout)["needs"])

    def run_in_tmux(self, *extra, env_extra=None, width=120):
        """Runs a run in a detached 120x30 tmux pane; returns (the progress lines seen, the last pane with
        escapes, the last pane as text)."""
        env = self.env(**(env_extra or {}))
        script = os.path.join(self.tmp, "run.sh")
        with open(script, "w") as f:
            f.write("#!/bin/sh\n")
            for k, v in sorted(env.items()):
                if k.startswith(("THD_", "FMP_", "ALPHA_", "FRED_", "COINGECKO_", "SEC_", "NO_COLOR")) or k in (
                        "PATH", "HOME", "LANG", "LC_ALL"):
                    f.write("export %s=%s\n" % (k, shlex.quote(v)))
            if "NO_COLOR" not in env:
                f.write("unset NO_COLOR\n")
            f.write(" ".join(shlex.quote(a) for a in [BIN, "--data-dir", self.data, "--cache-dir", self.cache,
                                                      "run", "--portfolio", "live_signals", "--output",
                                                      os.path.join(self.tmp, "doc.json")] + list(extra)))
            f.write("\necho EXIT=$?\nsleep 5\n")
        os.chmod(script, 0o755)
        subprocess.run(["tmux", "-L", self.socket, "-f", "/dev/null", "new-session", "-d", "-x", str(width), "-y",
                        "30", script], check=True, env={k: v for k, v in os.environ.items() if k != "TMUX"})
        seen = []
        deadline = time.time() + 90
        text = ""
        while time.time() < deadline:
            text = subprocess.run(["tmux", "-L", self.socket, "capture-pane", "-p"], capture_output=True,
                                  text=True).stdout
            for line in text.splitlines():
                if "needs]" in line and line not in seen:
                    seen.append(line)
            if "EXIT=" in text:
                break
            time.sleep(0.03)
        self.assertIn("EXIT=0", text, "the run did not end well:\n" + text)
        coloured = subprocess.run(["tmux", "-L", self.socket, "capture-pane", "-p", "-e"], capture_output=True,
                                  text=True).stdout
        return seen, coloured, text

    def test_progress_shows_totals_and_is_erased(self):
        total = self.needs_total()
        seen, coloured, text = self.run_in_tmux()
        progress = [PROGRESS.match(l) for l in seen]
        self.assertTrue(progress and all(progress), "no progress line seen:\n%s\n%s" % (seen, text))
        for m in progress:
            done, of, network, cache = (int(g) for g in m.groups())
            self.assertEqual(of, total)
            self.assertLessEqual(network + cache, done)
            self.assertLessEqual(done, of)
        self.assertGreater(len(seen), 1, "redrawn while the run went on")
        # Over: the line is gone, the summary is there, and its status words are coloured (green ok).
        self.assertNotIn("needs]", text)
        self.assertIn("  yahoo_finance: ok, ", text)
        self.assertIn("\033[32mok\033[", coloured)

    def test_needs_with_no_provider_are_not_counted_as_cache(self):
        # Review 2, item 5: a cold cache and --services yahoo_finance: the needs only other services serve
        # have no provider to ask; they were "cache" before. Nothing is in the cache: 0 cache, always.
        total = self.needs_total()
        seen, coloured, text = self.run_in_tmux("--services", "yahoo_finance")
        parts = [re.match(r"^\[ *(\d+)/(\d+) needs\] (\d+) network, (\d+) cache, (\d+) no provider", l)
                 for l in seen]
        self.assertTrue(parts and all(parts), "no progress line with 'no provider':\n%s\n%s" % (seen, text))
        for m in parts:
            done, of, network, cache, none = (int(g) for g in m.groups())
            self.assertEqual((of, cache), (total, 0))
            self.assertGreater(none, 0)
            self.assertLessEqual(network + none, done)

    def test_no_color_keeps_the_progress_and_drops_the_colour(self):
        seen, coloured, text = self.run_in_tmux(env_extra={"NO_COLOR": "1"})
        self.assertTrue(seen and all(PROGRESS.match(l) for l in seen), "no progress line seen:\n" + text)
        self.assertNotIn("needs]", text)
        self.assertIn("  yahoo_finance: ok, ", text)
        self.assertNotIn("\033[32m", coloured)
        self.assertNotIn("\033[31m", coloured)

    def test_a_narrow_pane_drops_whole_items(self):
        # 40 columns: the line fits in 39, and what does not fit goes whole (the wait, the eta, the
        # per-provider counts), never cut in the middle ("... 0 cache · eta").
        seen, coloured, text = self.run_in_tmux(width=40)
        self.assertTrue(seen, "no progress line seen:\n" + text)
        whole = re.compile(r"^\[ *\d+/\d+ needs\] \d+ network, \d+ cache(, \d+ no provider)?(, \d+ failed)?( · \w+ \d+/\d+)*"
                           r"( · eta (<1s|\d+[hms](\d\d[ms])?))?( · \w+: next call in [^()]+ \(.+\))?$")
        for line in seen:
            self.assertLess(len(line), 40, line)
            self.assertRegex(line.rstrip(), whole)

    def test_no_progress_shows_none(self):
        seen, coloured, text = self.run_in_tmux("--no-progress")
        self.assertEqual(seen, [])
        self.assertIn("  yahoo_finance: ok, ", text)

    def test_quiet_shows_none(self):
        seen, coloured, text = self.run_in_tmux("-q")
        self.assertEqual(seen, [])
        self.assertNotIn("yahoo_finance", text)  # no summary either


if __name__ == "__main__":
    if not shutil.which("tmux"):
        print("test_progress_tty: skipped: tmux is not installed (scripts/lib/deps.sh installs it)")
        sys.exit(0)
    unittest.main()
