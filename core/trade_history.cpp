// read_trade_history: the CSV is read and split into records on one thread
// while the statistics are computed on another, joined by a small bounded
// queue of batches, so memory stays flat and the two cores both work.
//
// Memory bound (docs/STATISTICS.md): the reader holds at most one record
// (1 MiB, 4,096 fields) plus a chunk; each of the k_batches batches holds at
// most k_batch_bytes + 1 MiB of field text, k_batch_fields + 4,096 field ends
// and k_batch_records records: about 14 MiB in all, whatever the file.
#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "core/base/error.hpp"
#include "core/trade_stats.hpp"

namespace thd {
namespace {

struct Batch {
  static constexpr size_t k_batch_records = 4096;
  static constexpr size_t k_batch_bytes = 1 << 20;
  // Empty fields take no bytes: without this budget a batch of wide records
  // of commas holds millions of field ends.
  static constexpr size_t k_batch_fields = 1 << 18;
  struct Rec {
    std::uint64_t line;
    std::uint32_t first_field, fields;
    CsvStatus status;  // record, record_too_long or too_many_fields
  };
  std::string bytes;                // the fields back to back
  std::vector<std::uint32_t> ends;  // where each field ends in `bytes`
  std::vector<Rec> records;
  bool last = false;  // then `final_status` says how reading ended
  CsvStatus final_status = CsvStatus::end;
  std::uint64_t error_line = 0;
  std::string error_text;

  // Reserved once: a batch fills up to its budget plus one record and never
  // grows past it.
  Batch() {
    bytes.reserve(k_batch_bytes + CsvReader::k_default_max_record);
    ends.reserve(k_batch_fields + CsvReader::k_default_max_fields);
    records.reserve(k_batch_records);
  }
  void clear() {
    bytes.clear();
    ends.clear();
    records.clear();
  }
  bool full() const {
    return records.size() >= k_batch_records || bytes.size() >= k_batch_bytes ||
           ends.size() >= k_batch_fields;
  }
};

// Batches go to the consumer through `ready` and come back through `spare`,
// so after warm-up nothing is allocated; at most k_batches exist.
class BatchQueue {
 public:
  static constexpr size_t k_batches = 4;
  BatchQueue() {
    for (size_t i = 0; i < k_batches; ++i) m_spare.push_back(std::make_unique<Batch>());
  }
  std::unique_ptr<Batch> take_spare() { return pop(m_spare); }
  void give_spare(std::unique_ptr<Batch> b) { push(m_spare, std::move(b)); }
  std::unique_ptr<Batch> take_ready() { return pop(m_ready); }
  void give_ready(std::unique_ptr<Batch> b) { push(m_ready, std::move(b)); }
  void cancel() {
    std::lock_guard lock(m_mutex);
    m_cancelled = true;
    m_changed.notify_all();
  }

 private:
  std::unique_ptr<Batch> pop(std::deque<std::unique_ptr<Batch>>& q) {
    std::unique_lock lock(m_mutex);
    m_changed.wait(lock, [&] { return m_cancelled || !q.empty(); });
    if (m_cancelled) return nullptr;
    auto b = std::move(q.front());
    q.pop_front();
    return b;
  }
  void push(std::deque<std::unique_ptr<Batch>>& q, std::unique_ptr<Batch> b) {
    std::lock_guard lock(m_mutex);
    q.push_back(std::move(b));
    m_changed.notify_all();
  }

  std::mutex m_mutex;
  std::condition_variable m_changed;
  std::deque<std::unique_ptr<Batch>> m_ready, m_spare;
  bool m_cancelled = false;
};

void produce(CsvReader& reader, BatchQueue& queue) {
  CsvRecord record;
  std::unique_ptr<Batch> batch = queue.take_spare();
  while (batch) {
    CsvStatus status = reader.next(record);
    if (status == CsvStatus::record) {
      auto first = static_cast<std::uint32_t>(batch->ends.size());
      for (std::string_view f : record.fields) {
        batch->bytes.append(f);
        batch->ends.push_back(static_cast<std::uint32_t>(batch->bytes.size()));
      }
      batch->records.push_back(
          {record.line, first, static_cast<std::uint32_t>(record.fields.size()), status});
    } else if (status == CsvStatus::record_too_long || status == CsvStatus::too_many_fields) {
      batch->records.push_back({reader.error_line(), 0, 0, status});
    } else {
      batch->last = true;
      batch->final_status = status;
      batch->error_line = reader.error_line();
      batch->error_text = reader.error_text();
      queue.give_ready(std::move(batch));
      return;
    }
    if (batch->full()) {
      queue.give_ready(std::move(batch));
      batch = queue.take_spare();
      if (batch) batch->clear();
    }
  }
}

[[noreturn]] void not_a_trade_history(const std::filesystem::path& csv, std::uint64_t line,
                                      const std::string& what) {
  throw FatalError(ExitCode::input, csv.string() + ":" + std::to_string(line) + ": " + what);
}

}  // namespace

void read_trade_history(const std::filesystem::path& csv, TradeStats& stats, size_t chunk_size,
                        const std::function<void()>& between_batches) {
  auto opened = CsvReader::open(csv, chunk_size);
  if (!opened) throw FatalError(ExitCode::input, opened.error().message);
  CsvReader& reader = **opened;
  BatchQueue queue;
  std::exception_ptr producer_error;
  std::thread producer([&] {
    try {
      produce(reader, queue);
    } catch (...) {
      producer_error = std::current_exception();
      queue.cancel();
    }
  });
  auto stop = [&] {
    queue.cancel();
    producer.join();
  };

  try {
    CsvRecord record;
    bool have_header = false;
    while (true) {
      std::unique_ptr<Batch> batch = queue.take_ready();
      if (!batch) break;                       // the producer failed; its error is rethrown below
      if (between_batches) between_batches();  // the RSS guard: may throw, `stop` joins the reader
      for (const Batch::Rec& r : batch->records) {
        if (r.status == CsvStatus::record_too_long) {
          if (!have_header) not_a_trade_history(csv, r.line, "header longer than the 1 MiB limit");
          stats.row_too_long(r.line);
          continue;
        }
        if (r.status == CsvStatus::too_many_fields) {
          if (!have_header)
            not_a_trade_history(csv, r.line,
                                "header has more than " + std::to_string(CsvReader::k_default_max_fields) +
                                    " columns, the limit");
          stats.row_too_wide(r.line);
          continue;
        }
        record.line = r.line;
        record.fields.clear();
        std::uint32_t begin = r.first_field ? batch->ends[r.first_field - 1] : 0;
        for (std::uint32_t i = r.first_field; i < r.first_field + r.fields; ++i) {
          record.fields.emplace_back(batch->bytes.data() + begin, batch->ends[i] - begin);
          begin = batch->ends[i];
        }
        if (have_header) {
          stats.row(record);
        } else {
          if (auto ok = stats.header(record); !ok) not_a_trade_history(csv, record.line, ok.error().message);
          have_header = true;
        }
      }
      if (batch->last) {
        switch (batch->final_status) {
          case CsvStatus::io_error: throw FatalError(ExitCode::input, batch->error_text);
          case CsvStatus::unterminated_quote:
            not_a_trade_history(csv, batch->error_line,
                                "unterminated quoted field: the quote opened here never closes");
          default:
            if (!have_header)
              not_a_trade_history(csv, 1,
                                  "no header line; expected a trade-history CSV with Ticker, Status and "
                                  "Entry_Timestamp columns");
        }
        break;
      }
      batch->clear();
      queue.give_spare(std::move(batch));
    }
  } catch (...) {
    stop();
    throw;
  }
  stop();
  if (producer_error) std::rethrow_exception(producer_error);
}

}  // namespace thd
