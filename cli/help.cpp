#include "cli/help.hpp"

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <memory>

#include "core/base/error.hpp"
#include "core/base/text.hpp"

namespace thd::cli {

namespace {

constexpr const char* k_program = "trade-history-discover";

// "FORMAT:{table,json}" (CLI11 appends each validator's description) -> "FORMAT".
std::string base_type_name(const CLI::Option* opt) {
  std::string type = opt->get_type_name();
  return type.substr(0, type.find(':'));
}

// The choices of an IsMember check, from its description "{table,json}".
std::vector<std::string> choices_of(const CLI::Option* opt) {
  std::string type = opt->get_type_name();
  size_t colon = type.find(':');
  while (colon != std::string::npos) {
    size_t next = type.find(':', colon + 1);
    std::string part =
        type.substr(colon + 1, next == std::string::npos ? std::string::npos : next - colon - 1);
    if (part.size() >= 2 && part.front() == '{' && part.back() == '}')
      return split(part.substr(1, part.size() - 2), ',');
    colon = next;
  }
  return {};
}

std::string join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : std::string(sep)) + p;
  return out;
}

// CLI11's layout, with the default and the choices written into the
// description ("[default: table; one of: table, json]") from the option's
// definition, as the setting options write theirs from the setting table.
class HelpFormatter : public CLI::Formatter {
 public:
  std::string make_option_opts(const CLI::Option* opt) const override {
    if (!opt->get_option_text().empty()) return " " + opt->get_option_text();
    std::string out;
    if (opt->get_type_size() != 0) {
      std::string type = base_type_name(opt);
      if (!type.empty()) out += " " + type;
      if (opt->get_expected_max() == CLI::detail::expected_max_vector_size) out += " ...";
      if (opt->get_required()) out += " REQUIRED";
    }
    return out;
  }

  std::string make_option_desc(const CLI::Option* opt) const override {
    std::string desc = opt->get_description();
    std::vector<std::string> notes;
    const std::string def = opt->get_default_str();
    if (!def.empty() && desc.find("[default:") == std::string::npos) notes.push_back("default: " + def);
    const std::vector<std::string> choices = choices_of(opt);
    if (!choices.empty() && desc.find("one of:") == std::string::npos)
      notes.push_back("one of: " + join(choices, ", "));
    for (const CLI::Option* o : opt->get_needs()) notes.push_back("needs " + o->get_name());
    for (const CLI::Option* o : opt->get_excludes()) notes.push_back("not with " + o->get_name());
    if (!notes.empty()) desc += " [" + join(notes, "; ") + "]";
    return desc;
  }
};

std::vector<const CLI::Option*> named_options(const CLI::App& app) {
  return app.get_options([](const CLI::Option* o) { return o->nonpositional() && !o->get_group().empty(); });
}

// Without -h,--help: every command has its own, listed with its options.
std::vector<const CLI::Option*> global_options(const CLI::App& root) {
  const CLI::Option* help = root.get_help_ptr();
  return root.get_options(
      [help](const CLI::Option* o) { return o != help && o->nonpositional() && !o->get_group().empty(); });
}

std::vector<std::string> command_names(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App* s) { return !s->get_name().empty(); }))
    names.push_back(sub->get_name());
  return names;
}

const CLI::App* find_command(const CLI::App& app, const std::string& name) {
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App* s) { return !s->get_name().empty(); }))
    if (sub->get_name() == name) return sub;
  return nullptr;
}

// "-V" and other single letters: the conventions a user brings from other tools.
std::optional<std::string> short_option_guess(const std::string& typed,
                                              const std::vector<std::string>& longs) {
  if (typed == "-V") return "--version";
  if (typed == "-?") return "--help";
  if (typed.size() != 2) return std::nullopt;
  // The one long option that starts with the letter (-p alone for --portfolio when nothing else does).
  std::optional<std::string> only;
  for (const std::string& l : longs)
    if (l.size() > 2 && to_lower(l.substr(2, 1)) == to_lower(typed.substr(1, 1))) {
      if (only) return std::nullopt;
      only = l;
    }
  return only;
}

void add_names(const CLI::App& app, std::vector<std::string>& longs, std::vector<std::string>& shorts) {
  for (const CLI::Option* o : named_options(app)) {
    for (const std::string& l : o->get_lnames()) longs.push_back("--" + l);
    for (const std::string& s : o->get_snames()) shorts.push_back("-" + s);
  }
}

}  // namespace

const std::vector<ExitCodeDoc>& exit_code_docs() {
  static const std::vector<ExitCodeDoc> k_docs = {
      {static_cast<int>(ExitCode::success), "success"},
      {static_cast<int>(ExitCode::failure), "unexpected failure"},
      {static_cast<int>(ExitCode::usage), "usage error (unknown command or option, bad value)"},
      {static_cast<int>(ExitCode::input),
       "input error (data directory missing, portfolio not found, bad CSV)"},
      {static_cast<int>(ExitCode::resource), "aborted by a resource guard (--max-rss-mb)"},
      {static_cast<int>(ExitCode::incomplete), "run --strict served none of its market needs"},
      {static_cast<int>(ExitCode::interrupted), "interrupted (SIGINT, Ctrl-C)"},
      {static_cast<int>(ExitCode::terminated), "terminated (SIGTERM)"},
  };
  return k_docs;
}

std::string exit_codes_text() {
  std::string out = "Exit codes:\n";
  for (const ExitCodeDoc& d : exit_code_docs()) {
    char line[160];
    std::snprintf(line, sizeof line, "  %-5d%s\n", d.code, d.meaning);
    out += line;
  }
  return out;
}

std::string global_options_text(const CLI::App& root) {
  std::string out = "Global options (before or after the command):\n";
  auto formatter = std::dynamic_pointer_cast<CLI::Formatter>(root.get_formatter());
  if (!formatter) formatter = std::make_shared<HelpFormatter>();
  for (const CLI::Option* o : global_options(root)) out += formatter->make_option(o, false);
  return out;
}

void setup_help_layout(CLI::App& app) {
  auto formatter = std::make_shared<HelpFormatter>();
  formatter->column_width(34);
  formatter->label("SUBCOMMAND", "COMMAND");
  app.formatter(formatter);
}

void finish_help_layout(CLI::App& app) {
  // The defaults of the options bound to a variable with a value: what the variable holds before parsing.
  auto capture = [](CLI::App& a) {
    for (CLI::Option* o : a.get_options([](const CLI::Option* opt) { return opt->get_type_size() != 0; })) {
      try {
        o->capture_default_str();
      } catch (const std::exception&) {  // a type with no text form: no default shown
      }
    }
  };
  capture(app);
  const CLI::App* root = &app;
  // CLI11 adds a newline after the footer's function, and another after the footer.
  auto chomp = [](std::string text) {
    while (!text.empty() && text.back() == '\n') text.pop_back();
    return text;
  };
  app.footer([chomp] { return chomp(exit_codes_text()); });
  for (CLI::App* sub : app.get_subcommands([](const CLI::App* s) { return !s->get_name().empty(); })) {
    capture(*sub);
    sub->group("Commands");
    sub->footer([root, chomp] { return chomp(global_options_text(*root) + "\n" + exit_codes_text()); });
  }
}

CLI::App* setup_help(CLI::App& app, std::string& topic) {
  CLI::App* sub = app.add_subcommand("help", "Print the help of the program, or of one command");
  sub->add_option("command", topic, "the command to explain (run, inventory, ...)")->type_name("COMMAND");
  return sub;
}

int run_help(const CLI::App& app, const std::string& topic) {
  if (topic.empty()) {
    std::cout << app.get_formatter()->make_help(&app, app.get_name(), CLI::AppFormatMode::Normal);
    return 0;
  }
  const CLI::App* sub = find_command(app, topic);
  if (!sub) throw FatalError(ExitCode::usage, unknown_command_message(app, topic));
  std::cout << sub->get_formatter()->make_help(sub, app.get_name() + " " + topic, CLI::AppFormatMode::Normal);
  return 0;
}

CLI::App* selected_command(const CLI::App& app) {
  std::vector<CLI::App*> parsed = app.get_subcommands();
  return parsed.empty() ? nullptr : parsed.front();
}

std::string unknown_command_message(const CLI::App& app, const std::string& typed) {
  const std::vector<std::string> names = command_names(app);
  if (auto guess = closest_match(typed, names))
    return "unknown command '" + typed + "'; did you mean '" + *guess + "'?";
  return "unknown command '" + typed + "' (commands: " + join(names, ", ") + ")";
}

std::string unknown_option_message(const CLI::App& app, const CLI::App* command, const std::string& typed) {
  const std::string name = typed.substr(0, typed.find('='));
  std::vector<std::string> longs, shorts;
  if (command) add_names(*command, longs, shorts);
  add_names(app, longs, shorts);
  std::optional<std::string> guess;
  if (name.size() == 2 && name[0] == '-')
    guess = short_option_guess(name, longs);
  else
    guess = closest_match(name, longs);
  if (guess) return "unknown option '" + name + "'; did you mean '" + *guess + "'?";
  // An option of another command: say whose it is.
  std::vector<std::string> owners;
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App* s) { return !s->get_name().empty(); })) {
    std::vector<std::string> sub_longs, sub_shorts;
    add_names(*sub, sub_longs, sub_shorts);
    if (std::find(sub_longs.begin(), sub_longs.end(), name) != sub_longs.end())
      owners.push_back(sub->get_name());
  }
  if (!owners.empty())
    return "'" + name + "' is an option of " + join(owners, ", ") + ", not of " +
           (command ? command->get_name() : std::string("the program without a command"));
  const std::string help =
      command ? std::string(k_program) + " help " + command->get_name() : std::string(k_program) + " --help";
  return "unknown option '" + name + "'" + (command ? " for " + command->get_name() : std::string()) +
         " (see '" + help + "')";
}

namespace {

// CLI11's "--report: xml not in {table,json}" as "--report 'xml': not one of table, json", with the closest
// choice.
std::optional<std::string> bad_choice_message(const CLI::App& app) {
  std::vector<const CLI::App*> apps;
  if (const CLI::App* command = selected_command(app)) apps.push_back(command);
  apps.push_back(&app);
  for (const CLI::App* a : apps)
    for (const CLI::Option* o : named_options(*a)) {
      const std::vector<std::string> choices = choices_of(o);
      if (choices.empty() || o->count() == 0) continue;
      for (const std::string& value : o->results()) {
        if (std::find(choices.begin(), choices.end(), value) != choices.end()) continue;
        std::string message = o->get_name() + " '" + value + "': not one of " + join(choices, ", ");
        if (auto guess = closest_match(value, choices)) message += "; did you mean '" + *guess + "'?";
        return message;
      }
    }
  return std::nullopt;
}

// CLI11's "The following arguments were not expected: ..." told as one user error about the first of them.
std::string unexpected_arguments_message(const CLI::App& app) {
  const CLI::App* command = selected_command(app);
  for (const std::string& token : app.remaining(true)) {
    if (token.size() > 1 && token[0] == '-') return unknown_option_message(app, command, token);
    if (!command) return unknown_command_message(app, token);
    return "unexpected argument '" + token + "' for " + command->get_name() + " (see '" + k_program +
           " help " + command->get_name() + "')";
  }
  return "unexpected arguments (see '" + std::string(k_program) + " --help')";
}

}  // namespace

std::optional<int> parse_command_line(CLI::App& app, int argc, char** argv) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);  // --help, --version
  } catch (const CLI::ExtrasError&) {
    throw FatalError(ExitCode::usage, unexpected_arguments_message(app));
  } catch (const CLI::ValidationError& e) {
    if (std::optional<std::string> message = bad_choice_message(app))
      throw FatalError(ExitCode::usage, *message);
    throw FatalError(ExitCode::usage, std::string(e.what()) + " (see --help)");
  } catch (const CLI::ParseError& e) {
    std::string message = e.what();
    if (message.empty()) message = e.get_name();
    throw FatalError(ExitCode::usage, message + " (see --help)");
  }
  return std::nullopt;
}

void no_command(const CLI::App& app) {
  // One line, as every usage error: what is missing, what there is, where to look.
  throw FatalError(ExitCode::usage, "no command given; commands: " + join(command_names(app), ", ") + " ('" +
                                        k_program + " help COMMAND' explains one, '" + k_program +
                                        " --help' lists the global options)");
}

}  // namespace thd::cli
