#!/usr/bin/env python3
"""Generate a large, deterministic data directory for the inventory and
cache-optimize benchmarks of trade-history-discover.

    gen_inventory_data.py --out DIR [--tickers 20000] [--dates 5]
                          [--cache-entries 100000] [--now 2026-11-22T12:00:00Z]
                          [--seed 42] [--manifest FILE]

Creates (SPEC sections 3 and 5):

  DIR/outputs/fundamental_analysis/<TICKER>_<YYYYMMDD>.md   tickers x dates, ~2 KB each
  DIR/outputs/sector_analysis/<sector>_<YYYYMMDD>.md         the 11 sectors
  DIR/cache/<service>/<md5(service + "_" + key)>.json       --cache-entries entries:
      88% fresh, 10% expired, 1% corrupt, 1% legacy (old flat layout,
      DIR/cache/<md5(key)>.json), plus 5 leftover temporary files in
      DIR/cache/yahoo_finance/ with an mtime 2 hours before --now.

Fresh/expired/future are relative to --now (default fixed, for reproducible
output). A tool that judges freshness by the real clock should be run with
--now now (current UTC time) or its 900-second entries will all look expired.
Cache entry mtimes are spread over the 30 days before --now so LRU eviction
has something to sort; markdown mtimes are spread over 120 days and unrelated
to the date in the file name (selection goes by name, never by mtime).

Legacy timestamps: the {"timestamp", "data"} format uses a naive ISO time with
microseconds (what datetime.now().isoformat() wrote); the formats carrying
service and ttl_seconds use YYYY-MM-DDTHH:MM:SSZ.

Python 3 standard library only. Output depends only on the arguments.
"""

import argparse
import calendar
import hashlib
import json
import os
import random
import struct
import sys
import time

DAY = 86400

SECTORS = ["technology", "healthcare", "financials", "industrials",
           "communication_services", "consumer_discretionary", "consumer_staples",
           "energy", "materials", "utilities", "real_estate"]
SECTOR_TITLES = {s: s.replace("_", " ").title() for s in SECTORS}


def md5hex(text):
    return hashlib.md5(text.encode("utf-8")).hexdigest()


def iso(ts):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))


def ymd(ts, sep=""):
    return time.strftime(f"%Y{sep}%m{sep}%d", time.gmtime(ts))


def parse_now(text):
    if text == "now":
        return int(time.time())
    try:
        return calendar.timegm(time.strptime(text, "%Y-%m-%dT%H:%M:%SZ"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected YYYY-MM-DDTHH:MM:SSZ or 'now', got {text!r}")


def positive_int(text):
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a non-negative integer, got {text!r}")
    return value


def ticker(i):
    """Unique symbol for index i >= 1; mostly T00001, some share-class style names."""
    if i % 40 == 0:
        return f"X{i:05d}.A"
    if i % 40 == 20:
        return f"Y{i:05d}-B"
    return f"T{i:05d}"


class Writer:
    """Counts files and bytes; sets mtimes."""

    def __init__(self):
        self.files = 0
        self.bytes = 0

    def write(self, path, text, mtime=None):
        # Raw fd calls: about half the syscalls of open()/utime(path), which
        # dominate the run time at 200k files.
        data = text.encode("utf-8")
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            if mtime is not None:
                os.utime(fd, (mtime, mtime))
        finally:
            os.close(fd)
        self.files += 1
        self.bytes += len(data)


# --------------------------------------------------------------------------
# Fundamental analysis markdown

NAME_A = ["Northwind", "Blue Ridge", "Crescent", "Summit", "Harbor", "Granite", "Pioneer",
          "Silverline", "Keystone", "Meridian", "Cedar", "Atlas", "Beacon", "Redwood", "Lakeshore",
          "Ironclad", "Evergreen", "Falcon", "Orion", "Sterling"]
NAME_B = ["Analytics", "Holdings", "Energy", "Therapeutics", "Systems", "Financial", "Materials",
          "Logistics", "Networks", "Foods", "Semiconductor", "Realty", "Brands", "Industries",
          "Software", "Utilities", "Media", "Devices", "Capital", "Robotics"]
NAME_C = ["Inc.", "Corp.", "Group", "Co.", "plc", "Holdings Inc.", "Ltd."]

THESIS = [
    "Revenue grew {g:.1f}% year over year, ahead of the {g2:.1f}% consensus, with pricing contributing roughly half of the increase.",
    "Management raised full-year guidance for the second time, citing stronger demand in its largest segment and stable input costs.",
    "Free cash flow conversion above 90% of net income funds a buyback of about {b:.1f}% of shares outstanding per year.",
    "Operating margin expanded {m:.0f} basis points as the restructuring program moved from cost to savings.",
    "The balance sheet carries net debt of {nd:.1f}x EBITDA, comfortably inside the covenant and rating-agency thresholds.",
    "A new product cycle starts next year; early order books suggest a replacement rate above the last cycle.",
    "Recurring revenue now accounts for {r:.0f}% of sales, which lowers earnings volatility through the cycle.",
    "Market share gains in the core category continued for the sixth consecutive quarter.",
    "Capital expenditure peaks this year, after which depreciation growth slows and margins should benefit.",
    "Insider buying by two directors after the last earnings release signals confidence in the outlook.",
]
RISKS = [
    "Customer concentration: the top three customers account for about {c:.0f}% of revenue.",
    "Input-cost inflation could compress gross margin if pricing actions lag.",
    "Regulatory review of the pending acquisition may delay synergies by a year.",
    "Currency translation: roughly {fx:.0f}% of sales are outside the United States.",
    "A cyclical slowdown would hit volumes before the cost base can adjust.",
    "Refinancing of the notes due in two years at higher coupons.",
    "Competitive pricing from a well-funded new entrant.",
    "Key-person risk after the founder's planned retirement.",
]
CATALYSTS = [
    "Quarterly results in about six weeks.", "Investor day scheduled for the spring.",
    "Completion of the divestiture of the non-core unit.", "Annual price increases take effect in January.",
    "Index inclusion review at the next quarterly rebalance.", "FDA decision on the lead product.",
    "Capacity expansion comes online next quarter.", "Dividend review at the annual meeting.",
]
FILLER = [
    "Our model assumes revenue growth converges to the industry rate over five years, with terminal margins held at the current level. The discount rate reflects a beta near one and an equity risk premium of five percent.",
    "Channel checks with distributors point to steady sell-through and normal inventory levels. We see no sign of the double ordering that preceded the last correction in this industry.",
    "Peers trade at a modest premium on forward earnings, which we think is justified only partly by their higher growth. The gap has narrowed over the past two quarters.",
    "Sensitivity: each one-point change in the long-term growth assumption moves our valuation by about eight percent; each point of margin moves it by about six percent.",
    "The company reports in two segments. The larger one is mature and cash-generative, the smaller one is growing faster and still absorbs investment.",
    "Consensus estimates have moved up modestly since the last report, and the dispersion of analyst forecasts is lower than usual.",
    "Short interest is low at about two percent of the float, and institutional ownership is stable.",
]
REC_STYLES = [
    "**Recommendation: {r} | Conviction: {c}/1.0**",
    "### Recommendation: {r} | Conviction: {c}/1.0",
    "- **Recommendation**: {r} | **Conviction**: {c}/1.0",
    "Recommendation: {r} | Conviction: {c}/1.0",
    "### Recommendation: {r}",
    "Recommendation: {r}",
]
FV_STYLES = [
    "**Fair Value Range: ${lo} - ${hi} (Current: ${cur})**",
    "Fair Value Range: ${lo} - ${hi} (Current: ${cur})",
    "### Fair Value Range: ${lo} - ${hi} (Current: ${cur})",
    "- **Fair Value Range**: ${lo} - ${hi} (Current: ${cur})",
]


def money(x, rng):
    """Formats like analysts do: thousands separators, sometimes no cents."""
    if x >= 1000:
        return f"{x:,.2f}" if rng.random() < 0.7 else f"{x:,.0f}"
    if rng.random() < 0.3:
        return f"{x:.0f}"
    return f"{x:.2f}"


def fundamental_md(rng, sym, date_ts):
    name = f"{rng.choice(NAME_A)} {rng.choice(NAME_B)} {rng.choice(NAME_C)}"
    sector = SECTOR_TITLES[rng.choice(SECTORS)]
    price = rng.uniform(4.0, 1400.0) if rng.random() < 0.97 else rng.uniform(1400.0, 4000.0)
    lo = price * rng.uniform(0.7, 1.1)
    hi = lo * rng.uniform(1.08, 1.4)
    rec = rng.choice(["BUY", "HOLD", "HOLD", "SELL"])
    if lo > price:
        rec = "BUY"
    elif hi < price:
        rec = "SELL"
    conv = rng.choice(["0.4", "0.5", "0.55", "0.6", "0.65", "0.7", "0.75", "0.8", "0.85", "0.9"])
    rec_line = rng.choice(REC_STYLES).format(r=rec, c=conv)
    fv_line = rng.choice(FV_STYLES).format(lo=money(lo, rng), hi=money(hi, rng), cur=f"{price:,.2f}")
    if rng.random() < 0.02:
        rec_line = None
    if rng.random() < 0.01:
        fv_line = None

    nums = dict(g=rng.uniform(2, 25), g2=rng.uniform(1, 20), b=rng.uniform(1, 5), m=rng.uniform(40, 300),
                nd=rng.uniform(0.2, 3.5), r=rng.uniform(30, 85), c=rng.uniform(15, 45), fx=rng.uniform(10, 60))
    thesis = ["## Investment Thesis", ""] + ["- " + t.format(**nums) for t in rng.sample(THESIS, 4)] + [""]
    pe = rng.uniform(8, 60)
    metrics = ["## Key Metrics", "", "| Metric | Value |", "|---|---|",
               f"| Price | ${price:,.2f} |",
               f"| Market Cap | ${rng.uniform(0.5, 900):.1f}B |",
               f"| P/E (TTM) | {pe:.1f}x |",
               f"| Forward P/E | {pe * rng.uniform(0.75, 0.98):.1f}x |",
               f"| EPS (TTM) | ${price / pe:.2f} |",
               f"| Revenue Growth (YoY) | {nums['g']:.1f}% |",
               f"| Operating Margin | {rng.uniform(3, 45):.1f}% |",
               f"| FCF Yield | {rng.uniform(0.5, 8):.1f}% |",
               f"| Dividend Yield | {rng.uniform(0, 5):.2f}% |", ""]
    risks = ["## Risks", ""] + [f"{i}. {t.format(**nums)}" for i, t in enumerate(rng.sample(RISKS, 3), 1)] + [""]
    catalysts = ["## Catalysts", ""] + ["- " + t for t in rng.sample(CATALYSTS, 2)] + [""]
    sections = [thesis, metrics, risks, catalysts]

    # Place the two parsed lines at varying positions: 0 = summary at the top,
    # 1..3 = after a section, 4 = conclusion at the end.
    slots = {k: [] for k in range(5)}
    for line in (rec_line, fv_line):
        if line is not None:
            slots[rng.choice((0, 0, 1, 2, 3, 4, 4))].append(line)

    out = [f"# {name} ({sym}) - Fundamental Analysis", "",
           f"*Analysis date: {ymd(date_ts, '-')} | Sector: {sector} | Analyst: Research Desk*", ""]
    if slots[0]:
        out += ["## Summary", ""]
        for line in slots[0]:
            out += [line, ""]
    for k, sec in enumerate(sections):
        out += sec
        if k in (1, 2, 3) and slots[k]:
            for line in slots[k]:
                out += [line, ""]
    target = rng.randint(1750, 2350)
    notes = ["## Valuation Notes", ""]
    size = sum(len(x) + 1 for x in out)
    for para in rng.sample(FILLER, len(FILLER)):
        if size + sum(len(x) + 1 for x in notes) >= target - 120:
            break
        notes += [para, ""]
    out += notes
    if slots[4]:
        out += ["## Conclusion", ""]
        for line in slots[4]:
            out += [line, ""]
    out += ["---", "", "*Sources: company filings, earnings calls, internal models. Not investment advice.*", ""]
    return "\n".join(out)


def sector_md(sector, date_ts, rng):
    title = SECTOR_TITLES[sector]
    rating = rng.choice(["Overweight", "Neutral", "Underweight"])
    lines = [f"# {title} Sector Analysis", "",
             f"*Date: {ymd(date_ts, '-')} | Sector rating: {rating}*", "",
             "## Overview", "",
             f"Earnings revisions for {title.lower()} turned {rng.choice(['positive', 'flat', 'negative'])} over the "
             "last quarter. Valuations sit near their ten-year median on forward earnings, and breadth within the "
             "sector has improved since the summer.", "",
             "## Key Drivers", "",
             "- Interest-rate path and the shape of the yield curve.",
             "- Input costs and pricing power.",
             "- Capital spending plans for next year.", "",
             "## Sector Snapshot", "", "| Measure | Value |", "|---|---|",
             f"| Year-to-date return | {rng.uniform(-10, 30):+.1f}% |",
             f"| Forward P/E | {rng.uniform(11, 32):.1f}x |",
             f"| Rating | {rating} |", "",
             "## Risks", "", "- Slower economic growth.", "- Policy and regulatory changes.", ""]
    return "\n".join(lines)


# --------------------------------------------------------------------------
# Cache payloads

class ChartPool:
    """Pre-serialised daily series, so each chart entry is a cheap join of slices."""

    POINTS = 260

    def __init__(self, rng, now, size=48):
        # Trading-day timestamps (market open, 14:30 UTC), ending the last weekday before now.
        day = (now // DAY) * DAY - DAY
        stamps = []
        while len(stamps) < self.POINTS:
            if time.gmtime(day).tm_wday < 5:
                stamps.append(day + 14 * 3600 + 1800)
            day -= DAY
        stamps.reverse()
        self.stamps = [str(s) for s in stamps]
        self.last_stamp = stamps[-1]
        self.series = []
        for _ in range(size):
            price = rng.uniform(5, 900)
            closes, opens, highs, lows, vols = [], [], [], [], []
            for _ in range(self.POINTS):
                open_ = price * (1 + rng.gauss(0, 0.004))
                price = max(0.5, price * (1 + rng.gauss(0.0004, 0.018)))
                high = max(open_, price) * (1 + abs(rng.gauss(0, 0.006)))
                low = min(open_, price) * (1 - abs(rng.gauss(0, 0.006)))
                opens.append(open_), closes.append(price), highs.append(high), lows.append(low)
                vols.append(int(rng.lognormvariate(15, 0.6)))
            f32 = lambda x: repr(struct.unpack("f", struct.pack("f", x))[0])  # adjclose carries float32 noise, as Yahoo's does
            suffix_max, suffix_min = [0.0] * self.POINTS, [0.0] * self.POINTS
            hi_, lo_ = 0.0, float("inf")
            for k in range(self.POINTS - 1, -1, -1):
                hi_, lo_ = max(hi_, highs[k]), min(lo_, lows[k])
                suffix_max[k], suffix_min[k] = hi_, lo_
            r2 = lambda x: repr(round(x, 2))
            self.series.append(dict(
                close=[r2(x) for x in closes], adjclose=[f32(x) for x in closes],
                open=[r2(x) for x in opens], high=[r2(x) for x in highs], low=[r2(x) for x in lows],
                volume=[str(v) for v in vols], closes=closes, smax=suffix_max, smin=suffix_min))

    def chart(self, rng, sym):
        s = self.series[rng.randrange(len(self.series))]
        n = rng.randint(20, self.POINTS)
        a = self.POINTS - n
        last = s["closes"][-1]
        prev = s["closes"][-2]
        meta = {
            "currency": "USD", "symbol": sym, "exchangeName": "NMS", "fullExchangeName": "NasdaqGS",
            "instrumentType": "EQUITY", "firstTradeDate": 345479400, "regularMarketTime": self.last_stamp + 23400,
            "hasPrePostMarketData": True, "gmtoffset": -18000, "timezone": "EST",
            "exchangeTimezoneName": "America/New_York", "regularMarketPrice": round(last, 2),
            "fiftyTwoWeekHigh": round(s["smax"][a], 2), "fiftyTwoWeekLow": round(s["smin"][a], 2),
            "regularMarketDayHigh": round(last * 1.008, 2), "regularMarketDayLow": round(last * 0.991, 2),
            "regularMarketVolume": int(s["volume"][-1]), "longName": f"{sym} Common Stock", "shortName": sym,
            "chartPreviousClose": round(s["closes"][a - 1] if a > 0 else prev, 2),
            "priceHint": 2, "dataGranularity": "1d", "range": "1y",
            "validRanges": ["1d", "5d", "1mo", "3mo", "6mo", "1y", "2y", "5y", "10y", "ytd", "max"],
        }
        j = ",".join
        quote = (f'{{"open":[{j(s["open"][a:])}],"high":[{j(s["high"][a:])}],"low":[{j(s["low"][a:])}],'
                 f'"close":[{j(s["close"][a:])}],"volume":[{j(s["volume"][a:])}]}}')
        return (f'{{"chart":{{"result":[{{"meta":{json.dumps(meta)},"timestamp":[{j(self.stamps[a:])}],'
                f'"indicators":{{"quote":[{quote}],"adjclose":[{{"adjclose":[{j(s["adjclose"][a:])}]}}]}}}}],'
                f'"error":null}}}}')


FRED_REAL = ["FEDFUNDS", "DGS10", "UNRATE", "CPIAUCSL", "VIXCLS", "GDP", "GDPC1", "DGS2", "T10Y2Y",
             "PAYEMS", "INDPRO", "HOUST", "MORTGAGE30US", "DCOILWTICO", "DEXUSEU", "M2SL", "PCEPI",
             "UMCSENT", "ICSA", "RSAFS", "CPILFESL", "DFF", "SOFR", "BAMLH0A0HYM2", "WALCL"]
COINS = ["bitcoin", "ethereum", "solana", "ripple", "cardano", "dogecoin", "tron", "chainlink",
         "avalanche-2", "polkadot", "litecoin", "uniswap", "stellar", "monero", "cosmos", "near",
         "aptos", "arbitrum", "optimism", "filecoin"]
IMF_INDICATORS = ["NGDP_RPCH", "PCPIPCH", "LUR", "GGXWDG_NGDP", "BCA_NGDPD", "NGDPD", "PPPGDP",
                  "NGDPDPC", "PPPPC", "GGXCNL_NGDP", "PCPIEPCH", "GGR_NGDP", "GGX_NGDP", "PPPSH"]
COUNTRIES = ["USA", "CHN", "JPN", "DEU", "IND", "GBR", "FRA", "ITA", "CAN", "BRA", "RUS", "KOR",
             "AUS", "MEX", "ESP", "IDN", "NLD", "SAU", "TUR", "CHE", "POL", "ARG", "SWE", "BEL",
             "THA", "IRL", "AUT", "NOR", "ISR", "ARE", "SGP", "NGA", "ZAF", "EGY", "PHL", "VNM",
             "DNK", "MYS", "COL", "CHL", "FIN", "ROU", "CZE", "PRT", "NZL", "PER", "GRC", "HUN"]
SICS = [("3571", "Electronic Computers"), ("7372", "Services-Prepackaged Software"),
        ("3674", "Semiconductors & Related Devices"), ("6021", "National Commercial Banks"),
        ("2911", "Petroleum Refining"), ("2834", "Pharmaceutical Preparations"),
        ("4911", "Electric Services"), ("5331", "Retail-Variety Stores"),
        ("3711", "Motor Vehicles & Passenger Car Bodies"), ("6798", "Real Estate Investment Trusts")]


def key_for(kind, j):
    """Unique key number j (0-based) of a data kind."""
    if kind == "chart":
        return f"chart:{ticker(j + 1)}:1y:1d"
    if kind in ("profile", "quote", "overview"):
        return f"{kind}:{ticker(j + 1)}"
    if kind == "series":
        return f"series:{FRED_REAL[j]}" if j < len(FRED_REAL) else f"series:LAUCN{j:05d}0000000003"
    if kind == "submissions":
        return f"submissions:CIK{1000000 + 7 * j:010d}"
    if kind == "price":
        return f"price:{COINS[j]}" if j < len(COINS) else f"price:token-{j:06d}"
    if kind == "imf":
        per = len(IMF_INDICATORS) * len(COUNTRIES)
        country = COUNTRIES[j % len(COUNTRIES)]
        if j < per:
            return f"imf:{IMF_INDICATORS[j // len(COUNTRIES)]}:{country}"
        return f"imf:IND{(j - per) // len(COUNTRIES):05d}:{country}"
    raise ValueError(kind)


def payload(kind, key, rng, charts, now):
    sym = key.split(":")[1]
    if kind == "chart":
        return charts.chart(rng, sym)
    if kind == "profile":
        price = rng.uniform(5, 900)
        sic = rng.choice(SICS)
        data = [{
            "symbol": sym, "price": round(price, 2), "marketCap": int(price * rng.uniform(5e7, 5e9)),
            "beta": round(rng.uniform(0.3, 2.2), 3), "lastDividend": round(rng.uniform(0, 4), 2),
            "range": f"{price * 0.72:.2f}-{price * 1.18:.2f}", "change": round(price * rng.gauss(0, 0.015), 2),
            "changePercentage": round(rng.gauss(0, 1.5), 5), "volume": int(rng.lognormvariate(14, 0.8)),
            "averageVolume": int(rng.lognormvariate(14, 0.6)), "companyName": f"{sym} Holdings Inc.",
            "currency": "USD", "cik": f"{rng.randint(1000, 1999999):010d}", "isin": f"US{rng.randint(10**9, 10**10 - 1)}",
            "cusip": f"{rng.randint(10**8, 10**9 - 1)}", "exchangeFullName": "NASDAQ Global Select",
            "exchange": "NASDAQ", "industry": sic[1], "website": f"https://www.{sym.lower()}.example.com",
            "description": f"{sym} Holdings Inc. designs, manufactures and sells products in the {sic[1].lower()} industry worldwide.",
            "ceo": "Jane Doe", "sector": SECTOR_TITLES[rng.choice(SECTORS)], "country": "US",
            "fullTimeEmployees": str(rng.randint(50, 200000)), "phone": "(555) 010-0100",
            "address": "1 Market Street", "city": "San Francisco", "state": "CA", "zip": "94105",
            "image": f"https://images.financialmodelingprep.com/symbol/{sym}.png", "ipoDate": "1999-05-12",
            "defaultImage": False, "isEtf": False, "isActivelyTrading": True, "isAdr": False, "isFund": False}]
    elif kind == "quote":
        price = rng.uniform(5, 900)
        prev = price / (1 + rng.gauss(0, 0.015))
        data = [{
            "symbol": sym, "name": f"{sym} Holdings Inc.", "price": round(price, 2),
            "changePercentage": round((price / prev - 1) * 100, 4), "change": round(price - prev, 2),
            "volume": int(rng.lognormvariate(14, 0.8)), "dayLow": round(price * 0.99, 2),
            "dayHigh": round(price * 1.01, 2), "yearHigh": round(price * rng.uniform(1.0, 1.4), 2),
            "yearLow": round(price * rng.uniform(0.6, 1.0), 2), "marketCap": int(price * rng.uniform(5e7, 5e9)),
            "priceAvg50": round(price * rng.uniform(0.9, 1.1), 4), "priceAvg200": round(price * rng.uniform(0.8, 1.15), 4),
            "exchange": "NASDAQ", "open": round(prev * (1 + rng.gauss(0, 0.005)), 2),
            "previousClose": round(prev, 2), "timestamp": now - rng.randint(0, 3600)}]
    elif kind == "overview":
        price = rng.uniform(5, 900)
        pe = rng.uniform(8, 60)
        sic = rng.choice(SICS)
        s = lambda x: str(x)
        data = {
            "Symbol": sym, "AssetType": "Common Stock", "Name": f"{sym} Holdings Inc.",
            "Description": f"{sym} Holdings Inc. operates in the {sic[1].lower()} industry.",
            "CIK": s(rng.randint(1000, 1999999)), "Exchange": "NASDAQ", "Currency": "USD", "Country": "USA",
            "Sector": SECTOR_TITLES[rng.choice(SECTORS)].upper(), "Industry": sic[1].upper(),
            "Address": "1 MARKET STREET, SAN FRANCISCO, CA, US", "OfficialSite": f"https://www.{sym.lower()}.example.com",
            "FiscalYearEnd": rng.choice(["December", "September", "June"]), "LatestQuarter": "2026-09-30",
            "MarketCapitalization": s(int(price * rng.uniform(5e7, 5e9))), "EBITDA": s(int(rng.uniform(1e7, 1e11))),
            "PERatio": f"{pe:.2f}", "PEGRatio": f"{rng.uniform(0.5, 3):.3f}", "BookValue": f"{price / rng.uniform(1, 15):.2f}",
            "DividendPerShare": f"{rng.uniform(0, 4):.2f}", "DividendYield": f"{rng.uniform(0, 0.05):.4f}",
            "EPS": f"{price / pe:.2f}", "RevenuePerShareTTM": f"{price / rng.uniform(1, 12):.2f}",
            "ProfitMargin": f"{rng.uniform(0, 0.4):.3f}", "OperatingMarginTTM": f"{rng.uniform(0, 0.45):.3f}",
            "ReturnOnAssetsTTM": f"{rng.uniform(0, 0.2):.3f}", "ReturnOnEquityTTM": f"{rng.uniform(0, 0.5):.3f}",
            "RevenueTTM": s(int(rng.uniform(1e8, 4e11))), "GrossProfitTTM": s(int(rng.uniform(5e7, 2e11))),
            "DilutedEPSTTM": f"{price / pe:.2f}", "QuarterlyEarningsGrowthYOY": f"{rng.gauss(0.08, 0.2):.3f}",
            "QuarterlyRevenueGrowthYOY": f"{rng.gauss(0.06, 0.1):.3f}", "AnalystTargetPrice": f"{price * rng.uniform(0.9, 1.3):.2f}",
            "AnalystRatingStrongBuy": s(rng.randint(0, 20)), "AnalystRatingBuy": s(rng.randint(0, 25)),
            "AnalystRatingHold": s(rng.randint(0, 20)), "AnalystRatingSell": s(rng.randint(0, 5)),
            "AnalystRatingStrongSell": s(rng.randint(0, 3)), "TrailingPE": f"{pe:.2f}",
            "ForwardPE": f"{pe * rng.uniform(0.75, 0.98):.2f}", "PriceToSalesRatioTTM": f"{rng.uniform(0.5, 20):.2f}",
            "PriceToBookRatio": f"{rng.uniform(0.8, 40):.2f}", "EVToRevenue": f"{rng.uniform(0.5, 20):.2f}",
            "EVToEBITDA": f"{rng.uniform(4, 40):.2f}", "Beta": f"{rng.uniform(0.3, 2.2):.3f}",
            "52WeekHigh": f"{price * rng.uniform(1.0, 1.4):.2f}", "52WeekLow": f"{price * rng.uniform(0.6, 1.0):.2f}",
            "50DayMovingAverage": f"{price * rng.uniform(0.9, 1.1):.2f}", "200DayMovingAverage": f"{price * rng.uniform(0.8, 1.15):.2f}",
            "SharesOutstanding": s(rng.randint(10**7, 10**10)), "DividendDate": "2026-11-13", "ExDividendDate": "2026-11-10"}
    elif kind == "series":
        n = rng.randint(12, 60)
        v = rng.uniform(0.5, 300)
        obs = []
        y, m = 2026, 10
        for _ in range(n):
            v = max(0.01, v * (1 + rng.gauss(0, 0.01)))
            obs.append({"realtime_start": ymd(now, "-"), "realtime_end": ymd(now, "-"),
                        "date": f"{y:04d}-{m:02d}-01", "value": "." if rng.random() < 0.04 else f"{v:.2f}"})
            y, m = (y, m - 1) if m > 1 else (y - 1, 12)
        obs.reverse()
        data = {"realtime_start": ymd(now, "-"), "realtime_end": ymd(now, "-"), "observation_start": "1600-01-01",
                "observation_end": "9999-12-31", "units": "lin", "output_type": 1, "file_type": "json",
                "order_by": "observation_date", "sort_order": "asc", "count": n, "offset": 0, "limit": 100000,
                "observations": obs}
    elif kind == "submissions":
        cik = key.split("CIK")[1]
        sic = rng.choice(SICS)
        n = rng.randint(5, 25)
        forms = [rng.choice(["10-Q", "8-K", "4", "4", "10-K", "DEF 14A", "S-8", "SC 13G/A"]) for _ in range(n)]
        dates = sorted((ymd(now - rng.randint(1, 400) * DAY, "-") for _ in range(n)), reverse=True)
        data = {"cik": cik.lstrip("0"), "entityType": "operating", "sic": sic[0], "sicDescription": sic[1],
                "ownerOrg": "06 Technology", "insiderTransactionForOwnerExists": 0,
                "insiderTransactionForIssuerExists": 1, "name": f"EXAMPLE HOLDINGS {cik[-4:]} INC",
                "tickers": [f"E{cik[-4:]}"], "exchanges": ["Nasdaq"], "ein": f"{rng.randint(10**8, 10**9 - 1)}",
                "category": "Large accelerated filer", "fiscalYearEnd": "1231", "stateOfIncorporation": "DE",
                "stateOfIncorporationDescription": "DE", "phone": "555-010-0100", "flags": "", "formerNames": [],
                "filings": {"recent": {
                    "accessionNumber": [f"{cik}-{d[2:4]}-{k:06d}" for k, d in enumerate(dates)],
                    "filingDate": dates, "reportDate": dates, "form": forms,
                    "primaryDocument": [f"doc{k}.htm" for k in range(n)]}, "files": []}}
    elif kind == "price":
        coin = key.split(":", 1)[1]
        usd = rng.uniform(0.0001, 120000) if coin != "bitcoin" else rng.uniform(80000, 120000)
        data = {coin: {"usd": round(usd, 6), "usd_24h_change": round(rng.gauss(0, 3.5), 6),
                       "usd_market_cap": round(usd * rng.uniform(1e6, 2e10), 2)}}
    elif kind == "imf":
        _, ind, country = key.split(":")
        base = rng.uniform(-2, 8)
        data = {"values": {ind: {country: {str(yr): round(base + rng.gauss(0, 1.2), 3) for yr in range(2015, 2031)}}},
                "api": {"version": "1", "output-method": "json"}}
    else:
        raise ValueError(kind)
    return json.dumps(data, separators=(",", ":"))


KINDS = [  # service, kind, share, ttl_seconds
    ("yahoo_finance", "chart", 0.30, 900),
    ("fmp", "profile", 0.11, 604800),
    ("fmp", "quote", 0.11, 900),
    ("alpha_vantage", "overview", 0.12, 86400),
    ("fred_economic", "series", 0.10, 7200),
    ("sec_edgar", "submissions", 0.10, 604800),
    ("coingecko", "price", 0.06, 900),
    ("imf_data", "imf", 0.10, 86400),
]
SERVICES = sorted({k[0] for k in KINDS})
CORRUPT_KINDS = ["truncated", "empty", "missing_field", "service_mismatch", "name_mismatch",
                 "future_created_at", "zero_ttl"]
FIELDS = ["service", "key", "created_at", "ttl_seconds", "data"]


def entry_json(service, key, created, ttl, data, drop=None):
    parts = {"service": json.dumps(service), "key": json.dumps(key), "created_at": json.dumps(iso(created)),
             "ttl_seconds": str(ttl), "data": data}
    return "{" + ", ".join(f'"{f}": {parts[f]}' for f in FIELDS if f != drop) + "}"


def generate_cache(args, root, w, counts):
    rng = random.Random(args.seed * 1000003 + 1)
    now = args.now
    cache = os.path.join(root, "cache")
    for s in SERVICES:
        os.makedirs(os.path.join(cache, s), exist_ok=True)
    n = args.cache_entries
    per_kind = [int(n * share) for _, _, share, _ in KINDS]
    per_kind[0] += n - sum(per_kind)
    n_exp, n_cor, n_leg = round(n * 0.10), round(n * 0.01), round(n * 0.01)
    cats = ["expired"] * n_exp + ["corrupt"] * n_cor + ["legacy"] * n_leg
    cats += ["fresh"] * (n - len(cats))
    rng.shuffle(cats)
    charts = ChartPool(random.Random(args.seed * 7 + 3), now)
    month = 30 * DAY
    i = 0
    n_corrupt = n_legacy = 0
    for (service, kind, _, ttl), count in zip(KINDS, per_kind):
        seen = set()
        for j in range(count):
            key = key_for(kind, j)
            assert key not in seen, key
            seen.add(key)
            cat = cats[i]
            i += 1
            data = payload(kind, key, rng, charts, now)
            mtime = now - rng.randint(60, month)
            per = counts.setdefault(service, dict(fresh=0, expired=0, corrupt=0, legacy=0))
            per[cat] += 1
            if cat == "fresh":
                created = now - rng.randint(1, max(1, int(ttl * 0.9)))
            else:
                created = now - ttl - rng.randint(60, month)
            name = md5hex(f"{service}_{key}") + ".json"
            path = os.path.join(cache, service, name)
            if cat in ("fresh", "expired"):
                w.write(path, entry_json(service, key, created, ttl, data), mtime)
            elif cat == "corrupt":
                how = CORRUPT_KINDS[n_corrupt % len(CORRUPT_KINDS)]
                n_corrupt += 1
                created = now - rng.randint(1, max(1, int(ttl * 0.9)))
                text = entry_json(service, key, created, ttl, data)
                if how == "truncated":
                    text = text[: len(text) // 2]
                elif how == "empty":
                    text = ""
                elif how == "missing_field":
                    text = entry_json(service, key, created, ttl, data,
                                      drop=FIELDS[(n_corrupt // len(CORRUPT_KINDS)) % len(FIELDS)])
                elif how == "service_mismatch":
                    other = SERVICES[(SERVICES.index(service) + 1) % len(SERVICES)]
                    text = entry_json(other, key, created, ttl, data)
                elif how == "name_mismatch":  # the historical bug: md5(key) instead of md5(service_key)
                    path = os.path.join(cache, service, md5hex(key) + ".json")
                elif how == "future_created_at":
                    text = entry_json(service, key, now + DAY, ttl, data)
                elif how == "zero_ttl":
                    text = entry_json(service, key, created, 0, data)
                w.write(path, text, mtime)
            else:  # legacy, old flat layout
                fmt = n_legacy % 3
                n_legacy += 1
                expired = rng.random() < 0.4
                created = now - (ttl + rng.randint(60, month) if expired else rng.randint(1, max(1, int(ttl * 0.9))))
                if fmt == 0:
                    stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(created)) + f".{rng.randint(0, 999999):06d}"
                    text = f'{{"timestamp": "{stamp}", "data": {data}}}'
                else:
                    text = f'{{"timestamp": "{iso(created)}", "service": "{service}", "ttl_seconds": {ttl}, '
                    if fmt == 2:
                        text += f'"key": {json.dumps(key)}, '
                    text += f'"data": {data}}}'
                w.write(os.path.join(cache, md5hex(key) + ".json"), text, mtime)
    # Leftovers of interrupted atomic writes.
    for t in range(5):
        name = "." + md5hex(f"yahoo_finance_chart:TMP{t}:1y:1d") + ".json.tmp.12345.abcdef"
        w.write(os.path.join(cache, "yahoo_finance", name), '{"service": "yahoo_finance", "key": "chart:TMP',
                now - 2 * 3600)
    return n_exp, n_cor, n_leg


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True, help="directory to create (used as --data-dir)")
    ap.add_argument("--tickers", type=positive_int, default=20000)
    ap.add_argument("--dates", type=positive_int, default=5, help="fundamental files per ticker (max 120)")
    ap.add_argument("--cache-entries", type=positive_int, default=100000)
    ap.add_argument("--now", type=parse_now, default=parse_now("2026-11-22T12:00:00Z"),
                    help="reference time YYYY-MM-DDTHH:MM:SSZ, or 'now' (default 2026-11-22T12:00:00Z)")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--manifest", help="also write exact counts per service and category as JSON here")
    args = ap.parse_args()
    if args.dates > 120:
        ap.error("--dates: at most 120")
    t0 = time.monotonic()
    root = args.out
    fa = os.path.join(root, "outputs", "fundamental_analysis")
    sa = os.path.join(root, "outputs", "sector_analysis")
    os.makedirs(fa, exist_ok=True)
    os.makedirs(sa, exist_ok=True)
    w = Writer()

    rng = random.Random(args.seed)
    # mtimes deliberately unrelated to the date in the name: selection is by name, never by mtime.
    mrng = random.Random(args.seed + 23)
    today = (args.now // DAY) * DAY
    for i in range(1, args.tickers + 1):
        sym = ticker(i)
        for offset in rng.sample(range(120), args.dates):  # up to 4 months back: some files stale
            day = today - offset * DAY
            w.write(os.path.join(fa, f"{sym}_{ymd(day)}.md"), fundamental_md(rng, sym, day),
                    args.now - mrng.randint(60, 120 * DAY))
    n_fund = w.files

    srng = random.Random(args.seed + 11)
    for sector in SECTORS:
        day = today - srng.randint(0, 20) * DAY
        w.write(os.path.join(sa, f"{sector}_{ymd(day)}.md"), sector_md(sector, day, srng),
                args.now - mrng.randint(60, 120 * DAY))

    counts = {}
    n_exp, n_cor, n_leg = generate_cache(args, root, w, counts)
    n = args.cache_entries
    if args.manifest:
        with open(args.manifest, "w") as fh:
            json.dump({"now": iso(args.now), "seed": args.seed, "fundamental_files": n_fund,
                       "sector_files": len(SECTORS), "tmp_files": 5, "services": counts}, fh, indent=2, sort_keys=True)
    print(f"gen_inventory_data: out={root} fundamental_files={n_fund} sector_files={len(SECTORS)} "
          f"cache_entries={n} fresh={n - n_exp - n_cor - n_leg} expired={n_exp} corrupt={n_cor} "
          f"legacy={n_leg} tmp_files=5 files={w.files} total_bytes={w.bytes} "
          f"now={iso(args.now)} seed={args.seed} elapsed={time.monotonic() - t0:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
