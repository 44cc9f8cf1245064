#include "processor/transaction.h"

#include <chrono>
#include <thread>

#include "common/log.h"

namespace parcours::processor {

kafka::KafkaStatus write_batch(kafka::TransactionalProducer& producer,
                               const std::vector<OutRecord>& records,
                               const std::vector<RdKafka::TopicPartition*>& offsets,
                               const RdKafka::ConsumerGroupMetadata* group, int commit_retries) {
  kafka::KafkaStatus s = producer.begin();
  for (std::size_t i = 0; s.ok() && i < records.size(); ++i) {
    const auto& r = records[i];
    s = producer.produce(r.topic, r.partition, r.key, r.value ? &*r.value : nullptr);
  }
  if (s.ok() && !offsets.empty()) s = producer.send_offsets(offsets, group);
  if (s.ok()) {
    s = producer.commit();
    for (int i = 0; s.failure == kafka::Failure::retriable && i < commit_retries; ++i) {
      s = producer.commit();
    }
  }
  return s;
}

Recovery recovery_for(const kafka::KafkaStatus& failed) {
  return failed.failure == kafka::Failure::abortable ? Recovery::abort_and_rewind
                                                     : Recovery::recreate_and_rewind;
}

std::unique_ptr<kafka::TransactionalProducer> recover_producer(
    std::unique_ptr<kafka::TransactionalProducer> producer, const kafka::KafkaStatus& failed,
    const std::function<std::unique_ptr<kafka::TransactionalProducer>(std::string*)>& make,
    std::string* error) {
  if (recovery_for(failed) == Recovery::abort_and_rewind) {
    const auto a = producer->abort();
    if (a.ok()) return producer;
    common::log_warn("abort failed; re-creating the producer", {{"error", a.message}});
  }
  // Destroy first: the new producer's init_transactions fences the old epoch and aborts
  // whatever it left open.
  producer.reset();
  for (int attempt = 1; attempt <= 5; ++attempt) {
    auto p = make(error);
    if (p) return p;
    common::log_warn("re-creating the producer failed", {{"attempt", attempt}, {"error", *error}});
    std::this_thread::sleep_for(std::chrono::milliseconds(300 * attempt));
  }
  return nullptr;
}

}  // namespace parcours::processor
