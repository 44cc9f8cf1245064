// The CPU time of some of this process's threads, by name: a bench's figure that the machine's
// other load moves less than a rate does.
#pragma once

#include <string_view>

namespace parcours::cli {

// User and system CPU seconds, so far, of this process's threads whose name
// (/proc/self/task/<tid>/comm) starts with `name_prefix`. A thread that has ended is not
// counted: read it while the threads run. 0 where /proc is not there.
double threads_cpu_seconds(std::string_view name_prefix);

// User and system CPU seconds, so far, of the calling thread (to the nanosecond).
double this_thread_cpu_seconds();

// The machine's CPU time so far, all cores together, from the first line of /proc/stat: the
// time busy (anything but idle and waiting for I/O) and in all. Zeros where /proc is not there.
struct MachineCpu {
  double busy_seconds = 0;
  double total_seconds = 0;
};
MachineCpu machine_cpu();
// The machine's online CPUs, those machine_cpu() adds up (at least 1).
long machine_cores();

}  // namespace parcours::cli
