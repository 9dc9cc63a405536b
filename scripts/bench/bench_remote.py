#!/usr/bin/env python3
"""Issue 12 benchmark: the shared Redis tier (`--remote-cache redis://...`).

Three measurements, each against a real `redis-server` on a free loopback
port (tests/cli/redisserver.py) and the fake services with 50 ms injected
latency per request (tests/cli/fakeserver.py), with a universe of synthetic
instruments so that every ticker is one the fake serves (bench_scale.py).
The portfolios are bench_scale.py's: the 35 real stocks and ETFs, BTC-USD,
ETH-USD and synthetic instruments up to the size, one open position each,
with the bundled local analyses.

team   Four "machines" (four data and cache directories, all empty) run the
       257-ticker portfolio concurrently (subprocess.Popen) against one fake
       in realistic mode (the free plans' limits: bench_scale.py) and one
       redis-server: with the tier (`--remote-cache redis://...`, Redis
       flushed first) and without it (`--remote-cache none`: each machine
       spends the plans on its own).  The reference is one machine alone
       (`none`).  Before each variant the fake is reset (a new fake "day",
       fresh counters).  Per variant: the calls the fake saw (made/refused),
       the team's wall time (start to the last machine's end) and each
       machine's, figures served per machine (bench_scale.py's `servable`
       rules), and the tier's counts (discovery_metadata.remote).
       Goal: with the tier the team makes the calls of one machine.

warm   A 2,000-ticker portfolio whose every need is in the remote: timed
       (a) with an empty local cache, served from the remote (and copied
       into the local cache as it goes: each run starts from a new empty
       one), (b) from a warm local cache with the same --remote-cache, and
       (c) from the warm local cache with `--remote-cache none`; medians of
       --warm-runs, interleaved.  The remote is filled directly, not by a
       cold run: a cold 2,000-ticker run takes 20 minutes at Yahoo's pace of
       100 a minute (bench_scale.py).  The entries are those of
       bench_run.py's 2,000-ticker warm run (every need the offline plan
       lists, small synthetic records), each written as an entry file in the
       local cache and, the same bytes, as `thd:v1:<service>:<md5>` in Redis
       (cache/redis_storage.cpp), with 8 days to live.  The fake is not in
       realistic mode; the script checks that no run calls it.  Where
       /dev/shm is writable, (a') is (a) with its local cache on tmpfs
       (fsync costs nothing there): where (a)'s time goes.
       Goal: (a) <= 2x (b).

cold   One machine cold on the 257-ticker portfolio (fake not realistic,
       50 ms), with `--remote-cache redis://...` (Redis flushed) and with
       `none`, each on an empty cache; medians of --cold-runs.  By default
       the two runs of a round go side by side (started together: the same
       minutes of a shared machine, and half the time; each is paced by
       Yahoo's 100 a minute, ~2 minutes); --cold-serial runs them one after
       the other, alternating which goes first.
       Goal: remote overhead <= 5%.

Default: about 19 minutes on the shared 2-core VM of docs/PERFORMANCE.md
(team, 1 round: three ~2-minute runs paced by Yahoo; warm, 5 rounds and one
not counted: ~4 minutes, nearly all of it the (a) runs' fsyncs; cold, 3
rounds side by side: ~6 minutes).  --parts picks some; more rounds:
--team-runs 3 --cold-runs 5 --cold-serial.

usage: bench_remote.py [--bin PATH] [--parts team,warm,cold] [--team-runs 1]
                       [--warm-runs 5] [--cold-runs 3] [--cold-serial]
                       [--team-size 257] [--warm-size 2000] [--cold-size 257]
                       [--no-alone] [--json FILE]

Exits non-zero, with the tool's stderr, when a run fails.  Python 3 standard
library only.  Every socket is on 127.0.0.1.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "cli"))
sys.path.insert(0, HERE)
from bench_run import SERVICES, env_for, write_entry  # noqa: E402
from bench_scale import (COINS, SHORT, make_data_dir, needs_and_servable, local_analyses,  # noqa: E402
                         portfolio_tickers, served)
from fakeserver import FakeServer  # noqa: E402
from redisserver import RedisServer  # noqa: E402

LATENCY_MS = 50
REAL_COUNT = 35 + len(COINS)  # the fake's real stocks and ETFs, and the coins
KEEP_S = 8 * 86400  # how long the filled entries live in Redis


# --- runs -----------------------------------------------------------------------

def argv_for(binary, data, cache, name, remote):
    return [binary, "--data-dir", data, "--cache-dir", cache, "--remote-cache", remote, "-q", "run",
            "--portfolio", name, "--output", "-", "--no-progress"]


def run_many(jobs, env):
    """Start every (binary, data, cache, name, remote) at once; (team wall, [(wall, doc)]) once all are done."""
    start = time.perf_counter()
    procs = [subprocess.Popen(argv_for(*j), stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env) for j in jobs]
    results = [None] * len(procs)

    def wait(i, p):
        out, err = p.communicate()
        results[i] = (time.perf_counter() - start, p.returncode, out, err)

    threads = [threading.Thread(target=wait, args=(i, p)) for i, p in enumerate(procs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    team = time.perf_counter() - start
    out = []
    for j, (wall, rc, stdout, stderr) in zip(jobs, results):
        if rc != 0:
            sys.stderr.write("%s failed (exit %d):\n%s\n" % (" ".join(argv_for(*j)), rc, stderr.decode()[-4000:]))
            sys.exit(rc or 1)
        out.append((wall, json.loads(stdout)))
    return team, out


def fake_counts(server):
    st = server.stats()
    made = {s: st["requests"].get(s, 0) for s in SERVICES}
    refused = {s: sum(st.get("refusals", {}).get(s, {}).values()) for s in SERVICES}
    return made, refused


def calls_text(made, refused):
    parts = ["%s %d%s" % (SHORT[s], made[s], "/%d" % refused[s] if refused[s] else "") for s in SERVICES if made[s]]
    return ", ".join(parts) or "none"


def remote_of(doc):
    return doc["discovery_metadata"].get("remote") or {}


def flush(redis):
    """Redis emptied, its command counts reset."""
    c = redis.client()
    c.call("FLUSHALL")
    c.call("CONFIG", "RESETSTAT")
    c.close()


def redis_commands(redis):
    """{command: calls} since the last flush (INFO commandstats), our own INFO and CONFIG left out."""
    c = redis.client()
    text = c.call("INFO", "commandstats").decode()
    c.close()
    out = {}
    for line in text.splitlines():
        if line.startswith("cmdstat_"):
            name, _, rest = line[len("cmdstat_"):].partition(":")
            if name.split("|")[0] not in ("info", "config", "flushall"):
                out[name] = int(rest.split(",")[0].split("=")[1])
    return out


# --- team: four machines, with and without the tier -----------------------------------

def team_part(a, work, redis):
    size = a.team_size
    server = FakeServer(latency_ms=LATENCY_MS, realistic=True, universe=max(0, size - REAL_COUNT))
    try:
        listing = server.universe()["symbols"]
        kinds = {s["symbol"]: s["kind"] for s in listing}
        fmp_free = {s.upper().replace(".", "-") for s in server.stats()["realism"]["fmp_symbols"]}
        tickers = portfolio_tickers(listing, size)
        name = "team%d" % size
        datas = [make_data_dir(os.path.join(work, "team-m%d" % i), name, tickers) for i in range(a.machines)]
        needs, servable = needs_and_servable(tickers, kinds, fmp_free, local_analyses(datas[0]))
        env = env_for(server)
        variants = ([("one machine alone, none", 1, "none")] if a.alone else []) + [
            ("%d machines, shared tier" % a.machines, a.machines, redis.url()),
            ("%d machines, none" % a.machines, a.machines, "none")]
        rounds = {label: [] for label, _, _ in variants}
        for r in range(a.team_runs):
            pair = variants[-2:]  # with and without the tier: which goes first alternates
            order = variants[:-2] + (pair if r % 2 == 0 else pair[::-1])
            for label, n, remote in order:
                server.reset()
                flush(redis)
                caches = [tempfile.mkdtemp(prefix="thd-bench-remote-cache-", dir=work) for _ in range(n)]
                jobs = [(a.bin, datas[i], caches[i], name, remote) for i in range(n)]
                team, res = run_many(jobs, env)
                made, refused = fake_counts(server)
                commands = redis_commands(redis)
                machines = []
                for wall, doc in res:
                    got, reasons = served(doc, needs)
                    meta = doc["discovery_metadata"]
                    machines.append({"wall_s": wall, "served": sum(got.values()), "served_by": got,
                                     "missing": meta["needs"]["by_source"]["missing"],
                                     "by_source": meta["needs"]["by_source"], "remote": remote_of(doc),
                                     "missing_reasons": reasons,
                                     "calls": {k: v.get("calls", 0) for k, v in meta.get("services", {}).items()}})
                rounds[label].append({"team_wall_s": team, "made": made, "refused": refused, "machines": machines,
                                      "redis_commands": commands})
                for c in caches:
                    shutil.rmtree(c, ignore_errors=True)
                print("  team round %d, %s: %.1f s, calls %d (%s)" % (r + 1, label, team, sum(made.values()),
                                                                    calls_text(made, refused)), flush=True)
    finally:
        server.stop()
    total_servable = sum(servable.values())
    lines = ["### Team: %d machines, %d tickers, realistic fake, %d ms (%d round(s); medians)" % (
        a.machines, size, LATENCY_MS, a.team_runs), "",
        "| variant | team wall | machines' walls | calls (made/refused by the fake) | total calls | "
        "served / servable per machine | remote (summed over machines) |", "|---|---|---|---|---|---|---|"]
    summary = {}
    for label, _, _ in variants:
        rs = rounds[label]
        last = rs[-1]
        made = {s: statistics.median_low([x["made"][s] for x in rs]) for s in SERVICES}
        refused = {s: statistics.median_low([x["refused"][s] for x in rs]) for s in SERVICES}
        team = statistics.median([x["team_wall_s"] for x in rs])
        walls = ", ".join("%.1f" % m["wall_s"] for m in last["machines"])
        srv = ", ".join(str(m["served"]) for m in last["machines"])
        rem = {}
        for m in last["machines"]:
            for k in ("hits", "misses", "stores"):
                if k in m["remote"]:
                    rem[k] = rem.get(k, 0) + m["remote"][k]
            for k, n in m["remote"].get("quota", {}).items():
                rem[k] = rem.get(k, 0) + n
        rem_text = "; ".join("%s %d" % kv for kv in rem.items()) or "-"
        lines.append("| %s | %.1f s | %s | %s | %d | %s / %d | %s |" % (
            label, team, walls, calls_text(made, refused), sum(made.values()), srv, total_servable, rem_text))
        summary[label] = {"team_wall_s": team, "made": made, "refused": refused, "total": sum(made.values()),
                          "rounds": rs}
    shared = summary["%d machines, shared tier" % a.machines]
    alone_label = "one machine alone, none"
    lines.append("")
    if alone_label in summary:
        alone = summary[alone_label]
        lines.append("- shared tier: %d calls vs %d for one machine alone (%.2fx); team wall %.1f s vs %.1f s "
                     "alone (%.2fx)" % (shared["total"], alone["total"], shared["total"] / max(1, alone["total"]),
                                        shared["team_wall_s"], alone["team_wall_s"],
                                        shared["team_wall_s"] / alone["team_wall_s"]))
    for label in summary:
        last = summary[label]["rounds"][-1]
        if len(last["machines"]) > 1:
            lines.append("- %s, calls per machine (the tool's count, last round): %s" % (label, "; ".join(
                ", ".join("%s %d" % (SHORT.get(k, k), n) for k, n in m["calls"].items() if n) or "none"
                for m in last["machines"])))
        if last["redis_commands"]:
            lines.append("- %s, Redis commands (last round): %s" % (label, ", ".join(
                "%s %d" % kv for kv in sorted(last["redis_commands"].items(), key=lambda kv: -kv[1]))))
    noshare = summary["%d machines, none" % a.machines]
    lines.append("- without the tier: %d calls (%.2fx the shared tier's), team wall %.1f s" % (
        noshare["total"], noshare["total"] / max(1, shared["total"]), noshare["team_wall_s"]))
    return "\n".join(lines), summary


# --- warm: 2,000 tickers served from the remote vs the local cache ----------------------

def fill_entries(binary, data, name, cache, env):
    """Every need of the offline plan as an entry in `cache` (bench_run.py's 2,000-ticker warm run)."""
    empty = tempfile.mkdtemp(prefix="thd-bench-remote-plan-")
    r = subprocess.run([binary, "--data-dir", data, "--cache-dir", empty, "--remote-cache", "none", "-q", "run",
                        "--portfolio", name, "--output", "-", "--no-progress", "--offline"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    shutil.rmtree(empty, ignore_errors=True)
    if r.returncode != 0:
        sys.exit(r.stderr.decode())
    plan = json.loads(r.stdout)
    market = {"price": 10.0, "previous_close": 9.5, "fifty_two_week_high": 12.0, "fifty_two_week_low": 8.0,
              "ytd_return": 0.1, "volatility": 0.2, "currency": "USD"}
    for t, v in plan["tickers"].items():
        if v["market"]["provenance"]["reason"] and "not requested" not in v["market"]["provenance"]["reason"]:
            write_entry(cache, "yahoo_finance", "chart:%s:1y:1d" % t, market)
        if "crypto" not in (v["profile"]["provenance"]["reason"] or ""):
            write_entry(cache, "fmp", "profile:%s" % t,
                        {"name": t, "sector": "technology", "industry": "x", "market_cap": 1.0})
        if v["fundamentals"]["provenance"]["source"] == "missing" and "crypto" not in (
                v["fundamentals"]["provenance"]["reason"] or ""):
            write_entry(cache, "fmp", "fundamentals:%s" % t, {"pe_ratio": 10.0, "eps": 1.0, "analyst_target": None})
    for b in ("SPY", "QQQ", "VTI", "^VIX"):
        write_entry(cache, "yahoo_finance", "chart:%s:1y:1d" % b, market)
    for s in ("FEDFUNDS", "DGS10", "UNRATE", "CPIAUCSL"):
        write_entry(cache, "fred_economic", "series:%s" % s, {"value": 1.0, "date": "2026-10-01"})
    for i in ("NGDP_RPCH", "PCPIPCH"):
        write_entry(cache, "imf_data", "imf:v2:%s:USA" % i,
                    {"value": 1.0, "year": 2025, "current_year": {"year": 2026, "value": 1.1, "projection": True}})
    for c in plan["market_context"]["crypto"]:
        write_entry(cache, "coingecko", "price:%s" % c, {"usd": 1.0, "change_24h": 0.0, "market_cap": 1.0})


def copy_to_redis(cache, redis):
    """Each entry file of `cache`, the same bytes, as thd:v1:<service>:<md5> (cache/redis_storage.cpp)."""
    c = redis.client()
    n = 0
    for service in sorted(os.listdir(cache)):
        d = os.path.join(cache, service)
        if service.startswith(".") or not os.path.isdir(d):
            continue
        for f in sorted(os.listdir(d)):
            if f.endswith(".json") and len(f) == 32 + 5:
                with open(os.path.join(d, f), "rb") as fh:
                    c.call("SET", "thd:v1:%s:%s" % (service, f[:-5]), fh.read(), "EX", KEEP_S)
                n += 1
    c.close()
    return n


def one_run(binary, data, cache, name, remote, env, server):
    server.reset()
    start = time.perf_counter()
    r = subprocess.run(argv_for(binary, data, cache, name, remote), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       env=env)
    wall = time.perf_counter() - start
    if r.returncode != 0:
        sys.exit(r.stderr.decode())
    made, _ = fake_counts(server)
    return wall, json.loads(r.stdout), sum(made.values())


def warm_part(a, work, redis, server):
    size = a.warm_size
    listing = server.universe()["symbols"]
    tickers = portfolio_tickers(listing, size)
    name = "warm%d" % size
    data = make_data_dir(os.path.join(work, "warm"), name, tickers)
    env = env_for(server)
    template = os.path.join(work, "warm-template-cache")
    fill_entries(a.bin, data, name, template, env)
    flush(redis)
    stored = copy_to_redis(template, redis)
    local = os.path.join(work, "warm-local-cache")
    shutil.copytree(template, local)
    variants = [("(a) empty local cache, served from the remote", "remote-only"),
                ("(b) warm local cache, --remote-cache redis://", "local+remote"),
                ("(c) warm local cache, --remote-cache none", "local")]
    shm = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None
    if shm:  # where (a)'s time goes: the same run with its local cache on tmpfs, where fsync costs nothing
        variants.append(("(a') as (a), the local cache on tmpfs (/dev/shm)", "remote-only-tmpfs"))
    walls = {k: [] for _, k in variants}
    docs = {}
    calls = 0
    for r in range(a.warm_runs + 1):  # the first round warms the page cache and is not counted
        order = variants if r % 2 == 0 else variants[::-1]
        for _, k in order:
            if k.startswith("remote-only"):
                cache = tempfile.mkdtemp(prefix="thd-bench-remote-empty-", dir=shm if k.endswith("tmpfs") else work)
                wall, doc, n = one_run(a.bin, data, cache, name, redis.url(), env, server)
                shutil.rmtree(cache, ignore_errors=True)
            else:
                wall, doc, n = one_run(a.bin, data, local, name, redis.url() if k == "local+remote" else "none",
                                       env, server)
            calls += n
            if r:
                walls[k].append(wall)
            docs[k] = doc
        if r:
            print("  warm round %d: %s" % (r, ", ".join("%s %.3f s" % (k, walls[k][-1]) for _, k in variants)),
                  flush=True)
    needs = docs["remote-only"]["discovery_metadata"]["needs"]
    rem_a = remote_of(docs["remote-only"])
    rem_b = remote_of(docs["local+remote"])
    med = {k: statistics.median(v) for k, v in walls.items()}
    lines = ["### Warm: %d tickers, %d needs, every one in the remote (%d entries filled), medians of %d" % (
        size, needs["total"], stored, a.warm_runs), "",
        "| variant | median wall | min | max | remote hits / misses / stores | needs by source |",
        "|---|---|---|---|---|---|"]
    for label, k in variants:
        rem = remote_of(docs[k])
        rtext = "%s / %s / %s" % (rem.get("hits", "-"), rem.get("misses", "-"), rem.get("stores", "-")) if rem else "-"
        lines.append("| %s | %.3f s | %.3f | %.3f | %s | %s |" % (
            label, med[k], min(walls[k]), max(walls[k]), rtext,
            ", ".join("%s %d" % kv for kv in docs[k]["discovery_metadata"]["needs"]["by_source"].items() if kv[1])))
    def ratio(x, y):  # the median of the ratios within each round (the same minutes), and the ratio of medians
        per = [p / q for p, q in zip(walls[x], walls[y])]
        return "%.2fx (per round: median %.2fx, %s)" % (med[x] / med[y], statistics.median(per),
                                                          " ".join("%.2f" % v for v in per))

    lines += ["", "- (a) / (b): %s; goal (a) <= 2x the local cache's run" % ratio("remote-only", "local+remote"),
              "- (a) / (c): %s" % ratio("remote-only", "local"),
              "- (b) / (c): %s" % ratio("local+remote", "local")]
    if shm:
        lines += ["- (a') / (b): %s" % ratio("remote-only-tmpfs", "local+remote"),
                  "- (a') / (c): %s" % ratio("remote-only-tmpfs", "local")]
    lines += [
        "- calls to the fake over every warm run: %d (0 expected)" % calls]
    summary = {"walls": walls, "medians": med, "stored": stored, "needs": needs, "remote_a": rem_a, "remote_b": rem_b,
               "calls": calls}
    return "\n".join(lines), summary


# --- cold: one machine, with the tier and without ---------------------------------------

def cold_part(a, work, redis, server):
    size = a.cold_size
    listing = server.universe()["symbols"]
    tickers = portfolio_tickers(listing, size)
    name = "cold%d" % size
    datas = {k: make_data_dir(os.path.join(work, "cold-" + k), name, tickers) for k in ("remote", "none")}
    env = env_for(server)
    walls = {"remote": [], "none": []}
    last = {}
    calls = {"remote": [], "none": []}
    for r in range(a.cold_runs):
        server.reset()
        flush(redis)
        caches = {k: tempfile.mkdtemp(prefix="thd-bench-remote-cold-", dir=work) for k in walls}
        url = {"remote": redis.url(), "none": "none"}
        if a.cold_serial:
            order = ["remote", "none"] if r % 2 == 0 else ["none", "remote"]
            res = {}
            for k in order:
                _, [(wall, doc)] = run_many([(a.bin, datas[k], caches[k], name, url[k])], env)
                res[k] = (wall, doc)
        else:
            _, out = run_many([(a.bin, datas[k], caches[k], name, url[k]) for k in ("remote", "none")], env)
            res = dict(zip(("remote", "none"), out))
        for k, (wall, doc) in res.items():
            walls[k].append(wall)
            last[k] = doc
            calls[k].append(sum(v.get("calls", 0) for v in doc["discovery_metadata"]["services"].values()))
            shutil.rmtree(caches[k], ignore_errors=True)
        print("  cold round %d: remote %.2f s, none %.2f s (%.3fx)" % (
            r + 1, walls["remote"][-1], walls["none"][-1], walls["remote"][-1] / walls["none"][-1]), flush=True)
    med = {k: statistics.median(v) for k, v in walls.items()}
    ratios = [x / y for x, y in zip(walls["remote"], walls["none"])]
    rem = remote_of(last["remote"])
    lines = ["### Cold: one machine, %d tickers, fake not realistic, %d ms, medians of %d (%s)" % (
        size, LATENCY_MS, a.cold_runs, "one after the other" if a.cold_serial else "the two side by side"), "",
        "| variant | median wall | walls | calls (the tool's count) | missing |", "|---|---|---|---|---|"]
    for k in ("remote", "none"):
        lines.append("| %s | %.2f s | %s | %s | %d |" % (
            "--remote-cache redis://" if k == "remote" else "--remote-cache none", med[k],
            ", ".join("%.2f" % w for w in walls[k]), ", ".join(str(c) for c in calls[k]),
            last[k]["discovery_metadata"]["needs"]["by_source"]["missing"]))
    lines += ["", "- remote / none: %.3fx (medians); per round %s; overhead %+.1f%% (goal <= 5%%)" % (
        med["remote"] / med["none"], ", ".join("%.3f" % x for x in ratios), 100 * (med["remote"] / med["none"] - 1)),
        "- the remote's counts (last round): %s" % json.dumps({k: rem.get(k) for k in (
            "state", "hits", "misses", "stores", "errors", "quota")})]
    return "\n".join(lines), {"walls": walls, "medians": med, "ratios": ratios, "calls": calls, "remote": rem}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bin", default=os.path.join(ROOT, "build-release", "trade-history-discover"))
    ap.add_argument("--parts", default="team,warm,cold")
    ap.add_argument("--machines", type=int, default=4)
    ap.add_argument("--team-runs", type=int, default=1)
    ap.add_argument("--warm-runs", type=int, default=5)
    ap.add_argument("--cold-runs", type=int, default=3)
    ap.add_argument("--cold-serial", action="store_true", help="the cold pair one after the other")
    ap.add_argument("--team-size", type=int, default=257)
    ap.add_argument("--warm-size", type=int, default=2000)
    ap.add_argument("--cold-size", type=int, default=257)
    ap.add_argument("--no-alone", dest="alone", action="store_false", help="skip the one-machine reference")
    ap.add_argument("--json", help="write every run's details here")
    a = ap.parse_args()
    parts = [p.strip() for p in a.parts.split(",") if p.strip()]
    work = tempfile.mkdtemp(prefix="thd-bench-remote-")
    redis = RedisServer()
    report, details = [], {}
    started = time.time()
    load_before = os.getloadavg()
    try:
        if "team" in parts:
            text, details["team"] = team_part(a, work, redis)
            report.append(text)
            print(text + "\n", flush=True)
        if "warm" in parts or "cold" in parts:
            size = max(a.warm_size if "warm" in parts else 0, a.cold_size if "cold" in parts else 0)
            server = FakeServer(latency_ms=LATENCY_MS, realistic=False, universe=max(0, size - REAL_COUNT))
            try:
                for part, fn in (("warm", warm_part), ("cold", cold_part)):
                    if part in parts:
                        text, details[part] = fn(a, work, redis, server)
                        report.append(text)
                        print(text + "\n", flush=True)
            finally:
                server.stop()
    finally:
        redis.close()
        shutil.rmtree(work, ignore_errors=True)
    version = subprocess.run(["redis-server", "--version"], stdout=subprocess.PIPE, text=True).stdout.strip()
    print("machine: %d cores, %s; load average %.2f before, %.2f after (1 min); %s; %.0f s in all" % (
        os.cpu_count(), os.uname().release, load_before[0], os.getloadavg()[0], version.split(" sha=")[0],
        time.time() - started))
    if a.json:
        with open(a.json, "w") as f:
            json.dump(details, f, indent=1, default=str)


if __name__ == "__main__":
    main()
