#include "core/planner.hpp"

#include <chrono>
#include <thread>

#include "core/base/interrupt.hpp"
#include "core/base/log.hpp"

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

bool allowed(const ServeOptions& o, std::string_view service) {
  return o.services.empty() || o.services.count(std::string(service));
}

// The cache's view of one need: a fresh record, or the best stale one.
struct CacheView {
  std::optional<Served> fresh;
  std::optional<Candidate> stale;
  std::string problems;  // corrupt or unusable entries met on the way
  bool considered = false;
  std::string first_service;
};

CacheView look_in_cache_uncounted(const Need& need, Storage& cache, UnixTime now,
                                  const ServeOptions& options) {
  CacheView v;
  for (const NeedSource& src : need.chain) {
    if (!allowed(options, src.service)) continue;
    if (!v.considered) v.first_service = std::string(src.service);
    v.considered = true;
    Lookup l = cache.get(src.service, src.key, Storage::CountLookup::no);
    if (l.status == LookupStatus::absent) continue;
    if (l.status == LookupStatus::corrupt) {
      v.problems += "; " + std::string(src.service) + " cache entry corrupt (" +
                    std::string(corrupt_reason_text(l.reason)) + ")";
      continue;
    }
    auto record = record_from_json(src.record, l.data);
    if (!record) {
      v.problems +=
          "; " + std::string(src.service) + " cache entry unusable (" + record.error().message + ")";
      continue;
    }
    if (l.status == LookupStatus::fresh) {
      v.fresh = Served{
          need,
          src.record,
          std::move(*record),
          {SourceKind::cache, std::string(src.service), l.created_at, now - l.created_at, "", l.remote}};
      return v;
    }
    if (!v.stale) v.stale = Candidate{&src, std::move(l), std::move(*record)};
  }
  return v;
}

// One hit or miss per need: a hit for the provider whose fresh entry served
// it, a miss (for the first provider looked at) otherwise; a miss that met an
// entry it could not use is also counted once as such, however many
// providers' entries were bad.
CacheView look_in_cache(const Need& need, Storage& cache, UnixTime now, const ServeOptions& options) {
  CacheView v = look_in_cache_uncounted(need, cache, now, options);
  if (v.fresh) {
    cache.count(v.fresh->provenance.service, Stat::hits);
  } else if (v.considered) {
    cache.count(v.first_service, Stat::misses);
    if (!v.problems.empty()) cache.count_unusable_miss();
  }
  return v;
}

Served from_stale(const Need& need, Candidate& stale, UnixTime now, std::string why, Storage& cache) {
  cache.note_stale_served(stale.source->service, stale.lookup.remote);
  return {need,
          stale.source->record,
          std::move(stale.record),
          {SourceKind::stale_cache, std::string(stale.source->service), stale.lookup.created_at,
           now - stale.lookup.created_at, std::move(why), stale.lookup.remote}};
}

// Every entry the needs may be served from, asked of the cache at once (a
// remote tier answers in a few round trips instead of one per lookup).
void prefetch(const std::vector<Need>& needs, Storage& cache, const ServeOptions& options) {
  std::vector<StorageKey> keys;
  for (const Need& need : needs)
    for (const NeedSource& src : need.chain)
      if (allowed(options, src.service)) keys.push_back({std::string(src.service), src.key});
  cache.prefetch(keys);
}

Served missing(const Need& need, std::string why) {
  RecordKind kind = need.chain.front().record;
  return {
      need, kind, empty_record(kind), {SourceKind::missing, "", std::nullopt, std::nullopt, std::move(why)}};
}

// The needs other machines were fetching: each taken from the shared cache
// once its claim is released, or fetched here when the other machine gave
// up without storing it (or its claim lapsed, or the tier went down).
template <class Hand>
void wait_for_the_team(const std::vector<Need>& needs, std::vector<size_t> parked,
                       std::vector<std::optional<Served>>& out, Storage& cache, const Clock& clock,
                       const ServeOptions& options, NeedFetcher* fetcher, const Hand& hand) {
  if (parked.empty()) return;
  log_info(std::to_string(parked.size()) +
           " needs are being fetched by another machine of the team: waiting");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(options.flight_wait);
  // Looked at every 100 ms at first, then less often (at most every 2 s) while nothing changes.
  double pause = 0.1;
  while (!parked.empty() && interrupt_signal() == 0) {
    std::this_thread::sleep_for(std::chrono::duration<double>(pause));
    const bool late = std::chrono::steady_clock::now() >= deadline;
    std::vector<std::pair<std::string, std::string>> flights;
    for (size_t i : parked) flights.push_back({"need", flight_name(needs[i])});
    const auto held = late ? std::nullopt : options.team->claimed(flights);
    std::vector<size_t> still, mine;
    for (size_t k = 0; k < parked.size(); ++k) {
      const size_t i = parked[k];
      if (held && (*held)[k]) {
        still.push_back(i);
        continue;
      }
      CacheView v = look_in_cache_uncounted(needs[i], cache, clock.now(), options);
      if (v.fresh) {
        out[i] = std::move(v.fresh);
        continue;
      }
      // Not stored by the other machine: fetched here, unless a third one took it up (or stored it since).
      const Team::Claim claim = held ? options.team->claim("need", flight_name(needs[i]), options.flight_hold)
                                     : Team::Claim::unknown;
      if (claim == Team::Claim::theirs) {
        still.push_back(i);
        continue;
      }
      if (claim == Team::Claim::mine)
        if (CacheView again = look_in_cache_uncounted(needs[i], cache, clock.now(), options); again.fresh) {
          out[i] = std::move(again.fresh);
          options.team->release("need", flight_name(needs[i]));
          continue;
        }
      mine.push_back(i);
    }
    for (size_t i : mine) hand(i);
    if (!mine.empty()) fetcher->run();
    pause = still.size() == parked.size() ? std::min(2.0, pause * 1.5) : 0.1;
    parked = std::move(still);
  }
}

}  // namespace

std::string flight_name(const Need& need) {
  return std::string(need_kind_name(need.kind)) + ":" + need.subject;
}

std::vector<Served> serve_needs(const std::vector<Need>& needs, Storage& cache, const Clock& clock,
                                const ServeOptions& options, NeedFetcher* fetcher, const TtlTable& ttls) {
  const UnixTime now = clock.now();
  prefetch(needs, cache, options);
  std::vector<std::optional<Served>> out(needs.size());
  std::vector<CacheView> views(needs.size());
  for (size_t i = 0; i < needs.size(); ++i) {
    views[i] = look_in_cache(needs[i], cache, now, options);
    if (views[i].fresh) out[i] = std::move(views[i].fresh);
  }
  if (fetcher && !options.offline) {
    auto hand = [&](size_t i) {
      fetcher->fetch(needs[i], [&, i](FetchOutcome outcome) {
        auto& got = outcome.fetched;
        if (!got) {
          views[i].problems = "; " + describe(outcome.failures) + views[i].problems;
        } else {
          if (auto stored = cache.put(got->service, got->key, ttls.ttl(got->service, got->data),
                                      record_to_json(got->record));
              !stored)
            log_warning("not cached: " + stored.error().message);  // served all the same
          out[i] = Served{needs[i],
                          got->kind,
                          std::move(got->record),
                          {SourceKind::network, got->service, clock.now(), 0, "", false}};
        }
        // Stored (in the shared tier too): the machines waiting for it take it from there.
        if (options.team) options.team->release("need", flight_name(needs[i]));
      });
    };
    // Single flight: a need another machine of the team is fetching waits for its entry.
    std::vector<size_t> parked;
    for (size_t i = 0; i < needs.size(); ++i) {
      if (out[i] || !views[i].considered) continue;
      if (options.team) {
        const Team::Claim claim = options.team->claim("need", flight_name(needs[i]), options.flight_hold);
        if (claim == Team::Claim::theirs) {
          parked.push_back(i);
          continue;
        }
        // Claimed now: another machine may have stored it since this run looked.
        if (claim == Team::Claim::mine)
          if (CacheView v = look_in_cache_uncounted(needs[i], cache, clock.now(), options); v.fresh) {
            out[i] = std::move(v.fresh);
            options.team->release("need", flight_name(needs[i]));
            continue;
          }
      }
      hand(i);
    }
    if (options.team)
      options.team->extend_claims(options.flight_hold);  // claimed one by one: hold them all anew
    fetcher->run();
    wait_for_the_team(needs, std::move(parked), out, cache, clock, options, fetcher, hand);
    // What this machine could not fetch (the team's quota spent by the others,
    // say) another machine may have stored meanwhile.
    if (options.team)
      for (size_t i = 0; i < needs.size(); ++i)
        if (!out[i] && views[i].considered)
          if (CacheView v = look_in_cache_uncounted(needs[i], cache, clock.now(), options); v.fresh)
            out[i] = std::move(v.fresh);
  }
  std::vector<Served> served;
  served.reserve(needs.size());
  for (size_t i = 0; i < needs.size(); ++i) {
    if (out[i]) {
      served.push_back(std::move(*out[i]));
      continue;
    }
    CacheView& v = views[i];
    std::string problems = v.problems.empty() ? "" : v.problems.substr(2);
    if (v.stale) {
      std::string why =
          options.offline ? "offline; expired cache entry" : "network failed; expired cache entry";
      served.push_back(
          from_stale(needs[i], *v.stale, now, why + (problems.empty() ? "" : " (" + problems + ")"), cache));
    } else if (!v.considered) {
      served.push_back(missing(needs[i], "every provider excluded by --services"));
    } else if (options.offline) {
      served.push_back(
          missing(needs[i], "offline and not in the cache" + (problems.empty() ? "" : "; " + problems)));
    } else {
      served.push_back(missing(needs[i], problems.empty() ? "no provider answered" : problems));
    }
  }
  return served;
}

std::vector<PlannedNeed> plan_sources(const std::vector<Need>& needs, Storage& cache, const Clock& clock,
                                      const ServeOptions& options, const std::set<std::string>& enabled) {
  const UnixTime now = clock.now();
  prefetch(needs, cache, options);
  std::vector<PlannedNeed> out;
  for (const Need& need : needs) {
    CacheView v = look_in_cache_uncounted(need, cache, now, options);
    if (v.fresh) {
      out.push_back({&need, "fresh cache (" + v.fresh->provenance.service + ")", SourceKind::cache});
      continue;
    }
    std::string chain;
    for (const NeedSource& src : need.chain)
      if (allowed(options, src.service) && enabled.count(std::string(src.service)))
        chain += (chain.empty() ? "" : " -> ") + std::string(src.service);
    std::string stale = v.stale ? "stale cache (" + std::string(v.stale->source->service) + ")" : "";
    if (!options.offline && !chain.empty())
      out.push_back({&need, "network: " + chain + (stale.empty() ? "" : "; " + stale + " if it fails"),
                     SourceKind::network});
    else if (!stale.empty())
      out.push_back({&need, stale, SourceKind::stale_cache});
    else
      out.push_back({&need,
                     options.offline ? "missing (offline, not cached)" : "missing (no enabled provider)",
                     SourceKind::missing});
  }
  return out;
}

}  // namespace thd
