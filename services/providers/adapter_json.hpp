// Reading providers' JSON the way every adapter needs: one parser per
// answer, "no value" spellings as null, provider messages made safe to show.
#pragma once

#include <simdjson.h>

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "core/base/error.hpp"
#include "core/base/records.hpp"

namespace thd::adapter_json {

// The parser owns the memory of every element it hands out: one per call.
struct Doc {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
};

// Parses `body`; false when it is not JSON.
bool parse(Doc& doc, std::string_view body);
// Not JSON: bad_body.
Failure not_json(std::string_view provider);
// The provider answered and has nothing for this symbol: see is_no_data().
Failure no_data(std::string_view provider, std::string_view what);
// An answer that is not the record asked for (an error in disguise, the
// wrong shape, a required field missing, another symbol): bad_body, "<provider>: <what>".
Failure bad_answer(std::string_view provider, std::string_view what);

// The rule every parser follows (SPEC §7, docs/NETWORK.md): an answer is data
// only when it holds the fields that make its record meaningful and, where the
// provider echoes the symbol, is about the symbol asked for.

// Two spellings of one symbol: case-insensitive, with '.', '/' and '-' alike
// (BRK.B, brk/b and BRK-B are one instrument).
bool same_symbol(std::string_view a, std::string_view b);
// The answer must say it is about `want`: obj[key] names `want`. bad_body
// when it names another symbol, and when it does not say (absent, null,
// empty): "the answer does not say which symbol it is about". For the
// providers whose real answers always echo the symbol: FMP (`symbol` of every
// record), Alpha Vantage (GLOBAL_QUOTE `01. symbol`, OVERVIEW `Symbol`) and
// Yahoo (`chart.result[0].meta.symbol`). Where the echo is not always there it
// is checked by the parser itself, and only when present: SEC EDGAR's `cik`;
// FRED does not echo the series at all. CoinGecko and IMF key their answers by
// what was asked, so the key is the echo (required by their parsers).
Result<void> require_symbol(std::string_view provider, simdjson::dom::object obj, std::string_view key,
                            std::string_view want);
// A required figure: obj[key] as a number, null when absent or a "no value"
// spelling; bad_body when present but neither.
Result<std::optional<double>> figure_at(std::string_view provider, simdjson::dom::object obj,
                                        std::string_view key);
// A record about the requested symbol with none of its required fields
// (`keys`) holding a value. no_data ("nothing for it": the breaker does not
// count it) only when every one of `keys` is present with a "no value"
// spelling (null, "None", "-", ""): the provider's real shape of "nothing
// known", e.g. Alpha Vantage's OVERVIEW of an ETF. When one is absent, or of
// another type, it is a shape we do not know (a renamed field would otherwise
// make every symbol no_data for ever): bad_body naming the field.
Failure without(std::string_view provider, simdjson::dom::object obj,
                std::initializer_list<std::string_view> keys, std::string_view what, std::string_view symbol);
// A provider's own words, fit for a log line or a report: no URL, no
// key-like parameter, no control characters, at most ~160 characters.
std::string sanitize(std::string_view text);
// What an error answer says, for people: the first message member of a JSON
// body ("Error Message", "error_message", "error", "message", "Information",
// "Note", status.error_message, {chart|finance}.error.description), else the
// text of a plain or HTML body; sanitized, at most 200 characters; empty
// when it says nothing.
std::string error_text(std::string_view body);
// obj[key] as a sanitized message, when it is a non-empty string.
std::optional<std::string> message_member(simdjson::dom::object obj, std::string_view key);
// "None", "-", "", "." and the like.
bool is_missing_text(std::string_view s);
// A number given as a JSON number or as a string; null for the missing spellings.
std::optional<double> number_of(simdjson::dom::element e);
std::optional<double> number_at(simdjson::dom::object obj, std::string_view key);
std::optional<std::string> text_at(simdjson::dom::object obj, std::string_view key);
// obj[key], else the member whose name equals key ignoring case.
bool member_ci(simdjson::dom::object obj, std::string_view key, simdjson::dom::element& out);
// A parser's typed record as the Record variant the cache and the planner take.
template <class T>
Result<Record> as_record(Result<T> r) {
  if (!r) return fail(r.error());
  return Record(std::move(*r));
}
// A provider's sector name to the canonical one (null when it has none or is unknown).
std::optional<std::string> canonical_sector_of(std::optional<std::string> name);

}  // namespace thd::adapter_json
