#include "core/base/clock.hpp"

#include <chrono>

namespace thd {

UnixTime SystemClock::now() const {
  if (m_pinned) return *m_pinned;
  using namespace std::chrono;
  return duration_cast<seconds>(system_clock::now().time_since_epoch()).count();
}

double SystemClock::monotonic() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace thd
