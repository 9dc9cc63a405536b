// FRED (St. Louis Fed): the latest observations of a series (key required).
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

Result<SeriesRecord> parse_fred_series(std::string_view body) {
  constexpr std::string_view k_fred = "FRED";
  Doc doc;
  if (!parse(doc, body)) return not_json(k_fred);
  simdjson::dom::object o;
  if (doc.root.get_object().get(o)) return bad_answer(k_fred, "unexpected answer (not an object)");
  if (auto m = message_member(o, "error_message")) return bad_answer(k_fred, *m);
  simdjson::dom::element code;
  if (!o["error_code"].get(code) && !code.is_null())
    return bad_answer(k_fred, "error " + std::string(simdjson::minify(code)).substr(0, 16));
  // FRED does not echo the series id: an observation with a date and a value is what makes the record.
  simdjson::dom::array obs;
  if (o["observations"].get_array().get(obs))
    return bad_answer(k_fred, "unexpected answer (no observations)");
  SeriesRecord rec;
  Date best{};
  for (simdjson::dom::element e : obs) {
    simdjson::dom::object ob;
    std::string_view date_s;
    if (e.get_object().get(ob) || ob["date"].get_string().get(date_s)) continue;
    auto date = parse_iso_date(date_s);
    auto value = number_at(ob, "value");  // "." -> null
    if (!date || !value) continue;
    if (!rec.date || *date > best) {
      best = *date;
      rec.date = format_date(*date);
      rec.value = value;
    }
  }
  if (!rec.date) return bad_answer(k_fred, "no observation with a value");
  return rec;
}

Reading read_fred_error(long status, std::string_view body) {
  std::string message = error_text(body);
  const std::string lower = to_lower(message);
  auto has = [&lower](std::string_view w) { return lower.find(w) != std::string::npos; };
  if (has("api_key") && (has("not registered") || has("not set") || has("32 character") || has("invalid")))
    return {Verdict::key_rejected, message, 0};
  if (status == 400 && has("does not exist")) return {Verdict::no_data, message, 0};
  return {Verdict::none, message, 0};
}

namespace {

class FredEconomic final : public Provider {
 public:
  const ProviderInfo& info() const override {
    static constexpr ProviderInfo k_info{.name = "fred_economic",
                                         .default_base_url = "https://api.stlouisfed.org",
                                         .key_env = "FRED_API_KEY",
                                         .key = KeyRequirement::required,
                                         .description = "economic series",
                                         .per_minute = 120,
                                         .per_day = 0,
                                         .per_second = 2};
    return k_info;
  }
  std::optional<NeedSource> source_for(NeedKind kind, const std::string& subject) const override {
    // The VIX's close is also FRED's series VIXCLS.
    if (kind == NeedKind::vix)
      return NeedSource{info().name, "series:VIXCLS", RecordKind::series, DataKind::series};
    if (kind == NeedKind::series)
      return NeedSource{info().name, "series:" + subject, RecordKind::series, DataKind::series};
    return std::nullopt;
  }
  Result<ProviderRequest> request(const Need& need, const NeedSource&,
                                  const RequestContext& c) const override {
    const std::string series = need.kind == NeedKind::vix ? "VIXCLS" : need.subject;
    ProviderRequest r;
    r.url = c.base_url + "/fred/series/observations?series_id=" + url_encode(series) + "&api_key=" + c.key +
            "&file_type=json&sort_order=desc&limit=20";
    r.parse = [](std::string_view b) { return as_record(parse_fred_series(b)); };
    r.read_error = read_fred_error;
    return r;
  }
};

}  // namespace

const Provider& providers::fred_economic() {
  static const FredEconomic k_provider;
  return k_provider;
}

}  // namespace thd
