// Parsers of the providers' real responses (SPEC §7) into normalized records
// (core/base/records.hpp), with simdjson. An error in disguise (Alpha
// Vantage's HTTP-200 Information/Note/Error Message, FMP's Error Message,
// Yahoo's chart.error, ...), an answer of the wrong shape, one without the
// fields that make its record (a price for a quote, a name or sector for a
// profile, a figure for fundamentals, a value for a series), and one about
// another symbol than the one asked for are bad_body: never a record, not
// cached, not served, the chain moves on. "Nothing for this symbol" (FMP's
// [], Alpha Vantage's {}, a record that names the symbol but has none of
// its figures) is no_data. Missing values ("None", "-", "." ) are null.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/base/date.hpp"
#include "core/base/error.hpp"
#include "core/base/records.hpp"
#include "services/providers/provider.hpp"

namespace thd {

// An adapter's error that means "the provider is fine and has no data for
// this symbol" (FMP's [], Alpha Vantage's {}, a coin CoinGecko does not know):
// the chain moves on, but the provider's circuit breaker does not count it.
inline bool is_no_data(const Error& e) {
  return e.kind == FailureKind::no_data;
}

// What a Yahoo error answer means: 401/403/429 about a crumb, cookie or
// "Unauthorized" -> session; another 429 -> throttled (60 s); 404 "Not
// Found" -> no_data.
Reading read_yahoo_error(long status, std::string_view body);
// The body of /v1/test/getcrumb: one short printable word.
Result<std::string> read_yahoo_crumb(std::string_view body);
// Yahoo v8 chart, 1y of daily bars: price = last non-null close; previous
// close = the non-null close before it; 52-week high/low = max/min of the
// non-null closes; YTD return = price / (last close dated in the year before
// `today`'s year) - 1; volatility = sample standard deviation (n - 1) of the
// daily log returns between consecutive non-null closes x sqrt(252);
// currency from meta.
// The answer must be about `symbol` (meta.symbol: "BRK-B" for BRK.B, "^VIX").
Result<MarketRecord> parse_yahoo_chart(std::string_view body, std::string_view symbol, Date today);
// What an FMP error answer means: 401 -> key_rejected; 402 (Premium Query
// Parameter, Special Endpoint) -> not_on_plan; 429 "Limit Reach" -> quota_spent.
Reading read_fmp_error(long status, std::string_view body);
// FMP /stable/quote: price (required), previousClose, yearHigh, yearLow (no YTD, no volatility).
// Every FMP and Alpha Vantage parser takes the symbol asked for: an answer
// that names another one ("symbol", "01. symbol", "Symbol") is bad_body.
Result<MarketRecord> parse_fmp_quote(std::string_view body, std::string_view symbol);
// Alpha Vantage GLOBAL_QUOTE: "05. price" (required), "08. previous close".
Result<MarketRecord> parse_alpha_vantage_quote(std::string_view body, std::string_view symbol);

// FMP /stable/profile: companyName, sector (canonical), industry, marketCap; a name or a sector required.
Result<ProfileRecord> parse_fmp_profile(std::string_view body, std::string_view symbol);
// Alpha Vantage OVERVIEW: Name, Sector (canonical), Industry, MarketCapitalization; a name or a sector
// required.
Result<ProfileRecord> parse_alpha_vantage_profile(std::string_view body, std::string_view symbol);
// SEC submissions/CIK##########.json of `cik`: name (required), sector from the
// SIC code, industry = sicDescription; another company's "cik" is bad_body.
Result<ProfileRecord> parse_sec_submissions(std::string_view body, std::uint64_t cik);
// SEC company_tickers.json: the CIK of `ticker` (BRK.B matches BRK-B), or nullopt when not listed;
// a file without a single ticker row is bad_body.
Result<std::optional<std::uint64_t>> parse_sec_company_tickers(std::string_view body,
                                                               std::string_view ticker);
// What an SEC error answer means: 403 "Request Rate Threshold Exceeded" or
// 429 -> throttled for 10 minutes; 403 "Undeclared Automated Tool" ->
// key_rejected (the User-Agent is SEC's key); 404 -> no_data.
Reading read_sec_error(long status, std::string_view body);
// SIC code -> canonical sector (SEC's Division ranges, refined for tech, telecom, REITs, utilities).
std::optional<std::string_view> sector_from_sic(int sic);

// FMP /stable/ratios-ttm: priceToEarningsRatioTTM, netIncomePerShareTTM (analyst_target null); one required.
Result<FundamentalsRecord> parse_fmp_ratios(std::string_view body, std::string_view symbol);
// Alpha Vantage OVERVIEW: PERatio, EPS, AnalystTargetPrice; one required.
Result<FundamentalsRecord> parse_alpha_vantage_fundamentals(std::string_view body, std::string_view symbol);

// What a FRED error answer means: an api_key "not registered" / "not set" /
// not 32 characters -> key_rejected; "series does not exist" -> no_data;
// else its error_message.
Reading read_fred_error(long status, std::string_view body);
// FRED observations: the latest observation whose value is not "." (by date).
Result<SeriesRecord> parse_fred_series(std::string_view body);
// The country every IMF indicator is asked for.
inline constexpr std::string_view k_imf_country = "USA";
// IMF DataMapper values.{indicator}.{country}: value and year are the latest
// year with a value before `current_year` (an actual); the figure for
// `current_year` itself is a projection, returned apart (projection_*);
// later years are ignored. No actual: no_data. Values of another indicator
// or country are bad_body.
Result<ImfRecord> parse_imf(std::string_view body, std::string_view indicator, std::string_view country,
                            int current_year);
// CoinGecko simple/price: {coin: {usd (required), usd_24h_change, usd_market_cap}}; {} is
// no_data, another coin's entry bad_body.
Result<CryptoRecord> parse_coingecko(std::string_view body, std::string_view coin);
// The same, for an answer to several coins (`asked`): one that lists others but not `coin` is no_data.
Result<CryptoRecord> parse_coingecko(std::string_view body, std::string_view coin,
                                     std::span<const std::string> asked);
// What a CoinGecko error answer means: 401/403, "api key", a Pro key on the
// public root URL -> key_rejected; 429 about the monthly credits -> quota_spent.
Reading read_coingecko_error(long status, std::string_view body);

}  // namespace thd
