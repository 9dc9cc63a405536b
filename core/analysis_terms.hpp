// The words and amounts of a hand-written analysis (docs/INVENTORY.md): the
// table of verdicts (STRONG BUY -> BUY) and money amounts with their currency
// (AUD $238.90, €120, $1,185.50, 120 EUR).
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace thd {

struct VerdictEntry {
  std::string_view words;           // upper case, single spaces: "STRONG BUY"
  std::string_view recommendation;  // BUY, HOLD or SELL
};
// The documented table; a verdict not in it is no recommendation (never a guess).
std::span<const VerdictEntry> verdict_table();

struct ReadVerdict {
  std::string label;                          // as written, upper-cased, one space between words
  std::optional<std::string> recommendation;  // from the table; none when the words are not in it
};
// The verdict at the start of `text` ("Strong Buy | ...", "BUY with ...",
// "Market-Perform"): the longest table entry its first words spell, as whole
// words. None when `text` starts with no word at all.
std::optional<ReadVerdict> read_verdict(std::string_view text);

struct Amount {
  double value = 0;
  std::optional<std::string_view> currency;  // ISO code, when a symbol or a code says so
};
// "$1,185.50", "AUD $238.90", "€120", "120 EUR", "190": the amount at the
// start of `s` (after spaces); on success `s` is left after it.
std::optional<Amount> read_amount(std::string_view& s);

struct AmountRange {
  double low = 0, high = 0;
  std::optional<std::string_view> currency;
};
// "low - high" (also an en or em dash, or "to") at the start of `s`; the
// second amount may omit the currency ("$32-36"). Two different currencies, or
// high < low, are no range. On success `s` is left after it.
std::optional<AmountRange> read_range(std::string_view& s);

enum class NeedCurrency { no, yes };
// The first range anywhere in `text` (one with a currency first, unless
// NeedCurrency::yes, which accepts only those); `after` (when given) is set
// to what follows it.
std::optional<AmountRange> find_range(std::string_view text, NeedCurrency need,
                                      std::string_view* after = nullptr);

bool has_digit(std::string_view s);

}  // namespace thd
