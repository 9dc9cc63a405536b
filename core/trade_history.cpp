// read_trade_history: this thread reads the CSV into chunks of whole rows
// (a sequential structural scan finds where rows end, quotes included) and
// worker threads count the chunks, one TradeStats part each; the parts are
// merged in file order, so every figure is the one a single pass makes.
//
// Memory bound (docs/STATISTICS.md): workers + 1 chunk buffers of at most
// max(1 MiB, the 1 MiB row limit) + one read each, a row carried over, and
// the parts in flight (they grow with tickers and strategies, not rows).
#include <fcntl.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <algorithm>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "core/base/atomic_file.hpp"
#include "core/base/error.hpp"
#include "core/base/unique_fd.hpp"
#include "core/trade_stats.hpp"

namespace thd {
namespace {

struct Chunk {
  explicit Chunk(size_t bytes) : buf(new char[bytes]), capacity(bytes) {}
  std::unique_ptr<char[]> buf;  // whole rows, read once: fields are views into it
  size_t capacity;
  size_t size = 0;
  std::uint64_t line = 1;                       // of buf[0]
  std::optional<std::uint64_t> too_long_first;  // a skipped over-long row just before these
  std::optional<TradeStats> part;               // counted by a worker
  std::exception_ptr error;
  bool done = false;  // guarded by the workers' mutex
};

enum class ReadEnd { more, end, unterminated_quote, io_error };

// Cuts the input into chunks of whole rows. Rows longer than max_record are
// dropped while they are read (the chunk after them says where they were).
class ChunkReader {
 public:
  ChunkReader(int fd, std::string name, const TradeHistoryReading& how)
      : m_fd(fd), m_name(std::move(name)), m_how(how) {}

  static size_t capacity(const TradeHistoryReading& how) {
    return std::max(how.chunk_bytes, how.max_record + 1) + std::max<size_t>(how.read_size, 3);
  }

  ReadEnd next(Chunk& c) {
    c.size = m_carry.size();
    if (!m_carry.empty()) std::memcpy(c.buf.get(), m_carry.data(), m_carry.size());
    m_carry.clear();
    c.line = 1 + m_base_newlines;
    c.too_long_first = m_too_long;
    m_too_long.reset();
    m_scan.last_end = m_carry_last_end;  // rows the carried bytes hold whole
    m_carry_last_end = 0;
    size_t scanned = c.size;
    while (true) {
      if (m_skipping && m_scan.first_end > 0) {
        // The over-long row ended: what follows is the start of the next rows.
        m_skipping = false;
        const size_t after = m_scan.first_end;
        const size_t last_end = m_scan.last_end > after ? m_scan.last_end - after : 0;
        m_base_newlines = m_scan.newlines_at_first_end;
        if (c.too_long_first) {  // a marker per chunk: hand this one on first
          m_carry.assign(c.buf.get() + after, c.buf.get() + c.size);
          m_carry_last_end = last_end;
          m_too_long = m_skip_line;
          c.size = 0;
          return ReadEnd::more;
        }
        c.too_long_first = m_skip_line;
        std::memmove(c.buf.get(), c.buf.get() + after, c.size - after);
        c.size = scanned = c.size - after;
        c.line = 1 + m_base_newlines;
        m_scan.last_end = last_end;
        continue;
      }
      const size_t row_start = m_scan.last_end;  // of the row still open
      if (!m_skipping && m_scan.last_end > 0 &&
          (c.size >= m_how.chunk_bytes || m_scan.newlines_at_last_end - m_base_newlines >= m_how.chunk_lines))
        return cut(c, m_scan.last_end);
      if (!m_skipping && c.size - row_start > m_how.max_record) {
        // Too long to hold: the rows before it go now, it is dropped as it is read.
        m_skipping = true;
        m_scan.first_end = 0;
        m_skip_line = 1 + (row_start > 0 ? m_scan.newlines_at_last_end : m_base_newlines);
        if (row_start > 0 || c.too_long_first) {
          c.size = row_start;
          m_scan.last_end = 0;
          return ReadEnd::more;
        }
        c.size = scanned = 0;
      } else if (m_skipping) {
        c.size = scanned = 0;
      }
      m_scan.first_end = 0;  // only a skip looks at it: the end of the row it drops
      if (!read_more(c)) break;
      scan_records(c.buf.get(), scanned, c.size, m_scan, m_how.path);
      scanned = c.size;
    }
    if (m_failed) return ReadEnd::io_error;
    if (m_scan.quote_pending) m_scan.quote_pending = false, m_scan.quoted = false;  // it closed at the end
    if (m_scan.quoted) {
      c.size = m_skipping ? 0 : m_scan.last_end;  // the rows before it, then the error
      return ReadEnd::unterminated_quote;
    }
    if (m_skipping) {
      if (c.too_long_first) {
        m_too_long = m_skip_line, m_skipping = false;
        c.size = 0;
        return ReadEnd::more;
      }
      c.too_long_first = m_skip_line;
      c.size = 0;
    }
    return ReadEnd::end;
  }

  std::uint64_t quote_line() const { return 1 + m_scan.quote_newlines; }
  const std::string& error_text() const { return m_error; }

 private:
  ReadEnd cut(Chunk& c, size_t end) {
    m_carry.assign(c.buf.get() + end, c.buf.get() + c.size);
    c.size = end;
    m_base_newlines = m_scan.newlines_at_last_end;
    return ReadEnd::more;
  }

  // Appends one read to c; false at the end of the input or on an error.
  bool read_more(Chunk& c) {
    if (m_eof) return false;
    size_t want = std::min(m_how.read_size, c.capacity - c.size);
    size_t got = 0;
    // The first read takes at least the three bytes a BOM may take.
    while (!m_eof && (got == 0 || (m_first && c.size < 3))) {
      if (m_first) want = std::max<size_t>(want, 3 - std::min<size_t>(c.size, 3));
      ssize_t n = ::read(m_fd, c.buf.get() + c.size, std::min(want, c.capacity - c.size));
      if (n < 0) {
        if (errno == EINTR) continue;
        m_error = "cannot read " + m_name + ": " + errno_text(errno);
        m_failed = m_eof = true;
        return false;
      }
      if (n == 0) {
        m_eof = true;
        break;
      }
      got += static_cast<size_t>(n);
      c.size += static_cast<size_t>(n);
    }
    if (m_first && got > 0) {
      m_first = false;
      if (c.size >= 3 && std::memcmp(c.buf.get(), "\xEF\xBB\xBF", 3) == 0) {
        std::memmove(c.buf.get(), c.buf.get() + 3, c.size - 3);
        c.size -= 3;
        return c.size > 0 || read_more(c);
      }
    }
    return got > 0;
  }

  int m_fd;
  std::string m_name;
  const TradeHistoryReading& m_how;
  RecordScan m_scan;                  // counts every newline of the file
  std::uint64_t m_base_newlines = 0;  // newlines before the chunk's first byte
  std::vector<char> m_carry;          // a row begun at the end of the last chunk, already scanned
  size_t m_carry_last_end = 0;        // the carried bytes' last row end (after a skip), 0: none
  bool m_first = true, m_eof = false, m_failed = false;
  bool m_skipping = false;
  std::uint64_t m_skip_line = 0;
  std::optional<std::uint64_t> m_too_long;  // for the next chunk
  std::string m_error;
};

[[noreturn]] void not_a_trade_history(const std::filesystem::path& csv, std::uint64_t line,
                                      const std::string& what) {
  throw FatalError(ExitCode::input, csv.string() + ":" + std::to_string(line) + ": " + what);
}

// Rows of a part, counted by a worker.
class CountRows final : public RecordSink {
 public:
  explicit CountRows(TradeStats& stats) : m_stats(stats) {}
  void record(std::span<const std::string_view> fields, std::uint64_t line) override {
    m_stats.row(fields, line);
  }
  void too_long(std::uint64_t line) override { m_stats.row_too_long(line); }
  void too_wide(std::uint64_t line) override { m_stats.row_too_wide(line); }

 private:
  TradeStats& m_stats;
};

// The first rows, on this thread: the header first (or the file's error).
class HeaderThenRows final : public RecordSink {
 public:
  HeaderThenRows(TradeStats& stats, const std::filesystem::path& csv, bool& have_header)
      : m_stats(stats), m_csv(csv), m_have_header(have_header) {}
  void record(std::span<const std::string_view> fields, std::uint64_t line) override {
    if (m_have_header) return m_stats.row(fields, line);
    CsvRecord r{{fields.begin(), fields.end()}, line};
    if (auto ok = m_stats.header(r); !ok) not_a_trade_history(m_csv, line, ok.error().message);
    m_have_header = true;
  }
  void too_long(std::uint64_t line) override {
    if (!m_have_header) not_a_trade_history(m_csv, line, "header longer than the 1 MiB limit");
    m_stats.row_too_long(line);
  }
  void too_wide(std::uint64_t line) override {
    if (!m_have_header)
      not_a_trade_history(
          m_csv, line,
          "header has more than " + std::to_string(CsvReader::k_default_max_fields) + " columns, the limit");
    m_stats.row_too_wide(line);
  }

 private:
  TradeStats& m_stats;
  const std::filesystem::path& m_csv;
  bool& m_have_header;
};

void count_chunk(Chunk& c, const TradeHistoryReading& how, RecordSink& sink) {
  if (c.too_long_first) sink.too_long(*c.too_long_first);
  split_records(c.buf.get(), c.size, c.line, SplitLimits{how.max_record, CsvReader::k_default_max_fields},
                how.path, sink);
}

// Threads that count chunks, in any order; the caller merges them in order.
class Workers {
 public:
  Workers(unsigned n, const TradeHistoryReading& how) : m_how(how) {
    for (unsigned i = 0; i < n; ++i) m_threads.emplace_back([this] { run(); });
  }
  ~Workers() {
    {
      std::lock_guard lock(m_mutex);
      m_stop = true;
    }
    m_changed.notify_all();
    for (std::thread& t : m_threads) t.join();
  }
  Workers(const Workers&) = delete;
  Workers& operator=(const Workers&) = delete;

  void submit(Chunk* c) {
    {
      std::lock_guard lock(m_mutex);
      c->done = false;
      m_queue.push_back(c);
    }
    m_changed.notify_all();
  }
  bool done(Chunk* c) {
    std::lock_guard lock(m_mutex);
    return c->done;
  }
  void wait(Chunk* c) {
    std::unique_lock lock(m_mutex);
    m_changed.wait(lock, [&] { return c->done; });
  }

 private:
  void run() {
    while (true) {
      Chunk* c;
      {
        std::unique_lock lock(m_mutex);
        m_changed.wait(lock, [&] { return m_stop || !m_queue.empty(); });
        if (m_stop) return;
        c = m_queue.front();
        m_queue.pop_front();
      }
      try {
        CountRows sink(*c->part);
        count_chunk(*c, m_how, sink);
      } catch (...) {
        c->error = std::current_exception();
      }
      {
        std::lock_guard lock(m_mutex);
        c->done = true;
      }
      m_changed.notify_all();
    }
  }

  const TradeHistoryReading& m_how;
  std::mutex m_mutex;
  std::condition_variable m_changed;
  std::deque<Chunk*> m_queue;
  bool m_stop = false;
  std::vector<std::thread> m_threads;
};

}  // namespace

void read_trade_history(const std::filesystem::path& csv, TradeStats& stats, const TradeHistoryReading& how,
                        const std::function<void()>& between_batches) {
#ifdef __GLIBC__
  // glibc's mmap threshold, pinned at 512 KiB. Left dynamic, freeing this
  // phase's chunk buffers (2 MiB) raises it to their size, and the later
  // phases' blocks below that (the document's string as it grows) come from
  // the heap and stay resident after they are freed: 3.7 MB more peak RSS on
  // the 1M-row file. At glibc's default (128 KiB) a part's lists (up to
  // ~256 KiB) would be mapped and unmapped per chunk: 25% more page faults.
  mallopt(M_MMAP_THRESHOLD, 512 * 1024);
#endif
  UniqueFd fd(::open(csv.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) throw FatalError(ExitCode::input, "cannot open " + csv.string() + ": " + errno_text(errno));
  ChunkReader reader(fd.get(), csv.string(), how);
  const unsigned workers = how.workers ? how.workers : std::max(1u, std::thread::hardware_concurrency());

  // Declared before the workers, which are joined first.
  std::vector<std::unique_ptr<Chunk>> spare;
  for (unsigned i = 0; i < workers + 1; ++i)
    spare.push_back(std::make_unique<Chunk>(ChunkReader::capacity(how)));
  std::deque<std::unique_ptr<Chunk>> in_flight;
  Workers pool(workers, how);
  auto merge_oldest = [&] {
    std::unique_ptr<Chunk> c = std::move(in_flight.front());
    in_flight.pop_front();
    pool.wait(c.get());
    if (c->error) std::rethrow_exception(c->error);
    stats.merge(std::move(*c->part));
    c->part.reset();
    spare.push_back(std::move(c));
  };

  bool have_header = false;
  ReadEnd end = ReadEnd::more;
  while (end == ReadEnd::more) {
    if (spare.empty()) merge_oldest();
    if (between_batches) between_batches();  // the RSS guard: may throw, the pool is joined
    std::unique_ptr<Chunk> c = std::move(spare.back());
    spare.pop_back();
    end = reader.next(*c);
    if (!have_header) {
      HeaderThenRows sink(stats, csv, have_header);
      count_chunk(*c, how, sink);
      spare.push_back(std::move(c));
      continue;
    }
    c->part.emplace(stats.part());
    pool.submit(c.get());
    in_flight.push_back(std::move(c));
    while (!in_flight.empty() && pool.done(in_flight.front().get())) merge_oldest();
  }
  while (!in_flight.empty()) merge_oldest();
#ifdef __GLIBC__
  // The parts were filled on the workers' malloc arenas: give their freed
  // pages back, or they stay resident beside what the next phases allocate.
  malloc_trim(0);
#endif

  switch (end) {
    case ReadEnd::io_error: throw FatalError(ExitCode::input, reader.error_text());
    case ReadEnd::unterminated_quote:
      not_a_trade_history(csv, reader.quote_line(),
                          "unterminated quoted field: the quote opened here never closes");
    default:
      if (!have_header)
        not_a_trade_history(csv, 1,
                            "no header line; expected a trade-history CSV with Ticker, Status and "
                            "Entry_Timestamp columns");
  }
}

void read_trade_history(const std::filesystem::path& csv, TradeStats& stats, size_t chunk_size,
                        const std::function<void()>& between_batches) {
  TradeHistoryReading how;
  how.read_size = chunk_size == 0 ? 1 : chunk_size;
  read_trade_history(csv, stats, how, between_batches);
}

}  // namespace thd
