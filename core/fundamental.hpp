// Facts read from a hand-written fundamental analysis (SPEC §4.1): the
// recommendation line, its conviction, and the fair value range.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "core/base/error.hpp"

namespace thd {

struct FundamentalFacts {
  std::optional<std::string> recommendation;  // BUY, HOLD or SELL
  std::optional<double> conviction;           // 0..1 (0.9/1.0 -> 0.9, 8/10 -> 0.8)
  std::optional<double> fair_value_low;
  std::optional<double> fair_value_high;
  std::optional<double> current_price;
  bool complete() const { return recommendation && conviction && fair_value_low; }
};

// Reads one line of markdown; fills what it finds.
void scan_fundamental_line(std::string_view line, FundamentalFacts& facts);
// Reading stops after this much: a multi-megabyte "analysis" is not one.
inline constexpr size_t k_max_analysis_read = 1 << 20;

// Reads the file in chunks and stops as soon as every fact is found, or at
// k_max_analysis_read; `cut` (when given) says whether it stopped there with
// facts still missing: the rest of the file was not read.
Result<FundamentalFacts> read_fundamental_file(const std::filesystem::path& path, bool* cut = nullptr);

}  // namespace thd
