#include "services/providers/adapter_json.hpp"

#include <cmath>
#include <string>

#include "core/base/secrets.hpp"
#include "core/base/sectors.hpp"
#include "core/base/text.hpp"

namespace thd::adapter_json {

// Parses `body`; false when it is not JSON.
bool parse(Doc& doc, std::string_view body) {
  simdjson::padded_string padded(body);
  // The DOM parser copies the document into its own tape and string buffer,
  // so `padded` may go away after parse().
  return !doc.parser.parse(padded).get(doc.root);
}

Failure no_data(std::string_view provider, std::string_view what) {
  return fail(FailureKind::no_data, std::string(provider) + ": no data: " + std::string(what));
}

Failure not_json(std::string_view provider) {
  return fail(FailureKind::bad_body, std::string(provider) + ": the answer is not valid JSON");
}

Failure bad_answer(std::string_view provider, std::string_view what) {
  return fail(FailureKind::bad_body, std::string(provider) + ": " + std::string(what));
}

namespace {

// A symbol as compared: upper case, class separators as '-'.
std::string symbol_key(std::string_view s) {
  std::string out = to_upper(trim(s));
  for (char& c : out)
    if (c == '.' || c == '/') c = '-';
  return out;
}

// A symbol from an answer, fit for a message.
std::string shown(std::string_view s) {
  std::string out = sanitize(s);
  if (out.size() > 24) out = out.substr(0, 24) + "...";
  return out;
}

}  // namespace

bool same_symbol(std::string_view a, std::string_view b) {
  return symbol_key(a) == symbol_key(b);
}

Result<void> require_symbol(std::string_view provider, simdjson::dom::object obj, std::string_view key,
                            std::string_view want) {
  simdjson::dom::element e;
  if (obj[key].get(e) || e.is_null())
    return bad_answer(provider,
                      "the answer does not say which symbol it is about (no \"" + std::string(key) + "\")");
  std::string_view got;
  if (e.get_string().get(got))
    return bad_answer(provider, "unexpected answer (\"" + std::string(key) + "\" is not a symbol)");
  if (trim(got).empty())
    return bad_answer(
        provider, "the answer does not say which symbol it is about (\"" + std::string(key) + "\" is empty)");
  if (!same_symbol(got, want))
    return bad_answer(provider, "the answer is about " + shown(got) + ", not " + shown(want));
  return {};
}

Result<std::optional<double>> figure_at(std::string_view provider, simdjson::dom::object obj,
                                        std::string_view key) {
  simdjson::dom::element e;
  if (obj[key].get(e) || e.is_null()) return std::optional<double>{};
  if (auto v = number_of(e)) return v;
  std::string_view s;
  if (!e.get_string().get(s) && is_missing_text(s)) return std::optional<double>{};
  return bad_answer(provider, "unexpected answer (\"" + std::string(key) + "\" is not a number)");
}

Failure without(std::string_view provider, simdjson::dom::object obj,
                std::initializer_list<std::string_view> keys, std::string_view what,
                std::string_view symbol) {
  for (std::string_view key : keys) {
    simdjson::dom::element e;
    if (obj[key].get(e))
      return bad_answer(provider,
                        "no " + std::string(what) + " in the answer (no \"" + std::string(key) + "\" field)");
    std::string_view s;
    if (!e.is_null() && (e.get_string().get(s) || !is_missing_text(s)))
      return bad_answer(provider, "unexpected answer (\"" + std::string(key) + "\" has an unexpected type)");
  }
  return no_data(provider, "no " + std::string(what) + " for " + shown(symbol));
}

// A provider's own words, fit for a log line or a report: no URL (they
// often point at a sign-up page with query strings), no key-like parameter,
// no control characters, at most ~160 characters.
std::string error_text(std::string_view body) {
  auto cut = [](std::string text) {
    if (text.size() > 200) text = text.substr(0, 197) + "...";
    return text;
  };
  Doc doc;
  if (parse(doc, body)) {
    simdjson::dom::object o;
    if (doc.root.get_object().get(o)) {
      simdjson::dom::array a;  // FMP: [{"Error Message": ...}]
      if (doc.root.get_array().get(a) || a.size() == 0 || a.at(0).get_object().get(o)) return "";
    }
    for (std::string_view key :
         {"Error Message", "error_message", "error", "message", "Information", "Note"}) {
      std::string_view v;
      if (!o[key].get_string().get(v) && !trim(v).empty()) return cut(sanitize(v));
    }
    for (const char* pointer : {"/status/error_message", "/chart/error/description",
                                "/finance/error/description", "/error/message", "/error/description"}) {
      std::string_view v;
      if (!o.at_pointer(pointer).get_string().get(v) && !trim(v).empty()) return cut(sanitize(v));
    }
    return "";
  }
  // Plain text or HTML: the words, tags and entities left out.
  std::string words;
  bool in_tag = false;
  for (char c : body.substr(0, 8192)) {
    if (c == '<') in_tag = true;
    if (!in_tag) words += c;
    if (c == '>') {
      in_tag = false;
      words += ' ';
    }
  }
  return cut(sanitize(words));
}

std::string sanitize(std::string_view unsafe) {
  // Secrets first, on the whole text (before it is cut to length), then URLs and key words.
  const std::string redacted = redact(unsafe);
  const std::string_view text = redacted;
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    size_t end = text.find_first_of(" \t\r\n", i);
    if (end == std::string_view::npos) end = text.size();
    std::string_view word = text.substr(i, end - i);
    std::string_view core = word;
    while (!core.empty() && (core.front() == '(' || core.front() == '[' || core.front() == '<'))
      core.remove_prefix(1);
    std::string lower = to_lower(core);
    bool drop = lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("www.") ||
                lower.find("apikey=") != std::string::npos || lower.find("api_key=") != std::string::npos;
    if (!drop && !word.empty()) {
      if (!out.empty()) out.push_back(' ');
      out.append(word);
    } else if (drop) {
      // Keep the sentence's end: "(https://...)." leaves its ".".
      size_t k = word.size();
      while (k > 0 && std::string_view(".,;:!?").find(word[k - 1]) != std::string_view::npos) --k;
      if (!out.empty()) out.append(word.substr(k));
    }
    i = end + 1;
  }
  out = printable(out);
  constexpr size_t k_max = 160;
  if (out.size() > k_max) {
    size_t cut = out.rfind(' ', k_max);
    if (cut == std::string::npos || cut < k_max / 2) cut = k_max;
    // Do not cut inside a UTF-8 sequence.
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
    out.resize(cut);
    out += "...";
  }
  return out;
}

// The text of a member that a provider uses for an error message, if any.
std::optional<std::string> message_member(simdjson::dom::object obj, std::string_view key) {
  simdjson::dom::element e;
  if (obj[key].get(e)) return std::nullopt;
  std::string_view s;
  if (!e.get_string().get(s)) return sanitize(s);
  if (e.is_null()) return std::nullopt;
  return std::string(simdjson::minify(e)).substr(0, 160);
}

bool is_missing_text(std::string_view s) {
  s = trim(s);
  return s.empty() || s == "None" || s == "none" || s == "-" || s == "." || s == "N/A" || s == "null";
}

// A figure: a JSON number, or a number written as a string (Alpha Vantage,
// FRED); absent, null, "None", "-", "", "." and anything unparsable -> null.
std::optional<double> number_of(simdjson::dom::element e) {
  using T = simdjson::dom::element_type;
  switch (e.type()) {
    case T::DOUBLE:
    case T::INT64:
    case T::UINT64: {
      double v = 0;
      if (e.get_double().get(v) || !std::isfinite(v)) return std::nullopt;
      return v;
    }
    case T::STRING: {
      std::string_view s;
      if (e.get_string().get(s) || is_missing_text(s)) return std::nullopt;
      return parse_double(s);
    }
    default: return std::nullopt;
  }
}

std::optional<double> number_at(simdjson::dom::object obj, std::string_view key) {
  simdjson::dom::element e;
  if (obj[key].get(e)) return std::nullopt;
  return number_of(e);
}

// A text field: absent, null, empty or "None" -> null.
std::optional<std::string> text_at(simdjson::dom::object obj, std::string_view key) {
  simdjson::dom::element e;
  std::string_view s;
  if (obj[key].get(e) || e.get_string().get(s)) return std::nullopt;
  s = trim(s);
  if (is_missing_text(s)) return std::nullopt;
  return redact(s);  // provider text: no secret it echoes goes into a record
}

std::optional<std::string> canonical_sector_of(std::optional<std::string> name) {
  if (!name) return std::nullopt;
  if (auto s = canonical_sector(*name)) return std::string(*s);
  // Alpha Vantage long used the names of the SEC's review offices; only the
  // unambiguous ones map ("MANUFACTURING", "TRADE & SERVICES", "ENERGY &
  // TRANSPORTATION" and "REAL ESTATE & CONSTRUCTION" span several sectors).
  if (iequals(*name, "LIFE SCIENCES")) return std::string("healthcare");
  return std::nullopt;
}

bool member_ci(simdjson::dom::object obj, std::string_view key, simdjson::dom::element& out) {
  if (!obj[key].get(out)) return true;
  for (auto field : obj)
    if (iequals(field.key, key)) {
      out = field.value;
      return true;
    }
  return false;
}

}  // namespace thd::adapter_json
