#include "cache/redis_client.hpp"

#include <hiredis/hiredis.h>
#include <sys/time.h>

#include <cerrno>
#include <cmath>
#include <set>

#include "core/base/log.hpp"
#include "core/base/secrets.hpp"
#include "core/base/text.hpp"

namespace thd {

std::string_view remote_error_name(RemoteError e) {
  switch (e) {
    case RemoteError::unreachable: return "unreachable";
    case RemoteError::timeout: return "timeout";
    case RemoteError::auth: return "auth";
    case RemoteError::protocol: return "protocol";
    case RemoteError::full: return "full";
    case RemoteError::server: return "server";
    case RemoteError::corrupt: return "corrupt";
    case RemoteError::count_: break;
  }
  return "server";
}

namespace {

constexpr std::string_view k_attributes =
    "read-only, connect-timeout=<ms>, operation-timeout=<ms>, stale-window=<duration>";

Failure bad(std::string_view part, const std::string& why) {
  return fail("remote_cache: '" + redact_url(part) + "' " + why);
}

// "[user:]password" of a URL's user info, decoded.
void read_user_info(std::string_view info, RedisEndpoint& e) {
  if (const size_t colon = info.find(':'); colon != std::string_view::npos) {
    e.user = url_decode(info.substr(0, colon));
    e.password = url_decode(info.substr(colon + 1));
  } else {
    e.password = url_decode(info);  // ccache's form: a bare password
  }
}

// `url` is one URL of the setting without its user info, which is
// `userinfo` (null: none); `shown`, the URL as errors name it (redacted).
Result<RedisEndpoint> parse_endpoint(std::string_view url, const std::string* userinfo,
                                     std::string_view shown) {
  RedisEndpoint e;
  const bool unix_socket = istarts_with(url, "redis+unix://");
  if (istarts_with(url, "rediss://"))
    return bad(shown,
               "asks for TLS, which Debian 12's hiredis does not have: use redis:// over a local "
               "socket (redis+unix://) or an SSH or stunnel tunnel (docs/CACHE.md)");
  if (!unix_socket && !istarts_with(url, "redis://"))
    return bad(shown, "is not a redis:// or redis+unix:// URL");
  std::string_view rest = url.substr(unix_socket ? 13 : 8);
  const size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
  if (userinfo) read_user_info(*userinfo, e);
  const std::string credentials = userinfo ? "<redacted>@" : "";
  if (unix_socket) {
    if (!authority.empty()) return bad(shown, "names a host; a socket URL is redis+unix:///path/to.sock");
    std::string_view query;
    if (const size_t q = path.find('?'); q != std::string_view::npos) {
      query = path.substr(q + 1);
      path = path.substr(0, q);
    }
    if (path.size() < 2) return bad(shown, "has no socket path (redis+unix:///path/to.sock)");
    e.socket = url_decode(path);
    if (!query.empty()) {
      auto n = query.starts_with("db=") ? parse_int(query.substr(3)) : std::nullopt;
      if (!n || *n < 0 || *n > 100000) return bad(shown, "has a query other than ?db=<number>");
      e.db = static_cast<int>(*n);
    }
    e.shown = "redis+unix://" + credentials + e.socket + (e.db ? "?db=" + std::to_string(e.db) : "");
    return e;
  }
  std::string_view host = authority;
  std::string_view port;
  if (host.starts_with('[')) {  // [IPv6]:port
    const size_t close = host.find(']');
    if (close == std::string_view::npos) return bad(shown, "has an unclosed '[' in its host");
    port = host.substr(close + 1);
    host = host.substr(1, close - 1);
    if (!port.empty() && !port.starts_with(':')) return bad(shown, "has text after its host's ']'");
    if (!port.empty()) port.remove_prefix(1);
  } else if (const size_t colon = host.rfind(':'); colon != std::string_view::npos) {
    port = host.substr(colon + 1);
    host = host.substr(0, colon);
  }
  if (host.empty()) return bad(shown, "has no host (redis://host[:port][/db])");
  e.host = std::string(host);
  if (!port.empty()) {
    auto n = parse_int(port);
    if (!n || *n < 1 || *n > 65535) return bad(shown, "has a port that is not a number from 1 to 65535");
    e.port = static_cast<int>(*n);
  }
  if (path.size() > 1) {
    auto n = parse_int(path.substr(1));
    if (!n || *n < 0 || *n > 100000) return bad(shown, "has a database that is not a number (/0, /1, ...)");
    e.db = static_cast<int>(*n);
  }
  const bool v6 = e.host.find(':') != std::string::npos;
  e.shown = "redis://" + credentials + (v6 ? "[" + e.host + "]" : e.host) + ":" + std::to_string(e.port) +
            (e.db ? "/" + std::to_string(e.db) : "");
  return e;
}

Result<void> parse_attribute(std::string_view attr, RemoteSpec& spec) {
  const size_t eq = attr.find('=');
  const std::string name = to_lower(trim(attr.substr(0, eq)));
  const std::string_view value =
      eq == std::string_view::npos ? std::string_view() : trim(attr.substr(eq + 1));
  auto millis = [&](double& out) -> Result<void> {
    auto n = parse_int(value);
    if (!n || *n < 1 || *n > 60000)
      return fail("remote_cache: attribute '" + std::string(attr) + "' wants milliseconds from 1 to 60000");
    out = static_cast<double>(*n) / 1000.0;
    return {};
  };
  if (name == "read-only" && (value.empty() || iequals(value, "true"))) {
    spec.read_only = true;
    return {};
  }
  if (name == "connect-timeout") return millis(spec.connect_timeout);
  if (name == "operation-timeout") return millis(spec.operation_timeout);
  if (name == "stale-window") {
    auto secs = parse_duration_seconds(value, BareNumber::needs_unit);
    if (!secs)
      return fail("remote_cache: attribute '" + std::string(attr) + "': " + secs.error().message +
                  " (a duration up to 366d, e.g. 7d; 0 = none)");
    if (*secs > 366 * 86400)
      return fail("remote_cache: attribute '" + std::string(attr) +
                  "' wants a duration up to 366d (e.g. 7d)");
    spec.stale_window = static_cast<std::int64_t>(*secs);
    return {};
  }
  return fail("remote_cache: unknown attribute '" + std::string(attr) +
              "' (known: " + std::string(k_attributes) + ")");
}

std::uint64_t fnv1a(std::string_view a, std::string_view b) {
  std::uint64_t h = 1469598103934665603ull;
  for (std::string_view part : {a, std::string_view("\n"), b})
    for (unsigned char c : part) {
      h ^= c;
      h *= 1099511628211ull;
    }
  // A final mix, so that keys differing in their last bytes spread too.
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  return h;
}

timeval to_timeval(double seconds) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(seconds);
  tv.tv_usec = static_cast<suseconds_t>(std::lround((seconds - static_cast<double>(tv.tv_sec)) * 1e6));
  return tv;
}

RedisReply convert(const redisReply* r) {
  RedisReply out;
  if (!r) return out;
  switch (r->type) {
    case REDIS_REPLY_STRING: out.type = RedisReply::Type::string; break;
    case REDIS_REPLY_STATUS: out.type = RedisReply::Type::status; break;
    case REDIS_REPLY_ERROR: out.type = RedisReply::Type::error; break;
    case REDIS_REPLY_INTEGER: out.type = RedisReply::Type::integer; break;
    case REDIS_REPLY_ARRAY: out.type = RedisReply::Type::array; break;
    default: out.type = RedisReply::Type::nil; break;
  }
  if (r->type == REDIS_REPLY_STRING || r->type == REDIS_REPLY_STATUS || r->type == REDIS_REPLY_ERROR)
    out.str.assign(r->str, r->len);
  out.integer = r->integer;
  if (r->type == REDIS_REPLY_ARRAY) {
    out.elements.reserve(r->elements);
    for (size_t i = 0; i < r->elements; ++i) out.elements.push_back(convert(r->element[i]));
  }
  return out;
}

}  // namespace

namespace {

bool is_separator(char c) {
  return c == ' ' || c == '\t' || c == ',';
}

// Where a URL of the setting starts: a redis scheme at the start or after a separator.
bool url_starts_at(std::string_view text, size_t i) {
  if (i > 0 && !is_separator(text[i - 1])) return false;
  const std::string_view rest = text.substr(i);
  return istarts_with(rest, "redis://") || istarts_with(rest, "rediss://") ||
         istarts_with(rest, "redis+unix://");
}

// One URL of the setting with what follows it up to the next URL: its
// user info (everything between "://" and the segment's last '@', so a
// password may hold spaces, '/', '|' or ','), the rest, and the segment
// as errors may show it.
struct Segment {
  std::string scheme;  // "redis://"
  std::optional<std::string> userinfo;
  std::string rest;   // host[:port][/db] or /path[?db=N], then |attributes
  std::string shown;  // scheme, <redacted>@ if there is user info, rest
};

std::vector<Segment> segments(std::string_view text) {
  std::vector<size_t> starts;
  for (size_t i = 0; i < text.size(); ++i)
    if (url_starts_at(text, i)) starts.push_back(i);
  if (starts.empty() || starts.front() != 0) starts.insert(starts.begin(), 0);
  std::vector<Segment> out;
  for (size_t k = 0; k < starts.size(); ++k) {
    std::string_view seg =
        text.substr(starts[k], (k + 1 < starts.size() ? starts[k + 1] : text.size()) - starts[k]);
    while (!seg.empty() && is_separator(seg.back())) seg.remove_suffix(1);
    while (!seg.empty() && is_separator(seg.front())) seg.remove_prefix(1);
    if (seg.empty()) continue;
    Segment s;
    if (url_starts_at(seg, 0)) {
      const size_t scheme_end = seg.find("://") + 3;
      s.scheme = std::string(seg.substr(0, scheme_end));
      std::string_view after = seg.substr(scheme_end);
      if (const size_t at = after.rfind('@'); at != std::string_view::npos) {
        s.userinfo = std::string(after.substr(0, at));
        after = after.substr(at + 1);
      }
      s.rest = std::string(after);
    } else {
      s.rest = std::string(seg);
    }
    s.shown = s.scheme + (s.userinfo ? "<redacted>@" : "") + s.rest;
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace

Result<std::optional<RemoteSpec>> parse_remote_cache(std::string_view text) {
  text = trim(text);
  if (text.empty() || iequals(text, "none")) return std::optional<RemoteSpec>();
  RemoteSpec spec;
  std::set<std::string> seen;
  for (const Segment& seg : segments(text)) {
    std::vector<std::string> parts = split(seg.rest, '|');
    for (size_t p = 1; p < parts.size(); ++p)
      if (!trim(parts[p]).empty())
        if (auto ok = parse_attribute(trim(parts[p]), spec); !ok) return fail(ok.error());
    const std::string location(trim(parts[0]));
    if (seg.scheme.empty() && location.empty()) continue;  // attributes alone
    const std::string url = seg.scheme + location;
    const std::string shown = seg.scheme + (seg.userinfo ? "<redacted>@" : "") + location;
    if (location.find_first_of(" \t,") != std::string::npos)
      return bad(shown, "has text after its host (a URL, then |attributes)");
    auto endpoint = parse_endpoint(url, seg.userinfo ? &*seg.userinfo : nullptr, shown);
    if (!endpoint) return fail(endpoint.error());
    const std::string identity =
        endpoint->socket.empty() ? endpoint->host + ":" + std::to_string(endpoint->port) : endpoint->socket;
    if (!seen.insert(identity + "/" + std::to_string(endpoint->db)).second)
      return bad(shown, "is named twice (each shard once)");
    spec.shards.push_back(std::move(*endpoint));
  }
  if (spec.shards.empty()) return fail("remote_cache: attributes but no redis:// URL");
  for (const RedisEndpoint& e : spec.shards) spec.shown += (spec.shown.empty() ? "" : " ") + e.shown;
  if (spec.read_only) spec.shown += "|read-only";
  return std::optional<RemoteSpec>(std::move(spec));
}

std::string redact_remote_cache(std::string_view text) {
  std::string out;
  for (const Segment& seg : segments(text)) out += (out.empty() ? "" : " ") + seg.shown;
  return out;
}

struct RedisTier::Shard {
  RedisEndpoint endpoint;
  std::string identity;  // what the hash sees: no credentials
  redisContext* ctx = nullptr;
  int failures =
      0;  // in this run: three skip the shard, so a server failing now and then costs three timeouts at most
  bool given_up = false;
  bool used = false;
  std::set<RemoteError> said;
  ~Shard() {
    if (ctx) redisFree(ctx);
  }
};

RedisTier::RedisTier(RemoteSpec spec) : m_spec(std::move(spec)) {
  for (const RedisEndpoint& e : m_spec.shards) {
    auto s = std::make_unique<Shard>();
    s->endpoint = e;
    s->identity =
        (e.socket.empty() ? e.host + ":" + std::to_string(e.port) : e.socket) + "/" + std::to_string(e.db);
    m_shards.push_back(std::move(s));
  }
}

RedisTier::~RedisTier() = default;

size_t RedisTier::shard_for(std::string_view key) const {
  size_t best = 0;
  std::uint64_t best_weight = 0;
  for (size_t i = 0; i < m_shards.size(); ++i) {
    const std::uint64_t w = fnv1a(m_shards[i]->identity, key);
    if (i == 0 || w > best_weight) {
      best = i;
      best_weight = w;
    }
  }
  return best;
}

bool RedisTier::usable(size_t shard) const {
  return shard < m_shards.size() && !m_shards[shard]->given_up;
}

bool RedisTier::any_usable() const {
  for (const auto& s : m_shards)
    if (!s->given_up) return true;
  return false;
}

std::string RedisTier::state() const {
  size_t down = 0, used = 0;
  for (const auto& s : m_shards) {
    down += s->given_up || s->failures > 0;  // skipped, or an operation failed
    used += s->used;
  }
  if (down == m_shards.size()) return "down";
  if (down > 0) return "degraded";
  return used ? "up" : "unused";
}

void RedisTier::failed(Shard& s, RemoteError kind, const std::string& what, bool give_up) {
  ++m_errors[static_cast<size_t>(kind)];
  if (s.ctx) {
    redisFree(s.ctx);  // a connection that failed is never used again
    s.ctx = nullptr;
  }
  // A shard that keeps failing is skipped for the run: no operation waits
  // more than the timeouts, and not for ever either.
  constexpr int k_failures_before_giving_up = 3;
  if (++s.failures >= k_failures_before_giving_up) give_up = true;
  const bool newly = give_up && !s.given_up;
  if (give_up) s.given_up = true;
  // Said once, when the shard is given up: a failure it recovers from is
  // only counted (discovery_metadata.remote.errors).
  if (newly) {
    const std::string who = m_shards.size() == 1 ? s.endpoint.shown : "shard " + s.endpoint.shown;
    m_notices.push_back(redact(
        "remote cache: " + who + " " + what +
        (m_shards.size() == 1 ? "; using the local cache only" : "; its keys use the local cache only")));
  }
}

void RedisTier::note(RemoteError kind, size_t shard, const std::string& what) {
  ++m_errors[static_cast<size_t>(kind)];
  if (shard >= m_shards.size()) return;
  Shard& s = *m_shards[shard];
  if (s.said.insert(kind).second) {
    const std::string who = m_shards.size() == 1 ? s.endpoint.shown : "shard " + s.endpoint.shown;
    m_notices.push_back(redact("remote cache: " + who + " " + what));
  }
}

std::vector<std::string> RedisTier::take_notices() {
  return std::exchange(m_notices, {});
}

namespace {

// What a failed hiredis context says, for people, and of which kind.
std::pair<RemoteError, std::string> context_failure(const redisContext* c, double timeout) {
  if (!c) return {RemoteError::unreachable, "unreachable (out of memory)"};
  const std::string err = to_lower(c->errstr);
  const bool timed_out = err.find("timed out") != std::string::npos ||
                         err.find("temporarily unavailable") != std::string::npos ||
                         err.find("in progress") != std::string::npos;
  if (c->err == REDIS_ERR_PROTOCOL)
    return {RemoteError::protocol, "does not speak Redis (" + std::string(c->errstr) + ")"};
  if (timed_out)
    return {RemoteError::timeout,
            "did not answer within " + std::to_string(std::lround(timeout * 1000)) + " ms"};
  if (c->err == REDIS_ERR_EOF) return {RemoteError::unreachable, "closed the connection"};
  return {RemoteError::unreachable, "unreachable (" + err + ")"};
}

bool is_auth_error(std::string_view e) {
  return e.starts_with("NOAUTH") || e.starts_with("WRONGPASS") || e.starts_with("ERR invalid password") ||
         e.starts_with("ERR AUTH") || e.starts_with("ERR Client sent AUTH");
}

}  // namespace

bool RedisTier::connect(Shard& s) {
  const RedisEndpoint& e = s.endpoint;
  const timeval ctv = to_timeval(m_spec.connect_timeout);
  s.ctx = e.socket.empty() ? redisConnectWithTimeout(e.host.c_str(), e.port, ctv)
                           : redisConnectUnixWithTimeout(e.socket.c_str(), ctv);
  // A server that cannot be reached, or does not answer its handshake, is
  // given up at once: it would cost every later operation its timeout.
  if (!s.ctx || s.ctx->err) {
    auto [kind, what] = context_failure(s.ctx, m_spec.connect_timeout);
    failed(s, kind, what, true);
    return false;
  }
  redisSetTimeout(s.ctx, to_timeval(m_spec.operation_timeout));
  // The handshake in one round trip: AUTH, SELECT, and a PING that shows the
  // other end speaks Redis at all.
  std::vector<Argv> hello;
  if (!e.password.empty()) {
    if (e.user.empty())
      hello.push_back({"AUTH", e.password});
    else
      hello.push_back({"AUTH", e.user, e.password});
  }
  if (e.db) hello.push_back({"SELECT", std::to_string(e.db)});
  hello.push_back({"PING"});
  for (const Argv& argv : hello) {
    std::vector<const char*> ptrs;
    std::vector<size_t> lens;
    for (const std::string& a : argv) {
      ptrs.push_back(a.data());
      lens.push_back(a.size());
    }
    redisAppendCommandArgv(s.ctx, static_cast<int>(ptrs.size()), ptrs.data(), lens.data());
  }
  for (size_t i = 0; i < hello.size(); ++i) {
    void* raw = nullptr;
    if (redisGetReply(s.ctx, &raw) != REDIS_OK) {
      auto [kind, what] = context_failure(s.ctx, m_spec.operation_timeout);
      failed(s, kind, what, true);
      return false;
    }
    RedisReply r = convert(static_cast<redisReply*>(raw));
    freeReplyObject(raw);
    if (r.type == RedisReply::Type::error) {
      const bool auth = is_auth_error(r.str);
      failed(s, auth ? RemoteError::auth : RemoteError::server,
             (auth ? "refused our credentials (" : "refused the connection (") + r.str + ")", true);
      return false;
    }
    if (hello[i][0] == "PING" && !(r.type == RedisReply::Type::status && r.str == "PONG")) {
      failed(s, RemoteError::protocol, "does not speak Redis (no PONG to PING)", true);
      return false;
    }
  }
  return true;
}

Result<std::vector<RedisReply>> RedisTier::pipeline(size_t shard, const std::vector<Argv>& commands) {
  if (shard >= m_shards.size()) return fail("no such shard");
  Shard& s = *m_shards[shard];
  if (s.given_up) return fail("remote cache shard " + s.endpoint.shown + " skipped for this run");
  s.used = true;
  if (!s.ctx && !connect(s)) return fail("remote cache shard " + s.endpoint.shown + " failed");
  std::vector<const char*> ptrs;
  std::vector<size_t> lens;
  for (const Argv& argv : commands) {
    ptrs.clear();
    lens.clear();
    for (const std::string& a : argv) {
      ptrs.push_back(a.data());
      lens.push_back(a.size());
    }
    redisAppendCommandArgv(s.ctx, static_cast<int>(ptrs.size()), ptrs.data(), lens.data());
  }
  std::vector<RedisReply> out;
  out.reserve(commands.size());
  for (size_t i = 0; i < commands.size(); ++i) {
    void* raw = nullptr;
    if (redisGetReply(s.ctx, &raw) != REDIS_OK) {
      auto [kind, what] = context_failure(s.ctx, m_spec.operation_timeout);
      failed(s, kind, what, kind == RemoteError::protocol);
      return fail("remote cache shard " + s.endpoint.shown + " failed");
    }
    out.push_back(convert(static_cast<redisReply*>(raw)));
    freeReplyObject(raw);
    if (out.back().type == RedisReply::Type::error && is_auth_error(out.back().str)) {
      failed(s, RemoteError::auth, "refused our credentials (" + out.back().str + ")", true);
      return fail("remote cache shard " + s.endpoint.shown + " failed");
    }
  }
  return out;
}

Result<RedisReply> RedisTier::command(size_t shard, const Argv& argv) {
  auto replies = pipeline(shard, {argv});
  if (!replies) return fail(replies.error());
  return std::move(replies->front());
}

}  // namespace thd
