// UniqueFd: the descriptor is closed exactly once, by whoever owns it last.
#include "core/base/unique_fd.hpp"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

using namespace thd;

namespace {

int open_null() {
  int fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  REQUIRE(fd >= 0);
  return fd;
}

bool is_open(int fd) {
  return ::fcntl(fd, F_GETFD) != -1;
}

bool is_closed(int fd) {
  errno = 0;
  return ::fcntl(fd, F_GETFD) == -1 && errno == EBADF;
}

}  // namespace

TEST_CASE("unique_fd: empty by default") {
  UniqueFd fd;
  CHECK_FALSE(fd);
  CHECK(fd.get() == -1);
}

TEST_CASE("unique_fd: the descriptor is closed at scope end") {
  int raw = open_null();
  {
    UniqueFd fd(raw);
    CHECK(fd);
    CHECK(fd.get() == raw);
    CHECK(is_open(raw));
  }
  CHECK(is_closed(raw));
}

TEST_CASE("unique_fd: a move transfers ownership; the moved-from one does not close") {
  int raw = open_null();
  {
    UniqueFd outer;
    {
      UniqueFd inner(raw);
      outer = std::move(inner);
      CHECK_FALSE(inner);
      CHECK(inner.get() == -1);
    }
    CHECK(is_open(raw));  // `inner` ended without closing it
    CHECK(outer.get() == raw);
    UniqueFd constructed(std::move(outer));
    CHECK_FALSE(outer);
    CHECK(constructed.get() == raw);
  }
  CHECK(is_closed(raw));
}

TEST_CASE("unique_fd: move assignment closes the descriptor it held") {
  int a = open_null();
  int b = open_null();
  UniqueFd fa(a);
  UniqueFd fb(b);
  fa = std::move(fb);
  CHECK(is_closed(a));
  CHECK(is_open(b));
  CHECK(fa.get() == b);
}

TEST_CASE("unique_fd: release gives the descriptor up") {
  int raw = open_null();
  {
    UniqueFd fd(raw);
    CHECK(fd.release() == raw);
    CHECK_FALSE(fd);
  }
  CHECK(is_open(raw));
  ::close(raw);
}

TEST_CASE("unique_fd: reset closes the old descriptor and owns the new one") {
  int a = open_null();
  int b = open_null();
  {
    UniqueFd fd(a);
    fd.reset(b);
    CHECK(is_closed(a));
    CHECK(is_open(b));
    CHECK(fd.get() == b);
    fd.reset();
    CHECK(is_closed(b));
    CHECK_FALSE(fd);
  }
}

TEST_CASE("unique_fd: closing on scope end or reset leaves errno alone") {
  int raw = open_null();
  UniqueFd fd(raw);
  ::close(raw);  // so that the close in reset() fails
  errno = ENOSPC;
  fd.reset();
  CHECK(errno == ENOSPC);
}

TEST_CASE("unique_fd: close reports the result of close(2)") {
  int raw = open_null();
  UniqueFd fd(raw);
  CHECK(fd.close() == 0);
  CHECK_FALSE(fd);
  CHECK(is_closed(raw));

  int gone = open_null();
  ::close(gone);
  UniqueFd stale(gone);
  CHECK(stale.close() == EBADF);
  CHECK_FALSE(stale);

  UniqueFd none;
  CHECK(none.close() == EBADF);
}
