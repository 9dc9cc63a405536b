// One clock for wall time, monotonic time and randomness, behind one
// interface, so that tests move time instead of sleeping and THD_NOW pins
// everything that is saved or compared with saved times (cache entries,
// statistics, breakers, quotas).
#pragma once

#include <cstdint>
#include <optional>
#include <random>

namespace thd {

// Seconds since the Unix epoch, UTC.
using UnixTime = std::int64_t;

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall time: what is saved, and what is compared with saved times.
  virtual UnixTime now() const = 0;
  // Seconds from an arbitrary start, for intervals and timeouts only.
  virtual double monotonic() const = 0;
  // Uniform in [0, 1): retry jitter.
  virtual double uniform01() = 0;
};

// The system's clocks; `pinned` fixes the wall time (THD_NOW) while
// intervals still run in real time.
class SystemClock final : public Clock {
 public:
  explicit SystemClock(std::optional<UnixTime> pinned = std::nullopt) : m_pinned(pinned) {}
  UnixTime now() const override;
  double monotonic() const override;
  double uniform01() override { return std::uniform_real_distribution<double>(0.0, 1.0)(m_rng); }

 private:
  std::optional<UnixTime> m_pinned;
  std::mt19937_64 m_rng{std::random_device{}()};
};

// For tests: time moves only when told, and "random" is a fixed value.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(UnixTime wall = 1795348800, double random = 0.5) : m_wall(wall), m_random(random) {}
  UnixTime now() const override { return m_wall; }
  double monotonic() const override { return m_mono; }
  double uniform01() override { return m_random; }
  // Moves wall and monotonic time together (wall in whole seconds).
  void advance(double seconds) {
    m_mono += seconds;
    m_wall_frac += seconds;
    const auto whole = static_cast<UnixTime>(m_wall_frac);
    m_wall += whole;
    m_wall_frac -= static_cast<double>(whole);
  }
  void set(UnixTime t) { m_wall = t, m_wall_frac = 0; }
  void set_random(double v) { m_random = v; }

 private:
  UnixTime m_wall;
  double m_wall_frac = 0;
  double m_mono = 1000.0;
  double m_random;
};

}  // namespace thd
