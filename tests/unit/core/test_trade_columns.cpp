// The one header rule (docs/STATISTICS.md): trimmed, case-insensitive, as
// written; the first of a repeated name is used.
#include "core/trade_columns.hpp"

#include <doctest/doctest.h>

#include <string_view>
#include <vector>

namespace thd {

TEST_CASE("header: known columns found trimmed and case-insensitively; the first of a name wins") {
  std::vector<std::string_view> fields{"Ticker", " status ", "Entry_Timestamp", "PnL", "TICKER",
                                       "pnl",    "Note"};
  HeaderColumns h = read_header(fields);
  CHECK(h.index_of(Col::ticker) == 0);
  CHECK(h.index_of(Col::status) == 1);
  CHECK(h.index_of(Col::pnl) == 3);
  CHECK(h.index_of(Col::return_) == -1);
  CHECK(h.names[1] == "status");
  REQUIRE(h.duplicates.size() == 2);
  CHECK(h.duplicates[0].index == 4);
  CHECK(h.duplicates[0].first == 0);
  CHECK(h.duplicates[1].index == 5);
  CHECK(h.duplicates[1].first == 3);
  CHECK(h.duplicate == std::vector<bool>{false, false, false, false, true, true, false});
  CHECK(h.note(h.duplicates[0]) ==
        "duplicate column: column 5 'TICKER' repeats column 1 'Ticker'; the first is used, this one is "
        "ignored");
}

TEST_CASE("header: names equal once written (invalid UTF-8 replaced) are one name") {
  std::vector<std::string_view> fields{"X\xff", "X\xfe", "X\xEF\xBF\xBD"};
  HeaderColumns h = read_header(fields);
  CHECK(h.names[0] == "X\xEF\xBF\xBD");
  REQUIRE(h.duplicates.size() == 2);
  CHECK(h.duplicates[0].first == 0);
  CHECK(h.duplicates[1].first == 0);
  CHECK(as_written("a\xc0\xaf"
                   "b") ==
        "a\xEF\xBF\xBD\xEF\xBF\xBD"
        "b");
}

}  // namespace thd
