// The processor's store tells an absent key from a failed or corrupt read
// (processor/processor_store.h, store/errors.h); its handles, and what it keeps of the deadlines.
#include "processor/processor_store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <mutex>
#include <set>

#include "processor/deadline_scheduler.h"

namespace parcours::processor {
namespace {

class ProcessorStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("parcours-store-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::string error;
    store_ = ProcessorStore::open(dir_.string(), &error);
    ASSERT_TRUE(store_) << error;
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  std::filesystem::path dir_;
  std::unique_ptr<ProcessorStore> store_;
};

TEST_F(ProcessorStoreTest, AnAbsentKeyIsNoFailure) {
  EXPECT_FALSE(store_->state("j-nobody"));
  EXPECT_FALSE(store_->attempt(3));
  EXPECT_FALSE(store_->idempotency("journey:j", "k"));
  EXPECT_TRUE(store_->take_read_failure().ok());
}

TEST_F(ProcessorStoreTest, AttemptRecordsRoundTripAndGo) {
  auto b = store_->batch();
  b.put_attempt(3, {10, 12, 2});
  ASSERT_TRUE(store_->commit(b).ok());
  EXPECT_EQ(store_->attempt(3), (CommandAttempt{10, 12, 2}));
  auto d = store_->batch();
  d.delete_attempt(3);
  ASSERT_TRUE(store_->commit(d).ok());
  EXPECT_FALSE(store_->attempt(3));
  EXPECT_TRUE(store_->take_read_failure().ok());
}

TEST_F(ProcessorStoreTest, ACorruptValueIsAFatalFailureNotAnAbsentKey) {
  auto b = store_->batch();
  b.put_meta("attempt/1", "{not json");
  ASSERT_TRUE(store_->commit(b).ok());
  EXPECT_FALSE(store_->attempt(1));
  const auto f = store_->take_read_failure();
  EXPECT_EQ(f.failure, store::StoreFailure::fatal);
  EXPECT_NE(f.message.find("corrupt"), std::string::npos);
  // Taken once: the next read starts clean.
  EXPECT_TRUE(store_->take_read_failure().ok());
}

}  // namespace
}  // namespace parcours::processor

namespace parcours::processor {
namespace {

// Decision 24: the processors of an instance each read and write through a handle of their own.
TEST_F(ProcessorStoreTest, HandlesShareTheDataButNotTheirReadFailures) {
  auto other = store_->share();
  auto b = other->batch();
  b.put_attempt(2, {5, 6, 1});
  b.put_meta("attempt/4", "{not json");
  ASSERT_TRUE(other->commit(b).ok());
  EXPECT_EQ(store_->attempt(2), (CommandAttempt{5, 6, 1}));  // written by one, read by the other

  EXPECT_FALSE(other->attempt(4));                // a corrupt read through one handle...
  EXPECT_TRUE(store_->take_read_failure().ok());  // ...is not the other's failure
  EXPECT_EQ(other->take_read_failure().failure, store::StoreFailure::fatal);
}

TEST_F(ProcessorStoreTest, TheWriteLockIsOneForAllHandles) {
  auto other = store_->share();
  auto held = store_->lock_writes();
  EXPECT_FALSE(std::unique_lock<std::mutex>(*held.mutex(), std::try_to_lock).owns_lock());
  auto b = store_->batch();
  b.put_meta("m", "1");
  ASSERT_TRUE(store_->commit(b, held).ok());  // commits while holding it
  held.unlock();
  auto c = other->batch();
  c.put_meta("m", "2");
  ASSERT_TRUE(other->commit(c).ok());  // and the other handle's commit takes it again
  EXPECT_EQ(store_->meta("m"), "2");
}

}  // namespace
}  // namespace parcours::processor

namespace parcours::processor {
namespace {

// Each processor's deadline scan asks for the day's sweep of old rejections: one scan does it.
TEST_F(ProcessorStoreTest, RejectionsAreSweptOncePerDay) {
  auto b = store_->batch();
  b.put_idempotency("journey:j", "old", IdempotencyEntry{"h", 422, {{"code", "x"}}, "2026-10-01"});
  b.put_idempotency("journey:j", "new", IdempotencyEntry{"h", 422, {{"code", "x"}}, "2026-12-01"});
  b.put_idempotency("journey:j", "ok", IdempotencyEntry{"h", 201, {{"v", 1}}, "2026-10-01"});
  ASSERT_TRUE(store_->commit(b).ok());
  auto other = store_->share();
  EXPECT_EQ(other->forget_rejections_before("2026-11-03"), 1);
  EXPECT_FALSE(store_->idempotency("journey:j", "old"));
  EXPECT_TRUE(store_->idempotency("journey:j", "new"));
  EXPECT_TRUE(store_->idempotency("journey:j", "ok"));  // accepted commands are kept for good

  // The same day again, from another handle: no scan (an entry put back stays).
  auto again = store_->batch();
  again.put_idempotency("journey:j", "old", IdempotencyEntry{"h", 422, {}, "2026-10-01"});
  ASSERT_TRUE(store_->commit(again).ok());
  EXPECT_EQ(store_->forget_rejections_before("2026-11-03"), 0);
  EXPECT_TRUE(store_->idempotency("journey:j", "old"));
  // The next day scans again.
  EXPECT_EQ(store_->forget_rejections_before("2026-11-04"), 1);
  EXPECT_FALSE(store_->idempotency("journey:j", "old"));
  EXPECT_TRUE(store_->take_read_failure().ok());
}

// The last day the deadlines were scheduled is kept per partition (decision 24).
TEST_F(ProcessorStoreTest, DeadlinesAreDuePerPartition) {
  const std::set<int32_t> owned{0, 1, 2};
  EXPECT_EQ(DeadlineScheduler::due_partitions(owned, *store_, "2026-12-03", false), owned);
  auto b = store_->batch();
  b.put_meta("deadlines/last_day", "2026-12-02");  // what an older build kept for the store
  b.put_meta(DeadlineScheduler::last_day_key(1), "2026-12-03");
  ASSERT_TRUE(store_->commit(b).ok());
  // Partition 1 was done today; 0 and 2 fall back to the store's day, yesterday.
  EXPECT_EQ(DeadlineScheduler::due_partitions(owned, *store_, "2026-12-03", false),
            (std::set<int32_t>{0, 2}));
  EXPECT_EQ(DeadlineScheduler::due_partitions(owned, *store_, "2026-12-02", false),
            std::set<int32_t>{});
  EXPECT_EQ(DeadlineScheduler::due_partitions(owned, *store_, "2026-12-03", true), owned);
  EXPECT_TRUE(store_->take_read_failure().ok());
}

}  // namespace
}  // namespace parcours::processor

namespace parcours::processor {
namespace {

// A processor's deadline scan parses the states of its own partitions only.
TEST_F(ProcessorStoreTest, TheStateScanVisitsTheWantedIdsOnly) {
  auto b = store_->batch();
  for (const char* id : {"j-a", "j-b", "j-c"}) {
    domain::JourneyState s;
    s.journey_id = id;
    b.put_state(s);
  }
  ASSERT_TRUE(store_->commit(b).ok());
  std::set<std::string> seen;
  store_->for_each_state(
      [&](const domain::JourneyState& s) {
        seen.insert(s.journey_id);
        return true;
      },
      [](std::string_view id) { return id != "j-b"; });
  EXPECT_EQ(seen, (std::set<std::string>{"j-a", "j-c"}));
  seen.clear();
  store_->for_each_state([&](const domain::JourneyState& s) {
    seen.insert(s.journey_id);
    return true;
  });
  EXPECT_EQ(seen.size(), 3u);
  EXPECT_TRUE(store_->take_read_failure().ok());
}

// A sweep cut short (the processor stopping) is not taken for the day's: it is done again.
TEST_F(ProcessorStoreTest, ASweepCutShortIsDoneAgain) {
  auto b = store_->batch();
  b.put_idempotency("journey:j", "old", IdempotencyEntry{"h", 422, {{"code", "x"}}, "2026-10-01"});
  ASSERT_TRUE(store_->commit(b).ok());
  std::atomic<bool> cancel{true};
  EXPECT_EQ(store_->forget_rejections_before("2026-11-03", &cancel), 0);
  EXPECT_TRUE(store_->idempotency("journey:j", "old"));
  cancel = false;
  EXPECT_EQ(store_->forget_rejections_before("2026-11-03", &cancel), 1);
  EXPECT_FALSE(store_->idempotency("journey:j", "old"));
}

}  // namespace
}  // namespace parcours::processor
