// Catch-up: bringing the processor's store level with the log (ARCHITECTURE §3).
//
// Reads a partition of the journey-events topic (read_committed) from the offset the store
// recorded and applies every event the store has not seen (seq == version + 1), deriving the
// idempotency entries and PASS counters from the events, so a crash between a transaction's
// commit and its WriteBatch loses nothing. The keys topic is caught up the same way. Writes go
// in chunks of one WriteBatch each, with the offset reached.
#pragma once

#include "kafka/errors.h"
#include "kafka/kafka_settings.h"
#include "processor/processor_store.h"
#include "processor/state_cache.h"

namespace parcours::processor {

struct CatchUpStats {
  long events_read = 0;
  long events_applied = 0;
  long gaps = 0;  // events whose seq skipped ahead of the stored version (a broken invariant)
};

kafka::KafkaStatus catch_up_events(const kafka::KafkaSettings& settings, const std::string& topic,
                                   int32_t partition, ProcessorStore& store, StateCache& cache,
                                   CatchUpStats* stats);

kafka::KafkaStatus catch_up_keys(const kafka::KafkaSettings& settings, const std::string& topic,
                                 int partitions, ProcessorStore& store, StateCache& cache);

}  // namespace parcours::processor
