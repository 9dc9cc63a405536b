// Normalized records: what an adapter makes of a provider's response, and
// what the cache stores in an entry's `data` (one choice, docs/CACHE.md).
// Every field is optional: a figure is real or it is null.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "core/base/error.hpp"
#include "core/base/json_writer.hpp"

namespace thd {

struct MarketRecord {
  std::optional<double> price, previous_close, fifty_two_week_high, fifty_two_week_low, ytd_return,
      volatility;
  std::optional<std::string> currency;
};

struct ProfileRecord {
  std::optional<std::string> name, sector, industry;  // sector: canonical name
  std::optional<double> market_cap;
};

struct FundamentalsRecord {
  std::optional<double> pe_ratio, eps, analyst_target;
};

struct SeriesRecord {
  std::optional<double> value;
  std::optional<std::string> date;  // YYYY-MM-DD of the latest observation with a value
};

// WEO series mix observations and projections: `value` and `year` are the
// latest completed year (an actual, <= the fetch year - 1), never a
// projection; the fetch year's own figure is a projection, kept apart.
struct ImfRecord {
  std::optional<double> value;
  std::optional<int> year;
  std::optional<double> projection_value;  // the current year's projected figure
  std::optional<int> projection_year;      // set when the answer had a figure for the current year
};

struct CryptoRecord {
  std::optional<double> usd, change_24h, market_cap;
};

enum class RecordKind { market, profile, fundamentals, series, imf, crypto };
std::string_view record_kind_name(RecordKind k);

using Record =
    std::variant<MarketRecord, ProfileRecord, FundamentalsRecord, SeriesRecord, ImfRecord, CryptoRecord>;

// Writes the record's fields as members of the current JSON object.
void write_record_fields(JsonWriter& w, const Record& r);
std::string record_to_json(const Record& r);
// Fails when `json` is not an object of that kind's shape.
Result<Record> record_from_json(RecordKind kind, std::string_view json);
// The fields of an empty record of `kind`, all null (for missing data).
Record empty_record(RecordKind kind);

}  // namespace thd
