#include "services/provider_fetcher.hpp"

#include "core/base/log.hpp"
#include "services/providers/adapters.hpp"
#include "services/providers/registry.hpp"

namespace thd {

struct ProviderFetcher::Attempt {
  Need need;
  Done done;
  std::vector<ProviderFailure> failures;  // in chain order
};

namespace {

FailureKind failure_of(Outcome o) {
  switch (o) {
    case Outcome::ok: return FailureKind::other;
    case Outcome::http_status: return FailureKind::http_status;
    case Outcome::timeout: return FailureKind::timeout;
    case Outcome::connect_error: return FailureKind::transport;
    case Outcome::too_large: return FailureKind::too_large;
    case Outcome::bad_body: return FailureKind::bad_body;
    case Outcome::no_data: return FailureKind::no_data;
    case Outcome::circuit_open: return FailureKind::circuit_open;
    case Outcome::rate_limited: return FailureKind::rate_limited;
    case Outcome::budget_spent: return FailureKind::budget_spent;
    case Outcome::refused: return FailureKind::refused;
    case Outcome::cancelled: return FailureKind::cancelled;
    case Outcome::redirect_refused: return FailureKind::refused;
    case Outcome::tls_failed: return FailureKind::transport;
    case Outcome::count_: break;
  }
  return FailureKind::other;
}

std::string message_of(const HttpResult& r) {
  return r.error.empty() ? std::string(outcome_name(r.outcome)) : r.error;
}

}  // namespace

ProviderFetcher::ProviderFetcher(HttpEngine& engine, ProviderSettings settings, Storage& cache,
                                 const TtlTable& ttls)
    : m_engine(engine), m_settings(std::move(settings)), m_cache(cache), m_ttls(ttls) {}

void ProviderFetcher::fetch(const Need& need, Done done) {
  auto attempt = std::make_shared<Attempt>();
  attempt->need = need;
  attempt->done = std::move(done);
  try_from(attempt, 0);
}

void ProviderFetcher::run() {
  m_engine.run();
}

RequestContext ProviderFetcher::context_for(const Provider& provider) const {
  const std::string name(provider.info().name);
  RequestContext c;
  if (auto it = m_settings.base_urls.find(name); it != m_settings.base_urls.end()) c.base_url = it->second;
  if (auto it = m_settings.keys.find(name); it != m_settings.keys.end()) c.key = it->second;
  c.today = m_settings.today;
  c.env = m_settings.env;
  if (auto it = m_shared.find(name); it != m_shared.end() && it->second.body) c.shared = &*it->second.body;
  return c;
}

void ProviderFetcher::try_from(std::shared_ptr<Attempt> attempt, size_t index) {
  const Need& need = attempt->need;
  for (; index < need.chain.size(); ++index) {
    const NeedSource& src = need.chain[index];
    const Provider* provider = find_provider(src.service);
    if (!provider) continue;
    if (!m_settings.enabled.count(std::string(src.service))) {
      attempt->failures.push_back({std::string(src.service), FailureKind::disabled, ""});
      continue;
    }
    if (auto doc = provider->shared_document(context_for(*provider))) {
      with_shared(*provider, *doc, [this, attempt, index, provider, name = doc->name](const Error* error) {
        if (error) {
          attempt->failures.push_back(
              {std::string(provider->info().name), error->kind, name + ": " + error->message});
          try_from(attempt, index + 1);
          return;
        }
        submit(attempt, index, *provider);
      });
      return;
    }
    submit(attempt, index, *provider);
    return;
  }
  attempt->done({std::nullopt, std::move(attempt->failures)});
}

void ProviderFetcher::submit(std::shared_ptr<Attempt> attempt, size_t index, const Provider& provider) {
  const NeedSource& src = attempt->need.chain[index];
  const RequestContext context = context_for(provider);
  auto built = provider.request(attempt->need, src, context);
  if (!built) {
    attempt->failures.push_back({std::string(src.service), built.error().kind, built.error().message});
    try_from(attempt, index + 1);
    return;
  }
  HttpRequest request{std::string(src.service), std::move(built->url), std::move(built->headers), nullptr};
  request.keyed = !context.key.empty();  // never sent to any host but the provider's
  // The parser is the validator: an error in disguise is a failure the engine
  // counts; "no data for this symbol" is an answer, not a failure of the service.
  auto parsed = std::make_shared<std::optional<Record>>();
  request.validate = [parse = std::move(built->parse),
                      parsed](std::string_view body) -> std::optional<BodyProblem> {
    auto r = parse(body);
    if (!r) return BodyProblem{r.error().message, is_no_data(r.error())};
    *parsed = std::move(*r);
    return std::nullopt;
  };
  m_engine.submit(std::move(request), [this, attempt, index, parsed](HttpResult&& result) {
    const NeedSource& source = attempt->need.chain[index];
    if (result.outcome == Outcome::ok && *parsed) {
      attempt->done(
          {Fetched{std::string(source.service), source.record, std::move(**parsed), source.key, source.data},
           std::move(attempt->failures)});
      return;
    }
    attempt->failures.push_back(
        {std::string(source.service), failure_of(result.outcome), message_of(result)});
    try_from(attempt, index + 1);
  });
}

void ProviderFetcher::with_shared(const Provider& provider, const SharedDocument& doc,
                                  std::function<void(const Error*)> then) {
  const std::string service(provider.info().name);
  Shared& shared = m_shared[service];
  if (shared.body) {
    then(nullptr);
    return;
  }
  // From the cache when fresh, else fetched once per run however many needs wait for it.
  if (!shared.fetching) {
    Lookup cached = m_cache.get(service, doc.cache_key);
    if (cached.status == LookupStatus::fresh) {
      shared.body = std::move(cached.data);
      then(nullptr);
      return;
    }
  }
  shared.waiters.push_back(std::move(then));
  if (shared.fetching) return;
  shared.fetching = true;
  HttpRequest request{service, doc.url, doc.headers, nullptr};
  request.validate = [validate = doc.validate](std::string_view body) -> std::optional<BodyProblem> {
    if (auto ok = validate(body); !ok) return BodyProblem{ok.error().message, false};
    return std::nullopt;
  };
  m_engine.submit(
      std::move(request), [this, service, key = doc.cache_key, data = doc.data](HttpResult&& result) {
        Shared& s = m_shared[service];
        s.fetching = false;
        std::optional<Error> error;
        if (result.outcome == Outcome::ok) {
          s.body = result.body;
          if (auto stored = m_cache.put(service, key, m_ttls.ttl(service, data), result.body); !stored)
            log_warning("not cached: " + stored.error().message);
        } else {
          error = Error{message_of(result), failure_of(result.outcome)};
        }
        auto waiters = std::move(s.waiters);
        s.waiters.clear();
        for (auto& w : waiters) w(error ? &*error : nullptr);
      });
}

}  // namespace thd
