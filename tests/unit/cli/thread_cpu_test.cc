// The CPU time of threads by name (cli/thread_cpu.h), which `parcours bench write` prints for
// the processors' threads.
#include "cli/thread_cpu.h"

#include <gtest/gtest.h>
#include <pthread.h>

#include <atomic>
#include <chrono>
#include <thread>

namespace parcours::cli {
namespace {

TEST(ThreadCpu, CountsTheNamedThreadsOnly) {
  std::atomic<bool> spun{false};
  std::atomic<bool> done{false};
  std::thread busy([&] {
    (void)pthread_setname_np(pthread_self(), "cputest-busy");
    const double start = this_thread_cpu_seconds();
    while (this_thread_cpu_seconds() - start < 0.3) {
      // 300 ms of CPU, however long the machine takes to give them: /proc's ticks below
      // check that this_thread_cpu_seconds counts CPU, not more
    }
    spun = true;
    while (!done) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  });
  std::thread idle([&] {
    (void)pthread_setname_np(pthread_self(), "cputest-idle");
    while (!done) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  });
  while (!spun) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  const double busy_cpu = threads_cpu_seconds("cputest-busy");
  const double both = threads_cpu_seconds("cputest-");
  const double idle_cpu = threads_cpu_seconds("cputest-idle");
  const double none = threads_cpu_seconds("no-such-thread");
  done = true;
  busy.join();
  idle.join();
  // Clock ticks are 10 ms: 300 ms of CPU reads as 0.29 s at least.
  EXPECT_GE(busy_cpu, 0.28);
  EXPECT_LT(idle_cpu, 0.2);
  EXPECT_GE(both, busy_cpu);
  EXPECT_EQ(none, 0.0);
  // An ended thread is not counted.
  EXPECT_EQ(threads_cpu_seconds("cputest-"), 0.0);
}

TEST(ThreadCpu, ASleepingThreadSpendsNoCpu) {
  const double before = this_thread_cpu_seconds();
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const double slept = this_thread_cpu_seconds() - before;
  EXPECT_GE(slept, 0.0);
  EXPECT_LT(slept, 0.05);  // wall time would read 0.2
}

}  // namespace
}  // namespace parcours::cli
