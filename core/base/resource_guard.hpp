// The RSS guard (SPEC §6): resident memory from /proc/self/statm, checked at
// phase boundaries and at least every 250 ms while transfers run.
#pragma once

namespace thd {

// Resident memory of this process in MiB (0 when /proc is unavailable).
double resident_mb();
// Its peak since exec (VmHWM). Unlike getrusage's ru_maxrss this does not
// include the memory of the parent that forked us.
double peak_resident_mb();

class RssGuard {
 public:
  explicit RssGuard(int max_mb) : m_max_mb(max_mb) {}
  // Samples; true when over the threshold.
  bool over();
  double last_mb() const { return m_last_mb; }
  int max_mb() const { return m_max_mb; }
  // Throws FatalError(resource) naming the threshold and the value seen.
  void check(const char* where);

 private:
  int m_max_mb;
  double m_last_mb = 0;
};

}  // namespace thd
