#include "store/rocks_db_metrics.h"

namespace parcours::store {

namespace {

struct Figure {
  const char* metric;
  const char* help;
  const char* property;
  bool per_family;  // summed over the column families, else the database's own
};

constexpr Figure kFigures[] = {
    {"parcours_rocksdb_live_data_bytes", "Estimated size of the store's live data",
     "rocksdb.estimate-live-data-size", true},
    {"parcours_rocksdb_sst_files_bytes", "Size of the store's table files on disk",
     "rocksdb.total-sst-files-size", true},
    {"parcours_rocksdb_memtables_bytes", "Memory of the store's memtables, flushed or not",
     "rocksdb.cur-size-all-mem-tables", true},
    {"parcours_rocksdb_keys", "Estimated number of keys in the store", "rocksdb.estimate-num-keys",
     true},
    {"parcours_rocksdb_pending_compaction_bytes",
     "Estimated bytes compaction must rewrite to bring the store's levels under their targets",
     "rocksdb.estimate-pending-compaction-bytes", true},
    {"parcours_rocksdb_block_cache_usage_bytes", "Memory held in the store's block cache",
     "rocksdb.block-cache-usage", false},
    {"parcours_rocksdb_block_cache_capacity_bytes", "Capacity of the store's block cache",
     "rocksdb.block-cache-capacity", false},
    {"parcours_rocksdb_running_compactions", "Compactions of the store running now",
     "rocksdb.num-running-compactions", false},
    {"parcours_rocksdb_running_flushes", "Memtable flushes of the store running now",
     "rocksdb.num-running-flushes", false},
    {"parcours_rocksdb_delayed_write_rate_bytes",
     "Rate (bytes/s) RocksDB slows the store's writes to, 0 when it does not",
     "rocksdb.actual-delayed-write-rate", false},
    {"parcours_rocksdb_writes_stopped", "1 while RocksDB stops the store's writes",
     "rocksdb.is-write-stopped", false},
};

}  // namespace

void RocksDbMetrics::add(std::string store, const RocksDb& db) {
  std::lock_guard lock(mu_);
  stores_.emplace_back(std::move(store), &db);
}

std::vector<prometheus::MetricFamily> RocksDbMetrics::Collect() const {
  std::lock_guard lock(mu_);
  std::vector<prometheus::MetricFamily> out;
  for (const Figure& f : kFigures) {
    prometheus::MetricFamily family{f.metric, f.help, prometheus::MetricType::Gauge, {}};
    for (const auto& [store, db] : stores_) {
      // A property this RocksDB does not know leaves its series out rather than read 0.
      const auto value = db->int_property(f.property, f.per_family);
      if (!value) continue;
      prometheus::ClientMetric m;
      m.label = {{"store", store}};
      m.gauge.value = static_cast<double>(*value);
      family.metric.push_back(std::move(m));
    }
    if (!family.metric.empty()) out.push_back(std::move(family));
  }
  return out;
}

}  // namespace parcours::store
