#include "core/base/records.hpp"

#include <simdjson.h>

namespace thd {

std::string_view record_kind_name(RecordKind k) {
  switch (k) {
    case RecordKind::market: return "market";
    case RecordKind::profile: return "profile";
    case RecordKind::fundamentals: return "fundamentals";
    case RecordKind::series: return "series";
    case RecordKind::imf: return "imf";
    case RecordKind::crypto: return "crypto";
  }
  return "market";
}

namespace {

struct Writer {
  JsonWriter& w;
  void operator()(const MarketRecord& r) {
    w.field("price", r.price).field("previous_close", r.previous_close);
    w.field("fifty_two_week_high", r.fifty_two_week_high).field("fifty_two_week_low", r.fifty_two_week_low);
    w.field("ytd_return", r.ytd_return).field("volatility", r.volatility).field("currency", r.currency);
  }
  void operator()(const ProfileRecord& r) {
    w.field("name", r.name).field("sector", r.sector).field("industry", r.industry);
    w.field("market_cap", r.market_cap);
  }
  void operator()(const FundamentalsRecord& r) {
    w.field("pe_ratio", r.pe_ratio).field("eps", r.eps).field("analyst_target", r.analyst_target);
  }
  void operator()(const SeriesRecord& r) { w.field("value", r.value).field("date", r.date); }
  void operator()(const ImfRecord& r) {
    w.field("value", r.value).field("year", r.year).key("current_year");
    // {"year": 2026, "value": 2.1, "projection": true}: marked, so no reader takes it for an observation.
    if (r.projection_year) {
      w.begin_object().field("year", r.projection_year).field("value", r.projection_value);
      w.field("projection", true).end_object();
    } else {
      w.null();
    }
  }
  void operator()(const CryptoRecord& r) {
    w.field("usd", r.usd).field("change_24h", r.change_24h).field("market_cap", r.market_cap);
  }
};

// Reads an optional number: absent or null -> nullopt; another type -> error.
bool read(simdjson::dom::object& o, const char* key, std::optional<double>& out) {
  simdjson::dom::element e;
  if (o[key].get(e)) return false;
  if (e.is_null()) return true;
  double v;
  if (e.get_double().get(v)) return false;
  out = v;
  return true;
}

bool read(simdjson::dom::object& o, const char* key, std::optional<std::string>& out) {
  simdjson::dom::element e;
  if (o[key].get(e)) return false;
  if (e.is_null()) return true;
  std::string_view v;
  if (e.get_string().get(v)) return false;
  out = std::string(v);
  return true;
}

bool read(simdjson::dom::object& o, const char* key, std::optional<int>& out) {
  simdjson::dom::element e;
  if (o[key].get(e)) return false;
  if (e.is_null()) return true;
  std::int64_t v;
  if (e.get_int64().get(v)) return false;
  out = static_cast<int>(v);
  return true;
}

// "current_year": null, or {"year", "value", "projection": true}; required, so
// an entry written before projections were kept apart is refused.
bool read_projection(simdjson::dom::object& o, ImfRecord& r) {
  simdjson::dom::element e;
  if (o["current_year"].get(e)) return false;
  if (e.is_null()) return true;
  simdjson::dom::object p;
  bool projection = false;
  if (e.get_object().get(p) || p["projection"].get_bool().get(projection) || !projection) return false;
  if (!read(p, "year", r.projection_year) || !read(p, "value", r.projection_value)) return false;
  return r.projection_year.has_value();
}

}  // namespace

void write_record_fields(JsonWriter& w, const Record& r) {
  std::visit(Writer{w}, r);
}

std::string record_to_json(const Record& r) {
  JsonWriter w(false);
  w.begin_object();
  write_record_fields(w, r);
  w.end_object();
  return w.take();
}

Record empty_record(RecordKind kind) {
  switch (kind) {
    case RecordKind::market: return MarketRecord{};
    case RecordKind::profile: return ProfileRecord{};
    case RecordKind::fundamentals: return FundamentalsRecord{};
    case RecordKind::series: return SeriesRecord{};
    case RecordKind::imf: return ImfRecord{};
    case RecordKind::crypto: return CryptoRecord{};
  }
  return MarketRecord{};
}

Result<Record> record_from_json(RecordKind kind, std::string_view json) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(json);
  simdjson::dom::object o;
  if (parser.parse(padded).get_object().get(o))
    return fail(std::string(record_kind_name(kind)) + " record is not a JSON object");
  bool ok = true;
  Record out = empty_record(kind);
  std::visit(
      [&](auto& r) {
        using T = std::decay_t<decltype(r)>;
        if constexpr (std::is_same_v<T, MarketRecord>) {
          ok = read(o, "price", r.price) && read(o, "previous_close", r.previous_close) &&
               read(o, "fifty_two_week_high", r.fifty_two_week_high) &&
               read(o, "fifty_two_week_low", r.fifty_two_week_low) && read(o, "ytd_return", r.ytd_return) &&
               read(o, "volatility", r.volatility) && read(o, "currency", r.currency);
        } else if constexpr (std::is_same_v<T, ProfileRecord>) {
          ok = read(o, "name", r.name) && read(o, "sector", r.sector) && read(o, "industry", r.industry) &&
               read(o, "market_cap", r.market_cap);
        } else if constexpr (std::is_same_v<T, FundamentalsRecord>) {
          ok = read(o, "pe_ratio", r.pe_ratio) && read(o, "eps", r.eps) &&
               read(o, "analyst_target", r.analyst_target);
        } else if constexpr (std::is_same_v<T, SeriesRecord>) {
          ok = read(o, "value", r.value) && read(o, "date", r.date);
        } else if constexpr (std::is_same_v<T, ImfRecord>) {
          ok = read(o, "value", r.value) && read(o, "year", r.year) && read_projection(o, r);
        } else {
          ok = read(o, "usd", r.usd) && read(o, "change_24h", r.change_24h) &&
               read(o, "market_cap", r.market_cap);
        }
      },
      out);
  if (!ok) return fail("cached data is not a " + std::string(record_kind_name(kind)) + " record");
  return out;
}

}  // namespace thd
