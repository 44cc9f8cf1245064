// The stores' RocksDB figures, read at each scrape (store/rocks_db_metrics.h), on real
// databases in a temporary directory.
#include "store/rocks_db_metrics.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <optional>

namespace parcours::store {
namespace {

class RocksDbMetricsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("parcours-rocks-metrics-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::string error;
    views_ = RocksDb::open((dir_ / "views").string(), {"journeys", "index"}, &error,
                           {.block_cache_mb = 8, .derived = true});
    ASSERT_TRUE(views_) << error;
    processor_ =
        RocksDb::open((dir_ / "processor").string(), {"state"}, &error, {.block_cache_mb = 4});
    ASSERT_TRUE(processor_) << error;
    metrics_.add("views", *views_);
    metrics_.add("processor", *processor_);
  }
  void TearDown() override {
    views_.reset();
    processor_.reset();
    std::filesystem::remove_all(dir_);
  }

  // The value of `name` for `store` in a fresh collection, if present.
  std::optional<double> value(const std::string& name, const std::string& store) const {
    for (const auto& family : metrics_.Collect()) {
      if (family.name != name) continue;
      EXPECT_EQ(family.type, prometheus::MetricType::Gauge);
      for (const auto& m : family.metric) {
        if (m.label.size() == 1 && m.label[0].name == "store" && m.label[0].value == store) {
          return m.gauge.value;
        }
      }
    }
    return std::nullopt;
  }

  void fill(int n) {
    rocksdb::WriteBatch batch;
    for (int i = 0; i < n; ++i) {
      const std::string key = "j-" + std::to_string(i);
      ASSERT_TRUE(batch.Put(views_->family("journeys"), key, std::string(200, 'x')).ok());
      ASSERT_TRUE(batch.Put(views_->family("index"), "idx/" + key, key).ok());
    }
    ASSERT_TRUE(views_->write(batch).ok());
  }

  std::filesystem::path dir_;
  std::unique_ptr<RocksDb> views_;
  std::unique_ptr<RocksDb> processor_;
  RocksDbMetrics metrics_;
};

TEST_F(RocksDbMetricsTest, EveryFigureOfEveryStore) {
  const auto families = metrics_.Collect();
  EXPECT_EQ(families.size(), 11u);
  for (const auto& family : families) {
    EXPECT_EQ(family.metric.size(), 2u) << family.name;
    EXPECT_FALSE(family.help.empty()) << family.name;
  }
  EXPECT_EQ(value("parcours_rocksdb_block_cache_capacity_bytes", "views"), 8 << 20);
  EXPECT_EQ(value("parcours_rocksdb_block_cache_capacity_bytes", "processor"), 4 << 20);
  EXPECT_EQ(value("parcours_rocksdb_writes_stopped", "views"), 0);
  EXPECT_EQ(value("parcours_rocksdb_delayed_write_rate_bytes", "views"), 0);
  EXPECT_EQ(value("parcours_rocksdb_sst_files_bytes", "views"), 0);
}

TEST_F(RocksDbMetricsTest, WritesShowInMemtablesThenInTableFiles) {
  const double empty = *value("parcours_rocksdb_memtables_bytes", "views");
  fill(2000);
  EXPECT_GT(*value("parcours_rocksdb_memtables_bytes", "views"), empty + 2000 * 200);
  // Summed over the families: both hold 2000 keys.
  EXPECT_GE(*value("parcours_rocksdb_keys", "views"), 3000);
  EXPECT_EQ(value("parcours_rocksdb_keys", "processor"), 0);

  std::vector<rocksdb::ColumnFamilyHandle*> all{views_->meta(), views_->family("journeys"),
                                                views_->family("index")};
  ASSERT_TRUE(views_->db()->Flush(rocksdb::FlushOptions(), all).ok());
  EXPECT_GT(*value("parcours_rocksdb_sst_files_bytes", "views"), 0);
  EXPECT_GT(*value("parcours_rocksdb_live_data_bytes", "views"), 0);
  EXPECT_EQ(value("parcours_rocksdb_sst_files_bytes", "processor"), 0);

  // Reads fill the block cache.
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(views_->get(views_->family("journeys"), "j-" + std::to_string(i)).value);
  }
  EXPECT_GT(*value("parcours_rocksdb_block_cache_usage_bytes", "views"), 0);
}

}  // namespace
}  // namespace parcours::store
