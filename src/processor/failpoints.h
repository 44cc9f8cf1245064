// Test-only failpoints of the processor, armed from the environment variable
// PARCOURS_FAILPOINT, which is read only when set and never set in production:
//
//   crash_after_commit:N      the process ends (exit status 137, as after kill -9) right after
//                             the N-th transaction commits, before its WriteBatch: the crash
//                             window of ARCHITECTURE §3
//   crash_on_command:MARKER   the process dies of SIGSEGV when it is about to decide a command
//                             record that contains MARKER (e.g. in its Idempotency-Key): a
//                             command that crashes the process, to be quarantined
//                             (crash_guard.h)
#pragma once

#include "processor/processor_pool.h"

namespace parcours::processor {

// Arms the failpoint PARCOURS_FAILPOINT names on every processor of `pool`, if set (the N-th
// commit counts the commits of all of them). Returns its text ("" if none), which the caller
// logs.
std::string arm_test_failpoints(ProcessorPool& pool);

}  // namespace parcours::processor
