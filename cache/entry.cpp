#include "cache/entry.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cache/md5.hpp"
#include "core/base/date.hpp"
#include "core/base/json_writer.hpp"
#include "core/base/service_ids.hpp"
#include "core/base/unique_fd.hpp"

namespace thd {

std::string_view entry_state_name(EntryState s) {
  switch (s) {
    case EntryState::fresh: return "fresh";
    case EntryState::expired: return "expired";
    case EntryState::corrupt: return "corrupt";
  }
  return "corrupt";
}

std::string_view legacy_kind_name(LegacyKind k) {
  switch (k) {
    case LegacyKind::migratable: return "migratable";
    case LegacyKind::expired: return "expired";
    case LegacyKind::unattributable: return "unattributable";
    case LegacyKind::corrupt: return "corrupt";
  }
  return "corrupt";
}

bool EntryReader::load(int dirfd, const char* path, FileStat* file_stat, CorruptReason& reason) {
  // Never follow a symlink, never block on a FIFO.
  UniqueFd fd(::openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK));
  if (!fd) {
    reason = CorruptReason::unreadable;
    return false;
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) {
    reason = CorruptReason::unreadable;
    return false;
  }
  if (file_stat)
    *file_stat = {static_cast<std::uint64_t>(st.st_size), st.st_mtim.tv_sec, st.st_ino,
                  static_cast<std::uint64_t>(st.st_blocks) * 512};
  size_t size = static_cast<size_t>(st.st_size);
  if (size > k_max_entry_bytes) {
    reason = CorruptReason::too_large;
    return false;
  }
  if (m_buffer.size() < size + simdjson::SIMDJSON_PADDING + 1)
    m_buffer.resize(size + simdjson::SIMDJSON_PADDING + 1);
  // Entries are replaced by rename, never rewritten in place, so the size
  // fstat gave is the size of what this descriptor reads: no EOF probe.
  size_t done = 0;
  while (done < size) {
    ssize_t n = ::read(fd.get(), m_buffer.data() + done, size - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      reason = CorruptReason::unreadable;
      return false;
    }
    if (n == 0) break;  // shorter than it said: parse what is there
    done += static_cast<size_t>(n);
  }
  m_loaded = done;
  return true;
}

EntryCheck EntryReader::check_file(const std::filesystem::path& path, std::string_view dir_service,
                                   std::string_view file_name, UnixTime now, WantData want,
                                   FileStat* file_stat) {
  EntryCheck out;
  if (!load(AT_FDCWD, path.c_str(), file_stat, out.reason)) return out;
  return check_loaded(m_loaded, dir_service, file_name, now, want);
}

EntryCheck EntryReader::check_file_at(int dirfd, std::string_view dir_service, const std::string& file_name,
                                      UnixTime now, WantData want, FileStat* file_stat) {
  EntryCheck out;
  if (!load(dirfd, file_name.c_str(), file_stat, out.reason)) return out;
  return check_loaded(m_loaded, dir_service, file_name, now, want);
}

EntryCheck EntryReader::check(std::string_view content, std::string_view dir_service,
                              std::string_view file_name, UnixTime now, WantData want) {
  if (m_buffer.size() < content.size() + simdjson::SIMDJSON_PADDING)
    m_buffer.resize(content.size() + simdjson::SIMDJSON_PADDING);
  std::copy(content.begin(), content.end(), m_buffer.begin());
  return check_loaded(content.size(), dir_service, file_name, now, want);
}

EntryCheck EntryReader::check_loaded(size_t len, std::string_view dir_service, std::string_view file_name,
                                     UnixTime now, WantData want) {
  EntryCheck out;
  simdjson::dom::element root;
  if (m_parser.parse(m_buffer.data(), len, false).get(root)) {
    out.reason = CorruptReason::not_json;
    return out;
  }
  simdjson::dom::object obj;
  if (root.get_object().get(obj)) {
    out.reason = CorruptReason::bad_field_type;
    return out;
  }
  simdjson::dom::element service, key, created_at, ttl, data;
  if (obj["service"].get(service) || obj["key"].get(key) || obj["created_at"].get(created_at) ||
      obj["ttl_seconds"].get(ttl) || obj["data"].get(data)) {
    out.reason = CorruptReason::missing_field;
    return out;
  }
  std::string_view service_s, key_s, created_s;
  std::int64_t ttl_v = 0;
  if (service.get_string().get(service_s) || key.get_string().get(key_s) ||
      created_at.get_string().get(created_s) || ttl.get_int64().get(ttl_v)) {
    out.reason = CorruptReason::bad_field_type;
    return out;
  }
  out.key = std::string(key_s);
  if (service_s != dir_service) {
    out.reason = CorruptReason::service_mismatch;
    return out;
  }
  if (cache_file_name(service_s, key_s) != file_name) {
    out.reason = CorruptReason::name_mismatch;
    return out;
  }
  auto created = parse_iso8601(created_s);
  if (!created) {
    out.reason = CorruptReason::bad_created_at;
    return out;
  }
  out.created_at = *created;
  if (*created > now + k_clock_skew_seconds) {
    out.reason = CorruptReason::future_created_at;
    return out;
  }
  if (ttl_v <= 0) {
    out.reason = CorruptReason::bad_ttl;
    return out;
  }
  out.ttl_seconds = ttl_v;
  // Written as a difference: created_at + ttl_seconds may overflow.
  out.state = ttl_v > now - *created ? EntryState::fresh : EntryState::expired;
  if (want == WantData::yes) out.data = simdjson::minify(data);
  return out;
}

LegacyCheck EntryReader::check_legacy(const std::filesystem::path& path, UnixTime now, const TtlTable& ttls) {
  LegacyCheck out;
  CorruptReason reason;
  if (!load(AT_FDCWD, path.c_str(), nullptr, reason)) {
    out.reason = std::string(corrupt_reason_text(reason));
    return out;
  }
  simdjson::dom::object obj;
  if (m_parser.parse(m_buffer.data(), m_loaded, false).get_object().get(obj)) {
    out.reason = "not a JSON object";
    return out;
  }
  simdjson::dom::element data;
  std::string_view timestamp;
  if (obj["timestamp"].get_string().get(timestamp) || obj["data"].get(data)) {
    out.reason = "no timestamp or no data";
    return out;
  }
  auto ts = parse_iso8601(timestamp);
  if (!ts) {
    out.reason = "timestamp is not an ISO 8601 time";
    return out;
  }
  out.timestamp = *ts;
  std::string_view service, key;
  if (!obj["service"].get_string().get(service)) out.service = std::string(service);
  if (!obj["key"].get_string().get(key)) out.key = std::string(key);
  out.kind = LegacyKind::unattributable;
  if (out.service.empty() || out.key.empty()) {
    out.reason = out.service.empty() ? "carries no service" : "carries no key";
    return out;
  }
  if (!service_index(out.service)) {
    out.reason = "unknown service '" + out.service + "'";
    return out;
  }
  std::int64_t ttl = 0;
  if (obj["ttl_seconds"].get_int64().get(ttl) || ttl <= 0) {
    auto kind = data_kind_of_key(out.key);
    if (!kind) {
      out.reason = "no ttl_seconds and the key's kind is unknown";
      return out;
    }
    ttl = ttls.ttl(out.service, *kind);
  }
  out.ttl_seconds = ttl;
  if (out.timestamp > now + k_clock_skew_seconds) {
    out.kind = LegacyKind::corrupt;
    out.reason = "timestamp is in the future";
    return out;
  }
  if (ttl <= now - out.timestamp) {
    out.kind = LegacyKind::expired;
    out.reason = "expired";
    return out;
  }
  out.kind = LegacyKind::migratable;
  out.data = simdjson::minify(data);
  return out;
}

std::string serialize_entry(std::string_view service, std::string_view key, UnixTime created_at,
                            std::int64_t ttl_seconds, std::string_view data_json) {
  JsonWriter w(false);
  w.begin_object()
      .field("service", service)
      .field("key", key)
      .field("created_at", format_iso8601(created_at))
      .field("ttl_seconds", ttl_seconds)
      .key("data")
      .raw(data_json)
      .end_object();
  return w.take();
}

}  // namespace thd
