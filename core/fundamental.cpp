#include "core/fundamental.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/base/atomic_file.hpp"
#include "core/base/text.hpp"
#include "core/base/unique_fd.hpp"

namespace thd {
namespace {

// Longer lines are prose or data, never one of the fact lines.
constexpr size_t k_max_line = 4096;

// Drops markdown decoration: headings, emphasis, list bullets, quotes.
std::string strip_markdown(std::string_view line) {
  std::string out;
  out.reserve(line.size());
  for (char c : line)
    if (c != '*' && c != '#' && c != '`') out.push_back(c);
  std::string_view t = trim(out);
  while (!t.empty() && (t[0] == '-' || t[0] == '>' || t[0] == '+')) t = trim(t.substr(1));
  // "__Recommendation__" style emphasis
  while (t.size() >= 2 && t[0] == '_' && t[1] == '_') t = trim(t.substr(2));
  return std::string(t);
}

// After a label such as "Recommendation", expects ':' and returns the rest.
std::optional<std::string_view> after_label(std::string_view text, std::string_view label) {
  if (!istarts_with(text, label)) return std::nullopt;
  std::string_view rest = trim(text.substr(label.size()));
  while (rest.size() >= 2 && rest[0] == '_' && rest[1] == '_') rest = trim(rest.substr(2));
  if (rest.empty() || rest[0] != ':') return std::nullopt;
  return trim(rest.substr(1));
}

// A money amount: "$1,020.50", "190", "$88.5". Returns the value and the rest.
std::optional<double> read_amount(std::string_view& s) {
  s = trim(s);
  if (!s.empty() && s[0] == '$') s = trim(s.substr(1));
  std::string digits;
  size_t i = 0;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if ((c >= '0' && c <= '9') || c == '.')
      digits.push_back(c);
    else if (c == ',' && i + 1 < s.size() && s[i + 1] >= '0' && s[i + 1] <= '9' && !digits.empty())
      continue;
    else
      break;
  }
  auto v = parse_double(digits);
  if (!v) return std::nullopt;
  s = s.substr(i);
  return v;
}

std::optional<double> read_conviction(std::string_view s) {
  size_t slash = s.find('/');
  std::string_view num = trim(s.substr(0, slash));
  size_t end = 0;
  while (end < num.size() && ((num[end] >= '0' && num[end] <= '9') || num[end] == '.')) ++end;
  auto value = parse_double(num.substr(0, end));
  if (!value) return std::nullopt;
  double scale = 1.0;
  if (slash != std::string_view::npos) {
    std::string_view den = trim(s.substr(slash + 1));
    size_t dend = 0;
    while (dend < den.size() && ((den[dend] >= '0' && den[dend] <= '9') || den[dend] == '.')) ++dend;
    auto d = parse_double(den.substr(0, dend));
    if (!d || *d <= 0) return std::nullopt;
    scale = *d;
  } else if (*value > 1.0) {
    return std::nullopt;  // "Conviction: 8" has no scale we could trust
  }
  double c = *value / scale;
  if (c < 0 || c > 1) return std::nullopt;
  return c;
}

void read_recommendation(std::string_view rest, FundamentalFacts& facts) {
  std::string_view head = rest.substr(0, rest.find('|'));
  std::string word;
  for (char c : trim(head)) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))
      word.push_back(c);
    else
      break;
  }
  word = to_upper(word);
  if (word == "BUY" || word == "HOLD" || word == "SELL") facts.recommendation = word;
  size_t bar = rest.find('|');
  if (bar != std::string_view::npos) {
    std::string_view tail = trim(rest.substr(bar + 1));
    if (auto c = after_label(tail, "Conviction")) {
      if (!facts.conviction) facts.conviction = read_conviction(*c);
    }
  }
}

void read_fair_value(std::string_view rest, FundamentalFacts& facts) {
  auto low = read_amount(rest);
  if (!low) return;
  rest = trim(rest);
  // "-", "–" (en dash) or "to" between the two amounts
  if (rest.starts_with("-"))
    rest.remove_prefix(1);
  else if (rest.starts_with("\xE2\x80\x93"))
    rest.remove_prefix(3);
  else if (istarts_with(rest, "to "))
    rest.remove_prefix(3);
  else
    return;
  auto high = read_amount(rest);
  if (!high || *high < *low) return;
  facts.fair_value_low = low;
  facts.fair_value_high = high;
  size_t cur = rest.find('(');
  if (cur != std::string_view::npos) {
    if (auto c = after_label(trim(rest.substr(cur + 1)), "Current")) {
      std::string_view amount = *c;
      facts.current_price = read_amount(amount);
    }
  }
}

}  // namespace

void scan_fundamental_line(std::string_view raw, FundamentalFacts& facts) {
  if (raw.size() > k_max_line) return;
  std::string line = strip_markdown(raw);
  if (!facts.recommendation) {
    if (auto rest = after_label(line, "Recommendation")) {
      read_recommendation(*rest, facts);
      return;
    }
  }
  if (!facts.conviction) {
    if (auto rest = after_label(line, "Conviction")) {
      facts.conviction = read_conviction(*rest);
      return;
    }
  }
  if (!facts.fair_value_low) {
    if (auto rest = after_label(line, "Fair Value Range")) read_fair_value(*rest, facts);
  }
}

Result<FundamentalFacts> read_fundamental_file(const std::filesystem::path& path, bool* cut) {
  if (cut) *cut = false;
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
  if (!fd) return fail("cannot open " + path.string() + ": " + errno_text(errno));
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode))
    return fail(path.string() + " is not a regular file");
  FundamentalFacts facts;
  size_t total = 0;
  std::string pending;
  bool skipping = false;  // inside a line too long to hold any fact
  char buf[16384];
  while (!facts.complete()) {
    ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail("cannot read " + path.string() + ": " + errno_text(errno));
    }
    if (n == 0) break;
    total += static_cast<size_t>(n);
    if (total > k_max_analysis_read) {  // the facts are near the top of a real analysis
      if (cut) *cut = true;
      break;
    }
    std::string_view chunk(buf, static_cast<size_t>(n));
    if (skipping) {
      size_t nl = chunk.find('\n');
      if (nl == std::string_view::npos) continue;
      chunk.remove_prefix(nl + 1);
      skipping = false;
    }
    pending.append(chunk);
    size_t start = 0;
    for (size_t nl; (nl = pending.find('\n', start)) != std::string::npos; start = nl + 1)
      scan_fundamental_line(std::string_view(pending).substr(start, nl - start), facts);
    pending.erase(0, start);
    if (pending.size() > k_max_line) {
      pending.clear();
      skipping = true;
    }
  }
  if (!skipping && !pending.empty()) scan_fundamental_line(pending, facts);
  return facts;
}

}  // namespace thd
