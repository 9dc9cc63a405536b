#include "core/base/interrupt.hpp"

#include <csignal>

#include "core/base/error.hpp"

namespace thd {
namespace {

volatile std::sig_atomic_t g_signal = 0;

extern "C" void on_interrupt(int signal) {
  g_signal = signal;
}

}  // namespace

void install_interrupt_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_interrupt;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = static_cast<int>(SA_RESETHAND);  // a second Ctrl-C is not ignored: it ends the process
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

int interrupt_signal() {
  return g_signal;
}

void check_interrupted() {
  if (const int s = g_signal; s != 0)
    throw FatalError(s == SIGTERM ? ExitCode::terminated : ExitCode::interrupted, "interrupted");
}

void set_interrupt_signal_for_test(int signal) {
  g_signal = signal;
}

}  // namespace thd
