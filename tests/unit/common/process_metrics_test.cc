#include "common/process_metrics.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace parcours::common {
namespace {

std::optional<double> figure(const std::string& name) {
  for (const auto& family : ProcessMetrics().Collect()) {
    if (family.name != name) continue;
    EXPECT_EQ(family.metric.size(), 1u) << name;
    if (family.metric.empty()) return std::nullopt;
    return family.type == prometheus::MetricType::Counter ? family.metric[0].counter.value
                                                          : family.metric[0].gauge.value;
  }
  return std::nullopt;
}

TEST(ProcStatField, CountsFieldsAfterACommandNameWithSpacesAndParentheses) {
  const std::string line =
      "4242 (a (b) c) S 1 4242 4242 0 -1 4194560 7 0 0 0 3 4 0 0 20 0 9 0 "
      "123456 1000 50\n";
  EXPECT_EQ(proc_stat_field(line, 1), "4242");
  EXPECT_EQ(proc_stat_field(line, 2), "(a (b) c)");
  EXPECT_EQ(proc_stat_field(line, 3), "S");
  EXPECT_EQ(proc_stat_field(line, 14), "3");
  EXPECT_EQ(proc_stat_field(line, 20), "9");
  EXPECT_EQ(proc_stat_field(line, 22), "123456");
  EXPECT_EQ(proc_stat_field(line, 24), "50");
  EXPECT_EQ(proc_stat_field(line, 25), std::nullopt);
  EXPECT_EQ(proc_stat_field(line, 0), std::nullopt);
  EXPECT_EQ(proc_stat_field("no parentheses at all", 3), std::nullopt);
}

TEST(ProcessMetrics, CpuSecondsGrowWithTheWorkDone) {
  const auto before = figure("process_cpu_seconds_total");
  ASSERT_TRUE(before.has_value());
  // Burn about 200 ms of CPU on this thread.
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(200);
  volatile unsigned long sink = 0;
  while (std::chrono::steady_clock::now() < until) sink = sink + 1;
  const auto after = figure("process_cpu_seconds_total");
  ASSERT_TRUE(after.has_value());
  EXPECT_GT(*after - *before, 0.1);
  EXPECT_LT(*after - *before, 5.0);
}

TEST(ProcessMetrics, OpenFdsCountTheDescriptorsOpened) {
  const auto before = figure("process_open_fds");
  ASSERT_TRUE(before.has_value());
  int fds[3];
  for (int& fd : fds) fd = open("/dev/null", O_RDONLY);
  const auto during = figure("process_open_fds");
  for (int fd : fds) close(fd);
  ASSERT_TRUE(during.has_value());
  EXPECT_EQ(*during - *before, 3);
  EXPECT_EQ(figure("process_open_fds"), before);
}

TEST(ProcessMetrics, MaxFdsIsTheSoftLimit) {
  rlimit l{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &l), 0);
  EXPECT_EQ(figure("process_max_fds"), static_cast<double>(l.rlim_cur));
}

TEST(ProcessMetrics, ThreadsCountTheThreadsRunning) {
  const auto before = figure("process_threads");
  ASSERT_TRUE(before.has_value());
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  std::thread t([&] {
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return done; });
  });
  const auto during = figure("process_threads");
  {
    std::lock_guard lock(mu);
    done = true;
  }
  cv.notify_one();
  t.join();
  ASSERT_TRUE(during.has_value());
  EXPECT_EQ(*during - *before, 1);
}

TEST(ProcessMetrics, MemoryAndStartTimeArePlausible) {
  const auto resident = figure("process_resident_memory_bytes");
  const auto virtual_bytes = figure("process_virtual_memory_bytes");
  ASSERT_TRUE(resident && virtual_bytes);
  EXPECT_GT(*resident, 1 << 20);
  EXPECT_GE(*virtual_bytes, *resident);

  // The test binary started a moment ago: within the last hour, not in the future (the
  // kernel's figure is in clock ticks after a boot time of whole seconds).
  const auto start = figure("process_start_time_seconds");
  ASSERT_TRUE(start.has_value());
  const double now =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  EXPECT_LE(*start, now + 1.0);
  EXPECT_GT(*start, now - 3600.0);
}

TEST(ProcessMetrics, CpuIsACounterAndTheRestGauges) {
  for (const auto& family : ProcessMetrics().Collect()) {
    EXPECT_EQ(family.type, family.name == "process_cpu_seconds_total"
                               ? prometheus::MetricType::Counter
                               : prometheus::MetricType::Gauge)
        << family.name;
    EXPECT_FALSE(family.help.empty()) << family.name;
  }
  EXPECT_EQ(ProcessMetrics().Collect().size(), 7u);
}

}  // namespace
}  // namespace parcours::common
