#!/usr/bin/env python3
"""Generate a large, realistic, deterministic trade-history CSV (SPEC 4.2)
for the Phase 1 benchmarks and tests of trade-history-discover.

    gen_trades.py --rows N --out FILE [--tickers 2000] [--open-fraction 0.3]
                  [--seed 1] [--messy]

Writes N data rows after the 27-column header of SPEC section 4.2 (in that
order), LF line endings, streamed in large chunks (memory does not grow with
N; 1M rows are about 250 MB).  The output depends only on the arguments.

Rows: tickers like real ones (2-5 upper-case letters, some `.B` classes and
`-USD` crypto pairs), SMA/EMA/MACD strategies with their windows, entries
between 2020-01-01 and 2026-11-20 (date-only and date-time mixed), prices
per ticker drifting over time, Long and some Short positions.  Closed rows:
PnL = Position_Size * (exit - entry) (reversed for Short) from the written
prices, Return = PnL / (Position_Size * entry), rounded to 2 / 4 decimals;
Days_Since_Entry, Current_Unrealized_PnL, Current_Excursion_Status empty.
Open rows (--open-fraction): exit fields, PnL, Return, Duration_Days,
Exit_Efficiency(_Fixed) empty, Days_Since_Entry counted to 2026-11-20 and
Current_Unrealized_PnL filled.  Trade_Quality sometimes contains commas and
doubled quotes (quoted per RFC 4180).

--messy additionally injects, each at a few % of rows: empty cells in any
column, `abc` in numeric columns, `26%`, impossible dates (2025-02-30, hour
25, ...), unknown Status values, `active`/`OPEN`/`closed` casing, Closed rows
with neither Return nor PnL, Open rows with an exit price (and sometimes an
exit timestamp), rows with too few or too many fields, blank lines (empty or
`\\r`), CRLF on some lines, quoted fields with embedded newlines (LF and
CRLF), invalid UTF-8 bytes in Trade_Quality, Return exactly 0 (0, 0.0,
-0.0, 0.0000 with PnL 0), Return missing but PnL present, and spaces/tabs
around unquoted values.  Blank lines are extra lines, not rows: the file
still has exactly N records after the header.

Python 3 standard library only.
"""

import argparse
import math
import random
import sys
import time

HEADER = ("Position_UUID,Ticker,Strategy_Type,Short_Window,Long_Window,Signal_Window,"
          "Entry_Timestamp,Exit_Timestamp,Avg_Entry_Price,Avg_Exit_Price,Position_Size,"
          "Direction,PnL,Return,Duration_Days,Trade_Type,Status,Max_Favourable_Excursion,"
          "Max_Adverse_Excursion,MFE_MAE_Ratio,Exit_Efficiency,Days_Since_Entry,"
          "Current_Unrealized_PnL,Current_Excursion_Status,Exit_Efficiency_Fixed,"
          "Trade_Quality,X_Status")
NCOL = 27
# column indexes
C_UUID, C_TICKER, C_STRAT, C_SHORT, C_LONG, C_SIGNAL, C_ENTRY, C_EXIT, C_EPRICE, C_XPRICE, \
    C_SIZE, C_DIR, C_PNL, C_RET, C_DUR, C_TTYPE, C_STATUS, C_MFE, C_MAE, C_RATIO, C_EFF, \
    C_DAYS, C_CUR, C_EXC, C_EFFX, C_QUAL, C_XSTAT = range(NCOL)
NUMERIC = (C_SHORT, C_LONG, C_SIGNAL, C_EPRICE, C_XPRICE, C_SIZE, C_PNL, C_RET, C_DUR,
           C_MFE, C_MAE, C_RATIO, C_EFF, C_DAYS, C_CUR, C_EFFX)
TIMESTAMPS = (C_ENTRY, C_EXIT)

STRATEGIES = (
    # (type, short, long, signal, weight)
    ("SMA", "20", "50", "", 14), ("SMA", "50", "200", "", 8), ("SMA", "10", "30", "", 5),
    ("EMA", "12", "26", "", 14), ("EMA", "9", "21", "", 7), ("EMA", "21", "55", "", 5),
    ("MACD", "12", "26", "9", 12), ("MACD", "8", "21", "5", 5),
)
QUALITY = (
    # (as written in the CSV, weight)
    ("Good", 24), ("Poor", 10), ("Fair", 9), ("Excellent", 6),
    ('"Poor Setup - High Risk, Low Reward"', 2),
    ('"Excellent - ""Textbook"" Crossover"', 1),
    ('"Good, but ""late"" exit"', 1),
)
X_STATUS = (("Posted", 10), ("Pending", 4), ("", 1))

START_DAY = 0          # 2020-01-01
END_YMD = (2026, 11, 20)


def days_from_civil(y, m, d):
    y -= m <= 2
    era = y // 400
    yoe = y - era * 400
    doy = (153 * (m + (-3 if m > 2 else 9)) + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def civil_from_days(z):
    z += 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    y = yoe + era * 400
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = mp + 3 if mp < 10 else mp - 9
    return y + (m <= 2), m, d


def weighted(items):
    out = []
    for it in items:
        out.extend([it[:-1] if len(it) > 2 else it[0]] * it[-1])
    return out


def make_tickers(rng, n):
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    seen = set()
    out = []  # (symbol, base price at 2020-01-01, yearly drift, volatility, crypto)
    real = ["AAPL", "MSFT", "NVDA", "AMZN", "GOOGL", "META", "TSLA", "JPM", "BAC", "XOM",
            "CVX", "KO", "PG", "JNJ", "UNH", "HD", "COST", "CAT", "HON", "LIN", "AMT",
            "NEE", "DIS", "BRK.B", "BTC-USD", "ETH-USD", "BF.B", "SOL-USD"]
    for s in real:
        if len(out) >= n:
            break
        seen.add(s)
        out.append(s)
    while len(out) < n:
        r = rng.random()
        k = rng.choice((2, 3, 3, 4, 4, 4, 5))
        s = "".join(rng.choice(letters) for _ in range(k))
        if r < 0.02:
            s = s[:4] + ".B"
        elif r < 0.04:
            s = s[:4] + "-USD"
        if s in seen:
            continue
        seen.add(s)
        out.append(s)
    pool = []
    for s in out:
        crypto = s.endswith("-USD")
        if crypto:
            base = math.exp(rng.uniform(math.log(0.5), math.log(40000.0)))
            vol = 0.25
        else:
            base = math.exp(rng.uniform(math.log(4.0), math.log(900.0)))
            vol = rng.uniform(0.06, 0.16)
        drift = rng.gauss(0.08, 0.15)
        pool.append((s, base, drift, vol, crypto))
    return pool


def main():
    ap = argparse.ArgumentParser(description="Generate a trade-history CSV (SPEC 4.2).")
    ap.add_argument("--rows", type=int, required=True, help="number of data rows")
    ap.add_argument("--out", required=True, help="output file")
    ap.add_argument("--tickers", type=int, default=2000, help="distinct tickers (default 2000)")
    ap.add_argument("--open-fraction", type=float, default=0.3, help="fraction of open rows (default 0.3)")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    ap.add_argument("--messy", action="store_true", help="inject data-quality problems")
    args = ap.parse_args()
    if args.rows < 0 or args.tickers < 1 or not 0.0 <= args.open_fraction <= 1.0:
        ap.error("need --rows >= 0, --tickers >= 1, 0 <= --open-fraction <= 1")

    t0 = time.time()
    rng = random.Random(args.seed)
    rnd = rng.random
    randint = rng.randrange
    gauss = rng.gauss

    tickers = make_tickers(rng, args.tickers)
    nt = len(tickers)
    # ticker popularity: a few heavily traded names, a long tail
    tick_w = [1.0 / (i + 5) ** 0.7 for i in range(nt)]
    tick_pick = rng.choices(range(nt), weights=tick_w, k=65536)

    end_day = days_from_civil(*END_YMD) - days_from_civil(2020, 1, 1)
    dates = ["%04d-%02d-%02d" % civil_from_days(days_from_civil(2020, 1, 1) + i)
             for i in range(end_day + 1)]
    times = ["%02d:%02d:%02d" % (rng.choice((9, 10, 11, 12, 13, 14, 15, 16)),
                                 rng.randrange(60), rng.choice((0, 0, 0, rng.randrange(60))))
             for _ in range(997)]
    strategies = weighted(STRATEGIES)
    qualities = weighted(QUALITY)
    xstats = weighted(X_STATUS)
    open_frac = args.open_fraction
    messy = args.messy
    # per-(ticker, strategy) uuid prefixes, built lazily
    prefix = {}

    out = open(args.out, "wb")
    out.write((HEADER + "\n").encode("ascii"))
    buf = []
    nbuf = 0
    CHUNK = 20000

    dnum = len(dates)
    ntimes = len(times)
    nstrat = len(strategies)
    nqual = len(qualities)
    nxs = len(xstats)
    exp = math.exp

    for rowno in range(args.rows):
        ti = tick_pick[randint(65536)]
        sym, base, drift, vol, crypto = tickers[ti]
        si = randint(nstrat)
        stype, sw, lw, sig = strategies[si]
        is_open = rnd() < open_frac
        if is_open:
            dur = 0
            eday = end_day - int(rnd() * rnd() * 400)
        else:
            dur = 1 + int(rnd() * rnd() * 300)
            eday = randint(end_day - dur + 1)
        edate = dates[eday]
        r = rnd()
        if r < 0.35:
            ets = edate + " " + times[randint(ntimes)]
        elif r < 0.38:
            ets = edate + "T" + times[randint(ntimes)]
        else:
            ets = edate
        key = (ti, si)
        p = prefix.get(key)
        if p is None:
            p = prefix[key] = "%s_%s_%s_%s%s_" % (sym, stype, sw, lw, "_" + sig if sig else "")
        uuid = p + edate

        price = base * exp(drift * eday / 365.0) * (1.0 + 0.04 * (rnd() - 0.5))
        if price < 1.0:
            pfmt = "%.4f"
            entry = round(price, 4)
        else:
            pfmt = "%.2f"
            entry = round(price, 2)
        notional = 1000.0 + 24000.0 * rnd()
        if crypto and entry > 1000:
            size = round(notional / entry, 2) or 0.01
            sfmt = "%.2f" % size
        else:
            size = max(1, int(notional / entry))
            sfmt = str(size)
        short = rnd() < 0.06
        dirn = "Short" if short else "Long"
        quality = qualities[randint(nqual)]
        xs = xstats[randint(nxs)]
        mae = abs(gauss(0.0, vol * 0.4)) + 0.002

        if is_open:
            cur = gauss(0.02, vol)
            mfe = max(cur, 0.0) + abs(gauss(0.0, vol * 0.3)) + 0.001
            row = [uuid, sym, stype, sw, lw, sig, ets, "", pfmt % entry, "", sfmt, dirn,
                   "", "", "", dirn, "Open", "%.4f" % mfe, "%.4f" % mae, "%.4f" % (mfe / mae),
                   "", str(end_day - eday), "%.4f" % cur, "Favorable" if cur >= 0 else "Adverse",
                   "", quality, xs]
        else:
            move = gauss(0.015 + 0.0003 * dur, vol * (0.5 + dur / 200.0))
            if move < -0.85:
                move = -0.85
            xprice = round(entry * (1.0 + move), 4 if pfmt == "%.4f" else 2)
            if xprice <= 0:
                xprice = entry
            pnl = size * (xprice - entry)
            if short:
                pnl = -pnl
            pnl = round(pnl, 2)
            ret = round(pnl / (size * entry), 4)
            mfe = max(ret, 0.0) + abs(gauss(0.0, vol * 0.3)) + 0.001
            eff = ret / mfe
            xday = eday + dur
            xdate = dates[xday] if xday < dnum else dates[-1]
            if rnd() < 0.2:
                xdate = xdate + " " + times[randint(ntimes)]
            effs = "%.4f" % eff
            row = [uuid, sym, stype, sw, lw, sig, ets, xdate, pfmt % entry, pfmt % xprice, sfmt,
                   dirn, "%.2f" % pnl, "%.4f" % ret, str(dur), dirn, "Closed", "%.4f" % mfe,
                   "%.4f" % mae, "%.4f" % (mfe / mae), effs, "", "", "", effs, quality, xs]

        eol = "\n"
        if messy and rnd() < 0.45:
            eol = mess(rng, row, is_open, buf)
        buf.append(",".join(row))
        buf.append(eol)
        nbuf += 1
        if nbuf >= CHUNK:
            out.write("".join(buf).encode("utf-8", "surrogateescape"))
            buf = []
            nbuf = 0
    if buf:
        out.write("".join(buf).encode("utf-8", "surrogateescape"))
    out.close()
    sys.stderr.write("gen_trades.py: wrote %d rows to %s in %.1f s\n"
                     % (args.rows, args.out, time.time() - t0))


BAD_DATES = ("2025-02-30", "2023-02-29", "2024-06-31", "2025-13-01", "2025-00-10",
             "2026-04-31 10:00:00", "2025-01-15 25:00:00", "2025-01-15 12:60:00",
             "2025-01-15 12:00:60", "2025/01/15", "15-01-2025", "2025-1-5", "yesterday",
             "2025-01-15 12:00")
BAD_STATUS = ("Pending", "Cancelled", "Partial", "X", "Closd", "Opened", "N/A")
STATUS_CASE_OPEN = ("active", "OPEN", "open", "Active", "ACTIVE", "oPeN")
STATUS_CASE_CLOSED = ("closed", "CLOSED", "cLoSeD")
ZEROS = ("0", "0.0", "0.0000", "-0.0", "+0", "0e0")
EMBEDDED_NL = ('"Good\nsecond line"', '"Poor, stopped out\r\nre-entered later"',
               '"Fair\n""manual"" exit\nthird line"', '"\n"')
INVALID_UTF8 = ("Good \udcff\udcfe", "\udcc3(", "Caf\udce9", '"Poor, \udc80\udc81 bytes"',
                "Excellent \udced\udca0\udc80")
BAD_NUMBERS = ("abc", "26%", "nan", "inf", "-", '"1,5"', "$12.50", "1.2.3", "e5", "0x1A", "--1")


def mess(rng, row, is_open, buf):
    """Inject one or more problems into row (in place); may append a blank
    line to buf before the row; returns the line ending to use."""
    rnd = rng.random
    k = rng.randrange(100)
    eol = "\n"
    if k < 6:                                   # empty cell anywhere
        row[rng.randrange(NCOL)] = ""
    elif k < 11:                                # not a number
        row[rng.choice(NUMERIC)] = rng.choice(BAD_NUMBERS)
    elif k < 14:                                # percent in Return
        row[C_RET] = "26%" if rnd() < 0.5 else "%d%%" % rng.randrange(-40, 80)
    elif k < 18:                                # impossible dates
        row[rng.choice(TIMESTAMPS) if not is_open else C_ENTRY] = rng.choice(BAD_DATES)
    elif k < 21:                                # unknown status
        row[C_STATUS] = rng.choice(BAD_STATUS)
    elif k < 28:                                # status casing
        row[C_STATUS] = rng.choice(STATUS_CASE_OPEN if is_open else STATUS_CASE_CLOSED)
    elif k < 31:                                # closed without Return and PnL
        if not is_open:
            row[C_RET] = ""
            row[C_PNL] = ""
    elif k < 34:                                # open with an exit price / timestamp
        if is_open:
            row[C_XPRICE] = row[C_EPRICE]
            if rnd() < 0.4:
                row[C_EXIT] = row[C_ENTRY][:10]
    elif k < 38:                                # field count
        if rnd() < 0.5:
            del row[NCOL - 1 - rng.randrange(3):]
        else:
            row.extend(["extra"] * (1 + rng.randrange(2)))
    elif k < 44:                                # blank line before the row
        buf.append(rng.choice(("\n", "\r\n", "\n\n")))
    elif k < 56:                                # CRLF
        eol = "\r\n"
    elif k < 61:                                # embedded newline
        row[C_QUAL] = rng.choice(EMBEDDED_NL)
    elif k < 66:                                # invalid UTF-8
        row[C_QUAL] = rng.choice(INVALID_UTF8)
    elif k < 72:                                # Return exactly 0
        if not is_open:
            row[C_RET] = rng.choice(ZEROS)
            row[C_PNL] = "0.00" if rnd() < 0.7 else "0"
    elif k < 78:                                # Return missing, PnL present
        if not is_open:
            row[C_RET] = ""
    else:                                       # spaces / tabs around values
        for _ in range(1 + rng.randrange(4)):
            i = rng.randrange(NCOL)
            v = row[i]
            if not v.startswith('"'):
                row[i] = rng.choice((" ", "  ", "\t", "")) + v + rng.choice((" ", "\t ", ""))
    if rnd() < 0.1 and eol == "\n" and len(row) == NCOL:   # sometimes a second problem
        return mess(rng, row, is_open, buf)
    return eol


if __name__ == "__main__":
    main()
