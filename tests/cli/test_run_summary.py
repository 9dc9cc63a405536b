"""Issue 14, items 4, 6, 7, 8: what a run says about itself. Breakers an
earlier run saved are named in the summary (when they opened and close, how
not to wait), --reset-breakers retries at once; a run that served none of its
market needs says so, --strict makes that exit 5 (the document still
written); calls and failures count the same thing (checked against the fake's
own request log); missing figures grouped by cause with their tickers and no
cause dropped in silence; no escape codes off a terminal or with NO_COLOR;
the dry run ordered by kind then ticker, without trailing semicolons, as JSON
valid against schemas/run-plan.schema.json, with the budget/quota line."""

import json
import os
import re
import shutil
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from thdtest import ERROR_PREFIX, SERVICES, FakeServicesTestCase, clean_env, validate_report, write_file  # noqa: E402

KEYS = {"FMP_API_KEY": "fmp-test-key", "ALPHA_VANTAGE_API_KEY": "av-test-key", "FRED_API_KEY": "fred-test-key",
        "COINGECKO_API_KEY": "cg-test-key", "SEC_EDGAR_USER_AGENT": "thd-tests tests@example.com"}
TODAY = "2026-11-22"
KIND_ORDER = ["market", "profile", "fundamentals", "vix", "series", "imf", "crypto"]  # NeedKind's order
DEAD = "http://127.0.0.1:9"  # the discard port: nothing listens on loopback there

# One open AAPL position: its needs are market AAPL, SPY, QQQ, VTI (the benchmarks), profile AAPL, vix VIX,
# series CPIAUCSL, DGS10, FEDFUNDS, UNRATE, imf NGDP_RPCH, PCPIPCH: 12 needs, 4 of them market needs, 11
# subjects (AAPL's fundamentals come from the bundled data/outputs/fundamental_analysis: no need).
TINY_HEADER = ("Position_UUID,Ticker,Strategy_Type,Short_Window,Long_Window,Signal_Window,Entry_Timestamp,"
               "Exit_Timestamp,Avg_Entry_Price,Avg_Exit_Price,Position_Size,Direction,PnL,Return,Duration_Days,"
               "Trade_Type,Status,Max_Favorable_Excursion,Max_Adverse_Excursion,MFE_MAE_Ratio,Exit_Efficiency,"
               "Days_Since_Entry,Current_Unrealized_PnL,Current_Excursion_Status,Exit_Efficiency_Fixed,"
               "Trade_Quality,X_Status")
TINY_ROW = ("AAPL_SMA_20_50_2026-05-26,AAPL,SMA,20,50,,2026-05-26,,200.00,,10,Long,,,,Long,Open,0.10,0.02,5.0,,"
            "178,0.10,Favorable,,Good,Pending")


class Base(FakeServicesTestCase):
    def env(self, base=None, **extra):
        return clean_env(**{**KEYS, **self.service_urls(base), **extra})

    def run_thd(self, *extra, portfolio="live_signals", env=None):
        return self.thd("--data-dir", self.data, "--cache-dir", self.cache, "run", "--portfolio", portfolio,
                        "--no-progress", *extra, env=env or self.env())

    def requests(self):
        return {s: n for s, n in self.server.stats()["requests"].items() if s in SERVICES and n}

    def tiny(self):
        write_file(os.path.join(self.data, "raw", "trade_history", "tiny.csv"), TINY_HEADER + "\n" + TINY_ROW + "\n")
        return "tiny"

    def service_line(self, stderr, service):
        lines = [l for l in stderr.splitlines() if l.startswith("  %s: " % service)]
        self.assertTrue(lines, "no summary line for %s\n%s" % (service, stderr))
        return lines[0]

    def missing_lines(self, stderr):
        return [l for l in stderr.splitlines() if l.startswith("  missing ")]

    def assert_missing_accounted(self, stderr):
        """Every missing need is in a cause's line or in the 'and N more causes' line."""
        m = re.search(r"^  needs (\d+): (\d+) network, (\d+) cache, (\d+) stale, (\d+) missing;", stderr, re.M)
        self.assertTrue(m, stderr)
        total_missing = int(m.group(5))
        shown = [int(re.match(r"  missing (\d+), ", l).group(1)) for l in self.missing_lines(stderr)]
        self.assertLessEqual(len(shown), 9)
        more = re.search(r"^  and (\d+) more causes \((\d+) missing needs?\): see each figure's provenance.reason "
                         r"in the document$", stderr, re.M)
        rest = int(more.group(2)) if more else 0
        self.assertEqual(sum(shown) + rest, total_missing, stderr)
        if more:  # at least two causes left over (one alone is shown), 8 shown
            self.assertGreaterEqual(int(more.group(1)), 2, stderr)
            self.assertEqual(len(shown), 8, stderr)
            self.assertEqual(int(more.group(2)) == 1, "(1 missing need)" in more.group(0), stderr)
        else:
            self.assertLessEqual(len(shown), 9, stderr)
        return shown, more


class Breakers(Base):
    """Item 4: a run against a dead URL, then a corrected rerun within the cool-down."""

    def test_breakers_of_an_earlier_run_are_named_and_reset(self):
        doc1 = os.path.join(self.tmp, "first.json")
        r = self.run_thd("--output", doc1, env=self.env(base=DEAD))
        self.assertEqual(r.returncode, 0, self.describe(r))  # no --strict: exit 0, and a plain warning
        # 16 open tickers and the 3 benchmarks: 19 market needs.
        self.assertIn("trade-history-discover: warning: none of the run's 19 market needs was served "
                      "(not from the cache, a stale entry or the network): every market figure is missing", r.stderr)
        self.assertEqual(self.requests(), {})  # the dead URL, not the fake
        self.assert_missing_accounted(r.stderr)

        # Corrected URLs, within the 60 s cool-down (THD_NOW pinned): every service that was tried is skipped,
        # with when its breaker opened and closes; nothing reaches the fake.
        doc2 = os.path.join(self.tmp, "second.json")
        r = self.run_thd("--output", doc2, "--strict")
        self.assertEqual(r.returncode, 5, self.describe(r))
        self.assertTrue(os.path.exists(doc2), "--strict still writes the document")
        self.assertIn("(--strict: exit 5)", r.stderr)
        self.assertEqual(self.requests(), {})
        skipped = re.findall(r"^  (\w+): skipped, breaker opened by an earlier run at (\d\d):(\d\d):(\d\d), closes at "
                             r"(\d\d):(\d\d):(\d\d) \(--reset-breakers to retry now\)$", r.stderr, re.M)
        self.assertIn("yahoo_finance", [s[0] for s in skipped], r.stderr)
        for s in skipped:
            opened = int(s[1]) * 3600 + int(s[2]) * 60 + int(s[3])
            closes = int(s[4]) * 3600 + int(s[5]) * 60 + int(s[6])
            self.assertEqual(closes - opened, 60, s)  # the cool-down
            self.assertLessEqual(closes, 12 * 3600 + 60)  # now is 12:00:00
        # Services in k_service_names' order.
        order = [l.split(":")[0].strip() for l in r.stderr.splitlines()
                 if re.match(r"  (%s): " % "|".join(SERVICES), l)]
        self.assertEqual(order, [s for s in SERVICES if s in order])
        self.assertEqual(len(order), len(SERVICES), r.stderr)

        # --dry-run plans as the run would: with the breakers open, no call; with --reset-breakers, the calls
        # the reset run makes; and nothing is reset by a dry run (review 2, item 7).
        def planned(*extra):
            r = self.run_thd("--dry-run", "--report", "json", *extra)
            self.assert_ok(r)
            return json.loads(r.stdout)["network"]["calls"]
        self.assertEqual(planned(), 0)
        self.assertGreater(planned("--reset-breakers"), 0)
        self.assertEqual(planned(), 0)
        self.assertEqual(self.requests(), {})

        # --reset-breakers: retried at once, served, exit 0 even with --strict.
        r = self.run_thd("--output", os.path.join(self.tmp, "third.json"), "--reset-breakers", "--strict")
        self.assert_ok(r)
        self.assertNotIn("skipped, breaker", r.stderr)
        self.assertNotIn("market needs was served", r.stderr)
        self.assertGreater(self.requests().get("yahoo_finance", 0), 0)

    def test_a_service_with_nothing_to_do_is_not_skipped(self):
        # A warm cache, and breakers an earlier run (against a dead URL, another cache) left open: nothing is
        # refused, so nothing is "skipped".
        self.assert_ok(self.run_thd("--output", os.path.join(self.tmp, "warm.json")))
        before = sum(self.requests().values())
        dead_cache = os.path.join(self.tmp, "dead-cache")
        r = self.thd("--data-dir", self.data, "--cache-dir", dead_cache, "run", "--portfolio", "live_signals",
                     "--no-progress", "--output", os.path.join(self.tmp, "dead.json"), env=self.env(base=DEAD))
        self.assertEqual(r.returncode, 0, self.describe(r))
        shutil.copy(os.path.join(dead_cache, ".meta", "network.json"), os.path.join(self.cache, ".meta", "network.json"))
        r = self.run_thd("--output", os.path.join(self.tmp, "again.json"))
        self.assert_ok(r)
        self.assertEqual(sum(self.requests().values()), before)  # served by the cache alone
        self.assertNotIn("skipped", r.stderr)
        self.assertRegex(r.stderr, r"(?m)^  yahoo_finance: not called \(breaker from an earlier run open until "
                                   r"\d\d:\d\d:\d\d\)$")

    def test_strict_is_exit_0_when_market_needs_were_served(self):
        r = self.run_thd("--output", os.path.join(self.tmp, "d.json"), "--strict")
        self.assert_ok(r)
        self.assertNotIn("was served", r.stderr)


class Counts(Base):
    """Item 7: calls and failed count the same calls, checked against the fake's own log."""

    def test_calls_and_failures_match_the_fakes_log(self):
        self.server.fault(service="fmp", mode="status", status=500, count=2)
        r = self.run_thd("--output", "-")
        self.assert_ok(r)
        stats = self.server.stats()
        fmp_calls = stats["requests"]["fmp"]
        fmp_failed = sum(n for status, n in stats["status_counts"]["fmp"].items() if not status.startswith("2"))
        self.assertEqual(fmp_failed, 2)  # the fault's count
        self.assertEqual(self.service_line(r.stderr, "fmp"),
                         "  fmp: warnings, %d calls, 2 failed; circuit closed" % fmp_calls)
        # One call: singular. CoinGecko serves the one crypto need (bitcoin).
        self.assertEqual(stats["requests"]["coingecko"], 1)
        self.assertEqual(self.service_line(r.stderr, "coingecko"), "  coingecko: ok, 1 call, 0 failed; circuit closed")
        for service in ("yahoo_finance", "fred_economic", "imf_data"):
            n = stats["requests"][service]
            self.assertEqual(self.service_line(r.stderr, service),
                             "  %s: ok, %d calls, 0 failed; circuit closed" % (service, n))
        self.assertIn("trade-history-discover: document written to standard output\n", r.stderr)
        self.assertNotIn("wrote stdout", r.stderr)
        self.assertIn("  52 trades, 16 open tickers, 0 data-quality issues;", r.stderr)

    def test_requests_refused_by_an_open_breaker_are_not_calls(self):
        # Every fmp call fails: its breaker opens, and the requests after it are not sent (not counted as calls).
        self.server.fault(service="fmp", mode="status", status=500)
        r = self.run_thd("--output", "-")
        self.assert_ok(r)
        n = self.server.stats()["requests"]["fmp"]
        m = re.search(r"^  fmp: failed, (\d+) calls?, (\d+) failed; (\d+) requests? not sent \(circuit open\); "
                      r"circuit open$", r.stderr, re.M)
        self.assertTrue(m, r.stderr)
        self.assertEqual(int(m.group(1)), n)
        self.assertEqual(int(m.group(2)), n)
        self.assertGreater(int(m.group(3)), 0)
        self.assert_missing_accounted(r.stderr)

    def test_no_escape_codes_off_a_terminal_or_with_no_color(self):
        for extra in ({}, {"NO_COLOR": "1"}):
            shutil.rmtree(self.cache, ignore_errors=True)  # from the network each time
            r = self.run_thd("--output", "-", env=self.env(**extra))
            self.assert_ok(r)
            self.assertNotIn("\033", r.stderr)
            self.assertIn("  yahoo_finance: ok, ", r.stderr)


class Missing(Base):
    """Item 7: the missing figures grouped by cause, with their tickers."""

    def test_offline_groups_every_subject_under_one_cause(self):
        name = self.tiny()
        r = self.run_thd("--output", "-", "--offline", portfolio=name)
        self.assert_ok(r)
        self.assertEqual(self.missing_lines(r.stderr),
                         ["  missing 12, offline: AAPL, CPIAUCSL, DGS10, FEDFUNDS, NGDP_RPCH, PCPIPCH, QQQ, SPY "
                          "and 3 more"])
        self.assertIn("none of the run's 4 market needs was served", r.stderr)
        for service in SERVICES:
            self.assertIn("  %s: disabled (offline)\n" % service, r.stderr)

    def test_causes_name_the_providers_and_the_tickers(self):
        name = self.tiny()
        # FRED's series get no answer they can use (HTTP 400 each), the rest is served.
        self.server.fault(service="fred_economic", mode="status", status=400)
        r = self.run_thd("--output", "-", "--services", "yahoo_finance,fred_economic,imf_data", portfolio=name)
        self.assert_ok(r)
        lines = self.missing_lines(r.stderr)
        # AAPL's profile: its providers (fmp, alpha_vantage) are not in --services.
        self.assertIn("  missing 1, excluded by --services: AAPL", lines)
        series = [l for l in lines if "CPIAUCSL" in l]
        self.assertEqual(len(series), 1, lines)
        self.assertEqual(series[0], "  missing 4, HTTP error (fred_economic): CPIAUCSL, DGS10, FEDFUNDS, UNRATE")
        self.assertEqual(len(lines), 2, lines)
        self.assert_missing_accounted(r.stderr)

    def test_more_than_eight_causes_are_not_dropped(self):
        # A dead URL: failures of several kinds and combinations (connection, breakers, quotas). Whatever the
        # number of causes, the lines and the 'and N more causes' line account for every missing need.
        r = self.run_thd("--output", "-", env=self.env(base=DEAD))
        self.assert_ok(r)
        shown, more = self.assert_missing_accounted(r.stderr)
        self.assertGreater(len(shown), 1)


class Causes(Base):
    """Review 2, findings 1 and 3: a missing figure's cause comes from what happened (the plan's refusals,
    the engine's outcomes), not from words in its reason."""

    def test_the_budget_is_a_cause_and_its_refusals_are_requests_not_sent(self):
        r = self.run_thd("--output", os.path.join(self.tmp, "d.json"), "--max-api-calls", "5")
        self.assert_ok(r)
        calls = sum(self.requests().values())
        self.assertLessEqual(calls, 5)
        said = sum(int(m) for m in re.findall(r"^  \w+: \w+(?: \w+)?, (\d+) calls?, \d+ failed", r.stderr, re.M))
        self.assertEqual(said, calls, r.stderr)  # the summary's calls are the fake's requests
        lines = self.missing_lines(r.stderr)
        self.assertTrue(any("budget spent (" in l for l in lines), r.stderr)
        for l in lines:
            self.assertNotRegex(l, r", failed \(|^  missing \d+, failed", r.stderr)
        # A service the budget kept from calling says how many of its requests were not sent, and why.
        self.assertRegex(r.stderr, r"(?m)^  \w+: warnings, 0 calls, 0 failed; \d+ requests? not sent \(budget spent\); "
                                   r"circuit closed$")
        self.assert_missing_accounted(r.stderr)

    def test_a_dead_url_is_not_a_spent_quota(self):
        doc = os.path.join(self.tmp, "d.json")
        r = self.run_thd("--output", doc, env=self.env(base=DEAD))
        self.assert_ok(r)
        self.assertNotIn("quota spent", r.stderr)
        self.assertNotIn("held by", r.stderr)
        av = self.service_line(r.stderr, "alpha_vantage")
        self.assertNotIn("stopped", av, r.stderr)
        self.assertNotIn("alpha_vantage: stopped", r.stderr)
        with open(doc, encoding="utf-8") as f:
            text = f.read()
        self.assertNotIn("calls used", text)  # no provenance says the quota was used
        self.assertTrue(any("connection failed (" in l for l in self.missing_lines(r.stderr)), r.stderr)
        self.assert_missing_accounted(r.stderr)


class DryRun(Base):
    """Item 8: the plan ordered, without trailing semicolons, as JSON, with the budget/quota line."""

    def plan_lines(self, stdout):
        out = []
        for line in stdout.splitlines():
            m = re.match(r"^  (%s) (\S+) +(.+)$" % "|".join(KIND_ORDER), line)
            if m:
                out.append((m.group(1), m.group(2)))
        return out

    def test_text_plan_is_ordered_and_has_no_trailing_semicolons(self):
        r = self.run_thd("--dry-run")
        self.assert_ok(r)
        for line in r.stdout.splitlines():
            self.assertFalse(line.rstrip().endswith(";"), line)
        lines = self.plan_lines(r.stdout)
        self.assertGreater(len(lines), 20)
        self.assertEqual(lines, sorted(lines, key=lambda l: (KIND_ORDER.index(l[0]), l[1])))
        self.assertIn(("market", "AAPL"), lines)
        self.assertEqual(self.requests(), {})

    def test_json_plan_matches_its_schema_and_the_text(self):
        r = self.run_thd("--dry-run", "--report", "json", "--max-api-calls", "100")
        self.assert_ok(r)
        plan = json.loads(r.stdout)
        validate_report(plan, "run-plan")
        keys = [(n["kind"], n["subject"]) for n in plan["needs"]]
        self.assertEqual(keys, sorted(keys, key=lambda k: (KIND_ORDER.index(k[0]), k[1])))
        self.assertEqual(len(keys), len(set(keys)))
        self.assertEqual([s["name"] for s in plan["services"]], SERVICES)
        self.assertEqual([p["service"] for p in plan["network"]["providers"]],
                         [s for s in SERVICES if s in [p["service"] for p in plan["network"]["providers"]]])
        self.assertEqual(plan["network"]["budget"], 100)
        self.assertEqual(sum(plan["by_source"].values()), len(keys) + plan["local_fundamentals"])
        text = self.run_thd("--dry-run", "--max-api-calls", "100")
        self.assertEqual(self.plan_lines(text.stdout), keys)
        self.assertIn(plan["network"]["summary"] + "\n", text.stdout)
        self.assertEqual(self.requests(), {})

    def test_budget_and_quota_line(self):
        # fmp has used 240 of its 250/day today (a quota an earlier run counted): 10 left.
        write_file(os.path.join(self.cache, ".meta", "network.json"),
                   json.dumps({"version": 1, "breakers": {}, "quota": {"fmp": {"date": TODAY, "used": 240}}}))
        r = self.run_thd("--dry-run", "--report", "json", "--max-api-calls", "30")
        self.assert_ok(r)
        plan = json.loads(r.stdout)
        validate_report(plan, "run-plan")
        fmp = [p for p in plan["network"]["providers"] if p["service"] == "fmp"][0]
        self.assertEqual((fmp["quota"], fmp["calls_left"], fmp["period"]), ("250/day", 10, "today"))
        calls = plan["network"]["calls"]
        self.assertLessEqual(calls, 30)
        expected = "plans %d network call%s; budget 30" % (calls, "" if calls == 1 else "s")
        if fmp["calls"]:
            expected += "; fmp would need %d of its 250/day (10 left today)" % fmp["calls"]
        self.assertTrue(plan["network"]["summary"].startswith(expected), plan["network"]["summary"])
        text = self.run_thd("--dry-run", "--max-api-calls", "30")
        self.assertIn("\n" + plan["network"]["summary"] + "\n", text.stdout)

    def test_network_plan_lists_the_enabled_services_in_order(self):
        # Review 2, item 18: the Services list has all seven, in the one order; the network plan's table
        # the enabled ones the plan may call (a disabled one, with its reason, is on the Services list).
        env = self.env()
        env.pop("FMP_API_KEY", None)
        r = self.thd("--data-dir", self.data, "--cache-dir", self.cache, "run", "--portfolio", "live_signals",
                     "--dry-run", "--services", "yahoo_finance,fmp,sec_edgar,fred_economic", env=env)
        self.assert_ok(r)
        services_block = r.stdout.split("Services:\n", 1)[1].split("Network plan:", 1)[0]
        listed = [l.split()[0] for l in services_block.splitlines() if l.startswith("  ")]
        self.assertEqual(listed, list(SERVICES))
        plan_block = r.stdout.split("Network plan:", 1)[1].split("\nplans ", 1)[0]
        in_plan = [l.split()[0] for l in plan_block.splitlines()[1:] if l.startswith("  ")]
        # fmp has no key here, alpha_vantage, coingecko and imf_data are not in --services: not in the plan.
        self.assertEqual(in_plan, [s for s in SERVICES if s in ("yahoo_finance", "fred_economic", "sec_edgar")])
        self.assertNotIn("disabled", plan_block)

    def test_json_on_a_real_run_is_a_usage_error(self):
        r = self.run_thd("--report", "json", "--output", os.path.join(self.tmp, "d.json"))
        self.assert_error(r, 2, "--report json", "--dry-run", "html")
        self.assertEqual(self.requests(), {})


if __name__ == "__main__":
    unittest.main()
