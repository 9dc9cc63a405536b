// The known columns of a trade-history CSV (SPEC §4.2) as data.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

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
    {Col::max_favourable_excursion, "Max_Favourable_Excursion", ColType::number, false},
    {Col::max_adverse_excursion, "Max_Adverse_Excursion", ColType::number, false},
    {Col::mfe_mae_ratio, "MFE_MAE_Ratio", ColType::number, false},
    {Col::exit_efficiency, "Exit_Efficiency", ColType::number, false},
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

}  // namespace thd
