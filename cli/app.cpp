#include "cli/app.hpp"

#include <cstdio>

#include "cli/commands.hpp"
#include "cli/help.hpp"
#include "core/base/date.hpp"
#include "core/base/env.hpp"
#include "core/base/error.hpp"
#include "core/base/log.hpp"
#include "core/base/secrets.hpp"
#include "core/base/service_ids.hpp"
#include "services/network_step.hpp"

namespace thd::cli {

CLI::Option* SettingBindings::bind(CLI::App& app, std::string_view name) {
  const SettingSpec* spec = find_setting(name);
  if (!spec) throw std::logic_error("no setting named " + std::string(name));
  Bound& b = m_bound.emplace_back();
  b.name = std::string(name);
  // The default and the choices come from the table that parses them (core/config.cpp, service_ids.hpp).
  std::string default_text(spec->default_text);
  std::string choices;
  if (spec->type == SettingType::service_list) {
    if (default_text.empty()) default_text = "every service";
    for (std::string_view s : k_service_names) choices += (choices.empty() ? "" : ", ") + std::string(s);
    choices = "; one of: " + choices;
  }
  std::string help = std::string(spec->help) + " [default: " + default_text + choices + "; env " +
                     std::string(spec->env) + "]";
  if (spec->type == SettingType::boolean) {
    b.flag = true;
    b.option = app.add_flag(std::string(spec->flag), b.flag_value, help);
  } else {
    const char* type = spec->type == SettingType::path       ? "DIR"
                       : spec->type == SettingType::integer  ? "N"
                       : spec->type == SettingType::number   ? "SECONDS"
                       : spec->type == SettingType::duration ? "DURATION"
                       : spec->type == SettingType::text     ? "URL"
                                                             : "LIST";
    b.option = app.add_option(std::string(spec->flag), b.text, help)->type_name(type);
  }
  return b.option;
}

void SettingBindings::collect(std::map<std::string, std::string>& out) const {
  for (const Bound& b : m_bound)
    if (b.option->count() > 0) out[b.name] = b.flag ? "true" : b.text;
}

Context make_context(const GlobalOptions& global, const SettingBindings& bindings, bool show_config) {
  ConfigInputs inputs;
  bindings.collect(inputs.command_line);
  inputs.config_flag = global.config;
  inputs.show_bad_base_urls = show_config;
  Context ctx;
  ctx.config = resolve_config(inputs);
  for (const auto& [service, url] : ctx.config.base_urls)
    if (!register_url_secrets(url))
      log_warning("the password in " + service + "'s base URL is shorter than " +
                  std::to_string(k_min_secret_length) +
                  " characters: it cannot be redacted from providers' text");
  if (ctx.config.remote_cache)
    for (const RedisEndpoint& shard : ctx.config.remote_cache->shards)
      if (!register_secret(shard.password))
        log_warning("the password of the remote cache " + shard.shown + " is shorter than " +
                    std::to_string(k_min_secret_length) +
                    " characters: it cannot be redacted from the server's text");
  // THD_NOW pins the wall time (today, what is saved) for reproducible reports and tests.
  if (auto now = inputs.env("THD_NOW"); now && !now->empty()) {
    auto t = parse_iso8601(*now);
    if (!t)
      throw FatalError(ExitCode::usage,
                       "THD_NOW='" + *now + "': not an ISO 8601 time (e.g. 2026-11-22T10:00:00Z)");
    ctx.clock = std::make_unique<SystemClock>(*t);
  } else {
    ctx.clock = std::make_unique<SystemClock>();
  }
  return ctx;
}

int main(int argc, char** argv) {
  CLI::App app{
      "trade-history-discover: one honest discovery document per portfolio, from "
      "trade-history CSVs, local research and public financial data.\n"
      "Local first, cache second, network last.",
      "trade-history-discover"};
  setup_help_layout(app);  // before the subcommands: they inherit the formatter and -h
  app.set_help_flag("-h,--help", "print this help and exit");
  app.set_version_flag("--version", "trade-history-discover " THD_VERSION, "print the version and exit");
  app.require_subcommand(0, 1);  // no command: no_command() below says what there is

  GlobalOptions global;
  SettingBindings bindings;
  bindings.bind(app, "data_dir");
  bindings.bind(app, "cache_dir");
  bindings.bind(app, "remote_cache");
  app.add_option("--config", global.config,
                 "config file (TOML) [default: ./trade-history-discover.toml if present; env THD_CONFIG]")
      ->type_name("FILE");
  app.add_flag("-v,--verbose", global.verbose, "more diagnostics on stderr (-vv for debug)");
  app.add_flag("-q,--quiet", global.quiet, "only errors on stderr");
  bool show_config = false;
  std::string show_config_report = "table";
  app.add_flag("--show-config", show_config,
               "print every setting with its value and origin, the API keys found (names only), where the "
               "data and cache dirs resolve to; then exit");
  app.add_option("--report", show_config_report, "with --show-config: table or json [default: table]")
      ->check(CLI::IsMember({"table", "json"}))
      ->type_name("FORMAT");

  RunOptions run_options;
  InventoryOptions inventory_options;
  CacheOptimizeOptions optimize_options;
  ReportOptions report_options;
  std::string help_topic;
  CLI::App* run = setup_run(app, run_options, bindings);
  CLI::App* inventory = setup_inventory(app, inventory_options, bindings);
  CLI::App* optimize = setup_cache_optimize(app, optimize_options);
  CLI::App* report = setup_report(app, report_options);
  CLI::App* init = setup_init(app);
  CLI::App* help = setup_help(app, help_topic);
  for (CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; }))
    sub->fallthrough();     // global options work after the subcommand too
  finish_help_layout(app);  // after every option: defaults, the one footer

  // Secrets before anything else: a parse error may quote an argument, an
  // error about a setting a value. Their warnings wait for --quiet.
  const std::vector<std::string> secret_warnings = register_run_secrets(process_environment());
  if (std::optional<int> done = parse_command_line(app, argc, argv)) return *done;
  set_verbosity(global.quiet          ? Verbosity::quiet
                : global.verbose >= 2 ? Verbosity::debug
                : global.verbose == 1 ? Verbosity::verbose
                                      : Verbosity::normal);
  for (const std::string& w : secret_warnings) log_warning(w);
  // What works without a command comes first; then the command is required.
  if (help->parsed()) return run_help(app, help_topic);
  if (!show_config && app.count("--report") > 0 && !selected_command(app))
    throw FatalError(ExitCode::usage,
                     "--report before a subcommand is only for --show-config (e.g. trade-history-discover "
                     "--show-config --report json)");
  if (!show_config && !selected_command(app)) no_command(app);
  Context context = make_context(global, bindings, show_config);
  if (show_config) {  // a subcommand's own --report given after it wins
    std::string format = show_config_report;
    if (run->parsed() && !run_options.report.empty()) format = run_options.report;
    if (inventory->parsed() && inventory->count("--report") > 0) format = inventory_options.report;
    if (optimize->parsed() && optimize->count("--report") > 0) format = optimize_options.report;
    return run_show_config(context, format);
  }
  if (app.count("--report") > 0)  // the global one: a subcommand's own --report is parsed by it
    throw FatalError(ExitCode::usage,
                     "--report before the subcommand is only for --show-config; give a subcommand's --report "
                     "after it (e.g. inventory --report json)");
  if (init->parsed()) return run_init(context);
  // One message and exit 3 for a data directory that is not there (cache-optimize: when the cache is in it).
  if (run->parsed() || inventory->parsed() ||
      (optimize->parsed() && setting_source(context.config, "cache_dir").starts_with("the default")))
    require_data_dir(context.config);
  if (run->parsed()) return run_run(run_options, context);
  if (inventory->parsed()) return run_inventory(inventory_options, context);
  if (report->parsed()) return run_report(report_options, context);
  return run_cache_optimize(optimize_options, context);
}

}  // namespace thd::cli
