// libFuzzer target: the streaming CSV reader and the Phase 1 statistics on
// arbitrary bytes, with a chunk size taken from the input so that record
// boundaries fall everywhere. Built with -DTHD_FUZZ=ON by clang.
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>

#include "core/csv_reader.hpp"
#include "core/trade_stats.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const size_t chunk = 1 + data[0] % 64;
  const size_t max_record = 16 + data[0] * 4;
  ++data, --size;
  int fd = ::memfd_create("fuzz", 0);
  if (fd < 0) return 0;
  if (size && ::write(fd, data, size) != static_cast<ssize_t>(size)) {
    ::close(fd);
    return 0;
  }
  ::lseek(fd, 0, SEEK_SET);
  thd::CsvReader reader(fd, "fuzz.csv", chunk, max_record);  // takes the descriptor
  thd::TradeStats stats(thd::Date{2026, 11, 22});
  thd::CsvRecord record;
  bool have_header = false;
  for (int guard = 0; guard < 1000000; ++guard) {
    thd::CsvStatus status = reader.next(record);
    if (status == thd::CsvStatus::end || status == thd::CsvStatus::unterminated_quote ||
        status == thd::CsvStatus::io_error)
      break;
    if (status == thd::CsvStatus::record_too_long) {
      if (have_header) stats.row_too_long(reader.error_line());
      continue;
    }
    size_t total = 0;
    for (std::string_view f : record.fields) total += f.size();
    if (total > size) __builtin_trap();  // a field outside the input
    if (!have_header)
      have_header = stats.header(record).has_value();
    else
      stats.row(record);
  }
  thd::JsonWriter w;
  w.begin_object();
  write_trade_summary_json(w, stats.summary());
  w.end_object();
  return 0;
}
