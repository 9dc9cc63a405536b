// The storage backends, one row each (ccache's remote storage scheme table):
// the one place where a cache location becomes a backend. A new backend
// (redis://) is one file pair and one row.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cache/redis_client.hpp"
#include "core/base/error.hpp"
#include "core/base/storage.hpp"

namespace thd {

struct BackendScheme {
  std::string_view scheme;  // "file" in file:///path
  std::string_view description;
  std::unique_ptr<StorageBackend> (*make)(std::string_view location);  // location: what follows "://"
};

const std::vector<BackendScheme>& backend_schemes();

// The backend of `scheme` at `location`, through the table. Fails for an
// unknown scheme, naming the known ones.
Result<std::unique_ptr<StorageBackend>> open_backend_at(std::string_view scheme, std::string_view location);
// "scheme://location" (a setting that names a backend by URL); anything
// without "://" is a directory for the file backend.
Result<std::unique_ptr<StorageBackend>> open_backend(std::string_view where);

// A run's cache: the entry files under `dir`, and with `remote` the team's
// Redis tier behind them (near first, then far: LayeredStorage). `tier`
// receives the tier's connection, which the team's quotas, breakers and
// fetches in flight share.
// `plan_only` (run --dry-run): nothing is written anywhere, the remote is
// read-only and nothing found there is copied near.
Result<std::unique_ptr<StorageBackend>> open_run_cache(const std::filesystem::path& dir,
                                                       const std::optional<RemoteSpec>& remote,
                                                       std::shared_ptr<RedisTier>* tier,
                                                       bool plan_only = false);

}  // namespace thd
