#include "report/render.hpp"

namespace thd::report {

std::optional<ReportFormat> parse_report_format(std::string_view name) {
  if (name == "table") return ReportFormat::table;
  if (name == "markdown") return ReportFormat::markdown;
  if (name == "html") return ReportFormat::html;
  return std::nullopt;
}

std::optional<ReportFormat> format_of_file(std::string_view path) {
  const auto ends = [path](std::string_view suffix) {
    return path.size() >= suffix.size() && path.substr(path.size() - suffix.size()) == suffix;
  };
  if (ends(".md")) return ReportFormat::markdown;
  if (ends(".html") || ends(".htm")) return ReportFormat::html;
  return std::nullopt;
}

std::string_view report_extension(ReportFormat format) {
  switch (format) {
    case ReportFormat::markdown: return ".md";
    case ReportFormat::html: return ".html";
    case ReportFormat::table: break;
  }
  return ".txt";
}

std::string render_report(const ReportModel& model, ReportFormat format) {
  const ReportView view = build_view(model);
  switch (format) {
    case ReportFormat::markdown: return render_markdown(view);
    case ReportFormat::html: return render_html(view);
    case ReportFormat::table: break;
  }
  return render_text(view);
}

}  // namespace thd::report
