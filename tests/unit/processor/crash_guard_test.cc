// The crash guard's plan (processor/crash_guard.h): which commands of a poll go together,
// which alone, which are quarantined, and what is recorded.
#include "processor/crash_guard.h"

#include <gtest/gtest.h>

#include <map>

namespace parcours::processor {
namespace {

using Records = std::map<int32_t, CommandAttempt>;

GuardPlan plan(const std::vector<Polled>& polled, const Records& stored) {
  return plan_batch(polled, [&](int32_t p) -> std::optional<CommandAttempt> {
    auto it = stored.find(p);
    if (it == stored.end()) return std::nullopt;
    return it->second;
  });
}

TEST(CrashGuard, WithoutRecordsEverythingGoesTogetherAndEachPartitionIsRecorded) {
  const auto g = plan({{0, 10}, {1, 5}, {0, 11}, {0, 12}}, {});
  EXPECT_EQ(g.batch, (std::vector<std::size_t>{0, 1, 2, 3}));
  EXPECT_TRUE(g.singles.empty());
  EXPECT_TRUE(g.rewind.empty());
  EXPECT_EQ(g.batch_attempts.at(0), (CommandAttempt{10, 12, 1}));
  EXPECT_EQ(g.batch_attempts.at(1), (CommandAttempt{5, 5, 1}));
}

TEST(CrashGuard, AfterACrashTheRangeIsProcessedOneAtATimeAndOtherPartitionsGoOn) {
  // The process died while working on offsets 10..12 of partition 0.
  const auto g = plan({{0, 10}, {1, 5}, {0, 11}, {0, 12}}, {{0, {10, 12, 1}}});
  EXPECT_EQ(g.batch, (std::vector<std::size_t>{1}));
  ASSERT_EQ(g.singles.size(), 1u);
  EXPECT_EQ(g.singles[0].index, 0u);
  EXPECT_FALSE(g.singles[0].quarantine);
  EXPECT_EQ(g.singles[0].attempt, (CommandAttempt{10, 12, 2}));
  EXPECT_EQ(g.singles[0].stored, (CommandAttempt{10, 12, 1}));
  EXPECT_EQ(g.rewind.at(0), 11);  // 11 and 12 are read again, each alone in turn
  EXPECT_FALSE(g.batch_attempts.count(0));
}

TEST(CrashGuard, TheThirdCrashAtAnOffsetQuarantinesIt) {
  // 10 crashed in its batch, then twice alone.
  auto g = plan({{0, 10}}, {{0, {10, 12, 2}}});
  ASSERT_EQ(g.singles.size(), 1u);
  EXPECT_FALSE(g.singles[0].quarantine);
  EXPECT_EQ(g.singles[0].attempt.attempts, 3);
  g = plan({{0, 10}, {0, 11}}, {{0, {10, 12, 3}}});
  ASSERT_EQ(g.singles.size(), 1u);
  EXPECT_TRUE(g.singles[0].quarantine);
  EXPECT_EQ(g.rewind.at(0), 11);
  EXPECT_TRUE(g.batch.empty());
}

TEST(CrashGuard, LaterOffsetsOfACrashedRangeCountTheirBatchAsOneAttempt) {
  // 10 went through alone; 11 was in the crashed batch once.
  EXPECT_EQ(after_single({10, 12, 2}, 10), (CommandAttempt{11, 12, 1}));
  const auto g = plan({{0, 11}}, {{0, {11, 12, 1}}});
  ASSERT_EQ(g.singles.size(), 1u);
  EXPECT_EQ(g.singles[0].attempt, (CommandAttempt{11, 12, 2}));
  // A command of the range met after another owner moved on counts its batch too.
  const auto h = plan({{0, 12}}, {{0, {10, 12, 3}}});
  ASSERT_EQ(h.singles.size(), 1u);
  EXPECT_FALSE(h.singles[0].quarantine);
  EXPECT_EQ(h.singles[0].attempt, (CommandAttempt{12, 12, 2}));
}

TEST(CrashGuard, TheEndOfTheRangeClearsTheRecord) {
  EXPECT_EQ(after_single({12, 12, 2}, 12), std::nullopt);
}

TEST(CrashGuard, AStaleRecordIsIgnored) {
  // The range was committed after all (a crash between commit and WriteBatch): the committed
  // offsets are past it.
  auto g = plan({{0, 13}, {0, 14}}, {{0, {10, 12, 2}}});
  EXPECT_TRUE(g.singles.empty());
  EXPECT_EQ(g.batch, (std::vector<std::size_t>{0, 1}));
  EXPECT_EQ(g.batch_attempts.at(0), (CommandAttempt{13, 14, 1}));
  // Or before it (another owner rewound): not ours to judge either.
  g = plan({{0, 4}}, {{0, {10, 12, 2}}});
  EXPECT_TRUE(g.singles.empty());
}

TEST(CrashGuard, SeveralCrashedPartitionsEachGiveOneSingle) {
  const auto g = plan({{0, 10}, {1, 7}, {1, 8}, {2, 1}}, {{0, {10, 10, 1}}, {1, {7, 9, 3}}});
  ASSERT_EQ(g.singles.size(), 2u);
  EXPECT_EQ(g.singles[0].index, 0u);
  EXPECT_FALSE(g.singles[0].quarantine);
  EXPECT_EQ(g.singles[1].index, 1u);
  EXPECT_TRUE(g.singles[1].quarantine);
  EXPECT_EQ(g.rewind.size(), 1u);
  EXPECT_EQ(g.rewind.at(1), 8);
  EXPECT_EQ(g.batch, (std::vector<std::size_t>{3}));
}

}  // namespace
}  // namespace parcours::processor
