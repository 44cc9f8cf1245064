// Applies records of the journey-events and keys topics to the read models, one WriteBatch
// per batch of records with the offsets they reach. Used by the live projector and by
// `rebuild`, so a rebuilt replica is computed by exactly the same code as a live one.
//
// A broken invariant of the events log (chain_link.h: an undecodable record, a seq gap, a
// prevhash that does not follow, an event evolve refuses) stops that partition at that record:
// nothing more of it is applied and its offset stays before it, so that a restart meets it
// again. The record is reported by take_breaks(). An event that evolve refuses may have
// changed its state half-way: the batch must then be discarded and read again (needs_redo()),
// which applies the partition up to that record.
//
// A failed read of the store (store::StoreError, thrown by add()) leaves the batch unusable:
// the caller discard()s it and reads again from the stored offsets.
//
// Thread-safety: one thread.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include <librdkafka/rdkafkacpp.h>

#include "common/lru.h"
#include "domain/journey_state.h"
#include "projections/chain_link.h"
#include "projections/indexes.h"
#include "projections/views_store.h"

namespace parcours::projections {

struct UpdaterStats {
  long events = 0;      // events applied to a journey
  long duplicates = 0;  // events already applied (seq <= version), skipped
  long breaks = 0;      // broken invariants: partitions stopped
  long keys = 0;
  long reads = 0;  // access-log entries
};

class ViewUpdater {
 public:
  ViewUpdater(ViewsStore& store, std::string events_topic, std::string keys_topic,
              std::string access_topic = "", std::size_t cache_states = 50000);

  // Adds one record to the current batch. Throws store::StoreError if reading a state failed.
  void add(const RdKafka::Message& m);
  // Writes the batch (views + offsets). Returns false if RocksDB refused it.
  bool flush();
  // Forgets the current batch (after a failure; the caller reads again from the stored
  // offsets).
  void discard();
  // The broken invariants met since the last call (each partition's once).
  std::vector<BrokenInvariant> take_breaks();
  bool halted(int32_t partition) const;
  // True when the current batch must be discarded and read again from the stored offsets.
  bool needs_redo() const { return redo_; }
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
  // Applies a record of the events topic; false if it broke an invariant (partition stopped).
  bool add_event(const RdKafka::Message& m, std::string_view value);
  void stop_at(const RdKafka::Message& m, std::string kind, const domain::RecordedEvent* ev,
               long expected, std::string detail);

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
  std::vector<int64_t> halt_at_;  // by events partition: the broken record's offset, or -1
  bool redo_ = false;
  std::vector<BrokenInvariant> breaks_;
  UpdaterStats stats_;
};

}  // namespace parcours::projections
