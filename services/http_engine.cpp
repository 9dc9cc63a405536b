#include "services/http_engine.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cstdio>
#include <deque>
#include <mutex>

#include "core/base/date.hpp"
#include "core/base/json_writer.hpp"
#include "core/base/log.hpp"
#include "core/base/secrets.hpp"
#include "core/base/text.hpp"
#include "services/network_state.hpp"

namespace thd {

std::string_view outcome_name(Outcome o) {
  static constexpr std::string_view k_names[] = {
      "ok",           "http_status", "timeout",          "connect_error",  "too_large",
      "bad_body",     "no_data",     "circuit_open",     "rate_limited",   "budget_spent",
      "refused",      "cancelled",   "redirect_refused", "tls_failed",     "not_on_plan",
      "key_rejected", "quota_spent", "throttled",        "session_expired"};
  static_assert(std::size(k_names) == static_cast<size_t>(Outcome::count_));
  return k_names[static_cast<size_t>(o)];
}

std::uint64_t ServiceCounters::failures() const {
  std::uint64_t n = 0;
  for (size_t i = 1; i < outcomes.size(); ++i) n += outcomes[i];
  return n;
}

std::string quota_period(const ServiceLimit& limit, UnixTime now) {
  const std::string day = format_date(date_of(now - static_cast<UnixTime>(limit.reset_minutes) * 60));
  return limit.per_month > 0 ? day.substr(0, 7) : day;
}

bool plain_http_allowed(std::string_view url) {
  if (istarts_with(url, "https://")) return true;
  if (!istarts_with(url, "http://")) return false;  // no scheme, or another one: never
  std::string_view host = url.substr(7);
  host = host.substr(0, host.find_first_of("/?#"));
  if (auto at = host.rfind('@'); at != std::string_view::npos) host = host.substr(at + 1);
  if (host.starts_with("[::1]")) return true;
  host = host.substr(0, host.find(':'));
  if (host == "localhost") return true;
  // An IPv4 literal in 127.0.0.0/8: four numbers, the first 127.
  int parts = 0;
  for (std::string_view rest = host; !rest.empty();) {
    std::string_view part = rest.substr(0, rest.find('.'));
    if (part.empty() || part.size() > 3 || part.find_first_not_of("0123456789") != std::string_view::npos)
      return false;
    if (parts == 0 && part != "127") return false;
    ++parts;
    rest = part.size() < rest.size() ? rest.substr(part.size() + 1) : std::string_view();
  }
  return parts == 4;
}

std::string url_origin(std::string_view url) {
  CURLU* u = curl_url();
  std::string out;
  if (curl_url_set(u, CURLUPART_URL, std::string(url).c_str(), 0) == CURLUE_OK) {
    char *scheme = nullptr, *host = nullptr, *port = nullptr;
    if (curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK)
      out = to_lower(scheme) + "://" + to_lower(host) + ":" + port;
    curl_free(scheme);
    curl_free(host);
    curl_free(port);
  }
  curl_url_cleanup(u);
  return out;
}

std::optional<std::string> base_url_problem(std::string_view url) {
  if (!url.starts_with("https://") && !url.starts_with("http://"))
    return "a base URL must start with https:// or http://";
  for (char c : url)
    if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f)
      return "a base URL cannot hold spaces or control characters (percent-encode them)";
  if (url.find('#') != std::string_view::npos) return "a base URL cannot hold a fragment ('#')";
  // The authority: between "//" and the path; user info before '@' is not the host.
  const size_t host_start = url.find("://") + 3;
  const std::string_view rest = url.substr(host_start);
  std::string_view authority = rest.substr(0, rest.find_first_of("/?"));
  size_t user_info = 0;  // the user info's length with its '@' (it ends at the authority's last '@')
  if (size_t at = authority.rfind('@'); at != std::string_view::npos) {
    user_info = at + 1;
    authority.remove_prefix(user_info);
  }
  if (authority.empty()) return "no host after the scheme (e.g. https://api.example.com/v1)";
  const size_t bracket = authority.rfind(']');  // an IPv6 literal's colons are not a port
  const size_t colon = authority.rfind(':');
  if (colon != std::string_view::npos && (bracket == std::string_view::npos || colon > bracket)) {
    const std::string_view port = authority.substr(colon + 1);
    if (port.empty()) return "the port after ':' is empty (write host:8080, or drop the ':')";
    auto n = parse_int(port);
    if (!n || port.find_first_not_of("0123456789") != std::string_view::npos || *n < 1 || *n > 65535) {
      // With an '@' anywhere, this "port" may be a password cut at a '/', '?' or '#': never quote it.
      if (url.find('@') != std::string_view::npos)
        return "the port after ':' is not a number from 1 to 65535 (in user info, percent-encode "
               "'/', '?', '#' and '@': %2F, %3F, %23, %40)";
      return "the port '" + std::string(port) + "' is not a number from 1 to 65535";
    }
    if (colon == 0) return "no host before the port";
  }
  // The rest as libcurl reads it, without the user info (the credentials are not checked here).
  const std::string without_user =
      std::string(url.substr(0, host_start)) + std::string(rest.substr(user_info));
  CURLU* u = curl_url();
  const CURLUcode code = curl_url_set(u, CURLUPART_URL, without_user.c_str(), 0);
  curl_url_cleanup(u);
  if (code != CURLUE_OK) return "not a URL: " + to_lower(curl_url_strerror(code));
  return std::nullopt;
}

namespace {

std::once_flag g_curl_init;

// Credentials in the URL's user info ("https://user:pass@host/").
bool has_user_info(std::string_view url) {
  size_t scheme = url.find("://");
  std::string_view rest = scheme == std::string_view::npos ? url : url.substr(scheme + 3);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  return rest.find('@') != std::string_view::npos;
}

// A certificate that did not verify: the same answer on every attempt.
bool tls_verification_failed(CURLcode code) {
  return code == CURLE_PEER_FAILED_VERIFICATION || code == CURLE_SSL_CACERT_BADFILE ||
         code == CURLE_SSL_ISSUER_ERROR || code == CURLE_SSL_PINNEDPUBKEYNOTMATCH ||
         code == CURLE_SSL_INVALIDCERTSTATUS;
}

struct Job {
  HttpRequest request;
  HttpEngine::Done done;
  int attempts = 0;
  int redirects = 0;  // followed by the engine (keyed requests only)
  double ready_at = 0;
  std::string wait_cause;  // why it waits until ready_at ("rate limit", "retry after HTTP 503")
  // Waiting for its rate limit, it holds one of the budget and one of its
  // service's quota: a request that would be refused for them never waits.
  bool reserved = false;
  std::string period;  // the quota period its last attempt was counted in
};

constexpr int k_max_redirects = 3;
// The longest a provider's "slow down" holds its breaker open (SEC asks for 10 minutes).
constexpr double k_longest_pause = 900;

// ": what the provider said", or nothing.
std::string with(const std::string& message) {
  return message.empty() ? std::string() : ": " + message;
}

struct Transfer {
  CURL* easy = nullptr;
  curl_slist* headers = nullptr;
  std::unique_ptr<Job> job;
  std::string body;
  size_t max_body = 0;
  bool too_large = false;
  bool cookies = false;  // its handle had the cookie engine turned on: not reused
  double started = 0;
  char error_detail[CURL_ERROR_SIZE] = {};
};

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t n = size * count;
  if (t->body.size() + n > t->max_body) {
    t->too_large = true;
    return 0;  // aborts the transfer: over the cap is a failure, not a truncation
  }
  t->body.append(data, n);
  return n;
}

struct ServiceState {
  ServiceState(CircuitBreaker b, ServiceLimit l) : breaker(b), limit(l) {}
  std::optional<TokenBucket> bucket;
  std::optional<SlidingWindow> window;
  CircuitBreaker breaker;
  ServiceLimit limit;
  int quota = 0;                     // calls per period (day or month); 0: none
  std::string period;                // the quota period of this run ("2026-11-30" or "2026-11")
  int used_today = 0;                // persisted use plus this run's, in `period`
  int reserved = 0;                  // requests waiting for their rate limit, each holding one of the quota
  int added_today = 0;               // this run's, not saved yet
  bool spent = false;                // the provider said the quota is spent (persisted for the period)
  bool team_spent = false;           // the team's shared count has no room left in the period
  double team_next_look = 0;         // when to look at the team's breaker again (monotonic)
  double team_published_until = -1;  // the open_until told to the team (or learned from it)
  bool team_opened = false;          // the team knows this breaker open: its half-open probe is the team's
  bool team_probe = false;           // this machine holds the team's probe
  bool spent_unsaved = false;
  std::string spent_message;  // what the provider said
  std::string stopped;        // the service stopped for the run (its key was rejected): why
  std::string paused;         // why the breaker is open, when a provider said "slow down"
  // A service's first request goes alone: a rejected key, a refused client or
  // a spent quota then costs one call, not one per free slot.
  bool answered = false;
  int in_flight = 0;
  // A breaker restored from the saved state, as saved: saved again unchanged
  // (not re-derived from the monotonic clock, which would drift it).
  std::optional<std::pair<double, UnixTime>> restored;  // monotonic open-until, wall open-until
  std::optional<UnixTime> restored_opened;              // when it opened, if saved
  std::optional<std::pair<double, UnixTime>>
      forced;  // a provider's pause: monotonic open-until, wall opened-at
};

// A second has room for this many requests by our clock only if it has room
// for them by the provider's: the window is this much longer than a second
// (network jitter brings two requests sent 1.0 s apart closer on arrival).
constexpr double k_window_seconds = 1.15;

}  // namespace

struct HttpEngine::Impl {
  EngineOptions options;
  std::map<std::string, ServiceLimit> limits;
  Clock& clock;
  CURLM* multi = nullptr;
  std::vector<CURL*> idle;
  std::deque<std::unique_ptr<Job>> waiting;
  std::map<CURL*, std::unique_ptr<Transfer>> in_flight;
  std::map<std::string, ServiceState> services;
  std::map<std::string, ServiceCounters> counters;
  std::optional<TokenBucket> global_bucket;
  NetworkState persisted;
  int budget = 0;
  int reserved_budget = 0;  // held by requests waiting for their rate limit
  int max_in_flight = 0;
  std::uint64_t connections = 0;
  std::uint64_t answered = 0;
  double busy_seconds = 0;

  CURLSH* cookie_jar = nullptr;  // the run's cookies, for requests that keep them

  Impl(EngineOptions o, std::map<std::string, ServiceLimit> l, Clock& c)
      : options(std::move(o)), limits(std::move(l)), clock(c) {
    std::call_once(g_curl_init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
    multi = curl_multi_init();
    cookie_jar = curl_share_init();
    curl_share_setopt(cookie_jar, CURLSHOPT_SHARE, CURL_LOCK_DATA_COOKIE);
    long pool = std::max(1, options.pool_size);
    curl_multi_setopt(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, pool);
    curl_multi_setopt(multi, CURLMOPT_MAX_HOST_CONNECTIONS, pool);
    curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, pool);
    budget = options.max_api_calls;
    double now = clock.monotonic();
    if (options.max_calls_per_minute > 0)
      global_bucket.emplace(options.max_calls_per_minute / 60.0,
                            std::max(1, options.max_calls_per_minute / 2), now);
    if (!options.state_dir.empty()) persisted = load_network_state(options.state_dir);
    if (options.ignore_saved_breakers) {
      persisted.open_until.clear();
      persisted.opened_at.clear();
    }
    clamp_breakers(persisted, clock.now(), options.breaker_cooldown);  // a saved breaker never holds for ever
  }

  ~Impl() {
    for (auto& [easy, t] : in_flight) {
      curl_multi_remove_handle(multi, easy);
      curl_slist_free_all(t->headers);
      curl_easy_cleanup(easy);
    }
    for (CURL* e : idle) curl_easy_cleanup(e);
    curl_multi_cleanup(multi);
    curl_share_cleanup(cookie_jar);  // after every handle that used it
  }

  // A finished transfer's handle: back to the pool, or cleaned up if it had
  // the cookie engine on (the connection stays in the multi handle's pool).
  void release(CURL* easy, bool cookies) {
    if (cookies)
      curl_easy_cleanup(easy);
    else
      idle.push_back(easy);
  }

  // "daily quota of 250 calls", "monthly quota of 10000 calls"
  static std::string quota_text(const ServiceState& s) {
    return std::string(s.limit.per_month > 0 ? "monthly" : "daily") + " quota of " + std::to_string(s.quota) +
           " calls";
  }
  static std::string spent_text(const ServiceState& s) {
    char reset[16];
    std::snprintf(reset, sizeof reset, "%02d:%02d", s.limit.reset_minutes / 60, s.limit.reset_minutes % 60);
    return std::string(s.limit.per_month > 0 ? "monthly" : "daily") + " quota spent (" + s.spent_message +
           "); it resets at " + (s.limit.per_month > 0 ? "the next month's start, " : "") + reset + " UTC";
  }

  // "100/min", "1/s", "10/s and 600/min": a service's pace, for a wait's cause.
  static std::string rate_text(const ServiceLimit& l) {
    std::string out;
    if (l.per_second > 0) out = std::to_string(l.per_second) + "/s";
    if (l.per_minute > 0) out += (out.empty() ? "" : " and ") + format_double(l.per_minute) + "/min";
    return out.empty() ? "rate limit" : "rate limit " + out;
  }

  // The team's pace for a limit: one call per interval, the per-second rule
  // (with its margin) without a burst, else half a minute's allowance at once.
  static double team_interval(const ServiceLimit& l) {
    double interval = 0;
    if (l.per_second > 0) interval = k_window_seconds / l.per_second;
    if (l.per_minute > 0) interval = std::max(interval, 60.0 / l.per_minute);
    return interval;
  }
  static int team_burst(const ServiceLimit& l) {
    return l.per_second > 0 ? 1 : std::max(1, static_cast<int>(l.per_minute / 2.0));
  }

  // The team's breaker, looked at most once a second: open there, it opens
  // here for as long; half-open, only the machine holding the team's probe
  // sends one. Why a call may not go, if it may not.
  std::optional<std::string> team_breaker_refuses(const std::string& name, ServiceState& s, double now) {
    if (now >= s.team_next_look) {
      s.team_next_look = now + 1.0;
      if (auto b = options.team->breaker(name); b && (s.breaker.state(now) != BreakerState::open ||
                                                      s.breaker.open_until() < now + b->open_seconds)) {
        s.breaker.force_open(now, b->open_seconds);
        s.paused = "opened by another machine of the team: " + redact(b->why);
        s.team_opened = true;
        s.team_published_until = s.breaker.open_until();  // the team's own: not published back
        s.forced = {s.breaker.open_until(), clock.now()};
      }
    }
    if (s.team_opened && !s.team_probe && s.breaker.state(now) == BreakerState::half_open) {
      auto mine = options.team->take_probe(name, options.timeout + 5);
      if (mine && !*mine) return "circuit half-open: another machine of the team is probing";
      s.team_probe = mine.value_or(false);
    }
    return std::nullopt;
  }

  // This machine's breaker as the team sees it: opened here, it opens there;
  // closed by this machine's probe, it closes there.
  void share_breaker(const std::string& name, ServiceState& s, double now, const std::string& error) {
    const BreakerState state = s.breaker.state(now);
    if (state == BreakerState::open && s.team_published_until != s.breaker.open_until()) {
      options.team->open_breaker(name, s.breaker.open_until() - now,
                                 s.paused.empty() ? "repeated failures (" + redact(error) + ")" : s.paused);
      s.team_published_until = s.breaker.open_until();
      s.team_opened = true;
      s.team_probe = false;
    } else if (state == BreakerState::closed && s.team_opened) {
      if (s.team_probe) options.team->close_breaker(name);
      s.team_opened = s.team_probe = false;
    }
  }

  // How long the team's count of a period is kept: past its end, whatever the reset time.
  static std::int64_t keep_seconds(const ServiceState& s) {
    return s.limit.per_month > 0 ? 35 * 86400 : 3 * 86400;
  }

  // A run that goes past the provider's reset time counts in the new period
  // from then on: the old period's calls are saved under it first, and the
  // new one starts unspent.
  void roll_period(const std::string& name, ServiceState& s) {
    std::string now_period = quota_period(s.limit, clock.now());
    if (now_period == s.period) return;
    if (persist && (s.added_today > 0 || s.spent_unsaved)) persist();
    log_info(name + ": a new quota period (" + now_period + ")");
    s.period = std::move(now_period);
    s.used_today = s.added_today = 0;
    s.spent = s.spent_unsaved = false;
    s.team_spent = false;
    s.spent_message.clear();
    if (s.stopped.empty() && s.paused.empty()) counters[name].stopped.clear();  // a spent quota's words only
  }

  // Concurrency never exceeds the pool: beyond it curl would queue inside
  // the multi handle, where waiting counts against the timeout.
  int slots() const { return std::max(1, std::min(options.max_concurrent, options.pool_size)); }

  ServiceState& service(const std::string& name) {
    auto it = services.find(name);
    if (it != services.end()) return it->second;
    ServiceLimit limit = limits.count(name) ? limits.at(name) : ServiceLimit{};
    double now = clock.monotonic();
    ServiceState s(CircuitBreaker({3, options.breaker_cooldown, options.slow_call}), limit);
    s.quota = limit.per_month > 0 ? limit.per_month : limit.per_day;
    s.period = quota_period(limit, clock.now());
    // A burst of half a minute's allowance, then the steady rate; a
    // per-second rule allows no burst beyond itself.
    if (limit.per_minute > 0) {
      const double burst = limit.per_second > 0 ? limit.per_second : limit.per_minute / 2.0;
      s.bucket.emplace(limit.per_minute / 60.0, std::max(1.0, burst), now);
    }
    if (limit.per_second > 0) s.window.emplace(limit.per_second, k_window_seconds);
    if (auto open = persisted.open_until.find(name); open != persisted.open_until.end()) {
      double remaining = static_cast<double>(open->second - clock.now());
      if (remaining > 0) {
        s.breaker.force_open(now, remaining);
        s.restored = {s.breaker.open_until(), open->second};
        if (auto o = persisted.opened_at.find(name); o != persisted.opened_at.end())
          s.restored_opened = o->second;
      }
    }
    if (auto q = persisted.quota.find(name); q != persisted.quota.end() && q->second.date == s.period) {
      s.used_today = q->second.used;
      s.spent = q->second.spent;
      if (s.spent) s.spent_message = "the provider said so earlier";
    }
    return services.emplace(name, std::move(s)).first->second;
  }

  void finish(std::unique_ptr<Job> job, Outcome outcome, long status, std::string body, std::string error,
              double elapsed) {
    ++counters[job->request.service].outcomes[static_cast<size_t>(outcome)];
    if (job->attempts == 0) ++counters[job->request.service].unsent[static_cast<size_t>(outcome)];
    error = redact(error);
    if (outcome != Outcome::ok)
      log_info(job->request.service + " " + redact_url(job->request.url) + ": " +
               std::string(outcome_name(outcome)) + (error.empty() ? "" : " (" + error + ")"));
    HttpResult r{outcome, status, std::move(body), std::move(error), job->attempts, elapsed};
    job->done(std::move(r));
  }

  void start(std::unique_ptr<Job> job, double now) {
    CURL* easy = idle.empty() ? curl_easy_init() : idle.back();
    if (!idle.empty()) idle.pop_back();
    curl_easy_reset(easy);
    auto t = std::make_unique<Transfer>();
    t->easy = easy;
    t->max_body = options.max_body;
    t->started = now;
    for (const std::string& h : job->request.headers) t->headers = curl_slist_append(t->headers, h.c_str());
    curl_easy_setopt(easy, CURLOPT_URL, job->request.url.c_str());
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, t.get());
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(options.timeout * 1000));
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(std::min(options.connect_timeout, options.timeout) * 1000));
    curl_easy_setopt(easy, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(options.max_body));
    curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, t->error_detail);
    // A keyed request's redirects are the engine's to judge (complete()):
    // curl would send a header-borne key to any host it is pointed at.
    curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, job->request.keyed ? 0L : 1L);
    curl_easy_setopt(easy, CURLOPT_MAXREDIRS, static_cast<long>(k_max_redirects));
    curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(easy, CURLOPT_DEFAULT_PROTOCOL, "https");
    curl_easy_setopt(easy, CURLOPT_REDIR_PROTOCOLS_STR, "https");
    if (!options.ca_bundle.empty()) curl_easy_setopt(easy, CURLOPT_CAINFO, options.ca_bundle.c_str());
    curl_easy_setopt(easy, CURLOPT_USERAGENT, "trade-history-discover/" THD_VERSION);
    // Only a request that keeps cookies sees the jar (a reused handle may have
    // held it). CURLOPT_COOKIEFILE "" turns the handle's cookie engine on; its
    // file list survives curl_easy_reset unfreed, so such a handle is not
    // reused but cleaned up after its transfer (release()).
    curl_easy_setopt(easy, CURLOPT_SHARE, job->request.cookies ? cookie_jar : nullptr);
    if (job->request.cookies) curl_easy_setopt(easy, CURLOPT_COOKIEFILE, "");
    t->cookies = job->request.cookies;
    if (t->headers) curl_easy_setopt(easy, CURLOPT_HTTPHEADER, t->headers);
    ++job->attempts;
    ++counters[job->request.service].attempts;
    if (job->attempts > 1) ++counters[job->request.service].retries;
    log_debug("start " + job->request.service + " " + redact_url(job->request.url) + " (attempt " +
              std::to_string(job->attempts) + ")");
    t->job = std::move(job);
    curl_multi_add_handle(multi, easy);
    in_flight.emplace(easy, std::move(t));
    max_in_flight = std::max(max_in_flight, static_cast<int>(in_flight.size()));
  }

  // Starts what may start; returns when the next waiting request may go.
  double schedule(double now) {
    double next = now + 3600;
    // Refusals are finished after the loop: a done callback may submit the
    // next provider's request, and a push onto `waiting` would invalidate `it`.
    struct Refusal {
      std::unique_ptr<Job> job;
      Outcome outcome;
      std::string why;
    };
    std::vector<Refusal> refused;
    for (auto it = waiting.begin(); it != waiting.end();) {
      Job& job = **it;
      if (job.ready_at > now) {
        next = std::min(next, job.ready_at);
        ++it;
        continue;
      }
      if (static_cast<int>(in_flight.size()) >= slots()) break;
      ServiceState& s = service(job.request.service);
      if (s.quota > 0 || s.spent) roll_period(job.request.service, s);
      if (!s.answered && s.in_flight > 0) {  // its first answer is not in yet
        ++it;
        continue;
      }
      if (job.reserved) {  // its turn: what it held is counted again below
        job.reserved = false;
        --reserved_budget;
        --s.reserved;
      }
      std::unique_ptr<Job> owned;
      auto refuse = [&](Outcome o, std::string why) {
        refused.push_back({std::move(*it), o, std::move(why)});
        it = waiting.erase(it);
      };
      if (job.request.not_wanted && job.attempts == 0)
        if (auto why = job.request.not_wanted()) {
          refuse(Outcome::not_on_plan, *why + "; not sent");
          continue;
        }
      if (!s.stopped.empty()) {
        refuse(Outcome::key_rejected, s.stopped + "; not sent");
        continue;
      }
      if (s.spent) {
        if (std::string& stopped = counters[job.request.service].stopped; stopped.empty())
          stopped = spent_text(s);
        refuse(Outcome::quota_spent, spent_text(s) + "; not sent");
        continue;
      }
      if (s.team_spent) {
        refuse(Outcome::quota_spent, quota_text(s) + " used by the team; not sent");
        continue;
      }
      if (options.team && s.stopped.empty())
        if (auto why = team_breaker_refuses(job.request.service, s, now)) {
          refuse(Outcome::circuit_open, *why + "; not sent");
          continue;
        }
      if (!s.breaker.allow(now)) {
        refuse(Outcome::circuit_open, s.paused.empty() ? "circuit open after repeated failures; not sent"
                                                       : "circuit open: " + s.paused + "; not sent");
        continue;
      }
      // What is left of the budget or the quota is held by calls waiting for their pace: they may yet
      // not go (an open breaker refuses them), so this one waits for them rather than being refused.
      auto wait_for_held = [&](bool mine_only, const std::string& cause) {
        double first = now + 3600;
        for (const auto& other : waiting)
          if (other->reserved && (!mine_only || other->request.service == job.request.service))
            first = std::min(first, other->ready_at);
        job.ready_at = std::max(first, now + 0.05);
        job.wait_cause = cause;
        next = std::min(next, job.ready_at);
        ++it;
      };
      if (budget <= 0) {
        s.breaker.release_probe();
        refuse(Outcome::budget_spent, "--max-api-calls budget spent; not sent");
        continue;
      }
      if (budget - reserved_budget <= 0) {
        s.breaker.release_probe();
        wait_for_held(false, "--max-api-calls: the rest held by calls waiting");
        continue;
      }
      if (s.quota > 0 && s.used_today >= s.quota) {
        s.breaker.release_probe();
        if (std::string& stopped = counters[job.request.service].stopped; stopped.empty())
          stopped = quota_text(s) + " used (by this tool's count)";
        refuse(Outcome::quota_spent, quota_text(s) + " used; not sent");
        continue;
      }
      if (s.quota > 0 && s.used_today + s.reserved >= s.quota) {
        s.breaker.release_probe();
        wait_for_held(true, quota_text(s) + ": the rest held by calls waiting");
        continue;
      }
      // This one waits `seconds` for its rate limit, holding its share of the budget and quota; the others go
      // on.
      auto hold = [&](double seconds, std::string cause) {
        job.ready_at = now + seconds;
        job.wait_cause = std::move(cause);
        job.reserved = true;
        ++reserved_budget;
        ++s.reserved;
        next = std::min(next, job.ready_at);
        ++it;
      };
      double wait = s.bucket ? s.bucket->wait(now) : 0;
      if (s.window) wait = std::max(wait, s.window->wait(now));
      if (global_bucket) wait = std::max(wait, global_bucket->wait(now));
      if (wait > options.max_rate_wait) {
        s.breaker.release_probe();
        refuse(Outcome::rate_limited,
               "rate limit: next slot in " + std::to_string(static_cast<int>(wait)) + " s");
        continue;
      }
      if (wait > 0) {  // this one waits; the others go on
        s.breaker.release_probe();
        // The cause names the pace, and the plan's quota when it has one ("rate limit 5/min; 25/day plan").
        hold(wait, global_bucket && global_bucket->wait(now) >= wait
                       ? "--max-calls-per-minute"
                       : rate_text(s.limit) + (s.quota > 0
                                                   ? "; " + std::to_string(s.quota) +
                                                         (s.limit.per_month > 0 ? "/month plan" : "/day plan")
                                                   : ""));
        continue;
      }
      // The team's pace: the provider's limit holds for every machine together.
      if (options.team && (s.bucket || s.window)) {
        if (auto team_wait =
                options.team->pace(job.request.service, team_interval(s.limit), team_burst(s.limit));
            team_wait && *team_wait > 0) {
          s.breaker.release_probe();
          if (*team_wait > options.max_rate_wait) {
            refuse(Outcome::rate_limited, "rate limit shared by the team: next slot in " +
                                              std::to_string(static_cast<int>(*team_wait)) + " s");
            continue;
          }
          hold(*team_wait, rate_text(s.limit) + ", shared by the team");
          continue;
        }
      }
      // Last, the team's count: a call is made only when it has room too.
      if (s.quota > 0 && options.team) {
        const std::optional<bool> room =
            options.team->take(job.request.service, s.period, s.quota, keep_seconds(s));
        if (room && !*room) {
          s.breaker.release_probe();
          s.team_spent = true;
          if (std::string& stopped = counters[job.request.service].stopped; stopped.empty())
            stopped = quota_text(s) + " used by the team (" + options.team->describe() + ")";
          refuse(Outcome::quota_spent, quota_text(s) + " used by the team; not sent");
          continue;
        }
      }
      if (s.bucket) s.bucket->try_take(now);
      if (s.window) s.window->take(now);
      if (global_bucket) global_bucket->try_take(now);
      --budget;
      job.period = s.period;
      ++s.in_flight;
      ++s.used_today;
      ++s.added_today;
      owned = std::move(*it);
      it = waiting.erase(it);
      start(std::move(owned), now);
    }
    for (Refusal& r : refused) finish(std::move(r.job), r.outcome, 0, "", std::move(r.why), 0);
    // What those callbacks submitted may go at once: no sleeping before the next pass.
    return refused.empty() ? next : now;
  }

  void complete(CURLMsg* msg, double now) {
    CURL* easy = msg->easy_handle;
    const CURLcode code = msg->data.result;  // the message does not outlive curl_multi_remove_handle
    auto node = in_flight.extract(easy);
    std::unique_ptr<Transfer> t = std::move(node.mapped());
    curl_multi_remove_handle(multi, easy);
    long status = 0, new_connections = 0;
    curl_off_t retry_after = 0;
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_getinfo(easy, CURLINFO_NUM_CONNECTS, &new_connections);
    curl_easy_getinfo(easy, CURLINFO_RETRY_AFTER, &retry_after);
    curl_slist_free_all(t->headers);
    t->headers = nullptr;
    curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, nullptr);  // the buffer goes with the transfer
    release(easy, t->cookies);
    connections += static_cast<std::uint64_t>(new_connections);
    std::unique_ptr<Job> job = std::move(t->job);
    counters[job->request.service].connections += static_cast<std::uint64_t>(new_connections);
    {
      ServiceState& s = service(job->request.service);
      --s.in_flight;
      s.answered = true;
    }
    const double elapsed = now - t->started;
    ++answered;
    busy_seconds += elapsed;

    // The body is not redacted as a whole (a secret of digits would cut into
    // its numbers and make valid JSON invalid): the parsers redact every text
    // they take from it (adapter_json: text_at, sanitize), and every error
    // text is redacted below.
    std::optional<std::string> location;  // a keyed request's redirect, for the engine to judge
    if (const char* to = nullptr; code == CURLE_OK && status >= 300 && status < 400 && job->request.keyed &&
                                  curl_easy_getinfo(easy, CURLINFO_REDIRECT_URL, &to) == CURLE_OK && to)
      location = to;

    Outcome outcome = Outcome::ok;
    bool retryable = false;
    bool permanent = false;  // neither retried nor a breaker failure: the same answer every time
    bool neutral = false;    // retried, but not a breaker failure
    std::string error;
    if (location) {
      // A keyed request: followed only to its own scheme, host and port.
      const std::string target = url_origin(*location);
      if (!target.empty() && target == url_origin(job->request.url) && job->redirects < k_max_redirects) {
        service(job->request.service).breaker.record(now, false, elapsed);  // the service answered
        ++job->redirects;
        log_debug(job->request.service + " " + redact_url(job->request.url) + ": redirected to " +
                  redact_url(*location));
        job->request.url = std::move(*location);
        job->ready_at = now;
        waiting.push_front(std::move(job));
        return;
      }
      outcome = Outcome::redirect_refused;
      permanent = true;
      error = job->redirects >= k_max_redirects && !target.empty() && target == url_origin(job->request.url)
                  ? "redirect refused: more than " + std::to_string(k_max_redirects) + " redirects"
                  : "redirected to another host (" + printable(target.empty() ? "?" : target) +
                        "); not followed: the request carries a key";
    } else if (code == CURLE_OK) {
      Reading reading;
      std::string status_text = "HTTP " + std::to_string(status);
      if ((status >= 200 && status < 300) ||
          (job->request.any_status && status >= 300 && status < 500 && status != 429)) {
        if (job->request.validate)
          if (auto problem = job->request.validate(t->body)) {
            outcome = Outcome::bad_body;
            error = redact(problem->message);
            reading = {problem->verdict, error, problem->backoff};
            status_text = "HTTP 200";
          }
      } else {
        outcome = Outcome::http_status;
        retryable = status == 429 || status >= 500;
        if (job->request.read_error) reading = job->request.read_error(status, t->body);
        reading.message = redact(reading.message);
        error = status_text + (reading.message.empty() ? "" : ": " + reading.message);
      }
      if (reading.verdict != Verdict::none) {
        retryable = false;
        permanent = true;  // a reading is not a sign of the service's health, unless said below
        switch (reading.verdict) {
          case Verdict::none: break;
          case Verdict::no_data:
            outcome = Outcome::no_data;
            permanent = false;  // the service answered: a half-open breaker may close on it
            if (status >= 300) error = "no data (" + error + ")";
            break;
          case Verdict::not_on_plan:
            outcome = Outcome::not_on_plan;
            permanent = false;
            error = "not on your plan (" + status_text + ")" + with(reading.message);
            break;
          case Verdict::key_rejected: {
            outcome = Outcome::key_rejected;
            error = "API key rejected (" + status_text + ")" + with(reading.message);
            ServiceState& s = service(job->request.service);
            s.stopped = error;
            counters[job->request.service].stopped = error;
            s.breaker.force_open(now, options.breaker_cooldown);
            break;
          }
          case Verdict::quota_spent: {
            outcome = Outcome::quota_spent;
            ServiceState& s = service(job->request.service);
            // Sent before the reset: the previous period was spent, not this one.
            if (job->period != s.period) {
              error = "quota of the previous period spent (" + status_text + with(reading.message) + ")";
              break;
            }
            s.spent = s.spent_unsaved = true;
            s.spent_message = status_text + with(reading.message);
            if (options.team && s.quota > 0)
              options.team->spent(job->request.service, s.period, s.quota, keep_seconds(s));
            error = spent_text(s);
            counters[job->request.service].stopped = error;
            break;
          }
          case Verdict::throttled: {
            outcome = Outcome::throttled;
            double pause = retry_after > 0 ? static_cast<double>(retry_after) : reading.backoff;
            pause = std::clamp(pause > 0 ? pause : options.breaker_cooldown, 1.0, k_longest_pause);
            ServiceState& s = service(job->request.service);
            s.breaker.force_open(now, pause);
            s.forced = {s.breaker.open_until(), clock.now()};
            error = "throttled (" + status_text + ")" + with(reading.message) + "; paused for " +
                    std::to_string(static_cast<int>(pause)) + " s";
            s.paused = error;
            counters[job->request.service].stopped = error;
            break;
          }
          case Verdict::retry_later:
            permanent = false;
            retryable = true;
            neutral = true;  // pacing, not health
            retry_after = std::max<curl_off_t>(retry_after, static_cast<curl_off_t>(reading.backoff + 0.999));
            break;
          case Verdict::session:
            outcome = Outcome::session_expired;
            error = "a session is needed (" + status_text + ")" + with(reading.message);
            break;
        }
      }
    } else if (t->too_large || code == CURLE_FILESIZE_EXCEEDED) {
      outcome = Outcome::too_large;
      error = "response over " + std::to_string(options.max_body) + " bytes";
    } else if (tls_verification_failed(code)) {
      outcome = Outcome::tls_failed;
      permanent = true;
      error = "TLS certificate verification failed";
      if (t->error_detail[0]) error += std::string(": ") + t->error_detail;
    } else if (code == CURLE_TOO_MANY_REDIRECTS || (code == CURLE_UNSUPPORTED_PROTOCOL && status >= 300)) {
      outcome = Outcome::redirect_refused;
      permanent = true;
      error = code == CURLE_TOO_MANY_REDIRECTS
                  ? "redirect refused: more than " + std::to_string(k_max_redirects) + " redirects"
                  : "redirect refused: only https may be redirected to";
    } else if (code == CURLE_OPERATION_TIMEDOUT) {
      outcome = Outcome::timeout;
      error = "no complete answer within " + std::to_string(static_cast<int>(options.timeout)) + " s";
      retryable = true;
    } else {
      outcome = Outcome::connect_error;
      error = curl_easy_strerror(code);
      retryable = true;
    }
    // A service that answers 4xx is up: only 429, 5xx and transport failures count.
    bool failed = outcome != Outcome::ok && outcome != Outcome::no_data && outcome != Outcome::not_on_plan &&
                  !(outcome == Outcome::http_status && !retryable);
    if (neutral) failed = false;
    ServiceState& s = service(job->request.service);
    if (permanent)
      s.breaker.release_probe();  // says nothing about the service's health either way
    else
      s.breaker.record(now, failed, elapsed);
    if (options.team && s.stopped.empty()) share_breaker(job->request.service, s, now, error);
    if (outcome == Outcome::ok && s.breaker.state(now) == BreakerState::closed && !s.paused.empty()) {
      // Answering again after a pause: no longer stopped.
      s.paused.clear();
      counters[job->request.service].stopped.clear();
    }

    if (retryable && job->attempts < options.max_attempts) {
      double delay =
          backoff_delay(job->attempts - 1, clock.uniform01(), options.retry_base, options.retry_cap);
      if (retry_after > 0)
        delay = std::max(delay, std::min(static_cast<double>(retry_after), options.max_retry_after));
      log_info(job->request.service + " " + redact_url(job->request.url) + ": " + error + "; retry in " +
               std::to_string(delay).substr(0, 4) + " s");
      job->ready_at = now + delay;
      job->wait_cause =
          "retry after " + (status > 0 ? "HTTP " + std::to_string(status) : std::string("an error"));
      enqueue(std::move(job));
      return;
    }
    finish(std::move(job), outcome, status, outcome == Outcome::ok ? std::move(t->body) : std::string(),
           std::move(error), elapsed);
  }

  // Into the queue after every request of a lower or equal priority number:
  // in submission order among equals, before those that matter less.
  void enqueue(std::unique_ptr<Job> job) {
    auto at = waiting.end();
    while (at != waiting.begin() && (*std::prev(at))->request.priority > job->request.priority) --at;
    waiting.insert(at, std::move(job));
  }

  void cancel_all() {
    for (auto& [easy, t] : in_flight) {
      curl_multi_remove_handle(multi, easy);
      curl_slist_free_all(t->headers);
      t->headers = nullptr;
      curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, nullptr);
      release(easy, t->cookies);
      finish(std::move(t->job), Outcome::cancelled, 0, "", "cancelled", 0);
    }
    in_flight.clear();
    while (!waiting.empty()) {
      auto job = std::move(waiting.front());
      waiting.pop_front();
      if (std::exchange(job->reserved, false)) {
        --reserved_budget;
        --service(job->request.service).reserved;
      }
      finish(std::move(job), Outcome::cancelled, 0, "", "cancelled", 0);
    }
  }

  // Quotas and breakers are saved as calls happen, so that no way out
  // (an abort, a signal, kill -9) forgets a call that was made.
  std::function<void()> persist;
  bool persist_failed = false;
  std::map<std::string, BreakerState> persisted_breakers;
  void persist_if_changed(double now) {
    if (!persist) return;
    bool changed = false;
    for (auto& [name, s] : services) {
      changed |= s.added_today > 0 || s.spent_unsaved;
      BreakerState b = s.breaker.state(now);
      auto [it, fresh] = persisted_breakers.try_emplace(name, b);
      changed |= !fresh && it->second != b;
      it->second = b;
    }
    if (changed) persist();
  }

  bool run() {
    double last_tick = clock.monotonic();
    while (!waiting.empty() || !in_flight.empty()) {
      double now = clock.monotonic();
      double next = schedule(now);
      persist_if_changed(now);
      int running = 0;
      curl_multi_perform(multi, &running);
      int queued = 0, done = 0;
      while (CURLMsg* msg = curl_multi_info_read(multi, &queued))
        if (msg->msg == CURLMSG_DONE) complete(msg, clock.monotonic()), ++done;
      if (done > 0) persist_if_changed(clock.monotonic());
      now = clock.monotonic();
      if (options.tick && now - last_tick >= 0.2) {
        last_tick = now;
        if (!options.tick()) {
          cancel_all();
          return false;
        }
      }
      if (waiting.empty() && in_flight.empty()) break;
      if (done > 0) continue;  // slots just freed: fill them before waiting
      // Sleep until a socket is ready, the next queued request may go, or
      // the tick is due: the tick runs at least every 250 ms (0.2 s plus a
      // wait that ends when it is due).
      const double until = options.tick ? std::min(next, last_tick + 0.2) : next;
      double wait_s = std::clamp(until - now, 0.0, 0.25);
      if (!in_flight.empty() || wait_s > 0)
        curl_multi_poll(multi, nullptr, 0, static_cast<int>(wait_s * 1000) + (wait_s > 0 ? 1 : 0), nullptr);
    }
    return true;
  }
};

HttpEngine::HttpEngine(EngineOptions options, std::map<std::string, ServiceLimit> limits, Clock& clock)
    : m(std::make_unique<Impl>(std::move(options), std::move(limits), clock)) {
  if (!m->options.state_dir.empty())
    m->persist = [this] {
      if (!m->persist_failed && !save_state())
        m->persist_failed = true;  // not again each pass: the final save_state() reports it
    };
}

HttpEngine::~HttpEngine() = default;

void HttpEngine::submit(HttpRequest request, Done done) {
  auto job = std::make_unique<Job>();
  job->request = std::move(request);
  job->done = std::move(done);
  HttpRequest& r = job->request;
  if (!r.keyed) r.keyed = has_user_info(r.url) || contains_secret(r.url);
  for (const std::string& h : r.headers) r.keyed = r.keyed || contains_secret(h);
  if (!plain_http_allowed(job->request.url)) {
    m->finish(std::move(job), Outcome::refused, 0, "",
              "only https, or plain http to a loopback host, may be fetched", 0);
    return;
  }
  job->ready_at = 0;
  m->enqueue(std::move(job));
}

bool HttpEngine::run() {
  return m->run();
}

const std::map<std::string, ServiceCounters>& HttpEngine::counters() const {
  return m->counters;
}

BreakerState HttpEngine::breaker_state(const std::string& service) const {
  auto it = m->services.find(service);
  return it == m->services.end() ? BreakerState::closed : it->second.breaker.state(m->clock.monotonic());
}

std::uint64_t HttpEngine::connections() const {
  return m->connections;
}
int HttpEngine::max_in_flight() const {
  return m->max_in_flight;
}
int HttpEngine::attempts_left() const {
  return m->budget;
}

ServiceStanding HttpEngine::standing(const std::string& name) {
  ServiceState& s = m->service(name);
  if (s.quota > 0 || s.spent) m->roll_period(name, s);
  ServiceStanding out;
  if (s.quota > 0) {
    long long used = s.used_today;
    if (m->options.team)
      if (auto team = m->options.team->used(name, s.period)) used = std::max(used, *team);
    out.calls_left = static_cast<int>(std::max(0LL, s.quota - used));
    out.quota_text = std::to_string(s.quota) + (s.limit.per_month > 0 ? "/month plan" : "/day plan");
  }
  const double now = m->clock.monotonic();
  if (!s.stopped.empty()) {
    out.unavailable = s.stopped;
    out.blocked = Outcome::key_rejected;
  } else if (s.spent) {
    out.unavailable = Impl::spent_text(s);
    out.blocked = Outcome::quota_spent;
    out.calls_left = 0;
  } else if (out.calls_left && *out.calls_left == 0 && s.quota > 0 && s.used_today < s.quota) {
    out.unavailable = Impl::quota_text(s) + " used by the team (" + m->options.team->describe() + ")";
    out.blocked = Outcome::quota_spent;
  } else if (s.breaker.state(now) == BreakerState::open) {
    char until[16];
    const UnixTime wall = m->clock.now() + static_cast<UnixTime>(s.breaker.open_until() - now + 0.999);
    std::snprintf(until, sizeof until, "%02d:%02d:%02d", static_cast<int>(wall / 3600 % 24),
                  static_cast<int>(wall / 60 % 60), static_cast<int>(wall % 60));
    out.unavailable = "circuit open until " + std::string(until) + " UTC" +
                      (s.paused.empty() ? " (failures of an earlier run)" : ": " + s.paused);
    out.blocked = Outcome::circuit_open;
  }
  return out;
}

std::vector<EngineWait> HttpEngine::waits() const {
  const double now = m->clock.monotonic();
  std::map<std::string, EngineWait> soonest;
  for (const auto& job : m->waiting) {
    if (job->ready_at <= now || job->wait_cause.empty()) continue;
    auto [it, fresh] = soonest.try_emplace(
        job->request.service, EngineWait{job->request.service, job->ready_at - now, job->wait_cause, 0});
    if (!fresh && job->ready_at - now < it->second.seconds) {
      it->second.seconds = job->ready_at - now;
      it->second.cause = job->wait_cause;
    }
    ++it->second.waiting;
  }
  std::vector<EngineWait> out;
  for (auto& [name, w] : soonest) out.push_back(std::move(w));
  return out;
}

EngineProgress HttpEngine::progress() const {
  EngineProgress p;
  p.waiting = m->waiting.size();
  p.in_flight = m->in_flight.size();
  for (const auto& job : m->waiting) ++p.queued[job->request.service];
  for (const auto& [easy, t] : m->in_flight) ++p.queued[t->job->request.service];
  p.answered = m->answered;
  p.busy_seconds = m->busy_seconds;
  return p;
}

Result<void> HttpEngine::save_state() {
  if (m->options.state_dir.empty()) return {};
  NetworkStateUpdate update;
  const double now = m->clock.monotonic();
  for (auto& [name, s] : m->services) {
    if (s.breaker.state(now) == BreakerState::open && s.restored &&
        s.restored->first == s.breaker.open_until()) {
      update.breakers[name] = s.restored->second;
      if (s.restored_opened) update.opened_at[name] = *s.restored_opened;
    } else if (s.breaker.state(now) == BreakerState::open) {
      update.breakers[name] = m->clock.now() + static_cast<UnixTime>(s.breaker.open_until() - now + 0.999);
      if (s.forced && s.forced->first == s.breaker.open_until()) update.opened_at[name] = s.forced->second;
    } else if (m->persisted.open_until.count(name) || s.breaker.state(now) == BreakerState::closed)
      update.breakers[name] = std::nullopt;
    if (s.added_today || s.spent_unsaved) update.quota_added[name] = {s.period, s.added_today, s.spent};
  }
  auto saved = save_network_state(m->options.state_dir, update);
  if (!saved) return saved;
  // Saved: what is added from now on is counted from zero (each save adds to the file).
  for (auto& [name, s] : m->services) s.added_today = 0, s.spent_unsaved = false;
  return saved;
}

}  // namespace thd
