// Facts read from a hand-written fundamental analysis (SPEC §4.1,
// docs/INVENTORY.md): the recommendation (normalised to BUY, HOLD or SELL by
// the table of core/analysis_terms, beside the label as written), its
// conviction, and the fair value range with its currency.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/analysis_terms.hpp"
#include "core/base/error.hpp"

namespace thd {

struct FundamentalFacts {
  std::optional<std::string> recommendation;        // BUY, HOLD or SELL
  std::optional<std::string> recommendation_label;  // as written, upper-cased: STRONG BUY
  std::optional<double> conviction;                 // 0..1 (0.9/1.0 -> 0.9, 8/10 -> 0.8)
  std::optional<double> fair_value_low;
  std::optional<double> fair_value_high;
  std::optional<std::string> currency;           // ISO code of the range ($ -> USD, AUD $ -> AUD)
  std::optional<std::string> fair_value_source;  // "fair_value_range" or "recommendation_target"
  std::optional<double> current_price;
  std::vector<std::string> notes;  // why a fact that has a line is null
  bool complete() const { return recommendation && conviction && fair_value_low; }
};

// Reads an analysis line by line and keeps what spans lines: a verdict on the
// line after a "### Recommendation" heading, a target range kept for when no
// Fair Value Range line exists, an unknown verdict that a later line may fix.
class FundamentalScanner {
 public:
  void scan_line(std::string_view line);
  // Every fact found (the target range is only a fallback: reading goes on).
  bool complete() const { return m_facts.complete(); }
  FundamentalFacts finish();

 private:
  void take_verdict(std::string_view text, bool after_heading);
  void read_fair_value(std::string_view rest);

  FundamentalFacts m_facts;
  bool m_verdict_next = false;     // the previous non-blank line announced the verdict
  bool m_fair_value_line = false;  // a Fair Value Range line exists, with amounts or not
  std::optional<AmountRange> m_target;
  std::optional<std::string> m_unknown_label;
  std::string m_verdict_note, m_fair_value_note;
};

// The whole text at once (tests, small inputs).
FundamentalFacts read_fundamental_text(std::string_view text);
// Reading stops after this much: a multi-megabyte "analysis" is not one.
inline constexpr size_t k_max_analysis_read = 1 << 20;

// Reads the file in chunks and stops as soon as every fact is found, or at
// k_max_analysis_read; `cut` (when given) says whether it stopped there with
// facts still missing: the rest of the file was not read.
Result<FundamentalFacts> read_fundamental_file(const std::filesystem::path& path, bool* cut = nullptr);

}  // namespace thd
