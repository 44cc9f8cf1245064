// The identities of an instance's processors (processor/processor_pool.h, decision 24).
#include "processor/processor_pool.h"

#include "common/cpus.h"

#include <gtest/gtest.h>

namespace parcours::processor {
namespace {

ProcessorOptions base() {
  ProcessorOptions o;
  o.transactional_id = "parcours.processor-node-a";
  o.cache_entries = 100000;
  return o;
}

TEST(ProcessorPoolTest, ProcessorZeroKeepsTheInstanceIdentity) {
  const auto o = ProcessorPool::options_of(base(), 0, 2);
  EXPECT_EQ(o.transactional_id, "parcours.processor-node-a");
  EXPECT_EQ(o.name, "processor");
  EXPECT_EQ(o.index, 0);
}

TEST(ProcessorPoolTest, OthersHaveStableDistinctIdsAndClientNames) {
  const auto one = ProcessorPool::options_of(base(), 1, 3);
  const auto two = ProcessorPool::options_of(base(), 2, 3);
  EXPECT_EQ(one.transactional_id, "parcours.processor-node-a-1");
  EXPECT_EQ(two.transactional_id, "parcours.processor-node-a-2");
  EXPECT_EQ(one.name, "processor1");
  EXPECT_EQ(two.index, 2);
  // The same index gives the same identity at every start (it fences its own zombie).
  EXPECT_EQ(ProcessorPool::options_of(base(), 2, 4).transactional_id, two.transactional_id);
}

TEST(ProcessorPoolTest, TheCacheIsSharedOutNotMultiplied) {
  EXPECT_EQ(ProcessorPool::options_of(base(), 0, 1).cache_entries, 100000u);
  EXPECT_EQ(ProcessorPool::options_of(base(), 1, 4).cache_entries, 25000u);
}

TEST(ProcessorPoolTest, DefaultIsOnePerUsableCoreAndNoMoreThanThePartitions) {
  EXPECT_EQ(ProcessorPool::default_count(1024), common::usable_cpus());
  // A processor beyond the partitions would own none.
  EXPECT_EQ(ProcessorPool::default_count(1), 1);
  EXPECT_EQ(ProcessorPool::default_count(0), 1);
  EXPECT_EQ(ProcessorPool::default_count(2), std::min(2, common::usable_cpus()));
}

}  // namespace
}  // namespace parcours::processor
