// Monotonic time, wall time and randomness for the engine, behind small
// interfaces so that tests move a fake clock instead of sleeping.
#pragma once

#include <random>

#include "core/clock.hpp"

namespace thd {

class TimeSource {
 public:
  virtual ~TimeSource() = default;
  virtual double monotonic() const = 0;  // seconds, for intervals
  virtual UnixTime wall() const = 0;     // for what is persisted
};

class SystemTimeSource final : public TimeSource {
 public:
  double monotonic() const override;
  UnixTime wall() const override;
};

class FakeTimeSource final : public TimeSource {
 public:
  explicit FakeTimeSource(UnixTime wall = 1795348800) : m_wall0(wall) {}
  double monotonic() const override { return m_t; }
  UnixTime wall() const override { return m_wall0 + static_cast<UnixTime>(m_t); }
  void advance(double seconds) { m_t += seconds; }

 private:
  double m_t = 1000.0;
  UnixTime m_wall0;
};

class Random {
 public:
  virtual ~Random() = default;
  virtual double uniform01() = 0;  // [0, 1)
};

class SystemRandom final : public Random {
 public:
  double uniform01() override { return std::uniform_real_distribution<double>(0.0, 1.0)(m_rng); }

 private:
  std::mt19937_64 m_rng{std::random_device{}()};
};

class FixedRandom final : public Random {
 public:
  explicit FixedRandom(double v) : m_v(v) {}
  double uniform01() override { return m_v; }

 private:
  double m_v;
};

}  // namespace thd
