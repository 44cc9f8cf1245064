#include "store/rocks_db.h"

#include <rocksdb/cache.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/table.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

namespace parcours::store {

std::unique_ptr<RocksDb> RocksDb::open(const std::string& path,
                                       const std::vector<std::string>& families, std::string* error,
                                       const OpenOptions& o) {
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  rocksdb::Options options;
  options.create_if_missing = true;
  options.create_missing_column_families = true;
  options.IncreaseParallelism(2);
  options.max_open_files = 512;
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = rocksdb::NewLRUCache(o.block_cache_mb << 20);
  rocksdb::ColumnFamilyOptions scanned;
  scanned.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  scanned.compression = o.compress ? rocksdb::kLZ4Compression : rocksdb::kNoCompression;
  scanned.write_buffer_size = o.write_buffer_mb << 20;
  scanned.max_write_buffer_number = o.write_buffers;
  rocksdb::ColumnFamilyOptions looked_up = scanned;
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  looked_up.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  // A Bloom filter over the memtable's keys too: most point reads ask for a key that is not
  // there (a new command's idempotency entry, a new journey), and without it each one walked
  // the memtable's skip list (3 % of the processor's time in `parcours bench write`).
  looked_up.memtable_prefix_bloom_size_ratio = 0.02;
  looked_up.memtable_whole_key_filtering = true;

  std::vector<rocksdb::ColumnFamilyDescriptor> descs;
  descs.emplace_back(rocksdb::kDefaultColumnFamilyName, looked_up);
  for (const auto& f : families) {
    const bool scan =
        std::find(o.scanned_only.begin(), o.scanned_only.end(), f) != o.scanned_only.end();
    descs.emplace_back(f, scan ? scanned : looked_up);
  }

  std::unique_ptr<RocksDb> out(new RocksDb());
  rocksdb::DB* raw = nullptr;
  rocksdb::DBOptions db_options(options);
  db_options.atomic_flush = o.derived;
  const rocksdb::Status s = rocksdb::DB::Open(db_options, path, descs, &out->handles_, &raw);
  if (!s.ok()) {
    if (error) *error = "rocksdb open " + path + ": " + s.ToString();
    return nullptr;
  }
  out->db_.reset(raw);
  out->derived_ = o.derived;
  out->names_.push_back(rocksdb::kDefaultColumnFamilyName);
  for (const auto& f : families) out->names_.push_back(f);
  return out;
}

RocksDb::~RocksDb() {
  if (!db_) return;
  if (derived_) {
    // Nothing is in a WAL: flush what the memtables hold so that a clean stop loses nothing.
    (void)db_->Flush(rocksdb::FlushOptions(), handles_);
  }
  for (auto* h : handles_) db_->DestroyColumnFamilyHandle(h);
  handles_.clear();
  db_->Close();
}

rocksdb::ColumnFamilyHandle* RocksDb::family(std::string_view name) const {
  for (std::size_t i = 0; i < names_.size(); ++i) {
    if (names_[i] == name) return handles_[i];
  }
  std::abort();  // an undeclared family is a programming error
}

Lookup<std::string> RocksDb::get(rocksdb::ColumnFamilyHandle* cf, std::string_view key) const {
  Lookup<std::string> out;
  std::string value;
  const rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), cf, key, &value);
  if (s.ok()) {
    out.value = std::move(value);
  } else {
    out.status = classify(s);  // NotFound: ok and no value
  }
  return out;
}

rocksdb::Status RocksDb::write(rocksdb::WriteBatch& batch) {
  rocksdb::WriteOptions wo;
  wo.sync = false;
  wo.disableWAL = derived_;
  return db_->Write(wo, &batch);
}

std::string RocksDb::offset_key(std::string_view topic, int32_t partition) {
  return "offset/" + std::string(topic) + "/" + std::to_string(partition);
}

Lookup<int64_t> RocksDb::offset(std::string_view topic, int32_t partition) const {
  auto v = get(meta(), offset_key(topic, partition));
  Lookup<int64_t> out{std::nullopt, v.status};
  if (!v.value) return out;
  if (v.value->size() != 8) {
    out.status = corrupt_value("offset of " + std::string(topic) + "/" + std::to_string(partition));
    return out;
  }
  out.value = static_cast<int64_t>(from_be64(*v.value));
  return out;
}

void RocksDb::put_offset(rocksdb::WriteBatch& batch, rocksdb::ColumnFamilyHandle* meta,
                         std::string_view topic, int32_t partition, int64_t next_offset) {
  // WriteBatch::Put only fails on absurd sizes; the status is checked when the batch is written.
  (void)batch.Put(meta, offset_key(topic, partition), be64(static_cast<uint64_t>(next_offset)));
}

uint64_t RocksDb::approximate_size() const {
  uint64_t total = 0;
  for (auto* h : handles_) {
    uint64_t v = 0;
    if (db_->GetIntProperty(h, "rocksdb.total-sst-files-size", &v)) total += v;
  }
  return total;
}

std::optional<uint64_t> RocksDb::int_property(const std::string& name, bool per_family) const {
  if (!per_family) {
    uint64_t v = 0;
    if (!db_->GetIntProperty(meta(), name, &v)) return std::nullopt;
    return v;
  }
  uint64_t total = 0;
  for (auto* h : handles_) {
    uint64_t v = 0;
    if (!db_->GetIntProperty(h, name, &v)) return std::nullopt;
    total += v;
  }
  return total;
}

std::string be64(uint64_t v) {
  std::string out(8, '\0');
  for (int i = 7; i >= 0; --i) {
    out[static_cast<std::size_t>(i)] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
  return out;
}

uint64_t from_be64(std::string_view b) {
  uint64_t v = 0;
  for (std::size_t i = 0; i < 8 && i < b.size(); ++i) {
    v = (v << 8) | static_cast<unsigned char>(b[i]);
  }
  return v;
}

}  // namespace parcours::store
