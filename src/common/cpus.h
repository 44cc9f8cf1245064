// How many cores this process may use: what defaults such as "one processor per core" count.
//
// std::thread::hardware_concurrency() counts the CPUs of the process's affinity mask, which a
// container's CPU limit does not change: under Kubernetes' `limits.cpu` (a CFS quota) on a
// 64-core node it says 64. The count here is the affinity's, bounded by the quota of the
// process's cgroup (v2 `cpu.max`, v1 `cpu.cfs_quota_us` / `cpu.cfs_period_us`) rounded up, as
// the JVM and Go's runtime count them.
#pragma once

#include <optional>
#include <string_view>

namespace parcours::common {

// At least 1.
int usable_cpus();

// The cgroup's quota in CPUs (quota / period) from the text of a v2 `cpu.max` ("max 100000"
// or "200000 100000"); nullopt when there is no quota or the text is not one.
std::optional<double> cpu_max_quota(std::string_view cpu_max);

// The same from v1's two files (`cpu.cfs_quota_us`, -1 when there is no quota, and
// `cpu.cfs_period_us`).
std::optional<double> cfs_quota(std::string_view quota_us, std::string_view period_us);

// The cgroup path of the process for a controller, from the text of /proc/self/cgroup:
// v2's unified line ("0::/path") when `controller` is empty, else the v1 line whose controller
// list holds it ("4:cpu,cpuacct:/path"). nullopt if there is no such line.
std::optional<std::string_view> cgroup_path(std::string_view proc_self_cgroup,
                                            std::string_view controller);

}  // namespace parcours::common
