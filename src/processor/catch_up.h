// Catch-up: bringing the processor's store level with the log (ARCHITECTURE §3).
//
// Reads a partition of the journey-events topic (read_committed) from the offset the store
// recorded and applies every event the store has not seen (seq == version + 1), deriving the
// idempotency entries and PASS counters from the events, so a crash between a transaction's
// commit and its WriteBatch loses nothing. The keys topic is caught up the same way. Writes go
// in chunks of one WriteBatch each, with the offset reached.
//
// A broken invariant (projections/chain_link.h) stops the partition's catch-up at that record:
// what came before it is written with the offset of the broken record, so that the partition
// stays where it broke, and the result says what broke where. The processor then stops taking
// that partition's commands.
#pragma once

#include <optional>

#include "kafka/errors.h"
#include "kafka/kafka_settings.h"
#include "processor/processor_store.h"
#include "processor/state_cache.h"
#include "projections/chain_link.h"
#include "store/errors.h"

namespace parcours::processor {

struct CatchUpStats {
  long events_read = 0;
  long events_applied = 0;
};

struct CatchUpResult {
  kafka::KafkaStatus kafka;  // reading the log
  store::StoreStatus store;  // reading or writing the processor's store
  std::optional<projections::BrokenInvariant> broken;
  bool ok() const { return kafka.ok() && store.ok() && !broken; }
  std::string message() const;
};

CatchUpResult catch_up_events(const kafka::KafkaSettings& settings, const std::string& topic,
                              int32_t partition, ProcessorStore& store, StateCache& cache,
                              CatchUpStats* stats);

CatchUpResult catch_up_keys(const kafka::KafkaSettings& settings, const std::string& topic,
                            int partitions, ProcessorStore& store, StateCache& cache);

}  // namespace parcours::processor
