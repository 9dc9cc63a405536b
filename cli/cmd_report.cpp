#include <filesystem>

#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "core/base/error.hpp"
#include "core/base/log.hpp"
#include "core/base/text.hpp"
#include "report/document.hpp"
#include "report/render.hpp"

namespace thd::cli {

CLI::App* setup_report(CLI::App& app, ReportOptions& options) {
  CLI::App* sub = app.add_subcommand(
      "report",
      "Render a discovery document for people: terminal table, Markdown or one HTML page (no network)");
  auto* file = sub->add_option("file", options.file, "a discovery document (JSON) written by run")
                   ->type_name("FILE.json");
  auto* portfolio = sub->add_option("--portfolio", options.portfolio,
                                    "the newest document of this portfolio in "
                                    "<data-dir>/outputs/trade_history/discovery (by the date in its name)")
                        ->type_name("NAME");
  portfolio->excludes(file);
  sub->add_option("--format", options.format,
                  "table (100 columns), markdown or html [default: from --output's .md/.html, else table]")
      ->check(CLI::IsMember({"table", "markdown", "html"}))
      ->type_name("FORMAT");
  sub->add_option("--output", options.output, "write to this file (replaced atomically) instead of stdout")
      ->type_name("FILE");
  return sub;
}

std::filesystem::path write_report_beside(const std::filesystem::path& json_file, const std::string& json,
                                          report::ReportFormat format) {
  auto model = report::read_report_model(json, json_file.string());
  if (!model) throw FatalError(ExitCode::failure, "cannot render the report: " + model.error().message);
  std::filesystem::path target = json_file;
  target.replace_extension(std::string(report::report_extension(format)));
  // The document is written and kept whatever happens here: the error says
  // so and names the report's path (write_output's own words name --output,
  // which this path did not come from).
  const std::string kept = "wrote " + printable(json_file.string()) + ", but not its report: ";
  std::error_code ec;
  std::filesystem::path real = target;
  if (std::filesystem::is_symlink(real, ec)) real = std::filesystem::weakly_canonical(real, ec);
  if (std::filesystem::exists(real, ec) && !std::filesystem::is_regular_file(real, ec))
    throw FatalError(ExitCode::input, kept + printable(target.string()) +
                                          " exists and is not a regular file; move it away and run again");
  try {
    return write_output(target, report::render_report(*model, format));
  } catch (const FatalError& e) {
    throw FatalError(ExitCode::input, kept + e.what());
  }
}

int run_report(const ReportOptions& options, Context& context) {
  report::ReportFormat format = report::ReportFormat::table;
  if (!options.format.empty())
    format = *report::parse_report_format(options.format);  // CLI11 checked the name
  else if (auto inferred = report::format_of_file(options.output))
    format = *inferred;

  std::filesystem::path input;
  if (!options.file.empty()) {
    input = options.file;
  } else if (!options.portfolio.empty()) {
    const std::string& name = options.portfolio;
    if (name.find('/') != std::string::npos || name.find("..") != std::string::npos ||
        name.find('\0') != std::string::npos)
      throw FatalError(ExitCode::usage,
                       "--portfolio: '" + name + "' is not a portfolio name (no '/', '..' or NUL allowed)");
    auto newest =
        report::newest_document(context.config.data_dir / "outputs" / "trade_history" / "discovery", name);
    if (!newest) throw FatalError(ExitCode::input, newest.error().message);
    input = *newest;
  } else {
    throw FatalError(ExitCode::usage, "report: give a discovery document (FILE.json) or --portfolio NAME");
  }
  if (!options.output.empty() && options.output != "-" && cli::same_file(input, options.output))
    throw FatalError(ExitCode::usage, "report: --output " + options.output + " is the document being read (" +
                                          input.string() + "); name another file");
  // The text is let go once read: only the model is kept while the report is rendered.
  auto model = [&] {
    auto text = report::read_document(input);
    if (!text) throw FatalError(ExitCode::input, text.error().message);
    return report::read_report_model(*text, input.string());
  }();
  if (!model) throw FatalError(ExitCode::input, model.error().message);
  const std::string document = report::render_report(*model, format);
  if (options.output.empty() || options.output == "-") {
    write_output("-", document);
    return 0;
  }
  const std::filesystem::path written = write_output(options.output, document);
  if (verbosity() >= Verbosity::normal)
    print(stderr, "trade-history-discover: wrote %s\n", printable(written.string()).c_str());
  return 0;
}

}  // namespace thd::cli
