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

// Yahoo answers 429 to clients that do not look like a browser
// (docs/PROVIDERS.md): a browser's User-Agent and Accept headers, unless
// the user sets [services.yahoo_finance] user_agent.
constexpr std::string_view k_browser_agent =
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

std::vector<std::string> browser_headers(const RequestContext& c) {
  return {"User-Agent: " + (c.user_agent.empty() ? std::string(k_browser_agent) : c.user_agent),
          "Accept: application/json,text/plain,*/*", "Accept-Language: en-US,en;q=0.9"};
}

bool says(std::string_view body, std::string_view what) {
  return to_lower(body).find(to_lower(what)) != std::string::npos;
}

}  // namespace

Reading read_yahoo_error(long status, std::string_view body) {
  std::string message = adapter_json::error_text(body);
  // A session is wanted: the cookie and crumb handshake, once.
  if ((status == 401 || status == 403 || status == 429) &&
      (says(body, "Invalid Crumb") || says(body, "Invalid Cookie") || says(body, "Unauthorized")))
    return {Verdict::session, message, 0};
  // "Too Many Requests": not retried at once; the breaker holds a minute (or Retry-After).
  if (status == 429) return {Verdict::throttled, message, 60};
  // An unknown symbol: {"chart":{"result":null,"error":{"code":"Not Found",...}}}.
  if (status == 404 && (says(body, "Not Found") || says(body, "No data found")))
    return {Verdict::no_data, message, 0};
  return {Verdict::none, message, 0};
}

Result<std::string> read_yahoo_crumb(std::string_view body) {
  std::string_view crumb = trim(body);
  bool plain = !crumb.empty() && crumb.size() <= 64;
  for (char c : crumb) plain = plain && c > ' ' && c < 127 && c != '<' && c != '{' && c != '"';
  if (!plain) return fail(FailureKind::bad_body, "Yahoo Finance: the crumb answer is not a crumb");
  return std::string(crumb);
}

namespace {

class YahooFinance final : public Provider {
 public:
  const ProviderInfo& info() const override {
    static constexpr ProviderInfo k_info{.name = "yahoo_finance",
                                         .default_base_url = "https://query1.finance.yahoo.com",
                                         .key_env = "",
                                         .key = KeyRequirement::none,
                                         .description = "quotes and daily history",
                                         .per_minute = 100,  // no published limit (docs/PROVIDERS.md)
                                         .per_day = 0,
                                         .cookies = true};
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
    std::string url = c.base_url + "/v8/finance/chart/" + url_encode(spelled(info().name, symbol, c)) +
                      "?range=1y&interval=1d";
    if (c.session) url += "&crumb=" + url_encode(*c.session);
    ProviderRequest r;
    r.url = std::move(url);
    r.headers = browser_headers(c);
    r.parse = [symbol, today](std::string_view b) { return as_record(parse_yahoo_chart(b, symbol, today)); };
    r.read_error = read_yahoo_error;
    r.keyed = c.session != nullptr;  // the crumb is a credential (also when too short to be redacted)
    return r;
  }
  // The consent cookie (fc.yahoo.com answers 404 with it), then the crumb.
  // A base URL of one's own (a proxy, the tests' fake) serves both itself.
  std::optional<SessionSetup> session_setup(const RequestContext& c) const override {
    SessionSetup s;
    std::string cookie_url = c.env("THD_YAHOO_FINANCE_COOKIE_URL").value_or("");
    if (cookie_url.empty())
      cookie_url = c.base_url == info().default_base_url ? "https://fc.yahoo.com/" : c.base_url + "/fc";
    s.urls = {cookie_url, c.base_url + "/v1/test/getcrumb"};
    s.headers = browser_headers(c);
    s.token = read_yahoo_crumb;
    return s;
  }
};

}  // namespace

const Provider& providers::yahoo_finance() {
  static const YahooFinance k_provider;
  return k_provider;
}

}  // namespace thd
