// The batch linger (processor/batch_linger.h): a wait only when more commands are coming.
#include "processor/batch_linger.h"

#include <gtest/gtest.h>

namespace parcours::processor {
namespace {

using std::chrono::milliseconds;
using Clock = BatchLinger::Clock;

// Arrivals every `gap` for `seconds`, from `start`; returns the instant of the last one.
Clock::time_point steady(BatchLinger& l, Clock::time_point start, milliseconds gap, int seconds) {
  Clock::time_point t = start;
  const int n = static_cast<int>(milliseconds(seconds * 1000) / gap);
  for (int i = 0; i < n; ++i) {
    t = start + i * gap;
    l.arrived(t);
  }
  return t;
}

TEST(BatchLinger, NoWaitBeforeAnyCommand) {
  BatchLinger l(milliseconds(5));
  EXPECT_EQ(l.wait(Clock::now(), BatchLinger::First::after_idle), milliseconds(0));
  EXPECT_EQ(l.rate(Clock::now()), 0);
}

TEST(BatchLinger, TheDecayedCountIsTheRatePerSecond) {
  BatchLinger l(milliseconds(5));
  const auto last = steady(l, Clock::time_point{} + std::chrono::hours(1), milliseconds(4), 5);
  EXPECT_NEAR(l.rate(last), 250, 5);
}

TEST(BatchLinger, OneCommandAtATimeIsNotKeptWaiting) {
  // One client, each command after the reply to the one before: about 100 a second.
  BatchLinger l(milliseconds(5));
  const auto last = steady(l, Clock::time_point{} + std::chrono::hours(1), milliseconds(10), 5);
  EXPECT_EQ(l.wait(last, BatchLinger::First::after_idle), milliseconds(0));
}

TEST(BatchLinger, CommandsDueWithinTheWaitAreWaitedFor) {
  // 500 commands/s over two processors: one every 4 ms each.
  BatchLinger l(milliseconds(5));
  const auto last = steady(l, Clock::time_point{} + std::chrono::hours(1), milliseconds(4), 5);
  EXPECT_EQ(l.wait(last, BatchLinger::First::after_idle), milliseconds(5));
}

TEST(BatchLinger, AnIdleSpellEndsTheWait) {
  BatchLinger l(milliseconds(5));
  const auto last = steady(l, Clock::time_point{} + std::chrono::hours(1), milliseconds(1), 3);
  EXPECT_EQ(l.wait(last, BatchLinger::First::after_idle), milliseconds(5));
  // ~1000/s decays under 200/s (one per 5 ms) in ln(5) ≈ 1.6 s.
  EXPECT_EQ(l.wait(last + milliseconds(1500), BatchLinger::First::after_idle), milliseconds(5));
  EXPECT_EQ(l.wait(last + milliseconds(1700), BatchLinger::First::after_idle), milliseconds(0));
}

TEST(BatchLinger, ACommandThatWasQueuedIsNotKeptWaiting) {
  // It waited for the last transaction, and what came meanwhile is queued beside it.
  BatchLinger l(milliseconds(5));
  const auto last = steady(l, Clock::time_point{} + std::chrono::hours(1), milliseconds(1), 2);
  EXPECT_EQ(l.wait(last, BatchLinger::First::queued), milliseconds(0));
  EXPECT_EQ(l.wait(last, BatchLinger::First::after_idle), milliseconds(5));
}

TEST(BatchLinger, ACommandHandedOverAtOnceWasQueued) {
  const auto asked = Clock::time_point{} + std::chrono::hours(1);
  EXPECT_EQ(BatchLinger::first_command(asked, asked + std::chrono::microseconds(30)),
            BatchLinger::First::queued);
  EXPECT_EQ(BatchLinger::first_command(asked, asked + milliseconds(3)),
            BatchLinger::First::after_idle);
}

TEST(BatchLinger, NoConfiguredWaitMeansNone) {
  BatchLinger l(milliseconds(0));
  const auto last = steady(l, Clock::time_point{} + std::chrono::hours(1), milliseconds(1), 2);
  EXPECT_EQ(l.wait(last, BatchLinger::First::after_idle), milliseconds(0));
}

}  // namespace
}  // namespace parcours::processor
