#include "processor/transaction.h"

#include <chrono>

#include "common/log.h"

namespace parcours::processor {

kafka::KafkaStatus write_batch(kafka::TransactionalProducer& producer,
                               const std::vector<OutRecord>& records,
                               const std::vector<RdKafka::TopicPartition*>& offsets,
                               const RdKafka::ConsumerGroupMetadata* group,
                               const std::vector<HeadedRecord>& headed, int commit_timeout_ms,
                               TransactionPhases* phases, int send_offsets_timeout_ms) {
  using Clock = std::chrono::steady_clock;
  TransactionPhases unused;
  if (!phases) phases = &unused;
  *phases = {};
  auto since = [](Clock::time_point t) {
    return std::chrono::duration<double>(Clock::now() - t).count();
  };
  auto t = Clock::now();
  kafka::KafkaStatus s = producer.begin();
  for (std::size_t i = 0; s.ok() && i < records.size(); ++i) {
    const auto& r = records[i];
    s = producer.produce(r.topic, r.partition, r.key, r.value ? &*r.value : nullptr);
  }
  for (std::size_t i = 0; s.ok() && i < headed.size(); ++i) {
    const auto& r = headed[i];
    s = producer.produce(r.topic, r.partition, r.key, &r.value, r.headers);
  }
  phases->produce = since(t);
  t = Clock::now();
  if (s.ok() && !offsets.empty()) {
    s = producer.send_offsets(offsets, group, send_offsets_timeout_ms);
  }
  phases->send_offsets = since(t);
  t = Clock::now();
  if (s.ok()) {
    phases->commit_requested = true;
    s = producer.commit(commit_timeout_ms);
  }
  phases->commit = since(t);
  return s;
}

Recovery recovery_for(const kafka::KafkaStatus&) {
  // Every failure, an abortable one too, gets a new producer (a new epoch). After an abort on
  // the same producer, librdkafka 2.0.2 may send the next transaction's first record to a
  // partition with the sequence number of a record of the aborted transaction whose answer it
  // had not had; the broker takes it for a duplicate of that aborted record and acknowledges
  // it with the old offset. The new transaction then commits without it: a reply committed
  // with no event behind it (found by the fault campaign: producer 2003, epoch 48, sequence
  // 188 written once, aborted, and acknowledged twice). A new epoch starts the sequences anew.
  return Recovery::recreate_and_rewind;
}

std::unique_ptr<kafka::TransactionalProducer> recover_producer(
    std::unique_ptr<kafka::TransactionalProducer> producer, const kafka::KafkaStatus& failed,
    const std::function<std::unique_ptr<kafka::TransactionalProducer>(std::string*)>& make,
    std::string* error, bool* aborted) {
  *aborted = false;
  if (recovery_for(failed) == Recovery::abort_and_rewind) {
    const auto a = producer->abort();
    if (a.ok()) {
      *aborted = true;
      return producer;
    }
    common::log_warn("abort failed; re-creating the producer", {{"error", a.message}});
  }
  // Destroy first: the new producer's init_transactions fences the old epoch and aborts
  // whatever it left open, or completes a commit the coordinator had already decided.
  producer.reset();
  return make(error);
}

}  // namespace parcours::processor
