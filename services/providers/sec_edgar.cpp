// SEC EDGAR: company_tickers.json (ticker -> CIK, shared by every need of a
// run), submissions (name and SIC code), and the SIC code's sector (no key;
// SEC's fair access policy asks every client to name itself with a contact).
#include <cstdio>
#include <string>

#include "core/base/text.hpp"
#include "services/providers/adapter_json.hpp"
#include "services/providers/adapters.hpp"
#include "services/providers/providers.hpp"

namespace thd {

using namespace adapter_json;

namespace {

constexpr std::string_view k_sec = "SEC EDGAR";

// A CIK as SEC writes it: a number, or a string of digits ("0000320193").
std::optional<std::uint64_t> cik_of(simdjson::dom::element e) {
  std::uint64_t n = 0;
  std::string_view s;
  if (!e.get_uint64().get(n)) return n;
  if (!e.get_string().get(s))
    if (auto v = parse_int(trim(s)); v && *v > 0) return static_cast<std::uint64_t>(*v);
  return std::nullopt;
}

}  // namespace

Result<ProfileRecord> parse_sec_submissions(std::string_view body, std::uint64_t cik) {
  Doc doc;
  if (!parse(doc, body)) return not_json(k_sec);
  simdjson::dom::object o;
  if (doc.root.get_object().get(o)) return bad_answer(k_sec, "unexpected answer (not an object)");
  // The submissions must be the company asked for: SEC echoes its CIK.
  simdjson::dom::element cik_el;
  if (!o["cik"].get(cik_el) && !cik_el.is_null()) {
    auto got = cik_of(cik_el);
    if (!got) return bad_answer(k_sec, "unexpected answer (cik)");
    if (*got != cik)
      return bad_answer(k_sec,
                        "the answer is about CIK " + std::to_string(*got) + ", not " + std::to_string(cik));
  }
  ProfileRecord rec;
  rec.name = text_at(o, "name");
  if (!rec.name) return bad_answer(k_sec, "unexpected answer (no company name)");
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
  if (!parse(doc, body)) return not_json(k_sec);
  simdjson::dom::object o;
  if (doc.root.get_object().get(o))
    return bad_answer(k_sec, "unexpected answer (company tickers not an object)");
  const std::string want = ticker_key(ticker);
  size_t rows = 0;  // rows with a ticker: a file without any is not the file
  for (auto field : o) {
    simdjson::dom::object row;
    if (field.value.get_object().get(row)) continue;
    std::string_view t;
    if (row["ticker"].get_string().get(t)) continue;
    ++rows;
    if (want.empty() || ticker_key(t) != want) continue;
    simdjson::dom::element cik;
    if (row["cik_str"].get(cik)) return bad_answer(k_sec, "unexpected answer (no cik_str)");
    if (auto n = cik_of(cik)) return std::optional<std::uint64_t>{*n};
    return bad_answer(k_sec, "unexpected answer (cik_str)");
  }
  if (rows == 0) return bad_answer(k_sec, "unexpected answer (company tickers without a ticker)");
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

Reading read_sec_error(long status, std::string_view body) {
  std::string message = error_text(body);
  const std::string lower = to_lower(body.substr(0, 8192));
  // Over 10 a second: SEC blocks the client for about 10 minutes; asking again only prolongs it.
  if (status == 429 || (status == 403 && lower.find("request rate threshold") != std::string::npos))
    return {Verdict::throttled, "Request Rate Threshold Exceeded", 600};
  if (status == 403 && lower.find("undeclared automated tool") != std::string::npos)
    return {Verdict::key_rejected,
            "SEC refused our User-Agent as an undeclared automated tool; set SEC_EDGAR_USER_AGENT=\"Name "
            "email@example.com\"",
            0};
  if (status == 404) return {Verdict::no_data, "no such company file", 0};
  return {Verdict::none, message, 0};
}

namespace {

class SecEdgar final : public Provider {
 public:
  const ProviderInfo& info() const override {
    // Fair access: at most 10 requests a second, and a User-Agent naming the
    // client with a contact e-mail (docs/PROVIDERS.md).
    static constexpr ProviderInfo k_info{.name = "sec_edgar",
                                         .default_base_url = "https://data.sec.gov",
                                         .key_env = "",
                                         .key = KeyRequirement::none,
                                         .description = "company submissions (SIC -> sector)",
                                         .per_minute = 0,
                                         .per_day = 0,
                                         .per_second = 10,
                                         .contact_env = "SEC_EDGAR_USER_AGENT"};
    return k_info;
  }
  std::optional<NeedSource> source_for(NeedKind kind, const std::string& subject) const override {
    if (kind != NeedKind::profile) return std::nullopt;
    return NeedSource{info().name, "profile:" + subject, RecordKind::profile, DataKind::profile};
  }
  Result<ProviderRequest> request(const Need& need, const NeedSource&,
                                  const RequestContext& c) const override {
    if (!c.shared) return fail(FailureKind::other, "company_tickers.json not fetched");
    auto cik = parse_sec_company_tickers(*c.shared, need.subject);
    if (!cik) return fail(FailureKind::bad_body, cik.error().message);
    if (!*cik) return fail(FailureKind::no_data, "ticker not in company_tickers.json");
    char path[64];
    std::snprintf(path, sizeof path, "/submissions/CIK%010llu.json", static_cast<unsigned long long>(**cik));
    const std::uint64_t want = **cik;
    ProviderRequest r;
    r.url = c.base_url + path;
    r.headers = {"User-Agent: " + user_agent(c)};
    r.parse = [want](std::string_view body) { return as_record(parse_sec_submissions(body, want)); };
    r.read_error = read_sec_error;
    return r;
  }
  std::optional<SharedDocument> shared_document(const RequestContext& c) const override {
    SharedDocument d;
    d.name = "company_tickers.json";
    d.cache_key = "company_tickers";
    d.data = DataKind::sec;
    d.url = c.env("THD_SEC_EDGAR_TICKERS_URL").value_or("https://www.sec.gov/files/company_tickers.json");
    d.headers = {"User-Agent: " + user_agent(c)};
    d.validate = [](std::string_view body) -> Result<void> {
      auto probe = parse_sec_company_tickers(body, "AAPL");
      if (!probe) return fail(FailureKind::bad_body, probe.error().message);
      return {};
    };
    d.read_error = read_sec_error;
    return d;
  }

 private:
  // The run only calls SEC with a contact (the service is disabled without
  // one): [services.sec_edgar] user_agent, else SEC_EDGAR_USER_AGENT.
  static std::string user_agent(const RequestContext& c) {
    if (!c.user_agent.empty()) return c.user_agent;
    return c.env("SEC_EDGAR_USER_AGENT").value_or("trade-history-discover/" THD_VERSION);
  }
};

}  // namespace

const Provider& providers::sec_edgar() {
  static const SecEdgar k_provider;
  return k_provider;
}

}  // namespace thd
