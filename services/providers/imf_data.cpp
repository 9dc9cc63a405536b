// IMF DataMapper: yearly indicators for the United States (no key).
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
constexpr std::string_view k_imf = "IMF";
}  // namespace

Result<ImfRecord> parse_imf(std::string_view body, std::string_view indicator, std::string_view country,
                            int current_year) {
  Doc doc;
  if (!parse(doc, body)) return not_json(k_imf);
  simdjson::dom::object o;
  if (doc.root.get_object().get(o)) return bad_answer(k_imf, "unexpected answer (not an object)");
  simdjson::dom::element values_el, ind_el, country_el;
  simdjson::dom::object values, ind, years;
  if (!member_ci(o, "values", values_el) || values_el.get_object().get(values))
    return bad_answer(k_imf, "no values (unknown indicator or country)");
  // The values are keyed by indicator, then country: an empty level is
  // "nothing for it"; only another indicator or country is an answer to another question.
  auto other = [](simdjson::dom::object level, std::string_view want) {
    return bad_answer(k_imf, "the answer is about " +
                                 sanitize(std::string_view((*level.begin()).key).substr(0, 24)) + ", not " +
                                 sanitize(want));
  };
  if (!member_ci(values, indicator, ind_el)) {
    if (values.size() != 0) return other(values, indicator);
    return no_data(k_imf, "indicator " + sanitize(indicator));
  }
  if (ind_el.get_object().get(ind))
    return bad_answer(k_imf, "unexpected answer (" + sanitize(indicator) + ")");
  if (!member_ci(ind, country, country_el)) {
    if (ind.size() != 0) return other(ind, country);
    return no_data(k_imf, sanitize(indicator) + " for " + sanitize(country));
  }
  if (country_el.get_object().get(years))
    return bad_answer(k_imf, "unexpected answer (" + sanitize(indicator) + " for " + sanitize(country) + ")");
  // WEO series run years ahead: the current year is a projection (kept
  // apart, marked), the latest completed year is the value.
  const int last_actual = current_year - 1;
  ImfRecord rec;
  for (auto field : years) {
    auto year = parse_int(field.key);
    if (!year || *year > current_year || *year < 0) continue;
    auto value = number_of(field.value);
    if (!value) continue;
    if (*year == current_year) {
      rec.projection_year = current_year;
      rec.projection_value = value;
    } else if (!rec.year || *year > *rec.year) {
      rec.year = static_cast<int>(*year);
      rec.value = value;
    }
  }
  if (!rec.year)
    return no_data(k_imf, "no actual value for " + sanitize(indicator) + " in " + sanitize(country) +
                              " up to " + std::to_string(last_actual) +
                              " (projections are not observations)");
  return rec;
}

namespace {

class ImfData final : public Provider {
 public:
  const ProviderInfo& info() const override {
    static constexpr ProviderInfo k_info{.name = "imf_data",
                                         .default_base_url = "https://www.imf.org",
                                         .key_env = "",
                                         .key = KeyRequirement::none,
                                         .description = "IMF DataMapper indicators",
                                         .per_minute = 60,
                                         .per_day = 0};
    return k_info;
  }
  std::optional<NeedSource> source_for(NeedKind kind, const std::string& subject) const override {
    if (kind != NeedKind::imf) return std::nullopt;
    // v2: entries before it hold the current year's projection as `value`;
    // a new key leaves them unread (not even served stale) until they age out.
    return NeedSource{info().name, "imf:v2:" + subject + ":" + std::string(k_imf_country), RecordKind::imf,
                      DataKind::imf};
  }
  Result<ProviderRequest> request(const Need& need, const NeedSource&,
                                  const RequestContext& c) const override {
    std::string indicator = need.subject;
    std::string country(k_imf_country);
    const int year = c.today.year;
    ProviderRequest r;
    r.url = c.base_url + "/external/datamapper/api/v1/" + indicator + "/" + country;
    r.parse = [indicator, country, year](std::string_view b) {
      return as_record(parse_imf(b, indicator, country, year));
    };
    r.read_error = [](long, std::string_view body) { return Reading{Verdict::none, error_text(body), 0}; };
    return r;
  }
};

}  // namespace

const Provider& providers::imf_data() {
  static const ImfData k_provider;
  return k_provider;
}

}  // namespace thd
