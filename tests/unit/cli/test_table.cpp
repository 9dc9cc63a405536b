// Table: printf-style fixed-width columns. Expected lines are written out by
// hand; the last case checks a table against the printf format it replaced.
#include "cli/table.hpp"

#include <doctest/doctest.h>

#include <cstdio>
#include <stdexcept>
#include <string>

using namespace thd::cli;

TEST_CASE("table: left and right alignment pad with spaces, one space between columns") {
  Table t({{"NAME", 6}, {"N", 4, Align::right}});
  t.add_row({"ab", "7"}).add_row({"abcdef", "1234"});
  CHECK(t.render() ==
        "NAME      N\n"
        "ab        7\n"
        "abcdef 1234\n");
}

TEST_CASE("table: a value longer than its column is not cut; it pushes the rest right") {
  Table t({{"NAME", 3}, {"N", 2, Align::right}, {"X", 2}});
  t.add_row({"abcdef", "123", "z"});
  CHECK(t.render() ==
        "NAME  N X \n"
        "abcdef 123 z \n");
}

TEST_CASE("table: width 0 is an unpadded last column; a short row ends after its last cell") {
  Table t({{"SETTING", 8}, {"VALUE", 6}, {"ORIGIN", 0}});
  t.add_row({"a", "1", "default"});
  t.add_row({"config", "/x"});
  t.add_row({"b", "2", ""});
  CHECK(t.render() ==
        "SETTING  VALUE  ORIGIN\n"
        "a        1      default\n"
        "config   /x    \n"
        "b        2      \n");
}

TEST_CASE("table: indent before every line; no header line when no column has one") {
  Table t({{"", 6}, {"", 0}}, 2);
  t.add_row({"x", "plan"}).add_row({"longer", "local"});
  CHECK(t.render() ==
        "  x      plan\n"
        "  longer local\n");
  CHECK(Table({{"", 3}}, 2).render() == "");
}

TEST_CASE("table: a wider gap before a column; the header is aligned like its column") {
  Table t({{"AGE", 5, Align::right}, {"STALE", 5, Align::left, 2}, {"REC", 4}}, 2);
  t.add_row({"4d", "no", "BUY"});
  CHECK(t.render() ==
        "    AGE  STALE REC \n"
        "     4d  no    BUY \n");
}

TEST_CASE("table: no rows is just the header") {
  Table t({{"SERVICE", 8}, {"HITS", 5, Align::right}}, 2);
  CHECK(t.render() == "  SERVICE   HITS\n");
}

TEST_CASE("table: more cells than columns is a logic error") {
  Table t({{"A", 1}});
  CHECK_THROWS_AS(t.add_row({"1", "2"}), std::logic_error);
}

TEST_CASE("table: print writes what render returns") {
  Table t({{"K", 3}, {"V", 4, Align::right}}, 1);
  t.add_row({"a", "1"});
  std::FILE* f = std::tmpfile();
  REQUIRE(f);
  t.print(f);
  std::rewind(f);
  char buf[64] = {};
  size_t n = std::fread(buf, 1, sizeof buf - 1, f);
  std::fclose(f);
  CHECK(std::string(buf, n) == " K      V\n a      1\n");
}

TEST_CASE("table: the same bytes as the printf format it stands for") {
  // inventory's fundamental analyses: "  %-10s %-10s %5s  %-5s %-4s %6s %21s%s\n"
  Table t({{"TICKER", 10},
           {"DATE", 10},
           {"AGE", 5, Align::right},
           {"STALE", 5, Align::left, 2},
           {"REC", 4},
           {"CONV", 6, Align::right},
           {"FAIR VALUE", 21, Align::right},
           {"", 0, Align::left, 0}},
          2);
  char expected[512];
  int n = std::snprintf(expected, sizeof expected, "  %-10s %-10s %5s  %-5s %-4s %6s %21s%s\n", "TICKER",
                        "DATE", "AGE", "STALE", "REC", "CONV", "FAIR VALUE", "");
  std::string want(expected, static_cast<size_t>(n));
  const char* rows[][8] = {
      {"AAPL", "2026-11-18", "4d", "no", "BUY", "0.85", "265.00 - 305.00", ""},
      {"ABCDEFGHIJKLMNOPQRSTUVWX", "2026-11-01", "12114d", "yes", "SELL", "0.90", "1000000.00 - 2000000.50",
       ""},
      {"BAD", "2026-11-01", "21d", "no", "-", "-", "-", "  (unreadable)"},
  };
  for (const auto& r : rows) {
    t.add_row({r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7]});
    n = std::snprintf(expected, sizeof expected, "  %-10s %-10s %5s  %-5s %-4s %6s %21s%s\n", r[0], r[1],
                      r[2], r[3], r[4], r[5], r[6], r[7]);
    want.append(expected, static_cast<size_t>(n));
  }
  CHECK(t.render() == want);
}
