// Financial Modeling Prep: the /stable/ quote, profile and ratios-ttm endpoints (key required).
#include "services/providers/adapters.hpp"
#include "services/providers/providers.hpp"

#include <simdjson.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "core/base/sectors.hpp"
#include "core/base/text.hpp"
#include "services/providers/adapter_json.hpp"
#include "services/providers/symbols.hpp"

namespace thd {

using namespace adapter_json;

namespace {

constexpr std::string_view k_fmp = "FMP";

// FMP's stable endpoints answer a JSON array of one object, which always
// carries "symbol" (required: require_symbol); an unknown symbol is [] and
// an error is {"Error Message": ...} (also with HTTP 200, and sometimes
// inside the list).
// FMP's words for a refusal, with HTTP 200 or an error status: what they mean.
Failure fmp_refusal(const std::string& message) {
  const std::string lower = to_lower(message);
  if (lower.find("limit reach") != std::string::npos)
    return fail(FailureKind::quota_exhausted, "FMP: " + message);
  if (lower.find("invalid api key") != std::string::npos)
    return fail(FailureKind::auth_rejected, "FMP: " + message);
  if (lower.find("premium") != std::string::npos || lower.find("special endpoint") != std::string::npos ||
      lower.find("subscription") != std::string::npos)
    return fail(FailureKind::not_on_plan, "FMP: " + message);
  return bad_answer(k_fmp, message);
}

Result<simdjson::dom::object> fmp_first(Doc& doc, std::string_view body) {
  if (!parse(doc, body)) return not_json(k_fmp);
  simdjson::dom::object obj;
  if (!doc.root.get_object().get(obj)) {
    if (auto m = message_member(obj, "Error Message")) return fmp_refusal(*m);
    if (auto m = message_member(obj, "error")) return bad_answer(k_fmp, *m);
    return bad_answer(k_fmp, "unexpected answer (an object, not a list)");
  }
  simdjson::dom::array arr;
  if (doc.root.get_array().get(arr)) return bad_answer(k_fmp, "unexpected answer (not a list)");
  if (arr.size() == 0) return no_data(k_fmp, "empty answer for the symbol");
  simdjson::dom::object first;
  if (arr.at(0).get_object().get(first)) return bad_answer(k_fmp, "unexpected answer (list of non-objects)");
  if (auto m = message_member(first, "Error Message")) return fmp_refusal(*m);
  return first;
}

}  // namespace

Reading read_fmp_error(long status, std::string_view body) {
  std::string message = error_text(body);
  const std::string lower = to_lower(message);
  if (status == 401 || (status == 403 && lower.find("invalid api key") != std::string::npos))
    return {Verdict::key_rejected, message, 0};
  // 402: "Premium Query Parameter", "Special Endpoint": not on a free plan.
  if (status == 402) return {Verdict::not_on_plan, message, 0};
  // 429 "Limit Reach": the day's calls are spent; another 429 is a rate limit (retried).
  if (status == 429 && lower.find("limit reach") != std::string::npos)
    return {Verdict::quota_spent, message, 0};
  return {Verdict::none, message, 0};
}

Result<MarketRecord> parse_fmp_quote(std::string_view body, std::string_view symbol) {
  Doc doc;
  auto q = fmp_first(doc, body);
  if (!q) return fail(q.error());
  if (auto named = require_symbol(k_fmp, *q, "symbol", symbol); !named) return fail(named.error());
  auto price = figure_at(k_fmp, *q, "price");
  if (!price) return fail(price.error());
  if (!*price) return without(k_fmp, *q, {"price"}, "price", symbol);
  MarketRecord rec;
  rec.price = *price;
  rec.previous_close = number_at(*q, "previousClose");
  rec.fifty_two_week_high = number_at(*q, "yearHigh");
  rec.fifty_two_week_low = number_at(*q, "yearLow");
  rec.currency = text_at(*q, "currency");  // not in /stable/quote today; kept if it appears
  return rec;
}

Result<ProfileRecord> parse_fmp_profile(std::string_view body, std::string_view symbol) {
  Doc doc;
  auto p = fmp_first(doc, body);
  if (!p) return fail(p.error());
  if (auto named = require_symbol(k_fmp, *p, "symbol", symbol); !named) return fail(named.error());
  ProfileRecord rec;
  rec.name = text_at(*p, "companyName");
  const auto sector = text_at(*p, "sector");
  if (!rec.name && !sector)
    return without(k_fmp, *p, {"companyName", "sector"}, "company name or sector", symbol);
  rec.sector = canonical_sector_of(sector);
  // A profile holds a name or one of the eleven sectors: a sector we cannot place is not a profile.
  if (!rec.name && !rec.sector)
    return bad_answer(k_fmp,
                      "no company name, and the sector '" + sanitize(*sector) + "' is not a known sector");
  rec.industry = text_at(*p, "industry");
  rec.market_cap = number_at(*p, "marketCap");
  return rec;
}

Result<FundamentalsRecord> parse_fmp_ratios(std::string_view body, std::string_view symbol) {
  Doc doc;
  auto r = fmp_first(doc, body);
  if (!r) return fail(r.error());
  if (auto named = require_symbol(k_fmp, *r, "symbol", symbol); !named) return fail(named.error());
  auto pe = figure_at(k_fmp, *r, "priceToEarningsRatioTTM");
  if (!pe) return fail(pe.error());
  auto eps = figure_at(k_fmp, *r, "netIncomePerShareTTM");
  if (!eps) return fail(eps.error());
  if (!*pe && !*eps)
    return without(k_fmp, *r, {"priceToEarningsRatioTTM", "netIncomePerShareTTM"}, "P/E or EPS", symbol);
  FundamentalsRecord rec;
  rec.pe_ratio = *pe;
  rec.eps = *eps;
  return rec;
}

namespace {

// The symbols of FMP's free ("Basic") plan: its pricing matrix says "Symbol
// Limited to AAPL, TSLA, AMZN and 84 more"; the 87 as listed in
// tidy-finance/website#189 (docs/PROVIDERS.md, "Financial Modeling Prep").
constexpr std::string_view k_free_plan_symbols[] = {
    "AAPL", "TSLA", "AMZN", "MSFT", "NVDA", "GOOGL", "META", "NFLX", "JPM",  "V",    "BAC",  "AMD",  "PYPL",
    "DIS",  "T",    "PFE",  "COST", "INTC", "KO",    "TGT",  "NKE",  "SPY",  "BA",   "BABA", "XOM",  "WMT",
    "GE",   "CSCO", "VZ",   "JNJ",  "CVX",  "PLTR",  "SQ",   "SHOP", "SBUX", "SOFI", "HOOD", "RBLX", "SNAP",
    "UBER", "FDX",  "ABBV", "ETSY", "MRNA", "LMT",   "GM",   "F",    "RIVN", "LCID", "CCL",  "DAL",  "UAL",
    "AAL",  "TSM",  "SONY", "ET",   "NOK",  "MRO",   "COIN", "SIRI", "RIOT", "CPRX", "VWO",  "SPYG", "ROKU",
    "VIAC", "ATVI", "BIDU", "DOCU", "ZM",   "PINS",  "TLRY", "WBA",  "MGM",  "NIO",  "C",    "GS",   "WFC",
    "ADBE", "PEP",  "UNH",  "CARR", "FUBO", "HCA",   "TWTR", "BILI", "RKT"};
static_assert(std::size(k_free_plan_symbols) == 87);

class Fmp final : public Provider {
 public:
  const ProviderInfo& info() const override {
    // The free plan: 250 calls a day and 87 symbols (docs/PROVIDERS.md).
    static constexpr ProviderInfo k_info{.name = "fmp",
                                         .default_base_url = "https://financialmodelingprep.com",
                                         .key_env = "FMP_API_KEY",
                                         .key = KeyRequirement::required,
                                         .description = "profiles, quotes, fundamentals",
                                         .per_minute = 250,
                                         .per_day = 250,
                                         .plan_symbols = k_free_plan_symbols};
    return k_info;
  }
  std::optional<NeedSource> source_for(NeedKind kind, const std::string& subject) const override {
    return symbol_source(info().name, kind, subject);
  }
  Result<ProviderRequest> request(const Need& need, const NeedSource&,
                                  const RequestContext& c) const override {
    const std::string symbol = spelled(info().name, need.subject, c);  // FMP echoes it as "symbol"
    const std::string query = "?symbol=" + url_encode(symbol) + "&apikey=" + c.key;
    ProviderRequest r;
    r.read_error = read_fmp_error;
    switch (need.kind) {
      case NeedKind::market:
        r.url = c.base_url + "/stable/quote" + query;
        r.parse = [symbol](std::string_view b) { return as_record(parse_fmp_quote(b, symbol)); };
        return r;
      case NeedKind::profile:
        r.url = c.base_url + "/stable/profile" + query;
        r.parse = [symbol](std::string_view b) { return as_record(parse_fmp_profile(b, symbol)); };
        return r;
      case NeedKind::fundamentals:
        r.url = c.base_url + "/stable/ratios-ttm" + query;
        r.parse = [symbol](std::string_view b) { return as_record(parse_fmp_ratios(b, symbol)); };
        return r;
      default:
        return fail(FailureKind::other, "fmp does not serve " + std::string(need_kind_name(need.kind)));
    }
  }
};

}  // namespace

const Provider& providers::fmp() {
  static const Fmp k_provider;
  return k_provider;
}

}  // namespace thd
