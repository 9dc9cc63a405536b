// report/model_read: a document's figures, null apart from absent, and what is not a discovery document.
#include <doctest/doctest.h>

#include <string>

#include "report/model.hpp"
#include "report/render.hpp"

using namespace thd::report;

namespace {
const char* k_minimal = R"({
  "portfolio": {"name": "pf", "file": "pf.csv"},
  "portfolio_summary": {"total_trades": 3},
  "performance_metrics": {"win_rate": 0.5, "profit_factor": null, "total_pnl": 52018.189999999995},
  "strategy_distribution": {"<script>x</script>": {"total": 3, "closed": 2, "active": 1}},
  "discovery_metadata": {"generated_at": "2026-11-22T12:00:00Z", "run_date": "2026-11-22"}
})";
}

TEST_CASE("read_report_model: a value, a null and an absent field are three things") {
  auto m = read_report_model(k_minimal, "doc.json");
  REQUIRE(m);
  CHECK(m->portfolio == "pf");
  CHECK(m->document == "doc.json");
  CHECK(m->total_trades.json() == "3");
  CHECK(m->win_rate.json() == "0.5");
  CHECK(m->total_pnl.json() == "52018.189999999995");  // as the document writes it
  CHECK(m->profit_factor.present);
  CHECK_FALSE(m->profit_factor.has());
  CHECK_FALSE(m->expectancy.present);
  CHECK_FALSE(m->analysis.has_value());
  REQUIRE(m->strategies.size() == 1);
  CHECK_FALSE(m->strategies[0].performance);
}

TEST_CASE("read_report_model: not JSON, or JSON that is not a discovery document, is a one-line failure") {
  auto bad = read_report_model("{\"portfolio\": ", "bad.json");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message.rfind("bad.json is not valid JSON", 0) == 0);
  auto other = read_report_model("{\"fundamental_analysis\": {}}", "inv.json");
  REQUIRE_FALSE(other);
  CHECK(other.error().message.rfind("inv.json is not a discovery document", 0) == 0);
  CHECK_FALSE(read_report_model("[1]", "a.json"));
}

TEST_CASE("render_report: the minimal document in each format, strings escaped, absent figures said") {
  auto m = read_report_model(k_minimal, "doc.json");
  REQUIRE(m);
  const std::string html = render_report(*m, ReportFormat::html);
  CHECK(html.find("<script>") == std::string::npos);
  CHECK(html.find("&lt;script&gt;x&lt;/script&gt;") != std::string::npos);
  CHECK(html.find("data-figure=\"total_pnl\" data-value=\"52018.189999999995\"") != std::string::npos);
  CHECK(html.find("$52,018.19") != std::string::npos);
  CHECK(html.find("data-figure=\"max_drawdown\" data-value=\"null\"") != std::string::npos);
  const std::string text = render_report(*m, ReportFormat::table);
  CHECK(text.find("Max drawdown              not in this document") != std::string::npos);
  CHECK(text.find("Profit factor             n/a (no losing trade to divide by)") != std::string::npos);
  const std::string md = render_report(*m, ReportFormat::markdown);
  CHECK(md.find("| Total PnL | \\$52,018.19 |") != std::string::npos);
  CHECK(md.find("&lt;script&gt;x&lt;/script&gt;") != std::string::npos);
}
