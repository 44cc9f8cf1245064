// Applies records of the journey-events and keys topics to the read models, one WriteBatch
// per batch of records with the offsets they reach. Used by the live projector and by
// `rebuild`, so a rebuilt replica is computed by exactly the same code as a live one.
//
// Thread-safety: one thread.
#pragma once

#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include <librdkafka/rdkafkacpp.h>

#include "common/lru.h"
#include "domain/journey_state.h"
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
  domain::JourneyState& state(const std::string& id);

  ViewsStore& store_;
  std::string events_topic_;
  std::string keys_topic_;
  std::string access_topic_;
  rocksdb::WriteBatch batch_;
  std::unordered_map<std::string, domain::JourneyState> dirty_;
  // The state of each dirty journey before this batch, to write only the index difference.
  std::unordered_map<std::string, domain::JourneyState> before_;
  common::Lru<domain::JourneyState> cache_;
  std::map<std::pair<std::string, int32_t>, int64_t> offsets_;
  std::vector<std::pair<std::string, long>> changed_;
  std::size_t pending_ = 0;
  UpdaterStats stats_;
};

}  // namespace parcours::projections
