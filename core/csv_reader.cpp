#include "core/csv_reader.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstring>
#include <utility>

#include "core/base/atomic_file.hpp"

namespace thd {
namespace {

enum class ScanState : std::uint8_t { field_start, unquoted, quoted, quote_in_quoted };

}  // namespace

struct CsvReader::Scan {
  size_t at = 0;  // next byte to look at
  ScanState state = ScanState::field_start;
  std::uint64_t newlines = 0;
  std::uint64_t quote_line = 0;
};

CsvReader::CsvReader(UniqueFd fd, std::string name, size_t chunk_size, size_t max_record)
    : m_fd(fd.get()),
      m_owned_fd(std::move(fd)),
      m_name(std::move(name)),
      m_chunk(chunk_size == 0 ? 1 : chunk_size),
      m_max_record(max_record),
      m_scan(std::make_unique<Scan>()) {}

CsvReader::CsvReader(int fd, std::string name, size_t chunk_size, size_t max_record, FdOwnership ownership)
    : CsvReader(UniqueFd(ownership == FdOwnership::owned ? fd : -1), std::move(name), chunk_size,
                max_record) {
  m_fd = fd;  // also when borrowed
}

CsvReader::~CsvReader() = default;  // here, where Scan is complete

Result<std::unique_ptr<CsvReader>> CsvReader::open(const std::filesystem::path& path, size_t chunk_size,
                                                   size_t max_record) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return fail("cannot open " + path.string() + ": " + errno_text(errno));
  return std::make_unique<CsvReader>(std::move(fd), path.string(), chunk_size, max_record);
}

bool CsvReader::fill() {
  if (m_eof) return false;
  if (m_pos > 0) {
    std::memmove(m_buf.data(), m_buf.data() + m_pos, m_end - m_pos);
    m_scan->at -= m_pos;
    m_end -= m_pos;
    m_pos = 0;
  }
  if (m_buf.size() < m_end + m_chunk) m_buf.resize(m_end + m_chunk);
  bool got = false;
  // The first fill reads at least the three bytes a BOM may take.
  while (!m_eof && (!got || (m_first && m_bytes_read < 3))) {
    if (m_buf.size() < m_end + m_chunk) m_buf.resize(m_end + m_chunk);
    ssize_t n = ::read(m_fd, m_buf.data() + m_end, m_chunk);
    if (n < 0) {
      if (errno == EINTR) continue;
      m_error_text = "cannot read " + m_name + ": " + errno_text(errno);
      m_io_failed = m_eof = true;
      return false;
    }
    if (n == 0) {
      m_eof = true;
      break;
    }
    got = true;
    m_bytes_read += static_cast<std::uint64_t>(n);
    m_end += static_cast<size_t>(n);
  }
  if (m_first && got) {
    m_first = false;
    if (m_end >= 3 && std::memcmp(m_buf.data(), "\xEF\xBB\xBF", 3) == 0) m_pos = m_scan->at = 3;
  }
  return got;
}

size_t CsvReader::find_record_end() {
  Scan& s = *m_scan;
  const char* buf = m_buf.data();
  // Fast path, most records: outside quotes and no quote before the next
  // newline, the newline ends the record (two memchr calls, no state machine).
  if (s.at >= m_end) return std::string::npos;  // nothing new (and memchr wants a real pointer)
  if (s.state == ScanState::field_start || s.state == ScanState::unquoted) {
    const char* from = buf + s.at;
    const void* nl = std::memchr(from, '\n', m_end - s.at);
    size_t span = nl ? static_cast<size_t>(static_cast<const char*>(nl) - from) : m_end - s.at;
    if (!std::memchr(from, '"', span)) {
      if (nl) {
        s.at += span;
        return s.at;
      }
      // No newline yet: keep the state the bytes leave behind and wait for more.
      if (span > 0) s.state = buf[m_end - 1] == ',' ? ScanState::field_start : ScanState::unquoted;
      s.at = m_end;
      return std::string::npos;
    }
  }
  for (size_t i = s.at; i < m_end; ++i) {
    char c = buf[i];
    switch (s.state) {
      case ScanState::quoted:
        if (c == '"')
          s.state = ScanState::quote_in_quoted;
        else if (c == '\n')
          ++s.newlines;
        continue;
      case ScanState::quote_in_quoted:
        if (c == '"') {
          s.state = ScanState::quoted;  // a doubled quote
          continue;
        }
        s.state = ScanState::unquoted;
        break;
      case ScanState::field_start:
        if (c == '"') {
          s.state = ScanState::quoted;
          s.quote_line = m_line + s.newlines;
          continue;
        }
        s.state = ScanState::unquoted;
        break;
      case ScanState::unquoted: break;
    }
    if (c == ',')
      s.state = ScanState::field_start;
    else if (c == '\n') {
      s.at = i;
      return i;
    }
  }
  s.at = m_end;
  return std::string::npos;
}

bool CsvReader::split_fields(size_t end, CsvRecord& record) {
  char* buf = m_buf.data();
  if (end > m_pos && buf[end - 1] == '\r') --end;
  record.fields.clear();
  size_t i = m_pos;
  while (true) {
    if (record.fields.size() == m_max_fields) return false;
    if (i < end && buf[i] == '"') {
      // Quoted: undouble quotes in place (the text only gets shorter).
      size_t start = i, w = i;
      ++i;
      while (i < end) {
        if (buf[i] == '"') {
          if (i + 1 < end && buf[i + 1] == '"') {
            buf[w++] = '"';
            i += 2;
          } else {
            ++i;
            break;
          }
        } else {
          buf[w++] = buf[i++];
        }
      }
      // Text after the closing quote is taken as written.
      while (i < end && buf[i] != ',') buf[w++] = buf[i++];
      record.fields.emplace_back(buf + start, w - start);
    } else {
      // Unquoted: a view, nothing to copy. Fields are short: a plain loop
      // beats a memchr call per field.
      size_t stop = i;
      while (stop < end && buf[stop] != ',') ++stop;
      record.fields.emplace_back(buf + i, stop - i);
      i = stop;
    }
    if (i >= end) return true;
    ++i;  // the comma
  }
}

CsvStatus CsvReader::next(CsvRecord& record) {
  while (true) {
    size_t end = find_record_end();
    if (end == std::string::npos) {
      if (m_end - m_pos > m_max_record) {
        // Too long to hold: drop what we have and keep scanning for its end.
        if (!m_skipping) m_error_line = m_line;
        m_skipping = true;
        m_pos = m_scan->at = m_end;
      }
      if (fill()) continue;
      if (m_io_failed) return CsvStatus::io_error;
      // End of input: the rest is the last record, unless a quote is open.
      if (m_scan->state == ScanState::quoted) {
        m_error_line = m_scan->quote_line;
        m_error_text = "unterminated quoted field";
        m_pos = m_end;
        return CsvStatus::unterminated_quote;
      }
      if (m_pos == m_end && !m_skipping) return CsvStatus::end;
      end = m_end;
    }
    const std::uint64_t newlines = m_scan->newlines;
    const std::uint64_t line = m_line;
    // The length limit does not depend on where the chunks happen to fall.
    if (!m_skipping && end - m_pos > m_max_record) {
      m_skipping = true;
      m_error_line = m_line;
    }
    if (m_skipping) {
      m_skipping = false;
      m_pos = end < m_end ? end + 1 : m_end;
      m_line += newlines + 1;
      *m_scan = Scan{m_pos};
      return CsvStatus::record_too_long;
    }
    bool blank = end == m_pos || (end == m_pos + 1 && m_buf[m_pos] == '\r');
    bool too_many = false;
    if (!blank) {
      too_many = !split_fields(end, record);
      record.line = line;
      if (too_many) {
        record.fields.clear();
        m_error_line = line;
      }
    }
    m_pos = end < m_end ? end + 1 : m_end;
    m_line += newlines + 1;
    *m_scan = Scan{m_pos};
    if (too_many) return CsvStatus::too_many_fields;
    if (!blank) return CsvStatus::record;
  }
}

}  // namespace thd
