#include <doctest/doctest.h>

#include "core/base/records.hpp"

using namespace thd;

TEST_CASE("imf record: the actual and the marked projection round-trip through the cache's JSON") {
  ImfRecord r{2.0, 2025, 2.141, 2026};
  const std::string json = record_to_json(r);
  CHECK(json == R"({"value":2,"year":2025,"current_year":{"year":2026,"value":2.141,"projection":true}})");
  auto back = record_from_json(RecordKind::imf, json);
  REQUIRE(back);
  const auto& b = std::get<ImfRecord>(*back);
  CHECK(b.value == 2.0);
  CHECK(b.year == 2025);
  CHECK(b.projection_value == 2.141);
  CHECK(b.projection_year == 2026);

  ImfRecord no_projection{2.95, 2024, std::nullopt, std::nullopt};
  CHECK(record_to_json(no_projection) == R"({"value":2.95,"year":2024,"current_year":null})");
  auto none = record_from_json(RecordKind::imf, record_to_json(no_projection));
  REQUIRE(none);
  CHECK_FALSE(std::get<ImfRecord>(*none).projection_year);
}

TEST_CASE("imf record: the old shape (the projection as the value) and an unmarked projection are refused") {
  // Written before projections were kept apart: 2026's projection as `value`.
  CHECK_FALSE(record_from_json(RecordKind::imf, R"({"value":2.1,"year":2026})"));
  CHECK_FALSE(record_from_json(RecordKind::imf,
                               R"({"value":2.0,"year":2025,"current_year":{"year":2026,"value":2.1}})"));
  CHECK_FALSE(record_from_json(
      RecordKind::imf,
      R"({"value":2.0,"year":2025,"current_year":{"year":2026,"value":2.1,"projection":false}})"));
  CHECK_FALSE(record_from_json(
      RecordKind::imf, R"({"value":2.0,"year":2025,"current_year":{"value":2.1,"projection":true}})"));
  CHECK(record_from_json(
      RecordKind::imf,
      R"({"value":2.0,"year":2025,"current_year":{"year":2026,"value":null,"projection":true}})"));
}
