// Time comes in through this interface so tests can move it.
#pragma once

#include <cstdint>

namespace thd {

// Seconds since the Unix epoch, UTC.
using UnixTime = std::int64_t;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual UnixTime now() const = 0;
};

class SystemClock final : public Clock {
 public:
  UnixTime now() const override;
};

class FixedClock final : public Clock {
 public:
  explicit FixedClock(UnixTime t) : m_now(t) {}
  UnixTime now() const override { return m_now; }
  void advance(std::int64_t seconds) { m_now += seconds; }
  void set(UnixTime t) { m_now = t; }

 private:
  UnixTime m_now;
};

}  // namespace thd
