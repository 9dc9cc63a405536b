// Settings and where each value came from. Precedence, highest first:
// command line, environment, config file, built-in default (SPEC §2).
// CLI11 has its own order for env/config, so the layering is done here.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cache/redis_client.hpp"
#include "core/base/env.hpp"
#include "core/base/symbols.hpp"
#include "core/base/ttl.hpp"

namespace thd {

enum class Origin { built_in, config_file, environment, command_line };
std::string_view origin_name(Origin o);

enum class SettingType { path, integer, number, boolean, service_list, duration, text };

struct SettingSpec {
  std::string_view name;  // key in the config file ("run.max_concurrent")
  std::string_view flag;  // command-line option ("--max-concurrent")
  std::string_view env;   // environment variable ("THD_MAX_CONCURRENT")
  std::string_view default_text;
  SettingType type;
  double min = 0, max = 0;  // for integer, number and duration (seconds)
  std::string_view help;
};

const std::vector<SettingSpec>& setting_specs();
const SettingSpec* find_setting(std::string_view name);
// Whether a shown setting's value is a duration in seconds ([ttl] entries, run.no_data_ttl).
bool is_duration_setting(std::string_view name);
// For people: "604800" -> "604800 (1w)", "21600" -> "21600 (6h)", "90" -> "90 (90s)"; other text as is.
std::string seconds_with_unit(std::string_view seconds);

struct ShownSetting {
  std::string name;
  std::string value;
  Origin origin;
  std::string where;         // "--max-concurrent", "THD_DATA_DIR", "file.toml:3:1"
  std::string problem = {};  // a base URL refused, kept for --show-config (ConfigInputs::show_bad_base_urls)
};

// [services.<name>] settings besides base_url; unset: the provider's own.
struct ServiceOverrides {
  std::optional<std::string> user_agent;
  std::optional<int> daily_quota;          // 0 = none
  std::optional<int> monthly_quota;        // 0 = none
  std::optional<int> quota_reset_minutes;  // minutes after 00:00 UTC when the daily quota resets
};

struct Config {
  std::filesystem::path data_dir;
  std::filesystem::path cache_dir;
  // The shared Redis tier (docs/CACHE.md); nullopt: this machine's cache only.
  std::optional<RemoteSpec> remote_cache;
  std::optional<std::filesystem::path> config_file;
  std::int64_t stale_days = 30;

  int max_concurrent = 5;
  int pool_size = 5;
  int max_calls_per_minute = 0;
  std::optional<int> max_api_calls;  // nullopt: auto (the plan, from the providers' quotas and paces)
  double timeout_seconds = 30;
  double slow_call_seconds = 10;
  int max_rss_mb = 1536;
  bool offline = false;
  bool full_market_data = false;
  std::vector<std::string> services;  // empty: all enabled
  // How long a provider's "no data for this symbol" / "not on your plan" is remembered.
  std::int64_t no_data_ttl_seconds = 86400;

  TtlTable ttls;
  std::map<std::string, std::string> base_urls;               // every service, resolved
  std::map<std::string, ServiceOverrides> service_overrides;  // only services with a setting
  SymbolOverrides symbols;

  std::vector<ShownSetting> shown;  // every setting with its origin
};

struct ConfigInputs {
  std::map<std::string, std::string> command_line;  // setting name -> text
  std::optional<std::string> config_flag;           // --config FILE
  EnvLookup env = process_environment();
  std::filesystem::path default_config = "trade-history-discover.toml";
  // --show-config: a bad base URL is shown with its problem (ShownSetting::problem, the
  // built-in URL used) instead of refused, so the settings can still be seen.
  bool show_bad_base_urls = false;
};

// Throws FatalError(usage) naming the option, variable or file position
// whose value is wrong.
Config resolve_config(const ConfigInputs& inputs);

// Where setting `name`'s value came from, for a message: "--data-dir",
// "THD_DATA_DIR", "config FILE:LINE", "the default ./data".
std::string setting_source(const Config& config, std::string_view name);

// run, inventory and cache-optimize need the data directory: when it does
// not exist, FatalError(input) with the one message that says where the
// value came from and how to create it (trade-history-discover init).
void require_data_dir(const Config& config);

// A path for a command line the user can paste: as is when it holds only
// safe characters, else in double quotes with $ ` \ " escaped; control bytes
// and bytes that are not UTF-8 shown as \xNN.
std::string shell_word(std::string_view path);
// "--data-dir DIR " (DIR a shell_word) when the data dir is not the built-in
// default, else "": the exact command for this data dir, e.g.
// "trade-history-discover " + data_dir_arguments(c) + "init".
std::string data_dir_arguments(const Config& config);

}  // namespace thd
