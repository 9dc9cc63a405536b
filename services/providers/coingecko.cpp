// CoinGecko: simple/price in USD (a demo key is optional).
#include "services/providers/adapters.hpp"
#include "services/providers/providers.hpp"

#include <simdjson.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "core/base/sectors.hpp"
#include "core/base/text.hpp"
#include "services/providers/adapter_json.hpp"

namespace thd {

using namespace adapter_json;

Result<CryptoRecord> parse_coingecko(std::string_view body, std::string_view coin) {
  const std::string only(coin);
  return parse_coingecko(body, coin, std::span<const std::string>(&only, 1));
}

Result<CryptoRecord> parse_coingecko(std::string_view body, std::string_view coin,
                                     std::span<const std::string> asked) {
  constexpr std::string_view k_cg = "CoinGecko";
  Doc doc;
  if (!parse(doc, body)) return not_json(k_cg);
  simdjson::dom::object o;
  if (doc.root.get_object().get(o)) return bad_answer(k_cg, "unexpected answer (not an object)");
  // Errors: {"error": "..."} and, for rate limits, {"status": {"error_code":
  // 429, "error_message": "..."}}.
  if (auto m = message_member(o, "error")) return bad_answer(k_cg, *m);
  simdjson::dom::object status;
  if (!o["status"].get_object().get(status))
    if (auto m = message_member(status, "error_message")) return bad_answer(k_cg, *m);
  // The answer is keyed by coin id: {} is CoinGecko's "unknown id"; another
  // coin's entry is not this coin's price.
  simdjson::dom::element coin_el;
  if (!member_ci(o, coin, coin_el)) {
    if (o.size() == 0) return no_data(k_cg, "no price for " + sanitize(coin));
    if (!o["status"].get(coin_el)) return bad_answer(k_cg, "unexpected answer (status)");
    // Several coins asked at once: an answer about the others (and not this
    // one) is CoinGecko's "unknown id" for this one.
    const std::string_view first = (*o.begin()).key;
    for (const std::string& other : asked)
      if (to_lower(other) == to_lower(first)) return no_data(k_cg, "no price for " + sanitize(coin));
    return bad_answer(k_cg, "the answer is about " +
                                sanitize(std::string_view((*o.begin()).key).substr(0, 24)) + ", not " +
                                sanitize(coin));
  }
  simdjson::dom::object c;
  if (coin_el.get_object().get(c)) return bad_answer(k_cg, "unexpected answer (" + sanitize(coin) + ")");
  // {"<id>":{}} is CoinGecko's "no price in that currency" for a known id
  // (an empty level, like IMF's): no_data. An entry with other members but
  // no "usd" is a shape we do not know: bad_body (see without()).
  if (c.size() == 0) return no_data(k_cg, "no USD price for " + sanitize(coin));
  auto usd = figure_at(k_cg, c, "usd");
  if (!usd) return fail(usd.error());
  if (!*usd) return without(k_cg, c, {"usd"}, "USD price", coin);
  CryptoRecord rec;
  rec.usd = *usd;
  rec.change_24h = number_at(c, "usd_24h_change");
  rec.market_cap = number_at(c, "usd_market_cap");
  return rec;
}

Reading read_coingecko_error(long status, std::string_view body) {
  std::string message = error_text(body);
  const std::string lower = to_lower(message);
  // 401 (invalid or missing key) and a Pro key sent to the public root URL: the key is not usable here.
  if (status == 401 || status == 403 || lower.find("pro-api") != std::string::npos ||
      lower.find("api key") != std::string::npos)
    return {Verdict::key_rejected, message, 0};
  if (status == 429 &&
      (lower.find("monthly") != std::string::npos || lower.find("credits") != std::string::npos))
    return {Verdict::quota_spent, message, 0};
  return {Verdict::none, message, 0};
}

namespace {

// Coins per simple/price request: a URL stays short (ids are at most ~40 characters).
constexpr size_t k_coins_per_request = 50;

class Coingecko final : public Provider {
 public:
  const ProviderInfo& info() const override {
    // The demo plan: 30 calls a minute, 10,000 a month (docs/PROVIDERS.md).
    static constexpr ProviderInfo k_info{.name = "coingecko",
                                         .default_base_url = "https://api.coingecko.com",
                                         .key_env = "COINGECKO_API_KEY",
                                         .key = KeyRequirement::optional,
                                         .description = "crypto prices",
                                         .per_minute = 30,
                                         .per_day = 0,
                                         .per_month = 10000,
                                         .shared_answers = true,
                                         .paid_key_env = "COINGECKO_PRO_API_KEY"};
    return k_info;
  }
  std::optional<NeedSource> source_for(NeedKind kind, const std::string& subject) const override {
    if (kind != NeedKind::crypto) return std::nullopt;
    return NeedSource{info().name, "price:" + subject, RecordKind::crypto, DataKind::crypto};
  }
  // Every coin of the run in one request (in chunks of k_coins_per_request):
  // the requests of a run's coins are the same, and made once.
  Result<ProviderRequest> request(const Need& need, const NeedSource&,
                                  const RequestContext& c) const override {
    std::vector<std::string> coins{need.subject};
    if (c.subjects) {
      auto it = std::lower_bound(c.subjects->begin(), c.subjects->end(), need.subject);
      if (it != c.subjects->end() && *it == need.subject) {
        const auto at = static_cast<size_t>(it - c.subjects->begin());
        const size_t from = at - at % k_coins_per_request;
        const size_t to = std::min(c.subjects->size(), from + k_coins_per_request);
        coins.assign(c.subjects->begin() + static_cast<std::ptrdiff_t>(from),
                     c.subjects->begin() + static_cast<std::ptrdiff_t>(to));
      }
    }
    std::string ids;
    for (const std::string& coin : coins) ids += (ids.empty() ? "" : ",") + url_encode(coin);
    ProviderRequest r;
    std::string base = c.base_url;
    // A Pro key goes to the Pro root URL, in its own header; a demo key to the public one.
    if (auto pro = c.env(std::string(info().paid_key_env)); pro && !pro->empty()) {
      if (base == info().default_base_url) base = "https://pro-api.coingecko.com";
      r.headers.push_back("x-cg-pro-api-key: " + *pro);
      r.keyed = true;
    } else if (!c.key.empty()) {
      r.headers.push_back("x-cg-demo-api-key: " + c.key);  // a header keeps it out of URLs
    }
    r.url = base + "/api/v3/simple/price?ids=" + ids +
            "&vs_currencies=usd&include_24hr_change=true&include_market_cap=true";
    r.parse = [coin = need.subject, coins](std::string_view b) {
      return as_record(parse_coingecko(b, coin, coins));
    };
    r.read_error = read_coingecko_error;
    return r;
  }
};

}  // namespace

const Provider& providers::coingecko() {
  static const Coingecko k_provider;
  return k_provider;
}

}  // namespace thd
