// The backend table (open_backend) and the StorageBackend contract
// (tests/unit/cache/backend_contract.hpp) on the file backend, as
// open_backend makes it.
#include <doctest/doctest.h>

#include <memory>
#include <string>

#include "cache/backends.hpp"
#include "cache/file_storage.hpp"
#include "core/base/service_ids.hpp"
#include "tests/unit/cache/backend_contract.hpp"
#include "tests/unit/support.hpp"

using namespace thd;

namespace {

std::unique_ptr<StorageBackend> open_or_fail(const std::string& where) {
  auto b = open_backend(where);
  REQUIRE_MESSAGE(b, (b ? std::string() : b.error().message));
  REQUIRE(*b);
  return std::move(*b);
}

// A file backend in a temporary directory whose service directories all
// exist (see "file backend: enumerate ... missing service directories" below).
struct FileBackend {
  test::TempDir dir;
  std::unique_ptr<StorageBackend> backend;
  FileBackend() {
    for (std::string_view s : k_service_names) std::filesystem::create_directories(dir / std::string(s));
    backend = open_or_fail(dir.path().string());
  }
};

}  // namespace

TEST_CASE("open_backend: a plain path and file:// are the file backend, memory:// is memory") {
  CHECK(open_or_fail("/var/cache/thd")->describe() == "files under /var/cache/thd");
  CHECK(open_or_fail("relative/cache")->describe() == "files under relative/cache");
  CHECK(open_or_fail("file:///tmp/x")->describe() == "files under /tmp/x");
  CHECK(open_or_fail("memory://")->describe() == "memory");
  CHECK(dynamic_cast<FileStorage*>(open_or_fail("file:///tmp/x").get()) != nullptr);
  CHECK(dynamic_cast<FileStorage*>(open_or_fail("memory://").get()) == nullptr);
}

TEST_CASE("open_backend_at: the scheme is given, so a location is never parsed for one") {
  auto b = open_backend_at("file", "memory://x");
  REQUIRE(b);
  CHECK((*b)->describe() == "files under memory://x");
  CHECK_FALSE(open_backend_at("ftp", "localhost"));
  // A redis location is read as one (no server is asked before the first operation).
  auto redis = open_backend_at("redis", "127.0.0.1:6390/2");
  REQUIRE(redis);
  CHECK((*redis)->describe() == "the shared cache at redis://127.0.0.1:6390/2");
  CHECK_FALSE(open_backend_at("redis", "127.0.0.1:0"));
}

TEST_CASE("open_backend: an unknown scheme is an error naming the known ones") {
  auto unknown = open_backend("ftp://h");
  REQUIRE_FALSE(unknown);
  const std::string& m = unknown.error().message;
  CHECK_MESSAGE(m.find("ftp://") != std::string::npos, m);
  CHECK_MESSAGE(m.find("redis") != std::string::npos, m);
  CHECK_MESSAGE(m.find("file") != std::string::npos, m);
  CHECK_MESSAGE(m.find("memory") != std::string::npos, m);
  CHECK_FALSE(open_backend("://nothing"));

  std::string schemes;
  for (const BackendScheme& s : backend_schemes()) schemes += std::string(s.scheme) + " ";
  CHECK(schemes == "file memory redis redis+unix ");
}

TEST_CASE("file backend: get is absent, fresh while now - created_at < ttl, then expired") {
  FileBackend f;
  test::check_get_and_ttl_boundary(*f.backend);
}

TEST_CASE("file backend: an entry from beyond the clock skew is corrupt") {
  FileBackend f;
  test::check_future_entries(*f.backend);
}

TEST_CASE("file backend: put replaces an entry") {
  FileBackend f;
  test::check_put_replaces(*f.backend);
}

TEST_CASE("file backend: touch, remove and enumerate") {
  FileBackend f;
  test::check_touch_remove_enumerate(*f.backend);
}

TEST_CASE("file backend: statistics add up, in <cache>/.meta/stats.json") {
  FileBackend f;
  test::check_stats_add_up(*f.backend);
  CHECK(std::filesystem::is_regular_file(f.dir / ".meta/stats.json"));
}

TEST_CASE("file backend: through file://, entries land in <dir>/<service>/<md5>.json, made on first put") {
  test::TempDir dir;
  auto b = open_or_fail("file://" + (dir / "cache").string());
  test::check_get_and_ttl_boundary(*b);
  CHECK(std::filesystem::is_directory(dir / "cache/fmp"));
  // md5("fmp_quote:AAPL") = f14e2d32987317fe3ec6c5a90333bff7 (SPEC §5.1)
  CHECK(std::filesystem::is_regular_file(dir / "cache/fmp/f14e2d32987317fe3ec6c5a90333bff7.json"));
}

TEST_CASE("file backend: a damaged entry is corrupt for get and skipped by enumerate") {
  FileBackend f;
  const UnixTime now = test::k_contract_now;
  REQUIRE(f.backend->put("fmp", "quote:AAPL", now, 900, R"({"price":1})"));
  // md5("fmp_quote:MSFT") = f346b3bcbb151665b463f3240798c7b6
  test::write_file(f.dir / "fmp/f346b3bcbb151665b463f3240798c7b6.json", "{\"service\":\"fmp\"");
  Lookup l = f.backend->get("fmp", "quote:MSFT", now);
  CHECK(l.status == LookupStatus::corrupt);
  CHECK(l.reason == CorruptReason::not_json);
  auto all = test::listed(*f.backend);
  CHECK(all.size() == 1);
  CHECK(all.count({"fmp", "quote:AAPL"}) == 1);
}

// A cache with entries of one service only has one service directory.
TEST_CASE("file backend: enumerate a cache where some service directories are missing") {
  test::TempDir dir;
  auto b = open_or_fail(dir.path().string());
  REQUIRE(b->put("fmp", "quote:AAPL", test::k_contract_now, 900, R"({"price":1})"));
  std::size_t n = 0;
  auto r = b->enumerate([&](const StoredEntry&) { ++n; });
  REQUIRE_MESSAGE(r, (r ? std::string() : r.error().message));
  CHECK(n == 1);
}
