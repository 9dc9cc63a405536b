#include "core/clock.hpp"

#include <chrono>

namespace thd {

UnixTime SystemClock::now() const {
  using namespace std::chrono;
  return duration_cast<seconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace thd
