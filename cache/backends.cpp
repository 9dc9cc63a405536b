#include "cache/backends.hpp"

#include <vector>

#include "core/base/log.hpp"

#include "cache/file_storage.hpp"
#include "cache/layered_storage.hpp"
#include "cache/memory_storage.hpp"
#include "cache/redis_storage.hpp"

namespace thd {

const std::vector<BackendScheme>& backend_schemes() {
  static const std::vector<BackendScheme> k_schemes{
      {"file", "entry files under a directory (file:///path, or just the path)",
       [](std::string_view location) -> std::unique_ptr<StorageBackend> {
         return std::make_unique<FileStorage>(std::string(location));
       }},
      {"memory", "in this process only, gone when it ends (tests)",
       [](std::string_view) -> std::unique_ptr<StorageBackend> { return std::make_unique<MemoryStorage>(); }},
      {"redis", "a Redis server shared by a team (redis://[[user]:password@]host[:port][/db])",
       [](std::string_view location) -> std::unique_ptr<StorageBackend> {
         auto spec = parse_remote_cache("redis://" + std::string(location));
         if (!spec || !*spec) return nullptr;
         return std::make_unique<RedisStorage>(std::make_shared<RedisTier>(**spec));
       }},
      {"redis+unix", "a Redis server on a local socket (redis+unix:///path/to.sock)",
       [](std::string_view location) -> std::unique_ptr<StorageBackend> {
         auto spec = parse_remote_cache("redis+unix://" + std::string(location));
         if (!spec || !*spec) return nullptr;
         return std::make_unique<RedisStorage>(std::make_shared<RedisTier>(**spec));
       }},
  };
  return k_schemes;
}

Result<std::unique_ptr<StorageBackend>> open_backend_at(std::string_view scheme, std::string_view location) {
  std::string known;
  for (const BackendScheme& s : backend_schemes()) {
    if (s.scheme == scheme) {
      auto made = s.make(location);
      if (!made) return fail("cannot read '" + std::string(scheme) + "://" + redact_url(location) + "'");
      return made;
    }
    known += (known.empty() ? "" : ", ") + std::string(s.scheme);
  }
  return fail("unknown cache backend '" + std::string(scheme) + "://' (known: " + known + ")");
}

Result<std::unique_ptr<StorageBackend>> open_backend(std::string_view where) {
  const auto sep = where.find("://");
  if (sep == std::string_view::npos) return open_backend_at("file", where);
  return open_backend_at(where.substr(0, sep), where.substr(sep + 3));
}

Result<std::unique_ptr<StorageBackend>> open_run_cache(const std::filesystem::path& dir,
                                                       const std::optional<RemoteSpec>& remote,
                                                       std::shared_ptr<RedisTier>* tier, bool plan_only) {
  auto near = open_backend_at("file", dir.string());
  if (!near || !remote) return near;
  RemoteSpec spec = *remote;
  if (plan_only) spec.read_only = true;
  auto shared = std::make_shared<RedisTier>(std::move(spec));
  if (tier) *tier = shared;
  return std::unique_ptr<StorageBackend>(std::make_unique<LayeredStorage>(
      std::move(*near), std::make_unique<RedisStorage>(std::move(shared)), !plan_only));
}

}  // namespace thd
