// The command line: global options, the three subcommands, dispatch.
#pragma once

#include <CLI/CLI.hpp>

#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "core/base/clock.hpp"
#include "core/config.hpp"

namespace thd::cli {

// Values of setting options as typed, before layering (core/config.hpp).
class SettingBindings {
 public:
  // Adds the option of setting `name` (flag, help and type from its spec).
  CLI::Option* bind(CLI::App& app, std::string_view name);
  void collect(std::map<std::string, std::string>& out) const;

 private:
  struct Bound {
    std::string name;
    CLI::Option* option;
    std::string text;
    bool flag = false;
    bool flag_value = false;
  };
  std::deque<Bound> m_bound;  // stable addresses: CLI11 keeps pointers
};

struct GlobalOptions {
  std::optional<std::string> config;
  int verbose = 0;
  bool quiet = false;
};

struct Context {
  Config config;
  std::unique_ptr<Clock> clock;
};

// Builds the Config from the collected options, the environment and the config file
// (for --show-config: a bad base URL shown with its problem, not refused).
Context make_context(const GlobalOptions& global, const SettingBindings& bindings, bool show_config = false);

int main(int argc, char** argv);

}  // namespace thd::cli
