#include "cache/backends.hpp"

#include <vector>

#include "cache/file_storage.hpp"
#include "cache/memory_storage.hpp"

namespace thd {

const std::vector<BackendScheme>& backend_schemes() {
  static const std::vector<BackendScheme> k_schemes{
      {"file", "entry files under a directory (file:///path, or just the path)",
       [](std::string_view location) -> std::unique_ptr<StorageBackend> {
         return std::make_unique<FileStorage>(std::string(location));
       }},
      {"memory", "in this process only, gone when it ends (tests)",
       [](std::string_view) -> std::unique_ptr<StorageBackend> { return std::make_unique<MemoryStorage>(); }},
  };
  return k_schemes;
}

Result<std::unique_ptr<StorageBackend>> open_backend_at(std::string_view scheme, std::string_view location) {
  std::string known;
  for (const BackendScheme& s : backend_schemes()) {
    if (s.scheme == scheme) return s.make(location);
    known += (known.empty() ? "" : ", ") + std::string(s.scheme);
  }
  return fail("unknown cache backend '" + std::string(scheme) + "://' (known: " + known + ")");
}

Result<std::unique_ptr<StorageBackend>> open_backend(std::string_view where) {
  const auto sep = where.find("://");
  if (sep == std::string_view::npos) return open_backend_at("file", where);
  return open_backend_at(where.substr(0, sep), where.substr(sep + 3));
}

}  // namespace thd
