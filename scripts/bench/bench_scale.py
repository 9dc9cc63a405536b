#!/usr/bin/env python3
"""Issue 11 benchmark: portfolios of 257 and 2,000 open positions on "free
keys" against the fake services in realistic mode (the free plans' limits and
refusals: scripts/fake_services.py --realistic) with 50 ms injected latency.

The fake serves a larger universe (--universe N: synthetic US stocks and ETFs
besides its 38 real instruments), so that every ticker of the portfolio is one
that Yahoo and SEC EDGAR serve, as the real ones serve nearly every listed
ticker; FMP's free plan answers 402 for the synthetic ones, as it does for
anything outside its 87 symbols.  Each portfolio holds the 35 real stocks and
ETFs, BTC-USD and ETH-USD, and synthetic instruments up to its size, one open
position each (the 27-column trade history of SPEC section 4.2); the bundled
local analyses of data/outputs go along.

For each portfolio and binary: a cold run (empty cache; /__reset: fresh fake
counters and a new fake "day"), then a second and a third run on the same
cache the same day.  Per run: wall time (median of --runs), requests per
provider (with the fake's refusals after a "/"), figures served / servable,
needs missing, and wall / bound, where

  servable  is computed from the fake's rules, not from the tool's output:
            market: every open ticker (Yahoo serves the whole universe), SPY
            QQQ VTI and the VIX; profiles: every stock and ETF (each has a CIK
            on SEC); fundamentals (tickers without a local analysis, as the
            tool plans them): stocks on FMP's free list, and at most 25 other
            stocks a day (Alpha Vantage OVERVIEW, 25 calls a day; ETFs have no
            P/E at either); macro: 4 FRED series + 2 IMF indicators; crypto:
            the coins the fake knows (bitcoin, ethereum).  The second and
            third runs are the same fake day: the same servable figures.
  bound     is the least time the requests the fake saw could take under the
            tool's own pacing of each provider (services/http_engine.cpp: a
            token bucket at per_minute / 60 a second holding per_second, else
            half a minute's allowance; a window of per_second requests per
            1.15 s), plus one latency; and ceil(requests / 5) latencies at 5 in
            flight.  The largest of these is the bound, named in the table.

usage: bench_scale.py [--bin PATH] [--old BIN] [--runs 5] [--sizes 257,2000]
                      [--extra "--max-api-calls 100000"] [--json FILE]

Exits non-zero, with the tool's stderr, when a run fails.  Python 3 standard
library only.
"""
import argparse
import json
import re
import math
import os
import shlex
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
from bench_run import SERVICES, env_for  # noqa: E402  (keys, THD_NOW, base URLs at the fake)
from fakeserver import FakeServer  # noqa: E402

LATENCY_MS = 50
MAX_CONCURRENT = 5  # the tool's default run.max_concurrent
COINS = {"BTC-USD": "bitcoin", "ETH-USD": "ethereum"}  # the coins the fake knows
BENCHMARKS = ("SPY", "QQQ", "VTI")
FRED = ("FEDFUNDS", "DGS10", "UNRATE", "CPIAUCSL")
IMF = ("NGDP_RPCH", "PCPIPCH")
AV_PER_DAY = 25
SHORT = {"yahoo_finance": "yahoo", "fmp": "fmp", "alpha_vantage": "av", "fred_economic": "fred",
         "sec_edgar": "sec", "coingecko": "cg", "imf_data": "imf"}
# The tool's pacing per provider (services/providers/*.cpp info()): (per_minute, per_second).
PACING = {"yahoo_finance": (100, 0), "fmp": (250, 0), "alpha_vantage": (0, 1), "fred_economic": (120, 2),
          "sec_edgar": (0, 10), "coingecko": (30, 0), "imf_data": (60, 0)}
WINDOW_S = 1.15  # the tool's window for a per-second limit
CATEGORIES = ("market", "profile", "fundamentals", "macro", "crypto")

HEADER = ("Position_UUID,Ticker,Strategy_Type,Short_Window,Long_Window,Signal_Window,Entry_Timestamp,"
          "Exit_Timestamp,Avg_Entry_Price,Avg_Exit_Price,Position_Size,Direction,PnL,Return,Duration_Days,"
          "Trade_Type,Status,Max_Favourable_Excursion,Max_Adverse_Excursion,MFE_MAE_Ratio,Exit_Efficiency,"
          "Days_Since_Entry,Current_Unrealized_PnL,Current_Excursion_Status,Exit_Efficiency_Fixed,"
          "Trade_Quality,X_Status")


# --- the portfolio and its data directory -------------------------------------

def portfolio_tickers(listing, size):
    """The real stocks and ETFs, the two coins, then synthetic instruments up to `size`."""
    real = [s["symbol"] for s in listing if not s["synthetic"] and s["kind"] in ("stock", "etf")]
    synthetic = [s["symbol"] for s in listing if s["synthetic"]]
    tickers = (real + list(COINS) + synthetic)[:size]
    if len(tickers) < size:
        sys.exit("the fake's universe has %d instruments, fewer than %d" % (len(tickers), size))
    return tickers


def write_csv(path, tickers):
    """One open position per ticker (entries spread over 2026; Days_Since_Entry counted to 2026-11-20)."""
    import datetime
    end = datetime.date(2026, 11, 20)
    with open(path, "w", newline="") as f:
        f.write(HEADER + "\n")
        for i, t in enumerate(tickers):
            entry = end - datetime.timedelta(days=10 + (i * 7) % 300)
            price = 20 + (i * 37) % 480 + 0.25
            size = 1 + (i * 13) % 200
            strat, short, long_ = (("SMA", 20, 50), ("EMA", 9, 21), ("SMA", 50, 200))[i % 3]
            mfe, mae = 0.01 + (i % 17) / 100, 0.01 + (i % 7) / 100
            row = ["%s_%s_%d_%d_%s" % (t, strat, short, long_, entry), t, strat, str(short), str(long_), "",
                   entry.isoformat(), "", "%.2f" % price, "", str(size), "Long", "", "", "", "Long", "Open",
                   "%.4f" % mfe, "%.4f" % mae, "%.4f" % (mfe / mae), "", str((end - entry).days),
                   "%.4f" % (mfe - mae), "Favorable" if mfe > mae else "Adverse", "", "Good", "Pending"]
            f.write(",".join(row) + "\n")


def make_data_dir(work, name, tickers):
    data = os.path.join(work, "data-%s" % name)
    for part in ("raw", "outputs"):  # the bundled local analyses, not what a demo run left behind
        shutil.copytree(os.path.join(ROOT, "data", part), os.path.join(data, part),
                        ignore=shutil.ignore_patterns("trade_history"))
    os.makedirs(os.path.join(data, "raw", "trade_history"))
    write_csv(os.path.join(data, "raw", "trade_history", "%s.csv" % name), tickers)
    return data


def match_key(t):
    return t.strip().upper().replace("-", ".")


def local_analyses(data):
    """Tickers (match keys) with a fundamental analysis file <TICKER>_<YYYYMMDD>.md."""
    d = os.path.join(data, "outputs", "fundamental_analysis")
    out = set()
    for name in os.listdir(d) if os.path.isdir(d) else ():
        stem, _, rest = name.rpartition("_")
        if stem and rest[:8].isdigit() and rest.endswith(".md"):
            out.add(match_key(stem))
    return out


# --- needs and what the plans could serve (from the fake's rules) -------------

def needs_and_servable(tickers, kinds, fmp_free, local):
    """{category: [need ids]} as core/needs.cpp plans them, and {category: servable count}.  A ticker with a
    local analysis has no fundamentals need (the tool counts none)."""
    stocks_and_etfs = [t for t in tickers if t not in COINS]
    needs = {
        "market": [("market", t) for t in dict.fromkeys(list(tickers) + list(BENCHMARKS))] + [("vix", "VIX")],
        "profile": [("profile", t) for t in stocks_and_etfs],
        "fundamentals": [("fundamentals", t) for t in stocks_and_etfs if match_key(t) not in local],
        "macro": [("series", s) for s in FRED] + [("imf", i) for i in IMF],
        "crypto": [("crypto", COINS[t]) for t in tickers if t in COINS],
    }
    stocks = [t for _, t in needs["fundamentals"] if kinds.get(t) == "stock"]  # ETFs: no P/E anywhere
    on_fmp = [t for t in stocks if t in fmp_free]
    servable = {
        "market": len(needs["market"]),          # Yahoo: every symbol of the universe, the VIX
        "profile": len(needs["profile"]),        # SEC: every stock and ETF has a CIK
        "fundamentals": len(on_fmp) + min(AV_PER_DAY, len(stocks) - len(on_fmp)),
        "macro": len(needs["macro"]),
        "crypto": len(needs["crypto"]),
    }
    return needs, servable


def provenance(doc, kind, subject):
    """The provenance of one need in the discovery document (None when it is not there)."""
    mc = doc.get("market_context", {})
    tick = doc.get("tickers", {})

    def ticker_entry(t):
        for key in (t, t.replace("-", "."), t.replace(".", "-")):
            if key in tick:
                return tick[key]
        return None

    if kind == "market":
        if subject in BENCHMARKS:
            entry = mc.get("benchmarks", {}).get(subject)
        else:
            entry = (ticker_entry(subject) or {}).get("market")
    elif kind == "vix":
        entry = mc.get("volatility", {}).get("VIX")
    elif kind in ("profile", "fundamentals"):
        entry = (ticker_entry(subject) or {}).get(kind)
    elif kind == "series":
        entry = mc.get("economic_indicators", {}).get(subject)
    elif kind == "imf":
        entry = mc.get("imf", {}).get(subject)
    else:
        crypto = mc.get("crypto", {})
        entry = crypto.get(subject) or crypto.get({v: k for k, v in COINS.items()}.get(subject, ""))
    return (entry or {}).get("provenance")


def served(doc, needs):
    """{category: needs not missing}, and every missing need's reason (counted)."""
    out, reasons = {}, {}
    for cat, ids in needs.items():
        n = 0
        for kind, subject in ids:
            p = provenance(doc, kind, subject)
            if p and p.get("source") not in (None, "missing"):
                n += 1
            else:
                r = "%s: %s" % (kind, (p or {}).get("reason") or "not in the document")
                reasons[r] = reasons.get(r, 0) + 1
        out[cat] = n
    return out, reasons


# --- the bound set by the pacing ------------------------------------------------

def paced_seconds(n, per_minute, per_second):
    """When the n-th request may start at the earliest under the tool's pacing of one provider."""
    if n <= 0:
        return 0.0
    rate = per_minute / 60.0 if per_minute else 0.0
    cap = max(1.0, per_second if per_second else per_minute / 2.0) if per_minute else 0.0
    tokens, last, t, times = cap, 0.0, 0.0, []
    for i in range(n):
        if rate:
            tokens = min(cap, tokens + (t - last) * rate)
            last = t
            if tokens < 1.0:
                t += (1.0 - tokens) / rate
                tokens, last = 1.0, t
        if per_second and i >= per_second:
            t = max(t, times[i - per_second] + WINDOW_S)
            if rate:
                tokens = min(cap, tokens + (t - last) * rate)
                last = t
        if rate:
            tokens -= 1.0
        times.append(t)
    return times[-1]


def bound(requests):
    """(seconds, the limit that sets them) for one run's requests per provider."""
    lat = LATENCY_MS / 1000.0
    best = (0.0, "-")
    for s, n in requests.items():
        if n:
            secs = paced_seconds(n, *PACING[s]) + lat
            best = max(best, (secs, SHORT[s]))
    total = sum(requests.values())
    conc = math.ceil(total / MAX_CONCURRENT) * lat
    return max(best, (conc, "concurrency"))


# --- runs -----------------------------------------------------------------------

def eta_seconds(text):
    """'2 min 7 s', '45 s', '<1 s', '1 h 3 min' (cli/cmd_run.cpp duration_text) -> seconds."""
    if text.startswith("<"):
        return 0.5
    total, parts = 0.0, text.split()
    for value, unit in zip(parts[::2], parts[1::2]):
        total += float(value) * {"h": 3600, "min": 60, "s": 1}[unit]
    return total


def run_tool(binary, data, cache, name, env, extra, watch_eta=False):
    """One run; with watch_eta, -v without a terminal: the progress lines (every 10 s) and when they came,
    as (seconds since the start, the ETA they said)."""
    argv = [binary, "--data-dir", data, "--cache-dir", cache, "-v" if watch_eta else "-q", "run", "--portfolio",
            name, "--output", "-"] + ([] if watch_eta else ["--no-progress"]) + extra
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    etas, err = [], []

    def read_stderr():
        for raw in proc.stderr:
            line = raw.decode(errors="replace")
            err.append(line)
            m = re.search(r"progress: \[.*· eta ([^·]+?)(?: ·|$)", line.rstrip("\n"))
            if m:
                etas.append((time.perf_counter() - start, eta_seconds(m.group(1).strip())))

    reader = threading.Thread(target=read_stderr)
    reader.start()
    out = proc.stdout.read()
    proc.wait()
    reader.join()
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        sys.stderr.write("%s failed (exit %d):\n%s\n" % (" ".join(argv), proc.returncode, "".join(err)[-4000:]))
        sys.exit(proc.returncode or 1)
    return wall, json.loads(out), [(t, eta, wall - t) for t, eta in etas]


def one_round(server, binary, data, name, extra, needs):
    """Cold, second and third run on one fresh cache, the fake reset before the cold one."""
    cache = tempfile.mkdtemp(prefix="thd-bench-scale-cache-")
    server.reset()
    out, before = [], {s: 0 for s in SERVICES}
    before_ref = {s: 0 for s in SERVICES}
    try:
        for label in ("cold", "second", "third"):
            wall, doc, etas = run_tool(binary, data, cache, name, env_for(server), extra,
                                       watch_eta=(label == "cold"))
            st = server.stats()
            total = {s: st["requests"].get(s, 0) for s in SERVICES}
            ref = {s: sum(st.get("refusals", {}).get(s, {}).values()) for s in SERVICES}
            requests = {s: total[s] - before[s] for s in SERVICES}
            refused = {s: ref[s] - before_ref[s] for s in SERVICES}
            before, before_ref = total, ref
            got, reasons = served(doc, needs)
            meta = doc["discovery_metadata"]
            out.append({"run": label, "wall_s": wall, "requests": requests, "refused": refused, "served": got,
                        "missing": meta["needs"]["by_source"]["missing"], "needs_total": meta["needs"]["total"],
                        "by_source": meta["needs"]["by_source"], "missing_reasons": reasons,
                        "stopped": {k: v.get("stopped") for k, v in meta.get("services", {}).items()
                                    if v.get("stopped")},
                        "api_calls": meta.get("api_calls"),
                        # (seconds in, ETA said, time that was really left) per progress line
                        "etas": etas})
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    return out


def summarize(rounds):
    """Medians over the rounds of one binary: one row per run label."""
    rows = []
    for i, label in enumerate(("cold", "second", "third")):
        rs = [r[i] for r in rounds]
        last = rs[-1]
        requests = {s: statistics.median_low([r["requests"][s] for r in rs]) for s in SERVICES}
        row = dict(last)
        row.update(wall_s=statistics.median([r["wall_s"] for r in rs]), walls=[r["wall_s"] for r in rs],
                   requests=requests,
                   refused={s: statistics.median_low([r["refused"][s] for r in rs]) for s in SERVICES},
                   served={c: statistics.median_low([r["served"][c] for r in rs]) for c in CATEGORIES},
                   missing=statistics.median_low([r["missing"] for r in rs]))
        row["bound_s"], row["bound_by"] = bound(requests)
        rows.append(row)
    return rows


def table(size, label_rows, servable, needs_count):
    head = ["binary", "run", "wall s"] + [SHORT[s] for s in SERVICES] + \
        ["served/servable", "missing", "bound s (limit)", "wall/bound"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    total_servable = sum(servable.values())
    for label, rows in label_rows:
        for r in rows:
            reqs = ["%d%s" % (r["requests"][s], "/%d" % r["refused"][s] if r["refused"][s] else "")
                    for s in SERVICES]
            ratio = "%.2f" % (r["wall_s"] / r["bound_s"]) if r["bound_s"] > 0 else "-"
            lines.append("| " + " | ".join([label, r["run"], "%.2f" % r["wall_s"]] + reqs + [
                "%d/%d" % (sum(r["served"].values()), total_servable), str(r["missing"]),
                "%.1f (%s)" % (r["bound_s"], r["bound_by"]), ratio]) + " |")
    out = ["### %d open positions (%d needs; servable %s)" % (
        size, needs_count, ", ".join("%s %d" % (c, servable[c]) for c in CATEGORIES)), ""] + lines + [""]
    for label, rows in label_rows:
        etas = [e for e in rows[0].get("etas", []) if e[2] >= 10]  # lines with 10 s or more really left
        if etas:
            errors = sorted(abs(said - left) / left for _, said, left in etas)
            out.append("- %s cold run's ETA (progress lines with >= 10 s left: %d): median error %.0f%%, "
                       "largest %.0f%%; first line at %.0f s said %.0f s, %.0f s were left" % (
                           label, len(etas), 100 * statistics.median(errors), 100 * errors[-1], etas[0][0],
                           etas[0][1], etas[0][2]))
    out.append("requests per provider as made/refused by the fake; served per category (cold, second, third):")
    for label, rows in label_rows:
        out.append("- %s: %s" % (label, "; ".join(
            "%s %s" % (r["run"], " ".join("%s %d/%d" % (c[:5], r["served"][c], servable[c]) for c in CATEGORIES))
            for r in rows)))
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bin", default=os.path.join(ROOT, "build-release", "trade-history-discover"))
    ap.add_argument("--old", help="another build, run side by side (interleaved)")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--sizes", default="257,2000", help="portfolio sizes, comma-separated")
    ap.add_argument("--extra", default="", help="arguments passed through to `run`, e.g. \"--max-api-calls 100000\"")
    ap.add_argument("--json", help="write every run's details here")
    a = ap.parse_args()
    sizes = [int(x) for x in a.sizes.split(",") if x.strip()]
    extra = shlex.split(a.extra)
    binaries = [("new", a.bin)] + ([("old", a.old)] if a.old else [])
    real_count = 35 + len(COINS)  # the fake's real stocks and ETFs, and the coins
    work = tempfile.mkdtemp(prefix="thd-bench-scale-")
    server = FakeServer(latency_ms=LATENCY_MS, realistic=True, universe=max(0, max(sizes) - real_count))
    report, details = [], []
    try:
        listing = server.universe()["symbols"]
        kinds = {s["symbol"]: s["kind"] for s in listing}
        fmp_free = {s.upper().replace(".", "-") for s in server.stats()["realism"]["fmp_symbols"]}
        for size in sizes:
            name = "scale%d" % size
            tickers = portfolio_tickers(listing, size)
            data = make_data_dir(work, name, tickers)
            needs, servable = needs_and_servable(tickers, kinds, fmp_free, local_analyses(data))
            rounds = {label: [] for label, _ in binaries}
            for _ in range(a.runs):  # interleaved: noise falls on both binaries
                for label, binary in binaries:
                    rounds[label].append(one_round(server, binary, data, name, extra, needs))
            label_rows = [(label, summarize(rounds[label])) for label, _ in binaries]
            n_needs = sum(len(v) for v in needs.values())
            for label, rows in label_rows:
                if rows[0]["needs_total"] != n_needs:
                    sys.stderr.write("note: %s counts %d needs, this script %d\n" % (
                        label, rows[0]["needs_total"], n_needs))
            report.append(table(size, label_rows, servable, n_needs))
            details.append({"size": size, "servable": servable, "needs": n_needs,
                            "runs": {label: rows for label, rows in label_rows}})
            print(report[-1] + "\n", flush=True)
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)
    print("machine: %d cores, %s; fake: realistic, %d ms latency, universe of %d; %d run(s) each; extra: %s" % (
        os.cpu_count(), os.uname().release, LATENCY_MS, len(listing), a.runs, " ".join(extra) or "none"))
    if a.json:
        with open(a.json, "w") as f:
            json.dump(details, f, indent=1, default=str)


if __name__ == "__main__":
    main()
