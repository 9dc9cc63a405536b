#include <doctest/doctest.h>

#include "core/base/error.hpp"
#include "core/config.hpp"
#include "tests/unit/support.hpp"

using namespace thd;

namespace {

EnvLookup env_of(std::map<std::string, std::string> vars) {
  return [vars](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

const ShownSetting& shown(const Config& c, std::string_view name) {
  for (const auto& s : c.shown)
    if (s.name == name) return s;
  throw std::runtime_error("setting not shown: " + std::string(name));
}

std::string error_of(const ConfigInputs& in) {
  try {
    resolve_config(in);
  } catch (const FatalError& e) {
    CHECK(e.code() == ExitCode::usage);
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("built-in defaults") {
  test::TempDir dir;
  ConfigInputs in;
  in.env = env_of({});
  in.default_config = dir / "absent.toml";
  Config c = resolve_config(in);
  CHECK(c.data_dir == "./data");
  CHECK(c.cache_dir == "./data/cache");
  CHECK(c.max_concurrent == 5);
  CHECK(c.pool_size == 5);
  CHECK(c.max_calls_per_minute == 0);
  CHECK_FALSE(c.max_api_calls);  // auto: the plan, from the providers' quotas and paces
  CHECK(c.timeout_seconds == 30);
  CHECK(c.slow_call_seconds == 10);
  CHECK(c.max_rss_mb == 1536);
  CHECK(c.stale_days == 30);
  CHECK_FALSE(c.offline);
  CHECK(c.services.empty());
  CHECK_FALSE(c.config_file);
  CHECK(c.base_urls.at("yahoo_finance") == "https://query1.finance.yahoo.com");
  CHECK(c.ttls.ttl("fmp", DataKind::profile) == 7 * 86400);
  CHECK(shown(c, "run.max_concurrent").origin == Origin::built_in);
}

TEST_CASE("precedence: command line > environment > config file > default") {
  test::TempDir dir;
  test::write_file(dir / "thd.toml",
                   "data_dir = \"mydata\"\n[run]\nmax_concurrent = 4\npool_size = 3\ntimeout = 12.5\n");
  ConfigInputs in;
  in.config_flag = (dir / "thd.toml").string();

  in.env = env_of({});
  Config file_only = resolve_config(in);
  CHECK(file_only.max_concurrent == 4);
  CHECK(shown(file_only, "run.max_concurrent").origin == Origin::config_file);
  CHECK(shown(file_only, "run.max_concurrent").where ==
        (dir / "thd.toml").string() + ":3:1: run.max_concurrent");
  CHECK(file_only.timeout_seconds == 12.5);
  // Relative paths in the file are relative to the file.
  CHECK(file_only.data_dir == dir / "mydata");
  CHECK(file_only.cache_dir == dir / "mydata" / "cache");

  in.env = env_of({{"THD_MAX_CONCURRENT", "6"}});
  Config with_env = resolve_config(in);
  CHECK(with_env.max_concurrent == 6);
  CHECK(with_env.pool_size == 3);
  CHECK(shown(with_env, "run.max_concurrent").origin == Origin::environment);

  in.command_line["run.max_concurrent"] = "7";
  Config with_cli = resolve_config(in);
  CHECK(with_cli.max_concurrent == 7);
  CHECK(shown(with_cli, "run.max_concurrent").origin == Origin::command_line);
  CHECK(shown(with_cli, "run.pool_size").origin == Origin::config_file);
}

TEST_CASE("the config file: --config, THD_CONFIG, or the default when present") {
  test::TempDir dir;
  test::write_file(dir / "a.toml", "stale_days = 10\n");
  test::write_file(dir / "b.toml", "stale_days = 20\n");
  test::write_file(dir / "default.toml", "stale_days = 40\n");
  ConfigInputs in;
  in.default_config = dir / "default.toml";
  in.env = env_of({});
  CHECK(resolve_config(in).stale_days == 40);
  in.env = env_of({{"THD_CONFIG", (dir / "b.toml").string()}});
  CHECK(resolve_config(in).stale_days == 20);
  in.config_flag = (dir / "a.toml").string();
  CHECK(resolve_config(in).stale_days == 10);
  in.config_flag = (dir / "missing.toml").string();
  CHECK(error_of(in).find("--config: config file") != std::string::npos);
}

TEST_CASE("cache_dir follows data_dir unless set") {
  ConfigInputs in;
  in.default_config = "/nonexistent/thd.toml";
  in.env = env_of({{"THD_DATA_DIR", "/srv/d"}});
  CHECK(resolve_config(in).cache_dir == "/srv/d/cache");
  in.env = env_of({{"THD_DATA_DIR", "/srv/d"}, {"THD_CACHE_DIR", "/var/cache/thd"}});
  CHECK(resolve_config(in).cache_dir == "/var/cache/thd");
}

TEST_CASE("invalid values name their origin") {
  test::TempDir dir;
  ConfigInputs in;
  in.default_config = dir / "absent.toml";
  in.env = env_of({});
  in.command_line["run.max_concurrent"] = "0";
  CHECK(error_of(in) == "--max-concurrent '0': out of range (expected 1 to 64)");
  in.command_line["run.max_concurrent"] = "five";
  CHECK(error_of(in) == "--max-concurrent 'five': not a whole number (expected 1 to 64)");
  in.command_line.clear();
  in.env = env_of({{"THD_TIMEOUT", "-1"}});
  CHECK(error_of(in).starts_with("THD_TIMEOUT='-1': out of range"));
  in.env = env_of({{"THD_SERVICES", "fmp,bloomberg"}});
  CHECK(error_of(in).find("unknown service 'bloomberg'") != std::string::npos);
  in.env = env_of({{"THD_OFFLINE", "maybe"}});
  CHECK(error_of(in).find("not a boolean") != std::string::npos);
}

TEST_CASE("config file errors carry file:line:column") {
  test::TempDir dir;
  ConfigInputs in;
  in.env = env_of({});
  in.config_flag = (dir / "c.toml").string();
  test::write_file(dir / "c.toml", "[run]\nmax_concurent = 4\n");
  CHECK(error_of(in) == (dir / "c.toml").string() +
                            ":2:1: run.max_concurent: unknown setting 'run.max_concurent'; did you mean "
                            "'run.max_concurrent'? (docs/CONFIG.md lists the settings)");
  test::write_file(dir / "c.toml", "[run]\nmax_concurrent = \n");
  CHECK(error_of(in).starts_with((dir / "c.toml").string() + ":2:"));
  test::write_file(dir / "c.toml", "[run]\nmax_concurrent = 100\n");
  CHECK(error_of(in) ==
        (dir / "c.toml").string() + ":2:1: run.max_concurrent '100': out of range (expected 1 to 64)");
}

TEST_CASE("TTLs per kind and per service, base URLs from env and file") {
  test::TempDir dir;
  test::write_file(dir / "c.toml",
                   "[ttl]\nquote = \"30m\"\nprofile = 3600\n[ttl.fmp]\nprofile = \"2d\"\n"
                   "[services.fmp]\nbase_url = \"http://127.0.0.1:9999/fmp/\"\n"
                   "[services.imf_data]\nbase_url = \"http://127.0.0.1:9999/imf\"\n");
  ConfigInputs in;
  in.config_flag = (dir / "c.toml").string();
  in.env = env_of({{"THD_IMF_DATA_BASE_URL", "http://127.0.0.1:1/imf_data"}});
  Config c = resolve_config(in);
  CHECK(c.ttls.ttl("yahoo_finance", DataKind::quote) == 1800);
  CHECK(c.ttls.ttl("alpha_vantage", DataKind::profile) == 3600);
  CHECK(c.ttls.ttl("fmp", DataKind::profile) == 2 * 86400);
  CHECK(c.ttls.ttl("fmp", DataKind::history) == 900);
  CHECK(c.base_urls.at("fmp") == "http://127.0.0.1:9999/fmp");         // trailing slash dropped
  CHECK(c.base_urls.at("imf_data") == "http://127.0.0.1:1/imf_data");  // env beats file
  test::write_file(dir / "c.toml", "[ttl]\nquotes = 60\n");
  CHECK(error_of(in).find("unknown TTL setting 'ttl.quotes'") != std::string::npos);
  test::write_file(dir / "c.toml", "[ttl]\nqoute = 60\n");
  CHECK(error_of(in).find("'ttl.qoute'; did you mean 'ttl.quote'?") != std::string::npos);
  test::write_file(dir / "c.toml", "[ttl.fpm]\nquote = 60\n");
  CHECK(error_of(in).find("'ttl.fpm.quote'; did you mean 'ttl.fmp.quote'?") != std::string::npos);
  test::write_file(dir / "c.toml", "[ttl.fmp]\nqoute = 60\n");
  CHECK(error_of(in).find("'ttl.fmp.qoute'; did you mean 'ttl.fmp.quote'?") != std::string::npos);
  test::write_file(dir / "c.toml", "[ttl]\nquote = \"0s\"\n");
  CHECK(error_of(in).find("not a positive duration") != std::string::npos);
  test::write_file(dir / "c.toml", "[services.fmp]\nbase_url = \"ftp://x\"\n");
  CHECK(error_of(in).find("must start with https://") != std::string::npos);
}

TEST_CASE("the symbol table: per ticker, per service, a string; shown with its position") {
  test::TempDir dir;
  const std::string file = (dir / "c.toml").string();
  test::write_file(dir / "c.toml",
                   "[symbols.\"BRK.B\"]\nyahoo_finance = \"BRK-B\"\nalpha_vantage = \"BRK-B\"\n"
                   "[symbols.\"VOD.L\"]\nfmp = \"VOD.L\"\n");
  ConfigInputs in;
  in.config_flag = file;
  in.env = env_of({});
  Config c = resolve_config(in);
  CHECK(c.symbols.size() == 2);
  CHECK(c.symbols.at("BRK.B").at("yahoo_finance") == "BRK-B");
  CHECK(c.symbols.at("BRK.B").at("alpha_vantage") == "BRK-B");
  CHECK(c.symbols.at("VOD.L").size() == 1);
  CHECK(c.symbols.at("VOD.L").at("fmp") == "VOD.L");
  const ShownSetting& s = shown(c, "symbols.\"BRK.B\".alpha_vantage");
  CHECK(s.value == "BRK-B");
  CHECK(s.origin == Origin::config_file);
  CHECK(s.where == file + ":3:1: symbols.\"BRK.B\".alpha_vantage");

  test::write_file(dir / "c.toml", "[symbols.\"BRK.B\"]\nyahoo = \"BRK-B\"\n");
  std::string e = error_of(in);
  CHECK(
      e.starts_with(file + ":2:1: symbols.\"BRK.B\".yahoo: unknown service 'yahoo' (known: yahoo_finance,"));
  test::write_file(dir / "c.toml", "[symbols.\"BRK.B\"]\nfmp = 5\n");
  CHECK(error_of(in).starts_with(file + ":2:1: symbols.\"BRK.B\".fmp: the symbol must be a string"));
  test::write_file(dir / "c.toml", "[symbols.\"BRK.B\"]\nfmp = \"BRK B\"\n");
  CHECK(error_of(in).find("'BRK B' is not a symbol") != std::string::npos);
  test::write_file(dir / "c.toml", "[symbols]\n\"BRK.B\" = \"BRK-B\"\n");
  CHECK(error_of(in).starts_with(file + ":2:1: symbols.\"BRK.B\": must be a table of service"));
  test::write_file(dir / "c.toml", "symbols = 3\n");
  CHECK(error_of(in).starts_with(file + ":1:1: symbols: must be a table of tickers"));
}

TEST_CASE("per-service user agent and quotas") {
  test::TempDir dir;
  const std::string file = (dir / "c.toml").string();
  test::write_file(dir / "c.toml",
                   "[services.fmp]\ndaily_quota = 250\nquota_reset = \"05:30\"\n"
                   "[services.sec_edgar]\nuser_agent = \"thd me@example.com\"\n"
                   "[services.alpha_vantage]\nmonthly_quota = 10000\ndaily_quota = 0\n");
  ConfigInputs in;
  in.config_flag = file;
  in.env = env_of({});
  Config c = resolve_config(in);
  CHECK(c.service_overrides.size() == 3);
  const ServiceOverrides& fmp = c.service_overrides.at("fmp");
  CHECK(fmp.daily_quota == 250);
  CHECK(fmp.quota_reset_minutes == 5 * 60 + 30);
  CHECK_FALSE(fmp.monthly_quota);
  CHECK_FALSE(fmp.user_agent);
  CHECK(c.service_overrides.at("sec_edgar").user_agent == "thd me@example.com");
  CHECK(c.service_overrides.at("alpha_vantage").monthly_quota == 10000);
  CHECK(c.service_overrides.at("alpha_vantage").daily_quota == 0);
  CHECK(c.service_overrides.count("yahoo_finance") == 0);
  CHECK(shown(c, "services.fmp.quota_reset").value == "05:30 UTC");
  CHECK(shown(c, "services.fmp.daily_quota").where == file + ":2:1: services.fmp.daily_quota");
  CHECK(shown(c, "services.sec_edgar.user_agent").value == "thd me@example.com");

  auto error_for = [&](const std::string& text) {
    test::write_file(dir / "c.toml", text);
    return error_of(in);
  };
  CHECK(error_for("[services.fmp]\ndaily_quota = -1\n") ==
        file +
            ":2:1: services.fmp.daily_quota '-1': not a number of calls per day (a whole number, 0 = no "
            "quota)");
  CHECK(error_for("[services.fmp]\nmonthly_quota = \"lots\"\n").find("not a number of calls per month") !=
        std::string::npos);
  CHECK(error_for("[services.fmp]\nquota_reset = \"24:00\"\n") ==
        file + ":2:1: services.fmp.quota_reset '24:00': not a time of day (hours 00-23, minutes 00-59, UTC)");
  CHECK(error_for("[services.fmp]\nquota_reset = \"9:00\"\n").find("write \"HH:MM\"") != std::string::npos);
  CHECK(error_for("[services.fmp]\nquota_reset = 900\n").find("must be a string") != std::string::npos);
  CHECK(error_for("[services.fmp]\nuser_agent = 7\n").find("must be a string") != std::string::npos);
  CHECK(error_for("[services.fmp]\nuser_agent = \"a\\r\\nX-Evil: 1\"\n").find("control characters") !=
        std::string::npos);
  CHECK(error_for("[services.fmpp]\ndaily_quota = 5\n")
            .starts_with(file + ":2:1: services.fmpp.daily_quota: unknown setting "
                                "'services.fmpp.daily_quota'; did you mean 'services.fmp.daily_quota'? "
                                "(services: yahoo_finance,"));
  CHECK(error_for("[services.fmp]\nweekly_quota = 5\n").find("their settings: base_url, user_agent") !=
        std::string::npos);
}

TEST_CASE("no_data_ttl: a duration from flag, environment or [run]") {
  test::TempDir dir;
  ConfigInputs in;
  in.env = env_of({});
  in.default_config = dir / "absent.toml";
  CHECK(resolve_config(in).no_data_ttl_seconds == 86400);
  CHECK(shown(resolve_config(in), "run.no_data_ttl").value == "86400");

  test::write_file(dir / "c.toml", "[run]\nno_data_ttl = \"6h\"\n");
  in.config_flag = (dir / "c.toml").string();
  CHECK(resolve_config(in).no_data_ttl_seconds == 6 * 3600);
  in.env = env_of({{"THD_NO_DATA_TTL", "2d"}});
  Config from_env = resolve_config(in);
  CHECK(from_env.no_data_ttl_seconds == 2 * 86400);
  CHECK(shown(from_env, "run.no_data_ttl").origin == Origin::environment);
  in.command_line["run.no_data_ttl"] = "90s";
  CHECK(resolve_config(in).no_data_ttl_seconds == 90);
  // A bare number needs a unit: the default is 1d, so "7" is not silently 7 seconds (0 stays valid).
  in.command_line["run.no_data_ttl"] = "7";
  CHECK(error_of(in) ==
        "--no-data-ttl '7': a duration needs a unit (7d? 7h?): e.g. 7d, 12h, 90m; 0s to 366d");
  in.command_line["run.no_data_ttl"] = "0";
  CHECK(resolve_config(in).no_data_ttl_seconds == 0);

  in.command_line["run.no_data_ttl"] = "soon";
  CHECK(error_of(in) == "--no-data-ttl 'soon': not a duration (e.g. 15m, 6h, 1d; 0s to 366d)");
  in.command_line.clear();
  in.env = env_of({{"THD_NO_DATA_TTL", "400d"}});
  CHECK(error_of(in) == "THD_NO_DATA_TTL='400d': out of range (expected 0s to 366d)");
}

TEST_CASE("--max-api-calls: auto or a whole number") {
  test::TempDir dir;
  ConfigInputs in;
  in.default_config = dir / "absent.toml";
  in.env = env_of({{"THD_MAX_API_CALLS", "AUTO"}});
  CHECK_FALSE(resolve_config(in).max_api_calls);
  in.command_line["run.max_api_calls"] = "30";
  CHECK(resolve_config(in).max_api_calls == 30);
  in.command_line["run.max_api_calls"] = "0";
  CHECK(resolve_config(in).max_api_calls == 0);
  in.command_line["run.max_api_calls"] = "lots";
  CHECK(error_of(in) == "--max-api-calls 'lots': expected auto or a whole number from 0 to 1000000");
  in.command_line["run.max_api_calls"] = "-1";
  CHECK(error_of(in) == "--max-api-calls '-1': expected auto or a whole number from 0 to 1000000");
}

TEST_CASE("timeout and slow_call: seconds, bare or with a unit (issue 14)") {
  test::TempDir dir;
  ConfigInputs in;
  in.env = env_of({});
  in.default_config = dir / "absent.toml";
  test::write_file(dir / "c.toml", "[run]\ntimeout = \"30s\"\nslow_call = \"1.5m\"\n");
  in.config_flag = (dir / "c.toml").string();
  Config c = resolve_config(in);
  CHECK(c.timeout_seconds == 30);
  CHECK(c.slow_call_seconds == 90);
  CHECK(shown(c, "run.slow_call").value == "90");
  in.command_line["run.timeout"] = "2m";
  CHECK(resolve_config(in).timeout_seconds == 120);
  in.command_line["run.timeout"] = "0.5";
  CHECK(resolve_config(in).timeout_seconds == 0.5);
  in.command_line["run.timeout"] = "2h";  // 7200 s: over the hour allowed
  CHECK(error_of(in) == "--timeout '2h': out of range (expected 0.001 to 3600 seconds)");
  in.command_line["run.timeout"] = "30 parsecs";
  CHECK(error_of(in).starts_with("--timeout '30 parsecs': unknown unit 'parsecs'"));
}

TEST_CASE("a key at the top level that belongs to a table: its table's key is suggested") {
  test::TempDir dir;
  ConfigInputs in;
  in.env = env_of({});
  test::write_file(dir / "c.toml", "slow_call = 5\n");
  in.config_flag = (dir / "c.toml").string();
  CHECK(error_of(in).find("unknown setting 'slow_call'; did you mean 'run.slow_call'?") != std::string::npos);
  test::write_file(dir / "c.toml", "[run]\nzzzzzz = 5\n");
  CHECK(error_of(in).find("did you mean") == std::string::npos);
}

TEST_CASE("base URLs are checked at start, naming where they came from") {
  test::TempDir dir;
  ConfigInputs in;
  in.default_config = dir / "absent.toml";
  in.env = env_of({{"THD_FMP_BASE_URL", "http://127.0.0.1:/fmp"}});
  CHECK(error_of(in) ==
        "THD_FMP_BASE_URL='http://127.0.0.1:/fmp': the port after ':' is empty (write host:8080, or drop the "
        "':')");
  in.env = env_of({{"THD_IMF_DATA_BASE_URL", "http://127.0.0.1:65536"}});
  CHECK(error_of(in) ==
        "THD_IMF_DATA_BASE_URL='http://127.0.0.1:65536': the port '65536' is not a number from "
        "1 to 65535");
  in.env = env_of({{"THD_FMP_BASE_URL", "http://"}});
  CHECK(error_of(in).starts_with("THD_FMP_BASE_URL='http://': no host"));
  in.env = env_of({{"THD_FMP_BASE_URL", "http://127.0.0.1:8080/f p"}});
  CHECK(error_of(in).find("spaces") != std::string::npos);
  in.env = env_of({});
  test::write_file(dir / "c.toml", "[services.coingecko]\nbase_url = \"https://:443/x\"\n");
  in.config_flag = (dir / "c.toml").string();
  CHECK(error_of(in) == (dir / "c.toml").string() +
                            ":2:1: services.coingecko.base_url 'https://:443/x': no host before the port");
  test::write_file(dir / "c.toml", "[services.coingecko]\nbase_url = \"http://127.0.0.1:8080/cg/\"\n");
  CHECK(resolve_config(in).base_urls.at("coingecko") == "http://127.0.0.1:8080/cg");
}

TEST_CASE("setting_source: where a value came from, for messages") {
  test::TempDir dir;
  ConfigInputs in;
  in.env = env_of({});
  in.default_config = dir / "absent.toml";
  CHECK(setting_source(resolve_config(in), "data_dir") == "the default ./data");
  test::write_file(dir / "c.toml", "stale_days = 2\n\ndata_dir = \"d\"\n");
  in.config_flag = (dir / "c.toml").string();
  Config c = resolve_config(in);
  CHECK(setting_source(c, "data_dir") == "config " + (dir / "c.toml").string() + ":3");
  CHECK(setting_source(c, "cache_dir") == "the default <data-dir>/cache");
  in.env = env_of({{"THD_DATA_DIR", "/x"}});
  CHECK(setting_source(resolve_config(in), "data_dir") == "THD_DATA_DIR");
  in.command_line["data_dir"] = "/y";
  CHECK(setting_source(resolve_config(in), "data_dir") == "--data-dir");
  try {
    require_data_dir(resolve_config(in));
    CHECK(false);
  } catch (const FatalError& e) {
    CHECK(e.code() == ExitCode::input);
    CHECK(std::string(e.what()) ==
          "data directory /y does not exist (from --data-dir); create it with "
          "'trade-history-discover --data-dir /y init' or pass --data-dir");
  }
  // A path that needs quoting is quoted, its control bytes shown: the command can be pasted.
  in.command_line["data_dir"] = "/no pe/$x\x1b";
  try {
    require_data_dir(resolve_config(in));
    CHECK(false);
  } catch (const FatalError& e) {
    CHECK(std::string(e.what()) ==
          "data directory \"/no pe/\\$x\\\\x1B\" does not exist (from --data-dir); create it with "
          "'trade-history-discover --data-dir \"/no pe/\\$x\\\\x1B\" init' or pass --data-dir");
  }
}

TEST_CASE("show-config: a duration in seconds is shown with its unit for people") {
  CHECK(seconds_with_unit("604800") == "604800 (1w)");
  CHECK(seconds_with_unit("86400") == "86400 (1d)");
  CHECK(seconds_with_unit("21600") == "21600 (6h)");
  CHECK(seconds_with_unit("900") == "900 (15m)");
  CHECK(seconds_with_unit("90") == "90 (90s)");
  CHECK(seconds_with_unit("0") == "0");
  CHECK(seconds_with_unit("(all enabled)") == "(all enabled)");
  CHECK(is_duration_setting("run.no_data_ttl"));
  CHECK(is_duration_setting("ttl.quote"));
  CHECK_FALSE(is_duration_setting("run.timeout"));  // a number of seconds with a fraction, shown as typed
  CHECK_FALSE(is_duration_setting("run.max_concurrent"));
}
