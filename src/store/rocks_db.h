// A RocksDB database with named column families, as the stores of Parcours use it.
//
// Each store (the processor's state, the read models) is one RocksDB directory; every batch a
// store applies is ONE WriteBatch holding its data and the Kafka offsets it has consumed, so
// that data and offsets can never disagree (ARCHITECTURE §3-§4).
//
// Thread-safety: RocksDB itself is thread-safe; RocksDb adds no state after open().
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include "store/errors.h"

namespace parcours::store {

// The outcome of a point read: found (value set), absent (no value, status ok), or failed
// (status classified by store/errors.h). An absent key is never a failure, and a failure is
// never reported as an absent key.
template <typename T>
struct Lookup {
  std::optional<T> value;
  StoreStatus status;
  bool failed() const { return !status.ok(); }
};

class RocksDb {
 public:
  struct OpenOptions {
    std::size_t block_cache_mb = 64;
    // The store only holds what can be recomputed from Kafka (read models). Its writes then
    // skip the write-ahead log and the memtables of all families flush together
    // (atomic_flush): after a crash the store is as of some earlier batch, data and offsets
    // alike, and re-reads the log from there.
    bool derived = false;
    // LZ4 blocks; off, the files hold the stored bytes as they are.
    bool compress = true;
    // Every family but these has a Bloom filter, so that a point lookup of an absent key (a
    // new journey, a new idempotency key) reads no data block.
    std::vector<std::string> scanned_only = {};
    // Memtable size per family, and how many memtables a family may hold while older ones are
    // flushed. A bulk load (rebuild) with larger ones writes fewer level-0 files and compacts
    // less.
    std::size_t write_buffer_mb = 32;
    int write_buffers = 2;
  };
  // Opens (creating if needed) the database at `path` with the given column families (the
  // default family always exists and holds metadata). nullptr and *error on failure.
  static std::unique_ptr<RocksDb> open(const std::string& path,
                                       const std::vector<std::string>& families, std::string* error,
                                       const OpenOptions& options);
  ~RocksDb();

  rocksdb::DB* db() { return db_.get(); }
  // The handle of a family declared at open(); aborts on an unknown name (a programming error).
  rocksdb::ColumnFamilyHandle* family(std::string_view name) const;
  rocksdb::ColumnFamilyHandle* meta() const { return db_->DefaultColumnFamily(); }

  [[nodiscard]] Lookup<std::string> get(rocksdb::ColumnFamilyHandle* cf,
                                        std::string_view key) const;
  // Applies a batch. Not synced: the Kafka log is the source of truth and every store
  // re-reads it from its stored offsets after a crash.
  rocksdb::Status write(rocksdb::WriteBatch& batch);

  // Offsets stored in the meta family under "offset/<topic>/<partition>".
  static std::string offset_key(std::string_view topic, int32_t partition);
  [[nodiscard]] Lookup<int64_t> offset(std::string_view topic, int32_t partition) const;
  static void put_offset(rocksdb::WriteBatch& batch, rocksdb::ColumnFamilyHandle* meta,
                         std::string_view topic, int32_t partition, int64_t next_offset);

  // Approximate on-disk size, for metrics.
  uint64_t approximate_size() const;
  // An integer property ("rocksdb.…", rocks_db_metrics.h): summed over the families when
  // `per_family`, else the database's own, read on the default family (the figures of the
  // whole database, and those of the block cache every family shares). nullopt if RocksDB
  // does not know it. Safe from any thread.
  std::optional<uint64_t> int_property(const std::string& name, bool per_family) const;

 private:
  RocksDb() = default;
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<std::string> names_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  bool derived_ = false;
};

// Big-endian fixed-width encodings, so that keys sort numerically.
std::string be64(uint64_t v);
uint64_t from_be64(std::string_view bytes);

}  // namespace parcours::store
