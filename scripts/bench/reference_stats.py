#!/usr/bin/env python3
"""Independent reference implementation of the Phase 1 trade-history
statistics of trade-history-discover (docs/STATISTICS.md, SPEC section 4.2).

    reference_stats.py CSV --today YYYY-MM-DD [--order-by timestamp|date]

Prints one JSON document to stdout with the keys portfolio_summary,
strategy_distribution, ticker_performance, performance_metrics,
strategy_performance, trade_analysis, active_positions and
data_quality_assessment.  Sums follow docs/STATISTICS.md, "Exact sums": each
term is decimal.Decimal(repr(float(cell))) (the shortest decimal of the
cell's double); a sum is exact (Python integers at scale 1e8, then the
nearest double) while every term has at most 8 decimals and |term| * 1e8 <
2^53, and a Neumaier sum in file order from the first term that does not,
starting from the exact sum so far.  Missing values are null.

Exit status: 0 on success; 2 on bad usage; 3 when the file is not a
trade-history CSV (no header, a required column missing, an unterminated
quote at the end of the file) or cannot be read.

Written from the rules in docs/STATISTICS.md only (not from the C++ code),
so that the two can be compared.  Python 3 standard library only; one
streamed pass, memory bounded by the number of distinct tickers,
strategies, exit dates and months (plus the 50 first issues and the 1,000
newest open positions), and by the closed trades' Returns: the SQN keeps
every exact Return term, to compute its variance exactly with Fractions
when the integer route would reach 2^127 (one int per closed trade).

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
from decimal import Decimal
from fractions import Fraction
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


TWO53 = 2 ** 53
TWO127 = 2 ** 127


def scaled_of(v):
    """The term of a finite double v at scale 1e8 (an int), or None when the
    shortest decimal of v has more than 8 decimals or |v| * 1e8 >= 2^53."""
    d = Decimal(repr(v)).scaleb(8)
    if d != d.to_integral_value() or abs(d) >= TWO53:
        return None
    return int(d)


def to_double(scaled):
    """The double nearest scaled / 1e8 (Fraction -> float rounds correctly)."""
    return float(Fraction(scaled, 10 ** 8))


def neumaier(s, c, v):
    t = s + v
    if abs(s) >= abs(v):
        c += (s - t) + v
    else:
        c += (v - t) + s
    return t, c


class Acc:
    """One sum of docs/STATISTICS.md, "Exact sums"."""
    __slots__ = ("exact", "only", "s", "c")

    def __init__(self):
        self.exact = 0
        self.only = True
        self.s = 0.0
        self.c = 0.0

    def add(self, v, sc):
        if self.only and sc is not None:
            self.exact += sc
            return
        if self.only:
            self.only = False
            self.s = to_double(self.exact)
            self.c = 0.0
        self.s, self.c = neumaier(self.s, self.c, v)

    def value(self):
        """The figure, or None when it is not a finite double (overflow)."""
        v = to_double(self.exact) if self.only else self.s + self.c
        return v if math.isfinite(v) else None


class SquareAcc:
    """The spread of the Returns (SQN): exact integers (n, sum of s at scale
    1e8, sum of s^2 at scale 1e16) while every term is exact and the sum of
    squares stays below 2^127 (when n * that sum reaches 2^127, M2 is the sum
    of (r - mean)^2 in Fractions over the exact terms kept); then Welford's
    mean and M2 in file order, starting from the exact ones."""

    def __init__(self):
        self.exact = 0
        self.linear = 0
        self.terms = []  # the exact terms (scale 1e8), while only
        self.n = 0
        self.only = True
        self.mean = 0.0
        self.m2 = 0.0

    def add(self, v, sc):
        if self.only:
            if sc is not None and self.exact + sc * sc < TWO127:
                self.exact += sc * sc
                self.linear += sc
                self.terms.append(sc)
                self.n += 1
                return
            self.m2 = self.spread()
            self.mean = to_double(self.linear) / float(self.n) if self.n else 0.0
            self.only = False
            self.terms = []
        self.n += 1
        delta = v - self.mean
        self.mean += delta / float(self.n)
        self.m2 += delta * (v - self.mean)

    def spread(self):
        """M2 = sum of (r - mean)^2."""
        if not self.only:
            return self.m2
        if self.n == 0:
            return 0.0
        k = float(self.n)
        if self.n * self.exact < TWO127 and self.linear * self.linear < TWO127:
            return float(self.n * self.exact - self.linear * self.linear) / k / 1e16
        # Beyond that, exactly with Fractions over the exact terms themselves:
        # M2 = sum of (r - mean)^2, mean = sum / n (not the C++ divmod route).
        mean = Fraction(self.linear, 10 ** 8 * self.n)
        return float(sum((Fraction(sc, 10 ** 8) - mean) ** 2 for sc in self.terms))


def mean_of(acc, n):
    if not n:
        return None
    v = acc.value()
    return None if v is None else v / n


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


def drawdown(dates, cum, to_float):
    """docs/STATISTICS.md, "Drawdown": `cum` the cumulative PnL per exit date
    (ints at scale 1e8 when exact, else floats)."""
    n = len(cum)
    peak, peak_i = 0, None
    best = 0
    best_i = best_peak_i = None
    best_peak = 0
    rel = None
    for i, c in enumerate(cum):
        if c > peak:
            peak, peak_i = c, i
        d = peak - c
        if d > best:
            best, best_i, best_peak_i, best_peak = d, i, peak_i, peak
        if peak > 0:
            fd = to_float(d)
            # d can overflow a double while d / peak is small: then 1 - c / peak
            r = fd / to_float(peak) if math.isfinite(fd) else 1 - to_float(c) / to_float(peak)
            if rel is None or r > rel:
                rel = r
    # under-water periods: maximal runs of dates below the running peak
    longest = None  # (days, start, end, recovered)
    peak, level_i = 0, None  # level_i: the last date with c == peak, where a period starts
    i = 0
    while i < n:
        if cum[i] < peak:
            start = dates[level_i] if level_i is not None else dates[0]
            j = i
            while j < n and cum[j] < peak:
                j += 1
            end, recovered = (dates[j], True) if j < n else (dates[n - 1], False)
            if longest is None or end - start > longest[0]:
                longest = (end - start, start, end, recovered)
            i = j
            continue
        if cum[i] > peak:
            peak = cum[i]
        level_i = i
        i += 1
    recovery = None
    if best_i is not None:
        for j in range(best_i + 1, n):
            if cum[j] >= best_peak:
                recovery = dates[j]
                break
    return {
        "max": to_float(best),
        "max_relative": rel,
        "max_relative_reason": None if rel is not None else "the cumulative PnL never rose above 0",
        "peak_date": format_days(dates[best_peak_i]) if best_peak_i is not None else None,
        "trough_date": format_days(dates[best_i]) if best_i is not None else None,
        "recovery_date": format_days(recovery) if recovery is not None else None,
        "longest_days": longest[0] if longest else 0,
        "longest_start": format_days(longest[1]) if longest else None,
        "longest_end": format_days(longest[2]) if longest else None,
        "longest_recovered": longest[3] if longest else None,
        "current": to_float(peak - cum[-1]),
    }, best_i, best_peak_i


def analysis(days, months, bins, binned, with_exit, without_exit, exc_trades, exc, winners_with_mfe, gave_back,
             ret_sum, ret_squares, ret_n):
    order = sorted(days)
    # streaks: every outcome in exit order (date, then file order)
    win = lose = 0
    longest_win = longest_loss = 0
    last = None
    for day in order:
        for kind in days[day][2]:
            last = kind
            win = win + 1 if kind == 1 else 0
            lose = lose + 1 if kind == -1 else 0
            longest_win = max(longest_win, win)
            longest_loss = max(longest_loss, lose)
    current_kind = {1: "win", -1: "loss"}.get(last)
    current_length = win if last == 1 else lose if last == -1 else 0
    # equity curve
    curve = [d for d in order if days[d][1]]
    points_total = len(curve)
    dd = {"max": None, "max_relative": None, "max_relative_reason": None, "peak_date": None,
          "trough_date": None, "recovery_date": None, "longest_days": 0, "longest_start": None,
          "longest_end": None, "longest_recovered": None, "current": None}
    points = []
    downsampled = False
    if not curve:
        dd["max_relative_reason"] = "no closed trade with an exit date and a PnL"
    else:
        if all(days[d][0].only for d in curve):
            cum, c = [], 0
            for d in curve:
                c += days[d][0].exact
                cum.append(c)
            to_float = to_double
        else:
            cum, s, c = [], 0.0, 0.0
            for d in curve:
                v = days[d][0].value()
                s, c = neumaier(s, c, v if v is not None else math.inf)
                cum.append(s + c)
            to_float = float
        if all(math.isfinite(to_float(x)) for x in cum):
            dd, trough_i, peak_i = drawdown(curve, cum, to_float)
            # a drawdown between finite values can leave the double range: null, with a reason
            beyond = False
            for key in ("max", "current", "max_relative"):
                if dd[key] is not None and not math.isfinite(dd[key]):
                    dd[key] = None
                    beyond = True
            if beyond and dd["max_relative"] is None:
                dd["max_relative_reason"] = "the drawdown is beyond the range of a double"
            n = len(curve)
            k = -(-n // 2000) if n > 2000 else 1
            downsampled = k > 1
            points = [[format_days(curve[i]), to_float(cum[i])] for i in range(n)
                      if i % k == 0 or i == n - 1 or i == trough_i or i == peak_i]
        else:
            dd["max_relative_reason"] = "the cumulative PnL is beyond the range of a double"
    # SQN
    mean = mean_of(ret_sum, ret_n)
    stdev = value = None
    reason = None
    if ret_n >= 2 and mean is not None:
        n = float(ret_n)
        a, b = ret_squares.exact, ret_sum.exact
        if ret_sum.only and ret_squares.only and ret_n * a < TWO127 and b * b < TWO127:
            stdev = math.sqrt(float(ret_n * a - b * b) / (n * (n - 1))) / 1e8
        else:
            # Welford's M2 in file order: not finite (nan or inf) when the squares overflow
            var = ret_squares.spread() / (n - 1)
            if math.isfinite(var):
                stdev = math.sqrt(max(0.0, var))
        if stdev is None:
            reason = "the squares of the Returns are beyond the range of a double"
        elif stdev == 0:
            reason = "the Returns do not vary (their standard deviation is 0)"
        else:
            value = math.sqrt(n) * mean / stdev
    else:
        reason = ("fewer than 2 closed trades with a Return" if ret_n < 2
                  else "the mean Return is beyond the range of a double")
    return {
        "exit_order": {"trades": with_exit, "without_exit_date": without_exit},
        "equity_curve": {"trades": sum(days[d][1] for d in curve), "points_total": points_total,
                         "downsampled": downsampled, "points": points},
        "drawdown": dd,
        "streaks": {"longest_winning": longest_win, "longest_losing": longest_loss,
                    "current_kind": current_kind, "current_length": current_length},
        "excursions": {
            "trades": exc_trades,
            "average_mfe": mean_of(*exc["mfe"]), "average_mae": mean_of(*exc["mae"]),
            "average_exit_efficiency": mean_of(*exc["eff"]),
            "winners_with_mfe": winners_with_mfe, "winners_gave_back_half": gave_back,
            "gave_back_half_share": gave_back / winners_with_mfe if winners_with_mfe else None,
        },
        "monthly_pnl": [{"month": "%04d-%02d" % ym, "pnl": months[ym][0].value(), "trades": months[ym][1]}
                        for ym in sorted(months)],
        "sqn": {"value": value, "trades": ret_n, "mean_return": mean, "stdev_return": stdev, "reason": reason},
        "return_distribution": {
            "bin_width": 0.05, "trades": binned,
            "bins": [{"from": i / 20.0 if i > -40 else None, "to": (i + 1) / 20.0 if i < 39 else None,
                      "wins": bins[i][0], "losses": bins[i][1], "breakevens": bins[i][2]} for i in sorted(bins)],
        },
    }


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
    i_mfe = idx("Max_Favourable_Excursion")
    i_mae = idx("Max_Adverse_Excursion")
    i_eff = idx("Exit_Efficiency")
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
    win_ret_sum = Acc()
    win_ret_n = 0
    loss_ret_sum = Acc()
    loss_ret_n = 0
    win_pnl_sum = Acc()
    loss_pnl_sum = Acc()
    loss_pnl_n = 0
    ret_sum = Acc()
    ret_n = 0
    ret_squares = SquareAcc()
    total_pnl = Acc()
    best = worst = None  # (return, uuid, ticker)
    dur_sum = Acc()
    dur_n = 0
    win_dur, loss_dur = Acc(), Acc()
    win_dur_n = loss_dur_n = 0
    # per strategy: closed, wins, losses, breakevens, win_pnl, loss_pnl, loss_pnl_n, total_pnl, ret, ret_n, dur, dur_n
    strat_perf = {}
    with_exit = without_exit = 0
    exc_trades = 0
    exc = {"mfe": [Acc(), 0], "mae": [Acc(), 0], "eff": [Acc(), 0]}
    winners_with_mfe = gave_back = 0
    days = {}    # exit day -> [pnl Acc, trades with PnL, outcomes (list, file order)]
    months = {}  # (year, month) -> [pnl Acc, trades]
    bins = {}    # index -> [wins, losses, breakevens]
    binned = 0
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
                t = tickers[ticker] = [0, 0, 0, 0, 0, 0, Acc(), Acc()]
            t[0] += 1

            if is_closed:
                closed_trades += 1
                s[1] += 1
                t[1] += 1
                sp = strat_perf.get(strat)
                if sp is None:
                    sp = strat_perf[strat] = [0, 0, 0, 0, Acc(), Acc(), 0, Acc(), Acc(), 0, Acc(), 0]
                sp[0] += 1
                ret_sc = scaled_of(ret) if ret is not None else None
                pnl_sc = scaled_of(pnl) if pnl is not None else None
                d = vals.get(i_dur) if i_dur is not None else None
                d_sc = scaled_of(d) if d is not None else None
                o = ret if ret is not None else pnl
                kind = None
                if o is not None:
                    if o > 0:
                        kind = 1
                        wins += 1
                        t[3] += 1
                        sp[1] += 1
                        if ret is not None:
                            win_ret_sum.add(ret, ret_sc)
                            win_ret_n += 1
                        if pnl is not None:
                            win_pnl_sum.add(pnl, pnl_sc)
                            sp[4].add(pnl, pnl_sc)
                        if d is not None:
                            win_dur.add(d, d_sc)
                            win_dur_n += 1
                    elif o < 0:
                        kind = -1
                        losses += 1
                        t[4] += 1
                        sp[2] += 1
                        if ret is not None:
                            loss_ret_sum.add(ret, ret_sc)
                            loss_ret_n += 1
                        if pnl is not None:
                            loss_pnl_sum.add(pnl, pnl_sc)
                            loss_pnl_n += 1
                            sp[5].add(pnl, pnl_sc)
                            sp[6] += 1
                        if d is not None:
                            loss_dur.add(d, d_sc)
                            loss_dur_n += 1
                    else:
                        kind = 0
                        breakevens += 1
                        t[5] += 1
                        sp[3] += 1
                if ret is not None:
                    ret_sum.add(ret, ret_sc)
                    ret_n += 1
                    ret_squares.add(ret, ret_sc)
                    t[6].add(ret, ret_sc)
                    sp[8].add(ret, ret_sc)
                    sp[9] += 1
                    uuid = cells[i_uuid] if i_uuid is not None else ""
                    if best is None or ret > best[0]:
                        best = (ret, uuid, ticker)
                    if worst is None or ret < worst[0]:
                        worst = (ret, uuid, ticker)
                    # the bin: floor(Return / 0.05), exactly on the decimal when it is one
                    if ret_sc is not None:
                        b = ret_sc // 5000000
                    else:  # clamped before floor: ret / 0.05 is infinite for |ret| >= ~9e306
                        q = ret / 0.05
                        b = -40 if q < -40 else 39 if q >= 40 else math.floor(q)
                    b = min(39, max(-40, b))
                    counts = bins.setdefault(b, [0, 0, 0])
                    counts[0 if kind == 1 else 1 if kind == -1 else 2] += 1
                    binned += 1
                if pnl is not None:
                    total_pnl.add(pnl, pnl_sc)
                    t[7].add(pnl, pnl_sc)
                    sp[7].add(pnl, pnl_sc)
                if d is not None:
                    dur_sum.add(d, d_sc)
                    dur_n += 1
                    sp[10].add(d, d_sc)
                    sp[11] += 1
                ex = {}
                for name, i in (("mfe", i_mfe), ("mae", i_mae), ("eff", i_eff)):
                    if i is not None and i in vals:
                        ex[name] = vals[i]
                if ex:
                    exc_trades += 1
                    for name, v in ex.items():
                        exc[name][0].add(v, scaled_of(v))
                        exc[name][1] += 1
                    mfe = ex.get("mfe")
                    if kind == 1 and mfe is not None and ret is not None and mfe > 0:
                        winners_with_mfe += 1
                        mfe_sc = scaled_of(mfe)
                        if ret_sc is not None and mfe_sc is not None:
                            gave = 2 * ret_sc < mfe_sc
                        else:
                            gave = ret < mfe / 2
                        gave_back += gave
                if exit_ts is None:
                    without_exit += 1
                else:
                    with_exit += 1
                    if pnl is not None or kind is not None:
                        day = days.setdefault(exit_ts[0], [Acc(), 0, []])
                        if kind is not None:
                            day[2].append(kind)
                        if pnl is not None:
                            day[0].add(pnl, pnl_sc)
                            day[1] += 1
                            y, mo, _ = civil_from_days(exit_ts[0])
                            month = months.setdefault((y, mo), [Acc(), 0])
                            month[0].add(pnl, pnl_sc)
                            month[1] += 1
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

    def profit_factor(win_acc, loss_acc, loss_n):
        if not loss_n:
            return None
        w, lo = win_acc.value(), loss_acc.value()
        if w is None or lo is None or lo == 0:
            return None
        return finite_or_none(w / abs(lo))

    def trade_analysis():
        return analysis(days, months, bins, binned, with_exit, without_exit, exc_trades, exc,
                        winners_with_mfe, gave_back, ret_sum, ret_squares, ret_n)

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
                "total_return": v[6].value(), "total_pnl": v[7].value(),
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
            "average_win_return": mean_of(win_ret_sum, win_ret_n),
            "average_loss_return": mean_of(loss_ret_sum, loss_ret_n),
            "profit_factor": profit_factor(win_pnl_sum, loss_pnl_sum, loss_pnl_n),
            "expectancy": mean_of(ret_sum, ret_n),
            "total_pnl": total_pnl.value(),
            "best_trade": trade_obj(best),
            "worst_trade": trade_obj(worst),
            "average_duration_days": mean_of(dur_sum, dur_n),
            "average_win_duration_days": mean_of(win_dur, win_dur_n),
            "average_loss_duration_days": mean_of(loss_dur, loss_dur_n),
        },
        "strategy_performance": {
            clean_str(k): {
                "closed_trades": v[0], "wins": v[1], "losses": v[2], "breakevens": v[3],
                "win_rate": rate(v[1], v[2], v[3]),
                "profit_factor": profit_factor(v[4], v[5], v[6]),
                "expectancy": mean_of(v[8], v[9]),
                "total_pnl": v[7].value(),
                "average_duration_days": mean_of(v[10], v[11]),
            }
            for k, v in sorted((k, strat_perf.get(k, [0, 0, 0, 0, Acc(), Acc(), 0, Acc(), Acc(), 0, Acc(), 0]))
                               for k in strategies)
        },
        "trade_analysis": trade_analysis(),
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
