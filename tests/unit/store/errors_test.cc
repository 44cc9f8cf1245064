// RocksDB failures are classified in one place (store/errors.h), and a read tells an absent key
// from a failure (store/rocks_db.h).
#include "store/errors.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "store/rocks_db.h"

namespace parcours::store {
namespace {

TEST(StoreErrors, OkAndNotFoundAreNoFailure) {
  EXPECT_TRUE(classify(rocksdb::Status::OK()).ok());
  EXPECT_TRUE(classify(rocksdb::Status::NotFound()).ok());
}

TEST(StoreErrors, MomentaryConditionsAreRetriable) {
  EXPECT_EQ(classify(rocksdb::Status::Busy()).failure, StoreFailure::retriable);
  EXPECT_EQ(classify(rocksdb::Status::TryAgain()).failure, StoreFailure::retriable);
  EXPECT_EQ(classify(rocksdb::Status::TimedOut()).failure, StoreFailure::retriable);
}

TEST(StoreErrors, EverythingElseIsFatal) {
  EXPECT_EQ(classify(rocksdb::Status::Corruption("bad block")).failure, StoreFailure::fatal);
  EXPECT_EQ(classify(rocksdb::Status::IOError("disk")).failure, StoreFailure::fatal);
  EXPECT_EQ(classify(rocksdb::Status::NoSpace()).failure, StoreFailure::fatal);
  EXPECT_EQ(classify(rocksdb::Status::ShutdownInProgress()).failure, StoreFailure::fatal);
  EXPECT_EQ(classify(rocksdb::Status::NotSupported()).failure, StoreFailure::fatal);
  EXPECT_NE(classify(rocksdb::Status::Corruption("bad block")).message.find("bad block"),
            std::string::npos);
}

TEST(RocksDbRead, AbsentFoundAndCorruptOffsets) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("parcours-rocks-test-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::string error;
  auto db = RocksDb::open(dir.string(), {"data"}, &error, {});
  ASSERT_TRUE(db) << error;
  auto absent = db->get(db->family("data"), "k");
  EXPECT_FALSE(absent.value);
  EXPECT_FALSE(absent.failed());

  rocksdb::WriteBatch b;
  ASSERT_TRUE(b.Put(db->family("data"), "k", "v").ok());
  RocksDb::put_offset(b, db->meta(), "t", 2, 42);
  ASSERT_TRUE(b.Put(db->meta(), RocksDb::offset_key("t", 3), "short").ok());
  ASSERT_TRUE(db->write(b).ok());
  auto found = db->get(db->family("data"), "k");
  ASSERT_TRUE(found.value);
  EXPECT_EQ(*found.value, "v");
  EXPECT_EQ(db->offset("t", 2).value, 42);
  EXPECT_FALSE(db->offset("t", 9).value);
  EXPECT_FALSE(db->offset("t", 9).failed());
  // An offset that is not 8 bytes is corruption, not "no offset" (which would re-read from 0).
  auto bad = db->offset("t", 3);
  EXPECT_FALSE(bad.value);
  EXPECT_EQ(bad.status.failure, StoreFailure::fatal);
  db.reset();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace parcours::store
