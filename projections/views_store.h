// The read models' RocksDB store (ARCHITECTURE §4). Every `serve` instance keeps a full
// replica, projected from all partitions of the journey-events topic.
//
// Layout (column family: key -> value):
//   journeys  journey id                       -> JourneyState JSON (the fold by evolve)
//   events    journey id \0 seq (8 bytes BE)   -> the event's record value (CloudEvent JSON)
//   keys      journey id                       -> wrapped data key (from the keys topic)
//   index     see indexes.h                    -> inboxes, PASS, indicator entries
//   default   "offset/<topic>/<p>"             -> next offset applied, per topic partition
//
// Each projection batch is ONE WriteBatch holding view updates and the offsets they reach
// (exactly-once projection; the consumer group's offsets are never used).
//
// Every read throws store::StoreError when RocksDB fails (store/errors.h), never for an absent
// key: a failed read is never taken for an absent journey, nor a scan cut short for a complete
// one. Its readers are the HTTP handlers (the server's edge answers 500) and the projector.
//
// Thread-safety: reads from any thread; writes from the projector thread only.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/journey_state.h"
#include "store/rocks_db.h"

namespace parcours::projections {

class ViewsStore {
 public:
  // `tuning`: cache, compression and memtable sizes; the layout (families, Bloom filters, no
  // write-ahead log) is the read models' own.
  static std::unique_ptr<ViewsStore> open(const std::string& path, std::string* error,
                                          store::RocksDb::OpenOptions tuning = {
                                              .block_cache_mb = 128});

  std::optional<domain::JourneyState> journey(const std::string& id) const;
  // Raw JSON text of the journey state (cheaper when only a few fields are needed).
  std::optional<std::string> journey_json(const std::string& id) const;
  // The journey's events with from_seq <= seq <= to_seq, in seq order (record values).
  std::vector<std::string> events(const std::string& id, long from_seq = 1,
                                  long to_seq = (1L << 62)) const;
  std::optional<nlohmann::json> wrapped_key(const std::string& id) const;
  std::optional<int64_t> offset(const std::string& topic, int32_t partition) const;
  // Visits every journey state in key order; stops when visit returns false.
  void for_each_journey(
      const std::function<bool(const std::string& id, const std::string& json)>& visit) const;

  struct Digest {
    std::string sha256;  // over every (family, key, value) of the read models, in key order
    long journeys = 0;
    long events = 0;
    long keys = 0;
  };
  // A fingerprint of the read models: a rebuilt replica and a live one caught up to the same
  // offsets give the same digest.
  Digest digest() const;

  store::RocksDb& db() { return *db_; }
  rocksdb::ColumnFamilyHandle* journeys_cf() const { return journeys_; }
  rocksdb::ColumnFamilyHandle* events_cf() const { return events_; }
  rocksdb::ColumnFamilyHandle* keys_cf() const { return keys_; }
  rocksdb::ColumnFamilyHandle* index_cf() const { return index_; }
  // Visits index entries whose key starts with `prefix`, from `after` (exclusive) if given,
  // in key order; stops when visit returns false.
  void scan(
      const std::string& prefix, const std::string& after,
      const std::function<bool(const std::string& key, const std::string& value)>& visit) const;
  // Visits index entries with from <= key < to.
  void scan_range(
      const std::string& from, const std::string& to,
      const std::function<bool(const std::string& key, const std::string& value)>& visit) const;
  std::optional<std::string> index_get(const std::string& key) const;
  static std::string event_key(const std::string& id, long seq);
  // Appends event_key(id, seq) to out (the projector's batches, without a string per event).
  static void append_event_key(std::string& out, std::string_view id, long seq);

 private:
  std::unique_ptr<store::RocksDb> db_;
  rocksdb::ColumnFamilyHandle* journeys_ = nullptr;
  rocksdb::ColumnFamilyHandle* events_ = nullptr;
  rocksdb::ColumnFamilyHandle* keys_ = nullptr;
  rocksdb::ColumnFamilyHandle* index_ = nullptr;
};

}  // namespace parcours::projections
