#include "common/cpus.h"

#include <sched.h>

namespace parcours::common {
namespace {

TEST(CpuMaxQuota, ReadsQuotaOverPeriod) {
  EXPECT_EQ(cpu_max_quota("200000 100000\n"), 2.0);
  EXPECT_EQ(cpu_max_quota("150000 100000"), 1.5);
  EXPECT_EQ(cpu_max_quota("50000 100000\n"), 0.5);
}

TEST(CpuMaxQuota, NoQuotaOrNoNumberIsNone) {
  EXPECT_EQ(cpu_max_quota("max 100000\n"), std::nullopt);
  EXPECT_EQ(cpu_max_quota(""), std::nullopt);
  EXPECT_EQ(cpu_max_quota("100000"), std::nullopt);
  EXPECT_EQ(cpu_max_quota("100000 0"), std::nullopt);
  EXPECT_EQ(cpu_max_quota("1x 100000"), std::nullopt);
}

TEST(CfsQuota, ReadsV1Files) {
  EXPECT_EQ(cfs_quota("400000\n", "100000\n"), 4.0);
  EXPECT_EQ(cfs_quota("-1\n", "100000\n"), std::nullopt);  // no quota
  EXPECT_EQ(cfs_quota("", "100000"), std::nullopt);
}

TEST(CgroupPath, FindsTheUnifiedLineAndTheV1Controller) {
  const std::string v2 = "0::/kubepods.slice/pod1/cri-abc\n";
  EXPECT_EQ(cgroup_path(v2, ""), "/kubepods.slice/pod1/cri-abc");
  EXPECT_EQ(cgroup_path(v2, "cpu"), std::nullopt);

  const std::string v1 =
      "12:memory:/docker/abc\n"
      "4:cpu,cpuacct:/docker/abc\n"
      "3:cpuset:/docker/abc\n"
      "1:name=systemd:/docker/abc\n";
  EXPECT_EQ(cgroup_path(v1, "cpu"), "/docker/abc");
  EXPECT_EQ(cgroup_path(v1, "cpuacct"), "/docker/abc");
  EXPECT_EQ(cgroup_path(v1, ""), std::nullopt);
  // "cpu" is a controller of its own, not a prefix of "cpuset".
  EXPECT_EQ(cgroup_path("3:cpuset:/x\n", "cpu"), std::nullopt);
  // A hybrid host: v1 controllers and the unified line side by side.
  EXPECT_EQ(cgroup_path("4:cpu,cpuacct:/a\n0::/b\n", ""), "/b");
  EXPECT_EQ(cgroup_path("garbage\n\n", "cpu"), std::nullopt);
}

TEST(UsableCpus, AtLeastOneAndNoMoreThanTheAffinityAllows) {
  cpu_set_t set;
  CPU_ZERO(&set);
  ASSERT_EQ(sched_getaffinity(0, sizeof set, &set), 0);
  const int n = usable_cpus();
  EXPECT_GE(n, 1);
  EXPECT_LE(n, CPU_COUNT(&set));
}

}  // namespace
}  // namespace parcours::common
