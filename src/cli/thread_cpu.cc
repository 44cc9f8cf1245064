#include "cli/thread_cpu.h"

#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <string>

#include "common/process_metrics.h"

namespace parcours::cli {

namespace {

// utime + stime of one thread, in clock ticks: fields 14 and 15 of its stat.
long thread_ticks(const std::filesystem::path& task) {
  std::ifstream in(task / "stat");
  std::string line;
  if (!std::getline(in, line)) return 0;
  long ticks = 0;
  for (int field : {14, 15}) {
    const auto text = common::proc_stat_field(line, field);
    long v = 0;
    if (!text || std::from_chars(text->data(), text->data() + text->size(), v).ec != std::errc{}) {
      return 0;
    }
    ticks += v;
  }
  return ticks;
}

}  // namespace

double threads_cpu_seconds(std::string_view name_prefix) {
  std::error_code ec;
  long ticks = 0;
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task", ec)) {
    std::ifstream comm(task.path() / "comm");
    std::string name;
    if (!std::getline(comm, name) || !name.starts_with(name_prefix)) continue;
    ticks += thread_ticks(task.path());
  }
  const long hz = sysconf(_SC_CLK_TCK);
  return hz > 0 ? static_cast<double>(ticks) / static_cast<double>(hz) : 0.0;
}

MachineCpu machine_cpu() {
  // "cpu  user nice system idle iowait irq softirq steal guest guest_nice", in clock ticks;
  // guest time is already counted in user and nice.
  std::ifstream in("/proc/stat");
  std::string label;
  double ticks[8] = {};
  if (!(in >> label) || label != "cpu") return {};
  for (double& t : ticks) {
    if (!(in >> t)) return {};
  }
  const long hz = sysconf(_SC_CLK_TCK);
  if (hz <= 0) return {};
  double total = 0;
  for (double t : ticks) total += t;
  const double idle = ticks[3] + ticks[4];
  return {(total - idle) / static_cast<double>(hz), total / static_cast<double>(hz)};
}

long machine_cores() {
  return std::max(1L, sysconf(_SC_NPROCESSORS_ONLN));
}

double this_thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

}  // namespace parcours::cli
