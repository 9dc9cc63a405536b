#include "core/trade_columns.hpp"

#include <unordered_map>

#include "core/base/text.hpp"

namespace thd {

std::string as_written(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      out.push_back(s[i++]);
      continue;
    }
    size_t len = utf8_sequence_length(s, i);
    if (len == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
    } else {
      out.append(s.substr(i, len));
      i += len;
    }
  }
  return out;
}

HeaderColumns read_header(std::span<const std::string_view> fields) {
  HeaderColumns h;
  h.col.fill(-1);
  h.names.reserve(fields.size());
  h.duplicate.assign(fields.size(), false);
  std::unordered_map<std::string, size_t> first;  // lower-case name as written -> its first column
  for (size_t i = 0; i < fields.size(); ++i) {
    h.names.push_back(as_written(trim(fields[i])));
    auto [it, inserted] = first.try_emplace(to_lower(h.names.back()), i);
    if (!inserted) {
      h.duplicate[i] = true;
      h.duplicates.push_back({i, it->second});
      continue;
    }
    for (const ColumnInfo& info : k_trade_columns) {
      if (iequals(h.names[i], info.name)) {
        h.col[static_cast<size_t>(info.id)] = static_cast<int>(i);
        break;
      }
    }
  }
  return h;
}

std::string HeaderColumns::note(const Duplicate& d) const {
  return "duplicate column: column " + std::to_string(d.index + 1) + " '" + names[d.index] +
         "' repeats column " + std::to_string(d.first + 1) + " '" + names[d.first] +
         "'; the first is used, this one is ignored";
}

}  // namespace thd
