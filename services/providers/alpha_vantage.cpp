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
#include "services/providers/symbols.hpp"

namespace thd {

using namespace adapter_json;

namespace {

constexpr std::string_view k_av = "Alpha Vantage";

// Alpha Vantage answers HTTP 200 to everything: rate limits come as
// {"Information": ...} or {"Note": ...}, bad calls as {"Error Message": ...},
// an unknown symbol as {} (OVERVIEW) or {"Global Quote": {}}.
// What its HTTP-200 words mean (docs/PROVIDERS.md): the per-second text
// also names the daily limit, so it is recognised first.
Failure av_refusal(std::string_view key, const std::string& message) {
  const std::string lower = to_lower(message);
  auto has = [&lower](std::string_view w) { return lower.find(w) != std::string::npos; };
  const std::string said = "Alpha Vantage: " + message;
  if (key == "Error Message") {
    if (has("apikey") && (has("invalid") || has("missing"))) return fail(FailureKind::auth_rejected, said);
    return bad_answer(k_av, message);
  }
  if (has("per second") || has("sparingly") || has("spreading out") || has("per minute") || has("burst"))
    return fail(FailureKind::rate_limited, said);
  if (has("per day") || has("daily")) return fail(FailureKind::quota_exhausted, said);
  if (has("premium")) return fail(FailureKind::not_on_plan, said);
  return bad_answer(k_av, message);
}

Result<simdjson::dom::object> av_object(Doc& doc, std::string_view body) {
  if (!parse(doc, body)) return not_json(k_av);
  simdjson::dom::object obj;
  if (doc.root.get_object().get(obj)) return bad_answer(k_av, "unexpected answer (not an object)");
  for (std::string_view key : {"Error Message", "Information", "Note"})
    if (auto m = message_member(obj, key)) return av_refusal(key, *m);
  if (obj.size() == 0) return no_data(k_av, "empty answer for the symbol");
  return obj;
}

}  // namespace

Result<MarketRecord> parse_alpha_vantage_quote(std::string_view body, std::string_view symbol) {
  Doc doc;
  auto obj = av_object(doc, body);
  if (!obj) return fail(obj.error());
  simdjson::dom::object q;
  if ((*obj)["Global Quote"].get_object().get(q))
    return bad_answer(k_av, "unexpected answer (no Global Quote)");
  if (q.size() == 0) return no_data(k_av, "empty Global Quote for the symbol");
  // A real Global Quote always carries "01. symbol": required.
  if (auto named = require_symbol(k_av, q, "01. symbol", symbol); !named) return fail(named.error());
  auto price = figure_at(k_av, q, "05. price");
  if (!price) return fail(price.error());
  if (!*price) return without(k_av, q, {"05. price"}, "price", symbol);
  MarketRecord rec;
  rec.price = *price;
  rec.previous_close = number_at(q, "08. previous close");
  return rec;
}

Result<ProfileRecord> parse_alpha_vantage_profile(std::string_view body, std::string_view symbol) {
  Doc doc;
  auto o = av_object(doc, body);
  if (!o) return fail(o.error());
  // A real OVERVIEW always carries "Symbol" (an ETF's too, with "None" figures): required.
  if (auto named = require_symbol(k_av, *o, "Symbol", symbol); !named) return fail(named.error());
  ProfileRecord rec;
  rec.name = text_at(*o, "Name");
  const auto sector = text_at(*o, "Sector");
  if (!rec.name && !sector) return without(k_av, *o, {"Name", "Sector"}, "company name or sector", symbol);
  rec.sector = canonical_sector_of(sector);
  // A profile holds a name or one of the eleven sectors: a sector we cannot place is not a profile.
  if (!rec.name && !rec.sector)
    return bad_answer(k_av,
                      "no company name, and the sector '" + sanitize(*sector) + "' is not a known sector");
  rec.industry = text_at(*o, "Industry");
  rec.market_cap = number_at(*o, "MarketCapitalization");
  return rec;
}

Result<FundamentalsRecord> parse_alpha_vantage_fundamentals(std::string_view body, std::string_view symbol) {
  Doc doc;
  auto o = av_object(doc, body);
  if (!o) return fail(o.error());
  if (auto named = require_symbol(k_av, *o, "Symbol", symbol); !named) return fail(named.error());
  FundamentalsRecord rec;
  for (auto [key, field] :
       {std::pair{"PERatio", &FundamentalsRecord::pe_ratio}, std::pair{"EPS", &FundamentalsRecord::eps},
        std::pair{"AnalystTargetPrice", &FundamentalsRecord::analyst_target}}) {
    auto v = figure_at(k_av, *o, key);
    if (!v) return fail(v.error());
    rec.*field = *v;
  }
  if (!rec.pe_ratio && !rec.eps && !rec.analyst_target)
    return without(k_av, *o, {"PERatio", "EPS", "AnalystTargetPrice"}, "P/E, EPS or analyst target", symbol);
  return rec;
}

namespace {

class AlphaVantage final : public Provider {
 public:
  const ProviderInfo& info() const override {
    // The free plan: 25 calls a day, at most one a second (docs/PROVIDERS.md).
    static constexpr ProviderInfo k_info{.name = "alpha_vantage",
                                         .default_base_url = "https://www.alphavantage.co",
                                         .key_env = "ALPHA_VANTAGE_API_KEY",
                                         .key = KeyRequirement::required,
                                         .description = "overview and global quote",
                                         .per_minute = 0,
                                         .per_day = 25,
                                         .per_second = 1,
                                         .scarce = true,
                                         .shared_answers = true};
    return k_info;
  }
  std::optional<NeedSource> source_for(NeedKind kind, const std::string& subject) const override {
    return symbol_source(info().name, kind, subject);
  }
  // One OVERVIEW is a profile and fundamentals.
  std::vector<NeedKind> same_answer(NeedKind kind) const override {
    if (kind == NeedKind::profile) return {NeedKind::fundamentals};
    if (kind == NeedKind::fundamentals) return {NeedKind::profile};
    return {};
  }
  Result<ProviderRequest> request(const Need& need, const NeedSource&,
                                  const RequestContext& c) const override {
    const std::string symbol = spelled(info().name, need.subject, c);  // echoed as "01. symbol" / "Symbol"
    const std::string query = "&symbol=" + url_encode(symbol) + "&apikey=" + c.key;
    ProviderRequest r;
    r.read_error = [](long, std::string_view body) { return Reading{Verdict::none, error_text(body), 0}; };
    switch (need.kind) {
      case NeedKind::market:
        r.url = c.base_url + "/query?function=GLOBAL_QUOTE" + query;
        r.parse = [symbol](std::string_view b) { return as_record(parse_alpha_vantage_quote(b, symbol)); };
        return r;
      case NeedKind::profile:
        r.url = c.base_url + "/query?function=OVERVIEW" + query;
        r.parse = [symbol](std::string_view b) { return as_record(parse_alpha_vantage_profile(b, symbol)); };
        return r;
      case NeedKind::fundamentals:
        r.url = c.base_url + "/query?function=OVERVIEW" + query;
        r.parse = [symbol](std::string_view b) {
          return as_record(parse_alpha_vantage_fundamentals(b, symbol));
        };
        return r;
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
