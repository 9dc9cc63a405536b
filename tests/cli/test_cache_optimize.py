"""cache-optimize: analysis, cleanup, dry run, legacy migration and eviction (SPEC 2, 5)."""

import hashlib
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from thdtest import (DAY, HOUR, NOW, SERVICES, SOURCE, ThdTestCase, entry_json, file_size, iso, md5_name,  # noqa: E402
                     parse_iso, snapshot, write_entry, write_file)

MIN = 60


class Fixture:
    """A cache with one entry of every kind; records what cleanup must do to each file."""

    def __init__(self, cache):
        self.cache = cache
        self.fresh = []  # relative paths kept byte-for-byte
        self.deleted = []  # relative paths cleanup must remove (entries)
        self.deleted_by_service = {}
        self.legacy_deleted = []
        self.kept_other = []  # files that are not entries but stay
        self.rel_bytes = {}  # relative path -> size, for every counted file

        def rel(path):
            return os.path.relpath(path, cache)

        def fresh(service, key, created, ttl):
            p = rel(write_entry(cache, service, key, created, ttl, mtime=NOW - HOUR))
            self.fresh.append(p)

        def dead(service, path):
            self.deleted.append(rel(path))
            self.deleted_by_service[service] = self.deleted_by_service.get(service, 0) + 1

        fresh("yahoo_finance", "chart:AAPL:1y:1d", NOW - 10 * MIN, 900)
        fresh("fmp", "profile:AAPL", NOW - DAY, 7 * DAY)
        fresh("fmp", "quote:NVDA", NOW + 2 * MIN, 900)  # within the 5-minute skew: valid
        fresh("fred_economic", "series:FEDFUNDS", NOW - HOUR, 7200)
        fresh("coingecko", "price:bitcoin", NOW - MIN, 900)

        # expired
        dead("yahoo_finance", write_entry(cache, "yahoo_finance", "chart:MSFT:1y:1d", NOW - HOUR, 900))
        dead("imf_data", write_entry(cache, "imf_data", "imf:NGDP_RPCH:USA", NOW - 2 * DAY, DAY))
        self.expired = list(self.deleted)

        # corrupt, one of each kind
        def raw(service, name, content):
            return write_file(os.path.join(cache, service, name), content)

        key = "quote:TSLA"
        full = entry_json("yahoo_finance", key, NOW - MIN, 900, {"price": 1})
        dead("yahoo_finance", raw("yahoo_finance", md5_name("yahoo_finance", key), full[: len(full) // 2]))
        key = "quote:AMD"
        body = json.loads(entry_json("fmp", key, NOW - MIN, 900, {}))
        del body["ttl_seconds"]
        dead("fmp", raw("fmp", md5_name("fmp", key), json.dumps(body)))
        key = "price:ethereum"  # claims another service than its directory
        dead("coingecko", raw("coingecko", md5_name("coingecko", key),
                              entry_json("yahoo_finance", key, NOW - MIN, 900, {})))
        dead("fmp", raw("fmp", md5_name("fmp", "profile:OTHER"),  # name is not md5 of its key
                        entry_json("fmp", "profile:MSFT", NOW - MIN, DAY, {})))
        dead("fred_economic", write_entry(cache, "fred_economic", "series:DGS10", NOW + 10 * MIN, 7200))
        dead("coingecko", write_entry(cache, "coingecko", "price:solana", NOW - MIN, 0))
        self.corrupt = [p for p in self.deleted if p not in self.expired]

        # legacy files of the flat layout
        self.legacy_live = {"timestamp": iso(NOW - 5 * MIN), "service": "yahoo_finance", "ttl_seconds": 900,
                            "data": {"chart": {"result": [{"close": [1.5, 2.5]}]}}, "key": "chart:GOOG:1y:1d"}
        self.legacy_live_name = hashlib.md5(b"chart:GOOG:1y:1d").hexdigest() + ".json"  # the old md5(key) name
        write_file(os.path.join(cache, self.legacy_live_name), json.dumps(self.legacy_live))
        self.migrated = os.path.join("yahoo_finance", md5_name("yahoo_finance", "chart:GOOG:1y:1d"))
        write_file(os.path.join(cache, "0000aaaa0000aaaa0000aaaa0000aaaa.json"),
                   json.dumps({"timestamp": iso(NOW - MIN), "data": {"q": 1}}))
        write_file(os.path.join(cache, "1111bbbb1111bbbb1111bbbb1111bbbb.json"),
                   json.dumps({"timestamp": iso(NOW - 2 * DAY), "service": "fmp", "ttl_seconds": HOUR,
                               "data": {"q": 2}, "key": "profile:OLD"}))
        self.legacy = [self.legacy_live_name, "0000aaaa0000aaaa0000aaaa0000aaaa.json",
                       "1111bbbb1111bbbb1111bbbb1111bbbb.json"]
        self.legacy_deleted = self.legacy[1:]

        # temporary files: an old one is left over, a young one may be in use
        self.temp_old = os.path.join("yahoo_finance", ".abc.json.tmp.1234.beef")
        self.temp_young = os.path.join("fmp", ".def.json.tmp.5678.f00d")
        write_file(os.path.join(cache, self.temp_old), '{"partial', mtime=NOW - 2 * HOUR)
        write_file(os.path.join(cache, self.temp_young), '{"partial', mtime=NOW - 10 * MIN)

        write_file(os.path.join(cache, "notes.txt"), "my notes\n")
        self.kept_other = ["notes.txt", self.temp_young]
        write_file(os.path.join(cache, ".meta", "stats.json"), json.dumps(
            {"version": 1, "updated_at": iso(NOW - HOUR),
             "services": {"fmp": {"hits": 4, "misses": 1, "stale_served": 0, "stores": 5, "evictions": 0,
                                  "corruptions": 0}}}))
        # alpha_vantage/ and sec_edgar/ do not exist: cleanup creates them.
        self.missing_dirs = ["alpha_vantage", "sec_edgar"]
        for s in self.missing_dirs:
            assert not os.path.exists(os.path.join(cache, s))

        counted = self.fresh + self.deleted + self.legacy + [self.temp_old, self.temp_young]
        self.rel_bytes = {p: file_size(os.path.join(cache, p)) for p in counted}

    def bytes_of(self, paths):
        return sum(self.rel_bytes[p] for p in paths)


class CacheOptimizeTest(ThdTestCase):
    def setUp(self):
        super().setUp()
        self.data = os.path.join(self.tmp, "data")
        os.makedirs(self.data)
        self.cache = os.path.join(self.data, "cache")
        self.fx = Fixture(self.cache)

    def optimize(self, *args):
        return self.thd_json("cache-optimize", "--data-dir", self.data, "--report", "json", *args)

    def assert_fixture_counts(self, doc):
        fx = self.fx
        self.assertEqual(doc["before"]["files"], len(fx.rel_bytes))
        self.assertEqual(doc["before"]["bytes"], sum(fx.rel_bytes.values()))
        by = doc["by_service"]
        for service in SERVICES:
            prefix = service + os.sep
            fresh = [p for p in fx.fresh if p.startswith(prefix)]
            expired = [p for p in fx.expired if p.startswith(prefix)]
            corrupt = [p for p in fx.corrupt if p.startswith(prefix)]
            got = by[service]
            self.assertEqual(got["fresh"], len(fresh), service)
            self.assertEqual(got["expired"], len(expired), service)
            self.assertEqual(got["valid"], len(fresh) + len(expired), service)
            self.assertEqual(got["corrupt"], len(corrupt), service)
            self.assertEqual(got["files"], len(fresh) + len(expired) + len(corrupt), service)
            self.assertEqual(got["bytes"], fx.bytes_of(fresh + expired + corrupt), service)
        self.assertEqual(doc["legacy"], {"total": 3, "migratable": 1, "expired": 1, "unattributable": 1,
                                         "corrupt": 0})
        self.assertEqual(doc["temporary"]["files"], 2)
        self.assertEqual(doc["unknown"], ["notes.txt"])
        self.assertEqual(doc["stats"]["hits"], 4)
        self.assertEqual(doc["stats"]["misses"], 1)
        self.assertAlmostEqual(doc["stats"]["hit_ratio"], 4 / 5)

    def test_analysis_changes_nothing(self):
        before = snapshot(self.tmp)
        doc, _ = self.optimize()
        self.assertEqual(snapshot(self.tmp), before)
        self.assertEqual(doc["mode"], "analysis")
        self.assertFalse(doc["applied"])
        self.assert_fixture_counts(doc)

    def expected_actions(self):
        fx = self.fx
        actions = {("delete", p) for p in fx.deleted}
        actions |= {("delete", p) for p in fx.legacy}  # the migrated one leaves the flat layout too
        actions.add(("migrate", fx.migrated))
        actions.add(("remove-temp", fx.temp_old))
        actions |= {("create-dir", d) for d in fx.missing_dirs}
        return actions

    def test_dry_run_changes_nothing_and_lists_actions(self):
        before = snapshot(self.tmp)
        doc, _ = self.optimize("--cleanup", "--dry-run")
        self.assertEqual(snapshot(self.tmp), before)
        self.assertFalse(doc["applied"])
        got = [(a["action"], a["path"].rstrip("/")) for a in doc["actions"]]
        self.assertEqual(len(got), len(set(got)), "an action is listed twice: %s" % got)
        self.assertEqual(set(got), self.expected_actions())
        self.assert_fixture_counts(doc)
        # The projection equals what a real cleanup reports.
        projected = doc["after"]
        doc2, _ = self.optimize("--cleanup")
        self.assertEqual(doc2["after"], projected)

    def test_cleanup(self):
        fx = self.fx
        contents = {}
        for p in fx.fresh + fx.kept_other + [".meta/stats.json"]:
            with open(os.path.join(self.cache, p), "rb") as f:
                contents[p] = f.read()
        doc, _ = self.optimize("--cleanup")
        self.assertTrue(doc["applied"])
        self.assertEqual(doc["errors"], [])
        self.assert_fixture_counts(doc)

        for p in fx.deleted + fx.legacy + [fx.temp_old]:
            self.assertFalse(os.path.lexists(os.path.join(self.cache, p)), p + " should be gone")
        for p, content in contents.items():
            with open(os.path.join(self.cache, p), "rb") as f:
                self.assertEqual(f.read(), content, p + " changed")
        for s in SERVICES:
            self.assertTrue(os.path.isdir(os.path.join(self.cache, s)), s)

        # The live legacy entry now lives under its md5 name with its own timestamp.
        migrated_path = os.path.join(self.cache, fx.migrated)
        with open(migrated_path) as f:
            entry = json.load(f)
        self.assertEqual(entry["service"], "yahoo_finance")
        self.assertEqual(entry["key"], "chart:GOOG:1y:1d")
        self.assertEqual(parse_iso(entry["created_at"]), parse_iso(fx.legacy_live["timestamp"]))
        self.assertEqual(entry["ttl_seconds"], 900)
        self.assertEqual(entry["data"], fx.legacy_live["data"])

        # Exactly these files remain (plus .meta).
        remaining = set()
        for dirpath, _, files in os.walk(self.cache):
            for name in files:
                remaining.add(os.path.relpath(os.path.join(dirpath, name), self.cache))
        remaining = {p for p in remaining if not p.startswith(".meta" + os.sep)}
        self.assertEqual(remaining, set(fx.fresh + fx.kept_other + [fx.migrated]))

        kept = fx.fresh + [fx.temp_young]
        self.assertEqual(doc["after"]["files"], len(kept) + 1)
        self.assertEqual(doc["after"]["bytes"], fx.bytes_of(kept) + file_size(migrated_path))
        self.assertEqual(doc["temporary"]["removed"], 1)
        by = doc["by_service"]
        self.assertEqual(by["yahoo_finance"]["migrated"], 1)
        for service in ["yahoo_finance", "fred_economic", "coingecko", "imf_data", "alpha_vantage"]:
            self.assertEqual(by[service]["deleted"], fx.deleted_by_service.get(service, 0), service)
        # fmp: two corrupt entries and its expired legacy file
        self.assertEqual(by["fmp"]["deleted"], fx.deleted_by_service["fmp"] + 1)

        # A second cleanup finds nothing left to do.
        doc2, _ = self.optimize("--cleanup")
        self.assertEqual(doc2["actions"], [])
        self.assertEqual(doc2["before"], doc["after"])
        self.assertEqual(doc2["after"], doc["after"])

    def test_cache_dir_option(self):
        moved = os.path.join(self.tmp, "elsewhere")
        os.rename(self.cache, moved)
        doc, _ = self.thd_json("cache-optimize", "--cache-dir", moved, "--report", "json")
        self.assertEqual(os.path.realpath(doc["directory"]), moved)
        self.assertEqual(doc["before"]["files"], len(self.fx.rel_bytes))

    def test_table_report(self):
        r = self.thd("cache-optimize", "--data-dir", self.data)
        self.assert_ok(r)
        for service in SERVICES:
            self.assertIn(service, r.stdout)
        self.assertIn("notes.txt", r.stdout)


class EvictionTest(ThdTestCase):
    """Only fresh entries, each with a last-use time (mtime) in a known order."""

    def setUp(self):
        super().setUp()
        self.cache = os.path.join(self.tmp, "cache")
        for s in SERVICES:
            os.makedirs(os.path.join(self.cache, s))

    def entries(self, spec):
        """spec: list of (service, key, age of last use in seconds, payload size)."""
        out = []
        for i, (service, key, idle, size) in enumerate(spec):
            # created_at order is the reverse of last-use order: LRU must go by use.
            path = write_entry(self.cache, service, key, NOW - (i + 1) * MIN, 30 * DAY,
                               data={"pad": "x" * size}, mtime=NOW - idle)
            out.append((os.path.relpath(path, self.cache), file_size(path)))
        return out

    def optimize(self, *args):
        return self.thd_json("cache-optimize", "--cache-dir", self.cache, "--report", "json", *args)

    def stats(self):
        with open(os.path.join(self.cache, ".meta", "stats.json")) as f:
            return json.load(f)

    def test_max_size_evicts_least_recently_used_first(self):
        write_file(os.path.join(self.cache, ".meta", "stats.json"), json.dumps(
            {"version": 1, "updated_at": iso(NOW - HOUR),
             "services": {"fmp": {"hits": 7, "misses": 3, "stale_served": 0, "stores": 0, "evictions": 0,
                                  "corruptions": 0}}}))
        files = self.entries([
            ("yahoo_finance", "chart:A:1y:1d", 5 * HOUR, 300),  # oldest use
            ("fmp", "profile:B", 4 * HOUR, 100),
            ("yahoo_finance", "chart:C:1y:1d", 3 * HOUR, 50),
            ("coingecko", "price:d", 2 * HOUR, 400),
            ("fmp", "quote:E", 1 * HOUR, 200),
        ])
        total = sum(size for _, size in files)
        limit = total - files[0][1] - files[1][1]  # fits exactly once the two oldest are gone
        self.assertGreater(total - files[0][1], limit)
        doc, _ = self.optimize("--cleanup", "--max-size", str(limit))
        self.assertEqual(doc["errors"], [])
        for rel, _ in files[:2]:
            self.assertFalse(os.path.exists(os.path.join(self.cache, rel)), rel)
        for rel, _ in files[2:]:
            self.assertTrue(os.path.exists(os.path.join(self.cache, rel)), rel)
        self.assertEqual(doc["after"]["bytes"], limit)
        self.assertEqual(doc["after"]["files"], 3)
        self.assertEqual(doc["before"]["bytes"], total)
        self.assertEqual(doc["by_service"]["yahoo_finance"]["evicted"], 1)
        self.assertEqual(doc["by_service"]["fmp"]["evicted"], 1)
        self.assertEqual({(a["action"], a["path"]) for a in doc["actions"]},
                         {("evict", files[0][0]), ("evict", files[1][0])})
        stats = self.stats()["services"]
        self.assertEqual(stats["yahoo_finance"]["evictions"], 1)
        self.assertEqual(stats["fmp"]["evictions"], 1)
        self.assertEqual(stats["fmp"]["hits"], 7)  # earlier counts survive the merge
        self.assertEqual(stats["fmp"]["misses"], 3)
        self.assertEqual(doc["stats"]["evictions"], 2)

    def test_max_size_dry_run_evicts_nothing(self):
        files = self.entries([("fmp", "profile:A", 2 * HOUR, 100), ("fmp", "profile:B", HOUR, 100)])
        before = snapshot(self.tmp)
        doc, _ = self.optimize("--cleanup", "--dry-run", "--max-size", str(files[1][1]))
        self.assertEqual(snapshot(self.tmp), before)
        self.assertEqual([(a["action"], a["path"]) for a in doc["actions"]], [("evict", files[0][0])])
        self.assertEqual(doc["after"]["bytes"], files[1][1])

    def test_max_size_bounds_logical_bytes_as_its_help_says(self):
        """Review 1-d, finding 14: --max-size counts the BYTES column (sum of st_size), not DISK; the help
        and the man page's --max-size paragraph say so."""
        files = self.entries([("fmp", "profile:A", 2 * HOUR, 100), ("fmp", "profile:B", HOUR, 100)])
        logical = sum(size for _, size in files)
        disk = sum(os.stat(os.path.join(self.cache, rel)).st_blocks * 512 for rel, _ in files)
        if disk <= logical:
            self.skipTest("this file system stores these entries in no more than their size")
        doc, _ = self.optimize("--cleanup", "--max-size", str(logical))  # over it on disk, within in bytes
        self.assertEqual(doc["after"]["files"], 2)
        self.assertEqual(doc["actions"], [])
        help_text = " ".join(self.thd("cache-optimize", "--help").stdout.split())
        self.assertIn("until their logical bytes (the BYTES column, not DISK) fit", help_text)
        with open(os.path.join(SOURCE, "docs", "man", "trade-history-discover.1")) as f:
            man = f.read()
        paragraph = man[man.index(r".BI \-\-max\-size"):]
        paragraph = paragraph[:paragraph.index(".TP")]
        self.assertIn("logical", paragraph)

    def test_max_size_with_units(self):
        files = self.entries([("fmp", "profile:A", 2 * HOUR, 2000), ("fmp", "profile:B", HOUR, 2000)])
        # 1KiB is smaller than either entry: both go; 1MB holds both.
        doc, _ = self.optimize("--cleanup", "--max-size", "1MB")
        self.assertEqual(doc["after"]["files"], 2)
        doc, _ = self.optimize("--cleanup", "--max-size", "1KiB")
        self.assertEqual(doc["after"]["files"], 0)
        for rel, _ in files:
            self.assertFalse(os.path.exists(os.path.join(self.cache, rel)))

    def test_evict_older_than(self):
        files = self.entries([
            ("yahoo_finance", "chart:A:1y:1d", 3 * DAY, 10),
            ("fred_economic", "series:UNRATE", 2 * DAY + HOUR, 10),
            ("fmp", "profile:C", 47 * HOUR, 10),
            ("imf_data", "imf:PCPIPCH:USA", HOUR, 10),
        ])
        doc, _ = self.optimize("--cleanup", "--evict-older-than", "2d")
        for rel, _ in files[:2]:
            self.assertFalse(os.path.exists(os.path.join(self.cache, rel)), rel)
        for rel, _ in files[2:]:
            self.assertTrue(os.path.exists(os.path.join(self.cache, rel)), rel)
        self.assertEqual(doc["by_service"]["yahoo_finance"]["evicted"], 1)
        self.assertEqual(doc["by_service"]["fred_economic"]["evicted"], 1)
        self.assertEqual(doc["after"]["files"], 2)
        self.assertEqual(doc["after"]["bytes"], files[2][1] + files[3][1])
        stats = self.stats()["services"]
        self.assertEqual(stats["yahoo_finance"]["evictions"], 1)
        self.assertEqual(stats["fred_economic"]["evictions"], 1)

    def test_eviction_options_without_cleanup_change_nothing(self):
        self.entries([("fmp", "profile:A", 3 * DAY, 10)])
        before = snapshot(self.tmp)
        r = self.thd("cache-optimize", "--cache-dir", self.cache, "--evict-older-than", "1d", "--max-size", "1")
        self.assert_ok(r)
        self.assertEqual(snapshot(self.tmp), before)


if __name__ == "__main__":
    unittest.main()
