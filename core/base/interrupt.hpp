// Ctrl-C and kill: SIGINT and SIGTERM only set a flag here; the engine's
// tick and the pipeline's phase boundaries look at it, stop, save what the
// run learned, and end with exit 130 (SIGINT) or 143 (SIGTERM).
#pragma once

#include "core/base/error.hpp"

namespace thd {

// Installs the handlers (SIGINT, SIGTERM). Only `run` does (the commands
// that fetch and save state); the others keep the default, where Ctrl-C ends
// them at once. A second signal of either kind ends the process at once (the
// handler resets both to the default).
void install_interrupt_handlers();
// The signal received (SIGINT or SIGTERM), 0 when none.
int interrupt_signal();
// Throws FatalError "interrupted" (exit 130, or 143 for SIGTERM) when a
// signal was received.
void check_interrupted();
// For tests: as if `signal` had been received (0 clears).
void set_interrupt_signal_for_test(int signal);

}  // namespace thd
