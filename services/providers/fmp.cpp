// Financial Modeling Prep: the /stable/ quote, profile and ratios-ttm endpoints (key required).
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

// FMP's stable endpoints answer a JSON array of one object; an unknown
// symbol is [] and an error is {"Error Message": ...}.
Result<simdjson::dom::object> fmp_first(Doc& doc, std::string_view body) {
  if (!parse(doc, body)) return not_json("FMP");
  simdjson::dom::object obj;
  if (!doc.root.get_object().get(obj)) {
    if (auto m = message_member(obj, "Error Message")) return fail("FMP: " + *m);
    if (auto m = message_member(obj, "error")) return fail("FMP: " + *m);
    return fail("FMP: unexpected answer (an object, not a list)");
  }
  simdjson::dom::array arr;
  if (doc.root.get_array().get(arr)) return fail("FMP: unexpected answer (not a list)");
  if (arr.size() == 0) return no_data("FMP", "empty answer for the symbol");
  simdjson::dom::object first;
  if (arr.at(0).get_object().get(first)) return fail("FMP: unexpected answer (list of non-objects)");
  return first;
}

}  // namespace

Result<MarketRecord> parse_fmp_quote(std::string_view body) {
  Doc doc;
  auto q = fmp_first(doc, body);
  if (!q) return fail(q.error());
  MarketRecord rec;
  rec.price = number_at(*q, "price");
  rec.previous_close = number_at(*q, "previousClose");
  rec.fifty_two_week_high = number_at(*q, "yearHigh");
  rec.fifty_two_week_low = number_at(*q, "yearLow");
  rec.currency = text_at(*q, "currency");  // not in /stable/quote today; kept if it appears
  return rec;
}

Result<ProfileRecord> parse_fmp_profile(std::string_view body) {
  Doc doc;
  auto p = fmp_first(doc, body);
  if (!p) return fail(p.error());
  ProfileRecord rec;
  rec.name = text_at(*p, "companyName");
  rec.sector = canonical_sector_of(text_at(*p, "sector"));
  rec.industry = text_at(*p, "industry");
  rec.market_cap = number_at(*p, "marketCap");
  return rec;
}

Result<FundamentalsRecord> parse_fmp_ratios(std::string_view body) {
  Doc doc;
  auto r = fmp_first(doc, body);
  if (!r) return fail(r.error());
  FundamentalsRecord rec;
  rec.pe_ratio = number_at(*r, "priceToEarningsRatioTTM");
  rec.eps = number_at(*r, "netIncomePerShareTTM");
  return rec;
}

namespace {

class Fmp final : public Provider {
 public:
  const ProviderInfo& info() const override {
    static constexpr ProviderInfo k_info{"fmp",
                                         "https://financialmodelingprep.com",
                                         "FMP_API_KEY",
                                         KeyRequirement::required,
                                         "profiles, quotes, fundamentals",
                                         250,
                                         0};
    return k_info;
  }
  std::optional<NeedSource> source_for(NeedKind kind, const std::string& subject) const override {
    return symbol_source(info().name, kind, subject);
  }
  Result<ProviderRequest> request(const Need& need, const NeedSource&,
                                  const RequestContext& c) const override {
    const std::string query = "?symbol=" + need.subject + "&apikey=" + c.key;
    switch (need.kind) {
      case NeedKind::market:
        return ProviderRequest{c.base_url + "/stable/quote" + query, {}, [](std::string_view b) {
                                 return as_record(parse_fmp_quote(b));
                               }};
      case NeedKind::profile:
        return ProviderRequest{c.base_url + "/stable/profile" + query, {}, [](std::string_view b) {
                                 return as_record(parse_fmp_profile(b));
                               }};
      case NeedKind::fundamentals:
        return ProviderRequest{c.base_url + "/stable/ratios-ttm" + query, {}, [](std::string_view b) {
                                 return as_record(parse_fmp_ratios(b));
                               }};
      default:
        return fail(FailureKind::other, "fmp does not serve " + std::string(need_kind_name(need.kind)));
    }
  }
};

}  // namespace

const Provider& providers::fmp() {
  static const Fmp k_provider;
  return k_provider;
}

}  // namespace thd
