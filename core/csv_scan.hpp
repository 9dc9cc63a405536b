// Structural scanning of CSV bytes, read as core/csv_reader.hpp reads them
// (a quote opens a quoted field only at a field's start; a doubled quote
// inside one is a quote). The one step that depends on the CPU is finding
// the quotes, newlines and commas of 64 bytes at a time: AVX2 when the CPU
// has it, a plain loop otherwise, chosen at run time; THD_CSV_SCALAR=1 forces
// the plain loop. Everything above those bit masks is shared by both paths.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "core/csv_reader.hpp"

namespace thd {

enum class ScanPath : std::uint8_t { scalar, avx2 };

// AVX2 when the CPU has it, unless the environment says THD_CSV_SCALAR=1.
ScanPath default_scan_path();
bool scan_path_available(ScanPath path);
std::string_view scan_path_name(ScanPath path);

// Bit i of each mask: byte i of the block is a '"', a '\n', a ','.
struct BlockMasks {
  std::uint64_t quote = 0, newline = 0, comma = 0;
};

// Classifies [p, p + n) into (n + 63) / 64 blocks; bits past n are clear.
void classify_blocks(const char* p, size_t n, BlockMasks* out, ScanPath path);

// Where records end: the sequential step that cuts the input into whole
// records. It scans on from where it stopped, so input may come in pieces.
struct RecordScan {
  bool quoted = false;                     // inside a quoted field
  bool quote_pending = false;              // the last byte seen was a quote inside one: doubled or closing?
  bool field_start = true;                 // the next byte starts a field
  std::uint64_t newlines = 0;              // every '\n' seen, quoted or not
  std::uint64_t quote_newlines = 0;        // `newlines` when the open quote opened
  size_t last_end = 0;                     // offset + 1 of the last record-ending '\n' seen, 0: none yet
  std::uint64_t newlines_at_last_end = 0;  // `newlines` up to and including it
  size_t first_end = 0;                    // the same for the first one since the caller cleared it
  std::uint64_t newlines_at_first_end = 0;
};

// Scans [from, to) of p (offsets are p's); p[from - 1] is the byte before.
void scan_records(const char* p, size_t from, size_t to, RecordScan& scan, ScanPath path);

// Whole records split into fields, quotes undoubled in place: what the
// statistics workers run on each chunk.
class RecordSink {
 public:
  virtual ~RecordSink() = default;
  // The fields are views valid until the call returns (into the input, or
  // into the splitter's list of views).
  virtual void record(std::span<const std::string_view> fields, std::uint64_t line) = 0;
  virtual void too_long(std::uint64_t line) = 0;  // more than max_record bytes
  virtual void too_wide(std::uint64_t line) = 0;  // more than max_fields fields
};

struct SplitLimits {
  size_t max_record = 0;
  size_t max_fields = 0;
};

// [p, p + n) holds whole records, the first starting at p on `line`; the
// last ends at n with or without its newline, and no quote is open at n.
// Blank lines are skipped. Returns the line after the last record.
std::uint64_t split_records(char* p, size_t n, std::uint64_t line, SplitLimits limits, ScanPath path,
                            RecordSink& sink);

}  // namespace thd
