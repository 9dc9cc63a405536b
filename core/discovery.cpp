// Phase 3: the discovery value from the phases before it.
#include "core/discovery.hpp"

#include <algorithm>
#include <set>

#include "core/base/sectors.hpp"
#include "core/needs.hpp"
#include "core/trade_stats.hpp"
#include "services/providers/registry.hpp"

namespace thd {
namespace {

using ServedIndex = std::map<std::pair<NeedKind, std::string>, const Served*>;

const Served* find(const ServedIndex& index, NeedKind kind, std::string_view subject) {
  auto it = index.find({kind, std::string(subject)});
  return it == index.end() ? nullptr : it->second;
}

// The served need, or a record of `kind` with every field null and the reason.
Served served_or(const Served* s, RecordKind kind, const std::string& reason) {
  if (s) return *s;
  return {Need{}, kind, empty_record(kind), {SourceKind::missing, "", std::nullopt, std::nullopt, reason}};
}

std::vector<Discovery::Figure> figures(const ServedIndex& index, NeedKind need, RecordKind record,
                                       std::span<const std::string_view> subjects) {
  std::vector<Discovery::Figure> out;
  for (std::string_view s : subjects)
    out.emplace_back(std::string(s), served_or(find(index, need, s), record, "not planned"));
  return out;
}

Discovery::Vix vix_of(const Served* vix) {
  Discovery::Vix v;
  if (vix) {
    if (auto m = std::get_if<MarketRecord>(&vix->record)) v.value = m->price;
    if (auto s = std::get_if<SeriesRecord>(&vix->record)) v.value = s->value;
    v.provenance = vix->provenance;
  }
  if (v.value) v.regime = *v.value < 20 ? "low" : *v.value < 30 ? "elevated" : "high";
  return v;
}

LocalFile local_file(const TickerAnalysis& a) {
  return {a.file, a.date, a.age_days, a.stale};
}

// Why a ticker's need was not planned, as it is (Phase 1 keeps tickers that
// are not symbols out of the document; this holds if one ever gets here).
std::string not_requested(const std::string& ticker, std::string_view crypto_reason) {
  if (!is_valid_ticker(ticker)) return "not requested: not a valid symbol";
  if (is_crypto_ticker(ticker)) return std::string(crypto_reason);
  return "not planned";
}

Discovery::Fundamentals fundamentals_of(const std::string& ticker, const TickerAnalysis* local,
                                        const Served* served, UnixTime now) {
  Discovery::Fundamentals f;
  if (local) {
    f.facts = local->facts;
    f.local = local_file(*local);
  }
  if (served) f.figures = std::get<FundamentalsRecord>(served->record);
  if (local) {
    UnixTime written = days_from_civil(local->date) * 86400;
    f.provenance = {SourceKind::local, "", written, now - written,
                    local->stale ? "local analysis is stale" : ""};
  } else if (served) {
    f.provenance = served->provenance;
  } else {
    f.provenance = {SourceKind::missing, "", std::nullopt, std::nullopt,
                    not_requested(ticker, "no company fundamentals for crypto")};
  }
  return f;
}

std::optional<std::string> ticker_sector(const ServedIndex& index, const std::string& ticker) {
  const Served* s = find(index, NeedKind::profile, ticker);
  if (!s) return std::nullopt;
  const auto& p = std::get<ProfileRecord>(s->record);
  if (!p.sector) return std::nullopt;
  auto canonical = canonical_sector(*p.sector);
  return canonical ? std::optional<std::string>(std::string(*canonical)) : std::nullopt;
}

Discovery::Integration integration_of(const LocalInventory& local, const std::vector<std::string>& tickers) {
  Discovery::Integration in;
  in.coverage = compute_coverage(local, tickers);
  in.recommendations = {{"BUY", 0}, {"HOLD", 0}, {"SELL", 0}, {"none", 0}};
  double age_sum = 0;
  for (const auto& t : in.coverage.covered) {
    const TickerAnalysis* a = local.find_ticker(t);
    ++in.recommendations[a->facts.recommendation.value_or("none")];
    age_sum += static_cast<double>(a->age_days);
  }
  if (!in.coverage.covered.empty())
    in.average_analysis_age_days = age_sum / static_cast<double>(in.coverage.covered.size());
  in.stale_analyses = in.coverage.stale.size();
  return in;
}

// Sectors: from each ticker's profile, linked to the local sector files.
Discovery::Sectors sectors_of(const ServedIndex& index, const LocalInventory& local,
                              const std::vector<std::string>& sorted_tickers) {
  std::map<std::string, std::vector<std::string>> by_sector;
  Discovery::Sectors out;
  for (const auto& t : sorted_tickers) {
    if (auto s = ticker_sector(index, t))
      by_sector[*s].push_back(t);
    else
      out.unclassified.push_back(t);
  }
  for (const auto& [name, s] : local.by_sector) by_sector[name];
  for (auto& [name, list] : by_sector) {
    Discovery::Sector sector{name, std::move(list), std::nullopt};
    if (auto it = local.by_sector.find(name); it != local.by_sector.end())
      sector.analysis = LocalFile{it->second.file, it->second.date, it->second.age_days, it->second.stale};
    out.by_sector.push_back(std::move(sector));
  }
  for (const auto& [name, t] : local.by_theme)
    out.themes.emplace_back(name, LocalFile{t.file, t.date, t.age_days, t.stale});
  return out;
}

Discovery::Metadata metadata_of(const DiscoveryInputs& in) {
  Discovery::Metadata m;
  m.generated_at = in.now;
  m.tool_version = THD_VERSION;
  m.data_source = in.portfolio.path.string();
  m.mode = in.config.offline ? "offline" : "online";
  if (in.network) m.api = *in.network;
  m.cache_hits = in.cache_stats.total(Stat::hits);
  m.cache_misses = in.cache_stats.total(Stat::misses);
  m.cache_stale_served = in.cache_stats.total(Stat::stale_served);
  m.cache_stores = in.cache_stats.total(Stat::stores);
  if (double ratio = in.cache_stats.hit_ratio(); ratio >= 0) m.cache_hit_ratio = ratio;
  m.needs_total = in.served.size();
  for (SourceKind k : {SourceKind::local, SourceKind::cache, SourceKind::network, SourceKind::stale_cache,
                       SourceKind::missing})
    m.needs_by_source[std::string(source_kind_name(k))] = 0;
  for (const Served& s : in.served) ++m.needs_by_source[std::string(source_kind_name(s.provenance.source))];
  for (const ServiceState& s : in.services) {
    const ProviderInfo& info = find_provider(s.name)->info();
    Discovery::ServiceRow row;
    row.name = s.name;
    row.enabled = s.enabled;
    row.status = s.status;
    if (info.per_minute > 0) row.per_minute = info.per_minute;
    if (info.per_second > 0) row.per_second = info.per_second;
    // The plan's quota: the user's (config file) or the free plan's.
    std::optional<int> per_day, per_month;
    if (info.per_day) per_day = info.per_day;
    if (info.per_month) per_month = info.per_month;
    if (auto o = in.config.service_overrides.find(s.name); o != in.config.service_overrides.end()) {
      if (o->second.daily_quota) per_day = *o->second.daily_quota;
      if (o->second.monthly_quota) per_month = *o->second.monthly_quota;
    }
    if (per_day && *per_day > 0) row.per_day = per_day;
    if (per_month && *per_month > 0) row.per_month = per_month;
    if (auto used = m.api.services.find(s.name); used != m.api.services.end()) {
      row.calls = used->second.calls;
      row.failures = used->second.failures;
      row.circuit = used->second.circuit;
      if (!used->second.stopped.empty()) row.stopped = used->second.stopped;
    } else if (s.enabled) {
      row.circuit = "closed";
    }
    m.services.push_back(std::move(row));
  }
  return m;
}

}  // namespace

Discovery build_discovery(DiscoveryInputs in) {
  ServedIndex index;
  for (const Served& s : in.served) index[{s.need.kind, s.need.subject}] = &s;
  Discovery d;
  d.portfolio = {in.portfolio.name, in.portfolio.path.string(), in.portfolio.date};
  d.trades = in.trades.summary();

  d.market.benchmarks = figures(index, NeedKind::market, RecordKind::market, k_benchmarks);
  d.market.vix = vix_of(find(index, NeedKind::vix, "VIX"));
  d.market.economic = figures(index, NeedKind::series, RecordKind::series, k_fred_series);
  d.market.imf = figures(index, NeedKind::imf, RecordKind::imf, k_imf_indicators);
  for (const auto& [key, s] : index)
    if (key.first == NeedKind::crypto) d.market.crypto.emplace_back(key.second, *s);

  std::vector<std::string> tickers = in.trades.tickers();
  std::sort(tickers.begin(), tickers.end());
  for (const std::string& t : tickers) {
    d.tickers.push_back(
        {t,
         served_or(find(index, NeedKind::market, t), RecordKind::market,
                   is_valid_ticker(t) ? "not requested: no open position (--full-market-data requests it)"
                                      : "not requested: not a valid symbol"),
         served_or(find(index, NeedKind::profile, t), RecordKind::profile,
                   not_requested(t, "not requested: crypto has no company profile")),
         fundamentals_of(t, in.phase0.local.find_ticker(t), find(index, NeedKind::fundamentals, t), in.now)});
  }
  d.integration = integration_of(in.phase0.local, in.trades.tickers());
  d.sectors = sectors_of(index, in.phase0.local, tickers);
  d.metadata = metadata_of(in);
  d.inventory = std::move(in.phase0);
  return d;
}

}  // namespace thd
