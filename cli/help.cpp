#include "cli/help.hpp"

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <memory>
#include <sstream>

#include "core/base/error.hpp"
#include "core/base/text.hpp"

namespace thd::cli {

namespace {

constexpr const char* k_program = "trade-history-discover";
// Help lines stay within this many columns; the option column is k_option_column wide.
constexpr size_t k_help_width = 100;
constexpr size_t k_option_column = 34;
// A user's word quoted in an error is cut to this many bytes ("…" after).
constexpr size_t k_max_echo = 80;

// Options that a command's code requires one of (exactly one): the help says so on each.
struct OneRequired {
  const char* command;
  std::vector<std::string> options;
};
const std::vector<OneRequired>& one_required() {
  static const std::vector<OneRequired> k_table = {{"run", {"--portfolio", "--csv"}}};
  return k_table;
}

// `text` wrapped at word boundaries into lines of at most `width` columns (a
// longer word alone on its line); existing newlines kept.
std::string wrap(const std::string& text, size_t width) {
  std::string out;
  for (const std::string& paragraph : split(text, '\n')) {
    if (!out.empty()) out += '\n';
    std::string line;
    size_t line_columns = 0;
    std::vector<std::string> words;
    for (std::string word : split(paragraph, ' ')) {
      // A word longer than a line (a path, a URL's options): cut after a '/', '|' or ',' that fits.
      while (word.size() > width) {
        size_t cut = word.find_last_of("/|,", width - 1);
        cut = cut == std::string::npos || cut == 0 ? width : cut + 1;
        words.push_back(word.substr(0, cut));
        word.erase(0, cut);
      }
      words.push_back(word);
    }
    for (const std::string& word : words) {
      if (word.empty()) continue;
      size_t columns = 0;  // UTF-8: count code points, not bytes
      for (unsigned char c : word) columns += (c & 0xC0) != 0x80;
      if (line_columns > 0 && line_columns + 1 + columns > width) {
        out += line + '\n';
        line.clear();
        line_columns = 0;
      }
      if (line_columns > 0) {
        line += ' ';
        ++line_columns;
      }
      line += word;
      line_columns += columns;
    }
    out += line;
  }
  return out;
}

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
    // CLI11 indents each line after a newline to the description column.
    return wrap(desc, k_help_width - k_option_column);
  }

  std::string make_subcommand(const CLI::App* sub) const override {
    std::stringstream out;
    CLI::detail::format_help(out, sub->get_display_name(true),
                             wrap(sub->get_description(), k_help_width - k_option_column), k_option_column);
    return out.str();
  }

  std::string make_description(const CLI::App* app) const override {
    std::string desc = CLI::Formatter::make_description(app);
    while (!desc.empty() && desc.back() == '\n') desc.pop_back();
    return desc.empty() ? std::string() : wrap(desc, k_help_width) + "\n";
  }
};

}  // namespace

std::string echo(const std::string& word, size_t limit) {
  if (word.size() <= limit) return word;
  size_t cut = limit;
  while (cut > 0 && (static_cast<unsigned char>(word[cut]) & 0xC0) == 0x80) --cut;  // not inside a character
  return word.substr(0, cut) + "\u2026";
}

namespace {

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
  formatter->column_width(k_option_column);
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
  for (const OneRequired& group : one_required())
    for (CLI::App* command :
         app.get_subcommands([&group](const CLI::App* s) { return s->get_name() == group.command; }))
      for (const std::string& name : group.options) {
        std::vector<std::string> others;
        for (const std::string& other : group.options)
          if (other != name) others.push_back(other);
        if (CLI::Option* o = command->get_option_no_throw(name))
          o->description(o->get_description() + " [required unless " + join(others, " or ") + "]");
      }
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
    return "unknown command '" + echo(typed) + "'; did you mean '" + *guess + "'?";
  return "unknown command '" + echo(typed) + "' (commands: " + join(names, ", ") + ")";
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
  if (guess) return "unknown option '" + echo(name) + "'; did you mean '" + *guess + "'?";
  // An option of another command: say whose it is.
  auto owners_of = [&app](const std::string& option) {
    std::vector<std::string> owners;
    for (const CLI::App* sub :
         app.get_subcommands([](const CLI::App* s) { return !s->get_name().empty(); })) {
      std::vector<std::string> sub_longs, sub_shorts;
      add_names(*sub, sub_longs, sub_shorts);
      if (std::find(sub_longs.begin(), sub_longs.end(), option) != sub_longs.end())
        owners.push_back(sub->get_name());
    }
    return owners;
  };
  const std::string where = command ? command->get_name() : std::string("the program without a command");
  std::vector<std::string> owners = owners_of(name);
  if (!owners.empty()) return "'" + name + "' is an option of " + join(owners, ", ") + ", not of " + where;
  // A misspelt option of another command: the closest of theirs, and whose it is.
  std::vector<std::string> others;
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App* s) { return !s->get_name().empty(); }))
    if (sub != command) add_names(*sub, others, shorts);
  std::sort(others.begin(), others.end());
  others.erase(std::unique(others.begin(), others.end()), others.end());
  if (name.size() > 2)
    if (auto other = closest_match(name, others))
      return "unknown option '" + echo(name) + "'" +
             (command ? " for " + command->get_name() : std::string()) + "; did you mean '" + *other +
             "' (an option of " + join(owners_of(*other), ", ") + ")?";
  const std::string help =
      command ? std::string(k_program) + " help " + command->get_name() : std::string(k_program) + " --help";
  return "unknown option '" + echo(name) + "'" + (command ? " for " + command->get_name() : std::string()) +
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
        std::string message = o->get_name() + " '" + echo(value) + "': not one of " + join(choices, ", ");
        if (auto guess = closest_match(value, choices)) message += "; did you mean '" + *guess + "'?";
        return message;
      }
    }
  return std::nullopt;
}

// Whether `option` (a long or short name, "--x=v" allowed) is one of `command`'s or a global one.
bool has_option(const CLI::App& app, const CLI::App* command, const std::string& option) {
  const std::string name = option.substr(0, option.find('='));
  std::vector<std::string> longs, shorts;
  if (command) add_names(*command, longs, shorts);
  add_names(app, longs, shorts);
  return std::find(longs.begin(), longs.end(), name) != longs.end() ||
         std::find(shorts.begin(), shorts.end(), name) != shorts.end();
}

// CLI11's "The following arguments were not expected: ..." told as one user error about the first of them.
// `after_dashes`: the words that came after a "--" (arguments, whatever they look like).
std::string unexpected_arguments_message(const CLI::App& app, const std::vector<std::string>& after_dashes) {
  const CLI::App* command = selected_command(app);
  for (const std::string& token : app.remaining(true)) {
    const bool argument = std::find(after_dashes.begin(), after_dashes.end(), token) != after_dashes.end();
    if (argument && token.size() > 1 && token[0] == '-' && has_option(app, command, token))
      return "'" + echo(token.substr(0, token.find('='))) +
             "' after '--' is an argument, not an option; put options before '--'";
    if (!argument && token.size() > 1 && token[0] == '-') return unknown_option_message(app, command, token);
    if (!command) return unknown_command_message(app, token);
    return "unexpected argument '" + echo(token) + "' for " + command->get_name() + " (see '" + k_program +
           " help " + command->get_name() + "')";
  }
  return "unexpected arguments (see '" + std::string(k_program) + " --help')";
}

// Where to read about the command given (or the program).
std::string see_help(const CLI::App& app) {
  const CLI::App* command = selected_command(app);
  return command ? "see '" + std::string(k_program) + " help " + command->get_name() + "'"
                 : "see '" + std::string(k_program) + " --help'";
}

// The option named by a CLI11 message "--report: ...", in the command given or the main app.
const CLI::Option* option_named(const CLI::App& app, const std::string& name) {
  if (const CLI::App* command = selected_command(app))
    if (const CLI::Option* o = command->get_option_no_throw(name)) return o;
  return app.get_option_no_throw(name);
}

// CLI11's "--report: 1 required FORMAT:{table,json} missing" and "--report: At Most 1 required but
// received 2" as "--report needs a value (one of: table, json)" and "--report given twice".
std::optional<std::string> argument_count_message(const CLI::App& app, const std::string& what) {
  const size_t colon = what.find(": ");
  if (colon == std::string::npos) return std::nullopt;
  const std::string name = what.substr(0, colon);
  const CLI::Option* o = option_named(app, name);
  if (!o) return std::nullopt;
  const std::string rest = what.substr(colon + 2);
  if (rest.find("missing") != std::string::npos) {
    const std::vector<std::string> choices = choices_of(o);
    const std::string type = base_type_name(o);
    std::string message = name + " needs a value";
    if (!choices.empty())
      message += " (one of: " + join(choices, ", ") + ")";
    else if (!type.empty())
      message += " (" + type + ")";
    return message + "; " + see_help(app);
  }
  if (rest.find("At Most") != std::string::npos) {
    const size_t count = o->count();
    return name + " given " + (count == 2 ? std::string("twice") : std::to_string(count) + " times") +
           "; give it once";
  }
  return std::nullopt;
}

}  // namespace

std::optional<int> parse_command_line(CLI::App& app, int argc, char** argv) {
  std::vector<std::string> after_dashes;
  for (int i = 1; i < argc; ++i)
    if (std::string_view(argv[i]) == "--") {
      after_dashes.assign(argv + i + 1, argv + argc);
      break;
    }
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);  // --help, --version
  } catch (const CLI::ExtrasError&) {
    throw FatalError(ExitCode::usage, unexpected_arguments_message(app, after_dashes));
  } catch (const CLI::ValidationError& e) {
    if (std::optional<std::string> message = bad_choice_message(app))
      throw FatalError(ExitCode::usage, *message);
    throw FatalError(ExitCode::usage, echo(e.what(), 3 * k_max_echo) + " (" + see_help(app) + ")");
  } catch (const CLI::ArgumentMismatch& e) {
    if (std::optional<std::string> message = argument_count_message(app, e.what()))
      throw FatalError(ExitCode::usage, *message);
    throw FatalError(ExitCode::usage, echo(e.what(), 3 * k_max_echo) + " (" + see_help(app) + ")");
  } catch (const CLI::ParseError& e) {
    std::string message = e.what();
    if (message.empty()) message = e.get_name();
    throw FatalError(ExitCode::usage, echo(message, 3 * k_max_echo) + " (" + see_help(app) + ")");
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
