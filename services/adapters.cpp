// Parsers of the providers' real responses into normalized records (see
// services/adapters.hpp for the contract). Every parser first rejects the
// errors in disguise of its provider, then reads the figures it needs; a
// figure that is absent, null or one of the providers' "no value" spellings
// ("None", "-", "", ".") is null, never zero.
#include "services/adapters.hpp"

#include <simdjson.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <vector>

#include "core/sectors.hpp"
#include "core/text.hpp"

namespace thd {

namespace {

// The parser owns the memory of every element it hands out: one per call.
struct Doc {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
};

// Parses `body`; false when it is not JSON.
bool parse(Doc& doc, std::string_view body) {
  simdjson::padded_string padded(body);
  // The DOM parser copies the document into its own tape and string buffer,
  // so `padded` may go away after parse().
  return !doc.parser.parse(padded).get(doc.root);
}

Failure not_json(std::string_view provider) {
  return fail(std::string(provider) + ": the answer is not valid JSON");
}

// A provider's own words, fit for a log line or a report: no URL (they
// often point at a sign-up page with query strings), no key-like parameter,
// no control characters, at most ~160 characters.
std::string sanitize(std::string_view text) {
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    size_t end = text.find_first_of(" \t\r\n", i);
    if (end == std::string_view::npos) end = text.size();
    std::string_view word = text.substr(i, end - i);
    std::string_view core = word;
    while (!core.empty() && (core.front() == '(' || core.front() == '[' || core.front() == '<'))
      core.remove_prefix(1);
    std::string lower = to_lower(core);
    bool drop = lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("www.") ||
                lower.find("apikey=") != std::string::npos || lower.find("api_key=") != std::string::npos;
    if (!drop && !word.empty()) {
      if (!out.empty()) out.push_back(' ');
      out.append(word);
    } else if (drop) {
      // Keep the sentence's end: "(https://...)." leaves its ".".
      size_t k = word.size();
      while (k > 0 && std::string_view(".,;:!?").find(word[k - 1]) != std::string_view::npos) --k;
      if (!out.empty()) out.append(word.substr(k));
    }
    i = end + 1;
  }
  out = printable(out);
  constexpr size_t k_max = 160;
  if (out.size() > k_max) {
    size_t cut = out.rfind(' ', k_max);
    if (cut == std::string::npos || cut < k_max / 2) cut = k_max;
    // Do not cut inside a UTF-8 sequence.
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
    out.resize(cut);
    out += "...";
  }
  return out;
}

// The text of a member that a provider uses for an error message, if any.
std::optional<std::string> message_member(simdjson::dom::object obj, std::string_view key) {
  simdjson::dom::element e;
  if (obj[key].get(e)) return std::nullopt;
  std::string_view s;
  if (!e.get_string().get(s)) return sanitize(s);
  if (e.is_null()) return std::nullopt;
  return std::string(simdjson::minify(e)).substr(0, 160);
}

bool is_missing_text(std::string_view s) {
  s = trim(s);
  return s.empty() || s == "None" || s == "none" || s == "-" || s == "." || s == "N/A" || s == "null";
}

// A figure: a JSON number, or a number written as a string (Alpha Vantage,
// FRED); absent, null, "None", "-", "", "." and anything unparsable -> null.
std::optional<double> number_of(simdjson::dom::element e) {
  using T = simdjson::dom::element_type;
  switch (e.type()) {
    case T::DOUBLE:
    case T::INT64:
    case T::UINT64: {
      double v = 0;
      if (e.get_double().get(v) || !std::isfinite(v)) return std::nullopt;
      return v;
    }
    case T::STRING: {
      std::string_view s;
      if (e.get_string().get(s) || is_missing_text(s)) return std::nullopt;
      return parse_double(s);
    }
    default: return std::nullopt;
  }
}

std::optional<double> number_at(simdjson::dom::object obj, std::string_view key) {
  simdjson::dom::element e;
  if (obj[key].get(e)) return std::nullopt;
  return number_of(e);
}

// A text field: absent, null, empty or "None" -> null.
std::optional<std::string> text_at(simdjson::dom::object obj, std::string_view key) {
  simdjson::dom::element e;
  std::string_view s;
  if (obj[key].get(e) || e.get_string().get(s)) return std::nullopt;
  s = trim(s);
  if (is_missing_text(s)) return std::nullopt;
  return std::string(s);
}

std::optional<std::string> canonical_sector_of(std::optional<std::string> name) {
  if (!name) return std::nullopt;
  if (auto s = canonical_sector(*name)) return std::string(*s);
  // Alpha Vantage long used the names of the SEC's review offices; only the
  // unambiguous ones map ("MANUFACTURING", "TRADE & SERVICES", "ENERGY &
  // TRANSPORTATION" and "REAL ESTATE & CONSTRUCTION" span several sectors).
  if (iequals(*name, "LIFE SCIENCES")) return std::string("healthcare");
  return std::nullopt;
}

// ---------------------------------------------------------------- FMP ----

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
  if (arr.size() == 0) return fail("FMP: no data for the symbol (empty answer)");
  simdjson::dom::object first;
  if (arr.at(0).get_object().get(first)) return fail("FMP: unexpected answer (list of non-objects)");
  return first;
}

// ------------------------------------------------------- Alpha Vantage ----

// Alpha Vantage answers HTTP 200 to everything: rate limits come as
// {"Information": ...} or {"Note": ...}, bad calls as {"Error Message": ...},
// an unknown symbol as {} (OVERVIEW) or {"Global Quote": {}}.
Result<simdjson::dom::object> av_object(Doc& doc, std::string_view body) {
  if (!parse(doc, body)) return not_json("Alpha Vantage");
  simdjson::dom::object obj;
  if (doc.root.get_object().get(obj)) return fail("Alpha Vantage: unexpected answer (not an object)");
  for (std::string_view key : {"Error Message", "Information", "Note"})
    if (auto m = message_member(obj, key)) return fail("Alpha Vantage: " + *m);
  if (obj.size() == 0) return fail("Alpha Vantage: no data for the symbol (empty answer)");
  return obj;
}

// ------------------------------------------------------------- Yahoo ----

struct Close {
  Date date;
  double value;
};

}  // namespace

Result<MarketRecord> parse_yahoo_chart(std::string_view body, Date today) {
  Doc doc;
  if (!parse(doc, body)) return not_json("Yahoo Finance");
  simdjson::dom::object chart;
  if (doc.root["chart"].get_object().get(chart)) {
    // Other Yahoo endpoints' 404 shape: {"finance":{"result":null,"error":{...}}}.
    simdjson::dom::object finance;
    if (!doc.root["finance"].get_object().get(finance))
      chart = finance;
    else
      return fail("Yahoo Finance: unexpected answer (no chart)");
  }
  simdjson::dom::element error;
  if (!chart["error"].get(error) && !error.is_null()) {
    simdjson::dom::object eobj;
    std::string what;
    if (!error.get_object().get(eobj)) {
      auto code = message_member(eobj, "code");
      auto description = message_member(eobj, "description");
      what = code.value_or("");
      if (description) what += (what.empty() ? "" : ": ") + *description;
    } else if (auto s = error.get_string(); !s.error()) {
      what = sanitize(s.value_unsafe());
    }
    if (what.empty()) what = "error";
    return fail("Yahoo Finance: " + what);
  }
  simdjson::dom::array results;
  if (chart["result"].get_array().get(results) || results.size() == 0)
    return fail("Yahoo Finance: no chart data (empty result)");
  simdjson::dom::object result;
  if (results.at(0).get_object().get(result)) return fail("Yahoo Finance: unexpected answer (result)");

  MarketRecord rec;
  std::int64_t gmtoffset = 0;
  simdjson::dom::object meta;
  if (!result["meta"].get_object().get(meta)) {
    rec.currency = text_at(meta, "currency");
    std::int64_t off = 0;
    // Dates of daily bars are the exchange's local dates.
    if (!meta["gmtoffset"].get_int64().get(off) && off > -86400 && off < 86400) gmtoffset = off;
  }

  simdjson::dom::array timestamps, closes;
  simdjson::dom::element ts_el;
  if (result["timestamp"].get(ts_el) || ts_el.is_null()) {
    // No bar at all (a symbol without trades in the range).
    return fail("Yahoo Finance: no daily bars in the chart");
  }
  if (ts_el.get_array().get(timestamps)) return fail("Yahoo Finance: unexpected answer (timestamp)");
  if (result.at_pointer("/indicators/quote/0/close").get_array().get(closes))
    return fail("Yahoo Finance: unexpected answer (no closes)");
  if (closes.size() != timestamps.size())
    return fail("Yahoo Finance: unexpected answer (timestamps and closes differ in length)");

  std::vector<Close> series;
  series.reserve(closes.size());
  auto ts_it = timestamps.begin();
  for (simdjson::dom::element c : closes) {
    simdjson::dom::element t = *ts_it;
    ++ts_it;
    if (c.is_null()) continue;  // a day without a close: skipped
    double v = 0;
    if (c.get_double().get(v) || !std::isfinite(v)) return fail("Yahoo Finance: unexpected answer (close)");
    std::int64_t seconds = 0;
    if (t.get_int64().get(seconds)) return fail("Yahoo Finance: unexpected answer (timestamp)");
    series.push_back({date_of(seconds + gmtoffset), v});
  }
  if (series.empty()) return fail("Yahoo Finance: no closing prices in the chart");

  rec.price = series.back().value;
  if (series.size() >= 2) rec.previous_close = series[series.size() - 2].value;
  auto [lo, hi] = std::minmax_element(series.begin(), series.end(),
                                      [](const Close& a, const Close& b) { return a.value < b.value; });
  rec.fifty_two_week_low = lo->value;
  rec.fifty_two_week_high = hi->value;

  // YTD: against the last close dated in the year before today's.
  for (auto it = series.rbegin(); it != series.rend(); ++it) {
    if (it->date.year == today.year - 1) {
      if (it->value > 0) rec.ytd_return = *rec.price / it->value - 1;
      break;
    }
  }

  // Volatility: sample standard deviation of the daily log returns,
  // annualized with sqrt(252); needs two returns (three closes).
  std::vector<double> returns;
  for (size_t i = 1; i < series.size(); ++i)
    if (series[i - 1].value > 0 && series[i].value > 0)
      returns.push_back(std::log(series[i].value / series[i - 1].value));
  if (returns.size() >= 2) {
    double mean = 0;
    for (double r : returns) mean += r;
    mean /= static_cast<double>(returns.size());
    double ss = 0;
    for (double r : returns) ss += (r - mean) * (r - mean);
    rec.volatility = std::sqrt(ss / static_cast<double>(returns.size() - 1)) * std::sqrt(252.0);
  }
  return rec;
}

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

Result<MarketRecord> parse_alpha_vantage_quote(std::string_view body) {
  Doc doc;
  auto obj = av_object(doc, body);
  if (!obj) return fail(obj.error());
  simdjson::dom::object q;
  if ((*obj)["Global Quote"].get_object().get(q))
    return fail("Alpha Vantage: unexpected answer (no Global Quote)");
  if (q.size() == 0) return fail("Alpha Vantage: no quote for the symbol (empty Global Quote)");
  MarketRecord rec;
  rec.price = number_at(q, "05. price");
  rec.previous_close = number_at(q, "08. previous close");
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

Result<ProfileRecord> parse_sec_submissions(std::string_view body) {
  Doc doc;
  if (!parse(doc, body)) return not_json("SEC EDGAR");
  simdjson::dom::object o;
  if (doc.root.get_object().get(o)) return fail("SEC EDGAR: unexpected answer (not an object)");
  ProfileRecord rec;
  rec.name = text_at(o, "name");
  if (!rec.name) return fail("SEC EDGAR: unexpected answer (no company name)");
  rec.industry = text_at(o, "sicDescription");
  // "sic" is a string ("3571"), "" for funds; tolerate a number.
  std::optional<int> sic;
  simdjson::dom::element e;
  if (!o["sic"].get(e)) {
    std::int64_t n = 0;
    std::string_view s;
    if (!e.get_int64().get(n)) {
      sic = static_cast<int>(n);
    } else if (!e.get_string().get(s)) {
      if (auto v = parse_int(trim(s)); v && *v >= 0 && *v <= 9999) sic = static_cast<int>(*v);
    }
  }
  if (sic)
    if (auto sector = sector_from_sic(*sic)) rec.sector = std::string(*sector);
  return rec;
}

namespace {

// Ticker spelling for comparison: upper case, class separator '-' (SEC
// lists Berkshire's class B as "BRK-B"; brokers write BRK.B or BRK/B).
std::string ticker_key(std::string_view t) {
  std::string out = to_upper(trim(t));
  for (char& c : out)
    if (c == '.' || c == '/' || c == ' ') c = '-';
  return out;
}

}  // namespace

Result<std::optional<std::uint64_t>> parse_sec_company_tickers(std::string_view body,
                                                               std::string_view ticker) {
  Doc doc;
  if (!parse(doc, body)) return not_json("SEC EDGAR");
  simdjson::dom::object o;
  if (doc.root.get_object().get(o))
    return fail("SEC EDGAR: unexpected answer (company tickers not an object)");
  const std::string want = ticker_key(ticker);
  if (want.empty()) return std::optional<std::uint64_t>{};
  for (auto field : o) {
    simdjson::dom::object row;
    if (field.value.get_object().get(row)) continue;
    std::string_view t;
    if (row["ticker"].get_string().get(t) || ticker_key(t) != want) continue;
    simdjson::dom::element cik;
    if (row["cik_str"].get(cik)) return fail("SEC EDGAR: unexpected answer (no cik_str)");
    std::uint64_t n = 0;
    std::string_view s;
    if (!cik.get_uint64().get(n)) return std::optional<std::uint64_t>{n};
    if (!cik.get_string().get(s))
      if (auto v = parse_int(trim(s)); v && *v > 0)
        return std::optional<std::uint64_t>{static_cast<std::uint64_t>(*v)};
    return fail("SEC EDGAR: unexpected answer (cik_str)");
  }
  return std::optional<std::uint64_t>{};
}

// SIC code -> canonical sector. The SEC's divisions (SIC manual, as EDGAR
// uses them):
//   A 0100-0999 agriculture, forestry, fishing    F 5000-5199 wholesale trade
//   B 1000-1499 mining                            G 5200-5999 retail trade
//   C 1500-1799 construction                      H 6000-6799 finance, insurance, real estate
//   D 2000-3999 manufacturing                     I 7000-8999 services
//   E 4000-4999 transportation, communications,   J 9100-9729 public administration
//               electric, gas, sanitary           K 9900-9999 nonclassifiable
// refined to the 11 sectors (GICS-like) by major group / industry. The first
// range that contains the code wins, so narrow ranges come before wide ones:
//
//   0100-0799 crops, livestock, agri services -> consumer_staples
//   0800-0899 forestry -> materials; 0900-0999 fishing -> consumer_staples
//   1000-1199 metal mining -> materials; 1200-1399 coal, crude petroleum and
//     natural gas, drilling, oil & gas field services (1311/1381/1382/1389)
//     -> energy; 1400-1499 nonmetallic minerals -> materials
//   1520-1531 homebuilders -> consumer_discretionary; 1500-1799 -> industrials
//   2000-2199 food, beverages, tobacco -> consumer_staples
//   2200-2399 textiles, apparel -> consumer_discretionary
//   2400-2499 lumber, wood -> materials; 2500-2599 furniture -> consumer_discretionary
//   2600-2699 paper -> materials
//   2700-2749 newspapers (2711), periodicals, books -> communication_services;
//     2750-2799 commercial printing -> industrials
//   2830-2836 drugs, pharmaceuticals (2834), biologicals -> healthcare
//   2840-2844 soap, detergents, cosmetics -> consumer_staples
//   2800-2899 other chemicals -> materials
//   2900-2999 petroleum refining (2911) and products -> energy
//   3011 tires, 3021 rubber & plastic footwear -> consumer_discretionary
//   3000-3099 rubber, plastics -> materials
//   3100-3199 leather -> consumer_discretionary
//   3200-3399 stone, clay, glass, primary metals -> materials
//   3410-3412 metal cans -> materials; 3400-3499 fabricated metal -> industrials
//   3570-3579 computers (3571), storage (3572), office machines -> technology
//   3500-3599 machinery -> industrials
//   3630-3639 household appliances, 3650-3659 household audio & video
//     -> consumer_discretionary; 3660-3679 communications equipment,
//     semiconductors (3674), components -> technology; 3600-3699 other
//     electrical equipment -> industrials
//   3710-3719 motor vehicles (3711), parts, 3750-3759 motorcycles, 3790-3799
//     RVs and misc. -> consumer_discretionary; 3700-3799 aircraft (3720-3728),
//     ships, railroad equipment, missiles & space -> industrials
//   3810-3819 search & navigation (3812) -> industrials; 3820-3829 measuring
//     instruments -> technology; 3840-3859 medical, surgical, dental,
//     ophthalmic -> healthcare; 3860-3869 photographic -> technology;
//     3870-3879 watches -> consumer_discretionary
//   3900-3949 jewelry, toys, sporting goods -> consumer_discretionary;
//     3950-3999 office supplies, misc. manufacturing -> industrials
//   4610-4619 pipelines, 4922 natural gas transmission -> energy
//   4000-4799 transportation -> industrials
//   4800-4899 telephone (4812/4813), broadcasting, cable (4841)
//     -> communication_services
//   4950-4959 sanitary services, refuse systems -> industrials
//   4900-4999 electric (4911), gas, water, cogeneration (4991) -> utilities
//   5045 computers wholesale, 5065 electronic parts -> technology
//   5047 medical equipment wholesale, 5122 drugs wholesale -> healthcare
//   5030-5039, 5050-5052, 5060-5064, 5070-5088 construction materials,
//     metals, electrical, hardware, machinery wholesale -> industrials
//   5140-5159 groceries, farm products, 5180-5182 beer & wine, 5194 tobacco
//     wholesale -> consumer_staples
//   5160-5169 chemicals wholesale -> materials; 5171-5172 petroleum -> energy
//   5331 variety stores (Walmart, Costco), 5400-5499 food stores, 5912 drug
//     stores -> consumer_staples
//   5000-5999 other wholesale and retail -> consumer_discretionary
//   6324 hospital & medical service plans -> healthcare
//   6500-6599 real estate, 6798 REITs -> real_estate
//   6000-6799 banks, credit, brokers, insurance, holding companies -> financials
//   7000-7299 hotels, personal services -> consumer_discretionary
//   7310-7319 advertising -> communication_services
//   7370-7379 computer programming, software (7372), data processing -> technology
//   7300-7699 other business services (7389 included), auto and repair
//     services -> industrials
//   7800-7899 motion pictures, video (7841) -> communication_services
//   7900-7999 amusement and recreation -> consumer_discretionary
//   8000-8099 health services -> healthcare
//   8100-8199 legal services -> industrials
//   8200-8299 educational services -> consumer_discretionary
//   8300-8399 social services, residential care -> healthcare
//   8731 commercial physical & biological research -> healthcare
//   8700-8799 engineering, accounting, research, management -> industrials
//   8900-8999 services NEC -> industrials
//   everything else (8600 membership organizations, 8800 households, 8880
//   ADRs, 8888 foreign governments, 9100-9729 public administration, 9995
//   non-operating, 9999 nonclassifiable, codes outside the divisions) -> nullopt
std::optional<std::string_view> sector_from_sic(int sic) {
  struct Range {
    int lo, hi;
    std::string_view sector;
  };
  static constexpr std::string_view tech = "technology", health = "healthcare", fin = "financials",
                                    ind = "industrials", comm = "communication_services",
                                    disc = "consumer_discretionary", stap = "consumer_staples",
                                    energy = "energy", mat = "materials", util = "utilities",
                                    re = "real_estate";
  static constexpr std::array k_table{
      // A: agriculture, forestry, fishing
      Range{100, 799, stap},
      Range{800, 899, mat},
      Range{900, 999, stap},
      // B: mining
      Range{1000, 1199, mat},
      Range{1200, 1399, energy},
      Range{1400, 1499, mat},
      // C: construction
      Range{1520, 1531, disc},
      Range{1500, 1799, ind},
      // D: manufacturing
      Range{2000, 2199, stap},
      Range{2200, 2399, disc},
      Range{2400, 2499, mat},
      Range{2500, 2599, disc},
      Range{2600, 2699, mat},
      Range{2700, 2749, comm},
      Range{2750, 2799, ind},
      Range{2830, 2836, health},
      Range{2840, 2844, stap},
      Range{2800, 2899, mat},
      Range{2900, 2999, energy},
      Range{3011, 3011, disc},
      Range{3021, 3021, disc},
      Range{3000, 3099, mat},
      Range{3100, 3199, disc},
      Range{3200, 3399, mat},
      Range{3410, 3412, mat},
      Range{3400, 3499, ind},
      Range{3570, 3579, tech},
      Range{3500, 3599, ind},
      Range{3630, 3639, disc},
      Range{3650, 3659, disc},
      Range{3660, 3679, tech},
      Range{3600, 3699, ind},
      Range{3710, 3719, disc},
      Range{3750, 3759, disc},
      Range{3790, 3799, disc},
      Range{3700, 3799, ind},
      Range{3810, 3819, ind},
      Range{3820, 3829, tech},
      Range{3840, 3859, health},
      Range{3860, 3869, tech},
      Range{3870, 3879, disc},
      Range{3800, 3899, ind},
      Range{3900, 3949, disc},
      Range{3950, 3999, ind},
      // E: transportation, communications, utilities
      Range{4610, 4619, energy},
      Range{4922, 4922, energy},
      Range{4000, 4799, ind},
      Range{4800, 4899, comm},
      Range{4950, 4959, ind},
      Range{4900, 4999, util},
      // F: wholesale trade
      Range{5045, 5045, tech},
      Range{5065, 5065, tech},
      Range{5047, 5047, health},
      Range{5122, 5122, health},
      Range{5030, 5039, ind},
      Range{5050, 5052, ind},
      Range{5060, 5064, ind},
      Range{5070, 5088, ind},
      Range{5140, 5159, stap},
      Range{5180, 5182, stap},
      Range{5194, 5194, stap},
      Range{5160, 5169, mat},
      Range{5171, 5172, energy},
      // G: retail trade (and the rest of F)
      Range{5331, 5331, stap},
      Range{5400, 5499, stap},
      Range{5912, 5912, stap},
      Range{5000, 5999, disc},
      // H: finance, insurance, real estate
      Range{6324, 6324, health},
      Range{6500, 6599, re},
      Range{6798, 6798, re},
      Range{6000, 6799, fin},
      // I: services
      Range{7000, 7299, disc},
      Range{7310, 7319, comm},
      Range{7370, 7379, tech},
      Range{7300, 7699, ind},
      Range{7800, 7899, comm},
      Range{7900, 7999, disc},
      Range{8000, 8099, health},
      Range{8100, 8199, ind},
      Range{8200, 8299, disc},
      Range{8300, 8399, health},
      Range{8731, 8731, health},
      Range{8700, 8799, ind},
      Range{8900, 8999, ind},
  };
  for (const Range& r : k_table)
    if (sic >= r.lo && sic <= r.hi) return r.sector;
  return std::nullopt;
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

Result<SeriesRecord> parse_fred_series(std::string_view body) {
  Doc doc;
  if (!parse(doc, body)) return not_json("FRED");
  simdjson::dom::object o;
  if (doc.root.get_object().get(o)) return fail("FRED: unexpected answer (not an object)");
  if (auto m = message_member(o, "error_message")) return fail("FRED: " + *m);
  simdjson::dom::element code;
  if (!o["error_code"].get(code) && !code.is_null())
    return fail("FRED: error " + std::string(simdjson::minify(code)).substr(0, 16));
  simdjson::dom::array obs;
  if (o["observations"].get_array().get(obs)) return fail("FRED: unexpected answer (no observations)");
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
  if (!rec.date) return fail("FRED: no observation with a value");
  return rec;
}

namespace {

// obj[key], else the member whose name equals key ignoring case.
bool member_ci(simdjson::dom::object obj, std::string_view key, simdjson::dom::element& out) {
  if (!obj[key].get(out)) return true;
  for (auto field : obj)
    if (iequals(field.key, key)) {
      out = field.value;
      return true;
    }
  return false;
}

}  // namespace

Result<ImfRecord> parse_imf(std::string_view body, std::string_view indicator, std::string_view country,
                            int current_year) {
  Doc doc;
  if (!parse(doc, body)) return not_json("IMF");
  simdjson::dom::object o;
  if (doc.root.get_object().get(o)) return fail("IMF: unexpected answer (not an object)");
  simdjson::dom::element values_el, ind_el, country_el;
  simdjson::dom::object values, ind, years;
  if (!member_ci(o, "values", values_el) || values_el.get_object().get(values))
    return fail("IMF: no values (unknown indicator or country)");
  if (!member_ci(values, indicator, ind_el) || ind_el.get_object().get(ind))
    return fail("IMF: no data for indicator " + sanitize(indicator));
  if (!member_ci(ind, country, country_el) || country_el.get_object().get(years))
    return fail("IMF: no data for " + sanitize(indicator) + " in " + sanitize(country));
  ImfRecord rec;
  for (auto field : years) {
    auto year = parse_int(field.key);
    if (!year || *year > current_year || *year < 0) continue;
    auto value = number_of(field.value);
    if (!value) continue;
    if (!rec.year || *year > *rec.year) {
      rec.year = static_cast<int>(*year);
      rec.value = value;
    }
  }
  if (!rec.year)
    return fail("IMF: no value for " + sanitize(indicator) + " in " + sanitize(country) + " up to " +
                std::to_string(current_year));
  return rec;
}

Result<CryptoRecord> parse_coingecko(std::string_view body, std::string_view coin) {
  Doc doc;
  if (!parse(doc, body)) return not_json("CoinGecko");
  simdjson::dom::object o;
  if (doc.root.get_object().get(o)) return fail("CoinGecko: unexpected answer (not an object)");
  // Errors: {"error": "..."} and, for rate limits, {"status": {"error_code":
  // 429, "error_message": "..."}}.
  if (auto m = message_member(o, "error")) return fail("CoinGecko: " + *m);
  simdjson::dom::object status;
  if (!o["status"].get_object().get(status))
    if (auto m = message_member(status, "error_message")) return fail("CoinGecko: " + *m);
  simdjson::dom::element coin_el;
  simdjson::dom::object c;
  if (!member_ci(o, coin, coin_el) || coin_el.get_object().get(c))
    return fail("CoinGecko: no price for " + sanitize(coin));
  CryptoRecord rec;
  rec.usd = number_at(c, "usd");
  rec.change_24h = number_at(c, "usd_24h_change");
  rec.market_cap = number_at(c, "usd_market_cap");
  return rec;
}

}  // namespace thd
