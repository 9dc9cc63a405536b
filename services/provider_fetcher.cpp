#include "services/provider_fetcher.hpp"

#include <cstdio>

#include "core/log.hpp"
#include "services/adapters.hpp"

namespace thd {

std::string yahoo_symbol(std::string_view ticker) {
  std::string out;
  for (char c : ticker) {
    if (c == '.')
      out += '-';
    else if (c == '^')
      out += "%5E";
    else
      out += c;
  }
  return out;
}

struct ProviderFetcher::Attempt {
  Need need;
  Done done;
  std::vector<std::string> failures;  // "fmp: HTTP 500", ...
};

namespace {

std::string subject_of(const NeedSource& src) {
  return src.key.substr(src.key.find(':') + 1);
}

// The request for one provider of one need, and how to read its answer.
struct Call {
  std::string url;
  std::vector<std::string> headers;
  std::function<Result<Record>(std::string_view)> parse;
};

template <class T>
Result<Record> as_record(Result<T> r) {
  if (!r) return fail(r.error());
  return Record(std::move(*r));
}

std::optional<Call> call_for(const Need& need, const NeedSource& src, const ProviderSettings& s) {
  const std::string base =
      s.base_urls.count(std::string(src.service)) ? s.base_urls.at(std::string(src.service)) : "";
  const std::string key = s.keys.count(std::string(src.service)) ? s.keys.at(std::string(src.service)) : "";
  const std::string sym = need.subject;
  const Date today = s.today;
  std::string_view svc = src.service;
  if (svc == "yahoo_finance") {
    std::string chart_symbol = subject_of(src);  // "^VIX:1y:1d" -> "^VIX" (the VIX need's subject is "VIX")
    chart_symbol = chart_symbol.substr(0, chart_symbol.find(':'));
    return Call{base + "/v8/finance/chart/" + yahoo_symbol(chart_symbol) + "?range=1y&interval=1d",
                {},
                [today](std::string_view b) { return as_record(parse_yahoo_chart(b, today)); }};
  }
  if (svc == "fmp") {
    if (need.kind == NeedKind::market)
      return Call{base + "/stable/quote?symbol=" + sym + "&apikey=" + key, {}, [](std::string_view b) {
                    return as_record(parse_fmp_quote(b));
                  }};
    if (need.kind == NeedKind::profile)
      return Call{base + "/stable/profile?symbol=" + sym + "&apikey=" + key, {}, [](std::string_view b) {
                    return as_record(parse_fmp_profile(b));
                  }};
    if (need.kind == NeedKind::fundamentals)
      return Call{base + "/stable/ratios-ttm?symbol=" + sym + "&apikey=" + key, {}, [](std::string_view b) {
                    return as_record(parse_fmp_ratios(b));
                  }};
  }
  if (svc == "alpha_vantage") {
    if (need.kind == NeedKind::market)
      return Call{base + "/query?function=GLOBAL_QUOTE&symbol=" + sym + "&apikey=" + key,
                  {},
                  [](std::string_view b) { return as_record(parse_alpha_vantage_quote(b)); }};
    if (need.kind == NeedKind::profile)
      return Call{base + "/query?function=OVERVIEW&symbol=" + sym + "&apikey=" + key,
                  {},
                  [](std::string_view b) { return as_record(parse_alpha_vantage_profile(b)); }};
    if (need.kind == NeedKind::fundamentals)
      return Call{base + "/query?function=OVERVIEW&symbol=" + sym + "&apikey=" + key,
                  {},
                  [](std::string_view b) { return as_record(parse_alpha_vantage_fundamentals(b)); }};
  }
  if (svc == "fred_economic") {
    std::string series = subject_of(src);
    return Call{base + "/fred/series/observations?series_id=" + series + "&api_key=" + key +
                    "&file_type=json&sort_order=desc&limit=20",
                {},
                [](std::string_view b) { return as_record(parse_fred_series(b)); }};
  }
  if (svc == "imf_data") {
    std::string indicator = need.subject;
    std::string country(k_imf_country);
    int year = today.year;
    return Call{base + "/external/datamapper/api/v1/" + indicator + "/" + country,
                {},
                [indicator, country, year](std::string_view b) {
                  return as_record(parse_imf(b, indicator, country, year));
                }};
  }
  if (svc == "coingecko") {
    std::string coin = need.subject;
    std::vector<std::string> headers;
    if (!key.empty()) headers.push_back("x-cg-demo-api-key: " + key);  // a header keeps it out of URLs
    return Call{base + "/api/v3/simple/price?ids=" + coin +
                    "&vs_currencies=usd&include_24hr_change=true&include_market_cap=true",
                headers, [coin](std::string_view b) { return as_record(parse_coingecko(b, coin)); }};
  }
  return std::nullopt;
}

}  // namespace

ProviderFetcher::ProviderFetcher(HttpEngine& engine, ProviderSettings settings, CacheStore& cache,
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

void ProviderFetcher::try_from(std::shared_ptr<Attempt> attempt, size_t index) {
  const Need& need = attempt->need;
  for (; index < need.chain.size(); ++index) {
    const NeedSource& src = need.chain[index];
    if (!m_settings.enabled.count(std::string(src.service))) {
      // Said in the reason, so a missing figure names the keys that would bring it.
      attempt->failures.push_back(std::string(src.service) + ": disabled (see the run's service list)");
      continue;
    }
    if (src.service == "sec_edgar") {
      fetch_sec_profile(attempt, index);
      return;
    }
    auto call = call_for(need, src, m_settings);
    if (!call) continue;
    submit_parsed(attempt, index, std::move(call->url), std::move(call->headers), std::move(call->parse));
    return;
  }
  std::string reason;
  for (const auto& f : attempt->failures) reason += (reason.empty() ? "" : "; ") + f;
  attempt->done(std::nullopt, reason.empty() ? "no enabled provider for it" : reason);
}

void ProviderFetcher::submit_parsed(std::shared_ptr<Attempt> attempt, size_t index, std::string url,
                                    std::vector<std::string> headers,
                                    std::function<Result<Record>(std::string_view)> parse) {
  const NeedSource& src = attempt->need.chain[index];
  HttpRequest request{std::string(src.service), std::move(url), std::move(headers), nullptr};
  // The adapter is the validator: an error in disguise is a failure the engine
  // counts; "no data for this symbol" is an answer, not a failure of the service.
  auto parsed = std::make_shared<std::optional<Record>>();
  request.validate = [parse = std::move(parse), parsed](std::string_view body) -> std::optional<BodyProblem> {
    auto r = parse(body);
    if (!r) return BodyProblem{r.error().message, is_no_data(r.error())};
    *parsed = std::move(*r);
    return std::nullopt;
  };
  m_engine.submit(std::move(request), [this, attempt, index, parsed](HttpResult&& result) {
    const NeedSource& source = attempt->need.chain[index];
    if (result.outcome == Outcome::ok && *parsed) {
      attempt->done(Fetched{std::string(source.service), source.record, std::move(**parsed), source.key}, "");
      return;
    }
    attempt->failures.push_back(
        std::string(source.service) + ": " +
        (result.error.empty() ? std::string(outcome_name(result.outcome)) : result.error));
    try_from(attempt, index + 1);
  });
}

void ProviderFetcher::fetch_sec_profile(std::shared_ptr<Attempt> attempt, size_t index) {
  const std::string ua = m_settings.sec_user_agent;
  auto lookup_submissions = [this, attempt, index, ua](std::string_view tickers_json) {
    auto cik = parse_sec_company_tickers(tickers_json, attempt->need.subject);
    if (!cik || !*cik) {
      attempt->failures.push_back(
          "sec_edgar: " + (cik ? std::string("ticker not in company_tickers.json") : cik.error().message));
      try_from(attempt, index + 1);
      return;
    }
    char path[64];
    std::snprintf(path, sizeof path, "/submissions/CIK%010llu.json", static_cast<unsigned long long>(**cik));
    submit_parsed(attempt, index, m_settings.base_urls.at("sec_edgar") + path, {"User-Agent: " + ua},
                  [](std::string_view body) -> Result<Record> {
                    auto r = parse_sec_submissions(body);
                    if (!r) return fail(r.error());
                    return Record(std::move(*r));
                  });
  };
  if (m_sec_tickers) {
    lookup_submissions(*m_sec_tickers);
    return;
  }
  // company_tickers.json: from the cache (7 days), else fetched once per run
  // however many needs wait for it.
  if (!m_sec_fetching) {
    Lookup cached = m_cache.get("sec_edgar", "company_tickers");
    if (cached.status == LookupStatus::fresh) {
      m_sec_tickers = std::move(cached.data);
      lookup_submissions(*m_sec_tickers);
      return;
    }
  }
  m_sec_waiters.push_back([this, attempt, index, lookup_submissions](const std::string* error) {
    if (error) {
      attempt->failures.push_back("sec_edgar: company_tickers.json: " + *error);
      try_from(attempt, index + 1);
    } else {
      lookup_submissions(*m_sec_tickers);
    }
  });
  if (m_sec_fetching) return;
  m_sec_fetching = true;
  HttpRequest request{"sec_edgar", m_settings.sec_tickers_url, {"User-Agent: " + ua}, nullptr};
  request.validate = [](std::string_view body) -> std::optional<BodyProblem> {
    auto probe = parse_sec_company_tickers(body, "AAPL");
    if (!probe) return BodyProblem{probe.error().message, false};
    return std::nullopt;
  };
  m_engine.submit(std::move(request), [this](HttpResult&& result) {
    m_sec_fetching = false;
    std::optional<std::string> error;
    if (result.outcome == Outcome::ok) {
      m_sec_tickers = result.body;
      if (auto stored = m_cache.put("sec_edgar", "company_tickers", m_ttls.ttl("sec_edgar", DataKind::sec),
                                    result.body);
          !stored)
        log_warning("not cached: " + stored.error().message);
    } else {
      error = result.error.empty() ? std::string(outcome_name(result.outcome)) : result.error;
    }
    auto waiters = std::move(m_sec_waiters);
    m_sec_waiters.clear();
    for (auto& w : waiters) w(error ? &*error : nullptr);
  });
}

}  // namespace thd
