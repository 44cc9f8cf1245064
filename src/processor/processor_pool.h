// The command processors of one instance (ARCHITECTURE §8, decision 24).
//
// An instance runs `count` processors, one thread each (default: one per core the instance may
// use, common::usable_cpus, and no more than there are commands partitions). Each is a
// member of the processors' consumer group of its own, so the group gives each a disjoint set
// of the commands partitions; each has its own transactional producer (KIP-447: one producer
// per thread commits the offsets of its partitions), its own batches, cache and WriteBatches.
// Exactly-once and the catch-up rules hold per processor, as they did for the one processor of
// an instance. They share:
//   - the store, each through its own handle (ProcessorStore::share);
//   - the organisation registry (synchronised internally);
//   - the key ring and the probe.
//
// Processor 0 keeps the instance's transactional id and client names; processor i > 0 adds
// "-<i>" to the id and is named "processor<i>". Lowering the count leaves the members of the
// processors that are gone in the group until their session times out: their partitions wait
// that long once.
//
// Thread-safety: run() on one thread; the others from any thread.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "processor/command_processor.h"

namespace parcours::processor {

// The name of processor i's thread is this prefix followed by i (top -H, /proc/<pid>/task).
inline constexpr char kProcessorThreadPrefix[] = "parcours-proc";

class ProcessorPool {
 public:
  // `count` < 1: default_count(options.topics.partitions).
  ProcessorPool(int count, const ProcessorOptions& options, const kafka::KafkaSettings& settings,
                ProcessorStore& store, projections::OrgRegistry& registry,
                const crypto::MasterKeyRing& keys, ProcessorProbe* probe);

  // Runs every processor on a thread of its own until `stop` becomes true, or until one of
  // them stops on a fatal failure of the store, which stops the others too. Returns "" on a
  // clean stop, else the first fatal problem.
  std::string run(const std::atomic<bool>& stop);

  // True once every processor is ready (CommandProcessor::ready).
  bool ready() const;
  void request_deadlines(domain::Date day);
  long batches() const;
  std::size_t size() const { return processors_.size(); }
  CommandProcessor& processor(std::size_t i) { return *processors_[i]; }

  // The options of processor `index` of an instance whose processor 0 has `base`.
  static ProcessorOptions options_of(const ProcessorOptions& base, int index, int count);
  // One per core the process may use (its affinity, bounded by its cgroup's CPU quota), at
  // most one per commands partition: a processor beyond that would own none.
  static int default_count(int partitions);

 private:
  std::vector<std::unique_ptr<ProcessorStore>> stores_;  // handles of processors 1..n-1
  std::vector<std::unique_ptr<CommandProcessor>> processors_;
};

}  // namespace parcours::processor
