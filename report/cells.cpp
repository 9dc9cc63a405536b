#include "report/cells.hpp"

namespace thd::report {

Cell figure_cell(const Num& n, const Formatter& fmt, const std::string& null_reason) {
  if (!n.present) return text_cell(k_not_in_document, "written by a version of the tool without this figure");
  if (!n.has()) return text_cell("n/a", null_reason);
  return text_cell(fmt(*n));
}

std::string badge_source(const Provenance& p) {
  if (p.source == "stale_cache") return "stale";
  if (p.source == "local" || p.source == "cache" || p.source == "network") return p.source;
  return "missing";
}

Badge badge_of(const Provenance& p) {
  Badge b;
  b.source = badge_source(p);
  if (b.source != "missing" && p.age_seconds) b.age = age_text(*p.age_seconds);
  if (!p.present)
    b.reason = "no provenance in this document";
  else if (b.source == "missing")
    b.reason = p.reason.empty() ? "missing (the document gives no reason)" : p.reason;
  else
    b.reason = p.reason;  // why a stale figure was served
  return b;
}

std::string short_decimal(double v) {
  std::string d = decimal(v, 2);
  if (d.size() > 3 && d.compare(d.size() - 3, 3, ".00") == 0) d.resize(d.size() - 3);
  return d;
}

std::string range_text(double low, double high) {
  return short_decimal(low) + "–" + short_decimal(high);
}

Cell sourced_cell(const Num& n, const Formatter& fmt, const Provenance& p, Badged badged) {
  Cell c;
  c.badge = badge_of(p);
  if (!n.present)
    c.text = k_not_in_document;
  else if (n.has())
    c.text = fmt(*n);
  else if (c.badge->source == "missing")
    c.text = "missing";
  else
    c.text = "n/a";  // served, but without this figure
  if (c.badge->source == "missing") c.title = c.badge->reason;
  if (badged == Badged::no) c.badge.reset();
  return c;
}

}  // namespace thd::report
