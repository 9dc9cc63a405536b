// The provider parsers on realistic bodies (the providers' real shapes, as
// scripts/fake_services.py serves them), their errors in disguise and their
// "no value" spellings.
#include <doctest/doctest.h>

#include <string>

#include "services/providers/adapters.hpp"

using namespace thd;

namespace {

// An optional figure equal to `want` within a relative 1e-9.
bool near(const std::optional<double>& got, double want) {
  return got && *got == doctest::Approx(want).epsilon(1e-9);
}

// The error message of a failed parse ("" when it did not fail).
template <class T>
std::string error_of(const Result<T>& r) {
  return r ? std::string() : r.error().message;
}

// No URL, no key in what we say about a provider's answer.
void check_clean(const std::string& message) {
  CHECK(message.find("http") == std::string::npos);
  CHECK(message.find("www.") == std::string::npos);
  CHECK(message.find(".com") == std::string::npos);
  CHECK(message.find(".co/") == std::string::npos);
  CHECK(message.find("apikey=") == std::string::npos);
}

// ------------------------------------------------------------- Yahoo ----

// Six daily bars across the new year, 14:30 UTC (09:30 New York):
//   2025-12-29 1767018600  close 100
//   2025-12-30 1767105000  close 102
//   2025-12-31 1767191400  close null   (skipped)
//   2026-01-02 1767364200  close 101
//   2026-01-05 1767623400  close 103
//   2026-01-06 1767709800  close 104
constexpr std::string_view k_yahoo_chart =
    R"json({"chart":{"result":[{"meta":{"currency":"USD","symbol":"TEST",
"exchangeName":"NMS","fullExchangeName":"NasdaqGS","instrumentType":"EQUITY","firstTradeDate":345479400,
"regularMarketTime":1767733200,"hasPrePostMarketData":true,"gmtoffset":-18000,"timezone":"EST",
"exchangeTimezoneName":"America/New_York","regularMarketPrice":104.0,"fiftyTwoWeekHigh":105.04,
"fiftyTwoWeekLow":98.5,"regularMarketDayHigh":105.04,"regularMarketDayLow":102.44,"regularMarketVolume":1234567,
"longName":"Test Corporation","shortName":"Test Corporation","chartPreviousClose":99.0,"priceHint":2,
"currentTradingPeriod":{"pre":{"timezone":"EST","start":1767690000,"end":1767709800,"gmtoffset":-18000},
"regular":{"timezone":"EST","start":1767709800,"end":1767733200,"gmtoffset":-18000},
"post":{"timezone":"EST","start":1767733200,"end":1767747600,"gmtoffset":-18000}},
"dataGranularity":"1d","range":"1y","validRanges":["1d","5d","1mo","3mo","6mo","1y","2y","5y","10y","ytd","max"]},
"timestamp":[1767018600,1767105000,1767191400,1767364200,1767623400,1767709800],
"indicators":{"quote":[{"open":[99.5,101.49,null,100.5,102.49,103.48],
"high":[101.0,103.02,null,102.01,104.03,105.04],"low":[98.5,100.47,null,99.49,101.46,102.44],
"close":[100.0,102.0,null,101.0,103.0,104.0],"volume":[1000000,1001000,null,1003000,1004000,1234567]}],
"adjclose":[{"adjclose":[100.0,102.0,null,101.0,103.0,104.0]}]}}],"error":null}})json";

}  // namespace

TEST_CASE("yahoo chart: price, previous close, 52-week range, YTD and volatility by hand") {
  auto r = parse_yahoo_chart(k_yahoo_chart, "TEST", Date{2026, 1, 8});
  REQUIRE(r);
  // The non-null closes: 100, 102, 101, 103, 104.
  CHECK(near(r->price, 104.0));                // last non-null close
  CHECK(near(r->previous_close, 103.0));       // the non-null close before it
  CHECK(near(r->fifty_two_week_high, 104.0));  // max of the closes (not meta's 105.04, a high)
  CHECK(near(r->fifty_two_week_low, 100.0));   // min of the closes (not meta's 98.5, a low)
  // YTD: the last close dated 2025 is 102 (2025-12-31 is null):
  //   104 / 102 - 1 = 0.0196078431372549
  CHECK(near(r->ytd_return, 104.0 / 102.0 - 1.0));
  CHECK(near(r->ytd_return, 0.0196078431372549));
  // Volatility. Log returns between consecutive non-null closes (the null
  // day is skipped, so 102 -> 101 is one return):
  //   r1 = ln(102/100) =  0.0198026273
  //   r2 = ln(101/102) = -0.0098522964
  //   r3 = ln(103/101) =  0.0196084714
  //   r4 = ln(104/103) =  0.0096619109
  //   mean = ln(104/100) / 4 = 0.0392207132 / 4 = 0.0098051783
  //   deviations: 0.0099974490, -0.0196574747, 0.0098032931, -0.0001432674
  //   squares:    9.9949e-05, 3.86416e-04, 9.6105e-05, 2.05e-08
  //   sum = 5.824904e-04; sample variance = sum / (4 - 1) = 1.941635e-04
  //   sd = sqrt(1.941635e-04) = 0.0139342549
  //   annualized: 0.0139342549 x sqrt(252) (15.8745079) = 0.2211994394
  CHECK(r->volatility);
  CHECK(*r->volatility == doctest::Approx(0.2211994394).epsilon(1e-8));
  REQUIRE(r->currency);
  CHECK(*r->currency == "USD");
}

TEST_CASE("yahoo chart: fewer than 2 closes, no close last year") {
  // One bar: no previous close, no volatility; the only close is in 2026,
  // so there is no reference for the YTD return.
  constexpr std::string_view one = R"json({"chart":{"result":[{"meta":{"currency":"EUR","symbol":"NEW.DE",
"gmtoffset":3600,"timezone":"CET","regularMarketPrice":12.5,"dataGranularity":"1d","range":"1y"},
"timestamp":[1767686400],"indicators":{"quote":[{"open":[12.0],"high":[12.6],"low":[11.9],
"close":[12.5],"volume":[5000]}],"adjclose":[{"adjclose":[12.5]}]}}],"error":null}})json";
  auto r = parse_yahoo_chart(one, "NEW.DE", Date{2026, 1, 8});
  REQUIRE(r);
  CHECK(near(r->price, 12.5));
  CHECK_FALSE(r->previous_close);
  CHECK_FALSE(r->volatility);
  CHECK_FALSE(r->ytd_return);
  CHECK(near(r->fifty_two_week_high, 12.5));
  CHECK(near(r->fifty_two_week_low, 12.5));
  CHECK(*r->currency == "EUR");

  // Two closes: a previous close, but one log return has no sample
  // standard deviation (n - 1 = 0): volatility null.
  // (meta.symbol is required: a real chart always echoes it.)
  constexpr std::string_view two =
      R"json({"chart":{"result":[{"meta":{"currency":"USD","symbol":"X","gmtoffset":-18000},
"timestamp":[1767623400,1767709800],"indicators":{"quote":[{"close":[10.0,11.0]}]}}],"error":null}})json";
  auto t = parse_yahoo_chart(two, "X", Date{2026, 1, 8});
  REQUIRE(t);
  CHECK(near(t->price, 11.0));
  CHECK(near(t->previous_close, 10.0));
  CHECK_FALSE(t->volatility);
  CHECK_FALSE(t->ytd_return);  // both closes are in 2026

  // The previous year is the year before today's, not "any earlier year":
  // closes only in 2024 give no YTD in 2026.
  constexpr std::string_view old =
      R"json({"chart":{"result":[{"meta":{"currency":"USD","symbol":"X","gmtoffset":0},
"timestamp":[1735569000,1735655400],"indicators":{"quote":[{"close":[50.0,51.0]}]}}],"error":null}})json";
  auto o = parse_yahoo_chart(old, "X", Date{2026, 1, 8});
  REQUIRE(o);
  CHECK_FALSE(o->ytd_return);
}

TEST_CASE("yahoo chart: bars are dated in the exchange's time zone") {
  // Tokyo (gmtoffset +9 h): 1767135600 = 2025-12-30T23:00Z = 2025-12-31 08:00
  // local; 1767222000 = 2025-12-31T23:00Z = 2026-01-01 08:00 local. The
  // second bar belongs to 2026, so the reference is the first close:
  //   YTD = 210 / 200 - 1 = 0.05 (dated in UTC it would be 210 / 210 - 1 = 0).
  constexpr std::string_view body = R"json({"chart":{"result":[{"meta":{"currency":"JPY","symbol":"7203.T",
"gmtoffset":32400,"timezone":"JST","exchangeTimezoneName":"Asia/Tokyo"},
"timestamp":[1767135600,1767222000],"indicators":{"quote":[{"close":[200.0,210.0]}]}}],"error":null}})json";
  auto r = parse_yahoo_chart(body, "7203.T", Date{2026, 1, 10});
  REQUIRE(r);
  CHECK(near(r->ytd_return, 0.05));
  CHECK(*r->currency == "JPY");
}

TEST_CASE("yahoo chart: errors in disguise") {
  // Unknown symbol (HTTP 404 body).
  auto nf = parse_yahoo_chart(
      R"json({"chart":{"result":null,"error":{"code":"Not Found","description":"No data found, symbol may be delisted"}}})json",
      "X", Date{2026, 11, 22});
  REQUIRE_FALSE(nf);
  CHECK(error_of(nf).find("Yahoo") != std::string::npos);
  CHECK(error_of(nf).find("No data found, symbol may be delisted") != std::string::npos);
  // 422 for a bad interval.
  auto bad = parse_yahoo_chart(
      R"json({"chart":{"result":null,"error":{"code":"Unprocessable Entity","description":"Invalid input - interval=1x is not supported"}}})json",
      "X", Date{2026, 11, 22});
  REQUIRE_FALSE(bad);
  CHECK(error_of(bad).find("Unprocessable Entity") != std::string::npos);
  // result null / empty without an error.
  CHECK_FALSE(
      parse_yahoo_chart(R"json({"chart":{"result":null,"error":null}})json", "X", Date{2026, 11, 22}));
  CHECK_FALSE(parse_yahoo_chart(R"json({"chart":{"result":[],"error":null}})json", "X", Date{2026, 11, 22}));
  // Other Yahoo 404 shape.
  auto fin = parse_yahoo_chart(
      R"json({"finance":{"result":null,"error":{"code":"Not Found","description":"HTTP 404 Not Found"}}})json",
      "X", Date{2026, 11, 22});
  REQUIRE_FALSE(fin);
  CHECK(error_of(fin).find("HTTP 404 Not Found") != std::string::npos);
  // Every close null: nothing to report. (meta.symbol given, so that the
  // refusal is for the closes, not for the missing echo.)
  CHECK(error_of(
            parse_yahoo_chart(
                R"json({"chart":{"result":[{"meta":{"currency":"USD","symbol":"X"},"timestamp":[1767623400],
"indicators":{"quote":[{"close":[null]}]}}],"error":null}})json",
                "X", Date{2026, 11, 22}))
            .find("no closing prices") != std::string::npos);
  // A result without bars.
  CHECK(error_of(parse_yahoo_chart(R"json({"chart":{"result":[{"meta":{"currency":"USD","symbol":"X"},
"indicators":{"quote":[{}]}}],"error":null}})json",
                                   "X", Date{2026, 11, 22}))
            .find("no daily bars") != std::string::npos);
  // Not JSON (Yahoo's 429 is plain text), truncated JSON.
  auto text = parse_yahoo_chart("Too Many Requests\r\n", "X", Date{2026, 11, 22});
  REQUIRE_FALSE(text);
  CHECK(error_of(text).find("not valid JSON") != std::string::npos);
  CHECK_FALSE(parse_yahoo_chart(k_yahoo_chart.substr(0, k_yahoo_chart.size() / 2), "X", Date{2026, 11, 22}));
  CHECK_FALSE(parse_yahoo_chart("", "X", Date{2026, 11, 22}));
}

// --------------------------------------------------------------- FMP ----

TEST_CASE("fmp quote") {
  constexpr std::string_view body = R"json([{"symbol":"AAPL","name":"Apple Inc.","price":232.14,
"changePercentage":-0.5741,"change":-1.34,"volume":45012345,"dayLow":228.66,"dayHigh":234.46,
"yearHigh":260.1,"yearLow":169.21,"marketCap":3449212345678,"priceAvg50":227.33,"priceAvg200":215.8,
"exchange":"NASDAQ","open":230.98,"previousClose":233.48,"timestamp":1795287600}])json";
  auto r = parse_fmp_quote(body, "AAPL");
  REQUIRE(r);
  CHECK(near(r->price, 232.14));
  CHECK(near(r->previous_close, 233.48));
  CHECK(near(r->fifty_two_week_high, 260.1));
  CHECK(near(r->fifty_two_week_low, 169.21));
  CHECK_FALSE(r->ytd_return);
  CHECK_FALSE(r->volatility);

  // Null figures stay null.
  auto n = parse_fmp_quote(
      R"json([{"symbol":"X","price":10,"previousClose":null,"yearHigh":null,"yearLow":null}])json", "X");
  REQUIRE(n);
  CHECK(near(n->price, 10.0));
  CHECK_FALSE(n->previous_close);
  CHECK_FALSE(n->fifty_two_week_high);
}

TEST_CASE("fmp errors in disguise") {
  // Missing / invalid key (HTTP 401): the message without its URL.
  auto key = parse_fmp_quote(
      R"json({"Error Message":"Invalid API KEY. Feel free to create a Free API Key or visit https://site.financialmodelingprep.com/faqs?search=why-is-my-api-key-invalid for more information."})json",
      "AAPL");
  REQUIRE_FALSE(key);
  CHECK(error_of(key).starts_with("FMP: "));
  CHECK(error_of(key).find("Invalid API KEY") != std::string::npos);
  check_clean(error_of(key));
  // Rate limit (429).
  auto limit = parse_fmp_profile(
      R"json({"Error Message":"Limit Reach . Please upgrade your plan or visit our documentation for more details at https://site.financialmodelingprep.com/"})json",
      "AAPL");
  REQUIRE_FALSE(limit);
  CHECK(error_of(limit).find("Limit Reach") != std::string::npos);
  check_clean(error_of(limit));
  // Unknown symbol: 200 [].
  for (auto* parse : {+[](std::string_view b) { return error_of(parse_fmp_quote(b, "AAPL")); },
                      +[](std::string_view b) { return error_of(parse_fmp_profile(b, "AAPL")); },
                      +[](std::string_view b) { return error_of(parse_fmp_ratios(b, "AAPL")); }}) {
    std::string e = parse("[]");
    CHECK(e.find("FMP") != std::string::npos);
    CHECK(e.find("empty") != std::string::npos);
    CHECK_FALSE(parse("[1,2]").empty());
    CHECK_FALSE(parse("{\"symbol\":\"AAPL\"}").empty());
    CHECK(parse("[{\"symbol\":").find("not valid JSON") != std::string::npos);
  }
}

TEST_CASE("fmp profile: canonical sector") {
  constexpr std::string_view body =
      R"json([{"symbol":"JPM","price":301.12,"marketCap":835012345678,"beta":1.09,
"lastDividend":5.6,"range":"202.16-318.01","change":1.23,"changePercentage":0.4102,"volume":8123456,
"averageVolume":9012345,"companyName":"JPMorgan Chase & Co.","currency":"USD","cik":"0000019617",
"isin":"US46625H1005","cusip":"46625H100","exchangeFullName":"New York Stock Exchange","exchange":"NYSE",
"industry":"Banks - Diversified","website":"https://www.jpmorganchase.com","description":"JPMorgan Chase & Co. ...",
"ceo":"James Dimon","sector":"Financial Services","country":"US","fullTimeEmployees":"317233",
"phone":"212 270 6000","address":"270 Park Avenue","city":"New York","state":"NY","zip":"10017",
"image":"https://images.financialmodelingprep.com/symbol/JPM.png","ipoDate":"1980-03-17","defaultImage":false,
"isEtf":false,"isActivelyTrading":true,"isAdr":false,"isFund":false}])json";
  auto r = parse_fmp_profile(body, "JPM");
  REQUIRE(r);
  CHECK(*r->name == "JPMorgan Chase & Co.");
  CHECK(*r->sector == "financials");  // "Financial Services"
  CHECK(*r->industry == "Banks - Diversified");
  CHECK(near(r->market_cap, 835012345678.0));

  // An ETF: sector and industry "" -> null.
  auto etf = parse_fmp_profile(R"json([{"symbol":"SPY","price":662.1,"marketCap":607012345678,
"companyName":"SPDR S&P 500 ETF Trust","industry":"","sector":"","isEtf":true}])json",
                               "SPY");
  REQUIRE(etf);
  CHECK(*etf->name == "SPDR S&P 500 ETF Trust");
  CHECK_FALSE(etf->sector);
  CHECK_FALSE(etf->industry);

  // Other FMP spellings (every FMP record echoes its "symbol": required).
  auto cyc = parse_fmp_profile(
      R"json([{"symbol":"TSLA","companyName":"Tesla, Inc.","sector":"Consumer Cyclical","industry":"Auto - Manufacturers","marketCap":1.1e12}])json",
      "TSLA");
  REQUIRE(cyc);
  CHECK(*cyc->sector == "consumer_discretionary");
  auto def = parse_fmp_profile(
      R"json([{"symbol":"PEP","companyName":"PepsiCo, Inc.","sector":"Consumer Defensive","marketCap":null}])json",
      "PEP");
  REQUIRE(def);
  CHECK(*def->sector == "consumer_staples");
  CHECK_FALSE(def->market_cap);
  auto odd =
      parse_fmp_profile(R"json([{"symbol":"ODD","companyName":"Odd","sector":"Conglomerates"}])json", "ODD");
  REQUIRE(odd);
  CHECK_FALSE(odd->sector);  // not one of the eleven: null, not a guess
}

TEST_CASE("fmp ratios-ttm") {
  constexpr std::string_view body = R"json([{"symbol":"MSFT","grossProfitMarginTTM":0.45,"ebitMarginTTM":0.3,
"ebitdaMarginTTM":0.35,"operatingProfitMarginTTM":0.3,"pretaxProfitMarginTTM":0.28,"netProfitMarginTTM":0.22,
"currentRatioTTM":1.2,"quickRatioTTM":1.0,"priceToEarningsRatioTTM":36.52,"priceToEarningsGrowthRatioTTM":3.652,
"priceToBookRatioTTM":9.13,"priceToSalesRatioTTM":7.304,"debtToEquityRatioTTM":1.1,
"dividendPayoutRatioTTM":0.2451,"dividendYieldTTM":0.0067,"revenuePerShareTTM":71.35,
"netIncomePerShareTTM":14.27,"bookValuePerShareTTM":57.08,"freeCashFlowPerShareTTM":12.84,
"effectiveTaxRateTTM":0.18,"enterpriseValueMultipleTTM":25.564}])json";
  auto r = parse_fmp_ratios(body, "MSFT");
  REQUIRE(r);
  CHECK(near(r->pe_ratio, 36.52));
  CHECK(near(r->eps, 14.27));
  CHECK_FALSE(r->analyst_target);
  // A loss-making company: negative P/E is what FMP says, kept.
  auto loss = parse_fmp_ratios(
      R"json([{"symbol":"X","priceToEarningsRatioTTM":-12.5,"netIncomePerShareTTM":-0.8}])json", "X");
  REQUIRE(loss);
  CHECK(near(loss->pe_ratio, -12.5));
  CHECK(near(loss->eps, -0.8));
}

// ------------------------------------------------------ Alpha Vantage ----

namespace {

constexpr std::string_view k_av_overview = R"json({"Symbol":"KO","AssetType":"Common Stock",
"Name":"The Coca-Cola Company","Description":"The Coca-Cola Company is a beverage company.","CIK":"21344",
"Exchange":"NYSE","Currency":"USD","Country":"USA","Sector":"CONSUMER DEFENSIVE",
"Industry":"BEVERAGES - NON-ALCOHOLIC","Address":"ONE COCA-COLA PLAZA, ATLANTA, GA, US",
"OfficialSite":"https://www.coca-colacompany.com","FiscalYearEnd":"December","LatestQuarter":"2026-09-30",
"MarketCapitalization":"301234567890","EBITDA":"17345000000","PERatio":"24.81","PEGRatio":"2.481",
"BookValue":"6.05","DividendPerShare":"2.00","DividendYield":"0.0288","EPS":"2.80","RevenuePerShareTTM":"11.02",
"ProfitMargin":"0.220","OperatingMarginTTM":"0.300","ReturnOnAssetsTTM":"0.120","ReturnOnEquityTTM":"0.300",
"RevenueTTM":"47061000000","GrossProfitTTM":"28737000000","DilutedEPSTTM":"2.80",
"QuarterlyEarningsGrowthYOY":"0.050","QuarterlyRevenueGrowthYOY":"0.040","AnalystTargetPrice":"76.50",
"AnalystRatingStrongBuy":"5","AnalystRatingBuy":"10","AnalystRatingHold":"8","AnalystRatingSell":"2",
"AnalystRatingStrongSell":"0","TrailingPE":"24.81","ForwardPE":"22.33","PriceToSalesRatioTTM":"6.305",
"PriceToBookRatio":"11.49","EVToRevenue":"6.62","EVToEBITDA":"17.37","Beta":"0.61","52WeekHigh":"73.95",
"52WeekLow":"60.62","50DayMovingAverage":"69.01","200DayMovingAverage":"67.44","SharesOutstanding":"4302000000",
"SharesFloat":"4298000000","PercentInsiders":"0.500","PercentInstitutions":"65.000",
"DividendDate":"2026-12-15","ExDividendDate":"2026-11-28"})json";

// A loss-making company: AV writes "None" (and sometimes "-") where there is no value.
constexpr std::string_view k_av_overview_none = R"json({"Symbol":"RIVN","AssetType":"Common Stock",
"Name":"Rivian Automotive Inc","CIK":"1874178","Exchange":"NASDAQ","Currency":"USD","Country":"USA",
"Sector":"MANUFACTURING","Industry":"MOTOR VEHICLES & PASSENGER CAR BODIES","MarketCapitalization":"None",
"EBITDA":"-3112000000","PERatio":"None","PEGRatio":"None","BookValue":"6.13","DividendPerShare":"None",
"DividendYield":"None","EPS":"-","AnalystTargetPrice":"","Beta":"1.89","52WeekHigh":"18.86","52WeekLow":"8.26"})json";

}  // namespace

TEST_CASE("alpha vantage overview: profile and fundamentals from strings") {
  auto p = parse_alpha_vantage_profile(k_av_overview, "KO");
  REQUIRE(p);
  CHECK(*p->name == "The Coca-Cola Company");
  CHECK(*p->sector == "consumer_staples");  // "CONSUMER DEFENSIVE", upper-case
  CHECK(*p->industry == "BEVERAGES - NON-ALCOHOLIC");
  CHECK(near(p->market_cap, 301234567890.0));  // "301234567890"

  auto f = parse_alpha_vantage_fundamentals(k_av_overview, "KO");
  REQUIRE(f);
  CHECK(near(f->pe_ratio, 24.81));        // "24.81"
  CHECK(near(f->eps, 2.80));              // "2.80"
  CHECK(near(f->analyst_target, 76.50));  // "76.50"
}

TEST_CASE("alpha vantage overview: None, - and empty are null, not zero") {
  auto p = parse_alpha_vantage_profile(k_av_overview_none, "RIVN");
  REQUIRE(p);
  CHECK(*p->name == "Rivian Automotive Inc");
  CHECK_FALSE(p->market_cap);  // "None"
  CHECK_FALSE(p->sector);      // "MANUFACTURING" spans several sectors
  CHECK(*p->industry == "MOTOR VEHICLES & PASSENGER CAR BODIES");
  // No figure at all: the overview names RIVN and has nothing for it (no_data, not a record of nulls).
  auto f = parse_alpha_vantage_fundamentals(k_av_overview_none, "RIVN");
  REQUIRE_FALSE(f);
  CHECK(f.error().kind == FailureKind::no_data);
  // One figure is enough; the others stay null.
  auto g = parse_alpha_vantage_fundamentals(
      R"json({"Symbol":"RIVN","Name":"Rivian Automotive Inc","PERatio":"None","EPS":"-","AnalystTargetPrice":"15.10"})json",
      "RIVN");
  REQUIRE(g);
  CHECK_FALSE(g->pe_ratio);  // "None"
  CHECK_FALSE(g->eps);       // "-"
  CHECK(near(g->analyst_target, 15.10));

  // The SEC office name AV used to give a drug maker.
  auto ls =
      parse_alpha_vantage_profile(R"json({"Symbol":"JNJ","Name":"Johnson & Johnson","Sector":"LIFE SCIENCES",
"Industry":"PHARMACEUTICAL PREPARATIONS","MarketCapitalization":"380000000000"})json",
                                  "JNJ");
  REQUIRE(ls);
  CHECK(*ls->sector == "healthcare");
}

TEST_CASE("alpha vantage global quote") {
  constexpr std::string_view body = R"json({
    "Global Quote": {
        "01. symbol": "IBM",
        "02. open": "248.1000",
        "03. high": "251.2000",
        "04. low": "247.3000",
        "05. price": "250.4500",
        "06. volume": "3512345",
        "07. latest trading day": "2026-11-20",
        "08. previous close": "249.0200",
        "09. change": "1.4300",
        "10. change percent": "0.5743%"
    }
})json";
  auto r = parse_alpha_vantage_quote(body, "IBM");
  REQUIRE(r);
  CHECK(near(r->price, 250.45));
  CHECK(near(r->previous_close, 249.02));
  CHECK_FALSE(r->fifty_two_week_high);
  CHECK_FALSE(r->ytd_return);
  CHECK_FALSE(r->volatility);
}

TEST_CASE("alpha vantage errors in disguise (all HTTP 200)") {
  const std::string info =
      R"json({"Information":"Thank you for using Alpha Vantage! Our standard API rate limit is 25 requests per day. Please subscribe to any of the premium plans at https://www.alphavantage.co/premium/ to instantly remove all daily rate limits."})json";
  const std::string note =
      R"json({"Note":"Thank you for using Alpha Vantage! Our standard API call frequency is 5 calls per minute and 500 calls per day. Please visit https://www.alphavantage.co/premium/ if you would like to target a higher API call frequency."})json";
  const std::string key =
      R"json({"Error Message":"the parameter apikey is invalid or missing. Please claim your free API key on (https://www.alphavantage.co/support/#api-key). It should take less than 20 seconds."})json";
  const std::string invalid =
      R"json({"Error Message":"Invalid API call. Please retry or visit the documentation (https://www.alphavantage.co/documentation/) for GLOBAL_QUOTE."})json";
  for (auto* parse :
       {+[](std::string_view b) { return error_of(parse_alpha_vantage_quote(b, "IBM")); },
        +[](std::string_view b) { return error_of(parse_alpha_vantage_profile(b, "IBM")); },
        +[](std::string_view b) { return error_of(parse_alpha_vantage_fundamentals(b, "IBM")); }}) {
    std::string e = parse(info);
    CHECK(e.starts_with("Alpha Vantage: "));
    CHECK(e.find("rate limit") != std::string::npos);
    check_clean(e);
    e = parse(note);
    CHECK(e.find("call frequency") != std::string::npos);
    check_clean(e);
    e = parse(key);
    CHECK(e.find("apikey is invalid or missing") != std::string::npos);
    check_clean(e);
    e = parse(invalid);
    CHECK(e.find("Invalid API call") != std::string::npos);
    check_clean(e);
    // Unknown symbol: {} (OVERVIEW).
    CHECK(parse("{}").find("empty") != std::string::npos);
    CHECK(parse("{\n}\n").find("Alpha Vantage") != std::string::npos);
    CHECK(parse("<html>").find("not valid JSON") != std::string::npos);
    CHECK_FALSE(parse("[]").empty());
  }
  // Unknown symbol: {"Global Quote": {}} (GLOBAL_QUOTE).
  auto empty = parse_alpha_vantage_quote(R"json({"Global Quote": {}})json", "IBM");
  REQUIRE_FALSE(empty);
  CHECK(error_of(empty).find("Alpha Vantage") != std::string::npos);
  // An OVERVIEW body is not a quote.
  CHECK_FALSE(parse_alpha_vantage_quote(k_av_overview, "KO"));
  // "None" figures inside a quote are null; a quote without its price is nothing for the symbol.
  auto none = parse_alpha_vantage_quote(
      R"json({"Global Quote":{"01. symbol":"X","05. price":"12.5000","08. previous close":"-"}})json", "X");
  REQUIRE(none);
  CHECK(near(none->price, 12.5));
  CHECK_FALSE(none->previous_close);
  auto no_price = parse_alpha_vantage_quote(
      R"json({"Global Quote":{"01. symbol":"X","05. price":"None","08. previous close":"-"}})json", "X");
  REQUIRE_FALSE(no_price);
  CHECK(no_price.error().kind == FailureKind::no_data);
}

// --------------------------------------------------------------- SEC ----

TEST_CASE("sec submissions: name, SIC sector, SIC description") {
  constexpr std::string_view body = R"json({"cik":"320193","entityType":"operating","sic":"3571",
"sicDescription":"Electronic Computers","ownerOrg":"06 Technology","insiderTransactionForOwnerExists":0,
"insiderTransactionForIssuerExists":1,"name":"Apple Inc.","tickers":["AAPL"],"exchanges":["Nasdaq"],
"ein":"942404110","lei":null,"description":"","website":"","investorWebsite":"","category":"Large Accelerated Filer",
"fiscalYearEnd":"0927","stateOfIncorporation":"CA","stateOfIncorporationDescription":"CA",
"addresses":{"mailing":{"street1":"ONE APPLE PARK WAY","street2":null,"city":"CUPERTINO","stateOrCountry":"CA",
"zipCode":"95014","stateOrCountryDescription":"CA"},"business":{"street1":"ONE APPLE PARK WAY","street2":null,
"city":"CUPERTINO","stateOrCountry":"CA","zipCode":"95014","stateOrCountryDescription":"CA"}},
"phone":"(408) 996-1010","flags":"","formerNames":[{"name":"APPLE INC","from":"2007-01-10T00:00:00.000Z",
"to":"2019-08-05T00:00:00.000Z"}],"filings":{"recent":{"accessionNumber":["0000320193-26-000101"],
"filingDate":["2026-10-31"],"reportDate":["2026-09-27"],"acceptanceDateTime":["2026-10-31T16:05:11.000Z"],
"act":["34"],"form":["10-K"],"fileNumber":["001-36743"],"filmNumber":["261000001"],"items":[""],
"core_type":["10-K"],"size":[5000000],"isXBRL":[1],"isInlineXBRL":[1],"primaryDocument":["aapl-20260927.htm"],
"primaryDocDescription":["10-K"]},"files":[]}})json";
  auto r = parse_sec_submissions(body, 320193);
  REQUIRE(r);
  CHECK(*r->name == "Apple Inc.");
  CHECK(*r->sector == "technology");  // SIC 3571
  CHECK(*r->industry == "Electronic Computers");
  CHECK_FALSE(r->market_cap);

  // A fund: sic "" -> no sector, no industry.
  auto etf = parse_sec_submissions(R"json({"cik":"884394","entityType":"other","sic":"","sicDescription":"",
"name":"SPDR S&P 500 ETF TRUST","tickers":["SPY"],"exchanges":["NYSE"],"filings":{"recent":{},"files":[]}})json",
                                   884394);
  REQUIRE(etf);
  CHECK(*etf->name == "SPDR S&P 500 ETF TRUST");
  CHECK_FALSE(etf->sector);
  CHECK_FALSE(etf->industry);

  // An unmapped code (9995 non-operating establishments): industry, no sector.
  auto shell = parse_sec_submissions(
      R"json({"cik":"1","sic":"9995","sicDescription":"Non-Operating Establishments","name":"Shell Co"})json",
      1);
  REQUIRE(shell);
  CHECK_FALSE(shell->sector);
  CHECK(*shell->industry == "Non-Operating Establishments");
}

TEST_CASE("sec submissions: unparsable answers") {
  // 403 to an undeclared tool (HTML), 404 NoSuchKey (XML), truncated JSON.
  auto html = parse_sec_submissions(
      "<!DOCTYPE html>\n<html><head><title>SEC.gov | Request Rate Threshold Exceeded</title></head><body>\n"
      "<h1>Your Request Originates from an Undeclared Automated Tool</h1>\n</body></html>\n",
      320193);
  REQUIRE_FALSE(html);
  CHECK(error_of(html).find("SEC") != std::string::npos);
  CHECK_FALSE(
      parse_sec_submissions("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>NoSuchKey</Code>"
                            "<Message>The specified key does not exist.</Message></Error>",
                            320193));
  CHECK_FALSE(parse_sec_submissions(R"json({"cik":"320193","sic":"3571","name":"Apple)json", 320193));
  CHECK_FALSE(parse_sec_submissions("[]", 320193));
  CHECK_FALSE(parse_sec_submissions(R"json({"cik":"320193","sic":"3571"})json", 320193));  // no name
}

TEST_CASE("sec company_tickers: CIK by ticker, BRK.B is BRK-B") {
  constexpr std::string_view body = R"json({"0":{"cik_str":320193,"ticker":"AAPL","title":"Apple Inc."},
"1":{"cik_str":789019,"ticker":"MSFT","title":"MICROSOFT CORP"},
"2":{"cik_str":1067983,"ticker":"BRK-B","title":"BERKSHIRE HATHAWAY INC"},
"3":{"cik_str":1067983,"ticker":"BRK-A","title":"BERKSHIRE HATHAWAY INC"},
"4":{"cik_str":884394,"ticker":"SPY","title":"SPDR S&P 500 ETF TRUST"}})json";
  auto brk = parse_sec_company_tickers(body, "BRK.B");
  REQUIRE(brk);
  REQUIRE(*brk);
  CHECK(**brk == 1067983u);
  CHECK(**parse_sec_company_tickers(body, "BRK-B") == 1067983u);
  CHECK(**parse_sec_company_tickers(body, "brk/b") == 1067983u);
  CHECK(**parse_sec_company_tickers(body, "aapl") == 320193u);
  CHECK(**parse_sec_company_tickers(body, "SPY") == 884394u);
  // Not listed (crypto, an index, a typo): nullopt, not an error.
  auto none = parse_sec_company_tickers(body, "BTC-USD");
  REQUIRE(none);
  CHECK_FALSE(*none);
  CHECK_FALSE(*parse_sec_company_tickers(body, "BRK"));
  CHECK_FALSE(*parse_sec_company_tickers(body, ""));
  // Not the file.
  CHECK_FALSE(parse_sec_company_tickers("<html>Request Rate Threshold Exceeded</html>", "AAPL"));
  CHECK_FALSE(parse_sec_company_tickers("[]", "AAPL"));
}

TEST_CASE("sector_from_sic: SEC divisions refined to the eleven sectors") {
  auto s = [](int sic) { return std::string(sector_from_sic(sic).value_or("-")); };
  // Mining: oil and gas is energy, the rest materials.
  CHECK(s(1311) == "energy");  // crude petroleum & natural gas
  CHECK(s(1381) == "energy");  // drilling oil & gas wells
  CHECK(s(1382) == "energy");
  CHECK(s(1389) == "energy");     // oil & gas field services
  CHECK(s(1221) == "energy");     // bituminous coal
  CHECK(s(1040) == "materials");  // gold & silver ores
  CHECK(s(1400) == "materials");
  // Manufacturing.
  CHECK(s(2080) == "consumer_staples");  // beverages (KO, PEP)
  CHECK(s(2000) == "consumer_staples");
  CHECK(s(2111) == "consumer_staples");        // cigarettes
  CHECK(s(2711) == "communication_services");  // newspapers
  CHECK(s(2810) == "materials");               // industrial inorganic chemicals (LIN)
  CHECK(s(2821) == "materials");
  CHECK(s(2834) == "healthcare");        // pharmaceutical preparations
  CHECK(s(2836) == "healthcare");        // biological products
  CHECK(s(2840) == "consumer_staples");  // soap, cosmetics (PG)
  CHECK(s(2911) == "energy");            // petroleum refining (XOM, CVX)
  CHECK(s(3531) == "industrials");       // construction machinery (CAT)
  CHECK(s(3571) == "technology");        // electronic computers
  CHECK(s(3572) == "technology");        // computer storage devices
  CHECK(s(3576) == "technology");        // computer communications equipment
  CHECK(s(3674) == "technology");        // semiconductors
  CHECK(s(3663) == "technology");
  CHECK(s(3711) == "consumer_discretionary");  // motor vehicles (TSLA)
  CHECK(s(3714) == "consumer_discretionary");
  CHECK(s(3721) == "industrials");  // aircraft
  CHECK(s(3728) == "industrials");  // aircraft parts (HON)
  CHECK(s(3812) == "industrials");  // search, detection, navigation
  CHECK(s(3841) == "healthcare");   // surgical & medical instruments
  CHECK(s(3845) == "healthcare");
  // Transportation, communications, utilities.
  CHECK(s(4011) == "industrials");  // railroads
  CHECK(s(4512) == "industrials");  // air transportation
  CHECK(s(4812) == "communication_services");
  CHECK(s(4813) == "communication_services");
  CHECK(s(4841) == "communication_services");  // cable
  CHECK(s(4911) == "utilities");               // electric services (NEE)
  CHECK(s(4931) == "utilities");
  CHECK(s(4941) == "utilities");    // water
  CHECK(s(4991) == "utilities");    // cogeneration
  CHECK(s(4953) == "industrials");  // refuse systems
  // Trade.
  CHECK(s(5961) == "consumer_discretionary");  // catalog & mail-order (AMZN)
  CHECK(s(5211) == "consumer_discretionary");  // building materials (HD)
  CHECK(s(5812) == "consumer_discretionary");  // eating places
  CHECK(s(5331) == "consumer_staples");        // variety stores (WMT, COST)
  CHECK(s(5411) == "consumer_staples");        // grocery stores
  CHECK(s(5912) == "consumer_staples");        // drug stores
  CHECK(s(5122) == "healthcare");              // drugs wholesale
  // Finance.
  CHECK(s(6021) == "financials");  // national commercial banks (JPM, BAC)
  CHECK(s(6211) == "financials");
  CHECK(s(6331) == "financials");   // fire, marine & casualty (BRK)
  CHECK(s(6324) == "healthcare");   // hospital & medical service plans (UNH)
  CHECK(s(6798) == "real_estate");  // REITs (AMT)
  CHECK(s(6500) == "real_estate");
  CHECK(s(6770) == "financials");  // blank checks
  // Services.
  CHECK(s(7370) == "technology");
  CHECK(s(7372) == "technology");  // prepackaged software (MSFT, ORCL)
  CHECK(s(7379) == "technology");
  CHECK(s(7389) == "industrials");             // business services NEC
  CHECK(s(7311) == "communication_services");  // advertising agencies
  CHECK(s(7812) == "communication_services");  // motion picture production
  CHECK(s(7841) == "communication_services");  // video tape rental (NFLX)
  CHECK(s(7990) == "consumer_discretionary");  // amusement & recreation
  CHECK(s(8062) == "healthcare");              // hospitals
  CHECK(s(8071) == "healthcare");              // medical laboratories
  CHECK(s(8731) == "healthcare");              // commercial physical & biological research
  // Outside the map.
  CHECK_FALSE(sector_from_sic(0));
  CHECK_FALSE(sector_from_sic(-1));
  CHECK_FALSE(sector_from_sic(8880));  // American depositary receipts
  CHECK_FALSE(sector_from_sic(9100));  // public administration
  CHECK_FALSE(sector_from_sic(9995));  // non-operating establishments
  CHECK_FALSE(sector_from_sic(9999));  // nonclassifiable
  CHECK_FALSE(sector_from_sic(10000));
}

// -------------------------------------------------------------- FRED ----

TEST_CASE("fred: the latest observation with a value; '.' is null") {
  // DGS10-like daily series: the newest day has no value ("."), so the
  // latest value is 4.08 of 2026-11-19.
  constexpr std::string_view body = R"json({"realtime_start":"2026-11-22","realtime_end":"2026-11-22",
"observation_start":"1776-07-04","observation_end":"9999-12-31","units":"lin","output_type":1,"file_type":"json",
"order_by":"observation_date","sort_order":"asc","count":4,"offset":0,"limit":100000,"observations":[
{"realtime_start":"2026-11-22","realtime_end":"2026-11-22","date":"2026-11-17","value":"4.12"},
{"realtime_start":"2026-11-22","realtime_end":"2026-11-22","date":"2026-11-18","value":"4.10"},
{"realtime_start":"2026-11-22","realtime_end":"2026-11-22","date":"2026-11-19","value":"4.08"},
{"realtime_start":"2026-11-22","realtime_end":"2026-11-22","date":"2026-11-20","value":"."}]})json";
  auto r = parse_fred_series(body);
  REQUIRE(r);
  CHECK(near(r->value, 4.08));
  CHECK(*r->date == "2026-11-19");

  // sort_order=desc&limit=3: chosen by date, not by position.
  constexpr std::string_view desc = R"json({"realtime_start":"2026-11-22","realtime_end":"2026-11-22",
"observation_start":"1776-07-04","observation_end":"9999-12-31","units":"lin","output_type":1,"file_type":"json",
"order_by":"observation_date","sort_order":"desc","count":24,"offset":0,"limit":3,"observations":[
{"realtime_start":"2026-11-22","realtime_end":"2026-11-22","date":"2026-10-01","value":"3.62"},
{"realtime_start":"2026-11-22","realtime_end":"2026-11-22","date":"2026-09-01","value":"3.71"},
{"realtime_start":"2026-11-22","realtime_end":"2026-11-22","date":"2026-08-01","value":"3.80"}]})json";
  auto d = parse_fred_series(desc);
  REQUIRE(d);
  CHECK(near(d->value, 3.62));
  CHECK(*d->date == "2026-10-01");
}

TEST_CASE("fred: errors in disguise") {
  auto key = parse_fred_series(
      R"json({"error_code":400,"error_message":"Bad Request.  Variable api_key is not set.  Read https://fred.stlouisfed.org/docs/api/api_key.html for more information."})json");
  REQUIRE_FALSE(key);
  CHECK(error_of(key).starts_with("FRED: "));
  CHECK(error_of(key).find("api_key is not set") != std::string::npos);
  check_clean(error_of(key));
  auto unknown = parse_fred_series(
      R"json({"error_code":400,"error_message":"Bad Request.  The series does not exist."})json");
  REQUIRE_FALSE(unknown);
  CHECK(error_of(unknown).find("The series does not exist.") != std::string::npos);
  auto rate = parse_fred_series(
      R"json({"error_code":429,"error_message":"Too Many Requests.  Exceeded Rate Limit"})json");
  CHECK(error_of(rate).find("Exceeded Rate Limit") != std::string::npos);
  CHECK_FALSE(parse_fred_series(R"json({"error_code":500})json"));
  // Nothing with a value.
  CHECK_FALSE(parse_fred_series(R"json({"count":0,"observations":[]})json"));
  CHECK_FALSE(parse_fred_series(R"json({"count":1,"observations":[{"date":"2026-11-20","value":"."}]})json"));
  CHECK_FALSE(parse_fred_series(R"json({"count":1})json"));
  CHECK_FALSE(parse_fred_series("<?xml version=\"1.0\"?><error code=\"400\"/>"));
}

// --------------------------------------------------------------- IMF ----

TEST_CASE("imf datamapper: the latest completed year is the value, the current year a projection apart") {
  constexpr std::string_view body = R"json({"values":{"NGDP_RPCH":{"USA":{"2020":-2.163,"2021":6.055,
"2022":2.512,"2023":2.888,"2024":2.8,"2025":2.0,"2026":2.141,"2027":2.068,"2028":2.1,"2029":2.1,"2030":2.1}}},
"api":{"version":"1","output-method":"json"}})json";
  auto r = parse_imf(body, "NGDP_RPCH", "USA", 2026);
  REQUIRE(r);
  CHECK(*r->year == 2025);
  CHECK(near(r->value, 2.0));
  CHECK(*r->projection_year == 2026);
  CHECK(near(r->projection_value, 2.141));
  auto earlier = parse_imf(body, "NGDP_RPCH", "USA", 2023);
  REQUIRE(earlier);
  CHECK(*earlier->year == 2022);
  CHECK(near(earlier->value, 2.512));
  CHECK(*earlier->projection_year == 2023);
  CHECK(near(earlier->projection_value, 2.888));
  // A null year is skipped; no figure for the current year: no projection.
  auto gap = parse_imf(R"json({"values":{"PCPIPCH":{"USA":{"2024":2.95,"2025":null,"2026":null,"2027":2.1}}},
"api":{"version":"1","output-method":"json"}})json",
                       "PCPIPCH", "USA", 2026);
  REQUIRE(gap);
  CHECK(*gap->year == 2024);
  CHECK(near(gap->value, 2.95));
  CHECK_FALSE(gap->projection_year);
  CHECK_FALSE(gap->projection_value);
  // Only the current year and later: a projection is never the value.
  auto only_projection =
      parse_imf(R"json({"values":{"PCPIPCH":{"USA":{"2026":2.4,"2027":2.1}}}})json", "PCPIPCH", "USA", 2026);
  REQUIRE_FALSE(only_projection);
  CHECK(only_projection.error().kind == FailureKind::no_data);
  CHECK(error_of(only_projection).find("up to 2025") != std::string::npos);
}

TEST_CASE("imf datamapper: missing indicator, country or values") {
  // Unknown indicator or country: 200 {"api": ...} without "values".
  auto none = parse_imf(R"json({"api":{"version":"1","output-method":"json"}})json", "NOPE", "USA", 2026);
  REQUIRE_FALSE(none);
  CHECK(error_of(none).starts_with("IMF: "));
  constexpr std::string_view body = R"json({"values":{"NGDP_RPCH":{"USA":{"2027":2.0,"2028":2.1}}},
"api":{"version":"1","output-method":"json"}})json";
  CHECK(error_of(parse_imf(body, "PCPIPCH", "USA", 2026)).find("PCPIPCH") != std::string::npos);
  CHECK(error_of(parse_imf(body, "NGDP_RPCH", "FRA", 2026)).find("FRA") != std::string::npos);
  // Only forecasts after the current year: no value.
  CHECK_FALSE(parse_imf(body, "NGDP_RPCH", "USA", 2026));
  CHECK_FALSE(parse_imf(R"json({"values":{"NGDP_RPCH":{"USA":{}}}})json", "NGDP_RPCH", "USA", 2026));
  CHECK_FALSE(parse_imf("Too Many Requests", "NGDP_RPCH", "USA", 2026));
}

// --------------------------------------------------------- CoinGecko ----

TEST_CASE("coingecko simple/price") {
  constexpr std::string_view body = R"json({"bitcoin":{"usd":97234.12,"usd_market_cap":1934958988000,
"usd_24h_vol":31234567890,"usd_24h_change":-1.234567,"last_updated_at":1795287600},
"ethereum":{"usd":3412.5,"usd_market_cap":411206250000,"usd_24h_change":0.5}})json";
  auto b = parse_coingecko(body, "bitcoin");
  REQUIRE(b);
  CHECK(near(b->usd, 97234.12));
  CHECK(near(b->change_24h, -1.234567));
  CHECK(near(b->market_cap, 1934958988000.0));
  auto e = parse_coingecko(body, "ethereum");
  REQUIRE(e);
  CHECK(near(e->usd, 3412.5));
  // Without include_market_cap / a null change: null.
  auto bare = parse_coingecko(R"json({"bitcoin":{"usd":97234.12,"usd_24h_change":null}})json", "bitcoin");
  REQUIRE(bare);
  CHECK(near(bare->usd, 97234.12));
  CHECK_FALSE(bare->change_24h);
  CHECK_FALSE(bare->market_cap);
}

TEST_CASE("coingecko: missing coin and error answers") {
  auto missing = parse_coingecko(R"json({"bitcoin":{"usd":97234.12}})json", "dogecoin");
  REQUIRE_FALSE(missing);
  CHECK(error_of(missing).find("dogecoin") != std::string::npos);
  CHECK_FALSE(parse_coingecko("{}", "bitcoin"));  // every id unknown
  auto err = parse_coingecko(R"json({"error":"Missing parameter vs_currencies"})json", "bitcoin");
  CHECK(error_of(err).find("Missing parameter vs_currencies") != std::string::npos);
  auto rate = parse_coingecko(
      R"json({"status":{"error_code":429,"error_message":"You've exceeded the Rate Limit. Please visit https://www.coingecko.com/en/api/pricing to subscribe to our API plans for higher rate limits."}})json",
      "bitcoin");
  REQUIRE_FALSE(rate);
  CHECK(error_of(rate).find("exceeded the Rate Limit") != std::string::npos);
  check_clean(error_of(rate));
  CHECK_FALSE(parse_coingecko("{\"bitcoin\":", "bitcoin"));
}
