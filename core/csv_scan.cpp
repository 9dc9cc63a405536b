#include "core/csv_scan.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cstdlib>
#include <cstring>
#include <vector>

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

namespace {

// The plain-loop path of scan_records, as the old CsvReader scanned: outside
// quotes, memchr finds the next newline and whether a quote comes before it;
// inside quotes, memchr finds the next quote. Only quotes are looked at one
// by one, never every byte.
void scan_records_memchr(const char* p, size_t from, size_t to, RecordScan& s) {
  auto at_field_start = [&](size_t k) {
    return k == from ? s.field_start : p[k - 1] == ',' || p[k - 1] == '\n';
  };
  auto count_newlines = [&](size_t a, size_t b) {
    std::uint64_t n = 0;
    for (size_t i = a; i < b; ++i) n += p[i] == '\n';
    return n;
  };
  size_t i = from;
  while (i < to) {
    if (!s.quoted) {
      const char* nl = static_cast<const char*>(std::memchr(p + i, '\n', to - i));
      const size_t span_end = nl ? static_cast<size_t>(nl - p) : to;
      const char* q = static_cast<const char*>(std::memchr(p + i, '"', span_end - i));
      while (q && !at_field_start(static_cast<size_t>(q - p)))  // a quote inside a field is text
        q = static_cast<const char*>(std::memchr(q + 1, '"', span_end - static_cast<size_t>(q + 1 - p)));
      if (q) {
        s.quoted = true, s.quote_newlines = s.newlines;
        i = static_cast<size_t>(q - p) + 1;
        continue;
      }
      if (!nl) break;
      ++s.newlines;
      s.last_end = span_end + 1, s.newlines_at_last_end = s.newlines;
      if (s.first_end == 0) s.first_end = span_end + 1, s.newlines_at_first_end = s.newlines;
      i = span_end + 1;
      continue;
    }
    const char* q = static_cast<const char*>(std::memchr(p + i, '"', to - i));
    if (!q) {
      s.newlines += count_newlines(i, to);
      break;
    }
    const size_t k = static_cast<size_t>(q - p);
    s.newlines += count_newlines(i, k);
    if (k + 1 == to) {
      s.quote_pending = true;
      break;
    }
    if (p[k + 1] == '"') {
      i = k + 2;  // a doubled quote: still inside the field
    } else {
      s.quoted = false;
      i = k + 1;
    }
  }
}

}  // namespace

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
  if (path == ScanPath::scalar) {
    scan_records_memchr(p, from, to, s);
    s.field_start = !s.quoted && (p[to - 1] == ',' || p[to - 1] == '\n');
    return;
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

enum class Step : std::uint8_t { none, skip_next, record_ended };

// The field and record bookkeeping of split_records. The hot loops keep the
// current field's start, the field count and the list in locals and call
// these only for what is rare (a quoted field, a full list, a record's end).
struct Splitter {
  char* p;
  size_t n;
  SplitLimits limits;
  RecordSink& sink;
  std::vector<std::string_view> store;  // the record's fields, grown up to max_fields
  std::string_view* fields = nullptr;
  size_t field_count = 0, capacity = 0;
  size_t record_start = 0, field_start = 0;
  bool quoted = false, closed = false, too_wide = false;
  size_t seg = 0, w = 0;  // a quoted field's next text starts at seg and is moved to w
  std::uint64_t line = 0, record_line = 0;

  Splitter(char* p_, size_t n_, std::uint64_t line_, SplitLimits limits_, RecordSink& sink_)
      : p(p_),
        n(n_),
        limits(limits_),
        sink(sink_),
        store(std::min<size_t>(64, limits_.max_fields)),
        fields(store.data()),
        capacity(store.size()),
        line(line_),
        record_line(line_) {}

  void keep_quoted_text(size_t end) {
    const size_t len = end - seg;
    if (len && w != seg) std::memmove(p + w, p + seg, len);
    w += len;
  }
  [[gnu::noinline]] void end_field(size_t end) {
    std::string_view f;
    if (closed) {
      keep_quoted_text(end);  // text after the closing quote is taken as written
      f = std::string_view(p + field_start, w - field_start);
      closed = false;
    } else {
      f = std::string_view(p + field_start, end - field_start);
    }
    if (field_count == capacity) {
      if (capacity >= limits.max_fields) {
        too_wide = true;
        return;
      }
      store.resize(std::min(std::max<size_t>(capacity * 2, 1), limits.max_fields));
      fields = store.data(), capacity = store.size();
    }
    fields[field_count++] = f;
  }
  // `k`: the record's '\n' (the next record starts after it), or the end of the input.
  [[gnu::noinline]] void end_record(size_t k) {
    const bool blank = k == record_start || (k == record_start + 1 && p[record_start] == '\r');
    if (k - record_start > limits.max_record) {
      sink.too_long(record_line);
    } else if (!blank) {
      end_field(k > record_start && p[k - 1] == '\r' ? k - 1 : k);
      if (too_wide)
        sink.too_wide(record_line);
      else
        sink.record(std::span<const std::string_view>(fields, field_count), record_line);
    }
    field_count = 0;
    too_wide = closed = false;
    ++line;
    record_start = field_start = k + 1;
    record_line = line;
  }
  // A quote, comma or newline at k, wherever it is.
  [[gnu::noinline]] Step event(size_t k) {
    const char c = p[k];
    if (quoted) {
      if (c == '\n') {
        ++line;
      } else if (c == '"') {
        if (k + 1 < n && p[k + 1] == '"') {  // a doubled quote: keep one
          keep_quoted_text(k + 1);
          seg = k + 2;
          return Step::skip_next;
        }
        keep_quoted_text(k);
        seg = k + 1;
        quoted = false, closed = true;
      }
      return Step::none;
    }
    if (c == '"') {
      if (k == field_start) quoted = true, seg = k + 1, w = k;
    } else if (c == ',') {
      end_field(k);
      field_start = k + 1;
    } else {
      end_record(k);
      return Step::record_ended;
    }
    return Step::none;
  }
};

// Fields in local registers: a comma is two stores, the rare cases go to the Splitter.
struct HotFields {
  Splitter& sp;
  std::string_view* out;
  size_t count, capacity, start;
  bool plain;  // no quoted field to finish: a comma ends a plain view

  explicit HotFields(Splitter& s)
      : sp(s),
        out(s.fields),
        count(s.field_count),
        capacity(s.capacity),
        start(s.field_start),
        plain(!s.closed) {}
  void comma(size_t k) {
    if (plain && count < capacity) [[likely]] {
      out[count++] = std::string_view(sp.p + start, k - start);
    } else {
      save();
      sp.end_field(k);
      load();
    }
    start = k + 1;
  }
  void newline(size_t k) {
    save();
    sp.end_record(k);
    load();
  }
  void save() { sp.field_count = count, sp.field_start = start; }
  void load() {
    out = sp.fields, count = sp.field_count, capacity = sp.capacity, start = sp.field_start;
    plain = !sp.closed;
  }
};

}  // namespace

std::uint64_t split_records(char* p, size_t n, std::uint64_t line, SplitLimits limits, ScanPath path,
                            RecordSink& sink) {
  Splitter sp(p, n, line, limits, sink);

  if (path == ScanPath::scalar) {
    // As the old CsvReader split: memchr finds a record's newline and
    // whether it has a quote; a record without one is split on its commas.
    size_t i = 0;
    while (i < n) {
      const char* nl = static_cast<const char*>(std::memchr(p + i, '\n', n - i));
      const size_t end = nl ? static_cast<size_t>(nl - p) : n;
      if (!std::memchr(p + i, '"', end - i)) {
        // Its commas, eight bytes at a time: the high bit of each byte of
        // `m` says whether that byte is a comma (exact, no false positives).
        HotFields hot(sp);
        size_t k = i;
        for (; k + 8 <= end; k += 8) {
          std::uint64_t v;
          std::memcpy(&v, p + k, 8);
          if constexpr (std::endian::native == std::endian::big) v = std::byteswap(v);
          v ^= 0x2C2C2C2C2C2C2C2C;
          constexpr std::uint64_t low7 = 0x7F7F7F7F7F7F7F7F;
          std::uint64_t m = ~(((v & low7) + low7) | v | low7);
          while (m) {
            hot.comma(k + static_cast<size_t>(std::countr_zero(m)) / 8);
            m &= m - 1;
          }
        }
        for (; k < end; ++k)
          if (p[k] == ',') hot.comma(k);
        hot.save();
        if (!nl) break;
        sp.end_record(end);
        i = end + 1;
        continue;
      }
      // Quotes: every byte of the record, a quoted newline does not end it.
      size_t k = i;
      for (; k < n; ++k) {
        const char c = p[k];
        if (c != '"' && c != ',' && c != '\n') continue;
        const Step step = sp.event(k);
        if (step == Step::skip_next) {
          ++k;
        } else if (step == Step::record_ended) {
          ++k;
          break;
        }
      }
      i = k;
    }
    if (sp.record_start < n) sp.end_record(n);  // the last line without its newline
    return sp.line - (sp.record_start > n ? 1 : 0);
  }

  size_t skip_to = 0;
  std::array<BlockMasks, k_window_blocks> masks;
  for (size_t window = 0; window < n; window += k_window_blocks * k_block) {
    const size_t len = std::min(k_window_blocks * k_block, n - window);
    classify_blocks(p + window, len, masks.data(), path);
    for (size_t b = 0; b * k_block < len; ++b) {
      const size_t base = window + b * k_block;
      const BlockMasks& m = masks[b];
      if (!sp.quoted && m.quote == 0 && skip_to <= base) {
        // Most blocks: no quote, each comma ends a field and each newline a record.
        HotFields hot(sp);
        std::uint64_t bits = m.comma | m.newline;
        while (bits) {
          const std::uint64_t low = bits & (~bits + 1);
          const size_t k = base + static_cast<size_t>(std::countr_zero(bits));
          bits ^= low;
          if (m.comma & low)
            hot.comma(k);
          else
            hot.newline(k);
        }
        hot.save();
        continue;
      }
      std::uint64_t bits = m.quote | m.newline | m.comma;
      if (skip_to > base) bits &= ~std::uint64_t{0} << (skip_to - base);
      while (bits) {
        const size_t k = base + static_cast<size_t>(std::countr_zero(bits));
        bits &= bits - 1;
        if (sp.event(k) == Step::skip_next) {
          skip_to = k + 2;
          if (k + 1 - base < k_block) bits &= ~(std::uint64_t{1} << (k + 1 - base));
        }
      }
    }
  }
  if (sp.record_start < n) sp.end_record(n);  // the last line without its newline
  return sp.line - (sp.record_start > n ? 1 : 0);
}

}  // namespace thd
