#!/usr/bin/env python3
"""Local fake of the seven public data services of SPEC section 7 (tests only).

Python 3 standard library only.  Serves the providers' real response shapes
with deterministic values, the providers' real error answers, injectable
faults, and request / TCP-connection statistics.

Usage
-----
    fake_services.py [--port 0] [--port-file F] [--host 127.0.0.1]
                     [--latency-ms N] [--verbose] [--tls-cert PEM --tls-key PEM]
                     [--realistic] [--universe N [--universe-seed S]]

Binds a loopback address only (127.0.0.0/8; anything else exits 2).  With
--port 0 the kernel picks a free port; --port-file F receives the port number
(written atomically, once the socket listens; removed again on exit).  HTTP/1.1
with keep-alive, every answer with a Content-Length, one daemon thread per TCP
connection.  SIGTERM / SIGINT: clean exit (status 0) within a second, also
while connections hang.  --latency-ms adds that delay to every service request.

URL layout: base URL of a service = http://127.0.0.1:PORT/<service>
-------------------------------------------------------------------
  yahoo_finance   GET /yahoo_finance/v8/finance/chart/{SYMBOL}?range=1y&interval=1d
  fmp             GET /fmp/stable/profile?symbol=S&apikey=K
                  GET /fmp/stable/quote?symbol=S&apikey=K
                  GET /fmp/stable/ratios-ttm?symbol=S&apikey=K        (P/E, EPS)
                  GET /fmp/stable/key-metrics-ttm?symbol=S&apikey=K
                  GET /fmp/stable/price-target-consensus?symbol=S&apikey=K
                  GET /fmp/stable/historical-price-eod/full?symbol=S&apikey=K
  alpha_vantage   GET /alpha_vantage/query?function=OVERVIEW&symbol=S&apikey=K
                  GET /alpha_vantage/query?function=GLOBAL_QUOTE&symbol=S&apikey=K
                  GET /alpha_vantage/query?function=TIME_SERIES_DAILY&symbol=S&apikey=K
  fred_economic   GET /fred_economic/fred/series/observations?series_id=ID&api_key=K&file_type=json
                      (optional: sort_order=asc|desc, limit=N, offset=N,
                       observation_start=YYYY-MM-DD, observation_end=YYYY-MM-DD)
  sec_edgar       GET /sec_edgar/files/company_tickers.json   (www.sec.gov's file)
                  GET /sec_edgar/submissions/CIK##########.json   (data.sec.gov)
  coingecko       GET /coingecko/api/v3/simple/price?ids=bitcoin,ethereum&vs_currencies=usd
                      &include_24hr_change=true&include_market_cap=true
                      (also include_24hr_vol, include_last_updated_at; GET /coingecko/api/v3/ping)
  imf_data        GET /imf_data/external/datamapper/api/v1/{INDICATOR}/{COUNTRY}[/{COUNTRY}...]
                      (optional ?periods=2024,2025)
  coingecko_pro   the coingecko paths under /coingecko_pro/... stand for https://pro-api.coingecko.com
                  (counted as coingecko); needs a Pro key in header x-cg-pro-api-key or query
                  x_cg_pro_api_key, in both modes (the answers are in "Realistic mode" below)
  yahoo_finance   with realism's yahoo_crumb: GET /yahoo_finance/fc (https://fc.yahoo.com) and
                  GET /yahoo_finance/v1/test/getcrumb (query1.finance.yahoo.com)

Keys: fmp `apikey` (query or `apikey` header), alpha_vantage `apikey`, fred
`api_key`.  Missing or empty -> the provider's real error answer; ANY non-empty
key is accepted (except realistic mode's *_invalid_keys).  coingecko works with or without a key (x_cg_demo_api_key /
x_cg_pro_api_key / x-cg-demo-api-key / x-cg-pro-api-key).  sec_edgar needs a
non-empty User-Agent header (both of its URLs), else 403 with SEC's HTML page.

Real shapes served (checked against public docs / client code)
--------------------------------------------------------------
* Yahoo v8 chart: {"chart":{"result":[{"meta":{currency, symbol, exchangeName,
  fullExchangeName, instrumentType, firstTradeDate, regularMarketTime,
  hasPrePostMarketData, gmtoffset, timezone, exchangeTimezoneName,
  regularMarketPrice, fiftyTwoWeekHigh, fiftyTwoWeekLow, regularMarketDayHigh,
  regularMarketDayLow, regularMarketVolume, longName, shortName,
  chartPreviousClose, priceHint, currentTradingPeriod, dataGranularity, range,
  validRanges}, "timestamp":[...], "indicators":{"quote":[{"open","high","low",
  "close","volume"}], "adjclose":[{"adjclose"}]}}], "error":null}}.
  `previousClose` (and `scale`) appear in meta only for range=1d/5d, as on
  Yahoo.  Unknown symbol: HTTP 404 {"chart":{"result":null,"error":{"code":
  "Not Found","description":"No data found, symbol may be delisted"}}}.
  Only interval=1d is served (else 422 with a chart.error).
* FMP stable: a JSON array of one object.  profile: symbol, price, marketCap,
  beta, lastDividend, range, change, changePercentage, volume, averageVolume,
  companyName, currency, cik, isin, cusip, exchangeFullName, exchange,
  industry, website, description, ceo, sector, country, fullTimeEmployees,
  phone, address, city, state, zip, image, ipoDate, defaultImage, isEtf,
  isActivelyTrading, isAdr, isFund.  quote: symbol, name, price,
  changePercentage, change, volume, dayLow, dayHigh, yearHigh, yearLow,
  marketCap, priceAvg50, priceAvg200, exchange, open, previousClose, timestamp
  (stable quote has no pe/eps: those come from ratios-ttm:
  priceToEarningsRatioTTM, netIncomePerShareTTM, dividendYieldTTM, ...).
  price-target-consensus: symbol, targetHigh, targetLow, targetConsensus,
  targetMedian.  historical-price-eod/full: array, newest first, of {symbol,
  date, open, high, low, close, volume, change, changePercent, vwap}.
  Missing key: HTTP 401 {"Error Message":"Invalid API KEY. Feel free to create
  a Free API Key or visit https://site.financialmodelingprep.com/faqs?search=
  why-is-my-api-key-invalid for more information."}.  Unknown symbol: 200 [].
  Missing symbol parameter: 400 {"Error Message": ...}.
* Alpha Vantage: OVERVIEW is a flat object of strings (Symbol, AssetType,
  Name, Description, CIK, Exchange, Currency, Country, Sector, Industry, ...,
  MarketCapitalization, PERatio, EPS, AnalystTargetPrice, Beta, 52WeekHigh,
  52WeekLow, ...; "None" where there is no value); Sector/Industry upper-case.
  GLOBAL_QUOTE: {"Global Quote":{"01. symbol", "02. open", "03. high",
  "04. low", "05. price", "06. volume", "07. latest trading day",
  "08. previous close", "09. change", "10. change percent"}} (4 decimals,
  percent with a "%").  Always HTTP 200.  Missing key: {"Error Message":"the
  parameter apikey is invalid or missing. ..."}.  Unknown symbol: OVERVIEW {},
  GLOBAL_QUOTE {"Global Quote":{}}, TIME_SERIES_DAILY {"Error Message":
  "Invalid API call. ..."}.  Rate limit (fault mode "quota"): HTTP 200
  {"Information":"Thank you for using Alpha Vantage! ..."} or, with
  "variant":"Note", {"Note": ...}.  OVERVIEW serves common stocks only.
* FRED: {"realtime_start","realtime_end","observation_start",
  "observation_end","units":"lin","output_type":1,"file_type":"json",
  "order_by":"observation_date","sort_order","count","offset","limit",
  "observations":[{"realtime_start","realtime_end","date","value"}]} with
  values as strings and "." for a missing value.  Missing key: HTTP 400
  {"error_code":400,"error_message":"Bad Request.  Variable api_key is not
  set. ..."}; unknown series: 400 "Bad Request.  The series does not exist.";
  file_type other than json: 400 (the fake serves JSON only).
* SEC: company_tickers.json {"0":{"cik_str":320193,"ticker":"AAPL","title":
  "Apple Inc."},...}; submissions {"cik":"320193","entityType","sic","sicDescription",
  "ownerOrg","insiderTransactionForOwnerExists","insiderTransactionForIssuerExists",
  "name","tickers","exchanges","ein","description","website","investorWebsite",
  "category","fiscalYearEnd","stateOfIncorporation","stateOfIncorporationDescription",
  "addresses","phone","flags","formerNames","filings":{"recent":{...},"files":[]}}.
  No User-Agent: 403 HTML ("Your Request Originates from an Undeclared
  Automated Tool").  Unknown CIK: 404 XML NoSuchKey (as data.sec.gov's S3).
* CoinGecko simple/price: {"bitcoin":{"usd":..,"usd_market_cap":..,
  "usd_24h_vol":..,"usd_24h_change":..,"last_updated_at":..}} with only the
  requested include_* keys; unknown ids are omitted (all unknown: {}).
  Missing vs_currencies: 400 {"error":"Missing parameter vs_currencies"}.
* IMF DataMapper: {"values":{"NGDP_RPCH":{"USA":{"2000":..,...,"2030":..}}},
  "api":{"version":"1","output-method":"json"}}; unknown indicator or country:
  200 {"api":{...}} without "values".

Symbols
-------
canon(s) = s.upper() with "." replaced by "-" (BRK.B and BRK-B are the same
instrument; answers carry the canonical symbol "BRK-B").  Universe (UNIVERSE
below): 32 stocks AAPL MSFT NVDA AMZN GOOGL META JPM BAC XOM CVX JNJ UNH PG KO
CAT HON NEE LIN AMT DIS TSLA HD BRK-B COST AMD AVGO MA NFLX ORCL PEP V WMT,
ETFs SPY QQQ VTI, index ^VIX, crypto BTC-USD ETH-USD.  Anything else: the
provider's not-found answer.  Coverage per provider (as on the real ones):
  yahoo: all; fmp profile/quote/history: stocks+ETFs (+^VIX quote and
  history), ratios-ttm/key-metrics-ttm/price-target-consensus: stocks only,
  crypto never; alpha_vantage OVERVIEW: stocks; GLOBAL_QUOTE and
  TIME_SERIES_DAILY: stocks+ETFs; sec_edgar: stocks+ETFs (ETFs have sic "");
  coingecko ids: bitcoin (= BTC-USD values), ethereum (= ETH-USD values).

Larger universe (--universe N; off by default)
----------------------------------------------
--universe N [--universe-seed S] (or POST /__universe {"extra": N, "seed": S}
at run time, in either mode) adds N synthetic US-listed instruments to the
universe above, deterministically from (N, S): the first N of one sequence
per seed, so a larger N only appends.  Each one:
  symbol   2-5 upper-case letters (md5 of "universe:S:attempt"), never one of
           the universe above, of FMP_FREE_SYMBOLS, of the coins' bases
           (BTC ETH SOL ...) or of VIX SPX NDX DJI RUT USD
  kind     "etf" for every 20th (index 19, 39, ...), else "stock"
  name     "<Word> <Word> <Suffix>" (stocks) / "<Word> <Theme> ETF" (ETFs)
  exchange stocks: NMS NasdaqGS NASDAQ or NYQ NYSE NYSE; ETFs: PCX NYSEArca AMEX
  cik      unique, 1100000..1999999, never one of the universe above
  sic      stocks: a real SIC code with its SEC description and a matching FMP
           sector / industry (SIC_TABLE below); ETFs: "" (no sector/industry)
They are served exactly as the stocks and ETFs above: the same value
formulas (md5 of the symbol, default price range), every provider's coverage
rule by kind, SEC's company_tickers.json lists them after the others and
their submissions are served.  They are NOT on FMP's free list, so realistic
mode answers FMP's 402 for them, as the real free plan does.  POST /__reset
keeps the universe; {"extra": 0} removes the synthetic instruments.  Without
--universe (and before any POST /__universe) every answer is as above.

Value formulas (all deterministic; `round` is Python's round())
-----------------------------------------------------------------
  d      = hashlib.md5(canon(sym).encode()).hexdigest()
  n(i)   = int(d[6*i : 6*i+6], 16)                    i = 0..4
  P      = price = round(base + (n(0) % span) / 100, 2), (base, span) = (50, 45000) by
           default, ^VIX (10, 3000), BTC-USD (20000, 8000000),
           ETH-USD (1000, 400000)
  Daily history: the 252 weekdays (no holidays) ending 2026-11-20 (Friday),
  k = 0 (oldest, 2025-12-04) .. 251 (2026-11-20; 232 days in 2026); timestamp = that date 14:30
  UTC.  Same calendar for every instrument.
    phase = n(1) % 60;  amp = 0.05 + (n(2) % 11) / 100;
    trend = ((n(3) % 41) - 20) / 100
    f(k)  = 1 + trend * (k - 251) / 251
              + amp * (sin((k + phase) / 7.0) - sin((251 + phase) / 7.0))
    close[k] = round(P * f(k), 2)      (so close[251] == P)
    open[k]  = round(close[k] * 0.995, 2); high[k] = round(close[k] * 1.01, 2)
    low[k]   = round(close[k] * 0.985, 2)
    volume[k] = 1000000 + n(4) % 9000000 + 1000 * k
    k in NULL_DAYS = (100, 200): open/high/low/close/volume/adjclose are null.
    adjclose[k] = close[k].
  Yahoo meta: regularMarketPrice = P; chartPreviousClose = round(P * f(k0-1), 2)
    where k0 is the first index served (k0 = 0 for range=1y);
    fiftyTwoWeekHigh = max(high), fiftyTwoWeekLow = min(low) over all 252 days
    (nulls skipped); regularMarketDayHigh/Low/Volume = high/low/volume[251];
    regularMarketTime = 2026-11-20 21:00 UTC.  range: 1d=1, 5d=5, 1mo=21,
    3mo=63, 6mo=126, ytd=days in 2026, 1y/2y/5y/10y/max=252 (default 1y).
  prev   = close[250] (previous close everywhere)
  S      = shares = 100000000 + (n(1) % 9900) * 1000000
  marketCap = round(P * S)                               (an integer)
  pe     = 8 + (n(2) % 4200) / 100           (stocks only)
  eps    = round(P / pe, 2)                  (stocks only)
  beta   = round(0.5 + (n(3) % 150) / 100, 2)
  lastDividend = (n(3) % 300) / 100          (DividendPerShare; 0 -> "None")
  target = round(P * (0.9 + (n(4) % 40) / 100), 2)  (consensus = median)
  targetHigh = round(target * 1.2, 2); targetLow = round(target * 0.8, 2)
  yearHigh/yearLow (FMP) = 52WeekHigh/52WeekLow (AV) = Yahoo fiftyTwoWeekHigh/Low
  change = round(P - prev, 2); changePercentage = round((P - prev) / prev * 100, 4)
  priceAvg50/200 = round(mean of the non-null closes among the last 50/200 days, 2)
  FMP profile range = f"{yearLow}-{yearHigh}"; cik = 10-digit zero-padded.
  AV strings: money f"{x:.2f}" (PERatio, EPS, AnalystTargetPrice, 52WeekHigh,
    52WeekLow, moving averages, DividendPerShare), Beta f"{beta:.2f}",
    MarketCapitalization/SharesOutstanding str(int); GLOBAL_QUOTE f"{x:.4f}",
    "10. change percent" f"{changePercentage:.4f}%", volume str(volume[251]),
    "07. latest trading day" "2026-11-20".
  CoinGecko (id -> sym: bitcoin BTC-USD, ethereum ETH-USD):
    usd = P; usd_market_cap = round(P * SUPPLY[id]) with SUPPLY bitcoin
    19900000, ethereum 120500000; usd_24h_vol = round(P * volume[251]);
    usd_24h_change = round((P / prev - 1) * 100, 6);
    last_updated_at = 2026-11-20 21:00 UTC.
  FRED series (observation i = 0 .. N-1, oldest first):
    value(i) = round(base + slope * i + amp * sin(i / 3.0), dec), formatted
    with `dec` decimals; "." at indexes MISSING (daily series only).
      FEDFUNDS  monthly, N=24, 2024-11-01 .. 2026-10-01, base 4.0,  slope -0.02, amp 0.30, dec 2
      UNRATE    monthly, N=24, 2024-11-01 .. 2026-10-01, base 4.0,  slope  0.01, amp 0.20, dec 1
      CPIAUCSL  monthly, N=24, 2024-11-01 .. 2026-10-01, base 315.0, slope 0.80, amp 0.50, dec 3
      DGS10     weekdays, N=60, ending 2026-11-20,        base 4.2,  slope  0.0,  amp 0.25, dec 2
      VIXCLS    weekdays, N=60, ending 2026-11-20,        base 17.5, slope  0.0,  amp 4.00, dec 2
    MISSING = (10, 40) for DGS10 and VIXCLS.  realtime_start = realtime_end =
    "2026-11-22".
  IMF: years 2000..2030, USA only:
    NGDP_RPCH(y) = round(2.0 + 1.0 * sin((y - 2000) / 2.0), 3)
    PCPIPCH(y)   = round(2.5 + 1.5 * sin((y - 2000) / 3.0), 3)

Realistic mode (docs/PROVIDERS.md has the sources)
--------------------------------------------------
Off by default: then everything above holds exactly.  --realistic turns it on
at start; POST /__realism {"enabled": true|false, PARAM: value, ...} sets it at
run time.  Every POST starts from the defaults below (keeping the current
"enabled" unless given), so {} restores the defaults of the current mode.
Unknown parameters or wrong types: 400.  POST /__reset clears the realism
counters (daily/monthly counts, windows, SEC block, Yahoo cookies) but keeps
the parameters and the mode.  A day or a month never ends in the fake: only
/__reset starts a new one.  Counts are per service, not per key.  Realism is
checked before the injected faults: a refused request answers the refusal and
does not use up a fault's `count`; a request that passes then meets the fault.

  PARAMETER              DEFAULT   RULE (when enabled)
  yahoo_require_browser  true      User-Agent without "Mozilla/5.0" -> 429 text/plain
                                   "Edge: Too Many Requests" (every yahoo path)
  yahoo_crumb            false     GET /fc -> 404 with Set-Cookie: A3=<random>; Path=/;
                                   GET /v1/test/getcrumb with Cookie A3=<issued> -> 200
                                   text/plain crumb (random, the same for that cookie), else
                                   401 {"finance":{"result":null,"error":{"code":
                                   "Unauthorized","description":"Invalid Cookie"}}};
                                   the chart without that cookie AND ?crumb=<its crumb> ->
                                   401 {"finance":{"result":null,"error":{"code":
                                   "Unauthorized","description":"Invalid Crumb"}}}
  yahoo_per_minute       0         > N requests in 60 s -> the 429 above (0: off)
  fmp_invalid_keys       []        these keys -> 401 {"Error Message":"Invalid API KEY. ..."}
  fmp_daily_cap          250       every request with a valid key counts (refused ones
                                   too); past the cap -> 429 {"Error Message":"Limit Reach .
                                   Please upgrade your plan or visit our documentation for
                                   more details at https://site.financialmodelingprep.com/"}
  fmp_symbols            FMP_FREE_SYMBOLS (the 87 of the free plan; not QQQ, VTI, ^VIX):
                                   any other symbol= -> 402, Content-Type application/json
                                   but a plain-text body: "Premium Query Parameter: 'Special
                                   Endpoint : This value set for 'symbol' is not available
                                   under your current subscription please visit our
                                   subscription page to upgrade your plan at
                                   https://financialmodelingprep.com/"
  fmp_open_endpoints     []        endpoints (e.g. "profile") answered for any symbol
  av_invalid_keys        []        these keys -> 200 {"Error Message": "the parameter apikey
                                   is invalid or missing. ..."}
  av_daily_cap           25        every request with a valid key counts (refused ones too);
                                   past the cap -> 200 {"Information": ...} with the text
                                   chosen by av_daily_text: "detected" -> "We have detected
                                   your API key as KEY and our standard API rate limit is 25
                                   requests per day. Please subscribe to any of the premium
                                   plans at https://www.alphavantage.co/premium/ to instantly
                                   remove all daily rate limits." (repeats the key);
                                   "thank_you" -> the older "Thank you for using Alpha
                                   Vantage! Our standard API rate limit is 25 requests per
                                   day. ..." (AV_INFORMATION)
  av_per_second          1         more requests in any 1-second window (refused ones count)
                                   -> 200 {"Information": "Thank you for using Alpha Vantage!
                                   Please consider spreading out your free API requests more
                                   sparingly (1 request per second). ..."} (AV_BURST)
  sec_per_second         10        more requests in any 1-second window -> 403 HTML
                                   "Request Rate Threshold Exceeded" (SEC_TRAFFIC_LIMIT), and
  sec_block_seconds      600       every request for that long after gets the same 403
  sec_require_contact    true      User-Agent without an e-mail address (x@y.tld) -> 403 HTML
                                   "Your Request Originates from an Undeclared Automated Tool"
  fred_invalid_keys      []        these keys -> 400 {"error_code":400,"error_message":"Bad
                                   Request.  The value for variable api_key is not registered.
                                   Read https://fred.stlouisfed.org/docs/api/api_key.html for
                                   more information."} (the key is not repeated; the echo_key
                                   fault still does that)
  fred_per_minute        120       > N in 60 s -> 429 {"error_code":429,"error_message":
  fred_per_second        2         "Too Many Requests.  Exceeded Rate Limit"}; also > N in any
                                   1-second window (0: off)
  coingecko_invalid_keys []        these keys -> 401 {"status":{"error_code":10002,
                                   "error_message":"You have provided incorrect API key
                                   credentials. ..."}}
  coingecko_pro_keys     []        Pro keys: these, and keys starting with
  coingecko_pro_key_prefix "CG-pro"  this prefix ("" : none)
                                   /coingecko (public) with a Pro key or a pro header/param
                                   -> 400 {"status":{"error_code":10010,"error_message":"If
                                   you are using Pro API key, please change your root URL
                                   from api.coingecko.com to pro-api.coingecko.com"}}
  coingecko_per_minute   30        > N in 60 s -> 429 {"status":{"error_code":429,
  coingecko_monthly_cap  10000     "error_message":"You've exceeded the Rate Limit. ..."}};
                                   every request counts toward the month
  /coingecko_pro (both modes): no Pro key -> 401 {"status":{"error_code":10002,
  "error_message":"API Key Missing. ..."}}; a demo key (header/param, or a key that is not a
  Pro key) -> 400 {"status":{"error_code":10011,"error_message":"If you are using Demo API
  key, please change your root URL from pro-api.coingecko.com to api.coingecko.com"}};
  coingecko_invalid_keys -> 401 as above; the quotas apply only when enabled.
  imf_data: no limits.

Control API (not counted as service requests)
---------------------------------------------
GET  /__stats  -> {"requests": {service: n}, "requests_total": n,
                   "connections": n, "connections_accepted": n,
                   "in_flight": n, "max_in_flight": n,
                   "max_in_flight_by_service": {service: n},
                   "faults_applied": {service: n}, "faults": {...},
                   "paths": {service: [last 200 request paths with query]},
                   "keys_seen": {service: [every key value received: query
                                 apikey / api_key / x_cg_*, headers apikey /
                                 x-cg-*, basic-auth password]},
                   "status_counts": {service: {"200": n, "402": n, ...}},
                   "max_per_second": {service: the most requests that began
                                     within any 1-second span},
                   "refusals": {service: {reason: n}} (realistic mode; reasons:
                               not_on_plan, daily_cap, monthly_cap, burst,
                               per_minute, no_contact, rate_threshold, blocked,
                               not_browser, crumb, cookie, invalid_key,
                               missing_key, wrong_root),
                   "by_subject": {service: {subject: requests}} (symbol in
                                 canonical spelling, FRED series, SEC file or
                                 CIK##########, each coingecko id, IMF
                                 INDICATOR/COUNTRY...; both modes),
                   "realism": {the current realism parameters}}
     `connections` counts TCP connections that carried at least one service
     request since the last reset (a keep-alive connection used before and
     after a reset counts again); `connections_accepted` counts every accepted
     connection, control calls included.  Requests to an unknown prefix count
     under "other".
GET  /__universe -> {"extra": N, "seed": S, "symbols": [{"symbol", "kind"
     (stock, etf, index, crypto), "name", "cik" (null for ^VIX and coins),
     "sic", "synthetic": bool}, ...]}: the universe above first, then the
     synthetic instruments in their order.
POST /__universe with JSON {"extra": N, "seed": S} (integers >= 0, N <= 100000,
     seed defaults to 0) -> {"ok": true, "extra": N, "seed": S, "symbols": total}:
     replaces the synthetic instruments (see "Larger universe"); kept by /__reset.
POST /__reset  -> clears statistics and faults (and realism's counters, not its parameters).
POST /__realism with JSON {"enabled": bool, PARAM: value, ...} -> {"ok": true,
     "realism": {parameters}} (see "Realistic mode").
POST /__fault  with JSON {"service": name | "all", "mode": M, "status": 500,
     "retry_after": 2, "delay_ms": 300, "count": N, "match": "substring",
     "variant": "Note"}.  `count`: how many requests it applies to (omitted =
     all until replaced or reset); `match`: only requests whose path+query
     (after the service prefix) contains it.  One fault per service ("all" is
     a separate fallback fault used when a service has none).  Modes:
       status       HTTP `status` (default 500) with a small JSON body
       retry_after  429 with Retry-After: `retry_after` (default 2)
       hang         read the request, never answer (until the client closes or
                    the server stops; at most 600 s)
       slow         headers, then the normal body in >= 10 pieces spread over
                    `delay_ms` (default 1000)
       malformed    200 with invalid JSON
       truncated    the normal headers with the full Content-Length, half the
                    body, then close
       reset        close without answering, SO_LINGER 0 (TCP RST)
       latency      `delay_ms` (default 300), then the normal answer
       quota        the provider's own rate-limit answer (alpha_vantage: HTTP
                    200 Information / Note; fmp 429 {"Error Message":"Limit
                    Reach ..."}; yahoo 429 text; fred 429 JSON; sec_edgar 403
                    "Request Rate Threshold Exceeded"; coingecko 429 JSON;
                    imf_data 429)
       echo_key     the provider's answer to a key it does not know, repeating
                    the key the request carried (query `apikey` / `api_key` /
                    `x_cg_*`, header `apikey` / `x-cg-*`, or the password of
                    HTTP basic auth) the way FRED, Alpha Vantage and CoinGecko
                    do: fred 400 {"error_code":400,"error_message":"Bad
                    Request.  The value for variable api_key 'KEY' is not
                    registered. ..."}; alpha_vantage 200 {"Error Message":
                    ...}; fmp 401; coingecko 401 {"status":{...}}; the others
                    400 {"error": ...}.  `status` overrides the status (200:
                    an error in disguise).  `variant` "data": instead the
                    normal answer with the key appended to every text member
                    named like a name or a description (a provider that puts
                    the caller's key in its data).
       redirect     302 to `location` (http(s)://127.x.x.x:PORT only) followed
                    by the request's own path and query (so a key in the
                    query goes along, as a real redirect would take it)
       none         remove the service's fault
     Wrong answers with HTTP 200 (answers that are not data; issue 9 item 3):
       empty_record   `[{}]`: a list holding one empty object
       error_200      {"Error Message": ..., "error": ..., "error_message": ...}
                      (every provider's error spelling) with HTTP 200; with
                      "variant":"list" inside a list, as FMP's stable endpoints
       other_symbol   the normal answer for another instrument: `variant`
                      (default MSFT; coingecko: ethereum, imf_data: PCPIPCH,
                      fred_economic: UNRATE) in place of the one asked for
GET  /__health -> {"ok": true}
"""

import argparse
import base64
import calendar
import collections
import datetime
import functools
import hashlib
import ipaddress
import json
import math
import os
import re
import select
import signal
import socket
import struct
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote

SERVICES = ("yahoo_finance", "fmp", "alpha_vantage", "fred_economic", "sec_edgar", "coingecko", "imf_data")
FAULT_MODES = ("status", "retry_after", "hang", "slow", "malformed", "truncated", "reset", "latency", "quota",
               "echo_key", "redirect", "none")
# (Yahoo's `crumb` is a session credential: echo_key repeats it like a key.)
KEY_PARAMS = ("apikey", "api_key", "x_cg_demo_api_key", "x_cg_pro_api_key", "crumb")
KEY_HEADERS = ("apikey", "x-cg-demo-api-key", "x-cg-pro-api-key")
# Faults that answer HTTP 200 with something that is not the data asked for.
WRONG_ANSWER_MODES = ("empty_record", "error_200", "other_symbol")
FAULT_MODES += WRONG_ANSWER_MODES
PATHS_KEPT = 200
HANG_MAX_S = 600.0
MAX_CONTROL_BODY = 65536

END_DATE = datetime.date(2026, 11, 20)
NOW_DATE = "2026-11-22"
N_DAYS = 252
NULL_DAYS = (100, 200)
MARKET_CLOSE_TS = calendar.timegm((2026, 11, 20, 21, 0, 0))

# symbol: (kind, name, yahoo exchange, yahoo full exchange, fmp exchange, fmp sector, fmp industry, cik, sic, sic description)
UNIVERSE = {
    "AAPL": ("stock", "Apple Inc.", "NMS", "NasdaqGS", "NASDAQ", "Technology", "Consumer Electronics", 320193, "3571", "Electronic Computers"),
    "MSFT": ("stock", "Microsoft Corporation", "NMS", "NasdaqGS", "NASDAQ", "Technology", "Software - Infrastructure", 789019, "7372", "Services-Prepackaged Software"),
    "NVDA": ("stock", "NVIDIA Corporation", "NMS", "NasdaqGS", "NASDAQ", "Technology", "Semiconductors", 1045810, "3674", "Semiconductors & Related Devices"),
    "AMZN": ("stock", "Amazon.com, Inc.", "NMS", "NasdaqGS", "NASDAQ", "Consumer Cyclical", "Specialty Retail", 1018724, "5961", "Retail-Catalog & Mail-Order Houses"),
    "GOOGL": ("stock", "Alphabet Inc.", "NMS", "NasdaqGS", "NASDAQ", "Communication Services", "Internet Content & Information", 1652044, "7370", "Services-Computer Programming, Data Processing, Etc."),
    "META": ("stock", "Meta Platforms, Inc.", "NMS", "NasdaqGS", "NASDAQ", "Communication Services", "Internet Content & Information", 1326801, "7370", "Services-Computer Programming, Data Processing, Etc."),
    "JPM": ("stock", "JPMorgan Chase & Co.", "NYQ", "NYSE", "NYSE", "Financial Services", "Banks - Diversified", 19617, "6021", "National Commercial Banks"),
    "BAC": ("stock", "Bank of America Corporation", "NYQ", "NYSE", "NYSE", "Financial Services", "Banks - Diversified", 70858, "6021", "National Commercial Banks"),
    "XOM": ("stock", "Exxon Mobil Corporation", "NYQ", "NYSE", "NYSE", "Energy", "Oil & Gas Integrated", 34088, "2911", "Petroleum Refining"),
    "CVX": ("stock", "Chevron Corporation", "NYQ", "NYSE", "NYSE", "Energy", "Oil & Gas Integrated", 93410, "2911", "Petroleum Refining"),
    "JNJ": ("stock", "Johnson & Johnson", "NYQ", "NYSE", "NYSE", "Healthcare", "Drug Manufacturers - General", 200406, "2834", "Pharmaceutical Preparations"),
    "UNH": ("stock", "UnitedHealth Group Incorporated", "NYQ", "NYSE", "NYSE", "Healthcare", "Medical - Healthcare Plans", 731766, "6324", "Hospital & Medical Service Plans"),
    "PG": ("stock", "The Procter & Gamble Company", "NYQ", "NYSE", "NYSE", "Consumer Defensive", "Household & Personal Products", 80424, "2840", "Soap, Detergents, Cleang Preparations, Perfumes, Cosmetics"),
    "KO": ("stock", "The Coca-Cola Company", "NYQ", "NYSE", "NYSE", "Consumer Defensive", "Beverages - Non-Alcoholic", 21344, "2080", "Beverages"),
    "CAT": ("stock", "Caterpillar Inc.", "NYQ", "NYSE", "NYSE", "Industrials", "Agricultural - Machinery", 18230, "3531", "Construction, Mining & Materials Handling Machinery & Equip"),
    "HON": ("stock", "Honeywell International Inc.", "NMS", "NasdaqGS", "NASDAQ", "Industrials", "Conglomerates", 773840, "3728", "Aircraft Parts & Auxiliary Equipment, NEC"),
    "NEE": ("stock", "NextEra Energy, Inc.", "NYQ", "NYSE", "NYSE", "Utilities", "Regulated Electric", 753308, "4911", "Electric Services"),
    "LIN": ("stock", "Linde plc", "NMS", "NasdaqGS", "NASDAQ", "Basic Materials", "Chemicals - Specialty", 1707925, "2810", "Industrial Inorganic Chemicals"),
    "AMT": ("stock", "American Tower Corporation", "NYQ", "NYSE", "NYSE", "Real Estate", "REIT - Specialty", 1053507, "6798", "Real Estate Investment Trusts"),
    "DIS": ("stock", "The Walt Disney Company", "NYQ", "NYSE", "NYSE", "Communication Services", "Entertainment", 1744489, "7990", "Services-Miscellaneous Amusement & Recreation"),
    "TSLA": ("stock", "Tesla, Inc.", "NMS", "NasdaqGS", "NASDAQ", "Consumer Cyclical", "Auto - Manufacturers", 1318605, "3711", "Motor Vehicles & Passenger Car Bodies"),
    "HD": ("stock", "The Home Depot, Inc.", "NYQ", "NYSE", "NYSE", "Consumer Cyclical", "Home Improvement", 354950, "5211", "Retail-Lumber & Other Building Materials Dealers"),
    "BRK-B": ("stock", "Berkshire Hathaway Inc.", "NYQ", "NYSE", "NYSE", "Financial Services", "Insurance - Diversified", 1067983, "6331", "Fire, Marine & Casualty Insurance"),
    "COST": ("stock", "Costco Wholesale Corporation", "NMS", "NasdaqGS", "NASDAQ", "Consumer Defensive", "Discount Stores", 909832, "5331", "Retail-Variety Stores"),
    "AMD": ("stock", "Advanced Micro Devices, Inc.", "NMS", "NasdaqGS", "NASDAQ", "Technology", "Semiconductors", 2488, "3674", "Semiconductors & Related Devices"),
    "AVGO": ("stock", "Broadcom Inc.", "NMS", "NasdaqGS", "NASDAQ", "Technology", "Semiconductors", 1730168, "3674", "Semiconductors & Related Devices"),
    "MA": ("stock", "Mastercard Incorporated", "NYQ", "NYSE", "NYSE", "Financial Services", "Financial - Credit Services", 1141391, "7389", "Services-Business Services, NEC"),
    "NFLX": ("stock", "Netflix, Inc.", "NMS", "NasdaqGS", "NASDAQ", "Communication Services", "Entertainment", 1065280, "7841", "Services-Video Tape Rental"),
    "ORCL": ("stock", "Oracle Corporation", "NYQ", "NYSE", "NYSE", "Technology", "Software - Infrastructure", 1341439, "7372", "Services-Prepackaged Software"),
    "PEP": ("stock", "PepsiCo, Inc.", "NMS", "NasdaqGS", "NASDAQ", "Consumer Defensive", "Beverages - Non-Alcoholic", 77476, "2080", "Beverages"),
    "V": ("stock", "Visa Inc.", "NYQ", "NYSE", "NYSE", "Financial Services", "Financial - Credit Services", 1403161, "7389", "Services-Business Services, NEC"),
    "WMT": ("stock", "Walmart Inc.", "NYQ", "NYSE", "NYSE", "Consumer Defensive", "Discount Stores", 104169, "5331", "Retail-Variety Stores"),
    "SPY": ("etf", "SPDR S&P 500 ETF Trust", "PCX", "NYSEArca", "AMEX", "", "", 884394, "", ""),
    "QQQ": ("etf", "Invesco QQQ Trust, Series 1", "NGM", "NasdaqGM", "NASDAQ", "", "", 1067839, "", ""),
    "VTI": ("etf", "Vanguard Total Stock Market Index Fund ETF Shares", "PCX", "NYSEArca", "AMEX", "", "", 36405, "", ""),
    "^VIX": ("index", "CBOE Volatility Index", "CXI", "Cboe Indices", "INDEX", "", "", None, "", ""),
    "BTC-USD": ("crypto", "Bitcoin USD", "CCC", "CCC", "CRYPTO", "", "", None, "", ""),
    "ETH-USD": ("crypto", "Ethereum USD", "CCC", "CCC", "CRYPTO", "", "", None, "", ""),
}
PRICE_RANGE = {"^VIX": (10, 3000), "BTC-USD": (20000, 8000000), "ETH-USD": (1000, 400000)}
COINGECKO_IDS = {"bitcoin": "BTC-USD", "ethereum": "ETH-USD"}
COIN_SUPPLY = {"bitcoin": 19900000, "ethereum": 120500000}

# series: (frequency, count, base, slope, amp, decimals, missing indexes, title, units)
FRED_SERIES = {
    "FEDFUNDS": ("m", 24, 4.0, -0.02, 0.30, 2, (), "Federal Funds Effective Rate", "Percent"),
    "UNRATE": ("m", 24, 4.0, 0.01, 0.20, 1, (), "Unemployment Rate", "Percent"),
    "CPIAUCSL": ("m", 24, 315.0, 0.80, 0.50, 3, (), "Consumer Price Index for All Urban Consumers", "Index 1982-1984=100"),
    "DGS10": ("d", 60, 4.2, 0.0, 0.25, 2, (10, 40), "Market Yield on U.S. Treasury Securities at 10-Year", "Percent"),
    "VIXCLS": ("d", 60, 17.5, 0.0, 4.00, 2, (10, 40), "CBOE Volatility Index: VIX", "Index"),
}
IMF_INDICATORS = {
    "NGDP_RPCH": (2.0, 1.0, 2.0),  # base, amp, period divisor
    "PCPIPCH": (2.5, 1.5, 3.0),
}
IMF_COUNTRIES = ("USA",)
IMF_YEARS = range(2000, 2031)

FMP_KEY_ERROR = ("Invalid API KEY. Feel free to create a Free API Key or visit "
                 "https://site.financialmodelingprep.com/faqs?search=why-is-my-api-key-invalid for more information.")
FMP_LIMIT = ("Limit Reach . Please upgrade your plan or visit our documentation for more details at "
             "https://site.financialmodelingprep.com/")
AV_KEY_ERROR = ("the parameter apikey is invalid or missing. Please claim your free API key on "
                "(https://www.alphavantage.co/support/#api-key). It should take less than 20 seconds.")
AV_INFORMATION = ("Thank you for using Alpha Vantage! Our standard API rate limit is 25 requests per day. "
                  "Please subscribe to any of the premium plans at https://www.alphavantage.co/premium/ "
                  "to instantly remove all daily rate limits.")
AV_NOTE = ("Thank you for using Alpha Vantage! Our standard API call frequency is 5 calls per minute and "
           "500 calls per day. Please visit https://www.alphavantage.co/premium/ if you would like to target "
           "a higher API call frequency.")
FRED_KEY_ERROR = ("Bad Request.  Variable api_key is not set.  Read https://fred.stlouisfed.org/docs/api/api_key.html "
                  "for more information.")
SEC_403 = ("<!DOCTYPE html>\n<html><head><title>SEC.gov | Request Rate Threshold Exceeded</title></head><body>\n"
           "<h1>Your Request Originates from an Undeclared Automated Tool</h1>\n"
           "<p>To allow for equitable access to all users, SEC reserves the right to limit requests originating "
           "from undeclared automated tools. Your request has been identified as part of a network of automated "
           "tools outside of the acceptable policy and will be managed until action is taken to declare your "
           "traffic.</p>\n<p>Please declare your traffic by updating your user agent to include company specific "
           "information.</p>\n</body></html>\n")
SEC_RATE = ("<!DOCTYPE html>\n<html><head><title>SEC.gov | Request Rate Threshold Exceeded</title></head><body>\n"
            "<h1>Request Rate Threshold Exceeded</h1>\n<p>Your request rate exceeds the SEC's fair access "
            "limit of 10 requests per second.</p>\n</body></html>\n")
S3_NO_SUCH_KEY = ('<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchKey</Code>'
                  '<Message>The specified key does not exist.</Message></Error>')

JSON_TYPE = "application/json;charset=utf-8"


# ---------------------------------------------------------------------------
# Deterministic data
# ---------------------------------------------------------------------------

def canon(symbol):
    return symbol.strip().upper().replace(".", "-")


def digits(sym):
    d = hashlib.md5(sym.encode()).hexdigest()
    return [int(d[6 * i:6 * i + 6], 16) for i in range(5)]


@functools.lru_cache(maxsize=1)
def trading_days():
    days = []
    d = END_DATE
    while len(days) < N_DAYS:
        if d.weekday() < 5:
            days.append(d)
        d -= datetime.timedelta(days=1)
    days.reverse()
    return tuple(days)


def day_ts(d, hour=14, minute=30):
    return calendar.timegm((d.year, d.month, d.day, hour, minute, 0))


def universe_row(sym):
    """The UNIVERSE row of a canonical symbol, or of a synthetic one (--universe), or None."""
    row = UNIVERSE.get(sym)
    if row is None and EXTRA.rows:
        row = EXTRA.rows.get(sym)
    return row


def instrument(sym):
    """All figures of one universe symbol (canonical), or None."""
    row = universe_row(sym)
    return None if row is None else instrument_of(sym, row[0])


@functools.lru_cache(maxsize=128)
def instrument_of(sym, kind):
    n = digits(sym)
    base, span = PRICE_RANGE.get(sym, (50, 45000))
    price = round(base + (n[0] % span) / 100, 2)
    phase = n[1] % 60
    amp = 0.05 + (n[2] % 11) / 100
    trend = ((n[3] % 41) - 20) / 100

    def f(k):
        return 1 + trend * (k - 251) / 251 + amp * (math.sin((k + phase) / 7.0) - math.sin((251 + phase) / 7.0))

    close, opn, high, low, vol = [], [], [], [], []
    for k in range(N_DAYS):
        if k in NULL_DAYS:
            for arr in (close, opn, high, low, vol):
                arr.append(None)
            continue
        c = round(price * f(k), 2)
        close.append(c)
        opn.append(round(c * 0.995, 2))
        high.append(round(c * 1.01, 2))
        low.append(round(c * 0.985, 2))
        vol.append(1000000 + n[4] % 9000000 + 1000 * k)
    highs = [x for x in high if x is not None]
    lows = [x for x in low if x is not None]
    prev = close[250]
    shares = 100000000 + (n[1] % 9900) * 1000000
    pe = 8 + (n[2] % 4200) / 100 if kind == "stock" else None
    target = round(price * (0.9 + (n[4] % 40) / 100), 2)

    def avg(m):
        xs = [x for x in close[-m:] if x is not None]
        return round(sum(xs) / len(xs), 2)

    return {
        "symbol": sym, "kind": kind, "price": price, "f": f,
        "close": close, "open": opn, "high": high, "low": low, "volume": vol,
        "year_high": max(highs), "year_low": min(lows),
        "prev": prev, "shares": shares, "market_cap": round(price * shares),
        "pe": pe, "eps": round(price / pe, 2) if pe else None,
        "beta": round(0.5 + (n[3] % 150) / 100, 2),
        "dividend": (n[3] % 300) / 100,
        "target": target, "target_high": round(target * 1.2, 2), "target_low": round(target * 0.8, 2),
        "change": round(price - prev, 2), "change_pct": round((price - prev) / prev * 100, 4),
        "avg50": avg(50), "avg200": avg(200),
    }


def meta_of(sym):
    return universe_row(sym)


# ---------------------------------------------------------------------------
# Service handlers: (method, rest path, params, headers) -> (status, content type, body bytes, extra headers)
# ---------------------------------------------------------------------------

def jbody(obj):
    return json.dumps(obj, separators=(",", ":")).encode()


def answer(status, obj, ctype=JSON_TYPE, headers=None):
    body = obj if isinstance(obj, bytes) else (obj.encode() if isinstance(obj, str) else jbody(obj))
    return status, ctype, body, headers or []


def param(params, name):
    v = params.get(name)
    return v[-1] if v else ""


def yahoo(rest, params, headers):
    prefix = "/v8/finance/chart/"
    if not rest.startswith(prefix):
        return answer(404, {"finance": {"result": None, "error": {"code": "Not Found", "description": "HTTP 404 Not Found"}}})
    raw = unquote(rest[len(prefix):])
    sym = canon(raw)
    inst = instrument(sym)
    if inst is None or not raw:
        return answer(404, {"chart": {"result": None, "error": {"code": "Not Found",
                                                                 "description": "No data found, symbol may be delisted"}}})
    interval = param(params, "interval") or "1d"
    if interval != "1d":
        return answer(422, {"chart": {"result": None, "error": {
            "code": "Unprocessable Entity",
            "description": "Invalid input - interval=%s is not supported by the fake (only 1d)" % interval}}})
    rng = param(params, "range") or "1y"
    days = trading_days()
    ytd = sum(1 for d in days if d.year == END_DATE.year)
    counts = {"1d": 1, "5d": 5, "1mo": 21, "3mo": 63, "6mo": 126, "ytd": ytd,
              "1y": N_DAYS, "2y": N_DAYS, "5y": N_DAYS, "10y": N_DAYS, "max": N_DAYS}
    if rng not in counts:
        return answer(422, {"chart": {"result": None, "error": {
            "code": "Unprocessable Entity",
            "description": "Invalid input - range=%s is not valid. Valid ranges: [1d, 5d, 1mo, 3mo, 6mo, 1y, 2y, 5y, 10y, ytd, max]" % rng}}})
    k0 = N_DAYS - counts[rng]
    kind, name, exch, full_exch = meta_of(sym)[:4]
    itype = {"stock": "EQUITY", "etf": "ETF", "index": "INDEX", "crypto": "CRYPTOCURRENCY"}[kind]
    last = days[-1]
    reg_start = day_ts(last, 14, 30)
    reg_end = day_ts(last, 21, 0)
    meta = {
        "currency": "USD", "symbol": sym, "exchangeName": exch, "fullExchangeName": full_exch,
        "instrumentType": itype, "firstTradeDate": 345479400, "regularMarketTime": MARKET_CLOSE_TS,
        "hasPrePostMarketData": kind in ("stock", "etf"), "gmtoffset": -18000, "timezone": "EST",
        "exchangeTimezoneName": "America/New_York", "regularMarketPrice": inst["price"],
        "fiftyTwoWeekHigh": inst["year_high"], "fiftyTwoWeekLow": inst["year_low"],
        "regularMarketDayHigh": inst["high"][-1], "regularMarketDayLow": inst["low"][-1],
        "regularMarketVolume": inst["volume"][-1], "longName": name, "shortName": name,
        "chartPreviousClose": round(inst["price"] * inst["f"](k0 - 1), 2), "priceHint": 2,
    }
    if rng in ("1d", "5d"):
        meta["previousClose"] = inst["prev"]
        meta["scale"] = 3
    meta.update({
        "currentTradingPeriod": {
            "pre": {"timezone": "EST", "start": reg_start - 19800, "end": reg_start, "gmtoffset": -18000},
            "regular": {"timezone": "EST", "start": reg_start, "end": reg_end, "gmtoffset": -18000},
            "post": {"timezone": "EST", "start": reg_end, "end": reg_end + 14400, "gmtoffset": -18000},
        },
        "dataGranularity": "1d", "range": rng,
        "validRanges": ["1d", "5d", "1mo", "3mo", "6mo", "1y", "2y", "5y", "10y", "ytd", "max"],
    })
    result = {
        "meta": meta,
        "timestamp": [day_ts(d) for d in days[k0:]],
        "indicators": {
            "quote": [{
                "open": inst["open"][k0:], "high": inst["high"][k0:], "low": inst["low"][k0:],
                "close": inst["close"][k0:], "volume": inst["volume"][k0:],
            }],
            "adjclose": [{"adjclose": inst["close"][k0:]}],
        },
    }
    return answer(200, {"chart": {"result": [result], "error": None}})


def fmp(rest, params, headers):
    key = param(params, "apikey") or headers.get("apikey", "")
    if not key:
        return answer(401, {"Error Message": FMP_KEY_ERROR})
    endpoint = rest[len("/stable/"):] if rest.startswith("/stable/") else None
    known = ("profile", "quote", "ratios-ttm", "key-metrics-ttm", "price-target-consensus", "historical-price-eod/full")
    if endpoint not in known:
        return answer(404, {"Error Message": "Invalid endpoint: %s" % rest})
    raw = param(params, "symbol")
    if not raw:
        return answer(400, {"Error Message": "Invalid or missing query parameter - symbol"})
    sym = canon(raw)
    inst = instrument(sym)
    if inst is None:
        return answer(200, [])
    kind = inst["kind"]
    kind_ok = {"profile": ("stock", "etf"), "quote": ("stock", "etf", "index"),
               "historical-price-eod/full": ("stock", "etf", "index"),
               "ratios-ttm": ("stock",), "key-metrics-ttm": ("stock",), "price-target-consensus": ("stock",)}
    if kind not in kind_ok[endpoint]:
        return answer(200, [])
    (_, name, _, _, exch, sector, industry, cik, _, _) = meta_of(sym)
    P = inst["price"]
    if endpoint == "profile":
        obj = {
            "symbol": sym, "price": P, "marketCap": inst["market_cap"], "beta": inst["beta"],
            "lastDividend": inst["dividend"], "range": "%s-%s" % (inst["year_low"], inst["year_high"]),
            "change": inst["change"], "changePercentage": inst["change_pct"], "volume": inst["volume"][-1],
            "averageVolume": sum(v for v in inst["volume"] if v is not None) // (N_DAYS - len(NULL_DAYS)),
            "companyName": name, "currency": "USD", "cik": "%010d" % cik if cik else None,
            "isin": "US%09d0" % (cik or 0), "cusip": "%09d" % (cik or 0),
            "exchangeFullName": {"NASDAQ": "NASDAQ Global Select", "NYSE": "New York Stock Exchange",
                                 "AMEX": "New York Stock Exchange Arca"}.get(exch, exch),
            "exchange": exch, "industry": industry,
            "website": "https://www.example.com/%s" % sym.lower(),
            "description": "%s (deterministic test data)." % name, "ceo": "Test CEO", "sector": sector,
            "country": "US", "fullTimeEmployees": str(1000 + inst["shares"] // 100000),
            "phone": "+1 555 0100", "address": "1 Test Way", "city": "Testville", "state": "CA", "zip": "00000",
            "image": "https://images.financialmodelingprep.com/symbol/%s.png" % sym,
            "ipoDate": "1990-01-02", "defaultImage": False, "isEtf": kind == "etf",
            "isActivelyTrading": True, "isAdr": False, "isFund": False,
        }
        return answer(200, [obj])
    if endpoint == "quote":
        obj = {
            "symbol": sym, "name": name, "price": P, "changePercentage": inst["change_pct"],
            "change": inst["change"], "volume": inst["volume"][-1], "dayLow": inst["low"][-1],
            "dayHigh": inst["high"][-1], "yearHigh": inst["year_high"], "yearLow": inst["year_low"],
            "marketCap": inst["market_cap"], "priceAvg50": inst["avg50"], "priceAvg200": inst["avg200"],
            "exchange": exch, "open": inst["open"][-1], "previousClose": inst["prev"],
            "timestamp": MARKET_CLOSE_TS,
        }
        return answer(200, [obj])
    if endpoint == "ratios-ttm":
        pe, eps = inst["pe"], inst["eps"]
        obj = {
            "symbol": sym, "grossProfitMarginTTM": 0.45, "ebitMarginTTM": 0.3, "ebitdaMarginTTM": 0.35,
            "operatingProfitMarginTTM": 0.3, "pretaxProfitMarginTTM": 0.28, "netProfitMarginTTM": 0.22,
            "currentRatioTTM": 1.2, "quickRatioTTM": 1.0, "priceToEarningsRatioTTM": pe,
            "priceToEarningsGrowthRatioTTM": round(pe / 10, 4), "priceToBookRatioTTM": round(pe / 4, 4),
            "priceToSalesRatioTTM": round(pe / 5, 4), "debtToEquityRatioTTM": 1.1,
            "dividendPayoutRatioTTM": round(inst["dividend"] / eps, 6) if eps else 0,
            "dividendYieldTTM": round(inst["dividend"] / P, 6),
            "revenuePerShareTTM": round(eps * 5, 4), "netIncomePerShareTTM": eps,
            "bookValuePerShareTTM": round(P / (pe / 4), 4), "freeCashFlowPerShareTTM": round(eps * 0.9, 4),
            "effectiveTaxRateTTM": 0.18, "enterpriseValueMultipleTTM": round(pe * 0.7, 4),
        }
        return answer(200, [obj])
    if endpoint == "key-metrics-ttm":
        pe = inst["pe"]
        obj = {
            "symbol": sym, "marketCap": inst["market_cap"], "enterpriseValueTTM": round(inst["market_cap"] * 1.05),
            "evToSalesTTM": round(pe / 5 * 1.05, 4), "evToEBITDATTM": round(pe * 0.7, 4),
            "currentRatioTTM": 1.2, "returnOnAssetsTTM": 0.12, "returnOnEquityTTM": 0.3,
            "earningsYieldTTM": round(1 / pe, 6), "freeCashFlowYieldTTM": round(0.9 / pe, 6),
        }
        return answer(200, [obj])
    if endpoint == "price-target-consensus":
        obj = {"symbol": sym, "targetHigh": inst["target_high"], "targetLow": inst["target_low"],
               "targetConsensus": inst["target"], "targetMedian": inst["target"]}
        return answer(200, [obj])
    # historical-price-eod/full
    rows = []
    days = trading_days()
    prev_close = None
    for k in range(N_DAYS):
        c = inst["close"][k]
        if c is None:
            continue
        ch = round(c - prev_close, 2) if prev_close is not None else 0.0
        rows.append({"symbol": sym, "date": days[k].isoformat(), "open": inst["open"][k], "high": inst["high"][k],
                     "low": inst["low"][k], "close": c, "volume": inst["volume"][k], "change": ch,
                     "changePercent": round(ch / prev_close * 100, 4) if prev_close else 0.0,
                     "vwap": round((inst["high"][k] + inst["low"][k] + c) / 3, 4)})
        prev_close = c
    rows.reverse()
    return answer(200, rows)


def av_fmt(x, fmt="%.2f"):
    return "None" if x is None else fmt % x


def alpha_vantage(rest, params, headers):
    if rest not in ("/query", "/query/"):
        return answer(404, {"Error Message": "Not Found"})
    if not param(params, "apikey"):
        return answer(200, {"Error Message": AV_KEY_ERROR})
    function = param(params, "function").upper()
    sym = canon(param(params, "symbol"))
    inst = instrument(sym) if sym else None
    if function == "OVERVIEW":
        if inst is None or inst["kind"] != "stock":
            return answer(200, {})
        (_, name, _, _, exch, sector, industry, cik, _, _) = meta_of(sym)
        P, pe, eps = inst["price"], inst["pe"], inst["eps"]
        div = inst["dividend"]
        obj = collections.OrderedDict([
            ("Symbol", sym), ("AssetType", "Common Stock"), ("Name", name),
            ("Description", "%s (deterministic test data)." % name), ("CIK", str(cik)),
            ("Exchange", exch), ("Currency", "USD"), ("Country", "USA"),
            ("Sector", sector.upper()), ("Industry", industry.upper()),
            ("Address", "1 TEST WAY, TESTVILLE, CA, US"), ("OfficialSite", "https://www.example.com/%s" % sym.lower()),
            ("FiscalYearEnd", "December"), ("LatestQuarter", "2026-09-30"),
            ("MarketCapitalization", str(inst["market_cap"])), ("EBITDA", str(round(inst["market_cap"] / pe / 0.7))),
            ("PERatio", av_fmt(pe)), ("PEGRatio", av_fmt(pe / 10, "%.3f")), ("BookValue", av_fmt(P / (pe / 4))),
            ("DividendPerShare", av_fmt(div) if div else "None"),
            ("DividendYield", av_fmt(div / P, "%.4f") if div else "None"),
            ("EPS", av_fmt(eps)), ("RevenuePerShareTTM", av_fmt(eps * 5)), ("ProfitMargin", "0.220"),
            ("OperatingMarginTTM", "0.300"), ("ReturnOnAssetsTTM", "0.120"), ("ReturnOnEquityTTM", "0.300"),
            ("RevenueTTM", str(round(eps * 5 * inst["shares"]))), ("GrossProfitTTM", str(round(eps * 2.25 * inst["shares"]))),
            ("DilutedEPSTTM", av_fmt(eps)), ("QuarterlyEarningsGrowthYOY", "0.050"),
            ("QuarterlyRevenueGrowthYOY", "0.040"), ("AnalystTargetPrice", av_fmt(inst["target"])),
            ("AnalystRatingStrongBuy", "5"), ("AnalystRatingBuy", "10"), ("AnalystRatingHold", "8"),
            ("AnalystRatingSell", "2"), ("AnalystRatingStrongSell", "0"),
            ("TrailingPE", av_fmt(pe)), ("ForwardPE", av_fmt(pe * 0.9)),
            ("PriceToSalesRatioTTM", av_fmt(pe / 5, "%.3f")), ("PriceToBookRatio", av_fmt(pe / 4, "%.3f")),
            ("EVToRevenue", av_fmt(pe / 5 * 1.05, "%.3f")), ("EVToEBITDA", av_fmt(pe * 0.7, "%.3f")),
            ("Beta", av_fmt(inst["beta"])), ("52WeekHigh", av_fmt(inst["year_high"])),
            ("52WeekLow", av_fmt(inst["year_low"])), ("50DayMovingAverage", av_fmt(inst["avg50"])),
            ("200DayMovingAverage", av_fmt(inst["avg200"])), ("SharesOutstanding", str(inst["shares"])),
            ("SharesFloat", str(inst["shares"] * 99 // 100)), ("PercentInsiders", "0.500"),
            ("PercentInstitutions", "65.000"), ("DividendDate", "2026-11-13" if div else "None"),
            ("ExDividendDate", "2026-11-10" if div else "None"),
        ])
        return answer(200, obj)
    if function == "GLOBAL_QUOTE":
        if inst is None or inst["kind"] not in ("stock", "etf"):
            return answer(200, {"Global Quote": {}})
        q = collections.OrderedDict([
            ("01. symbol", sym), ("02. open", av_fmt(inst["open"][-1], "%.4f")),
            ("03. high", av_fmt(inst["high"][-1], "%.4f")), ("04. low", av_fmt(inst["low"][-1], "%.4f")),
            ("05. price", av_fmt(inst["price"], "%.4f")), ("06. volume", str(inst["volume"][-1])),
            ("07. latest trading day", END_DATE.isoformat()), ("08. previous close", av_fmt(inst["prev"], "%.4f")),
            ("09. change", av_fmt(inst["change"], "%.4f")), ("10. change percent", "%.4f%%" % inst["change_pct"]),
        ])
        return answer(200, {"Global Quote": q})
    if function == "TIME_SERIES_DAILY":
        if inst is None or inst["kind"] not in ("stock", "etf"):
            return answer(200, {"Error Message": "Invalid API call. Please retry or visit the documentation "
                                                 "(https://www.alphavantage.co/documentation/) for TIME_SERIES_DAILY."})
        full = param(params, "outputsize").lower() == "full"
        days = trading_days()
        series = collections.OrderedDict()
        for k in range(N_DAYS - 1, -1, -1):
            if inst["close"][k] is None:
                continue
            series[days[k].isoformat()] = collections.OrderedDict([
                ("1. open", av_fmt(inst["open"][k], "%.4f")), ("2. high", av_fmt(inst["high"][k], "%.4f")),
                ("3. low", av_fmt(inst["low"][k], "%.4f")), ("4. close", av_fmt(inst["close"][k], "%.4f")),
                ("5. volume", str(inst["volume"][k]))])
            if not full and len(series) == 100:
                break
        return answer(200, {"Meta Data": collections.OrderedDict([
            ("1. Information", "Daily Prices (open, high, low, close) and Volumes"), ("2. Symbol", sym),
            ("3. Last Refreshed", END_DATE.isoformat()), ("4. Output Size", "Full size" if full else "Compact"),
            ("5. Time Zone", "US/Eastern")]), "Time Series (Daily)": series})
    if not function:
        return answer(200, {"Error Message": "Invalid API call. Please retry or visit the documentation "
                                             "(https://www.alphavantage.co/documentation/)."})
    return answer(200, {"Error Message": "This API function (%s) does not exist." % function})


@functools.lru_cache(maxsize=16)
def fred_observations(series_id):
    freq, count, base, slope, amp, dec, missing = FRED_SERIES[series_id][:7]
    if freq == "m":
        dates = []
        y, m = END_DATE.year, 10  # last monthly observation: 2026-10-01
        for _ in range(count):
            dates.append(datetime.date(y, m, 1))
            m -= 1
            if m == 0:
                y, m = y - 1, 12
        dates.reverse()
    else:
        dates = list(trading_days()[-count:])
    obs = []
    for i, d in enumerate(dates):
        if i in missing:
            value = "."
        else:
            value = "%.*f" % (dec, round(base + slope * i + amp * math.sin(i / 3.0), dec))
        obs.append({"realtime_start": NOW_DATE, "realtime_end": NOW_DATE, "date": d.isoformat(), "value": value})
    return tuple(obs)


def fred_error(msg, status=400):
    return answer(status, {"error_code": status, "error_message": msg})


def fred(rest, params, headers):
    if rest.rstrip("/") != "/fred/series/observations":
        return answer(404, {"error_code": 404, "error_message": "Not Found"})
    if not param(params, "api_key"):
        return fred_error(FRED_KEY_ERROR)
    if param(params, "file_type") != "json":
        return fred_error("Bad Request.  The fake serves file_type=json only.")
    series_id = param(params, "series_id").upper()
    if not series_id:
        return fred_error("Bad Request.  Variable series_id is not set.")
    if series_id not in FRED_SERIES:
        return fred_error("Bad Request.  The series does not exist.")
    obs = list(fred_observations(series_id))
    start = param(params, "observation_start") or "1776-07-04"
    end = param(params, "observation_end") or "9999-12-31"
    obs = [o for o in obs if start <= o["date"] <= end]
    order = param(params, "sort_order") or "asc"
    if order not in ("asc", "desc"):
        return fred_error("Bad Request.  Variable sort_order can only be 'asc' or 'desc'.")
    if order == "desc":
        obs.reverse()
    try:
        limit = int(param(params, "limit") or 100000)
        offset = int(param(params, "offset") or 0)
    except ValueError:
        return fred_error("Bad Request.  Variable limit is not an integer.")
    count = len(obs)
    return answer(200, collections.OrderedDict([
        ("realtime_start", NOW_DATE), ("realtime_end", NOW_DATE),
        ("observation_start", start), ("observation_end", end),
        ("units", "lin"), ("output_type", 1), ("file_type", "json"),
        ("order_by", "observation_date"), ("sort_order", order),
        ("count", count), ("offset", offset), ("limit", limit),
        ("observations", obs[offset:offset + limit]),
    ]))


def sec_edgar(rest, params, headers):
    if not headers.get("user-agent", "").strip():
        return answer(403, SEC_403, "text/html")
    extra = EXTRA
    if rest == "/files/company_tickers.json":
        out = collections.OrderedDict()
        i = 0
        for sym, row in list(UNIVERSE.items()) + list(extra.rows.items()):
            if row[7] is None:
                continue
            out[str(i)] = {"cik_str": row[7], "ticker": sym, "title": row[1]}
            i += 1
        return answer(200, out, "application/json")
    prefix = "/submissions/CIK"
    if rest.startswith(prefix) and rest.endswith(".json"):
        digits_ = rest[len(prefix):-len(".json")]
        if len(digits_) == 10 and digits_.isdigit():
            cik = int(digits_)
            if any(row[7] == cik for row in UNIVERSE.values()) or cik in extra.by_cik:
                return answer(200, sec_submission(cik, extra), "application/json")
    return answer(404, S3_NO_SUCH_KEY, "application/xml")


def sec_submission(cik, extra):
    rows = [(sym, row) for sym, row in UNIVERSE.items() if row[7] == cik]
    rows += [(sym, extra.rows[sym]) for sym in extra.by_cik.get(cik, ())]
    sym, row = rows[0]
    kind, name = row[0], row[1]
    exchange = {"NASDAQ": "Nasdaq", "NYSE": "NYSE", "AMEX": "NYSE"}.get(row[4], row[4])
    filings = {"accessionNumber": ["0000%06d-26-000101" % (cik % 1000000), "0000%06d-26-000077" % (cik % 1000000)],
               "filingDate": ["2026-10-31", "2026-08-01"], "reportDate": ["2026-09-30", "2026-06-30"],
               "acceptanceDateTime": ["2026-10-31T16:05:11.000Z", "2026-08-01T16:03:40.000Z"],
               "act": ["34", "34"], "form": ["10-Q", "10-Q"], "fileNumber": ["001-00000", "001-00000"],
               "filmNumber": ["261000001", "261000000"], "items": ["", ""], "core_type": ["10-Q", "10-Q"],
               "size": [5000000, 4900000], "isXBRL": [1, 1], "isInlineXBRL": [1, 1],
               "primaryDocument": ["q3.htm", "q2.htm"], "primaryDocDescription": ["10-Q", "10-Q"]}
    return collections.OrderedDict([
        ("cik", str(cik)), ("entityType", "operating" if kind == "stock" else "other"),
        ("sic", row[8]), ("sicDescription", row[9]), ("ownerOrg", ""),
        ("insiderTransactionForOwnerExists", 0), ("insiderTransactionForIssuerExists", 1 if kind == "stock" else 0),
        ("name", name), ("tickers", [s for s, _ in rows]), ("exchanges", [exchange for _ in rows]),
        ("ein", "%09d" % (cik % 1000000000)), ("lei", None), ("description", ""), ("website", ""),
        ("investorWebsite", ""), ("category", "Large Accelerated Filer" if kind == "stock" else ""),
        ("fiscalYearEnd", "1231"), ("stateOfIncorporation", "DE"), ("stateOfIncorporationDescription", "DE"),
        ("addresses", {"mailing": {"street1": "1 TEST WAY", "street2": None, "city": "TESTVILLE", "stateOrCountry": "CA",
                                   "zipCode": "00000", "stateOrCountryDescription": "CA"},
                       "business": {"street1": "1 TEST WAY", "street2": None, "city": "TESTVILLE", "stateOrCountry": "CA",
                                    "zipCode": "00000", "stateOrCountryDescription": "CA"}}),
        ("phone", "555-0100"), ("flags", ""), ("formerNames", []),
        ("filings", {"recent": filings, "files": []}),
    ])


def coingecko(rest, params, headers):
    rest = rest.rstrip("/")
    if rest == "/api/v3/ping":
        return answer(200, {"gecko_says": "(V3) To the Moon!"})
    if rest != "/api/v3/simple/price":
        return answer(404, {"error": "Not Found"})
    vs = [v.strip().lower() for v in param(params, "vs_currencies").split(",") if v.strip()]
    if not vs:
        return answer(400, {"error": "Missing parameter vs_currencies"})
    ids = [i.strip().lower() for i in param(params, "ids").split(",") if i.strip()]

    def flag(name):
        return param(params, name).lower() == "true"

    out = collections.OrderedDict()
    for cid in ids:
        if cid not in COINGECKO_IDS or cid in out:
            continue
        inst = instrument(COINGECKO_IDS[cid])
        P = inst["price"]
        entry = collections.OrderedDict()
        if "usd" in vs:
            entry["usd"] = P
            if flag("include_market_cap"):
                entry["usd_market_cap"] = round(P * COIN_SUPPLY[cid])
            if flag("include_24hr_vol"):
                entry["usd_24h_vol"] = round(P * inst["volume"][-1])
            if flag("include_24hr_change"):
                entry["usd_24h_change"] = round((P / inst["prev"] - 1) * 100, 6)
        if flag("include_last_updated_at"):
            entry["last_updated_at"] = MARKET_CLOSE_TS
        out[cid] = entry
    return answer(200, out)


def imf_data(rest, params, headers):
    prefix = "/external/datamapper/api/v1/"
    api = {"version": "1", "output-method": "json"}
    if not rest.startswith(prefix):
        return answer(404, {"api": api, "error": "Not Found"})
    parts = [unquote(p) for p in rest[len(prefix):].split("/") if p]
    if not parts:
        return answer(200, {"api": api})
    indicator = parts[0].upper()
    countries = [c.upper() for c in parts[1:]] or list(IMF_COUNTRIES)
    periods = {p.strip() for p in param(params, "periods").split(",") if p.strip()}
    if indicator not in IMF_INDICATORS:
        return answer(200, {"api": api})
    base, amp, div = IMF_INDICATORS[indicator]
    per_country = collections.OrderedDict()
    for c in countries:
        if c not in IMF_COUNTRIES:
            continue
        per_country[c] = collections.OrderedDict(
            (str(y), round(base + amp * math.sin((y - 2000) / div), 3))
            for y in IMF_YEARS if not periods or str(y) in periods)
    if not per_country:
        return answer(200, {"api": api})
    return answer(200, {"values": {indicator: per_country}, "api": api})


HANDLERS = {
    "yahoo_finance": yahoo, "fmp": fmp, "alpha_vantage": alpha_vantage, "fred_economic": fred,
    "sec_edgar": sec_edgar, "coingecko": coingecko, "imf_data": imf_data,
}


def keys_carried(params, headers):
    """Every key value a request carries: query, key headers, basic-auth password."""
    keys = [v for name in KEY_PARAMS for v in params.get(name, []) if v]
    keys += [headers[name] for name in KEY_HEADERS if headers.get(name)]
    auth = headers.get("authorization", "")
    if auth.lower().startswith("basic "):
        try:
            user, _, password = base64.b64decode(auth[6:].strip()).decode("utf-8", "replace").partition(":")
            keys += [password or user]
        except ValueError:
            pass
    return keys


def echo_answer(service, key):
    """The provider's answer to an unknown key, repeating it (status, JSON)."""
    if service == "fred_economic":
        return 400, {"error_code": 400, "error_message": "Bad Request.  The value for variable api_key '%s' is not "
                     "registered.  Read https://fred.stlouisfed.org/docs/api/api_key.html for more information."
                     % key}
    if service == "alpha_vantage":
        return 200, {"Error Message": "the parameter apikey %s is invalid or missing. Please claim your free API "
                     "key on (https://www.alphavantage.co/support/#api-key)." % key}
    if service == "fmp":
        return 401, {"Error Message": "Invalid API KEY: %s. Feel free to create a Free API Key." % key}
    if service == "coingecko":
        return 401, {"status": {"error_code": 10002, "error_message": "API Key '%s' (x_cg_demo_api_key=%s) is "
                                "invalid" % (key, key)}}
    return 400, {"error": "unknown credentials %s" % key}


def with_key_in_text(obj, key):
    """`obj` with " <key>" appended to every string member named like a name or a description."""
    if isinstance(obj, list):
        return [with_key_in_text(v, key) for v in obj]
    if isinstance(obj, dict):
        out = {}
        for k, v in obj.items():
            if isinstance(v, str) and k.lower() in ("name", "companyname", "longname", "shortname", "description",
                                                    "title", "sector", "industry"):
                out[k] = "%s %s" % (v, key)
            else:
                out[k] = with_key_in_text(v, key)
        return out
    return obj


def quota_answer(service, fault):
    if service == "alpha_vantage":
        if (fault.get("variant") or "").lower() == "note":
            return answer(200, {"Note": AV_NOTE})
        return answer(200, {"Information": AV_INFORMATION})
    if service == "fmp":
        return answer(429, {"Error Message": FMP_LIMIT})
    if service == "yahoo_finance":
        return answer(429, "Too Many Requests\r\n", "text/html;charset=utf-8")
    if service == "fred_economic":
        return answer(429, {"error_code": 429, "error_message": "Too Many Requests.  Exceeded Rate Limit"})
    if service == "sec_edgar":
        return answer(403, SEC_RATE, "text/html")
    if service == "coingecko":
        return answer(429, {"status": {"error_code": 429, "error_message": "You've exceeded the Rate Limit. "
                                                                            "Please visit https://www.coingecko.com/en/api/pricing to subscribe to our API plans for higher rate limits."}})
    return answer(429, {"error": "Too Many Requests"})


# ---------------------------------------------------------------------------
# Realistic mode: the free plans' limits and refusals (docs/PROVIDERS.md)
# ---------------------------------------------------------------------------

# FMP's free ("Basic") plan: "Symbol Limited to AAPL, TSLA, AMZN and 84 more"; the 87 symbols as listed in
# tidy-finance/website#189 (2025-10-18), duplicates removed.  QQQ, VTI and ^VIX are not among them.
FMP_FREE_SYMBOLS = (
    "AAPL", "TSLA", "AMZN", "MSFT", "NVDA", "GOOGL", "META", "NFLX", "JPM", "V", "BAC", "AMD", "PYPL", "DIS", "T",
    "PFE", "COST", "INTC", "KO", "TGT", "NKE", "SPY", "BA", "BABA", "XOM", "WMT", "GE", "CSCO", "VZ", "JNJ", "CVX",
    "PLTR", "SQ", "SHOP", "SBUX", "SOFI", "HOOD", "RBLX", "SNAP", "UBER", "FDX", "ABBV", "ETSY", "MRNA", "LMT", "GM",
    "F", "RIVN", "LCID", "CCL", "DAL", "UAL", "AAL", "TSM", "SONY", "ET", "NOK", "MRO", "COIN", "SIRI", "RIOT",
    "CPRX", "VWO", "SPYG", "ROKU", "VIAC", "ATVI", "BIDU", "DOCU", "ZM", "PINS", "TLRY", "WBA", "MGM", "NIO", "C",
    "GS", "WFC", "ADBE", "PEP", "UNH", "CARR", "FUBO", "HCA", "TWTR", "BILI", "RKT")

# The parameters of realistic mode and their defaults (POST /__realism sets them; see the docstring).
REALISM_DEFAULTS = {
    "enabled": False,
    "yahoo_require_browser": True,      # User-Agent without "Mozilla/5.0" -> 429 "Edge: Too Many Requests"
    "yahoo_crumb": False,               # the cookie + crumb handshake is required for the chart
    "yahoo_per_minute": 0,              # 0: no per-minute limit
    "fmp_daily_cap": 250,               # every request with a valid key counts, refused ones too
    "fmp_symbols": list(FMP_FREE_SYMBOLS),  # outside: 402 "Premium Query Parameter"
    "fmp_open_endpoints": [],           # endpoints served for any symbol (argon#302 saw profile do so)
    "fmp_invalid_keys": [],
    "av_daily_cap": 25,                 # every request with a valid key counts, refused ones too
    "av_per_second": 1,                 # more in any 1-second window -> the burst Information
    "av_daily_text": "detected",        # "detected" (repeats the key, as today) or "thank_you" (older text)
    "av_invalid_keys": [],
    "sec_per_second": 10,               # more in any 1-second window -> 403 and a block
    "sec_block_seconds": 600.0,
    "sec_require_contact": True,        # User-Agent must hold an e-mail address
    "fred_per_minute": 120,
    "fred_per_second": 2,               # OpenBB-finance/OpenBB#7527 (2026-06-02); 0: off
    "fred_invalid_keys": [],
    "coingecko_per_minute": 30,         # the demo plan's conservative figure
    "coingecko_monthly_cap": 10000,
    "coingecko_pro_keys": [],           # keys treated as Pro keys (besides the prefix below)
    "coingecko_pro_key_prefix": "CG-pro",
    "coingecko_invalid_keys": [],
}
REFUSAL_REASONS = ("not_on_plan", "daily_cap", "monthly_cap", "burst", "per_minute", "no_contact",
                   "rate_threshold", "blocked", "not_browser", "crumb", "cookie", "invalid_key", "missing_key",
                   "wrong_root")

YAHOO_429 = "Edge: Too Many Requests"
YAHOO_INVALID_CRUMB = {"finance": {"result": None, "error": {"code": "Unauthorized", "description": "Invalid Crumb"}}}
YAHOO_INVALID_COOKIE = {"finance": {"result": None, "error": {"code": "Unauthorized", "description": "Invalid Cookie"}}}
FMP_402 = ("Premium Query Parameter: 'Special Endpoint : This value set for 'symbol' is not available under your "
           "current subscription please visit our subscription page to upgrade your plan at "
           "https://financialmodelingprep.com/")
AV_DAILY_DETECTED = ("We have detected your API key as %s and our standard API rate limit is 25 requests per day. "
                     "Please subscribe to any of the premium plans at https://www.alphavantage.co/premium/ to "
                     "instantly remove all daily rate limits.")
AV_BURST = ("Thank you for using Alpha Vantage! Please consider spreading out your free API requests more sparingly "
            "(1 request per second). You may subscribe to any of the premium plans at "
            "https://www.alphavantage.co/premium/ to lift the free key rate limit (25 requests per day), raise the "
            "per-second burst limit, and instantly unlock all premium endpoints")
FRED_NOT_REGISTERED = ("Bad Request.  The value for variable api_key is not registered.  Read "
                       "https://fred.stlouisfed.org/docs/api/api_key.html for more information.")
FRED_429 = {"error_code": 429, "error_message": "Too Many Requests.  Exceeded Rate Limit"}
SEC_TRAFFIC_LIMIT = (
    "<!DOCTYPE html>\n<html><head><title>SEC.gov | Request Rate Threshold Exceeded</title></head><body>\n"
    "<h1>Request Rate Threshold Exceeded</h1>\n<h2>You've Exceeded the SEC's Traffic Limit</h2>\n"
    "<p>Your request rate has exceeded the SEC's maximum allowable requests per second. Your access to SEC.gov "
    "will be limited for 10 minutes.</p>\n<p>Current guidelines limit each user to a total of no more than 10 "
    "requests per second, regardless of the number of machines used to submit requests. To ensure that SEC.gov "
    "remains available to all users, we reserve the right to block IP addresses that submit excessive requests."
    "</p>\n<p>The block will be lifted automatically by waiting 10 minutes. Continuing to exceed the SEC's maximum "
    "allowable request rate during the time-out period will extend the duration of the time-out period.</p>\n"
    "</body></html>\n")
CG_RATE = {"status": {"error_code": 429, "error_message": "You've exceeded the Rate Limit. Please visit "
                      "https://www.coingecko.com/en/api/pricing to subscribe to our API plans for higher rate limits."}}
CG_INVALID_KEY = {"status": {"error_code": 10002, "error_message": "You have provided incorrect API key credentials. "
                             "Please check your keys in developer dashboard and ensure that your request is "
                             "authorized"}}
CG_MISSING_PRO_KEY = {"status": {"error_code": 10002, "error_message": "API Key Missing. Please make sure you're using "
                                 "the right authentication method. For Pro API, ensure you pass in x_cg_pro_api_key "
                                 "parameter with a Pro Key."}}
CG_PRO_ON_PUBLIC = {"status": {"error_code": 10010, "error_message": "If you are using Pro API key, please change "
                               "your root URL from api.coingecko.com to pro-api.coingecko.com"}}
CG_DEMO_ON_PRO = {"status": {"error_code": 10011, "error_message": "If you are using Demo API key, please change "
                             "your root URL from pro-api.coingecko.com to api.coingecko.com"}}
EMAIL_RE = re.compile(r"[^\s@<>()]+@[^\s@<>()]+\.[A-Za-z]{2,}")


def subject_of(service, rest, params):
    """The symbols / series / documents one request is about (for the by_subject statistics)."""
    if service == "yahoo_finance":
        prefix = "/v8/finance/chart/"
        return [canon(unquote(rest[len(prefix):]))] if rest.startswith(prefix) and len(rest) > len(prefix) else []
    if service in ("fmp", "alpha_vantage"):
        sym = param(params, "symbol")
        return [canon(sym)] if sym.strip() else []
    if service == "fred_economic":
        sid = param(params, "series_id").upper()
        return [sid] if sid else []
    if service == "sec_edgar":
        if rest.startswith("/submissions/"):
            return [rest[len("/submissions/"):].rsplit(".", 1)[0]]
        return [rest.rsplit("/", 1)[-1]] if rest.strip("/") else []
    if service == "coingecko":
        return [i.strip().lower() for i in param(params, "ids").split(",") if i.strip()]
    if service == "imf_data":
        parts = [unquote(p) for p in rest.split("/") if p][4:]
        return ["/".join(parts)] if parts else []
    return []


def check_realism(spec, current):
    """The parameters after POST /__realism `spec`: the mode's defaults, then `spec` (ValueError if wrong)."""
    if not isinstance(spec, dict):
        raise ValueError("the body must be a JSON object")
    out = {k: (list(v) if isinstance(v, list) else v) for k, v in REALISM_DEFAULTS.items()}
    out["enabled"] = current["enabled"]
    for name, value in spec.items():
        if name not in REALISM_DEFAULTS:
            raise ValueError("unknown realism parameter %r (known: %s)" % (name, ", ".join(sorted(REALISM_DEFAULTS))))
        default = REALISM_DEFAULTS[name]
        if isinstance(default, bool):
            ok = isinstance(value, bool)
        elif isinstance(default, (int, float)):
            ok = isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0
        elif isinstance(default, list):
            ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
        else:
            ok = isinstance(value, str)
        if not ok:
            raise ValueError("%s must be %s" % (name, {bool: "true or false", list: "a list of strings", str: "a string"}
                                                .get(type(default), "a non-negative number")))
        out[name] = value
    if out["av_daily_text"] not in ("detected", "thank_you"):
        raise ValueError("av_daily_text must be \"detected\" or \"thank_you\"")
    return out


class Realism:
    """The counters of realistic mode (guarded by the State's lock)."""

    def __init__(self, enabled):
        self.params = check_realism({}, {"enabled": enabled})
        self.clear()

    def clear(self):
        self.windows = collections.defaultdict(collections.deque)   # name -> monotonic times
        self.counts = collections.Counter()                         # "fmp_day", "av_day", "cg_month"
        self.sec_blocked_until = 0.0
        self.yahoo_cookies = {}                                     # A3 value -> crumb

    def hit(self, name, now, span):
        """Records a request in the window `name`; returns how many fell within the last `span` seconds."""
        w = self.windows[name]
        w.append(now)
        while w and w[0] <= now - span:
            w.popleft()
        return len(w)


def realism_gate(state, service, rest, params, headers, keys, pro=False):
    """None when the request goes on, else (reason, (status, ctype, body, extra headers)).  Under state.lock."""
    r = state.realism
    p = r.params
    now = time.monotonic()
    if service == "coingecko" and pro:
        return coingecko_pro_gate(r, p, now, params, headers, keys)
    if not p["enabled"]:
        return None
    key = keys[0] if keys else ""
    if service == "yahoo_finance":
        if p["yahoo_require_browser"] and "Mozilla/5.0" not in headers.get("user-agent", ""):
            return "not_browser", answer(429, YAHOO_429, "text/plain;charset=utf-8")
        if p["yahoo_per_minute"] and r.hit("yahoo_minute", now, 60.0) > p["yahoo_per_minute"]:
            return "per_minute", answer(429, YAHOO_429, "text/plain;charset=utf-8")
        if not p["yahoo_crumb"]:
            return None
        cookie = yahoo_cookie(headers)
        if rest.rstrip("/") == "/fc":
            value = os.urandom(24).hex()
            r.yahoo_cookies[value] = None
            return None, answer(404, "<html><body>404 Not Found</body></html>", "text/html;charset=utf-8",
                                [("Set-Cookie", "A3=%s; Path=/" % value)])
        if rest.rstrip("/") == "/v1/test/getcrumb":
            if cookie not in r.yahoo_cookies:
                return "cookie", answer(401, YAHOO_INVALID_COOKIE)
            if r.yahoo_cookies[cookie] is None:
                r.yahoo_cookies[cookie] = base64.urlsafe_b64encode(os.urandom(8)).decode().rstrip("=")
            return None, answer(200, r.yahoo_cookies[cookie], "text/plain;charset=utf-8")
        crumb = r.yahoo_cookies.get(cookie)
        if crumb is None or param(params, "crumb") != crumb:
            return "crumb", answer(401, YAHOO_INVALID_CRUMB)
        return None
    if service == "fmp":
        if not key:
            return None  # the handler's own 401
        if key in p["fmp_invalid_keys"]:
            return "invalid_key", answer(401, {"Error Message": FMP_KEY_ERROR})
        r.counts["fmp_day"] += 1
        if r.counts["fmp_day"] > p["fmp_daily_cap"]:
            return "daily_cap", answer(429, {"Error Message": FMP_LIMIT})
        endpoint = rest[len("/stable/"):] if rest.startswith("/stable/") else ""
        sym = param(params, "symbol")
        if sym.strip() and endpoint not in p["fmp_open_endpoints"] \
                and canon(sym) not in {canon(s) for s in p["fmp_symbols"]}:
            # FMP labels this JSON and sends plain text.
            return "not_on_plan", answer(402, FMP_402, "application/json; charset=utf-8")
        return None
    if service == "alpha_vantage":
        if not key:
            return None
        if key in p["av_invalid_keys"]:
            return "invalid_key", answer(200, {"Error Message": AV_KEY_ERROR})
        r.counts["av_day"] += 1
        in_second = r.hit("av_second", now, 1.0)
        if r.counts["av_day"] > p["av_daily_cap"]:
            text = AV_DAILY_DETECTED % key if p["av_daily_text"] == "detected" else AV_INFORMATION
            return "daily_cap", answer(200, {"Information": text})
        if in_second > p["av_per_second"]:
            return "burst", answer(200, {"Information": AV_BURST})
        return None
    if service == "sec_edgar":
        in_second = r.hit("sec_second", now, 1.0)
        if now < r.sec_blocked_until:
            return "blocked", answer(403, SEC_TRAFFIC_LIMIT, "text/html")
        if in_second > p["sec_per_second"]:
            r.sec_blocked_until = now + p["sec_block_seconds"]
            return "rate_threshold", answer(403, SEC_TRAFFIC_LIMIT, "text/html")
        if p["sec_require_contact"] and not EMAIL_RE.search(headers.get("user-agent", "")):
            return "no_contact", answer(403, SEC_403, "text/html")
        return None
    if service == "fred_economic":
        if not key:
            return None
        if key in p["fred_invalid_keys"]:
            return "invalid_key", fred_error(FRED_NOT_REGISTERED)
        per_minute = r.hit("fred_minute", now, 60.0)
        per_second = r.hit("fred_second", now, 1.0)
        if p["fred_per_second"] and per_second > p["fred_per_second"]:
            return "burst", answer(429, FRED_429)
        if per_minute > p["fred_per_minute"]:
            return "per_minute", answer(429, FRED_429)
        return None
    if service == "coingecko":
        if headers.get("x-cg-pro-api-key") or param(params, "x_cg_pro_api_key") or is_cg_pro_key(p, key):
            return "wrong_root", answer(400, CG_PRO_ON_PUBLIC)
        if key and key in p["coingecko_invalid_keys"]:
            return "invalid_key", answer(401, CG_INVALID_KEY)
        return coingecko_quota(r, p, now)
    return None


def coingecko_pro_gate(r, p, now, params, headers, keys):
    """/coingecko_pro (pro-api.coingecko.com): a Pro key, in x-cg-pro-api-key or x_cg_pro_api_key."""
    pro_key = headers.get("x-cg-pro-api-key") or param(params, "x_cg_pro_api_key")
    demo_key = headers.get("x-cg-demo-api-key") or param(params, "x_cg_demo_api_key")
    if not pro_key:
        if demo_key:
            return "wrong_root", answer(400, CG_DEMO_ON_PRO)
        return "missing_key", answer(401, CG_MISSING_PRO_KEY)
    if pro_key in p["coingecko_invalid_keys"]:
        return "invalid_key", answer(401, CG_INVALID_KEY)
    if not is_cg_pro_key(p, pro_key):
        return "wrong_root", answer(400, CG_DEMO_ON_PRO)
    if not p["enabled"]:
        return None
    return coingecko_quota(r, p, now)


def coingecko_quota(r, p, now):
    r.counts["cg_month"] += 1
    if r.counts["cg_month"] > p["coingecko_monthly_cap"]:
        return "monthly_cap", answer(429, CG_RATE)
    if r.hit("cg_minute", now, 60.0) > p["coingecko_per_minute"]:
        return "per_minute", answer(429, CG_RATE)
    return None


def is_cg_pro_key(p, key):
    return bool(key) and (key in p["coingecko_pro_keys"]
                          or (p["coingecko_pro_key_prefix"] and key.startswith(p["coingecko_pro_key_prefix"])))


def yahoo_cookie(headers):
    for part in headers.get("cookie", "").split(";"):
        name, _, value = part.strip().partition("=")
        if name == "A3":
            return value
    return None


# ---------------------------------------------------------------------------
# Larger universe (--universe N, POST /__universe): synthetic US-listed instruments
# ---------------------------------------------------------------------------

# Real SIC codes with SEC's descriptions, and the FMP sector / industry of companies filed under them.
SIC_TABLE = (
    ("3571", "Electronic Computers", "Technology", "Computer Hardware"),
    ("3674", "Semiconductors & Related Devices", "Technology", "Semiconductors"),
    ("7372", "Services-Prepackaged Software", "Technology", "Software - Application"),
    ("7370", "Services-Computer Programming, Data Processing, Etc.", "Technology", "Software - Infrastructure"),
    ("3661", "Telephone & Telegraph Apparatus", "Technology", "Communication Equipment"),
    ("2834", "Pharmaceutical Preparations", "Healthcare", "Drug Manufacturers - General"),
    ("2836", "Biological Products, (No Diagnostic Substances)", "Healthcare", "Biotechnology"),
    ("3841", "Surgical & Medical Instruments & Apparatus", "Healthcare", "Medical - Instruments & Supplies"),
    ("8062", "Services-General Medical & Surgical Hospitals, NEC", "Healthcare", "Medical - Care Facilities"),
    ("6021", "National Commercial Banks", "Financial Services", "Banks - Diversified"),
    ("6022", "State Commercial Banks", "Financial Services", "Banks - Regional"),
    ("6211", "Security Brokers, Dealers & Flotation Companies", "Financial Services", "Financial - Capital Markets"),
    ("6331", "Fire, Marine & Casualty Insurance", "Financial Services", "Insurance - Property & Casualty"),
    ("6798", "Real Estate Investment Trusts", "Real Estate", "REIT - Diversified"),
    ("1311", "Crude Petroleum & Natural Gas", "Energy", "Oil & Gas Exploration & Production"),
    ("2911", "Petroleum Refining", "Energy", "Oil & Gas Refining & Marketing"),
    ("4911", "Electric Services", "Utilities", "Regulated Electric"),
    ("4931", "Electric & Other Services Combined", "Utilities", "Diversified Utilities"),
    ("2080", "Beverages", "Consumer Defensive", "Beverages - Non-Alcoholic"),
    ("2000", "Food and Kindred Products", "Consumer Defensive", "Packaged Foods"),
    ("5331", "Retail-Variety Stores", "Consumer Defensive", "Discount Stores"),
    ("5812", "Retail-Eating Places", "Consumer Cyclical", "Restaurants"),
    ("3714", "Motor Vehicle Parts & Accessories", "Consumer Cyclical", "Auto - Parts"),
    ("5651", "Retail-Family Clothing Stores", "Consumer Cyclical", "Apparel - Retail"),
    ("3560", "General Industrial Machinery & Equipment", "Industrials", "Industrial - Machinery"),
    ("3720", "Aircraft & Parts", "Industrials", "Aerospace & Defense"),
    ("4512", "Air Transportation, Scheduled", "Industrials", "Airlines, Airports & Air Services"),
    ("4011", "Railroads, Line-Haul Operating", "Industrials", "Railroads"),
    ("2800", "Chemicals & Allied Products", "Basic Materials", "Chemicals"),
    ("1000", "Metal Mining", "Basic Materials", "Industrial Materials"),
    ("4813", "Telephone Communications (No Radiotelephone)", "Communication Services", "Telecommunications Services"),
    ("7812", "Services-Motion Picture & Video Tape Production", "Communication Services", "Entertainment"),
)
NAME_WORDS = ("Acme", "Apex", "Arbor", "Atlas", "Beacon", "Birch", "Blue", "Bright", "Cardinal", "Cascade", "Cedar",
              "Clear", "Coastal", "Crest", "Delta", "Eagle", "Echo", "Ember", "Evergreen", "Falcon", "Frontier",
              "Golden", "Granite", "Harbor", "Highland", "Horizon", "Iron", "Juniper", "Keystone", "Lake", "Liberty",
              "Lumen", "Maple", "Meridian", "Mesa", "Noble", "North", "Oak", "Orion", "Pacific", "Peak", "Pioneer",
              "Prairie", "Quantum", "Redwood", "Ridge", "River", "Sable", "Summit", "Sterling", "Stone", "Sun",
              "Titan", "Union", "Valley", "Vista", "West", "Willow", "Zenith")
NAME_NOUNS = ("Systems", "Holdings", "Industries", "Technologies", "Group", "Partners", "Brands", "Networks",
              "Resources", "Labs", "Dynamics", "Capital", "Energy", "Health", "Foods", "Materials")
NAME_SUFFIXES = ("Inc.", "Corporation", "Co.", "Ltd.", "Inc.", "Corp.")
ETF_THEMES = ("Total Market", "Dividend", "Small Cap", "Mid Cap", "Value", "Growth", "Quality", "Momentum",
              "Bond", "Treasury", "International", "Emerging Markets", "Technology", "Health Care", "Energy")
# Never a synthetic symbol: the coins' bases and index names a reader would take for something else.
SYNTHETIC_RESERVED = ("BTC", "ETH", "SOL", "XRP", "ADA", "DOGE", "BNB", "AVAX", "DOT", "LTC", "LINK", "MATIC",
                      "VIX", "SPX", "NDX", "DJI", "RUT", "USD")
SYMBOL_LENGTHS = (2, 3, 3, 3, 4, 4, 4, 5)
MAX_EXTRA = 100000


class Extra:
    """The synthetic instruments: replaced whole (never mutated) by set_universe()."""

    def __init__(self, count=0, seed=0, rows=None):
        self.count, self.seed = count, seed
        self.rows = rows or collections.OrderedDict()   # symbol -> a row shaped like UNIVERSE's
        self.by_cik = {row[7]: (sym,) for sym, row in self.rows.items()}


EXTRA = Extra()
EXTRA_LOCK = threading.Lock()


def synthetic_universe(count, seed):
    """The first `count` synthetic instruments of `seed` (deterministic: md5 of fixed strings only)."""
    taken = set(UNIVERSE) | {canon(s) for s in FMP_FREE_SYMBOLS} | set(SYNTHETIC_RESERVED)
    ciks = {row[7] for row in UNIVERSE.values() if row[7]}
    rows = collections.OrderedDict()
    attempt = 0
    while len(rows) < count:
        h = hashlib.md5(("universe:%d:%d" % (seed, attempt)).encode()).digest()
        attempt += 1
        length = SYMBOL_LENGTHS[h[0] % len(SYMBOL_LENGTHS)]
        sym = "".join(chr(ord("A") + b % 26) for b in h[1:1 + length])
        if sym in taken:
            continue
        taken.add(sym)
        index = len(rows)
        cik_try = 0
        while True:
            c = hashlib.md5(("cik:%d:%s:%d" % (seed, sym, cik_try)).encode()).digest()
            cik = 1100000 + int.from_bytes(c[:4], "big") % 900000
            cik_try += 1
            if cik not in ciks:
                break
        ciks.add(cik)
        word = NAME_WORDS[h[7] % len(NAME_WORDS)]
        if index % 20 == 19:
            name = "%s %s ETF" % (word, ETF_THEMES[h[8] % len(ETF_THEMES)])
            rows[sym] = ("etf", name, "PCX", "NYSEArca", "AMEX", "", "", cik, "", "")
            continue
        word2 = NAME_WORDS[h[9] % len(NAME_WORDS)]
        name = "%s%s %s %s" % (word, "" if word2 == word else " " + word2, NAME_NOUNS[h[10] % len(NAME_NOUNS)],
                               NAME_SUFFIXES[h[11] % len(NAME_SUFFIXES)])
        name = name.replace(" Inc.", ", Inc.") if h[12] % 2 else name
        exch = ("NMS", "NasdaqGS", "NASDAQ") if h[13] % 2 else ("NYQ", "NYSE", "NYSE")
        sic, sic_desc, sector, industry = SIC_TABLE[h[14] % len(SIC_TABLE)]
        rows[sym] = ("stock", name) + exch + (sector, industry, cik, sic, sic_desc)
    return rows


def set_universe(count, seed):
    """Replaces the synthetic instruments (ValueError on a wrong count or seed)."""
    for name, v in (("extra", count), ("seed", seed)):
        if not isinstance(v, int) or isinstance(v, bool) or v < 0:
            raise ValueError("%s must be a non-negative integer" % name)
    if count > MAX_EXTRA:
        raise ValueError("extra must be at most %d" % MAX_EXTRA)
    global EXTRA
    with EXTRA_LOCK:
        if (count, seed) != (EXTRA.count, EXTRA.seed) or count == 0:
            EXTRA = Extra(count, seed, synthetic_universe(count, seed))
        return EXTRA


def universe_listing():
    extra = EXTRA
    symbols = [{"symbol": sym, "kind": row[0], "name": row[1], "cik": row[7], "sic": row[8],
                "synthetic": sym in extra.rows}
               for sym, row in list(UNIVERSE.items()) + list(extra.rows.items())]
    return {"extra": extra.count, "seed": extra.seed, "symbols": symbols}


# ---------------------------------------------------------------------------
# Statistics and faults
# ---------------------------------------------------------------------------

class State:
    def __init__(self, latency_ms, realistic=False):
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.latency_ms = latency_ms
        self.generation = 0
        self.faults = {}
        self.realism = Realism(realistic)
        self._clear()

    def _clear(self):
        names = SERVICES + ("other",)
        self.requests = {s: 0 for s in names}
        self.paths = {s: collections.deque(maxlen=PATHS_KEPT) for s in names}
        self.connections = 0
        self.connections_accepted = 0
        self.in_flight = 0
        self.in_flight_by = {s: 0 for s in names}
        self.max_in_flight = 0
        self.max_in_flight_by = {s: 0 for s in names}
        self.faults_applied = {s: 0 for s in names}
        self.keys_seen = {s: [] for s in names}
        self.status_counts = {s: collections.Counter() for s in names}
        self.second_window = {s: collections.deque() for s in names}
        self.max_per_second = {s: 0 for s in names}
        self.refusals = {s: collections.Counter() for s in names}
        self.by_subject = {s: collections.Counter() for s in names}
        self.realism.clear()

    def answered(self, service, status):
        with self.lock:
            self.status_counts[service][str(status)] += 1

    def gate(self, service, rest, params, headers, keys, pro=False):
        """Realistic mode's verdict on one request (see realism_gate); counts subjects and refusals."""
        with self.lock:
            for subject in subject_of(service, rest, params):
                self.by_subject[service][subject] += 1
            verdict = realism_gate(self, service, rest, params, headers, keys, pro)
            if verdict and verdict[0]:
                self.refusals[service][verdict[0]] += 1
            return verdict

    def set_realism(self, spec):
        with self.lock:
            self.realism.params = check_realism(spec, self.realism.params)
            return dict(self.realism.params)

    def saw_keys(self, service, keys):
        with self.lock:
            self.keys_seen[service].extend(keys)

    def reset(self):
        with self.lock:
            in_flight, by = self.in_flight, dict(self.in_flight_by)
            self._clear()
            self.in_flight, self.in_flight_by = in_flight, by
            self.faults = {}
            self.generation += 1

    def accepted(self):
        with self.lock:
            self.connections_accepted += 1

    def begin(self, service, path, conn_gen):
        """Counts a service request; returns the generation the connection is now counted in."""
        with self.lock:
            self.requests[service] += 1
            self.paths[service].append(path)
            if conn_gen != self.generation:
                self.connections += 1
                conn_gen = self.generation
            self.in_flight += 1
            self.in_flight_by[service] += 1
            window = self.second_window[service]
            now = time.monotonic()
            window.append(now)
            while window and window[0] <= now - 1.0:
                window.popleft()
            self.max_per_second[service] = max(self.max_per_second[service], len(window))
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            self.max_in_flight_by[service] = max(self.max_in_flight_by[service], self.in_flight_by[service])
            return conn_gen

    def end(self, service):
        with self.lock:
            self.in_flight = max(0, self.in_flight - 1)
            self.in_flight_by[service] = max(0, self.in_flight_by[service] - 1)

    def take_fault(self, service, rel_path):
        with self.lock:
            for key in (service, "all"):
                fault = self.faults.get(key)
                if fault is None:
                    continue
                if fault.get("match") and fault["match"] not in rel_path:
                    continue
                if fault.get("count") is not None:
                    fault["count"] -= 1
                    if fault["count"] <= 0:
                        del self.faults[key]
                self.faults_applied[service] += 1
                return dict(fault)
            return None

    def set_fault(self, spec):
        service = spec.get("service")
        mode = spec.get("mode")
        if service not in SERVICES + ("all",):
            raise ValueError("unknown service %r (one of %s, all)" % (service, ", ".join(SERVICES)))
        if mode not in FAULT_MODES:
            raise ValueError("unknown mode %r (one of %s)" % (mode, ", ".join(FAULT_MODES)))
        fault = {"mode": mode}
        for name in ("status", "retry_after", "delay_ms", "count"):
            if spec.get(name) is not None:
                v = spec[name]
                if not isinstance(v, (int, float)) or isinstance(v, bool) or v < 0:
                    raise ValueError("%s must be a non-negative number" % name)
                fault[name] = int(v) if name != "retry_after" else v
        if "status" in fault and not 100 <= fault["status"] <= 599:
            raise ValueError("status must be 100..599")
        for name in ("match", "variant", "location"):
            if spec.get(name) is not None:
                if not isinstance(spec[name], str):
                    raise ValueError("%s must be a string" % name)
                fault[name] = spec[name]
        if mode == "redirect":
            loc = fault.get("location", "")
            host = loc.split("://", 1)[-1].split("/", 1)[0].rsplit(":", 1)[0]
            if not loc.startswith(("http://", "https://")) or not host.startswith("127."):
                raise ValueError("redirect needs a location http(s)://127.x.x.x:PORT (loopback only)")
        with self.lock:
            if mode == "none" or fault.get("count") == 0:
                self.faults.pop(service, None)
            else:
                self.faults[service] = fault
            return {k: dict(v) for k, v in self.faults.items()}

    def snapshot(self):
        with self.lock:
            return {
                "requests": dict(self.requests),
                "requests_total": sum(self.requests.values()),
                "connections": self.connections,
                "connections_accepted": self.connections_accepted,
                "in_flight": self.in_flight,
                "max_in_flight": self.max_in_flight,
                "max_in_flight_by_service": dict(self.max_in_flight_by),
                "faults_applied": dict(self.faults_applied),
                "faults": {k: dict(v) for k, v in self.faults.items()},
                "latency_ms": self.latency_ms,
                "paths": {k: list(v) for k, v in self.paths.items()},
                "keys_seen": {k: list(v) for k, v in self.keys_seen.items()},
                "status_counts": {k: dict(v) for k, v in self.status_counts.items()},
                "max_per_second": dict(self.max_per_second),
                "refusals": {k: dict(v) for k, v in self.refusals.items()},
                "by_subject": {k: dict(v) for k, v in self.by_subject.items()},
                "realism": {k: (list(v) if isinstance(v, list) else v) for k, v in self.realism.params.items()},
            }


# ---------------------------------------------------------------------------
# HTTP
# ---------------------------------------------------------------------------

class Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, addr, state, verbose):
        self.state = state
        self.verbose = verbose
        super().__init__(addr, Handler)

    def process_request(self, request, client_address):
        self.state.accepted()
        super().process_request(request, client_address)

    def handle_error(self, request, client_address):
        if self.verbose:
            super().handle_error(request, client_address)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fake-services/1.0"
    # Headers and body go out in two writes; without TCP_NODELAY, Nagle plus the
    # client's delayed ACK would add ~40 ms to every keep-alive answer.
    disable_nagle_algorithm = True

    def version_string(self):
        return self.server_version
    timeout = 300  # idle keep-alive connections are dropped after this

    def setup(self):
        super().setup()
        self.conn_gen = -1
        self.answering = None  # the service whose request is being answered (status_counts)

    def log_message(self, fmt, *args):
        if self.server.verbose:
            sys.stderr.write("fake_services: %s %s\n" % (self.address_string(), fmt % args))

    # -- plumbing ------------------------------------------------------------

    def send(self, status, ctype, body, headers=(), declared_length=None):
        if self.answering:
            self.server.state.answered(self.answering, status)
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body) if declared_length is None else declared_length))
        for k, v in headers:
            self.send_header(k, v)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()

    def reply(self, status, ctype, body, headers=()):
        self.send(status, ctype, body, headers)
        if self.command != "HEAD":
            self.wfile.write(body)

    def reply_json(self, status, obj):
        self.reply(status, JSON_TYPE, jbody(obj))

    def read_body(self):
        try:
            n = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            n = -1
        if n < 0 or n > MAX_CONTROL_BODY:
            self.close_connection = True
            return None
        return self.rfile.read(n) if n else b""

    def do_GET(self):
        self.dispatch()

    def do_POST(self):
        self.dispatch()

    def do_HEAD(self):
        self.dispatch()

    def do_PUT(self):
        self.dispatch()

    def do_DELETE(self):
        self.dispatch()

    # -- routing -------------------------------------------------------------

    def dispatch(self):
        path, _, query = self.path.partition("?")
        if path.startswith("/__"):
            return self.control(path)
        if self.command in ("POST", "PUT", "DELETE"):
            body = self.read_body()
            if body is None:
                return self.reply_json(413, {"error": "body too large"})
        segs = path.split("/", 2)
        service = segs[1] if len(segs) > 1 else ""
        rest = "/" + segs[2] if len(segs) > 2 else "/"
        pro = service == "coingecko_pro"  # pro-api.coingecko.com: counted as coingecko
        if pro:
            service = "coingecko"
        known = service in HANDLERS
        counted = service if known else "other"
        state = self.server.state
        self.conn_gen = state.begin(counted, self.path, self.conn_gen)
        self.answering = counted
        try:
            if state.latency_ms:
                state.stop.wait(state.latency_ms / 1000.0)
            if not known:
                return self.reply_json(404, {"error": "unknown service %r; services: %s" % (service, ", ".join(SERVICES))})
            if self.command not in ("GET", "HEAD"):
                return self.reply_json(405, {"error": "method not allowed"})
            rel = rest + ("?" + query if query else "")
            params = parse_qs(query, keep_blank_values=True)
            headers = {k.lower(): v for k, v in self.headers.items()}
            keys = keys_carried(params, headers)
            if keys:
                state.saw_keys(service, keys)
            verdict = state.gate(service, rest, params, headers, keys, pro)
            if verdict:
                return self.reply(*verdict[1])
            fault = state.take_fault(service, rel)
            if fault and fault["mode"] in ("echo_key", "redirect"):
                return self.key_fault(service, fault, keys, rest, params, headers)
            if fault and self.pre_fault(service, fault):
                return
            status, ctype, body, extra = HANDLERS[service](rest, params, headers)
            if fault:
                return self.post_fault(fault, status, ctype, body, extra)
            self.reply(status, ctype, body, extra)
        finally:
            self.answering = None
            state.end(counted)

    def key_fault(self, service, fault, keys, rest, params, headers):
        """The fault modes about keys: echo_key and redirect."""
        if fault["mode"] == "redirect":
            loc = fault["location"].rstrip("/") + self.path
            return self.reply(302, "text/plain", b"moved\n", [("Location", loc)])
        key = keys[0] if keys else ""
        if fault.get("variant") == "data":
            status, ctype, body, extra = HANDLERS[service](rest, params, headers)
            try:
                body = jbody(with_key_in_text(json.loads(body), key))
            except ValueError:
                pass
            return self.reply(status, ctype, body, extra)
        status, obj = echo_answer(service, key)
        self.reply_json(fault.get("status", status), obj)

    def pre_fault(self, service, fault):
        """Faults that replace the answer; True when the request is done."""
        mode = fault["mode"]
        state = self.server.state
        if mode in WRONG_ANSWER_MODES:
            return self.wrong_answer(service, fault)
        if mode == "status":
            status = fault.get("status", 500)
            self.reply_json(status, {"error": "injected fault", "status": status})
            return True
        if mode == "retry_after":
            ra = fault.get("retry_after", 2)
            ra = str(int(ra)) if float(ra).is_integer() else str(ra)
            self.reply(429, JSON_TYPE, jbody({"error": "Too Many Requests", "retry_after": ra}), [("Retry-After", ra)])
            return True
        if mode == "quota":
            status, ctype, body, extra = quota_answer(service, fault)
            self.reply(status, ctype, body, extra)
            return True
        if mode == "malformed":
            self.reply(200, JSON_TYPE, b'{"chart": {"result": [{"meta": {"symbol": "X", ]]} "unterminated')
            return True
        if mode == "hang":
            self.close_connection = True
            self.hang()
            return True
        if mode == "reset":
            self.close_connection = True
            conn = self.connection
            try:
                conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                conn.close()        # the fd really closes once rfile lets go of it
                self.rfile.close()  # -> RST, since linger is 0
            except OSError:
                pass
            return True
        if mode == "latency":
            state.stop.wait(fault.get("delay_ms", 300) / 1000.0)
        return False

    def wrong_answer(self, service, fault):
        """HTTP 200 with an answer that is not the data asked for (WRONG_ANSWER_MODES)."""
        mode = fault["mode"]
        if mode == "empty_record":
            self.reply(200, JSON_TYPE, b"[{}]")
            return True
        if mode == "error_200":
            msg = "Injected error answer with HTTP 200"
            obj = {"Error Message": msg, "error": msg, "error_message": msg}
            self.reply_json(200, [obj] if fault.get("variant") == "list" else obj)
            return True
        # other_symbol: the handler's own answer, for another instrument.
        path, _, query = self.path.partition("?")
        rest = "/" + path.split("/", 2)[2] if path.count("/") >= 2 else "/"
        params = parse_qs(query, keep_blank_values=True)
        default = {"coingecko": "ethereum", "imf_data": "PCPIPCH", "fred_economic": "UNRATE"}.get(service, "MSFT")
        other = fault.get("variant") or default
        if service == "yahoo_finance" and rest.startswith("/v8/finance/chart/"):
            rest = "/v8/finance/chart/" + other
        elif service == "sec_edgar" and rest.startswith("/submissions/"):
            rest = "/submissions/CIK%010d.json" % ((universe_row(canon(other)) or (None,) * 8)[7] or 0)
        elif service == "imf_data" and rest.startswith("/external/datamapper/api/v1/"):
            parts = rest.split("/")
            parts[5] = other
            rest = "/".join(parts)
        for name in {"fmp": ("symbol",), "alpha_vantage": ("symbol",), "coingecko": ("ids",),
                     "fred_economic": ("series_id",)}.get(service, ()):
            if name in params:
                params[name] = [other]
        headers = {k.lower(): v for k, v in self.headers.items()}
        status, ctype, body, extra = HANDLERS[service](rest, params, headers)
        self.reply(status, ctype, body, extra)
        return True

    def post_fault(self, fault, status, ctype, body, extra):
        mode = fault["mode"]
        if mode == "slow":
            self.send(status, ctype, body, extra)
            delay = fault.get("delay_ms", 1000) / 1000.0
            pieces = max(10, min(100, len(body) // 64 or 1))
            size = max(1, -(-len(body) // pieces))
            chunks = [body[i:i + size] for i in range(0, len(body), size)]
            for i, chunk in enumerate(chunks):
                self.wfile.write(chunk)
                if i + 1 < len(chunks) and self.server.state.stop.wait(delay / max(1, len(chunks) - 1)):
                    self.close_connection = True
                    return
            return
        if mode == "truncated":
            self.close_connection = True
            self.send(status, ctype, body, extra, declared_length=len(body) + 1)
            self.wfile.write(body[:len(body) // 2])
            return
        self.reply(status, ctype, body, extra)

    def hang(self):
        conn = self.connection
        stop = self.server.state.stop
        deadline = time.monotonic() + HANG_MAX_S
        while not stop.is_set() and time.monotonic() < deadline:
            try:
                readable, _, _ = select.select([conn], [], [], 0.1)
                if readable:
                    if not conn.recv(65536, socket.MSG_PEEK):
                        return  # the client gave up
                    stop.wait(0.1)
            except (OSError, ValueError):
                return

    # -- control API ---------------------------------------------------------

    def control(self, path):
        state = self.server.state
        if self.command == "POST":
            body = self.read_body()
            if body is None:
                return self.reply_json(413, {"error": "body too large"})
        if path == "/__stats" and self.command in ("GET", "HEAD"):
            return self.reply_json(200, state.snapshot())
        if path == "/__health" and self.command in ("GET", "HEAD"):
            return self.reply_json(200, {"ok": True})
        if path == "/__universe" and self.command in ("GET", "HEAD"):
            return self.reply_json(200, universe_listing())
        if path == "/__universe" and self.command == "POST":
            try:
                spec = json.loads(body.decode() or "{}")
                if not isinstance(spec, dict):
                    raise ValueError("the body must be a JSON object")
                unknown = set(spec) - {"extra", "seed"}
                if unknown:
                    raise ValueError("unknown universe parameter(s) %s (known: extra, seed)" % ", ".join(sorted(unknown)))
                extra = set_universe(spec.get("extra", 0), spec.get("seed", 0))
            except (ValueError, UnicodeDecodeError) as e:
                return self.reply_json(400, {"error": str(e)})
            return self.reply_json(200, {"ok": True, "extra": extra.count, "seed": extra.seed,
                                         "symbols": len(UNIVERSE) + len(extra.rows)})
        if path == "/__reset" and self.command == "POST":
            state.reset()
            return self.reply_json(200, {"ok": True})
        if path == "/__realism" and self.command == "POST":
            try:
                params = state.set_realism(json.loads(body.decode() or "{}"))
            except (ValueError, UnicodeDecodeError) as e:
                return self.reply_json(400, {"error": str(e)})
            return self.reply_json(200, {"ok": True, "realism": params})
        if path == "/__fault" and self.command == "POST":
            try:
                spec = json.loads(body.decode() or "{}")
                if not isinstance(spec, dict):
                    raise ValueError("the body must be a JSON object")
                faults = state.set_fault(spec)
            except (ValueError, UnicodeDecodeError) as e:
                return self.reply_json(400, {"error": str(e)})
            return self.reply_json(200, {"ok": True, "faults": faults})
        return self.reply_json(404, {"error": "unknown control path %s (GET /__stats, /__health, /__universe; "
                                              "POST /__reset, /__fault, /__realism, /__universe)" % path})


# ---------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------

def write_port_file(path, port):
    tmp = "%s.tmp.%d" % (path, os.getpid())
    with open(tmp, "w") as f:
        f.write("%d\n" % port)
    os.replace(tmp, path)


def main(argv=None):
    ap = argparse.ArgumentParser(description="Local fake of the seven data services (tests only).")
    ap.add_argument("--port", type=int, default=0, help="port to bind (0: a free one)")
    ap.add_argument("--port-file", help="write the bound port here once listening")
    ap.add_argument("--host", default="127.0.0.1", help="loopback address to bind (127.0.0.0/8 only)")
    ap.add_argument("--latency-ms", type=int, default=0, help="latency added to every service request")
    ap.add_argument("--verbose", action="store_true", help="log requests and handler errors to stderr")
    ap.add_argument("--tls-cert", help="serve HTTPS with this PEM certificate (and --tls-key)")
    ap.add_argument("--tls-key", help="the certificate's PEM private key")
    ap.add_argument("--realistic", action="store_true",
                    help="start in realistic mode: the free plans' limits and refusals (POST /__realism)")
    ap.add_argument("--universe", type=int, default=0, metavar="N",
                    help="add N synthetic US stocks and ETFs to the universe (POST /__universe; default 0)")
    ap.add_argument("--universe-seed", type=int, default=0, metavar="S",
                    help="the seed of the synthetic instruments (default 0)")
    args = ap.parse_args(argv)
    try:
        host = ipaddress.ip_address(args.host)
    except ValueError:
        ap.error("--host must be a loopback IPv4 address, got %r" % args.host)
    if host.version != 4 or not host.is_loopback:
        ap.error("--host must be a loopback IPv4 address (127.0.0.0/8), got %s" % args.host)
    if not 0 <= args.port <= 65535:
        ap.error("--port must be 0..65535")
    if args.latency_ms < 0:
        ap.error("--latency-ms must be >= 0")
    if args.universe or args.universe_seed:
        try:
            set_universe(args.universe, args.universe_seed)
        except ValueError as e:
            ap.error("--universe / --universe-seed: %s" % e)

    state = State(args.latency_ms, args.realistic)
    try:
        server = Server((str(host), args.port), state, args.verbose)
    except OSError as e:
        sys.stderr.write("fake_services: cannot bind %s:%d: %s\n" % (host, args.port, e))
        return 1
    if args.tls_cert:
        import ssl
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args.tls_cert, args.tls_key)
        # The handshake happens in the handler's thread (a client that refuses
        # the certificate must not stall the accept loop).
        server.socket = ctx.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)
    stop = threading.Event()

    def on_signal(signum, frame):
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                              name="fake-services", daemon=True)
    thread.start()
    port = server.server_address[1]
    if args.port_file:
        write_port_file(args.port_file, port)
    if args.verbose:
        sys.stderr.write("fake_services: listening on http://%s:%d\n" % (host, port))
    while not stop.wait(0.2):
        pass
    state.stop.set()
    server.shutdown()
    server.server_close()
    if args.port_file:
        try:
            os.unlink(args.port_file)
        except OSError:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
