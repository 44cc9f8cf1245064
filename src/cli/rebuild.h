// `parcours rebuild`: rebuild every read model from offset 0 into a fresh directory, with a
// progress bar on a terminal, then print the digest. It reads Kafka directly; a running
// `serve` keeps answering from its own live copy meanwhile.
#pragma once

#include <cstddef>
#include <string>

#include "common/config.h"
#include "store/rocks_db.h"

namespace parcours::cli {

// Threads projecting disjoint partition sets (partition p to thread p % kRebuildWorkers), each
// with its own consumer and WriteBatches.
inline constexpr int kRebuildWorkers = 2;
// Records per WriteBatch and worker. Every journey a batch touches has its state written once
// per batch: when thousands of journeys are in progress at once, a journey's events are far
// apart in the log, and larger batches write each state fewer times (at 50,000 journeys in
// progress, 40,000 records rebuild 1.3 times faster than 20,000). The batch's states are in
// memory until it is written, which bounds the batch.
inline constexpr std::size_t kRebuildBatch = 40000;

// How a rebuild opens its fresh store (memtables, block cache); `compress` as configured.
store::RocksDb::OpenOptions rebuild_store_tuning(bool compress);

// Prints, as JSON: the digest and counts of the rebuilt read models, the projection's time
// ("seconds") and the CPU the process spent in it ("cpu_seconds", all threads), and its peak
// resident set.
int rebuild(const common::Config& config, const std::string& out_dir);

}  // namespace parcours::cli
