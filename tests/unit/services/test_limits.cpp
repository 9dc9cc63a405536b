#include <doctest/doctest.h>

#include "core/base/clock.hpp"
#include "services/limits.hpp"

using namespace thd;

TEST_CASE("token bucket: a burst of its capacity, then its rate") {
  FakeClock t;
  TokenBucket b(5.0 / 60.0, 2, t.monotonic());  // alpha_vantage: 5 a minute, burst 2
  CHECK(b.try_take(t.monotonic()));
  CHECK(b.try_take(t.monotonic()));
  CHECK_FALSE(b.try_take(t.monotonic()));
  CHECK(b.wait(t.monotonic()) == doctest::Approx(12.0));  // one token every 60/5 s
  t.advance(11.9);
  CHECK_FALSE(b.try_take(t.monotonic()));
  CHECK(b.wait(t.monotonic()) == doctest::Approx(0.1));
  t.advance(0.1);
  CHECK(b.try_take(t.monotonic()));
  t.advance(3600);  // a long pause banks no more than the capacity
  CHECK(b.try_take(t.monotonic()));
  CHECK(b.try_take(t.monotonic()));
  CHECK_FALSE(b.try_take(t.monotonic()));
}

TEST_CASE("backoff: full jitter under min(cap, base * 2^retry)") {
  const double top = 0.999999, half = 0.5, zero = 0.0;
  CHECK(backoff_delay(0, half) == doctest::Approx(0.25));               // 0.5 * 0.5
  CHECK(backoff_delay(1, half) == doctest::Approx(0.5));                // 1.0 * 0.5
  CHECK(backoff_delay(2, half) == doctest::Approx(1.0));                // 2.0 * 0.5
  CHECK(backoff_delay(4, top) == doctest::Approx(8.0).epsilon(1e-5));   // 0.5 * 16 = 8 = the cap
  CHECK(backoff_delay(10, top) == doctest::Approx(8.0).epsilon(1e-5));  // capped
  CHECK(backoff_delay(3, zero) == 0.0);
}

TEST_CASE("breaker: three consecutive failures open it; a success in between resets the count") {
  FakeClock t;
  CircuitBreaker b({3, 60, 10});
  auto now = [&] { return t.monotonic(); };
  b.record(now(), true, 0.1);
  b.record(now(), true, 0.1);
  b.record(now(), false, 0.1);  // resets
  b.record(now(), true, 0.1);
  b.record(now(), true, 0.1);
  CHECK(b.state(now()) == BreakerState::closed);
  CHECK(b.allow(now()));
  b.record(now(), true, 0.1);
  CHECK(b.state(now()) == BreakerState::open);
  CHECK_FALSE(b.allow(now()));
}

TEST_CASE("breaker: one call slower than slow_call opens it at once") {
  FakeClock t;
  CircuitBreaker b({3, 60, 10});
  b.record(t.monotonic(), false, 10.5);
  CHECK(b.state(t.monotonic()) == BreakerState::open);
}

TEST_CASE("breaker: half-open after the cool-down lets one probe through") {
  FakeClock t;
  CircuitBreaker b({3, 60, 10});
  for (int i = 0; i < 3; ++i) b.record(t.monotonic(), true, 0.1);
  t.advance(59.9);
  CHECK_FALSE(b.allow(t.monotonic()));
  t.advance(0.1);
  CHECK(b.state(t.monotonic()) == BreakerState::half_open);
  CHECK(b.allow(t.monotonic()));        // the probe
  CHECK_FALSE(b.allow(t.monotonic()));  // the others wait for its verdict
  SUBCASE("a failed probe opens it for another cool-down") {
    b.record(t.monotonic(), true, 0.1);
    CHECK(b.state(t.monotonic()) == BreakerState::open);
    CHECK(b.open_until() == doctest::Approx(t.monotonic() + 60));
  }
  SUBCASE("a good probe closes it") {
    b.record(t.monotonic(), false, 0.1);
    CHECK(b.state(t.monotonic()) == BreakerState::closed);
    CHECK(b.allow(t.monotonic()));
    CHECK(b.allow(t.monotonic()));
  }
  SUBCASE("a probe that was never sent frees the slot") {
    b.release_probe();
    CHECK(b.allow(t.monotonic()));
  }
}

TEST_CASE("breaker: a persisted open state is restored with its remaining cool-down") {
  FakeClock t;
  CircuitBreaker b({3, 60, 10});
  b.force_open(t.monotonic(), 5);
  CHECK_FALSE(b.allow(t.monotonic()));
  t.advance(5);
  CHECK(b.allow(t.monotonic()));
}

TEST_CASE("breaker: a call sent before it opened cannot close it by succeeding late") {
  FakeClock t;
  CircuitBreaker b({3, 60, 10});
  for (int i = 0; i < 3; ++i) b.record(t.monotonic(), true, 0.1);
  b.record(t.monotonic(), false, 0.1);  // the latecomer
  CHECK(b.state(t.monotonic()) == BreakerState::open);
  CHECK_FALSE(b.allow(t.monotonic()));
}

TEST_CASE("sliding window: at most N in any window, whatever the burst before") {
  FakeClock t;
  SlidingWindow w(10, 1.15);  // SEC: 10 a second, with a margin
  for (int i = 0; i < 10; ++i) {
    CHECK(w.wait(t.monotonic()) == 0);
    w.take(t.monotonic());
  }
  // The 11th waits until the first leaves the window: 1.15 s after it.
  CHECK(w.wait(t.monotonic()) == doctest::Approx(1.15));
  t.advance(0.5);
  CHECK(w.wait(t.monotonic()) == doctest::Approx(0.65));
  t.advance(0.65);
  CHECK(w.wait(t.monotonic()) == 0);
  w.take(t.monotonic());
  // By now the whole burst has left the window: one send in it, room for nine more.
  CHECK(w.wait(t.monotonic()) == doctest::Approx(0.0));
  SlidingWindow one(1, 1.15);  // Alpha Vantage: one a second
  one.take(t.monotonic());
  t.advance(1.0);
  CHECK(one.wait(t.monotonic()) == doctest::Approx(0.15));
}
