// Phase 1 (SPEC §4.2, docs/STATISTICS.md): statistics of a trade-history CSV
// from one streamed pass. Memory grows with distinct tickers and strategies,
// never with rows: issues and active positions are capped.
#pragma once

#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/base/date.hpp"
#include "core/base/json_writer.hpp"
#include "core/csv_reader.hpp"
#include "core/csv_scan.hpp"
#include "core/trade_columns.hpp"
#include "core/trade_summary.hpp"

namespace thd {

struct DataIssue {
  std::uint64_t line = 0;
  std::string column;  // empty: the row as a whole
  std::string issue;
};

__extension__ typedef __int128 Int128;
__extension__ typedef unsigned __int128 UInt128;

// A number cell a statistic reads, converted once per row: its double and,
// when the shortest decimal that reads back as that double has at most 8
// decimals and |value| * 1e8 < 2^53, that decimal as an integer at scale 1e8
// (docs/STATISTICS.md, "Exact sums").
struct Num {
  double value = 0;
  std::int64_t scaled = 0;  // value * 1e8, exactly, when `exact`
  bool exact = false;
};

// The nearest double of scaled / 1e8.
double scaled_to_double(Int128 scaled);
// A double as a Num: exact when its shortest decimal qualifies.
Num num_of(double v);

// A sum of Num terms in file order. While every term is exact it is an
// integer at scale 1e8 (exact, order-independent); from the first term that
// is not, a Neumaier (compensated) sum in file order that starts from the
// exact sum so far. overflow_line: the row at which that sum stopped being a
// finite number (0 while it is one): such a figure is null in the document.
// One step of a Neumaier (compensated) sum: the figure is sum + comp.
inline void neumaier_add(double& sum, double& comp, double v) {
  const double t = sum + v;
  if (std::abs(sum) >= std::abs(v))
    comp += (sum - t) + v;
  else
    comp += (v - t) + sum;
  sum = t;
}

struct Sum {
  Int128 exact = 0;
  double sum = 0, comp = 0;
  std::uint64_t overflow_line = 0;
  bool exact_only = true;
  [[gnu::always_inline]] void add(const Num& n, std::uint64_t line) {
    if (exact_only && n.exact) [[likely]] {
      exact += n.scaled;
      return;
    }
    add_slow(n.value, line);
  }
  // A SumTerms slot: the scaled integer when `exact`, else the double's bits.
  [[gnu::always_inline]] void add_bits(bool is_exact, std::int64_t bits, std::uint64_t line) {
    if (exact_only && is_exact) [[likely]] {
      exact += bits;
      return;
    }
    add_slow(is_exact ? static_cast<double>(bits) / 1e8 : std::bit_cast<double>(bits), line);
  }
  void add_slow(double v, std::uint64_t line);
  double value() const { return exact_only ? scaled_to_double(exact) : sum + comp; }
};

// The spread of the Returns for the SQN: while every term is exact and the
// sum of squares stays below 2^127, exact integers (count, Σs at scale 1e8, Σs²
// at scale 1e16); then Welford's running mean and M2 = Σ(r − mean)² in file
// order, starting from the exact ones (docs/STATISTICS.md, "SQN").
struct SquareSum {
  Int128 exact = 0;   // Σs², while exact_only
  Int128 linear = 0;  // Σs, while exact_only
  std::uint64_t count = 0;
  double mean = 0, m2 = 0;  // once not exact_only
  bool exact_only = true;
  void add(const Num& n);
  void add_bits(bool is_exact, std::int64_t bits);  // a SumTerms slot
  // M2 = Σ(r − mean)²: from the exact integers while exact_only.
  double spread() const;
};

// Outcomes in exit order, a monoid: a day's trades appended in file order,
// days combined in date order. kind: 1 win, -1 loss, 0 breakeven.
struct Streak {
  std::uint64_t n = 0;  // outcomes
  std::int8_t first = 0, last = 0;
  std::uint64_t prefix = 0, suffix = 0;  // the run of `first` at the start, of `last` at the end
  std::uint64_t max_win = 0, max_loss = 0;
  static Streak of(std::int8_t kind);
  static Streak combine(const Streak& a, const Streak& b);
  // combine(*this, of(kind)), inline.
  void append(std::int8_t kind) {
    if (n == 0) {
      *this = of(kind);
      return;
    }
    if (kind == last) {
      if (prefix == n) ++prefix;
      ++suffix;
    } else {
      last = kind;
      suffix = 1;
    }
    ++n;
    if (kind > 0 && suffix > max_win) max_win = suffix;
    if (kind < 0 && suffix > max_loss) max_loss = suffix;
  }
};

struct Outcomes {
  std::uint64_t wins = 0, losses = 0, breakevens = 0;
  std::optional<double> win_rate() const;
};

struct TickerPerformance {
  std::uint64_t trades = 0, closed = 0, active = 0;
  Outcomes outcomes;
  Sum total_return, total_pnl;
  bool active_seen = false;  // listed in open_tickers already
  std::uint32_t order = 0;   // its place in tickers()
};

struct StrategyCounts {
  std::uint64_t total = 0, closed = 0, active = 0;
  // Over its closed trades, as performance_metrics.
  Outcomes outcomes;
  Sum win_pnl, loss_pnl, total_pnl, return_sum, duration_sum;
  std::uint64_t loss_pnls = 0, returns = 0, durations = 0;
  std::uint64_t last_pnl_line = 0;
  StrategyCounts* merged = nullptr;  // a part's: the whole file's entry (merge())
};

struct TradeRef {
  std::string uuid, ticker;
  double value = 0;
};

struct ActivePosition {
  std::string uuid, ticker, strategy;
  Date entry_date;
  std::int64_t days_held = 0;
  std::optional<double> current_unrealized_return;
  std::uint64_t line = 0;
};

// Newest entry date first, then file order: true when `a` is listed before `b`.
bool listed_before(const ActivePosition& a, const ActivePosition& b);

// An upper-cased ticker (1 to 20 bytes, is_valid_ticker's), zero-padded in
// three words: hashed and compared without a string.
struct TickerKey {
  std::array<std::uint64_t, 3> w{};
  std::uint32_t len = 0;
  std::string_view view() const { return {reinterpret_cast<const char*>(w.data()), len}; }
  bool operator==(const TickerKey&) const = default;
};

// TickerKey -> its place (first-seen order), open addressing: no allocation
// per ticker.
class TickerIndex {
 public:
  // The place of `k`; when new, it is added at `place`: {its place, added}.
  std::pair<std::uint32_t, bool> find_or_add(const TickerKey& k, std::uint32_t place);
  void reserve(size_t n);
  size_t size() const { return m_size; }

 private:
  static constexpr std::uint32_t k_free = 0xFFFFFFFF;
  struct Slot {
    TickerKey key;
    std::uint32_t place = k_free;
  };
  std::vector<Slot> m_slots;
  size_t m_size = 0;
};

struct TradeStatsLimits {
  size_t max_issues = 50;
  size_t max_active_positions = 1000;
};

class TradeStats {
 public:
  TradeStats(Date run_date, TradeStatsLimits limits = {});
  TradeStats(TradeStats&&) = default;  // m_ticker_at points into m_tickers: moved, never copied
  TradeStats& operator=(TradeStats&&) = default;
  TradeStats(const TradeStats&) = delete;
  TradeStats& operator=(const TradeStats&) = delete;

  // The statistics of a part of the file (a chunk of whole rows) for merge():
  // this one's header, nothing counted. Its sums are kept as the list of
  // their terms, which merge() adds in file order, so that every sum is the
  // one a single pass makes, to the last bit. A part keeps views of its
  // rows' text (the active positions it may list): the rows' bytes must stay
  // as they are until the part is merged.
  TradeStats part() const;
  // Adds the part that comes next in the file.
  void merge(TradeStats&& next);

  // Maps the header's columns; fails naming the first required column missing.
  Result<void> header(const CsvRecord& record);
  void row(std::span<const std::string_view> fields, std::uint64_t line);
  void row(const CsvRecord& record) { row(record.fields, record.line); }
  void row_too_long(std::uint64_t line);
  void row_too_wide(std::uint64_t line);  // more fields than CsvReader::k_default_max_fields

  // The six trade sections of the document, every figure computed.
  TradeSummary summary() const;

  // Tickers in first-seen order, and which are open positions.
  const std::vector<std::string>& tickers() const { return m_ticker_order; }
  std::vector<std::string> open_tickers() const;

  std::uint64_t total_trades() const { return m_closed + m_active; }
  std::uint64_t rows_read() const { return m_rows_read; }
  std::uint64_t issues_total() const { return m_issues_total; }

 private:
  void issue(std::uint64_t line, Col column, std::string text);
  void issue(std::uint64_t line, std::string column, std::string text);
  // "'<cell>'<what>": kept out of the per-cell code.
  [[gnu::cold, gnu::noinline]] void bad_cell(std::uint64_t line, Col column, std::string_view cell,
                                             std::string_view what);
  void add_active(ActivePosition position);
  // The terms of a closed row's sums, added now or (in a part) listed.
  // Everything row() can count on a part runs there (in parallel); these
  // are only the sums, which need file order (a term that is not exact).
  enum Term : std::uint8_t { t_ret, t_pnl, t_duration, t_mfe, t_mae, t_eff, t_count };
  struct SumTerms {
    std::uint64_t line = 0;
    StrategyCounts* strategy = nullptr;  // in a part: the part's entry
    std::uint32_t ticker = 0;            // its place in m_ticker_order
    std::uint32_t day = k_no_day;     // its place in m_day_stats, when in the curve (an exit date and a PnL)
    std::int8_t outcome = 0;          // 1 win, -1 loss, 0 breakeven or none
    std::uint8_t has = 0, exact = 0;  // per Term: present; its bits are the scaled integer
    std::int64_t bits[t_count]{};     // per Term: Num::scaled when exact, else the double's bits
    void set(Term k, const Num& n) {
      has |= static_cast<std::uint8_t>(1u << k);
      if (n.exact) {
        exact |= static_cast<std::uint8_t>(1u << k);
        bits[k] = n.scaled;
      } else {
        bits[k] = std::bit_cast<std::int64_t>(n.value);
      }
    }
    bool has_term(Term k) const { return (has >> k) & 1u; }
    Num num(Term k) const {
      Num n;
      n.exact = (exact >> k) & 1u;
      if (n.exact)
        n.scaled = bits[k], n.value = static_cast<double>(bits[k]) / 1e8;  // the cell's double
      else
        n.value = std::bit_cast<double>(bits[k]);
      return n;
    }
  };
  static constexpr std::uint32_t k_no_day = 0xFFFFFFFF;
  struct DayStats;
  void add_sums(TickerPerformance& tp, const SumTerms& t, DayStats* day);
  // The place of an exit day in m_day_stats, added when new.
  std::uint32_t day_of(std::int64_t day);
  // What row() does with each cell of the header, in its order.
  enum class Cell : std::uint8_t {
    other,   // text no statistic reads, an unknown or a repeated column: only counted
    number,  // checked, never converted
    avg_exit_price,
    pnl,
    ret,
    duration,
    unrealized,
    mfe,
    mae,
    exit_efficiency,  // numbers converted (used_in_statistics)
    entry,
    exit,
    ticker,
    status,
    uuid,
    strategy
  };
  static constexpr Cell cell_of(const ColumnInfo& info) {
    switch (info.id) {
      case Col::avg_exit_price: return Cell::avg_exit_price;
      case Col::pnl: return Cell::pnl;
      case Col::return_: return Cell::ret;
      case Col::duration_days: return Cell::duration;
      case Col::current_unrealized_pnl: return Cell::unrealized;
      case Col::max_favourable_excursion: return Cell::mfe;
      case Col::max_adverse_excursion: return Cell::mae;
      case Col::exit_efficiency: return Cell::exit_efficiency;
      case Col::entry_timestamp: return Cell::entry;
      case Col::exit_timestamp: return Cell::exit;
      case Col::ticker: return Cell::ticker;
      case Col::status: return Cell::status;
      case Col::position_uuid: return Cell::uuid;
      case Col::strategy_type: return Cell::strategy;
      default: return info.type == ColType::number ? Cell::number : Cell::other;
    }
  }
  enum class State : std::uint8_t { closed, open, invalid };
  struct RowCells;
  // One cell's step (trimmed text `v` of column `col`) into the row's cells.
  template <Cell C>
  void cell(RowCells& r, std::string_view v, Col col);
  // The step of column K of a header in SPEC order; true when it is not blank.
  template <Col K>
  bool spec_cell(std::string_view field, RowCells& r);
  struct CellStep {
    Cell cell = Cell::other;
    Col col = Col::count_;
  };
  // An open position a part may list, with views of its row (see part()).
  struct PendingActive {
    Date entry_date;
    std::uint64_t line = 0;
    std::int64_t days_held = 0;
    std::optional<double> unrealized;
    std::string_view uuid, strategy;
    std::uint32_t ticker = 0;  // its place in the part
  };
  TickerPerformance& ticker_of(const TickerKey& key);
  StrategyCounts& strategy_of(std::string_view name, std::string_view& key);

  Date m_run_date;
  TradeStatsLimits m_limits;

  std::array<int, static_cast<size_t>(Col::count_)> m_col{};  // index in the row, -1 when absent
  std::vector<std::string> m_header;                          // names as written
  std::vector<bool> m_header_duplicate;                       // ignored columns (a repeated name)
  std::vector<Col> m_known_in_order;                          // known columns in the header's order
  std::vector<CellStep> m_plan;                               // per header column
  bool m_spec_order = false;                                  // the header is k_trade_columns, in order
  size_t m_field_count = 0;

  std::uint64_t m_rows_read = 0, m_rows_excluded = 0, m_rows_with_issues = 0, m_issues_total = 0;
  bool m_row_has_issue = false;
  std::vector<DataIssue> m_issues;
  std::vector<std::uint64_t> m_filled;  // non-empty cells per header column
  std::uint64_t m_well_formed_rows = 0;

  std::uint64_t m_closed = 0, m_active = 0;
  std::optional<Date> m_first_entry, m_last_entry;
  Outcomes m_outcomes;
  Sum m_win_return_sum, m_loss_return_sum, m_return_sum;
  std::uint64_t m_win_returns = 0, m_loss_returns = 0, m_returns = 0;
  Sum m_win_pnl, m_loss_pnl, m_total_pnl;
  std::uint64_t m_loss_pnls = 0;
  std::uint64_t m_last_pnl_line = 0;  // the last row that entered the profit factor
  Sum m_duration_sum;
  std::uint64_t m_durations = 0;
  std::optional<TradeRef> m_best, m_worst;
  // Issue 13 (docs/STATISTICS.md, "Trade analysis"): added in file order.
  Sum m_win_duration_sum, m_loss_duration_sum;
  std::uint64_t m_win_durations = 0, m_loss_durations = 0;
  std::uint64_t m_with_exit = 0, m_without_exit = 0;  // closed trades
  Sum m_mfe_sum, m_mae_sum, m_eff_sum;
  std::uint64_t m_mfes = 0, m_maes = 0, m_effs = 0, m_excursion_trades = 0;
  std::uint64_t m_winners_with_mfe = 0, m_gave_back_half = 0;
  SquareSum m_return_squares;
  std::uint64_t m_last_return_line = 0;
  struct Bin {
    std::uint64_t wins = 0, losses = 0, breakevens = 0;
  };
  std::array<Bin, 80> m_bins{};  // index floor(Return / 0.05) + 40, clamped to [0, 79]
  std::uint64_t m_binned = 0;
  struct DayStats {
    std::int64_t key = 0;   // year * 512 + month * 32 + day of the exit date: in date order
    std::int64_t days = 0;  // days_from_civil of it (the whole file's days)
    Sum pnl;                // the whole file's (added in file order)
    std::uint64_t pnl_trades = 0;
    std::uint64_t last_pnl_line = 0;  // its last row with a PnL (the drawdown's overflow issue)
    Streak streak;                    // its trades' outcomes in file order
    std::uint32_t month = 0;          // its place in m_month_stats (the whole file's)
  };
  struct MonthStats {
    std::int64_t key = 0;
    Sum pnl;
  };
  // Exit days in first-seen order (in a part: the part's), and their index.
  std::vector<DayStats> m_day_stats;
  // Day key -> place + 1 (0: none yet) for keys m_day_base.., while the
  // file's exit dates span at most k_dense_days keys (128 years); a hash beyond that.
  static constexpr std::int64_t k_dense_days = 1 << 16;
  std::int64_t m_day_base = 0;
  std::vector<std::uint32_t> m_day_dense;
  std::unordered_map<std::int64_t, std::uint32_t> m_day_hash;
  bool m_day_sparse = false;
  std::uint32_t add_day(std::int64_t day);
  // Storage of merged parts, for the next parts (part() and merge() run on
  // one thread): no fresh pages for every chunk.
  mutable std::vector<std::vector<SumTerms>> m_spare_terms;
  mutable std::vector<std::vector<DayStats>> m_spare_days;
  std::vector<MonthStats> m_month_stats;                // the whole file's
  std::map<std::int64_t, std::uint32_t> m_month_index;  // year * 12 + month - 1 -> its place

  TickerIndex m_ticker_index;  // key -> place, in a part as in the whole
  // The whole file's tickers (not a part's):
  std::unordered_map<std::string, TickerPerformance> m_tickers;
  std::vector<std::string> m_ticker_order;
  std::vector<TickerPerformance*> m_ticker_at;  // m_tickers' entries in m_ticker_order's order
  // A part's tickers, by place:
  std::vector<TickerPerformance> m_part_tickers;
  std::vector<TickerKey> m_part_keys;
  std::vector<std::string> m_open_ticker;   // first-seen order
  std::vector<std::uint32_t> m_open_order;  // the same tickers by their place in m_ticker_order
  bool m_is_part = false;
  std::vector<SumTerms> m_sum_terms;  // a part's sums, in file order
  bool m_part_inexact = false;        // a part: one of its terms is not exact
  bool m_seen_inexact = false;        // the whole: a merged part had a term that is not exact
  std::map<std::string, StrategyCounts, std::less<>> m_strategies;
  // The first strategies met, looked up before the map (its nodes stay put).
  struct StrategyHit {
    std::string_view key;  // the map's key
    StrategyCounts* counts = nullptr;
  };
  std::vector<StrategyHit> m_strategy_hits;
  std::vector<ActivePosition> m_active_positions;  // a heap, newest entry first when sorted
  std::vector<PendingActive> m_pending_active;     // a part's, a heap as m_active_positions
  // A part's floor: the last position the whole file's list kept when the
  // part was made. A position not listed before it can never be kept.
  std::optional<ActivePosition> m_active_floor;
  std::string m_strategy_written;  // scratch: a strategy name as written
};

// How read_trade_history cuts the file and spreads the counting. The
// defaults are the tool's; tests force other cuts and paths, and every
// figure stays the same.
struct TradeHistoryReading {
  size_t read_size = CsvReader::k_default_chunk;  // bytes a read(2) asks for
  size_t chunk_bytes = 1 << 20;                   // a chunk of whole rows is handed on at about this size
  size_t chunk_lines = 4096;                      // or this many lines, whichever comes first
  size_t max_record = CsvReader::k_default_max_record;
  ScanPath path = default_scan_path();
  unsigned workers = 0;  // threads counting chunks; 0: one per core
};

// Reads the whole file through `stats`. Throws FatalError(input) for a file
// that is not a trade-history CSV (no header, a header over the length or
// field limit, a required column missing, an unterminated quote at the end).
// `between_batches` runs on the calling thread before each chunk of rows
// (at most 1 MiB of text or 4,096 lines, plus a row) is read: the RSS
// guard, which stops the reading by throwing.
void read_trade_history(const std::filesystem::path& csv, TradeStats& stats, const TradeHistoryReading& how,
                        const std::function<void()>& between_batches = {});
void read_trade_history(const std::filesystem::path& csv, TradeStats& stats,
                        size_t chunk_size = CsvReader::k_default_chunk,
                        const std::function<void()>& between_batches = {});

// "2026-11-22", "2026-11-22 10:00:00", "2026-11-22T10:00:00" -> its date.
std::optional<Date> parse_trade_timestamp(std::string_view s);
// A decimal number as docs/STATISTICS.md defines it (no inf, nan, %, hex).
std::optional<double> parse_trade_number(std::string_view s);
// The same check without the conversion, for columns no statistic uses.
bool is_trade_number(std::string_view s);

}  // namespace thd
