// The view's frame: headline figures and statistics, the charts section, the footer.
#include "report/view.hpp"

#include "report/cells.hpp"
#include "report/sections.hpp"

namespace thd::report {
namespace {

Headline headline(std::string name, std::string label, const Num& n, const Formatter& fmt,
                  const std::string& null_reason, bool absent_section = false) {
  Headline h{std::move(name), std::move(label), "", n.json(), ""};
  if (absent_section || !n.present) {
    h.text = k_not_in_document;
  } else if (!n.has()) {
    h.text = "n/a";
    h.note = null_reason;
  } else {
    h.text = fmt(*n);
  }
  return h;
}

std::string or_none(const std::string& s, const char* none) {
  return s.empty() ? none : s;
}

void analysis_facts(const ReportModel& m, FactsBlock& f) {
  const auto add = [&f](std::string label, Cell c) { f.facts.push_back({std::move(label), std::move(c)}); };
  if (!m.analysis) {
    add("Drawdown, streaks, excursions, SQN",
        text_cell(k_not_in_document, "written before issue 13's statistics"));
    return;
  }
  const TradeAnalysis& a = *m.analysis;
  const Cell absent = text_cell(k_not_in_document);
  if (a.drawdown_present) {
    Cell rel = figure_cell(
        a.max_relative, [](double v) { return percent(v); },
        or_none(a.max_relative_reason, "no peak above zero"));
    add("Max drawdown, relative to its peak", rel);
    add("Drawdown peak / trough / recovery",
        text_cell(or_none(a.peak_date, "start") + " / " + or_none(a.trough_date, "-") + " / " +
                  or_none(a.recovery_date, "not recovered")));
    Cell longest = figure_cell(a.longest_days, [](double v) { return count(v) + " days"; });
    if (!a.longest_start.empty())
      longest.text += " (" + a.longest_start + " to " + or_none(a.longest_end, "-") + ")";
    add("Longest drawdown", longest);
    add("Current drawdown", figure_cell(a.current_drawdown, money));
  } else {
    add("Drawdown", absent);
  }
  if (a.streaks_present) {
    add("Longest winning / losing streak",
        text_cell(figure_cell(a.longest_winning, counted).text + " / " +
                  figure_cell(a.longest_losing, counted).text + " trades"));
    const bool one = a.current_length.has() && *a.current_length == 1;
    const std::string kind = a.current_kind == "loss"  ? (one ? "loss" : "losses")
                             : a.current_kind == "win" ? (one ? "win" : "wins")
                                                       : a.current_kind + (one ? "" : "s");
    add("Current streak",
        text_cell(a.current_kind.empty() ? "none"
                                         : figure_cell(a.current_length, counted).text + " " + kind));
  } else {
    add("Streaks", absent);
  }
  if (a.sqn_present) {
    Cell sqn = figure_cell(a.sqn, fixed(2), or_none(a.sqn_reason, "no value"));
    if (a.sqn_trades.has()) sqn.text += " (N = " + count(*a.sqn_trades) + ")";
    add("System Quality Number", sqn);
  } else {
    add("System Quality Number", absent);
  }
  if (a.excursions_present) {
    add("Average MFE / MAE",
        text_cell(figure_cell(a.average_mfe, [](double v) { return percent(v, 2); }).text + " / " +
                  figure_cell(a.average_mae, [](double v) { return percent(v, 2); }).text));
    add("Average exit efficiency",
        figure_cell(a.average_exit_efficiency, [](double v) { return percent(v); }));
    Cell gave = figure_cell(
        a.gave_back_half_share, [](double v) { return percent(v); }, "no winner with an MFE");
    if (a.winners_gave_back_half.has() && a.winners_with_mfe.has())
      gave.text += " (" + count(*a.winners_gave_back_half) + " of " + count(*a.winners_with_mfe) + ")";
    add("Winners that gave back more than half their MFE", gave);
  } else {
    add("Excursions", absent);
  }
}

}  // namespace

Section headline_section(const ReportModel& m) {
  Section s{"headline", "Headline", {}, {}};
  const auto pct = [](double v) { return percent(v); };
  s.headline.push_back(headline("total_trades", "Trades", m.total_trades, counted, "no trades"));
  s.headline.push_back(headline("win_rate", "Win rate", m.win_rate, pct, "no closed trade with a result"));
  s.headline.push_back(
      headline("profit_factor", "Profit factor", m.profit_factor, fixed(2), "no losing trade to divide by"));
  s.headline.push_back(headline(
      "expectancy", "Expectancy (mean return)", m.expectancy, [](double v) { return signed_percent(v); },
      "no closed trade with a return"));
  s.headline.push_back(headline("total_pnl", "Total PnL", m.total_pnl, money, "no closed trade with a PnL"));
  Num max_dd = m.analysis ? m.analysis->max_drawdown : Num{};
  s.headline.push_back(headline("max_drawdown", "Max drawdown", max_dd, money, "no equity curve"));
  Headline cov = headline("coverage", "Research coverage", m.coverage_ratio, pct, "no tickers");
  if (m.coverage_ratio.has() && m.coverage_covered.has() && m.coverage_tickers.has())
    cov.note = count(*m.coverage_covered) + " of " + count(*m.coverage_tickers) + " tickers";
  s.headline.push_back(cov);

  FactsBlock f{"Statistics", {}};
  const auto add = [&f](std::string label, Cell c) { f.facts.push_back({std::move(label), std::move(c)}); };
  add("Closed / open trades", text_cell(figure_cell(m.closed_trades, counted).text + " / " +
                                        figure_cell(m.active_trades, counted).text));
  add("Wins / losses / breakevens",
      text_cell(figure_cell(m.wins, counted).text + " / " + figure_cell(m.losses, counted).text + " / " +
                figure_cell(m.breakevens, counted).text));
  const auto sp = [](double v) { return signed_percent(v); };
  add("Average win / loss return", text_cell(figure_cell(m.average_win_return, sp, "no win").text + " / " +
                                             figure_cell(m.average_loss_return, sp, "no loss").text));
  const auto days = [](double v) { return decimal(v, 1) + " d"; };
  add("Average duration", figure_cell(m.average_duration_days, days, "no durations"));
  add("Average duration of winners / losers",
      text_cell(figure_cell(m.average_win_duration_days, days, "no winner with a duration").text + " / " +
                figure_cell(m.average_loss_duration_days, days, "no loser with a duration").text));
  add("Entries", text_cell(or_none(m.first_entry_date, "-") + " to " + or_none(m.last_entry_date, "-")));
  analysis_facts(m, f);
  s.blocks.push_back(std::move(f));
  return s;
}

Section charts_section(const ReportModel& m) {
  Section s{"charts", "Charts", {}, {}};
  s.blocks.push_back(equity_chart(m));
  s.blocks.push_back(returns_chart(m));
  s.blocks.push_back(strategy_chart(m));
  s.blocks.push_back(fair_value_chart(m));
  TableBlock months{"PnL by exit month", {"Month", "PnL", "Trades"}, {false, true, true}, {}, "", {}};
  if (!m.analysis || !m.analysis->monthly_present) {
    months.empty = std::string("PnL by exit month: ") + k_not_in_document;
  } else {
    months.empty = "no closed trade with an exit date and a PnL";
    for (const TradeAnalysis::Month& mo : m.analysis->monthly)
      months.rows.push_back(
          {text_cell(mo.month), figure_cell(mo.pnl, money), figure_cell(mo.trades, counted)});
  }
  s.blocks.push_back(std::move(months));
  return s;
}

Section footer_section(const ReportModel& m) {
  Section s{"provenance", "Where every figure came from", {}, {}};
  FactsBlock f{"", {}};
  const auto add = [&f](std::string label, std::string text) { f.facts.push_back({label, text_cell(text)}); };
  add("Discovery document", m.document);
  add("Generated", m.generated_at + " by trade-history-discover " + m.tool_version +
                       (m.mode.empty() ? "" : " (" + m.mode + ")"));
  add("Trades, statistics, data quality", "Phase 1 of " + or_none(m.data_source, m.portfolio_file.c_str()));
  std::string needs = figure_cell(m.needs_total, counted).text + " needs:";
  for (const auto& [source, n] : m.needs_by_source) needs += " " + source + " " + count(n) + ";";
  add("Market, profiles, fundamentals", needs);
  add("Network and cache", figure_cell(m.api_attempts, counted).text + " API calls (" +
                               figure_cell(m.api_succeeded, counted).text + " succeeded); cache " +
                               figure_cell(m.cache_hits, counted).text + " hits, " +
                               figure_cell(m.cache_misses, counted).text + " misses, " +
                               figure_cell(m.cache_stale_served, counted).text + " stale served");
  add("Research",
      "local fundamental analyses (outputs/fundamental_analysis) and sector files "
      "(outputs/sector_analysis), dated by their file names");
  s.blocks.push_back(std::move(f));
  s.blocks.push_back(ParagraphBlock{
      "Badges: local = your research files; cache = a fresh cache entry; network = fetched by this run; "
      "stale = an expired cache entry, served because the network could not answer; missing = no figure, "
      "with the reason. The age is the time since the figure was fetched (a local file: since its date). "
      "The report reads the document only: it makes no network call."});
  return s;
}

ReportView build_view(const ReportModel& m) {
  ReportView v;
  v.title = "Discovery: " + m.portfolio + " (" + m.run_date + ")";
  v.sections.push_back(headline_section(m));
  v.sections.push_back(charts_section(m));
  v.sections.push_back(open_positions_section(m));
  v.sections.push_back(ticker_section(m));
  v.sections.push_back(strategy_section(m));
  v.sections.push_back(market_section(m));
  v.sections.push_back(research_section(m));
  v.sections.push_back(quality_section(m));
  v.footer = footer_section(m);
  return v;
}

}  // namespace thd::report
