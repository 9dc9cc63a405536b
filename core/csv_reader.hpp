// Streaming RFC 4180 reader: fixed-size chunked reads, fields as views into
// its buffer (valid until the next call), quoted fields with commas, doubled
// quotes and newlines, CRLF or LF, an optional UTF-8 BOM, a last line with
// no newline. Memory is bounded by the longest record and the most fields a
// record may have, never by the file.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/error.hpp"
#include "core/base/unique_fd.hpp"

namespace thd {

struct CsvRecord {
  std::vector<std::string_view> fields;
  std::uint64_t line = 0;  // 1-based line on which the record starts
};

enum class CsvStatus { record, end, record_too_long, too_many_fields, unterminated_quote, io_error };

// Whether the reader closes its descriptor: a borrowed one (stdin, say) stays
// open for whoever lent it.
enum class FdOwnership { owned, borrowed };

class CsvReader {
 public:
  static constexpr size_t k_default_chunk = 1 << 16;
  static constexpr size_t k_default_max_record = 1 << 20;
  // A record with more fields is skipped (too_many_fields): 1 MiB of commas
  // would otherwise be a million fields, 16 MB of views.
  static constexpr size_t k_default_max_fields = 4096;

  // Reads from `fd` and closes it at the end, unless it is borrowed.
  CsvReader(int fd, std::string name, size_t chunk_size = k_default_chunk,
            size_t max_record = k_default_max_record, FdOwnership ownership = FdOwnership::owned);
  CsvReader(UniqueFd fd, std::string name, size_t chunk_size = k_default_chunk,
            size_t max_record = k_default_max_record);
  ~CsvReader();
  CsvReader(const CsvReader&) = delete;
  CsvReader& operator=(const CsvReader&) = delete;

  static Result<std::unique_ptr<CsvReader>> open(const std::filesystem::path& path,
                                                 size_t chunk_size = k_default_chunk,
                                                 size_t max_record = k_default_max_record);

  // Blank lines are skipped. After record_too_long and too_many_fields the
  // reader has skipped that record (error_line() says where it began) and can
  // go on; after unterminated_quote and io_error it is done.
  CsvStatus next(CsvRecord& record);

  // For errors: the line where the failed record (or its open quote) began.
  std::uint64_t error_line() const { return m_error_line; }
  const std::string& error_text() const { return m_error_text; }
  std::uint64_t bytes_read() const { return m_bytes_read; }
  void set_max_fields(size_t max_fields) { m_max_fields = max_fields == 0 ? 1 : max_fields; }
  size_t max_fields() const { return m_max_fields; }

 private:
  struct Scan;  // where the search for the current record's end stands

  bool fill();  // false at EOF or on error
  // Index of the '\n' that ends the record starting at m_pos, or npos when
  // more input is needed; resumes where the previous call stopped.
  size_t find_record_end();
  // Splits [m_pos, end) into fields, undoubling quotes in place; false when
  // there are more than m_max_fields (the record is then unusable).
  bool split_fields(size_t end, CsvRecord& record);

  int m_fd;
  UniqueFd m_owned_fd;  // m_fd when owned, else empty
  std::string m_name;
  size_t m_chunk;
  size_t m_max_record;
  size_t m_max_fields = k_default_max_fields;
  std::vector<char> m_buf;
  size_t m_pos = 0;  // start of unread data
  size_t m_end = 0;  // end of valid data
  bool m_eof = false;
  bool m_first = true;
  bool m_skipping = false;  // discarding an over-long record
  bool m_io_failed = false;
  std::unique_ptr<Scan> m_scan;
  std::uint64_t m_line = 1;
  std::uint64_t m_bytes_read = 0;
  std::uint64_t m_error_line = 0;
  std::string m_error_text;
};

}  // namespace thd
