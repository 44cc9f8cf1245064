// RocksDB figures of the stores on /metrics, read from RocksDB at every scrape (a
// prometheus::Collectable: nothing to refresh, never older than the scrape). Each series is
// labelled store="<name>" (processor, views):
//
//   parcours_rocksdb_live_data_bytes              rocksdb.estimate-live-data-size
//   parcours_rocksdb_sst_files_bytes              rocksdb.total-sst-files-size
//   parcours_rocksdb_memtables_bytes              rocksdb.cur-size-all-mem-tables
//   parcours_rocksdb_keys                         rocksdb.estimate-num-keys
//   parcours_rocksdb_pending_compaction_bytes     rocksdb.estimate-pending-compaction-bytes
//   parcours_rocksdb_block_cache_usage_bytes      rocksdb.block-cache-usage
//   parcours_rocksdb_block_cache_capacity_bytes   rocksdb.block-cache-capacity
//   parcours_rocksdb_running_compactions          rocksdb.num-running-compactions
//   parcours_rocksdb_running_flushes              rocksdb.num-running-flushes
//   parcours_rocksdb_delayed_write_rate_bytes     rocksdb.actual-delayed-write-rate: the rate
//                                                 (bytes/s) writes are slowed to, 0 when not
//   parcours_rocksdb_writes_stopped               rocksdb.is-write-stopped: 1 while RocksDB
//                                                 stops writes (too many level-0 files or
//                                                 memtables, too much pending compaction)
//
// The first five are summed over the store's column families; the others are the database's
// own (the block cache is shared by every family of a store).
//
// Thread-safety: add() before the first scrape; Collect() from any thread (RocksDB properties
// may be read concurrently with writes). The stores must outlive this object's last Collect().
#pragma once

#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include "store/rocks_db.h"

namespace parcours::store {

class RocksDbMetrics : public prometheus::Collectable {
 public:
  // Reports `db` under store="<store>".
  void add(std::string store, const RocksDb& db);
  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  mutable std::mutex mu_;
  std::vector<std::pair<std::string, const RocksDb*>> stores_;  // guarded by mu_
};

}  // namespace parcours::store
