// libFuzzer target: the streaming CSV reader and the Phase 1 statistics on
// arbitrary bytes. The reference (CsvReader, every row on one TradeStats,
// with a read size taken from the input so that record boundaries fall
// everywhere) and read_trade_history (chunks of whole rows counted by
// workers, cut where the input says, on both scan paths) must give the same
// document or the same error, byte for byte. Built with -DTHD_FUZZ=ON by clang.
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <string>

#include "core/csv_reader.hpp"
#include "core/csv_scan.hpp"
#include "core/trade_stats.hpp"
#include "tests/unit/core/phase1_reference.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const size_t chunk = 1 + data[0] % 64;
  const size_t max_record = 16 + data[0] * 4;
  const size_t chunk_bytes = 1 + (data[1] & 0x0f) * 37;
  const size_t chunk_lines = 1 + (data[1] >> 4);
  data += 2, size -= 2;
  int fd = ::memfd_create("fuzz", 0);
  if (fd < 0) return 0;
  if (size && ::write(fd, data, size) != static_cast<ssize_t>(size)) {
    ::close(fd);
    return 0;
  }
  const std::string path = "/proc/self/fd/" + std::to_string(fd);
  const thd::Date run_date{2026, 11, 22};
  const thd::TradeStatsLimits limits{5, 3};  // small caps: the merge of issues and positions is exercised
  const std::string expected = thd::test::phase1_reference(path, run_date, chunk, max_record, limits);
  for (thd::ScanPath scan : {thd::ScanPath::scalar, thd::ScanPath::avx2}) {
    if (!thd::scan_path_available(scan)) continue;
    thd::TradeHistoryReading how;
    how.read_size = chunk, how.max_record = max_record, how.path = scan, how.workers = 2;
    how.chunk_bytes = chunk_bytes, how.chunk_lines = chunk_lines;
    if (thd::test::phase1_json(path, run_date, how, limits) != expected) __builtin_trap();
  }
  ::close(fd);
  return 0;
}
