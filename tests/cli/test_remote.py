"""Issue 12: the shared Redis tier, against a real redis-server on loopback
(tests/cli/redisserver.py) and the fake services counting every call.

Several "machines" are several data and cache directories running the real
binary against one server. Nothing is mocked: what the tier stored is read
back from Redis itself with a plain RESP client."""

import json
import os
import shutil
import subprocess
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from redisserver import RedisServer, Resp, free_port  # noqa: E402
from thdtest import BIN, SERVICES, FakeServicesTestCase, clean_env  # noqa: E402

KEYS = {"FMP_API_KEY": "fmpkey-0417", "ALPHA_VANTAGE_API_KEY": "avkey-0417", "FRED_API_KEY": "fredkey-0417"}
CONTACT = {"SEC_EDGAR_USER_AGENT": "thd-tests tests@example.com"}


def without_provenance(value):
    """The figures of a section, provenance (ages, markers) left out."""
    if isinstance(value, dict):
        return {k: without_provenance(v) for k, v in value.items() if k != "provenance"}
    if isinstance(value, list):
        return [without_provenance(v) for v in value]
    return value


def provenances(doc):
    """Every provenance object under the document's tickers and market context."""
    found = []

    def walk(v):
        if isinstance(v, dict):
            if "provenance" in v and isinstance(v["provenance"], dict):
                found.append(v["provenance"])
            for x in v.values():
                walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)

    walk(doc["tickers"])
    walk(doc["market_context"])
    return found


def entry_values(client):
    """{key: (value, ttl)} of the cache entries in Redis (thd:v1:<service>:<md5>; quota counts,
    paces, breakers and claims live under other names)."""
    return {k: v for k, v in client.dump("thd:v1:*").items() if k.split(":")[2] in SERVICES}


class SharedTier(FakeServicesTestCase):
    def setUp(self):
        super().setUp()
        self.redis = RedisServer()
        self.addCleanup(self.redis.close)

    def env(self, **extra):
        return clean_env(**{**KEYS, **self.service_urls(), **CONTACT, **extra})

    def stats(self):
        return self.server.stats()

    def machine(self, name):
        """A machine of its own: a copy of the data directory and an empty cache."""
        data = os.path.join(self.tmp, "data-" + name)
        if not os.path.exists(data):
            shutil.copytree(self.data, data)
        return data, os.path.join(self.tmp, "cache-" + name)

    def run_on(self, name, remote, *args, env=None, ok=True):
        data, cache = self.machine(name)
        start = time.monotonic()
        r = self.thd("--data-dir", data, "--cache-dir", cache, "--remote-cache", remote, "run", "--portfolio",
                     "live_signals", "--output", "-", *args, env=env or self.env(), timeout=120)
        elapsed = time.monotonic() - start
        if not ok:
            return None, r, elapsed
        self.assert_ok(r)
        return json.loads(r.stdout), r, elapsed

    def remote_warnings(self, r):
        return [line for line in r.stderr.splitlines() if "remote cache:" in line]

    # --- sharing -----------------------------------------------------------------------------------

    def test_a_second_machine_gets_the_first_ones_figures_without_a_call(self):
        doc_a, _, _ = self.run_on("a", self.redis.url())
        calls_a = sum(self.stats()["requests"].values())
        self.assertGreater(calls_a, 20)
        remote_a = doc_a["discovery_metadata"]["remote"]
        self.assertEqual((remote_a["state"], remote_a["hits"], remote_a["errors"]), ("up", 0, {}))
        entries = entry_values(self.redis.client())
        self.assertEqual(remote_a["stores"], len(entries))
        # Each value is an entry file's content, kept for its TTL plus the 7-day stale window.
        for key, (value, ttl) in entries.items():
            entry = json.loads(value)
            self.assertEqual(key.split(":")[2], entry["service"])
            self.assertGreater(ttl, 7 * 86400 - 60, key)
            self.assertLessEqual(ttl, entry["ttl_seconds"] + 7 * 86400, key)

        self.server.reset()
        doc_b, _, _ = self.run_on("b", self.redis.url())
        self.assertEqual(sum(self.stats()["requests"].values()), 0, self.stats()["requests"])
        self.assertEqual(without_provenance(doc_b["tickers"]), without_provenance(doc_a["tickers"]))
        self.assertEqual(without_provenance(doc_b["market_context"]), without_provenance(doc_a["market_context"]))
        served = [p for p in provenances(doc_b) if p["source"] not in ("local", "missing")]
        self.assertTrue(served)
        for p in served:
            self.assertEqual((p["source"], p.get("remote")), ("cache", True), p)
        missing = lambda doc: sorted(p["reason"] for p in provenances(doc) if p["source"] == "missing")  # noqa: E731
        self.assertEqual(len(missing(doc_b)), len(missing(doc_a)))
        self.assertEqual(doc_b["discovery_metadata"]["remote"]["hits"], remote_a["stores"])
        # Copied into B's own cache: a third run on B needs neither the network nor the remote.
        self.redis.stop()
        doc_b2, r, _ = self.run_on("b", self.redis.url())
        self.assertEqual(sum(self.stats()["requests"].values()), 0)
        for p in provenances(doc_b2):
            if p["source"] not in ("local", "missing"):
                self.assertEqual(p["source"], "cache")
                self.assertNotIn("remote", p)
        # What B's cache lacked (needs no provider could serve) was asked of the remote: it is down.
        self.assertIn(doc_b2["discovery_metadata"]["remote"]["state"], ("unused", "down"))
        self.assertLessEqual(len(self.remote_warnings(r)), 1)

    def test_a_local_socket_and_a_database_number(self):
        url = "redis+unix://%s?db=3" % self.redis.socket_path
        doc, _, _ = self.run_on("a", url, "--services", "fred_economic")
        self.assertEqual(doc["discovery_metadata"]["remote"]["url"], url)
        c = self.redis.client()
        self.assertEqual(c.keys("thd:v1:*"), [])  # database 0 is untouched
        c.call("SELECT", 3)
        self.assertEqual(len(c.keys("thd:v1:fred_economic:*")), doc["discovery_metadata"]["remote"]["stores"])

    def test_read_only_leaves_the_remote_unchanged(self):
        self.run_on("a", self.redis.url())
        before = self.redis.client().dump("*")
        self.server.reset()
        doc, _, _ = self.run_on("b", self.redis.url() + "|read-only", "--services", "yahoo_finance,fred_economic")
        after = self.redis.client().dump("*")
        self.assertEqual({k: v for k, (v, _) in after.items()}, {k: v for k, (v, _) in before.items()})
        for k, (_, ttl) in after.items():
            self.assertLessEqual(ttl, before[k][1], k)  # never written again: its TTL only ran down
        self.assertTrue(doc["discovery_metadata"]["remote"]["read_only"])
        # A read-only machine missing an entry fetches it and keeps it locally only.
        c = self.redis.client()
        for k in c.keys("thd:v1:yahoo_finance:*"):
            c.call("DEL", k)
        before = c.values("*")
        self.server.reset()
        doc, _, _ = self.run_on("c", self.redis.url() + "|read-only")
        self.assertGreater(self.stats()["requests"]["yahoo_finance"], 0)
        self.assertEqual(self.redis.client().values("*"), before)

    def test_a_value_that_is_not_an_entry_is_never_served_and_is_replaced(self):
        self.run_on("a", self.redis.url())
        c = self.redis.client()
        key = c.keys("thd:v1:fred_economic:*")[0]
        c.call("SET", key, "not an entry")
        other = c.keys("thd:v1:imf_data:*")[0]
        c.call("SET", other, json.dumps({"service": "imf_data", "key": "someone else", "created_at": "x"}))
        self.server.reset()
        doc, r, _ = self.run_on("b", self.redis.url())
        remote = doc["discovery_metadata"]["remote"]
        self.assertEqual(remote["corrupt"], 2)
        self.assertEqual(remote["errors"], {"corrupt": 2})
        # Fetched again instead, and the good entry stored in its place.
        self.assertEqual(self.stats()["requests"]["fred_economic"], 1)
        self.assertEqual(self.stats()["requests"]["imf_data"], 1)
        self.assertEqual(json.loads(c.call("GET", key))["service"], "fred_economic")
        self.assertEqual(len([w for w in self.remote_warnings(r) if "not entries" in w]), 1, r.stderr)

    # --- faults never fail a run -------------------------------------------------------------------

    def assert_local_only(self, url, needle, max_seconds=5):
        self.server.reset()
        doc, r, elapsed = self.run_on("x", url)
        warnings = self.remote_warnings(r)
        self.assertEqual(len(warnings), 1, r.stderr)
        self.assertIn(needle, warnings[0])
        self.assertIn("using the local cache only", warnings[0])
        self.assertLess(elapsed, max_seconds)
        self.assertEqual(doc["discovery_metadata"]["remote"]["state"], "down")
        # The run went on: every figure the network could give, from the network.
        self.assertGreater(sum(self.stats()["requests"].values()), 20)
        return doc, r

    def test_a_remote_that_never_started(self):
        doc, _ = self.assert_local_only("redis://127.0.0.1:%d" % free_port(), "unreachable (connection refused)")
        self.assertEqual(doc["discovery_metadata"]["remote"]["errors"], {"unreachable": 1})

    def test_a_wrong_password(self):
        self.redis.close()
        self.redis = RedisServer(password="right-password-0417")
        self.addCleanup(self.redis.close)
        url = "redis://:wrong-password-0417@127.0.0.1:%d" % self.redis.port
        doc, r = self.assert_local_only(url, "refused our credentials")
        self.assertEqual(doc["discovery_metadata"]["remote"]["errors"], {"auth": 1})
        self.assertIn("redis://<redacted>@127.0.0.1", r.stderr)
        self.assertNotIn("wrong-password-0417", r.stdout + r.stderr)

    def test_a_server_that_does_not_speak_redis(self):
        port = int(self.server.base.rsplit(":", 1)[1].split("/")[0])  # the fake services (HTTP)
        doc, _ = self.assert_local_only("redis://127.0.0.1:%d" % port, "does not speak Redis")
        self.assertEqual(doc["discovery_metadata"]["remote"]["errors"], {"protocol": 1})

    def test_a_server_that_accepts_and_never_answers_is_bounded_by_the_timeouts(self):
        import socket
        silent = socket.socket()
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)
        self.addCleanup(silent.close)
        url = "redis://127.0.0.1:%d|operation-timeout=200" % silent.getsockname()[1]
        doc, _ = self.assert_local_only(url, "did not answer within 200 ms", max_seconds=4)
        self.assertEqual(doc["discovery_metadata"]["remote"]["errors"], {"timeout": 1})

    def test_redis_killed_mid_run(self):
        self.run_on("a", self.redis.url(), "--services", "fred_economic,imf_data")
        self.server.reset()
        self.server.fault(service="all", mode="latency", delay_ms=200)
        killer = threading.Timer(0.8, self.redis.stop)
        killer.start()
        self.addCleanup(killer.cancel)
        doc, r, elapsed = self.run_on("b", self.redis.url())
        self.assertIsNone(self.redis.proc)  # it was killed during the run
        self.assertGreater(elapsed, 0.8)
        remote = doc["discovery_metadata"]["remote"]
        self.assertEqual(remote["state"], "down")
        self.assertGreater(remote["hits"], 0)  # before it died: what A stored
        warnings = self.remote_warnings(r)
        self.assertEqual(len(warnings), 1, r.stderr)
        self.assertIn("using the local cache only", warnings[0])
        self.assertLess(elapsed, 60)

    def test_one_shard_of_three_stopped(self):
        others = [RedisServer(), RedisServer()]
        for o in others:
            self.addCleanup(o.close)
        url = " ".join(s.url() for s in [self.redis] + others)
        doc_a, _, _ = self.run_on("a", url)
        counts = [len(entry_values(s.client())) for s in [self.redis] + others]
        self.assertTrue(all(n > 0 for n in counts), counts)  # spread over all three
        self.assertEqual(sum(counts), doc_a["discovery_metadata"]["remote"]["stores"])
        others[1].stop()
        self.server.reset()
        doc_b, r, _ = self.run_on("b", url)
        remote = doc_b["discovery_metadata"]["remote"]
        self.assertEqual(remote["state"], "degraded")
        self.assertEqual(remote["hits"], counts[0] + counts[1])  # only the stopped shard's keys miss
        warnings = self.remote_warnings(r)
        self.assertEqual(len(warnings), 1, r.stderr)
        self.assertIn("shard %s" % others[1].url(), warnings[0])
        self.assertIn("its keys use the local cache only", warnings[0])
        self.assertEqual(sum(self.stats()["requests"].values()) > 0, True)

    def test_a_full_server_keeps_new_entries_local(self):
        self.redis.client().call("CONFIG", "SET", "maxmemory", "1")  # with the default noeviction
        doc, r, _ = self.run_on("a", self.redis.url(), "--services", "fred_economic,imf_data")
        remote = doc["discovery_metadata"]["remote"]
        self.assertEqual(remote["stores"], 0)
        self.assertEqual(set(remote["errors"]), {"full"})
        warnings = self.remote_warnings(r)
        self.assertEqual(len(warnings), 1, r.stderr)
        self.assertIn("is full (OOM", warnings[0])
        self.assertIn("new entries stay local, and the team's counts, breakers and claims there are only read",
                      warnings[0])
        self.assertGreater(len(os.listdir(os.path.join(self.machine("a")[1], "fred_economic"))), 0)

    # --- inventory and cache-optimize --remote ---------------------------------------------------

    def test_inventory_shows_the_remote_health(self):
        doc, _, _ = self.run_on("a", self.redis.url())
        data, cache = self.machine("a")
        inv, r = self.thd_json("--data-dir", data, "--cache-dir", cache, "--remote-cache", self.redis.url(),
                               "inventory", "--report", "json", env=self.env())
        shard = inv["remote"]["shards"][0]
        self.assertTrue(shard["reachable"])
        self.assertEqual(shard["entries"], doc["discovery_metadata"]["remote"]["stores"])
        self.assertEqual(shard["other_keys"], len(self.redis.client().keys("thd:v1:*")) - shard["entries"])
        self.assertGreater(shard["memory_bytes"], 0)
        self.assertEqual(shard["eviction_policy"], "noeviction")
        table = self.thd("--data-dir", data, "--cache-dir", cache, "--remote-cache", self.redis.url(), "inventory",
                         env=self.env())
        self.assert_ok(table)
        self.assertIn("reachable, %d entries" % shard["entries"], table.stdout)
        self.assertIn("eviction noeviction", table.stdout)
        # A tier that does not answer: said, not fatal.
        down = "redis://127.0.0.1:%d" % free_port()
        inv, r = self.thd_json("--data-dir", data, "--cache-dir", cache, "--remote-cache", down, "inventory",
                               "--report", "json", env=self.env())
        self.assertFalse(inv["remote"]["shards"][0]["reachable"])
        self.assertIn("unreachable (connection refused)", inv["remote"]["shards"][0]["error"])
        self.assertIn("unreachable (connection refused)", r.stderr)

    def test_cache_optimize_remote_finds_and_deletes_corrupt_entries(self):
        self.run_on("a", self.redis.url())
        c = self.redis.client()
        bad = c.keys("thd:v1:yahoo_finance:*")[:2]
        for k in bad:
            c.call("SET", k, "{not json")
        entries = len(entry_values(c))
        data, cache = self.machine("a")
        base = ["--data-dir", data, "--cache-dir", cache, "--remote-cache", self.redis.url(), "cache-optimize",
                "--remote", "--report", "json"]
        found, _ = self.thd_json(*base, env=self.env())
        self.assertEqual((found["remote"]["entries"], found["remote"]["corrupt"], found["remote"]["deleted"]),
                         (entries - 2, 2, 0))
        self.assertEqual(found["remote"]["state"], "up")
        ro = list(base)
        ro[ro.index(self.redis.url())] = self.redis.url() + "|read-only"
        found, _ = self.thd_json(*(ro + ["--cleanup"]), env=self.env())
        self.assertEqual(found["remote"]["deleted"], 0)  # read-only: nothing deleted
        found, _ = self.thd_json(*(base + ["--cleanup", "--dry-run"]), env=self.env())
        self.assertEqual(found["remote"]["deleted"], 0)
        found, _ = self.thd_json(*(base + ["--cleanup"]), env=self.env())
        self.assertEqual(found["remote"]["deleted"], 2)
        for k in bad:
            self.assertIsNone(c.call("GET", k))
        self.assertEqual(len(entry_values(c)), entries - 2)
        # --remote without a tier is a usage error.
        r = self.thd("--data-dir", data, "--cache-dir", cache, "cache-optimize", "--remote", env=self.env())
        self.assert_error(r, 2, "--remote: no remote cache is set")

    # --- shared quotas ---------------------------------------------------------------------------

    def test_four_machines_share_one_quota(self):
        config = os.path.join(self.tmp, "team.toml")
        with open(config, "w") as f:
            f.write("[services.fmp]\ndaily_quota = 3\n")
        # Four machines with portfolios of their own: each wants FMP's fundamentals for four tickers.
        portfolios = {"a": ["KO", "PEP", "MCD", "NKE"], "b": ["IBM", "ORCL", "INTC", "AMD"],
                      "c": ["VZ", "CMCSA", "NFLX", "ADBE"], "d": ["XOM", "COP", "SLB", "OXY"]}
        docs = self.concurrent("abcd", self.redis.url(), env=self.env(THD_CONFIG=config), portfolios=portfolios)
        self.assertLessEqual(self.stats()["requests"]["fmp"], 3)
        self.assertEqual(self.redis.client().call("GET", "thd:v1:quota:fmp:2026-11-22"), b"3")
        decisions = {}
        for d in docs:
            for k, n in d["discovery_metadata"]["remote"]["quota"].items():
                decisions[k] = decisions.get(k, 0) + n
        self.assertEqual(decisions.get("fmp taken"), 3)
        # A machine refused by the team's count says so in the service's row; one that planned after
        # the count was spent never asked, and says the plan is spent in its reasons.
        for d in docs:
            text = json.dumps(d)
            if d["discovery_metadata"]["remote"]["quota"].get("fmp refused"):
                self.assertIn("daily quota of 3 calls used by the team", d["discovery_metadata"]["services"]["fmp"]["stopped"])
            elif not d["discovery_metadata"]["remote"]["quota"].get("fmp taken"):
                self.assertTrue("used by the team" in text or "fmp: 3/day plan: spent" in text)

    def concurrent(self, names, remote, env=None, portfolios=None):
        procs = []
        for name in names:
            data, cache = self.machine(name)
            portfolio = "live_signals"
            if portfolios:  # open positions of its own, none with a local analysis
                portfolio = "pf_" + name
                rows = "".join("u%d,%s,SMA,2026-01-02,,,,,Open,1\n" % (i, t) for i, t in enumerate(portfolios[name]))
                with open(os.path.join(data, "raw", "trade_history", portfolio + ".csv"), "w") as f:
                    f.write("Position_UUID,Ticker,Strategy_Type,Entry_Timestamp,Exit_Timestamp,PnL,Return,"
                            "Duration_Days,Status,Current_Unrealized_PnL\n" + rows)
            procs.append(subprocess.Popen(
                [BIN, "--data-dir", data, "--cache-dir", cache, "--remote-cache", remote, "run", "--portfolio",
                 portfolio, "--output", "-"], env=env or self.env(), cwd=self.tmp, stdout=subprocess.PIPE,
                stderr=subprocess.PIPE, text=True))
        outs = [p.communicate(timeout=120) for p in procs]
        for p, (_, err) in zip(procs, outs):
            self.assertEqual(p.returncode, 0, err)
        return [json.loads(out) for out, _ in outs]

    # --- single flight and breakers ----------------------------------------------------------------

    def test_four_concurrent_cold_runs_fetch_every_need_once(self):
        self.server.fault(service="all", mode="latency", delay_ms=50)
        alone, _, _ = self.run_on("solo", "none")
        calls_alone = {k: v for k, v in self.stats()["requests"].items() if v}
        self.assertGreater(sum(calls_alone.values()), 20)
        self.server.reset()
        self.server.fault(service="all", mode="latency", delay_ms=50)
        docs = self.concurrent("abcd", self.redis.url())
        # The team made the calls of one machine, no more.
        self.assertEqual({k: v for k, v in self.stats()["requests"].items() if v}, calls_alone)
        waited = sum(d["discovery_metadata"]["remote"]["quota"].get("need fetch left to another machine", 0)
                     for d in docs)
        self.assertGreater(waited, 0)
        for d in docs:  # and every machine has every figure
            self.assertEqual(without_provenance(d["tickers"]), without_provenance(alone["tickers"]))
            self.assertEqual(d["discovery_metadata"]["needs"]["by_source"]["missing"],
                             alone["discovery_metadata"]["needs"]["by_source"]["missing"])
        self.assertEqual(self.redis.client().keys("thd:v1:flight:*"), [])  # every claim given back

    def test_a_breaker_opened_on_one_machine_is_honoured_by_another(self):
        self.server.fault(service="yahoo_finance", mode="status", status=503)
        doc_a, _, _ = self.run_on("a", self.redis.url(), "--services", "yahoo_finance")
        self.assertEqual(doc_a["discovery_metadata"]["services"]["yahoo_finance"]["circuit"], "open")
        opened = self.redis.client().call("GET", "thd:v1:breaker:yahoo_finance")
        self.assertIsNotNone(opened)
        self.assertIn(b"HTTP 503", opened)
        ttl = self.redis.client().call("PTTL", "thd:v1:breaker:yahoo_finance")
        self.assertTrue(0 < ttl <= 60000, ttl)
        # B has its own cache and no fault in front of it: the team's breaker keeps it from calling.
        self.server.reset()
        doc_b, _, _ = self.run_on("b", self.redis.url(), "--services", "yahoo_finance")
        self.assertEqual(self.stats()["requests"]["yahoo_finance"], 0)
        reasons = {p["reason"] for p in provenances(doc_b) if p["source"] == "missing" and "yahoo" in p["reason"]}
        self.assertTrue(reasons)
        for reason in reasons:
            self.assertIn("opened by another machine of the team", reason)
        # Once the team's breaker closes (its key expires), B calls again.
        self.redis.client().call("DEL", "thd:v1:breaker:yahoo_finance")
        self.server.reset()
        self.run_on("c", self.redis.url(), "--services", "yahoo_finance")
        self.assertGreater(self.stats()["requests"]["yahoo_finance"], 0)

    # --- secrets ---------------------------------------------------------------------------------

    def test_a_password_with_reserved_characters_works_and_is_never_shown(self):
        password = "sp ace/sl|ash,marker-4d2e"
        self.redis.close()
        self.redis = RedisServer(password=password)
        self.addCleanup(self.redis.close)
        doc, r, _ = self.run_on("a", "redis://:%s@127.0.0.1:%d" % (password, self.redis.port), "--services",
                                "fred_economic")
        self.assertGreater(doc["discovery_metadata"]["remote"]["stores"], 0)
        self.assertEqual(doc["discovery_metadata"]["remote"]["url"], "redis://<redacted>@127.0.0.1:%d" % self.redis.port)
        bad = self.thd("--remote-cache", "redis://:%s@127.0.0.1:99999" % password, "inventory", env=self.env())
        self.assert_error(bad, 2, "port")
        for out in (r.stdout, r.stderr, bad.stdout, bad.stderr):
            for part in ("sp ace", "sl|ash", "marker-4d2e"):
                self.assertNotIn(part, out)

    def test_a_dry_run_writes_nothing_anywhere(self):
        self.run_on("a", self.redis.url())
        c = self.redis.client()
        c.call("SET", c.keys("thd:v1:fred_economic:*")[0], "garbage")
        before = c.values("*")
        data, cache = self.machine("b")
        r = self.thd("--data-dir", data, "--cache-dir", cache, "--remote-cache", self.redis.url(), "run",
                     "--portfolio", "live_signals", "--dry-run", env=self.env())
        self.assert_ok(r)
        self.assertEqual(self.redis.client().values("*"), before)
        self.assertFalse(os.path.exists(cache) and any(os.scandir(cache)), os.listdir(cache) if os.path.exists(cache) else None)

    def test_the_password_is_never_written(self):
        marker = "redis-pass-marker-7f3a9c2e"
        self.redis.close()
        self.redis = RedisServer(password=marker)
        self.addCleanup(self.redis.close)
        _, r, _ = self.run_on("a", self.redis.url(), "-vv")
        _, r2, _ = self.run_on("b", self.redis.url())
        r3 = self.thd("--remote-cache", self.redis.url(), "--data-dir", self.machine("a")[0], "run",
                      "--portfolio", "live_signals", "--show-config", env=self.env())
        r4 = self.thd("--remote-cache", "redis://:%s@127.0.0.1:99999" % marker, "inventory", env=self.env())
        self.assertEqual(r4.returncode, 2)
        for out in (r.stdout, r.stderr, r2.stdout, r2.stderr, r3.stdout, r3.stderr, r4.stderr):
            self.assertNotIn(marker, out)
        self.assertIn("redis://<redacted>@127.0.0.1:%d" % self.redis.port, r3.stdout + r3.stderr)
        for root in (self.tmp,):
            for dirpath, _, files in os.walk(root):
                for name in files:
                    path = os.path.join(dirpath, name)
                    if os.path.islink(path):
                        continue
                    with open(path, "rb") as f:
                        self.assertNotIn(marker.encode(), f.read(), path)


if __name__ == "__main__":
    unittest.main()
