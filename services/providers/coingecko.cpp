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

namespace {

class Coingecko final : public Provider {
 public:
  const ProviderInfo& info() const override {
    static constexpr ProviderInfo k_info{"coingecko",
                                         "https://api.coingecko.com",
                                         "COINGECKO_API_KEY",
                                         KeyRequirement::optional,
                                         "crypto prices",
                                         30,
                                         0};
    return k_info;
  }
  std::optional<NeedSource> source_for(NeedKind kind, const std::string& subject) const override {
    if (kind != NeedKind::crypto) return std::nullopt;
    return NeedSource{info().name, "price:" + subject, RecordKind::crypto, DataKind::crypto};
  }
  Result<ProviderRequest> request(const Need& need, const NeedSource&,
                                  const RequestContext& c) const override {
    std::string coin = need.subject;
    std::vector<std::string> headers;
    if (!c.key.empty()) headers.push_back("x-cg-demo-api-key: " + c.key);  // a header keeps it out of URLs
    return ProviderRequest{c.base_url + "/api/v3/simple/price?ids=" + coin +
                               "&vs_currencies=usd&include_24hr_change=true&include_market_cap=true",
                           headers,
                           [coin](std::string_view b) { return as_record(parse_coingecko(b, coin)); }};
  }
};

}  // namespace

const Provider& providers::coingecko() {
  static const Coingecko k_provider;
  return k_provider;
}

}  // namespace thd
