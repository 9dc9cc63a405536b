#include "core/fundamental.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <utility>

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

// A heading (or a bold line) that announces the verdict on the next line:
// "### Recommendation", "## Investment Recommendation", "**Recommendation**".
bool is_verdict_heading(std::string_view raw, std::string_view text) {
  if (iequals(text, "Recommendation")) return true;
  std::string_view r = trim(raw);
  constexpr std::string_view suffix = " Recommendation";
  return r.starts_with('#') && text.size() > suffix.size() &&
         iequals(text.substr(text.size() - suffix.size()), suffix);
}

// Text from the file inside a note: short, and cut on a character boundary.
std::string quoted(std::string_view s) {
  s = trim(s);
  constexpr size_t k_max = 60;
  if (s.size() <= k_max) return "'" + std::string(s) + "'";
  size_t cut = k_max;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  return "'" + std::string(s.substr(0, cut)) + "...'";
}

}  // namespace

void FundamentalScanner::take_verdict(std::string_view text, bool after_heading) {
  std::string_view head = text.substr(0, text.find('|'));
  auto verdict = read_verdict(head);
  if (verdict && verdict->recommendation) {
    m_facts.recommendation = verdict->recommendation;
    m_facts.recommendation_label = verdict->label;
    m_unknown_label.reset();
    m_verdict_note.clear();
    // "**BUY** with $32-36 target price range": the fair value when no Fair Value Range line exists.
    if (!m_target) m_target = find_range(head, NeedCurrency::yes);
  } else if (m_verdict_note.empty()) {  // the first unknown one speaks, unless a known one follows
    if (after_heading) {
      m_verdict_note = "the line after the Recommendation heading starts with no verdict this tool knows (" +
                       quoted(head) + "); recommendation left null";
    } else {
      if (verdict && !verdict->label.empty()) m_unknown_label = verdict->label;
      m_verdict_note = "recommendation " + quoted(head) +
                       " is not a verdict this tool knows (docs/INVENTORY.md lists them); left null";
    }
  }
  size_t bar = text.find('|');
  if (bar != std::string_view::npos && !m_facts.conviction) {
    if (auto c = after_label(trim(text.substr(bar + 1)), "Conviction"))
      m_facts.conviction = read_conviction(*c);
  }
}

void FundamentalScanner::read_fair_value(std::string_view rest) {
  m_fair_value_line = true;
  std::string_view after;
  auto range = find_range(rest, NeedCurrency::no, &after);
  if (!range) {
    if (m_fair_value_note.empty())
      m_fair_value_note =
          has_digit(rest)
              ? "Fair Value Range line " + quoted(rest) + " holds no low - high range; fair value left null"
              : "Fair Value Range line " + quoted(rest) + " has no amounts; fair value left null";
    return;
  }
  m_facts.fair_value_low = range->low;
  m_facts.fair_value_high = range->high;
  if (range->currency) m_facts.currency = std::string(*range->currency);
  m_facts.fair_value_source = "fair_value_range";
  m_fair_value_note.clear();
  size_t cur = after.find('(');
  if (cur != std::string_view::npos) {
    if (auto c = after_label(trim(after.substr(cur + 1)), "Current")) {
      std::string_view amount = *c;
      if (auto a = read_amount(amount)) m_facts.current_price = a->value;
    }
  }
}

void FundamentalScanner::scan_line(std::string_view raw) {
  if (raw.size() > k_max_line) {  // prose or data: never a fact, and not the verdict after a heading
    m_verdict_next = false;
    return;
  }
  std::string line = strip_markdown(raw);
  if (line.empty()) return;  // blank lines between a heading and its verdict
  bool verdict_here = std::exchange(m_verdict_next, false);
  if (auto rest = after_label(line, "Recommendation")) {
    if (!m_facts.recommendation) {
      if (rest->empty())
        m_verdict_next = true;  // "**Recommendation:**" with the verdict below
      else
        take_verdict(*rest, false);
    }
    return;
  }
  if (is_verdict_heading(raw, line)) {
    if (!m_facts.recommendation) m_verdict_next = true;
    return;
  }
  if (!m_facts.conviction) {
    if (auto rest = after_label(line, "Conviction")) {
      m_facts.conviction = read_conviction(*rest);
      return;
    }
  }
  if (!m_facts.fair_value_low) {
    if (auto rest = after_label(line, "Fair Value Range")) {
      read_fair_value(*rest);
      return;
    }
  }
  if (verdict_here && !m_facts.recommendation) take_verdict(line, true);
}

FundamentalFacts FundamentalScanner::finish() {
  FundamentalFacts f = m_facts;
  if (!f.recommendation) {
    f.recommendation_label = m_unknown_label;
    if (!m_verdict_note.empty()) f.notes.push_back(m_verdict_note);
  }
  if (!f.fair_value_low) {
    if (!m_fair_value_note.empty()) {
      f.notes.push_back(m_fair_value_note);
    } else if (!m_fair_value_line && m_target) {
      f.fair_value_low = m_target->low;
      f.fair_value_high = m_target->high;
      f.currency = std::string(*m_target->currency);
      f.fair_value_source = "recommendation_target";
    }
  }
  return f;
}

FundamentalFacts read_fundamental_text(std::string_view text) {
  FundamentalScanner scanner;
  for (size_t start = 0; start <= text.size();) {
    size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) nl = text.size();
    scanner.scan_line(text.substr(start, nl - start));
    start = nl + 1;
  }
  return scanner.finish();
}

Result<FundamentalFacts> read_fundamental_file(const std::filesystem::path& path, bool* cut) {
  if (cut) *cut = false;
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
  if (!fd) return fail("cannot open " + path.string() + ": " + errno_text(errno));
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode))
    return fail(path.string() + " is not a regular file");
  FundamentalScanner scanner;
  size_t total = 0;
  std::string pending;
  bool skipping = false;  // inside a line too long to hold any fact
  char buf[16384];
  while (!scanner.complete()) {
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
      scanner.scan_line(std::string_view(pending).substr(start, nl - start));
    pending.erase(0, start);
    if (pending.size() > k_max_line) {
      pending.clear();
      skipping = true;
    }
  }
  if (!skipping && !pending.empty()) scanner.scan_line(pending);
  return scanner.finish();
}

}  // namespace thd
