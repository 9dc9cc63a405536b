#!/usr/bin/env python3
"""Independent reference implementation of the Phase 1 trade-history
statistics of trade-history-discover (docs/STATISTICS.md, SPEC section 4.2).

    reference_stats.py CSV --today YYYY-MM-DD [--order-by timestamp|date]

Prints one JSON document to stdout with the keys portfolio_summary,
strategy_distribution, ticker_performance, performance_metrics,
active_positions and data_quality_assessment.  Numbers are unrounded IEEE
doubles (sums in file order); missing values are null.

Exit status: 0 on success; 2 on bad usage; 3 when the file is not a
trade-history CSV (no header, a required column missing, an unterminated
quote at the end of the file) or cannot be read.

Written from the rules in docs/STATISTICS.md only (not from the C++ code),
so that the two can be compared.  Python 3 standard library only; one
streamed pass, memory bounded by the number of distinct tickers and
strategies (plus the 50 first issues and the 1,000 newest open positions).

Readings of the rules where docs/STATISTICS.md leaves room (see also the
comments in the code):
  * A row longer than 1 MiB: its raw bytes, without the final line ending,
    exceed 1,048,576.  This check comes first; such a row gets one issue only
    and is not counted in completeness.
  * A row with the wrong number of fields gets one issue only.
  * Other rows: every problem found in the row is an issue (a row can have
    several); an empty Entry_Timestamp is an issue (it excludes the row).
  * "has a value" = non-empty and valid: an invalid cell is missing for
    every later rule (e.g. an Open row with an invalid Exit_Timestamp is not
    "an Open row with an Exit_Timestamp"; a Closed row whose Return is `abc`
    and whose PnL is empty has two issues).
  * A number that overflows to infinity (1e999) is an issue.
  * active_positions are ordered by the full Entry_Timestamp (date-only =
    00:00:00) newest first, file order on ties (--order-by date: by the
    date only).
  * ticker_performance / strategy_distribution are JSON objects keyed by
    ticker / strategy (keys sorted); completeness is an object keyed by the
    trimmed header name (first occurrence of a duplicated name).
  * Ticker upper-casing and Status matching are ASCII-only.
"""

import argparse
import csv
import heapq
import json
import math
import re
import sys

ROW_LIMIT = 1024 * 1024
MAX_ISSUES = 50
MAX_ACTIVE = 1000

NUMERIC_COLUMNS = (
    "Short_Window", "Long_Window", "Signal_Window", "Avg_Entry_Price",
    "Avg_Exit_Price", "Position_Size", "PnL", "Return", "Duration_Days",
    "Max_Favourable_Excursion", "Max_Adverse_Excursion", "MFE_MAE_Ratio",
    "Exit_Efficiency", "Days_Since_Entry", "Current_Unrealized_PnL",
    "Exit_Efficiency_Fixed",
)

NUM_RE = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
DATE_RE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
TIME_RE = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9]):([0-5][0-9])")

_ASCII_UPPER = {c: c - 32 for c in range(ord("a"), ord("z") + 1)}
_ASCII_LOWER = {c: c + 32 for c in range(ord("A"), ord("Z") + 1)}


def is_symbol(t):
    """docs/STATISTICS.md: 1 to 20 bytes of [A-Za-z0-9.^=-], at least one a letter or a digit."""
    if not 1 <= len(t.encode("utf-8", "surrogateescape")) <= 20:
        return False
    ok = all(("A" <= c <= "Z") or ("a" <= c <= "z") or ("0" <= c <= "9") or c in ".^=-" for c in t)
    return ok and any(c.isascii() and c.isalnum() for c in t)


def ascii_upper(s):
    return s.upper() if s.isascii() else s.translate(_ASCII_UPPER)


def ascii_lower(s):
    return s.lower() if s.isascii() else s.translate(_ASCII_LOWER)


def days_from_civil(y, m, d):
    """Days since 1970-01-01 in the proleptic Gregorian calendar."""
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


def format_days(z):
    y, m, d = civil_from_days(z)
    return "%04d-%02d-%02d" % (y, m, d)


_MONTH_DAYS = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_date_cache = {}


def parse_date(s):
    """'YYYY-MM-DD' -> days since epoch, or None when not a real date."""
    r = _date_cache.get(s, 0)
    if r != 0:
        return r
    v = None
    m = DATE_RE.fullmatch(s)
    if m:
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if 1 <= mo <= 12:
            dim = _MONTH_DAYS[mo]
            if mo == 2 and (y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)):
                dim = 29
            if 1 <= d <= dim:
                v = days_from_civil(y, mo, d)
    if len(_date_cache) > 200000:
        _date_cache.clear()
    _date_cache[s] = v
    return v


def parse_timestamp(s):
    """'YYYY-MM-DD', 'YYYY-MM-DD HH:MM:SS' or 'YYYY-MM-DDTHH:MM:SS' ->
    (days, seconds) or None."""
    n = len(s)
    if n == 10:
        d = parse_date(s)
        return None if d is None else (d, 0)
    if n == 19 and (s[10] == " " or s[10] == "T"):
        d = parse_date(s[:10])
        if d is None:
            return None
        t = TIME_RE.fullmatch(s, 11)
        if not t:
            return None
        return (d, int(t.group(1)) * 3600 + int(t.group(2)) * 60 + int(t.group(3)))
    return None


def fail(msg):
    sys.stderr.write("reference_stats.py: %s\n" % msg)
    sys.exit(3)


def clean_str(s):
    """Make a str with surrogate escapes (invalid UTF-8 input) printable:
    the invalid bytes become U+FFFD."""
    if s is None or s.isascii():
        return s
    try:
        s.encode("utf-8")
        return s
    except UnicodeEncodeError:
        return s.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def finite_or_none(x):
    if x is None or math.isfinite(x):
        return x
    return None


def find_quote_line(path, start_line):
    """Re-scan the last record (starting on start_line) the way the csv
    module reads it and return the line where the unterminated quoted field
    opened."""
    opened = start_line
    with open(path, "r", encoding="utf-8", errors="surrogateescape", newline="") as f:
        lineno = 0
        state = "start"  # start | field | quoted | quote_in_quoted
        for line in f:
            lineno += 1
            if lineno == 1 and line.startswith("\ufeff"):
                line = line[1:]
            if lineno < start_line:
                continue
            for ch in line:
                if state == "start":
                    if ch == '"':
                        state = "quoted"
                        opened = lineno
                    elif ch in "\r\n":
                        pass
                    elif ch == ",":
                        pass
                    else:
                        state = "field"
                elif state == "field":
                    if ch == ",":
                        state = "start"
                elif state == "quoted":
                    if ch == '"':
                        state = "quote_in_quoted"
                else:  # quote_in_quoted
                    if ch == '"':
                        state = "quoted"
                    elif ch == ",":
                        state = "start"
                    else:
                        state = "field"
            if state == "field" or state == "quote_in_quoted":
                state = "start"  # end of line ends an unquoted record
    return opened


def main():
    ap = argparse.ArgumentParser(description="Reference Phase 1 statistics (docs/STATISTICS.md).")
    ap.add_argument("csv", help="trade-history CSV")
    ap.add_argument("--today", required=True, help="run date YYYY-MM-DD (for days_held)")
    ap.add_argument("--order-by", choices=("timestamp", "date"), default="timestamp",
                    help="key for 'newest entry first' in active_positions (default timestamp)")
    ap.add_argument("--indent", type=int, default=2, help="JSON indent (default 2, -1 = compact)")
    args = ap.parse_args()

    today = parse_date(args.today)
    if today is None:
        ap.error("--today must be a real date YYYY-MM-DD")
    by_date = args.order_by == "date"

    csv.field_size_limit(2 ** 31 - 1)

    path = args.csv
    try:
        f = open(path, "r", encoding="utf-8", errors="surrogateescape", newline="")
    except OSError as e:
        fail("cannot open %s: %s" % (path, e.strerror or e))

    # --- line source: strips the BOM, counts raw bytes of the current record
    # and notices a read past the end of the file (csv only does that when a
    # quoted field is still open at EOF).
    st = [0, False, ""]  # bytes since reset, eof reached, last line

    def lines():
        first = True
        for line in f:
            if first:
                first = False
                if line.startswith("\ufeff"):
                    line = line[1:]
            if line.isascii():
                st[0] += len(line)
            else:
                st[0] += len(line.encode("utf-8", "surrogateescape"))
            st[2] = line
            yield line
        st[1] = True

    reader = csv.reader(lines(), strict=False)

    # --- header ---
    prev_ln = 0
    header = None
    header_line = 0
    try:
        for row in reader:
            start = prev_ln + 1
            prev_ln = reader.line_num
            if st[1]:
                fail("%s:%d: unterminated quoted field at end of file (quote opened on line %d)"
                     % (path, start, find_quote_line(path, start)))
            if not row or (len(row) == 1 and (row[0] == "" or row[0] == "\r")):
                continue
            header = row
            header_line = start
            break
    except csv.Error as e:
        fail("%s: CSV error: %s" % (path, e))
    if header is None:
        fail("%s: no header (empty file)" % path)

    names = [h.strip(" \t") for h in header]
    col = {}
    for i, h in enumerate(names):
        col.setdefault(ascii_lower(h), i)
    header_pos = {}
    for i, h in enumerate(names):
        header_pos.setdefault(h, i)
    missing = [r for r in ("Ticker", "Status", "Entry_Timestamp") if r.lower() not in col]
    if missing:
        fail("%s:%d: required column(s) missing from the header: %s"
             % (path, header_line, ", ".join(missing)))
    hn = len(header)

    def idx(name):
        return col.get(name.lower())

    i_uuid = idx("Position_UUID")
    i_ticker = idx("Ticker")
    i_strat = idx("Strategy_Type")
    i_status = idx("Status")
    i_entry = idx("Entry_Timestamp")
    i_exit = idx("Exit_Timestamp")
    i_pnl = idx("PnL")
    i_ret = idx("Return")
    i_dur = idx("Duration_Days")
    i_cur = idx("Current_Unrealized_PnL")
    i_exitp = idx("Avg_Exit_Price")
    numeric = [(col[c.lower()], names[col[c.lower()]]) for c in NUMERIC_COLUMNS if c.lower() in col]
    # numeric columns whose value is used later (others are only validated)
    n_ticker = names[i_ticker]
    n_status = names[i_status]
    n_entry = names[i_entry]
    n_exit = names[i_exit] if i_exit is not None else None

    # --- accumulators ---
    rows_read = 0
    rows_excluded = 0
    rows_with_issues = 0
    issues_total = 0
    issues = []
    n_ok = 0
    empties = [0] * hn

    total_trades = closed_trades = active_trades = 0
    first_entry = last_entry = None
    strategies = {}  # name -> [total, closed, active]
    tickers = {}     # ticker -> [trades, closed, active, wins, losses, breakevens, total_return, total_pnl]
    wins = losses = breakevens = 0
    win_ret_sum = 0.0
    win_ret_n = 0
    loss_ret_sum = 0.0
    loss_ret_n = 0
    win_pnl_sum = 0.0
    loss_pnl_sum = 0.0
    loss_pnl_n = 0
    ret_sum = 0.0
    ret_n = 0
    total_pnl = 0.0
    best = worst = None  # (return, uuid, ticker)
    dur_sum = 0.0
    dur_n = 0
    heap = []  # (key, -seq, record) min-heap of the newest open positions
    seq = 0

    num_match = NUM_RE.fullmatch
    isfinite = math.isfinite

    st[0] = 0
    try:
        for row in reader:
            start = prev_ln + 1
            prev_ln = reader.line_num
            if st[1]:
                fail("%s:%d: unterminated quoted field at end of file (quote opened on line %d)"
                     % (path, start, find_quote_line(path, start)))
            nbytes = st[0]
            st[0] = 0
            if not row or (len(row) == 1 and (row[0] == "" or row[0] == "\r")):
                continue
            rows_read += 1

            # 1 MiB limit: raw bytes of the record without its final line ending
            if nbytes > ROW_LIMIT:
                last = st[2]
                if last.endswith("\r\n"):
                    nbytes -= 2
                elif last.endswith("\n") or last.endswith("\r"):
                    nbytes -= 1
                if nbytes > ROW_LIMIT:
                    issues_total += 1
                    if len(issues) < MAX_ISSUES:
                        issues.append({"line": start, "column": None,
                                       "issue": "row longer than 1 MiB (%d bytes)" % nbytes})
                    rows_with_issues += 1
                    rows_excluded += 1
                    continue

            if len(row) != hn:
                issues_total += 1
                if len(issues) < MAX_ISSUES:
                    issues.append({"line": start, "column": None,
                                   "issue": "row has %d fields, header has %d" % (len(row), hn)})
                rows_with_issues += 1
                rows_excluded += 1
                continue

            cells = [c.strip(" \t") for c in row]
            n_ok += 1
            if "" in cells:
                for i, c in enumerate(cells):
                    if not c:
                        empties[i] += 1

            row_issues = []
            excluded = False

            ticker = cells[i_ticker]
            if not ticker:
                row_issues.append((n_ticker, "empty Ticker"))
                excluded = True
            elif not is_symbol(ticker):
                row_issues.append((n_ticker, "not a valid symbol"))
                excluded = True
            else:
                ticker = ascii_upper(ticker)

            status = ascii_lower(cells[i_status])
            if status == "closed":
                is_closed = True
            elif status == "open" or status == "active":
                is_closed = False
            else:
                row_issues.append((n_status, "unknown Status %r" % cells[i_status] if cells[i_status]
                                   else "empty Status"))
                excluded = True
                is_closed = None

            e = cells[i_entry]
            entry = parse_timestamp(e) if e else None
            if entry is None:
                row_issues.append((n_entry, "invalid Entry_Timestamp %r" % e if e
                                   else "empty Entry_Timestamp"))
                excluded = True

            exit_ts = None
            if i_exit is not None:
                x = cells[i_exit]
                if x:
                    exit_ts = parse_timestamp(x)
                    if exit_ts is None:
                        row_issues.append((n_exit, "invalid Exit_Timestamp %r" % x))

            vals = {}
            for i, name in numeric:
                c = cells[i]
                if c:
                    if num_match(c):
                        v = float(c)
                        if isfinite(v):
                            vals[i] = v
                        else:
                            row_issues.append((name, "number out of range %r" % c))
                    else:
                        row_issues.append((name, "not a number %r" % c))

            ret = vals.get(i_ret) if i_ret is not None else None
            pnl = vals.get(i_pnl) if i_pnl is not None else None
            if excluded:
                pass  # the consistency rules apply to trades only
            elif is_closed is True:
                if ret is None and pnl is None:
                    row_issues.append((None, "Closed row with neither Return nor PnL"))
            elif is_closed is False:
                has_exit_price = i_exitp is not None and i_exitp in vals
                if exit_ts is not None or has_exit_price:
                    row_issues.append((None, "Open row with an exit (Exit_Timestamp or Avg_Exit_Price)"))

            if row_issues:
                # one issue per problem, in the header's column order, row-level ones last
                row_issues.sort(key=lambda ci: header_pos.get(ci[0], len(header_pos)))
                rows_with_issues += 1
                issues_total += len(row_issues)
                for c, text in row_issues:
                    if len(issues) < MAX_ISSUES:
                        issues.append({"line": start, "column": c, "issue": text})
            if excluded:
                rows_excluded += 1
                continue

            # ---- a trade ----
            total_trades += 1
            ed = entry[0]
            if first_entry is None or ed < first_entry:
                first_entry = ed
            if last_entry is None or ed > last_entry:
                last_entry = ed
            strat = cells[i_strat] if i_strat is not None else ""
            if not strat:
                strat = "unspecified"
            s = strategies.get(strat)
            if s is None:
                s = strategies[strat] = [0, 0, 0]
            s[0] += 1
            t = tickers.get(ticker)
            if t is None:
                t = tickers[ticker] = [0, 0, 0, 0, 0, 0, 0.0, 0.0]
            t[0] += 1

            if is_closed:
                closed_trades += 1
                s[1] += 1
                t[1] += 1
                o = ret if ret is not None else pnl
                if o is not None:
                    if o > 0:
                        wins += 1
                        t[3] += 1
                        if ret is not None:
                            win_ret_sum += ret
                            win_ret_n += 1
                        if pnl is not None:
                            win_pnl_sum += pnl
                    elif o < 0:
                        losses += 1
                        t[4] += 1
                        if ret is not None:
                            loss_ret_sum += ret
                            loss_ret_n += 1
                        if pnl is not None:
                            loss_pnl_sum += pnl
                            loss_pnl_n += 1
                    else:
                        breakevens += 1
                        t[5] += 1
                if ret is not None:
                    ret_sum += ret
                    ret_n += 1
                    t[6] += ret
                    uuid = cells[i_uuid] if i_uuid is not None else ""
                    if best is None or ret > best[0]:
                        best = (ret, uuid, ticker)
                    if worst is None or ret < worst[0]:
                        worst = (ret, uuid, ticker)
                if pnl is not None:
                    total_pnl += pnl
                    t[7] += pnl
                if i_dur is not None:
                    d = vals.get(i_dur)
                    if d is not None:
                        dur_sum += d
                        dur_n += 1
            else:
                active_trades += 1
                s[2] += 1
                t[2] += 1
                key = ed if by_date else ed * 86400 + entry[1]
                seq += 1
                if len(heap) < MAX_ACTIVE or key > heap[0][0]:
                    uuid = cells[i_uuid] if i_uuid is not None else ""
                    rec = (uuid, ticker, strat, ed,
                           vals.get(i_cur) if i_cur is not None else None)
                    if len(heap) < MAX_ACTIVE:
                        heapq.heappush(heap, (key, -seq, rec))
                    else:
                        heapq.heapreplace(heap, (key, -seq, rec))
    except csv.Error as e:
        fail("%s:%d: CSV error: %s" % (path, prev_ln + 1, e))
    f.close()

    def rate(w, l, b):
        n = w + l + b
        return w / n if n else None

    def trade_obj(t):
        if t is None:
            return None
        return {"uuid": clean_str(t[1]) or None, "ticker": clean_str(t[2]), "return": t[0]}

    active = sorted(heap, key=lambda x: (-x[0], -x[1]))
    out = {
        "portfolio_summary": {
            "total_trades": total_trades,
            "closed_trades": closed_trades,
            "active_trades": active_trades,
            "unique_tickers": len(tickers),
            "first_entry_date": format_days(first_entry) if first_entry is not None else None,
            "last_entry_date": format_days(last_entry) if last_entry is not None else None,
        },
        "strategy_distribution": {
            clean_str(k): {"total": v[0], "closed": v[1], "active": v[2]}
            for k, v in sorted(strategies.items())
        },
        "ticker_performance": {
            clean_str(k): {
                "trades": v[0], "closed": v[1], "active": v[2],
                "wins": v[3], "losses": v[4], "breakevens": v[5],
                "total_return": finite_or_none(v[6]), "total_pnl": finite_or_none(v[7]),
                "win_rate": rate(v[3], v[4], v[5]),
            }
            for k, v in sorted(tickers.items())
        },
        "performance_metrics": {
            "closed_trades": closed_trades,
            "wins": wins,
            "losses": losses,
            "breakevens": breakevens,
            "win_rate": rate(wins, losses, breakevens),
            "average_win_return": finite_or_none(win_ret_sum / win_ret_n) if win_ret_n else None,
            "average_loss_return": finite_or_none(loss_ret_sum / loss_ret_n) if loss_ret_n else None,
            "profit_factor": (finite_or_none(win_pnl_sum / abs(loss_pnl_sum))
                              if loss_pnl_n and loss_pnl_sum != 0 else None),
            "expectancy": finite_or_none(ret_sum / ret_n) if ret_n else None,
            "total_pnl": finite_or_none(total_pnl),
            "best_trade": trade_obj(best),
            "worst_trade": trade_obj(worst),
            "average_duration_days": finite_or_none(dur_sum / dur_n) if dur_n else None,
        },
        "active_positions": [
            {
                "uuid": clean_str(r[0]) or None,
                "ticker": clean_str(r[1]),
                "strategy": clean_str(r[2]),
                "entry_date": format_days(r[3]),
                "days_held": today - r[3],
                "current_unrealized_return": r[4],
            }
            for _, _, r in active
        ],
        "data_quality_assessment": {
            "rows_read": rows_read,
            "rows_excluded": rows_excluded,
            "rows_with_issues": rows_with_issues,
            "issues_total": issues_total,
            "issues": [
                {"line": i["line"], "column": clean_str(i["column"]), "issue": clean_str(i["issue"])}
                for i in issues
            ],
            "completeness": {},
        },
    }
    comp = out["data_quality_assessment"]["completeness"]
    for i, name in enumerate(names):
        k = clean_str(name)
        if k not in comp:
            comp[k] = (n_ok - empties[i]) / n_ok if n_ok else None

    indent = None if args.indent < 0 else args.indent
    json.dump(out, sys.stdout, indent=indent)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
