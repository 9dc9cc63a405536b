// Yahoo Finance: the v8 chart API, a year of daily bars per symbol (no key).
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

constexpr std::string_view k_yahoo = "Yahoo Finance";

struct Close {
  Date date;
  double value;
};

}  // namespace

Result<MarketRecord> parse_yahoo_chart(std::string_view body, std::string_view symbol, Date today) {
  Doc doc;
  if (!parse(doc, body)) return not_json(k_yahoo);
  simdjson::dom::object chart;
  if (doc.root["chart"].get_object().get(chart)) {
    // Other Yahoo endpoints' 404 shape: {"finance":{"result":null,"error":{...}}}.
    simdjson::dom::object finance;
    if (!doc.root["finance"].get_object().get(finance))
      chart = finance;
    else
      return bad_answer(k_yahoo, "unexpected answer (no chart)");
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
    return bad_answer(k_yahoo, what);
  }
  simdjson::dom::array results;
  if (chart["result"].get_array().get(results) || results.size() == 0)
    return bad_answer(k_yahoo, "no chart data (empty result)");
  simdjson::dom::object result;
  if (results.at(0).get_object().get(result)) return bad_answer(k_yahoo, "unexpected answer (result)");

  MarketRecord rec;
  std::int64_t gmtoffset = 0;
  // The answer must be about the symbol asked for, and say so: a real chart
  // always has meta.symbol (Yahoo echoes "BRK-B", "^VIX").
  simdjson::dom::object meta;
  if (result["meta"].get_object().get(meta))
    return bad_answer(k_yahoo, "the answer does not say which symbol it is about (no meta)");
  if (auto named = require_symbol(k_yahoo, meta, "symbol", symbol); !named) return fail(named.error());
  rec.currency = text_at(meta, "currency");
  std::int64_t off = 0;
  // Dates of daily bars are the exchange's local dates.
  if (!meta["gmtoffset"].get_int64().get(off) && off > -86400 && off < 86400) gmtoffset = off;

  simdjson::dom::array timestamps, closes;
  simdjson::dom::element ts_el;
  if (result["timestamp"].get(ts_el) || ts_el.is_null()) {
    // No bar at all (a symbol without trades in the range).
    return bad_answer(k_yahoo, "no daily bars in the chart");
  }
  if (ts_el.get_array().get(timestamps)) return bad_answer(k_yahoo, "unexpected answer (timestamp)");
  if (result.at_pointer("/indicators/quote/0/close").get_array().get(closes))
    return bad_answer(k_yahoo, "unexpected answer (no closes)");
  if (closes.size() != timestamps.size())
    return bad_answer(k_yahoo, "unexpected answer (timestamps and closes differ in length)");

  std::vector<Close> series;
  series.reserve(closes.size());
  auto ts_it = timestamps.begin();
  for (simdjson::dom::element c : closes) {
    simdjson::dom::element t = *ts_it;
    ++ts_it;
    if (c.is_null()) continue;  // a day without a close: skipped
    double v = 0;
    if (c.get_double().get(v) || !std::isfinite(v)) return bad_answer(k_yahoo, "unexpected answer (close)");
    std::int64_t seconds = 0;
    if (t.get_int64().get(seconds)) return bad_answer(k_yahoo, "unexpected answer (timestamp)");
    series.push_back({date_of(seconds + gmtoffset), v});
  }
  if (series.empty()) return bad_answer(k_yahoo, "no closing prices in the chart");

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

namespace {

class YahooFinance final : public Provider {
 public:
  const ProviderInfo& info() const override {
    static constexpr ProviderInfo k_info{"yahoo_finance",
                                         "https://query1.finance.yahoo.com",
                                         "",
                                         KeyRequirement::none,
                                         "quotes and daily history",
                                         100,
                                         0};
    return k_info;
  }
  std::optional<NeedSource> source_for(NeedKind kind, const std::string& subject) const override {
    // The VIX is Yahoo's index ^VIX; a year of daily bars gives every figure of a quote.
    if (kind == NeedKind::market)
      return NeedSource{info().name, "chart:" + subject + ":1y:1d", RecordKind::market, DataKind::history};
    if (kind == NeedKind::vix)
      return NeedSource{info().name, "chart:^VIX:1y:1d", RecordKind::market, DataKind::history};
    return std::nullopt;
  }
  Result<ProviderRequest> request(const Need& need, const NeedSource&,
                                  const RequestContext& c) const override {
    const std::string symbol = need.kind == NeedKind::vix ? "^VIX" : need.subject;
    const Date today = c.today;
    return ProviderRequest{
        c.base_url + "/v8/finance/chart/" + yahoo_symbol(symbol) + "?range=1y&interval=1d",
        {},
        [symbol, today](std::string_view b) { return as_record(parse_yahoo_chart(b, symbol, today)); }};
  }
};

}  // namespace

const Provider& providers::yahoo_finance() {
  static const YahooFinance k_provider;
  return k_provider;
}

}  // namespace thd
