// Streaming RFC 4180 reader (SPEC §4.2). Expected fields and line numbers are
// worked out by hand from the input text; the chunk-boundary tests check that
// every read size gives exactly the same result.
#include "core/csv_reader.hpp"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <string>
#include <vector>

#include "../support.hpp"

namespace thd {
namespace {

using thd::test::TempDir;
using thd::test::write_file;

struct Expected {
  std::uint64_t line;
  std::vector<std::string> fields;
};

// A readable, unambiguous rendering of records, so doctest can show diffs.
std::string escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '\n')
      out += "\\n";
    else if (c == '\r')
      out += "\\r";
    else if (c == '|')
      out += "\\|";
    else if (c == '\\')
      out += "\\\\";
    else
      out.push_back(c);
  }
  return out;
}

std::string render(std::uint64_t line, const std::vector<std::string_view>& fields) {
  std::string out = std::to_string(line) + ":";
  for (std::string_view f : fields) out += "[" + escape(f) + "]";
  return out + "\n";
}

std::string render(const std::vector<Expected>& records) {
  std::string out;
  for (const Expected& e : records) {
    std::vector<std::string_view> views(e.fields.begin(), e.fields.end());
    out += render(e.line, views);
  }
  return out;
}

// Reads everything; renders records and any non-record status with its line.
std::string read_all(CsvReader& reader) {
  std::string out;
  CsvRecord rec;
  for (int guard = 0; guard < 10000; ++guard) {
    CsvStatus st = reader.next(rec);
    switch (st) {
      case CsvStatus::record: out += render(rec.line, rec.fields); break;
      case CsvStatus::end: return out + "END\n";
      case CsvStatus::record_too_long: out += "TOO_LONG@" + std::to_string(reader.error_line()) + "\n"; break;
      case CsvStatus::too_many_fields:
        out += "TOO_MANY_FIELDS@" + std::to_string(reader.error_line()) + "\n";
        break;
      case CsvStatus::unterminated_quote:
        return out + "UNTERMINATED@" + std::to_string(reader.error_line()) + "\n";
      case CsvStatus::io_error: return out + "IO_ERROR " + reader.error_text() + "\n";
    }
  }
  return out + "NO_END\n";
}

std::string read_with_chunk(const std::filesystem::path& path, size_t chunk,
                            size_t max_record = CsvReader::k_default_max_record) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  REQUIRE(fd >= 0);
  CsvReader reader(fd, path.filename().string(), chunk, max_record);  // owns fd
  return read_all(reader);
}

std::string read_string(const std::string& content, size_t max_record = CsvReader::k_default_max_record) {
  TempDir dir;
  write_file(dir / "in.csv", content);
  auto reader = CsvReader::open(dir / "in.csv", CsvReader::k_default_chunk, max_record);
  REQUIRE(reader.has_value());
  return read_all(**reader);
}

// ~15 tricky records; line numbers worked out by hand (comments give each line).
const std::string k_sample =
    "\xEF\xBB\xBF\"Ticker\",Status,Note\r\n"                   // 1  BOM + quoted first header field, CRLF
    "AAPL,Closed,plain\r\n"                                    // 2
    "\"MSFT\",\"Open\",\"has, comma\"\n"                       // 3
    "\n"                                                       // 4  blank
    "\"BRK.B\",Closed,\"say \"\"hi\"\"\"\n"                    // 5  doubled quotes
    "NVDA,Open,\"multi\nline\nnote\"\n"                        // 6-8 embedded newlines
    "TSLA,,\n"                                                 // 9  empty fields
    "\r\n"                                                     // 10 blank (CRLF)
    "\"\",Closed,\"a\r\nb\"\r\n"                               // 11-12 CRLF inside quotes is data
    ",\n"                                                      // 13 two empty fields
    "X,\"\"\"\",Y\n"                                           // 14 a field that is one quote
    "\"q,\"\"x\"\"\n,y\",z,\"end\"\n"                          // 15-16 comma, quotes and newline in one field
    "single\n"                                                 // 17 one field
    "\n"                                                       // 18 blank
    "\n"                                                       // 19 blank
    "\"\xE2\x82\xACuro\",na\xC3\xAFve,\"\xF0\x9F\x98\x80\"\n"  // 20 UTF-8
    "\"\",\"\"\n"                                              // 21 two quoted empty fields
    "BTC-USD,Open,\"\"\"quoted start\"\r\n"                    // 22 field starting with an escaped quote
    "LAST,Closed,no newline";                                  // 23 last line without newline

const std::vector<Expected> k_sample_expected = {
    {1, {"Ticker", "Status", "Note"}},
    {2, {"AAPL", "Closed", "plain"}},
    {3, {"MSFT", "Open", "has, comma"}},
    {5, {"BRK.B", "Closed", "say \"hi\""}},
    {6, {"NVDA", "Open", "multi\nline\nnote"}},
    {9, {"TSLA", "", ""}},
    {11, {"", "Closed", "a\r\nb"}},
    {13, {"", ""}},
    {14, {"X", "\"", "Y"}},
    {15, {"q,\"x\"\n,y", "z", "end"}},
    {17, {"single"}},
    {20, {"\xE2\x82\xACuro", "na\xC3\xAFve", "\xF0\x9F\x98\x80"}},
    {21, {"", ""}},
    {22, {"BTC-USD", "Open", "\"quoted start"}},
    {23, {"LAST", "Closed", "no newline"}},
};

}  // namespace

TEST_CASE("csv: tricky records with the default chunk size") {
  CHECK(read_string(k_sample) == render(k_sample_expected) + "END\n");
}

TEST_CASE("csv: every chunk size from 1 to 80 gives the same records and lines") {
  TempDir dir;
  write_file(dir / "sample.csv", k_sample);
  const std::string expected = render(k_sample_expected) + "END\n";
  for (size_t chunk = 1; chunk <= 80; ++chunk) {
    INFO("chunk size " << chunk);
    CHECK(read_with_chunk(dir / "sample.csv", chunk) == expected);
  }
}

TEST_CASE("csv: bytes_read counts the whole file") {
  TempDir dir;
  write_file(dir / "sample.csv", k_sample);
  for (size_t chunk : {size_t{1}, size_t{7}, size_t{64}, CsvReader::k_default_chunk}) {
    int fd = ::open((dir / "sample.csv").c_str(), O_RDONLY | O_CLOEXEC);
    REQUIRE(fd >= 0);
    CsvReader reader(fd, "sample.csv", chunk);
    read_all(reader);
    CHECK(reader.bytes_read() == k_sample.size());
  }
}

TEST_CASE("csv: simple files, LF and CRLF, trailing newline or not") {
  CHECK(read_string("a,b\n1,2\n") == "1:[a][b]\n2:[1][2]\nEND\n");
  CHECK(read_string("a,b\r\n1,2\r\n") == "1:[a][b]\n2:[1][2]\nEND\n");
  CHECK(read_string("a,b\r\n1,2") == "1:[a][b]\n2:[1][2]\nEND\n");
  CHECK(read_string("a,b\n1,2\r") == "1:[a][b]\n2:[1][2]\nEND\n");
  CHECK(read_string("a,b\n\n\n1,2\n\n") == "1:[a][b]\n4:[1][2]\nEND\n");
  CHECK(read_string("\n\r\n\na\n") == "4:[a]\nEND\n");
}

TEST_CASE("csv: empty input and a lone BOM give no records") {
  CHECK(read_string("") == "END\n");
  CHECK(read_string("\xEF\xBB\xBF") == "END\n");
  CHECK(read_string("\xEF\xBB\xBF\n\n") == "END\n");
  CHECK(read_string("\xEF\xBB\xBFTicker\n") == "1:[Ticker]\nEND\n");
  // A BOM is only skipped at the start of the file.
  CHECK(read_string("a\n\xEF\xBB\xBF"
                    "b\n") ==
        "1:[a]\n2:[\xEF\xBB\xBF"
        "b]\nEND\n");
}

TEST_CASE("csv: unterminated quote at EOF reports the line where the quote opened") {
  SUBCASE("quote opens on the record's first line") {
    CHECK(read_string("Ticker,Status\nAAPL,\"Open\n") == "1:[Ticker][Status]\nUNTERMINATED@2\n");
  }
  SUBCASE("no newline at all after the quote") {
    CHECK(read_string("Ticker,Status\nAAPL,Closed\nMSFT,\"Op") ==
          "1:[Ticker][Status]\n2:[AAPL][Closed]\nUNTERMINATED@3\n");
  }
  SUBCASE("a closed multi-line field, then a quote that never closes") {
    // Record starts on line 2; "ok\nmore" closes on line 3; the quote before
    // "open" opens on line 3 and never closes.
    const std::string text = "h\nx,\"ok\nmore\",y,\"open\nrest\nmore rest\n";
    CHECK(read_string(text) == "1:[h]\nUNTERMINATED@3\n");
    TempDir dir;
    write_file(dir / "u.csv", text);
    for (size_t chunk = 1; chunk <= 40; ++chunk) {
      INFO("chunk size " << chunk);
      CHECK(read_with_chunk(dir / "u.csv", chunk) == "1:[h]\nUNTERMINATED@3\n");
    }
  }
  SUBCASE("after earlier multi-line records") {
    CHECK(read_string("a\n\"x\ny\"\n\n\"z") == "1:[a]\n2:[x\\ny]\nUNTERMINATED@5\n");
  }
}

TEST_CASE("csv: a record longer than max_record is skipped and reading goes on") {
  const std::string long_field(200, 'x');
  // line 1 header, 2 AAPL, 3-4 long record (with a quoted newline), 5 MSFT,
  // 6 another long one (quoted), 7 NVDA, 8 a long last record without newline.
  const std::string text =
      "Ticker,Status\n"
      "AAPL,Open\n"
      "LONG," +
      long_field +
      ",\"quoted\nnewline\"\n"
      "MSFT,Closed\n"
      "\"" +
      long_field +
      "\",z\n"
      "NVDA,Open\n"
      "END," +
      long_field;
  const std::string expected =
      "1:[Ticker][Status]\n2:[AAPL][Open]\nTOO_LONG@3\n5:[MSFT][Closed]\n"
      "TOO_LONG@6\n7:[NVDA][Open]\nTOO_LONG@8\nEND\n";
  SUBCASE("default chunk size") {
    CHECK(read_string(text, 64) == expected);
  }
  SUBCASE("every chunk size from 1 to 80") {
    TempDir dir;
    write_file(dir / "long.csv", text);
    for (size_t chunk = 1; chunk <= 80; ++chunk) {
      INFO("chunk size " << chunk);
      CHECK(read_with_chunk(dir / "long.csv", chunk, 64) == expected);
    }
  }
}

TEST_CASE("csv: records well under max_record are never reported as too long") {
  TempDir dir;
  write_file(dir / "sample.csv", k_sample);
  // The longest record in the sample is well under 40 bytes.
  for (size_t chunk : {size_t{1}, size_t{13}, size_t{80}, CsvReader::k_default_chunk}) {
    INFO("chunk size " << chunk);
    CHECK(read_with_chunk(dir / "sample.csv", chunk, 40) == render(k_sample_expected) + "END\n");
  }
}

TEST_CASE("csv: open reports a missing file by name") {
  TempDir dir;
  auto reader = CsvReader::open(dir / "missing.csv");
  REQUIRE_FALSE(reader.has_value());
  CHECK(reader.error().message.find("missing.csv") != std::string::npos);
}

TEST_CASE("csv: the reader closes a descriptor it owns") {
  TempDir dir;
  write_file(dir / "in.csv", "a,b\n");
  int fd = ::open((dir / "in.csv").c_str(), O_RDONLY | O_CLOEXEC);
  REQUIRE(fd >= 0);
  { CsvReader reader(fd, "in.csv"); }
  errno = 0;
  CHECK(::fcntl(fd, F_GETFD) == -1);
  CHECK(errno == EBADF);
}

TEST_CASE("csv: a borrowed descriptor (stdin, say) is read but left open") {
  int pipe_fds[2];
  REQUIRE(::pipe(pipe_fds) == 0);
  const std::string text = "Ticker,Status\nAAPL,Closed\n";
  REQUIRE(::write(pipe_fds[1], text.data(), text.size()) == static_cast<ssize_t>(text.size()));
  ::close(pipe_fds[1]);
  {
    CsvReader reader(pipe_fds[0], "stdin", CsvReader::k_default_chunk, CsvReader::k_default_max_record,
                     FdOwnership::borrowed);
    CHECK(read_all(reader) == "1:[Ticker][Status]\n2:[AAPL][Closed]\nEND\n");
  }
  CHECK(::fcntl(pipe_fds[0], F_GETFD) != -1);
  ::close(pipe_fds[0]);
}

TEST_CASE("a record with more fields than the limit is skipped, wherever the chunks fall") {
  // Limit 4: four fields are a record, five are too many; the reader goes on after it.
  TempDir dir;
  write_file(dir / "wide.csv", "a,b,c,d\n1,2,3,4,5\n\"x,y\",2,\"3\"\"\",4\n,,,,,,,,\nlast\n");
  for (size_t chunk : {size_t{1}, size_t{3}, size_t{7}, CsvReader::k_default_chunk}) {
    INFO("chunk " << chunk);
    int fd = ::open((dir / "wide.csv").c_str(), O_RDONLY | O_CLOEXEC);
    REQUIRE(fd >= 0);
    CsvReader reader(fd, "wide.csv", chunk);
    reader.set_max_fields(4);
    CHECK(read_all(reader) ==
          "1:[a][b][c][d]\n"
          "TOO_MANY_FIELDS@2\n"
          "3:[x,y][2][3\"][4]\n"
          "TOO_MANY_FIELDS@4\n"
          "5:[last]\n"
          "END\n");
  }
}

TEST_CASE("the default field limit: 4,096 fields are a record, 4,097 are not") {
  std::string ok(CsvReader::k_default_max_fields - 1, ',');
  std::string wide(CsvReader::k_default_max_fields, ',');
  CHECK(CsvReader::k_default_max_fields == 4096);
  const std::string out = read_string(ok + "\n" + wide + "\nz\n");
  CHECK(out.find("TOO_MANY_FIELDS@2\n3:[z]\nEND\n") != std::string::npos);
  CHECK(out.rfind("1:", 0) == 0);
}

}  // namespace thd
