// The discovery value as JSON (schemas/discovery.schema.json): rendering only.
#include "core/base/date.hpp"
#include "core/base/json_writer.hpp"
#include "core/discovery.hpp"

namespace thd {
namespace {

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
  if (p.remote) w.field("remote", true);
  w.end_object();
}

void write_served(JsonWriter& w, const Served& s) {
  w.begin_object();
  write_record_fields(w, s.record);
  write_provenance(w, s.provenance);
  w.end_object();
}

void write_figures(JsonWriter& w, std::string_view key, const std::vector<Discovery::Figure>& figures) {
  w.key(key).begin_object();
  for (const auto& [subject, served] : figures) {
    w.key(subject);
    write_served(w, served);
  }
  w.end_object();
}

void write_local_file(JsonWriter& w, const std::optional<LocalFile>& f) {
  if (f) {
    w.field("file", f->file).field("date", format_date(f->date)).field("age_days", f->age_days);
    w.field("stale", f->stale);
  } else {
    w.key("file").null().key("date").null().key("age_days").null().key("stale").null();
  }
}

void write_market_context(JsonWriter& w, const Discovery::Market& m) {
  w.key("market_context").begin_object();
  write_figures(w, "benchmarks", m.benchmarks);
  w.key("volatility").begin_object().key("VIX").begin_object();
  w.field("value", m.vix.value).field("regime", m.vix.regime);
  write_provenance(w, m.vix.provenance);
  w.end_object().end_object();
  write_figures(w, "economic_indicators", m.economic);
  write_figures(w, "imf", m.imf);
  write_figures(w, "crypto", m.crypto);
  w.end_object();
}

void write_fundamentals(JsonWriter& w, const Discovery::Fundamentals& f) {
  w.begin_object();
  write_fundamental_facts(w, f.facts);
  write_local_file(w, f.local);
  w.field("pe_ratio", f.figures.pe_ratio).field("eps", f.figures.eps);
  w.field("analyst_target", f.figures.analyst_target);
  write_provenance(w, f.provenance);
  w.end_object();
}

void write_tickers(JsonWriter& w, const std::vector<Discovery::Ticker>& tickers) {
  w.key("tickers").begin_object();
  for (const Discovery::Ticker& t : tickers) {
    w.key(t.ticker).begin_object();
    w.key("market");
    write_served(w, t.market);
    w.key("profile");
    write_served(w, t.profile);
    w.key("fundamentals");
    write_fundamentals(w, t.fundamentals);
    w.end_object();
  }
  w.end_object();
}

void write_strings(JsonWriter& w, std::string_view key, const std::vector<std::string>& list) {
  w.key(key).begin_array();
  for (const auto& s : list) w.value(s);
  w.end_array();
}

void write_integration(JsonWriter& w, const Discovery::Integration& in) {
  w.key("fundamental_integration").begin_object();
  w.key("coverage").begin_object();
  w.field("tickers", static_cast<std::uint64_t>(in.coverage.tickers.size()));
  w.field("covered", static_cast<std::uint64_t>(in.coverage.covered.size()))
      .field("ratio", in.coverage.ratio);
  write_strings(w, "covered_tickers", in.coverage.covered);
  write_strings(w, "missing", in.coverage.missing);
  write_strings(w, "stale", in.coverage.stale);
  w.end_object();
  w.key("recommendations").begin_object();
  for (const auto& [k, n] : in.recommendations) w.field(k, n);
  w.end_object();
  w.field("average_analysis_age_days", in.average_analysis_age_days);
  w.field("stale_analyses", in.stale_analyses);
  w.end_object();
}

void write_sectors(JsonWriter& w, const Discovery::Sectors& s) {
  w.key("sector_context").begin_object().key("by_sector").begin_object();
  for (const Discovery::Sector& sector : s.by_sector) {
    w.key(sector.name).begin_object();
    write_strings(w, "tickers", sector.tickers);
    write_local_file(w, sector.analysis);
    w.end_object();
  }
  w.end_object();
  w.key("themes").begin_object();
  for (const auto& [name, file] : s.themes) {
    w.key(name).begin_object();
    write_local_file(w, file);
    w.end_object();
  }
  w.end_object();
  write_strings(w, "unclassified_tickers", s.unclassified);
  w.end_object();
}

void write_metadata(JsonWriter& w, const Discovery::Metadata& m) {
  w.key("discovery_metadata").begin_object();
  w.field("generated_at", format_iso8601(m.generated_at))
      .field("run_date", format_date(date_of(m.generated_at)));
  w.field("tool_version", m.tool_version).field("data_source", m.data_source);
  w.field("mode", m.mode);
  w.key("duration_ms").begin_object();
  w.field("phase0_inventory", m.times.phase0_inventory).field("phase1_trades", m.times.phase1_trades);
  w.field("phase2_market", m.times.phase2_market).field("phase3_integration", m.times.phase3_integration);
  w.field("total", m.times.total).end_object();
  w.key("api_calls").begin_object().field("attempts", m.api.attempts).field("succeeded", m.api.succeeded);
  w.field("connections", m.api.connections);
  w.key("failed").begin_object();
  for (const auto& [reason, n] : m.api.failed) w.field(reason, n);
  w.end_object().end_object();
  w.key("cache").begin_object();
  w.field("hits", m.cache_hits).field("misses", m.cache_misses);
  w.field("stale_served", m.cache_stale_served).field("stores", m.cache_stores);
  w.field("hit_ratio", m.cache_hit_ratio);
  w.end_object();
  w.key("needs").begin_object().field("total", m.needs_total);
  w.key("by_source").begin_object();
  for (const auto& [k, n] : m.needs_by_source) w.field(k, n);
  w.end_object().end_object();
  w.field("peak_rss_mb", m.peak_rss_mb);
  if (m.remote) {
    const RemoteReport& r = *m.remote;
    w.key("remote").begin_object();
    w.field("url", r.url);
    w.field("shards", static_cast<std::uint64_t>(r.shards));
    w.field("state", r.state);
    w.field("read_only", r.read_only);
    w.field("hits", r.hits);
    w.field("misses", r.misses);
    w.field("stores", r.stores);
    w.field("stale_served", r.stale_served);
    w.field("corrupt", r.corrupt);
    for (const auto* counts : {&r.errors, &r.quota}) {
      w.key(counts == &r.errors ? "errors" : "quota").begin_object();
      for (const auto& [name, n] : *counts) w.field(name, n);
      w.end_object();
    }
    w.end_object();
  }
  w.key("services").begin_object();
  for (const Discovery::ServiceRow& s : m.services) {
    w.key(s.name).begin_object().field("enabled", s.enabled).field("status", s.status);
    w.field("calls", s.calls).field("failures", s.failures).field("circuit", s.circuit);
    w.field("stopped", s.stopped);
    w.key("rate_limit")
        .begin_object()
        .field("per_minute", s.per_minute)
        .field("per_second", s.per_second)
        .field("per_day", s.per_day)
        .field("per_month", s.per_month);
    w.end_object().end_object();
  }
  w.end_object().end_object();
}

}  // namespace

std::string render_discovery_json(const Discovery& d) {
  JsonWriter w;
  w.begin_object();
  w.key("portfolio").begin_object().field("name", d.portfolio.name).field("file", d.portfolio.file);
  if (d.portfolio.file_date)
    w.field("file_date", format_date(*d.portfolio.file_date));
  else
    w.key("file_date").null();
  w.end_object();
  write_trade_summary_json(w, d.trades);
  write_market_context(w, d.market);
  write_tickers(w, d.tickers);
  write_integration(w, d.integration);
  write_sectors(w, d.sectors);
  w.key("local_data_inventory");
  write_phase0_json(w, d.inventory);
  write_metadata(w, d.metadata);
  w.end_object();
  return w.take() + "\n";
}

}  // namespace thd
