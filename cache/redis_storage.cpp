#include "cache/redis_storage.hpp"

#include <algorithm>
#include <limits>
#include <map>

#include "cache/md5.hpp"
#include "core/base/service_ids.hpp"
#include "core/base/text.hpp"

namespace thd {

std::string redis_entry_key(std::string_view service, std::string_view key) {
  std::string name = cache_file_name(service, key);
  name.resize(name.size() - 5);  // ".json"
  return std::string(k_redis_prefix) + std::string(service) + ":" + name;
}

namespace {

// Keys per MGET: big enough that a warm run is a few round trips, small
// enough that one reply stays a few megabytes.
constexpr size_t k_batch = 256;

// The service and file name of a Redis key of ours; false for any other key.
bool split_key(std::string_view rkey, std::string_view& service, std::string& file_name) {
  if (!rkey.starts_with(k_redis_prefix)) return false;
  rkey.remove_prefix(k_redis_prefix.size());
  const size_t colon = rkey.find(':');
  if (colon == std::string_view::npos || !service_index(rkey.substr(0, colon))) return false;
  service = rkey.substr(0, colon);
  file_name = std::string(rkey.substr(colon + 1)) + ".json";
  return file_name.size() == 32 + 5;
}

}  // namespace

void RedisStorage::drop_corrupt(size_t shard, const std::string& rkey, std::string_view why) {
  ++m_corrupt;
  m_tier->note(RemoteError::corrupt, shard,
               "holds values that are not entries (" + std::string(why) + ", e.g. " + rkey +
                   "); never served" + (m_tier->spec().read_only ? " (read-only: left there)" : ", deleted"));
  if (!m_tier->spec().read_only) (void)m_tier->command(shard, {"DEL", rkey});
}

Lookup RedisStorage::read_value(std::string_view service, std::string_view key, const std::string& rkey,
                                const RedisReply& value, UnixTime now) {
  Lookup out;
  out.remote = true;
  const size_t shard = m_tier->shard_for(rkey);
  if (value.type == RedisReply::Type::nil) {
    ++m_misses;
    return out;
  }
  if (value.type == RedisReply::Type::error && !value.str.starts_with("WRONGTYPE")) {
    // LOADING, BUSY, NOPERM...: the server's trouble, not the value's.
    m_tier->note(RemoteError::server, shard, "refused a read (" + value.str + ")");
    return out;
  }
  if (value.type != RedisReply::Type::string) {  // WRONGTYPE: someone else's list or hash under our name
    drop_corrupt(shard, rkey, value.type == RedisReply::Type::error ? value.str : "not a string");
    out.status = LookupStatus::corrupt;
    out.reason = CorruptReason::bad_field_type;
    return out;
  }
  std::string file_name = cache_file_name(service, key);
  EntryCheck check;
  if (value.str.size() > k_max_entry_bytes)
    check.reason = CorruptReason::too_large;
  else
    check = m_reader.check(value.str, service, file_name, now, WantData::yes);
  if (check.state == EntryState::corrupt || check.key != key) {
    const CorruptReason reason =
        check.state == EntryState::corrupt ? check.reason : CorruptReason::name_mismatch;
    drop_corrupt(shard, rkey, corrupt_reason_text(reason));
    out.status = LookupStatus::corrupt;
    out.reason = reason;
    return out;
  }
  out.status = check.state == EntryState::fresh ? LookupStatus::fresh : LookupStatus::expired;
  if (out.status == LookupStatus::fresh)
    ++m_hits;
  else
    ++m_misses;
  out.data = std::move(check.data);
  out.created_at = check.created_at;
  out.ttl_seconds = check.ttl_seconds;
  return out;
}

Lookup RedisStorage::get(std::string_view service, std::string_view key, UnixTime now) {
  const std::string rkey = redis_entry_key(service, key);
  if (auto it = m_prefetched.find(rkey); it != m_prefetched.end()) {
    RedisReply value = std::move(it->second);
    m_prefetched.erase(it);
    return read_value(service, key, rkey, value, now);
  }
  const size_t shard = m_tier->shard_for(rkey);
  Lookup absent;
  absent.remote = true;
  if (!m_tier->usable(shard)) return absent;
  auto reply = m_tier->command(shard, {"GET", rkey});
  if (!reply) return absent;
  return read_value(service, key, rkey, *reply, now);
}

void RedisStorage::prefetch(const std::vector<StorageKey>& keys, UnixTime) {
  std::map<size_t, std::vector<std::string>> by_shard;
  for (const StorageKey& k : keys) {
    std::string rkey = redis_entry_key(k.service, k.key);
    if (m_prefetched.count(rkey)) continue;
    const size_t shard = m_tier->shard_for(rkey);
    if (m_tier->usable(shard)) by_shard[shard].push_back(std::move(rkey));
  }
  for (auto& [shard, rkeys] : by_shard) {
    std::sort(rkeys.begin(), rkeys.end());
    rkeys.erase(std::unique(rkeys.begin(), rkeys.end()), rkeys.end());
    std::vector<RedisTier::Argv> commands;
    for (size_t i = 0; i < rkeys.size(); i += k_batch) {
      RedisTier::Argv mget{"MGET"};
      for (size_t j = i; j < std::min(rkeys.size(), i + k_batch); ++j) mget.push_back(rkeys[j]);
      commands.push_back(std::move(mget));
    }
    auto replies = m_tier->pipeline(shard, commands);
    if (!replies) continue;  // counted and said by the tier; get() finds nothing prefetched
    for (size_t c = 0; c < replies->size(); ++c) {
      RedisReply& r = (*replies)[c];
      const size_t first = c * k_batch;
      if (r.type != RedisReply::Type::array) continue;
      for (size_t j = 0; j < r.elements.size() && first + j < rkeys.size(); ++j)
        m_prefetched.emplace(rkeys[first + j], std::move(r.elements[j]));
    }
  }
}

Result<void> RedisStorage::put(std::string_view service, std::string_view key, UnixTime created_at,
                               std::int64_t ttl_seconds, std::string_view data_json) {
  if (m_tier->spec().read_only) return {};
  const std::string rkey = redis_entry_key(service, key);
  const size_t shard = m_tier->shard_for(rkey);
  if (!m_tier->usable(shard)) return {};
  // Kept until it is no use even as a stale entry (written as it is made:
  // created_at is now); Redis's clock decides.
  const std::int64_t keep = ttl_seconds + m_tier->spec().stale_window;
  if (keep <= 0) return {};
  auto reply =
      m_tier->command(shard, {"SET", rkey, serialize_entry(service, key, created_at, ttl_seconds, data_json),
                              "EX", std::to_string(keep)});
  if (!reply) return {};  // the tier said why
  if (reply->type == RedisReply::Type::error) {
    const bool full = reply->str.starts_with("OOM");
    m_tier->note(full ? RemoteError::full : RemoteError::server, shard,
                 (full ? "is full (" : "refused a write (") + reply->str + ")" + k_refused_writes);
    return {};
  }
  ++m_stores;
  return {};
}

Result<bool> RedisStorage::remove(std::string_view service, std::string_view key) {
  if (m_tier->spec().read_only) return false;
  const std::string rkey = redis_entry_key(service, key);
  const size_t shard = m_tier->shard_for(rkey);
  if (!m_tier->usable(shard)) return false;
  auto reply = m_tier->command(shard, {"DEL", rkey});
  return reply && reply->type == RedisReply::Type::integer && reply->integer > 0;
}

RedisStorage::Survey RedisStorage::survey(UnixTime now, bool cleanup,
                                          const std::function<void(const StoredEntry&)>& each) {
  Survey s;
  const std::string pattern = std::string(k_redis_prefix) + "*";
  for (size_t shard = 0; shard < m_tier->shards(); ++shard) {
    std::string cursor = "0";
    do {
      if (!m_tier->usable(shard)) break;
      auto scan = m_tier->command(shard, {"SCAN", cursor, "MATCH", pattern, "COUNT", "1000"});
      if (!scan || scan->type != RedisReply::Type::array || scan->elements.size() != 2) break;
      cursor = scan->elements[0].str;
      std::vector<std::string> keys;
      for (RedisReply& k : scan->elements[1].elements) {
        std::string_view service;
        std::string file_name;
        // Locks, quotas and breakers live under the prefix too: not entries.
        if (split_key(k.str, service, file_name)) keys.push_back(std::move(k.str));
      }
      s.keys += keys.size();
      if (keys.empty()) continue;
      RedisTier::Argv mget{"MGET"};
      mget.insert(mget.end(), keys.begin(), keys.end());
      auto values = m_tier->command(shard, mget);
      if (!values || values->type != RedisReply::Type::array) break;
      for (size_t i = 0; i < keys.size() && i < values->elements.size(); ++i) {
        const RedisReply& v = values->elements[i];
        if (v.type == RedisReply::Type::nil) continue;  // expired since the SCAN
        std::string_view service;
        std::string file_name;
        split_key(keys[i], service, file_name);
        constexpr UnixTime k_far_future = std::numeric_limits<UnixTime>::max() / 4;
        EntryCheck c = v.type == RedisReply::Type::string && v.str.size() <= k_max_entry_bytes
                           ? m_reader.check(v.str, service, file_name, k_far_future, WantData::no)
                           : EntryCheck{};
        if (c.state == EntryState::corrupt) {
          ++s.corrupt;
          if (cleanup && !m_tier->spec().read_only) {
            auto del = m_tier->command(shard, {"DEL", keys[i]});
            if (del && del->integer > 0) ++s.deleted;
          }
          continue;
        }
        ++s.entries;
        s.bytes += v.str.size();
        if (each)
          each({std::string(service), std::move(c.key), c.created_at, c.ttl_seconds, v.str.size(), now});
      }
      if (s.keys >= k_max_scanned) {
        s.truncated = true;
        break;
      }
    } while (cursor != "0");
  }
  return s;
}

Result<void> RedisStorage::enumerate(const std::function<void(const StoredEntry&)>& each) {
  (void)survey(0, false, each);
  return {};
}

RemoteHealth check_remote(RedisTier& tier) {
  RemoteHealth h;
  h.url = tier.spec().shown;
  for (size_t shard = 0; shard < tier.shards(); ++shard) {
    RemoteHealth::Shard out;
    out.url = tier.spec().shards[shard].shown;
    auto info = tier.command(shard, {"INFO", "memory"});
    if (!info) {
      for (const std::string& n : tier.take_notices()) out.error += (out.error.empty() ? "" : "; ") + n;
      if (out.error.empty()) out.error = info.error().message;
      h.shards.push_back(std::move(out));
      continue;
    }
    out.reachable = true;
    // "used_memory:1048576\r\n...maxmemory_policy:allkeys-lru\r\n"
    for (const std::string& line : split(info->str, '\n')) {
      const std::string_view l = trim(line);
      auto value_of = [&](std::string_view name) -> std::optional<std::string_view> {
        if (!l.starts_with(name) || l.size() <= name.size() || l[name.size()] != ':') return std::nullopt;
        return l.substr(name.size() + 1);
      };
      if (auto v = value_of("used_memory"); v && parse_int(*v)) out.memory_bytes = *parse_int(*v);
      if (auto v = value_of("maxmemory"); v && parse_int(*v)) out.max_memory_bytes = *parse_int(*v);
      if (auto v = value_of("maxmemory_policy")) out.policy = std::string(*v);
    }
    std::string cursor = "0";
    do {
      auto scan =
          tier.command(shard, {"SCAN", cursor, "MATCH", std::string(k_redis_prefix) + "*", "COUNT", "1000"});
      if (!scan || scan->type != RedisReply::Type::array || scan->elements.size() != 2) break;
      cursor = scan->elements[0].str;
      for (const RedisReply& k : scan->elements[1].elements) {
        std::string_view service;
        std::string file_name;
        if (split_key(k.str, service, file_name))
          ++out.entries;
        else
          ++out.other_keys;
      }
      if (out.entries + out.other_keys >= RedisStorage::k_max_scanned) {
        out.truncated = true;
        break;
      }
    } while (cursor != "0");
    h.shards.push_back(std::move(out));
  }
  return h;
}

std::optional<RemoteReport> RedisStorage::remote_report() const {
  RemoteReport r;
  r.url = m_tier->spec().shown;
  r.shards = m_tier->shards();
  r.state = m_tier->state();
  r.read_only = m_tier->spec().read_only;
  r.hits = m_hits;
  r.misses = m_misses;
  r.stores = m_stores;
  r.corrupt = m_corrupt;
  const auto errors = m_tier->errors();
  for (size_t i = 0; i < errors.size(); ++i)
    if (errors[i]) r.errors[std::string(remote_error_name(static_cast<RemoteError>(i)))] = errors[i];
  r.quota = m_tier->decisions();
  return r;
}

}  // namespace thd
