#include "core/base/stat_counters.hpp"

#include <simdjson.h>

#include "core/base/date.hpp"
#include "core/base/json_writer.hpp"

namespace thd {

void StatCounters::add(std::string_view service, Stat s, std::uint64_t n) {
  auto it = m_counts.find(service);
  if (it == m_counts.end()) it = m_counts.emplace(std::string(service), StatArray{}).first;
  it->second[static_cast<size_t>(s)] += n;
}

std::uint64_t StatCounters::get(std::string_view service, Stat s) const {
  auto it = m_counts.find(service);
  return it == m_counts.end() ? 0 : it->second[static_cast<size_t>(s)];
}

std::uint64_t StatCounters::total(Stat s) const {
  std::uint64_t sum = 0;
  for (const auto& [name, counts] : m_counts) sum += counts[static_cast<size_t>(s)];
  return sum;
}

void StatCounters::merge(const StatCounters& other) {
  for (const auto& [name, counts] : other.m_counts)
    for (const StatInfo& info : k_stat_table)
      if (counts[static_cast<size_t>(info.id)]) add(name, info.id, counts[static_cast<size_t>(info.id)]);
}

bool StatCounters::empty() const {
  for (const auto& [name, counts] : m_counts)
    for (auto v : counts)
      if (v) return false;
  return true;
}

double StatCounters::hit_ratio() const {
  std::uint64_t hits = total(Stat::hits), lookups = hits + total(Stat::misses);
  return lookups == 0 ? -1.0 : static_cast<double>(hits) / static_cast<double>(lookups);
}

std::string StatCounters::to_json(UnixTime updated_at) const {
  JsonWriter w;
  w.begin_object().field("version", 1).field("updated_at", format_iso8601(updated_at));
  w.key("services").begin_object();
  for (const auto& [name, counts] : m_counts) {
    w.key(name).begin_object();
    for (const StatInfo& info : k_stat_table) w.field(info.name, counts[static_cast<size_t>(info.id)]);
    w.end_object();
  }
  w.end_object().end_object();
  return w.take() + "\n";
}

Result<StatCounters> StatCounters::from_json(std::string_view json) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(json);
  simdjson::dom::object services;
  if (parser.parse(padded)["services"].get_object().get(services))
    return fail("not a statistics file (no \"services\" object)");
  StatCounters out;
  for (auto [name, value] : services) {
    simdjson::dom::object counts;
    if (value.get_object().get(counts)) return fail("service '" + std::string(name) + "' is not an object");
    for (const StatInfo& info : k_stat_table) {
      std::uint64_t n = 0;
      auto field = counts[info.name];
      if (field.error() == simdjson::NO_SUCH_FIELD) continue;
      if (field.get_uint64().get(n)) return fail("'" + std::string(info.name) + "' is not a count");
      if (n) out.add(name, info.id, n);
    }
  }
  return out;
}

}  // namespace thd
