#include "core/planner.hpp"

namespace thd {

std::string_view source_kind_name(SourceKind k) {
  switch (k) {
    case SourceKind::local: return "local";
    case SourceKind::cache: return "cache";
    case SourceKind::network: return "network";
    case SourceKind::stale_cache: return "stale_cache";
    case SourceKind::missing: return "missing";
  }
  return "missing";
}

namespace {

struct Candidate {
  const NeedSource* source;
  Lookup lookup;
  Record record;
};

Served serve_one(const Need& need, CacheStore& cache, UnixTime now, const ServeOptions& options) {
  Served s{need, need.chain.front().record, empty_record(need.chain.front().record), {}};
  std::optional<Candidate> stale;
  std::string problems;
  bool considered = false;
  for (const NeedSource& src : need.chain) {
    if (!options.services.empty() && !options.services.count(std::string(src.service))) continue;
    considered = true;
    Lookup l = cache.get(src.service, src.key);
    if (l.status == LookupStatus::absent) continue;
    if (l.status == LookupStatus::corrupt) {
      problems += "; " + std::string(src.service) + " cache entry corrupt (" +
                  std::string(corrupt_reason_text(l.reason)) + ")";
      continue;
    }
    auto record = record_from_json(src.record, l.data);
    if (!record) {
      problems += "; " + std::string(src.service) + " cache entry unusable (" + record.error().message + ")";
      continue;
    }
    if (l.status == LookupStatus::fresh) {
      s.record_kind = src.record;
      s.record = std::move(*record);
      s.provenance = {SourceKind::cache, std::string(src.service), l.created_at, now - l.created_at, ""};
      return s;
    }
    if (!stale) stale = Candidate{&src, std::move(l), std::move(*record)};
  }
  // No fresh entry. The network step goes here once it exists.
  if (stale) {
    s.record_kind = stale->source->record;
    s.record = std::move(stale->record);
    s.provenance = {
        SourceKind::stale_cache, std::string(stale->source->service), stale->lookup.created_at,
        now - stale->lookup.created_at,
        options.offline ? "offline; expired cache entry" : "network unavailable; expired cache entry"};
    cache.note_stale_served(stale->source->service);
    return s;
  }
  std::string reason = !considered       ? "every provider excluded by --services"
                       : options.offline ? "offline and not in the cache"
                                         : "network fetching is not available in this version";
  s.provenance = {SourceKind::missing, "", std::nullopt, std::nullopt, reason + problems};
  return s;
}

}  // namespace

std::vector<Served> serve_from_cache(const std::vector<Need>& needs, CacheStore& cache, const Clock& clock,
                                     const ServeOptions& options) {
  const UnixTime now = clock.now();
  std::vector<Served> out;
  out.reserve(needs.size());
  for (const Need& need : needs) out.push_back(serve_one(need, cache, now, options));
  return out;
}

}  // namespace thd
