// One provider (SPEC §7): its identity and limits, which needs it serves
// with which cache key, how it asks for each, and how it reads the answer.
// Each lives in its own module under services/providers/, and the registry
// (services/providers/registry.hpp) is the table of them.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/date.hpp"
#include "core/base/env.hpp"
#include "core/base/error.hpp"
#include "core/base/need.hpp"
#include "core/base/records.hpp"
#include "core/base/symbols.hpp"
#include "core/base/ttl.hpp"

namespace thd {

enum class KeyRequirement { none, optional, required };

struct ProviderInfo {
  std::string_view name;  // one of k_service_names: its cache directory
  std::string_view default_base_url;
  std::string_view key_env;  // empty when the service takes no key
  KeyRequirement key;
  std::string_view description;
  double per_minute;  // the provider's rate limit (SPEC §6); 0: none
  int per_day;        // the free plan's daily quota; 0: none
  // At most this many requests in any one second (SEC's fair access: 10,
  // Alpha Vantage: 1); 0: no such rule. Unlike per_minute, no burst beyond it.
  int per_second = 0;
  int per_month = 0;  // a monthly quota instead of a daily one (CoinGecko's demo plan); 0: none
  // A setting that must name a contact (an e-mail address) or the service is
  // disabled, like a missing key (SEC's fair access policy).
  std::string_view contact_env = {};
  // Its quota is so small that it is tried after every other provider of a
  // chain that can serve the need (Alpha Vantage's 25 a day).
  bool scarce = false;
  // Answers that several needs share (Alpha Vantage's OVERVIEW serves a
  // profile and fundamentals; CoinGecko's simple/price every coin of the
  // run): identical requests of a run are made once.
  bool shared_answers = false;
  // Cookies are kept for the run (Yahoo's consent cookie).
  bool cookies = false;
  // A second key, for a paid plan (CoinGecko's Pro key); empty: none.
  std::string_view paid_key_env = {};
  // The only symbols its free plan serves, as the provider documents them
  // (FMP's 87); empty: no such rule. Once a key's plan has refused a symbol
  // for an endpoint, other symbols outside the list are not asked of it.
  std::span<const std::string_view> plan_symbols = {};
};

// What an error answer of a provider means, beyond "this request failed".
enum class Verdict : std::uint8_t {
  none,          // the engine's rules: 429 and 5xx retried, other statuses a plain failure
  no_data,       // the provider has nothing for this request (not a failure of the service)
  not_on_plan,   // the key's plan does not include it (FMP's 402): permanent, remembered
  key_rejected,  // the key is refused: the service stops for the run, its breaker opens
  quota_spent,   // the plan's daily (or monthly) quota is spent: no call until it resets
  throttled,     // "slow down": not retried; the breaker opens for `backoff` seconds
  retry_later,   // a per-second limit was hit: the same request again after `backoff` seconds
  session,       // the session (Yahoo's cookie and crumb) is missing or stale: renew it, then retry
};

struct Reading {
  Verdict verdict = Verdict::none;
  std::string message;  // the provider's words, redacted and printable ("Invalid API KEY")
  double backoff = 0;   // seconds, for throttled and retry_later
};

// What a request is built from, besides the need.
struct RequestContext {
  std::string base_url;  // no trailing slash
  std::string key;       // empty without one; never logged
  Date today;
  EnvLookup env;                         // provider settings (SEC's contact)
  const std::string* shared = nullptr;   // the provider's shared document, once fetched
  const std::string* session = nullptr;  // the provider's session token (Yahoo's crumb), once made
  // Every subject of the run's needs this provider may be asked for, sorted
  // (CoinGecko asks for every coin in one request).
  const std::vector<std::string>* subjects = nullptr;
  std::string user_agent;  // the user's User-Agent for this provider; empty: the provider's own
  const SymbolOverrides* symbols = nullptr;  // the user's spellings ([symbols] in the config file)
};

// How `provider` spells `ticker` in this context (services/providers/symbols.hpp).
std::string spelled(std::string_view provider, std::string_view ticker, const RequestContext& c);

// A session a provider needs before its data requests (Yahoo: a consent
// cookie, then a crumb): each step is fetched in order with the run's
// cookies; the last one's body is the token.
struct SessionSetup {
  std::vector<std::string> urls;
  std::vector<std::string> headers;
  std::function<Result<std::string>(std::string_view body)> token;  // reads the last step's body
};

struct ProviderRequest {
  std::string url;
  std::vector<std::string> headers;
  // The adapter is the validator: an error in disguise is an error
  // (bad_body), "nothing for this symbol" is FailureKind::no_data.
  std::function<Result<Record>(std::string_view body)> parse;
  // Reads an answer with an error status; empty: the engine's rules.
  std::function<Reading(long status, std::string_view body)> read_error;
  bool keyed = false;  // it carries a key besides the context's (a paid plan's)
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
  std::function<Reading(long status, std::string_view body)> read_error;
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
  // The session the requests need, if any: made once per run, when an answer says so (Verdict::session).
  virtual std::optional<SessionSetup> session_setup(const RequestContext&) const { return std::nullopt; }
  // The other need kinds one answer of this provider also serves (Alpha
  // Vantage's OVERVIEW: a profile and fundamentals), so that both are cached.
  virtual std::vector<NeedKind> same_answer(NeedKind) const { return {}; }
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
