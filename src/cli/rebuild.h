// `parcours rebuild`: rebuild every read model from offset 0 into a fresh directory, with a
// progress bar on a terminal, then print the digest. It reads Kafka directly; a running
// `serve` keeps answering from its own live copy meanwhile.
#pragma once

#include <cstddef>
#include <string>

#include "common/config.h"
#include "store/rocks_db.h"

namespace parcours::cli {

// Threads of a rebuild unless told otherwise (`--workers`). Each worker owns disjoint partitions
// (partition p goes to worker p % workers) with its own consumer and WriteBatches. The memory
// and batch sizes are tuned for two. More workers share
// the same batch records and prefetch, and on this project's 2-core machines, twelve used 1.1
// times the CPU of two with 5,000 journeys in progress, but 2.2 times with 50,000, since their
// smaller batches write each state more often.
inline constexpr int kRebuildWorkers = 2;
// The workers a rebuild runs: `requested`, or kRebuildWorkers if it is 0 or less, and never
// more than one per partition (a worker beyond that would have nothing to read).
int rebuild_workers(int requested, int partitions);

// Records in WriteBatches at once, across all workers. Every journey a batch touches has its
// state written once per batch: when thousands of journeys are in progress at once, a
// journey's events are far apart in the log, and larger batches write each state fewer times
// (at 50,000 journeys in progress, batches of 40,000 records rebuild 1.3 times faster than
// batches of 20,000). A batch's states are in memory until it is written, which bounds the
// total: more workers get smaller batches, so that the batches' memory does not grow with
// them.
inline constexpr std::size_t kRebuildBatchRecords = 80000;
// Records per WriteBatch for each of `workers` workers (40,000 for two).
std::size_t rebuild_batch(int workers);

// How a rebuild opens its fresh store (memtables, block cache); `compress` as configured.
store::RocksDb::OpenOptions rebuild_store_tuning(bool compress);

// Prints, as JSON: the digest and counts of the rebuilt read models, the workers, the
// projection's time ("seconds") and the CPU the process spent in it ("cpu_seconds", all
// threads), and its peak resident set. `workers`: see rebuild_workers.
int rebuild(const common::Config& config, const std::string& out_dir, int workers = 0);

}  // namespace parcours::cli
