// The structural scanner: both paths (AVX2 and the plain loop) give the same
// bits and the same records, and the records are the ones CsvReader reads
// (quotes, doubled quotes, CRLF, quoted newlines, blank lines, a last line
// without its newline, fields across 32- and 64-byte boundaries).
#include "core/csv_scan.hpp"

#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

#include "../support.hpp"
#include "core/csv_reader.hpp"

namespace thd {
namespace {

std::vector<ScanPath> paths() {
  std::vector<ScanPath> p{ScanPath::scalar};
  if (scan_path_available(ScanPath::avx2)) p.push_back(ScanPath::avx2);
  return p;
}

std::string escape(std::string_view s) {
  std::string out;
  for (char c : s) out += c == '\n' ? std::string("\\n") : c == '\r' ? std::string("\\r") : std::string(1, c);
  return out;
}

class Render final : public RecordSink {
 public:
  void record(std::span<const std::string_view> fields, std::uint64_t line) override {
    out += std::to_string(line) + ":";
    for (std::string_view f : fields) out += "[" + escape(f) + "]";
    out += "\n";
  }
  void too_long(std::uint64_t line) override { out += "TOO_LONG@" + std::to_string(line) + "\n"; }
  void too_wide(std::uint64_t line) override { out += "TOO_MANY_FIELDS@" + std::to_string(line) + "\n"; }
  std::string out;
};

std::string split_all(std::string text, ScanPath path, size_t max_record) {
  Render r;
  split_records(text.data(), text.size(), 1, SplitLimits{max_record, CsvReader::k_default_max_fields}, path,
                r);
  return r.out + "END\n";
}

// The same text through CsvReader, the reference; "" when a quote stays open.
std::string reader_all(const std::string& text, size_t max_record) {
  test::TempDir dir;
  test::write_file(dir / "x.csv", text);
  auto reader = CsvReader::open(dir / "x.csv", 7, max_record);
  REQUIRE(reader);
  Render r;
  CsvRecord rec;
  while (true) {
    switch ((*reader)->next(rec)) {
      case CsvStatus::record: r.record(rec.fields, rec.line); break;
      case CsvStatus::record_too_long: r.too_long((*reader)->error_line()); break;
      case CsvStatus::too_many_fields: r.too_wide((*reader)->error_line()); break;
      case CsvStatus::end: return r.out + "END\n";
      default: return "";
    }
  }
}

std::vector<std::string> crafted() {
  std::vector<std::string> v = {
      "a,b,c\n1,2,3\n",
      "\"a,b\",c\n",
      "\"say \"\"hi\"\"\",x\n\"\"\"\",\"\"\n",
      "a,b\r\nc,d\r\n",
      "\"multi\nline\",x\ny,z\n",
      "last,line",
      "last,line\r",
      "\n\n\r\na,b\n\n\r\n",
      "a\"b,c\n\"a\"b\"c,d\n",
      "\"x\"\r\n\"x\r\"\n",
      ",,,\n,\n",
      "\"a\"\"\"\n\"\"\n",
      "\"\n\",\"\r\n\"\n",
  };
  // A quoted field with a comma, a doubled quote and a newline at every
  // position across the 32- and 64-byte boundaries.
  for (size_t pad = 0; pad < 140; ++pad)
    v.push_back(std::string(pad, 'x') + ",\"q,\"\"\n\",y\r\nz," + std::string(pad % 67, 'w') +
                "\n\"\"\"\"\n");
  return v;
}

}  // namespace

TEST_CASE("AVX2 and the plain loop classify every byte alike") {
  if (!scan_path_available(ScanPath::avx2)) return;  // nothing to compare on this CPU
  std::mt19937 rng(11);
  const char alphabet[] = {'a', ',', '"', '\n', '\r', ' ', '\0', '\xff'};
  for (int round = 0; round < 300; ++round) {
    std::string s(rng() % 300, ' ');
    for (char& c : s) c = alphabet[rng() % sizeof alphabet];
    std::vector<BlockMasks> a((s.size() + 63) / 64 + 1), b(a.size());
    classify_blocks(s.data(), s.size(), a.data(), ScanPath::scalar);
    classify_blocks(s.data(), s.size(), b.data(), ScanPath::avx2);
    for (size_t i = 0; i < (s.size() + 63) / 64; ++i) {
      CHECK(a[i].quote == b[i].quote);
      CHECK(a[i].newline == b[i].newline);
      CHECK(a[i].comma == b[i].comma);
    }
  }
}

TEST_CASE("records and fields are CsvReader's on crafted inputs, both paths") {
  for (const std::string& text : crafted()) {
    const std::string expected = reader_all(text, 1 << 20);
    REQUIRE_MESSAGE(!expected.empty(), escape(text));
    for (ScanPath path : paths()) CHECK_MESSAGE(split_all(text, path, 1 << 20) == expected, escape(text));
  }
  CHECK(split_all("\"a\"\"b\",c\r\n\n\"x\ny\"\nz", ScanPath::scalar, 1 << 20) ==
        "1:[a\"b][c]\n3:[x\\ny]\n5:[z]\nEND\n");
}

TEST_CASE("records and fields are CsvReader's on random inputs, over-long rows included") {
  std::mt19937 rng(7);
  const char* alphabet[] = {"a", "bc", ",", "\"", "\"\"", "\n", "\r\n", "\r", " "};
  int compared = 0;
  for (int round = 0; round < 3000; ++round) {
    std::string text;
    for (size_t n = rng() % 60; n > 0; --n) text += alphabet[rng() % 9];
    const size_t max_record = 4 + rng() % 40;
    const std::string expected = reader_all(text, max_record);
    if (expected.empty()) continue;  // an open quote at the end: the chunk reader's error, not a record
    ++compared;
    for (ScanPath path : paths()) CHECK_MESSAGE(split_all(text, path, max_record) == expected, escape(text));
  }
  CHECK(compared > 1000);
}

TEST_CASE("the record scan: where the last record ends, fed whole or in pieces, both paths") {
  // a , " b \n c " \n d \n: the first newline is quoted.
  RecordScan whole;
  const std::string s = "a,\"b\nc\"\nd\n";
  scan_records(s.data(), 0, s.size(), whole, ScanPath::scalar);
  CHECK(whole.newlines == 3);
  CHECK(whole.last_end == 10);
  CHECK(whole.newlines_at_last_end == 3);
  CHECK_FALSE(whole.quoted);

  for (const std::string& text : crafted()) {
    const std::string open = text + "k,\"open\n\"\"";  // ends inside a quoted field
    for (int which = 0; which < 2; ++which) {
      const std::string& t = which ? open : text;
      RecordScan ref;
      scan_records(t.data(), 0, t.size(), ref, ScanPath::scalar);
      for (ScanPath path : paths()) {
        for (size_t piece : {1, 2, 3, 31, 64, 65, 4096}) {
          RecordScan s2;
          for (size_t at = 0; at < t.size(); at += piece)
            scan_records(t.data(), at, std::min(t.size(), at + piece), s2, path);
          CHECK_MESSAGE(s2.newlines == ref.newlines, escape(t));
          CHECK_MESSAGE(s2.last_end == ref.last_end, escape(t));
          CHECK_MESSAGE(s2.quoted == ref.quoted, escape(t));
          CHECK_MESSAGE(s2.quote_newlines == ref.quote_newlines, escape(t));
        }
      }
      CHECK(ref.quoted == (which == 1));
    }
  }
}

}  // namespace thd
