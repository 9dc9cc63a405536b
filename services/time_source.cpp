#include "services/time_source.hpp"

#include <chrono>

namespace thd {

double SystemTimeSource::monotonic() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

UnixTime SystemTimeSource::wall() const {
  return SystemClock().now();
}

}  // namespace thd
