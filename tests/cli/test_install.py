"""Issue 14, item 1: `cmake --install` into a temporary prefix gives a binary
that runs, a man page that renders and documents every option of every
command's --help, every environment variable the help names and every exit
code, and bash and zsh completions that offer every option.

The lists of options come from the binary's own --help, so an option added
without its documentation fails here; and every option the man page or a
completion names must exist in some --help (no stale names). Only the man page
tests are skipped when `man` is absent."""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from thdtest import BIN, SERVICES, ThdTestCase, clean_env, write_file  # noqa: E402
from test_help import EXIT_CODES, command_names, option_lines, option_names  # noqa: E402

PROGRAM = "trade-history-discover"
BUILD_DIR = os.path.dirname(os.path.realpath(BIN))
DOCS = os.path.join("share", "doc", PROGRAM)


def helps():
    """{'': main --help, 'run': run --help, ...} from the built binary."""
    env = clean_env()
    out = {"": subprocess.run([BIN, "--help"], env=env, stdout=subprocess.PIPE, text=True, check=True).stdout}
    for name in command_names(out[""]):
        out[name] = subprocess.run([BIN, name, "--help"], env=env, stdout=subprocess.PIPE, text=True,
                                   check=True).stdout
    return out


def all_options(helps_by_command):
    """Every option name of every --help."""
    names = set()
    for text in helps_by_command.values():
        names |= set(option_names(text))
    return names


def long_options_in(text):
    """The long option names a text mentions: '--portfolio', ... (troff's '\\-' read as '-')."""
    text = text.replace("\\-", "-")
    return set(re.findall(r"(?<![\w-])--[a-z][a-z0-9-]*[a-z0-9]", text))


def squash(text):
    """Rendered man text without the typography: hyphens as '-', no whitespace (a line may break anywhere)."""
    for dash in ("\u2212", "\u2010", "\u2011", "\u2013"):
        text = text.replace(dash, "-")
    return re.sub(r"\s+", "", text)


class InstallTestCase(ThdTestCase):
    prefix = None

    @classmethod
    def setUpClass(cls):
        cls._prefix_dir = tempfile.TemporaryDirectory(prefix="thd-install-")
        cls.prefix = cls._prefix_dir.name
        r = subprocess.run(["cmake", "--install", BUILD_DIR, "--prefix", cls.prefix], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True, timeout=120)
        if r.returncode != 0:
            raise AssertionError("cmake --install %s failed:\n%s" % (BUILD_DIR, r.stdout))
        cls.helps = helps()

    @classmethod
    def tearDownClass(cls):
        cls._prefix_dir.cleanup()

    def path(self, *parts):
        return os.path.join(self.prefix, *parts)


class TestInstalledFiles(InstallTestCase):
    def test_layout(self):
        for rel in ("bin/" + PROGRAM, "share/man/man1/%s.1" % PROGRAM,
                    "share/bash-completion/completions/" + PROGRAM, "share/zsh/site-functions/_" + PROGRAM,
                    "share/trade-history-discover/schemas/discovery.schema.json",
                    "share/trade-history-discover/schemas/inventory.schema.json",
                    "share/trade-history-discover/schemas/cache-optimize.schema.json",
                    "share/doc/trade-history-discover/README.md",
                    "share/doc/trade-history-discover/docs/CONFIG.md",
                    "share/doc/trade-history-discover/docs/CACHE.md"):
            self.assertTrue(os.path.isfile(self.path(rel)), rel)
        self.assertTrue(os.access(self.path("bin", PROGRAM), os.X_OK))

    def test_installed_readme_links_resolve(self):
        # README.md links docs/CACHE.md etc.: installed beside it, they are there.
        with open(self.path(DOCS, "README.md")) as f:
            links = re.findall(r"\]\((docs/[\w.-]+\.md)\)", f.read())
        self.assertIn("docs/CONFIG.md", links)
        for link in links:
            self.assertTrue(os.path.isfile(self.path(DOCS, link)), link)

    def test_installed_binary_runs(self):
        installed = self.path("bin", PROGRAM)
        r = subprocess.run([installed, "--version"], env=clean_env(), stdout=subprocess.PIPE, text=True)
        self.assertEqual(r.returncode, 0)
        built = subprocess.run([BIN, "--version"], env=clean_env(), stdout=subprocess.PIPE, text=True).stdout
        self.assertEqual(r.stdout, built)
        self.assertRegex(r.stdout, r"^trade-history-discover \d+\.\d+\.\d+")
        r = subprocess.run([installed, "--help"], env=clean_env(), stdout=subprocess.PIPE, text=True)
        self.assertEqual(r.returncode, 0)
        self.assertEqual(r.stdout, self.helps[""])
        # And it does work: an inventory of an empty data directory.
        data = os.path.join(self.tmp, "data")
        os.makedirs(os.path.join(data, "raw", "trade_history"))
        r = subprocess.run([installed, "--data-dir", data, "inventory", "--tickers", "AAPL", "--report", "json"],
                           env=clean_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           cwd=self.tmp)
        self.assertEqual(r.returncode, 0, r.stderr)


@unittest.skipIf(shutil.which("man") is None, "man is not installed (man-db)")
class TestManPage(InstallTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        page = os.path.join(cls.prefix, "share", "man", "man1", PROGRAM + ".1")
        cls.man_rc, cls.man, cls.man_err = cls.render(page)
        cls.flat = squash(cls.man)
        with open(page) as f:
            cls.source = f.read()

    @staticmethod
    def render(page):
        """(exit code, text, stderr) of `man --warnings -l page` (troff's warnings on stderr)."""
        env = dict(os.environ, MANWIDTH="80", LANG="C.UTF-8", MAN_KEEP_FORMATTING="")
        r = subprocess.run("set -o pipefail; man --warnings -l '%s' | col -b" % page, shell=True,
                           executable="/bin/bash", env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True, timeout=60)
        return r.returncode, r.stdout, r.stderr

    def section(self, title):
        m = re.search(r"(?ms)^%s\n(.*?)(?=^\S)" % re.escape(title), self.man + "\nEND\n")
        self.assertIsNotNone(m, "no section %s in the man page" % title)
        return m.group(1)

    def test_renders_without_warnings(self):
        self.assertEqual(self.man_rc, 0, self.man_err)
        self.assertEqual(self.man_err.strip(), "", "troff warnings")
        # The control: the same page with an unknown macro does warn, so the check above can fail.
        bad = os.path.join(self.tmp, PROGRAM + ".1")
        write_file(bad, self.source + ".BOGUSMACRO\n")
        _, _, err = self.render(bad)
        self.assertIn("BOGUSMACRO", err)
        self.assertTrue(self.man.startswith("TRADE-HISTORY-DISCOVER(1)"), self.man[:200])
        for title in ("NAME", "SYNOPSIS", "DESCRIPTION", "COMMANDS", "GLOBAL OPTIONS", "ENVIRONMENT", "FILES",
                      "EXIT STATUS"):
            self.section(title)

    def test_version_is_the_binarys(self):
        version = subprocess.run([BIN, "--version"], env=clean_env(), stdout=subprocess.PIPE, text=True).stdout
        self.assertIn(version.strip(), self.man.splitlines()[-1], "the page's footer names another version")

    def test_every_option_of_every_help(self):
        for command, text in self.helps.items():
            for name in option_names(text):
                self.assertTrue(squash(name) in self.flat, "%s %s --help: %s is not in the man page"
                                % (PROGRAM, command, name))

    def test_no_option_the_binary_does_not_have(self):
        known = all_options(self.helps)
        named = long_options_in(self.source)
        self.assertIn("--portfolio", named)
        self.assertEqual(sorted(named - known), [], "in the man page, not in any --help")
        commands = self.section("COMMANDS")
        listed = set(re.findall(r"(?m)^ {7}([a-z][a-z-]+)\s*$", commands)) | set(
            re.findall(r"(?m)^ {7}([a-z][a-z-]+) ", commands))
        self.assertTrue(listed, commands)
        self.assertEqual(sorted(listed - set(command_names(self.helps[""]))), [], "commands not in --help")

    def test_every_command(self):
        commands = self.section("COMMANDS")
        for name in command_names(self.helps[""]):
            self.assertRegex(commands, r"(?m)^\s+%s\b" % re.escape(name))
            self.assertIn(squash("%s %s" % (PROGRAM, name)), squash(self.section("SYNOPSIS")), name)

    def test_every_environment_variable(self):
        env = squash(self.section("ENVIRONMENT"))
        named = set()
        for text in self.helps.values():
            named |= set(re.findall(r"\benv\s+(\w+)", text))
        self.assertIn("THD_DATA_DIR", named)
        named |= {"THD_NOW", "NO_COLOR", "FMP_API_KEY", "ALPHA_VANTAGE_API_KEY", "FRED_API_KEY",
                  "COINGECKO_API_KEY", "COINGECKO_PRO_API_KEY", "SEC_EDGAR_USER_AGENT", "THD_CA_BUNDLE",
                  "THD_CONFIG"}
        named |= {"THD_%s_BASE_URL" % s.upper() for s in SERVICES}
        for var in sorted(named):
            self.assertIn(var, env, var)

    def test_every_exit_code(self):
        status = self.section("EXIT STATUS")
        codes = {int(c) for c in re.findall(r"(?m)^  (\d+)\s", self.helps[""][self.helps[""].find("Exit codes:"):])}
        self.assertEqual(codes, set(EXIT_CODES))
        for code in codes:
            self.assertRegex(status, r"(?m)^\s+%d\s" % code)

    def test_files(self):
        files = squash(self.section("FILES"))
        for path in ("trade-history-discover.toml", "raw/trade_history/", "outputs/trade_history/discovery/",
                     ".meta/stats.json", "share/trade-history-discover/schemas/"):
            self.assertIn(path, files)


class TestBashCompletion(InstallTestCase):
    def complete(self, *words, cwd=None, home=None):
        """COMPREPLY for the command line `words` (the last one is being completed), in a bare bash."""
        script = self.path("share", "bash-completion", "completions", PROGRAM)
        words = [PROGRAM] + list(words)
        quoted = " ".join("'%s'" % w.replace("'", "'\\''") for w in words)
        code = ("source '%s'; COMP_WORDS=(%s); COMP_CWORD=%d; COMP_LINE=\"${COMP_WORDS[*]}\"; "
                "COMP_POINT=${#COMP_LINE}; _trade_history_discover; printf '%%s\\n' \"${COMPREPLY[@]}\""
                % (script, quoted, len(words) - 1))
        r = subprocess.run(["bash", "--norc", "--noprofile", "-c", code], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True, cwd=cwd or self.tmp,
                           env=dict(clean_env(), HOME=home or self.tmp))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stderr, "")
        return [w for w in r.stdout.splitlines() if w]

    def test_is_self_contained(self):
        with open(self.path("share", "bash-completion", "completions", PROGRAM)) as f:
            text = f.read()
        self.assertNotIn("_init_completion", text)
        self.assertIn("complete -F _trade_history_discover %s" % PROGRAM, text)

    def test_command(self):
        self.assertEqual(self.complete("ru"), ["run"])
        self.assertEqual(self.complete("cache"), ["cache-optimize"])
        self.assertEqual(sorted(self.complete("")), sorted(command_names(self.helps[""])))
        self.assertEqual(self.complete("--data-dir", "d", "inv"), ["inventory"])
        self.assertEqual(self.complete("help", "ru"), ["run"])

    def test_option_of_the_command(self):
        self.assertEqual(self.complete("run", "--portf"), ["--portfolio"])
        self.assertIn("--portfolio", self.complete("run", "--po"))
        self.assertEqual(self.complete("cache-optimize", "--cle"), ["--cleanup"])
        self.assertNotIn("--cleanup", self.complete("run", "--"))

    def test_every_option_of_every_help(self):
        for command, text in self.helps.items():
            offered = self.complete(*([command] if command else []), "-")
            for name in option_names(text):
                self.assertIn(name, offered, "%s %s -<TAB> does not offer %s" % (PROGRAM, command, name))

    def test_offers_nothing_the_binary_does_not_have(self):
        for command, text in self.helps.items():
            offered = self.complete(*([command] if command else []), "-")
            self.assertEqual(sorted(set(offered) - set(option_names(text)) - set(option_names(self.helps[""]))),
                             [], "%s %s -<TAB>" % (PROGRAM, command))

    def test_choices_are_the_helps(self):
        # Every option whose --help lists its choices completes to exactly those.
        checked = 0
        for command, text in self.helps.items():
            # A command's own options; the footer's global options are checked on the main help (a
            # global --report for --show-config is shadowed by a command's own --report after it).
            if command:
                text = text[:text.find("Global options (before or after the command):")]
            for left, desc in option_lines(text):
                m = re.search(r"one of: ([\w, ]+)", desc)
                if not m:
                    continue
                name = left.split(",")[-1].split(" ")[0]
                choices = [c.strip() for c in m.group(1).split(",")]
                offered = self.complete(*([command] if command else []), name, "")
                self.assertEqual(sorted(offered), sorted(choices), "%s %s" % (command, name))
                self.assertEqual(len(offered), len(set(offered)))
                checked += 1
        self.assertGreaterEqual(checked, 5)

    def test_choices_and_files(self):
        self.assertEqual(self.complete("inventory", "--report", ""), ["table", "json"])
        self.assertEqual(self.complete("run", "--report", ""), ["html", "markdown", "json"])
        self.assertEqual(self.complete("report", "--format", "m"), ["markdown"])
        self.assertEqual(sorted(self.complete("run", "--services", "yahoo_finance,f")),
                         ["yahoo_finance,fmp", "yahoo_finance,fred_economic"])
        self.assertEqual(self.complete("run", "--services", ""), SERVICES)
        data = os.path.join(self.tmp, "d")
        for name in ("live_20261120.csv", "live_20261001.csv", "paper.csv"):
            write_file(os.path.join(data, "raw", "trade_history", name), "Ticker\n")
        os.makedirs(os.path.join(self.tmp, "somedir"))
        write_file(os.path.join(self.tmp, "x.toml"), "")
        write_file(os.path.join(self.tmp, "x.json"), "{}")
        self.assertEqual(sorted(self.complete("--data-dir", data, "run", "--portfolio", "")),
                         ["live", "live_20261001", "live_20261120", "paper"])
        # --csv: CSV files (and directories), relative to where the user is.
        self.assertEqual(self.complete("run", "--csv", "d/raw/trade_history/p"), ["d/raw/trade_history/paper.csv"])
        self.assertEqual(self.complete("run", "--csv", "d/raw/trade_history/p", cwd=data), [])
        self.assertEqual(self.complete("run", "--portfolio", "d/raw/trade_history/p"),
                         ["d/raw/trade_history/paper.csv"])
        self.assertEqual(self.complete("--data-dir", "som"), ["somedir"])
        self.assertEqual(sorted(self.complete("--config", "")), ["d", "somedir", "x.toml"])
        self.assertEqual(sorted(self.complete("report", "")), ["d", "somedir", "x.json"])

    def test_names_from_disk_are_never_run_or_split(self):
        # A file name is data: '$(touch PWNED).csv' must not run, 'my book.csv' must stay one name.
        data = os.path.join(self.tmp, "d")
        for name in ("$(touch PWNED).csv", "my book.csv", "`touch PWNED2`.csv"):
            write_file(os.path.join(data, "raw", "trade_history", name), "Ticker\n")
        offered = self.complete("--data-dir", data, "run", "--portfolio", "")
        self.assertEqual(sorted(offered), sorted(["$(touch PWNED)", "my book", "`touch PWNED2`"]))
        self.assertEqual(self.complete("--data-dir", data, "run", "--portfolio", "my"), ["my book"])
        self.assertEqual(self.complete("--data-dir", data, "run", "--portfolio", "$"), ["$(touch PWNED)"])
        for pwned in ("PWNED", "PWNED2"):
            self.assertFalse(os.path.exists(os.path.join(self.tmp, pwned)), "the completion ran a file name")

    def test_option_equals_value(self):
        data = os.path.join(self.tmp, "d")
        write_file(os.path.join(data, "raw", "trade_history", "paper.csv"), "Ticker\n")
        # bash splits --opt=value at '=' into three words.
        self.assertEqual(self.complete("--data-dir", "=", data, "run", "--portfolio", "=", ""), ["paper"])
        self.assertEqual(self.complete("--data-dir", "=", data, "run", "--portfolio", "="), ["paper"])
        self.assertEqual(self.complete("inventory", "--report", "=", "j"), ["json"])
        # One word when '=' is not a word break: offered whole.
        self.assertEqual(self.complete("--data-dir=" + data, "run", "--portfolio=pa"), ["--portfolio=paper"])

    def test_help_takes_one_command(self):
        self.assertEqual(sorted(self.complete("help", "")), sorted(command_names(self.helps[""])))
        self.assertEqual(self.complete("help", "run", ""), [])

    def test_report_portfolio_offers_document_names(self):
        # report --portfolio NAME reads NAME_YYYYMMDD.json: it wants the undated name.
        data = os.path.join(self.tmp, "d")
        write_file(os.path.join(data, "raw", "trade_history", "live_20261120.csv"), "Ticker\n")
        for name in ("live_20261120.json", "live_20261121.json", "paper_20261120.json"):
            write_file(os.path.join(data, "outputs", "trade_history", "discovery", name), "{}")
        self.assertEqual(sorted(self.complete("--data-dir", data, "report", "--portfolio", "")), ["live", "paper"])

    def test_tilde_data_dir(self):
        home = os.path.join(self.tmp, "home")
        write_file(os.path.join(home, "data", "raw", "trade_history", "paper.csv"), "Ticker\n")
        self.assertEqual(self.complete("--data-dir", "~/data", "run", "--portfolio", "", home=home), ["paper"])


class TestZshCompletion(InstallTestCase):
    def test_every_option_of_every_help(self):
        with open(self.path("share", "zsh", "site-functions", "_" + PROGRAM)) as f:
            text = f.read()
        self.assertTrue(text.startswith("#compdef %s\n" % PROGRAM))
        top = text[:text.find("case $state in")]  # the global options and the main level
        for command, text_help in self.helps.items():
            block = top
            if command:
                m = re.search(r"(?ms)^\s+%s\)\n(.*?);;" % re.escape(command), text)
                self.assertIsNotNone(m, "no branch for %s" % command)
                block += m.group(1)
            for name in option_names(text_help):
                self.assertRegex(block, r"""[\s'"{,()]%s[\[}',]""" % re.escape(name), "%s %s" % (command, name))
        for name in command_names(self.helps[""]):
            self.assertIn("'%s:" % name, text)
        # And the other direction: nothing named that the binary does not have.
        self.assertEqual(sorted(long_options_in(text) - all_options(self.helps)), [], "options not in any --help")
        described = set(re.findall(r"(?m)^\s+'([a-z][a-z-]+):", text))
        self.assertEqual(described, set(command_names(self.helps[""])))

    @unittest.skipIf(shutil.which("zsh") is None, "zsh is not installed")
    def test_parses(self):
        r = subprocess.run(["zsh", "-n", self.path("share", "zsh", "site-functions", "_" + PROGRAM)],
                           stderr=subprocess.PIPE, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)

    ZPTY = r"""
zmodload zsh/zpty
zpty z "zsh -f -i"
zpty -w z "PS1='> '; PATH=$1:\$PATH; fpath=($2 \$fpath); autoload -Uz compinit; compinit -u -D"
zpty -n -w z "$3"$'\t'
sleep 2
local all="" chunk
while zpty -r -t z chunk; do all+=$chunk; done
print -r -- "$all"
zpty -d z
"""

    def zsh_complete(self, line):
        """What an interactive zsh shows after `line` and a TAB (the installed completion, compinit)."""
        r = subprocess.run(["zsh", "-f", "-c", self.ZPTY, "zpty", self.path("bin"),
                            self.path("share", "zsh", "site-functions"), line],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=30,
                           env=dict(clean_env(), HOME=self.tmp, TERM="dumb"), cwd=self.tmp)
        return re.sub(r"\x1b\[[0-9;?]*[a-zA-Z]", "", r.stdout)

    @unittest.skipIf(shutil.which("zsh") is None, "zsh is not installed")
    def test_completes_in_zsh(self):
        self.assertIn(PROGRAM + " run ", self.zsh_complete(PROGRAM + " ru"))
        self.assertIn("--portfolio", self.zsh_complete(PROGRAM + " run --portf"))
        self.assertIn("--zero-stats", self.zsh_complete(PROGRAM + " cache-optimize --ze"))
        shown = self.zsh_complete(PROGRAM + " inventory --report ")
        self.assertRegex(shown, r"json\s+table")

    @unittest.skipIf(shutil.which("zsh") is None, "zsh is not installed")
    def test_portfolio_names_in_zsh(self):
        data = os.path.join(self.tmp, "d")
        for name in ("paper.csv", "$(touch PWNED).csv"):
            write_file(os.path.join(data, "raw", "trade_history", name), "Ticker\n")
        write_file(os.path.join(data, "outputs", "trade_history", "discovery", "live_20261120.json"), "{}")
        shown = self.zsh_complete(PROGRAM + " --data-dir d run --portfolio pa")
        self.assertIn(PROGRAM + " --data-dir d run --portfolio paper ", shown)
        self.assertNotIn("paper.csv", shown)
        shown = self.zsh_complete(PROGRAM + " --data-dir d report --portfolio l")
        self.assertIn("--portfolio live ", shown)
        self.zsh_complete(PROGRAM + " --data-dir d run --portfolio ")
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "PWNED")))


if __name__ == "__main__":
    unittest.main()
