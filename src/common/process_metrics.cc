#include "common/process_metrics.h"

#include <sys/resource.h>
#include <unistd.h>

#include <charconv>
#include <filesystem>
#include <sstream>
#include <string>

#include "common/files.h"

namespace parcours::common {

namespace {

std::optional<double> number(std::string_view text) {
  double v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || end == text.data()) return std::nullopt;
  return v;
}

std::optional<double> cpu_seconds() {
  rusage u{};
  if (getrusage(RUSAGE_SELF, &u) != 0) return std::nullopt;
  auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return seconds(u.ru_utime) + seconds(u.ru_stime);
}

// /proc/self/statm: "size resident shared text lib data dt", in pages.
std::optional<double> statm_bytes(int field) {
  const auto text = read_whole_file("/proc/self/statm");
  if (!text) return std::nullopt;
  std::istringstream in(*text);
  double pages = 0;
  for (int i = 0; i <= field; ++i) {
    if (!(in >> pages)) return std::nullopt;
  }
  return pages * static_cast<double>(sysconf(_SC_PAGESIZE));
}

std::optional<double> open_fds() {
  std::error_code ec;
  std::filesystem::directory_iterator it("/proc/self/fd", ec);
  if (ec) return std::nullopt;
  double n = 0;
  for (; it != std::filesystem::directory_iterator(); it.increment(ec)) {
    if (ec) return std::nullopt;
    ++n;
  }
  return n - 1;  // the descriptor of the listing itself
}

std::optional<double> max_fds() {
  rlimit l{};
  if (getrlimit(RLIMIT_NOFILE, &l) != 0 || l.rlim_cur == RLIM_INFINITY) return std::nullopt;
  return static_cast<double>(l.rlim_cur);
}

std::optional<double> stat_number(int field) {
  const auto text = read_whole_file("/proc/self/stat");
  if (!text) return std::nullopt;
  const auto v = proc_stat_field(*text, field);
  return v ? number(*v) : std::nullopt;
}

std::optional<double> start_time_seconds() {
  // Field 22: the start in clock ticks after the boot, whose time /proc/stat gives.
  const auto ticks = stat_number(22);
  const auto stat = read_whole_file("/proc/stat");
  if (!ticks || !stat) return std::nullopt;
  const auto at = stat->find("\nbtime ");
  if (at == std::string::npos) return std::nullopt;
  const std::string_view rest = std::string_view(*stat).substr(at + 7);
  const auto boot = number(rest.substr(0, rest.find('\n')));
  if (!boot) return std::nullopt;
  return *boot + *ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

struct Figure {
  const char* name;
  const char* help;
  prometheus::MetricType type;
  std::optional<double> (*read)();
};

const Figure kFigures[] = {
    {"process_cpu_seconds_total", "User and system CPU time of the process, in seconds",
     prometheus::MetricType::Counter, cpu_seconds},
    {"process_resident_memory_bytes", "Resident memory of the process, in bytes",
     prometheus::MetricType::Gauge, [] { return statm_bytes(1); }},
    {"process_virtual_memory_bytes", "Virtual memory of the process, in bytes",
     prometheus::MetricType::Gauge, [] { return statm_bytes(0); }},
    {"process_open_fds", "Open file descriptors of the process", prometheus::MetricType::Gauge,
     open_fds},
    {"process_max_fds", "Limit on the open file descriptors of the process (soft)",
     prometheus::MetricType::Gauge, max_fds},
    {"process_threads", "Threads of the process", prometheus::MetricType::Gauge,
     [] { return stat_number(20); }},
    {"process_start_time_seconds", "Start time of the process, in seconds since the epoch",
     prometheus::MetricType::Gauge, start_time_seconds},
};

}  // namespace

std::optional<std::string_view> proc_stat_field(std::string_view line, int field) {
  if (field < 1) return std::nullopt;
  const auto open = line.find('(');
  const auto close = line.rfind(')');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open) {
    return std::nullopt;
  }
  if (field == 1) return line.substr(0, open == 0 ? 0 : open - 1);
  if (field == 2) return line.substr(open, close - open + 1);
  std::size_t at = close + 1;
  for (int i = 3;; ++i) {
    while (at < line.size() && (line[at] == ' ' || line[at] == '\n')) ++at;
    if (at >= line.size()) return std::nullopt;
    std::size_t end = at;
    while (end < line.size() && line[end] != ' ' && line[end] != '\n') ++end;
    if (i == field) return line.substr(at, end - at);
    at = end;
  }
}

std::vector<prometheus::MetricFamily> ProcessMetrics::Collect() const {
  std::vector<prometheus::MetricFamily> out;
  for (const Figure& f : kFigures) {
    const auto value = f.read();
    if (!value) continue;
    prometheus::ClientMetric m;
    if (f.type == prometheus::MetricType::Counter) {
      m.counter.value = *value;
    } else {
      m.gauge.value = *value;
    }
    out.push_back({f.name, f.help, f.type, {std::move(m)}});
  }
  return out;
}

}  // namespace parcours::common
