// A transactional Kafka producer: the write side of ARCHITECTURE §3.
//
// One instance per processor, transactional.id stable per instance so that a restarted
// instance fences its zombie. Usage per batch:
//   begin(); produce(...)*; send_offsets(...); commit();   // or abort() on failure
// Every call returns a classified KafkaStatus (errors.h); the caller decides: retry,
// abort-and-rewind, or re-create the producer.
//
// Thread-safety: one thread (the processor's). Not copyable.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <librdkafka/rdkafkacpp.h>

#include "kafka/errors.h"
#include "kafka/kafka_settings.h"
#include "kafka/known_topics.h"

namespace parcours::kafka {

class TransactionalProducer {
 public:
  // Creates the producer and calls init_transactions (which aborts whatever a previous
  // incarnation left open, and fences it). nullptr and *error on failure.
  static std::unique_ptr<TransactionalProducer> create(const KafkaSettings& settings,
                                                       const std::string& transactional_id,
                                                       std::string* error,
                                                       int init_timeout_ms = 30000);
  // For the mock cluster tests: a producer built from a ready configuration.
  static std::unique_ptr<TransactionalProducer> create_from(std::unique_ptr<RdKafka::Conf> conf,
                                                            std::string* error,
                                                            int init_timeout_ms = 30000);
  ~TransactionalProducer();

  // The topics this producer will write, learnt now (known_topics.h).
  KafkaStatus learn_topics(const std::vector<std::string>& topics, int timeout_ms);

  KafkaStatus begin();
  // Enqueues one record (partition -1 = the partitioner chooses from the key; a null value is a
  // tombstone). Waits on a full queue (back-pressure), never drops.
  KafkaStatus produce(const std::string& topic, int32_t partition, std::string_view key,
                      const std::string* value);
  // The same, with record headers (name, value).
  KafkaStatus produce(const std::string& topic, int32_t partition, std::string_view key,
                      const std::string* value,
                      const std::vector<std::pair<std::string, std::string>>& headers);
  KafkaStatus send_offsets(const std::vector<RdKafka::TopicPartition*>& offsets,
                           const RdKafka::ConsumerGroupMetadata* group, int timeout_ms = -1);
  // A failure that is not abortable leaves the outcome unknown (classify_commit): the caller
  // re-creates the producer (init_transactions settles the transaction) and re-reads the log.
  KafkaStatus commit(int timeout_ms = -1);
  KafkaStatus abort(int timeout_ms = -1);
  // Serves what waits in the producer's queue (statistics, log lines) between transactions:
  // librdkafka hands them over only inside a poll, flush or commit, and keeps them until then.
  void serve_queue();

  // Last offset delivered per (topic, partition) in the current transaction; valid after a
  // successful commit(), cleared by begin().
  const std::map<std::pair<std::string, int32_t>, int64_t>& delivered() const;
  // Messages enqueued since begin().
  long produced() const { return produced_; }
  RdKafka::Producer* handle() { return producer_.get(); }

 private:
  class DeliveryReports;
  TransactionalProducer() = default;
  std::unique_ptr<DeliveryReports> reports_;
  std::unique_ptr<RdKafka::Producer> producer_;
  KnownTopics topics_;  // after producer_: destroyed before it
  long produced_ = 0;
};

}  // namespace parcours::kafka
