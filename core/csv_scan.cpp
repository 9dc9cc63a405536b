#include "core/csv_scan.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cstdlib>
#include <cstring>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define THD_HAVE_AVX2_PATH 1
#endif

namespace thd {
namespace {

constexpr size_t k_block = 64;
constexpr size_t k_window_blocks = 64;  // masks classified per call: 4 KiB of input

// 1: quote, 2: newline, 3: comma, 0: anything else.
constexpr std::array<std::uint8_t, 256> k_class = [] {
  std::array<std::uint8_t, 256> t{};
  t[static_cast<unsigned char>('"')] = 1;
  t[static_cast<unsigned char>('\n')] = 2;
  t[static_cast<unsigned char>(',')] = 3;
  return t;
}();

void classify_scalar(const char* p, size_t n, BlockMasks* out) {
  for (size_t b = 0; b * k_block < n; ++b) {
    const size_t len = std::min(k_block, n - b * k_block);
    const char* s = p + b * k_block;
    std::uint64_t masks[4] = {0, 0, 0, 0};
    for (size_t i = 0; i < len; ++i)
      masks[k_class[static_cast<unsigned char>(s[i])]] |= std::uint64_t{1} << i;
    out[b] = BlockMasks{masks[1], masks[2], masks[3]};
  }
}

#ifdef THD_HAVE_AVX2_PATH
__attribute__((target("avx2"))) inline std::uint64_t equal_mask(__m256i lo, __m256i hi, char c) {
  const __m256i v = _mm256_set1_epi8(c);
  const auto l = static_cast<std::uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(lo, v)));
  const auto h = static_cast<std::uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(hi, v)));
  return l | (std::uint64_t{h} << 32);
}

__attribute__((target("avx2"))) BlockMasks classify_avx2_block(const char* s) {
  const __m256i lo = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(s));
  const __m256i hi = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(s + 32));
  return BlockMasks{equal_mask(lo, hi, '"'), equal_mask(lo, hi, '\n'), equal_mask(lo, hi, ',')};
}

__attribute__((target("avx2"))) void classify_avx2(const char* p, size_t n, BlockMasks* out) {
  size_t b = 0;
  for (; (b + 1) * k_block <= n; ++b) out[b] = classify_avx2_block(p + b * k_block);
  if (b * k_block < n) {
    // The last partial block from a zeroed copy: never a read past the input.
    alignas(32) char tail[k_block] = {};
    std::memcpy(tail, p + b * k_block, n - b * k_block);
    out[b] = classify_avx2_block(tail);
  }
}
#endif

bool environment_forces_scalar() {
  const char* v = std::getenv("THD_CSV_SCALAR");
  return v && std::string_view(v) == "1";
}

}  // namespace

bool scan_path_available(ScanPath path) {
  if (path == ScanPath::scalar) return true;
#ifdef THD_HAVE_AVX2_PATH
  return __builtin_cpu_supports("avx2");
#else
  return false;
#endif
}

ScanPath default_scan_path() {
  static const ScanPath path =
      !environment_forces_scalar() && scan_path_available(ScanPath::avx2) ? ScanPath::avx2 : ScanPath::scalar;
  return path;
}

std::string_view scan_path_name(ScanPath path) {
  return path == ScanPath::avx2 ? "avx2" : "scalar";
}

void classify_blocks(const char* p, size_t n, BlockMasks* out, ScanPath path) {
#ifdef THD_HAVE_AVX2_PATH
  if (path == ScanPath::avx2) return classify_avx2(p, n, out);
#else
  (void)path;
#endif
  classify_scalar(p, n, out);
}

void scan_records(const char* p, size_t from, size_t to, RecordScan& s, ScanPath path) {
  if (from >= to) return;
  if (s.quote_pending) {
    s.quote_pending = false;
    if (p[from] == '"')
      ++from;  // a doubled quote: still inside the field
    else
      s.quoted = false, s.field_start = false;
    if (from == to) return;
  }
  size_t skip_to = from;  // the second quote of a doubled pair is not looked at again
  std::array<BlockMasks, k_window_blocks> masks;
  for (size_t window = from; window < to; window += k_window_blocks * k_block) {
    const size_t len = std::min(k_window_blocks * k_block, to - window);
    classify_blocks(p + window, len, masks.data(), path);
    for (size_t b = 0; b * k_block < len; ++b) {
      const size_t base = window + b * k_block;
      const BlockMasks& m = masks[b];
      if (!s.quoted && m.quote == 0) {  // most blocks: every newline ends a record
        if (m.newline) {
          if (s.first_end == 0) {
            s.first_end = base + static_cast<size_t>(std::countr_zero(m.newline)) + 1;
            s.newlines_at_first_end = s.newlines + 1;
          }
          s.newlines += static_cast<std::uint64_t>(std::popcount(m.newline));
          s.last_end = base + (63 - static_cast<size_t>(std::countl_zero(m.newline))) + 1;
          s.newlines_at_last_end = s.newlines;
        }
        continue;
      }
      std::uint64_t bits = m.quote | m.newline;
      if (skip_to > base) bits &= ~std::uint64_t{0} << (skip_to - base);
      while (bits) {
        const size_t k = base + static_cast<size_t>(std::countr_zero(bits));
        bits &= bits - 1;
        if (p[k] == '\n') {
          ++s.newlines;
          if (s.quoted) continue;
          s.last_end = k + 1, s.newlines_at_last_end = s.newlines;
          if (s.first_end == 0) s.first_end = k + 1, s.newlines_at_first_end = s.newlines;
          continue;
        }
        if (s.quoted) {
          if (k + 1 == to) {
            s.quote_pending = true;
          } else if (p[k + 1] == '"') {
            skip_to = k + 2;
            if (k + 1 - base < k_block) bits &= ~(std::uint64_t{1} << (k + 1 - base));
          } else {
            s.quoted = false;
          }
          continue;
        }
        const bool at_field_start = k == from ? s.field_start : p[k - 1] == ',' || p[k - 1] == '\n';
        if (at_field_start) s.quoted = true, s.quote_newlines = s.newlines;
      }
    }
  }
  s.field_start = !s.quoted && (p[to - 1] == ',' || p[to - 1] == '\n');
}

namespace {

// The field and record bookkeeping of split_records.
struct Splitter {
  char* p;
  SplitLimits limits;
  RecordSink& sink;
  CsvRecord record;
  size_t record_start = 0, field_start = 0;
  bool quoted = false, closed = false, too_wide = false;
  size_t seg = 0, w = 0;  // a quoted field's next text starts at seg and is moved to w
  std::uint64_t record_line = 0;

  void keep_quoted_text(size_t end) {
    const size_t len = end - seg;
    if (len && w != seg) std::memmove(p + w, p + seg, len);
    w += len;
  }
  void end_field(size_t end) {
    std::string_view f;
    if (closed) {
      keep_quoted_text(end);  // text after the closing quote is taken as written
      f = std::string_view(p + field_start, w - field_start);
    } else {
      f = std::string_view(p + field_start, end - field_start);
    }
    if (record.fields.size() == limits.max_fields)
      too_wide = true;
    else
      record.fields.push_back(f);
    closed = false;
  }
  // `k`: the record's '\n', or the end of the input.
  void end_record(size_t k) {
    const bool blank = k == record_start || (k == record_start + 1 && p[record_start] == '\r');
    if (k - record_start > limits.max_record) {
      sink.too_long(record_line);
    } else if (!blank) {
      end_field(k > record_start && p[k - 1] == '\r' ? k - 1 : k);
      if (too_wide) {
        sink.too_wide(record_line);
      } else {
        record.line = record_line;
        sink.record(record);
      }
    }
    record.fields.clear();
    too_wide = closed = false;
  }
};

}  // namespace

std::uint64_t split_records(char* p, size_t n, std::uint64_t line, SplitLimits limits, ScanPath path,
                            RecordSink& sink) {
  Splitter sp{p, limits, sink, {}};
  sp.record_line = line;
  sp.record.fields.reserve(32);
  size_t skip_to = 0;
  std::array<BlockMasks, k_window_blocks> masks;
  for (size_t window = 0; window < n; window += k_window_blocks * k_block) {
    const size_t len = std::min(k_window_blocks * k_block, n - window);
    classify_blocks(p + window, len, masks.data(), path);
    for (size_t b = 0; b * k_block < len; ++b) {
      const size_t base = window + b * k_block;
      std::uint64_t bits = masks[b].quote | masks[b].newline | masks[b].comma;
      if (skip_to > base) bits &= ~std::uint64_t{0} << (skip_to - base);
      while (bits) {
        const size_t k = base + static_cast<size_t>(std::countr_zero(bits));
        bits &= bits - 1;
        const char c = p[k];
        if (sp.quoted) {
          if (c == '\n') {
            ++line;
          } else if (c == '"') {
            if (k + 1 < n && p[k + 1] == '"') {  // a doubled quote: keep one
              sp.keep_quoted_text(k + 1);
              sp.seg = skip_to = k + 2;
              if (k + 1 - base < k_block) bits &= ~(std::uint64_t{1} << (k + 1 - base));
            } else {
              sp.keep_quoted_text(k);
              sp.seg = k + 1;
              sp.quoted = false, sp.closed = true;
            }
          }
          continue;
        }
        if (c == '"') {
          if (k == sp.field_start) sp.quoted = true, sp.seg = k + 1, sp.w = k;
        } else if (c == ',') {
          sp.end_field(k);
          sp.field_start = k + 1;
        } else {
          sp.end_record(k);
          ++line;
          sp.record_start = sp.field_start = k + 1;
          sp.record_line = line;
        }
      }
    }
  }
  if (sp.record_start < n) sp.end_record(n);  // the last line without its newline
  return line;
}

}  // namespace thd
