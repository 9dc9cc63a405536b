#include "core/base/interrupt.hpp"

#include <atomic>
#include <csignal>

#include "core/base/error.hpp"

namespace thd {
namespace {

// Written by the handler, read by the engine's thread and the reader's: a
// lock-free atomic is both async-signal-safe and race-free.
std::atomic<int> g_signal{0};
static_assert(std::atomic<int>::is_always_lock_free);

extern "C" void on_interrupt(int signal) {
  g_signal.store(signal, std::memory_order_relaxed);
  // A second signal of either kind ends the process at once (sigaction is
  // async-signal-safe; SA_RESETHAND only resets the one delivered).
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  sigaction(SIGINT, &dfl, nullptr);
  sigaction(SIGTERM, &dfl, nullptr);
}

}  // namespace

void install_interrupt_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_interrupt;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: a blocking wait (a lock) returns EINTR and looks at the flag
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

int interrupt_signal() {
  return g_signal.load(std::memory_order_relaxed);
}

void check_interrupted() {
  if (const int s = interrupt_signal(); s != 0)
    throw FatalError(s == SIGTERM ? ExitCode::terminated : ExitCode::interrupted, "interrupted");
}

void set_interrupt_signal_for_test(int signal) {
  g_signal.store(signal, std::memory_order_relaxed);
}

}  // namespace thd
