// One batch, one Kafka transaction (ARCHITECTURE §3, step 2), and what to do when it fails.
//
// write_batch() produces the batch's records, adds the consumed command offsets and commits;
// a retriable commit is retried (committing twice is idempotent). On failure the caller drops
// everything the batch decided and recovers as recovery_for() says, then rewinds to the
// committed offsets and catches up from the log: whatever the broker did or did not commit,
// the log is the truth.
#pragma once

#include <vector>

#include "kafka/transactional_producer.h"
#include "processor/batch_decider.h"

namespace parcours::processor {

kafka::KafkaStatus write_batch(kafka::TransactionalProducer& producer,
                               const std::vector<OutRecord>& records,
                               const std::vector<RdKafka::TopicPartition*>& offsets,
                               const RdKafka::ConsumerGroupMetadata* group,
                               int commit_retries = 10);

enum class Recovery {
  abort_and_rewind,     // abortable: abort_transaction(), the producer stays usable
  recreate_and_rewind,  // fatal (fenced, unclassified) or a failed abort: a new producer
};

Recovery recovery_for(const kafka::KafkaStatus& failed);

// Aborts or re-creates as `recovery_for` says; returns the producer to use next (the same one,
// a new one, or nullptr if a new one could not be made; *error says why).
std::unique_ptr<kafka::TransactionalProducer> recover_producer(
    std::unique_ptr<kafka::TransactionalProducer> producer, const kafka::KafkaStatus& failed,
    const std::function<std::unique_ptr<kafka::TransactionalProducer>(std::string*)>& make,
    std::string* error);

}  // namespace parcours::processor
