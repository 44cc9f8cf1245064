// The command processor: single writer per partition, exactly once (ARCHITECTURE §3).
//
// It joins the processor consumer group on the commands topic. Partitions it is given are
// paused until they are caught up: it waits for any transaction the previous owner left open
// (committed offsets, read_committed), reads its events partitions from the offsets stored in
// its RocksDB store and applies what is missing, and the keys topic likewise; then it seeks
// them to their committed offsets and resumes them. For every batch:
//   1. begin its transaction and send the consumed command offsets to it (with the group
//      metadata) on a thread of their own (transaction.h); meanwhile sync the organisation
//      registry to the end of org-events and decide every command against the journey's state
//      and the batch's overlay (BatchDecider), producing each command's records as soon as it
//      is decided;
//   2. in that ONE Kafka transaction: the events, the keys, one reply per command, then commit;
//   3. after commit: ONE WriteBatch with states, idempotency entries, keys, PASS counters and the
//      applied events offsets.
// Any failure of step 2 drops the overlay, re-creates the producer unless the failure was
// abortable (an unknown commit outcome included), and puts the partitions back to catch-up:
// nothing is lost, nothing is applied twice.
//
// The process never ends because of Kafka: a fatal error of the consumer (a static member
// fenced after a broker restart) re-creates it, which rejoins the group and catches up again;
// a producer that cannot be re-created now is tried again, the partitions paused meanwhile.
// What stops the processor: a fatal failure of its RocksDB store (run() returns it). A broken
// invariant in the log (catch_up.h) stops that partition only, with a metric and its offset.
// A command that crashes the process is isolated and quarantined (crash_guard.h).
//
// Thread-safety: run() on one thread; ready() and stats from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <climits>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>

#include "crypto/identity_cipher.h"
#include "kafka/kafka_settings.h"
#include "kafka/transactional_producer.h"
#include "processor/batch_decider.h"
#include "processor/batch_linger.h"
#include "processor/crash_guard.h"
#include "processor/deadline_scan.h"
#include "processor/processor_probe.h"
#include "processor/processor_store.h"
#include "processor/quarantine.h"
#include "processor/state_cache.h"
#include "processor/transaction.h"
#include "projections/chain_link.h"
#include "projections/org_registry.h"

namespace parcours::processor {

struct ProcessorOptions {
  Topics topics;
  std::string dead_letter_topic;  // quarantined commands (quarantine.h)
  std::string group_id;           // consumer group of the processors
  std::string transactional_id;   // stable per instance: fences this instance's zombie, and is
                                  // its static group member id (decision 20)
  int batch_max = 1000;           // commands per transaction at most
  // Wait at most this long after a batch's first command for more to join it: only when that
  // command came to an idle processor and the arrival rate brings another within the wait
  // (batch_linger.h).
  int batch_linger_ms = 5;
  int keys_partitions = 3;
  // Milliseconds without a heartbeat after which the group gives a dead instance's partitions
  // to the others (an instance restarted sooner takes them back itself). It must outlast the
  // move of the group coordinator when its broker dies, or every instance is rebalanced
  // (decision 20). Brokers refuse less than their group.min.session.timeout.ms (6 s).
  int session_timeout_ms = 10000;
  // Which of the instance's processors this is (processor_pool.h): the probe adds up their
  // figures by it. Its Kafka clients are named "<name>-consumer" and "<name>-producer".
  int index = 0;
  std::string name = "processor";
  // Journey states and data keys kept in memory (state_cache.h), each.
  std::size_t cache_entries = 100000;
};

class CommandProcessor {
 public:
  CommandProcessor(ProcessorOptions options, kafka::KafkaSettings settings, ProcessorStore& store,
                   projections::OrgRegistry& registry, const crypto::MasterKeyRing& keys,
                   ProcessorProbe* probe);
  ~CommandProcessor();

  // Runs until `stop` becomes true: finishes the batch in hand, commits, closes its clients.
  // Returns "" on a clean stop, else the fatal problem (a failure of the processor's store).
  std::string run(const std::atomic<bool>& stop);

  // True once a first assignment is caught up (or the group gave this instance none).
  bool ready() const { return ready_.load(); }
  // Asks the processor to schedule the deadlines of `day` now, even if already done (operators
  // after an outage; tests). Taken at the next idle moment.
  void request_deadlines(domain::Date day) { forced_deadline_day_.store(day.days()); }
  long batches() const { return batches_.load(); }

  // Test hooks, never set in production. after_commit_hook: after a transaction commits and
  // before its WriteBatch (the crash window of ARCHITECTURE §3). before_decide_hook: with each
  // command record's value, before it is decided (a failpoint that crashes on a command).
  std::function<void()> after_commit_hook;
  std::function<void(std::string_view)> before_decide_hook;

 private:
  class Rebalance;
  using Batch = std::vector<std::unique_ptr<RdKafka::Message>>;
  enum class Step { done, redo, stop };  // stop: fatal_ says why
  // The attempt records of crash_guard.h to write per partition (nullopt: delete).
  using AttemptRecords = std::map<int32_t, std::optional<CommandAttempt>>;

  // --- clients and partitions (processor_clients.cc)
  void ensure_clients();
  // A transactional producer that has fenced this instance's earlier ones and knows where its
  // topics are; nullptr and *error if the brokers do not answer in `timeout_ms`.
  std::unique_ptr<kafka::TransactionalProducer> make_producer(std::string* error, int timeout_ms);
  bool start_consumer(std::string* error);
  void drop_consumer(const std::string& why);
  void on_assign(const std::vector<int32_t>& partitions);
  void on_revoke();
  // Puts every processed partition back to catch-up (paused), after a failure.
  void rewind_all();
  Step catch_up_pending();
  bool resume(const std::vector<int32_t>& partitions);
  void halt(const projections::BrokenInvariant& broken);
  void retry_later(std::chrono::steady_clock::time_point* when, int* backoff_ms);

  // --- batches (processor_batches.cc)
  Step process(Batch& batch);
  Step decide_and_commit(const std::vector<const RdKafka::Message*>& messages,
                         const AttemptRecords& before, const AttemptRecords& after,
                         const AttemptRecords& on_failure);
  // Decodes and decides every command of the batch, in order, and produces each one's records
  // into the transaction as soon as it is decided; a failed produce stops it.
  kafka::KafkaStatus decide_all(const std::vector<const RdKafka::Message*>& messages,
                                BatchDecider& decider, OpenTransaction& transaction);
  // After the commit: the batch's ONE WriteBatch (step 3), then the cache.
  Step store_batch(BatchDecider& decider, const AttemptRecords& after);
  Step quarantine_one(const RdKafka::Message& m, const GuardPlan::Single& single);
  bool sync_registry();
  Step put_back(const std::vector<const RdKafka::Message*>& messages);
  // Seeks the commands topic's partitions to these offsets (kafka/fetcher_wake.h); false if a
  // seek failed.
  bool seek_commands(const std::map<int32_t, int64_t>& offsets);
  kafka::KafkaStatus commit_transaction(const std::vector<OutRecord>& out,
                                        const std::vector<HeadedRecord>& headed,
                                        const std::map<int32_t, int64_t>& consumed,
                                        double* seconds);
  // Ends a transaction that is not to commit (a batch put back, or failed while decided); with
  // no messages, the caller rewinds.
  Step give_up(OpenTransaction& transaction, const AttemptRecords& restore,
               const std::vector<const RdKafka::Message*>& messages);
  Step transaction_failed(const kafka::KafkaStatus& s, const AttemptRecords& restore,
                          const std::vector<const RdKafka::Message*>& messages);
  Step store_failed(const store::StoreStatus& s, const char* where);
  bool write_attempts(const AttemptRecords& records, store::StoreStatus* failure);
  void idle();

  ProcessorOptions options_;
  kafka::KafkaSettings settings_;
  ProcessorStore& store_;
  projections::OrgRegistry& registry_;
  const crypto::MasterKeyRing& keys_;
  ProcessorProbe* probe_;
  StateCache cache_;
  std::unique_ptr<Rebalance> rebalance_;
  std::unique_ptr<RdKafka::KafkaConsumer> consumer_;
  GroupMetadata group_;  // consumer_'s, for the transactions' offsets, asked once per generation
  std::unique_ptr<kafka::TransactionalProducer> producer_;
  std::set<int32_t> owned_;    // caught up and resumed: their commands are processed
  std::set<int32_t> pending_;  // assigned, paused, waiting for catch-up
  std::map<int32_t, projections::BrokenInvariant> halted_;  // assigned, stopped at a record
  bool callback_failed_ = false;  // an exception stopped in a librdkafka callback
  std::chrono::steady_clock::time_point next_client_try_{};
  int client_backoff_ms_ = 0;
  std::chrono::steady_clock::time_point next_catch_up_{};
  int catch_up_backoff_ms_ = 0;
  std::string fatal_;
  std::unique_ptr<DeadlineScan> deadlines_;  // its thread ends before the store goes
  std::chrono::steady_clock::time_point last_deadline_check_{};
  std::atomic<int32_t> forced_deadline_day_{INT32_MIN};
  std::atomic<bool> ready_{false};
  std::atomic<long> batches_{0};
  TransactionPhases phases_;  // of the last transaction, for the slow and failed batch logs
  BatchLinger linger_;
};

}  // namespace parcours::processor
