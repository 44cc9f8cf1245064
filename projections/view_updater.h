// Applies records of the journey-events and keys topics to the read models, one WriteBatch
// per batch of records with the offsets they reach. Used by the live projector and by
// `rebuild`, so a rebuilt replica is computed by exactly the same code as a live one.
//
// Thread-safety: one thread.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include <librdkafka/rdkafkacpp.h>

#include "common/lru.h"
#include "domain/journey_state.h"
#include "projections/indexes.h"
#include "projections/views_store.h"

namespace parcours::projections {

struct UpdaterStats {
  long events = 0;      // events applied to a journey
  long duplicates = 0;  // events already applied (seq <= version), skipped
  long gaps = 0;        // seq ahead of version + 1: a broken chain, not applied
  long undecodable = 0;
  long keys = 0;
  long reads = 0;  // access-log entries
};

class ViewUpdater {
 public:
  ViewUpdater(ViewsStore& store, std::string events_topic, std::string keys_topic,
              std::string access_topic = "", std::size_t cache_states = 50000);

  // Adds one record to the current batch.
  void add(const RdKafka::Message& m);
  // Writes the batch (views + offsets). Returns false if RocksDB refused it.
  bool flush();
  std::size_t pending() const { return pending_; }
  // Journeys changed by the last flushed batch, with their new versions.
  const std::vector<std::pair<std::string, long>>& changed() const { return changed_; }
  const UpdaterStats& stats() const { return stats_; }

 private:
  enum Source { kEvents, kKeys, kAccess, kOther };
  Source source_of(const RdKafka::Message& m);
  domain::JourneyState& state(const std::string& id);
  // The keyed hashes a keys-topic record carries for the lookup index (none for a tombstone).
  static std::vector<std::string> lookup_hashes(const std::optional<nlohmann::json>& record);

  ViewsStore& store_;
  std::string events_topic_;
  std::string keys_topic_;
  std::string access_topic_;
  rocksdb::WriteBatch batch_;
  // The batch's events, written to batch_ in key order at flush: RocksDB's skip list then
  // inserts each next to the previous one instead of searching from its top (about a fifth of
  // a rebuild's time went to those searches). event_bytes_ holds keys and values one after
  // another.
  struct PendingEvent {
    std::size_t at;
    std::size_t key_size;
    std::size_t value_size;
  };
  std::string event_bytes_;
  std::vector<PendingEvent> events_;
  std::unordered_map<std::string, domain::JourneyState> dirty_;
  // Keys-topic records of this batch (nullopt: tombstone), for the lookup index.
  std::unordered_map<std::string, std::optional<nlohmann::json>> keys_in_batch_;
  // The index entries of each dirty journey before this batch, to write only the difference
  // (absent: the journey did not exist).
  std::unordered_map<std::string, IndexEntries> before_;
  // States as of the last written batch. A dirty journey's state is taken out while its batch
  // is built and put back once the batch is written.
  common::Lru<domain::JourneyState> cache_;
  // Next offset per partition, per source (-1: nothing read in this batch).
  std::vector<int64_t> offsets_[3];
  std::vector<std::pair<std::string, long>> changed_;
  std::size_t pending_ = 0;
  UpdaterStats stats_;
};

}  // namespace parcours::projections
