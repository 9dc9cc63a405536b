#include "core/config.hpp"

#include <toml++/toml.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <set>

#include "core/base/error.hpp"
#include "core/base/json_writer.hpp"
#include "core/base/log.hpp"
#include "core/base/service_ids.hpp"
#include "core/base/text.hpp"
#include "services/http_engine.hpp"
#include "services/providers/registry.hpp"

namespace thd {

std::string_view origin_name(Origin o) {
  switch (o) {
    case Origin::built_in: return "default";
    case Origin::config_file: return "config file";
    case Origin::environment: return "environment";
    case Origin::command_line: return "command line";
  }
  return "default";
}

const std::vector<SettingSpec>& setting_specs() {
  using T = SettingType;
  static const std::vector<SettingSpec> k_specs = {
      {"data_dir", "--data-dir", "THD_DATA_DIR", "./data", T::path, 0, 0,
       "data directory (raw/, outputs/, cache/)"},
      {"cache_dir", "--cache-dir", "THD_CACHE_DIR", "<data-dir>/cache", T::path, 0, 0, "cache directory"},
      {"remote_cache", "--remote-cache", "THD_REMOTE_CACHE", "none", T::text, 0, 0,
       "shared Redis tier: redis://[[user]:password@]host[:port][/db] or redis+unix:///path.sock, several "
       "for shards, |read-only|connect-timeout=<ms>|operation-timeout=<ms>|stale-window=<duration> "
       "(docs/CACHE.md)"},
      {"stale_days", "--stale-days", "THD_STALE_DAYS", "30", T::integer, 0, 36500,
       "local analyses older than this many days are flagged stale"},
      {"run.max_concurrent", "--max-concurrent", "THD_MAX_CONCURRENT", "5", T::integer, 1, 64,
       "transfers in flight at once, all services together"},
      {"run.pool_size", "--pool-size", "THD_POOL_SIZE", "5", T::integer, 1, 64,
       "connections kept open in the connection pool"},
      {"run.max_calls_per_minute", "--max-calls-per-minute", "THD_MAX_CALLS_PER_MINUTE", "0", T::integer, 0,
       100000, "global limit over all services, 0 = off"},
      {"run.max_api_calls", "--max-api-calls", "THD_MAX_API_CALLS", "auto", T::integer, 0, 1000000,
       "budget of network attempts for the whole run (retries count); auto = what the providers' quotas "
       "and paces allow in 30 minutes"},
      {"run.timeout", "--timeout", "THD_TIMEOUT", "30", T::number, 0.001, 3600,
       "per attempt, from when the transfer starts (seconds, or e.g. 30s, 1m)"},
      {"run.slow_call", "--slow-call", "THD_SLOW_CALL", "10", T::number, 0.001, 3600,
       "after which a response counts as a failure for the circuit breaker (seconds, or e.g. 10s, 1m)"},
      {"run.max_rss_mb", "--max-rss-mb", "THD_MAX_RSS_MB", "1536", T::integer, 1, 1048576,
       "abort (exit 4) when resident memory exceeds this many MiB"},
      {"run.offline", "--offline", "THD_OFFLINE", "false", T::boolean, 0, 0,
       "no network: local files and cache only (stale allowed, marked)"},
      {"run.full_market_data", "--full-market-data", "THD_FULL_MARKET_DATA", "false", T::boolean, 0, 0,
       "quote and history for every traded ticker, not only open positions"},
      {"run.services", "--services", "THD_SERVICES", "", T::service_list, 0, 0,
       "restrict to these services (comma-separated)"},
      {"run.no_data_ttl", "--no-data-ttl", "THD_NO_DATA_TTL", "1d", T::duration, 0, 366 * 86400,
       "how long a provider's \"no data for this symbol\" or \"not on your plan\" is remembered "
       "(e.g. 6h, 1d; 0 = not remembered)"},
  };
  return k_specs;
}

const SettingSpec* find_setting(std::string_view name) {
  for (const SettingSpec& s : setting_specs())
    if (s.name == name) return &s;
  return nullptr;
}

namespace {

struct RawValue {
  std::string text;
  Origin origin = Origin::built_in;
  std::string where;
};

// "--timeout 'x': ...", "THD_TIMEOUT='x': ...", "file.toml:3:1: run.timeout 'x': ..."
[[noreturn]] void bad_value(const RawValue& v, std::string_view problem) {
  std::string subject =
      v.origin == Origin::environment ? v.where + "='" + v.text + "'" : v.where + " '" + v.text + "'";
  throw FatalError(ExitCode::usage, subject + ": " + std::string(problem));
}

std::string range_text(const SettingSpec& s) {
  return format_double(s.min) + " to " + format_double(s.max);
}

std::int64_t to_integer(const SettingSpec& s, const RawValue& v) {
  auto n = parse_int(v.text);
  if (!n) bad_value(v, "not a whole number (expected " + range_text(s) + ")");
  if (*n < s.min || *n > s.max) bad_value(v, "out of range (expected " + range_text(s) + ")");
  return *n;
}

// Seconds, bare or with a unit ("30", "30s", "1m", "1.5h": docs/CONFIG.md).
double to_seconds(const SettingSpec& s, const RawValue& v) {
  const std::string range = format_double(s.min) + " to " + format_double(s.max) + " seconds";
  if (trim(v.text).starts_with('-')) bad_value(v, "out of range (expected " + range + ")");
  auto n = parse_duration_seconds(v.text, BareNumber::seconds);
  if (!n) bad_value(v, n.error().message + " (expected " + range + ", e.g. 30 or 30s or 1m)");
  if (*n < s.min || *n > s.max) bad_value(v, "out of range (expected " + range + ")");
  return *n;
}

// A bare number is refused (only 0 is): the default is "1d", so "7" would silently mean 7 seconds.
std::int64_t to_duration(const SettingSpec& s, const RawValue& v) {
  auto secs = parse_duration_seconds(v.text, BareNumber::needs_unit);
  std::string range = std::to_string(static_cast<std::int64_t>(s.min)) + "s to " +
                      std::to_string(static_cast<std::int64_t>(s.max) / 86400) + "d";
  if (!secs && secs.error().message.starts_with("not a duration"))
    bad_value(v, "not a duration (e.g. 15m, 6h, 1d; " + range + ")");
  if (!secs) bad_value(v, secs.error().message + "; " + range);
  if (*secs < s.min || *secs > s.max) bad_value(v, "out of range (expected " + range + ")");
  return static_cast<std::int64_t>(*secs);
}

bool to_bool(const RawValue& v) {
  std::string t = to_lower(trim(v.text));
  if (t == "true" || t == "1" || t == "yes" || t == "on") return true;
  if (t == "false" || t == "0" || t == "no" || t == "off" || t.empty()) return false;
  bad_value(v, "not a boolean (expected true or false)");
}

std::string known_services() {
  std::string known;
  for (std::string_view s : k_service_names) known += (known.empty() ? "" : ", ") + std::string(s);
  return known;
}

std::vector<std::string> to_services(const RawValue& v) {
  std::vector<std::string> out;
  for (const std::string& part : split(v.text, ',')) {
    std::string name(trim(part));
    if (name.empty()) continue;
    if (!service_index(name))
      bad_value(v, "unknown service '" + name + "' (known: " + known_services() + ")");
    if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
  }
  return out;
}

std::string node_text(const toml::node& node) {
  if (auto s = node.as_string()) return s->get();
  if (auto i = node.as_integer()) return std::to_string(i->get());
  if (auto f = node.as_floating_point()) return format_double(f->get());
  if (auto b = node.as_boolean()) return b->get() ? "true" : "false";
  if (auto a = node.as_array()) {
    std::string joined;
    for (const toml::node& item : *a) {
      if (!item.is_string() && !item.is_integer() && !item.is_floating_point() && !item.is_boolean())
        throw std::invalid_argument("arrays may only hold plain values");
      joined += (joined.empty() ? "" : ",") + node_text(item);
    }
    return joined;
  }
  throw std::invalid_argument("unsupported value type");
}

struct ConfigEntry {
  std::string text;
  std::string where;  // file:line:column: name
  bool is_string = false;
};

// The config file: its plain settings by dotted name, and the symbol table
// (whose keys are tickers with dots of their own, so it is not flattened).
struct ConfigFile {
  std::map<std::string, ConfigEntry> entries;
  SymbolOverrides symbols;
  std::vector<ShownSetting> symbols_shown;
};

std::string position(const std::string& file, const toml::source_position& p) {
  return file + ":" + std::to_string(p.line) + ":" + std::to_string(p.column);
}

bool has_space_or_control(std::string_view s) {
  return std::any_of(s.begin(), s.end(),
                     [](char c) { return static_cast<unsigned char>(c) <= ' ' || c == 0x7f; });
}

bool has_control(std::string_view s) {
  return std::any_of(s.begin(), s.end(),
                     [](char c) { return static_cast<unsigned char>(c) < ' ' || c == 0x7f; });
}

// [symbols."BRK.B"] yahoo_finance = "BRK-B": per ticker, per service, a string.
void read_symbols(const toml::key& key, const toml::node& node, const std::string& file, ConfigFile& out) {
  auto fail = [](const std::string& where, const std::string& problem) {
    throw FatalError(ExitCode::usage,
                     where + ": " + problem + " (write [symbols.\"BRK.B\"] yahoo_finance = \"BRK-B\")");
  };
  const toml::table* tickers = node.as_table();
  if (!tickers) fail(position(file, key.source().begin) + ": symbols", "must be a table of tickers");
  for (const auto& [ticker_key, per_ticker] : *tickers) {
    const std::string ticker(ticker_key.str());
    const std::string name = "symbols.\"" + ticker + "\"";
    const std::string where_ticker = position(file, ticker_key.source().begin) + ": " + name;
    if (ticker.empty() || has_space_or_control(ticker))
      fail(where_ticker, "'" + ticker + "' is not a ticker");
    const toml::table* services = per_ticker.as_table();
    if (!services) fail(where_ticker, "must be a table of service = \"symbol\"");
    for (const auto& [service_key, value] : *services) {
      const std::string service(service_key.str());
      const std::string where = position(file, service_key.source().begin) + ": " + name + "." + service;
      if (!service_index(service))
        fail(where, "unknown service '" + service + "' (known: " + known_services() + ")");
      const auto* symbol = value.as_string();
      if (!symbol) fail(where, "the symbol must be a string");
      if (symbol->get().empty() || has_space_or_control(symbol->get()))
        fail(where, "'" + symbol->get() + "' is not a symbol (empty, or spaces or control characters)");
      out.symbols[ticker][service] = symbol->get();
      out.symbols_shown.push_back({name + "." + service, symbol->get(), Origin::config_file, where});
    }
  }
}

void flatten(const toml::table& table, const std::string& prefix, const std::string& file,
             std::map<std::string, ConfigEntry>& out) {
  for (const auto& [key, node] : table) {
    std::string name = prefix.empty() ? std::string(key.str()) : prefix + "." + std::string(key.str());
    const auto& src = key.source().begin;  // where the setting is named
    std::string where =
        file + ":" + std::to_string(src.line) + ":" + std::to_string(src.column) + ": " + name;
    if (auto sub = node.as_table()) {
      flatten(*sub, name, file, out);
      continue;
    }
    try {
      out[name] = {node_text(node), where, node.is_string()};
    } catch (const std::invalid_argument& e) {
      throw FatalError(ExitCode::usage, where + ": " + e.what());
    }
  }
}

ConfigFile load_config_file(const std::filesystem::path& path) {
  ConfigFile out;
  if (::access(path.c_str(), R_OK) != 0)
    throw FatalError(ExitCode::input,
                     "cannot read config file " + path.string() + ": " + std::strerror(errno));
  try {
    toml::table table = toml::parse_file(path.string());
    if (auto it = table.find("symbols"); it != table.end()) {
      read_symbols(it->first, it->second, path.string(), out);
      table.erase(it);
    }
    flatten(table, "", path.string(), out.entries);
  } catch (const toml::parse_error& e) {
    const auto& src = e.source().begin;
    throw FatalError(ExitCode::usage, path.string() + ":" + std::to_string(src.line) + ":" +
                                          std::to_string(src.column) + ": " + std::string(e.description()) +
                                          " (fix the config file)");
  }
  return out;
}

std::string upper_env_name(std::string_view service) {
  return "THD_" + to_upper(service) + "_BASE_URL";
}

constexpr std::string_view k_service_settings =
    "base_url, user_agent, daily_quota, monthly_quota, quota_reset";

int to_quota(const RawValue& v, std::string_view per) {
  auto n = parse_int(v.text);
  if (!n || *n < 0 || *n > 1000000000)
    bad_value(v, "not a number of calls per " + std::string(per) + " (a whole number, 0 = no quota)");
  return static_cast<int>(*n);
}

// "HH:MM" (UTC) -> minutes after midnight.
int to_minutes_of_day(const RawValue& v) {
  const std::string& t = v.text;
  auto digit = [&](size_t i) { return t[i] >= '0' && t[i] <= '9'; };
  if (t.size() != 5 || t[2] != ':' || !digit(0) || !digit(1) || !digit(3) || !digit(4))
    bad_value(v, "not a time of day (write \"HH:MM\", UTC, e.g. \"00:00\")");
  int h = (t[0] - '0') * 10 + (t[1] - '0'), m = (t[3] - '0') * 10 + (t[4] - '0');
  if (h > 23 || m > 59) bad_value(v, "not a time of day (hours 00-23, minutes 00-59, UTC)");
  return h * 60 + m;
}

// [services.<name>] user_agent, daily_quota, monthly_quota, quota_reset: taken
// out of `file`, shown; nullopt when the file sets none of them.
std::optional<ServiceOverrides> service_overrides(std::string_view service,
                                                  std::map<std::string, ConfigEntry>& file,
                                                  std::vector<ShownSetting>& shown) {
  ServiceOverrides o;
  bool any = false;
  auto take = [&](std::string_view setting, auto parse) {
    std::string name = "services." + std::string(service) + "." + std::string(setting);
    auto it = file.find(name);
    if (it == file.end()) return;
    RawValue v{it->second.text, Origin::config_file, it->second.where};
    shown.push_back({name, parse(v, it->second), Origin::config_file, it->second.where});
    file.erase(it);
    any = true;
  };
  take("user_agent", [&](const RawValue& v, const ConfigEntry& e) {
    if (!e.is_string) bad_value(v, "must be a string (user_agent = \"my-app/1.0 me@example.com\")");
    if (trim(v.text).empty() || has_control(v.text))
      bad_value(v, "must be non-empty text without control characters (it is sent as a header)");
    o.user_agent = v.text;
    return v.text;
  });
  take("daily_quota", [&](const RawValue& v, const ConfigEntry&) {
    o.daily_quota = to_quota(v, "day");
    return std::to_string(*o.daily_quota);
  });
  take("monthly_quota", [&](const RawValue& v, const ConfigEntry&) {
    o.monthly_quota = to_quota(v, "month");
    return std::to_string(*o.monthly_quota);
  });
  take("quota_reset", [&](const RawValue& v, const ConfigEntry& e) {
    if (!e.is_string) bad_value(v, "must be a string \"HH:MM\" (UTC), e.g. quota_reset = \"00:00\"");
    o.quota_reset_minutes = to_minutes_of_day(v);
    return v.text + " UTC";
  });
  if (!any) return std::nullopt;
  return o;
}

}  // namespace

Config resolve_config(const ConfigInputs& in) {
  Config cfg;

  // 1. Which config file, if any: --config, then THD_CONFIG, then the default if present.
  std::map<std::string, ConfigEntry> file;
  ConfigFile loaded;
  {
    std::optional<std::filesystem::path> path;
    std::string where;
    if (in.config_flag) {
      path = *in.config_flag;
      where = "--config";
    } else if (auto env = in.env("THD_CONFIG"); env && !env->empty()) {
      path = *env;
      where = "THD_CONFIG";
    }
    std::error_code ec;
    if (path) {
      if (!std::filesystem::is_regular_file(*path, ec))
        throw FatalError(ExitCode::usage, where + ": config file " + path->string() +
                                              " does not exist or is not a regular file");
    } else if (std::filesystem::is_regular_file(in.default_config, ec)) {
      path = in.default_config;
    }
    if (path) {
      cfg.config_file = *path;
      loaded = load_config_file(*path);
      file = std::move(loaded.entries);
    }
  }
  const std::filesystem::path config_base =
      cfg.config_file ? cfg.config_file->parent_path() : std::filesystem::path();

  // 2. Every known setting: command line > environment > config file > default.
  auto raw = [&](const SettingSpec& s) -> std::optional<RawValue> {
    if (auto it = in.command_line.find(std::string(s.name)); it != in.command_line.end())
      return RawValue{it->second, Origin::command_line, std::string(s.flag)};
    if (auto env = in.env(std::string(s.env))) return RawValue{*env, Origin::environment, std::string(s.env)};
    if (auto it = file.find(std::string(s.name)); it != file.end())
      return RawValue{it->second.text, Origin::config_file, it->second.where};
    return std::nullopt;
  };
  auto show = [&](const SettingSpec& s, const std::optional<RawValue>& v, std::string value) {
    cfg.shown.push_back({std::string(s.name), std::move(value), v ? v->origin : Origin::built_in,
                         v ? v->where : std::string()});
  };
  for (const SettingSpec& s : setting_specs()) {
    auto v = raw(s);
    RawValue effective = v ? *v : RawValue{std::string(s.default_text), Origin::built_in, "default"};
    std::string shown_text = effective.text;
    if (s.name == "data_dir" || s.name == "cache_dir") {
      std::filesystem::path p = effective.text;
      if (v && v->origin == Origin::config_file && p.is_relative()) p = config_base / p;
      if (v && effective.text.empty()) bad_value(effective, "must not be empty");
      if (s.name == "data_dir")
        cfg.data_dir = p;
      else
        cfg.cache_dir = v ? p : cfg.data_dir / "cache";
      shown_text = (s.name == "cache_dir" ? cfg.cache_dir : cfg.data_dir).string();
    } else if (s.name == "remote_cache") {
      auto spec = parse_remote_cache(effective.text);
      if (!spec) {
        effective.text = redact_remote_cache(effective.text);
        bad_value(effective, spec.error().message.substr(std::string_view("remote_cache: ").size()));
      }
      cfg.remote_cache = std::move(*spec);
      shown_text = cfg.remote_cache ? cfg.remote_cache->shown : "none";
    } else if (s.name == "stale_days")
      cfg.stale_days = to_integer(s, effective);
    else if (s.name == "run.max_concurrent")
      cfg.max_concurrent = static_cast<int>(to_integer(s, effective));
    else if (s.name == "run.pool_size")
      cfg.pool_size = static_cast<int>(to_integer(s, effective));
    else if (s.name == "run.max_calls_per_minute")
      cfg.max_calls_per_minute = static_cast<int>(to_integer(s, effective));
    else if (s.name == "run.max_api_calls") {
      if (to_lower(trim(effective.text)) == "auto")
        cfg.max_api_calls.reset();
      else if (auto n = parse_int(effective.text); n && *n >= s.min && *n <= s.max)
        cfg.max_api_calls = static_cast<int>(*n);
      else
        bad_value(effective, "expected auto or a whole number from 0 to 1000000");
    } else if (s.name == "run.timeout") {
      cfg.timeout_seconds = to_seconds(s, effective);
      shown_text = format_double(cfg.timeout_seconds);
    } else if (s.name == "run.slow_call") {
      cfg.slow_call_seconds = to_seconds(s, effective);
      shown_text = format_double(cfg.slow_call_seconds);
    } else if (s.name == "run.max_rss_mb")
      cfg.max_rss_mb = static_cast<int>(to_integer(s, effective));
    else if (s.name == "run.offline")
      cfg.offline = to_bool(effective);
    else if (s.name == "run.full_market_data")
      cfg.full_market_data = to_bool(effective);
    else if (s.name == "run.no_data_ttl") {
      cfg.no_data_ttl_seconds = to_duration(s, effective);
      shown_text = std::to_string(cfg.no_data_ttl_seconds);
    } else if (s.name == "run.services") {
      cfg.services = to_services(effective);
      shown_text = cfg.services.empty() ? "(all enabled)" : effective.text;
    }
    show(s, v, shown_text);
    file.erase(std::string(s.name));
  }

  // 3. Service base URLs: THD_<NAME>_BASE_URL > [services.<name>] base_url > default.
  for (const Provider* provider : all_providers()) {
    const ProviderInfo& svc = provider->info();
    std::string name = "services." + std::string(svc.name) + ".base_url";
    std::string env_name = upper_env_name(svc.name);
    std::optional<RawValue> v;
    if (auto env = in.env(env_name); env && !env->empty())
      v = RawValue{*env, Origin::environment, env_name};
    else if (auto it = file.find(name); it != file.end())
      v = RawValue{it->second.text, Origin::config_file, it->second.where};
    std::string url = v ? v->text : std::string(svc.default_base_url);
    std::string problem_text;
    if (v) {
      if (auto problem = base_url_problem(url)) {
        if (!in.show_bad_base_urls) {
          v->text = redact_url(v->text);  // a key pasted into a URL stays out of the message
          bad_value(*v, *problem);
        }
        problem_text = *problem;
      }
    }
    const std::string shown_url = redact_url(url);
    if (!problem_text.empty()) url = std::string(svc.default_base_url);  // never used: --show-config exits
    while (url.size() > 8 && url.back() == '/') url.pop_back();
    cfg.base_urls[std::string(svc.name)] = url;
    cfg.shown.push_back(
        {name, shown_url, v ? v->origin : Origin::built_in, v ? v->where : std::string(), problem_text});
    file.erase(name);
    if (auto o = service_overrides(svc.name, file, cfg.shown))
      cfg.service_overrides[std::string(svc.name)] = *o;
  }

  // 4. TTLs: [ttl] <kind> and [ttl.<service>] <kind>, seconds or "7d".
  for (auto it = file.begin(); it != file.end();) {
    const std::string& name = it->first;
    if (!name.starts_with("ttl.")) {
      ++it;
      continue;
    }
    std::vector<std::string> parts = split(name, '.');
    RawValue v{it->second.text, Origin::config_file, it->second.where};
    std::optional<DataKind> kind = data_kind_by_name(parts.back());
    if (!kind || parts.size() > 3 || (parts.size() == 3 && !service_index(parts[1]))) {
      std::string kinds;
      std::vector<std::string> kind_names, service_names;
      for (const auto& k : k_data_kinds) {
        kinds += (kinds.empty() ? "" : ", ") + std::string(k.name);
        kind_names.emplace_back(k.name);
      }
      for (std::string_view service : k_service_names) service_names.emplace_back(service);
      // "did you mean": the kind mistyped ("ttl.qoute"), or the service ("ttl.fpm.quote").
      std::optional<std::string> guess;
      if (!kind && parts.size() <= 3) {
        if (auto k = closest_match(parts.back(), kind_names)) {
          guess = "ttl." + (parts.size() == 3 ? parts[1] + "." : std::string()) + *k;
          if (parts.size() == 3 && !service_index(parts[1])) guess.reset();
        }
      } else if (kind && parts.size() == 3) {
        if (auto svc = closest_match(parts[1], service_names)) guess = "ttl." + *svc + "." + parts.back();
      }
      bad_value(v, "unknown TTL setting '" + name + "'" +
                       (guess ? "; did you mean '" + *guess + "'?" : std::string()) +
                       " (use ttl.<kind> or ttl.<service>.<kind>; kinds: " + kinds + ")");
    }
    auto parsed = parse_duration_seconds(v.text, BareNumber::seconds);
    if (!parsed) bad_value(v, parsed.error().message + " (seconds, or e.g. 15m, 2h, 7d)");
    const auto secs = static_cast<std::int64_t>(*parsed);
    if (secs <= 0) bad_value(v, "not a positive duration (seconds, or e.g. 15m, 2h, 7d)");
    if (parts.size() == 2)
      cfg.ttls.set(*kind, secs);
    else
      cfg.ttls.set(parts[1], *kind, secs);
    cfg.shown.push_back({name, std::to_string(secs), Origin::config_file, it->second.where});
    it = file.erase(it);
  }

  // Every TTL is shown, the ones nobody set with their built-in default.
  for (const DataKindInfo& k : k_data_kinds) {
    std::string name = "ttl." + std::string(k.name);
    bool set_in_file = false;
    for (const ShownSetting& shown : cfg.shown) set_in_file |= shown.name == name;
    if (!set_in_file)
      cfg.shown.push_back({name, std::to_string(k.default_ttl_seconds), Origin::built_in, ""});
  }

  // 5. The symbol table, as read with the file.
  cfg.symbols = std::move(loaded.symbols);
  for (ShownSetting& shown : loaded.symbols_shown) cfg.shown.push_back(std::move(shown));

  // 6. Whatever is left is a typo or a setting we do not have.
  if (!file.empty()) {
    const auto& [name, entry] = *file.begin();
    // "did you mean": the known keys, [services.<name>] ones included.
    std::vector<std::string> known;
    for (const SettingSpec& spec : setting_specs()) known.emplace_back(spec.name);
    for (std::string_view service : k_service_names)
      for (const std::string& setting : split(k_service_settings, ','))
        known.push_back("services." + std::string(service) + "." + std::string(trim(setting)));
    auto guess = closest_match(name, known);
    for (const std::string& k : known)  // "timeout" at the top: the one under [run]
      if (!guess && k.ends_with("." + name) && k.find('.') == k.rfind('.')) guess = k;
    const std::string hint = guess ? "; did you mean '" + *guess + "'?" : "";
    if (name.starts_with("services."))
      throw FatalError(ExitCode::usage, entry.where + ": unknown setting '" + name + "'" + hint +
                                            " (services: " + known_services() +
                                            "; their settings: " + std::string(k_service_settings) + ")");
    throw FatalError(ExitCode::usage, entry.where + ": unknown setting '" + name + "'" + hint +
                                          " (docs/CONFIG.md lists the settings)");
  }
  return cfg;
}

std::string setting_source(const Config& config, std::string_view name) {
  for (const ShownSetting& s : config.shown) {
    if (s.name != name) continue;
    switch (s.origin) {
      case Origin::command_line:
      case Origin::environment: return s.where;
      case Origin::config_file: {
        // "file.toml:3:1: data_dir" -> "config file.toml:3"
        std::string where = s.where.substr(0, s.where.rfind(": "));
        if (size_t col = where.rfind(':'); col != std::string::npos) where.resize(col);
        return "config " + where;
      }
      case Origin::built_in: break;
    }
    const SettingSpec* spec = find_setting(name);
    return "the default " + (spec ? std::string(spec->default_text) : std::string("value"));
  }
  return "the default";
}

std::string shell_word(std::string_view path) {
  const std::string shown = printable(path);
  if (!shown.empty() &&
      shown.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_./,:=+@%-") ==
          std::string::npos)
    return shown;
  std::string out = "\"";
  for (char c : shown) {
    if (c == '$' || c == '`' || c == '\\' || c == '"') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string data_dir_arguments(const Config& config) {
  for (const ShownSetting& s : config.shown)
    if (s.name == "data_dir" && s.origin != Origin::built_in)
      return "--data-dir " + shell_word(config.data_dir.string()) + " ";
  return "";
}

void require_data_dir(const Config& config) {
  std::error_code ec;
  if (std::filesystem::is_directory(config.data_dir, ec)) return;
  const bool exists = std::filesystem::exists(config.data_dir, ec);
  throw FatalError(ExitCode::input, "data directory " + shell_word(config.data_dir.string()) +
                                        (exists ? " is not a directory" : " does not exist") + " (from " +
                                        setting_source(config, "data_dir") +
                                        "); create it with 'trade-history-discover " +
                                        data_dir_arguments(config) + "init' or pass --data-dir");
}

bool is_duration_setting(std::string_view name) {
  const SettingSpec* spec = find_setting(name);
  return name.starts_with("ttl.") || (spec && spec->type == SettingType::duration);
}

std::string seconds_with_unit(std::string_view seconds) {
  std::int64_t secs = 0;
  if (seconds.empty() || seconds.find_first_not_of("0123456789") != std::string_view::npos ||
      seconds.size() > 15)
    return std::string(seconds);
  for (char c : seconds) secs = secs * 10 + (c - '0');
  if (secs == 0) return std::string(seconds);
  static constexpr std::pair<std::int64_t, const char*> k_units[] = {
      {7 * 86400, "w"}, {86400, "d"}, {3600, "h"}, {60, "m"}, {1, "s"}};
  for (const auto& [size, unit] : k_units)
    if (secs % size == 0) return std::string(seconds) + " (" + std::to_string(secs / size) + unit + ")";
  return std::string(seconds);
}

}  // namespace thd
