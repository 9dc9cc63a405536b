#include "core/analysis_terms.hpp"

#include <array>
#include <vector>

#include "core/base/text.hpp"

namespace thd {
namespace {

// docs/INVENTORY.md shows this table; keep the two in step.
constexpr VerdictEntry k_verdicts[] = {
    {"BUY", "BUY"},
    {"STRONG BUY", "BUY"},
    {"SPECULATIVE BUY", "BUY"},
    {"MODERATE BUY", "BUY"},
    {"ACCUMULATE", "BUY"},
    {"OUTPERFORM", "BUY"},
    {"OVERWEIGHT", "BUY"},
    {"HOLD", "HOLD"},
    {"NEUTRAL", "HOLD"},
    {"MARKET PERFORM", "HOLD"},
    {"SECTOR PERFORM", "HOLD"},
    {"PEER PERFORM", "HOLD"},
    {"EQUAL WEIGHT", "HOLD"},
    {"SELL", "SELL"},
    {"STRONG SELL", "SELL"},
    {"MODERATE SELL", "SELL"},
    {"REDUCE", "SELL"},
    {"UNDERPERFORM", "SELL"},
    {"UNDERWEIGHT", "SELL"},
};

bool is_letter(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_alnum(char c) {
  return is_letter(c) || is_digit(c);
}

// Codes accepted before or after an amount; other three-letter words are prose.
constexpr std::array<std::string_view, 20> k_codes{"USD", "EUR", "GBP", "JPY", "AUD", "CAD", "HKD",
                                                   "CHF", "CNY", "NZD", "SGD", "INR", "KRW", "SEK",
                                                   "NOK", "DKK", "ZAR", "BRL", "MXN", "TWD"};

struct Symbol {
  std::string_view text;
  std::string_view currency;
};
// Longer prefixes first: "HK$" before "$".
constexpr Symbol k_symbols[] = {
    {"US$", "USD"},          {"HK$", "HKD"}, {"NZ$", "NZD"}, {"A$", "AUD"},
    {"C$", "CAD"},           {"S$", "SGD"},  {"$", "USD"},   {"\xE2\x82\xAC", "EUR"},  // €
    {"\xC2\xA3", "GBP"},                                                               // £
    {"\xC2\xA5", "JPY"},                                                               // ¥
    {"\xE2\x82\xB9", "INR"},                                                           // ₹
};

std::string_view skip_spaces(std::string_view s) {
  while (!s.empty() && (s[0] == ' ' || s[0] == '\t')) s.remove_prefix(1);
  return s;
}

// An ISO code at the start of s, as a whole word.
std::optional<std::string_view> leading_code(std::string_view s) {
  if (s.size() < 3 || (s.size() > 3 && is_letter(s[3]))) return std::nullopt;
  for (std::string_view code : k_codes)
    if (s.substr(0, 3) == code) return code;
  return std::nullopt;
}

std::optional<Symbol> leading_symbol(std::string_view s) {
  for (const Symbol& sym : k_symbols)
    if (s.starts_with(sym.text)) return sym;
  return std::nullopt;
}

// "1,185.50" -> 1185.5; a comma only between groups of three digits.
std::optional<double> read_number(std::string_view& s) {
  std::string digits;
  size_t i = 0;
  while (i < s.size() && is_digit(s[i])) digits.push_back(s[i++]);
  if (digits.empty()) return std::nullopt;
  while (i + 3 < s.size() && s[i] == ',' && is_digit(s[i + 1]) && is_digit(s[i + 2]) && is_digit(s[i + 3]) &&
         (i + 4 >= s.size() || !is_digit(s[i + 4]))) {
    digits.append(s.substr(i + 1, 3));
    i += 4;
  }
  if (i + 1 < s.size() && s[i] == '.' && is_digit(s[i + 1])) {
    digits.push_back(s[i++]);
    while (i < s.size() && is_digit(s[i])) digits.push_back(s[i++]);
  }
  auto v = parse_double(digits);
  if (v) s.remove_prefix(i);
  return v;
}

std::optional<std::string_view> read_separator(std::string_view& s) {
  std::string_view t = skip_spaces(s);
  for (std::string_view sep : {std::string_view("-"), std::string_view("\xE2\x80\x93"),  // en dash
                               std::string_view("\xE2\x80\x94")}) {                      // em dash
    if (t.starts_with(sep)) {
      s = t.substr(sep.size());
      return sep;
    }
  }
  if (t.size() > 3 && istarts_with(t, "to") && (t[2] == ' ' || t[2] == '\t')) {
    s = t.substr(3);
    return t.substr(0, 2);
  }
  return std::nullopt;
}

// Where an amount may begin: a symbol, a code, or a digit that does not
// continue a word or a number.
bool may_start_amount(std::string_view text, size_t i) {
  std::string_view s = text.substr(i);
  if (leading_symbol(s)) return true;
  // Not inside a word or a number, nor right after a symbol ("$100": the '$' starts it).
  bool inside = i > 0 && (is_alnum(text[i - 1]) || text[i - 1] == '.' || text[i - 1] == ',' ||
                          text[i - 1] == '$' || static_cast<unsigned char>(text[i - 1]) >= 0x80);
  if (inside) return false;
  return is_digit(s[0]) || leading_code(s).has_value();
}

}  // namespace

std::span<const VerdictEntry> verdict_table() {
  return k_verdicts;
}

std::optional<ReadVerdict> read_verdict(std::string_view text) {
  // Leading decoration that is not a word: quotes, emoji, brackets.
  size_t i = 0;
  while (i < text.size() && !is_alnum(text[i]) && text[i] != '|' && text[i] != '(') ++i;
  std::vector<std::string> words;
  bool slash_after_last = false;
  while (i < text.size() && words.size() < 6) {
    size_t start = i;
    while (i < text.size() && is_alnum(text[i])) ++i;
    if (i == start) break;
    words.push_back(to_upper(text.substr(start, i - start)));
    if (i < text.size() && text[i] == '/') {  // "BUY/HOLD" is two verdicts, not one
      slash_after_last = true;
      break;
    }
    size_t gap = i;
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t' || text[i] == '-' || text[i] == '_')) ++i;
    if (i == gap || i >= text.size() || !is_letter(text[i])) break;
  }
  if (words.empty()) return std::nullopt;

  const VerdictEntry* best = nullptr;
  size_t best_words = 0;
  for (const VerdictEntry& e : k_verdicts) {
    std::vector<std::string> entry = split(e.words, ' ');
    if (entry.size() > words.size() || entry.size() <= best_words) continue;
    bool match = true;
    for (size_t k = 0; k < entry.size() && match; ++k) match = entry[k] == words[k];
    if (match) {
      best = &e;
      best_words = entry.size();
    }
  }
  ReadVerdict v;
  if (best && !(slash_after_last && best_words == words.size())) {
    v.label = std::string(best->words);
    v.recommendation = std::string(best->recommendation);
    return v;
  }
  // Not in the table: the words as written, up to the first punctuation, as the label.
  std::string label;
  std::string_view t = trim(text);
  size_t j = 0;
  while (j < t.size() && !is_alnum(t[j])) ++j;
  for (; j < t.size() && label.size() < 40; ++j) {
    char c = t[j];
    if (c == '|' || c == '(' || c == ',' || c == ';' || c == ':' || c == '.' ||
        static_cast<unsigned char>(c) >= 0x80)
      break;
    if (c == ' ' || c == '\t') {
      if (!label.empty() && label.back() != ' ') label.push_back(' ');
    } else {
      label.push_back(c);
    }
  }
  while (!label.empty() && (label.back() == ' ' || label.back() == '-')) label.pop_back();
  v.label = to_upper(label);
  return v;
}

std::optional<Amount> read_amount(std::string_view& s) {
  std::string_view t = skip_spaces(s);
  Amount a;
  if (auto code = leading_code(t)) {
    a.currency = *code;
    t = skip_spaces(t.substr(3));
  }
  if (auto sym = leading_symbol(t)) {
    if (!a.currency) a.currency = sym->currency;
    t = skip_spaces(t.substr(sym->text.size()));
  }
  auto v = read_number(t);
  if (!v) return std::nullopt;
  a.value = *v;
  // A symbol or a code after the number: "120 €", "120 EUR".
  std::string_view after = skip_spaces(t);
  if (auto sym = leading_symbol(after); sym && sym->text != "$") {
    if (!a.currency) a.currency = sym->currency;
    t = after.substr(sym->text.size());
  } else if (auto code = leading_code(after)) {
    if (!a.currency) a.currency = *code;
    t = after.substr(3);
  }
  s = t;
  return a;
}

std::optional<AmountRange> read_range(std::string_view& s) {
  std::string_view t = s;
  auto low = read_amount(t);
  if (!low || !read_separator(t)) return std::nullopt;
  auto high = read_amount(t);
  if (!high || high->value < low->value) return std::nullopt;
  if (low->currency && high->currency && *low->currency != *high->currency) return std::nullopt;
  s = t;
  return AmountRange{low->value, high->value, low->currency ? low->currency : high->currency};
}

std::optional<AmountRange> find_range(std::string_view text, NeedCurrency need, std::string_view* after) {
  std::optional<AmountRange> plain;
  std::string_view plain_after;
  for (size_t i = 0; i < text.size(); ++i) {
    if (!may_start_amount(text, i)) continue;
    std::string_view rest = text.substr(i);
    auto r = read_range(rest);
    if (!r) continue;
    if (r->currency) {
      if (after) *after = rest;
      return r;
    }
    if (!plain) {
      plain = r;
      plain_after = rest;
    }
  }
  if (need == NeedCurrency::yes || !plain) return std::nullopt;
  if (after) *after = plain_after;
  return plain;
}

bool has_digit(std::string_view s) {
  for (char c : s)
    if (is_digit(c)) return true;
  return false;
}

}  // namespace thd
