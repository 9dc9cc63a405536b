#include "core/inventory.hpp"

#include <algorithm>
#include <set>

#include "core/base/atomic_file.hpp"
#include "core/base/dir_list.hpp"
#include "core/base/sectors.hpp"
#include "core/base/text.hpp"

namespace thd {
namespace {

struct DatedName {
  std::string stem;  // before the last '_'
  Date date;
};

// "<stem>_<YYYYMMDD>.md" -> stem and date, or a reason why not.
std::optional<DatedName> split_dated_name(std::string_view name, std::string& why) {
  if (name.size() < 3 || name.substr(name.size() - 3) != ".md") {
    why = "not a .md file";
    return std::nullopt;
  }
  std::string_view base = name.substr(0, name.size() - 3);
  size_t us = base.rfind('_');
  if (us == std::string_view::npos || us == 0) {
    why = "name is not <name>_<YYYYMMDD>.md";
    return std::nullopt;
  }
  auto date = parse_yyyymmdd(base.substr(us + 1));
  if (!date) {
    why = "'" + std::string(base.substr(us + 1)) + "' is not a valid YYYYMMDD date";
    return std::nullopt;
  }
  return DatedName{std::string(base.substr(0, us)), *date};
}

struct Listing {
  bool exists = false;
  std::vector<std::string> files;
  std::vector<IgnoredFile> ignored;
};

Result<Listing> list_files(const std::filesystem::path& dir) {
  Listing out;
  auto entries = list_directory(dir, &out.exists);
  if (!entries) return fail(entries.error());
  for (DirEntry& e : *entries) {
    // A symlink to an analysis is an analysis; follow it for its type.
    EntryType type = e.type == EntryType::symlink ? resolve_type(dir / e.name) : e.type;
    if (type == EntryType::file)
      out.files.push_back(std::move(e.name));
    else
      out.ignored.push_back({e.name, type == EntryType::directory ? "a directory" : "not a regular file"});
  }
  return out;
}

}  // namespace

std::string ticker_match_key(std::string_view ticker) {
  std::string key = to_upper(trim(ticker));
  std::replace(key.begin(), key.end(), '-', '.');
  return key;
}

bool is_valid_ticker(std::string_view t) {
  if (t.empty() || t.size() > k_max_ticker_bytes) return false;
  bool has_alnum = false;
  for (char c : t) {
    bool alnum = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    has_alnum |= alnum;
    if (!alnum && c != '.' && c != '-' && c != '^' && c != '=') return false;
  }
  return has_alnum;
}

bool is_valid_theme(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  bool has_letter = false;
  for (char c : name) {
    bool letter = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    has_letter |= letter;
    if (!letter && !(c >= '0' && c <= '9') && c != '_' && c != '-') return false;
  }
  return has_letter;
}

const TickerAnalysis* LocalInventory::find_ticker(std::string_view ticker) const {
  auto it = by_ticker.find(ticker_match_key(ticker));
  return it == by_ticker.end() ? nullptr : &it->second;
}

Result<LocalInventory> scan_local_inventory(const std::filesystem::path& data_dir, UnixTime now,
                                            const InventoryOptions& options) {
  LocalInventory inv;
  inv.fundamental_dir = data_dir / "outputs" / "fundamental_analysis";
  inv.sector_dir = data_dir / "outputs" / "sector_analysis";

  auto fundamentals = list_files(inv.fundamental_dir);
  if (!fundamentals) return fail(fundamentals.error());
  inv.fundamental_dir_exists = fundamentals->exists;
  inv.fundamental_ignored = std::move(fundamentals->ignored);
  for (const std::string& name : fundamentals->files) {
    std::string why;
    auto dated = split_dated_name(name, why);
    if (!dated) {
      inv.fundamental_ignored.push_back({name, why});
      continue;
    }
    if (!is_valid_ticker(dated->stem)) {
      inv.fundamental_ignored.push_back({name, "'" + dated->stem + "' is not a ticker symbol"});
      continue;
    }
    if (age_in_days(dated->date, now) < -1) {  // a day of slack for time zones ahead of UTC
      inv.fundamental_ignored.push_back({name, "dated in the future (" + format_date(dated->date) + ")"});
      continue;
    }
    ++inv.fundamental_files;
    TickerAnalysis& t = inv.by_ticker[ticker_match_key(dated->stem)];
    ++t.files;
    // Newest by the date in the name; on a tie the later name (sorted) wins.
    if (t.files == 1 || dated->date >= t.date) {
      t.ticker = dated->stem;
      t.file = name;
      t.date = dated->date;
    }
  }
  for (auto& [key, t] : inv.by_ticker) {
    t.age_days = age_in_days(t.date, now);
    t.stale = t.age_days > options.stale_days;
    auto facts = read_fundamental_file(inv.fundamental_dir / t.file, &t.cut);
    if (facts)
      t.facts = std::move(*facts);
    else
      t.read_error = facts.error().message;
  }

  auto sectors = list_files(inv.sector_dir);
  if (!sectors) return fail(sectors.error());
  inv.sector_dir_exists = sectors->exists;
  inv.sector_ignored = std::move(sectors->ignored);
  for (const std::string& name : sectors->files) {
    std::string why;
    auto dated = split_dated_name(name, why);
    if (!dated) {
      inv.sector_ignored.push_back({name, why});
      continue;
    }
    if (age_in_days(dated->date, now) < -1) {
      inv.sector_ignored.push_back({name, "dated in the future (" + format_date(dated->date) + ")"});
      continue;
    }
    auto sector = canonical_sector(dated->stem);
    if (!sector && !is_valid_theme(dated->stem)) {
      inv.sector_ignored.push_back({name, "'" + dated->stem + "' is neither a sector nor a theme name"});
      continue;
    }
    // Not one of the 11 sectors: a theme (quantum_computing), listed on its own.
    ++(sector ? inv.sector_files : inv.theme_files);
    std::string key = sector ? std::string(*sector) : to_lower(dated->stem);
    SectorAnalysis& s = (sector ? inv.by_sector : inv.by_theme)[key];
    ++s.files;
    if (s.files == 1 || dated->date >= s.date) {
      s.sector = key;
      s.file = name;
      s.date = dated->date;
      s.alias = !sector || to_lower(dated->stem) == key ? "" : dated->stem;
    }
  }
  for (auto* list : {&inv.by_sector, &inv.by_theme}) {
    for (auto& [key, s] : *list) {
      s.age_days = age_in_days(s.date, now);
      s.stale = s.age_days > options.stale_days;
    }
  }
  auto by_name = [](const IgnoredFile& a, const IgnoredFile& b) { return a.file < b.file; };
  std::sort(inv.fundamental_ignored.begin(), inv.fundamental_ignored.end(), by_name);
  std::sort(inv.sector_ignored.begin(), inv.sector_ignored.end(), by_name);
  return inv;
}

Coverage compute_coverage(const LocalInventory& inventory, const std::vector<std::string>& tickers) {
  Coverage c;
  std::set<std::string> seen;
  for (const std::string& raw : tickers) {
    std::string t(trim(raw));
    if (t.empty() || !seen.insert(ticker_match_key(t)).second) continue;
    c.tickers.push_back(t);
    const TickerAnalysis* a = inventory.find_ticker(t);
    if (!a) {
      c.missing.push_back(t);
      continue;
    }
    c.covered.push_back(t);
    if (a->stale) c.stale.push_back(t);
  }
  if (!c.tickers.empty())
    c.ratio = static_cast<double>(c.covered.size()) / static_cast<double>(c.tickers.size());
  return c;
}

}  // namespace thd
