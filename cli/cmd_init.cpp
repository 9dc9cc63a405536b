// `init`: the data directory's layout (SPEC §3) and a README.md that says
// what goes where. Idempotent: what exists is kept, a file is never
// overwritten; it says what it created.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "core/base/error.hpp"
#include "core/base/log.hpp"
#include "core/base/text.hpp"
#include "core/config.hpp"
#include "core/portfolio.hpp"

namespace thd::cli {
namespace {

constexpr const char* k_readme = R"(# trade-history-discover data directory

Created by `trade-history-discover init`. What goes where (docs/CONFIG.md, SPEC section 3):

| folder | what to put there |
|---|---|
| `raw/trade_history/` | your trade-history exports: `<portfolio>_<YYYYMMDD>.csv` (the newest date in the name wins) or `<portfolio>.csv` |
| `outputs/fundamental_analysis/` | your analyses, one Markdown file per ticker and date: `<TICKER>_<YYYYMMDD>.md` with `Recommendation: BUY` and `Fair Value Range: $190 - $230` lines |
| `outputs/sector_analysis/` | your sector (or theme) analyses: `<sector>_<YYYYMMDD>.md` |
| `outputs/trade_history/discovery/` | written by `run`: `<portfolio>_<YYYYMMDD>.json`, the discovery documents |
| `cache/` | the market-data cache (`cache-optimize` analyses and cleans it); safe to delete |

Then:

    trade-history-discover --data-dir <this folder> run --portfolio <portfolio>
    trade-history-discover --data-dir <this folder> inventory

A CSV kept elsewhere runs with `run --csv FILE`. API keys come from the
environment only (FMP_API_KEY, ALPHA_VANTAGE_API_KEY, FRED_API_KEY,
COINGECKO_API_KEY or COINGECKO_PRO_API_KEY), and SEC EDGAR asks for a contact
in SEC_EDGAR_USER_AGENT ("name email@example.com");
`trade-history-discover --show-config` says which were found.
)";

// Creates `dir` and its missing parents; the ones it made are appended to `created`.
void make_dirs(const std::filesystem::path& dir, std::vector<std::filesystem::path>& created) {
  std::error_code ec;
  if (std::filesystem::is_directory(dir, ec)) return;
  if (std::filesystem::exists(dir, ec) || std::filesystem::is_symlink(dir, ec))
    throw FatalError(ExitCode::input, "init: " + dir.string() + " exists and is not a directory");
  if (dir.has_parent_path() && dir.parent_path() != dir) make_dirs(dir.parent_path(), created);
  if (!std::filesystem::create_directory(dir, ec) && !std::filesystem::is_directory(dir)) {
    throw FatalError(ExitCode::input, "init: cannot create " + dir.string() + ": " + ec.message());
  }
  if (!ec) created.push_back(dir);
}

}  // namespace

CLI::App* setup_init(CLI::App& app) {
  return app.add_subcommand(
      "init",
      "Create the data directory's folders (--data-dir, default ./data) with a README.md; keeps what exists");
}

int run_init(Context& context) {
  const std::filesystem::path& data = context.config.data_dir;
  std::vector<std::filesystem::path> created;
  // A failure partway says what was already made (kept: a second init finishes the job).
  auto failed = [&](const FatalError& e) {
    if (created.empty()) return FatalError(e.code(), e.what());
    std::string made;
    for (const std::filesystem::path& dir : created)
      made += (made.empty() ? "" : ", ") + printable(dir.string()) + "/";
    return FatalError(e.code(), std::string(e.what()) + " (already created: " + made + ")");
  };
  try {
    for (const std::filesystem::path& dir :
         {trade_history_dir(data), data / "outputs" / "fundamental_analysis",
          data / "outputs" / "sector_analysis", data / "outputs" / "trade_history" / "discovery",
          context.config.cache_dir})
      make_dirs(dir, created);
  } catch (const FatalError& e) {
    throw failed(e);
  }

  const std::filesystem::path readme = data / "README.md";
  bool readme_created = false;
  if (std::FILE* f = std::fopen(readme.c_str(), "wx")) {  // "x": never replaces an existing file
    const bool ok = std::fputs(k_readme, f) >= 0;
    if (std::fclose(f) != 0 || !ok) {
      std::filesystem::remove(readme);
      throw FatalError(ExitCode::input,
                       "init: cannot write " + readme.string() + ": " + std::strerror(errno));
    }
    readme_created = true;
  } else if (errno != EEXIST) {
    throw failed(
        FatalError(ExitCode::input, "init: cannot write " + readme.string() + ": " + std::strerror(errno)));
  }

  for (const std::filesystem::path& dir : created)
    print(stdout, "created %s/\n", printable(dir.string()).c_str());
  if (readme_created) print(stdout, "created %s\n", printable(readme.string()).c_str());
  if (created.empty() && !readme_created)
    print(stdout, "nothing to create: %s already has the layout (nothing changed)\n",
          printable(data.string()).c_str());
  else
    print(stdout, "put trade-history CSVs in %s, then: trade-history-discover %srun --portfolio NAME\n",
          shell_word(trade_history_dir(data).string()).c_str(), data_dir_arguments(context.config).c_str());
  return 0;
}

}  // namespace thd::cli
