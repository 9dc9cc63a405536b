// The report's sections, one builder each (report/view.cpp: headline, charts,
// footer; report/view_tables.cpp: the tables; report/charts.cpp: the charts).
#pragma once

#include "report/model.hpp"
#include "report/view.hpp"

namespace thd::report {

Section headline_section(const ReportModel& m);
Section charts_section(const ReportModel& m);
Section open_positions_section(const ReportModel& m);
Section ticker_section(const ReportModel& m);
Section strategy_section(const ReportModel& m);
Section market_section(const ReportModel& m);
Section research_section(const ReportModel& m);
Section quality_section(const ReportModel& m);
Section footer_section(const ReportModel& m);

ChartBlock equity_chart(const ReportModel& m);
ChartBlock returns_chart(const ReportModel& m);
ChartBlock strategy_chart(const ReportModel& m);
ChartBlock fair_value_chart(const ReportModel& m);

}  // namespace thd::report
