// Figures of the model as cells of the view: a value formatted, a null with
// its reason, a field the document does not have ("not in this document"),
// a provenance as a badge.
#pragma once

#include <functional>
#include <string>

#include "report/format.hpp"
#include "report/model.hpp"
#include "report/view.hpp"

namespace thd::report {

using Formatter = std::function<std::string(double)>;

// `null_reason`: what a null means for this figure ("no losing trade").
Cell figure_cell(const Num& n, const Formatter& fmt,
                 const std::string& null_reason = "no value in the document");
inline Cell text_cell(std::string text, std::string title = {}) {
  return Cell{std::move(text), std::nullopt, std::move(title)};
}

// "network" (stale_cache -> "stale"); an unknown or absent source is "missing".
std::string badge_source(const Provenance& p);
Badge badge_of(const Provenance& p);
// A market/profile/fundamentals figure: its value with the badge of its
// provenance; a missing one says "missing" and carries the reason.
// `Badged::no`: the row shows the provenance in a Source column of its own.
enum class Badged { yes, no };
Cell sourced_cell(const Num& n, const Formatter& fmt, const Provenance& p, Badged badged = Badged::yes);
// A range "low–high" with at most two decimals ("640–720", "81,231.07–106,479.5").
std::string range_text(double low, double high);
// Two decimals, without ".00" for a whole number.
std::string short_decimal(double v);

inline Formatter fixed(int places) {
  return [places](double v) { return decimal(v, places); };
}
inline std::string counted(double v) {
  return count(v);
}

}  // namespace thd::report
