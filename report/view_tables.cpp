// The report's tables: open positions, per ticker, per strategy, market
// context, research coverage, data quality.
#include "report/cells.hpp"
#include "report/sections.hpp"

namespace thd::report {
namespace {

std::string join(const std::vector<std::string>& items, const char* none) {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : ", ") + s;
  return out.empty() ? none : out;
}

const auto k_pct = [](double v) { return percent(v); };
const auto k_signed = [](double v) { return signed_percent(v); };

Cell range_cell(const Num& low, const Num& high, const Provenance* p) {
  if (low.has() && high.has()) {
    Cell c = text_cell(range_text(*low, *high));
    if (p) c.badge = badge_of(*p);
    return c;
  }
  if (p) return sourced_cell(low, fixed(2), *p);
  return figure_cell(low, fixed(2));
}

}  // namespace

Section open_positions_section(const ReportModel& m) {
  Section s{"open-positions", "Open positions", {}, {}};
  TableBlock t{"",
               {"Ticker", "Strategy", "Entry", "Days", "Unrealised", "Price", "52-week range", "Fair value",
                "Rec.", "Analysis"},
               {false, false, true, true, true, true, true, true, false, true},
               {},
               "no open positions",
               {2, 1}};
  for (const OpenPosition& p : m.open_positions) {
    const Ticker* t_ = m.find_ticker(p.ticker);
    std::vector<Cell> row{text_cell(p.ticker), text_cell(p.strategy), text_cell(p.entry_date),
                          figure_cell(p.days_held, counted),
                          figure_cell(p.unrealized_return, k_signed, "no Current_Unrealized_PnL in the CSV")};
    if (!t_) {
      Provenance none;
      none.present = true, none.source = "missing",
      none.reason = "the ticker is not in the document's tickers";
      row.push_back(sourced_cell(Num{true, std::nullopt}, fixed(2), none));
      row.push_back(text_cell("-"));
      row.push_back(text_cell("-"));
      row.push_back(text_cell("-"));
      row.push_back(text_cell("-"));
    } else {
      const Market& mk = t_->market;
      row.push_back(sourced_cell(mk.price, fixed(2), mk.provenance));
      Cell range =
          mk.high_52w.has() && mk.low_52w.has()
              ? text_cell(range_text(*mk.low_52w, *mk.high_52w))
              : text_cell(mk.provenance.source == "missing" ? "missing" : "n/a", mk.provenance.reason);
      row.push_back(range);
      const Fundamentals& f = t_->fundamentals;
      const bool local = !f.file.empty();
      if (f.fair_value_low.has() && f.fair_value_high.has())
        row.push_back(text_cell(range_text(*f.fair_value_low, *f.fair_value_high)));
      else
        row.push_back(
            text_cell("none", local ? "the local analysis has no fair value range" : "no local analysis"));
      row.push_back(
          text_cell(f.recommendation.empty() ? "none" : f.recommendation, local ? "" : "no local analysis"));
      // A local analysis: its badge is its age (local, 12 d).
      Cell age = text_cell(local ? "" : "none", local ? "" : "no local analysis for this ticker");
      if (local) {
        age.badge = badge_of(f.provenance);
        if (f.stale) age.text = "stale";
      }
      row.push_back(age);
    }
    t.rows.push_back(std::move(row));
  }
  s.blocks.push_back(std::move(t));
  return s;
}

Section ticker_section(const ReportModel& m) {
  Section s{"ticker-performance", "Per-ticker performance", {}, {}};
  TableBlock t{"",
               {"Ticker", "Trades", "Closed", "Open", "Wins", "Losses", "Win rate", "Total return",
                "Total PnL", "Sector"},
               {false, true, true, true, true, true, true, true, true, false},
               {},
               "no trades",
               {}};
  for (const TickerPerformance& p : m.ticker_performance) {
    const Ticker* tk = m.find_ticker(p.ticker);
    Cell sector = text_cell("-");
    if (tk) {
      const Profile& pr = tk->profile;
      sector.badge = badge_of(pr.provenance);
      sector.text = !pr.sector.empty()                  ? pr.sector
                    : sector.badge->source == "missing" ? "missing"
                                                        : "unknown";
      if (sector.badge->source == "missing") sector.title = sector.badge->reason;
    }
    t.rows.push_back({text_cell(p.ticker), figure_cell(p.trades, counted), figure_cell(p.closed, counted),
                      figure_cell(p.active, counted), figure_cell(p.wins, counted),
                      figure_cell(p.losses, counted),
                      figure_cell(p.win_rate, k_pct, "no closed trade with a result"),
                      figure_cell(p.total_return, k_signed, "no closed trade with a return"),
                      figure_cell(p.total_pnl, money, "no closed trade with a PnL"), sector});
  }
  s.blocks.push_back(std::move(t));
  // The company profile and the provider's fundamentals of each ticker, with
  // their sources; a local analysis stands in for the provider's figures.
  TableBlock f{"Company profiles and provider fundamentals",
               {"Ticker", "Name", "Industry", "Market cap", "P/E", "EPS", "Analyst target"},
               {false, false, false, true, true, true, true},
               {},
               "no tickers",
               {2}};
  for (const Ticker& tk : m.tickers) {
    if (!tk.profile.provenance.present && !tk.fundamentals.provenance.present) continue;
    const Profile& pr = tk.profile;
    const bool profile_missing = badge_source(pr.provenance) == "missing";
    Cell name = text_cell(!pr.name.empty()  ? pr.name
                          : profile_missing ? "missing"
                                            : "-",
                          profile_missing ? badge_of(pr.provenance).reason : "");
    Cell industry = text_cell(!pr.industry.empty() ? pr.industry : "-");
    std::vector<Cell> row{text_cell(tk.ticker), name, industry,
                          sourced_cell(pr.market_cap, money_short, pr.provenance)};
    const Fundamentals& fu = tk.fundamentals;
    if (!fu.file.empty() && !fu.pe_ratio.has() && !fu.eps.has() && !fu.analyst_target.has()) {
      const std::string why = "a local analysis (" + fu.file + "): no provider fundamentals requested";
      for (int i = 0; i < 3; ++i) row.push_back(text_cell("local", why));
    } else {
      row.push_back(sourced_cell(fu.pe_ratio, fixed(2), fu.provenance));
      row.push_back(sourced_cell(fu.eps, fixed(2), fu.provenance, Badged::no));
      row.push_back(sourced_cell(fu.analyst_target, fixed(2), fu.provenance, Badged::no));
    }
    f.rows.push_back(std::move(row));
  }
  if (!f.rows.empty()) s.blocks.push_back(std::move(f));
  return s;
}

Section strategy_section(const ReportModel& m) {
  Section s{"strategy-performance", "Per-strategy performance", {}, {}};
  bool performance = false;
  for (const Strategy& st : m.strategies) performance |= st.performance;
  TableBlock t{"", {"Strategy", "Trades", "Closed", "Open"}, {false, true, true, true}, {}, "no strategies",
               {}};
  if (performance) {
    for (const char* h : {"Win rate", "Profit factor", "Expectancy", "Total PnL", "Avg days"}) {
      t.headers.push_back(h);
      t.numeric.push_back(true);
    }
  } else {
    s.blocks.push_back(
        ParagraphBlock{std::string("Win rate, profit factor, expectancy, total PnL and average "
                                   "duration per strategy: ") +
                       k_not_in_document + " (trade counts only)."});
  }
  for (const Strategy& st : m.strategies) {
    std::vector<Cell> row{text_cell(st.name), figure_cell(st.total, counted), figure_cell(st.closed, counted),
                          figure_cell(st.active, counted)};
    if (performance) {
      if (st.performance) {
        row.push_back(figure_cell(st.win_rate, k_pct, "no closed trade with a result"));
        row.push_back(figure_cell(st.profit_factor, fixed(2), "no losing trade"));
        row.push_back(figure_cell(st.expectancy, k_signed, "no closed trade with a return"));
        row.push_back(figure_cell(st.total_pnl, money, "no closed trade with a PnL"));
        row.push_back(figure_cell(st.average_duration_days, fixed(1), "no durations"));
      } else {
        for (int i = 0; i < 5; ++i) row.push_back(text_cell("-", "no closed trades"));
      }
    }
    t.rows.push_back(std::move(row));
  }
  s.blocks.push_back(std::move(t));
  return s;
}

Section market_section(const ReportModel& m) {
  Section s{"market-context", "Market context", {}, {}};
  TableBlock bench{"Benchmarks",
                   {"Symbol", "Price", "Day", "52-week range", "YTD", "Volatility", "Source"},
                   {false, true, true, true, true, true, false},
                   {},
                   "no benchmarks in the document",
                   {}};
  for (const Named& b : m.benchmarks) {
    const Market& mk = b.market;
    Cell day = text_cell("n/a");
    if (mk.price.has() && mk.previous_close.has() && *mk.previous_close != 0)
      day = text_cell(signed_percent(*mk.price / *mk.previous_close - 1));
    Cell src{"", badge_of(mk.provenance), ""};
    bench.rows.push_back({text_cell(b.name), sourced_cell(mk.price, fixed(2), mk.provenance, Badged::no), day,
                          range_cell(mk.low_52w, mk.high_52w, nullptr), figure_cell(mk.ytd_return, k_signed),
                          figure_cell(mk.volatility, k_pct), src});
  }
  s.blocks.push_back(std::move(bench));

  FactsBlock vix{"Volatility", {}};
  Cell v = sourced_cell(m.vix, fixed(2), m.vix_provenance);
  if (m.vix.has() && !m.vix_regime.empty()) v.text += " (" + m.vix_regime + ")";
  vix.facts.push_back({"VIX (low < 20 ≤ elevated < 30 ≤ high)", v});
  s.blocks.push_back(std::move(vix));

  TableBlock macro{"Macro series (FRED)",
                   {"Series", "Value", "Date", "Source"},
                   {false, true, false, false},
                   {},
                   "no macro series in the document",
                   {}};
  for (const Named& e : m.economic)
    macro.rows.push_back({text_cell(e.name), sourced_cell(e.value, fixed(2), e.provenance, Badged::no),
                          text_cell(e.date.empty() ? "-" : e.date), Cell{"", badge_of(e.provenance), ""}});
  s.blocks.push_back(std::move(macro));

  TableBlock imf{
      "IMF World Economic Outlook (USA)",     {"Indicator", "Actual", "Year", "Projection", "Year", "Source"},
      {false, true, true, true, true, false}, {},
      "no IMF indicators in the document",    {}};
  for (const Named& i : m.imf)
    imf.rows.push_back({text_cell(i.name), sourced_cell(i.value, fixed(2), i.provenance, Badged::no),
                        figure_cell(i.year, [](double y) { return decimal(y, 0, false); }),
                        figure_cell(i.current_value, fixed(2), "no projection for the current year"),
                        figure_cell(i.current_year, [](double y) { return decimal(y, 0, false); }),
                        Cell{"", badge_of(i.provenance), ""}});
  s.blocks.push_back(std::move(imf));

  TableBlock crypto{"Crypto", {"Coin", "USD", "24h", "Source"},    {false, true, true, false},
                    {},       "no crypto ticker in the portfolio", {}};
  for (const Named& c : m.crypto)
    crypto.rows.push_back({text_cell(c.name), sourced_cell(c.usd, fixed(2), c.provenance, Badged::no),
                           figure_cell(c.change_24h, [](double pct) { return decimal(pct, 2) + "%"; }),
                           Cell{"", badge_of(c.provenance), ""}});
  s.blocks.push_back(std::move(crypto));
  return s;
}

Section research_section(const ReportModel& m) {
  Section s{"research-coverage", "Research coverage", {}, {}};
  FactsBlock f{"", {}};
  Cell covered = figure_cell(m.coverage_ratio, k_pct, "no tickers");
  if (m.coverage_covered.has() && m.coverage_tickers.has())
    covered.text =
        count(*m.coverage_covered) + " of " + count(*m.coverage_tickers) + " tickers (" + covered.text + ")";
  f.facts.push_back({"Covered by a local analysis", covered});
  f.facts.push_back({"Covered", text_cell(join(m.covered, "none"))});
  f.facts.push_back({"Missing", text_cell(join(m.missing, "none"))});
  f.facts.push_back({"Stale", text_cell(join(m.stale, "none"))});
  std::string recs;
  for (const auto& [rec, n] : m.recommendations) recs += (recs.empty() ? "" : ", ") + rec + " " + count(n);
  f.facts.push_back({"Recommendations", text_cell(recs.empty() ? "none" : recs)});
  f.facts.push_back(
      {"Average analysis age", figure_cell(
                                   m.average_analysis_age_days,
                                   [](double v) { return decimal(v, 1) + " days"; }, "no local analyses")});
  if (!m.unclassified.empty())
    f.facts.push_back({"Without a known sector", text_cell(join(m.unclassified, ""))});
  s.blocks.push_back(std::move(f));
  for (const auto* list : {&m.sectors, &m.themes}) {
    const bool sectors = list == &m.sectors;
    TableBlock t{sectors ? "Sector files" : "Theme files",
                 {sectors ? "Sector" : "Theme", "Tickers", "File", "Date", "Age"},
                 {false, false, false, false, true},
                 {},
                 sectors ? "no sectors" : "no theme files",
                 {}};
    for (const ReportModel::Sector& sec : *list) {
      Cell age = sec.file.empty() ? text_cell("no file")
                                  : figure_cell(sec.age_days, [](double v) { return count(v) + " d"; });
      if (sec.stale) age.text += " stale";
      t.rows.push_back({text_cell(sec.name), text_cell(join(sec.tickers, "-")),
                        text_cell(sec.file.empty() ? "none" : sec.file),
                        text_cell(sec.date.empty() ? "-" : sec.date), age});
    }
    s.blocks.push_back(std::move(t));
  }
  return s;
}

Section quality_section(const ReportModel& m) {
  Section s{"data-quality", "Data quality", {}, {}};
  FactsBlock f{"", {}};
  f.facts.push_back({"Rows read", figure_cell(m.rows_read, counted)});
  f.facts.push_back({"Rows excluded", figure_cell(m.rows_excluded, counted)});
  f.facts.push_back({"Rows with issues", figure_cell(m.rows_with_issues, counted)});
  Cell issues = figure_cell(m.issues_total, counted);
  if (m.issues_total.has() && *m.issues_total > static_cast<double>(m.issues.size()))
    issues.text += " (the first " + std::to_string(m.issues.size()) + " listed)";
  f.facts.push_back({"Issues", issues});
  s.blocks.push_back(std::move(f));
  TableBlock t{"", {"Line", "Column", "Issue"}, {true, false, false}, {}, "no issues", {}};
  for (const Issue& i : m.issues)
    t.rows.push_back(
        {figure_cell(i.line, counted), text_cell(i.column.empty() ? "(row)" : i.column), text_cell(i.issue)});
  s.blocks.push_back(std::move(t));
  return s;
}

}  // namespace thd::report
