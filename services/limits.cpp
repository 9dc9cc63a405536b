#include "services/limits.hpp"

#include <algorithm>
#include <cmath>

namespace thd {

TokenBucket::TokenBucket(double per_second, double capacity, double now)
    : m_rate(per_second), m_capacity(std::max(1.0, capacity)), m_tokens(m_capacity), m_last(now) {}

void TokenBucket::refill(double now) {
  if (now > m_last) m_tokens = std::min(m_capacity, m_tokens + (now - m_last) * m_rate);
  m_last = std::max(m_last, now);
}

// A token is "there" within a nanotoken: refill arithmetic must not make a
// caller that waited exactly wait() seconds wait again.
constexpr double k_epsilon = 1e-9;

bool TokenBucket::try_take(double now) {
  refill(now);
  if (m_tokens < 1.0 - k_epsilon) return false;
  m_tokens -= 1.0;
  return true;
}

double TokenBucket::wait(double now) {
  refill(now);
  return m_tokens >= 1.0 - k_epsilon ? 0.0 : (1.0 - m_tokens) / m_rate;
}

SlidingWindow::SlidingWindow(int count, double seconds) : m_count(std::max(1, count)), m_seconds(seconds) {}

double SlidingWindow::wait(double now) const {
  if (static_cast<int>(m_times.size()) < m_count) return 0;
  return std::max(0.0, m_times.front() + m_seconds - now);
}

void SlidingWindow::take(double now) {
  m_times.push_back(now);
  while (static_cast<int>(m_times.size()) > m_count) m_times.pop_front();
}

double backoff_delay(int retry, double uniform01, double base, double cap) {
  double ceiling = std::min(cap, base * std::pow(2.0, retry));
  return uniform01 * ceiling;
}

std::string_view breaker_state_name(BreakerState s) {
  switch (s) {
    case BreakerState::closed: return "closed";
    case BreakerState::open: return "open";
    case BreakerState::half_open: return "half_open";
  }
  return "closed";
}

BreakerState CircuitBreaker::state(double now) const {
  if (m_state == BreakerState::open && now >= m_open_until) return BreakerState::half_open;
  return m_state;
}

bool CircuitBreaker::allow(double now) {
  BreakerState s = state(now);
  if (s == BreakerState::closed) return true;
  if (s == BreakerState::open || m_probe_out) return false;
  m_state = BreakerState::half_open;
  m_probe_out = true;  // one probe; the others wait for its verdict
  return true;
}

void CircuitBreaker::release_probe() {
  m_probe_out = false;
}

void CircuitBreaker::open(double now) {
  m_state = BreakerState::open;
  m_open_until = now + m_options.cooldown_seconds;
  m_failures = 0;
  m_probe_out = false;
}

void CircuitBreaker::record(double now, bool failed, double elapsed_seconds) {
  bool slow = elapsed_seconds > m_options.slow_call_seconds;
  if (failed || slow) {
    if (slow || m_state == BreakerState::half_open || ++m_failures >= m_options.failure_threshold) open(now);
    return;
  }
  // A call sent before the breaker opened may still succeed; only the
  // half-open probe (or a closed breaker) decides, never a latecomer.
  if (m_state == BreakerState::open) return;
  m_state = BreakerState::closed;
  m_failures = 0;
  m_probe_out = false;
}

void CircuitBreaker::force_open(double now, double remaining) {
  m_state = BreakerState::open;
  m_open_until = now + remaining;
  m_failures = 0;
  m_probe_out = false;
}

}  // namespace thd
