#include <doctest/doctest.h>

#include "cache/md5.hpp"

using namespace thd;

TEST_CASE("md5_hex matches RFC 1321 vectors") {
  CHECK(md5_hex("") == "d41d8cd98f00b204e9800998ecf8427e");
  CHECK(md5_hex("abc") == "900150983cd24fb0d6963f7d28e17f72");
}

TEST_CASE("cache file names are md5(service + \"_\" + key)") {
  // The vectors of issue 2; reader and writer must agree on exactly this.
  CHECK(cache_file_name("yahoo_finance", "chart:AAPL:1y:1d") == "75d2c3fa9917f888e77bc19a15d732ff.json");
  CHECK(cache_file_name("fmp", "profile:AAPL") == "5683e3b5edb320486ce69c1262efa356.json");
  // Not md5(key) alone: the bug of the tools this one replaces.
  CHECK(cache_file_name("fmp", "profile:AAPL") != md5_hex("profile:AAPL") + ".json");
}
