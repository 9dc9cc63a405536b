// Rate limits, backoff and circuit breakers (SPEC §6): plain arithmetic on
// times passed in, so that tests need no clock and no sleeping.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>

namespace thd {

// Continuous refill at `per_second`, at most `capacity` tokens banked.
class TokenBucket {
 public:
  TokenBucket(double per_second, double capacity, double now);
  bool try_take(double now);
  // Seconds until a token is available (0 when one is).
  double wait(double now);

 private:
  void refill(double now);
  double m_rate, m_capacity, m_tokens, m_last;
};

// At most `count` events in any window of `seconds` (SEC's "10 requests per
// second", Alpha Vantage's "1 request per second"): a fair-access rule is
// about any window, which a token bucket with a burst does not bound.
class SlidingWindow {
 public:
  SlidingWindow(int count, double seconds);
  // Seconds until an event may happen (0: now).
  double wait(double now) const;
  void take(double now);

 private:
  int m_count;
  double m_seconds;
  std::deque<double> m_times;  // the last `count` events, oldest first
};

// Full jitter: uniform01 (in [0, 1)) x min(cap, base * 2^retry); retry counts from 0.
double backoff_delay(int retry, double uniform01, double base = 0.5, double cap = 8.0);

enum class BreakerState { closed, open, half_open };
std::string_view breaker_state_name(BreakerState s);

class CircuitBreaker {
 public:
  struct Options {
    int failure_threshold = 3;
    double cooldown_seconds = 60;
    double slow_call_seconds = 10;
  };
  explicit CircuitBreaker(Options options) : m_options(options) {}

  // Whether a call may go out now; in half-open state only one probe at a time.
  bool allow(double now);
  // A finished call: `failed` for errors; a success slower than slow_call
  // counts as a failure and opens the breaker at once.
  void record(double now, bool failed, double elapsed_seconds);
  // A call allowed by allow() that was never made (budget spent, cancelled).
  void release_probe();

  BreakerState state(double now) const;
  double open_until() const { return m_open_until; }
  // Restores a persisted open state (`remaining` seconds of cool-down).
  void force_open(double now, double remaining);

 private:
  void open(double now);

  Options m_options;
  BreakerState m_state = BreakerState::closed;
  int m_failures = 0;
  double m_open_until = 0;
  bool m_probe_out = false;
};

}  // namespace thd
