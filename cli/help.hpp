// The help layout (defaults and choices from the options' own definitions, one
// footer: the global options and the exit codes), the `help` command, and the
// usage errors of the command line with their "did you mean".
#pragma once

#include <CLI/CLI.hpp>

#include <optional>
#include <string>
#include <vector>

namespace thd::cli {

// Before any subcommand is added (they inherit it): the formatter that writes
// every option's default and choices from its CLI11 definition.
void setup_help_layout(CLI::App& app);
// After every subcommand and option is added: the one footer (global options,
// exit codes) on the main help and every command's, the "Commands" heading,
// the defaults captured from the bound variables.
void finish_help_layout(CLI::App& app);

// The exit codes, in order, with what each means: the footer and the tests read the same table.
struct ExitCodeDoc {
  int code;
  const char* meaning;
};
const std::vector<ExitCodeDoc>& exit_code_docs();
std::string exit_codes_text();
// "Global options (before or after the command):" and one line per option of `root`.
std::string global_options_text(const CLI::App& root);

// `help [COMMAND]`: the main help, or one command's.
CLI::App* setup_help(CLI::App& app, std::string& topic);
int run_help(const CLI::App& app, const std::string& topic);

// Parses argv. --help/--version: printed, their exit code returned. A usage
// error: FatalError(usage) of one line ("unknown command 'runn'; did you mean
// 'run'?", "unknown option '--portfolo'; did you mean '--portfolio'?").
std::optional<int> parse_command_line(CLI::App& app, int argc, char** argv);

// The command given, or null (`help` counts as one).
CLI::App* selected_command(const CLI::App& app);
// No command at all: FatalError(usage) naming the commands (one line, exit 2).
[[noreturn]] void no_command(const CLI::App& app);

// A user's word as quoted in an error: at most `limit` bytes (80: about a line), "…" after a cut.
std::string echo(const std::string& word, size_t limit = 80);

// The message for a command name that does not exist, with the closest one.
std::string unknown_command_message(const CLI::App& app, const std::string& typed);
// The message for an option that `command` (or null: the main app) does not have.
std::string unknown_option_message(const CLI::App& app, const CLI::App* command, const std::string& typed);

}  // namespace thd::cli
