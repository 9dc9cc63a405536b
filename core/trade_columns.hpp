// The known columns of a trade-history CSV (SPEC §4.2) as data, and the one
// reader of its header that every command uses (run, inventory --portfolio).
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace thd {

enum class Col : std::uint8_t {
  position_uuid,
  ticker,
  strategy_type,
  short_window,
  long_window,
  signal_window,
  entry_timestamp,
  exit_timestamp,
  avg_entry_price,
  avg_exit_price,
  position_size,
  direction,
  pnl,
  return_,
  duration_days,
  trade_type,
  status,
  max_favourable_excursion,
  max_adverse_excursion,
  mfe_mae_ratio,
  exit_efficiency,
  days_since_entry,
  current_unrealized_pnl,
  current_excursion_status,
  exit_efficiency_fixed,
  trade_quality,
  x_status,
  count_
};

enum class ColType : std::uint8_t { text, number, timestamp };

struct ColumnInfo {
  Col id;
  std::string_view name;
  ColType type;
  bool required;
  bool used_in_statistics = false;  // numbers converted, not only checked
};

inline constexpr std::array<ColumnInfo, static_cast<size_t>(Col::count_)> k_trade_columns{{
    {Col::position_uuid, "Position_UUID", ColType::text, false},
    {Col::ticker, "Ticker", ColType::text, true},
    {Col::strategy_type, "Strategy_Type", ColType::text, false},
    {Col::short_window, "Short_Window", ColType::number, false},
    {Col::long_window, "Long_Window", ColType::number, false},
    {Col::signal_window, "Signal_Window", ColType::number, false},
    {Col::entry_timestamp, "Entry_Timestamp", ColType::timestamp, true},
    {Col::exit_timestamp, "Exit_Timestamp", ColType::timestamp, false},
    {Col::avg_entry_price, "Avg_Entry_Price", ColType::number, false},
    {Col::avg_exit_price, "Avg_Exit_Price", ColType::number, false, true},
    {Col::position_size, "Position_Size", ColType::number, false},
    {Col::direction, "Direction", ColType::text, false},
    {Col::pnl, "PnL", ColType::number, false, true},
    {Col::return_, "Return", ColType::number, false, true},
    {Col::duration_days, "Duration_Days", ColType::number, false, true},
    {Col::trade_type, "Trade_Type", ColType::text, false},
    {Col::status, "Status", ColType::text, true},
    {Col::max_favourable_excursion, "Max_Favourable_Excursion", ColType::number, false, true},
    {Col::max_adverse_excursion, "Max_Adverse_Excursion", ColType::number, false, true},
    {Col::mfe_mae_ratio, "MFE_MAE_Ratio", ColType::number, false},
    {Col::exit_efficiency, "Exit_Efficiency", ColType::number, false, true},
    {Col::days_since_entry, "Days_Since_Entry", ColType::number, false},
    {Col::current_unrealized_pnl, "Current_Unrealized_PnL", ColType::number, false, true},
    {Col::current_excursion_status, "Current_Excursion_Status", ColType::text, false},
    {Col::exit_efficiency_fixed, "Exit_Efficiency_Fixed", ColType::number, false},
    {Col::trade_quality, "Trade_Quality", ColType::text, false},
    {Col::x_status, "X_Status", ColType::text, false},
}};

inline const ColumnInfo& column_info(Col c) {
  return k_trade_columns[static_cast<size_t>(c)];
}

// Text as the JSON writer renders it: each byte that is not part of valid
// UTF-8 becomes U+FFFD. Two names equal after this are one JSON key.
std::string as_written(std::string_view s);

// A trade-history header, read by one rule (docs/STATISTICS.md): names
// trimmed and compared case-insensitively as written; when a name appears
// twice the first column is used and each later one is ignored, with a note.
struct HeaderColumns {
  struct Duplicate {
    size_t index = 0;  // the ignored column (0-based)
    size_t first = 0;  // the column with that name that is used
  };
  std::vector<std::string> names;  // trimmed, as written
  std::vector<bool> duplicate;     // per column: ignored as a repeat of an earlier name
  std::vector<Duplicate> duplicates;
  std::array<int, static_cast<size_t>(Col::count_)> col{};  // index of each known column, -1 when absent

  int index_of(Col c) const { return col[static_cast<size_t>(c)]; }
  // "column 5 'ticker' repeats column 1 'Ticker'; the first is used"
  std::string note(const Duplicate& d) const;
};

HeaderColumns read_header(std::span<const std::string_view> fields);

}  // namespace thd
