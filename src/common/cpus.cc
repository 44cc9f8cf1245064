#include "common/cpus.h"

#include <sched.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <string>
#include <thread>

#include "common/files.h"

namespace parcours::common {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\n' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\n' || s.back() == '\t')) {
    s.remove_suffix(1);
  }
  return s;
}

std::optional<long long> integer(std::string_view s) {
  s = trim(s);
  long long v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<double> quota_of(long long quota, long long period) {
  if (quota <= 0 || period <= 0) return std::nullopt;
  return static_cast<double>(quota) / static_cast<double>(period);
}

int affinity_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) == 0) return std::max(1, CPU_COUNT(&set));
  return std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
}

// The process's own cgroup first; the mount's root next, which is the container's own cgroup
// when the container does not see its path under the mount (cgroup v1 without a namespace).
std::optional<double> cgroup_quota() {
  const auto self = read_whole_file("/proc/self/cgroup");
  if (!self) return std::nullopt;
  if (const auto path = cgroup_path(*self, "")) {
    for (const std::string& dir :
         {"/sys/fs/cgroup" + std::string(*path), std::string("/sys/fs/cgroup")}) {
      if (const auto text = read_whole_file(dir + "/cpu.max")) return cpu_max_quota(*text);
    }
  }
  if (const auto path = cgroup_path(*self, "cpu")) {
    for (const std::string_view mount : {"/sys/fs/cgroup/cpu", "/sys/fs/cgroup/cpu,cpuacct"}) {
      for (const std::string& dir : {std::string(mount) + std::string(*path), std::string(mount)}) {
        const auto quota = read_whole_file(dir + "/cpu.cfs_quota_us");
        const auto period = read_whole_file(dir + "/cpu.cfs_period_us");
        if (quota && period) return cfs_quota(*quota, *period);
      }
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<double> cpu_max_quota(std::string_view cpu_max) {
  cpu_max = trim(cpu_max);
  const auto space = cpu_max.find(' ');
  if (space == std::string_view::npos) return std::nullopt;
  const auto quota = integer(cpu_max.substr(0, space));
  const auto period = integer(cpu_max.substr(space + 1));
  if (!quota || !period) return std::nullopt;  // "max": no quota
  return quota_of(*quota, *period);
}

std::optional<double> cfs_quota(std::string_view quota_us, std::string_view period_us) {
  const auto quota = integer(quota_us);
  const auto period = integer(period_us);
  if (!quota || !period) return std::nullopt;
  return quota_of(*quota, *period);
}

std::optional<std::string_view> cgroup_path(std::string_view proc_self_cgroup,
                                            std::string_view controller) {
  while (!proc_self_cgroup.empty()) {
    const auto end = std::min(proc_self_cgroup.find('\n'), proc_self_cgroup.size());
    const std::string_view line = proc_self_cgroup.substr(0, end);
    proc_self_cgroup.remove_prefix(std::min(end + 1, proc_self_cgroup.size()));
    const auto first = line.find(':');
    const auto second = first == std::string_view::npos ? first : line.find(':', first + 1);
    if (second == std::string_view::npos) continue;
    const std::string_view controllers = line.substr(first + 1, second - first - 1);
    const std::string_view path = line.substr(second + 1);
    if (controller.empty()) {
      if (line.substr(0, first) == "0" && controllers.empty()) return path;
      continue;
    }
    std::string_view rest = controllers;
    while (!rest.empty()) {
      const auto comma = std::min(rest.find(','), rest.size());
      if (rest.substr(0, comma) == controller) return path;
      rest.remove_prefix(std::min(comma + 1, rest.size()));
    }
  }
  return std::nullopt;
}

int usable_cpus() {
  const int affinity = affinity_cpus();
  const auto quota = cgroup_quota();
  if (!quota) return affinity;
  return std::clamp(static_cast<int>(std::ceil(*quota)), 1, affinity);
}

}  // namespace parcours::common
