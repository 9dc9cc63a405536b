// The network as the planner sees it: a NeedFetcher takes a need down its
// provider chain and says what came back, or why nothing did, provider by
// provider. services/ implements it over the engine; core/ and its tests
// know only this.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/base/error.hpp"
#include "core/base/need.hpp"
#include "core/base/records.hpp"
#include "core/base/ttl.hpp"

namespace thd {

// What the network step brings back for one need.
struct Fetched {
  std::string service;
  RecordKind kind = RecordKind::market;
  Record record;
  std::string key;                  // the cache key it is stored under
  DataKind data = DataKind::quote;  // whose TTL it is stored with
};

// One provider's failure for one need: the kind says what happened, the
// message is the provider's or the engine's words (never a key or a URL).
struct ProviderFailure {
  std::string service;
  FailureKind kind = FailureKind::other;
  std::string message;
  // Refused by the run's plan before any call (its quota, pace or budget):
  // counted as a request not sent. held_ahead: not spent, but what is left
  // is planned for needs ahead of this one.
  bool by_plan = false;
  bool held_ahead = false;
};

// A failure's cause in a few words, from its kind (never from its text), for
// the run's summary: "quota spent", "quota: planned for needs ahead", "timeout".
inline std::string failure_cause(const ProviderFailure& f) {
  switch (f.kind) {
    case FailureKind::disabled: return "disabled";
    case FailureKind::circuit_open: return "circuit open";
    case FailureKind::budget_spent: return "budget spent";
    case FailureKind::quota_exhausted: return f.held_ahead ? "quota: planned for needs ahead" : "quota spent";
    case FailureKind::auth_rejected: return "key rejected";
    case FailureKind::not_on_plan: return "not on the plan";
    case FailureKind::no_data: return "no data";
    case FailureKind::rate_limited: return "rate limited";
    case FailureKind::timeout: return "timeout";
    case FailureKind::transport: return "connection failed";
    case FailureKind::refused: return "refused (plain HTTP)";
    case FailureKind::http_status: return "HTTP error";
    case FailureKind::bad_body: return "bad answer";
    case FailureKind::too_large: return "answer too large";
    case FailureKind::cancelled: return "cancelled";
    case FailureKind::no_provider:
    case FailureKind::other: break;
  }
  return "failed";
}

// "fmp: HTTP 500", "alpha_vantage: disabled (no key: set ALPHA_VANTAGE_API_KEY)":
// the text is built from the kind, and the message where the kind needs one.
std::string describe(const ProviderFailure& failure);
// Every provider's failure in chain order, "; "-separated; "no enabled
// provider for it" when the chain had none to try.
std::string describe(const std::vector<ProviderFailure>& failures);

struct FetchOutcome {
  std::optional<Fetched> fetched;
  std::vector<ProviderFailure> failures;  // the providers tried before (or instead of) the one that answered
};

// fetch() goes down the need's chain (enabled providers only); `done` gets
// the outcome. run() drives every fetch to its end.
class NeedFetcher {
 public:
  using Done = std::function<void(FetchOutcome)>;
  virtual ~NeedFetcher() = default;
  virtual void fetch(const Need& need, Done done) = 0;
  virtual void run() = 0;
};

struct ServiceUsage {
  std::uint64_t calls = 0, failures = 0;  // attempts sent; requests that failed
  std::string circuit;                    // closed, open, half_open
  // Why the service stopped for the run, in the provider's words ("API key
  // rejected (HTTP 401): Invalid API KEY..."); empty when it did not.
  std::string stopped;
  std::uint64_t ok = 0;        // calls answered well (a request succeeds by one call)
  std::uint64_t not_sent = 0;  // requests refused before any call (breaker, quota, budget)
  std::string not_sent_cause;  // the commonest refusal among them ("circuit open")
};

struct NetworkUsage {
  std::uint64_t attempts = 0, succeeded = 0, connections = 0;
  std::map<std::string, std::uint64_t> failed;  // by outcome
  std::map<std::string, ServiceUsage> services;
};

}  // namespace thd
