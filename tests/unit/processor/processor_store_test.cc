// The processor's store tells an absent key from a failed or corrupt read
// (processor/processor_store.h, store/errors.h).
#include "processor/processor_store.h"

#include <gtest/gtest.h>

#include <filesystem>

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
