// Parsers of the providers' real responses into normalized records (see
// services/adapters.hpp for the contract). Every parser first rejects the
// errors in disguise of its provider, then reads the figures it needs; a
// figure that is absent, null or one of the providers' "no value" spellings
// ("None", "-", "", ".") is null, never zero.
#include "services/adapters.hpp"

#include <simdjson.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <vector>

#include "core/sectors.hpp"
#include "core/text.hpp"
#include "services/adapter_json.hpp"

namespace thd {

bool is_no_data(const Error& e) {
  return e.message.find(": no data: ") != std::string::npos;
}

namespace {

using namespace adapter_json;

// ---------------------------------------------------------------- FMP ----

// FMP's stable endpoints answer a JSON array of one object; an unknown
// symbol is [] and an error is {"Error Message": ...}.
Result<simdjson::dom::object> fmp_first(Doc& doc, std::string_view body) {
  if (!parse(doc, body)) return not_json("FMP");
  simdjson::dom::object obj;
  if (!doc.root.get_object().get(obj)) {
    if (auto m = message_member(obj, "Error Message")) return fail("FMP: " + *m);
    if (auto m = message_member(obj, "error")) return fail("FMP: " + *m);
    return fail("FMP: unexpected answer (an object, not a list)");
  }
  simdjson::dom::array arr;
  if (doc.root.get_array().get(arr)) return fail("FMP: unexpected answer (not a list)");
  if (arr.size() == 0) return no_data("FMP", "empty answer for the symbol");
  simdjson::dom::object first;
  if (arr.at(0).get_object().get(first)) return fail("FMP: unexpected answer (list of non-objects)");
  return first;
}

// ------------------------------------------------------- Alpha Vantage ----

// Alpha Vantage answers HTTP 200 to everything: rate limits come as
// {"Information": ...} or {"Note": ...}, bad calls as {"Error Message": ...},
// an unknown symbol as {} (OVERVIEW) or {"Global Quote": {}}.
Result<simdjson::dom::object> av_object(Doc& doc, std::string_view body) {
  if (!parse(doc, body)) return not_json("Alpha Vantage");
  simdjson::dom::object obj;
  if (doc.root.get_object().get(obj)) return fail("Alpha Vantage: unexpected answer (not an object)");
  for (std::string_view key : {"Error Message", "Information", "Note"})
    if (auto m = message_member(obj, key)) return fail("Alpha Vantage: " + *m);
  if (obj.size() == 0) return no_data("Alpha Vantage", "empty answer for the symbol");
  return obj;
}

// ------------------------------------------------------------- Yahoo ----

struct Close {
  Date date;
  double value;
};

}  // namespace

Result<MarketRecord> parse_yahoo_chart(std::string_view body, Date today) {
  Doc doc;
  if (!parse(doc, body)) return not_json("Yahoo Finance");
  simdjson::dom::object chart;
  if (doc.root["chart"].get_object().get(chart)) {
    // Other Yahoo endpoints' 404 shape: {"finance":{"result":null,"error":{...}}}.
    simdjson::dom::object finance;
    if (!doc.root["finance"].get_object().get(finance))
      chart = finance;
    else
      return fail("Yahoo Finance: unexpected answer (no chart)");
  }
  simdjson::dom::element error;
  if (!chart["error"].get(error) && !error.is_null()) {
    simdjson::dom::object eobj;
    std::string what;
    if (!error.get_object().get(eobj)) {
      auto code = message_member(eobj, "code");
      auto description = message_member(eobj, "description");
      what = code.value_or("");
      if (description) what += (what.empty() ? "" : ": ") + *description;
    } else if (auto s = error.get_string(); !s.error()) {
      what = sanitize(s.value_unsafe());
    }
    if (what.empty()) what = "error";
    return fail("Yahoo Finance: " + what);
  }
  simdjson::dom::array results;
  if (chart["result"].get_array().get(results) || results.size() == 0)
    return fail("Yahoo Finance: no chart data (empty result)");
  simdjson::dom::object result;
  if (results.at(0).get_object().get(result)) return fail("Yahoo Finance: unexpected answer (result)");

  MarketRecord rec;
  std::int64_t gmtoffset = 0;
  simdjson::dom::object meta;
  if (!result["meta"].get_object().get(meta)) {
    rec.currency = text_at(meta, "currency");
    std::int64_t off = 0;
    // Dates of daily bars are the exchange's local dates.
    if (!meta["gmtoffset"].get_int64().get(off) && off > -86400 && off < 86400) gmtoffset = off;
  }

  simdjson::dom::array timestamps, closes;
  simdjson::dom::element ts_el;
  if (result["timestamp"].get(ts_el) || ts_el.is_null()) {
    // No bar at all (a symbol without trades in the range).
    return fail("Yahoo Finance: no daily bars in the chart");
  }
  if (ts_el.get_array().get(timestamps)) return fail("Yahoo Finance: unexpected answer (timestamp)");
  if (result.at_pointer("/indicators/quote/0/close").get_array().get(closes))
    return fail("Yahoo Finance: unexpected answer (no closes)");
  if (closes.size() != timestamps.size())
    return fail("Yahoo Finance: unexpected answer (timestamps and closes differ in length)");

  std::vector<Close> series;
  series.reserve(closes.size());
  auto ts_it = timestamps.begin();
  for (simdjson::dom::element c : closes) {
    simdjson::dom::element t = *ts_it;
    ++ts_it;
    if (c.is_null()) continue;  // a day without a close: skipped
    double v = 0;
    if (c.get_double().get(v) || !std::isfinite(v)) return fail("Yahoo Finance: unexpected answer (close)");
    std::int64_t seconds = 0;
    if (t.get_int64().get(seconds)) return fail("Yahoo Finance: unexpected answer (timestamp)");
    series.push_back({date_of(seconds + gmtoffset), v});
  }
  if (series.empty()) return fail("Yahoo Finance: no closing prices in the chart");

  rec.price = series.back().value;
  if (series.size() >= 2) rec.previous_close = series[series.size() - 2].value;
  auto [lo, hi] = std::minmax_element(series.begin(), series.end(),
                                      [](const Close& a, const Close& b) { return a.value < b.value; });
  rec.fifty_two_week_low = lo->value;
  rec.fifty_two_week_high = hi->value;

  // YTD: against the last close dated in the year before today's.
  for (auto it = series.rbegin(); it != series.rend(); ++it) {
    if (it->date.year == today.year - 1) {
      if (it->value > 0) rec.ytd_return = *rec.price / it->value - 1;
      break;
    }
  }

  // Volatility: sample standard deviation of the daily log returns,
  // annualized with sqrt(252); needs two returns (three closes).
  std::vector<double> returns;
  for (size_t i = 1; i < series.size(); ++i)
    if (series[i - 1].value > 0 && series[i].value > 0)
      returns.push_back(std::log(series[i].value / series[i - 1].value));
  if (returns.size() >= 2) {
    double mean = 0;
    for (double r : returns) mean += r;
    mean /= static_cast<double>(returns.size());
    double ss = 0;
    for (double r : returns) ss += (r - mean) * (r - mean);
    rec.volatility = std::sqrt(ss / static_cast<double>(returns.size() - 1)) * std::sqrt(252.0);
  }
  return rec;
}

Result<MarketRecord> parse_fmp_quote(std::string_view body) {
  Doc doc;
  auto q = fmp_first(doc, body);
  if (!q) return fail(q.error());
  MarketRecord rec;
  rec.price = number_at(*q, "price");
  rec.previous_close = number_at(*q, "previousClose");
  rec.fifty_two_week_high = number_at(*q, "yearHigh");
  rec.fifty_two_week_low = number_at(*q, "yearLow");
  rec.currency = text_at(*q, "currency");  // not in /stable/quote today; kept if it appears
  return rec;
}

Result<MarketRecord> parse_alpha_vantage_quote(std::string_view body) {
  Doc doc;
  auto obj = av_object(doc, body);
  if (!obj) return fail(obj.error());
  simdjson::dom::object q;
  if ((*obj)["Global Quote"].get_object().get(q))
    return fail("Alpha Vantage: unexpected answer (no Global Quote)");
  if (q.size() == 0) return no_data("Alpha Vantage", "empty Global Quote for the symbol");
  MarketRecord rec;
  rec.price = number_at(q, "05. price");
  rec.previous_close = number_at(q, "08. previous close");
  return rec;
}

Result<ProfileRecord> parse_fmp_profile(std::string_view body) {
  Doc doc;
  auto p = fmp_first(doc, body);
  if (!p) return fail(p.error());
  ProfileRecord rec;
  rec.name = text_at(*p, "companyName");
  rec.sector = canonical_sector_of(text_at(*p, "sector"));
  rec.industry = text_at(*p, "industry");
  rec.market_cap = number_at(*p, "marketCap");
  return rec;
}

Result<ProfileRecord> parse_alpha_vantage_profile(std::string_view body) {
  Doc doc;
  auto o = av_object(doc, body);
  if (!o) return fail(o.error());
  ProfileRecord rec;
  rec.name = text_at(*o, "Name");
  rec.sector = canonical_sector_of(text_at(*o, "Sector"));
  rec.industry = text_at(*o, "Industry");
  rec.market_cap = number_at(*o, "MarketCapitalization");
  if (!rec.name && !text_at(*o, "Symbol"))
    return fail("Alpha Vantage: unexpected answer (no company overview)");
  return rec;
}

Result<FundamentalsRecord> parse_fmp_ratios(std::string_view body) {
  Doc doc;
  auto r = fmp_first(doc, body);
  if (!r) return fail(r.error());
  FundamentalsRecord rec;
  rec.pe_ratio = number_at(*r, "priceToEarningsRatioTTM");
  rec.eps = number_at(*r, "netIncomePerShareTTM");
  return rec;
}

Result<FundamentalsRecord> parse_alpha_vantage_fundamentals(std::string_view body) {
  Doc doc;
  auto o = av_object(doc, body);
  if (!o) return fail(o.error());
  if (!text_at(*o, "Symbol") && !text_at(*o, "Name"))
    return fail("Alpha Vantage: unexpected answer (no company overview)");
  FundamentalsRecord rec;
  rec.pe_ratio = number_at(*o, "PERatio");
  rec.eps = number_at(*o, "EPS");
  rec.analyst_target = number_at(*o, "AnalystTargetPrice");
  return rec;
}

Result<SeriesRecord> parse_fred_series(std::string_view body) {
  Doc doc;
  if (!parse(doc, body)) return not_json("FRED");
  simdjson::dom::object o;
  if (doc.root.get_object().get(o)) return fail("FRED: unexpected answer (not an object)");
  if (auto m = message_member(o, "error_message")) return fail("FRED: " + *m);
  simdjson::dom::element code;
  if (!o["error_code"].get(code) && !code.is_null())
    return fail("FRED: error " + std::string(simdjson::minify(code)).substr(0, 16));
  simdjson::dom::array obs;
  if (o["observations"].get_array().get(obs)) return fail("FRED: unexpected answer (no observations)");
  SeriesRecord rec;
  Date best{};
  for (simdjson::dom::element e : obs) {
    simdjson::dom::object ob;
    std::string_view date_s;
    if (e.get_object().get(ob) || ob["date"].get_string().get(date_s)) continue;
    auto date = parse_iso_date(date_s);
    auto value = number_at(ob, "value");  // "." -> null
    if (!date || !value) continue;
    if (!rec.date || *date > best) {
      best = *date;
      rec.date = format_date(*date);
      rec.value = value;
    }
  }
  if (!rec.date) return fail("FRED: no observation with a value");
  return rec;
}

namespace {

// obj[key], else the member whose name equals key ignoring case.
bool member_ci(simdjson::dom::object obj, std::string_view key, simdjson::dom::element& out) {
  if (!obj[key].get(out)) return true;
  for (auto field : obj)
    if (iequals(field.key, key)) {
      out = field.value;
      return true;
    }
  return false;
}

}  // namespace

Result<ImfRecord> parse_imf(std::string_view body, std::string_view indicator, std::string_view country,
                            int current_year) {
  Doc doc;
  if (!parse(doc, body)) return not_json("IMF");
  simdjson::dom::object o;
  if (doc.root.get_object().get(o)) return fail("IMF: unexpected answer (not an object)");
  simdjson::dom::element values_el, ind_el, country_el;
  simdjson::dom::object values, ind, years;
  if (!member_ci(o, "values", values_el) || values_el.get_object().get(values))
    return fail("IMF: no values (unknown indicator or country)");
  if (!member_ci(values, indicator, ind_el) || ind_el.get_object().get(ind))
    return no_data("IMF", "indicator " + sanitize(indicator));
  if (!member_ci(ind, country, country_el) || country_el.get_object().get(years))
    return no_data("IMF", sanitize(indicator) + " for " + sanitize(country));
  ImfRecord rec;
  for (auto field : years) {
    auto year = parse_int(field.key);
    if (!year || *year > current_year || *year < 0) continue;
    auto value = number_of(field.value);
    if (!value) continue;
    if (!rec.year || *year > *rec.year) {
      rec.year = static_cast<int>(*year);
      rec.value = value;
    }
  }
  if (!rec.year)
    return fail("IMF: no value for " + sanitize(indicator) + " in " + sanitize(country) + " up to " +
                std::to_string(current_year));
  return rec;
}

Result<CryptoRecord> parse_coingecko(std::string_view body, std::string_view coin) {
  Doc doc;
  if (!parse(doc, body)) return not_json("CoinGecko");
  simdjson::dom::object o;
  if (doc.root.get_object().get(o)) return fail("CoinGecko: unexpected answer (not an object)");
  // Errors: {"error": "..."} and, for rate limits, {"status": {"error_code":
  // 429, "error_message": "..."}}.
  if (auto m = message_member(o, "error")) return fail("CoinGecko: " + *m);
  simdjson::dom::object status;
  if (!o["status"].get_object().get(status))
    if (auto m = message_member(status, "error_message")) return fail("CoinGecko: " + *m);
  simdjson::dom::element coin_el;
  simdjson::dom::object c;
  if (!member_ci(o, coin, coin_el) || coin_el.get_object().get(c))
    return no_data("CoinGecko", "no price for " + sanitize(coin));
  CryptoRecord rec;
  rec.usd = number_at(c, "usd");
  rec.change_24h = number_at(c, "usd_24h_change");
  rec.market_cap = number_at(c, "usd_market_cap");
  return rec;
}

}  // namespace thd
