// The vocabulary of Phase 2 (SPEC §4.3): a need is one piece of market
// context the run wants, with its provider chain (SPEC §7) and the cache
// key it has under every provider of the chain.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/base/records.hpp"
#include "core/base/ttl.hpp"

namespace thd {

enum class NeedKind { market, profile, fundamentals, vix, series, imf, crypto };
std::string_view need_kind_name(NeedKind k);

// Which needs the network serves first when the providers' plans, the
// budget or the time cannot serve them all: the market data of open
// positions, then the benchmarks and the VIX, macro series (FRED, IMF),
// crypto, profiles, fundamentals of tickers without a local analysis, and
// last the rest (--full-market-data's closed tickers).
enum class NeedPriority { open_position, benchmark, macro, crypto, profile, fundamentals, other };
std::string_view need_priority_name(NeedPriority p);

struct NeedSource {
  std::string_view service;
  std::string key;    // cache key, e.g. "chart:AAPL:1y:1d"
  RecordKind record;  // what the cached data decodes to
  DataKind data;      // whose TTL it is cached with
};

struct Need {
  NeedKind kind;
  std::string subject;  // ticker, series id, indicator or coin id
  std::vector<NeedSource> chain;
  NeedPriority priority = NeedPriority::other;
};

}  // namespace thd
