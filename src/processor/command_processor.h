// The command processor: single writer per partition, exactly once (ARCHITECTURE §3).
//
// It joins the processor consumer group on the commands topic. On every assignment it first
// catches up: it reads its events partitions (read_committed) from the offsets stored in its
// RocksDB store and applies what is missing, and the keys topic likewise; then it processes
// commands. For every batch:
//   1. sync the organisation registry to the end of org-events, decide every command against
//      the journey's state and the batch's overlay (BatchDecider);
//   2. in ONE Kafka transaction: the events, the keys, one reply per command, and the consumed
//      command offsets (send_offsets_to_transaction with the group metadata);
//   3. after commit: ONE WriteBatch with states, idempotency entries, keys, PASS counters and the
//      applied events offsets.
// Any failure of step 2 drops the overlay, re-creates the producer if it is fatal, catches up
// from the log and rewinds the consumer to the committed offsets: nothing is lost, nothing is
// applied twice.
//
// Thread-safety: run() on one thread; ready() and stats from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <climits>
#include <functional>
#include <memory>
#include <set>
#include <string>

#include "crypto/identity_cipher.h"
#include "kafka/fetch_nudger.h"
#include "kafka/kafka_settings.h"
#include "kafka/transactional_producer.h"
#include "processor/batch_decider.h"
#include "processor/deadline_scheduler.h"
#include "processor/processor_probe.h"
#include "processor/processor_store.h"
#include "processor/state_cache.h"
#include "projections/org_registry.h"

namespace parcours::processor {

struct ProcessorOptions {
  Topics topics;
  std::string group_id;          // consumer group of the processors
  std::string transactional_id;  // stable per instance: fences this instance's zombie
  int batch_max = 1000;          // commands per transaction at most
  int batch_linger_ms = 2;       // wait this long after the first command to fill a batch
  int keys_partitions = 3;
};

class CommandProcessor {
 public:
  CommandProcessor(ProcessorOptions options, kafka::KafkaSettings settings, ProcessorStore& store,
                   projections::OrgRegistry& registry, const crypto::MasterKeyRing& keys,
                   ProcessorProbe* probe);
  ~CommandProcessor();

  // Runs until `stop` becomes true: finishes the batch in hand, commits, leaves the group.
  // Returns "" on a clean stop, else the fatal problem.
  std::string run(const std::atomic<bool>& stop);

  // True once partitions are assigned and caught up (or the group gave this instance none).
  bool ready() const { return ready_.load(); }
  // Asks the processor to schedule the deadlines of `day` now, even if already done (operators
  // after an outage; tests). Taken at the next idle moment.
  void request_deadlines(domain::Date day) { forced_deadline_day_.store(day.days()); }
  long batches() const { return batches_.load(); }

  // Test hook: called after a transaction commits and before its WriteBatch is written
  // (the crash window of ARCHITECTURE §3). Never set in production.
  std::function<void()> after_commit_hook;

 private:
  class Rebalance;
  std::string start_clients();
  void on_assign(const std::vector<int32_t>& partitions);
  void on_revoke();
  kafka::KafkaStatus catch_up_keys();
  kafka::KafkaStatus catch_up_events(int32_t partition);
  // Returns false on a fatal problem (message in *fatal).
  bool process(std::vector<std::unique_ptr<RdKafka::Message>>& batch, std::string* fatal);
  // After a failed transaction: catch up from the log, rewind to the committed offsets.
  bool recover(std::string* fatal);

  ProcessorOptions options_;
  kafka::KafkaSettings settings_;
  ProcessorStore& store_;
  projections::OrgRegistry& registry_;
  const crypto::MasterKeyRing& keys_;
  ProcessorProbe* probe_;
  StateCache cache_;
  std::unique_ptr<Rebalance> rebalance_;
  std::unique_ptr<RdKafka::KafkaConsumer> consumer_;
  // Keeps the commands consumer fetching through a backlog (decision 9); declared after
  // consumer_, so it stops before the consumer goes.
  std::unique_ptr<kafka::FetchNudger> nudger_;
  std::unique_ptr<kafka::TransactionalProducer> producer_;
  std::set<int32_t> owned_;
  std::unique_ptr<DeadlineScheduler> deadlines_;
  std::chrono::steady_clock::time_point last_deadline_check_{};
  std::atomic<int32_t> forced_deadline_day_{INT32_MIN};
  std::string catch_up_error_;
  std::atomic<bool> ready_{false};
  std::atomic<long> batches_{0};
};

}  // namespace parcours::processor
