// One provider (SPEC §7): its identity and limits, which needs it serves
// with which cache key, how it asks for each, and how it reads the answer.
// Each lives in its own module under services/providers/, and the registry
// (services/providers/registry.hpp) is the table of them.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/date.hpp"
#include "core/base/env.hpp"
#include "core/base/error.hpp"
#include "core/base/need.hpp"
#include "core/base/records.hpp"
#include "core/base/ttl.hpp"

namespace thd {

enum class KeyRequirement { none, optional, required };

struct ProviderInfo {
  std::string_view name;  // one of k_service_names: its cache directory
  std::string_view default_base_url;
  std::string_view key_env;  // empty when the service takes no key
  KeyRequirement key;
  std::string_view description;
  double per_minute;  // the provider's rate limit (SPEC §6)
  int per_day;        // 0: no daily quota
};

// What a request is built from, besides the need.
struct RequestContext {
  std::string base_url;  // no trailing slash
  std::string key;       // empty without one; never logged
  Date today;
  EnvLookup env;                        // provider settings (SEC's contact)
  const std::string* shared = nullptr;  // the provider's shared document, once fetched
};

struct ProviderRequest {
  std::string url;
  std::vector<std::string> headers;
  // The adapter is the validator: an error in disguise is an error
  // (bad_body), "nothing for this symbol" is FailureKind::no_data.
  std::function<Result<Record>(std::string_view body)> parse;
};

// A document that many needs of a provider share, fetched once per run and
// cached under `cache_key` (SEC's company_tickers.json: ticker -> CIK).
struct SharedDocument {
  std::string name;  // for messages: "company_tickers.json"
  std::string cache_key;
  DataKind data;
  std::string url;
  std::vector<std::string> headers;
  std::function<Result<void>(std::string_view body)> validate;
};

class Provider {
 public:
  virtual ~Provider() = default;
  virtual const ProviderInfo& info() const = 0;
  // Where a need of this kind is cached under this provider, and what the
  // entry decodes to; nullopt when the provider does not serve the kind.
  virtual std::optional<NeedSource> source_for(NeedKind kind, const std::string& subject) const = 0;
  // The request for one need. A failure skips this provider for the need
  // (SEC: a ticker that company_tickers.json does not list).
  virtual Result<ProviderRequest> request(const Need& need, const NeedSource& source,
                                          const RequestContext& context) const = 0;
  // The document the requests need first, if any.
  virtual std::optional<SharedDocument> shared_document(const RequestContext&) const { return std::nullopt; }
};

// The cache keys of a provider that serves a symbol's quote, profile and
// fundamentals: "quote:AAPL", "profile:AAPL", "fundamentals:AAPL".
inline std::optional<NeedSource> symbol_source(std::string_view service, NeedKind kind,
                                               const std::string& subject) {
  switch (kind) {
    case NeedKind::market:
      return NeedSource{service, "quote:" + subject, RecordKind::market, DataKind::quote};
    case NeedKind::profile:
      return NeedSource{service, "profile:" + subject, RecordKind::profile, DataKind::profile};
    case NeedKind::fundamentals:
      return NeedSource{service, "fundamentals:" + subject, RecordKind::fundamentals, DataKind::fundamentals};
    default: return std::nullopt;
  }
}

}  // namespace thd
