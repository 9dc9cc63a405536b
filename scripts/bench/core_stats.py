#!/usr/bin/env python3
"""Issue 11's yardstick: Python's csv module doing Phase 1's core statistics
in one pass: rows per ticker, closed and open trades, wins and losses, sums of
PnL and Return (Return first, PnL when there is none, decides a win). Not the
full rules (reference_stats.py has them): what a plain Python reading costs.

usage: core_stats.py CSV   -> a small JSON document on stdout
"""
import csv
import json
import sys


def number(s):
    try:
        return float(s)
    except ValueError:
        return None


def main():
    tickers = {}
    closed = active = wins = losses = 0
    pnl_sum = return_sum = 0.0
    with open(sys.argv[1], newline="", encoding="utf-8-sig", errors="surrogateescape") as f:
        rows = csv.reader(f)
        header = [h.strip() for h in next(rows)]
        width = len(header)
        ticker, status, pnl_col, return_col = (header.index(c) for c in ("Ticker", "Status", "PnL", "Return"))
        for row in rows:
            if len(row) != width:
                continue
            t = row[ticker].strip().upper()
            counts = tickers.get(t)
            if counts is None:
                counts = tickers[t] = [0, 0, 0]  # trades, wins, losses
            counts[0] += 1
            if row[status].strip().lower() != "closed":
                active += 1
                continue
            closed += 1
            pnl, ret = number(row[pnl_col]), number(row[return_col])
            if pnl is not None:
                pnl_sum += pnl
            if ret is not None:
                return_sum += ret
            outcome = ret if ret is not None else pnl
            if outcome is not None and outcome > 0:
                wins += 1
                counts[1] += 1
            elif outcome is not None and outcome < 0:
                losses += 1
                counts[2] += 1
    json.dump({"closed": closed, "active": active, "wins": wins, "losses": losses, "total_pnl": pnl_sum,
               "total_return": return_sum, "tickers": len(tickers)}, sys.stdout)


if __name__ == "__main__":
    main()
