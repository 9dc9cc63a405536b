#include "core/discovery.hpp"

#include <algorithm>
#include <functional>
#include <set>

#include "core/base/date.hpp"
#include "core/base/sectors.hpp"
#include "core/base/text.hpp"
#include "core/needs.hpp"
#include "services/registry.hpp"

namespace thd {
namespace {

using ServedIndex = std::map<std::pair<NeedKind, std::string>, const Served*>;

void write_provenance(JsonWriter& w, const Provenance& p) {
  w.key("provenance").begin_object();
  w.field("source", source_kind_name(p.source));
  if (p.service.empty())
    w.key("service").null();
  else
    w.field("service", p.service);
  if (p.fetched_at)
    w.field("fetched_at", format_iso8601(*p.fetched_at));
  else
    w.key("fetched_at").null();
  w.field("age_seconds", p.age_seconds);
  if (p.reason.empty())
    w.key("reason").null();
  else
    w.field("reason", p.reason);
  w.end_object();
}

// A record of `kind` with its provenance; all fields null when not served.
void write_served(JsonWriter& w, const Served* s, RecordKind kind, const std::string& not_requested) {
  w.begin_object();
  if (s) {
    write_record_fields(w, s->record);
    write_provenance(w, s->provenance);
  } else {
    write_record_fields(w, empty_record(kind));
    write_provenance(w, {SourceKind::missing, "", std::nullopt, std::nullopt, not_requested});
  }
  w.end_object();
}

std::optional<double> vix_value(const Served& s) {
  if (auto m = std::get_if<MarketRecord>(&s.record)) return m->price;
  if (auto v = std::get_if<SeriesRecord>(&s.record)) return v->value;
  return std::nullopt;
}

std::optional<std::string> ticker_sector(const ServedIndex& index, const std::string& ticker) {
  auto it = index.find({NeedKind::profile, ticker});
  if (it == index.end()) return std::nullopt;
  const auto& p = std::get<ProfileRecord>(it->second->record);
  if (!p.sector) return std::nullopt;
  auto canonical = canonical_sector(*p.sector);
  return canonical ? std::optional<std::string>(std::string(*canonical)) : std::nullopt;
}

void write_metadata(JsonWriter& w, const DiscoveryInputs& in) {
  w.key("discovery_metadata").begin_object();
  w.field("generated_at", format_iso8601(in.now)).field("run_date", format_date(date_of(in.now)));
  w.field("tool_version", THD_VERSION).field("data_source", in.portfolio.path.string());
  w.field("mode", in.config.offline ? "offline" : "online");
  w.key("duration_ms").begin_object();
  w.field("phase0_inventory", in.times.phase0_inventory).field("phase1_trades", in.times.phase1_trades);
  w.field("phase2_market", in.times.phase2_market).field("phase3_integration", in.times.phase3_integration);
  w.field("total", in.times.total).end_object();
  // Offline, no transfer is made: every count is a real zero.
  const NetworkUsage none;
  const NetworkUsage& net = in.network ? *in.network : none;
  w.key("api_calls").begin_object().field("attempts", net.attempts).field("succeeded", net.succeeded);
  w.field("connections", net.connections);
  w.key("failed").begin_object();
  for (const auto& [reason, n] : net.failed) w.field(reason, n);
  w.end_object().end_object();
  w.key("cache").begin_object();
  w.field("hits", in.cache_stats.total(Stat::hits)).field("misses", in.cache_stats.total(Stat::misses));
  w.field("stale_served", in.cache_stats.total(Stat::stale_served))
      .field("stores", in.cache_stats.total(Stat::stores));
  double ratio = in.cache_stats.hit_ratio();
  if (ratio >= 0)
    w.field("hit_ratio", ratio);
  else
    w.key("hit_ratio").null();
  w.end_object();
  std::map<std::string, std::uint64_t> by_source;
  for (SourceKind k : {SourceKind::local, SourceKind::cache, SourceKind::network, SourceKind::stale_cache,
                       SourceKind::missing})
    by_source[std::string(source_kind_name(k))] = 0;
  for (const Served& s : in.served) ++by_source[std::string(source_kind_name(s.provenance.source))];
  w.key("needs").begin_object().field("total", static_cast<std::uint64_t>(in.served.size()));
  w.key("by_source").begin_object();
  for (const auto& [k, n] : by_source) w.field(k, n);
  w.end_object().end_object();
  w.field("peak_rss_mb", in.peak_rss_mb);
  w.key("services").begin_object();
  for (const ServiceState& s : in.services) {
    const ProviderInfo& info = find_provider(s.name)->info();
    w.key(s.name).begin_object().field("enabled", s.enabled).field("status", s.status);
    auto used = net.services.find(s.name);
    w.field("calls", used == net.services.end() ? 0 : used->second.calls);
    w.field("failures", used == net.services.end() ? 0 : used->second.failures);
    if (used != net.services.end())
      w.field("circuit", used->second.circuit);
    else if (s.enabled)
      w.field("circuit", "closed");
    else
      w.key("circuit").null();
    w.key("rate_limit").begin_object().field("per_minute", info.per_minute);
    if (info.per_day)
      w.field("per_day", info.per_day);
    else
      w.key("per_day").null();
    w.end_object().end_object();
  }
  w.end_object().end_object();
}

void write_market_context(JsonWriter& w, const ServedIndex& index) {
  auto find = [&](NeedKind k, std::string_view subject) -> const Served* {
    auto it = index.find({k, std::string(subject)});
    return it == index.end() ? nullptr : it->second;
  };
  w.key("market_context").begin_object();
  w.key("benchmarks").begin_object();
  for (std::string_view b : k_benchmarks) {
    w.key(b);
    write_served(w, find(NeedKind::market, b), RecordKind::market, "not planned");
  }
  w.end_object();
  w.key("volatility").begin_object().key("VIX").begin_object();
  const Served* vix = find(NeedKind::vix, "VIX");
  std::optional<double> value = vix ? vix_value(*vix) : std::nullopt;
  w.field("value", value);
  if (value)
    w.field("regime", *value < 20 ? "low" : *value < 30 ? "elevated" : "high");
  else
    w.key("regime").null();
  write_provenance(w, vix ? vix->provenance : Provenance{});
  w.end_object().end_object();
  w.key("economic_indicators").begin_object();
  for (std::string_view s : k_fred_series) {
    w.key(s);
    write_served(w, find(NeedKind::series, s), RecordKind::series, "not planned");
  }
  w.end_object();
  w.key("imf").begin_object();
  for (std::string_view i : k_imf_indicators) {
    w.key(i);
    write_served(w, find(NeedKind::imf, i), RecordKind::imf, "not planned");
  }
  w.end_object();
  w.key("crypto").begin_object();
  for (const auto& [key, s] : index)
    if (key.first == NeedKind::crypto) {
      w.key(key.second);
      write_served(w, s, RecordKind::crypto, "");
    }
  w.end_object().end_object();
}

void write_fundamentals(JsonWriter& w, const TickerAnalysis* local, const Served* served, UnixTime now) {
  w.begin_object();
  const FundamentalFacts facts = local ? local->facts : FundamentalFacts{};
  w.field("recommendation", facts.recommendation).field("conviction", facts.conviction);
  w.field("fair_value_low", facts.fair_value_low).field("fair_value_high", facts.fair_value_high);
  w.field("current_price", facts.current_price);
  if (local) {
    w.field("file", local->file).field("date", format_date(local->date)).field("age_days", local->age_days);
    w.field("stale", local->stale);
  } else {
    w.key("file").null().key("date").null().key("age_days").null().key("stale").null();
  }
  FundamentalsRecord f;
  if (served) f = std::get<FundamentalsRecord>(served->record);
  w.field("pe_ratio", f.pe_ratio).field("eps", f.eps).field("analyst_target", f.analyst_target);
  if (local) {
    UnixTime written = days_from_civil(local->date) * 86400;
    write_provenance(
        w, {SourceKind::local, "", written, now - written, local->stale ? "local analysis is stale" : ""});
  } else if (served) {
    write_provenance(w, served->provenance);
  } else {
    write_provenance(
        w, {SourceKind::missing, "", std::nullopt, std::nullopt, "no company fundamentals for crypto"});
  }
  w.end_object();
}

void write_tickers(JsonWriter& w, const DiscoveryInputs& in, const ServedIndex& index) {
  std::vector<std::string> tickers = in.trades.tickers();
  std::sort(tickers.begin(), tickers.end());
  w.key("tickers").begin_object();
  for (const std::string& t : tickers) {
    auto find = [&](NeedKind k) -> const Served* {
      auto it = index.find({k, t});
      return it == index.end() ? nullptr : it->second;
    };
    w.key(t).begin_object();
    w.key("market");
    write_served(w, find(NeedKind::market), RecordKind::market,
                 "not requested: no open position (--full-market-data requests it)");
    w.key("profile");
    write_served(w, find(NeedKind::profile), RecordKind::profile,
                 "not requested: crypto has no company profile");
    w.key("fundamentals");
    write_fundamentals(w, in.phase0.local.find_ticker(t), find(NeedKind::fundamentals), in.now);
    w.end_object();
  }
  w.end_object();
}

void write_integration(JsonWriter& w, const DiscoveryInputs& in, const ServedIndex& index) {
  const Coverage coverage = compute_coverage(in.phase0.local, in.trades.tickers());
  w.key("fundamental_integration").begin_object();
  w.key("coverage").begin_object();
  w.field("tickers", static_cast<std::uint64_t>(coverage.tickers.size()));
  w.field("covered", static_cast<std::uint64_t>(coverage.covered.size())).field("ratio", coverage.ratio);
  for (auto [name, list] : {std::pair{"covered_tickers", &coverage.covered},
                            std::pair{"missing", &coverage.missing}, std::pair{"stale", &coverage.stale}}) {
    w.key(name).begin_array();
    for (const auto& t : *list) w.value(t);
    w.end_array();
  }
  w.end_object();
  std::map<std::string, std::uint64_t> recs{{"BUY", 0}, {"HOLD", 0}, {"SELL", 0}, {"none", 0}};
  double age_sum = 0;
  for (const auto& t : coverage.covered) {
    const TickerAnalysis* a = in.phase0.local.find_ticker(t);
    ++recs[a->facts.recommendation.value_or("none")];
    age_sum += static_cast<double>(a->age_days);
  }
  w.key("recommendations").begin_object();
  for (const auto& [k, n] : recs) w.field(k, n);
  w.end_object();
  std::optional<double> avg_age;
  if (!coverage.covered.empty()) avg_age = age_sum / static_cast<double>(coverage.covered.size());
  w.field("average_analysis_age_days", avg_age);
  w.field("stale_analyses", static_cast<std::uint64_t>(coverage.stale.size()));
  w.end_object();

  // Sectors: from each ticker's profile, linked to the local sector files.
  std::map<std::string, std::vector<std::string>> by_sector;
  std::vector<std::string> unclassified;
  std::vector<std::string> tickers = in.trades.tickers();
  std::sort(tickers.begin(), tickers.end());
  for (const auto& t : tickers) {
    if (auto s = ticker_sector(index, t))
      by_sector[*s].push_back(t);
    else
      unclassified.push_back(t);
  }
  for (const auto& [name, s] : in.phase0.local.by_sector) by_sector[name];
  w.key("sector_context").begin_object().key("by_sector").begin_object();
  for (const auto& [name, list] : by_sector) {
    w.key(name).begin_object().key("tickers").begin_array();
    for (const auto& t : list) w.value(t);
    w.end_array();
    auto it = in.phase0.local.by_sector.find(name);
    if (it != in.phase0.local.by_sector.end()) {
      w.field("file", it->second.file).field("date", format_date(it->second.date));
      w.field("age_days", it->second.age_days).field("stale", it->second.stale);
    } else {
      w.key("file").null().key("date").null().key("age_days").null().key("stale").null();
    }
    w.end_object();
  }
  w.end_object().key("unclassified_tickers").begin_array();
  for (const auto& t : unclassified) w.value(t);
  w.end_array().end_object();
}

}  // namespace

std::string build_discovery_json(DiscoveryInputs& in, const std::function<void(DiscoveryInputs&)>& finish) {
  ServedIndex index;
  for (const Served& s : in.served) index[{s.need.kind, s.need.subject}] = &s;
  JsonWriter w;
  w.begin_object();
  w.key("portfolio")
      .begin_object()
      .field("name", in.portfolio.name)
      .field("file", in.portfolio.path.string());
  if (in.portfolio.date)
    w.field("file_date", format_date(*in.portfolio.date));
  else
    w.key("file_date").null();
  w.end_object();
  in.trades.write_json(w);  // portfolio_summary ... data_quality_assessment
  write_market_context(w, index);
  write_tickers(w, in, index);
  write_integration(w, in, index);
  w.key("local_data_inventory");
  write_phase0_json(w, in.phase0);
  // Last, so that it can say how long everything before it took.
  finish(in);
  write_metadata(w, in);
  w.end_object();
  return w.take() + "\n";
}

}  // namespace thd
