// thd_fetch: the network engine as a small program, for the engine's tests
// against the fake services and for its benchmark. Reads "service url" lines
// (or bare URLs, service "test") and prints one JSON report.
#include <sys/resource.h>

#include <simdjson.h>
#include <CLI/CLI.hpp>
#include <chrono>
#include <fstream>
#include <iostream>

#include "core/base/json_writer.hpp"
#include "core/base/resource_guard.hpp"
#include "services/http_engine.hpp"

using namespace thd;

int main(int argc, char** argv) {
  CLI::App app{"thd_fetch: fetch URLs through the trade-history-discover network engine"};
  EngineOptions o;
  std::string url_file;
  std::vector<std::string> limits;
  bool validate_json = false;
  int max_rss_mb = 0;
  std::string state_dir;
  app.add_option("urls", url_file, "file of 'service url' lines")->required();
  app.add_option("--max-concurrent", o.max_concurrent);
  app.add_option("--pool-size", o.pool_size);
  app.add_option("--timeout", o.timeout);
  app.add_option("--slow-call", o.slow_call);
  app.add_option("--max-api-calls", o.max_api_calls);
  app.add_option("--max-calls-per-minute", o.max_calls_per_minute);
  app.add_option("--max-body", o.max_body);
  app.add_option("--cooldown", o.breaker_cooldown);
  app.add_option("--max-retry-after", o.max_retry_after);
  app.add_option("--state-dir", state_dir, "persist breakers and quotas here");
  bool keyed = false;
  app.add_flag("--keyed", keyed, "every request carries a key: redirects only to its own host");
  std::vector<std::string> extra_headers;
  app.add_option("--header", extra_headers, "a header sent with every request ('Name: value')");
  app.add_option("--ca-bundle", o.ca_bundle, "PEM file of the certificate authorities to trust");
  app.add_option("--limit", limits, "service=PER_MINUTE[/PER_DAY]");
  app.add_flag("--validate-json", validate_json, "a 2xx body that is not JSON is a failure");
  app.add_option("--max-rss-mb", max_rss_mb, "abort (exit 4) above this resident memory");
  CLI11_PARSE(app, argc, argv);
  o.state_dir = state_dir;

  std::map<std::string, ServiceLimit> service_limits;
  for (const std::string& l : limits) {
    auto eq = l.find('=');
    auto slash = l.find('/');
    ServiceLimit limit;
    limit.per_minute =
        std::stod(l.substr(eq + 1, slash == std::string::npos ? std::string::npos : slash - eq - 1));
    if (slash != std::string::npos) limit.per_day = std::stoi(l.substr(slash + 1));
    service_limits[l.substr(0, eq)] = limit;
  }
  std::optional<RssGuard> guard;
  if (max_rss_mb > 0) {
    guard.emplace(max_rss_mb);
    o.tick = [&] { return !guard->over(); };
  }

  SystemClock clock;
  HttpEngine engine(o, service_limits, clock);
  struct Row {
    std::string service;
    HttpResult result;
  };
  std::vector<Row> rows;
  std::ifstream in(url_file);
  std::string line;
  std::vector<std::pair<std::string, std::string>> requests;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    auto space = line.find(' ');
    if (space == std::string::npos)
      requests.emplace_back("test", line);
    else
      requests.emplace_back(line.substr(0, space), line.substr(space + 1));
  }
  rows.resize(requests.size());
  for (size_t i = 0; i < requests.size(); ++i) {
    HttpRequest r;
    r.service = requests[i].first;
    r.url = requests[i].second;
    r.headers = {"User-Agent: thd-tests test@example.com"};
    r.headers.insert(r.headers.end(), extra_headers.begin(), extra_headers.end());
    r.keyed = keyed;
    if (validate_json)
      r.validate = [](std::string_view body) -> std::optional<BodyProblem> {
        simdjson::dom::parser parser;
        simdjson::padded_string padded(body);
        if (parser.parse(padded).error()) return BodyProblem{"body is not JSON", Verdict::none, 0};
        return std::nullopt;
      };
    rows[i].service = requests[i].first;
    engine.submit(std::move(r), [&rows, i](HttpResult&& res) { rows[i].result = std::move(res); });
  }
  auto start = std::chrono::steady_clock::now();
  bool completed = engine.run();
  double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!completed && guard) {
    std::cerr << "thd_fetch: error: resident memory " << guard->last_mb() << " MB is over --max-rss-mb "
              << max_rss_mb << "\n";
    return 4;
  }
  auto saved = engine.save_state();

  struct rusage ru {};
  getrusage(RUSAGE_SELF, &ru);
  JsonWriter w;
  w.begin_object().field("wall_seconds", wall);
  w.field("cpu_seconds",
          ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6);
  w.field("peak_rss_mb", peak_resident_mb());
  w.field("connections", engine.connections()).field("max_in_flight", engine.max_in_flight());
  w.field("attempts_left", engine.attempts_left()).field("state_saved", saved.has_value());
  w.key("services").begin_object();
  for (const auto& [name, c] : engine.counters()) {
    w.key(name).begin_object().field("attempts", c.attempts).field("retries", c.retries);
    w.field("connections", c.connections).field("breaker", breaker_state_name(engine.breaker_state(name)));
    w.key("outcomes").begin_object();
    for (size_t i = 0; i < c.outcomes.size(); ++i)
      if (c.outcomes[i]) w.field(outcome_name(static_cast<Outcome>(i)), c.outcomes[i]);
    w.end_object().end_object();
  }
  w.end_object().key("results").begin_array();
  for (const Row& r : rows) {
    w.begin_object().field("service", r.service).field("outcome", outcome_name(r.result.outcome));
    w.field("status", static_cast<std::int64_t>(r.result.status)).field("attempts", r.result.attempts);
    w.field("bytes", static_cast<std::uint64_t>(r.result.body.size())).field("elapsed", r.result.elapsed);
    w.field("error", r.result.error).end_object();
  }
  w.end_array().end_object();
  std::cout << w.str() << "\n";
  return 0;
}
