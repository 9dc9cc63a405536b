// Alpha Vantage: GLOBAL_QUOTE and OVERVIEW (key required; HTTP 200 for every error).
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

namespace {

// Alpha Vantage answers HTTP 200 to everything: rate limits come as
// {"Information": ...} or {"Note": ...}, bad calls as {"Error Message": ...},
// an unknown symbol as {} (OVERVIEW) or {"Global Quote": {}}.
Result<simdjson::dom::object> av_object(Doc& doc, std::string_view body) {
  if (!parse(doc, body)) return not_json("Alpha Vantage");
  simdjson::dom::object obj;
  if (doc.root.get_object().get(obj)) return fail("Alpha Vantage: unexpected answer (not an object)");
  for (std::string_view key : {"Error Message", "Information", "Note"})
    if (auto m = message_member(obj, key)) return fail("Alpha Vantage: " + *m);
  if (obj.size() == 0) return no_data("Alpha Vantage", "empty answer for the symbol");
  return obj;
}

}  // namespace

Result<MarketRecord> parse_alpha_vantage_quote(std::string_view body) {
  Doc doc;
  auto obj = av_object(doc, body);
  if (!obj) return fail(obj.error());
  simdjson::dom::object q;
  if ((*obj)["Global Quote"].get_object().get(q))
    return fail("Alpha Vantage: unexpected answer (no Global Quote)");
  if (q.size() == 0) return no_data("Alpha Vantage", "empty Global Quote for the symbol");
  MarketRecord rec;
  rec.price = number_at(q, "05. price");
  rec.previous_close = number_at(q, "08. previous close");
  return rec;
}

Result<ProfileRecord> parse_alpha_vantage_profile(std::string_view body) {
  Doc doc;
  auto o = av_object(doc, body);
  if (!o) return fail(o.error());
  ProfileRecord rec;
  rec.name = text_at(*o, "Name");
  rec.sector = canonical_sector_of(text_at(*o, "Sector"));
  rec.industry = text_at(*o, "Industry");
  rec.market_cap = number_at(*o, "MarketCapitalization");
  if (!rec.name && !text_at(*o, "Symbol"))
    return fail("Alpha Vantage: unexpected answer (no company overview)");
  return rec;
}

Result<FundamentalsRecord> parse_alpha_vantage_fundamentals(std::string_view body) {
  Doc doc;
  auto o = av_object(doc, body);
  if (!o) return fail(o.error());
  if (!text_at(*o, "Symbol") && !text_at(*o, "Name"))
    return fail("Alpha Vantage: unexpected answer (no company overview)");
  FundamentalsRecord rec;
  rec.pe_ratio = number_at(*o, "PERatio");
  rec.eps = number_at(*o, "EPS");
  rec.analyst_target = number_at(*o, "AnalystTargetPrice");
  return rec;
}

namespace {

class AlphaVantage final : public Provider {
 public:
  const ProviderInfo& info() const override {
    static constexpr ProviderInfo k_info{"alpha_vantage",
                                         "https://www.alphavantage.co",
                                         "ALPHA_VANTAGE_API_KEY",
                                         KeyRequirement::required,
                                         "overview and global quote",
                                         5,
                                         25};
    return k_info;
  }
  std::optional<NeedSource> source_for(NeedKind kind, const std::string& subject) const override {
    return symbol_source(info().name, kind, subject);
  }
  Result<ProviderRequest> request(const Need& need, const NeedSource&,
                                  const RequestContext& c) const override {
    const std::string symbol = "&symbol=" + need.subject + "&apikey=" + c.key;
    switch (need.kind) {
      case NeedKind::market:
        return ProviderRequest{c.base_url + "/query?function=GLOBAL_QUOTE" + symbol,
                               {},
                               [](std::string_view b) { return as_record(parse_alpha_vantage_quote(b)); }};
      case NeedKind::profile:
        return ProviderRequest{c.base_url + "/query?function=OVERVIEW" + symbol, {}, [](std::string_view b) {
                                 return as_record(parse_alpha_vantage_profile(b));
                               }};
      case NeedKind::fundamentals:
        return ProviderRequest{c.base_url + "/query?function=OVERVIEW" + symbol, {}, [](std::string_view b) {
                                 return as_record(parse_alpha_vantage_fundamentals(b));
                               }};
      default:
        return fail(FailureKind::other,
                    "alpha_vantage does not serve " + std::string(need_kind_name(need.kind)));
    }
  }
};

}  // namespace

const Provider& providers::alpha_vantage() {
  static const AlphaVantage k_provider;
  return k_provider;
}

}  // namespace thd
