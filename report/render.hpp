// The report's three formats, each a rendering of the one ReportView
// (report/view.hpp): nothing is computed in a renderer.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "report/model.hpp"
#include "report/view.hpp"

namespace thd::report {

enum class ReportFormat { table, markdown, html };

// "table", "markdown", "html"; nullopt for anything else.
std::optional<ReportFormat> parse_report_format(std::string_view name);
// From a file name: ".md" -> markdown, ".html"/".htm" -> html; nullopt otherwise.
std::optional<ReportFormat> format_of_file(std::string_view path);
// ".md", ".html", ".txt".
std::string_view report_extension(ReportFormat format);

// Terminal text that fits 100 columns (input strings escaped by printable()).
std::string render_text(const ReportView& view);
// GitHub-flavoured Markdown (input strings escaped by markdown_escape()).
std::string render_markdown(const ReportView& view);
// One self-contained HTML page: inline CSS and SVG, no script, a CSP that forbids every fetch.
std::string render_html(const ReportView& view);

std::string render_report(const ReportModel& model, ReportFormat format);

}  // namespace thd::report
