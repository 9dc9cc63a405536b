// Whole-or-nothing writes (SPEC §2: no error leaves a partial file behind; an
// earlier file with the same name stays intact). Failures are provoked for
// real with RLIMIT_FSIZE.
#include "core/base/atomic_file.hpp"

#include <doctest/doctest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <string>
#include <vector>

#include "../../support.hpp"

namespace thd {
namespace {

using thd::test::slurp;
using thd::test::TempDir;
using thd::test::write_file;

std::vector<std::string> entries(const std::filesystem::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(dir)) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

// Lowers the file size limit for the lifetime of the object; SIGXFSZ is
// ignored so that write() fails with EFBIG instead of killing the process.
class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t soft) {
    m_old_handler = std::signal(SIGXFSZ, SIG_IGN);
    REQUIRE(::getrlimit(RLIMIT_FSIZE, &m_old) == 0);
    struct rlimit lim = m_old;
    lim.rlim_cur = soft;
    REQUIRE(::setrlimit(RLIMIT_FSIZE, &lim) == 0);
  }
  ~FileSizeLimit() {
    ::setrlimit(RLIMIT_FSIZE, &m_old);
    std::signal(SIGXFSZ, m_old_handler);
  }
  FileSizeLimit(const FileSizeLimit&) = delete;
  FileSizeLimit& operator=(const FileSizeLimit&) = delete;

 private:
  struct rlimit m_old {};
  void (*m_old_handler)(int) = SIG_DFL;
};

}  // namespace

TEST_CASE("atomic_file: write then read back") {
  TempDir d;
  const std::string content = std::string("line 1\nline 2\n") + '\0' + "\xFF binary tail";
  auto w = write_file_atomic(d / "out.json", content);
  REQUIRE(w.has_value());
  CHECK(slurp(d / "out.json") == content);
  auto r = read_file(d / "out.json", 1 << 20);
  REQUIRE(r.has_value());
  CHECK(*r == content);
  CHECK(entries(d.path()) == std::vector<std::string>{"out.json"});
}

TEST_CASE("atomic_file: empty content") {
  TempDir d;
  REQUIRE(write_file_atomic(d / "empty", "").has_value());
  CHECK(std::filesystem::exists(d / "empty"));
  CHECK(std::filesystem::file_size(d / "empty") == 0);
}

TEST_CASE("atomic_file: overwrite replaces the whole file") {
  TempDir d;
  write_file(d / "out.json", std::string(5000, 'o'));
  REQUIRE(write_file_atomic(d / "out.json", "short").has_value());
  CHECK(slurp(d / "out.json") == "short");
  REQUIRE(write_file_atomic(d / "out.json", "second").has_value());
  CHECK(slurp(d / "out.json") == "second");
  CHECK(entries(d.path()) == std::vector<std::string>{"out.json"});
}

TEST_CASE("atomic_file: a failed write leaves the old file and no temporary file") {
  TempDir d;
  const std::string old_content = "{\"old\": true}\n";
  write_file(d / "out.json", old_content);
  const std::string big(10000, 'n');
  Result<void> w;
  {
    FileSizeLimit limit(100);
    w = write_file_atomic(d / "out.json", big);
  }
  REQUIRE_FALSE(w.has_value());
  INFO("error: " << w.error().message);
  CHECK(w.error().message.find("out.json") != std::string::npos);
  CHECK(slurp(d / "out.json") == old_content);
  CHECK(entries(d.path()) == std::vector<std::string>{"out.json"});

  // Without a previous file nothing at all is left behind.
  Result<void> w2;
  {
    FileSizeLimit limit(100);
    w2 = write_file_atomic(d / "new.json", big);
  }
  REQUIRE_FALSE(w2.has_value());
  CHECK_FALSE(std::filesystem::exists(d / "new.json"));
  CHECK(entries(d.path()) == std::vector<std::string>{"out.json"});

  // And the limit is really gone again: the same write now succeeds.
  REQUIRE(write_file_atomic(d / "out.json", big).has_value());
  CHECK(slurp(d / "out.json") == big);
}

TEST_CASE("atomic_file: writing into a directory that does not exist names the path") {
  TempDir d;
  const auto target = d.path() / "no_such_dir" / "out.json";
  auto w = write_file_atomic(target, "x");
  REQUIRE_FALSE(w.has_value());
  INFO("error: " << w.error().message);
  CHECK(w.error().message.find((d.path() / "no_such_dir").string()) != std::string::npos);
  CHECK(w.error().message.find(target.string()) != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(d.path() / "no_such_dir"));
}

TEST_CASE("atomic_file: temporary names") {
  const std::filesystem::path target = "/some/dir/report_20261122.json";
  auto a = temp_path_for(target);
  auto b = temp_path_for(target);
  CHECK(a.parent_path() == target.parent_path());  // same directory, so rename is atomic
  CHECK(a != b);
  CHECK(a.filename().string().starts_with(".report_20261122.json.tmp."));
  CHECK(is_temp_name(a.filename().string()));
  CHECK(is_temp_name(".out.json.tmp.123.abcdef"));
  CHECK_FALSE(is_temp_name("out.json"));
  CHECK_FALSE(is_temp_name("report.tmp.json"));  // not hidden
  CHECK_FALSE(is_temp_name(".hidden"));
}

TEST_CASE("atomic_file: read_file limits and errors") {
  TempDir d;
  write_file(d / "f", std::string(1000, 'a'));
  auto ok = read_file(d / "f", 1000);
  REQUIRE(ok.has_value());
  CHECK(ok->size() == 1000);
  auto too_big = read_file(d / "f", 999);
  REQUIRE_FALSE(too_big.has_value());
  CHECK(too_big.error().message.find((d / "f").string()) != std::string::npos);
  // Larger than one read buffer.
  write_file(d / "g", std::string(200000, 'b'));
  auto g = read_file(d / "g", 200000);
  REQUIRE(g.has_value());
  CHECK(*g == std::string(200000, 'b'));
  CHECK_FALSE(read_file(d / "g", 199999).has_value());
  auto missing = read_file(d / "missing", 10);
  REQUIRE_FALSE(missing.has_value());
  CHECK(missing.error().message.find("missing") != std::string::npos);
}

// Issue 9, item 10: the cache is never left through a symbolic link.
TEST_CASE("write_file_atomic_beneath: symlinked directories and files inside the root are refused") {
  TempDir root, elsewhere;
  // The root itself may be a link (a cache moved to another disk).
  std::filesystem::create_symlink(root.path(), elsewhere / "cache-link");
  REQUIRE(write_file_atomic_beneath(elsewhere / "cache-link", "svc/a.json", "{}"));
  CHECK(slurp(root / "svc/a.json") == "{}");

  TempDir outside;
  std::filesystem::create_symlink(outside.path(), root / "linked");
  auto through_dir = write_file_atomic_beneath(root.path(), "linked/b.json", "{}");
  REQUIRE_FALSE(through_dir);
  CHECK(through_dir.error().message == symlink_refused(root / "linked"));
  auto deeper = write_file_atomic_beneath(root.path(), "linked/sub/b.json", "{}");
  REQUIRE_FALSE(deeper);
  CHECK(std::filesystem::is_empty(outside.path()));

  write_file(outside / "victim.json", "precious");
  std::filesystem::create_symlink(outside / "victim.json", root / "svc/c.json");
  auto through_file = write_file_atomic_beneath(root.path(), "svc/c.json", "{}");
  REQUIRE_FALSE(through_file);
  CHECK(through_file.error().message.find((root / "svc/c.json").string() + " is a symbolic link") == 0);
  CHECK(slurp(outside / "victim.json") == "precious");
  CHECK(std::filesystem::is_symlink(root / "svc/c.json"));
  CHECK(entries(root / "svc") == std::vector<std::string>{"a.json", "c.json"});  // no temporary file left
}

TEST_CASE("sweep_stale_temps: only our document temps whose writer is gone and that sat for an hour") {
  TempDir d;
  // A pid that is certainly not alive: a child that has exited and been reaped.
  pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  REQUIRE(child > 0);
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  const std::string dead = std::to_string(child), live = std::to_string(::getppid());
  const std::string gone = ".p_20261122.json.tmp." + dead + ".0a1b2c";      // dead, two hours old: goes
  const std::string gone_md = ".p_20261122.md.tmp." + dead + ".0a1b2d";     // the same, a report
  const std::string fresh = ".p_20261122.json.tmp." + dead + ".0d0e0f";     // dead pid, just written: stays
  const std::string old_live = ".q_20261122.json.tmp." + live + ".abcdef";  // a live writer's, old: stays
  const std::string not_ours = ".thesis.odt.tmp." + dead + ".ab";           // someone else's shape
  const std::string not_ours_ext = ".notes.txt.tmp." + dead + ".abcdef";    // not a document of ours
  // This process's pid, two hours old: an earlier process's (a container's pid 1 every time): goes.
  const std::string own = ".s_20261122.json.tmp." + std::to_string(::getpid()) + ".a0a0a0";
  const std::string own_fresh = ".t_20261122.json.tmp." + std::to_string(::getpid()) + ".b0b0b0";
  for (const std::string& f : {gone, gone_md, fresh, old_live, not_ours, not_ours_ext, own, own_fresh})
    write_file(d / f, std::string(100, 'x'));
  write_file(d / "p_20261122.json", "{}");
  const auto two_hours_ago = std::filesystem::file_time_type::clock::now() - std::chrono::hours(2);
  for (const std::string& f : {gone, gone_md, old_live, not_ours, not_ours_ext, own})
    std::filesystem::last_write_time(d / f, two_hours_ago);
  std::string other_user;
  if (::geteuid() == 0) {  // as root: another user's file, old and dead, is not ours to judge
    other_user = ".r_20261122.json.tmp." + dead + ".123456";
    write_file(d / other_user, "w");
    std::filesystem::last_write_time(d / other_user, two_hours_ago);
    REQUIRE(::chown((d / other_user).c_str(), 12345, 12345) == 0);
  }
  const size_t all = entries(d.path()).size();

  auto seen = sweep_stale_temps(d.path(), 3600, false);  // a look only
  CHECK(seen.size() == 3);
  CHECK(entries(d.path()).size() == all);

  auto swept = sweep_stale_temps(d.path(), 3600, true);
  REQUIRE(swept.size() == 3);
  std::sort(swept.begin(), swept.end(),
            [](const StaleTemp& a, const StaleTemp& b) { return a.path < b.path; });
  CHECK(swept[0].path == d / gone);
  CHECK(swept[0].bytes == 100);
  CHECK(swept[0].why == "its writer (pid " + dead + ") is gone and it has not changed for over 60 minutes");
  CHECK(swept[0].removed);
  CHECK(swept[1].path == d / gone_md);
  CHECK(swept[1].removed);
  CHECK(swept[2].path == d / own);
  CHECK(swept[2].removed);
  CHECK(entries(d.path()).size() == all - 3);
  for (const std::string& f : {fresh, old_live, not_ours, not_ours_ext, other_user, own_fresh})
    if (!f.empty()) CHECK(std::filesystem::exists(d / f));
}

}  // namespace thd
