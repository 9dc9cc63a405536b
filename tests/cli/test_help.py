"""Issue 14, items 2 and 13: a mistyped command or option gets the closest
one ("did you mean"), `help [COMMAND]` is a command, no command at all is a
short usage (exit 2), and every --help has the same footer (the global
options and the exit codes) with defaults and choices from the options'
own definitions."""

import os
import re
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from thdtest import ERROR_PREFIX, SERVICES, ThdTestCase  # noqa: E402

FOOTER_HEAD = "Global options (before or after the command):"
# The exit codes of the contract (issue 14), by hand.
EXIT_CODES = {0: "success", 1: "unexpected failure", 2: "usage", 3: "input", 4: "resource guard",
              5: "--strict", 130: "interrupted", 143: "terminated"}


def option_lines(help_text):
    """The option lines of a --help: (left column, description) for each line that starts with '  -'."""
    out = []
    lines = help_text.splitlines()
    for i, line in enumerate(lines):
        if not line.startswith("  -"):
            continue
        m = re.match(r"  (\S.*?)(?:\s{2,}(.*))?$", line)
        desc = m.group(2) or ""
        for more in lines[i + 1:]:  # a wrapped description continues deeper indented
            if not more.startswith("    "):
                break
            desc += " " + more.strip()
        out.append((m.group(1), desc.strip()))
    return out


def option_names(help_text):
    """Every option name a --help shows: '-h', '--help', '--portfolio', ..."""
    names = []
    for left, _ in option_lines(help_text):
        for part in left.split(","):
            word = part.strip().split(" ")[0]
            if word.startswith("-") and word not in names:
                names.append(word)
    return names


def option_line(help_text, name):
    """The whole line of option `name` (its left column and its description)."""
    for left, desc in option_lines(help_text):
        if name in [p.strip().split(" ")[0] for p in left.split(",")]:
            return left + "  " + desc
    raise AssertionError("no option %s in:\n%s" % (name, help_text))


def option_line_wrapped(help_text, name):
    """Option `name`'s line and its continuation lines (deeper indented), joined."""
    lines = help_text.splitlines()
    for i, line in enumerate(lines):
        if re.match(r"  (-\w,)?%s\b" % re.escape(name), line):
            out = [line]
            for more in lines[i + 1:]:
                if not more.startswith("    "):
                    break
                out.append(more)
            return "\n".join(out)
    raise AssertionError("no option %s in:\n%s" % (name, help_text))


def command_names(main_help):
    """The commands the main --help lists under 'Commands:'."""
    names, inside = [], False
    for line in main_help.splitlines():
        if line.startswith("Commands:"):
            inside = True
            continue
        if inside:
            if not line.startswith("  "):
                break
            if not line.startswith("   "):  # not a wrapped description's continuation
                names.append(line.split()[0])
    return names


def footer(help_text):
    i = help_text.find(FOOTER_HEAD)
    return help_text[i:] if i >= 0 else None


class HelpTestCase(ThdTestCase):
    def help_of(self, *args):
        r = self.thd(*args, "--help")
        self.assert_ok(r)
        self.assertEqual(r.stderr, "", self.describe(r))
        return r.stdout

    def commands(self):
        return command_names(self.help_of())


class TestTypos(HelpTestCase):
    def test_misspelt_command_suggests_the_closest(self):
        line = self.assert_error(self.thd("runn"), 2)
        self.assertEqual(line, ERROR_PREFIX + "unknown command 'runn'; did you mean 'run'?")
        self.assert_error(self.thd("inventroy"), 2, "unknown command 'inventroy'; did you mean 'inventory'?")
        self.assert_error(self.thd("cache-optimise"), 2, "did you mean 'cache-optimize'?")
        # Global options before it do not change the diagnosis.
        self.assert_error(self.thd("--data-dir", self.tmp, "rnu", "--portfolio", "x"), 2,
                          "unknown command 'rnu'; did you mean 'run'?")

    def test_command_far_from_every_name_lists_them(self):
        line = self.assert_error(self.thd("frobnicate"), 2, "unknown command 'frobnicate'")
        self.assertNotIn("did you mean", line)
        for name in ("run", "inventory", "cache-optimize", "report", "help"):
            self.assertIn(name, line)

    def test_misspelt_option_suggests_the_closest_of_the_command(self):
        line = self.assert_error(self.thd("run", "--portfolo", "x"), 2)
        self.assertEqual(line, ERROR_PREFIX + "unknown option '--portfolo'; did you mean '--portfolio'?")
        self.assert_error(self.thd("inventory", "--tickrs", "AAPL"), 2,
                          "unknown option '--tickrs'; did you mean '--tickers'?")
        self.assert_error(self.thd("cache-optimize", "--cleanpu"), 2,
                          "unknown option '--cleanpu'; did you mean '--cleanup'?")
        self.assert_error(self.thd("report", "--fromat", "html"), 2,
                          "unknown option '--fromat'; did you mean '--format'?")
        # --name=value: the name alone is quoted.
        self.assert_error(self.thd("run", "--max-concurent=3"), 2,
                          "unknown option '--max-concurent'; did you mean '--max-concurrent'?")

    def test_option_of_another_command_names_its_owners(self):
        self.assert_error(self.thd("inventory", "--dry-run"), 2,
                          "'--dry-run' is an option of run, cache-optimize, not of inventory")
        self.assert_error(self.thd("--tickers", "AAPL"), 2, "'--tickers' is an option of inventory")

    def test_misspelt_global_option_before_or_after_the_command(self):
        self.assert_error(self.thd("--verbos", "inventory"), 2,
                          "unknown option '--verbos'; did you mean '--verbose'?")
        self.assert_error(self.thd("inventory", "--data-dri", self.tmp), 2,
                          "unknown option '--data-dri'; did you mean '--data-dir'?")

    def test_option_far_from_every_name_points_to_the_help(self):
        line = self.assert_error(self.thd("run", "--frobnicate"), 2, "unknown option '--frobnicate'",
                                 "help run")
        self.assertNotIn("did you mean", line)

    def test_misspelt_choice_suggests_the_closest(self):
        self.assert_error(self.thd("inventory", "--report", "jsn"), 2,
                          "--report 'jsn': not one of table, json; did you mean 'json'?")
        self.assert_error(self.thd("report", "--format=markdwn"), 2, "did you mean 'markdown'?")
        line = self.assert_error(self.thd("cache-optimize", "--report", "xml"), 2,
                                 "--report 'xml': not one of table, json")
        self.assertNotIn("did you mean", line)

    def test_capital_v_suggests_version(self):
        self.assert_error(self.thd("-V"), 2, "unknown option '-V'; did you mean '--version'?")
        r = self.thd("--version")
        self.assert_ok(r)
        self.assertTrue(r.stdout.startswith("trade-history-discover "), self.describe(r))

    def test_unexpected_argument_after_a_command(self):
        self.assert_error(self.thd("run", "live_signals"), 2, "unexpected argument 'live_signals'", "run")

    def test_no_command_is_a_short_usage(self):
        for args in ([], ["-v"], ["--data-dir", self.tmp]):
            r = self.thd(*args)
            line = self.assert_error(r, 2, "no command given", "help COMMAND")
            self.assertEqual(r.stdout, "", self.describe(r))
            self.assertNotIn("A subcommand is required", line)
            self.assertIn("commands: " + ", ".join(self.commands()) + " (", line)


class TestUsageErrorWording(HelpTestCase):
    """Review 1 of issue 14: CLI11's own wording never reaches the user."""

    def test_option_after_double_dash(self):
        self.assert_error(self.thd("run", "--", "--portfolio", "x"), 2,
                          "'--portfolio' after '--' is an argument, not an option; put options before '--'")
        line = self.assert_error(self.thd("inventory", "--", "--tickers", "A"), 2,
                                 "'--tickers' after '--' is an argument, not an option")
        self.assertNotIn("is an option of", line)
        # Before '--' the same word is the option (the usual diagnosis of a wrong command stays).
        self.assert_error(self.thd("inventory", "--dry-run"), 2, "is an option of run")

    def test_option_without_its_value(self):
        for args in (["inventory", "--report"], ["inventory", "--report="]):
            line = self.assert_error(self.thd(*args), 2,
                                     "--report needs a value (one of: table, json)", "help inventory")
            self.assertNotIn("required", line)
        self.assert_error(self.thd("run", "--portfolio"), 2, "--portfolio needs a value", "help run")

    def test_option_given_twice(self):
        line = self.assert_error(self.thd("inventory", "--report", "json", "--report", "table"), 2,
                                 "--report given twice")
        self.assertNotIn("At Most", line)
        self.assert_error(self.thd("run", "--max-concurrent", "3", "--max-concurrent", "4"), 2,
                          "--max-concurrent given twice")

    def test_misspelt_option_of_another_command(self):
        self.assert_error(self.thd("--portfolo", "x"), 2,
                          "unknown option '--portfolo'; did you mean '--portfolio' (an option of run, inventory")
        self.assert_error(self.thd("inventory", "--dry-rn"), 2,
                          "unknown option '--dry-rn' for inventory; did you mean '--dry-run' (an option of run")

    def test_case_only_difference_suggests_the_spelling(self):
        self.assert_error(self.thd("RUN"), 2, "unknown command 'RUN'; did you mean 'run'?")
        self.assert_error(self.thd("HELP"), 2, "unknown command 'HELP'; did you mean 'help'?")
        self.assert_error(self.thd("help", "Run"), 2, "unknown command 'Run'; did you mean 'run'?")

    def test_long_words_are_cut_in_the_message(self):
        word = "x" * 100000
        line = self.assert_error(self.thd(word), 2, "unknown command '" + "x" * 80 + "\u2026'")
        self.assertLess(len(line), 300)
        line = self.assert_error(self.thd("run", "--" + word), 2, "unknown option '--")
        self.assertLess(len(line), 300)
        line = self.assert_error(self.thd("inventory", "--report", word), 2, "--report '")
        self.assertLess(len(line), 300)


class TestHelpCommand(HelpTestCase):
    def test_help_alone_is_the_main_help(self):
        r = self.thd("help")
        self.assert_ok(r)
        self.assertEqual(r.stdout, self.help_of())
        self.assertIn("Commands:", r.stdout)

    def test_help_command_is_that_commands_help(self):
        for name in self.commands():
            r = self.thd("help", name)
            self.assert_ok(r)
            self.assertEqual(r.stdout, self.help_of(name), name)
            self.assertIn("Usage: trade-history-discover %s" % name, r.stdout)

    def test_help_of_an_unknown_command(self):
        self.assert_error(self.thd("help", "nosuch"), 2, "unknown command 'nosuch'")
        self.assert_error(self.thd("help", "rnu"), 2, "unknown command 'rnu'; did you mean 'run'?")

    def test_help_is_listed_and_every_command_has_a_help(self):
        names = self.commands()
        for name in ("run", "inventory", "cache-optimize", "report", "help"):
            self.assertIn(name, names)


class TestFooter(HelpTestCase):
    def test_one_footer_on_every_command(self):
        footers = {}
        for name in self.commands():
            f = footer(self.help_of(name))
            self.assertIsNotNone(f, "%s --help has no footer" % name)
            footers[name] = f
        self.assertEqual(len(set(footers.values())), 1, "footers differ:\n" + "\n----\n".join(
            "%s:\n%s" % kv for kv in footers.items()))

    def test_footer_lists_the_global_options_of_the_main_help(self):
        main = self.help_of()
        f = footer(self.help_of("run"))
        globals_in_footer = option_names(f)
        for name in option_names(main):
            if name in ("-h", "--help"):
                continue  # every command lists its own
            self.assertIn(name, globals_in_footer)
            # The same line, from the same definition.
            self.assertEqual(option_line(f, name), option_line(main, name))

    def test_exit_codes_once_the_same_everywhere(self):
        main = self.help_of()
        i = main.find("Exit codes:")
        self.assertGreaterEqual(i, 0, main)
        block = main[i:]
        for code, word in EXIT_CODES.items():
            self.assertRegex(block, r"(?m)^  %d\s+.*%s" % (code, re.escape(word)))
        for name in self.commands():
            self.assertTrue(self.help_of(name).endswith(block), name)
        self.assertEqual(main.count("Exit codes:"), 1)


class TestLayout(HelpTestCase):
    def test_no_help_line_over_100_columns(self):
        for command in [""] + self.commands():
            for line in self.help_of(*([command] if command else [])).splitlines():
                self.assertLessEqual(len(line), 100, "%s --help: %s" % (command, line))

    def test_wrapped_lines_continue_in_the_description_column(self):
        text = self.help_of()
        lines = text.splitlines()
        i = next(n for n, line in enumerate(lines) if line.startswith("  --remote-cache"))
        column = re.match(r"  --remote-cache URL\s+", lines[i]).end()
        self.assertTrue(lines[i + 1].startswith(" " * column) and lines[i + 1][column] != " ", lines[i + 1])
        # The words wrapped are all there, in order.
        desc = " ".join(line.strip() for line in lines[i:i + 6])
        self.assertIn("env THD_REMOTE_CACHE", desc)

    def test_portfolio_or_csv_is_marked_required(self):
        run = self.help_of("run")
        self.assertIn("[required unless --csv]", " ".join(option_line_wrapped(run, "--portfolio").split()))
        self.assertIn("[required unless --portfolio]", " ".join(option_line_wrapped(run, "--csv").split()))


class TestDefaultsAndChoices(HelpTestCase):
    def test_report_shows_its_default_and_choices(self):
        for command in ("inventory", "cache-optimize"):
            line = option_line(self.help_of(command), "--report")
            self.assertIn("default: table", line, command)
            self.assertRegex(line, r"one of: table, json\b", command)
        line = option_line(self.help_of("run"), "--report")
        self.assertRegex(line, r"one of: html, markdown\b")
        line = option_line(self.help_of("report"), "--format")
        self.assertIn("one of: table, markdown, html", line)

    def test_settings_show_default_and_variable(self):
        run = self.help_of("run")
        self.assertIn("[default: 5; env THD_MAX_CONCURRENT]", option_line(run, "--max-concurrent"))
        self.assertIn("default: 30; env THD_STALE_DAYS", option_line(run, "--stale-days"))
        self.assertIn("default: ./data; env THD_DATA_DIR", option_line(self.help_of(), "--data-dir"))

    def test_services_lists_the_known_names_in_order(self):
        line = option_line(self.help_of("run"), "--services")
        self.assertIn("one of: " + ", ".join(SERVICES), line)

    def test_no_choice_list_is_typed_twice(self):
        # The choices appear once per line: from the definition, not also retyped in the description.
        for command in self.commands():
            for left, desc in option_lines(self.help_of(command)):
                self.assertLessEqual(desc.count("one of:"), 1, left)
                self.assertLessEqual(desc.count("default:"), 1, left)


if __name__ == "__main__":
    unittest.main()
