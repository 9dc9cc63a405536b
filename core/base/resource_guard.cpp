#include "core/base/resource_guard.hpp"

#include <unistd.h>

#include <cstdio>
#include <string>

#include "core/base/error.hpp"

namespace thd {

double resident_mb() {
  std::FILE* f = std::fopen("/proc/self/statm", "r");
  if (!f) return 0;
  unsigned long size = 0, resident = 0;
  int n = std::fscanf(f, "%lu %lu", &size, &resident);
  std::fclose(f);
  if (n != 2) return 0;
  return static_cast<double>(resident) * static_cast<double>(::sysconf(_SC_PAGESIZE)) / (1024.0 * 1024.0);
}

double peak_resident_mb() {
  std::FILE* f = std::fopen("/proc/self/status", "r");
  if (!f) return 0;
  char line[256];
  double kb = 0;
  while (std::fgets(line, sizeof line, f))
    if (std::sscanf(line, "VmHWM: %lf kB", &kb) == 1) break;
  std::fclose(f);
  return kb / 1024.0;
}

bool RssGuard::over() {
  m_last_mb = resident_mb();
  return m_last_mb > m_max_mb;
}

void RssGuard::check(const char* where) {
  if (!over()) return;
  char buf[200];
  std::snprintf(buf, sizeof buf,
                "resident memory %.1f MB is over --max-rss-mb %d (%s); no document was written", m_last_mb,
                m_max_mb, where);
  throw FatalError(ExitCode::resource, buf);
}

}  // namespace thd
