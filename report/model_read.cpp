// The discovery document's JSON -> ReportModel (simdjson's DOM: the document
// is read once, in any key order; a missing key is "not in this document").
#include <simdjson.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "core/base/json_writer.hpp"
#include "report/model.hpp"

namespace thd::report {
namespace {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

std::optional<element> child(object o, std::string_view key) {
  element e;
  if (o.at_key(key).get(e) != simdjson::SUCCESS) return std::nullopt;
  return e;
}

// An empty object of its own document: a default-constructed dom::object
// points to no document, and reading one is undefined.
object empty_object() {
  static const object empty = [] {
    static simdjson::dom::parser parser;
    object o;
    if (parser.parse("{}", 2).get(o) != simdjson::SUCCESS) std::abort();
    return o;
  }();
  return empty;
}

// The object at `key`; an empty one when absent or not an object.
object obj(object o, std::string_view key) {
  object out;
  auto e = child(o, key);
  if (!e || e->get(out) != simdjson::SUCCESS) return empty_object();
  return out;
}

bool has_object(object o, std::string_view key) {
  auto e = child(o, key);
  return e && e->is_object();
}

Num num(object o, std::string_view key) {
  Num n;
  auto e = child(o, key);
  if (!e) return n;
  n.present = true;
  double d;
  if (e->is_number() && e->get_double().get(d) == simdjson::SUCCESS) n.value = d;
  return n;
}

std::string str(object o, std::string_view key) {
  auto e = child(o, key);
  std::string_view s;
  if (e && e->get_string().get(s) == simdjson::SUCCESS) return std::string(s);
  return {};
}

bool flag(object o, std::string_view key) {
  auto e = child(o, key);
  bool b = false;
  if (e && e->get_bool().get(b) != simdjson::SUCCESS) b = false;
  return b;
}

std::vector<std::string> strings(object o, std::string_view key) {
  std::vector<std::string> out;
  array a;
  if (auto e = child(o, key); e && e->get_array().get(a) == simdjson::SUCCESS)
    for (element item : a) {
      std::string_view s;
      if (item.get_string().get(s) == simdjson::SUCCESS) out.emplace_back(s);
    }
  return out;
}

Provenance provenance(object o) {
  Provenance p;
  auto e = child(o, "provenance");
  object po;
  if (!e || e->get_object().get(po) != simdjson::SUCCESS) return p;
  p.present = true;
  p.source = str(po, "source");
  p.service = str(po, "service");
  p.fetched_at = str(po, "fetched_at");
  p.reason = str(po, "reason");
  // (a value past int64's range would be undefined to convert: such an age is not shown)
  if (Num age = num(po, "age_seconds"); age.has() && std::fabs(*age) < 9e18)
    p.age_seconds = static_cast<std::int64_t>(*age);
  return p;
}

Market market(object o) {
  Market m;
  m.price = num(o, "price"), m.previous_close = num(o, "previous_close");
  m.high_52w = num(o, "fifty_two_week_high"), m.low_52w = num(o, "fifty_two_week_low");
  m.ytd_return = num(o, "ytd_return"), m.volatility = num(o, "volatility");
  m.currency = str(o, "currency");
  m.provenance = provenance(o);
  return m;
}

void read_tickers(object root, ReportModel& m) {
  for (auto [key, value] : obj(root, "tickers")) {
    object t;
    if (value.get(t) != simdjson::SUCCESS) continue;
    Ticker out;
    out.ticker = std::string(key);
    out.market = market(obj(t, "market"));
    object p = obj(t, "profile");
    out.profile.name = str(p, "name"), out.profile.sector = str(p, "sector");
    out.profile.industry = str(p, "industry"), out.profile.market_cap = num(p, "market_cap");
    out.profile.provenance = provenance(p);
    object f = obj(t, "fundamentals");
    Fundamentals& fo = out.fundamentals;
    fo.recommendation = str(f, "recommendation"), fo.file = str(f, "file"), fo.date = str(f, "date");
    fo.conviction = num(f, "conviction"), fo.fair_value_low = num(f, "fair_value_low");
    fo.fair_value_high = num(f, "fair_value_high"), fo.age_days = num(f, "age_days");
    fo.pe_ratio = num(f, "pe_ratio"), fo.eps = num(f, "eps"), fo.analyst_target = num(f, "analyst_target");
    fo.currency = str(f, "currency"), fo.stale = flag(f, "stale");
    fo.provenance = provenance(f);
    m.tickers.push_back(std::move(out));
  }
  std::sort(m.tickers.begin(), m.tickers.end(),
            [](const Ticker& a, const Ticker& b) { return a.ticker < b.ticker; });
}

void read_trades(object root, ReportModel& m) {
  object s = obj(root, "portfolio_summary");
  m.total_trades = num(s, "total_trades"), m.closed_trades = num(s, "closed_trades");
  m.active_trades = num(s, "active_trades"), m.unique_tickers = num(s, "unique_tickers");
  m.first_entry_date = str(s, "first_entry_date"), m.last_entry_date = str(s, "last_entry_date");

  object p = obj(root, "performance_metrics");
  m.win_rate = num(p, "win_rate"), m.wins = num(p, "wins"), m.losses = num(p, "losses");
  m.breakevens = num(p, "breakevens"), m.average_win_return = num(p, "average_win_return");
  m.average_loss_return = num(p, "average_loss_return"), m.profit_factor = num(p, "profit_factor");
  m.expectancy = num(p, "expectancy"), m.total_pnl = num(p, "total_pnl");
  m.average_duration_days = num(p, "average_duration_days");
  m.average_win_duration_days = num(p, "average_win_duration_days");
  m.average_loss_duration_days = num(p, "average_loss_duration_days");

  object perf = obj(root, "strategy_performance");
  const bool has_perf = has_object(root, "strategy_performance");
  for (auto [key, value] : obj(root, "strategy_distribution")) {
    object d;
    if (value.get(d) != simdjson::SUCCESS) continue;
    Strategy st;
    st.name = std::string(key);
    st.total = num(d, "total"), st.closed = num(d, "closed"), st.active = num(d, "active");
    if (has_perf && has_object(perf, key)) {
      object sp = obj(perf, key);
      st.performance = true;
      st.closed_trades = num(sp, "closed_trades"), st.wins = num(sp, "wins"), st.losses = num(sp, "losses");
      st.win_rate = num(sp, "win_rate"), st.profit_factor = num(sp, "profit_factor");
      st.expectancy = num(sp, "expectancy"), st.total_pnl = num(sp, "total_pnl");
      st.average_duration_days = num(sp, "average_duration_days");
    }
    m.strategies.push_back(std::move(st));
  }

  for (auto [key, value] : obj(root, "ticker_performance")) {
    object t;
    if (value.get(t) != simdjson::SUCCESS) continue;
    m.ticker_performance.push_back({std::string(key), num(t, "trades"), num(t, "closed"), num(t, "active"),
                                    num(t, "wins"), num(t, "losses"), num(t, "breakevens"),
                                    num(t, "total_return"), num(t, "total_pnl"), num(t, "win_rate")});
  }

  array positions;
  if (auto e = child(root, "active_positions"); e && e->get_array().get(positions) == simdjson::SUCCESS)
    for (element item : positions) {
      object a;
      if (item.get(a) != simdjson::SUCCESS) continue;
      m.open_positions.push_back({str(a, "uuid"), str(a, "ticker"), str(a, "strategy"), str(a, "entry_date"),
                                  num(a, "days_held"), num(a, "current_unrealized_return")});
    }

  object q = obj(root, "data_quality_assessment");
  m.rows_read = num(q, "rows_read"), m.rows_excluded = num(q, "rows_excluded");
  m.rows_with_issues = num(q, "rows_with_issues"), m.issues_total = num(q, "issues_total");
  array issues;
  if (auto e = child(q, "issues"); e && e->get_array().get(issues) == simdjson::SUCCESS)
    for (element item : issues) {
      object i;
      if (item.get(i) != simdjson::SUCCESS) continue;
      m.issues.push_back({num(i, "line"), str(i, "column"), str(i, "issue")});
    }
}

std::vector<Named> named(object o, std::string_view key) {
  std::vector<Named> out;
  for (auto [name, value] : obj(o, key)) {
    object v;
    if (value.get(v) != simdjson::SUCCESS) continue;
    Named n;
    n.name = std::string(name);
    n.market = market(v);
    n.value = num(v, "value"), n.usd = num(v, "usd"), n.change_24h = num(v, "change_24h");
    n.year = num(v, "year"), n.date = str(v, "date");
    object cy;
    if (auto e = child(v, "current_year"); e && e->get(cy) == simdjson::SUCCESS) {
      n.current_year = num(cy, "year"), n.current_value = num(cy, "value");
      n.projection = flag(cy, "projection");
    }
    n.provenance = provenance(v);
    out.push_back(std::move(n));
  }
  return out;
}

void read_market(object root, ReportModel& m) {
  object mc = obj(root, "market_context");
  m.benchmarks = named(mc, "benchmarks");
  m.economic = named(mc, "economic_indicators");
  m.imf = named(mc, "imf");
  m.crypto = named(mc, "crypto");
  object vix = obj(obj(mc, "volatility"), "VIX");
  m.vix = num(vix, "value"), m.vix_regime = str(vix, "regime"), m.vix_provenance = provenance(vix);
}

void read_research(object root, ReportModel& m) {
  object fi = obj(root, "fundamental_integration");
  object cov = obj(fi, "coverage");
  m.coverage_tickers = num(cov, "tickers"), m.coverage_covered = num(cov, "covered");
  m.coverage_ratio = num(cov, "ratio");
  m.covered = strings(cov, "covered_tickers"), m.missing = strings(cov, "missing");
  m.stale = strings(cov, "stale");
  for (auto [key, value] : obj(fi, "recommendations")) {
    double n = 0;
    if (value.get_double().get(n) == simdjson::SUCCESS) m.recommendations.emplace_back(key, n);
  }
  m.average_analysis_age_days = num(fi, "average_analysis_age_days");
  object sc = obj(root, "sector_context");
  for (const char* part : {"by_sector", "themes"})
    for (auto [key, value] : obj(sc, part)) {
      object s;
      if (value.get(s) != simdjson::SUCCESS) continue;
      ReportModel::Sector out{std::string(key),      str(s, "file"),     str(s, "date"),
                              strings(s, "tickers"), num(s, "age_days"), flag(s, "stale")};
      (part[0] == 'b' ? m.sectors : m.themes).push_back(std::move(out));
    }
  m.unclassified = strings(sc, "unclassified_tickers");
}

void read_metadata(object root, ReportModel& m) {
  object md = obj(root, "discovery_metadata");
  m.generated_at = str(md, "generated_at"), m.run_date = str(md, "run_date");
  if (m.run_date.empty() && m.generated_at.size() >= 10) m.run_date = m.generated_at.substr(0, 10);
  m.tool_version = str(md, "tool_version"), m.data_source = str(md, "data_source"), m.mode = str(md, "mode");
  m.total_ms = num(obj(md, "duration_ms"), "total");
  object api = obj(md, "api_calls");
  m.api_attempts = num(api, "attempts"), m.api_succeeded = num(api, "succeeded");
  object cache = obj(md, "cache");
  m.cache_hits = num(cache, "hits"), m.cache_misses = num(cache, "misses");
  m.cache_stale_served = num(cache, "stale_served");
  object needs = obj(md, "needs");
  m.needs_total = num(needs, "total");
  for (auto [key, value] : obj(needs, "by_source")) {
    double n = 0;
    if (value.get_double().get(n) == simdjson::SUCCESS) m.needs_by_source.emplace_back(key, n);
  }
}

void read_analysis(object root, ReportModel& m) {
  if (!has_object(root, "trade_analysis")) return;
  object ta = obj(root, "trade_analysis");
  TradeAnalysis a;
  if ((a.equity_present = has_object(ta, "equity_curve"))) {
    object eq = obj(ta, "equity_curve");
    a.equity_trades = num(eq, "trades"), a.points_total = num(eq, "points_total");
    a.downsampled = flag(eq, "downsampled");
    array points;
    if (auto e = child(eq, "points"); e && e->get_array().get(points) == simdjson::SUCCESS)
      for (element p : points) {
        array pair;
        std::string_view date;
        double v = 0;
        if (p.get_array().get(pair) != simdjson::SUCCESS || pair.size() != 2) continue;
        if (pair.at(0).get_string().get(date) != simdjson::SUCCESS) continue;
        if (pair.at(1).get_double().get(v) != simdjson::SUCCESS) continue;
        a.points.push_back({std::string(date), v});
      }
  }
  if ((a.drawdown_present = has_object(ta, "drawdown"))) {
    object dd = obj(ta, "drawdown");
    a.max_drawdown = num(dd, "max"), a.max_relative = num(dd, "max_relative");
    a.max_relative_reason = str(dd, "max_relative_reason");
    a.peak_date = str(dd, "peak_date"), a.trough_date = str(dd, "trough_date");
    a.recovery_date = str(dd, "recovery_date"), a.longest_days = num(dd, "longest_days");
    a.longest_start = str(dd, "longest_start"), a.longest_end = str(dd, "longest_end");
    a.current_drawdown = num(dd, "current");
  }
  if ((a.streaks_present = has_object(ta, "streaks"))) {
    object s = obj(ta, "streaks");
    a.longest_winning = num(s, "longest_winning"), a.longest_losing = num(s, "longest_losing");
    a.current_kind = str(s, "current_kind"), a.current_length = num(s, "current_length");
  }
  if ((a.excursions_present = has_object(ta, "excursions"))) {
    object x = obj(ta, "excursions");
    a.excursion_trades = num(x, "trades"), a.average_mfe = num(x, "average_mfe");
    a.average_mae = num(x, "average_mae"), a.average_exit_efficiency = num(x, "average_exit_efficiency");
    a.winners_with_mfe = num(x, "winners_with_mfe"),
    a.winners_gave_back_half = num(x, "winners_gave_back_half");
    a.gave_back_half_share = num(x, "gave_back_half_share");
  }
  array months;
  if (auto e = child(ta, "monthly_pnl"); e && e->get_array().get(months) == simdjson::SUCCESS) {
    a.monthly_present = true;
    for (element item : months) {
      object mo;
      if (item.get(mo) != simdjson::SUCCESS) continue;
      a.monthly.push_back({str(mo, "month"), num(mo, "pnl"), num(mo, "trades")});
    }
  }
  if ((a.sqn_present = has_object(ta, "sqn"))) {
    object s = obj(ta, "sqn");
    a.sqn = num(s, "value"), a.sqn_trades = num(s, "trades"), a.sqn_reason = str(s, "reason");
  }
  if ((a.distribution_present = has_object(ta, "return_distribution"))) {
    object rd = obj(ta, "return_distribution");
    a.bin_width = num(rd, "bin_width"), a.distribution_trades = num(rd, "trades");
    array bins;
    if (auto e = child(rd, "bins"); e && e->get_array().get(bins) == simdjson::SUCCESS)
      for (element item : bins) {
        object b;
        if (item.get(b) != simdjson::SUCCESS) continue;
        a.bins.push_back({num(b, "from"), num(b, "to"), num(b, "wins").value.value_or(0),
                          num(b, "losses").value.value_or(0), num(b, "breakevens").value.value_or(0)});
      }
  }
  m.analysis = std::move(a);
}

}  // namespace

std::string Num::json() const {
  return value ? format_double(*value) : "null";
}

const Ticker* ReportModel::find_ticker(std::string_view ticker) const {
  auto it = std::lower_bound(tickers.begin(), tickers.end(), ticker,
                             [](const Ticker& t, std::string_view k) { return t.ticker < k; });
  return it != tickers.end() && it->ticker == ticker ? &*it : nullptr;
}

Result<ReportModel> read_report_model(const std::string& json, std::string_view shown) {
  simdjson::dom::parser parser;
  element root;
  // A 2,000-ticker document is a few MB: a copy of it is a good part of the report's memory.
  const bool padded = json.capacity() - json.size() >= simdjson::SIMDJSON_PADDING;
  simdjson::padded_string copy;
  if (!padded) copy = simdjson::padded_string(json);
  auto parsed = padded ? parser.parse(json.data(), json.size(), false) : parser.parse(copy);
  if (auto error = parsed.get(root); error != simdjson::SUCCESS)
    return Failure(Error{std::string(shown) + " is not valid JSON: " + simdjson::error_message(error)});
  object o;
  object portfolio;
  if (root.get(o) != simdjson::SUCCESS || !has_object(o, "portfolio") ||
      !has_object(o, "discovery_metadata") || !has_object(o, "portfolio_summary"))
    return Failure(Error{std::string(shown) +
                         " is not a discovery document (no 'portfolio', 'portfolio_summary' and "
                         "'discovery_metadata' objects); make one with `run --portfolio NAME`"});
  ReportModel m;
  m.document = std::string(shown);
  portfolio = obj(o, "portfolio");
  m.portfolio = str(portfolio, "name"), m.portfolio_file = str(portfolio, "file");
  read_metadata(o, m);
  read_trades(o, m);
  read_market(o, m);
  read_tickers(o, m);
  read_research(o, m);
  read_analysis(o, m);
  return m;
}

}  // namespace thd::report
