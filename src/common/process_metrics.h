// The process's own figures on /metrics, under the names every Prometheus client library gives
// them (the "process metrics" of Prometheus' client guidelines), read from the kernel at every
// scrape (a prometheus::Collectable: nothing to refresh):
//
//   process_cpu_seconds_total       user and system CPU of every thread (getrusage)
//   process_resident_memory_bytes   resident set (/proc/self/statm)
//   process_virtual_memory_bytes    virtual memory (/proc/self/statm)
//   process_open_fds                open file descriptors (/proc/self/fd)
//   process_max_fds                 the soft limit on them (RLIMIT_NOFILE)
//   process_threads                 threads (/proc/self/stat)
//   process_start_time_seconds      when the process started, in seconds since the epoch
//                                   (/proc/self/stat and the boot time of /proc/stat)
//
// A figure the kernel does not give (no /proc) leaves its series out rather than read 0.
//
// Thread-safety: Collect() from any thread.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

namespace parcours::common {

class ProcessMetrics : public prometheus::Collectable {
 public:
  std::vector<prometheus::MetricFamily> Collect() const override;
};

// Fields of a /proc/<pid>/stat line, counted as proc(5) counts them (1 is the pid, 3 the
// state): the command name between the parentheses may hold spaces and parentheses itself.
// nullopt if the line has no such field.
std::optional<std::string_view> proc_stat_field(std::string_view line, int field);

}  // namespace parcours::common
